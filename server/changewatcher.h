#pragma once

#include <QObject>
#include <QTimer>

namespace guichet {
class Database;
}

namespace guichet::server {

// Knows the change counter (Database::currentVersion) and says when it moves:
// at once for PostgreSQL NOTIFYs (core notifies 'guichet_changes' in every command's
// transaction, so several guichetd over one database wake each other), after
// each command of this process (refresh()), and by re-reading it every
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

    // db: a connection of this thread, kept open for as long as the watcher.
    explicit ChangeWatcher(Database &db, int pollIntervalMs = DefaultPollIntervalMs,
                           QObject *parent = nullptr);

    qint64 version() const { return m_version; }
    // False from a read that met a lost connection until one works again.
    bool databaseAvailable() const { return m_available; }

public slots:
    // Re-reads the counter now.
    void refresh();
    // A worker met a lost connection: the watcher's own is likely gone too,
    // so it starts checking at the recovery pace.
    void noteUnavailable();

signals:
    void versionChanged(qint64 version);
    // The database answers again after a lost connection.
    void databaseRecovered();

private:
    void noteVersion(qint64 version);
    void listen();

    Database &m_db;
    qint64 m_version = 0;
    bool m_available = true;
    int m_pollIntervalMs;
    quint64 m_reconnections = 0;
    bool m_refreshQueued = false;
    QTimer m_timer;
};

} // namespace guichet::server
