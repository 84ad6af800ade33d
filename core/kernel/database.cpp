#include "kernel/database.h"

#include "kernel/pagecache.h"

#include <QAtomicInteger>
#include <QCoreApplication>
#include <QDateTime>
#include <QDebug>
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QRegularExpression>
#include <QScopeGuard>
#include <QSqlDriver>
#include <QSqlError>
#include <QSqlField>
#include <QSqlRecord>
#include <QUrl>
#include <QUrlQuery>

#include <algorithm>
#include <chrono>

#ifdef GUICHET_SQLITE_C_API
#include <sqlite3.h>
#endif

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
        // plan_cache_mode stays PostgreSQL's auto: a statement prepared once
        // per connection (execPostgres) keeps a generic plan once it is
        // found as good as planning for each value. Searches, whose plan
        // depends on their values, send them written in (CustomPlans).
        // Short reads (a page of 50, a bounded count): starting parallel
        // workers cost more than they save (a walk of the sort key index that
        // reads 1,500 rows took 270 ms, 0.2 ms without them).
        exec(QStringLiteral("SET max_parallel_workers_per_gather TO 0"));
        // A sequential scan starts at the table's first page, not where a
        // concurrent one is: the structure search's sample of the table's
        // first rows is then the same rows each time (and stays cached).
        exec(QStringLiteral("SET synchronize_seqscans TO off"));
    } else {
        exec(QStringLiteral("PRAGMA foreign_keys = ON"));
        if (m_location != QLatin1String(":memory:"))
            exec(QStringLiteral("PRAGMA journal_mode = WAL"));
        exec(QStringLiteral("PRAGMA synchronous = NORMAL"));
        // SQLite's default page cache is 2 MB: on a directory of a million
        // structures (~650 MB) a search then reads most of its index pages
        // from the OS again with one pread each, several times the cost of
        // the search itself (docs/PERFORMANCE.md, « 25-query mix »). The
        // cache fills only with the pages read, up to 64 MiB a connection.
        setPageCacheKiB(*this, SearchPageCacheKiB);
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

QSqlDatabase Database::rawConnection() const
{
    return QSqlDatabase::database(m_connectionName, false);
}

QSqlDatabase Database::connection() const
{
    // A caller's own statements belong to the transaction already begun.
    if (!m_held.isEmpty())
        exec(QStringLiteral("SELECT 1"));
    return rawConnection();
}

sqlite3 *Database::sqliteHandle() const
{
#ifdef GUICHET_SQLITE_C_API
    if (isPostgres())
        return nullptr;
    const QSqlDatabase db = connection();
    // Qt documents QSqlDriver::handle() as a "sqlite3*" for QSQLITE.
    const QVariant handle = db.driver() ? db.driver()->handle() : QVariant();
    if (!handle.isValid() || qstrcmp(handle.typeName(), "sqlite3*") != 0)
        return nullptr;
    sqlite3 *sqlite = *static_cast<sqlite3 *const *>(handle.constData());
    if (!sqlite
        || value(QStringLiteral("SELECT sqlite_source_id()")).toString() != QLatin1String(sqlite3_sourceid()))
        return nullptr;
    return sqlite;
#else
    return nullptr;
#endif
}

void Database::throwFor(const QSqlError &error, const QString &what) const
{
    const QString message
        = what.isEmpty() ? describe(error) : QStringLiteral("%1 [%2]").arg(describe(error), what);
    // QPSQL's isOpen() is libpq's connection status: a dead connection may
    // refuse a statement with no error text at all ("database not open").
    if (isPostgres() && (meansConnectionLost(error) || !rawConnection().isOpen())) {
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
    if (!m_lost && isPostgres() && !rawConnection().isOpen()) {
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
    // Prepared on the connection that is gone; the schema and the versions
    // seen are read again on the new one.
    forgetPrepared(false);
    m_sessionsNotified = -1;
    m_versionProbe = -1;
    m_visibleSeen = 0;
    QSqlDatabase db = rawConnection();
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

namespace {

// What a '?' argument binds as: a null QString means "no text", not SQL NULL
// (pass QVariant() for NULL); see driverSafeText for the leading marks.
QVariant bindable(Database::Dialect dialect, const QVariant &arg)
{
    if (arg.typeId() == QMetaType::QString && arg.toString().isNull())
        return QString(QLatin1String(""));
    return driverSafeText(dialect, arg);
}

// SQL NULL, as QSqlQuery's own binding reads it.
bool isNullValue(const QVariant &value)
{
    if (value.isNull())
        return true;
    switch (value.typeId()) {
    case QMetaType::QByteArray:
        return value.toByteArray().isNull();
    case QMetaType::QDate:
        return value.toDate().isNull();
    case QMetaType::QTime:
        return value.toTime().isNull();
    case QMetaType::QDateTime:
        return value.toDateTime().isNull();
    default:
        return false;
    }
}

// '?' placeholders outside quoted text and names, each replaced by what
// `placeholder` gives for its index (0, 1, …); the count of them in `*count`.
template<typename Placeholder>
QString replacePlaceholders(const QString &sql, Placeholder placeholder, int *count)
{
    QString result;
    result.reserve(sql.size() + sql.size() / 4);
    QChar closingQuote;
    *count = 0;
    for (const QChar ch : sql) {
        if (!closingQuote.isNull()) {
            if (ch == closingQuote)
                closingQuote = QChar();
            result += ch;
        } else if (ch == QLatin1Char('?')) {
            result += placeholder((*count)++);
        } else {
            if (ch == QLatin1Char('\'') || ch == QLatin1Char('"'))
                closingQuote = ch;
            result += ch;
        }
    }
    return result;
}

// '?' placeholders as PostgreSQL's $1, $2, …, as QPSQL does before its own PREPARE.
QString numberedPlaceholders(const QString &sql)
{
    int count = 0;
    return replacePlaceholders(
        sql, [](int index) -> QString { return QLatin1Char('$') + QString::number(index + 1); }, &count);
}

// A value as an SQL literal, written by the driver as QPSQL's own EXECUTE
// writes it (quotes doubled, backslashes as the server reads them).
QString sqlLiteral(Database::Dialect dialect, const QSqlDriver &driver, const QVariant &arg)
{
    const QVariant value = bindable(dialect, arg);
    QSqlField field;
    field.setMetaType(value.metaType());
    if (isNullValue(value))
        field.clear();
    else
        field.setValue(value);
    return driver.formatValue(field);
}

} // namespace

void Database::beforeSending(const QString &sql) const
{
    if (m_failCountdown >= 0 && m_failCountdown-- == 0)
        throw DatabaseError(QStringLiteral("injected failure [%1]").arg(sql.simplified()));
    ensureConnected();
    beforeStatement();
}

QSqlQuery Database::exec(const QString &sql, const QVariantList &args) const
{
    beforeSending(sql);
    if (isPostgres())
        return execPostgres(sql, args);
    QSqlQuery query(rawConnection());
    query.setForwardOnly(true);
    if (args.isEmpty()) {
        if (!query.exec(sql))
            throwFor(query.lastError(), sql.simplified());
        ++m_completed;
        return query;
    }
    if (!query.prepare(sql))
        throwFor(query.lastError(), sql.simplified());
    for (const QVariant &arg : args)
        query.addBindValue(bindable(m_dialect, arg));
    if (!query.exec())
        throwFor(query.lastError(), sql.simplified());
    ++m_completed;
    return query;
}

QString Database::preparedStatement(const QString &sql, const QVariantList &args) const
{
    // Without arguments, the text as it is (PostgreSQL cannot prepare DDL, SET
    // or CREATE DATABASE). With arguments: QPSQL would send PREPARE, EXECUTE
    // and DEALLOCATE for each QSqlQuery, three round trips for one statement.
    // Here each statement is prepared once per connection, under a name of
    // its own, and then only EXECUTEd, its values written as QPSQL writes them
    // (the driver's formatValue, as in its own EXECUTE). A prepared statement
    // outlives a rolled-back transaction. Inside CustomPlans, the values are
    // written into the statement instead, and it is planned for them.
    if (args.isEmpty())
        return sql;
    QSqlDatabase db = rawConnection();
    if (m_customPlans > 0) {
        // Planned for these values at each execution (CustomPlans). In
        // parentheses: a negative number after a minus sign is not a comment.
        int count = 0;
        QString statement = replacePlaceholders(
            sql,
            [&](int index) -> QString {
                if (index >= args.size())
                    return QStringLiteral("?");
                return QLatin1Char('(') + sqlLiteral(m_dialect, *db.driver(), args.at(index))
                    + QLatin1Char(')');
            },
            &count);
        if (count != args.size())
            throw DatabaseError(QStringLiteral("%1 values for %2 placeholders [%3]")
                                    .arg(args.size())
                                    .arg(count)
                                    .arg(sql.simplified()));
        return statement;
    }
    QString name = m_prepared.value(sql);
    if (name.isEmpty()) {
        if (m_prepared.size() >= MaxPreparedStatements) {
            // Held statements may name prepared ones: they go first.
            const bool heldPrepared = m_heldWrites
                || std::any_of(m_prefetched.cbegin(), m_prefetched.cend(),
                               [](const Prefetch &prefetch) { return !prefetch.ready; });
            if (heldPrepared)
                execPostgres(QStringLiteral("SELECT 1"), {});
            forgetPrepared(true);
        }
        name = QStringLiteral("guichet_%1").arg(++m_preparedCount);
        QSqlQuery prepare(db);
        if (!prepare.exec(QStringLiteral("PREPARE %1 AS %2").arg(name, numberedPlaceholders(sql))))
            throwFor(prepare.lastError(), sql.simplified());
        m_prepared.insert(sql, name);
    }
    QString statement = QStringLiteral("EXECUTE ") + name + QLatin1Char('(');
    for (int i = 0; i < args.size(); ++i) {
        if (i > 0)
            statement += QLatin1String(", ");
        statement += sqlLiteral(m_dialect, *db.driver(), args.at(i));
    }
    statement += QLatin1Char(')');
    return statement;
}

void Database::hold(const QString &statement) const
{
    m_held += statement + QLatin1String("; ");
    ++m_heldCount;
}

void Database::execLater(const QString &sql, const QVariantList &args) const
{
    if (!isPostgres() || m_transactionDepth == 0) {
        exec(sql, args);
        return;
    }
    beforeSending(sql);
    hold(preparedStatement(sql, args));
    m_heldWrites = true;
}

QSqlQuery Database::execPostgres(const QString &sql, const QVariantList &args, int before) const
{
    QString statement = preparedStatement(sql, args);
    // BEGIN or SAVEPOINT, held back by begin(), go with the next statement,
    // in one round trip: QPSQL answers each statement of the text in turn.
    // So do the writes held back by execLater().
    QString what = sql.simplified();
    // Rows prefetched by an earlier round trip: this statement may change them.
    m_prefetched.removeIf([](const Prefetch &prefetch) { return prefetch.ready; });
    int held = 0;
    if (!m_held.isEmpty()) {
        held = std::exchange(m_heldCount, 0);
        before += held;
        if (std::exchange(m_heldWrites, false))
            what += QLatin1String(", or a write held back before it");
        statement.prepend(std::exchange(m_held, QString()));
    }
    // A failed round trip answers none of the held reads.
    auto unanswered = qScopeGuard([this, held] {
        if (held == 0)
            return;
        if (m_reserved.held)
            m_reserved = {};
        m_prefetched.removeIf([](const Prefetch &prefetch) { return !prefetch.ready; });
    });
    QSqlQuery query(rawConnection());
    query.setForwardOnly(true);
    if (!query.exec(statement))
        throwFor(query.lastError(), what);
    // The caller's result is the last one; an error of any statement shows here.
    for (int i = 0; i < before; ++i) {
        if (i < held)
            capture(query, i);
        if (!query.nextResult())
            throwFor(query.lastError(), what);
    }
    unanswered.dismiss();
    ++m_completed;
    return query;
}

void Database::capture(QSqlQuery &query, int index) const
{
    if (m_reserved.held && m_reserved.heldIndex == index) {
        m_reserved.held = false;
        m_reserved.version = query.next() ? query.value(0).toLongLong() : 0;
        if (m_reserved.version <= 0)
            throw DatabaseError(QStringLiteral("guichet_next_version() returned no version"));
        return;
    }
    for (Prefetch &prefetch : m_prefetched) {
        if (!prefetch.ready && prefetch.heldIndex == index) {
            prefetch.ready = true;
            prefetch.row = query.next() ? std::optional<QVariantMap>(recordToMap(query)) : std::nullopt;
            return;
        }
    }
}

namespace {
const QString reserveStatement = QStringLiteral("SELECT guichet_next_version()");
// The notification of a version (its text the one '?' value) that wakes
// every guichetd's long-polls, in a select list: its statement runs in a
// transaction of its own, which writes nothing the disk must hold first.
const QString notifyChanges
    = QStringLiteral("set_config('synchronous_commit', 'off', true), pg_notify('guichet_changes', ?)");
} // namespace

void Database::reserveVersion() const
{
    // One per transaction: a second version (a transaction running several
    // commands) comes from nextVersion()'s own round trip.
    if (!isPostgres() || m_transactionDepth == 0 || m_reserved.held || m_reserved.version > 0)
        return;
    beforeSending(reserveStatement);
    m_reserved = {};
    m_reserved.held = true;
    m_reserved.heldIndex = m_heldCount;
    m_reserved.heldOffset = int(m_held.size());
    m_reserved.depth = m_transactionDepth;
    hold(reserveStatement);
}

void Database::dropReservation() const
{
    if (m_reserved.held) {
        // Never sent: out of the held statements (only appended to, or a
        // trailing SAVEPOINT chopped, since it went in).
        m_held.remove(m_reserved.heldOffset, reserveStatement.size() + 2);
        --m_heldCount;
        for (Prefetch &prefetch : m_prefetched) {
            if (!prefetch.ready && prefetch.heldIndex > m_reserved.heldIndex)
                --prefetch.heldIndex;
        }
    }
    m_reserved = {};
}

void Database::prefetchRow(const QString &sql, const QVariantList &args) const
{
    if (!isPostgres() || m_transactionDepth == 0)
        return;
    beforeSending(sql);
    // Prepared first: preparing may send what is held (see preparedStatement).
    const QString statement = preparedStatement(sql, args);
    Prefetch prefetch;
    prefetch.sql = sql;
    prefetch.args = args;
    prefetch.heldIndex = m_heldCount;
    hold(statement);
    m_prefetched.append(std::move(prefetch));
}

void Database::forgetPrepared(bool deallocate) const
{
    if (deallocate && !m_prepared.isEmpty()) {
        QSqlQuery query(rawConnection());
        query.exec(QStringLiteral("DEALLOCATE ALL"));
    }
    m_prepared.clear();
}

std::optional<QVariantMap> Database::row(const QString &sql, const QVariantList &args) const
{
    for (qsizetype i = 0; i < m_prefetched.size(); ++i) {
        const Prefetch &prefetch = m_prefetched.at(i);
        if (prefetch.ready && prefetch.sql == sql && prefetch.args == args)
            return m_prefetched.takeAt(i).row;
    }
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

void Database::joinNextLevel()
{
    Q_ASSERT(m_transactionDepth > 0 && !m_joinOpen);
    // Outside a transaction, or with a joined level open already (one per
    // transaction is tracked): the next level opens a savepoint as usual.
    if (m_transactionDepth == 0 || m_joinOpen)
        return;
    m_joinLevel = m_transactionDepth + 1;
}

void Database::endJoinBelow()
{
    // The joined level, or the one that asked for it, ended.
    if (m_transactionDepth < m_joinLevel) {
        m_joinLevel = 0;
        m_joinOpen = false;
    }
    if (m_transactionDepth == 0)
        m_doomed = false;
}

void Database::begin()
{
    if (m_transactionDepth > 0 && m_transactionDepth + 1 == m_joinLevel && !m_joinOpen) {
        // Joined (joinNextLevel()): no savepoint, nothing held.
        m_joinOpen = true;
        ++m_transactionDepth;
        return;
    }
    if (m_dialect == Dialect::Sqlite) {
        // IMMEDIATE takes the write lock now, so two writers never deadlock
        // on a lock upgrade half-way through a command.
        exec(m_transactionDepth == 0 ? QStringLiteral("BEGIN IMMEDIATE")
                                     : QStringLiteral("SAVEPOINT sp%1").arg(m_transactionDepth));
    } else if (m_transactionDepth == 0) {
        // PostgreSQL: held back, to go with the first statement (one round
        // trip less); a transaction with no statement sends nothing.
        beforeSending(QStringLiteral("BEGIN"));
        probeSchema();
        clearHeld();
        hold(QStringLiteral("BEGIN"));
        m_takenVersion = 0;
        m_takenBeforeSavepoint.clear();
        m_pendingRelease = 0;
        m_reserved = {};
        m_prefetched.clear();
    } else {
        const QString savepoint = QStringLiteral("SAVEPOINT sp%1").arg(m_transactionDepth);
        beforeSending(savepoint);
        m_takenBeforeSavepoint.append(m_takenVersion);
        // The savepoint committed last (and any after it) goes now too.
        if (m_pendingRelease > 0)
            hold(QStringLiteral("RELEASE SAVEPOINT sp%1").arg(std::exchange(m_pendingRelease, 0)));
        hold(savepoint);
    }
    ++m_transactionDepth;
}

bool Database::dropHeldSavepoint()
{
    // The level's SAVEPOINT still held back: nothing ran inside it.
    const QString savepoint = QStringLiteral("SAVEPOINT sp%1; ").arg(m_transactionDepth - 1);
    if (!m_held.endsWith(savepoint))
        return false;
    m_held.chop(savepoint.size());
    --m_heldCount;
    return true;
}

void Database::commit()
{
    Q_ASSERT(m_transactionDepth > 0);
    // The depth drops only once the commit went through: a failed COMMIT
    // leaves the transaction open for the caller's rollback.
    if (m_doomed)
        throw DatabaseError(QStringLiteral(
            "COMMIT refused: a joined part of this transaction rolled back, so it can only roll back"));
    if (m_joinOpen && m_transactionDepth == m_joinLevel) {
        // Joined: nothing to send. What it reserved or used now belongs to
        // the level around it, as a released savepoint's would.
        if (m_reserved.depth == m_transactionDepth)
            --m_reserved.depth;
        if (m_reserved.usedAt == m_transactionDepth)
            --m_reserved.usedAt;
        --m_transactionDepth;
        endJoinBelow();
        return;
    }
    if (m_dialect == Dialect::Sqlite) {
        exec(m_transactionDepth == 1 ? QStringLiteral("COMMIT")
                                     : QStringLiteral("RELEASE SAVEPOINT sp%1").arg(m_transactionDepth - 1));
    } else if (m_transactionDepth > 1) {
        // Released with the next SAVEPOINT or by the COMMIT: one round trip
        // less per nested transaction (each command with a command id).
        // Releasing it also releases any later one.
        if (!dropHeldSavepoint()) {
            const int level = m_transactionDepth - 1;
            m_pendingRelease = m_pendingRelease > 0 ? std::min(m_pendingRelease, level) : level;
        }
        if (!m_takenBeforeSavepoint.isEmpty())
            m_takenBeforeSavepoint.removeLast(); // its version, if any, stays taken
        // A reserved version taken or used at this level now belongs to the one around it.
        if (m_reserved.depth == m_transactionDepth)
            --m_reserved.depth;
        if (m_reserved.usedAt == m_transactionDepth)
            --m_reserved.usedAt;
    } else {
        m_prefetched.clear();
        if (m_reserved.held) {
            dropReservation(); // never sent: nothing taken
        } else if (m_reserved.version > 0 && m_reserved.usedAt == 0) {
            // Taken but not used: given back with the COMMIT, as a rolled-back
            // writer's would be (readers skip a version without a row).
            const qint64 unused = std::exchange(m_reserved.version, 0);
            execLater(QStringLiteral("DELETE FROM committed_versions WHERE version = ?"), { unused });
        }
        m_reserved = {};
        commitTopLevel();
    }
    --m_transactionDepth;
    endJoinBelow();
}

void Database::commitTopLevel()
{
    if (m_held.startsWith(QLatin1String("BEGIN")) && !m_heldWrites) {
        clearHeld(); // nothing was sent: nothing to commit
    } else {
        if (m_lost)
            throw DatabaseUnavailable(QStringLiteral("the connection was lost inside a transaction"));
        if (!m_heldWrites)
            clearHeld(); // a release the COMMIT does as well
        if (m_takenVersion > 0 || m_heldWrites) {
            commitAndNotify(m_takenVersion);
        } else {
            beforeStatement();
            if (!rawConnection().commit())
                throwFor(rawConnection().lastError(), QStringLiteral("COMMIT"));
        }
        m_pendingRelease = 0;
        m_takenVersion = 0;
    }
}

void Database::clearHeld() const
{
    m_held.clear();
    m_heldCount = 0;
    m_heldWrites = false;
}

void Database::commitAndNotify(qint64 version)
{
    // Every guichetd LISTENs: this wakes the other instances' long-polls and
    // tells the session caches that something committed. The NOTIFY runs
    // after the COMMIT, in the same round trip but a transaction of its own
    // that does not wait for the disk: a NOTIFY in the command's transaction
    // would hold PostgreSQL's notification lock across its COMMIT and fsync,
    // and commands would commit one at a time. It reads the version's
    // committed_versions row, which only the commit makes visible: a
    // transaction that had failed (PostgreSQL then answers ROLLBACK to the
    // COMMIT, which QSqlQuery cannot tell) notifies nothing and throws here.
    // Where the counter stands is left to the readers (ChangeWatcher reads
    // it once per burst of notifications): computing it scans pg_locks.
    // The writes held back (execLater()) go first, in the same round trip.
    beforeStatement();
    if (version == 0) {
        execPostgres(QStringLiteral("COMMIT"), {});
        return;
    }
    if (!m_notifyOnCommit) {
        commitChecked(version);
        return;
    }
    // Whether it ended sessions (0013_session_notifications) is read in the
    // same round trip; on a database without that function (not migrated
    // that far, or not known yet) every commit says it may have.
    // Prepared once per connection like any statement with values: with the
    // version written in, PostgreSQL would parse and plan it for each commit
    // (a third of its cost: 0.035 of 0.055 ms, issue 14).
    const QString check = QStringLiteral("SELECT %1, %2 FROM committed_versions WHERE version = ?")
                              .arg(m_sessionsNotified > 0 ? QStringLiteral("guichet_sessions_ended()")
                                                          : QStringLiteral("true"),
                                   notifyChanges);
    const QVariantList checkArgs { QString::number(version), version };
    // Prepared first: preparing may send what is held (see preparedStatement).
    const QString statement = QStringLiteral("COMMIT; ") + preparedStatement(check, checkArgs);
    QSqlQuery query = execPostgres(statement, {});
    // The COMMIT went through. A failure of the NOTIFY leaves the command
    // standing: listeners find it on their next read (the watcher re-reads
    // every few seconds).
    bool committed = false;
    try {
        if (!query.nextResult())
            throwFor(query.lastError(), QStringLiteral("NOTIFY guichet_changes"));
        committed = query.next();
        if (committed && query.value(0).toBool())
            m_sessionsEnded = true;
    } catch (const DatabaseError &error) {
        qWarning().noquote() << "guichet: cannot notify version" << version << ":" << error.message();
        // Whether it ended sessions is unknown: say it may have.
        m_sessionsEnded = true;
        return;
    }
    if (!committed)
        throw DatabaseError(QStringLiteral("COMMIT: the transaction had failed and was rolled back"));
}

void Database::commitChecked(qint64 version)
{
    // Without notifyOnCommit nothing has to follow the COMMIT: the check
    // comes just before it, in the same round trip. It tells the same two
    // things. A transaction that had failed (where PostgreSQL would answer
    // ROLLBACK to the COMMIT, which QSqlQuery cannot tell) fails any
    // statement first ("current transaction is aborted"), this read too,
    // and PostgreSQL then runs nothing after it: the COMMIT is never sent,
    // the caller rolls back. Whether the transaction ended sessions is
    // already known: 0013_session_notifications' triggers are statement
    // triggers (not deferred), run by the statements that changed them; the
    // read clears the mark inside the transaction, so a rollback restores it
    // as it was. What PostgreSQL still refuses at the COMMIT itself (a
    // deferred constraint, a serialisation failure) is its statement's
    // error, the second result, thrown here. Nothing follows the COMMIT:
    // PostgreSQL ends the round trip with it, with no transaction of its
    // own for the check (notifyOnCommit's NOTIFY must stay after it).
    const QString check = m_sessionsNotified > 0 ? QStringLiteral("SELECT guichet_sessions_ended()")
                                                 : QStringLiteral("SELECT true");
    QSqlQuery query = execPostgres(check + QStringLiteral("; COMMIT"), {});
    const bool ended = !query.next() || query.value(0).toBool();
    if (!query.nextResult())
        throwFor(query.lastError(), QStringLiteral("COMMIT"));
    if (ended)
        m_sessionsEnded = true;
    m_committedVersion = std::max(m_committedVersion, version);
}

void Database::rollback()
{
    Q_ASSERT(m_transactionDepth > 0);
    if (m_joinOpen && m_transactionDepth == m_joinLevel) {
        // Joined: its statements cannot be undone apart from the level
        // around it, which may now only roll back (commit() refuses).
        m_doomed = true;
        --m_transactionDepth;
        endJoinBelow();
        return;
    }
    try {
        if (m_dialect == Dialect::Sqlite) {
            --m_transactionDepth;
            if (m_transactionDepth == 0) {
                exec(QStringLiteral("ROLLBACK"));
            } else {
                exec(QStringLiteral("ROLLBACK TO SAVEPOINT sp%1").arg(m_transactionDepth));
                exec(QStringLiteral("RELEASE SAVEPOINT sp%1").arg(m_transactionDepth));
            }
        } else if (m_transactionDepth > 1) {
            // A version reserved inside this savepoint goes with it (its row
            // and mark too); one used inside it is unused again.
            if (m_reserved.depth >= m_transactionDepth)
                dropReservation();
            else if (m_reserved.usedAt >= m_transactionDepth)
                m_reserved.usedAt = 0;
            m_prefetched.clear();
            const bool nothingRan = dropHeldSavepoint();
            --m_transactionDepth;
            if (!m_takenBeforeSavepoint.isEmpty())
                m_takenVersion = m_takenBeforeSavepoint.takeLast();
            // Savepoints committed inside this one go with it.
            m_pendingRelease = 0;
            if (!nothingRan)
                runBatch(QStringLiteral("ROLLBACK TO SAVEPOINT sp%1; RELEASE SAVEPOINT sp%1")
                             .arg(m_transactionDepth));
        } else {
            --m_transactionDepth;
            m_takenVersion = 0;
            m_takenBeforeSavepoint.clear();
            m_pendingRelease = 0;
            m_reserved = {};
            m_prefetched.clear();
            const bool sent = !m_held.startsWith(QLatin1String("BEGIN"));
            clearHeld();
            if (sent && !m_lost)
                rawConnection().rollback();
        }
    } catch (const DatabaseError &) {
        // The connection may already have rolled back (e.g. SQLite after some
        // errors); nothing more can be done here.
    }
    endJoinBelow();
}

void Database::probeSchema() const
{
    if (m_sessionsNotified >= 0 && m_versionProbe >= 0)
        return;
    // Once per connection (and after migrations), not a statement of the
    // caller's: see commitAndNotify() and readVersionState().
    QSqlQuery probe(rawConnection());
    if (probe.exec(QStringLiteral("SELECT to_regproc('guichet_sessions_ended') IS NOT NULL, "
                                  "to_regprocedure('guichet_version_state(bigint)') IS NOT NULL"))
        && probe.next()) {
        m_sessionsNotified = probe.value(0).toBool() ? 1 : 0;
        m_versionProbe = probe.value(1).toBool() ? 1 : 0;
    }
}

void Database::runBatch(const QString &statements) const
{
    beforeSending(statements);
    execPostgres(statements, {}, int(statements.count(QLatin1String("; "))));
}

qint64 Database::nextVersion() const
{
    // PostgreSQL: a sequence, marked in flight until COMMIT (0008_version_sequence),
    // so that writers do not wait for each other; commit() notifies
    // 'guichet_changes' once it went through. SQLite has one writer at a time:
    // the row's update is as cheap and keeps versions visible in order.
    if (isPostgres()) {
        // Reserved (reserveVersion()) but not sent yet: this call takes the
        // version in its own statement instead, sent with what is held (the
        // same round trip, one statement less than sending the reservation
        // with a statement of no use).
        if (m_reserved.held)
            dropReservation();
        // Reserved and taken in an earlier round trip.
        if (m_reserved.version > 0 && m_reserved.usedAt == 0) {
            m_reserved.usedAt = m_transactionDepth;
            m_takenVersion = std::max(m_takenVersion, m_reserved.version);
            return m_reserved.version;
        }
        const qint64 version = value(QStringLiteral("SELECT guichet_next_version()")).toLongLong();
        m_takenVersion = std::max(m_takenVersion, version);
        return version;
    }
    return value(
               QStringLiteral("UPDATE counters SET value = value + 1 WHERE name = 'version' RETURNING value"))
        .toLongLong();
}

qint64 Database::currentVersion() const
{
    if (m_pinnedVersion >= 0)
        return m_pinnedVersion;
    if (isPostgres())
        return readVersionState().visible;
    return value(QStringLiteral("SELECT value FROM counters WHERE name = 'version'")).toLongLong();
}

Database::VersionState Database::versionState() const
{
    if (isPostgres())
        return readVersionState();
    return { currentVersion(), 0 };
}

Database::VersionState Database::versionStateNotifying(qint64 version) const
{
    if (!isPostgres() || version <= 0)
        return versionState();
    return readVersionState(version);
}

Database::VersionState Database::readVersionState(qint64 notify) const
{
    // With the last visible version this connection read, only the few
    // versions above it are probed (0015_version_probe), rather than a scan
    // of every lock of the server. Not inside a transaction: one that took a
    // version sees its own row and holds its own mark, and a REPEATABLE READ
    // snapshot would not show what the probes find committed (ReadSnapshot
    // reads the version before it begins).
    ensureConnected();
    probeSchema();
    const bool probe = m_versionProbe > 0 && m_visibleSeen > 0 && m_transactionDepth == 0;
    QString sql = QStringLiteral("SELECT s.visible, s.committed_above");
    QVariantList args;
    if (notify > 0) {
        // Outside a transaction: its own, which does not wait for the disk.
        sql += QStringLiteral(", ") + notifyChanges;
        args << QString::number(notify);
    }
    sql += probe ? QStringLiteral(" FROM guichet_version_state(?) s")
                 : QStringLiteral(" FROM guichet_version_state() s");
    if (probe)
        args << m_visibleSeen;
    const std::optional<QVariantMap> state = row(sql, args);
    if (!state)
        throw DatabaseError(QStringLiteral("guichet_version_state() returned no row"));
    const VersionState result { state->value(QStringLiteral("visible")).toLongLong(),
                                state->value(QStringLiteral("committed_above")).toLongLong() };
    // Outside a transaction only: a snapshot older than the statement could
    // answer a version whose older neighbours it does not show as ended.
    if (m_transactionDepth == 0 && m_held.isEmpty())
        m_visibleSeen = std::max(m_visibleSeen, result.visible);
    return result;
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
        if (!rawConnection().tables().contains(QStringLiteral("schema_migrations")))
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
    // A statement prepared before a migration may read a table it changed.
    const auto preparedGo = qScopeGuard([this] {
        m_sessionsNotified = -1;
        m_versionProbe = -1;
        try {
            forgetPrepared(isPostgres() && isConnected());
        } catch (const DatabaseError &) {
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
