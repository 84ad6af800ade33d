#pragma once

#include "client/remotecommandgateway.h"

#include <QHash>
#include <QNetworkRequest>
#include <QObject>
#include <QSet>
#include <QThread>

namespace guichet {

// GET requests answered on a thread of their own: the body is read and its
// JSON parsed there (HttpAnswer::read), so that the next sync page is parsed
// while the previous one is applied on the replica's thread — a 5000-row page
// takes ~15 ms to parse, which would otherwise come between two applies.
// Answers come back, through `fetched`, on the thread that owns the fetcher.
class PageFetcher : public QObject
{
    Q_OBJECT

public:
    explicit PageFetcher(QObject *parent = nullptr);
    ~PageFetcher() override;

    // Starts a GET (after delayMs: tests order requests with it); its answer
    // comes with `fetched` and the id returned here.
    quint64 get(const QNetworkRequest &request, int delayMs = 0);
    // Abandons a request: its answer never comes, even one already on its way.
    void abort(quint64 id);

signals:
    void fetched(quint64 id, const guichet::HttpAnswer &answer);

private:
    class Worker;
    void deliver(quint64 id, const HttpAnswer &answer);

    QThread m_thread;
    Worker *m_worker = nullptr;
    quint64 m_lastId = 0;
    QSet<quint64> m_pending;
};

} // namespace guichet
