#include "rules/attachments/principals.h"

#include "kernel/core.h"
#include "rules/attachments/attachmentstore.h"
#include "rules/attachments/permissions.h"

namespace guichet {

namespace {
struct Tr
{
    Q_DECLARE_TR_FUNCTIONS(guichet::Principals)
};
} // namespace

qint64 principalOf(const Database &db, qint64 structureId)
{
    return AttachmentStore(db).principalOf(structureId);
}

QList<qint64> structuresWherePrincipal(const Database &db, qint64 userId)
{
    return AttachmentStore(db).structuresWherePrincipal(userId);
}

QList<qint64> structuresWherePrincipal(const Core &core, qint64 userId)
{
    return structuresWherePrincipal(core.db(), userId);
}

void transferPrincipal(CommandContext &ctx, qint64 structureId, qint64 successorId, const QString &field)
{
    const AttachmentStore store(ctx.db());
    const auto successor = store.user(successorId);
    if (!successor)
        fail(ErrorCode::InvalidInput, field, Tr::tr("The new principal manager was not found."));
    if (successor->status != QLatin1String("active"))
        fail(ErrorCode::InvalidInput, field,
             Tr::tr("The new principal manager must have an active account."));

    const qint64 former = store.principalOf(structureId);
    if (former == successorId)
        fail(ErrorCode::InvalidInput, field, Tr::tr("The new principal manager must be someone else."));

    const qint64 version = ctx.version();
    if (former)
        store.demotePrincipal(structureId, former, version);
    qint64 attachmentId = store.notEndedAttachmentId(successorId, structureId, ctx.clock().today());
    if (attachmentId) {
        store.setRole(attachmentId, Role::Principal, version);
    } else {
        NewAttachment attachment;
        attachment.userId = successorId;
        attachment.structureId = structureId;
        attachment.role = Role::Principal;
        attachment.wholeStructure = true;
        attachment.validFrom = ctx.clock().today();
        attachment.status = QStringLiteral("validated");
        attachment.requestedAt = ctx.clock().nowMs();
        attachment.decidedAt = ctx.clock().nowMs();
        if (ctx.hasActor())
            attachment.decidedBy = ctx.actorId();
        attachment.version = version;
        attachmentId = store.insertAttachment(attachment);
    }
    ctx.audit(QStringLiteral("attachment"), attachmentId, structureId,
              QStringLiteral("principal manager: user %1 -> user %2").arg(former).arg(successorId));
}

} // namespace guichet
