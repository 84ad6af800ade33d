#pragma once

#include <QDateTime>
#include <QElapsedTimer>
#include <QObject>
#include <QPointer>
#include <QTimer>

class QNetworkReply;

namespace guichet {

class RemoteCommandGateway;
class Replica;

// Keeps a connected desktop's replica up to date (docs/API.md "Sync"): pulls
// GET /api/v1/changes?since=<checkpoint> page after page until the server says
// no more, then waits for the next change with a long-poll (wait=25 s), which
// the server answers as soon as something changes. Every page goes through
// Replica::applyPage in one transaction. After a failure it waits 1 s, then
// twice as long each time up to 30 s: never a tight loop.
class SyncClient : public QObject
{
    Q_OBJECT

public:
    static constexpr int defaultPageLimit = 1000;
    static constexpr int defaultWaitSeconds = 25;
    static constexpr int defaultFirstRetryMs = 1000;
    static constexpr int defaultMaxRetryMs = 30000;

    SyncClient(RemoteCommandGateway &gateway, Replica &replica, QObject *parent = nullptr);
    ~SyncClient() override;

    // Starts pulling (the gateway must hold a session).
    void start();
    // Aborts the long-poll; nothing more is asked until start().
    void stop();
    // Pulls at once when waiting for a retry; a running long-poll wakes by itself.
    void pullNow();

    bool isRunning() const { return m_running; }
    // Whether the last request reached the server.
    bool isOnline() const { return m_online; }
    // When a page was last applied (invalid before the first).
    QDateTime lastSyncAt() const { return m_lastSyncAt; }
    // Why the last pull failed; empty after a success.
    QString lastError() const { return m_lastError; }
    // While the first sync of an empty replica runs (from its first request
    // until a page says no more): the rows applied so far; -1 otherwise. The
    // status bar shows it, so that a long first sync is not a silent wait.
    int firstSyncRows() const { return m_firstSyncRows; }

    // Tests shorten the delays.
    void setWaitSeconds(int seconds) { m_waitSeconds = seconds; }
    void setRetryDelays(int firstMs, int maxMs);
    void setPageLimit(int limit) { m_pageLimit = limit; }

signals:
    // A page changed the replica: screens reload.
    void changesApplied();
    // isOnline, lastSyncAt or lastError changed.
    void statusChanged();

private:
    void pull();
    void onPage(QNetworkReply *reply);
    void failed(const QString &error, bool online);
    void scheduleRetry();

    RemoteCommandGateway &m_gateway;
    Replica &m_replica;
    QPointer<QNetworkReply> m_reply;
    QTimer m_retryTimer;
    QElapsedTimer m_requestTimer;
    bool m_running = false;
    bool m_handlingPage = false;
    bool m_caughtUp = false; // the last page said no more: the next request waits
    bool m_online = false;
    QDateTime m_lastSyncAt;
    QString m_lastError;
    int m_waitSeconds = defaultWaitSeconds;
    int m_pageLimit = defaultPageLimit;
    int m_firstRetryMs = defaultFirstRetryMs;
    int m_maxRetryMs = defaultMaxRetryMs;
    int m_nextRetryMs = defaultFirstRetryMs;
    int m_firstSyncRows = -1;
};

} // namespace guichet
