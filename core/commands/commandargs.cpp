#include "commands/commandargs.h"

#include "commands/commandcatalogue.h"

#include <QJsonArray>

namespace guichet::commandArgs {

namespace {

// The one place a key becomes JSON: only the catalogue's keys compile.
class Builder
{
public:
    Builder &set(const char *key, const QJsonValue &value)
    {
        m_args.insert(QLatin1String(key), value);
        return *this;
    }
    Builder &set(const char *key, qint64 value) { return set(key, QJsonValue(value)); }
    Builder &set(const char *key, const QString &value) { return set(key, QJsonValue(value)); }
    Builder &set(const char *key, bool value) { return set(key, QJsonValue(value)); }
    Builder &set(const char *key, const QDate &date) { return set(key, date.toString(Qt::ISODate)); }
    Builder &set(const char *key, const QList<qint64> &ids)
    {
        QJsonArray array;
        for (const qint64 id : ids)
            array.append(id);
        return set(key, QJsonValue(array));
    }
    // Only when given (a null date is left out).
    Builder &setIfGiven(const char *key, const QDate &date)
    {
        if (!date.isNull())
            set(key, date);
        return *this;
    }
    Builder &set(const char *key, const Successors &successors)
    {
        QJsonObject object;
        if (successors.forAll)
            object.insert(QLatin1String(argKey::forAll), successors.forAll);
        if (!successors.perStructure.isEmpty()) {
            QJsonObject each;
            for (auto it = successors.perStructure.begin(); it != successors.perStructure.end(); ++it)
                each.insert(QString::number(it.key()), it.value());
            object.insert(QLatin1String(argKey::perStructure), each);
        }
        return set(key, QJsonValue(object));
    }
    Builder &set(const char *key, const std::optional<Successors> &successors)
    {
        if (successors)
            set(key, *successors);
        return *this;
    }
    operator QJsonObject() const { return m_args; }

private:
    QJsonObject m_args;
};

Builder profileArgs(const Profile &p)
{
    Builder b;
    b.set(argKey::contactEmail, p.contactEmail)
        .set(argKey::lastName, p.lastName)
        .set(argKey::firstName, p.firstName)
        .set(argKey::addressLine, p.addressLine)
        .set(argKey::postalCode, p.postalCode)
        .set(argKey::city, p.city)
        .set(argKey::country, p.country);
    return b;
}

Builder structureArgs(const StructureInput &in)
{
    Builder b;
    b.set(argKey::siret, in.siret)
        .set(argKey::raisonSociale, in.raisonSociale)
        .set(argKey::libelle, in.libelle)
        .set(argKey::adresse, in.adresse)
        .set(argKey::codePostal, in.codePostal)
        .set(argKey::ville, in.ville);
    return b;
}

Builder solicitationArgs(const NewSolicitation &s)
{
    Builder b;
    b.set(argKey::category, s.category).set(argKey::subject, s.subject).set(argKey::body, s.body);
    return b;
}

} // namespace

QJsonObject updateProfile(const Profile &profile)
{
    return profileArgs(profile);
}

QJsonObject changePassword(const QString &currentPassword, const QString &newPassword,
                           const QString &confirmation)
{
    return Builder()
        .set(argKey::currentPassword, currentPassword)
        .set(argKey::newPassword, newPassword)
        .set(argKey::confirmation, confirmation);
}

QJsonObject setSecretQuestion(const QString &currentPassword, const QString &question, const QString &answer)
{
    return Builder()
        .set(argKey::currentPassword, currentPassword)
        .set(argKey::question, question)
        .set(argKey::answer, answer);
}

QJsonObject updatePersonalInformation(const PersonalInformation &info)
{
    return profileArgs(info.profile)
        .set(argKey::currentPassword, info.currentPassword)
        .set(argKey::newPassword, info.newPassword)
        .set(argKey::confirmation, info.confirmation)
        .set(argKey::secretQuestion, info.secretQuestion)
        .set(argKey::secretAnswer, info.secretAnswer);
}

QJsonObject setNotifications(bool enabled, const QString &contactEmail)
{
    return Builder().set(argKey::enabled, enabled).set(argKey::contactEmail, contactEmail);
}

QJsonObject deactivateAccount(const std::optional<Successors> &successors)
{
    return Builder().set(argKey::successors, successors);
}

QJsonObject requestReactivation(const QString &email)
{
    return Builder().set(argKey::email, email);
}

QJsonObject completeReactivation(const QString &token, const QString &newPassword,
                                 const QString &secretQuestion, const QString &secretAnswer)
{
    return Builder()
        .set(argKey::token, token)
        .set(argKey::newPassword, newPassword)
        .set(argKey::secretQuestion, secretQuestion)
        .set(argKey::secretAnswer, secretAnswer);
}

QJsonObject supportReactivate(qint64 userId)
{
    return Builder().set(argKey::user, userId);
}

QJsonObject createStructure(const StructureInput &input)
{
    return structureArgs(input);
}

QJsonObject updateStructure(qint64 structureId, const StructureInput &input)
{
    return structureArgs(input).set(argKey::structure, structureId);
}

QJsonObject addService(qint64 structureId, const QString &code, const QString &name)
{
    return Builder().set(argKey::structure, structureId).set(argKey::code, code).set(argKey::name, name);
}

QJsonObject setServiceActive(qint64 serviceId, bool active)
{
    return Builder().set(argKey::service, serviceId).set(argKey::active, active);
}

QJsonObject requestAttachment(qint64 structureId, const QDate &validFrom, const QDate &validUntil,
                              bool wholeStructure, const QList<qint64> &serviceIds)
{
    Builder b;
    b.set(argKey::structure, structureId)
        .set(argKey::validFrom, validFrom)
        .setIfGiven(argKey::validUntil, validUntil)
        .set(argKey::wholeStructure, wholeStructure);
    if (!wholeStructure)
        b.set(argKey::services, serviceIds);
    return b;
}

QJsonObject decideAttachment(qint64 attachmentId, bool validate, const QString &comment)
{
    return Builder()
        .set(argKey::attachment, attachmentId)
        .set(argKey::validate, validate)
        .set(argKey::comment, comment);
}

QJsonObject decideAttachments(const QList<qint64> &attachmentIds, bool validate, const QString &comment)
{
    return Builder()
        .set(argKey::attachments, attachmentIds)
        .set(argKey::validate, validate)
        .set(argKey::comment, comment);
}

QJsonObject removeAttachments(const QList<qint64> &attachmentIds, const std::optional<Successors> &successors)
{
    return Builder().set(argKey::attachments, attachmentIds).set(argKey::successors, successors);
}

QJsonObject setSecondaryPowers(qint64 structureId, bool granted)
{
    return Builder().set(argKey::structure, structureId).set(argKey::granted, granted);
}

QJsonObject setAttachmentRole(qint64 attachmentId, const QString &role)
{
    return Builder().set(argKey::attachment, attachmentId).set(argKey::role, role);
}

QJsonObject attachUser(qint64 structureId, qint64 userId, const QString &role, const QDate &validFrom,
                       const QDate &validUntil, bool wholeStructure, const QList<qint64> &serviceIds)
{
    Builder b;
    b.set(argKey::structure, structureId)
        .set(argKey::user, userId)
        .set(argKey::role, role)
        .set(argKey::validFrom, validFrom)
        .setIfGiven(argKey::validUntil, validUntil)
        .set(argKey::wholeStructure, wholeStructure);
    if (!wholeStructure)
        b.set(argKey::services, serviceIds);
    return b;
}

QJsonObject endAttachment(qint64 attachmentId, const QDate &validUntil)
{
    return Builder().set(argKey::attachment, attachmentId).set(argKey::validUntil, validUntil);
}

QJsonObject copyRights(qint64 fromUserId, qint64 toUserId, qint64 structureId)
{
    return Builder()
        .set(argKey::from, fromUserId)
        .set(argKey::to, toUserId)
        .set(argKey::structure, structureId);
}

QJsonObject transferPrincipal(qint64 structureId, qint64 successorId)
{
    return Builder().set(argKey::structure, structureId).set(argKey::successor, successorId);
}

QJsonObject enableStructureSpace(qint64 structureId, const QString &spaceCode)
{
    return Builder().set(argKey::structure, structureId).set(argKey::space, spaceCode);
}

QJsonObject disableStructureSpace(qint64 structureId, const QString &spaceCode)
{
    return Builder().set(argKey::structure, structureId).set(argKey::space, spaceCode);
}

QJsonObject requestSubscription(const SubscriptionRequest &request)
{
    QJsonArray lines;
    for (const SubscriptionLine &line : request.lines)
        lines.append(QJsonObject(Builder()
                                     .set(argKey::serviceId, line.serviceId)
                                     .set(argKey::modification, line.modification)
                                     .set(argKey::consultation, line.consultation)));
    return Builder()
        .set(argKey::structure, request.structureId)
        .set(argKey::space, request.spaceCode)
        .set(argKey::lines, QJsonValue(lines))
        .set(argKey::effectiveDate, request.effectiveDate)
        .set(argKey::comment, request.comment);
}

QJsonObject decideSubscription(qint64 subscriptionId, bool validate, const QString &comment)
{
    return Builder()
        .set(argKey::subscription, subscriptionId)
        .set(argKey::validate, validate)
        .set(argKey::comment, comment);
}

QJsonObject decideSubscriptions(const QList<qint64> &subscriptionIds, bool validate, const QString &comment)
{
    return Builder()
        .set(argKey::subscriptions, subscriptionIds)
        .set(argKey::validate, validate)
        .set(argKey::comment, comment);
}

QJsonObject removeSubscriptions(const QList<qint64> &subscriptionIds)
{
    return Builder().set(argKey::subscriptions, subscriptionIds);
}

QJsonObject addFile(const AttachedFiles::NewFile &file)
{
    return Builder()
        .set(argKey::designation, file.designation)
        .set(argKey::fileType, file.fileType)
        .set(argKey::fileName, file.fileName)
        .set(argKey::content, QString::fromLatin1(file.content.toBase64()));
}

QJsonObject updateFile(qint64 fileId, const QString &designation, const QString &fileType,
                       const std::optional<AttachedFiles::NewContent> &content)
{
    Builder b;
    b.set(argKey::id, fileId).set(argKey::designation, designation).set(argKey::fileType, fileType);
    if (content) {
        b.set(argKey::fileName, content->fileName)
            .set(argKey::content, QString::fromLatin1(content->content.toBase64()));
    }
    return b;
}

QJsonObject deleteFiles(const QList<qint64> &fileIds)
{
    return Builder().set(argKey::ids, fileIds);
}

QJsonObject createSolicitation(const NewSolicitation &solicitation)
{
    return solicitationArgs(solicitation);
}

QJsonObject createAnonymousSolicitation(const QString &email, const NewSolicitation &solicitation)
{
    return solicitationArgs(solicitation).set(argKey::email, email);
}

QJsonObject setStatus(qint64 solicitationId, const QString &status)
{
    return Builder().set(argKey::id, solicitationId).set(argKey::status, status);
}

QJsonObject reply(qint64 solicitationId, const QString &text, const QString &status)
{
    return Builder().set(argKey::id, solicitationId).set(argKey::text, text).set(argKey::status, status);
}

QJsonObject addFollowUp(qint64 solicitationId, const QString &text)
{
    return Builder().set(argKey::id, solicitationId).set(argKey::text, text);
}

} // namespace guichet::commandArgs
