#pragma once

#include <QCoreApplication>
#include <QString>

namespace guichet {

class Database;

// Backup and restore of an SQLite database (guichetctl backup / restore).
// PostgreSQL deployments use pg_dump / pg_restore (docs/OPERATIONS.md).
class Backup
{
    Q_DECLARE_TR_FUNCTIONS(guichet::Backup)

public:
    // An online, consistent copy of the open SQLite database into `target`
    // (VACUUM INTO: readers and writers of other processes keep working).
    // Refuses an existing target. False with *error on failure.
    static bool backupSqlite(const Database &db, const QString &target, QString *error);

    // Checks that `backupFile` is an intact Guichet SQLite database whose schema
    // this version knows, then replaces `databasePath` with it atomically (the
    // old file stays untouched until the copy is complete). guichetd must be
    // stopped. False with *error on failure; then nothing changed.
    static bool restoreSqlite(const QString &backupFile, const QString &databasePath, QString *error);
};

} // namespace guichet
