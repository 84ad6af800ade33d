#pragma once

#include "rules/accounts/accounts.h"
#include "rules/accounts/signups.h"
#include "rules/files/attachedfiles.h"
#include "rules/spaces/subscriptions.h"
#include "rules/structures/structures.h"
#include "rules/support/solicitations.h"

#include <QDate>
#include <QJsonObject>
#include <QList>
#include <QString>

#include <optional>

namespace guichet {

// A command ready to send: its name in the catalogue (commandcatalogue.h) and
// its JSON arguments.
struct CommandCall
{
    QString name;
    QJsonObject args;
};

// One builder per command of the catalogue, named after it: the command's name
// with its arguments built from typed values under the declared keys. What the
// screens hand to CommandGateway::send, so that no screen spells a command's
// name or a key. A null QDate stands for a date left out.
namespace commands {

// Accounts
CommandCall updateProfile(const Profile &profile);
CommandCall changePassword(const QString &currentPassword, const QString &newPassword,
                           const QString &confirmation);
CommandCall setSecretQuestion(const QString &currentPassword, const QString &question, const QString &answer);
CommandCall updatePersonalInformation(const PersonalInformation &info);
CommandCall setNotifications(bool enabled, const QString &contactEmail);
// Without successors when the user is principal manager of no structure.
CommandCall deactivateAccount(const std::optional<Successors> &successors = std::nullopt);
CommandCall requestReactivation(const QString &email);
CommandCall completeReactivation(const QString &token, const QString &newPassword,
                                 const QString &secretQuestion, const QString &secretAnswer);
CommandCall supportReactivate(qint64 userId);
// « Créer un compte » and its activation (rules/accounts/signups.h).
CommandCall signUp(const SignUpRequest &request);
CommandCall activateAccount(const QString &token, const ActivationDetails &details = {});
CommandCall resendActivation(const QString &email);
CommandCall supportResendActivation(qint64 userId);

// Structures and services
CommandCall createStructure(const StructureInput &input);
CommandCall createStructure(const NewStructure &input);
// With `bank`, the bank details too (the form shows them to managers only).
CommandCall updateStructure(qint64 structureId, const StructureInput &input,
                            const std::optional<StructureBank> &bank = std::nullopt);
CommandCall addService(qint64 structureId, const QString &code, const QString &name);
CommandCall setServiceActive(qint64 serviceId, bool active);

// Attachments (rattachements). The services are sent only when not attaching
// to the whole structure.
CommandCall requestAttachment(qint64 structureId, const QDate &validFrom, const QDate &validUntil,
                              bool wholeStructure, const QList<qint64> &serviceIds = {});
CommandCall decideAttachment(qint64 attachmentId, bool validate, const QString &comment = {});
CommandCall decideAttachments(const QList<qint64> &attachmentIds, bool validate, const QString &comment = {});
CommandCall removeAttachments(const QList<qint64> &attachmentIds,
                              const std::optional<Successors> &successors = std::nullopt);
CommandCall setSecondaryPowers(qint64 structureId, bool granted);
// role: "secondary" or "user".
CommandCall setAttachmentRole(qint64 attachmentId, const QString &role);

// Manager's activity
// « Inviter un utilisateur » (ManagerActivity::inviteUser): role "user" or "secondary".
CommandCall inviteUser(qint64 structureId, const QString &email, const QString &role, bool wholeStructure,
                       const QList<qint64> &serviceIds, const QString &language);
CommandCall resendInvitation(qint64 attachmentId);
CommandCall attachUser(qint64 structureId, qint64 userId, const QString &role, const QDate &validFrom,
                       const QDate &validUntil, bool wholeStructure, const QList<qint64> &serviceIds = {});
// Role "user" or "secondary"; serviceIds: services of the listed structures,
// a structure none of whose services is listed being attached whole.
CommandCall attachUserToStructures(const QList<qint64> &structureIds, qint64 userId, const QString &role,
                                   const QDate &validFrom, const QDate &validUntil,
                                   const QList<qint64> &serviceIds = {});
CommandCall endAttachment(qint64 attachmentId, const QDate &validUntil);
// structureId 0: every structure the caller manages.
CommandCall copyRights(qint64 fromUserId, qint64 toUserId, qint64 structureId);
CommandCall transferPrincipal(qint64 structureId, qint64 successorId);

// Spaces set at structure level
CommandCall enableStructureSpace(qint64 structureId, const QString &spaceCode);
CommandCall disableStructureSpace(qint64 structureId, const QString &spaceCode);
CommandCall setSelfServiceSpace(qint64 structureId, const QString &spaceCode, bool enabled);

// Subscriptions (abonnements)
CommandCall requestSubscription(const SubscriptionRequest &request);
CommandCall decideSubscription(qint64 subscriptionId, bool validate, const QString &comment = {});
CommandCall decideSubscriptions(const QList<qint64> &subscriptionIds, bool validate,
                                const QString &comment = {});
CommandCall removeSubscriptions(const QList<qint64> &subscriptionIds);
CommandCall withdrawSubscriptionRemovals(const QList<qint64> &subscriptionIds);
CommandCall subscribeUsers(const BulkSubscription &bulk);

// Attached files (pièces jointes)
CommandCall addFile(const AttachedFiles::NewFile &file);
// Without content, the stored content and file name stay.
CommandCall updateFile(qint64 fileId, const QString &designation, const QString &fileType,
                       const std::optional<AttachedFiles::NewContent> &content = std::nullopt);
CommandCall deleteFiles(const QList<qint64> &fileIds);

// Solicitations
CommandCall createSolicitation(const NewSolicitation &solicitation);
CommandCall createAnonymousSolicitation(const QString &email, const NewSolicitation &solicitation);
CommandCall setStatus(qint64 solicitationId, const QString &status);
CommandCall reply(qint64 solicitationId, const QString &text, const QString &status);
CommandCall addFollowUp(qint64 solicitationId, const QString &text);

} // namespace commands

} // namespace guichet
