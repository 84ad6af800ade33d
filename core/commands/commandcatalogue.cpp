#include "commands/commandcatalogue.h"

#include "commands/argreader.h"
#include "commands/commanddispatcher.h"
#include "kernel/core.h"
#include "kernel/textlimits.h"
#include "rules/accounts/accounts.h"
#include "rules/accounts/signups.h"
#include "rules/attachments/attachments.h"
#include "rules/attachments/permissions.h"
#include "rules/files/attachedfiles.h"
#include "rules/manager/manageractivity.h"
#include "rules/spaces/spaces.h"
#include "rules/spaces/subscriptions.h"
#include "rules/structures/structures.h"
#include "rules/support/solicitations.h"

#include <QTextStream>

#include <algorithm>

namespace guichet {

namespace {

constexpr ArgNeed Req = ArgNeed::Required;
constexpr ArgNeed Opt = ArgNeed::Optional;
constexpr bool Secret = true;
constexpr bool Shown = false;

// The fields of a structure, shared by createStructure and updateStructure.
QList<ArgSpec> structureArgs()
{
    return {
        { argKey::identifierType, ArgType::Text, Opt, Shown,
          QT_TRANSLATE_NOOP("guichet::CommandCatalogue", "Identifier type") },
        { argKey::siret, ArgType::Text, Opt, Shown,
          QT_TRANSLATE_NOOP("guichet::CommandCatalogue", "Identifier (SIRET, VAT number…)") },
        { argKey::raisonSociale, ArgType::Text, Req, Shown,
          QT_TRANSLATE_NOOP("guichet::CommandCatalogue", "Company name") },
        { argKey::libelle, ArgType::Text, Opt, Shown,
          QT_TRANSLATE_NOOP("guichet::CommandCatalogue", "Label") },
        { argKey::adresse, ArgType::Text, Opt, Shown,
          QT_TRANSLATE_NOOP("guichet::CommandCatalogue", "Address") },
        { argKey::codePostal, ArgType::Text, Opt, Shown,
          QT_TRANSLATE_NOOP("guichet::CommandCatalogue", "Postal code") },
        { argKey::ville, ArgType::Text, Opt, Shown, QT_TRANSLATE_NOOP("guichet::CommandCatalogue", "City") },
        { argKey::iban, ArgType::Text, Opt, Shown, QT_TRANSLATE_NOOP("guichet::CommandCatalogue", "IBAN") },
        { argKey::bic, ArgType::Text, Opt, Shown, QT_TRANSLATE_NOOP("guichet::CommandCatalogue", "BIC") },
    };
}

// The bank details when the call gives them (updateStructure keeps them otherwise).
std::optional<StructureBank> structureBank(ArgReader &a)
{
    if (!a.has(argKey::iban) && !a.has(argKey::bic))
        return std::nullopt;
    return StructureBank { a.text(argKey::iban), a.text(argKey::bic) };
}

StructureInput structureInput(ArgReader &a)
{
    StructureInput input;
    if (a.has(argKey::identifierType))
        input.identifierType = a.text(argKey::identifierType);
    input.siret = a.text(argKey::siret);
    input.raisonSociale = a.text(argKey::raisonSociale);
    input.libelle = a.text(argKey::libelle);
    input.adresse = a.text(argKey::adresse);
    input.codePostal = a.text(argKey::codePostal);
    input.ville = a.text(argKey::ville);
    return input;
}

// The personal information of updateProfile and updatePersonalInformation.
QList<ArgSpec> profileArgs()
{
    return {
        { argKey::contactEmail, ArgType::Text, Req, Shown,
          QT_TRANSLATE_NOOP("guichet::CommandCatalogue", "Contact e-mail") },
        { argKey::lastName, ArgType::Text, Req, Shown,
          QT_TRANSLATE_NOOP("guichet::CommandCatalogue", "Last name") },
        { argKey::firstName, ArgType::Text, Req, Shown,
          QT_TRANSLATE_NOOP("guichet::CommandCatalogue", "First name") },
        { argKey::addressLine, ArgType::Text, Opt, Shown,
          QT_TRANSLATE_NOOP("guichet::CommandCatalogue", "Address") },
        { argKey::postalCode, ArgType::Text, Opt, Shown,
          QT_TRANSLATE_NOOP("guichet::CommandCatalogue", "Postal code") },
        { argKey::city, ArgType::Text, Opt, Shown, QT_TRANSLATE_NOOP("guichet::CommandCatalogue", "City") },
        { argKey::country, ArgType::Text, Opt, Shown,
          QT_TRANSLATE_NOOP("guichet::CommandCatalogue", "Country") },
    };
}

Profile profile(ArgReader &a)
{
    Profile p;
    p.contactEmail = a.text(argKey::contactEmail);
    p.lastName = a.text(argKey::lastName);
    p.firstName = a.text(argKey::firstName);
    p.addressLine = a.text(argKey::addressLine);
    p.postalCode = a.text(argKey::postalCode);
    p.city = a.text(argKey::city);
    p.country = a.text(argKey::country);
    return p;
}

QList<ArgSpec> solicitationArgs()
{
    return {
        { argKey::category, ArgType::Text, Req, Shown,
          QT_TRANSLATE_NOOP("guichet::CommandCatalogue", "Category") },
        { argKey::subject, ArgType::Text, Req, Shown,
          QT_TRANSLATE_NOOP("guichet::CommandCatalogue", "Subject") },
        { argKey::body, ArgType::Text, Req, Shown,
          QT_TRANSLATE_NOOP("guichet::CommandCatalogue", "Message") },
    };
}

NewSolicitation newSolicitation(ArgReader &a)
{
    NewSolicitation s;
    s.category = a.text(argKey::category);
    s.subject = a.text(argKey::subject);
    s.body = a.text(argKey::body);
    return s;
}

// Every user-facing command of core, in the order of docs/COMMANDS.md. Each
// handler runs once the arguments fit the declaration, reads them and makes
// the one typed call. Operator-only commands, sign-in and reads are not here.
std::vector<CommandSpec> declare()
{
    return {
        // Accounts
        { "updateProfile", QT_TRANSLATE_NOOP("guichet::CommandCatalogue", "Save my personal information"), false, profileArgs(),
          [](Core &core, qint64 actor, ArgReader &a) {
              const Profile p = profile(a);
              return a.ok() ? Accounts(core).updateProfile(actor, p) : a.error();
          } },
        { "changePassword",
          QT_TRANSLATE_NOOP("guichet::CommandCatalogue", "Change my password"),
          false,
          {
              { argKey::currentPassword, ArgType::Text, Req, Secret, QT_TRANSLATE_NOOP("guichet::CommandCatalogue", "Current password") },
              { argKey::newPassword, ArgType::Text, Req, Secret, QT_TRANSLATE_NOOP("guichet::CommandCatalogue", "New password") },
              { argKey::confirmation, ArgType::Text, Req, Secret, QT_TRANSLATE_NOOP("guichet::CommandCatalogue", "Confirmation") },
          },
          [](Core &core, qint64 actor, ArgReader &a) {
              const QString current = a.text(argKey::currentPassword);
              const QString next = a.text(argKey::newPassword);
              const QString confirmation = a.text(argKey::confirmation);
              return a.ok() ? Accounts(core).changePassword(actor, current, next, confirmation) : a.error();
          } },
        { "setSecretQuestion",
          QT_TRANSLATE_NOOP("guichet::CommandCatalogue", "Change my secret question"),
          false,
          {
              { argKey::currentPassword, ArgType::Text, Req, Secret, QT_TRANSLATE_NOOP("guichet::CommandCatalogue", "Current password") },
              { argKey::question, ArgType::Text, Req, Shown, QT_TRANSLATE_NOOP("guichet::CommandCatalogue", "Secret question") },
              { argKey::answer, ArgType::Text, Req, Secret, QT_TRANSLATE_NOOP("guichet::CommandCatalogue", "Secret answer") },
          },
          [](Core &core, qint64 actor, ArgReader &a) {
              const QString current = a.text(argKey::currentPassword);
              const QString question = a.text(argKey::question);
              const QString answer = a.text(argKey::answer);
              return a.ok() ? Accounts(core).setSecretQuestion(actor, current, question, answer) : a.error();
          } },
        { "updatePersonalInformation", QT_TRANSLATE_NOOP("guichet::CommandCatalogue", "Save my personal information"), false,
          profileArgs()
              + QList<ArgSpec> {
                  { argKey::currentPassword, ArgType::Text, Opt, Secret, QT_TRANSLATE_NOOP("guichet::CommandCatalogue", "Current password") },
                  { argKey::newPassword, ArgType::Text, Opt, Secret, QT_TRANSLATE_NOOP("guichet::CommandCatalogue", "New password") },
                  { argKey::confirmation, ArgType::Text, Opt, Secret, QT_TRANSLATE_NOOP("guichet::CommandCatalogue", "Confirmation") },
                  { argKey::secretQuestion, ArgType::Text, Opt, Shown, QT_TRANSLATE_NOOP("guichet::CommandCatalogue", "Secret question") },
                  { argKey::secretAnswer, ArgType::Text, Opt, Secret, QT_TRANSLATE_NOOP("guichet::CommandCatalogue", "Secret answer") },
              },
          [](Core &core, qint64 actor, ArgReader &a) {
              PersonalInformation info;
              info.profile = profile(a);
              info.currentPassword = a.text(argKey::currentPassword);
              info.newPassword = a.text(argKey::newPassword);
              info.confirmation = a.text(argKey::confirmation);
              info.secretQuestion = a.text(argKey::secretQuestion);
              info.secretAnswer = a.text(argKey::secretAnswer);
              return a.ok() ? Accounts(core).updatePersonalInformation(actor, info) : a.error();
          } },
        { "setNotifications",
          QT_TRANSLATE_NOOP("guichet::CommandCatalogue", "Notifications"),
          false,
          {
              { argKey::enabled, ArgType::Flag, Req, Shown, QT_TRANSLATE_NOOP("guichet::CommandCatalogue", "Notifications on") },
              { argKey::contactEmail, ArgType::Text, Opt, Shown, QT_TRANSLATE_NOOP("guichet::CommandCatalogue", "Contact e-mail") },
          },
          [](Core &core, qint64 actor, ArgReader &a) {
              const bool enabled = a.flag(argKey::enabled);
              const QString contactEmail = a.text(argKey::contactEmail);
              return a.ok() ? Accounts(core).setNotifications(actor, enabled, contactEmail) : a.error();
          } },
        { "deactivateAccount",
          QT_TRANSLATE_NOOP("guichet::CommandCatalogue", "Deactivate my account"),
          false,
          {
              { argKey::successors, ArgType::Successors, Opt, Shown, QT_TRANSLATE_NOOP("guichet::CommandCatalogue", "New principal managers") },
          },
          [](Core &core, qint64 actor, ArgReader &a) {
              const QHash<qint64, qint64> map = a.successors(argKey::successors);
              Successors successors;
              successors.forAll = map.value(0);
              for (auto it = map.begin(); it != map.end(); ++it) {
                  if (it.key() != 0)
                      successors.perStructure.insert(it.key(), it.value());
              }
              return a.ok() ? Accounts(core).deactivateAccount(actor, successors) : a.error();
          } },
        { "requestReactivation",
          QT_TRANSLATE_NOOP("guichet::CommandCatalogue", "Ask for a reactivation link"),
          true,
          {
              { argKey::email, ArgType::Text, Req, Shown, QT_TRANSLATE_NOOP("guichet::CommandCatalogue", "E-mail") },
          },
          [](Core &core, qint64, ArgReader &a) {
              const QString email = a.text(argKey::email);
              return a.ok() ? Accounts(core).requestReactivation(email) : a.error();
          } },
        { "completeReactivation",
          QT_TRANSLATE_NOOP("guichet::CommandCatalogue", "Reactivate my account"),
          true,
          {
              { argKey::token, ArgType::Text, Req, Secret, QT_TRANSLATE_NOOP("guichet::CommandCatalogue", "Reactivation link") },
              { argKey::newPassword, ArgType::Text, Req, Secret, QT_TRANSLATE_NOOP("guichet::CommandCatalogue", "New password") },
              { argKey::secretQuestion, ArgType::Text, Req, Shown, QT_TRANSLATE_NOOP("guichet::CommandCatalogue", "Secret question") },
              { argKey::secretAnswer, ArgType::Text, Req, Secret, QT_TRANSLATE_NOOP("guichet::CommandCatalogue", "Secret answer") },
          },
          [](Core &core, qint64, ArgReader &a) {
              const QString token = a.text(argKey::token);
              const QString password = a.text(argKey::newPassword);
              const QString question = a.text(argKey::secretQuestion);
              const QString answer = a.text(argKey::secretAnswer);
              return a.ok() ? Accounts(core).completeReactivation(token, password, question, answer)
                            : a.error();
          } },
        { "supportReactivate",
          QT_TRANSLATE_NOOP("guichet::CommandCatalogue", "Send a reactivation link"),
          false,
          {
              { argKey::user, ArgType::Id, Req, Shown, QT_TRANSLATE_NOOP("guichet::CommandCatalogue", "User number") },
          },
          [](Core &core, qint64 actor, ArgReader &a) {
              const qint64 user = a.id(argKey::user);
              return a.ok() ? Accounts(core).supportReactivate(actor, user) : a.error();
          } },
        { "signUp",
          QT_TRANSLATE_NOOP("guichet::CommandCatalogue", "Create an account"),
          true,
          {
              { argKey::email, ArgType::Text, Req, Shown, QT_TRANSLATE_NOOP("guichet::CommandCatalogue", "E-mail") },
              { argKey::firstName, ArgType::Text, Req, Shown, QT_TRANSLATE_NOOP("guichet::CommandCatalogue", "First name") },
              { argKey::lastName, ArgType::Text, Req, Shown, QT_TRANSLATE_NOOP("guichet::CommandCatalogue", "Last name") },
              { argKey::password, ArgType::Text, Req, Secret, QT_TRANSLATE_NOOP("guichet::CommandCatalogue", "Password") },
              { argKey::secretQuestion, ArgType::Text, Req, Shown, QT_TRANSLATE_NOOP("guichet::CommandCatalogue", "Secret question") },
              { argKey::secretAnswer, ArgType::Text, Req, Secret, QT_TRANSLATE_NOOP("guichet::CommandCatalogue", "Secret answer") },
              { argKey::language, ArgType::Text, Opt, Shown, QT_TRANSLATE_NOOP("guichet::CommandCatalogue", "Language of the mails") },
          },
          [](Core &core, qint64, ArgReader &a) {
              SignUpRequest request;
              request.email = a.text(argKey::email);
              request.firstName = a.text(argKey::firstName);
              request.lastName = a.text(argKey::lastName);
              request.password = a.text(argKey::password);
              request.secretQuestion = a.text(argKey::secretQuestion);
              request.secretAnswer = a.text(argKey::secretAnswer);
              const QString language = a.text(argKey::language);
              if (!language.isEmpty())
                  request.language = language;
              return a.ok() ? SignUps(core).signUp(request) : a.error();
          } },
        { "activateAccount",
          QT_TRANSLATE_NOOP("guichet::CommandCatalogue", "Activate my account"),
          true,
          {
              { argKey::token, ArgType::Text, Req, Secret, QT_TRANSLATE_NOOP("guichet::CommandCatalogue", "Activation link") },
              // An invitee's account has none of these yet (SignUps::activate).
              { argKey::firstName, ArgType::Text, Opt, Shown, QT_TRANSLATE_NOOP("guichet::CommandCatalogue", "First name") },
              { argKey::lastName, ArgType::Text, Opt, Shown, QT_TRANSLATE_NOOP("guichet::CommandCatalogue", "Last name") },
              { argKey::password, ArgType::Text, Opt, Secret, QT_TRANSLATE_NOOP("guichet::CommandCatalogue", "Password") },
              { argKey::secretQuestion, ArgType::Text, Opt, Shown, QT_TRANSLATE_NOOP("guichet::CommandCatalogue", "Secret question") },
              { argKey::secretAnswer, ArgType::Text, Opt, Secret, QT_TRANSLATE_NOOP("guichet::CommandCatalogue", "Secret answer") },
          },
          [](Core &core, qint64, ArgReader &a) {
              const QString token = a.text(argKey::token);
              ActivationDetails details;
              details.firstName = a.text(argKey::firstName);
              details.lastName = a.text(argKey::lastName);
              details.password = a.text(argKey::password);
              details.secretQuestion = a.text(argKey::secretQuestion);
              details.secretAnswer = a.text(argKey::secretAnswer);
              return a.ok() ? SignUps(core).activate(token, details) : a.error();
          } },
        { "resendActivation",
          QT_TRANSLATE_NOOP("guichet::CommandCatalogue", "Ask for a new activation mail"),
          true,
          {
              { argKey::email, ArgType::Text, Req, Shown, QT_TRANSLATE_NOOP("guichet::CommandCatalogue", "E-mail") },
          },
          [](Core &core, qint64, ArgReader &a) {
              const QString email = a.text(argKey::email);
              return a.ok() ? SignUps(core).resendActivation(email) : a.error();
          } },
        { "supportResendActivation",
          QT_TRANSLATE_NOOP("guichet::CommandCatalogue", "Resend the activation mail"),
          false,
          {
              { argKey::user, ArgType::Id, Req, Shown, QT_TRANSLATE_NOOP("guichet::CommandCatalogue", "User number") },
          },
          [](Core &core, qint64 actor, ArgReader &a) {
              const qint64 user = a.id(argKey::user);
              return a.ok() ? SignUps(core).supportResendActivation(actor, user) : a.error();
          } },
        // Structures
        { "createStructure", QT_TRANSLATE_NOOP("guichet::CommandCatalogue", "Create a structure"), false,
          structureArgs()
              + QList<ArgSpec> {
                  { argKey::services, ArgType::NewServices, Opt, Shown,
                    QT_TRANSLATE_NOOP("guichet::CommandCatalogue", "Services") },
                  { argKey::principal, ArgType::Id, Opt, Shown,
                    QT_TRANSLATE_NOOP("guichet::CommandCatalogue", "Principal manager") },
                  { argKey::spaces, ArgType::Texts, Opt, Shown,
                    QT_TRANSLATE_NOOP("guichet::CommandCatalogue", "Spaces set at structure level") },
              },
          [](Core &core, qint64 actor, ArgReader &a) {
              NewStructure input;
              input.fields = structureInput(a);
              input.services = a.newServices(argKey::services);
              input.bank = structureBank(a).value_or(StructureBank());
              input.principalId = a.id(argKey::principal);
              input.spaces = a.texts(argKey::spaces);
              return a.ok() ? Structures(core).createStructure(actor, input) : a.error();
          } },
        { "updateStructure", QT_TRANSLATE_NOOP("guichet::CommandCatalogue", "Modify a structure"), false,
          QList<ArgSpec> { { argKey::structure, ArgType::Id, Req, Shown, QT_TRANSLATE_NOOP("guichet::CommandCatalogue", "Structure number") } }
              + structureArgs(),
          [](Core &core, qint64 actor, ArgReader &a) {
              const qint64 structure = a.id(argKey::structure);
              const StructureInput input = structureInput(a);
              const std::optional<StructureBank> bank = structureBank(a);
              return a.ok() ? Structures(core).updateStructure(actor, structure, input, bank) : a.error();
          } },
        { "addService",
          QT_TRANSLATE_NOOP("guichet::CommandCatalogue", "Add a service"),
          false,
          {
              { argKey::structure, ArgType::Id, Req, Shown, QT_TRANSLATE_NOOP("guichet::CommandCatalogue", "Structure number") },
              { argKey::code, ArgType::Text, Req, Shown, QT_TRANSLATE_NOOP("guichet::CommandCatalogue", "Code") },
              { argKey::name, ArgType::Text, Req, Shown, QT_TRANSLATE_NOOP("guichet::CommandCatalogue", "Name") },
          },
          [](Core &core, qint64 actor, ArgReader &a) {
              const qint64 structure = a.id(argKey::structure);
              const QString code = a.text(argKey::code);
              const QString name = a.text(argKey::name);
              return a.ok() ? Structures(core).addService(actor, structure, code, name) : a.error();
          } },
        { "setServiceActive",
          QT_TRANSLATE_NOOP("guichet::CommandCatalogue", "Activate or deactivate a service"),
          false,
          {
              { argKey::service, ArgType::Id, Req, Shown, QT_TRANSLATE_NOOP("guichet::CommandCatalogue", "Service number") },
              { argKey::active, ArgType::Flag, Req, Shown, QT_TRANSLATE_NOOP("guichet::CommandCatalogue", "Active") },
          },
          [](Core &core, qint64 actor, ArgReader &a) {
              const qint64 service = a.id(argKey::service);
              const bool active = a.flag(argKey::active);
              return a.ok() ? Structures(core).setServiceActive(actor, service, active) : a.error();
          } },
        // Attachments (rattachements)
        { "requestAttachment",
          QT_TRANSLATE_NOOP("guichet::CommandCatalogue", "Request an attachment"),
          false,
          {
              { argKey::structure, ArgType::Id, Req, Shown, QT_TRANSLATE_NOOP("guichet::CommandCatalogue", "Structure number") },
              { argKey::validFrom, ArgType::Date, Req, Shown, QT_TRANSLATE_NOOP("guichet::CommandCatalogue", "Valid from") },
              { argKey::validUntil, ArgType::Date, Opt, Shown, QT_TRANSLATE_NOOP("guichet::CommandCatalogue", "Valid until") },
              { argKey::services, ArgType::Ids, Opt, Shown, QT_TRANSLATE_NOOP("guichet::CommandCatalogue", "Services") },
              { argKey::wholeStructure, ArgType::Flag, Opt, Shown, QT_TRANSLATE_NOOP("guichet::CommandCatalogue", "Whole structure") },
          },
          [](Core &core, qint64 actor, ArgReader &a) {
              AttachmentRequest r;
              r.structureId = a.id(argKey::structure);
              r.validFrom = a.date(argKey::validFrom);
              r.validUntil = a.date(argKey::validUntil);
              // Naming services means attaching to them only, unless told otherwise.
              const bool hasServices = a.has(argKey::services);
              r.serviceIds = a.ids(argKey::services);
              r.wholeStructure = a.flag(argKey::wholeStructure, !hasServices);
              return a.ok() ? Attachments(core).requestAttachment(actor, r) : a.error();
          } },
        { "decideAttachment",
          QT_TRANSLATE_NOOP("guichet::CommandCatalogue", "Decide on an attachment request"),
          false,
          {
              { argKey::attachment, ArgType::Id, Req, Shown, QT_TRANSLATE_NOOP("guichet::CommandCatalogue", "Attachment number") },
              { argKey::validate, ArgType::Flag, Req, Shown, QT_TRANSLATE_NOOP("guichet::CommandCatalogue", "Validated") },
              { argKey::comment, ArgType::Text, Opt, Shown, QT_TRANSLATE_NOOP("guichet::CommandCatalogue", "Comment") },
          },
          [](Core &core, qint64 actor, ArgReader &a) {
              const qint64 attachment = a.id(argKey::attachment);
              const bool validate = a.flag(argKey::validate);
              const QString comment = a.text(argKey::comment);
              return a.ok() ? Attachments(core).decideAttachment(actor, attachment, validate, comment)
                            : a.error();
          } },
        { "decideAttachments",
          QT_TRANSLATE_NOOP("guichet::CommandCatalogue", "Decide on attachment requests"),
          false,
          {
              { argKey::attachments, ArgType::Ids, Req, Shown, QT_TRANSLATE_NOOP("guichet::CommandCatalogue", "Attachments") },
              { argKey::validate, ArgType::Flag, Req, Shown, QT_TRANSLATE_NOOP("guichet::CommandCatalogue", "Validated") },
              { argKey::comment, ArgType::Text, Opt, Shown, QT_TRANSLATE_NOOP("guichet::CommandCatalogue", "Comment") },
          },
          [](Core &core, qint64 actor, ArgReader &a) {
              const QList<qint64> ids = a.ids(argKey::attachments);
              const bool validate = a.flag(argKey::validate);
              const QString comment = a.text(argKey::comment);
              return a.ok() ? Attachments(core).decideAttachments(actor, ids, validate, comment) : a.error();
          } },
        { "removeAttachments",
          QT_TRANSLATE_NOOP("guichet::CommandCatalogue", "Delete attachments"),
          false,
          {
              { argKey::attachments, ArgType::Ids, Req, Shown, QT_TRANSLATE_NOOP("guichet::CommandCatalogue", "Attachments") },
              { argKey::successors, ArgType::Successors, Opt, Shown, QT_TRANSLATE_NOOP("guichet::CommandCatalogue", "New principal managers") },
          },
          [](Core &core, qint64 actor, ArgReader &a) {
              const QList<qint64> ids = a.ids(argKey::attachments);
              const QHash<qint64, qint64> successors = a.successors(argKey::successors);
              return a.ok() ? Attachments(core).removeAttachments(actor, ids, successors) : a.error();
          } },
        { "setSecondaryPowers",
          QT_TRANSLATE_NOOP("guichet::CommandCatalogue", "Powers of the secondary managers"),
          false,
          {
              { argKey::structure, ArgType::Id, Req, Shown, QT_TRANSLATE_NOOP("guichet::CommandCatalogue", "Structure number") },
              { argKey::granted, ArgType::Flag, Req, Shown, QT_TRANSLATE_NOOP("guichet::CommandCatalogue", "Granted") },
          },
          [](Core &core, qint64 actor, ArgReader &a) {
              const qint64 structure = a.id(argKey::structure);
              const bool granted = a.flag(argKey::granted);
              return a.ok() ? Attachments(core).setSecondaryPowers(actor, structure, granted) : a.error();
          } },
        { "setAttachmentRole",
          QT_TRANSLATE_NOOP("guichet::CommandCatalogue", "Change a manager's role"),
          false,
          {
              { argKey::attachment, ArgType::Id, Req, Shown, QT_TRANSLATE_NOOP("guichet::CommandCatalogue", "Attachment number") },
              { argKey::role, ArgType::Text, Req, Shown, QT_TRANSLATE_NOOP("guichet::CommandCatalogue", "Role") },
          },
          [](Core &core, qint64 actor, ArgReader &a) {
              const qint64 attachment = a.id(argKey::attachment);
              const Role role = roleFromString(a.text(argKey::role));
              if (a.ok() && role == Role::None)
                  return CommandResult::failure(
                      ErrorCode::InvalidInput, QLatin1String(argKey::role),
                      CommandDispatcher::tr("The field role must be \"secondary\" or \"user\"."));
              return a.ok() ? Attachments(core).setAttachmentRole(actor, attachment, role) : a.error();
          } },
        // Manager's activity (« Activité du gestionnaire »)
        { "attachUser",
          QT_TRANSLATE_NOOP("guichet::CommandCatalogue", "Attach a user"),
          false,
          {
              { argKey::structure, ArgType::Id, Req, Shown, QT_TRANSLATE_NOOP("guichet::CommandCatalogue", "Structure number") },
              { argKey::user, ArgType::Id, Req, Shown, QT_TRANSLATE_NOOP("guichet::CommandCatalogue", "User number") },
              { argKey::role, ArgType::Text, Opt, Shown, QT_TRANSLATE_NOOP("guichet::CommandCatalogue", "Role") },
              { argKey::validFrom, ArgType::Date, Req, Shown, QT_TRANSLATE_NOOP("guichet::CommandCatalogue", "Valid from") },
              { argKey::validUntil, ArgType::Date, Opt, Shown, QT_TRANSLATE_NOOP("guichet::CommandCatalogue", "Valid until") },
              { argKey::services, ArgType::Ids, Opt, Shown, QT_TRANSLATE_NOOP("guichet::CommandCatalogue", "Services") },
              { argKey::wholeStructure, ArgType::Flag, Opt, Shown, QT_TRANSLATE_NOOP("guichet::CommandCatalogue", "Whole structure") },
          },
          [](Core &core, qint64 actor, ArgReader &a) {
              AttachUserInput input;
              input.structureId = a.id(argKey::structure);
              input.userId = a.id(argKey::user);
              const QString roleName = a.text(argKey::role);
              input.role = roleName.isEmpty() ? Role::User : roleFromString(roleName);
              input.validFrom = a.date(argKey::validFrom);
              input.validUntil = a.date(argKey::validUntil);
              const bool hasServices = a.has(argKey::services);
              input.serviceIds = a.ids(argKey::services);
              input.wholeStructure = a.flag(argKey::wholeStructure, !hasServices);
              return a.ok() ? ManagerActivity(core).attachUser(actor, input) : a.error();
          } },
        { "attachUserToStructures",
          QT_TRANSLATE_NOOP("guichet::CommandCatalogue", "Attach a user to several structures"),
          false,
          {
              { argKey::structures, ArgType::Ids, Req, Shown, QT_TRANSLATE_NOOP("guichet::CommandCatalogue", "Structures") },
              { argKey::user, ArgType::Id, Req, Shown, QT_TRANSLATE_NOOP("guichet::CommandCatalogue", "User number") },
              { argKey::role, ArgType::Text, Opt, Shown, QT_TRANSLATE_NOOP("guichet::CommandCatalogue", "Role") },
              { argKey::validFrom, ArgType::Date, Req, Shown, QT_TRANSLATE_NOOP("guichet::CommandCatalogue", "Valid from") },
              { argKey::validUntil, ArgType::Date, Opt, Shown, QT_TRANSLATE_NOOP("guichet::CommandCatalogue", "Valid until") },
              { argKey::services, ArgType::Ids, Opt, Shown, QT_TRANSLATE_NOOP("guichet::CommandCatalogue", "Services") },
          },
          [](Core &core, qint64 actor, ArgReader &a) {
              AttachToStructuresInput input;
              input.serviceIds = a.ids(argKey::services);
              input.structureIds = a.ids(argKey::structures);
              input.userId = a.id(argKey::user);
              const QString roleName = a.text(argKey::role);
              input.role = roleName.isEmpty() ? Role::User : roleFromString(roleName);
              input.validFrom = a.date(argKey::validFrom);
              input.validUntil = a.date(argKey::validUntil);
              return a.ok() ? ManagerActivity(core).attachUserToStructures(actor, input) : a.error();
          } },
        { "inviteUser",
          QT_TRANSLATE_NOOP("guichet::CommandCatalogue", "Invite a user"),
          false,
          {
              { argKey::structure, ArgType::Id, Req, Shown, QT_TRANSLATE_NOOP("guichet::CommandCatalogue", "Structure number") },
              { argKey::email, ArgType::Text, Req, Shown, QT_TRANSLATE_NOOP("guichet::CommandCatalogue", "E-mail") },
              { argKey::role, ArgType::Text, Opt, Shown, QT_TRANSLATE_NOOP("guichet::CommandCatalogue", "Role") },
              { argKey::services, ArgType::Ids, Opt, Shown, QT_TRANSLATE_NOOP("guichet::CommandCatalogue", "Services") },
              { argKey::wholeStructure, ArgType::Flag, Opt, Shown, QT_TRANSLATE_NOOP("guichet::CommandCatalogue", "Whole structure") },
              { argKey::language, ArgType::Text, Opt, Shown, QT_TRANSLATE_NOOP("guichet::CommandCatalogue", "Language of the mails") },
          },
          [](Core &core, qint64 actor, ArgReader &a) {
              InviteUserInput input;
              input.structureId = a.id(argKey::structure);
              input.email = a.text(argKey::email);
              const QString roleName = a.text(argKey::role);
              input.role = roleName.isEmpty() ? Role::User : roleFromString(roleName);
              const bool hasServices = a.has(argKey::services);
              input.serviceIds = a.ids(argKey::services);
              input.wholeStructure = a.flag(argKey::wholeStructure, !hasServices);
              const QString language = a.text(argKey::language);
              if (!language.isEmpty())
                  input.language = language;
              return a.ok() ? ManagerActivity(core).inviteUser(actor, input) : a.error();
          } },
        { "resendInvitation",
          QT_TRANSLATE_NOOP("guichet::CommandCatalogue", "Resend an invitation"),
          false,
          {
              { argKey::attachment, ArgType::Id, Req, Shown, QT_TRANSLATE_NOOP("guichet::CommandCatalogue", "Attachment number") },
          },
          [](Core &core, qint64 actor, ArgReader &a) {
              const qint64 attachment = a.id(argKey::attachment);
              return a.ok() ? ManagerActivity(core).resendInvitation(actor, attachment) : a.error();
          } },
        { "endAttachment",
          QT_TRANSLATE_NOOP("guichet::CommandCatalogue", "End an attachment"),
          false,
          {
              { argKey::attachment, ArgType::Id, Req, Shown, QT_TRANSLATE_NOOP("guichet::CommandCatalogue", "Attachment number") },
              { argKey::validUntil, ArgType::Date, Req, Shown, QT_TRANSLATE_NOOP("guichet::CommandCatalogue", "Valid until") },
          },
          [](Core &core, qint64 actor, ArgReader &a) {
              const qint64 attachment = a.id(argKey::attachment);
              const QDate validUntil = a.date(argKey::validUntil);
              return a.ok() ? ManagerActivity(core).endAttachment(actor, attachment, validUntil) : a.error();
          } },
        { "copyRights",
          QT_TRANSLATE_NOOP("guichet::CommandCatalogue", "Copy the rights"),
          false,
          {
              { argKey::from, ArgType::Id, Req, Shown, QT_TRANSLATE_NOOP("guichet::CommandCatalogue", "From user number") },
              { argKey::to, ArgType::Id, Req, Shown, QT_TRANSLATE_NOOP("guichet::CommandCatalogue", "To user number") },
              { argKey::structure, ArgType::Id, Opt, Shown, QT_TRANSLATE_NOOP("guichet::CommandCatalogue", "Structure number") },
          },
          [](Core &core, qint64 actor, ArgReader &a) {
              const qint64 from = a.id(argKey::from);
              const qint64 to = a.id(argKey::to);
              const qint64 structure = a.id(argKey::structure);
              return a.ok() ? ManagerActivity(core).copyRights(actor, from, to, structure) : a.error();
          } },
        { "transferPrincipal",
          QT_TRANSLATE_NOOP("guichet::CommandCatalogue", "Transfer the principal manager role"),
          false,
          {
              { argKey::structure, ArgType::Id, Req, Shown, QT_TRANSLATE_NOOP("guichet::CommandCatalogue", "Structure number") },
              { argKey::successor, ArgType::Id, Req, Shown, QT_TRANSLATE_NOOP("guichet::CommandCatalogue", "New principal manager") },
          },
          [](Core &core, qint64 actor, ArgReader &a) {
              const qint64 structure = a.id(argKey::structure);
              const qint64 successor = a.id(argKey::successor);
              return a.ok() ? ManagerActivity(core).transferPrincipal(actor, structure, successor) : a.error();
          } },
        // Spaces set at structure level
        { "enableStructureSpace",
          QT_TRANSLATE_NOOP("guichet::CommandCatalogue", "Open a space to a structure"),
          false,
          {
              { argKey::structure, ArgType::Id, Req, Shown, QT_TRANSLATE_NOOP("guichet::CommandCatalogue", "Structure number") },
              { argKey::space, ArgType::Text, Req, Shown, QT_TRANSLATE_NOOP("guichet::CommandCatalogue", "Space") },
          },
          [](Core &core, qint64 actor, ArgReader &a) {
              const qint64 structure = a.id(argKey::structure);
              const QString space = a.text(argKey::space);
              return a.ok() ? Spaces(core).enableStructureSpace(actor, structure, space) : a.error();
          } },
        { "disableStructureSpace",
          QT_TRANSLATE_NOOP("guichet::CommandCatalogue", "Close a space to a structure"),
          false,
          {
              { argKey::structure, ArgType::Id, Req, Shown, QT_TRANSLATE_NOOP("guichet::CommandCatalogue", "Structure number") },
              { argKey::space, ArgType::Text, Req, Shown, QT_TRANSLATE_NOOP("guichet::CommandCatalogue", "Space") },
          },
          [](Core &core, qint64 actor, ArgReader &a) {
              const qint64 structure = a.id(argKey::structure);
              const QString space = a.text(argKey::space);
              return a.ok() ? Spaces(core).disableStructureSpace(actor, structure, space) : a.error();
          } },
        { "setSelfServiceSpace",
          QT_TRANSLATE_NOOP("guichet::CommandCatalogue", "Let users add a space themselves"),
          false,
          {
              { argKey::structure, ArgType::Id, Req, Shown, QT_TRANSLATE_NOOP("guichet::CommandCatalogue", "Structure number") },
              { argKey::space, ArgType::Text, Req, Shown, QT_TRANSLATE_NOOP("guichet::CommandCatalogue", "Space") },
              { argKey::enabled, ArgType::Flag, Req, Shown, QT_TRANSLATE_NOOP("guichet::CommandCatalogue", "Allowed") },
          },
          [](Core &core, qint64 actor, ArgReader &a) {
              const qint64 structure = a.id(argKey::structure);
              const QString space = a.text(argKey::space);
              const bool enabled = a.flag(argKey::enabled);
              return a.ok() ? Spaces(core).setSelfServiceSpace(actor, structure, space, enabled) : a.error();
          } },
        // Subscriptions (abonnements)
        { "requestSubscription",
          QT_TRANSLATE_NOOP("guichet::CommandCatalogue", "Add a subscription"),
          false,
          {
              { argKey::structure, ArgType::Id, Req, Shown, QT_TRANSLATE_NOOP("guichet::CommandCatalogue", "Structure number") },
              { argKey::space, ArgType::Text, Req, Shown, QT_TRANSLATE_NOOP("guichet::CommandCatalogue", "Space") },
              { argKey::lines, ArgType::SubscriptionLines, Req, Shown, QT_TRANSLATE_NOOP("guichet::CommandCatalogue", "Services") },
              { argKey::effectiveDate, ArgType::Date, Req, Shown, QT_TRANSLATE_NOOP("guichet::CommandCatalogue", "Effective date") },
              { argKey::comment, ArgType::Text, Opt, Shown, QT_TRANSLATE_NOOP("guichet::CommandCatalogue", "Comment") },
          },
          [](Core &core, qint64 actor, ArgReader &a) {
              SubscriptionRequest r;
              r.structureId = a.id(argKey::structure);
              r.spaceCode = a.text(argKey::space);
              r.lines = a.lines(argKey::lines);
              r.effectiveDate = a.date(argKey::effectiveDate);
              r.comment = a.text(argKey::comment);
              return a.ok() ? Subscriptions(core).requestSubscription(actor, r) : a.error();
          } },
        { "decideSubscription",
          QT_TRANSLATE_NOOP("guichet::CommandCatalogue", "Decide on a subscription request"),
          false,
          {
              { argKey::subscription, ArgType::Id, Req, Shown, QT_TRANSLATE_NOOP("guichet::CommandCatalogue", "Subscription number") },
              { argKey::validate, ArgType::Flag, Req, Shown, QT_TRANSLATE_NOOP("guichet::CommandCatalogue", "Validated") },
              { argKey::comment, ArgType::Text, Opt, Shown, QT_TRANSLATE_NOOP("guichet::CommandCatalogue", "Comment") },
          },
          [](Core &core, qint64 actor, ArgReader &a) {
              const qint64 subscription = a.id(argKey::subscription);
              const bool validate = a.flag(argKey::validate);
              const QString comment = a.text(argKey::comment);
              return a.ok() ? Subscriptions(core).decideSubscription(actor, subscription, validate, comment)
                            : a.error();
          } },
        { "decideSubscriptions",
          QT_TRANSLATE_NOOP("guichet::CommandCatalogue", "Decide on subscription requests"),
          false,
          {
              { argKey::subscriptions, ArgType::Ids, Req, Shown, QT_TRANSLATE_NOOP("guichet::CommandCatalogue", "Subscriptions") },
              { argKey::validate, ArgType::Flag, Req, Shown, QT_TRANSLATE_NOOP("guichet::CommandCatalogue", "Validated") },
              { argKey::comment, ArgType::Text, Opt, Shown, QT_TRANSLATE_NOOP("guichet::CommandCatalogue", "Comment") },
          },
          [](Core &core, qint64 actor, ArgReader &a) {
              const QList<qint64> ids = a.ids(argKey::subscriptions);
              const bool validate = a.flag(argKey::validate);
              const QString comment = a.text(argKey::comment);
              return a.ok() ? Subscriptions(core).decideSubscriptions(actor, ids, validate, comment)
                            : a.error();
          } },
        { "removeSubscriptions",
          QT_TRANSLATE_NOOP("guichet::CommandCatalogue", "Delete subscriptions"),
          false,
          {
              { argKey::subscriptions, ArgType::Ids, Req, Shown, QT_TRANSLATE_NOOP("guichet::CommandCatalogue", "Subscriptions") },
          },
          [](Core &core, qint64 actor, ArgReader &a) {
              const QList<qint64> ids = a.ids(argKey::subscriptions);
              return a.ok() ? Subscriptions(core).removeSubscriptions(actor, ids) : a.error();
          } },
        { "withdrawSubscriptionRemovals",
          QT_TRANSLATE_NOOP("guichet::CommandCatalogue", "Withdraw subscription removal requests"),
          false,
          {
              { argKey::subscriptions, ArgType::Ids, Req, Shown, QT_TRANSLATE_NOOP("guichet::CommandCatalogue", "Subscriptions") },
          },
          [](Core &core, qint64 actor, ArgReader &a) {
              const QList<qint64> ids = a.ids(argKey::subscriptions);
              return a.ok() ? Subscriptions(core).withdrawSubscriptionRemovals(actor, ids) : a.error();
          } },
        { "subscribeUsers",
          QT_TRANSLATE_NOOP("guichet::CommandCatalogue", "Subscribe users to a space"),
          false,
          {
              { argKey::structure, ArgType::Id, Req, Shown, QT_TRANSLATE_NOOP("guichet::CommandCatalogue", "Structure number") },
              { argKey::users, ArgType::Ids, Req, Shown, QT_TRANSLATE_NOOP("guichet::CommandCatalogue", "Users") },
              { argKey::space, ArgType::Text, Req, Shown, QT_TRANSLATE_NOOP("guichet::CommandCatalogue", "Space") },
              { argKey::modification, ArgType::Flag, Opt, Shown, QT_TRANSLATE_NOOP("guichet::CommandCatalogue", "Modification") },
              { argKey::consultation, ArgType::Flag, Opt, Shown, QT_TRANSLATE_NOOP("guichet::CommandCatalogue", "Consultation") },
              { argKey::effectiveDate, ArgType::Date, Req, Shown, QT_TRANSLATE_NOOP("guichet::CommandCatalogue", "Effective date") },
          },
          [](Core &core, qint64 actor, ArgReader &a) {
              BulkSubscription bulk;
              bulk.structureId = a.id(argKey::structure);
              bulk.userIds = a.ids(argKey::users);
              bulk.spaceCode = a.text(argKey::space);
              bulk.modification = a.flag(argKey::modification);
              bulk.consultation = a.flag(argKey::consultation);
              bulk.effectiveDate = a.date(argKey::effectiveDate);
              return a.ok() ? Subscriptions(core).subscribeUsers(actor, bulk) : a.error();
          } },
        // Attached files (pièces jointes)
        { "addFile",
          QT_TRANSLATE_NOOP("guichet::CommandCatalogue", "Add an attached file"),
          false,
          {
              { argKey::designation, ArgType::Text, Req, Shown, QT_TRANSLATE_NOOP("guichet::CommandCatalogue", "Designation") },
              { argKey::fileType, ArgType::Text, Req, Shown, QT_TRANSLATE_NOOP("guichet::CommandCatalogue", "Type") },
              { argKey::fileName, ArgType::Text, Req, Shown, QT_TRANSLATE_NOOP("guichet::CommandCatalogue", "File name") },
              { argKey::content, ArgType::Base64, Req, Shown, QT_TRANSLATE_NOOP("guichet::CommandCatalogue", "File") },
          },
          [](Core &core, qint64 actor, ArgReader &a) {
              AttachedFiles::NewFile file;
              file.designation = a.text(argKey::designation);
              file.fileType = a.text(argKey::fileType);
              file.fileName = a.text(argKey::fileName);
              file.content = a.base64(argKey::content);
              return a.ok() ? AttachedFiles(core).addFile(actor, file) : a.error();
          } },
        { "updateFile",
          QT_TRANSLATE_NOOP("guichet::CommandCatalogue", "Modify an attached file"),
          false,
          {
              { argKey::id, ArgType::Id, Req, Shown, QT_TRANSLATE_NOOP("guichet::CommandCatalogue", "Number") },
              { argKey::designation, ArgType::Text, Req, Shown, QT_TRANSLATE_NOOP("guichet::CommandCatalogue", "Designation") },
              { argKey::fileType, ArgType::Text, Req, Shown, QT_TRANSLATE_NOOP("guichet::CommandCatalogue", "Type") },
              { argKey::content, ArgType::Base64, Opt, Shown, QT_TRANSLATE_NOOP("guichet::CommandCatalogue", "File") },
              // New content only when given, and then with its file name.
              { argKey::fileName, ArgType::Text, ArgNeed::RequiredWith, Shown, QT_TRANSLATE_NOOP("guichet::CommandCatalogue", "File name"),
                argKey::content },
          },
          [](Core &core, qint64 actor, ArgReader &a) {
              const qint64 id = a.id(argKey::id);
              const QString designation = a.text(argKey::designation);
              const QString fileType = a.text(argKey::fileType);
              std::optional<AttachedFiles::NewContent> content;
              if (a.has(argKey::content)) {
                  const QByteArray bytes = a.base64(argKey::content);
                  content = AttachedFiles::NewContent { a.text(argKey::fileName), bytes };
              }
              return a.ok() ? AttachedFiles(core).updateFile(actor, id, designation, fileType, content)
                            : a.error();
          } },
        { "deleteFiles",
          QT_TRANSLATE_NOOP("guichet::CommandCatalogue", "Delete attached files"),
          false,
          {
              { argKey::ids, ArgType::Ids, Req, Shown, QT_TRANSLATE_NOOP("guichet::CommandCatalogue", "Files") },
          },
          [](Core &core, qint64 actor, ArgReader &a) {
              const QList<qint64> ids = a.ids(argKey::ids);
              return a.ok() ? AttachedFiles(core).deleteFiles(actor, ids) : a.error();
          } },
        // Solicitations
        { "createSolicitation", QT_TRANSLATE_NOOP("guichet::CommandCatalogue", "Write to support"), false, solicitationArgs(),
          [](Core &core, qint64 actor, ArgReader &a) {
              const NewSolicitation s = newSolicitation(a);
              return a.ok() ? Solicitations(core).createSolicitation(actor, s) : a.error();
          } },
        { "createAnonymousSolicitation", QT_TRANSLATE_NOOP("guichet::CommandCatalogue", "Write to support without an account"), true,
          QList<ArgSpec> { { argKey::email, ArgType::Text, Req, Shown, QT_TRANSLATE_NOOP("guichet::CommandCatalogue", "E-mail") } } + solicitationArgs(),
          [](Core &core, qint64, ArgReader &a) {
              const QString email = a.text(argKey::email);
              const NewSolicitation s = newSolicitation(a);
              return a.ok() ? Solicitations(core).createAnonymousSolicitation(email, s) : a.error();
          } },
        { "setStatus",
          QT_TRANSLATE_NOOP("guichet::CommandCatalogue", "Change a solicitation's status"),
          false,
          {
              { argKey::id, ArgType::Id, Req, Shown, QT_TRANSLATE_NOOP("guichet::CommandCatalogue", "Number") },
              { argKey::status, ArgType::Text, Req, Shown, QT_TRANSLATE_NOOP("guichet::CommandCatalogue", "Status") },
          },
          [](Core &core, qint64 actor, ArgReader &a) {
              const qint64 id = a.id(argKey::id);
              const QString status = a.text(argKey::status);
              return a.ok() ? Solicitations(core).setStatus(actor, id, status) : a.error();
          } },
        { "reply",
          QT_TRANSLATE_NOOP("guichet::CommandCatalogue", "Reply to a solicitation"),
          false,
          {
              { argKey::id, ArgType::Id, Req, Shown, QT_TRANSLATE_NOOP("guichet::CommandCatalogue", "Number") },
              { argKey::text, ArgType::Text, Req, Shown, QT_TRANSLATE_NOOP("guichet::CommandCatalogue", "Message") },
              { argKey::status, ArgType::Text, Opt, Shown, QT_TRANSLATE_NOOP("guichet::CommandCatalogue", "Status") },
          },
          [](Core &core, qint64 actor, ArgReader &a) {
              const qint64 id = a.id(argKey::id);
              const QString text = a.text(argKey::text);
              QString status = a.text(argKey::status);
              if (status.isEmpty())
                  status = QStringLiteral("waiting_user");
              return a.ok() ? Solicitations(core).reply(actor, id, text, status) : a.error();
          } },
        { "addFollowUp",
          QT_TRANSLATE_NOOP("guichet::CommandCatalogue", "Answer support"),
          false,
          {
              { argKey::id, ArgType::Id, Req, Shown, QT_TRANSLATE_NOOP("guichet::CommandCatalogue", "Number") },
              { argKey::text, ArgType::Text, Req, Shown, QT_TRANSLATE_NOOP("guichet::CommandCatalogue", "Message") },
          },
          [](Core &core, qint64 actor, ArgReader &a) {
              const qint64 id = a.id(argKey::id);
              const QString text = a.text(argKey::text);
              return a.ok() ? Solicitations(core).addFollowUp(actor, id, text) : a.error();
          } },
    };
}

const char *typeName(ArgType type)
{
    switch (type) {
    case ArgType::Text:
        return "text";
    case ArgType::Flag:
        return "boolean";
    case ArgType::Id:
        return "id";
    case ArgType::Ids:
        return "list of ids";
    case ArgType::Date:
        return "date";
    case ArgType::Base64:
        return "base64";
    case ArgType::Successors:
        return "successors";
    case ArgType::SubscriptionLines:
        return "subscription lines";
    case ArgType::Texts:
        return "list of texts";
    case ArgType::NewServices:
        return "new services";
    }
    return "";
}

} // namespace

QString ArgSpec::translatedLabel() const
{
    return QCoreApplication::translate("guichet::CommandCatalogue", label);
}

QString CommandSpec::translatedTitle() const
{
    return QCoreApplication::translate("guichet::CommandCatalogue", title);
}

const ArgSpec *CommandSpec::arg(const QString &key) const
{
    for (const ArgSpec &a : args) {
        if (key == QLatin1String(a.key))
            return &a;
    }
    return nullptr;
}

bool CommandSpec::carriesSecrets() const
{
    return std::any_of(args.begin(), args.end(), [](const ArgSpec &a) { return a.secret; });
}

const std::vector<CommandSpec> &CommandCatalogue::commands()
{
    static const std::vector<CommandSpec> catalogue = declare();
    return catalogue;
}

const CommandSpec *CommandCatalogue::find(const QString &name)
{
    for (const CommandSpec &command : commands()) {
        if (name == QLatin1String(command.name))
            return &command;
    }
    return nullptr;
}

bool CommandCatalogue::isSecretKey(const QString &key)
{
    for (const CommandSpec &command : commands()) {
        const ArgSpec *arg = command.arg(key);
        if (arg && arg->secret)
            return true;
    }
    return false;
}

int CommandCatalogue::maxTextLength(const char *key)
{
    // Each text key once, with its kind of field's limit.
    static const QHash<QString, int> limits = {
        { argKey::addressLine, textLimit::AddressLine },
        { argKey::adresse, textLimit::AddressLine },
        { argKey::answer, textLimit::SolicitationBody },
        { argKey::body, textLimit::SolicitationBody },
        { argKey::category, textLimit::Code },
        { argKey::bic, textLimit::Bic },
        { argKey::city, textLimit::City },
        { argKey::code, textLimit::Code },
        { argKey::codePostal, textLimit::PostalCode },
        { argKey::comment, textLimit::Comment },
        { argKey::confirmation, textLimit::Password },
        { argKey::contactEmail, textLimit::Email },
        { argKey::country, textLimit::Country },
        { argKey::currentPassword, textLimit::Password },
        { argKey::designation, textLimit::Designation },
        { argKey::email, textLimit::Email },
        { argKey::fileName, textLimit::FileName },
        { argKey::fileType, textLimit::Code },
        { argKey::iban, textLimit::Iban },
        { argKey::identifierType, textLimit::Code },
        { argKey::firstName, textLimit::Name },
        { argKey::language, textLimit::Code },
        { argKey::lastName, textLimit::Name },
        { argKey::libelle, textLimit::Libelle },
        { argKey::name, textLimit::ServiceName },
        { argKey::newPassword, textLimit::Password },
        { argKey::password, textLimit::Password },
        { argKey::postalCode, textLimit::PostalCode },
        { argKey::question, textLimit::SecretQuestion },
        { argKey::raisonSociale, textLimit::RaisonSociale },
        { argKey::role, textLimit::Code },
        { argKey::secretAnswer, textLimit::SecretAnswer },
        { argKey::secretQuestion, textLimit::SecretQuestion },
        { argKey::siret, textLimit::Siret },
        { argKey::space, textLimit::Code },
        { argKey::status, textLimit::Code },
        { argKey::subject, textLimit::SolicitationSubject },
        { argKey::text, textLimit::SolicitationBody },
        { argKey::token, textLimit::Token },
        { argKey::ville, textLimit::City },
    };
    return limits.value(QLatin1String(key), 0);
}

QString CommandCatalogue::referenceMarkdown()
{
    QString text;
    QTextStream out(&text);
    out << "\n<!-- Generated from core/commands/commandcatalogue.cpp (CommandCatalogue::referenceMarkdown):"
           " do not edit by hand. -->\n";
    for (const CommandSpec &command : commands()) {
        out << "\n### `" << command.name << "`\n\n";
        out << QStringLiteral("« ") << command.title << QStringLiteral(" »; anonymous: ")
            << (command.anonymous ? "yes" : "no")
            << "; may wait offline: " << (command.mayWaitOffline() ? "yes" : "no (carries a secret)")
            << ".\n\n";
        if (command.args.isEmpty()) {
            out << "No arguments.\n";
            continue;
        }
        out << "| argument | type | required | secret | label |\n";
        out << "| --- | --- | --- | --- | --- |\n";
        for (const ArgSpec &arg : command.args) {
            out << "| `" << arg.key << "` | " << typeName(arg.type);
            if (arg.type == ArgType::Text)
                out << QStringLiteral(", ≤ ") << maxTextLength(arg.key);
            out << " | ";
            switch (arg.need) {
            case ArgNeed::Required:
                out << "yes";
                break;
            case ArgNeed::Optional:
                out << "no";
                break;
            case ArgNeed::RequiredWith:
                out << "with `" << arg.with << "`";
                break;
            }
            out << " | " << (arg.secret ? "yes" : "no") << " | " << arg.label << " |\n";
        }
    }
    out << "\n";
    return text;
}

} // namespace guichet
