#include "rules/manager/manageractivity.h"

#include "kernel/core.h"
#include "kernel/csv.h"
#include "kernel/textlimits.h"
#include "mail/mailtext.h"
#include "rules/accounts/accounts.h"
#include "rules/accounts/accountstore.h"
#include "rules/accounts/signups.h"
#include "rules/attachments/attachmentstore.h"
#include "rules/attachments/permissions.h"
#include "rules/attachments/principals.h"
#include "rules/manager/manageractivitystore.h"
#include "rules/spaces/spaces.h"
#include "rules/spaces/spacestore.h"
#include "rules/spaces/subscriptions.h"
#include "rules/structures/structurestore.h"

#include <map>

namespace guichet {

namespace {
QString structureName(const Database &db, qint64 structureId)
{
    return StructureStore(db).raisonSociale(structureId);
}

// Inside a command: the structure must exist and the caller manage it.
void requireManagedStructure(CommandContext &ctx, qint64 structureId)
{
    if (structureId <= 0 || !StructureStore(ctx.db()).exists(structureId))
        fail(ErrorCode::NotFound, QStringLiteral("structure"),
             ManagerActivity::tr("The structure was not found."));
    requireManager(ctx, structureId);
}

// Inside a command: a validated attachment for userId with the given shape,
// then the role's default spaces and the structure-level requests.
qint64 insertValidatedAttachment(CommandContext &ctx, qint64 userId, qint64 structureId, Role role,
                                 bool wholeStructure, const QList<qint64> &serviceIds, QDate validFrom,
                                 QDate validUntil)
{
    Database &db = ctx.db();
    NewAttachment attachment;
    attachment.userId = userId;
    attachment.structureId = structureId;
    attachment.role = role;
    attachment.wholeStructure = wholeStructure;
    attachment.serviceIds = serviceIds;
    attachment.validFrom = validFrom;
    attachment.validUntil = validUntil;
    attachment.status = QStringLiteral("validated");
    attachment.requestedAt = ctx.clock().nowMs();
    attachment.decidedAt = ctx.clock().nowMs();
    attachment.decidedBy = ctx.actorId();
    attachment.version = ctx.version();
    const qint64 id = AttachmentStore(db).insertAttachment(attachment);
    const QList<qint64> scope = attachmentScope(db, id);
    subscribeRoleDefaults(ctx, userId, structureId, role, scope);
    requestStructureSpaces(ctx, userId, structureId, scope);
    return id;
}
// Inside a command: the services an attachment to the structure may cover,
// checked (field "services"); empty for the whole structure.
QList<qint64> checkedServices(CommandContext &ctx, qint64 structureId, bool wholeStructure,
                              const QList<qint64> &chosen, const QString &name)
{
    QList<qint64> serviceIds;
    if (wholeStructure)
        return serviceIds;
    for (const qint64 id : chosen) {
        if (!serviceIds.contains(id))
            serviceIds.append(id);
    }
    if (serviceIds.isEmpty())
        fail(ErrorCode::InvalidInput, QStringLiteral("services"),
             ManagerActivity::tr("Choose « Attach to the structure » or check at least one service."));
    for (const qint64 serviceId : serviceIds) {
        const auto service = StructureStore(ctx.db()).service(serviceId);
        if (!service || service->structureId != structureId || !service->active)
            fail(ErrorCode::InvalidInput, QStringLiteral("services"),
                 ManagerActivity::tr("The service %1 is not an active service of %2.")
                     .arg(serviceId)
                     .arg(name));
    }
    return serviceIds;
}

// The invitation mail, in the invitee's language: the activation link and its
// code for an account waiting for activation, how to reactivate for a
// deactivated one.
void sendInvitationMail(CommandContext &ctx, qint64 userId, const QString &structure)
{
    const AccountStore accounts(ctx.db());
    const auto state = accounts.stateById(userId);
    const MailText t = MailText::forUser(ctx.db(), userId);
    const QString inviter
        = QStringLiteral("%1 %2").arg(ctx.actor().firstName, ctx.actor().lastName).trimmed();
    MailBody body;
    if (state->status == QLatin1String("pending")) {
        const ActivationLink link = newActivationLink(ctx, userId, state->createdAt);
        body.paragraph(
            t.translate("guichet::ManagerActivity",
                        "Hello,\n\n"
                        "%1 invites you to join %2 in Guichet with the address %3. To accept, open this "
                        "link:\n%4\n\n"
                        "Reading this mail on another device? In Guichet, click \"Create an account\", then "
                        "\"I already have a code\", and paste this code:\n%5\n\n"
                        "If you have no account yet, you will enter your name and choose a password and a "
                        "secret question; Guichet then opens signed in, attached to %2. The link works once "
                        "and until %6; a newer mail replaces it.\n\n"
                        "If you do not know %1, ignore this mail: nothing happens without you.")
                .arg(inviter, structure, state->email, link.link, link.token, utcText(link.expiresAt)));
        ctx.queueMail(
            userId, state->email,
            t.translate("guichet::ManagerActivity", "You are invited to join %1 in Guichet").arg(structure),
            body.text(), body.html());
        return;
    }
    body.paragraph(
        t.translate("guichet::ManagerActivity",
                    "Hello %1,\n\n"
                    "%2 invites you to join %3 in Guichet. Your account %4 is deactivated: "
                    "reactivate it (\"Reactivate my account\" in the sign-in window) and you will "
                    "be attached to %3 at once. If it was deactivated more than %5 days ago, write "
                    "to support from the sign-in window.\n\n"
                    "If you do not know %2, ignore this mail.")
            .arg(state->firstName, inviter, structure, state->email)
            .arg(accountRules::ReactivationPeriodDays));
    ctx.queueMail(
        userId, accounts.contactEmail(userId).isEmpty() ? state->email : accounts.contactEmail(userId),
        t.translate("guichet::ManagerActivity", "You are invited to join %1 in Guichet").arg(structure),
        body.text(), body.html(), CommandContext::MailPolicy::EvenIfDeactivated);
}
} // namespace

int acceptInvitations(CommandContext &ctx, qint64 userId)
{
    Database &db = ctx.db();
    const AttachmentStore attachments(db);
    const QDate today = ctx.clock().today();
    const qint64 now = ctx.clock().nowMs();
    int accepted = 0;
    for (const AttachmentRecord &invitation : attachments.invitationsOfUser(userId)) {
        // Only the services still active; none left: the invitation lapses.
        const QList<qint64> serviceIds
            = invitation.wholeStructure ? QList<qint64>() : attachments.activeServiceIds(invitation.id);
        if (!invitation.wholeStructure && serviceIds.isEmpty()) {
            attachments.deleteAttachment(invitation.id);
            ctx.tombstone(QStringLiteral("attachments"), invitation.id, userId, invitation.structureId);
            continue;
        }
        attachments.acceptInvitation(invitation.id, today, serviceIds, now, ctx.version());
        const QList<qint64> scope = attachmentScope(db, invitation.id);
        subscribeRoleDefaults(ctx, userId, invitation.structureId, invitation.role, scope);
        requestStructureSpaces(ctx, userId, invitation.structureId, scope);
        AuditRecord record(AuditAction::InvitationAccepted, userId);
        record.role = roleToString(invitation.role);
        record.serviceIds = serviceIds;
        record.validFrom = today;
        ctx.audit(QStringLiteral("attachment"), invitation.id, invitation.structureId, record);
        ++accepted;
    }
    return accepted;
}

void dropInvitations(CommandContext &ctx, qint64 userId)
{
    const AttachmentStore attachments(ctx.db());
    for (const AttachmentRecord &invitation : attachments.invitationsOfUser(userId)) {
        attachments.deleteAttachment(invitation.id);
        ctx.tombstone(QStringLiteral("attachments"), invitation.id, userId, invitation.structureId);
    }
}

QString ManagerActivity::invitationMessage(const QString &email)
{
    return tr("An invitation was sent to %1. The person is attached with the role and services chosen as "
              "soon "
              "as their account is activated; until then they appear here as invited, and you can resend "
              "the mail.")
        .arg(email.trimmed().toLower());
}

ManagerActivity::ManagerActivity(Core &core)
    : m_core(core)
{
}

CommandResult ManagerActivity::attachUser(qint64 actorId, const AttachUserInput &input)
{
    return m_core.run(QStringLiteral("attachUser"), actorId, [&](CommandContext &ctx) {
        Database &db = ctx.db();
        const AttachmentStore attachments(db);
        requireManagedStructure(ctx, input.structureId);
        const QString name = structureName(db, input.structureId);
        const auto user = attachments.user(input.userId);
        if (!user)
            fail(ErrorCode::InvalidInput, QStringLiteral("user"), tr("Choose the user to attach."));
        if (user->status != QLatin1String("active"))
            fail(ErrorCode::InvalidInput, QStringLiteral("user"),
                 tr("Only an active account can be attached."));
        if (input.role != Role::User && input.role != Role::Secondary)
            fail(ErrorCode::InvalidInput, QStringLiteral("role"),
                 tr("A user is attached as a simple user or a secondary manager."));
        if (!input.validFrom.isValid())
            fail(ErrorCode::InvalidInput, QStringLiteral("validFrom"), tr("Enter the start of validity."));
        if (input.validUntil.isValid() && input.validUntil <= input.validFrom)
            fail(ErrorCode::InvalidInput, QStringLiteral("validUntil"),
                 tr("The end of validity must be after its start."));
        const QList<qint64> serviceIds
            = checkedServices(ctx, input.structureId, input.wholeStructure, input.serviceIds, name);
        if (attachments.pendingOrNotEnded(input.userId, input.structureId, ctx.clock().today()))
            fail(ErrorCode::Conflict, QStringLiteral("user"),
                 tr("%1 %2 is already attached to %3 or has a request waiting.")
                     .arg(user->firstName, user->lastName, name));

        const qint64 id
            = insertValidatedAttachment(ctx, input.userId, input.structureId, input.role,
                                        input.wholeStructure, serviceIds, input.validFrom, input.validUntil);
        AuditRecord attached(AuditAction::AttachedByManager, input.userId);
        attached.role = roleToString(input.role);
        attached.serviceIds = serviceIds;
        attached.validFrom = input.validFrom;
        attached.validUntil = input.validUntil;
        ctx.audit(QStringLiteral("attachment"), id, input.structureId, attached);
        ctx.queueMail(input.userId, contactEmail(db, input.userId), tr("You were attached to a structure"),
                      tr("%1 %2 attached you to %3. Open Guichet to see your spaces.")
                          .arg(ctx.actor().firstName, ctx.actor().lastName, name));
        ctx.result = CommandResult::success(id);
    });
}

CommandResult ManagerActivity::attachUserToStructures(qint64 actorId, const AttachToStructuresInput &input)
{
    return m_core.run(QStringLiteral("attachUserToStructures"), actorId, [&](CommandContext &ctx) {
        Database &db = ctx.db();
        const AttachmentStore attachments(db);
        const StructureStore structures(db);
        QList<qint64> structureIds;
        for (const qint64 id : input.structureIds) {
            if (!structureIds.contains(id))
                structureIds.append(id);
        }
        if (structureIds.isEmpty())
            fail(ErrorCode::InvalidInput, QStringLiteral("structures"), tr("Check at least one structure."));
        if (structureIds.size() > AttachToStructuresInput::MaxStructures)
            fail(ErrorCode::InvalidInput, QStringLiteral("structures"),
                 tr("Check at most %1 structures at once.").arg(AttachToStructuresInput::MaxStructures));
        const auto user = attachments.user(input.userId);
        if (!user)
            fail(ErrorCode::InvalidInput, QStringLiteral("user"), tr("Choose the user to attach."));
        if (user->status != QLatin1String("active"))
            fail(ErrorCode::InvalidInput, QStringLiteral("user"),
                 tr("Only an active account can be attached."));
        if (input.role != Role::User && input.role != Role::Secondary)
            fail(ErrorCode::InvalidInput, QStringLiteral("role"),
                 tr("A user is attached as a simple user or a secondary manager."));
        if (!input.validFrom.isValid())
            fail(ErrorCode::InvalidInput, QStringLiteral("validFrom"), tr("Enter the start of validity."));
        if (input.validUntil.isValid() && input.validUntil <= input.validFrom)
            fail(ErrorCode::InvalidInput, QStringLiteral("validUntil"),
                 tr("The end of validity must be after its start."));
        // The services chosen, grouped by their structure: each must be an
        // active service of a listed structure.
        if (input.serviceIds.size() > AttachToStructuresInput::MaxServices)
            fail(ErrorCode::InvalidInput, QStringLiteral("services"),
                 tr("Check at most %1 services at once.").arg(AttachToStructuresInput::MaxServices));
        QHash<qint64, QList<qint64>> servicesOf;
        for (const qint64 serviceId : input.serviceIds) {
            const auto service = structures.service(serviceId);
            if (!service)
                fail(ErrorCode::InvalidInput, QStringLiteral("services"),
                     tr("The service %1 was not found: nothing was attached.").arg(serviceId));
            const QString name = structureName(db, service->structureId);
            if (!structureIds.contains(service->structureId))
                fail(ErrorCode::InvalidInput, QStringLiteral("services"),
                     tr("The service %1 (%2) belongs to %3, which is not checked: nothing was attached.")
                         .arg(serviceId)
                         .arg(service->name, name));
            if (!service->active)
                fail(ErrorCode::InvalidInput, QStringLiteral("services"),
                     tr("The service %1 is not an active service of %2: nothing was attached.")
                         .arg(serviceId)
                         .arg(name));
            QList<qint64> &chosen = servicesOf[service->structureId];
            if (!chosen.contains(serviceId))
                chosen.append(serviceId);
        }
        // Every structure is checked before anything is written: the first
        // that fails is named and the command changes nothing.
        QStringList names;
        for (const qint64 structureId : structureIds) {
            if (structureId <= 0 || !structures.exists(structureId))
                fail(ErrorCode::NotFound, QStringLiteral("structures"),
                     tr("The structure %1 was not found: nothing was attached.").arg(structureId));
            const QString name = structureName(db, structureId);
            if (!actorManages(ctx, structureId))
                fail(ErrorCode::Forbidden, QStringLiteral("structures"),
                     tr("You do not manage %1: nothing was attached.").arg(name));
            if (attachments.pendingOrNotEnded(input.userId, structureId, ctx.clock().today()))
                fail(ErrorCode::Conflict, QStringLiteral("structures"),
                     tr("%1 %2 is already attached to %3 or has a request waiting: nothing was attached.")
                         .arg(user->firstName, user->lastName, name));
            names.append(name);
        }
        QVariantList ids;
        for (const qint64 structureId : structureIds) {
            const QList<qint64> serviceIds = servicesOf.value(structureId);
            const qint64 id
                = insertValidatedAttachment(ctx, input.userId, structureId, input.role, serviceIds.isEmpty(),
                                            serviceIds, input.validFrom, input.validUntil);
            AuditRecord attached(AuditAction::AttachedByManager, input.userId);
            attached.role = roleToString(input.role);
            attached.serviceIds = serviceIds;
            attached.validFrom = input.validFrom;
            attached.validUntil = input.validUntil;
            ctx.audit(QStringLiteral("attachment"), id, structureId, attached);
            ids.append(id);
        }
        const MailText t = MailText::forUser(db, input.userId);
        ctx.queueMail(
            input.userId, contactEmail(db, input.userId),
            t.translate("guichet::ManagerActivity", "You were attached to structures"),
            t.translate("guichet::ManagerActivity",
                        "%1 %2 attached you to: %3. Open Guichet to see your spaces.")
                .arg(ctx.actor().firstName, ctx.actor().lastName, names.join(QStringLiteral(", "))));
        ctx.result
            = CommandResult::success(ids.first().toLongLong(), { { QStringLiteral("attachments"), ids } });
    });
}

CommandResult ManagerActivity::inviteUser(qint64 actorId, const InviteUserInput &input)
{
    const QString email = input.email.trimmed().toLower();
    const QString language
        = input.language.trimmed().isEmpty() ? QStringLiteral("fr") : input.language.trimmed();
    if (auto refusal = TextLimits::check(QStringLiteral("email"), email, textLimit::Email))
        return *refusal;
    if (auto refusal = TextLimits::check(QStringLiteral("language"), language, textLimit::Code))
        return *refusal;
    return m_core.run(QStringLiteral("inviteUser"), actorId, [&](CommandContext &ctx) {
        Database &db = ctx.db();
        requireManagedStructure(ctx, input.structureId);
        const QString name = structureName(db, input.structureId);
        if (!isValidEmail(email))
            fail(ErrorCode::InvalidInput, QStringLiteral("email"),
                 email.isEmpty() ? tr("Enter the e-mail address of the person to invite.")
                                 : tr("Enter a valid e-mail address (name@example.org)."));
        if (input.role != Role::User && input.role != Role::Secondary)
            fail(ErrorCode::InvalidInput, QStringLiteral("role"),
                 tr("A user is invited as a simple user or a secondary manager."));
        const QList<qint64> serviceIds
            = checkedServices(ctx, input.structureId, input.wholeStructure, input.serviceIds, name);
        if (language != QLatin1String("fr") && language != QLatin1String("en"))
            fail(ErrorCode::InvalidInput, QStringLiteral("language"),
                 tr("Choose the invitation's language."));

        AccountStore accounts(db);
        const AttachmentStore attachments(db);
        const qint64 now = ctx.clock().nowMs();
        const QDate today = ctx.clock().today();
        const auto account = accounts.stateByEmail(email);
        if (account && account->status == QLatin1String("active")) {
            // An active account: attached now, as attachUser does. The manager
            // could find it with the user search anyway.
            if (attachments.pendingOrNotEnded(account->id, input.structureId, today))
                fail(ErrorCode::Conflict, QStringLiteral("email"),
                     tr("%1 is already attached to %2 or has a request waiting.").arg(email, name));
            const qint64 id = insertValidatedAttachment(ctx, account->id, input.structureId, input.role,
                                                        input.wholeStructure, serviceIds, today, QDate());
            AuditRecord attached(AuditAction::AttachedByManager, account->id);
            attached.role = roleToString(input.role);
            attached.serviceIds = serviceIds;
            attached.validFrom = today;
            ctx.audit(QStringLiteral("attachment"), id, input.structureId, attached);
            const MailText t = MailText::forUser(db, account->id);
            ctx.queueMail(account->id, contactEmail(db, account->id),
                          t.translate("guichet::ManagerActivity", "You were attached to a structure"),
                          t.translate("guichet::ManagerActivity",
                                      "%1 %2 attached you to %3. Open Guichet to see your spaces.")
                              .arg(ctx.actor().firstName, ctx.actor().lastName, name));
            ctx.result = CommandResult::success(
                id,
                { { QStringLiteral("attached"), true },
                  { QStringLiteral("message"),
                    tr("%1 already had an active account: attached to %2 now.").arg(email, name) } });
            return;
        }
        // Every other address gets the same answer: an invitation.
        qint64 userId = 0;
        if (!account) {
            PendingAccountRecord record;
            record.email = email;
            record.language = language;
            userId = accounts.insertPendingUser(record, now, ctx.version());
        } else {
            userId = account->id;
            if (account->status == QLatin1String("pending"))
                accounts.restartActivationPeriod(userId, now, ctx.version());
        }
        qint64 invitationId = 0;
        if (const auto existing = attachments.invitation(userId, input.structureId)) {
            invitationId = existing->id;
            attachments.replaceInvitation(invitationId, input.role, input.wholeStructure, serviceIds, now,
                                          ctx.actorId(), ctx.version());
        } else {
            NewAttachment invitation;
            invitation.userId = userId;
            invitation.structureId = input.structureId;
            invitation.role = input.role;
            invitation.wholeStructure = input.wholeStructure;
            invitation.serviceIds = serviceIds;
            invitation.validFrom = today;
            invitation.status = QStringLiteral("invited");
            invitation.requestedAt = now;
            invitation.decidedBy = ctx.actorId(); // the inviter
            invitation.version = ctx.version();
            invitationId = attachments.insertAttachment(invitation);
        }
        sendInvitationMail(ctx, userId, name);
        AuditRecord invited(AuditAction::UserInvited, userId);
        invited.email = email;
        invited.role = roleToString(input.role);
        invited.serviceIds = serviceIds;
        ctx.audit(QStringLiteral("attachment"), invitationId, input.structureId, invited);
        ctx.result = CommandResult::success(0,
                                            { { QStringLiteral("attached"), false },
                                              { QStringLiteral("message"), invitationMessage(email) } });
    });
}

CommandResult ManagerActivity::resendInvitation(qint64 actorId, qint64 attachmentId)
{
    return m_core.run(QStringLiteral("resendInvitation"), actorId, [&](CommandContext &ctx) {
        Database &db = ctx.db();
        const AttachmentStore attachments(db);
        const auto row = attachments.attachment(attachmentId);
        if (!row)
            fail(ErrorCode::NotFound, QStringLiteral("attachment"), tr("The attachment was not found."));
        requireManager(ctx, row->structureId);
        if (row->status != QLatin1String("invited"))
            fail(ErrorCode::Conflict, QStringLiteral("attachment"),
                 tr("This person is no longer waiting for an invitation: there is no mail to resend."));
        const auto account = AccountStore(db).stateById(row->userId);
        if (account && account->status == QLatin1String("pending")
            && ctx.clock().nowMs()
                >= account->createdAt + qint64(accountRules::ActivationPeriodDays) * 86400000)
            fail(ErrorCode::Expired, QStringLiteral("attachment"),
                 tr("This invitation was not accepted within %1 days: it is being removed. Invite the person "
                    "again.")
                     .arg(accountRules::ActivationPeriodDays));
        sendInvitationMail(ctx, row->userId, structureName(db, row->structureId));
        AuditRecord invited(AuditAction::UserInvited, row->userId);
        invited.email = account ? account->email : QString();
        invited.role = roleToString(row->role);
        invited.reason = QString::fromLatin1(audit::ReasonResentByUser);
        ctx.audit(QStringLiteral("attachment"), attachmentId, row->structureId, invited);
        ctx.result = CommandResult::success(
            attachmentId,
            { { QStringLiteral("message"), invitationMessage(account ? account->email : QString()) } });
    });
}

CommandResult ManagerActivity::endAttachment(qint64 actorId, qint64 attachmentId, QDate validUntil)
{
    return m_core.run(QStringLiteral("endAttachment"), actorId, [&](CommandContext &ctx) {
        Database &db = ctx.db();
        const AttachmentStore store(db);
        const auto row = store.attachment(attachmentId);
        if (!row)
            fail(ErrorCode::NotFound, QStringLiteral("attachment"), tr("The attachment was not found."));
        const qint64 userId = row->userId;
        const qint64 structureId = row->structureId;
        requireManager(ctx, structureId);
        if (row->status != QLatin1String("validated"))
            fail(ErrorCode::Conflict, QStringLiteral("attachment"),
                 tr("Only a validated attachment can be ended; decide the request instead."));
        if (row->role == Role::Principal)
            fail(ErrorCode::Conflict, QStringLiteral("attachment"),
                 tr("The principal manager's attachment cannot be ended: transfer the role to a successor "
                    "first."));
        const QDate validFrom = row->validFrom;
        if (!validUntil.isValid())
            fail(ErrorCode::InvalidInput, QStringLiteral("validUntil"), tr("Enter the end of validity."));
        if (validUntil < validFrom)
            fail(ErrorCode::InvalidInput, QStringLiteral("validUntil"),
                 tr("The end of validity cannot be before its start (%1).")
                     .arg(QLocale().toString(validFrom, QLocale::ShortFormat)));
        store.setValidUntil(attachmentId, validUntil, ctx.version());
        AuditRecord ends(AuditAction::AttachmentEndSet, userId);
        ends.validUntil = validUntil;
        ctx.audit(QStringLiteral("attachment"), attachmentId, structureId, ends);
        const QString name = structureName(db, structureId);
        ctx.queueMail(userId, contactEmail(db, userId), tr("End of your attachment"),
                      tr("Your attachment to %1 ends on %2.")
                          .arg(name, QLocale().toString(validUntil, QLocale::LongFormat)));
        ctx.result = CommandResult::success(attachmentId);
    });
}

CommandResult ManagerActivity::copyRights(qint64 actorId, qint64 fromUser, qint64 toUser, qint64 structureId)
{
    return m_core.run(QStringLiteral("copyRights"), actorId, [&](CommandContext &ctx) {
        Database &db = ctx.db();
        const AttachmentStore store(db);
        const SpaceStore spaces(db);
        if (!store.user(fromUser))
            fail(ErrorCode::InvalidInput, QStringLiteral("from"),
                 tr("Choose the user whose rights are copied."));
        const auto target = store.user(toUser);
        if (!target)
            fail(ErrorCode::InvalidInput, QStringLiteral("to"),
                 tr("Choose the user who receives the rights."));
        if (target->status != QLatin1String("active"))
            fail(ErrorCode::InvalidInput, QStringLiteral("to"),
                 tr("Rights can only be copied to an active account."));
        if (fromUser == toUser)
            fail(ErrorCode::InvalidInput, QStringLiteral("to"),
                 tr("Choose another user than the one copied."));
        if (structureId)
            requireManagedStructure(ctx, structureId);

        const QDate today = ctx.clock().today();
        const QList<AttachmentRecord> sources = store.notEndedOfUser(fromUser, today);
        int attachments = 0;
        int subscriptions = 0;
        QList<qint64> done;
        for (const AttachmentRecord &source : sources) {
            const qint64 s = source.structureId;
            // Only the structures the caller manages; the others are not theirs to give.
            if ((structureId && s != structureId) || done.contains(s) || !actorManages(ctx, s))
                continue;
            done.append(s);
            const auto existing = store.pendingOrNotEnded(toUser, s, today);
            qint64 targetAttachment = 0;
            if (!existing) {
                QList<qint64> serviceIds;
                const bool whole = source.wholeStructure;
                if (!whole) {
                    serviceIds = store.activeServiceIds(source.id);
                    if (serviceIds.isEmpty())
                        continue;
                }
                // The principal's role is transferred, never copied.
                Role role = source.role;
                if (role == Role::Principal)
                    role = Role::User;
                const QDate from = source.validFrom;
                const QDate until = source.validUntil;
                targetAttachment
                    = insertValidatedAttachment(ctx, toUser, s, role, whole, serviceIds, from, until);
                AuditRecord copied(AuditAction::AttachmentCopied, toUser);
                copied.otherUserId = fromUser;
                copied.role = roleToString(role);
                ctx.audit(QStringLiteral("attachment"), targetAttachment, s, copied);
                ++attachments;
            } else if (existing->status == QLatin1String("validated")) {
                targetAttachment = existing->id;
            }
            if (!targetAttachment)
                continue; // a pending request gives no rights to copy subscriptions onto
            const QList<qint64> scope = attachmentScope(db, targetAttachment);
            const bool wholeScope = scope.contains(0);
            for (const SubscriptionRecord &row : spaces.validatedSubscriptions(fromUser, s)) {
                const qint64 spaceId = row.spaceId;
                const qint64 serviceId = row.serviceId;
                const QString mode = row.mode;
                // Only what B's attachment covers: a service attachment never reaches the whole structure.
                if (!wholeScope && (serviceId == 0 || !scope.contains(serviceId)))
                    continue;
                if (subscriptionExists(db, toUser, s, spaceId, serviceId, mode))
                    continue;
                NewSubscription sub;
                sub.userId = toUser;
                sub.structureId = s;
                sub.spaceId = spaceId;
                sub.serviceId = serviceId;
                sub.mode = mode;
                sub.effectiveDate = ctx.clock().today();
                sub.commentCode = QLatin1String(subscriptionCommentCopied);
                sub.status = QStringLiteral("validated");
                sub.origin = row.origin;
                insertSubscription(ctx, sub);
                ++subscriptions;
            }
        }
        if (attachments == 0 && subscriptions == 0)
            fail(ErrorCode::Conflict, QStringLiteral("to"),
                 tr("Nothing to copy: the user already has every right of the other user on the structures "
                    "you "
                    "manage."));
        AuditRecord copied(AuditAction::RightsCopied, toUser);
        copied.otherUserId = fromUser;
        copied.count = attachments;
        copied.secondCount = subscriptions;
        ctx.audit(QStringLiteral("user"), toUser, structureId, copied);
        ctx.queueMail(
            toUser, contactEmail(db, toUser), tr("New rights in Guichet"),
            tr("%1 %2 gave you new rights (%3 attachments, %4 subscriptions to spaces). Open Guichet to "
               "see them.")
                .arg(ctx.actor().firstName, ctx.actor().lastName)
                .arg(attachments)
                .arg(subscriptions));
        ctx.result = CommandResult::success(toUser,
                                            { { QStringLiteral("attachments"), attachments },
                                              { QStringLiteral("subscriptions"), subscriptions } });
    });
}

CommandResult ManagerActivity::transferPrincipal(qint64 actorId, qint64 structureId, qint64 successorId)
{
    return m_core.run(QStringLiteral("transferPrincipal"), actorId, [&](CommandContext &ctx) {
        Database &db = ctx.db();
        if (structureId <= 0 || !StructureStore(db).exists(structureId))
            fail(ErrorCode::NotFound, QStringLiteral("structure"), tr("The structure was not found."));
        if (!ctx.actor().support
            && roleOn(db, ctx.actorId(), structureId, ctx.clock().today()) != Role::Principal)
            fail(ErrorCode::Forbidden, {}, tr("Only the principal manager may transfer the role."));
        // Who may succeed is one rule for every transfer (principals.h).
        const qint64 attachment
            = guichet::transferPrincipal(ctx, structureId, successorId, QStringLiteral("successor"));
        ctx.result = CommandResult::success(attachment);
    });
}

QList<ManagedStructure> ManagerActivity::managedStructures(qint64 userId) const
{
    const Database &db = m_core.db();
    const QDate today = m_core.clock().today();
    QList<ManagedStructure> result = ManagerActivityStore(db).managedStructures(userId, today);
    for (ManagedStructure &s : result) {
        s.role = roleOn(db, userId, s.id, today);
        s.canManage = canManage(db, userId, s.id, today);
    }
    return result;
}

QList<StructureUser> ManagerActivity::structureUsers(qint64 structureId) const
{
    const Database &db = m_core.db();
    const QDate today = m_core.clock().today();
    const AttachmentStore attachments(db);
    QList<StructureUser> result = ManagerActivityStore(db).structureUsers(structureId);
    for (StructureUser &u : result) {
        if (u.wholeStructure) {
            u.services << tr("Whole structure");
        } else {
            for (const ServiceRow &service : attachments.services(u.id))
                u.services << service.name;
        }
        u.statusLabel = u.status == QLatin1String("invited") ? tr("Invited, waiting for activation")
                                                             : Subscriptions::statusLabel(u.status);
        u.ended = u.validUntil.isValid() && u.validUntil < today;
    }
    return result;
}

QList<Reminder> ManagerActivity::reminders(qint64 managerId, int days) const
{
    const ManagerActivityStore store(m_core.db());
    const QDate today = m_core.clock().today();
    const qint64 ageLimit = m_core.clock().nowMs() - qint64(days) * 24 * 3600 * 1000;
    QList<Reminder> result;
    for (const ManagedStructure &structure : managedStructures(managerId)) {
        if (!structure.canManage)
            continue;
        const qint64 s = structure.id;
        for (const Reminder::Kind kind :
             { Reminder::Kind::AttachmentRequest, Reminder::Kind::SubscriptionRequest }) {
            for (Reminder r : store.oldRequests(kind, s, ageLimit)) {
                r.days = int(r.date.daysTo(today));
                result.append(r);
            }
        }
        for (Reminder r : store.endingAttachments(s, today, today.addDays(days))) {
            r.days = int(today.daysTo(r.date));
            result.append(r);
        }
    }
    return result;
}

QStringList ManagerActivity::rightsColumns()
{
    return { tr("User"),  tr("E-mail"), tr("Role"),     tr("Services"),
             tr("Space"), tr("Modes"),  tr("Validity"), tr("Status") };
}

QList<QStringList> ManagerActivity::usersRights(qint64 structureId) const
{
    const Database &db = m_core.db();
    const SpaceStore spaces(db);
    QHash<qint64, Space> catalogue;
    for (const Space &space : spaces.catalogue())
        catalogue.insert(space.id, space);
    QList<QStringList> lines;
    for (const StructureUser &u : structureUsers(structureId)) {
        QString role;
        switch (u.role) {
        case Role::Principal:
            role = tr("Principal manager");
            break;
        case Role::Secondary:
            role = tr("Secondary manager");
            break;
        case Role::User:
        case Role::None:
            role = tr("Simple user");
            break;
        }
        const QString from = u.validFrom.toString(Qt::ISODate);
        const QString validity = u.validUntil.isValid()
            ? tr("from %1 to %2").arg(from, u.validUntil.toString(Qt::ISODate))
            : tr("from %1, no end").arg(from);
        const QString person = QStringLiteral("%1 %2").arg(u.firstName, u.lastName).trimmed();
        const QStringList head { person, u.email, role, u.services.join(QStringLiteral(", ")) };
        const QStringList tail { validity, u.statusLabel };
        // The spaces in the catalogue's order, each with its modes (modification first).
        std::map<std::pair<int, qint64>, QStringList> modes;
        if (u.status == QLatin1String("validated")) {
            for (const SubscriptionRecord &row : spaces.validatedSubscriptions(u.userId, structureId)) {
                const Space space = catalogue.value(row.spaceId);
                QStringList &list = modes[{ space.sortOrder, row.spaceId }];
                if (!list.contains(row.mode))
                    list.append(row.mode);
            }
        }
        if (modes.empty())
            lines.append(head + QStringList { QString(), QString() } + tail);
        for (const auto &[key, list] : modes) {
            const Space space = catalogue.value(key.second);
            const char *source = spaceNameSource(space.code);
            QStringList shown;
            for (const char *mode : { "modification", "consultation" }) {
                if (list.contains(QLatin1String(mode)))
                    shown.append(QLatin1String(mode) == QLatin1String("modification") ? tr("modification")
                                                                                      : tr("consultation"));
            }
            lines.append(
                head
                + QStringList { source ? QCoreApplication::translate("guichet::labels", source) : space.name,
                                shown.join(QStringLiteral(", ")) }
                + tail);
        }
    }
    return lines;
}

bool ManagerActivity::exportUsersRights(qint64 structureId, QIODevice &device) const
{
    CsvWriter writer(device, { QLatin1Char(';'), true });
    if (!writer.writeRow(rightsColumns()))
        return false;
    const QList<QStringList> lines = usersRights(structureId);
    for (const QStringList &line : lines) {
        if (!writer.writeRow(line))
            return false;
    }
    return true;
}

} // namespace guichet
