#pragma once

#include "kernel/commandresult.h"
#include "rules/accounts/accounts.h"
#include "rules/attachments/attachments.h"
#include "rules/structures/structures.h"

#include <QByteArray>
#include <QList>
#include <QObject>
#include <QString>

#include <functional>
#include <optional>

namespace guichet {

class CommandGateway;
class Core;

// One page of the structure search.
struct StructurePage
{
    QList<StructureRow> rows;
    // Whether more matches follow this page.
    bool more = false;
};

// What the screens read that the connected replica does not hold: the
// structure search, the users' designation search (« Loupe ») and the content
// of attached files. Standalone, LocalDirectory reads the local database
// through core; connected, RemoteDirectory asks guichetd (docs/API.md:
// /structures, /users, /files/<id>/content). Reading changes nothing, so these
// are not commands and never go through the outbox.
//
// Every call ends with `done` exactly once, unless `context` (the screen that
// asked) was destroyed meanwhile, in which case `done` is dropped. `done` may
// run BEFORE the call returns (LocalDirectory answers synchronously) or later
// (RemoteDirectory): callers must handle both. A failure (server unreachable,
// expired session, rights) is a CommandResult that is not ok(), with a
// readable message; the other arguments are then empty.
class Directory : public QObject
{
    Q_OBJECT

public:
    using CountCallback = std::function<void(const CommandResult &result, qint64 count)>;
    using StructuresCallback = std::function<void(const CommandResult &result, const StructurePage &page)>;
    using UsersCallback
        = std::function<void(const CommandResult &result, const QList<UserSearchResult> &users)>;
    using ContentCallback = std::function<void(const CommandResult &result, const QByteArray &content)>;
    using BoundedCountCallback
        = std::function<void(const CommandResult &result, const StructureCount &count)>;
    using RequestsCallback
        = std::function<void(const CommandResult &result, const QList<AttachmentView> &requests)>;

    using QObject::QObject;

    // The number of structures matching `criteria`, or -1 when this directory
    // cannot count without reading every page: the screen then grows its
    // table page by page.
    virtual void countStructures(const StructureCriteria &criteria, QObject *context, CountCallback done) = 0;
    // `limit` matching structures from `offset` (fewer only on the last page),
    // ordered by raison sociale then id (Structures::search). Empty criteria
    // give an empty page.
    virtual void searchStructures(const StructureCriteria &criteria, int offset, int limit, QObject *context,
                                  StructuresCallback done)
        = 0;
    // The number of matches when it is cheap to know, else a lower bound
    // (Structures::countBounded): the screen then shows « at least … » and asks
    // countStructures() for the exact figure after its first page. By default
    // the exact count (a count of -1 still means « cannot count »).
    virtual void countStructuresBounded(const StructureCriteria &criteria, QObject *context,
                                        BoundedCountCallback done);
    // The page after `after` when given (keyset: Structures::searchAfter, the
    // same cost at any depth), else the page at `offset`; `offset` is always
    // the page's first row. By default the offset page.
    virtual void searchStructuresAfter(const StructureCriteria &criteria,
                                       const std::optional<StructureCursor> &after, int offset, int limit,
                                       QObject *context, StructuresCallback done);
    // Active users whose name, e-mail or postal address contains every word of
    // `text` (Accounts::searchUsers), at most `limit`.
    virtual void searchUsers(const QString &text, int limit, QObject *context, UsersCallback done) = 0;
    // The content of one of the signed-in user's attached files, checked
    // against its SHA-256 (AttachedFiles::fileContent: owner only).
    virtual void fileContent(qint64 fileId, QObject *context, ContentCallback done) = 0;
    // Support staff: the pending requests to join a structure without a
    // principal manager (Support::principalRequests; Forbidden for others).
    // Connected, from guichetd: a support user's replica does not hold them.
    // By default a failure (a directory that cannot list them).
    virtual void principalRequests(QObject *context, RequestsCallback done);
};

// Standalone mode: core's read functions on the local database, answered
// synchronously, except the exact count of structures, which runs on a
// thread of its own with its own connection and answers through the event
// loop (an in-memory database is counted synchronously). The signed-in user
// is the gateway's.
class LocalDirectory final : public Directory
{
    Q_OBJECT

public:
    LocalDirectory(Core &core, const CommandGateway &gateway, QObject *parent = nullptr);
    ~LocalDirectory() override;

    Core &core() const { return m_core; }

    void countStructures(const StructureCriteria &criteria, QObject *context, CountCallback done) override;
    void searchStructures(const StructureCriteria &criteria, int offset, int limit, QObject *context,
                          StructuresCallback done) override;
    void countStructuresBounded(const StructureCriteria &criteria, QObject *context,
                                BoundedCountCallback done) override;
    void searchStructuresAfter(const StructureCriteria &criteria, const std::optional<StructureCursor> &after,
                               int offset, int limit, QObject *context, StructuresCallback done) override;
    void searchUsers(const QString &text, int limit, QObject *context, UsersCallback done) override;
    void fileContent(qint64 fileId, QObject *context, ContentCallback done) override;
    void principalRequests(QObject *context, RequestsCallback done) override;

private:
    Core &m_core;
    const CommandGateway &m_gateway;
};

} // namespace guichet
