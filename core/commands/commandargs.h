#pragma once

#include "rules/accounts/accounts.h"
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

// The JSON arguments of each command of the catalogue (commandcatalogue.h),
// built from typed values with the declared keys: what the screens hand to
// CommandGateway::send with the command's name. One function per command,
// named after it. A null QDate stands for a date left out.
namespace commandArgs {

// Accounts
QJsonObject updateProfile(const Profile &profile);
QJsonObject changePassword(const QString &currentPassword, const QString &newPassword,
                           const QString &confirmation);
QJsonObject setSecretQuestion(const QString &currentPassword, const QString &question, const QString &answer);
QJsonObject updatePersonalInformation(const PersonalInformation &info);
QJsonObject setNotifications(bool enabled, const QString &contactEmail);
// Without successors when the user is principal manager of no structure.
QJsonObject deactivateAccount(const std::optional<Successors> &successors = std::nullopt);
QJsonObject requestReactivation(const QString &email);
QJsonObject completeReactivation(const QString &token, const QString &newPassword,
                                 const QString &secretQuestion, const QString &secretAnswer);
QJsonObject supportReactivate(qint64 userId);

// Structures and services
QJsonObject createStructure(const StructureInput &input);
QJsonObject updateStructure(qint64 structureId, const StructureInput &input);
QJsonObject addService(qint64 structureId, const QString &code, const QString &name);
QJsonObject setServiceActive(qint64 serviceId, bool active);

// Attachments (rattachements). The services are sent only when not attaching
// to the whole structure.
QJsonObject requestAttachment(qint64 structureId, const QDate &validFrom, const QDate &validUntil,
                              bool wholeStructure, const QList<qint64> &serviceIds = {});
QJsonObject decideAttachment(qint64 attachmentId, bool validate, const QString &comment = {});
QJsonObject decideAttachments(const QList<qint64> &attachmentIds, bool validate, const QString &comment = {});
QJsonObject removeAttachments(const QList<qint64> &attachmentIds,
                              const std::optional<Successors> &successors = std::nullopt);
QJsonObject setSecondaryPowers(qint64 structureId, bool granted);
// role: "secondary" or "user".
QJsonObject setAttachmentRole(qint64 attachmentId, const QString &role);

// Manager's activity
QJsonObject attachUser(qint64 structureId, qint64 userId, const QString &role, const QDate &validFrom,
                       const QDate &validUntil, bool wholeStructure, const QList<qint64> &serviceIds = {});
QJsonObject endAttachment(qint64 attachmentId, const QDate &validUntil);
// structureId 0: every structure the caller manages.
QJsonObject copyRights(qint64 fromUserId, qint64 toUserId, qint64 structureId);
QJsonObject transferPrincipal(qint64 structureId, qint64 successorId);

// Spaces set at structure level
QJsonObject enableStructureSpace(qint64 structureId, const QString &spaceCode);
QJsonObject disableStructureSpace(qint64 structureId, const QString &spaceCode);

// Subscriptions (abonnements)
QJsonObject requestSubscription(const SubscriptionRequest &request);
QJsonObject decideSubscription(qint64 subscriptionId, bool validate, const QString &comment = {});
QJsonObject decideSubscriptions(const QList<qint64> &subscriptionIds, bool validate,
                                const QString &comment = {});
QJsonObject removeSubscriptions(const QList<qint64> &subscriptionIds);

// Attached files (pièces jointes)
QJsonObject addFile(const AttachedFiles::NewFile &file);
// Without content, the stored content and file name stay.
QJsonObject updateFile(qint64 fileId, const QString &designation, const QString &fileType,
                       const std::optional<AttachedFiles::NewContent> &content = std::nullopt);
QJsonObject deleteFiles(const QList<qint64> &fileIds);

// Solicitations
QJsonObject createSolicitation(const NewSolicitation &solicitation);
QJsonObject createAnonymousSolicitation(const QString &email, const NewSolicitation &solicitation);
QJsonObject setStatus(qint64 solicitationId, const QString &status);
QJsonObject reply(qint64 solicitationId, const QString &text, const QString &status);
QJsonObject addFollowUp(qint64 solicitationId, const QString &text);

} // namespace commandArgs

} // namespace guichet
