#include "kernel/database.h"

#include <QAtomicInteger>
#include <QCoreApplication>
#include <QDateTime>
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QRegularExpression>
#include <QScopeGuard>
#include <QSqlError>
#include <QSqlRecord>
#include <QUrl>
#include <QUrlQuery>

#include <algorithm>
#include <chrono>

namespace guichet {

namespace {

QAtomicInteger<quint64> s_connectionCounter;

QString migrationFolder(Database::Dialect dialect)
{
    return dialect == Database::Dialect::PostgreSql ? QStringLiteral(":/sql/postgresql")
                                                    : QStringLiteral(":/sql/sqlite");
}

struct Migration
{
    int version;
    QString path;
};

QList<Migration> migrations(Database::Dialect dialect)
{
    QList<Migration> result;
    const QDir dir(migrationFolder(dialect));
    static const QRegularExpression name(QStringLiteral("^(\\d+)_.*\\.sql$"));
    for (const QString &file : dir.entryList({ QStringLiteral("*.sql") }, QDir::Files, QDir::Name)) {
        const auto match = name.match(file);
        if (match.hasMatch())
            result.append({ match.captured(1).toInt(), dir.filePath(file) });
    }
    std::sort(result.begin(), result.end(),
              [](const Migration &a, const Migration &b) { return a.version < b.version; });
    return result;
}

QString describe(const QSqlError &error)
{
    QString text = error.databaseText();
    if (text.isEmpty())
        text = error.driverText();
    return text.trimmed();
}

qint64 steadyNowMs()
{
    return std::chrono::duration_cast<std::chrono::milliseconds>(
               std::chrono::steady_clock::now().time_since_epoch())
        .count();
}

} // namespace

bool meansConnectionLost(const QSqlError &error)
{
    if (!error.isValid())
        return false;
    if (error.type() == QSqlError::ConnectionError)
        return true;
    // SQLSTATE class 08 (connection exception), 57P01 admin_shutdown,
    // 57P02 crash_shutdown, 57P03 cannot_connect_now.
    const QString state = error.nativeErrorCode();
    if (state.startsWith(QLatin1String("08")) || state == QLatin1String("57P01")
        || state == QLatin1String("57P02") || state == QLatin1String("57P03"))
        return true;
    // libpq often reports a dropped connection without a SQLSTATE: its texts.
    static const char *const texts[] = {
        "server closed the connection",
        "no connection to the server",
        "terminating connection due to administrator command",
        "terminating connection due to unexpected postmaster exit",
        "could not connect to server",
        "could not send data to server",
        "could not receive data from server",
        "connection to server",
        "ssl connection has been closed unexpectedly",
        "the database system is starting up",
        "the database system is shutting down",
        "the database system is in recovery mode",
        "connection not open",
    };
    const QString text = (error.databaseText() + QLatin1Char(' ') + error.driverText()).toLower();
    for (const char *needle : texts) {
        if (text.contains(QLatin1String(needle)))
            return true;
    }
    return false;
}

QVariantMap recordToMap(const QSqlQuery &query)
{
    QVariantMap map;
    const QSqlRecord record = query.record();
    for (int i = 0; i < record.count(); ++i)
        map.insert(record.fieldName(i), query.value(i));
    return map;
}

QStringList splitSqlScript(const QString &script)
{
    QStringList statements;
    QString current;
    bool inTrigger = false;
    int dollarQuotes = 0;
    static const QRegularExpression triggerStart(
        QStringLiteral("^\\s*CREATE\\s+(TEMP\\s+|TEMPORARY\\s+)?TRIGGER\\b"),
        QRegularExpression::CaseInsensitiveOption);
    const QStringList lines = script.split(QLatin1Char('\n'));
    for (const QString &line : lines) {
        const QString trimmed = line.trimmed();
        if (current.isEmpty() && (trimmed.isEmpty() || trimmed.startsWith(QLatin1String("--"))))
            continue;
        if (current.isEmpty() && triggerStart.match(line).hasMatch())
            inTrigger = true;
        dollarQuotes += line.count(QLatin1String("$$"));
        current += line + QLatin1Char('\n');
        const bool inDollar = dollarQuotes % 2 != 0;
        bool ends = false;
        if (inTrigger)
            ends = trimmed.compare(QLatin1String("END;"), Qt::CaseInsensitive) == 0;
        else
            ends = !inDollar && trimmed.endsWith(QLatin1Char(';'));
        if (ends) {
            statements.append(current.trimmed());
            current.clear();
            inTrigger = false;
            dollarQuotes = 0;
        }
    }
    if (!current.trimmed().isEmpty())
        statements.append(current.trimmed());
    return statements;
}

bool Database::isPostgresLocation(const QString &location)
{
    return location.startsWith(QLatin1String("postgresql://"))
        || location.startsWith(QLatin1String("postgres://"));
}

Database::Database(Dialect dialect, QString location, QString connectionName)
    : m_dialect(dialect)
    , m_location(std::move(location))
    , m_connectionName(std::move(connectionName))
{
}

Database::~Database()
{
    {
        QSqlDatabase db = QSqlDatabase::database(m_connectionName, false);
        if (db.isOpen())
            db.close();
    }
    QSqlDatabase::removeDatabase(m_connectionName);
}

QString Database::displayLocation(const QString &location)
{
    return isPostgresLocation(location) ? QUrl(location).toDisplayString(QUrl::RemovePassword) : location;
}

std::unique_ptr<Database> Database::open(const QString &location, QString *error)
{
    const QString connectionName = QStringLiteral("guichet-%1").arg(++s_connectionCounter);
    const bool postgres = isPostgresLocation(location);
    std::unique_ptr<Database> database(
        new Database(postgres ? Dialect::PostgreSql : Dialect::Sqlite, location, connectionName));

    QSqlDatabase db = QSqlDatabase::addDatabase(
        postgres ? QStringLiteral("QPSQL") : QStringLiteral("QSQLITE"), connectionName);
    if (!db.isValid()) {
        if (error)
            *error
                = QCoreApplication::translate("guichet::Database", "The %1 database driver is not installed.")
                      .arg(postgres ? QStringLiteral("QPSQL") : QStringLiteral("QSQLITE"));
        return nullptr;
    }
    if (postgres) {
        const QUrl url(location);
        if (!url.isValid() || url.host().isEmpty()) {
            if (error)
                *error = QCoreApplication::translate("guichet::Database", "Invalid PostgreSQL URL: %1")
                             .arg(url.toDisplayString(QUrl::RemovePassword));
            return nullptr;
        }
        db.setHostName(url.host());
        db.setPort(url.port(5432));
        db.setUserName(url.userName());
        db.setPassword(url.password());
        QString name = url.path();
        if (name.startsWith(QLatin1Char('/')))
            name.remove(0, 1);
        db.setDatabaseName(name.isEmpty() ? url.userName() : name);
        QStringList options;
        const auto items = QUrlQuery(url).queryItems(QUrl::FullyDecoded);
        bool timeoutGiven = false;
        for (const auto &item : items) {
            options << item.first + QLatin1Char('=') + item.second;
            timeoutGiven = timeoutGiven || item.first == QLatin1String("connect_timeout");
        }
        // A server that does not answer (down, firewalled) must not hold a
        // worker for libpq's default of forever.
        if (!timeoutGiven)
            options << QStringLiteral("connect_timeout=%1").arg(ConnectTimeoutSeconds);
        db.setConnectOptions(options.join(QLatin1Char(';')));
    } else {
        if (location != QLatin1String(":memory:")) {
            const QFileInfo info(location);
            QDir().mkpath(info.absolutePath());
        }
        db.setDatabaseName(location);
        db.setConnectOptions(QStringLiteral("QSQLITE_BUSY_TIMEOUT=5000"));
    }
    if (!db.open()) {
        if (error)
            *error = QCoreApplication::translate("guichet::Database", "Cannot open the database %1: %2")
                         .arg(displayLocation(location), describe(db.lastError()));
        return nullptr;
    }
    try {
        database->configureSession();
    } catch (const DatabaseError &e) {
        if (error)
            *error = e.message();
        return nullptr;
    }
    return database;
}

void Database::configureSession() const
{
    if (isPostgres()) {
        exec(QStringLiteral("SET client_min_messages TO WARNING"));
    } else {
        exec(QStringLiteral("PRAGMA foreign_keys = ON"));
        if (m_location != QLatin1String(":memory:"))
            exec(QStringLiteral("PRAGMA journal_mode = WAL"));
        exec(QStringLiteral("PRAGMA synchronous = NORMAL"));
    }
}

QVariant driverSafeText(Database::Dialect dialect, const QVariant &value)
{
    // QSQLITE binds text as UTF-16, and SQLite reads a leading U+FEFF or U+FFFE
    // as a byte-order mark: it drops the first and byte-swaps the whole text
    // after the second. QPSQL stores UTF-8 as given but reads it back with
    // QString::fromUtf8, which drops a leading U+FEFF. One mark of our own in
    // front is the one dropped, and the text reads back as it was (found by
    // fuzz/structure_import.cpp).
    if (value.typeId() != QMetaType::QString)
        return value;
    const QString text = value.toString();
    const bool sqlite = dialect == Database::Dialect::Sqlite;
    if (text.isEmpty() || (text.at(0) != QChar(0xFEFF) && !(sqlite && text.at(0) == QChar(0xFFFE))))
        return value;
    return QString(QChar(0xFEFF) + text);
}

QSqlDatabase Database::connection() const
{
    return QSqlDatabase::database(m_connectionName, false);
}

void Database::throwFor(const QSqlError &error, const QString &what) const
{
    const QString message
        = what.isEmpty() ? describe(error) : QStringLiteral("%1 [%2]").arg(describe(error), what);
    // QPSQL's isOpen() is libpq's connection status: a dead connection may
    // refuse a statement with no error text at all ("database not open").
    if (isPostgres() && (meansConnectionLost(error) || !connection().isOpen())) {
        if (!m_lost) {
            // Lost while connected: the first reconnection may come at once.
            m_lost = true;
            m_backoffMs = 0;
            m_nextAttemptMs = 0;
        }
        throw DatabaseUnavailable(message);
    }
    throw DatabaseError(message);
}

void Database::beforeStatement() const
{
    if (m_interruptCountdown >= 0 && m_interruptCountdown-- == 0 && m_interrupt)
        m_interrupt();
}

void Database::ensureConnected() const
{
    if (!m_lost && isPostgres() && !connection().isOpen()) {
        // libpq already saw the connection end (e.g. the LISTEN socket of
        // ChangeWatcher read its end): reconnect at once.
        m_lost = true;
        m_backoffMs = 0;
        m_nextAttemptMs = 0;
    }
    if (!m_lost)
        return;
    if (m_transactionDepth > 0)
        throw DatabaseUnavailable(QStringLiteral("the connection was lost inside a transaction"));
    const qint64 now = steadyNowMs();
    if (now < m_nextAttemptMs)
        throw DatabaseUnavailable(
            QStringLiteral("the database is unavailable; next connection attempt in %1 ms")
                .arg(m_nextAttemptMs - now));
    QSqlDatabase db = connection();
    db.close();
    if (!db.open()) {
        m_backoffMs = m_backoffMs == 0 ? FirstRetryMs : std::min(m_backoffMs * 2, MaxRetryMs);
        m_nextAttemptMs = steadyNowMs() + m_backoffMs;
        throw DatabaseUnavailable(QStringLiteral("cannot reconnect to %1: %2")
                                      .arg(displayLocation(m_location), describe(db.lastError())));
    }
    m_lost = false;
    m_backoffMs = 0;
    m_nextAttemptMs = 0;
    ++m_reconnections;
    // The session's own settings are not statements of the caller's request.
    const quint64 completed = m_completed;
    configureSession();
    m_completed = completed;
}

QSqlQuery Database::exec(const QString &sql, const QVariantList &args) const
{
    if (m_failCountdown >= 0 && m_failCountdown-- == 0)
        throw DatabaseError(QStringLiteral("injected failure [%1]").arg(sql.simplified()));
    ensureConnected();
    beforeStatement();
    QSqlQuery query(connection());
    query.setForwardOnly(true);
    if (args.isEmpty()) {
        // Unprepared: PostgreSQL cannot prepare DDL, SET or CREATE DATABASE.
        if (!query.exec(sql))
            throwFor(query.lastError(), sql.simplified());
        ++m_completed;
        return query;
    }
    if (!query.prepare(sql))
        throwFor(query.lastError(), sql.simplified());
    for (const QVariant &arg : args) {
        // A null QString means "no text", not SQL NULL: pass QVariant() for NULL.
        if (arg.typeId() == QMetaType::QString && arg.toString().isNull())
            query.addBindValue(QString(QLatin1String("")));
        else
            query.addBindValue(driverSafeText(m_dialect, arg));
    }
    if (!query.exec())
        throwFor(query.lastError(), sql.simplified());
    ++m_completed;
    return query;
}

std::optional<QVariantMap> Database::row(const QString &sql, const QVariantList &args) const
{
    QSqlQuery query = exec(sql, args);
    if (!query.next())
        return std::nullopt;
    return recordToMap(query);
}

QList<QVariantMap> Database::rows(const QString &sql, const QVariantList &args) const
{
    QSqlQuery query = exec(sql, args);
    QList<QVariantMap> result;
    while (query.next())
        result.append(recordToMap(query));
    return result;
}

QVariant Database::value(const QString &sql, const QVariantList &args) const
{
    QSqlQuery query = exec(sql, args);
    if (!query.next())
        return {};
    return query.value(0);
}

qint64 Database::insert(const QString &sql, const QVariantList &args) const
{
    QSqlQuery query = exec(sql, args);
    if (!query.next())
        throw DatabaseError(QStringLiteral("INSERT returned no id [%1]").arg(sql.simplified()));
    return query.value(0).toLongLong();
}

void Database::begin()
{
    if (m_transactionDepth == 0) {
        if (m_dialect == Dialect::Sqlite) {
            // IMMEDIATE takes the write lock now, so two writers never deadlock
            // on a lock upgrade half-way through a command.
            exec(QStringLiteral("BEGIN IMMEDIATE"));
        } else {
            ensureConnected();
            beforeStatement();
            if (!connection().transaction())
                throwFor(connection().lastError(), QStringLiteral("BEGIN"));
            ++m_completed;
        }
    } else {
        exec(QStringLiteral("SAVEPOINT sp%1").arg(m_transactionDepth));
    }
    ++m_transactionDepth;
}

void Database::commit()
{
    Q_ASSERT(m_transactionDepth > 0);
    // The depth drops only once the commit went through: a failed COMMIT
    // leaves the transaction open for the caller's rollback.
    if (m_transactionDepth == 1) {
        if (m_dialect == Dialect::Sqlite) {
            exec(QStringLiteral("COMMIT"));
        } else {
            if (m_lost)
                throw DatabaseUnavailable(QStringLiteral("the connection was lost inside a transaction"));
            beforeStatement();
            if (!connection().commit())
                throwFor(connection().lastError(), QStringLiteral("COMMIT"));
        }
    } else {
        exec(QStringLiteral("RELEASE SAVEPOINT sp%1").arg(m_transactionDepth - 1));
    }
    --m_transactionDepth;
}

void Database::rollback()
{
    Q_ASSERT(m_transactionDepth > 0);
    --m_transactionDepth;
    try {
        if (m_transactionDepth == 0) {
            if (m_dialect == Dialect::Sqlite)
                exec(QStringLiteral("ROLLBACK"));
            else if (!m_lost)
                connection().rollback();
        } else {
            exec(QStringLiteral("ROLLBACK TO SAVEPOINT sp%1").arg(m_transactionDepth));
            exec(QStringLiteral("RELEASE SAVEPOINT sp%1").arg(m_transactionDepth));
        }
    } catch (const DatabaseError &) {
        // The connection may already have rolled back (e.g. SQLite after some
        // errors); nothing more can be done here.
    }
}

qint64 Database::nextVersion() const
{
    // PostgreSQL: a sequence, marked in flight until COMMIT (0008_version_sequence),
    // so that writers do not wait for each other; the function also notifies
    // 'guichet_changes', delivered on commit. SQLite has one writer at a time:
    // the row's update is as cheap and keeps versions visible in order.
    if (isPostgres())
        return value(QStringLiteral("SELECT guichet_next_version()")).toLongLong();
    return value(
               QStringLiteral("UPDATE counters SET value = value + 1 WHERE name = 'version' RETURNING value"))
        .toLongLong();
}

qint64 Database::currentVersion() const
{
    if (m_pinnedVersion >= 0)
        return m_pinnedVersion;
    if (isPostgres())
        return value(QStringLiteral("SELECT guichet_visible_version()")).toLongLong();
    return value(QStringLiteral("SELECT value FROM counters WHERE name = 'version'")).toLongLong();
}

void Database::pinVersion()
{
    m_pinnedVersion = -1;
    m_pinnedVersion = currentVersion();
}

void Database::unpinVersion()
{
    m_pinnedVersion = -1;
}

void Database::execScript(const QString &script) const
{
    for (const QString &statement : splitSqlScript(script))
        exec(statement);
}

int Database::latestSchemaVersion()
{
    const auto list = migrations(Dialect::Sqlite);
    return list.isEmpty() ? 0 : list.last().version;
}

int Database::schemaVersion() const
{
    try {
        if (!connection().tables().contains(QStringLiteral("schema_migrations")))
            return 0;
        return value(QStringLiteral("SELECT COALESCE(MAX(version), 0) FROM schema_migrations")).toInt();
    } catch (const DatabaseError &) {
        return 0;
    }
}

bool Database::migrate(QString *error)
{
    // SQLite rebuilds a table to change a constraint (0005_sign_up): its foreign keys
    // must be off meanwhile, which only works outside a transaction; they are
    // checked before the migrations commit, and on again afterwards.
    const bool sqlite = !isPostgres();
    if (sqlite) {
        try {
            exec(QStringLiteral("PRAGMA foreign_keys = OFF"));
        } catch (const DatabaseError &e) {
            if (error)
                *error = QCoreApplication::translate("guichet::Database", "Database migration failed: %1")
                             .arg(e.message());
            return false;
        }
    }
    const auto foreignKeysOn = qScopeGuard([this, sqlite] {
        if (sqlite) {
            try {
                exec(QStringLiteral("PRAGMA foreign_keys = ON"));
            } catch (const DatabaseError &) {
            }
        }
    });
    try {
        Transaction transaction(*this);
        if (isPostgres()) {
            // Several guichetd processes may start together on one database.
            exec(QStringLiteral("SELECT pg_advisory_xact_lock(73517001)"));
        }
        exec(QStringLiteral("CREATE TABLE IF NOT EXISTS schema_migrations ("
                            "version INTEGER PRIMARY KEY, applied_at BIGINT NOT NULL)"));
        const int current
            = value(QStringLiteral("SELECT COALESCE(MAX(version), 0) FROM schema_migrations")).toInt();
        for (const Migration &migration : migrations(m_dialect)) {
            if (migration.version <= current)
                continue;
            QFile file(migration.path);
            if (!file.open(QIODevice::ReadOnly))
                throw DatabaseError(QStringLiteral("cannot read migration %1").arg(migration.path));
            execScript(QString::fromUtf8(file.readAll()));
            exec(QStringLiteral("INSERT INTO schema_migrations (version, applied_at) VALUES (?, ?)"),
                 { migration.version, QDateTime::currentMSecsSinceEpoch() });
        }
        if (sqlite && !rows(QStringLiteral("PRAGMA foreign_key_check")).isEmpty())
            throw DatabaseError(QStringLiteral("a migration left rows whose foreign keys point nowhere"));
        transaction.commit();
        return true;
    } catch (const DatabaseError &e) {
        if (error)
            *error = QCoreApplication::translate("guichet::Database", "Database migration failed: %1")
                         .arg(e.message());
        return false;
    }
}

Transaction::Transaction(Database &db)
    : m_db(db)
{
    m_db.begin();
}

Transaction::~Transaction()
{
    if (!m_done)
        m_db.rollback();
}

void Transaction::commit()
{
    m_db.commit();
    m_done = true;
}

} // namespace guichet
