#include "server/changewatcher.h"

#include "kernel/database.h"

#include <QDebug>
#include <QSqlDriver>

#include <algorithm>

namespace guichet::server {

ChangeWatcher::ChangeWatcher(Database &db, int pollIntervalMs, QObject *parent)
    : QObject(parent)
    , m_db(db)
    , m_pollIntervalMs(pollIntervalMs)
{
    m_reconnections = m_db.reconnections();
    refresh();
    if (m_db.isPostgres()) {
        // The driver object outlives reconnections: connected once, subscribed
        // again after each (listen()).
        QSqlDriver *driver = m_db.connection().driver();
        connect(driver, &QSqlDriver::notification, this,
                [this](const QString &name, QSqlDriver::NotificationSource, const QVariant &payload) {
                    // Not the payload: versions commit out of order, so version N+1
                    // may be notified while N is still in flight. The counter is read
                    // again (unless it already covers the payload), once for a burst.
                    // (The notification refresh() sends comes back here too: the
                    // state it read with it mostly covers it already.)
                    if (name == QLatin1String("guichet_changes")
                        && payload.toString().toLongLong() > m_version)
                        scheduleRefresh();
                    else if (name == QLatin1String("guichet_sessions"))
                        ++m_sessionsStamp;
                });
        listen();
    }
    connect(&m_timer, &QTimer::timeout, this, &ChangeWatcher::refresh);
    m_timer.start(m_available ? m_pollIntervalMs : RecoveryPollIntervalMs);
}

void ChangeWatcher::listen()
{
    QSqlDriver *driver = m_db.connection().driver();
    if (!driver->subscribeToNotification(QStringLiteral("guichet_changes")))
        qWarning().noquote() << "guichetd: cannot LISTEN to guichet_changes; changes are seen every"
                             << m_pollIntervalMs << "ms only";
    // What ended meanwhile was not heard: nothing checked before is trusted.
    ++m_sessionsStamp;
    m_sessionsListening = driver->subscribeToNotification(QStringLiteral("guichet_sessions"));
    if (!m_sessionsListening)
        qWarning().noquote()
            << "guichetd: cannot LISTEN to guichet_sessions; every command reads its session";
}

void ChangeWatcher::scheduleRefresh()
{
    if (m_refreshQueued)
        return;
    m_refreshQueued = true;
    // A short wait gathers a burst (this instance's own commands notify too)
    // into one read on the event loop.
    QTimer::singleShot(NotifyGatherMs, this, [this] {
        m_refreshQueued = false;
        refresh();
    });
}

void ChangeWatcher::noteCommitted(qint64 version)
{
    if (!m_db.isPostgres()) {
        refresh(); // SQLite: the worker's read failed; the counter is a row
        return;
    }
    m_unnotified = std::max(m_unnotified, version);
    ++m_stamp;
    m_behind = true;
    scheduleRefresh();
}

void ChangeWatcher::refresh()
{
    try {
        // This instance's commits since the last read are notified with it,
        // once for the burst (until it goes through).
        const Database::VersionState state
            = m_unnotified > 0 ? m_db.versionStateNotifying(m_unnotified) : m_db.versionState();
        m_unnotified = 0;
        const bool reconnected = m_db.reconnections() != m_reconnections;
        m_reconnections = m_db.reconnections();
        // A new connection has no LISTEN: subscribe again.
        if (reconnected && m_db.isPostgres())
            listen();
        noteState(state);
        m_behind = false;
        if (m_timer.interval() != m_pollIntervalMs)
            m_timer.setInterval(m_pollIntervalMs);
        if (!m_available || reconnected) {
            m_available = true;
            qWarning().noquote() << "guichetd: the database answers again";
            emit databaseRecovered();
        }
    } catch (const DatabaseUnavailable &error) {
        if (m_available) {
            qWarning().noquote() << "guichetd: the database is unavailable:" << error.message();
            m_available = false;
        }
        m_timer.setInterval(RecoveryPollIntervalMs);
    } catch (const DatabaseError &error) {
        qWarning().noquote() << "guichetd: cannot read the change counter:" << error.message();
    }
}

void ChangeWatcher::noteUnavailable()
{
    // Finds out at once whether the watcher's own connection went too.
    if (m_available)
        refresh();
}

void ChangeWatcher::noteState(const Database::VersionState &state)
{
    // The pair only grows (in this order) as commands commit: an older one,
    // read by a worker whose answer came late, says nothing new.
    if (state.visible < m_state.visible
        || (state.visible == m_state.visible && state.committedAbove <= m_state.committedAbove))
        return;
    m_state = state;
    ++m_stamp;
    if (state.visible <= m_version)
        return;
    m_version = state.visible;
    emit versionChanged(m_version);
}

} // namespace guichet::server
