// guichetctl backup / restore of the SQLite database (PostgreSQL: pg_dump, docs/OPERATIONS.md).
#include "ctl.h"
#include "kernel/backup.h"
#include "kernel/database.h"

#include <QCommandLineParser>

namespace guichet::ctl {

int commandBackup(const QString &location, const QStringList &args)
{
    QCommandLineParser parser;
    parser.setApplicationDescription(
        Tr::tr("Copy the SQLite database into a new file while it is in use. For PostgreSQL, use pg_dump "
               "(docs/OPERATIONS.md)."));
    parser.addPositionalArgument(QStringLiteral("file"), Tr::tr("The backup file to create."));
    int code = Success;
    if (!parseCommand(parser, args, &code))
        return code;
    const QStringList positional = parser.positionalArguments();
    if (positional.size() != 1)
        return badInput(Tr::tr("backup takes one file name."));
    if (Database::isPostgresLocation(location))
        return badInput(Tr::tr("backup copies SQLite databases; for PostgreSQL use pg_dump "
                               "(docs/OPERATIONS.md)."));
    auto db = openDatabase(location, false, &code);
    if (!db)
        return code;
    QString error;
    if (!Backup::backupSqlite(*db, positional.first(), &error))
        return badInput(error);
    out() << Tr::tr("Backed up %1 to %2.").arg(location, positional.first()) << Qt::endl;
    return Success;
}

int commandRestore(const QString &location, const QStringList &args)
{
    QCommandLineParser parser;
    parser.setApplicationDescription(
        Tr::tr("Replace the SQLite database with a backup made by 'guichetctl backup', after checking it. "
               "Stop guichetd first. For PostgreSQL, use pg_restore (docs/OPERATIONS.md)."));
    parser.addPositionalArgument(QStringLiteral("file"), Tr::tr("The backup file."));
    int code = Success;
    if (!parseCommand(parser, args, &code))
        return code;
    const QStringList positional = parser.positionalArguments();
    if (positional.size() != 1)
        return badInput(Tr::tr("restore takes one backup file."));
    if (Database::isPostgresLocation(location))
        return badInput(Tr::tr("restore replaces SQLite databases; for PostgreSQL use pg_restore "
                               "(docs/OPERATIONS.md)."));
    QString error;
    if (!Backup::restoreSqlite(positional.first(), location, &error))
        return badInput(error);
    out() << Tr::tr("Restored %1 from %2.").arg(location, positional.first()) << Qt::endl;
    return Success;
}

} // namespace guichet::ctl
