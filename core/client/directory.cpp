#include "client/directory.h"

#include "client/commandgateway.h"
#include "kernel/core.h"
#include "kernel/database.h"
#include "kernel/pagecache.h"
#include "rules/accounts/accounts.h"
#include "rules/files/attachedfiles.h"
#include "rules/support/support.h"

#include <QPointer>
#include <QThread>

#include <memory>

namespace guichet {

LocalDirectory::LocalDirectory(Core &core, const CommandGateway &gateway, QObject *parent)
    : Directory(parent)
    , m_core(core)
    , m_gateway(gateway)
{
}

LocalDirectory::~LocalDirectory()
{
    // A count still running reads through its own connection; its answer,
    // posted to this object, is dropped with it.
    const QList<QThread *> workers = findChildren<QThread *>(QString(), Qt::FindDirectChildrenOnly);
    for (QThread *worker : workers)
        worker->wait();
}

// Reads never fail by rule; a broken database still gets a readable answer
// rather than an exception escaping into the event loop.
void LocalDirectory::countStructures(const StructureCriteria &criteria, QObject *context, CountCallback done)
{
    const QString location = m_core.db().location();
    if (location == QLatin1String(":memory:")) {
        // Another connection would open another, empty, database.
        qint64 count = 0;
        try {
            count = Structures(m_core).count(criteria);
        } catch (const DatabaseError &error) {
            done(CommandResult::failure(ErrorCode::Internal, QString(), error.message()), 0);
            return;
        }
        done(CommandResult::success(), count);
        return;
    }
    // The exact count of a common pattern reads every hit (~0.4 s for all of
    // 1,000,000 structures): on a thread of its own, with its own connection
    // (a connection belongs to the thread that opened it), so the window goes
    // on answering. The caller drops an answer that a new search made stale.
    const QPointer<QObject> guard(context ? context : this);
    const Clock &clock = m_core.clock();
    QThread *worker = QThread::create([this, location, criteria, &clock, guard, done = std::move(done)] {
        CommandResult result = CommandResult::success();
        qint64 count = 0;
        {
            QString error;
            const std::unique_ptr<Database> db = Database::open(location, &error);
            if (!db) {
                result = CommandResult::failure(ErrorCode::Internal, QString(), error);
            } else {
                try {
                    // One pass, then the connection closes: a large cache
                    // would only raise the window's peak memory by the
                    // pages the count read.
                    setPageCacheKiB(*db, WalkPageCacheKiB);
                    Core core(*db, clock);
                    count = Structures(core).count(criteria);
                } catch (const DatabaseError &failure) {
                    result = CommandResult::failure(ErrorCode::Internal, QString(), failure.message());
                    count = 0;
                }
            }
        } // the connection is closed and removed on this thread
        QMetaObject::invokeMethod(
            this,
            [guard, done, result, count] {
                if (guard)
                    done(result, count);
            },
            Qt::QueuedConnection);
    });
    worker->setParent(this);
    connect(worker, &QThread::finished, worker, &QObject::deleteLater);
    worker->start(QThread::LowPriority);
}

void Directory::countStructuresBounded(const StructureCriteria &criteria, QObject *context,
                                       BoundedCountCallback done)
{
    countStructures(criteria, context, [done = std::move(done)](const CommandResult &result, qint64 count) {
        done(result, StructureCount { count, true });
    });
}

void Directory::searchStructuresAfter(const StructureCriteria &criteria,
                                      const std::optional<StructureCursor> &, int offset, int limit,
                                      QObject *context, StructuresCallback done)
{
    searchStructures(criteria, offset, limit, context, std::move(done));
}

void Directory::principalRequests(QObject *, RequestsCallback done)
{
    done(CommandResult::failure(ErrorCode::Internal, QString(),
                                tr("This directory cannot list the requests to join a structure.")),
         {});
}

void LocalDirectory::principalRequests(QObject *, RequestsCallback done)
{
    QList<AttachmentView> requests;
    CommandResult result;
    try {
        result = Support(m_core).principalRequests(m_gateway.userId(), requests);
    } catch (const DatabaseError &error) {
        done(CommandResult::failure(ErrorCode::Internal, QString(), error.message()), {});
        return;
    }
    done(result, requests);
}

void LocalDirectory::countStructuresBounded(const StructureCriteria &criteria, QObject *,
                                            BoundedCountCallback done)
{
    StructureCount count;
    try {
        count = Structures(m_core).countBounded(criteria);
    } catch (const DatabaseError &error) {
        done(CommandResult::failure(ErrorCode::Internal, QString(), error.message()), {});
        return;
    }
    done(CommandResult::success(), count);
}

void LocalDirectory::searchStructures(const StructureCriteria &criteria, int offset, int limit,
                                      QObject *context, StructuresCallback done)
{
    searchStructuresAfter(criteria, std::nullopt, offset, limit, context, std::move(done));
}

void LocalDirectory::searchStructuresAfter(const StructureCriteria &criteria,
                                           const std::optional<StructureCursor> &after, int offset, int limit,
                                           QObject *, StructuresCallback done)
{
    StructurePage page;
    try {
        // The connection's large page cache is for searches (a search's
        // first page and its counts read the same index pages as the next
        // search). A table's further pages read rows once: a keyset page
        // ~200 table pages (its rows are far apart in the file), a page
        // reached by a jump (by offset) every match before it, up to the
        // whole sort key index for the last page of « * ». Kept, these would
        // take ~50 MiB after one jump and grow with each screen scrolled.
        std::optional<PageCacheBound> bound;
        if (after || offset > 0)
            bound.emplace(m_core.db(), WalkPageCacheKiB);
        // One row more than asked tells whether another page follows.
        page.rows = after ? Structures(m_core).searchAfter(criteria, after, limit + 1)
                          : Structures(m_core).search(criteria, offset, limit + 1);
    } catch (const DatabaseError &error) {
        done(CommandResult::failure(ErrorCode::Internal, QString(), error.message()), {});
        return;
    }
    page.more = page.rows.size() > limit;
    if (page.more)
        page.rows.resize(limit);
    done(CommandResult::success(), page);
}

void LocalDirectory::searchUsers(const QString &text, int limit, QObject *, UsersCallback done)
{
    QList<UserSearchResult> users;
    try {
        users = Accounts(m_core).searchUsers(text, limit);
    } catch (const DatabaseError &error) {
        done(CommandResult::failure(ErrorCode::Internal, QString(), error.message()), {});
        return;
    }
    done(CommandResult::success(), users);
}

void LocalDirectory::fileContent(qint64 fileId, QObject *, ContentCallback done)
{
    QByteArray content;
    const CommandResult result = AttachedFiles(m_core).fileContent(m_gateway.userId(), fileId, &content);
    done(result, result.ok() ? content : QByteArray());
}

} // namespace guichet
