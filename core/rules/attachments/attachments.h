#pragma once

#include "kernel/commandresult.h"
#include "rules/attachments/permissions.h"

#include <QCoreApplication>
#include <QDate>
#include <QHash>
#include <QList>
#include <QString>
#include <QStringList>
#include <QVariantList>

#include <optional>

namespace guichet {

class CommandContext;
class Core;

// « Demander un rattachement »: the structure, the validity dates and either the
// whole structure or some of its services.
struct AttachmentRequest
{
    qint64 structureId = 0; // field "structure"
    QDate validFrom; // field "validFrom", required
    QDate validUntil; // field "validUntil", optional; after validFrom
    bool wholeStructure = true; // « Rattacher à la structure »
    QList<qint64> serviceIds; // field "services", when not wholeStructure
};

// One attachment as the screens show it, with its holder (the requester, for
// a pending request).
struct AttachmentView
{
    qint64 id = 0;
    qint64 userId = 0; // the attached user (the requester of a pending request)
    QString firstName;
    QString lastName;
    QString email;
    qint64 structureId = 0;
    QString siret; // the structure's identifier
    QString identifierType; // StructureIdentifier::code
    QString raisonSociale;
    Role role = Role::None;
    bool wholeStructure = true; // « Rattacher à la structure »; else serviceIds
    QList<qint64> serviceIds; // by service name
    QStringList services; // the names of serviceIds, in the same order
    QDate validFrom;
    QDate validUntil; // invalid when the attachment has no end
    QString status; // 'pending', 'validated' or 'refused'
    qint64 requestedAt = 0; // UTC milliseconds since the epoch
    QString decisionComment;
};

// A request a manager may decide: the attachment with its requester.
using PendingAttachmentRequest = AttachmentView;

// Rattachements: users' attachments to structures, decided by the structure's
// managers (see docs/RULES.md for who may do what).
class Attachments
{
    Q_DECLARE_TR_FUNCTIONS(guichet::Attachments)

public:
    explicit Attachments(Core &core);

    // A pending request (role 'user'; role 'principal', decided by support, when
    // the structure has no principal manager). Mails the principal manager.
    CommandResult requestAttachment(qint64 actorId, const AttachmentRequest &request);
    // The principal manager, a secondary manager when the structure grants
    // secondary managers the principal's powers, or support. Validation
    // subscribes the role's default spaces and requests the structure-level
    // spaces; the requester gets a mail with the new status.
    CommandResult decideAttachment(qint64 actorId, qint64 attachmentId, bool validate,
                                   const QString &comment = {});
    // Several checked requests at once, all or nothing.
    CommandResult decideAttachments(qint64 actorId, const QList<qint64> &attachmentIds, bool validate,
                                    const QString &comment = {});
    // « Supprimer rattachements », all or nothing. A simple user's or secondary
    // manager's attachment is deleted with their subscriptions on the structure;
    // a principal manager's needs a successor for its structure (successors:
    // structure id -> user id; key 0 = the same successor for every structure),
    // who becomes principal while the former principal stays as a simple user.
    CommandResult removeAttachments(qint64 actorId, const QList<qint64> &attachmentIds,
                                    const QHash<qint64, qint64> &successors = {});
    // The principal manager (or support) grants or withdraws the principal's
    // powers to the structure's secondary managers.
    CommandResult setSecondaryPowers(qint64 actorId, qint64 structureId, bool granted);
    // A manager of the structure (or support) makes a user of it a secondary
    // manager or a simple user again. The principal's own role only changes by
    // a transfer (transferPrincipal), so it is refused here either way. The
    // user's default spaces follow the new role.
    CommandResult setAttachmentRole(qint64 actorId, qint64 attachmentId, Role role);

    // « Mes rattachements aux structures » (pending and validated), by
    // structure name.
    QList<AttachmentView> userAttachments(qint64 userId) const;
    // The pending requests this manager may decide today (every one for
    // support).
    QList<PendingAttachmentRequest> pendingAttachmentRequests(qint64 managerId) const;
    std::optional<AttachmentView> attachment(qint64 attachmentId) const;
    // How many attachment requests wait for a decision, all structures together.
    qint64 pendingCount() const;

private:
    void decideOne(CommandContext &ctx, qint64 attachmentId, bool validate, const QString &comment);
    void removeOne(CommandContext &ctx, qint64 attachmentId, const QHash<qint64, qint64> &successors);

    Core &m_core;
};

} // namespace guichet
