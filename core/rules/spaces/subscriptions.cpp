#include "rules/spaces/subscriptions.h"

#include "kernel/core.h"
#include "mail/mailtext.h"
#include "rules/accounts/accounts.h"
#include "rules/attachments/permissions.h"
#include "rules/attachments/principals.h"
#include "rules/spaces/spaces.h"

#include <QMap>
#include <QSet>

namespace guichet {

namespace {
const QVariant kNull = QVariant(QMetaType(QMetaType::LongLong));

QVariant serviceValue(qint64 serviceId)
{
    return serviceId ? QVariant(serviceId) : kNull;
}
} // namespace

qint64 insertSubscription(CommandContext &ctx, const NewSubscription &s)
{
    const bool decided = s.status == QLatin1String("validated");
    const qint64 now = ctx.clock().nowMs();
    const qint64 id = ctx.db().insert(
        QStringLiteral(
            "INSERT INTO subscriptions (user_id, structure_id, space_id, service_id, mode, "
            "effective_date, comment, status, requested_at, decided_at, decided_by, origin, version) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id"),
        { s.userId, s.structureId, s.spaceId, serviceValue(s.serviceId), s.mode,
          s.effectiveDate.toString(Qt::ISODate), s.comment, s.status, now, decided ? QVariant(now) : kNull,
          decided && ctx.hasActor() ? QVariant(ctx.actorId()) : kNull, s.origin, ctx.version() });
    ctx.audit(QStringLiteral("subscription"), id, s.structureId,
              QStringLiteral("user %1, space %2, service %3, %4, %5 (%6)")
                  .arg(s.userId)
                  .arg(s.spaceId)
                  .arg(s.serviceId)
                  .arg(s.mode, s.status, s.origin),
              s.comment);
    return id;
}

void deleteSubscription(CommandContext &ctx, qint64 subscriptionId, const QString &why)
{
    const auto row = ctx.db().row(
        QStringLiteral("SELECT user_id, structure_id FROM subscriptions WHERE id = ?"), { subscriptionId });
    const qint64 userId = row ? row->value(QStringLiteral("user_id")).toLongLong() : 0;
    const qint64 structureId = row ? row->value(QStringLiteral("structure_id")).toLongLong() : 0;
    ctx.db().exec(QStringLiteral("DELETE FROM subscriptions WHERE id = ?"), { subscriptionId });
    ctx.tombstone(QStringLiteral("subscriptions"), subscriptionId, userId, structureId);
    ctx.audit(QStringLiteral("subscription"), subscriptionId, structureId, QStringLiteral("deleted: ") + why);
}

bool subscriptionExists(const Database &db, qint64 userId, qint64 structureId, qint64 spaceId,
                        qint64 serviceId, const QString &mode)
{
    const QString serviceTest
        = serviceId ? QStringLiteral("service_id = ?") : QStringLiteral("service_id IS NULL");
    QVariantList args { userId, structureId, spaceId, mode };
    if (serviceId)
        args.append(serviceId);
    return db.value(QStringLiteral(
                        "SELECT COUNT(*) FROM subscriptions WHERE user_id = ? AND structure_id = ? AND "
                        "space_id = ? AND mode = ? AND status IN ('pending', 'validated') AND %1")
                        .arg(serviceTest),
                    args)
               .toInt()
        > 0;
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
    return status;
}

CommandResult Subscriptions::requestSubscription(qint64 actorId, const SubscriptionRequest &request)
{
    return m_core.run(QStringLiteral("requestSubscription"), actorId, [&](CommandContext &ctx) {
        Database &db = ctx.db();
        const QDate today = ctx.clock().today();
        if (request.structureId <= 0)
            fail(ErrorCode::InvalidInput, QStringLiteral("structure"), tr("Choose the structure."));
        const auto structure
            = db.row(QStringLiteral("SELECT id, raison_sociale FROM structures WHERE id = ?"),
                     { request.structureId });
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
            const auto service = db.row(
                QStringLiteral("SELECT name, active FROM services WHERE id = ? AND structure_id = ?"),
                { serviceId, request.structureId });
            if (!service || service->value(QStringLiteral("active")).toInt() == 0)
                fail(ErrorCode::InvalidInput, QStringLiteral("services"),
                     tr("The service %1 is not an active service of this structure.").arg(serviceId));
            if (!scope.wholeStructure && !scope.serviceIds.contains(serviceId))
                fail(ErrorCode::Forbidden, QStringLiteral("services"),
                     tr("You are not attached to the service %1.")
                         .arg(service->value(QStringLiteral("name")).toString()));
        }

        const QString status = canManage(db, ctx.actorId(), request.structureId, today)
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
                                            status, QStringLiteral("request") }));
            statuses.append(status);
        }

        if (status == QLatin1String("pending")) {
            const qint64 principal = principalOf(db, request.structureId);
            if (principal) {
                const MailText t = MailText::forUser(db, principal);
                MailBody body;
                body.paragraph(t.translate("guichet::Subscriptions",
                                           "%1 %2 asks for the space %3 on %4. Open Guichet to validate or "
                                           "refuse it.")
                                   .arg(ctx.actor().firstName, ctx.actor().lastName, space->name,
                                        structure->value(QStringLiteral("raison_sociale")).toString()));
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
        if (subscriptionIds.isEmpty())
            fail(ErrorCode::InvalidInput, QStringLiteral("subscriptions"), tr("Check at least one request."));
        const QString status = validate ? QStringLiteral("validated") : QStringLiteral("refused");
        // One mail per requester, listing their decided rows (in the requester's language).
        struct Decided
        {
            QString structure, space, service, mode;
        };
        QMap<qint64, QList<Decided>> decidedFor;
        QSet<qint64> seen;
        for (const qint64 id : subscriptionIds) {
            if (seen.contains(id))
                continue;
            seen.insert(id);
            const auto row = db.row(
                QStringLiteral(
                    "SELECT s.user_id, s.structure_id, s.status, s.mode, sp.name AS space_name, "
                    "st.raison_sociale, sv.name AS service_name FROM subscriptions s JOIN spaces sp ON "
                    "sp.id = s.space_id JOIN structures st ON st.id = s.structure_id LEFT JOIN "
                    "services sv ON sv.id = s.service_id WHERE s.id = ?"),
                { id });
            if (!row)
                fail(ErrorCode::NotFound, QStringLiteral("subscriptions"),
                     tr("The subscription request %1 was not found.").arg(id));
            const qint64 structureId = row->value(QStringLiteral("structure_id")).toLongLong();
            requireManager(ctx, structureId);
            if (row->value(QStringLiteral("status")).toString() != QLatin1String("pending"))
                fail(ErrorCode::Conflict, QStringLiteral("subscriptions"),
                     tr("The subscription request %1 was already decided.").arg(id));
            db.exec(QStringLiteral("UPDATE subscriptions SET status = ?, decided_at = ?, decided_by = ?, "
                                   "decision_comment = ?, version = ? WHERE id = ?"),
                    { status, ctx.clock().nowMs(), ctx.actorId(), comment.trimmed(), ctx.version(), id });
            ctx.audit(QStringLiteral("subscription"), id, structureId, QStringLiteral("request ") + status,
                      comment.trimmed());
            decidedFor[row->value(QStringLiteral("user_id")).toLongLong()].append(
                { row->value(QStringLiteral("raison_sociale")).toString(),
                  row->value(QStringLiteral("space_name")).toString(),
                  row->value(QStringLiteral("service_name")).toString(),
                  row->value(QStringLiteral("mode")).toString() });
        }
        for (auto it = decidedFor.cbegin(); it != decidedFor.cend(); ++it) {
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
            MailBody body;
            body.paragraph(
                validate ? t.translate("guichet::Subscriptions", "Your subscription request was validated:")
                         : t.translate("guichet::Subscriptions", "Your subscription request was refused:"));
            body.list(lines);
            if (!comment.trimmed().isEmpty())
                body.paragraph(t.translate("guichet::Subscriptions", "Comment: %1").arg(comment.trimmed()));
            ctx.queueMail(it.key(), recipient,
                          validate ? t.translate("guichet::Subscriptions", "Subscription request validated")
                                   : t.translate("guichet::Subscriptions", "Subscription request refused"),
                          body.text(), body.html());
        }
        ctx.result
            = CommandResult::success(subscriptionIds.first(), { { QStringLiteral("status"), status } });
    });
}

CommandResult Subscriptions::removeSubscriptions(qint64 actorId, const QList<qint64> &subscriptionIds)
{
    return m_core.run(QStringLiteral("removeSubscriptions"), actorId, [&](CommandContext &ctx) {
        if (subscriptionIds.isEmpty())
            fail(ErrorCode::InvalidInput, QStringLiteral("subscriptions"),
                 tr("Check at least one subscription."));
        QSet<qint64> seen;
        for (const qint64 id : subscriptionIds) {
            if (seen.contains(id))
                continue;
            seen.insert(id);
            const auto row = ctx.db().row(
                QStringLiteral("SELECT user_id, structure_id FROM subscriptions WHERE id = ?"), { id });
            if (!row)
                fail(ErrorCode::NotFound, QStringLiteral("subscriptions"),
                     tr("The subscription %1 was not found.").arg(id));
            if (row->value(QStringLiteral("user_id")).toLongLong() != ctx.actorId()
                && !actorManages(ctx, row->value(QStringLiteral("structure_id")).toLongLong()))
                fail(ErrorCode::Forbidden, QStringLiteral("subscriptions"),
                     tr("You may only remove your own subscriptions."));
            deleteSubscription(ctx, id, QStringLiteral("removed"));
        }
        ctx.result = CommandResult::success(0, { { QStringLiteral("removed"), seen.size() } });
    });
}

qint64 Subscriptions::pendingCount() const
{
    return m_core.db()
        .value(QStringLiteral("SELECT COUNT(*) FROM subscriptions WHERE status = 'pending'"))
        .toLongLong();
}

QList<SubscriptionView> Subscriptions::describe(const QString &where, const QVariantList &args) const
{
    QList<SubscriptionView> result;
    const QList<QVariantMap> rows = m_core.db().rows(
        QStringLiteral(
            "SELECT s.id, s.user_id, s.structure_id, st.siret, st.raison_sociale, sp.code AS space_code, "
            "sp.name AS space_name, sp.sort_order AS space_sort_order, s.service_id, sv.name AS "
            "service_name, s.mode, s.effective_date, "
            "s.comment, s.status, s.origin, s.requested_at, u.first_name, u.last_name, u.email FROM "
            "subscriptions s "
            "JOIN structures st ON st.id = s.structure_id JOIN spaces sp ON sp.id = s.space_id "
            "JOIN users u ON u.id = s.user_id LEFT JOIN services sv ON sv.id = s.service_id WHERE %1 "
            "ORDER BY st.raison_sociale, sp.sort_order, s.service_id, s.mode, s.id")
            .arg(where),
        args);
    for (const QVariantMap &row : rows) {
        SubscriptionView view;
        view.id = row.value(QStringLiteral("id")).toLongLong();
        view.userId = row.value(QStringLiteral("user_id")).toLongLong();
        view.firstName = row.value(QStringLiteral("first_name")).toString();
        view.lastName = row.value(QStringLiteral("last_name")).toString();
        view.email = row.value(QStringLiteral("email")).toString();
        view.structureId = row.value(QStringLiteral("structure_id")).toLongLong();
        view.siret = row.value(QStringLiteral("siret")).toString();
        view.raisonSociale = row.value(QStringLiteral("raison_sociale")).toString();
        view.spaceCode = row.value(QStringLiteral("space_code")).toString();
        view.spaceName = row.value(QStringLiteral("space_name")).toString();
        view.spaceSortOrder = row.value(QStringLiteral("space_sort_order")).toInt();
        view.serviceId = row.value(QStringLiteral("service_id")).toLongLong();
        view.serviceName
            = view.serviceId ? row.value(QStringLiteral("service_name")).toString() : tr("Whole structure");
        view.mode = row.value(QStringLiteral("mode")).toString();
        view.effectiveDate
            = QDate::fromString(row.value(QStringLiteral("effective_date")).toString(), Qt::ISODate);
        view.comment = row.value(QStringLiteral("comment")).toString();
        view.status = row.value(QStringLiteral("status")).toString();
        view.origin = row.value(QStringLiteral("origin")).toString();
        view.requestedAt = row.value(QStringLiteral("requested_at")).toLongLong();
        result.append(view);
    }
    return result;
}

QList<SubscriptionView> Subscriptions::userSubscriptions(qint64 userId) const
{
    return describe(QStringLiteral("s.user_id = ? AND s.status IN ('pending', 'validated')"), { userId });
}

std::optional<SubscriptionView> Subscriptions::subscription(qint64 subscriptionId) const
{
    const QList<SubscriptionView> rows = describe(QStringLiteral("s.id = ?"), { subscriptionId });
    if (rows.isEmpty())
        return std::nullopt;
    return rows.first();
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
    const QList<QVariantMap> services = m_core.db().rows(
        QStringLiteral(
            "SELECT id, code, name FROM services WHERE structure_id = ? AND active = 1 ORDER BY name, id"),
        { structureId });
    for (const QVariantMap &service : services) {
        const qint64 id = service.value(QStringLiteral("id")).toLongLong();
        if (!scope.wholeStructure && !scope.serviceIds.contains(id))
            continue;
        result.append({ id, service.value(QStringLiteral("code")).toString(),
                        service.value(QStringLiteral("name")).toString() });
    }
    return result;
}

QList<PendingSubscriptionRequest> Subscriptions::pendingSubscriptionRequests(qint64 managerId) const
{
    const auto manager = m_core.loadActor(managerId);
    if (!manager || !manager->active)
        return {};
    if (manager->support)
        return describe(QStringLiteral("s.status = 'pending'"), {});
    // Only structures where the manager holds a manager's attachment; canManage
    // then checks the window and the secondary powers.
    const QDate today = m_core.clock().today();
    const SqlFragment managed = structuresManagedOnSql(managerId, today);
    const QList<PendingSubscriptionRequest> pending = describe(
        QStringLiteral("s.status = 'pending' AND s.structure_id IN (%1)").arg(managed.sql), managed.args);
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
