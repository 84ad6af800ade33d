#pragma once

#include "kernel/database.h"
#include "rules/attachments/attachments.h"
#include "rules/attachments/permissions.h"
#include "rules/structures/structures.h"

#include <QDate>
#include <QList>
#include <QString>

#include <optional>

namespace guichet {

// An attachment row as the rules read it.
struct AttachmentRecord
{
    qint64 id = 0;
    qint64 userId = 0;
    qint64 structureId = 0;
    Role role = Role::None;
    bool wholeStructure = true;
    QDate validFrom;
    QDate validUntil; // invalid when the attachment has no end
    QString status; // 'pending', 'validated', 'refused' or 'invited'
};

// An attachment with the names of its structure, for the decisions' messages.
struct AttachmentInStructure
{
    AttachmentRecord attachment;
    QString siret;
    QString raisonSociale;
};

// An attachment row to write (see AttachmentStore::insertAttachment).
struct NewAttachment
{
    qint64 userId = 0;
    qint64 structureId = 0;
    Role role = Role::User;
    bool wholeStructure = true;
    QList<qint64> serviceIds; // when not wholeStructure
    QDate validFrom;
    QDate validUntil; // invalid: no end (NULL)
    QString status; // 'pending', 'validated' or 'invited'
    qint64 requestedAt = 0;
    std::optional<qint64> decidedAt; // nothing: NULL (a request)
    std::optional<qint64> decidedBy; // nothing: NULL (a request, or a command without a user)
    qint64 version = 0;
};

// A user as the attaching rules check them (an active account, a name for the
// messages).
struct AttachableUser
{
    qint64 id = 0;
    QString status; // 'active', ...
    QString firstName;
    QString lastName;
};

// The SQL of the attachments feature: it owns the tables attachments and
// attachment_services. Every statement of the feature (attachments.cpp,
// principals.cpp, permissions.cpp) lives here, and every write to those two
// tables, whichever feature makes it (a manager attaching a user, the creator
// of a structure), goes through here. The validity window's SQL fragments
// (attachmentNotEnded and the others of permissions.h) stay in
// permissions.cpp, their one home, and are spliced in here. Internal to
// core/rules.
class AttachmentStore
{
public:
    // const: Database's statements are const, and the permission checks and
    // principalOf are given a const Database.
    explicit AttachmentStore(const Database &db);

    std::optional<AttachmentRecord> attachment(qint64 attachmentId) const;
    std::optional<AttachmentInStructure> attachmentInStructure(qint64 attachmentId) const;
    // The structure of the attachment, or 0.
    qint64 structureOf(qint64 attachmentId) const;
    bool isWholeStructure(qint64 attachmentId) const;
    // The attachment's services, by id.
    QList<qint64> serviceIds(qint64 attachmentId) const;
    // The attachment's services that are still active, by id.
    QList<qint64> activeServiceIds(qint64 attachmentId) const;
    // The attachment's services (id and name), by name then id.
    QList<ServiceRow> services(qint64 attachmentId) const;

    // The validated attachments of the user to the structure whose window
    // contains `day`, by id.
    QList<AttachmentRecord> inWindow(qint64 userId, qint64 structureId, QDate day) const;
    // The validated attachments of the user that have not ended on `day`, by
    // structure then id.
    QList<AttachmentRecord> notEndedOfUser(qint64 userId, QDate day) const;
    // The validated attachments to the structure that have not ended on
    // `day`, by user then id.
    QList<AttachmentRecord> notEndedOfStructure(qint64 structureId, QDate day) const;
    // The user's first validated attachment to the structure that has not
    // ended on `day` (the one a new principal manager keeps), or 0.
    qint64 notEndedAttachmentId(qint64 userId, qint64 structureId, QDate day) const;
    // The user's first request or not-ended attachment to the structure:
    // what makes a new attachment a duplicate.
    std::optional<AttachmentRecord> pendingOrNotEnded(qint64 userId, qint64 structureId, QDate day) const;
    // Whether the user still has a pending or validated attachment to the
    // structure (ended ones included).
    bool hasPendingOrValidated(qint64 userId, qint64 structureId) const;
    // structuresManagedOn (permissions.h).
    QList<qint64> structuresManagedOn(qint64 userId, QDate day) const;

    // The holder of the structure's validated principal attachment, or 0,
    // whether or not that attachment is current and the account active (whom
    // a transfer demotes); his or her attachment, or 0.
    qint64 principalOf(qint64 structureId) const;
    // The principal manager of the structure on `day`: a validated principal
    // attachment that has not ended on `day` (it may start later: that
    // principal decides once it starts), held by an active account; or 0.
    qint64 activePrincipalOf(qint64 structureId, QDate day) const;
    // Everyone holding a validated principal attachment to the structure
    // (current or not), by user id.
    QList<qint64> principalHolders(qint64 structureId) const;
    qint64 principalAttachmentId(qint64 userId, qint64 structureId) const;
    // The structures where the user holds a principal attachment not ended on
    // `day` (as activePrincipalOf), by id.
    QList<qint64> structuresWherePrincipal(qint64 userId, QDate day) const;

    qint64 pendingCount() const;
    // The screens' views, by raison sociale then id: a user's pending and
    // validated attachments; one attachment; every pending request; the
    // pending non-principal requests on the structures the manager holds a
    // manager's attachment to on `day` (structuresManagedOnSql).
    QList<AttachmentView> userAttachments(qint64 userId) const;
    std::optional<AttachmentView> attachmentView(qint64 attachmentId) const;
    QList<AttachmentView> pendingRequests() const;
    QList<AttachmentView> pendingRequestsManagedBy(qint64 managerId, QDate day) const;

    // The attachment row, then a row per service.
    qint64 insertAttachment(const NewAttachment &attachment) const;
    void decide(qint64 attachmentId, const QString &status, qint64 decidedAt, qint64 decidedBy,
                const QString &comment, qint64 version) const;
    void setRole(qint64 attachmentId, Role role, qint64 version) const;
    // The former principal manager's validated principal attachments become
    // a simple user's.
    void demotePrincipal(qint64 structureId, qint64 userId, qint64 version) const;
    void setValidUntil(qint64 attachmentId, QDate validUntil, qint64 version) const;
    // The attachment's services, then the attachment.
    void deleteAttachment(qint64 attachmentId) const;

    // Invitations (ManagerActivity::inviteUser): attachments 'invited', waiting
    // for their user's account to be activated or reactivated.
    // The user's invitations, by id.
    QList<AttachmentRecord> invitationsOfUser(qint64 userId) const;
    // The user's invitation to the structure, if any.
    std::optional<AttachmentRecord> invitation(qint64 userId, qint64 structureId) const;
    // A newer invitation replaces the older one's role, services and inviter.
    void replaceInvitation(qint64 attachmentId, Role role, bool wholeStructure,
                           const QList<qint64> &serviceIds, qint64 invitedAt, qint64 invitedBy,
                           qint64 version) const;
    // The invitation becomes a validated attachment from validFrom, keeping
    // only `serviceIds` (its services still active).
    void acceptInvitation(qint64 attachmentId, QDate validFrom, const QList<qint64> &serviceIds, qint64 nowMs,
                          qint64 version) const;

    // A user's account status and name (the users table is accounts'; this
    // read is what attaching someone needs to check).
    std::optional<AttachableUser> user(qint64 userId) const;

private:
    QList<AttachmentView> views(const QString &where, const QVariantList &args) const;

    const Database &m_db;
};

} // namespace guichet
