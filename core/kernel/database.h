#pragma once

#include <QSqlDatabase>
#include <QSqlQuery>
#include <QString>
#include <QVariant>

#include <memory>
#include <optional>
#include <stdexcept>

namespace guichet {

// A failed SQL statement. Thrown by Database's helpers; the command runner
// turns it into an Internal error after rolling back.
class DatabaseError : public std::runtime_error
{
public:
    explicit DatabaseError(const QString &message)
        : std::runtime_error(message.toStdString())
    {
    }
    QString message() const { return QString::fromStdString(what()); }
};

// A piece of an SQL statement (a condition, a sub-query) with the values of
// its '?' placeholders, in order. The caller splices `sql` into its statement
// and `args` into its argument list at the same place.
struct SqlFragment
{
    QString sql;
    QVariantList args;
};

// One connection to the Guichet database: an SQLite file (the default) or a
// PostgreSQL database given as postgresql://user:password@host:port/name.
// Owns its QSqlDatabase connection, which must be used from the thread that
// opened it.
class Database
{
public:
    enum class Dialect { Sqlite, PostgreSql };

    ~Database();
    Database(const Database &) = delete;
    Database &operator=(const Database &) = delete;

    // Opens (creating an SQLite file and its folder if needed). Does not migrate.
    static std::unique_ptr<Database> open(const QString &location, QString *error);
    static bool isPostgresLocation(const QString &location);
    // The location as it may be shown or logged: a postgresql:// URL without
    // its password; a file path as it is.
    static QString displayLocation(const QString &location);

    // Applies the pending migrations of this dialect in one transaction.
    bool migrate(QString *error);
    int schemaVersion() const;
    static int latestSchemaVersion();

    Dialect dialect() const { return m_dialect; }
    bool isPostgres() const { return m_dialect == Dialect::PostgreSql; }
    QString location() const { return m_location; }
    QSqlDatabase connection() const;

    // Prepared statement with positional '?' arguments; throws DatabaseError.
    // A null QString binds as '' (pass QVariant() for SQL NULL).
    QSqlQuery exec(const QString &sql, const QVariantList &args = {}) const;
    // First row as column -> value, or nothing.
    std::optional<QVariantMap> row(const QString &sql, const QVariantList &args = {}) const;
    QList<QVariantMap> rows(const QString &sql, const QVariantList &args = {}) const;
    // First column of the first row, or an invalid QVariant.
    QVariant value(const QString &sql, const QVariantList &args = {}) const;
    // Runs an INSERT ... RETURNING id and gives the id.
    qint64 insert(const QString &sql, const QVariantList &args = {}) const;

    void begin();
    void commit();
    void rollback();
    bool inTransaction() const { return m_transactionDepth > 0; }

    // The next value of the single change counter; call inside a transaction.
    qint64 nextVersion() const;
    // The change counter's current value: the version of the last command that
    // wrote (0 on a new database). The sync feed's checkpoints and guichetd's
    // health route and long polls read it here.
    qint64 currentVersion() const;

    // Fault injection for tests: the statement after the next `count` ones
    // fails with a DatabaseError (-1 turns it off). Lets a test crash a command
    // at every statement and check that nothing half-done remains.
    void failAfterStatements(int count) { m_failCountdown = count; }

private:
    Database(Dialect dialect, QString location, QString connectionName);
    void execScript(const QString &script) const;

    Dialect m_dialect;
    QString m_location;
    QString m_connectionName;
    int m_transactionDepth = 0;
    mutable int m_failCountdown = -1;
};

// Scoped transaction: rolls back unless commit() was called.
class Transaction
{
public:
    explicit Transaction(Database &db);
    ~Transaction();
    Transaction(const Transaction &) = delete;
    Transaction &operator=(const Transaction &) = delete;
    void commit();

private:
    Database &m_db;
    bool m_done = false;
};

// Splits a migration script into statements: at ';' ending a line, except inside
// an SQLite trigger body (until END;) or a PostgreSQL $$ block.
QStringList splitSqlScript(const QString &script);

QVariantMap recordToMap(const QSqlQuery &query);

} // namespace guichet
