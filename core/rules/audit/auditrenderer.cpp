#include "rules/audit/auditrenderer.h"

#include "mail/mailtext.h"
#include "rules/attachments/permissions.h"
#include "rules/spaces/spaces.h"
#include "rules/support/solicitations.h"

namespace guichet {

namespace {

} // namespace

AuditRenderer::AuditRenderer(const MailText &mailText)
    : m_mailText(&mailText)
{
}

QString AuditRenderer::translate(const char *context, const char *source, const char *disambiguation,
                                 int n) const
{
    if (m_mailText)
        return m_mailText->translate(context, source, disambiguation, n);
    return QCoreApplication::translate(context, source, disambiguation, n);
}

QLocale AuditRenderer::locale() const
{
    return m_mailText ? m_mailText->locale() : QLocale();
}

AuditNameIds AuditRenderer::nameIds(const QList<AuditEntry> &entries)
{
    AuditNameIds ids;
    const auto add = [](QSet<qint64> &set, qint64 id) {
        if (id)
            set.insert(id);
    };
    for (const AuditEntry &e : entries) {
        add(ids.people, e.actorId);
        add(ids.people, e.record.subjectId);
        add(ids.people, e.record.otherUserId);
        add(ids.structures, e.structureId);
        add(ids.spaces, e.record.spaceId);
        add(ids.services, e.record.serviceId);
        for (const qint64 service : e.record.serviceIds)
            add(ids.services, service);
    }
    return ids;
}

QString AuditRenderer::person(qint64 userId, const AuditNames &names) const
{
    const auto it = names.people.constFind(userId);
    if (it == names.people.constEnd())
        return userId ? translate("guichet::AuditRenderer", "a deleted account")
                      : translate("guichet::AuditRenderer", "the system");
    const QString name = QStringLiteral("%1 %2").arg(it->firstName, locale().toUpper(it->lastName)).trimmed();
    return name.isEmpty() ? translate("guichet::AuditRenderer", "an account without a name") : name;
}

QString AuditRenderer::actorLabel(const AuditEntry &entry, const AuditNames &names) const
{
    return entry.actorId ? person(entry.actorId, names) : QString();
}

QString AuditRenderer::structure(qint64 structureId, const AuditNames &names) const
{
    const QString name = names.structures.value(structureId);
    return name.isEmpty() ? translate("guichet::AuditRenderer", "a deleted structure") : name;
}

QString AuditRenderer::space(qint64 spaceId, const AuditNames &names) const
{
    const auto it = names.spaces.constFind(spaceId);
    if (it == names.spaces.constEnd())
        return translate("guichet::AuditRenderer", "a space no longer in the catalogue");
    const char *source = spaceNameSource(it->code);
    return QStringLiteral("« %1 »").arg(source ? translate("guichet::labels", source) : it->name);
}

QString AuditRenderer::role(const QString &code) const
{
    switch (roleFromString(code)) {
    case Role::Principal:
        return translate("guichet::AuditRenderer", "principal manager");
    case Role::Secondary:
        return translate("guichet::AuditRenderer", "secondary manager");
    case Role::User:
    case Role::None:
        break;
    }
    return translate("guichet::AuditRenderer", "simple user");
}

QString AuditRenderer::mode(const QString &code) const
{
    return code == QLatin1String("consultation") ? translate("guichet::AuditRenderer", "consultation")
                                                 : translate("guichet::AuditRenderer", "modification");
}

QString AuditRenderer::scope(const AuditRecord &record, const AuditNames &names) const
{
    QList<qint64> services = record.serviceIds;
    if (record.serviceId)
        services.append(record.serviceId);
    if (services.isEmpty())
        return translate("guichet::AuditRenderer", "whole structure");
    QStringList list;
    for (const qint64 id : services) {
        const QString name = names.services.value(id);
        list.append(name.isEmpty() ? translate("guichet::AuditRenderer", "a deleted service") : name);
    }
    return translate("guichet::AuditRenderer", "services: %1").arg(locale().createSeparatedList(list));
}

QString AuditRenderer::validity(const AuditRecord &record) const
{
    if (record.validUntil.isValid())
        return translate("guichet::AuditRenderer", "from %1 to %2")
            .arg(date(record.validFrom), date(record.validUntil));
    return translate("guichet::AuditRenderer", "from %1").arg(date(record.validFrom));
}

QString AuditRenderer::date(QDate value) const
{
    return locale().toString(value, QLocale::ShortFormat);
}

QString AuditRenderer::dateTime(const QDateTime &at) const
{
    return locale().toString(at.toLocalTime(), QLocale::ShortFormat);
}

QString AuditRenderer::solicitationStatus(const QString &code) const
{
    return QStringLiteral("« %1 »").arg(Solicitations::statusLabel(code));
}

QString AuditRenderer::solicitationCategory(const QString &code) const
{
    return Solicitations::categoryLabel(code);
}

QString AuditRenderer::familyLabel(AuditFamily family) const
{
    switch (family) {
    case AuditFamily::Account:
        return translate("guichet::AuditRenderer", "Accounts");
    case AuditFamily::SignIn:
        return translate("guichet::AuditRenderer", "Sign-ins");
    case AuditFamily::Attachment:
        return translate("guichet::AuditRenderer", "Attachments");
    case AuditFamily::Structure:
        return translate("guichet::AuditRenderer", "Structures, services and spaces");
    case AuditFamily::Subscription:
        return translate("guichet::AuditRenderer", "Subscriptions");
    case AuditFamily::File:
        return translate("guichet::AuditRenderer", "Attached files");
    case AuditFamily::Solicitation:
        return translate("guichet::AuditRenderer", "Solicitations");
    }
    return {};
}

QString AuditRenderer::sentence(const AuditEntry &entry, const AuditNames &names) const
{
    QString text
        = entry.record.action == AuditAction::Unknown ? olderEntry(entry, names) : body(entry, names);
    if (!entry.record.address.isEmpty())
        text
            = translate("guichet::AuditRenderer", "%1 (from the address %2)").arg(text, entry.record.address);
    if (entry.comment.trimmed().isEmpty())
        return text;
    return translate("guichet::AuditRenderer", "%1 — comment: %2").arg(text, entry.comment.trimmed());
}

QString AuditRenderer::olderEntry(const AuditEntry &entry, const AuditNames &names) const
{
    const QString who
        = entry.actorId ? person(entry.actorId, names) : translate("guichet::AuditRenderer", "The system");
    const QString where = structure(entry.structureId, names);
    const QString &entity = entry.entity;
    if (entity == QLatin1String("attachment"))
        return translate("guichet::AuditRenderer", "%1 changed an attachment to %2.").arg(who, where);
    if (entity == QLatin1String("subscription"))
        return translate("guichet::AuditRenderer", "%1 changed a subscription on %2.").arg(who, where);
    if (entity == QLatin1String("structure") || entity == QLatin1String("service")
        || entity == QLatin1String("structure_space"))
        return entry.structureId
            ? translate("guichet::AuditRenderer", "%1 changed the structure %2.").arg(who, where)
            : translate("guichet::AuditRenderer", "%1 changed structures.").arg(who);
    if (entity == QLatin1String("attached_file"))
        return translate("guichet::AuditRenderer", "%1 changed an attached file.").arg(who);
    if (entity == QLatin1String("solicitation"))
        return translate("guichet::AuditRenderer", "%1 changed a solicitation.").arg(who);
    return translate("guichet::AuditRenderer", "%1 changed an account.").arg(who);
}

QString AuditRenderer::body(const AuditEntry &entry, const AuditNames &names) const
{
    const AuditRecord &r = entry.record;
    const QString actor
        = entry.actorId ? person(entry.actorId, names) : translate("guichet::AuditRenderer", "The system");
    const QString subject = person(r.subjectId, names);
    const QString other = person(r.otherUserId, names);
    const QString where = structure(entry.structureId, names);
    const bool self = entry.actorId && entry.actorId == r.subjectId;

    switch (r.action) {
    case AuditAction::Unknown:
        break;
    case AuditAction::AccountCreated:
        return (r.support ? translate("guichet::AuditRenderer", "The support account of %1 (%2) was created.")
                          : translate("guichet::AuditRenderer", "The account of %1 (%2) was created."))
            .arg(subject, r.email);
    case AuditAction::ProfileUpdated:
        return translate("guichet::AuditRenderer", "%1 updated their personal information.").arg(subject);
    case AuditAction::PasswordChanged:
        return translate("guichet::AuditRenderer", "%1 changed their password.").arg(subject);
    case AuditAction::SecretQuestionChanged:
        return translate("guichet::AuditRenderer", "%1 changed their secret question.").arg(subject);
    case AuditAction::NotificationsEnabled:
        return translate("guichet::AuditRenderer", "%1 turned notifications on.").arg(subject);
    case AuditAction::NotificationsDisabled:
        return translate("guichet::AuditRenderer", "%1 turned notifications off.").arg(subject);
    case AuditAction::AccountDeactivated:
        return translate("guichet::AuditRenderer", "%1 deactivated their account.").arg(subject);
    case AuditAction::ReactivationMailSent:
        if (r.reason == QLatin1String(audit::ReasonPeriodOver))
            return translate("guichet::AuditRenderer",
                             "A reactivation of %1 was asked for after the reactivation period; no link was "
                             "sent, they were told by mail to contact support.")
                .arg(subject);
        return translate("guichet::AuditRenderer", "A reactivation link was sent to %1, valid until %2.")
            .arg(subject, dateTime(r.until));
    case AuditAction::SupportReactivationMailSent:
        if (r.reason == QLatin1String(audit::ReasonByOperator))
            return translate("guichet::AuditRenderer",
                             "An operator sent %1 a reactivation link, valid until %2.")
                .arg(subject, dateTime(r.until));
        return translate("guichet::AuditRenderer",
                         "%1 (support) sent %2 a reactivation link, valid until %3.")
            .arg(actor, subject, dateTime(r.until));
    case AuditAction::AccountReactivated:
        return translate("guichet::AuditRenderer", "%1 reactivated their account.").arg(subject);
    case AuditAction::RightsCopied:
        return translate("guichet::AuditRenderer", "%1 copied the rights of %2 to %3 (%4, %5).")
            .arg(actor, other, subject,
                 translate("guichet::AuditRenderer", "%n attachment(s)", nullptr, r.count),
                 translate("guichet::AuditRenderer", "%n subscription(s)", nullptr, r.secondCount));
    case AuditAction::AccountSignedUp:
        return translate("guichet::AuditRenderer",
                         "The account %1 was created from the sign-in window, waiting for its activation; "
                         "link valid until %2.")
            .arg(r.email, dateTime(r.until));
    case AuditAction::SignUpForExistingAccount:
        return translate("guichet::AuditRenderer",
                         "Someone tried to create an account with the address of %1; they were told by mail.")
            .arg(subject);
    case AuditAction::ActivationMailSent:
        if (r.reason == QLatin1String(audit::ReasonBySupport))
            return translate("guichet::AuditRenderer",
                             "%1 (support) sent %2 a new activation link, valid until %3.")
                .arg(actor, subject, dateTime(r.until));
        return translate("guichet::AuditRenderer", "A new activation link was sent to %1, valid until %2.")
            .arg(subject, dateTime(r.until));
    case AuditAction::AccountActivated:
        return translate("guichet::AuditRenderer", "%1 activated their account.").arg(subject);
    case AuditAction::UnactivatedAccountRemoved:
        return translate("guichet::AuditRenderer",
                         "The account %1 was removed: it was not activated within %n day(s).", nullptr,
                         r.count)
            .arg(r.email);
    case AuditAction::SignedIn:
        return translate("guichet::AuditRenderer", "%1 signed in.").arg(subject);
    case AuditAction::SignedOut:
        return translate("guichet::AuditRenderer", "%1 signed out.").arg(subject);
    case AuditAction::ReactivationNotSent:
        return translate(
                   "guichet::AuditRenderer",
                   "A reactivation was asked for %1, which has no deactivated account: nothing was sent.")
            .arg(r.email);
    case AuditAction::SignInUnknownEmail:
        return translate("guichet::AuditRenderer", "Failed sign-in with an unknown e-mail: %1.").arg(r.email);
    case AuditAction::SignInWrongPassword:
        return translate("guichet::AuditRenderer", "Failed sign-in of %1: wrong password (%n in a row).",
                         nullptr, r.count)
            .arg(subject);
    case AuditAction::SignInRefusedLocked:
        return (r.reason == QLatin1String(audit::ReasonSlowedDown)
                    ? translate("guichet::AuditRenderer",
                                "Sign-in of %1 refused after repeated failures; next try from %2.")
                    : translate("guichet::AuditRenderer",
                                "Sign-in of %1 refused: the account is locked until %2."))
            .arg(r.subjectId ? subject : r.email, dateTime(r.until));
    case AuditAction::SignInRefusedDeactivated:
        return translate("guichet::AuditRenderer", "Sign-in of %1 refused: the account is deactivated.")
            .arg(subject);
    case AuditAction::SignInRefusedNotActivated:
        return translate("guichet::AuditRenderer", "Sign-in of %1 refused: the account is not activated yet.")
            .arg(subject);
    case AuditAction::AccountLocked:
        return translate("guichet::AuditRenderer",
                         "The account of %1 was locked until %2 after %n failed sign-in(s).", nullptr,
                         r.count)
            .arg(r.subjectId ? subject : r.email, dateTime(r.until));
    case AuditAction::SignInUnlocked:
        return translate("guichet::AuditRenderer",
                         "%1 signed in with the unlock code of the lockout mail: the locks on the account "
                         "were lifted.")
            .arg(subject);
    case AuditAction::AttachmentRequested:
        return translate("guichet::AuditRenderer", "%1 requested attachment to %2 as %3 (%4, %5).")
            .arg(subject, where, role(r.role), scope(r, names), validity(r));
    case AuditAction::AttachmentValidated:
        return translate("guichet::AuditRenderer", "%1 validated the attachment request of %2 to %3.")
            .arg(actor, subject, where);
    case AuditAction::AttachmentRefused:
        return translate("guichet::AuditRenderer", "%1 refused the attachment request of %2 to %3.")
            .arg(actor, subject, where);
    case AuditAction::AttachmentCancelled:
        return translate("guichet::AuditRenderer",
                         "The attachment request of %1 to %2 was cancelled: the account was deactivated.")
            .arg(subject, where);
    case AuditAction::AttachmentRemoved:
        if (self)
            return translate("guichet::AuditRenderer", "%1 removed their attachment to %2.")
                .arg(subject, where);
        return translate("guichet::AuditRenderer", "%1 removed the attachment of %2 to %3.")
            .arg(actor, subject, where);
    case AuditAction::AttachmentRoleChanged:
        return translate("guichet::AuditRenderer", "%1 made %2 %3 of %4.")
            .arg(actor, subject, role(r.role), where);
    case AuditAction::AttachmentEndSet:
        return translate("guichet::AuditRenderer", "%1 set the end of the attachment of %2 to %3 on %4.")
            .arg(actor, subject, where, date(r.validUntil));
    case AuditAction::AttachedByManager:
        return translate("guichet::AuditRenderer", "%1 attached %2 to %3 as %4 (%5, %6).")
            .arg(actor, subject, where, role(r.role), scope(r, names), validity(r));
    case AuditAction::UserInvited:
        return translate("guichet::AuditRenderer", "%1 invited %2 to %3 as %4 (%5).")
            .arg(actor, r.email, where, role(r.role), scope(r, names));
    case AuditAction::InvitationAccepted:
        return translate("guichet::AuditRenderer",
                         "%1 activated their account: the invitation became an attachment to %2.")
            .arg(subject, where);
    case AuditAction::AttachmentCopied:
        return translate("guichet::AuditRenderer", "%1 attached %2 to %3 as %4, copying the rights of %5.")
            .arg(actor, subject, where, role(r.role), other);
    case AuditAction::PrincipalChanged:
        if (r.otherUserId)
            return translate("guichet::AuditRenderer",
                             "%1 designated %2 principal manager of %3, succeeding %4.")
                .arg(actor, subject, where, other);
        return translate("guichet::AuditRenderer", "%1 designated %2 principal manager of %3.")
            .arg(actor, subject, where);
    case AuditAction::CreatorMadePrincipal:
        return translate("guichet::AuditRenderer", "%1 is the principal manager of %2, which they created.")
            .arg(subject, where);
    case AuditAction::StructureCreated:
        return translate("guichet::AuditRenderer", "%1 created the structure %2 (SIRET %3).")
            .arg(actor, r.name, r.code);
    case AuditAction::StructureUpdated:
        return translate("guichet::AuditRenderer", "%1 updated the structure record of %2 (SIRET %3).")
            .arg(actor, r.name, r.code);
    case AuditAction::StructureImported:
        return translate("guichet::AuditRenderer", "The structure %1 (SIRET %2) was imported.")
            .arg(r.name, r.code);
    case AuditAction::StructuresGenerated:
        return translate("guichet::AuditRenderer", "%n structure(s) generated for measurements.", nullptr,
                         r.count);
    case AuditAction::SecondaryPowersGranted:
        return translate("guichet::AuditRenderer",
                         "%1 gave the secondary managers of %2 the principal manager's powers.")
            .arg(actor, where);
    case AuditAction::SecondaryPowersWithdrawn:
        return translate("guichet::AuditRenderer",
                         "%1 withdrew the principal manager's powers from the secondary managers of %2.")
            .arg(actor, where);
    case AuditAction::ServiceAdded:
        return translate("guichet::AuditRenderer", "%1 added the service %2 (code %3) to %4.")
            .arg(actor, r.name, r.code, where);
    case AuditAction::ServiceActivated:
        return translate("guichet::AuditRenderer", "%1 reactivated the service %2 of %3.")
            .arg(actor, r.name, where);
    case AuditAction::ServiceDeactivated:
        return translate("guichet::AuditRenderer", "%1 deactivated the service %2 of %3.")
            .arg(actor, r.name, where);
    case AuditAction::SpaceSet:
        return translate("guichet::AuditRenderer", "%1 set the space %2 at structure level for %3.")
            .arg(actor, space(r.spaceId, names), where);
    case AuditAction::SpaceUnset:
        return translate("guichet::AuditRenderer",
                         "%1 removed the space %2 from the spaces set at structure level for %3.")
            .arg(actor, space(r.spaceId, names), where);
    case AuditAction::SelfServiceAllowed:
        return translate("guichet::AuditRenderer",
                         "%1 let the users of %3 add or remove the space %2 themselves.")
            .arg(actor, space(r.spaceId, names), where);
    case AuditAction::SelfServiceWithdrawn:
        return translate("guichet::AuditRenderer",
                         "%1 withdrew from the users of %3 the right to add the space %2 themselves.")
            .arg(actor, space(r.spaceId, names), where);
    case AuditAction::SubscriptionRequested:
        if (r.origin == QLatin1String("structure"))
            return translate("guichet::AuditRenderer",
                             "A subscription request of %1 to the space %2 on %3 (%4, %5) was generated: the "
                             "space is set at structure level.")
                .arg(subject, space(r.spaceId, names), where, scope(r, names), mode(r.mode));
        return translate("guichet::AuditRenderer",
                         "%1 requested a subscription to the space %2 on %3 (%4, %5).")
            .arg(subject, space(r.spaceId, names), where, scope(r, names), mode(r.mode));
    case AuditAction::SubscriptionCreated:
        if (r.origin == QLatin1String("default"))
            return translate(
                       "guichet::AuditRenderer",
                       "%1 was subscribed to the space %2 on %3 (%4, %5), a default space of their role.")
                .arg(subject, space(r.spaceId, names), where, scope(r, names), mode(r.mode));
        if (r.origin == QLatin1String("structure"))
            return translate("guichet::AuditRenderer",
                             "%1 was subscribed to the space %2 on %3 (%4, %5), set at structure level.")
                .arg(subject, space(r.spaceId, names), where, scope(r, names), mode(r.mode));
        return translate("guichet::AuditRenderer", "%1 subscribed %2 to the space %3 on %4 (%5, %6).")
            .arg(actor, subject, space(r.spaceId, names), where, scope(r, names), mode(r.mode));
    case AuditAction::SubscriptionValidated:
        return translate("guichet::AuditRenderer",
                         "%1 validated the subscription request of %2 to the space %3 on %4 (%5, %6).")
            .arg(actor, subject, space(r.spaceId, names), where, scope(r, names), mode(r.mode));
    case AuditAction::SubscriptionRefused:
        return translate("guichet::AuditRenderer",
                         "%1 refused the subscription request of %2 to the space %3 on %4 (%5, %6).")
            .arg(actor, subject, space(r.spaceId, names), where, scope(r, names), mode(r.mode));
    case AuditAction::SubscriptionCancelled:
        return translate("guichet::AuditRenderer",
                         "A subscription request of %1 on %2 was cancelled: the account was deactivated.")
            .arg(subject, where);
    case AuditAction::SubscriptionRemoved:
        if (r.reason == QLatin1String(audit::ReasonByUser))
            return translate("guichet::AuditRenderer", "%1 removed their subscription to the space %2 on %3.")
                .arg(subject, space(r.spaceId, names), where);
        if (r.reason == QLatin1String(audit::ReasonRemovalValidated))
            return translate(
                       "guichet::AuditRenderer",
                       "%1 validated the removal request of %2: their subscription to the space %3 on %4 "
                       "(%5, %6) was removed.")
                .arg(actor, subject, space(r.spaceId, names), where, scope(r, names), mode(r.mode));
        if (r.reason == QLatin1String(audit::ReasonAttachmentRemoved))
            return translate("guichet::AuditRenderer",
                             "The subscription of %1 to the space %2 on %3 ended with their attachment.")
                .arg(subject, space(r.spaceId, names), where);
        if (r.reason == QLatin1String(audit::ReasonSpaceUnset))
            return translate(
                       "guichet::AuditRenderer",
                       "The subscription of %1 to the space %2 on %3 was removed: the space is no longer "
                       "set at structure level.")
                .arg(subject, space(r.spaceId, names), where);
        if (r.reason == QLatin1String(audit::ReasonRoleChanged))
            return translate("guichet::AuditRenderer",
                             "The subscription of %1 to the space %2 on %3 was removed: it is no longer a "
                             "default space of their role.")
                .arg(subject, space(r.spaceId, names), where);
        return translate("guichet::AuditRenderer",
                         "The subscription of %1 to the space %2 on %3 was removed.")
            .arg(subject, space(r.spaceId, names), where);
    case AuditAction::SubscriptionRemovalRequested:
        return translate("guichet::AuditRenderer",
                         "%1 asked to remove their subscription to the space %2 on %3 (%4, %5).")
            .arg(subject, space(r.spaceId, names), where, scope(r, names), mode(r.mode));
    case AuditAction::SubscriptionRemovalWithdrawn:
        return translate("guichet::AuditRenderer",
                         "%1 withdrew their request to remove their subscription to the space %2 on %3 (%4, "
                         "%5).")
            .arg(subject, space(r.spaceId, names), where, scope(r, names), mode(r.mode));
    case AuditAction::SubscriptionRemovalRefused:
        return translate(
                   "guichet::AuditRenderer",
                   "%1 refused the removal request of %2: their subscription to the space %3 on %4 (%5, "
                   "%6) stays.")
            .arg(actor, subject, space(r.spaceId, names), where, scope(r, names), mode(r.mode));
    case AuditAction::FileAdded:
        return translate("guichet::AuditRenderer", "%1 added the attached file « %2 » (%3).")
            .arg(subject, r.name, r.fileName);
    case AuditAction::FileUpdated:
        return translate("guichet::AuditRenderer", "%1 updated the attached file « %2 ».")
            .arg(subject, r.name);
    case AuditAction::FileDeleted:
        return translate("guichet::AuditRenderer", "%1 deleted the attached file « %2 ».")
            .arg(subject, r.name);
    case AuditAction::SolicitationCreated:
        if (!r.subjectId)
            return translate("guichet::AuditRenderer",
                             "A solicitation « %1 » (%2) was sent from %3 without signing in.")
                .arg(r.name, solicitationCategory(r.code), r.email);
        return translate("guichet::AuditRenderer", "%1 sent the solicitation « %2 » (%3).")
            .arg(subject, r.name, solicitationCategory(r.code));
    case AuditAction::SolicitationStatusChanged:
        return translate("guichet::AuditRenderer", "%1 set the solicitation « %2 » to %3.")
            .arg(actor, r.name, solicitationStatus(r.status));
    case AuditAction::SolicitationReplied:
        return translate("guichet::AuditRenderer", "%1 replied to the solicitation « %2 » (now %3).")
            .arg(actor, r.name, solicitationStatus(r.status));
    case AuditAction::SolicitationFollowedUp:
        return translate("guichet::AuditRenderer", "%1 added to their solicitation « %2 ».")
            .arg(subject, r.name);
    }
    return olderEntry(entry, names);
}

} // namespace guichet
