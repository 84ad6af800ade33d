#include "server/workerpool.h"

#include "kernel/core.h"
#include "kernel/database.h"

#include <QPointer>
#include <QThread>

#include <atomic>

namespace guichet::server {

// Lives in its own thread; its database and Core are created and destroyed there.
class WorkerPool::Worker : public QObject
{
public:
    std::unique_ptr<Database> database;
    SystemClock clock;
    std::unique_ptr<Core> core;
    std::atomic<int> pending { 0 };
    QThread thread;
};

WorkerPool::WorkerPool(QString databaseLocation, int threads, bool reportCommits, QObject *parent)
    : QObject(parent)
    , m_location(std::move(databaseLocation))
    , m_threadCount(qMax(1, threads))
    , m_reportCommits(reportCommits)
{
}

WorkerPool::~WorkerPool()
{
    for (Worker *worker : std::as_const(m_workers)) {
        QMetaObject::invokeMethod(
            worker,
            [worker] {
                worker->core.reset();
                worker->database.reset();
            },
            Qt::BlockingQueuedConnection);
        worker->thread.quit();
        worker->thread.wait();
        delete worker;
    }
}

bool WorkerPool::start(QString *error)
{
    for (int i = 0; i < m_threadCount; ++i) {
        auto *worker = new Worker;
        worker->thread.setObjectName(QStringLiteral("guichetd-worker-%1").arg(i));
        worker->moveToThread(&worker->thread);
        worker->thread.start();
        m_workers.append(worker);
        QString openError;
        QMetaObject::invokeMethod(
            worker,
            [worker, this, &openError] {
                worker->database = Database::open(m_location, &openError);
                if (worker->database) {
                    worker->database->setNotifyOnCommit(!m_reportCommits);
                    worker->core = std::make_unique<Core>(*worker->database, worker->clock);
                }
            },
            Qt::BlockingQueuedConnection);
        if (!worker->core) {
            *error = openError;
            return false;
        }
    }
    return true;
}

void WorkerPool::post(std::function<void(Core &)> job, std::function<void()> done)
{
    Worker *worker = m_workers.first();
    for (Worker *w : std::as_const(m_workers)) {
        if (w->pending < worker->pending)
            worker = w;
    }
    ++worker->pending;
    QPointer<WorkerPool> self(this);
    QMetaObject::invokeMethod(worker, [worker, self, job = std::move(job), done = std::move(done)]() mutable {
        job(*worker->core);
        const qint64 committed = worker->database->takeCommittedVersion();
        --worker->pending;
        if (self) {
            WorkerPool *pool = self.data();
            QMetaObject::invokeMethod(
                pool,
                [pool, committed, done = std::move(done)] {
                    if (committed > 0)
                        emit pool->committed(committed);
                    done();
                },
                Qt::QueuedConnection);
        }
    });
}

} // namespace guichet::server
