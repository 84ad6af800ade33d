#include "commands/commanddispatcher.h"

#include "kernel/core.h"
#include "rules/accounts/accounts.h"
#include "rules/attachments/attachments.h"
#include "rules/attachments/permissions.h"
#include "rules/files/attachedfiles.h"
#include "rules/manager/manageractivity.h"
#include "rules/spaces/spaces.h"
#include "rules/spaces/subscriptions.h"
#include "rules/structures/structures.h"
#include "rules/support/solicitations.h"

#include <QDebug>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonValue>

#include <iterator>

namespace guichet {

namespace {

// Reads a command's JSON arguments. The first missing or ill-typed argument is
// remembered (later reads then return defaults) and becomes the command's
// InvalidInput result, so nothing runs on bad input.
class Args
{
public:
    enum Need { Optional, Required };

    explicit Args(const QJsonObject &args)
        : m_args(args)
    {
    }

    bool ok() const { return !m_error.has_value(); }
    CommandResult error() const { return *m_error; }
    bool has(const QString &key) const { return m_args.contains(key) && !m_args.value(key).isNull(); }

    QString text(const QString &key, Need need)
    {
        const QJsonValue v = value(key, need);
        if (v.isUndefined())
            return {};
        if (!v.isString()) {
            invalid(key, CommandDispatcher::tr("The field %1 must be text.").arg(key));
            return QString();
        }
        return v.toString();
    }

    bool flag(const QString &key, Need need, bool fallback = false)
    {
        const QJsonValue v = value(key, need);
        if (v.isUndefined())
            return fallback;
        if (!v.isBool()) {
            invalid(key, CommandDispatcher::tr("The field %1 must be true or false.").arg(key));
            return fallback;
        }
        return v.toBool();
    }

    qint64 id(const QString &key, Need need)
    {
        const QJsonValue v = value(key, need);
        if (v.isUndefined())
            return 0;
        const auto parsed = idOf(v);
        if (!parsed) {
            invalid(key, idMessage(key));
            return 0;
        }
        return *parsed;
    }

    QList<qint64> ids(const QString &key, Need need)
    {
        const QJsonValue v = value(key, need);
        if (v.isUndefined())
            return {};
        QList<qint64> result;
        const QJsonArray array = v.toArray();
        for (const QJsonValue &item : array) {
            const auto parsed = idOf(item);
            if (!parsed)
                break;
            result.append(*parsed);
        }
        if (!v.isArray() || result.size() != array.size()) {
            invalid(key, CommandDispatcher::tr("The field %1 must be a list of ids.").arg(key));
            return {};
        }
        return result;
    }

    QDate date(const QString &key, Need need)
    {
        const QJsonValue v = value(key, need);
        if (v.isUndefined())
            return {};
        const QString s = v.toString();
        const QDate d = QDate::fromString(s, QStringLiteral("yyyy-MM-dd"));
        if (!v.isString() || s.size() != 10 || !d.isValid()) {
            invalid(key, CommandDispatcher::tr("The field %1 must be a date (yyyy-MM-dd).").arg(key));
            return {};
        }
        return d;
    }

    QByteArray base64(const QString &key, Need need)
    {
        const QJsonValue v = value(key, need);
        if (v.isUndefined())
            return {};
        const auto decoded = QByteArray::fromBase64Encoding(v.toString().toLatin1(),
                                                            QByteArray::AbortOnBase64DecodingErrors);
        if (!v.isString() || !decoded) {
            invalid(key, CommandDispatcher::tr("The field %1 must be base64-encoded content.").arg(key));
            return {};
        }
        return *decoded;
    }

    // {"forAll": userId, "perStructure": {"<structureId>": userId}}: structure id
    // -> successor, key 0 standing for every structure without its own entry.
    QHash<qint64, qint64> successors(const QString &key)
    {
        const QJsonValue v = value(key, Optional);
        if (v.isUndefined())
            return {};
        const QString message
            = CommandDispatcher::tr("The field %1 must be {\"forAll\": user id} or {\"perStructure\": "
                                    "{\"structure id\": user id}}.")
                  .arg(key);
        if (!v.isObject()) {
            invalid(key, message);
            return QHash<qint64, qint64>();
        }
        const QJsonObject object = v.toObject();
        QHash<qint64, qint64> result;
        for (auto it = object.begin(); it != object.end(); ++it) {
            if (it.key() == QLatin1String("forAll")) {
                const auto user = idOf(it.value());
                if (!user) {
                    invalid(key, message);
                    return QHash<qint64, qint64>();
                }
                result.insert(0, *user);
            } else if (it.key() == QLatin1String("perStructure") && it.value().isObject()) {
                const QJsonObject map = it.value().toObject();
                for (auto entry = map.begin(); entry != map.end(); ++entry) {
                    const auto structure = idOf(QJsonValue(entry.key()));
                    const auto user = idOf(entry.value());
                    if (!structure || !user || *structure == 0) {
                        invalid(key, message);
                        return QHash<qint64, qint64>();
                    }
                    result.insert(*structure, *user);
                }
            } else {
                {
                    invalid(key, message);
                    return QHash<qint64, qint64>();
                }
            }
        }
        return result;
    }

    QList<SubscriptionLine> lines(const QString &key, Need need)
    {
        const QJsonValue v = value(key, need);
        if (v.isUndefined())
            return {};
        const QString message = CommandDispatcher::tr("The field %1 must be a list of {\"serviceId\": id, "
                                                      "\"modification\": true or false, \"consultation\": "
                                                      "true or false}.")
                                    .arg(key);
        if (!v.isArray()) {
            invalid(key, message);
            return QList<SubscriptionLine>();
        }
        QList<SubscriptionLine> result;
        for (const QJsonValue &item : v.toArray()) {
            const QJsonObject line = item.toObject();
            SubscriptionLine parsed;
            const QJsonValue service = line.value(QLatin1String("serviceId"));
            const QJsonValue modification = line.value(QLatin1String("modification"));
            const QJsonValue consultation = line.value(QLatin1String("consultation"));
            const auto serviceId
                = service.isUndefined() || service.isNull() ? std::optional<qint64>(0) : idOf(service);
            if (!item.isObject() || !serviceId || !(modification.isUndefined() || modification.isBool())
                || !(consultation.isUndefined() || consultation.isBool())) {
                invalid(key, message);
                return QList<SubscriptionLine>();
            }
            parsed.serviceId = *serviceId;
            parsed.modification = modification.toBool();
            parsed.consultation = consultation.toBool();
            result.append(parsed);
        }
        return result;
    }

private:
    // The value, or undefined when absent or null (after recording a missing
    // required argument); undefined too once an error is recorded.
    QJsonValue value(const QString &key, Need need)
    {
        if (m_error)
            return QJsonValue(QJsonValue::Undefined);
        if (!has(key)) {
            if (need == Required)
                invalid(key, CommandDispatcher::tr("The field %1 is missing.").arg(key));
            return QJsonValue(QJsonValue::Undefined);
        }
        return m_args.value(key);
    }

    // A non-negative integer given as a JSON number or a string of digits.
    static std::optional<qint64> idOf(const QJsonValue &v)
    {
        if (v.isDouble()) {
            const qint64 i = v.toInteger(-1);
            if (i >= 0 && double(i) == v.toDouble())
                return i;
            return std::nullopt;
        }
        if (v.isString()) {
            const QString s = v.toString();
            bool ok = false;
            const qint64 i = s.toLongLong(&ok);
            if (ok && i >= 0 && !s.isEmpty() && s.at(0).isDigit())
                return i;
        }
        return std::nullopt;
    }

    static QString idMessage(const QString &key)
    {
        return CommandDispatcher::tr("The field %1 must be an id (a whole number).").arg(key);
    }

    void invalid(const QString &key, const QString &message)
    {
        if (!m_error)
            m_error = CommandResult::failure(ErrorCode::InvalidInput, key, message);
    }

    const QJsonObject &m_args;
    std::optional<CommandResult> m_error;
};

using Handler = CommandResult (*)(Core &core, qint64 actorId, Args &a);

struct CommandSpec
{
    const char *name;
    bool anonymous;
    Handler run;
};

constexpr Args::Need Req = Args::Required;
constexpr Args::Need Opt = Args::Optional;

StructureInput structureInput(Args &a)
{
    StructureInput input;
    input.siret = a.text(QStringLiteral("siret"), Req);
    input.raisonSociale = a.text(QStringLiteral("raisonSociale"), Req);
    input.libelle = a.text(QStringLiteral("libelle"), Opt);
    input.adresse = a.text(QStringLiteral("adresse"), Opt);
    input.codePostal = a.text(QStringLiteral("codePostal"), Opt);
    input.ville = a.text(QStringLiteral("ville"), Opt);
    return input;
}

NewSolicitation newSolicitation(Args &a)
{
    NewSolicitation s;
    s.category = a.text(QStringLiteral("category"), Req);
    s.subject = a.text(QStringLiteral("subject"), Req);
    s.body = a.text(QStringLiteral("body"), Req);
    return s;
}

// Every user-facing command of core, in the order of docs/COMMANDS.md. Each
// handler reads its arguments, stops at the first bad one, then makes the one
// typed call. Operator-only commands, sign-in and reads are not here.
const CommandSpec s_commands[] = {
    // Accounts
    { "updateProfile", false,
      [](Core &core, qint64 actor, Args &a) {
          Profile p;
          p.contactEmail = a.text(QStringLiteral("contactEmail"), Req);
          p.lastName = a.text(QStringLiteral("lastName"), Req);
          p.firstName = a.text(QStringLiteral("firstName"), Req);
          p.addressLine = a.text(QStringLiteral("addressLine"), Opt);
          p.postalCode = a.text(QStringLiteral("postalCode"), Opt);
          p.city = a.text(QStringLiteral("city"), Opt);
          p.country = a.text(QStringLiteral("country"), Opt);
          return a.ok() ? Accounts(core).updateProfile(actor, p) : a.error();
      } },
    { "changePassword", false,
      [](Core &core, qint64 actor, Args &a) {
          const QString current = a.text(QStringLiteral("currentPassword"), Req);
          const QString next = a.text(QStringLiteral("newPassword"), Req);
          const QString confirmation = a.text(QStringLiteral("confirmation"), Req);
          return a.ok() ? Accounts(core).changePassword(actor, current, next, confirmation) : a.error();
      } },
    { "setSecretQuestion", false,
      [](Core &core, qint64 actor, Args &a) {
          const QString current = a.text(QStringLiteral("currentPassword"), Req);
          const QString question = a.text(QStringLiteral("question"), Req);
          const QString answer = a.text(QStringLiteral("answer"), Req);
          return a.ok() ? Accounts(core).setSecretQuestion(actor, current, question, answer) : a.error();
      } },
    { "updatePersonalInformation", false,
      [](Core &core, qint64 actor, Args &a) {
          PersonalInformation info;
          info.profile.contactEmail = a.text(QStringLiteral("contactEmail"), Req);
          info.profile.lastName = a.text(QStringLiteral("lastName"), Req);
          info.profile.firstName = a.text(QStringLiteral("firstName"), Req);
          info.profile.addressLine = a.text(QStringLiteral("addressLine"), Opt);
          info.profile.postalCode = a.text(QStringLiteral("postalCode"), Opt);
          info.profile.city = a.text(QStringLiteral("city"), Opt);
          info.profile.country = a.text(QStringLiteral("country"), Opt);
          info.currentPassword = a.text(QStringLiteral("currentPassword"), Opt);
          info.newPassword = a.text(QStringLiteral("newPassword"), Opt);
          info.confirmation = a.text(QStringLiteral("confirmation"), Opt);
          info.secretQuestion = a.text(QStringLiteral("secretQuestion"), Opt);
          info.secretAnswer = a.text(QStringLiteral("secretAnswer"), Opt);
          return a.ok() ? Accounts(core).updatePersonalInformation(actor, info) : a.error();
      } },
    { "setNotifications", false,
      [](Core &core, qint64 actor, Args &a) {
          const bool enabled = a.flag(QStringLiteral("enabled"), Req);
          const QString contactEmail = a.text(QStringLiteral("contactEmail"), Opt);
          return a.ok() ? Accounts(core).setNotifications(actor, enabled, contactEmail) : a.error();
      } },
    { "deactivateAccount", false,
      [](Core &core, qint64 actor, Args &a) {
          const QHash<qint64, qint64> map = a.successors(QStringLiteral("successors"));
          Successors successors;
          successors.forAll = map.value(0);
          for (auto it = map.begin(); it != map.end(); ++it) {
              if (it.key() != 0)
                  successors.perStructure.insert(it.key(), it.value());
          }
          return a.ok() ? Accounts(core).deactivateAccount(actor, successors) : a.error();
      } },
    { "requestReactivation", true,
      [](Core &core, qint64, Args &a) {
          const QString email = a.text(QStringLiteral("email"), Req);
          return a.ok() ? Accounts(core).requestReactivation(email) : a.error();
      } },
    { "completeReactivation", true,
      [](Core &core, qint64, Args &a) {
          const QString token = a.text(QStringLiteral("token"), Req);
          const QString password = a.text(QStringLiteral("newPassword"), Req);
          const QString question = a.text(QStringLiteral("secretQuestion"), Req);
          const QString answer = a.text(QStringLiteral("secretAnswer"), Req);
          return a.ok() ? Accounts(core).completeReactivation(token, password, question, answer) : a.error();
      } },
    { "supportReactivate", false,
      [](Core &core, qint64 actor, Args &a) {
          const qint64 user = a.id(QStringLiteral("user"), Req);
          return a.ok() ? Accounts(core).supportReactivate(actor, user) : a.error();
      } },
    // Structures
    { "createStructure", false,
      [](Core &core, qint64 actor, Args &a) {
          const StructureInput input = structureInput(a);
          return a.ok() ? Structures(core).createStructure(actor, input) : a.error();
      } },
    { "updateStructure", false,
      [](Core &core, qint64 actor, Args &a) {
          const qint64 structure = a.id(QStringLiteral("structure"), Req);
          const StructureInput input = structureInput(a);
          return a.ok() ? Structures(core).updateStructure(actor, structure, input) : a.error();
      } },
    { "addService", false,
      [](Core &core, qint64 actor, Args &a) {
          const qint64 structure = a.id(QStringLiteral("structure"), Req);
          const QString code = a.text(QStringLiteral("code"), Req);
          const QString name = a.text(QStringLiteral("name"), Req);
          return a.ok() ? Structures(core).addService(actor, structure, code, name) : a.error();
      } },
    { "setServiceActive", false,
      [](Core &core, qint64 actor, Args &a) {
          const qint64 service = a.id(QStringLiteral("service"), Req);
          const bool active = a.flag(QStringLiteral("active"), Req);
          return a.ok() ? Structures(core).setServiceActive(actor, service, active) : a.error();
      } },
    // Attachments (rattachements)
    { "requestAttachment", false,
      [](Core &core, qint64 actor, Args &a) {
          AttachmentRequest r;
          r.structureId = a.id(QStringLiteral("structure"), Req);
          r.validFrom = a.date(QStringLiteral("validFrom"), Req);
          r.validUntil = a.date(QStringLiteral("validUntil"), Opt);
          // Naming services means attaching to them only, unless told otherwise.
          const bool hasServices = a.has(QStringLiteral("services"));
          r.serviceIds = a.ids(QStringLiteral("services"), Opt);
          r.wholeStructure = a.flag(QStringLiteral("wholeStructure"), Opt, !hasServices);
          return a.ok() ? Attachments(core).requestAttachment(actor, r) : a.error();
      } },
    { "decideAttachment", false,
      [](Core &core, qint64 actor, Args &a) {
          const qint64 attachment = a.id(QStringLiteral("attachment"), Req);
          const bool validate = a.flag(QStringLiteral("validate"), Req);
          const QString comment = a.text(QStringLiteral("comment"), Opt);
          return a.ok() ? Attachments(core).decideAttachment(actor, attachment, validate, comment)
                        : a.error();
      } },
    { "decideAttachments", false,
      [](Core &core, qint64 actor, Args &a) {
          const QList<qint64> ids = a.ids(QStringLiteral("attachments"), Req);
          const bool validate = a.flag(QStringLiteral("validate"), Req);
          const QString comment = a.text(QStringLiteral("comment"), Opt);
          return a.ok() ? Attachments(core).decideAttachments(actor, ids, validate, comment) : a.error();
      } },
    { "removeAttachments", false,
      [](Core &core, qint64 actor, Args &a) {
          const QList<qint64> ids = a.ids(QStringLiteral("attachments"), Req);
          const QHash<qint64, qint64> successors = a.successors(QStringLiteral("successors"));
          return a.ok() ? Attachments(core).removeAttachments(actor, ids, successors) : a.error();
      } },
    { "setSecondaryPowers", false,
      [](Core &core, qint64 actor, Args &a) {
          const qint64 structure = a.id(QStringLiteral("structure"), Req);
          const bool granted = a.flag(QStringLiteral("granted"), Req);
          return a.ok() ? Attachments(core).setSecondaryPowers(actor, structure, granted) : a.error();
      } },
    { "setAttachmentRole", false,
      [](Core &core, qint64 actor, Args &a) {
          const qint64 attachment = a.id(QStringLiteral("attachment"), Req);
          const QString roleName = a.text(QStringLiteral("role"), Req);
          const Role role = roleFromString(roleName);
          if (a.ok() && role == Role::None)
              return CommandResult::failure(
                  ErrorCode::InvalidInput, QStringLiteral("role"),
                  CommandDispatcher::tr("The field role must be \"secondary\" or \"user\"."));
          return a.ok() ? Attachments(core).setAttachmentRole(actor, attachment, role) : a.error();
      } },
    // Manager's activity (« Activité du gestionnaire »)
    { "attachUser", false,
      [](Core &core, qint64 actor, Args &a) {
          AttachUserInput input;
          input.structureId = a.id(QStringLiteral("structure"), Req);
          input.userId = a.id(QStringLiteral("user"), Req);
          const QString roleName = a.text(QStringLiteral("role"), Opt);
          input.role = roleName.isEmpty() ? Role::User : roleFromString(roleName);
          input.validFrom = a.date(QStringLiteral("validFrom"), Req);
          input.validUntil = a.date(QStringLiteral("validUntil"), Opt);
          const bool hasServices = a.has(QStringLiteral("services"));
          input.serviceIds = a.ids(QStringLiteral("services"), Opt);
          input.wholeStructure = a.flag(QStringLiteral("wholeStructure"), Opt, !hasServices);
          return a.ok() ? ManagerActivity(core).attachUser(actor, input) : a.error();
      } },
    { "endAttachment", false,
      [](Core &core, qint64 actor, Args &a) {
          const qint64 attachment = a.id(QStringLiteral("attachment"), Req);
          const QDate validUntil = a.date(QStringLiteral("validUntil"), Req);
          return a.ok() ? ManagerActivity(core).endAttachment(actor, attachment, validUntil) : a.error();
      } },
    { "copyRights", false,
      [](Core &core, qint64 actor, Args &a) {
          const qint64 from = a.id(QStringLiteral("from"), Req);
          const qint64 to = a.id(QStringLiteral("to"), Req);
          const qint64 structure = a.id(QStringLiteral("structure"), Opt);
          return a.ok() ? ManagerActivity(core).copyRights(actor, from, to, structure) : a.error();
      } },
    { "transferPrincipal", false,
      [](Core &core, qint64 actor, Args &a) {
          const qint64 structure = a.id(QStringLiteral("structure"), Req);
          const qint64 successor = a.id(QStringLiteral("successor"), Req);
          return a.ok() ? ManagerActivity(core).transferPrincipal(actor, structure, successor) : a.error();
      } },
    // Spaces set at structure level
    { "enableStructureSpace", false,
      [](Core &core, qint64 actor, Args &a) {
          const qint64 structure = a.id(QStringLiteral("structure"), Req);
          const QString space = a.text(QStringLiteral("space"), Req);
          return a.ok() ? Spaces(core).enableStructureSpace(actor, structure, space) : a.error();
      } },
    { "disableStructureSpace", false,
      [](Core &core, qint64 actor, Args &a) {
          const qint64 structure = a.id(QStringLiteral("structure"), Req);
          const QString space = a.text(QStringLiteral("space"), Req);
          return a.ok() ? Spaces(core).disableStructureSpace(actor, structure, space) : a.error();
      } },
    // Subscriptions (abonnements)
    { "requestSubscription", false,
      [](Core &core, qint64 actor, Args &a) {
          SubscriptionRequest r;
          r.structureId = a.id(QStringLiteral("structure"), Req);
          r.spaceCode = a.text(QStringLiteral("space"), Req);
          r.lines = a.lines(QStringLiteral("lines"), Req);
          r.effectiveDate = a.date(QStringLiteral("effectiveDate"), Req);
          r.comment = a.text(QStringLiteral("comment"), Opt);
          return a.ok() ? Subscriptions(core).requestSubscription(actor, r) : a.error();
      } },
    { "decideSubscription", false,
      [](Core &core, qint64 actor, Args &a) {
          const qint64 subscription = a.id(QStringLiteral("subscription"), Req);
          const bool validate = a.flag(QStringLiteral("validate"), Req);
          const QString comment = a.text(QStringLiteral("comment"), Opt);
          return a.ok() ? Subscriptions(core).decideSubscription(actor, subscription, validate, comment)
                        : a.error();
      } },
    { "decideSubscriptions", false,
      [](Core &core, qint64 actor, Args &a) {
          const QList<qint64> ids = a.ids(QStringLiteral("subscriptions"), Req);
          const bool validate = a.flag(QStringLiteral("validate"), Req);
          const QString comment = a.text(QStringLiteral("comment"), Opt);
          return a.ok() ? Subscriptions(core).decideSubscriptions(actor, ids, validate, comment) : a.error();
      } },
    { "removeSubscriptions", false,
      [](Core &core, qint64 actor, Args &a) {
          const QList<qint64> ids = a.ids(QStringLiteral("subscriptions"), Req);
          return a.ok() ? Subscriptions(core).removeSubscriptions(actor, ids) : a.error();
      } },
    // Attached files (pièces jointes)
    { "addFile", false,
      [](Core &core, qint64 actor, Args &a) {
          AttachedFiles::NewFile file;
          file.designation = a.text(QStringLiteral("designation"), Req);
          file.fileType = a.text(QStringLiteral("fileType"), Req);
          file.fileName = a.text(QStringLiteral("fileName"), Req);
          file.content = a.base64(QStringLiteral("content"), Req);
          return a.ok() ? AttachedFiles(core).addFile(actor, file) : a.error();
      } },
    { "updateFile", false,
      [](Core &core, qint64 actor, Args &a) {
          const qint64 id = a.id(QStringLiteral("id"), Req);
          const QString designation = a.text(QStringLiteral("designation"), Req);
          const QString fileType = a.text(QStringLiteral("fileType"), Req);
          // New content only when given, and then with its file name.
          std::optional<AttachedFiles::NewContent> content;
          if (a.has(QStringLiteral("content"))) {
              const QByteArray bytes = a.base64(QStringLiteral("content"), Req);
              content = AttachedFiles::NewContent { a.text(QStringLiteral("fileName"), Req), bytes };
          }
          return a.ok() ? AttachedFiles(core).updateFile(actor, id, designation, fileType, content)
                        : a.error();
      } },
    { "deleteFiles", false,
      [](Core &core, qint64 actor, Args &a) {
          const QList<qint64> ids = a.ids(QStringLiteral("ids"), Req);
          return a.ok() ? AttachedFiles(core).deleteFiles(actor, ids) : a.error();
      } },
    // Solicitations
    { "createSolicitation", false,
      [](Core &core, qint64 actor, Args &a) {
          const NewSolicitation s = newSolicitation(a);
          return a.ok() ? Solicitations(core).createSolicitation(actor, s) : a.error();
      } },
    { "createAnonymousSolicitation", true,
      [](Core &core, qint64, Args &a) {
          const QString email = a.text(QStringLiteral("email"), Req);
          const NewSolicitation s = newSolicitation(a);
          return a.ok() ? Solicitations(core).createAnonymousSolicitation(email, s) : a.error();
      } },
    { "setStatus", false,
      [](Core &core, qint64 actor, Args &a) {
          const qint64 id = a.id(QStringLiteral("id"), Req);
          const QString status = a.text(QStringLiteral("status"), Req);
          return a.ok() ? Solicitations(core).setStatus(actor, id, status) : a.error();
      } },
    { "reply", false,
      [](Core &core, qint64 actor, Args &a) {
          const qint64 id = a.id(QStringLiteral("id"), Req);
          const QString text = a.text(QStringLiteral("text"), Req);
          QString status = a.text(QStringLiteral("status"), Opt);
          if (status.isEmpty())
              status = QStringLiteral("waiting_user");
          return a.ok() ? Solicitations(core).reply(actor, id, text, status) : a.error();
      } },
    { "addFollowUp", false,
      [](Core &core, qint64 actor, Args &a) {
          const qint64 id = a.id(QStringLiteral("id"), Req);
          const QString text = a.text(QStringLiteral("text"), Req);
          return a.ok() ? Solicitations(core).addFollowUp(actor, id, text) : a.error();
      } },
};

const CommandSpec *findCommand(const QString &name)
{
    for (const CommandSpec &spec : s_commands) {
        if (name == QLatin1String(spec.name))
            return &spec;
    }
    return nullptr;
}

QVariant nullable(qint64 id)
{
    return id ? QVariant(id) : QVariant(QMetaType(QMetaType::LongLong));
}

} // namespace

QJsonObject commandResultToJson(const CommandResult &result)
{
    return QJsonObject { { QStringLiteral("ok"), result.ok() },
                         { QStringLiteral("code"), errorCodeName(result.code) },
                         { QStringLiteral("field"), result.field },
                         { QStringLiteral("message"), result.message },
                         { QStringLiteral("id"), result.id },
                         { QStringLiteral("data"), QJsonObject::fromVariantMap(result.data) } };
}

CommandResult commandResultFromJson(const QJsonObject &json)
{
    CommandResult result;
    const QString code = json.value(QLatin1String("code")).toString();
    // A body without a code is trusted only when it says ok.
    result.code = code.isEmpty() && json.value(QLatin1String("ok")).toBool() ? ErrorCode::None
                                                                             : errorCodeFromName(code);
    result.field = json.value(QLatin1String("field")).toString();
    result.message = json.value(QLatin1String("message")).toString();
    result.id = json.value(QLatin1String("id")).toInteger();
    result.data = json.value(QLatin1String("data")).toObject().toVariantMap();
    return result;
}

ErrorCode errorCodeFromName(const QString &name)
{
    for (ErrorCode code : { ErrorCode::None, ErrorCode::InvalidInput, ErrorCode::NotFound,
                            ErrorCode::Forbidden, ErrorCode::Conflict, ErrorCode::Locked, ErrorCode::Expired,
                            ErrorCode::TooLarge, ErrorCode::Unauthenticated, ErrorCode::Internal }) {
        if (errorCodeName(code) == name)
            return code;
    }
    return ErrorCode::Internal;
}

CommandDispatcher::CommandDispatcher(Core &core)
    : m_core(core)
{
}

QStringList CommandDispatcher::commandNames()
{
    QStringList names;
    for (const CommandSpec &spec : s_commands)
        names << QLatin1String(spec.name);
    return names;
}

bool CommandDispatcher::isAnonymous(const QString &name)
{
    const CommandSpec *spec = findCommand(name);
    return spec && spec->anonymous;
}

CommandResult CommandDispatcher::dispatch(qint64 actorId, const QString &name, const QJsonObject &args)
{
    Args reader(args);
    return findCommand(name)->run(m_core, actorId, reader);
}

std::optional<CommandResult> CommandDispatcher::recorded(qint64 actorId, const QString &name,
                                                         const QString &commandId)
{
    const auto row = m_core.db().row(
        QStringLiteral("SELECT user_id, name, result FROM applied_commands WHERE command_id = ?"),
        { commandId });
    if (!row)
        return std::nullopt;
    // Another user's id (or another command's) says nothing of its outcome.
    if (row->value(QStringLiteral("user_id")).toLongLong() != actorId
        || row->value(QStringLiteral("name")).toString() != name)
        return CommandResult::failure(ErrorCode::Conflict, QStringLiteral("commandId"),
                                      tr("This command id was already used for another command."));
    return commandResultFromJson(
        QJsonDocument::fromJson(row->value(QStringLiteral("result")).toString().toUtf8()).object());
}

void CommandDispatcher::record(qint64 actorId, const QString &name, const QString &commandId,
                               const CommandResult &result)
{
    m_core.db().exec(
        QStringLiteral("INSERT INTO applied_commands (command_id, user_id, name, result, applied_at) "
                       "VALUES (?, ?, ?, ?, ?)"),
        { commandId, nullable(actorId), name,
          QString::fromUtf8(QJsonDocument(commandResultToJson(result)).toJson(QJsonDocument::Compact)),
          m_core.clock().nowMs() });
}

CommandResult CommandDispatcher::execute(qint64 actorId, const QString &name, const QJsonObject &args,
                                         const QString &commandId)
{
    if (!findCommand(name))
        return CommandResult::failure(ErrorCode::InvalidInput, QStringLiteral("command"),
                                      tr("Unknown command: %1.").arg(name));
    if (commandId.isEmpty())
        return dispatch(actorId, name, args);

    Database &db = m_core.db();
    CommandResult result;
    try {
        // The command's own transaction becomes a savepoint of this one, so the
        // record of its outcome commits with its changes or not at all.
        Transaction transaction(db);
        if (auto previous = recorded(actorId, name, commandId))
            return *previous;
        result = dispatch(actorId, name, args);
        if (result.ok()) {
            record(actorId, name, commandId, result);
            transaction.commit();
            return result;
        }
    } catch (const DatabaseError &error) {
        // A failed statement (or a concurrent retry that recorded the same id
        // first, which the check below then finds). Core's own wording.
        qWarning().noquote() << "guichet:" << name << "(with a command id) failed:" << error.message();
        result = CommandResult::failure(ErrorCode::Internal, {},
                                        Core::tr("The database refused the change: %1").arg(error.message()));
    }
    // The refusal rolled back; record it on its own so a retry gets the same
    // answer. An internal error is not recorded: a retry may well succeed.
    try {
        Transaction transaction(db);
        if (auto previous = recorded(actorId, name, commandId))
            return *previous;
        if (result.code != ErrorCode::Internal) {
            record(actorId, name, commandId, result);
            transaction.commit();
        }
    } catch (const DatabaseError &error) {
        qWarning().noquote() << "guichet:" << name << "(with a command id) failed:" << error.message();
    }
    return result;
}

} // namespace guichet
