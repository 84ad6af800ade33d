#pragma once

#include <QList>
#include <QObject>
#include <QString>

#include <functional>
#include <memory>

namespace guichet {
class Core;
}

namespace guichet::server {

// A few threads, each with its own database connection and Core (a connection
// must be used from the thread that opened it), so that sign-in (argon2id,
// ~150 ms) and every other database call leave the event loop free.
// A worker whose connection was lost (PostgreSQL restarted) replaces it by
// itself at its next statement, with backoff (Database); ApiServer answers 503
// meanwhile and retries a request once when that is safe.
class WorkerPool : public QObject
{
    Q_OBJECT

public:
    // reportCommits: the workers' PostgreSQL commits do not notify the other
    // guichetd themselves (Database::setNotifyOnCommit(false)); committed()
    // says what they committed, for the event loop to notify once per burst
    // (ChangeWatcher::noteCommitted) — one NOTIFY per command costs its
    // transaction an id, a commit record and the wake-up of every listener,
    // this instance's own included.
    WorkerPool(QString databaseLocation, int threads, bool reportCommits = false, QObject *parent = nullptr);
    ~WorkerPool() override;

    // Opens every worker's connection; false with *error when one fails.
    bool start(QString *error);

    // Runs job on the least busy worker, then done(its result) on this object's
    // thread.
    template<typename Result> void run(std::function<Result(Core &)> job, std::function<void(Result)> done)
    {
        auto result = std::make_shared<Result>();
        post([job = std::move(job), result](Core &core) { *result = job(core); },
             [done = std::move(done), result] { done(std::move(*result)); });
    }

signals:
    // reportCommits: a job committed `version` (the highest it took), on
    // PostgreSQL; said on this object's thread before the job's done().
    void committed(qint64 version);

private:
    class Worker;
    void post(std::function<void(Core &)> job, std::function<void()> done);

    QString m_location;
    int m_threadCount;
    bool m_reportCommits;
    QList<Worker *> m_workers;
};

} // namespace guichet::server
