#pragma once

#include <QDate>
#include <QDateTime>
#include <QList>
#include <QString>

namespace guichet {

// What an audit entry records: one kind of action and the codes and ids it is
// about, never text meant to be read back. The reader's language, names and
// sentence come later (core/rules/audit/auditrenderer.h).
enum class AuditAction {
    Unknown, // an entry written before actions were recorded (details are free text)

    // account (« Mon compte »)
    AccountCreated,
    ProfileUpdated,
    PasswordChanged,
    SecretQuestionChanged,
    NotificationsEnabled,
    NotificationsDisabled,
    AccountDeactivated,
    ReactivationMailSent,
    SupportReactivationMailSent,
    AccountReactivated,
    RightsCopied,
    AccountSignedUp, // « Créer un compte »: waiting for activation
    SignUpForExistingAccount, // a sign-up with the address of an account (its owner was mailed)
    ActivationMailSent,
    AccountActivated,
    UnactivatedAccountRemoved,
    ReactivationNotSent, // a reactivation asked for an address without a deactivated account
    // signin
    SignedIn,
    SignedOut,
    SignInUnknownEmail,
    SignInWrongPassword,
    SignInRefusedLocked,
    SignInRefusedDeactivated,
    SignInRefusedNotActivated,
    AccountLocked,
    SignInUnlocked,
    // attachment (rattachement)
    AttachmentRequested,
    AttachmentValidated,
    AttachmentRefused,
    AttachmentCancelled,
    AttachmentRemoved,
    AttachmentRoleChanged,
    AttachmentEndSet,
    AttachedByManager,
    AttachmentCopied,
    UserInvited, // « Inviter un utilisateur »: an invitation waiting for the account's activation
    InvitationAccepted, // the invitee's account was activated: the invitation is an attachment
    PrincipalChanged,
    CreatorMadePrincipal,
    // structure, its services and its spaces set at structure level
    StructureCreated,
    StructureUpdated,
    StructureImported,
    StructuresGenerated,
    SecondaryPowersGranted,
    SecondaryPowersWithdrawn,
    ServiceAdded,
    ServiceActivated,
    ServiceDeactivated,
    SpaceSet,
    SpaceUnset,
    SelfServiceAllowed, // the structure's users may subscribe to the space themselves
    SelfServiceWithdrawn,
    // subscription (abonnement)
    SubscriptionRequested,
    SubscriptionCreated,
    SubscriptionValidated,
    SubscriptionRefused,
    SubscriptionCancelled,
    SubscriptionRemoved,
    SubscriptionRemovalRequested, // its owner asked a manager to remove it (still validated)
    SubscriptionRemovalWithdrawn, // the owner took the removal request back
    SubscriptionRemovalRefused, // a manager refused it: the subscription stays
    // file (pièce jointe)
    FileAdded,
    FileUpdated,
    FileDeleted,
    // solicitation (sollicitation)
    SolicitationCreated,
    SolicitationStatusChanged,
    SolicitationReplied,
    SolicitationFollowedUp,
};

// The families of actions a reader filters on; an action's code starts with
// its family's code and a dot ("attachment.validated").
enum class AuditFamily { Account, SignIn, Attachment, Structure, Subscription, File, Solicitation };

namespace audit {

// "attachment.validated"; empty for Unknown.
QString actionCode(AuditAction action);
// Unknown for an empty or unknown code.
AuditAction actionFromCode(const QString &code);
AuditFamily familyOf(AuditAction action);
// "attachment" — the prefix of its actions' codes.
QString familyCode(AuditFamily family);
QList<AuditFamily> families();

// Why a subscription was removed (AuditRecord::reason).
inline constexpr char ReasonAttachmentRemoved[] = "attachment_removed";
inline constexpr char ReasonSpaceUnset[] = "space_unset";
inline constexpr char ReasonRoleChanged[] = "role_changed";
inline constexpr char ReasonByUser[] = "by_user";
inline constexpr char ReasonRemovalValidated[]
    = "removal_validated"; // a manager validated its owner's removal request
// Why a sign-in was refused (AuditRecord::reason).
inline constexpr char ReasonLocked[] = "locked";
inline constexpr char ReasonSlowedDown[] = "slowed_down";
// Who sent a support reactivation mail (AuditRecord::reason).
inline constexpr char ReasonBySupport[] = "support";
inline constexpr char ReasonByOperator[] = "operator";
// Who asked for an activation mail (AuditRecord::reason; the sign-up itself has none).
inline constexpr char ReasonResentByUser[] = "resent";
// A reactivation asked for past the 60 days: the owner was told to contact support.
inline constexpr char ReasonPeriodOver[] = "period_over";

} // namespace audit

// One audit entry's structured details, stored as compact JSON in
// audit_log.details (the action and its subject also have columns of their own
// so that the history filters on them).
struct AuditRecord
{
    AuditAction action = AuditAction::Unknown;
    qint64 subjectId = 0; // the person the action is about (users.id), 0: none
    qint64 otherUserId = 0; // the second person: the former principal manager, whose rights were copied
    qint64 spaceId = 0;
    qint64 serviceId = 0; // 0: the whole structure
    QList<qint64> serviceIds; // an attachment's chosen services; empty: the whole structure
    QString role; // 'principal', 'secondary', 'user'
    QString mode; // 'modification', 'consultation'
    QString status; // the new status (subscription, solicitation)
    QString previousStatus;
    QString origin; // a subscription's: 'request', 'default', 'structure'
    QString reason; // a code of audit::Reason…
    QDate validFrom;
    QDate validUntil;
    QString name; // as the user typed it: a file's designation, a service's name, a subject
    QString code; // a SIRET, a service's code, a file type, a solicitation's category
    QString fileName;
    QString email;
    QString address; // a sign-in's client address (its failures count per account and address)
    qint64 size = 0;
    int count = 0;
    int secondCount = 0;
    QDateTime until; // a lock's or a reactivation link's end
    bool support = false; // a created account is support staff

    AuditRecord() = default;
    explicit AuditRecord(AuditAction a, qint64 subject = 0)
        : action(a)
        , subjectId(subject)
    {
    }

    // Compact JSON with only the members set; parses what toJson wrote and
    // gives an Unknown record for anything else (entries of older versions).
    QString toJson() const;
    static AuditRecord fromJson(const QString &details);
};

} // namespace guichet
