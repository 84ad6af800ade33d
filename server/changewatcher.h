#pragma once

#include "kernel/database.h"

#include <QObject>
#include <QTimer>

namespace guichet::server {

// Knows the change counter (Database::versionState) and says when it moves:
// at once for PostgreSQL NOTIFYs (core notifies 'guichet_changes' after every
// command's commit, so several guichetd over one database wake each other),
// after each command of this process (noteState() with what the worker read
// on SQLite; on PostgreSQL noteCommitted(), and a read once per burst), and
// by re-reading it every
// pollIntervalMs for changes that send no notification (guichetctl on SQLite).
// When its connection is lost (PostgreSQL restarted), it re-reads every
// RecoveryPollIntervalMs (the database's backoff paces the reconnections), then
// LISTENs again and says databaseRecovered(): notifications may have been
// missed meanwhile, so parked long-polls read again.
class ChangeWatcher : public QObject
{
    Q_OBJECT

public:
    static constexpr int DefaultPollIntervalMs = 2000;
    static constexpr int RecoveryPollIntervalMs = 250;
    // NOTIFYs within this many ms are read as one (see the constructor).
    static constexpr int NotifyGatherMs = 5;

    // db: a connection of this thread, kept open for as long as the watcher.
    explicit ChangeWatcher(Database &db, int pollIntervalMs = DefaultPollIntervalMs,
                           QObject *parent = nullptr);

    qint64 version() const { return m_version; }
    // Moves whenever a commit is seen, even one that does not move version():
    // on PostgreSQL a command may commit while an older one is still in
    // flight. The session cache trusts an entry only while it has not moved.
    qint64 stamp() const { return m_stamp; }
    // PostgreSQL: moves whenever a session may have ended — a
    // 'guichet_sessions' notification (0013_session_notifications: any sign-out,
    // deactivation, password change, by any guichetd, guichetctl or SQL), one
    // of this process's commands that ended sessions (noteSessionsEnded()), a
    // new LISTEN connection (notifications may have been missed). A session
    // found valid is trusted by commands while it has not moved. -1 (trust
    // nothing) on SQLite, while the database is unavailable, or when the
    // LISTEN failed.
    qint64 sessionsStamp() const { return m_sessionsListening && m_available ? m_sessionsStamp : -1; }
    // False from a read that met a lost connection until one works again.
    bool databaseAvailable() const { return m_available; }
    // True from noteCommitted() until the next read of the counter: version()
    // may be older than a change this instance already answered for.
    bool behind() const { return m_behind; }

public slots:
    // Re-reads the counter now.
    void refresh();
    // A worker met a lost connection: the watcher's own is likely gone too,
    // so it starts checking at the recovery pace.
    void noteUnavailable();
    // A state read elsewhere (a worker, after its command committed): taken
    // unless an older one than the watcher already has.
    void noteState(const Database::VersionState &state);
    // One of this process's commands committed and the state was not read
    // with it (PostgreSQL: computing it scans pg_locks, too dear for every
    // command). The stamp moves now, so that no session checked before the
    // commit is trusted any more (a sign-out), and the counter is read within
    // NotifyGatherMs, once for a burst of commits; behind() until then.
    // `version`: what the commit took when it left notifying the other
    // guichetd to this instance (Database::setNotifyOnCommit(false),
    // WorkerPool::committed): the read notifies 'guichet_changes' with the
    // highest such version, in its round trip (0: nothing to notify).
    void noteCommitted(qint64 version = 0);
    // One of this process's commands ended sessions (Database::takeSessionsEnded()):
    // sessionsStamp() moves now, before the notification comes back.
    void noteSessionsEnded() { ++m_sessionsStamp; }

signals:
    void versionChanged(qint64 version);
    // The database answers again after a lost connection.
    void databaseRecovered();

private:
    void listen();
    // A read within NotifyGatherMs, one for every request made meanwhile.
    void scheduleRefresh();

    Database &m_db;
    qint64 m_version = 0;
    Database::VersionState m_state;
    qint64 m_stamp = 1;
    qint64 m_sessionsStamp = 1;
    bool m_sessionsListening = false;
    bool m_available = true;
    bool m_behind = false;
    int m_pollIntervalMs;
    quint64 m_reconnections = 0;
    bool m_refreshQueued = false;
    // The highest version committed by this instance and not notified yet.
    qint64 m_unnotified = 0;
    QTimer m_timer;
};

} // namespace guichet::server
