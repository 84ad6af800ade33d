#include "kernel/auditrecord.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>

#include <iterator>

namespace guichet {

namespace {

struct ActionCode
{
    AuditAction action;
    AuditFamily family;
    const char *code;
};

// The codes are stored: never rename one, add new ones.
constexpr ActionCode kActions[] = {
    { AuditAction::AccountCreated, AuditFamily::Account, "account.created" },
    { AuditAction::ProfileUpdated, AuditFamily::Account, "account.profile_updated" },
    { AuditAction::PasswordChanged, AuditFamily::Account, "account.password_changed" },
    { AuditAction::SecretQuestionChanged, AuditFamily::Account, "account.secret_question_changed" },
    { AuditAction::NotificationsEnabled, AuditFamily::Account, "account.notifications_enabled" },
    { AuditAction::NotificationsDisabled, AuditFamily::Account, "account.notifications_disabled" },
    { AuditAction::AccountDeactivated, AuditFamily::Account, "account.deactivated" },
    { AuditAction::ReactivationMailSent, AuditFamily::Account, "account.reactivation_mail_sent" },
    { AuditAction::SupportReactivationMailSent, AuditFamily::Account,
      "account.support_reactivation_mail_sent" },
    { AuditAction::AccountReactivated, AuditFamily::Account, "account.reactivated" },
    { AuditAction::RightsCopied, AuditFamily::Account, "account.rights_copied" },
    { AuditAction::AccountSignedUp, AuditFamily::Account, "account.signed_up" },
    { AuditAction::SignUpForExistingAccount, AuditFamily::Account, "account.sign_up_existing" },
    { AuditAction::ActivationMailSent, AuditFamily::Account, "account.activation_mail_sent" },
    { AuditAction::AccountActivated, AuditFamily::Account, "account.activated" },
    { AuditAction::UnactivatedAccountRemoved, AuditFamily::Account, "account.unactivated_removed" },
    { AuditAction::ReactivationNotSent, AuditFamily::Account, "account.reactivation_not_sent" },
    { AuditAction::SignedIn, AuditFamily::SignIn, "signin.succeeded" },
    { AuditAction::SignedOut, AuditFamily::SignIn, "signin.signed_out" },
    { AuditAction::SignInUnknownEmail, AuditFamily::SignIn, "signin.unknown_email" },
    { AuditAction::SignInWrongPassword, AuditFamily::SignIn, "signin.wrong_password" },
    { AuditAction::SignInRefusedLocked, AuditFamily::SignIn, "signin.refused_locked" },
    { AuditAction::SignInRefusedDeactivated, AuditFamily::SignIn, "signin.refused_deactivated" },
    { AuditAction::SignInRefusedNotActivated, AuditFamily::SignIn, "signin.refused_not_activated" },
    { AuditAction::AccountLocked, AuditFamily::SignIn, "signin.account_locked" },
    { AuditAction::SignInUnlocked, AuditFamily::SignIn, "signin.unlocked" },
    { AuditAction::AttachmentRequested, AuditFamily::Attachment, "attachment.requested" },
    { AuditAction::AttachmentValidated, AuditFamily::Attachment, "attachment.validated" },
    { AuditAction::AttachmentRefused, AuditFamily::Attachment, "attachment.refused" },
    { AuditAction::AttachmentCancelled, AuditFamily::Attachment, "attachment.cancelled" },
    { AuditAction::AttachmentRemoved, AuditFamily::Attachment, "attachment.removed" },
    { AuditAction::AttachmentRoleChanged, AuditFamily::Attachment, "attachment.role_changed" },
    { AuditAction::AttachmentEndSet, AuditFamily::Attachment, "attachment.end_set" },
    { AuditAction::AttachedByManager, AuditFamily::Attachment, "attachment.attached_by_manager" },
    { AuditAction::AttachmentCopied, AuditFamily::Attachment, "attachment.copied" },
    { AuditAction::UserInvited, AuditFamily::Attachment, "attachment.invited" },
    { AuditAction::InvitationAccepted, AuditFamily::Attachment, "attachment.invitation_accepted" },
    { AuditAction::PrincipalChanged, AuditFamily::Attachment, "attachment.principal_changed" },
    { AuditAction::CreatorMadePrincipal, AuditFamily::Attachment, "attachment.creator_principal" },
    { AuditAction::StructureCreated, AuditFamily::Structure, "structure.created" },
    { AuditAction::StructureUpdated, AuditFamily::Structure, "structure.updated" },
    { AuditAction::StructureImported, AuditFamily::Structure, "structure.imported" },
    { AuditAction::StructuresGenerated, AuditFamily::Structure, "structure.generated" },
    { AuditAction::SecondaryPowersGranted, AuditFamily::Structure, "structure.secondary_powers_granted" },
    { AuditAction::SecondaryPowersWithdrawn, AuditFamily::Structure, "structure.secondary_powers_withdrawn" },
    { AuditAction::ServiceAdded, AuditFamily::Structure, "structure.service_added" },
    { AuditAction::ServiceActivated, AuditFamily::Structure, "structure.service_activated" },
    { AuditAction::ServiceDeactivated, AuditFamily::Structure, "structure.service_deactivated" },
    { AuditAction::SpaceSet, AuditFamily::Structure, "structure.space_set" },
    { AuditAction::SpaceUnset, AuditFamily::Structure, "structure.space_unset" },
    { AuditAction::SelfServiceAllowed, AuditFamily::Structure, "structure.self_service_allowed" },
    { AuditAction::SelfServiceWithdrawn, AuditFamily::Structure, "structure.self_service_withdrawn" },
    { AuditAction::SubscriptionRequested, AuditFamily::Subscription, "subscription.requested" },
    { AuditAction::SubscriptionCreated, AuditFamily::Subscription, "subscription.created" },
    { AuditAction::SubscriptionValidated, AuditFamily::Subscription, "subscription.validated" },
    { AuditAction::SubscriptionRefused, AuditFamily::Subscription, "subscription.refused" },
    { AuditAction::SubscriptionCancelled, AuditFamily::Subscription, "subscription.cancelled" },
    { AuditAction::SubscriptionRemoved, AuditFamily::Subscription, "subscription.removed" },
    { AuditAction::SubscriptionRemovalRequested, AuditFamily::Subscription,
      "subscription.removal_requested" },
    { AuditAction::SubscriptionRemovalWithdrawn, AuditFamily::Subscription,
      "subscription.removal_withdrawn" },
    { AuditAction::SubscriptionRemovalRefused, AuditFamily::Subscription, "subscription.removal_refused" },
    { AuditAction::FileAdded, AuditFamily::File, "file.added" },
    { AuditAction::FileUpdated, AuditFamily::File, "file.updated" },
    { AuditAction::FileDeleted, AuditFamily::File, "file.deleted" },
    { AuditAction::SolicitationCreated, AuditFamily::Solicitation, "solicitation.created" },
    { AuditAction::SolicitationStatusChanged, AuditFamily::Solicitation, "solicitation.status_changed" },
    { AuditAction::SolicitationReplied, AuditFamily::Solicitation, "solicitation.replied" },
    { AuditAction::SolicitationFollowedUp, AuditFamily::Solicitation, "solicitation.followed_up" },
};

const ActionCode *find(AuditAction action)
{
    for (const ActionCode &entry : kActions) {
        if (entry.action == action)
            return &entry;
    }
    return nullptr;
}

} // namespace

namespace audit {

QString actionCode(AuditAction action)
{
    const ActionCode *entry = find(action);
    return entry ? QString::fromLatin1(entry->code) : QString();
}

AuditAction actionFromCode(const QString &code)
{
    for (const ActionCode &entry : kActions) {
        if (code == QLatin1String(entry.code))
            return entry.action;
    }
    return AuditAction::Unknown;
}

AuditFamily familyOf(AuditAction action)
{
    const ActionCode *entry = find(action);
    return entry ? entry->family : AuditFamily::Account;
}

QString familyCode(AuditFamily family)
{
    switch (family) {
    case AuditFamily::Account:
        return QStringLiteral("account");
    case AuditFamily::SignIn:
        return QStringLiteral("signin");
    case AuditFamily::Attachment:
        return QStringLiteral("attachment");
    case AuditFamily::Structure:
        return QStringLiteral("structure");
    case AuditFamily::Subscription:
        return QStringLiteral("subscription");
    case AuditFamily::File:
        return QStringLiteral("file");
    case AuditFamily::Solicitation:
        return QStringLiteral("solicitation");
    }
    return {};
}

QList<AuditFamily> families()
{
    return { AuditFamily::Attachment,  AuditFamily::Subscription, AuditFamily::Structure,
             AuditFamily::Account,     AuditFamily::SignIn,       AuditFamily::File,
             AuditFamily::Solicitation };
}

} // namespace audit

namespace {

const QString kAction = QStringLiteral("action");

} // namespace

QString AuditRecord::toJson() const
{
    QJsonObject o { { kAction, audit::actionCode(action) } };
    const auto id = [&](const char *key, qint64 value) {
        if (value)
            o.insert(QLatin1String(key), value);
    };
    const auto text = [&](const char *key, const QString &value) {
        if (!value.isEmpty())
            o.insert(QLatin1String(key), value);
    };
    const auto date = [&](const char *key, QDate value) {
        if (value.isValid())
            o.insert(QLatin1String(key), value.toString(Qt::ISODate));
    };
    id("subject", subjectId);
    id("other_user", otherUserId);
    id("space", spaceId);
    id("service", serviceId);
    if (!serviceIds.isEmpty()) {
        QJsonArray ids;
        for (const qint64 s : serviceIds)
            ids.append(s);
        o.insert(QStringLiteral("services"), ids);
    }
    text("role", role);
    text("mode", mode);
    text("status", status);
    text("previous_status", previousStatus);
    text("origin", origin);
    text("reason", reason);
    date("valid_from", validFrom);
    date("valid_until", validUntil);
    text("name", name);
    text("code", code);
    text("file_name", fileName);
    text("email", email);
    text("address", address);
    id("size", size);
    id("count", count);
    id("second_count", secondCount);
    if (until.isValid())
        o.insert(QStringLiteral("until"), until.toMSecsSinceEpoch());
    if (support)
        o.insert(QStringLiteral("support"), true);
    return QString::fromUtf8(QJsonDocument(o).toJson(QJsonDocument::Compact));
}

AuditRecord AuditRecord::fromJson(const QString &details)
{
    AuditRecord r;
    if (!details.startsWith(QLatin1Char('{')))
        return r;
    const QJsonObject o = QJsonDocument::fromJson(details.toUtf8()).object();
    r.action = audit::actionFromCode(o.value(kAction).toString());
    if (r.action == AuditAction::Unknown)
        return r;
    const auto text = [&](const char *key) { return o.value(QLatin1String(key)).toString(); };
    const auto id = [&](const char *key) { return o.value(QLatin1String(key)).toInteger(); };
    const auto date = [&](const char *key) { return QDate::fromString(text(key), Qt::ISODate); };
    r.subjectId = id("subject");
    r.otherUserId = id("other_user");
    r.spaceId = id("space");
    r.serviceId = id("service");
    const QJsonArray ids = o.value(QStringLiteral("services")).toArray();
    for (const QJsonValue &value : ids)
        r.serviceIds.append(value.toInteger());
    r.role = text("role");
    r.mode = text("mode");
    r.status = text("status");
    r.previousStatus = text("previous_status");
    r.origin = text("origin");
    r.reason = text("reason");
    r.validFrom = date("valid_from");
    r.validUntil = date("valid_until");
    r.name = text("name");
    r.code = text("code");
    r.fileName = text("file_name");
    r.email = text("email");
    r.address = text("address");
    r.size = id("size");
    r.count = int(id("count"));
    r.secondCount = int(id("second_count"));
    if (o.contains(QStringLiteral("until")))
        r.until = QDateTime::fromMSecsSinceEpoch(id("until"), Qt::UTC);
    r.support = o.value(QStringLiteral("support")).toBool();
    return r;
}

} // namespace guichet
