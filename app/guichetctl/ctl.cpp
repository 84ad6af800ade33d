#include "ctl.h"

#include "kernel/core.h"
#include "kernel/database.h"
#include "kernel/paths.h"
#include "mail/mailoutbox.h"
#include "rules/accounts/accounts.h"
#include "rules/attachments/attachments.h"
#include "rules/spaces/subscriptions.h"
#include "rules/structures/structures.h"
#include "translations/translations.h"

#include <QCommandLineParser>
#include <QCoreApplication>
#include <QTextStream>

namespace guichet::ctl {

QTextStream &out()
{
    static QTextStream stream(stdout);
    return stream;
}

QTextStream &err()
{
    static QTextStream stream(stderr);
    return stream;
}

int badInput(const QString &reason)
{
    err() << QStringLiteral("guichetctl: ") << reason << Qt::endl;
    return BadInput;
}

int failure(const QString &reason)
{
    err() << QStringLiteral("guichetctl: ") << reason << Qt::endl;
    return Failure;
}

bool parseCommand(QCommandLineParser &parser, const QStringList &args, int *exitCode)
{
    parser.addHelpOption();
    if (!parser.parse(args)) {
        *exitCode = badInput(parser.errorText());
        return false;
    }
    if (parser.isSet(QStringLiteral("help"))) {
        out() << parser.helpText();
        *exitCode = Success;
        return false;
    }
    return true;
}

std::unique_ptr<Database> openDatabase(const QString &location, bool migrate, int *exitCode)
{
    QString error;
    auto db = Database::open(location, &error);
    if (!db) {
        *exitCode = failure(error);
        return nullptr;
    }
    if (migrate && !db->migrate(&error)) {
        *exitCode = failure(error);
        return nullptr;
    }
    if (!migrate && db->schemaVersion() == 0) {
        *exitCode = failure(Tr::tr("The database %1 is not initialised: run 'guichetctl init' first.")
                                .arg(Database::displayLocation(location)));
        return nullptr;
    }
    return db;
}

int commandInit(const QString &location, const QStringList &args)
{
    QCommandLineParser parser;
    parser.setApplicationDescription(Tr::tr("Create the database or bring its schema up to date."));
    int code = Success;
    if (!parseCommand(parser, args, &code))
        return code;
    if (!parser.positionalArguments().isEmpty())
        return badInput(Tr::tr("init takes no argument."));
    auto db = openDatabase(location, true, &code);
    if (!db)
        return code;
    out() << Tr::tr("Database %1 is at schema version %2.")
                 .arg(Database::displayLocation(location))
                 .arg(db->schemaVersion())
          << Qt::endl;
    return Success;
}

int commandStatus(const QString &location, const QStringList &args)
{
    QCommandLineParser parser;
    parser.setApplicationDescription(Tr::tr("Summarise what the database holds."));
    int code = Success;
    if (!parseCommand(parser, args, &code))
        return code;
    auto db = openDatabase(location, false, &code);
    if (!db)
        return code;
    SystemClock clock;
    Core core(*db, clock);
    const UserCounts users = Accounts(core).userCounts();
    out() << Tr::tr("Database: %1 (schema version %2)")
                 .arg(Database::displayLocation(location))
                 .arg(db->schemaVersion())
          << '\n'
          << Tr::tr("Structures: %1").arg(Structures(core).total()) << '\n'
          << Tr::tr("Users: %1 (%2 deactivated)").arg(users.total).arg(users.deactivated) << '\n'
          << Tr::tr("Pending attachment requests: %1").arg(Attachments(core).pendingCount()) << '\n'
          << Tr::tr("Pending subscription requests: %1").arg(Subscriptions(core).pendingCount()) << '\n'
          << Tr::tr("Mails waiting in the outbox: %1").arg(MailOutbox(core).unsentCount()) << Qt::endl;
    return Success;
}

namespace {

struct CommandEntry
{
    const char *name;
    const char *summary; // translated through Tr at display time
    CommandFunction function;
};

// Every command, in the order --help lists them. Add yours here.
const CommandEntry s_commands[] = {
    { "init", QT_TRANSLATE_NOOP("guichet::ctl", "create or migrate the database"), commandInit },
    { "status", QT_TRANSLATE_NOOP("guichet::ctl", "summarise what the database holds"), commandStatus },
    { "demo", QT_TRANSLATE_NOOP("guichet::ctl", "fill an empty database with demo data"), commandDemo },
    { "users",
      QT_TRANSLATE_NOOP("guichet::ctl",
                        "add a user, mail a reactivation link, list users, export a structure's users"),
      commandUsers },
    { "audit", QT_TRANSLATE_NOOP("guichet::ctl", "print or export the audit log"), commandAudit },
    { "import-structures", QT_TRANSLATE_NOOP("guichet::ctl", "import structures from a CSV file"),
      commandImportStructures },
    { "structures", QT_TRANSLATE_NOOP("guichet::ctl", "search structures ('structures search --help')"),
      commandStructures },
    { "mail",
      QT_TRANSLATE_NOOP("guichet::ctl",
                        "deliver the mail outbox, queue the notification digests ('mail --help')"),
      commandMail },
    { "bench-data", QT_TRANSLATE_NOOP("guichet::ctl", "add synthetic structures for benchmarks"),
      commandBenchData },
    { "backup", QT_TRANSLATE_NOOP("guichet::ctl", "copy the SQLite database into a backup file"),
      commandBackup },
    { "restore", QT_TRANSLATE_NOOP("guichet::ctl", "replace the SQLite database with a checked backup"),
      commandRestore },
};

int commandDatabasePath(const QString &location, const QStringList &)
{
    out() << location << Qt::endl;
    return Success;
}

} // namespace

int run(const QStringList &arguments)
{
    setApplicationIdentity(QStringLiteral("guichetctl"));
    installTranslations(QLocale::system());

    QCommandLineParser parser;
    QString description
        = Tr::tr("Guichet operator tool.") + QStringLiteral("\n\n") + Tr::tr("Commands:") + QLatin1Char('\n');
    for (const CommandEntry &entry : s_commands)
        description += QStringLiteral("  %1 %2\n")
                           .arg(QString::fromLatin1(entry.name), -22)
                           .arg(Tr::tr(entry.summary));
    description += QStringLiteral("  %1 %2\n")
                       .arg(QStringLiteral("database-path"), -22)
                       .arg(Tr::tr("print the database location in use"));
    description
        += QLatin1Char('\n') + Tr::tr("Run 'guichetctl COMMAND --help' for the options of a command.");
    parser.setApplicationDescription(description);
    parser.addHelpOption();
    parser.addVersionOption();
    parser.addOption({ QStringLiteral("database"),
                       Tr::tr("SQLite file or postgresql://user:password@host:port/name (default: %1).")
                           .arg(defaultDatabaseLocation()),
                       Tr::tr("location") });
    parser.addPositionalArgument(QStringLiteral("command"), Tr::tr("The command to run."));
    // Options after the command belong to the command.
    parser.setOptionsAfterPositionalArgumentsMode(QCommandLineParser::ParseAsPositionalArguments);
    if (!parser.parse(arguments))
        return badInput(parser.errorText());
    if (parser.isSet(QStringLiteral("version"))) {
        out() << QCoreApplication::applicationName() << ' ' << QCoreApplication::applicationVersion()
              << Qt::endl;
        return Success;
    }
    const QStringList positional = parser.positionalArguments();
    if (parser.isSet(QStringLiteral("help")) || positional.isEmpty()) {
        out() << parser.helpText();
        return positional.isEmpty() && !parser.isSet(QStringLiteral("help")) ? BadInput : Success;
    }
    const QString location = parser.isSet(QStringLiteral("database"))
        ? parser.value(QStringLiteral("database"))
        : defaultDatabaseLocation();
    const QString command = positional.first();
    QStringList commandArgs = positional.mid(1);
    commandArgs.prepend(QStringLiteral("guichetctl ") + command);

    for (const CommandEntry &entry : s_commands) {
        if (command == QLatin1String(entry.name))
            return entry.function(location, commandArgs);
    }
    if (command == QLatin1String("database-path"))
        return commandDatabasePath(location, commandArgs);
    return badInput(Tr::tr("unknown command '%1' (see guichetctl --help).").arg(command));
}

} // namespace guichet::ctl
