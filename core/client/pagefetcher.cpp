#include "client/pagefetcher.h"

#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QTimer>

#include <memory>

namespace guichet {

// Lives on the fetcher's thread, with its own network manager (a manager
// serves the thread that created it).
class PageFetcher::Worker : public QObject
{
public:
    void get(quint64 id, const QNetworkRequest &request, PageFetcher *owner)
    {
        if (!m_network)
            m_network = std::make_unique<QNetworkAccessManager>();
        QNetworkReply *reply = m_network->get(request);
        m_replies.insert(id, reply);
        connect(reply, &QNetworkReply::finished, this, [this, id, reply, owner] {
            m_replies.remove(id);
            reply->deleteLater();
            const HttpAnswer answer = HttpAnswer::read(reply);
            // Dropped with the owner if it is gone meanwhile.
            QMetaObject::invokeMethod(
                owner, [owner, id, answer] { owner->deliver(id, answer); }, Qt::QueuedConnection);
        });
    }

    void abort(quint64 id)
    {
        if (QNetworkReply *reply = m_replies.take(id)) {
            reply->disconnect(this);
            reply->abort();
            reply->deleteLater();
        }
    }

private:
    // Declared first so that it goes last: the replies are its children.
    std::unique_ptr<QNetworkAccessManager> m_network;
    QHash<quint64, QNetworkReply *> m_replies;
};

PageFetcher::PageFetcher(QObject *parent)
    : QObject(parent)
    , m_worker(new Worker)
{
    m_thread.setObjectName(QStringLiteral("PageFetcher"));
    m_worker->moveToThread(&m_thread);
    connect(&m_thread, &QThread::finished, m_worker, &QObject::deleteLater);
    m_thread.start();
}

PageFetcher::~PageFetcher()
{
    m_thread.quit();
    m_thread.wait();
}

quint64 PageFetcher::get(const QNetworkRequest &request, int delayMs)
{
    const quint64 id = ++m_lastId;
    m_pending.insert(id);
    Worker *worker = m_worker;
    QMetaObject::invokeMethod(
        worker,
        [worker, id, request, delayMs, this] {
            if (delayMs <= 0)
                worker->get(id, request, this);
            else
                QTimer::singleShot(delayMs, worker,
                                   [worker, id, request, this] { worker->get(id, request, this); });
        },
        Qt::QueuedConnection);
    return id;
}

void PageFetcher::abort(quint64 id)
{
    if (!m_pending.remove(id))
        return;
    Worker *worker = m_worker;
    QMetaObject::invokeMethod(
        worker, [worker, id] { worker->abort(id); }, Qt::QueuedConnection);
}

void PageFetcher::deliver(quint64 id, const HttpAnswer &answer)
{
    if (m_pending.remove(id))
        emit fetched(id, answer);
}

} // namespace guichet
