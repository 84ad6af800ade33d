#pragma once

#include "kernel/commandresult.h"
#include "rules/attachments/permissions.h"

#include <QCoreApplication>
#include <QDate>
#include <QList>
#include <QString>
#include <QStringList>

class QIODevice;

namespace guichet {

class CommandContext;
class Core;

// « Rattacher un utilisateur »: a manager attaches an existing user on their own
// initiative (no request, validated at once).
struct AttachUserInput
{
    qint64 structureId = 0; // field "structure"
    qint64 userId = 0; // field "user"
    Role role = Role::User; // field "role": User or Secondary
    QDate validFrom; // field "validFrom", required
    QDate validUntil; // field "validUntil", optional; after validFrom
    bool wholeStructure = true;
    QList<qint64> serviceIds; // field "services", when not wholeStructure
};

// « Rattacher un utilisateur à plusieurs structures »: one user attached to
// several structures the manager manages, in one command, each for the whole
// structure.
struct AttachToStructuresInput
{
    QList<qint64> structureIds; // field "structures", at most MaxStructures
    qint64 userId = 0; // field "user"
    Role role = Role::User; // field "role": User or Secondary
    QDate validFrom; // field "validFrom", required
    QDate validUntil; // field "validUntil", optional; after validFrom
    // field "services", optional, at most MaxServices: the services chosen,
    // each an active service of one of the structures; a structure none of
    // whose services is listed is attached whole, the others to their
    // listed services only.
    QList<qint64> serviceIds;

    static constexpr int MaxStructures = 200;
    static constexpr int MaxServices = 500;
};

// « Inviter un utilisateur »: a manager invites an address to the structure.
struct InviteUserInput
{
    qint64 structureId = 0; // field "structure"
    QString email; // field "email"
    Role role = Role::User; // field "role": User or Secondary
    bool wholeStructure = true;
    QList<qint64> serviceIds; // field "services", when not wholeStructure
    // field "language", "fr" or "en": the invitation's language when the
    // address has no account yet (an account's own language otherwise).
    QString language = QStringLiteral("fr");
};

// A structure the user manages today (ManagerActivity::managedStructures).
struct ManagedStructure
{
    qint64 id = 0; // the structure
    QString siret;
    QString identifierType; // StructureIdentifier::code of `siret`
    QString raisonSociale;
    Role role = Role::None; // the user's highest role there today: Principal or Secondary
    // False for a secondary manager without the principal's powers (read only).
    bool canManage = false;
    bool secondaryPowers = false; // the principal granted secondary managers the principal's powers
};

// A user attached to a structure (ManagerActivity::structureUsers): one
// pending or validated attachment (« rattachement »), ended ones included.
struct StructureUser
{
    qint64 id = 0; // the attachment
    qint64 userId = 0;
    QString firstName;
    QString lastName;
    QString email;
    Role role = Role::None;
    QString status; // "pending" or "validated"
    QString statusLabel; // the status as the screens show it
    QDate validFrom;
    QDate validUntil; // invalid when open-ended
    bool ended = false; // validUntil is before today
    bool wholeStructure = true;
    // The services' names, or « Whole structure » (translated) when wholeStructure.
    QStringList services;
    int subscriptions = 0; // the user's pending and validated subscriptions on the structure
};

// Something a manager should look at soon (ManagerActivity::reminders).
struct Reminder
{
    enum class Kind {
        AttachmentRequest, // an attachment request pending for too long
        SubscriptionRequest, // a subscription request pending for too long
        AttachmentEnding, // a validated attachment ending soon
    };

    Kind kind = Kind::AttachmentRequest;
    qint64 id = 0; // the attachment or subscription
    qint64 structureId = 0;
    QString raisonSociale;
    qint64 userId = 0;
    QString firstName;
    QString lastName;
    QDate date; // the day of the request, or the end of validity
    int days = 0; // the request's age, or the days left before the end
};

// « Activité du gestionnaire »: what a structure's managers do for its users
// beyond deciding requests (which stays in Attachments / Subscriptions).
// Rights: a manager of the structure (canManage) or support, except the
// principal transfer (the principal manager or support).
class ManagerActivity
{
    Q_DECLARE_TR_FUNCTIONS(guichet::ManagerActivity)

public:
    explicit ManagerActivity(Core &core);

    // Attaches an active user to a structure the caller manages, validated at
    // once as a simple user or secondary manager; subscribes the role's default
    // spaces, requests the structure-level spaces and mails the user.
    CommandResult attachUser(qint64 actorId, const AttachUserInput &input);
    // attachUser on each structure of the list, for the whole structure or
    // the services chosen in it, all or nothing: a structure the caller does
    // not manage (or where the user is already attached or waiting), or a
    // service that is not an active service of a listed structure, is named in
    // the refusal and nothing is attached. One audit entry per attachment, one mail listing them. Result
    // data: "attachments" (their ids, in the list's order).
    CommandResult attachUserToStructures(qint64 actorId, const AttachToStructuresInput &input);
    // « Inviter un utilisateur » (docs/ACCOUNTS.md, « Invitations »): an
    // active account is attached at once as attachUser does (from today, no
    // end; data "attached" true). Any other address (no account, one waiting
    // for activation, a deactivated one) gets an invitation: an attachment
    // 'invited' with the role and services chosen, which becomes validated
    // when the account is activated (or reactivated); an unknown address gets
    // an account waiting for activation and a mail with its activation link.
    // Those answers are all the same (id 0, data "message"). A newer
    // invitation of the same address to the structure replaces the older.
    CommandResult inviteUser(qint64 actorId, const InviteUserInput &input);
    // A manager of the structure (or support): a new invitation mail (and
    // activation link) for an invitee of the structure. Conflict when the
    // attachment is no longer an invitation.
    CommandResult resendInvitation(qint64 actorId, qint64 attachmentId);
    // The message every invitation that does not attach at once answers.
    static QString invitationMessage(const QString &email);

    // Sets the end of validity of a validated attachment (not before its start).
    // A principal manager's attachment is refused: the role must be transferred first.
    CommandResult endAttachment(qint64 actorId, qint64 attachmentId, QDate validUntil);
    // Copies user `fromUser`'s current validated attachments and validated
    // subscriptions to `toUser`, on the structures the caller manages (only
    // `structureId` when not 0). What toUser already has is skipped; a principal
    // attachment is copied as a simple user's. Refused when nothing is left to
    // copy. Result data: "attachments", "subscriptions" (how many were copied).
    CommandResult copyRights(qint64 actorId, qint64 fromUser, qint64 toUser, qint64 structureId = 0);
    // « Transférer le rôle de gestionnaire principal »: the principal manager (or
    // support) designates a successor; who may succeed and what the transfer
    // does are guichet::requireSuccessor and guichet::transferPrincipal
    // (principals.h), the same as at deactivation and attachment removal.
    CommandResult transferPrincipal(qint64 actorId, qint64 structureId, qint64 successorId);

    // The structures the user is attached to as manager today (for support
    // too), by raison sociale then id.
    QList<ManagedStructure> managedStructures(qint64 userId) const;
    // Users attached to the structure (pending and validated, ended included),
    // by last name, first name, then attachment.
    QList<StructureUser> structureUsers(qint64 structureId) const;
    // For the structures the manager may manage (canManage): pending requests
    // older than `days` days and validated attachments ending within `days` days.
    QList<Reminder> reminders(qint64 managerId, int days) const;

    // « Exporter les utilisateurs avec leurs droits »: the CSV's titles (user,
    // e-mail, role, services, space, modes, validity, status), translated.
    static QStringList rightsColumns();
    // The structure's users as structureUsers lists them, one line per space
    // they hold a validated subscription to on the structure (its modes
    // together), or one line with no space when they hold none.
    QList<QStringList> usersRights(qint64 structureId) const;
    // Writes rightsColumns() then usersRights() as CSV (';' separated, with a
    // byte-order mark, as the other exports). False when the device refused.
    bool exportUsersRights(qint64 structureId, QIODevice &device) const;

private:
    Core &m_core;
};

// Inside the command that activates or reactivates userId's account: its
// invitations become validated attachments from today (default spaces
// subscribed, structure-level spaces requested; the inviter is mailed).
// Returns how many.
int acceptInvitations(CommandContext &ctx, qint64 userId);
// Inside the command that removes an account never activated: its
// invitations go with it.
void dropInvitations(CommandContext &ctx, qint64 userId);

} // namespace guichet
