#include "rules/spaces/subscriptions.h"

#include "kernel/core.h"
#include "mail/mailtext.h"
#include "rules/accounts/accounts.h"
#include "rules/accounts/accountstore.h"
#include "rules/attachments/permissions.h"
#include "rules/attachments/principals.h"
#include "rules/spaces/spaces.h"
#include "rules/spaces/spacestore.h"
#include "rules/structures/structurestore.h"

#include <QCoreApplication>
#include <QHash>
#include <QMap>
#include <QSet>

namespace guichet {

namespace {
// The views as the screens show them: « Whole structure » for the default service.
QList<SubscriptionView> named(QList<SubscriptionView> views)
{
    for (SubscriptionView &view : views) {
        if (!view.serviceId)
            view.serviceName = Subscriptions::tr("Whole structure");
    }
    return views;
}
} // namespace

qint64 insertSubscription(CommandContext &ctx, const NewSubscription &s)
{
    const bool decided = s.status == QLatin1String("validated");
    const qint64 now = ctx.clock().nowMs();
    const qint64 id = SpaceStore(ctx.db()).insertSubscription(
        s, now, decided ? std::optional<qint64>(now) : std::nullopt,
        decided && ctx.hasActor() ? std::optional<qint64>(ctx.actorId()) : std::nullopt, ctx.version());
    AuditRecord created(s.status == QLatin1String("pending") ? AuditAction::SubscriptionRequested
                                                             : AuditAction::SubscriptionCreated,
                        s.userId);
    created.spaceId = s.spaceId;
    created.serviceId = s.serviceId;
    created.mode = s.mode;
    created.status = s.status;
    created.origin = s.origin;
    ctx.audit(QStringLiteral("subscription"), id, s.structureId, created, s.comment);
    return id;
}

namespace {
// The audit entry of an act on an existing subscription: whose it is, and its
// space, service and mode.
template<typename Row> AuditRecord subscriptionAudit(AuditAction action, const Row &row)
{
    AuditRecord record(action, row.userId);
    record.spaceId = row.spaceId;
    record.serviceId = row.serviceId;
    record.mode = row.mode;
    return record;
}

// The ids in their order, each once: a row checked twice is acted on once.
QList<qint64> eachOnce(const QList<qint64> &ids)
{
    QList<qint64> once;
    QSet<qint64> seen;
    for (const qint64 id : ids) {
        if (!seen.contains(id)) {
            seen.insert(id);
            once.append(id);
        }
    }
    return once;
}
} // namespace

void deleteSubscription(CommandContext &ctx, qint64 subscriptionId, const QString &why)
{
    const SpaceStore store(ctx.db());
    const auto row = store.subscription(subscriptionId);
    const qint64 userId = row ? row->userId : 0;
    const qint64 structureId = row ? row->structureId : 0;
    store.deleteSubscription(subscriptionId);
    ctx.tombstone(QStringLiteral("subscriptions"), subscriptionId, userId, structureId);
    AuditRecord removed = row ? subscriptionAudit(AuditAction::SubscriptionRemoved, *row)
                              : AuditRecord(AuditAction::SubscriptionRemoved, userId);
    removed.reason = why;
    ctx.audit(QStringLiteral("subscription"), subscriptionId, structureId, removed);
}

bool subscriptionExists(const Database &db, qint64 userId, qint64 structureId, qint64 spaceId,
                        qint64 serviceId, const QString &mode)
{
    return SpaceStore(db).subscriptionExists(userId, structureId, spaceId, serviceId, mode);
}

Subscriptions::Subscriptions(Core &core)
    : m_core(core)
{
}

QString Subscriptions::statusLabel(const QString &status)
{
    if (status == QLatin1String("validated"))
        return tr("Validated");
    if (status == QLatin1String("pending"))
        return tr("Awaiting validation");
    if (status == QLatin1String("refused"))
        return tr("Refused");
    if (status == QLatin1String(removalRequestedStatus))
        return tr("Removal requested");
    return status;
}

CommandResult Subscriptions::requestSubscription(qint64 actorId, const SubscriptionRequest &request)
{
    return m_core.run(QStringLiteral("requestSubscription"), actorId, [&](CommandContext &ctx) {
        Database &db = ctx.db();
        const QDate today = ctx.clock().today();
        if (request.structureId <= 0)
            fail(ErrorCode::InvalidInput, QStringLiteral("structure"), tr("Choose the structure."));
        const auto structure = StructureStore(db).structure(request.structureId);
        if (!structure)
            fail(ErrorCode::NotFound, QStringLiteral("structure"), tr("The structure was not found."));
        if (request.spaceCode.trimmed().isEmpty())
            fail(ErrorCode::InvalidInput, QStringLiteral("space"), tr("Choose the space."));
        const auto space = spaceByCode(db, request.spaceCode.trimmed());
        if (!space)
            fail(ErrorCode::InvalidInput, QStringLiteral("space"), tr("Choose a space from the list."));
        if (!request.effectiveDate.isValid())
            fail(ErrorCode::InvalidInput, QStringLiteral("effectiveDate"),
                 tr("Enter the date from which the subscription is effective."));

        // One row per (service, mode) ticked: « il y aura donc deux lignes pour un même espace ».
        QList<QPair<qint64, QString>> rows;
        for (const SubscriptionLine &line : request.lines) {
            if (line.modification && !rows.contains({ line.serviceId, QStringLiteral("modification") }))
                rows.append({ line.serviceId, QStringLiteral("modification") });
            if (line.consultation && !rows.contains({ line.serviceId, QStringLiteral("consultation") }))
                rows.append({ line.serviceId, QStringLiteral("consultation") });
        }
        if (rows.isEmpty())
            fail(ErrorCode::InvalidInput, QStringLiteral("services"),
                 tr("Tick modification or consultation for at least one service."));

        const AttachedScope scope = attachedServices(db, ctx.actorId(), request.structureId, today);
        if (!scope.attached)
            fail(ErrorCode::Forbidden, QStringLiteral("structure"),
                 tr("You are not attached to this structure today: request an attachment first."));
        for (const auto &row : rows) {
            const qint64 serviceId = row.first;
            if (serviceId == 0) {
                if (!scope.wholeStructure)
                    fail(ErrorCode::Forbidden, QStringLiteral("services"),
                         tr("You are attached to some services only: you cannot subscribe for the whole "
                            "structure (default service)."));
                continue;
            }
            const auto service = StructureStore(db).service(serviceId);
            if (!service || service->structureId != request.structureId || !service->active)
                fail(ErrorCode::InvalidInput, QStringLiteral("services"),
                     tr("The service %1 is not an active service of this structure.").arg(serviceId));
            if (!scope.wholeStructure && !scope.serviceIds.contains(serviceId))
                fail(ErrorCode::Forbidden, QStringLiteral("services"),
                     tr("You are not attached to the service %1.").arg(service->name));
        }

        // A manager's own request, or a space the structure leaves to its
        // users (« Factures émises » in self-service), needs no decision.
        const QString status = canManage(db, ctx.actorId(), request.structureId, today)
                || isSelfServiceSpace(db, request.structureId, space->id)
            ? QStringLiteral("validated")
            : QStringLiteral("pending");
        QVariantList ids;
        QVariantList statuses;
        for (const auto &row : rows) {
            if (subscriptionExists(db, ctx.actorId(), request.structureId, space->id, row.first, row.second))
                fail(ErrorCode::Conflict, QStringLiteral("services"),
                     tr("You already have this subscription or a request for it (%1, %2).")
                         .arg(space->name, row.second));
            ids.append(insertSubscription(ctx,
                                          { ctx.actorId(), request.structureId, space->id, row.first,
                                            row.second, request.effectiveDate, request.comment.trimmed(),
                                            status, QStringLiteral("request"), QString() }));
            statuses.append(status);
        }

        if (status == QLatin1String("pending")) {
            const qint64 principal = activePrincipalOf(db, request.structureId, ctx.clock().today());
            if (principal) {
                const MailText t = MailText::forUser(db, principal);
                MailBody body;
                body.paragraph(t.translate("guichet::Subscriptions",
                                           "%1 %2 asks for the space %3 on %4. Open Guichet to validate or "
                                           "refuse it.")
                                   .arg(ctx.actor().firstName, ctx.actor().lastName, space->name,
                                        structure->raisonSociale));
                ctx.queueMail(principal, contactEmail(db, principal),
                              t.translate("guichet::Subscriptions", "A subscription request waits for you"),
                              body.text(), body.html());
            }
        }
        ctx.result = CommandResult::success(
            ids.first().toLongLong(),
            { { QStringLiteral("ids"), ids }, { QStringLiteral("statuses"), statuses } });
    });
}

CommandResult Subscriptions::subscribeUsers(qint64 actorId, const BulkSubscription &bulk)
{
    return m_core.run(QStringLiteral("subscribeUsers"), actorId, [&](CommandContext &ctx) {
        Database &db = ctx.db();
        const QDate today = ctx.clock().today();
        if (bulk.structureId <= 0)
            fail(ErrorCode::InvalidInput, QStringLiteral("structure"), tr("Choose the structure."));
        const auto structure = StructureStore(db).structure(bulk.structureId);
        if (!structure)
            fail(ErrorCode::NotFound, QStringLiteral("structure"), tr("The structure was not found."));
        requireManager(ctx, bulk.structureId);
        if (bulk.spaceCode.trimmed().isEmpty())
            fail(ErrorCode::InvalidInput, QStringLiteral("space"), tr("Choose the space."));
        const auto space = spaceByCode(db, bulk.spaceCode.trimmed());
        if (!space)
            fail(ErrorCode::InvalidInput, QStringLiteral("space"), tr("Choose a space from the list."));
        if (!bulk.modification && !bulk.consultation)
            fail(ErrorCode::InvalidInput, QStringLiteral("modification"),
                 tr("Tick modification, consultation or both."));
        if (!bulk.effectiveDate.isValid())
            fail(ErrorCode::InvalidInput, QStringLiteral("effectiveDate"),
                 tr("Enter the date from which the subscription is effective."));
        QList<qint64> userIds;
        for (const qint64 id : bulk.userIds) {
            if (!userIds.contains(id))
                userIds.append(id);
        }
        if (userIds.isEmpty())
            fail(ErrorCode::InvalidInput, QStringLiteral("users"), tr("Check at least one user."));
        if (userIds.size() > BulkSubscription::MaxUsers)
            fail(ErrorCode::InvalidInput, QStringLiteral("users"),
                 tr("Check at most %1 users at once.").arg(BulkSubscription::MaxUsers));
        QStringList modes;
        if (bulk.modification)
            modes.append(QStringLiteral("modification"));
        if (bulk.consultation)
            modes.append(QStringLiteral("consultation"));

        // Every user is checked before anything is written.
        const AccountStore accounts(db);
        QList<QPair<qint64, QList<qint64>>> scopes; // user, the services their rows cover (0: whole)
        for (const qint64 userId : userIds) {
            const auto account = userId > 0 ? accounts.stateById(userId) : std::nullopt;
            const AttachedScope scope = attachedServices(db, userId, bulk.structureId, today);
            if (!account || account->status != QLatin1String("active") || !scope.attached)
                fail(ErrorCode::InvalidInput, QStringLiteral("users"),
                     tr("%1 is not attached to %2 today: nothing was subscribed.")
                         .arg(account ? account->email : tr("The user %1").arg(userId),
                              structure->raisonSociale));
            scopes.append({ userId, scope.wholeStructure ? QList<qint64> { 0 } : scope.serviceIds });
        }
        int created = 0;
        int users = 0;
        for (const auto &[userId, services] : std::as_const(scopes)) {
            int mine = 0;
            for (const qint64 serviceId : services) {
                for (const QString &mode : std::as_const(modes)) {
                    if (subscriptionExists(db, userId, bulk.structureId, space->id, serviceId, mode))
                        continue;
                    insertSubscription(ctx,
                                       { userId, bulk.structureId, space->id, serviceId, mode,
                                         bulk.effectiveDate, QString(), QStringLiteral("validated"),
                                         QStringLiteral("request"), QString() });
                    ++mine;
                }
            }
            if (mine == 0)
                continue;
            created += mine;
            ++users;
            const MailText t = MailText::forUser(db, userId);
            const char *source = spaceNameSource(space->code);
            ctx.queueMail(userId, contactEmail(db, userId),
                          t.translate("guichet::Subscriptions", "New subscription in Guichet"),
                          t.translate("guichet::Subscriptions",
                                      "%1 %2 subscribed you to the space %3 on %4, from %5. Open Guichet to "
                                      "see it.")
                              .arg(ctx.actor().firstName, ctx.actor().lastName,
                                   source ? t.translate("guichet::labels", source) : space->name,
                                   structure->raisonSociale, bulk.effectiveDate.toString(Qt::ISODate)));
        }
        if (created == 0)
            fail(ErrorCode::Conflict, QStringLiteral("users"),
                 tr("Every user checked already has this subscription: nothing to add."));
        ctx.result = CommandResult::success(
            bulk.structureId, { { QStringLiteral("created"), created }, { QStringLiteral("users"), users } });
    });
}

CommandResult Subscriptions::decideSubscription(qint64 actorId, qint64 subscriptionId, bool validate,
                                                const QString &comment)
{
    return decideSubscriptions(actorId, { subscriptionId }, validate, comment);
}

CommandResult Subscriptions::decideSubscriptions(qint64 actorId, const QList<qint64> &subscriptionIds,
                                                 bool validate, const QString &comment)
{
    return m_core.run(QStringLiteral("decideSubscriptions"), actorId, [&](CommandContext &ctx) {
        Database &db = ctx.db();
        const SpaceStore store(db);
        if (subscriptionIds.isEmpty())
            fail(ErrorCode::InvalidInput, QStringLiteral("subscriptions"), tr("Check at least one request."));
        const QString status = validate ? QStringLiteral("validated") : QStringLiteral("refused");
        // One mail per requester and kind of request, listing their decided
        // rows (in the requester's language).
        struct Decided
        {
            QString structure, space, service, mode;
        };
        QMap<qint64, QList<Decided>> decidedFor;
        QMap<qint64, QList<Decided>> removalsFor;
        int removed = 0;
        for (const qint64 id : eachOnce(subscriptionIds)) {
            const auto row = store.subscriptionToDecide(id);
            if (!row)
                fail(ErrorCode::NotFound, QStringLiteral("subscriptions"),
                     tr("The subscription request %1 was not found.").arg(id));
            const qint64 structureId = row->structureId;
            requireManager(ctx, structureId);
            // A validated row whose owner asked for its removal: validating
            // removes it, refusing keeps it as it was.
            const bool removal = row->status == QLatin1String("validated") && row->removalRequestedAt != 0;
            if (!removal && row->status != QLatin1String("pending"))
                fail(ErrorCode::Conflict, QStringLiteral("subscriptions"),
                     tr("The subscription request %1 was already decided.").arg(id));
            const Decided what { row->raisonSociale, row->spaceName, row->serviceName, row->mode };
            if (removal) {
                if (validate) {
                    deleteSubscription(ctx, id, QString::fromLatin1(audit::ReasonRemovalValidated));
                    ++removed;
                } else {
                    store.setRemovalRequested(id, std::nullopt, ctx.version());
                    const AuditRecord refused
                        = subscriptionAudit(AuditAction::SubscriptionRemovalRefused, *row);
                    ctx.audit(QStringLiteral("subscription"), id, structureId, refused, comment.trimmed());
                }
                removalsFor[row->userId].append(what);
                continue;
            }
            store.decide(id, status, ctx.clock().nowMs(), ctx.actorId(), comment.trimmed(), ctx.version());
            const AuditRecord decided = subscriptionAudit(
                validate ? AuditAction::SubscriptionValidated : AuditAction::SubscriptionRefused, *row);
            ctx.audit(QStringLiteral("subscription"), id, structureId, decided, comment.trimmed());
            decidedFor[row->userId].append(what);
        }
        const auto mailDecisions = [&](const QMap<qint64, QList<Decided>> &rows, bool removals) {
            for (auto it = rows.cbegin(); it != rows.cend(); ++it) {
                const QString recipient = contactEmail(db, it.key());
                const MailText t = MailText::forUser(db, it.key());
                QStringList lines;
                for (const Decided &d : it.value())
                    lines.append(QStringLiteral("%1 — %2 — %3 (%4)")
                                     .arg(d.structure, d.space,
                                          d.service.isEmpty()
                                              ? t.translate("guichet::Subscriptions", "whole structure")
                                              : d.service,
                                          d.mode));
                QString intro;
                QString subject;
                if (removals) {
                    intro = validate
                        ? t.translate("guichet::Subscriptions",
                                      "Your request to remove these subscriptions was validated: "
                                      "they are removed.")
                        : t.translate("guichet::Subscriptions",
                                      "Your request to remove these subscriptions was refused: "
                                      "they stay active.");
                    subject = validate ? t.translate("guichet::Subscriptions", "Removal request validated")
                                       : t.translate("guichet::Subscriptions", "Removal request refused");
                } else {
                    intro = validate
                        ? t.translate("guichet::Subscriptions", "Your subscription request was validated:")
                        : t.translate("guichet::Subscriptions", "Your subscription request was refused:");
                    subject = validate
                        ? t.translate("guichet::Subscriptions", "Subscription request validated")
                        : t.translate("guichet::Subscriptions", "Subscription request refused");
                }
                MailBody body;
                body.paragraph(intro);
                body.list(lines);
                if (!comment.trimmed().isEmpty())
                    body.paragraph(
                        t.translate("guichet::Subscriptions", "Comment: %1").arg(comment.trimmed()));
                ctx.queueMail(it.key(), recipient, subject, body.text(), body.html());
            }
        };
        mailDecisions(decidedFor, false);
        mailDecisions(removalsFor, true);
        ctx.result = CommandResult::success(
            subscriptionIds.first(),
            { { QStringLiteral("status"), status }, { QStringLiteral("removed"), removed } });
    });
}

CommandResult Subscriptions::removeSubscriptions(qint64 actorId, const QList<qint64> &subscriptionIds)
{
    return m_core.run(QStringLiteral("removeSubscriptions"), actorId, [&](CommandContext &ctx) {
        if (subscriptionIds.isEmpty())
            fail(ErrorCode::InvalidInput, QStringLiteral("subscriptions"),
                 tr("Check at least one subscription."));
        Database &db = ctx.db();
        const SpaceStore store(db);
        // The spaces a structure may leave to its users (« Factures émises »):
        // where it does not, a user's validated subscription to one is the
        // managers' to take back, as it was theirs to grant: the user's
        // removal becomes a request they decide.
        QHash<qint64, QString> leftToUsers;
        for (const Space &space : spaceCatalogue(db)) {
            if (Spaces::offersSelfService(space.code))
                leftToUsers.insert(space.id, space.code);
        }
        int removed = 0;
        QVariantList asked;
        QMap<qint64, QStringList> askedSpaces; // structure -> the spaces named in the principal's mail
        const qint64 now = ctx.clock().nowMs();
        for (const qint64 id : eachOnce(subscriptionIds)) {
            const auto row = store.subscription(id);
            if (!row)
                fail(ErrorCode::NotFound, QStringLiteral("subscriptions"),
                     tr("The subscription %1 was not found.").arg(id));
            const bool manages = actorManages(ctx, row->structureId);
            if (row->userId != ctx.actorId() && !manages)
                fail(ErrorCode::Forbidden, QStringLiteral("subscriptions"),
                     tr("You may only remove your own subscriptions."));
            if (!manages && row->status == QLatin1String("validated") && leftToUsers.contains(row->spaceId)
                && !isSelfServiceSpace(db, row->structureId, row->spaceId)) {
                const auto structure = StructureStore(db).structure(row->structureId);
                const QString structureName = structure ? structure->raisonSociale : QString();
                const QString spaceName = QCoreApplication::translate(
                    "guichet::labels", spaceNameSource(leftToUsers.value(row->spaceId)));
                if (row->removalRequestedAt)
                    fail(ErrorCode::Conflict, QStringLiteral("subscriptions"),
                         tr("You already asked to remove the space « %2 » on %1: the request waits for one "
                            "of its managers.")
                             .arg(structureName, spaceName));
                store.setRemovalRequested(id, now, ctx.version());
                const AuditRecord requested
                    = subscriptionAudit(AuditAction::SubscriptionRemovalRequested, *row);
                ctx.audit(QStringLiteral("subscription"), id, row->structureId, requested);
                asked.append(id);
                const QString source = leftToUsers.value(row->spaceId);
                if (!askedSpaces[row->structureId].contains(source))
                    askedSpaces[row->structureId].append(source);
                continue;
            }
            deleteSubscription(ctx, id, QString::fromLatin1(audit::ReasonByUser));
            ++removed;
        }
        // The principal manager hears of a removal request as of a subscription request.
        for (auto it = askedSpaces.cbegin(); it != askedSpaces.cend(); ++it) {
            const qint64 principal = activePrincipalOf(db, it.key(), ctx.clock().today());
            const auto structure = StructureStore(db).structure(it.key());
            if (!principal || !structure)
                continue;
            const MailText t = MailText::forUser(db, principal);
            QStringList spaces;
            for (const QString &code : it.value())
                spaces << t.translate("guichet::labels", spaceNameSource(code));
            MailBody body;
            body.paragraph(t.translate("guichet::Subscriptions",
                                       "%1 %2 asks to remove their subscription to the space %3 on %4. Open "
                                       "Guichet to validate or refuse the removal.")
                               .arg(ctx.actor().firstName, ctx.actor().lastName,
                                    spaces.join(QStringLiteral(", ")), structure->raisonSociale));
            ctx.queueMail(principal, contactEmail(db, principal),
                          t.translate("guichet::Subscriptions", "A removal request waits for you"),
                          body.text(), body.html());
        }
        ctx.result = CommandResult::success(
            0, { { QStringLiteral("removed"), removed }, { QStringLiteral("removalRequested"), asked } });
    });
}

CommandResult Subscriptions::withdrawSubscriptionRemovals(qint64 actorId,
                                                          const QList<qint64> &subscriptionIds)
{
    return m_core.run(QStringLiteral("withdrawSubscriptionRemovals"), actorId, [&](CommandContext &ctx) {
        if (subscriptionIds.isEmpty())
            fail(ErrorCode::InvalidInput, QStringLiteral("subscriptions"),
                 tr("Check at least one subscription."));
        const SpaceStore store(ctx.db());
        const QList<qint64> ids = eachOnce(subscriptionIds);
        for (const qint64 id : ids) {
            const auto row = store.subscription(id);
            if (!row)
                fail(ErrorCode::NotFound, QStringLiteral("subscriptions"),
                     tr("The subscription %1 was not found.").arg(id));
            if (row->userId != ctx.actorId())
                fail(ErrorCode::Forbidden, QStringLiteral("subscriptions"),
                     tr("You may only withdraw your own removal requests."));
            if (!row->removalRequestedAt)
                fail(ErrorCode::Conflict, QStringLiteral("subscriptions"),
                     tr("No removal of the subscription %1 was asked: nothing to withdraw.").arg(id));
            store.setRemovalRequested(id, std::nullopt, ctx.version());
            const AuditRecord withdrawn = subscriptionAudit(AuditAction::SubscriptionRemovalWithdrawn, *row);
            ctx.audit(QStringLiteral("subscription"), id, row->structureId, withdrawn);
        }
        ctx.result = CommandResult::success(0, { { QStringLiteral("withdrawn"), ids.size() } });
    });
}

qint64 Subscriptions::pendingCount() const
{
    return SpaceStore(m_core.db()).pendingCount();
}

QList<SubscriptionView> Subscriptions::userSubscriptions(qint64 userId) const
{
    return named(SpaceStore(m_core.db()).userSubscriptions(userId));
}

std::optional<SubscriptionView> Subscriptions::subscription(qint64 subscriptionId) const
{
    const auto view = SpaceStore(m_core.db()).subscriptionView(subscriptionId);
    if (!view)
        return std::nullopt;
    return named({ *view }).first();
}

QList<RequestableService> Subscriptions::requestableServices(qint64 userId, qint64 structureId,
                                                             QDate today) const
{
    QList<RequestableService> result;
    const AttachedScope scope = attachedServices(m_core.db(), userId, structureId, today);
    if (!scope.attached)
        return result;
    if (scope.wholeStructure)
        result.append({ 0, QString(), tr("Default service (whole structure)") });
    for (const ServiceRow &service : StructureStore(m_core.db()).activeServices(structureId)) {
        if (!scope.wholeStructure && !scope.serviceIds.contains(service.id))
            continue;
        result.append({ service.id, service.code, service.name });
    }
    return result;
}

QList<PendingSubscriptionRequest> Subscriptions::pendingSubscriptionRequests(qint64 managerId) const
{
    const auto manager = m_core.loadActor(managerId);
    if (!manager || !manager->active)
        return {};
    const SpaceStore store(m_core.db());
    if (manager->support)
        return named(store.pendingRequests());
    // Only structures where the manager holds a manager's attachment; canManage
    // then checks the window and the secondary powers.
    const QDate today = m_core.clock().today();
    const QList<PendingSubscriptionRequest> pending = named(store.pendingRequestsManagedBy(managerId, today));
    QList<PendingSubscriptionRequest> result;
    QMap<qint64, bool> manages;
    for (const PendingSubscriptionRequest &request : pending) {
        if (!manages.contains(request.structureId))
            manages.insert(request.structureId,
                           canManage(m_core.db(), managerId, request.structureId, today));
        if (manages.value(request.structureId))
            result.append(request);
    }
    return result;
}

} // namespace guichet
