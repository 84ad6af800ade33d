#pragma once

#include <QHash>
#include <QList>
#include <QSqlDatabase>
#include <QSqlError>
#include <QSqlQuery>
#include <QString>
#include <QVariant>

#include <functional>
#include <memory>
#include <optional>
#include <stdexcept>
#include <utility>

// The SQLite C library's connection type (sqlite3.h).
struct sqlite3;

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

// The connection to the database was lost (PostgreSQL restarted, the backend
// was terminated, the network dropped) or cannot be opened again yet. Whatever
// the statement's transaction did is gone; the next use reconnects (with
// backoff). Callers answer "unavailable, try again", never a generic error.
class DatabaseUnavailable : public DatabaseError
{
public:
    using DatabaseError::DatabaseError;
};

// Whether a driver error means the connection itself is gone (QPSQL: the
// server closed it, no connection, administrator shutdown, SQLSTATE class 08
// or 57P01..57P03), as opposed to a statement the server refused.
bool meansConnectionLost(const QSqlError &error);

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
    // Reconnection backoff after a lost connection: the first attempt comes at
    // once, then each failed one doubles the wait from 100 ms up to 5 s.
    static constexpr int FirstRetryMs = 100;
    static constexpr int MaxRetryMs = 5000;
    // Seconds a PostgreSQL connection attempt may take (libpq connect_timeout),
    // unless the URL sets its own.
    static constexpr int ConnectTimeoutSeconds = 5;
    // PostgreSQL statements kept prepared per connection (see exec()); past
    // it every one is forgotten and prepared again. The commands and the sync
    // feed (~130 texts of its own) fit in it, so a long-lived worker does not
    // cycle; each keeps its parse tree and plan in the backend's memory.
    static constexpr int MaxPreparedStatements = 512;

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
    // The connection, for what Database's helpers do not offer (a driver's
    // notifications, statements kept across a page). Inside a transaction
    // whose BEGIN is still held back (begin()), it sends it first.
    QSqlDatabase connection() const;
    // The SQLite C library's handle on this connection (Qt's own, so inside
    // its transactions), for bulk reads and writes without a QVariant per
    // value; null when it cannot be used: PostgreSQL, a build without the
    // C API, or a driver running its own copy of SQLite (Qt's Windows and
    // macOS builds: its source id differs from the library this program
    // links), whose connection this copy must not touch.
    sqlite3 *sqliteHandle() const;

    // Prepared statement with positional '?' arguments; throws DatabaseError,
    // or DatabaseUnavailable when the connection is lost. After a loss, the
    // next statement outside a transaction reconnects first: at once the first
    // time, then no sooner than 100 ms, 200 ms, … up to 5 s after each failed
    // attempt (until then it throws DatabaseUnavailable without trying).
    // A null QString binds as '' (pass QVariant() for SQL NULL).
    QSqlQuery exec(const QString &sql, const QVariantList &args = {}) const;
    // First row as column -> value, or nothing.
    std::optional<QVariantMap> row(const QString &sql, const QVariantList &args = {}) const;
    QList<QVariantMap> rows(const QString &sql, const QVariantList &args = {}) const;
    // First column of the first row, or an invalid QVariant.
    QVariant value(const QString &sql, const QVariantList &args = {}) const;
    // Runs an INSERT ... RETURNING id and gives the id.
    qint64 insert(const QString &sql, const QVariantList &args = {}) const;
    // A write whose outcome the caller does not read, inside a transaction.
    // On PostgreSQL it is held back and goes with the transaction's next
    // statement or its COMMIT, in one round trip: an error of it then fails
    // that statement or the COMMIT (and the transaction), not this call.
    // On SQLite (or outside a transaction) it runs now, as exec() would.
    void execLater(const QString &sql, const QVariantList &args = {}) const;

    // PostgreSQL: whether commit() notifies 'guichet_changes' itself (the
    // default). guichetd's workers leave it to their event loop, which sends
    // one notification for a burst of commits (ChangeWatcher): then commit()
    // notifies nothing and takeCommittedVersion() tells what it committed.
    void setNotifyOnCommit(bool notify) { m_notifyOnCommit = notify; }
    // PostgreSQL, without notifyOnCommit: the highest version a transaction
    // committed on this connection since the last call (0: none); clears it.
    qint64 takeCommittedVersion() const { return std::exchange(m_committedVersion, 0); }

    // PostgreSQL: whether a transaction committed on this connection since the
    // last call ended sessions (a sign-out, a deactivation: anything that
    // fires 0013_session_notifications' triggers), or might have (its
    // notification failed); clears it. Always false on SQLite.
    bool takeSessionsEnded() const { return std::exchange(m_sessionsEnded, false); }

    // False once a statement met a lost connection, until a reconnection works.
    bool isConnected() const { return !m_lost; }
    // Counts reconnections that worked: a LISTEN (ChangeWatcher) subscribes again
    // when it moves.
    quint64 reconnections() const { return m_reconnections; }
    // Statements that went through on this object, for callers that must know
    // whether anything ran before a failure (a retry is safe when nothing did).
    quint64 completedStatements() const { return m_completed; }
    // Reconnects now if the connection was lost and the backoff allows it.
    // Throws DatabaseUnavailable when it cannot.
    void ensureConnected() const;

    void begin();
    void commit();
    void rollback();
    bool inTransaction() const { return m_transactionDepth > 0; }
    // Inside a transaction: the next level begun directly inside this one
    // joins it instead of opening a savepoint (one statement less for the
    // caller that abandons this level whenever that one rolls back, as
    // CommandDispatcher::execute() does with Core::run's). Its commit sends
    // nothing; its rollback dooms the whole transaction: every later commit,
    // at any level, throws DatabaseError and leaves the transaction open for
    // the caller's rollback, so nothing written in it can commit. Levels begun
    // inside the joined one keep their savepoints. Once: the level after it
    // (or any begun once this one ended) opens a savepoint again.
    void joinNextLevel();

    // The next version, for a command that writes; call inside a transaction.
    // On PostgreSQL, commit() notifies 'guichet_changes' in the COMMIT's round
    // trip; readers (guichetd's ChangeWatcher) read versionState() once per
    // burst of notifications, not once per command.
    qint64 nextVersion() const;
    // PostgreSQL, inside a transaction: takes the version nextVersion() will
    // hand in the round trip of the transaction's next statement, rather than
    // in one of its own (a command's first statements are reads; it takes its
    // version once it knows what to write). Does nothing when a version is
    // already reserved and unused, or on SQLite. A version reserved and never
    // used is given back: its row goes with the COMMIT (or the rollback), so
    // readers skip it as they skip a rolled-back writer's.
    void reserveVersion() const;
    // PostgreSQL, inside a transaction: holds the read `sql` back to go with
    // the transaction's next statement; the next row() of the same statement
    // and values answers from it without a round trip, unless another
    // statement went to the server meanwhile (it could have changed the row).
    // Does nothing on SQLite.
    void prefetchRow(const QString &sql, const QVariantList &args = {}) const;
    // The version up to which every change is committed and visible: on
    // SQLite the last command's, on PostgreSQL (where commands commit in any
    // order) one less than the oldest version still in flight, else the last
    // one handed out. 0 on a new database. The sync feed's checkpoints and
    // guichetd's health route and long polls read it here.
    qint64 currentVersion() const;
    // currentVersion() and how many committed versions lie above it (on
    // PostgreSQL, commands that committed while an older one is still in
    // flight; always 0 on SQLite), read together: the pair changes with every
    // commit, which guichetd's session cache relies on (server/sessioncache.h).
    struct VersionState
    {
        qint64 visible = 0;
        qint64 committedAbove = 0;
        bool operator==(const VersionState &other) const
        {
            return visible == other.visible && committedAbove == other.committedAbove;
        }
        bool operator!=(const VersionState &other) const { return !(*this == other); }
    };
    VersionState versionState() const;
    // PostgreSQL: versionState(), and in the same round trip the notification
    // of 'guichet_changes' with `version` (in a transaction that does not wait
    // for the disk) for commits that left it to the caller (setNotifyOnCommit).
    VersionState versionStateNotifying(qint64 version) const;
    // A PostgreSQL REPEATABLE READ snapshot sees what was committed before its
    // first statement only: a reader takes the version before it begins, and
    // currentVersion() answers that one until unpinVersion().
    void pinVersion();
    void unpinVersion();

    // PostgreSQL: while at least one is alive, statements with values go with
    // their values written in (never prepared), so that each is planned for
    // them: a search's plan depends on its pattern (a prefix range, a rare
    // trigram) and its bounds. Elsewhere a statement prepared once per
    // connection may keep a generic plan (PostgreSQL's plan_cache_mode =
    // auto), which spares planning a key lookup at each execution.
    class CustomPlans
    {
    public:
        explicit CustomPlans(const Database &db)
            : m_db(db)
        {
            ++m_db.m_customPlans;
        }
        ~CustomPlans() { --m_db.m_customPlans; }
        CustomPlans(const CustomPlans &) = delete;
        CustomPlans &operator=(const CustomPlans &) = delete;

    private:
        const Database &m_db;
    };

    // Fault injection for tests: the statement after the next `count` ones
    // fails with a DatabaseError (-1 turns it off). Lets a test crash a command
    // at every statement and check that nothing half-done remains.
    void failAfterStatements(int count) { m_failCountdown = count; }
    // Fault injection for tests: runs action once, just before the statement
    // after the next `count` ones (BEGIN and COMMIT included); a test ends the
    // connection's backend there to lose the connection mid-command.
    void interruptBeforeStatement(int count, std::function<void()> action)
    {
        m_interruptCountdown = count;
        m_interrupt = std::move(action);
    }

private:
    Database(Dialect dialect, QString location, QString connectionName);
    void execScript(const QString &script) const;
    // Session settings every new connection gets (foreign keys, WAL, …).
    void configureSession() const;
    // Throws DatabaseUnavailable (marking the connection lost) or DatabaseError.
    [[noreturn]] void throwFor(const QSqlError &error, const QString &what) const;
    void beforeStatement() const;
    // exec() on PostgreSQL: a parameterised statement prepared once per
    // connection; held-back statements sent with it. `before`: how many
    // statements of `sql` ("a; b") come before the one whose result is wanted.
    QSqlQuery execPostgres(const QString &sql, const QVariantList &args, int before = 0) const;
    QSqlDatabase rawConnection() const;
    // PostgreSQL: several statements in one round trip (see execPostgres).
    void runBatch(const QString &statements) const;
    // PostgreSQL: `sql` with its arguments as one statement to send, prepared
    // once per connection (see execPostgres).
    QString preparedStatement(const QString &sql, const QVariantList &args) const;
    // PostgreSQL: holds `statement` back to go with the next one (m_held).
    void hold(const QString &statement) const;
    void clearHeld() const;
    // The checks every statement goes through first (fault injection, reconnection).
    void beforeSending(const QString &sql) const;
    // PostgreSQL: the COMMIT with the writes held back, and the NOTIFY of
    // `version` if the transaction took one.
    void commitAndNotify(qint64 version);
    // PostgreSQL, without notifyOnCommit: commitAndNotify(), the check read
    // before the COMMIT rather than after it.
    void commitChecked(qint64 version);
    // PostgreSQL: commit() of the outermost level, once a reserved version is settled.
    void commitTopLevel();
    // joinNextLevel()'s state, once the level that asked for it or the joined
    // one ended (and the doom, once the whole transaction did).
    void endJoinBelow();
    // PostgreSQL: forgets the innermost level's SAVEPOINT if it was never sent.
    bool dropHeldSavepoint();
    // Forgets the prepared statements (DEALLOCATE ALL first when asked).
    void forgetPrepared(bool deallocate) const;
    // PostgreSQL: reads which of the schema's optional functions this
    // connection may call (m_sessionsNotified, m_versionProbe), once.
    void probeSchema() const;
    // PostgreSQL: versionState() read on the server.
    VersionState readVersionState(qint64 notify = 0) const;
    // PostgreSQL: reads the results a held statement was sent for
    // (reserveVersion(), prefetchRow()); `index`: its place among the held ones.
    void capture(QSqlQuery &query, int index) const;
    // PostgreSQL: forgets the reserved version (and takes its statement out of
    // the held ones if it was never sent).
    void dropReservation() const;

    Dialect m_dialect;
    QString m_location;
    QString m_connectionName;
    int m_transactionDepth = 0;
    mutable int m_failCountdown = -1;
    mutable int m_interruptCountdown = -1;
    std::function<void()> m_interrupt;
    // Connection loss and reconnection (mutable: reads reconnect too).
    mutable bool m_lost = false;
    mutable qint64 m_nextAttemptMs = 0; // steady clock, ms
    mutable int m_backoffMs = 0;
    mutable quint64 m_reconnections = 0;
    mutable quint64 m_completed = 0;
    qint64 m_pinnedVersion = -1; // see pinVersion()
    // PostgreSQL: the name each parameterised statement was prepared under on
    // this connection, by its SQL text (see exec()); emptied when the
    // connection is renewed.
    mutable QHash<QString, QString> m_prepared;
    mutable quint64 m_preparedCount = 0;
    // PostgreSQL: open CustomPlans scopes.
    mutable int m_customPlans = 0;
    // PostgreSQL round trips saved per transaction: BEGIN and SAVEPOINT are
    // held back and go with the next statement (none at all when no statement
    // follows); a committed savepoint is released with the next SAVEPOINT
    // (m_pendingRelease: its level), or by the COMMIT.
    mutable QString m_held;
    // How many statements m_held has (their values may contain "; "), and
    // whether any of them writes (execLater): a COMMIT must then send them.
    mutable int m_heldCount = 0;
    mutable bool m_heldWrites = false;
    int m_pendingRelease = 0;
    // PostgreSQL: the version this transaction took (notified after COMMIT),
    // and what it was when each open savepoint began: a savepoint rolled back
    // gives its version back (its mark and its committed_versions row go too).
    mutable qint64 m_takenVersion = 0;
    // PostgreSQL: see takeSessionsEnded(); whether the schema has
    // guichet_sessions_ended() (-1: not checked on this connection yet).
    mutable bool m_sessionsEnded = false;
    bool m_notifyOnCommit = true;
    mutable qint64 m_committedVersion = 0;
    mutable int m_sessionsNotified = -1;
    // PostgreSQL: whether the schema has guichet_version_state(known) (-1: not
    // checked on this connection yet), and the last visible version read on
    // this connection (0: none), below which every command has ended: the
    // next read probes only the versions above it (0015_version_probe).
    mutable int m_versionProbe = -1;
    mutable qint64 m_visibleSeen = 0;
    QList<qint64> m_takenBeforeSavepoint;
    // joinNextLevel(): the depth the joined level has (0: none asked),
    // whether it is open, and whether a joined level rolled back in this
    // transaction (then nothing of it may commit).
    int m_joinLevel = 0;
    bool m_joinOpen = false;
    bool m_doomed = false;
    // PostgreSQL: the version reserved by reserveVersion(): `held` while its
    // statement waits in m_held (at `heldIndex`, `heldOffset`), its value once
    // sent; the transaction level that took it (its row goes with that
    // level's rollback) and the level that used it (0: not handed out yet;
    // a rollback of that level makes it unused again).
    struct Reservation
    {
        qint64 version = 0;
        bool held = false;
        int heldIndex = -1;
        int heldOffset = 0;
        int depth = 0;
        int usedAt = 0;
    };
    mutable Reservation m_reserved;
    // PostgreSQL: reads held back by prefetchRow(), then their first row once
    // sent (`ready`), until another statement goes.
    struct Prefetch
    {
        QString sql;
        QVariantList args;
        int heldIndex = -1;
        bool ready = false;
        std::optional<QVariantMap> row;
    };
    mutable QList<Prefetch> m_prefetched;
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

// The value to bind for `value` so that it reads back unchanged: a text
// beginning with a byte-order mark gets a mark of its own in front (on SQLite
// also before U+FFFE), which the round trip drops; anything else as it is.
QVariant driverSafeText(Database::Dialect dialect, const QVariant &value);

} // namespace guichet
