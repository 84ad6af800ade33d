#pragma once

#include <QObject>
#include <QTimer>

namespace guichet {
class Database;
}

namespace guichet::server {

// Knows the change counter (counters.version) and says when it moves: at once
// for PostgreSQL NOTIFYs (core notifies 'guichet_changes' in every command's
// transaction, so several guichetd over one database wake each other), after
// each command of this process (refresh()), and by re-reading it every
// pollIntervalMs for changes that send no notification (guichetctl on SQLite).
class ChangeWatcher : public QObject
{
    Q_OBJECT

public:
    static constexpr int DefaultPollIntervalMs = 2000;

    // db: a connection of this thread, kept open for as long as the watcher.
    explicit ChangeWatcher(Database &db, int pollIntervalMs = DefaultPollIntervalMs,
                           QObject *parent = nullptr);

    qint64 version() const { return m_version; }

public slots:
    // Re-reads the counter now.
    void refresh();

signals:
    void versionChanged(qint64 version);

private:
    void noteVersion(qint64 version);

    Database &m_db;
    qint64 m_version = 0;
    QTimer m_timer;
};

} // namespace guichet::server
