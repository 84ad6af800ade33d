#include "rules/attachments/principals.h"

#include "kernel/core.h"
#include "mail/mailtext.h"
#include "rules/accounts/accounts.h"
#include "rules/attachments/attachmentstore.h"
#include "rules/attachments/permissions.h"
#include "rules/spaces/spaces.h"
#include "rules/structures/structurestore.h"

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

qint64 activePrincipalOf(const Database &db, qint64 structureId, QDate day)
{
    return AttachmentStore(db).activePrincipalOf(structureId, day);
}

QList<qint64> structuresWherePrincipal(const Database &db, qint64 userId, QDate today)
{
    return AttachmentStore(db).structuresWherePrincipal(userId, today);
}

QList<qint64> structuresWherePrincipal(const Core &core, qint64 userId)
{
    return structuresWherePrincipal(core.db(), userId, core.clock().today());
}

void requireSuccessor(const Database &db, qint64 structureId, qint64 successorId, QDate today,
                      const QString &field)
{
    const AttachmentStore store(db);
    const auto successor = store.user(successorId);
    if (!successor)
        fail(ErrorCode::InvalidInput, field, Tr::tr("The new principal manager was not found."));
    if (successor->status != QLatin1String("active"))
        fail(ErrorCode::InvalidInput, field,
             Tr::tr("The new principal manager must have an active account."));
    if (store.activePrincipalOf(structureId, today) == successorId)
        fail(ErrorCode::InvalidInput, field, Tr::tr("The new principal manager must be someone else."));
}

qint64 retireFormerPrincipals(CommandContext &ctx, qint64 structureId, qint64 successorId)
{
    const AttachmentStore store(ctx.db());
    qint64 former = store.activePrincipalOf(structureId, ctx.clock().today());
    for (const qint64 holder : store.principalHolders(structureId)) {
        // The successor's own old principal attachment (ended) is demoted too:
        // they are principal again through one current attachment.
        store.demotePrincipal(structureId, holder, ctx.version());
        if (holder == successorId)
            continue;
        // A simple user has no « Activité du gestionnaire »: the former
        // principal's manager-only spaces go with the role.
        dropStaleRoleDefaults(ctx, holder, structureId, Role::User);
        if (!former)
            former = holder;
    }
    return former;
}

qint64 transferPrincipal(CommandContext &ctx, qint64 structureId, qint64 successorId, const QString &field)
{
    Database &db = ctx.db();
    const QDate today = ctx.clock().today();
    requireSuccessor(db, structureId, successorId, today, field);
    const AttachmentStore store(db);
    const qint64 version = ctx.version();
    const qint64 former = retireFormerPrincipals(ctx, structureId, successorId);
    qint64 attachmentId = store.notEndedAttachmentId(successorId, structureId, today);
    if (attachmentId) {
        store.setRole(attachmentId, Role::Principal, version);
    } else {
        NewAttachment attachment;
        attachment.userId = successorId;
        attachment.structureId = structureId;
        attachment.role = Role::Principal;
        attachment.wholeStructure = true;
        attachment.validFrom = today;
        attachment.status = QStringLiteral("validated");
        attachment.requestedAt = ctx.clock().nowMs();
        attachment.decidedAt = ctx.clock().nowMs();
        if (ctx.hasActor())
            attachment.decidedBy = ctx.actorId();
        attachment.version = version;
        attachmentId = store.insertAttachment(attachment);
    }
    AuditRecord changed(AuditAction::PrincipalChanged, successorId);
    changed.otherUserId = former;
    changed.role = roleToString(Role::Principal);
    ctx.audit(QStringLiteral("attachment"), attachmentId, structureId, changed);

    // The successor manages from today: the principal's default spaces (with
    // « Activité du gestionnaire »), the spaces set at structure level, a mail.
    const QList<qint64> scope = attachmentScope(db, attachmentId);
    subscribeRoleDefaults(ctx, successorId, structureId, Role::Principal, scope);
    requestStructureSpaces(ctx, successorId, structureId, scope);
    const auto structure = StructureStore(db).structure(structureId);
    const QString name = structure ? structure->raisonSociale : QString();
    const QString siret = structure ? structure->siret : QString();
    const MailText t = MailText::forUser(db, successorId);
    MailBody body;
    body.paragraph(t.translate("guichet::Attachments", "You are now the principal manager of %1 (SIRET %2).")
                       .arg(name, siret));
    ctx.queueMail(successorId, contactEmail(db, successorId),
                  t.translate("guichet::Attachments", "You are now principal manager"), body.text(),
                  body.html());
    return attachmentId;
}

} // namespace guichet
