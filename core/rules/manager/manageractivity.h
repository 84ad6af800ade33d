#pragma once

#include "kernel/commandresult.h"
#include "rules/attachments/permissions.h"

#include <QCoreApplication>
#include <QDate>
#include <QList>
#include <QVariantMap>

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
    // support) designates a successor among the structure's current users; the
    // former principal stays attached as a simple user. Support may name any
    // active user, who is attached to the whole structure if they were not.
    CommandResult transferPrincipal(qint64 actorId, qint64 structureId, qint64 successorId);

    // The structures the user manages today (canManage; every one they are
    // attached to as manager, for support too): id, siret, raisonSociale, role,
    // canManage (false for a secondary manager without the principal's powers),
    // secondaryPowers.
    QList<QVariantMap> managedStructures(qint64 userId) const;
    // Users attached to the structure (pending and validated, ended included):
    // id (attachment), userId, firstName, lastName, email, role, status,
    // statusLabel, validFrom, validUntil (QDate), ended, wholeStructure,
    // services (names), subscriptions (count of pending and validated rows).
    QList<QVariantMap> structureUsers(qint64 structureId) const;
    // For the structures the manager manages: pending requests older than `days`
    // days and validated attachments ending within `days` days. Each: kind
    // ("attachmentRequest", "subscriptionRequest", "attachmentEnding"), id,
    // structureId, raisonSociale, userId, firstName, lastName, date (QDate: the
    // day of the request, or the end of validity), days (age or days left).
    QList<QVariantMap> reminders(qint64 managerId, int days) const;

private:
    Core &m_core;
};

} // namespace guichet
