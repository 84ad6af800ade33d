#pragma once

#include "kernel/commandresult.h"

#include <QCoreApplication>
#include <QJsonObject>
#include <QList>
#include <QString>

#include <optional>
#include <vector>

namespace guichet {

class Core;
class ArgReader;

// The keys of the commands' JSON arguments, once: the catalogue, the
// dispatcher's handlers and the screens' builders (commandargs.h) name them
// through these constants, so a misspelt key does not compile.
namespace argKey {
inline constexpr char active[] = "active";
inline constexpr char bic[] = "bic";
inline constexpr char addressLine[] = "addressLine";
inline constexpr char adresse[] = "adresse";
inline constexpr char answer[] = "answer";
inline constexpr char attachment[] = "attachment";
inline constexpr char attachments[] = "attachments";
inline constexpr char body[] = "body";
inline constexpr char category[] = "category";
inline constexpr char city[] = "city";
inline constexpr char code[] = "code";
inline constexpr char codePostal[] = "codePostal";
inline constexpr char comment[] = "comment";
inline constexpr char confirmation[] = "confirmation";
inline constexpr char contactEmail[] = "contactEmail";
inline constexpr char content[] = "content";
inline constexpr char country[] = "country";
inline constexpr char currentPassword[] = "currentPassword";
inline constexpr char designation[] = "designation";
inline constexpr char effectiveDate[] = "effectiveDate";
inline constexpr char email[] = "email";
inline constexpr char enabled[] = "enabled";
inline constexpr char fileName[] = "fileName";
inline constexpr char fileType[] = "fileType";
inline constexpr char firstName[] = "firstName";
inline constexpr char from[] = "from";
inline constexpr char granted[] = "granted";
inline constexpr char iban[] = "iban";
inline constexpr char id[] = "id";
inline constexpr char identifierType[] = "identifierType";
inline constexpr char ids[] = "ids";
inline constexpr char language[] = "language";
inline constexpr char lastName[] = "lastName";
inline constexpr char libelle[] = "libelle";
inline constexpr char lines[] = "lines";
inline constexpr char name[] = "name";
inline constexpr char newPassword[] = "newPassword";
inline constexpr char password[] = "password";
inline constexpr char postalCode[] = "postalCode";
inline constexpr char principal[] = "principal";
inline constexpr char question[] = "question";
inline constexpr char raisonSociale[] = "raisonSociale";
inline constexpr char role[] = "role";
inline constexpr char secretAnswer[] = "secretAnswer";
inline constexpr char secretQuestion[] = "secretQuestion";
inline constexpr char service[] = "service";
inline constexpr char services[] = "services";
inline constexpr char siret[] = "siret";
inline constexpr char space[] = "space";
inline constexpr char spaces[] = "spaces";
inline constexpr char status[] = "status";
inline constexpr char structure[] = "structure";
inline constexpr char structures[] = "structures";
inline constexpr char subject[] = "subject";
inline constexpr char subscription[] = "subscription";
inline constexpr char subscriptions[] = "subscriptions";
inline constexpr char successor[] = "successor";
inline constexpr char successors[] = "successors";
inline constexpr char text[] = "text";
inline constexpr char to[] = "to";
inline constexpr char token[] = "token";
inline constexpr char user[] = "user";
inline constexpr char users[] = "users";
inline constexpr char validate[] = "validate";
inline constexpr char validFrom[] = "validFrom";
inline constexpr char validUntil[] = "validUntil";
inline constexpr char ville[] = "ville";
inline constexpr char wholeStructure[] = "wholeStructure";
// Inside each item of `lines` (and the modes of subscribeUsers).
inline constexpr char serviceId[] = "serviceId";
inline constexpr char modification[] = "modification";
inline constexpr char consultation[] = "consultation";
// Inside `successors`.
inline constexpr char forAll[] = "forAll";
inline constexpr char perStructure[] = "perStructure";
} // namespace argKey

// What the dispatcher accepts for an argument (docs/COMMANDS.md, Conventions).
enum class ArgType {
    Text, // a JSON string
    Flag, // true or false
    Id, // a whole number >= 0, or a string of digits
    Ids, // an array of ids
    Date, // "yyyy-MM-dd"
    Base64, // file content, base64-encoded
    Successors, // {"forAll": id, "perStructure": {"<structure id>": id}}
    SubscriptionLines, // [{"serviceId": id, "modification": bool, "consultation": bool}]
    Texts, // a list of JSON strings
    NewServices, // [{"code": text, "name": text}]
};

enum class ArgNeed {
    Optional,
    Required,
    // Required when the argument named by ArgSpec::with is given, not read otherwise.
    RequiredWith,
};

struct ArgSpec
{
    const char *key;
    ArgType type;
    ArgNeed need;
    // A password or a secret answer: never stored in the outbox, never shown.
    bool secret;
    // User-visible, translated in the context guichet::CommandCatalogue.
    const char *label;
    const char *with = nullptr; // for RequiredWith

    QString translatedLabel() const;
};

// The typed call of a command, once its arguments passed the declaration's checks.
using CommandHandler = CommandResult (*)(Core &core, qint64 actorId, ArgReader &args);

struct CommandSpec
{
    const char *name;
    // For the outbox and the sync dialogs, translated in guichet::CommandCatalogue.
    const char *title;
    // Runs without a signed-in user (actorId 0).
    bool anonymous;
    QList<ArgSpec> args;
    CommandHandler run;

    QString translatedTitle() const;
    const ArgSpec *arg(const QString &key) const;
    bool carriesSecrets() const;
    // Whether the desktop may keep it in the offline outbox: not when it carries a secret.
    bool mayWaitOffline() const { return !carriesSecrets(); }
};

// Every user-facing command of core, each declared once (commandcatalogue.cpp):
// its name, title, arguments (key, type, need, secret, label), whether it is
// anonymous and the typed call it makes. The dispatcher checks arguments
// against it, the remote gateway asks it which commands may wait offline, the
// sync dialogs take titles and labels from it and docs/COMMANDS.md's reference
// is generated from it (referenceMarkdown).
class CommandCatalogue
{
    Q_DECLARE_TR_FUNCTIONS(guichet::CommandCatalogue)

public:
    // In the order of docs/COMMANDS.md.
    static const std::vector<CommandSpec> &commands();
    // nullptr for a name the catalogue does not know.
    static const CommandSpec *find(const QString &name);
    // Whether some command declares this key secret (for arguments of a
    // command this version does not know).
    static bool isSecretKey(const QString &key);
    // The first missing or ill-typed argument, as the dispatcher answers it
    // (InvalidInput, field = the key); nothing when the arguments fit.
    static std::optional<CommandResult> check(const CommandSpec &command, const QJsonObject &args);
    // The longest text argument `key` accepts (kernel/textlimits.h), 0 for a
    // key that is not a text argument of any command. check() refuses longer.
    static int maxTextLength(const char *key);
    // The reference section of docs/COMMANDS.md, between (not including) the
    // markers below.
    static QString referenceMarkdown();
    static constexpr char beginMarker[] = "<!-- catalogue:begin -->";
    static constexpr char endMarker[] = "<!-- catalogue:end -->";
};

} // namespace guichet
