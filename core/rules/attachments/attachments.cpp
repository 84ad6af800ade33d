#include "rules/attachments/attachments.h"

#include "kernel/core.h"
#include "mail/mailtext.h"
#include "rules/accounts/accounts.h"
#include "rules/attachments/permissions.h"
#include "rules/attachments/principals.h"
#include "rules/spaces/spaces.h"
#include "rules/spaces/subscriptions.h"

#include <QSet>

namespace guichet {

namespace {
const QVariant kNull = QVariant(QMetaType(QMetaType::LongLong));

QString joinIds(const QList<qint64> &ids)
{
    QStringList parts;
    for (const qint64 id : ids)
        parts.append(QString::number(id));
    return parts.join(QLatin1Char(','));
}

QList<qint64> dedupe(const QList<qint64> &ids)
{
    QList<qint64> result;
    for (const qint64 id : ids) {
        if (!result.contains(id))
            result.append(id);
    }
    return result;
}
} // namespace

Attachments::Attachments(Core &core)
    : m_core(core)
{
}

CommandResult Attachments::requestAttachment(qint64 actorId, const AttachmentRequest &request)
{
    return m_core.run(QStringLiteral("requestAttachment"), actorId, [&](CommandContext &ctx) {
        Database &db = ctx.db();
        if (request.structureId <= 0)
            fail(ErrorCode::InvalidInput, QStringLiteral("structure"), tr("Choose the structure."));
        const auto structure
            = db.row(QStringLiteral("SELECT id, siret, raison_sociale FROM structures WHERE id = ?"),
                     { request.structureId });
        if (!structure)
            fail(ErrorCode::NotFound, QStringLiteral("structure"), tr("The structure was not found."));
        const QString structureName = structure->value(QStringLiteral("raison_sociale")).toString();
        if (!request.validFrom.isValid())
            fail(ErrorCode::InvalidInput, QStringLiteral("validFrom"), tr("Enter the start of validity."));
        if (request.validUntil.isValid() && request.validUntil <= request.validFrom)
            fail(ErrorCode::InvalidInput, QStringLiteral("validUntil"),
                 tr("The end of validity must be after its start."));

        const QList<qint64> serviceIds
            = request.wholeStructure ? QList<qint64>() : dedupe(request.serviceIds);
        if (!request.wholeStructure && serviceIds.isEmpty())
            fail(ErrorCode::InvalidInput, QStringLiteral("services"),
                 tr("Choose « Attach to the structure » or check at least one service."));
        for (const qint64 serviceId : serviceIds) {
            const auto service = db.row(
                QStringLiteral("SELECT structure_id, active FROM services WHERE id = ?"), { serviceId });
            if (!service
                || service->value(QStringLiteral("structure_id")).toLongLong() != request.structureId)
                fail(ErrorCode::InvalidInput, QStringLiteral("services"),
                     tr("The service %1 does not belong to %2.").arg(serviceId).arg(structureName));
            if (service->value(QStringLiteral("active")).toInt() == 0)
                fail(ErrorCode::InvalidInput, QStringLiteral("services"),
                     tr("The service %1 of %2 is no longer active.").arg(serviceId).arg(structureName));
        }

        // A request already waiting, or an attachment that has not ended, is a duplicate.
        const SqlFragment live = attachmentPendingOrNotEnded(QString(), ctx.clock().today());
        if (db.value(QStringLiteral(
                         "SELECT COUNT(*) FROM attachments WHERE user_id = ? AND structure_id = ? AND %1")
                         .arg(live.sql),
                     QVariantList { ctx.actorId(), request.structureId } + live.args)
                .toInt()
            > 0)
            fail(ErrorCode::Conflict, QStringLiteral("structure"),
                 tr("You are already attached to %1 or your request is waiting.").arg(structureName));

        const qint64 principal = principalOf(db, request.structureId);
        const QString role = principal ? QStringLiteral("user") : QStringLiteral("principal");
        const qint64 id = db.insert(
            QStringLiteral(
                "INSERT INTO attachments (user_id, structure_id, role, whole_structure, valid_from, "
                "valid_until, status, requested_at, version) VALUES (?, ?, ?, ?, ?, ?, 'pending', ?, ?) "
                "RETURNING id"),
            { ctx.actorId(), request.structureId, role, request.wholeStructure ? 1 : 0,
              request.validFrom.toString(Qt::ISODate),
              request.validUntil.isValid() ? QVariant(request.validUntil.toString(Qt::ISODate)) : QVariant(),
              ctx.clock().nowMs(), ctx.version() });
        for (const qint64 serviceId : serviceIds)
            db.exec(
                QStringLiteral("INSERT INTO attachment_services (attachment_id, service_id) VALUES (?, ?)"),
                { id, serviceId });
        ctx.audit(QStringLiteral("attachment"), id, request.structureId,
                  QStringLiteral("requested as %1, %2, from %3 until %4")
                      .arg(role,
                           request.wholeStructure ? QStringLiteral("whole structure")
                                                  : QStringLiteral("services %1").arg(joinIds(serviceIds)),
                           request.validFrom.toString(Qt::ISODate),
                           request.validUntil.isValid() ? request.validUntil.toString(Qt::ISODate)
                                                        : QStringLiteral("-")));
        if (principal) {
            const MailText t = MailText::forUser(db, principal);
            MailBody body;
            body.paragraph(t.translate("guichet::Attachments",
                                       "%1 %2 asks to be attached to %3 (SIRET %4). Open Guichet to validate "
                                       "or refuse the request.")
                               .arg(ctx.actor().firstName, ctx.actor().lastName, structureName,
                                    structure->value(QStringLiteral("siret")).toString()));
            ctx.queueMail(principal, contactEmail(db, principal),
                          t.translate("guichet::Attachments", "An attachment request waits for you"),
                          body.text(), body.html());
        }
        ctx.result = CommandResult::success(
            id,
            { { QStringLiteral("status"), QStringLiteral("pending") }, { QStringLiteral("role"), role } });
    });
}

void Attachments::decideOne(CommandContext &ctx, qint64 attachmentId, bool validate, const QString &comment)
{
    Database &db = ctx.db();
    const auto row = db.row(QStringLiteral("SELECT a.user_id, a.structure_id, a.role, a.status, s.siret, "
                                           "s.raison_sociale FROM attachments a JOIN structures s ON "
                                           "s.id = a.structure_id WHERE a.id = ?"),
                            { attachmentId });
    if (!row)
        fail(ErrorCode::NotFound, QStringLiteral("attachments"),
             tr("The attachment request %1 was not found.").arg(attachmentId));
    const qint64 userId = row->value(QStringLiteral("user_id")).toLongLong();
    const qint64 structureId = row->value(QStringLiteral("structure_id")).toLongLong();
    const Role role = roleFromString(row->value(QStringLiteral("role")).toString());
    const QString structureName = row->value(QStringLiteral("raison_sociale")).toString();

    // A structure without a principal manager has nobody to decide: support does.
    if (role == Role::Principal)
        ctx.requireSupport();
    else
        requireManager(ctx, structureId);
    if (row->value(QStringLiteral("status")).toString() != QLatin1String("pending"))
        fail(ErrorCode::Conflict, QStringLiteral("attachments"),
             tr("The request of %1 was already decided.").arg(structureName));
    if (validate && role == Role::Principal && principalOf(db, structureId) != 0)
        fail(ErrorCode::Conflict, QStringLiteral("attachments"),
             tr("%1 already has a principal manager.").arg(structureName));

    const QString status = validate ? QStringLiteral("validated") : QStringLiteral("refused");
    db.exec(QStringLiteral("UPDATE attachments SET status = ?, decided_at = ?, decided_by = ?, "
                           "decision_comment = ?, version = ? WHERE id = ?"),
            { status, ctx.clock().nowMs(), ctx.actorId(), comment, ctx.version(), attachmentId });
    ctx.audit(QStringLiteral("attachment"), attachmentId, structureId, QStringLiteral("request ") + status,
              comment);
    if (validate) {
        const QList<qint64> scope = attachmentScope(db, attachmentId);
        subscribeRoleDefaults(ctx, userId, structureId, role, scope);
        requestStructureSpaces(ctx, userId, structureId, scope);
    }

    const MailText t = MailText::forUser(db, userId);
    MailBody body;
    body.paragraph(
        (validate
             ? t.translate("guichet::Attachments", "Your attachment request to %1 (SIRET %2) was validated.")
             : t.translate("guichet::Attachments", "Your attachment request to %1 (SIRET %2) was refused."))
            .arg(structureName, row->value(QStringLiteral("siret")).toString()));
    if (!comment.isEmpty())
        body.paragraph(t.translate("guichet::Attachments", "Comment: %1").arg(comment));
    ctx.queueMail(userId, contactEmail(db, userId),
                  validate ? t.translate("guichet::Attachments", "Attachment request validated")
                           : t.translate("guichet::Attachments", "Attachment request refused"),
                  body.text(), body.html());
}

CommandResult Attachments::decideAttachment(qint64 actorId, qint64 attachmentId, bool validate,
                                            const QString &comment)
{
    return decideAttachments(actorId, { attachmentId }, validate, comment);
}

CommandResult Attachments::decideAttachments(qint64 actorId, const QList<qint64> &attachmentIds,
                                             bool validate, const QString &comment)
{
    return m_core.run(QStringLiteral("decideAttachments"), actorId, [&](CommandContext &ctx) {
        const QList<qint64> ids = dedupe(attachmentIds);
        if (ids.isEmpty())
            fail(ErrorCode::InvalidInput, QStringLiteral("attachments"), tr("Check at least one request."));
        for (const qint64 id : ids)
            decideOne(ctx, id, validate, comment.trimmed());
        ctx.result = CommandResult::success(
            ids.first(),
            { { QStringLiteral("status"),
                validate ? QStringLiteral("validated") : QStringLiteral("refused") } });
    });
}

void Attachments::removeOne(CommandContext &ctx, qint64 attachmentId, const QHash<qint64, qint64> &successors)
{
    Database &db = ctx.db();
    const auto row = db.row(QStringLiteral("SELECT a.user_id, a.structure_id, a.role, a.status, s.siret, "
                                           "s.raison_sociale FROM attachments a JOIN structures s ON "
                                           "s.id = a.structure_id WHERE a.id = ?"),
                            { attachmentId });
    if (!row)
        fail(ErrorCode::NotFound, QStringLiteral("attachments"),
             tr("The attachment %1 was not found.").arg(attachmentId));
    const qint64 userId = row->value(QStringLiteral("user_id")).toLongLong();
    const qint64 structureId = row->value(QStringLiteral("structure_id")).toLongLong();
    const QString structureName = row->value(QStringLiteral("raison_sociale")).toString();
    const QString siret = row->value(QStringLiteral("siret")).toString();
    const bool own = userId == ctx.actorId();
    const bool principal = row->value(QStringLiteral("role")).toString() == QLatin1String("principal")
        && row->value(QStringLiteral("status")).toString() == QLatin1String("validated");

    if (!own) {
        if (principal)
            ctx.requireSupport();
        else
            requireManager(ctx, structureId);
    }

    if (principal) {
        // « Il faut désigner un nouveau gestionnaire principal. L'ancien
        // gestionnaire reste rattaché à la structure, mais en tant qu'utilisateur simple. »
        const qint64 successor = successors.value(structureId, successors.value(0));
        if (!successor)
            fail(ErrorCode::InvalidInput, QStringLiteral("successor"),
                 tr("Choose the new principal manager of %1 (SIRET %2).").arg(structureName, siret));
        transferPrincipal(ctx, structureId, successor, QStringLiteral("successor"));
        dropStaleRoleDefaults(ctx, userId, structureId, Role::User);
        const qint64 successorAttachment
            = db.value(QStringLiteral("SELECT id FROM attachments WHERE user_id = ? AND structure_id = ? AND "
                                      "role = 'principal' AND status = 'validated' ORDER BY id LIMIT 1"),
                       { successor, structureId })
                  .toLongLong();
        const QList<qint64> scope = attachmentScope(db, successorAttachment);
        subscribeRoleDefaults(ctx, successor, structureId, Role::Principal, scope);
        requestStructureSpaces(ctx, successor, structureId, scope);
        const MailText t = MailText::forUser(db, successor);
        MailBody body;
        body.paragraph(
            t.translate("guichet::Attachments", "You are now the principal manager of %1 (SIRET %2).")
                .arg(structureName, siret));
        ctx.queueMail(successor, contactEmail(db, successor),
                      t.translate("guichet::Attachments", "You are now principal manager"), body.text(),
                      body.html());
        return;
    }

    db.exec(QStringLiteral("DELETE FROM attachment_services WHERE attachment_id = ?"), { attachmentId });
    db.exec(QStringLiteral("DELETE FROM attachments WHERE id = ?"), { attachmentId });
    ctx.tombstone(QStringLiteral("attachments"), attachmentId, userId, structureId);
    ctx.audit(QStringLiteral("attachment"), attachmentId, structureId,
              QStringLiteral("removed (user %1)").arg(userId));

    // Without an attachment the user's subscriptions there mean nothing: they go too.
    const bool stillAttached
        = db.value(
                QStringLiteral("SELECT COUNT(*) FROM attachments WHERE user_id = ? AND structure_id = ? AND "
                               "status IN ('pending', 'validated')"),
                { userId, structureId })
              .toInt()
        > 0;
    if (!stillAttached) {
        const QList<QVariantMap> subscriptions = db.rows(
            QStringLiteral("SELECT id FROM subscriptions WHERE user_id = ? AND structure_id = ? ORDER BY id"),
            { userId, structureId });
        for (const QVariantMap &subscription : subscriptions)
            deleteSubscription(ctx, subscription.value(QStringLiteral("id")).toLongLong(),
                               QStringLiteral("attachment removed"));
    }
    if (!own) {
        const MailText t = MailText::forUser(db, userId);
        MailBody body;
        body.paragraph(
            t.translate("guichet::Attachments", "Your attachment to %1 (SIRET %2) was removed by a manager.")
                .arg(structureName, siret));
        ctx.queueMail(userId, contactEmail(db, userId),
                      t.translate("guichet::Attachments", "Attachment removed"), body.text(), body.html());
    }
}

CommandResult Attachments::removeAttachments(qint64 actorId, const QList<qint64> &attachmentIds,
                                             const QHash<qint64, qint64> &successors)
{
    return m_core.run(QStringLiteral("removeAttachments"), actorId, [&](CommandContext &ctx) {
        const QList<qint64> ids = dedupe(attachmentIds);
        if (ids.isEmpty())
            fail(ErrorCode::InvalidInput, QStringLiteral("attachments"),
                 tr("Check at least one attachment."));
        // The structures that have a principal manager now must still have one
        // at the end, whatever the order of the removals.
        QSet<qint64> structures;
        for (const qint64 id : ids) {
            const qint64 structureId
                = ctx.db()
                      .value(QStringLiteral("SELECT structure_id FROM attachments WHERE id = ?"), { id })
                      .toLongLong();
            if (structureId && principalOf(ctx.db(), structureId))
                structures.insert(structureId);
        }
        for (const qint64 id : ids)
            removeOne(ctx, id, successors);
        for (const qint64 structureId : structures) {
            if (!principalOf(ctx.db(), structureId))
                fail(ErrorCode::Conflict, QStringLiteral("successor"),
                     tr("A structure cannot be left without a principal manager."));
        }
        ctx.result = CommandResult::success(ids.first(), { { QStringLiteral("removed"), ids.size() } });
    });
}

CommandResult Attachments::setSecondaryPowers(qint64 actorId, qint64 structureId, bool granted)
{
    return m_core.run(QStringLiteral("setSecondaryPowers"), actorId, [&](CommandContext &ctx) {
        Database &db = ctx.db();
        if (!db.row(QStringLiteral("SELECT id FROM structures WHERE id = ?"), { structureId }))
            fail(ErrorCode::NotFound, QStringLiteral("structure"), tr("The structure was not found."));
        if (!ctx.actor().support
            && roleOn(db, ctx.actorId(), structureId, ctx.clock().today()) != Role::Principal)
            fail(ErrorCode::Forbidden, {},
                 tr("Only the principal manager may give secondary managers the principal's powers."));
        db.exec(QStringLiteral("UPDATE structures SET secondary_powers = ?, version = ? WHERE id = ?"),
                { granted ? 1 : 0, ctx.version(), structureId });
        ctx.audit(QStringLiteral("structure"), structureId, structureId,
                  granted ? QStringLiteral("secondary managers given the principal's powers")
                          : QStringLiteral("secondary managers' powers withdrawn"));
        ctx.result = CommandResult::success(structureId);
    });
}

CommandResult Attachments::setAttachmentRole(qint64 actorId, qint64 attachmentId, Role role)
{
    return m_core.run(QStringLiteral("setAttachmentRole"), actorId, [&](CommandContext &ctx) {
        Database &db = ctx.db();
        const auto row = db.row(QStringLiteral("SELECT user_id, structure_id, role, status FROM attachments "
                                               "WHERE id = ?"),
                                { attachmentId });
        if (!row)
            fail(ErrorCode::NotFound, QStringLiteral("attachment"), tr("The attachment was not found."));
        const qint64 userId = row->value(QStringLiteral("user_id")).toLongLong();
        const qint64 structureId = row->value(QStringLiteral("structure_id")).toLongLong();
        requireManager(ctx, structureId);
        if (role != Role::Secondary && role != Role::User)
            fail(ErrorCode::InvalidInput, QStringLiteral("role"),
                 tr("A user can be made a secondary manager or a simple user; the principal manager's role "
                    "is transferred, not given."));
        if (roleFromString(row->value(QStringLiteral("role")).toString()) == Role::Principal)
            fail(ErrorCode::Conflict, QStringLiteral("role"),
                 tr("The principal manager's role changes only by designating a new principal manager."));
        if (row->value(QStringLiteral("status")).toString() != QLatin1String("validated"))
            fail(ErrorCode::Conflict, QStringLiteral("attachment"),
                 tr("Only a validated attachment can change role."));
        db.exec(QStringLiteral("UPDATE attachments SET role = ?, version = ? WHERE id = ?"),
                { roleToString(role), ctx.version(), attachmentId });
        dropStaleRoleDefaults(ctx, userId, structureId, role);
        subscribeRoleDefaults(ctx, userId, structureId, role, attachmentScope(db, attachmentId));
        ctx.audit(QStringLiteral("attachment"), attachmentId, structureId,
                  QStringLiteral("role of user %1 set to %2").arg(userId).arg(roleToString(role)));
        ctx.result = CommandResult::success(attachmentId);
    });
}

qint64 Attachments::pendingCount() const
{
    return m_core.db()
        .value(QStringLiteral("SELECT COUNT(*) FROM attachments WHERE status = 'pending'"))
        .toLongLong();
}

QList<AttachmentView> Attachments::describe(const QString &where, const QVariantList &args) const
{
    const Database &db = m_core.db();
    QList<AttachmentView> result;
    const QList<QVariantMap> rows = db.rows(
        QStringLiteral(
            "SELECT a.id, a.user_id, a.structure_id, s.siret, s.raison_sociale, a.role, "
            "a.whole_structure, a.valid_from, a.valid_until, a.status, a.requested_at, "
            "a.decision_comment, u.first_name, u.last_name, u.email FROM attachments a JOIN structures s "
            "ON s.id = a.structure_id JOIN users u ON u.id = a.user_id WHERE %1 "
            "ORDER BY s.raison_sociale, a.id")
            .arg(where),
        args);
    for (const QVariantMap &row : rows) {
        AttachmentView view;
        view.id = row.value(QStringLiteral("id")).toLongLong();
        for (const QVariantMap &service :
             db.rows(QStringLiteral("SELECT sv.id, sv.name FROM attachment_services x JOIN services sv ON "
                                    "sv.id = x.service_id WHERE x.attachment_id = ? ORDER BY sv.name, sv.id"),
                     { view.id })) {
            view.serviceIds.append(service.value(QStringLiteral("id")).toLongLong());
            view.services.append(service.value(QStringLiteral("name")).toString());
        }
        view.userId = row.value(QStringLiteral("user_id")).toLongLong();
        view.firstName = row.value(QStringLiteral("first_name")).toString();
        view.lastName = row.value(QStringLiteral("last_name")).toString();
        view.email = row.value(QStringLiteral("email")).toString();
        view.structureId = row.value(QStringLiteral("structure_id")).toLongLong();
        view.siret = row.value(QStringLiteral("siret")).toString();
        view.raisonSociale = row.value(QStringLiteral("raison_sociale")).toString();
        view.role = roleFromString(row.value(QStringLiteral("role")).toString());
        view.wholeStructure = row.value(QStringLiteral("whole_structure")).toInt() != 0;
        view.validFrom = QDate::fromString(row.value(QStringLiteral("valid_from")).toString(), Qt::ISODate);
        view.validUntil = QDate::fromString(row.value(QStringLiteral("valid_until")).toString(), Qt::ISODate);
        view.status = row.value(QStringLiteral("status")).toString();
        view.requestedAt = row.value(QStringLiteral("requested_at")).toLongLong();
        view.decisionComment = row.value(QStringLiteral("decision_comment")).toString();
        result.append(view);
    }
    return result;
}

QList<AttachmentView> Attachments::userAttachments(qint64 userId) const
{
    return describe(QStringLiteral("a.user_id = ? AND a.status IN ('pending', 'validated')"), { userId });
}

std::optional<AttachmentView> Attachments::attachment(qint64 attachmentId) const
{
    const QList<AttachmentView> rows = describe(QStringLiteral("a.id = ?"), { attachmentId });
    if (rows.isEmpty())
        return std::nullopt;
    return rows.first();
}

QList<PendingAttachmentRequest> Attachments::pendingAttachmentRequests(qint64 managerId) const
{
    const auto manager = m_core.loadActor(managerId);
    if (!manager || !manager->active)
        return {};
    if (manager->support)
        return describe(QStringLiteral("a.status = 'pending'"), {});
    const QDate today = m_core.clock().today();
    const SqlFragment managed = structuresManagedOnSql(managerId, today);
    const QList<PendingAttachmentRequest> pending
        = describe(QStringLiteral("a.status = 'pending' AND a.role <> 'principal' AND a.structure_id IN (%1)")
                       .arg(managed.sql),
                   managed.args);
    QList<PendingAttachmentRequest> result;
    for (const PendingAttachmentRequest &request : pending) {
        if (canManage(m_core.db(), managerId, request.structureId, today))
            result.append(request);
    }
    return result;
}

} // namespace guichet
