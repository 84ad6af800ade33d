#include "commands/commandargs.h"

#include "commands/commandcatalogue.h"

#include <QJsonArray>

namespace guichet::commands {

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
    b.set(argKey::identifierType, in.identifierType)
        .set(argKey::siret, in.siret)
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

// The one place a command's name meets its arguments.
CommandCall call(const char *name, const QJsonObject &args)
{
    return { QLatin1String(name), args };
}

} // namespace

CommandCall updateProfile(const Profile &profile)
{
    return call("updateProfile", profileArgs(profile));
}

CommandCall changePassword(const QString &currentPassword, const QString &newPassword,
                           const QString &confirmation)
{
    return call("changePassword",
                Builder()
                    .set(argKey::currentPassword, currentPassword)
                    .set(argKey::newPassword, newPassword)
                    .set(argKey::confirmation, confirmation));
}

CommandCall setSecretQuestion(const QString &currentPassword, const QString &question, const QString &answer)
{
    return call("setSecretQuestion",
                Builder()
                    .set(argKey::currentPassword, currentPassword)
                    .set(argKey::question, question)
                    .set(argKey::answer, answer));
}

CommandCall updatePersonalInformation(const PersonalInformation &info)
{
    return call("updatePersonalInformation",
                profileArgs(info.profile)
                    .set(argKey::currentPassword, info.currentPassword)
                    .set(argKey::newPassword, info.newPassword)
                    .set(argKey::confirmation, info.confirmation)
                    .set(argKey::secretQuestion, info.secretQuestion)
                    .set(argKey::secretAnswer, info.secretAnswer));
}

CommandCall setNotifications(bool enabled, const QString &contactEmail)
{
    return call("setNotifications",
                Builder().set(argKey::enabled, enabled).set(argKey::contactEmail, contactEmail));
}

CommandCall deactivateAccount(const std::optional<Successors> &successors)
{
    return call("deactivateAccount", Builder().set(argKey::successors, successors));
}

CommandCall requestReactivation(const QString &email)
{
    return call("requestReactivation", Builder().set(argKey::email, email));
}

CommandCall completeReactivation(const QString &token, const QString &newPassword,
                                 const QString &secretQuestion, const QString &secretAnswer)
{
    return call("completeReactivation",
                Builder()
                    .set(argKey::token, token)
                    .set(argKey::newPassword, newPassword)
                    .set(argKey::secretQuestion, secretQuestion)
                    .set(argKey::secretAnswer, secretAnswer));
}

CommandCall supportReactivate(qint64 userId)
{
    return call("supportReactivate", Builder().set(argKey::user, userId));
}

CommandCall signUp(const SignUpRequest &request)
{
    return call("signUp",
                Builder()
                    .set(argKey::email, request.email)
                    .set(argKey::firstName, request.firstName)
                    .set(argKey::lastName, request.lastName)
                    .set(argKey::password, request.password)
                    .set(argKey::secretQuestion, request.secretQuestion)
                    .set(argKey::secretAnswer, request.secretAnswer)
                    .set(argKey::language, request.language));
}

CommandCall activateAccount(const QString &token, const ActivationDetails &details)
{
    Builder b;
    b.set(argKey::token, token);
    // An invitee's details; nothing for an account born from a sign-up.
    if (!details.isEmpty()) {
        b.set(argKey::firstName, details.firstName);
        b.set(argKey::lastName, details.lastName);
        b.set(argKey::password, details.password);
        b.set(argKey::secretQuestion, details.secretQuestion);
        b.set(argKey::secretAnswer, details.secretAnswer);
    }
    return call("activateAccount", b);
}

CommandCall resendActivation(const QString &email)
{
    return call("resendActivation", Builder().set(argKey::email, email));
}

CommandCall supportResendActivation(qint64 userId)
{
    return call("supportResendActivation", Builder().set(argKey::user, userId));
}

CommandCall createStructure(const StructureInput &input)
{
    return call("createStructure", structureArgs(input));
}

CommandCall createStructure(const NewStructure &input)
{
    Builder b = structureArgs(input.fields);
    if (!input.services.isEmpty()) {
        QJsonArray services;
        for (const NewService &service : input.services)
            services.append(QJsonObject { { QLatin1String(argKey::code), service.code },
                                          { QLatin1String(argKey::name), service.name } });
        b.set(argKey::services, QJsonValue(services));
    }
    if (!input.bank.isEmpty())
        b.set(argKey::iban, input.bank.iban).set(argKey::bic, input.bank.bic);
    if (input.principalId)
        b.set(argKey::principal, input.principalId);
    if (!input.spaces.isEmpty())
        b.set(argKey::spaces, QJsonValue(QJsonArray::fromStringList(input.spaces)));
    return call("createStructure", b);
}

CommandCall updateStructure(qint64 structureId, const StructureInput &input,
                            const std::optional<StructureBank> &bank)
{
    Builder b = structureArgs(input);
    b.set(argKey::structure, structureId);
    if (bank)
        b.set(argKey::iban, bank->iban).set(argKey::bic, bank->bic);
    return call("updateStructure", b);
}

CommandCall addService(qint64 structureId, const QString &code, const QString &name)
{
    return call(
        "addService",
        Builder().set(argKey::structure, structureId).set(argKey::code, code).set(argKey::name, name));
}

CommandCall setServiceActive(qint64 serviceId, bool active)
{
    return call("setServiceActive", Builder().set(argKey::service, serviceId).set(argKey::active, active));
}

CommandCall requestAttachment(qint64 structureId, const QDate &validFrom, const QDate &validUntil,
                              bool wholeStructure, const QList<qint64> &serviceIds)
{
    Builder b;
    b.set(argKey::structure, structureId)
        .set(argKey::validFrom, validFrom)
        .setIfGiven(argKey::validUntil, validUntil)
        .set(argKey::wholeStructure, wholeStructure);
    if (!wholeStructure)
        b.set(argKey::services, serviceIds);
    return call("requestAttachment", b);
}

CommandCall decideAttachment(qint64 attachmentId, bool validate, const QString &comment)
{
    return call("decideAttachment",
                Builder()
                    .set(argKey::attachment, attachmentId)
                    .set(argKey::validate, validate)
                    .set(argKey::comment, comment));
}

CommandCall decideAttachments(const QList<qint64> &attachmentIds, bool validate, const QString &comment)
{
    return call("decideAttachments",
                Builder()
                    .set(argKey::attachments, attachmentIds)
                    .set(argKey::validate, validate)
                    .set(argKey::comment, comment));
}

CommandCall removeAttachments(const QList<qint64> &attachmentIds, const std::optional<Successors> &successors)
{
    return call("removeAttachments",
                Builder().set(argKey::attachments, attachmentIds).set(argKey::successors, successors));
}

CommandCall setSecondaryPowers(qint64 structureId, bool granted)
{
    return call("setSecondaryPowers",
                Builder().set(argKey::structure, structureId).set(argKey::granted, granted));
}

CommandCall setAttachmentRole(qint64 attachmentId, const QString &role)
{
    return call("setAttachmentRole", Builder().set(argKey::attachment, attachmentId).set(argKey::role, role));
}

CommandCall inviteUser(qint64 structureId, const QString &email, const QString &role, bool wholeStructure,
                       const QList<qint64> &serviceIds, const QString &language)
{
    Builder b;
    b.set(argKey::structure, structureId)
        .set(argKey::email, email)
        .set(argKey::role, role)
        .set(argKey::wholeStructure, wholeStructure)
        .set(argKey::language, language);
    if (!wholeStructure)
        b.set(argKey::services, serviceIds);
    return call("inviteUser", b);
}

CommandCall resendInvitation(qint64 attachmentId)
{
    return call("resendInvitation", Builder().set(argKey::attachment, attachmentId));
}

CommandCall attachUser(qint64 structureId, qint64 userId, const QString &role, const QDate &validFrom,
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
    return call("attachUser", b);
}

CommandCall attachUserToStructures(const QList<qint64> &structureIds, qint64 userId, const QString &role,
                                   const QDate &validFrom, const QDate &validUntil,
                                   const QList<qint64> &serviceIds)
{
    Builder b;
    b.set(argKey::structures, structureIds)
        .set(argKey::user, userId)
        .set(argKey::role, role)
        .set(argKey::validFrom, validFrom)
        .setIfGiven(argKey::validUntil, validUntil);
    // Left out when every structure is attached whole: the payload older servers know.
    if (!serviceIds.isEmpty())
        b.set(argKey::services, serviceIds);
    return call("attachUserToStructures", b);
}

CommandCall endAttachment(qint64 attachmentId, const QDate &validUntil)
{
    return call("endAttachment",
                Builder().set(argKey::attachment, attachmentId).set(argKey::validUntil, validUntil));
}

CommandCall copyRights(qint64 fromUserId, qint64 toUserId, qint64 structureId)
{
    return call("copyRights",
                Builder()
                    .set(argKey::from, fromUserId)
                    .set(argKey::to, toUserId)
                    .set(argKey::structure, structureId));
}

CommandCall transferPrincipal(qint64 structureId, qint64 successorId)
{
    return call("transferPrincipal",
                Builder().set(argKey::structure, structureId).set(argKey::successor, successorId));
}

CommandCall enableStructureSpace(qint64 structureId, const QString &spaceCode)
{
    return call("enableStructureSpace",
                Builder().set(argKey::structure, structureId).set(argKey::space, spaceCode));
}

CommandCall disableStructureSpace(qint64 structureId, const QString &spaceCode)
{
    return call("disableStructureSpace",
                Builder().set(argKey::structure, structureId).set(argKey::space, spaceCode));
}

CommandCall setSelfServiceSpace(qint64 structureId, const QString &spaceCode, bool enabled)
{
    return call("setSelfServiceSpace",
                Builder()
                    .set(argKey::structure, structureId)
                    .set(argKey::space, spaceCode)
                    .set(argKey::enabled, enabled));
}

CommandCall requestSubscription(const SubscriptionRequest &request)
{
    QJsonArray lines;
    for (const SubscriptionLine &line : request.lines)
        lines.append(QJsonObject(Builder()
                                     .set(argKey::serviceId, line.serviceId)
                                     .set(argKey::modification, line.modification)
                                     .set(argKey::consultation, line.consultation)));
    return call("requestSubscription",
                Builder()
                    .set(argKey::structure, request.structureId)
                    .set(argKey::space, request.spaceCode)
                    .set(argKey::lines, QJsonValue(lines))
                    .set(argKey::effectiveDate, request.effectiveDate)
                    .set(argKey::comment, request.comment));
}

CommandCall subscribeUsers(const BulkSubscription &bulk)
{
    return call("subscribeUsers",
                Builder()
                    .set(argKey::structure, bulk.structureId)
                    .set(argKey::users, bulk.userIds)
                    .set(argKey::space, bulk.spaceCode)
                    .set(argKey::modification, bulk.modification)
                    .set(argKey::consultation, bulk.consultation)
                    .set(argKey::effectiveDate, bulk.effectiveDate));
}

CommandCall decideSubscription(qint64 subscriptionId, bool validate, const QString &comment)
{
    return call("decideSubscription",
                Builder()
                    .set(argKey::subscription, subscriptionId)
                    .set(argKey::validate, validate)
                    .set(argKey::comment, comment));
}

CommandCall decideSubscriptions(const QList<qint64> &subscriptionIds, bool validate, const QString &comment)
{
    return call("decideSubscriptions",
                Builder()
                    .set(argKey::subscriptions, subscriptionIds)
                    .set(argKey::validate, validate)
                    .set(argKey::comment, comment));
}

CommandCall removeSubscriptions(const QList<qint64> &subscriptionIds)
{
    return call("removeSubscriptions", Builder().set(argKey::subscriptions, subscriptionIds));
}

CommandCall withdrawSubscriptionRemovals(const QList<qint64> &subscriptionIds)
{
    return call("withdrawSubscriptionRemovals", Builder().set(argKey::subscriptions, subscriptionIds));
}

CommandCall addFile(const AttachedFiles::NewFile &file)
{
    return call("addFile",
                Builder()
                    .set(argKey::designation, file.designation)
                    .set(argKey::fileType, file.fileType)
                    .set(argKey::fileName, file.fileName)
                    .set(argKey::content, QString::fromLatin1(file.content.toBase64())));
}

CommandCall updateFile(qint64 fileId, const QString &designation, const QString &fileType,
                       const std::optional<AttachedFiles::NewContent> &content)
{
    Builder b;
    b.set(argKey::id, fileId).set(argKey::designation, designation).set(argKey::fileType, fileType);
    if (content) {
        b.set(argKey::fileName, content->fileName)
            .set(argKey::content, QString::fromLatin1(content->content.toBase64()));
    }
    return call("updateFile", b);
}

CommandCall deleteFiles(const QList<qint64> &fileIds)
{
    return call("deleteFiles", Builder().set(argKey::ids, fileIds));
}

CommandCall createSolicitation(const NewSolicitation &solicitation)
{
    return call("createSolicitation", solicitationArgs(solicitation));
}

CommandCall createAnonymousSolicitation(const QString &email, const NewSolicitation &solicitation)
{
    return call("createAnonymousSolicitation", solicitationArgs(solicitation).set(argKey::email, email));
}

CommandCall setStatus(qint64 solicitationId, const QString &status)
{
    return call("setStatus", Builder().set(argKey::id, solicitationId).set(argKey::status, status));
}

CommandCall reply(qint64 solicitationId, const QString &text, const QString &status)
{
    return call(
        "reply",
        Builder().set(argKey::id, solicitationId).set(argKey::text, text).set(argKey::status, status));
}

CommandCall addFollowUp(qint64 solicitationId, const QString &text)
{
    return call("addFollowUp", Builder().set(argKey::id, solicitationId).set(argKey::text, text));
}

} // namespace guichet::commands
