#include "client/syncclient.h"

#include "client/remotecommandgateway.h"
#include "client/replica.h"

#include <QJsonArray>
#include <QScopeGuard>

#include <limits>

namespace guichet {

SyncClient::SyncClient(RemoteCommandGateway &gateway, Replica &replica, QObject *parent)
    : QObject(parent)
    , m_gateway(gateway)
    , m_replica(replica)
{
    m_retryTimer.setSingleShot(true);
    connect(&m_retryTimer, &QTimer::timeout, this, &SyncClient::pull);
    connect(&m_fetcher, &PageFetcher::fetched, this, &SyncClient::onPage);
    // A command the server applied changed something: fetch it now.
    connect(&m_gateway, &RemoteCommandGateway::commandApplied, this, &SyncClient::pullNow);
    // The server is back (the outbox got through): no need to wait for the retry.
    connect(&m_gateway, &RemoteCommandGateway::onlineChanged, this, [this](bool online) {
        if (online)
            pullNow();
    });
    connect(&m_gateway, &RemoteCommandGateway::signedOut, this, &SyncClient::stop);
    connect(&m_gateway, &RemoteCommandGateway::sessionExpired, this, &SyncClient::stop);
}

SyncClient::~SyncClient()
{
    stop();
}

void SyncClient::setRetryDelays(int firstMs, int maxMs)
{
    m_firstRetryMs = firstMs;
    m_maxRetryMs = maxMs;
    m_nextRetryMs = firstMs;
}

void SyncClient::start()
{
    if (m_running)
        return;
    m_running = true;
    m_caughtUp = false;
    m_nextRetryMs = m_firstRetryMs;
    pull();
}

void SyncClient::stop()
{
    m_running = false;
    m_retryTimer.stop();
    abortReply();
    abortCount();
}

void SyncClient::abortReply()
{
    if (m_request) {
        m_fetcher.abort(m_request);
        m_request = 0;
    }
}

void SyncClient::abortCount()
{
    if (m_countRequest) {
        m_fetcher.abort(m_countRequest);
        m_countRequest = 0;
    }
}

void SyncClient::takeFirstSyncTotal(const QJsonValue &total)
{
    if (total.isDouble())
        m_firstSyncTotal = int(qBound(qint64(0), total.toInteger(), qint64(std::numeric_limits<int>::max())));
    // Rows written meanwhile may come on top of the count.
    if (m_firstSyncTotal >= 0)
        m_firstSyncTotal = qMax(m_firstSyncTotal, m_firstSyncRows);
}

void SyncClient::pullNow()
{
    if (m_running && !m_request && !m_handlingPage)
        pull();
}

void SyncClient::pull()
{
    if (!m_running || m_request)
        return;
    request(m_replica.checkpoint());
}

void SyncClient::request(qint64 since)
{
    m_retryTimer.stop();
    if (since == 0 && m_firstSyncRows < 0) {
        m_firstSyncRows = 0;
        m_firstSyncTotal = -1;
    }
    QUrlQuery query;
    query.addQueryItem(QStringLiteral("since"), QString::number(since));
    query.addQueryItem(QStringLiteral("limit"),
                       QString::number(m_firstSyncRows >= 0 ? m_firstSyncPageLimit : m_pageLimit));
    query.addQueryItem(QStringLiteral("format"), QStringLiteral("2"));
    if (since == 0 && m_firstSyncRows >= 0) {
        // The count goes in a request of its own, answered by another worker
        // of the server while the first page is read.
        query.addQueryItem(QStringLiteral("total"), QStringLiteral("0"));
        if (m_firstSyncTotal < 0 && !m_countRequest) {
            QUrlQuery count;
            count.addQueryItem(QStringLiteral("since"), QStringLiteral("0"));
            count.addQueryItem(QStringLiteral("format"), QStringLiteral("2"));
            count.addQueryItem(QStringLiteral("total"), QStringLiteral("only"));
            m_countRequest
                = m_fetcher.get(m_gateway.request(QStringLiteral("changes"), count, 30000), m_countDelayMs);
        }
    }
    int timeoutMs = 30000;
    if (m_caughtUp) {
        query.addQueryItem(QStringLiteral("wait"), QString::number(m_waitSeconds));
        timeoutMs += m_waitSeconds * 1000;
    }
    m_request = m_fetcher.get(m_gateway.request(QStringLiteral("changes"), query, timeoutMs), m_pageDelayMs);
    m_requestTimer.start();
}

void SyncClient::onCount(const HttpAnswer &answer)
{
    // A failed count only costs the « / N »: the pages report the failure.
    const QJsonValue total = answer.json.value(QLatin1String("total"));
    if (m_firstSyncRows < 0 || !answer.isSuccess() || !total.isDouble())
        return;
    takeFirstSyncTotal(total);
    emit statusChanged();
}

void SyncClient::onPage(quint64 id, const HttpAnswer &answer)
{
    if (id != 0 && id == m_countRequest) {
        m_countRequest = 0;
        onCount(answer);
        return;
    }
    if (id != m_request)
        return; // abandoned
    m_request = 0;
    // Signals emitted while the page is handled (onlineChanged, commandApplied)
    // must not start a second request before this one decides what follows.
    m_handlingPage = true;
    const auto handled = qScopeGuard([this] { m_handlingPage = false; });
    const bool waited = m_caughtUp;
    m_gateway.noteReachable(!answer.unreachable);
    if (answer.status == 401) {
        failed(answer.result().message, true);
        m_gateway.noteSessionExpired(); // stops this client too
        return;
    }
    if (!answer.isSuccess()) {
        failed(answer.result().message, !answer.unreachable);
        scheduleRetry();
        return;
    }
    const qint64 before = m_replica.checkpoint();
    const QJsonObject &page = answer.json;
    // Format 2 groups its rows by table; an empty page may come in format 1.
    qsizetype rows = page.value(QLatin1String("rows")).toArray().size();
    for (const QJsonValue &table : page.value(QLatin1String("tables")).toArray())
        rows += table.toObject().value(QLatin1String("rows")).toArray().size();
    const bool changed = rows > 0 || !page.value(QLatin1String("deleted")).toArray().isEmpty()
        || !page.value(QLatin1String("resets")).toArray().isEmpty();
    const bool more = page.value(QLatin1String("more")).toBool();
    // More is ready: the next page is asked for now (from this page's
    // checkpoint, where the replica will be once it is applied), so that the
    // server reads it while this one is written.
    const qint64 next = page.value(QLatin1String("checkpoint")).toInteger();
    const bool ahead = more && next > before;
    if (ahead) {
        m_caughtUp = false;
        request(next);
    }
    QString error;
    if (!m_replica.applyPage(page, &error)) {
        abortReply(); // asked from a checkpoint the replica did not reach
        failed(error, true);
        scheduleRetry();
        return;
    }
    m_nextRetryMs = m_firstRetryMs;
    m_online = true;
    m_lastError.clear();
    m_lastSyncAt = QDateTime::currentDateTimeUtc();
    if (m_firstSyncRows >= 0) {
        m_firstSyncRows += int(qMin<qsizetype>(rows, std::numeric_limits<int>::max() - m_firstSyncRows));
        takeFirstSyncTotal(page.value(QLatin1String("total")));
        if (!more) {
            m_firstSyncRows = -1;
            m_firstSyncTotal = -1;
            abortCount(); // no one waits for it any more
        }
    }
    if (changed) {
        emit changesApplied();
        m_gateway.notifyDataChanged();
    }
    emit statusChanged();
    if (!m_running)
        return; // a slot of the signals above stopped it
    if (ahead)
        return; // the next page is on its way
    m_caughtUp = !more;
    // A long-poll that came back at once with nothing new would otherwise
    // become a tight loop.
    if (!more && waited && !changed && m_replica.checkpoint() == before && m_requestTimer.elapsed() < 1000)
        m_retryTimer.start(m_firstRetryMs);
    else
        QTimer::singleShot(0, this, &SyncClient::pull);
}

void SyncClient::failed(const QString &error, bool online)
{
    m_lastError = error;
    m_online = online;
    emit statusChanged();
}

void SyncClient::scheduleRetry()
{
    if (!m_running)
        return;
    m_retryTimer.start(m_nextRetryMs);
    m_nextRetryMs = qMin(m_nextRetryMs * 2, m_maxRetryMs);
}

} // namespace guichet
