#pragma once

#include "kernel/database.h"

#include <QString>
#include <QTemporaryDir>

#include <memory>

namespace guichet::test {

// A fresh, migrated database for one test, on the back-end named by
// GUICHET_TEST_BACKEND (sqlite, the default, or postgresql). The PostgreSQL one
// is a new database on the cluster at GUICHET_TEST_PG_URL, dropped afterwards.
class TestDatabase
{
public:
    TestDatabase();
    ~TestDatabase();

    // False (with error()) when the database could not be created.
    bool isValid() const { return m_database != nullptr; }
    QString error() const { return m_error; }
    Database &db() { return *m_database; }
    // Where it lives, for tools that open it themselves (guichetctl --database).
    QString location() const { return m_location; }
    // Opens another connection to the same database.
    std::unique_ptr<Database> openAnother() const;

    static bool usesPostgres();
    static QString backendName();

private:
    QTemporaryDir m_dir;
    QString m_location;
    QString m_adminUrl;
    QString m_pgName;
    QString m_error;
    std::unique_ptr<Database> m_database;
};

} // namespace guichet::test

// Fails the current test function unless the test database is usable.
#define GUICHET_REQUIRE_DB(testDb)                                                                           \
    do {                                                                                                     \
        if (!(testDb).isValid())                                                                             \
            QFAIL(qPrintable((testDb).error()));                                                             \
    } while (false)

namespace guichet::test {
// Every row of every Guichet table, in a stable order: two snapshots compare
// equal when a command left the database untouched.
QString snapshot(Database &db, const QStringList &exceptTables = {});
// The same, without applied_commands: the gateway records every command id's
// outcome there (refusals too, so that a retry gets the same answer), which is
// bookkeeping, not a change of the user's data.
QString dataSnapshot(Database &db);
// PostgreSQL: ends the backend process of `victim`'s connection from another
// connection of the same database (pg_terminate_backend) and waits until it is
// gone, as a server restart or an administrator would. False when it failed.
bool terminateBackend(Database &victim, Database &other);
} // namespace guichet::test
