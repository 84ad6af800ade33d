#include "rules/attachments/attachments.h"

#include "kernel/core.h"
#include "mail/mailtext.h"
#include "rules/accounts/accounts.h"
#include "rules/attachments/attachmentstore.h"
#include "rules/attachments/permissions.h"
#include "rules/attachments/principals.h"
#include "rules/spaces/spaces.h"
#include "rules/spaces/spacestore.h"
#include "rules/spaces/subscriptions.h"
#include "rules/structures/structurestore.h"

#include <QHash>
#include <QSet>

namespace guichet {

namespace {

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
        const AttachmentStore store(db);
        const StructureStore structures(db);
        if (request.structureId <= 0)
            fail(ErrorCode::InvalidInput, QStringLiteral("structure"), tr("Choose the structure."));
        const auto structure = structures.structure(request.structureId);
        if (!structure)
            fail(ErrorCode::NotFound, QStringLiteral("structure"), tr("The structure was not found."));
        const QString structureName = structure->raisonSociale;
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
            const auto service = structures.service(serviceId);
            if (!service || service->structureId != request.structureId)
                fail(ErrorCode::InvalidInput, QStringLiteral("services"),
                     tr("The service %1 does not belong to %2.").arg(serviceId).arg(structureName));
            if (!service->active)
                fail(ErrorCode::InvalidInput, QStringLiteral("services"),
                     tr("The service %1 of %2 is no longer active.").arg(serviceId).arg(structureName));
        }

        // A request already waiting, or an attachment that has not ended, is a duplicate.
        if (store.pendingOrNotEnded(ctx.actorId(), request.structureId, ctx.clock().today()))
            fail(ErrorCode::Conflict, QStringLiteral("structure"),
                 tr("You are already attached to %1 or your request is waiting.").arg(structureName));

        // No principal manager today (never one, or theirs ended or their account
        // was deactivated): nobody there decides, so the request asks to become
        // principal and support decides it.
        const qint64 principal = activePrincipalOf(db, request.structureId, ctx.clock().today());
        const QString role = principal ? QStringLiteral("user") : QStringLiteral("principal");
        NewAttachment attachment;
        attachment.userId = ctx.actorId();
        attachment.structureId = request.structureId;
        attachment.role = roleFromString(role);
        attachment.wholeStructure = request.wholeStructure;
        attachment.serviceIds = serviceIds;
        attachment.validFrom = request.validFrom;
        attachment.validUntil = request.validUntil;
        attachment.status = QStringLiteral("pending");
        attachment.requestedAt = ctx.clock().nowMs();
        attachment.version = ctx.version();
        const qint64 id = store.insertAttachment(attachment);
        AuditRecord requested(AuditAction::AttachmentRequested, ctx.actorId());
        requested.role = role;
        requested.serviceIds = request.wholeStructure ? QList<qint64>() : serviceIds;
        requested.validFrom = request.validFrom;
        requested.validUntil = request.validUntil;
        ctx.audit(QStringLiteral("attachment"), id, request.structureId, requested);
        if (principal) {
            const MailText t = MailText::forUser(db, principal);
            MailBody body;
            body.paragraph(
                t.translate("guichet::Attachments",
                            "%1 %2 asks to be attached to %3 (SIRET %4). Open Guichet to validate "
                            "or refuse the request.")
                    .arg(ctx.actor().firstName, ctx.actor().lastName, structureName, structure->siret));
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
    const AttachmentStore store(db);
    const auto row = store.attachmentInStructure(attachmentId);
    if (!row)
        fail(ErrorCode::NotFound, QStringLiteral("attachments"),
             tr("The attachment request %1 was not found.").arg(attachmentId));
    const qint64 userId = row->attachment.userId;
    const qint64 structureId = row->attachment.structureId;
    Role role = row->attachment.role;
    const QString structureName = row->raisonSociale;
    const bool principalLess = !activePrincipalOf(db, structureId, ctx.clock().today());
    // A request made while the structure still had a principal, who left since:
    // support, deciding it, names the requester principal (as for a request made
    // after). A secondary manager with the principal's powers still decides it
    // as a simple user's.
    const bool pending = row->attachment.status == QLatin1String("pending");
    const bool promoted
        = pending && role == Role::User && principalLess && ctx.hasActor() && ctx.actor().support;
    if (promoted)
        role = Role::Principal;

    // A structure without a principal manager has nobody to decide: support does.
    if (role == Role::Principal)
        ctx.requireSupport();
    else
        requireManager(ctx, structureId);
    if (!pending)
        fail(ErrorCode::Conflict, QStringLiteral("attachments"),
             tr("The request of %1 was already decided.").arg(structureName));
    if (validate && role == Role::Principal && !principalLess)
        fail(ErrorCode::Conflict, QStringLiteral("attachments"),
             tr("%1 already has a principal manager.").arg(structureName));

    const QString status = validate ? QStringLiteral("validated") : QStringLiteral("refused");
    if (validate && role == Role::Principal) {
        // Whoever held the role before (attachment ended, account deactivated)
        // is a simple user from now on.
        retireFormerPrincipals(ctx, structureId, userId);
        if (promoted)
            store.setRole(attachmentId, Role::Principal, ctx.version());
    }
    store.decide(attachmentId, status, ctx.clock().nowMs(), ctx.actorId(), comment, ctx.version());
    AuditRecord decided(validate ? AuditAction::AttachmentValidated : AuditAction::AttachmentRefused, userId);
    decided.role = roleToString(role);
    ctx.audit(QStringLiteral("attachment"), attachmentId, structureId, decided, comment);
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
            .arg(structureName, row->siret));
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
    const AttachmentStore store(db);
    const auto row = store.attachmentInStructure(attachmentId);
    if (!row)
        fail(ErrorCode::NotFound, QStringLiteral("attachments"),
             tr("The attachment %1 was not found.").arg(attachmentId));
    const qint64 userId = row->attachment.userId;
    const qint64 structureId = row->attachment.structureId;
    const QString structureName = row->raisonSociale;
    const QString siret = row->siret;
    const bool own = userId == ctx.actorId();
    const bool principal
        = row->attachment.role == Role::Principal && row->attachment.status == QLatin1String("validated");

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
        return;
    }

    store.deleteAttachment(attachmentId);
    ctx.tombstone(QStringLiteral("attachments"), attachmentId, userId, structureId);
    AuditRecord removed(AuditAction::AttachmentRemoved, userId);
    removed.role = roleToString(row->attachment.role);
    ctx.audit(QStringLiteral("attachment"), attachmentId, structureId, removed);

    // Without an attachment the user's subscriptions there mean nothing: they go too.
    if (!store.hasPendingOrValidated(userId, structureId)) {
        for (const qint64 subscription : SpaceStore(db).subscriptionIds(userId, structureId))
            deleteSubscription(ctx, subscription, QString::fromLatin1(audit::ReasonAttachmentRemoved));
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
        const AttachmentStore store(ctx.db());
        for (const qint64 id : ids) {
            const qint64 structureId = store.structureOf(id);
            if (structureId && store.principalOf(structureId))
                structures.insert(structureId);
        }
        for (const qint64 id : ids)
            removeOne(ctx, id, successors);
        for (const qint64 structureId : structures) {
            if (!store.principalOf(structureId))
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
        const StructureStore structures(db);
        if (!structures.exists(structureId))
            fail(ErrorCode::NotFound, QStringLiteral("structure"), tr("The structure was not found."));
        if (!ctx.actor().support
            && roleOn(db, ctx.actorId(), structureId, ctx.clock().today()) != Role::Principal)
            fail(ErrorCode::Forbidden, {},
                 tr("Only the principal manager may give secondary managers the principal's powers."));
        structures.setSecondaryPowers(structureId, granted, ctx.version());
        ctx.audit(QStringLiteral("structure"), structureId, structureId,
                  AuditRecord(granted ? AuditAction::SecondaryPowersGranted
                                      : AuditAction::SecondaryPowersWithdrawn));
        ctx.result = CommandResult::success(structureId);
    });
}

CommandResult Attachments::setAttachmentRole(qint64 actorId, qint64 attachmentId, Role role)
{
    return m_core.run(QStringLiteral("setAttachmentRole"), actorId, [&](CommandContext &ctx) {
        Database &db = ctx.db();
        const AttachmentStore store(db);
        const auto row = store.attachment(attachmentId);
        if (!row)
            fail(ErrorCode::NotFound, QStringLiteral("attachment"), tr("The attachment was not found."));
        const qint64 userId = row->userId;
        const qint64 structureId = row->structureId;
        requireManager(ctx, structureId);
        if (role != Role::Secondary && role != Role::User)
            fail(ErrorCode::InvalidInput, QStringLiteral("role"),
                 tr("A user can be made a secondary manager or a simple user; the principal manager's role "
                    "is transferred, not given."));
        if (row->role == Role::Principal)
            fail(ErrorCode::Conflict, QStringLiteral("role"),
                 tr("The principal manager's role changes only by designating a new principal manager."));
        if (row->status != QLatin1String("validated"))
            fail(ErrorCode::Conflict, QStringLiteral("attachment"),
                 tr("Only a validated attachment can change role."));
        store.setRole(attachmentId, role, ctx.version());
        dropStaleRoleDefaults(ctx, userId, structureId, role);
        subscribeRoleDefaults(ctx, userId, structureId, role, attachmentScope(db, attachmentId));
        AuditRecord changed(AuditAction::AttachmentRoleChanged, userId);
        changed.role = roleToString(role);
        ctx.audit(QStringLiteral("attachment"), attachmentId, structureId, changed);
        ctx.result = CommandResult::success(attachmentId);
    });
}

qint64 Attachments::pendingCount() const
{
    return AttachmentStore(m_core.db()).pendingCount();
}

QList<AttachmentView> Attachments::userAttachments(qint64 userId) const
{
    return AttachmentStore(m_core.db()).userAttachments(userId);
}

std::optional<AttachmentView> Attachments::attachment(qint64 attachmentId) const
{
    return AttachmentStore(m_core.db()).attachmentView(attachmentId);
}

QList<PendingAttachmentRequest> Attachments::pendingAttachmentRequests(qint64 managerId) const
{
    const auto manager = m_core.loadActor(managerId);
    if (!manager || !manager->active)
        return {};
    const AttachmentStore store(m_core.db());
    const QDate today = m_core.clock().today();
    if (manager->support) {
        // Shown as what support's validation does (decideOne): a simple user's
        // request to a structure whose principal left since names its
        // requester principal, as a request made after the principal left.
        QList<PendingAttachmentRequest> all = store.pendingRequests();
        QHash<qint64, bool> principalLess;
        for (PendingAttachmentRequest &request : all) {
            if (request.role != Role::User)
                continue;
            auto known = principalLess.constFind(request.structureId);
            if (known == principalLess.constEnd())
                known = principalLess.insert(request.structureId,
                                             activePrincipalOf(m_core.db(), request.structureId, today) == 0);
            if (*known)
                request.role = Role::Principal;
        }
        return all;
    }
    const QList<PendingAttachmentRequest> pending = store.pendingRequestsManagedBy(managerId, today);
    QList<PendingAttachmentRequest> result;
    for (const PendingAttachmentRequest &request : pending) {
        if (canManage(m_core.db(), managerId, request.structureId, today))
            result.append(request);
    }
    return result;
}

} // namespace guichet
