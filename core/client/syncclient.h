#pragma once

#include "client/pagefetcher.h"

#include <QDateTime>
#include <QElapsedTimer>
#include <QObject>
#include <QTimer>

namespace guichet {

class RemoteCommandGateway;
class Replica;

// Keeps a connected desktop's replica up to date (docs/API.md "Sync"): pulls
// GET /api/v1/changes?since=<checkpoint>&format=2 page after page (compact
// pages; larger ones during a first sync) until the server says no more, then waits for the next change with
// a long-poll (wait=25 s), which the server answers as soon as something changes. Every page goes through
// Replica::applyPage in one transaction; while one is applied, the next one
// (when the page says more) is already on its way, fetched and parsed on a
// thread of its own (PageFetcher). After a failure it waits 1 s, then
// twice as long each time up to 30 s: never a tight loop.
class SyncClient : public QObject
{
    Q_OBJECT

public:
    static constexpr int defaultPageLimit = 1000;
    // A first sync brings every visible row: fewer, larger pages (the server's
    // maximum) cost less per row on both sides.
    static constexpr int defaultFirstSyncPageLimit = 5000;
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
    // While a first sync runs: how many rows the server said it brings in all
    // (at least the rows received); -1 when unknown. It is asked in a request
    // of its own (total=only) sent with the first page, which is asked without
    // it (total=0), so that the count is not read before the first rows; an
    // older server answers total=only with a first page that says `total`.
    int firstSyncTotal() const { return m_firstSyncTotal; }

    // Tests shorten the delays.
    void setWaitSeconds(int seconds) { m_waitSeconds = seconds; }
    void setRetryDelays(int firstMs, int maxMs);
    // Tests order a first sync's two requests: each page request and the
    // count are sent that many ms late.
    void setRequestDelays(int pageMs, int countMs)
    {
        m_pageDelayMs = pageMs;
        m_countDelayMs = countMs;
    }
    // The page size of every request, the first sync's included.
    void setPageLimit(int limit)
    {
        m_pageLimit = limit;
        m_firstSyncPageLimit = limit;
    }

signals:
    // A page changed the replica: screens reload.
    void changesApplied();
    // isOnline, lastSyncAt or lastError changed.
    void statusChanged();

private:
    void pull();
    void request(qint64 since);
    void abortReply();
    void abortCount();
    // A first sync's `total`, from a page or the count asked apart.
    void takeFirstSyncTotal(const QJsonValue &total);
    void onPage(quint64 id, const HttpAnswer &answer);
    void onCount(const HttpAnswer &answer);
    void failed(const QString &error, bool online);
    void scheduleRetry();

    RemoteCommandGateway &m_gateway;
    Replica &m_replica;
    PageFetcher m_fetcher;
    quint64 m_request = 0; // the request in flight, 0 for none
    quint64 m_countRequest = 0; // a first sync's total=only request in flight, 0 for none
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
    int m_firstSyncPageLimit = defaultFirstSyncPageLimit;
    int m_firstRetryMs = defaultFirstRetryMs;
    int m_maxRetryMs = defaultMaxRetryMs;
    int m_nextRetryMs = defaultFirstRetryMs;
    int m_firstSyncRows = -1;
    int m_firstSyncTotal = -1;
    int m_pageDelayMs = 0;
    int m_countDelayMs = 0;
};

} // namespace guichet
