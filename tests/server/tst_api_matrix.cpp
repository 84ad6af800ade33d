#include "apiclient.h"
#include "fixtures.h"
#include "rules/accounts/passwords.h"
#include "testdatabase.h"

#include <QDateTime>
#include <QJsonArray>
#include <QRegularExpression>
#include <QTest>

#include <functional>

using namespace guichet;
using namespace guichet::test;

namespace {

const QString kPassword = QStringLiteral("Tournesol2024x");

// One world, rebuilt (fresh database, fresh guichetd) whenever a row may have
// changed it. Structure S: principal P, secondary "sec" (SN when S has no
// secondary powers, SW when it has them), simple user U, a secondary D who
// left through deactivateAccount (keeping the token D had), a pending request
// by R. Structure T: principal PT, a pending request by RT. F is attached nowhere; "support" is support
// staff.
struct World
{
    std::unique_ptr<TestDatabase> db;
    std::unique_ptr<Guichetd> server;
    std::unique_ptr<ApiClient> api;
    bool powers = false;
    qint64 s = 0, t = 0;
    qint64 serviceOfS = 0; // S's service « Achats »
    qint64 request = 0; // R's pending request to S
    qint64 uAttachment = 0; // U's attachment to S
    qint64 file = 0; // U's attached file
    qint64 solicitation = 0; // R's solicitation
    qint64 subscription = 0; // U's pending subscription on S
    // U's validated « Factures émises » on S (S does not leave it to its
    // users): `invoices` as it is, `removalAsked` with U's removal request waiting.
    qint64 invoices = 0, removalAsked = 0;
    qint64 waiting = 0; // an account waiting for activation (signed up through POST signup)
    qint64 invitation = 0; // P invited guest@example.org to S (an attachment 'invited')
    QHash<QString, qint64> users;
    QHash<QString, QString> tokens;
};

// The caller of a row -> the world's user key (empty: anonymous).
QString userOf(const QString &caller)
{
    if (caller == QLatin1String("SN") || caller == QLatin1String("SW"))
        return QStringLiteral("sec");
    if (caller == QLatin1String("anonymous"))
        return {};
    return caller.toLower();
}

QString today()
{
    return QDateTime::currentDateTimeUtc().date().toString(Qt::ISODate);
}

using Call = std::function<ApiReply(World &, const QString &user, const QString &token)>;

struct Route
{
    QString name;
    // Callers (other than anonymous and D) who get 200; the others get 403.
    QStringList allowed;
    bool mutating = true;
    bool anonymousAllowed = false; // otherwise anonymous gets 401
    bool session = false; // sign-in/out: sessions and their audit entries may change
    Call call;
    // An anonymous route that drops any token (Auth::None): every caller, even
    // D with a revoked token, gets the anonymous answer.
    bool tokenIgnored = false;
};

Call command(const QString &name, std::function<QJsonObject(World &)> args)
{
    return [name, args](World &w, const QString &, const QString &token) {
        return w.api->command(name, args(w), token);
    };
}

// The code of the latest activation mail to `email`.
QString activationCode(World &w, const QString &email)
{
    const QString body = w.db->db()
                             .value(QStringLiteral("SELECT body_text FROM mail_outbox WHERE recipient = ? "
                                                   "ORDER BY id DESC LIMIT 1"),
                                    { email })
                             .toString();
    const auto match
        = QRegularExpression(QStringLiteral("guichet://activate\\?token=([A-Za-z0-9_-]+)")).match(body);
    return match.captured(1);
}

QJsonObject signUpBody(const QString &email)
{
    return { { QStringLiteral("email"), email },
             { QStringLiteral("firstName"), QStringLiteral("Vera") },
             { QStringLiteral("lastName"), QStringLiteral("Visitor") },
             { QStringLiteral("password"), QStringLiteral("Marguerite 2026") },
             { QStringLiteral("secretQuestion"), QStringLiteral("Q ?") },
             { QStringLiteral("secretAnswer"), QStringLiteral("A") } };
}

const QString kWaiting = QStringLiteral("waiting@example.org");

const QStringList kEveryone { QStringLiteral("U"), QStringLiteral("SN"), QStringLiteral("SW"),
                              QStringLiteral("P"), QStringLiteral("PT"), QStringLiteral("support") };
const QStringList kManagers { QStringLiteral("SW"), QStringLiteral("P"), QStringLiteral("support") };

// The expectations, from docs/API.md, docs/COMMANDS.md and docs/RULES.md.
QList<Route> routes()
{
    QList<Route> r;
    r << Route { QStringLiteral("POST session"),
                 kEveryone,
                 true,
                 false,
                 true,
                 [](World &w, const QString &user, const QString &) {
                     ApiReply reply;
                     w.api->signIn(user.isEmpty() ? QStringLiteral("nobody@example.org")
                                                  : user + QStringLiteral("@example.org"),
                                   kPassword, &reply);
                     return reply;
                 } };
    r << Route { QStringLiteral("DELETE session"),
                 kEveryone,
                 true,
                 false,
                 true,
                 [](World &w, const QString &, const QString &token) {
                     return w.api->del(QStringLiteral("/api/v1/session"), token);
                 } };
    r << Route { QStringLiteral("GET me"),
                 kEveryone,
                 false,
                 false,
                 false,
                 [](World &w, const QString &, const QString &token) {
                     return w.api->get(QStringLiteral("/api/v1/me"), token);
                 } };
    r << Route { QStringLiteral("GET structures"),
                 kEveryone,
                 false,
                 false,
                 false,
                 [](World &w, const QString &, const QString &token) {
                     return w.api->get(QStringLiteral("/api/v1/structures?raison_sociale=menuiserie*"),
                                       token);
                 } };
    // Its keyset page and count: the same rights (every signed-in user).
    r << Route { QStringLiteral("GET structures (keyset page and count)"),
                 kEveryone,
                 false,
                 false,
                 false,
                 [](World &w, const QString &, const QString &token) {
                     return w.api->get(QStringLiteral("/api/v1/structures?raison_sociale=*&count=bounded&"
                                                      "after_key=a&after_id=1&limit=5"),
                                       token);
                 } };
    r << Route { QStringLiteral("GET users"),
                 kEveryone,
                 false,
                 false,
                 false,
                 [](World &w, const QString &, const QString &token) {
                     return w.api->get(QStringLiteral("/api/v1/users?q=martin"), token);
                 } };
    r << Route { QStringLiteral("GET changes"),
                 kEveryone,
                 false,
                 false,
                 false,
                 [](World &w, const QString &, const QString &token) {
                     return w.api->get(QStringLiteral("/api/v1/changes?since=0"), token);
                 } };
    // Only the owner downloads a file's content; support staff too get 403.
    r << Route { QStringLiteral("GET file content (U's)"),
                 { QStringLiteral("U") },
                 false,
                 false,
                 false,
                 [](World &w, const QString &, const QString &token) {
                     return w.api->get(QStringLiteral("/api/v1/files/%1/content").arg(w.file), token);
                 } };
    r << Route { QStringLiteral("POST solicitations"),
                 kEveryone,
                 true,
                 true,
                 false,
                 [](World &w, const QString &, const QString &token) {
                     return w.api->post(QStringLiteral("/api/v1/solicitations"),
                                        { { QStringLiteral("email"), QStringLiteral("visitor@example.org") },
                                          { QStringLiteral("category"), QStringLiteral("access") },
                                          { QStringLiteral("subject"), QStringLiteral("Access") },
                                          { QStringLiteral("body"), QStringLiteral("I cannot sign in.") } },
                                        token);
                 } };
    r << Route { QStringLiteral("decideAttachment (R's request)"),
                 kManagers,
                 true,
                 false,
                 false,
                 command(QStringLiteral("decideAttachment"), [](World &w) {
                     return QJsonObject { { QStringLiteral("attachment"), w.request },
                                          { QStringLiteral("validate"), true } };
                 }) };
    r << Route { QStringLiteral("setAttachmentRole (U's)"),
                 kManagers,
                 true,
                 false,
                 false,
                 command(QStringLiteral("setAttachmentRole"), [](World &w) {
                     return QJsonObject { { QStringLiteral("attachment"), w.uAttachment },
                                          { QStringLiteral("role"), QStringLiteral("secondary") } };
                 }) };
    // The user themselves, or a manager for a simple user's attachment.
    r << Route { QStringLiteral("removeAttachments (U's)"),
                 kManagers + QStringList { QStringLiteral("U") },
                 true,
                 false,
                 false,
                 command(QStringLiteral("removeAttachments"), [](World &w) {
                     return QJsonObject { { QStringLiteral("attachments"), QJsonArray { w.uAttachment } } };
                 }) };
    // The principal manager (not a secondary, even with the powers) or support.
    r << Route { QStringLiteral("setSecondaryPowers"),
                 { QStringLiteral("P"), QStringLiteral("support") },
                 true,
                 false,
                 false,
                 command(QStringLiteral("setSecondaryPowers"), [](World &w) {
                     return QJsonObject { { QStringLiteral("structure"), w.s },
                                          { QStringLiteral("granted"), !w.powers } };
                 }) };
    r << Route { QStringLiteral("updateStructure"),
                 kManagers,
                 true,
                 false,
                 false,
                 command(QStringLiteral("updateStructure"), [](World &w) {
                     return QJsonObject { { QStringLiteral("structure"), w.s },
                                          { QStringLiteral("siret"), validSiret(1) },
                                          { QStringLiteral("raisonSociale"),
                                            QStringLiteral("Menuiserie SARL") } };
                 }) };
    r << Route { QStringLiteral("addService"),
                 kManagers,
                 true,
                 false,
                 false,
                 command(QStringLiteral("addService"), [](World &w) {
                     return QJsonObject { { QStringLiteral("structure"), w.s },
                                          { QStringLiteral("code"), QStringLiteral("ATL") },
                                          { QStringLiteral("name"), QStringLiteral("Atelier") } };
                 }) };
    r << Route { QStringLiteral("enableStructureSpace"),
                 kManagers,
                 true,
                 false,
                 false,
                 command(QStringLiteral("enableStructureSpace"), [](World &w) {
                     return QJsonObject { { QStringLiteral("structure"), w.s },
                                          { QStringLiteral("space"), QStringLiteral("factures_recues") } };
                 }) };
    // « Factures émises » left to S's users: S's managers and support.
    r << Route { QStringLiteral("setSelfServiceSpace (S, Factures émises)"),
                 kManagers,
                 true,
                 false,
                 false,
                 command(QStringLiteral("setSelfServiceSpace"), [](World &w) {
                     return QJsonObject { { QStringLiteral("structure"), w.s },
                                          { QStringLiteral("space"), QStringLiteral("factures_emises") },
                                          { QStringLiteral("enabled"), true } };
                 }) };
    r << Route { QStringLiteral("decideSubscription (U's)"),
                 kManagers,
                 true,
                 false,
                 false,
                 command(QStringLiteral("decideSubscription"), [](World &w) {
                     return QJsonObject { { QStringLiteral("subscription"), w.subscription },
                                          { QStringLiteral("validate"), true } };
                 }) };
    // U's own removal becomes a request; S's managers and support remove it at once.
    r << Route { QStringLiteral("removeSubscriptions (U's Factures émises)"),
                 { QStringLiteral("U"), QStringLiteral("SW"), QStringLiteral("P"),
                   QStringLiteral("support") },
                 true,
                 false,
                 false,
                 command(QStringLiteral("removeSubscriptions"), [](World &w) {
                     return QJsonObject { { QStringLiteral("subscriptions"), QJsonArray { w.invoices } } };
                 }) };
    r << Route { QStringLiteral("decideSubscription (U's removal request)"),
                 kManagers,
                 true,
                 false,
                 false,
                 command(QStringLiteral("decideSubscription"), [](World &w) {
                     return QJsonObject { { QStringLiteral("subscription"), w.removalAsked },
                                          { QStringLiteral("validate"), true } };
                 }) };
    r << Route {
        QStringLiteral("withdrawSubscriptionRemovals (U's)"),
        { QStringLiteral("U") },
        true,
        false,
        false,
        command(QStringLiteral("withdrawSubscriptionRemovals"),
                [](World &w) {
                    return QJsonObject { { QStringLiteral("subscriptions"), QJsonArray { w.removalAsked } } };
                })
    };
    r << Route { QStringLiteral("transferPrincipal (to U)"),
                 { QStringLiteral("P"), QStringLiteral("support") },
                 true,
                 false,
                 false,
                 command(QStringLiteral("transferPrincipal"), [](World &w) {
                     return QJsonObject { { QStringLiteral("structure"), w.s },
                                          { QStringLiteral("successor"),
                                            w.users.value(QStringLiteral("u")) } };
                 }) };
    r << Route { QStringLiteral("attachUser (F)"),
                 kManagers,
                 true,
                 false,
                 false,
                 command(QStringLiteral("attachUser"), [](World &w) {
                     return QJsonObject { { QStringLiteral("structure"), w.s },
                                          { QStringLiteral("user"), w.users.value(QStringLiteral("f")) },
                                          { QStringLiteral("validFrom"), today() } };
                 }) };
    // One user, several structures, all or nothing: S alone for S's managers;
    // S and T only for support (P and SW manage S, not T: 403, nothing attached).
    r << Route { QStringLiteral("attachUserToStructures (F to S)"),
                 kManagers,
                 true,
                 false,
                 false,
                 command(QStringLiteral("attachUserToStructures"), [](World &w) {
                     return QJsonObject { { QStringLiteral("structures"), QJsonArray { w.s } },
                                          { QStringLiteral("user"), w.users.value(QStringLiteral("f")) },
                                          { QStringLiteral("validFrom"), today() } };
                 }) };
    r << Route { QStringLiteral("attachUserToStructures (F to S and T)"),
                 { QStringLiteral("support") },
                 true,
                 false,
                 false,
                 command(QStringLiteral("attachUserToStructures"), [](World &w) {
                     return QJsonObject { { QStringLiteral("structures"), QJsonArray { w.s, w.t } },
                                          { QStringLiteral("user"), w.users.value(QStringLiteral("f")) },
                                          { QStringLiteral("validFrom"), today() } };
                 }) };
    // With services per structure: S's « Achats » only.
    r << Route { QStringLiteral("attachUserToStructures (F to S's Achats)"),
                 kManagers,
                 true,
                 false,
                 false,
                 command(QStringLiteral("attachUserToStructures"), [](World &w) {
                     return QJsonObject { { QStringLiteral("structures"), QJsonArray { w.s } },
                                          { QStringLiteral("services"), QJsonArray { w.serviceOfS } },
                                          { QStringLiteral("user"), w.users.value(QStringLiteral("f")) },
                                          { QStringLiteral("validFrom"), today() } };
                 }) };
    // Bulk subscriptions without a request: S's managers and support.
    r << Route { QStringLiteral("subscribeUsers (U to Factures émises on S)"),
                 kManagers,
                 true,
                 false,
                 false,
                 command(QStringLiteral("subscribeUsers"), [](World &w) {
                     return QJsonObject { { QStringLiteral("structure"), w.s },
                                          { QStringLiteral("users"),
                                            QJsonArray { w.users.value(QStringLiteral("u")) } },
                                          { QStringLiteral("space"), QStringLiteral("factures_emises") },
                                          { QStringLiteral("modification"), true },
                                          { QStringLiteral("effectiveDate"), today() } };
                 }) };
    // « Inviter un utilisateur »: the structure's managers and support.
    r << Route { QStringLiteral("inviteUser (an unknown address)"),
                 kManagers,
                 true,
                 false,
                 false,
                 command(QStringLiteral("inviteUser"), [](World &w) {
                     return QJsonObject { { QStringLiteral("structure"), w.s },
                                          { QStringLiteral("email"), QStringLiteral("newcomer@example.org") },
                                          { QStringLiteral("role"), QStringLiteral("user") } };
                 }) };
    r << Route { QStringLiteral("inviteUser (F, active: attached at once)"),
                 kManagers,
                 true,
                 false,
                 false,
                 command(QStringLiteral("inviteUser"), [](World &w) {
                     return QJsonObject { { QStringLiteral("structure"), w.s },
                                          { QStringLiteral("email"), QStringLiteral("f@example.org") } };
                 }) };
    r << Route { QStringLiteral("resendInvitation (guest)"),
                 kManagers,
                 true,
                 false,
                 false,
                 command(QStringLiteral("resendInvitation"), [](World &w) {
                     return QJsonObject { { QStringLiteral("attachment"), w.invitation } };
                 }) };
    r << Route { QStringLiteral("supportReactivate (D)"),
                 { QStringLiteral("support") },
                 true,
                 false,
                 false,
                 command(QStringLiteral("supportReactivate"), [](World &w) {
                     return QJsonObject { { QStringLiteral("user"), w.users.value(QStringLiteral("d")) } };
                 }) };
    r << Route { QStringLiteral("setStatus (R's solicitation)"),
                 { QStringLiteral("support") },
                 true,
                 false,
                 false,
                 command(QStringLiteral("setStatus"), [](World &w) {
                     return QJsonObject { { QStringLiteral("id"), w.solicitation },
                                          { QStringLiteral("status"), QStringLiteral("in_progress") } };
                 }) };
    r << Route { QStringLiteral("reply (R's solicitation)"),
                 { QStringLiteral("support") },
                 true,
                 false,
                 false,
                 command(QStringLiteral("reply"), [](World &w) {
                     return QJsonObject { { QStringLiteral("id"), w.solicitation },
                                          { QStringLiteral("text"), QStringLiteral("We are on it.") } };
                 }) };
    r << Route { QStringLiteral("addFile (own)"),
                 kEveryone,
                 true,
                 false,
                 false,
                 command(QStringLiteral("addFile"), [](World &) {
                     return QJsonObject { { QStringLiteral("designation"), QStringLiteral("Devis") },
                                          { QStringLiteral("fileType"), QStringLiteral("devis") },
                                          { QStringLiteral("fileName"), QStringLiteral("devis.pdf") },
                                          { QStringLiteral("content"), QStringLiteral("JVBERi0xLjQ=") } };
                 }) };
    r << Route { QStringLiteral("updateFile (U's)"),
                 { QStringLiteral("U") },
                 true,
                 false,
                 false,
                 command(QStringLiteral("updateFile"), [](World &w) {
                     return QJsonObject { { QStringLiteral("id"), w.file },
                                          { QStringLiteral("designation"), QStringLiteral("Kbis 2026") },
                                          { QStringLiteral("fileType"), QStringLiteral("justificatif") } };
                 }) };
    r << Route { QStringLiteral("deleteFiles (U's)"),
                 { QStringLiteral("U") },
                 true,
                 false,
                 false,
                 command(QStringLiteral("deleteFiles"), [](World &w) {
                     return QJsonObject { { QStringLiteral("ids"), QJsonArray { w.file } } };
                 }) };
    // « Créer un compte »: anonymous routes and commands; the same answer for
    // every caller, with or without a token.
    r << Route { QStringLiteral("POST signup"),
                 kEveryone,
                 true,
                 true,
                 false,
                 [](World &w, const QString &, const QString &token) {
                     return w.api->post(QStringLiteral("/api/v1/signup"),
                                        signUpBody(QStringLiteral("vera@example.org")), token);
                 },
                 true };
    r << Route { QStringLiteral("signUp (command)"),
                 kEveryone,
                 true,
                 true,
                 false,
                 command(QStringLiteral("signUp"),
                         [](World &) { return signUpBody(QStringLiteral("vera@example.org")); }),
                 true };
    r << Route { QStringLiteral("POST activation/resend"),
                 kEveryone,
                 true,
                 true,
                 false,
                 [](World &w, const QString &, const QString &token) {
                     return w.api->post(QStringLiteral("/api/v1/activation/resend"),
                                        { { QStringLiteral("email"), kWaiting } }, token);
                 },
                 true };
    r << Route { QStringLiteral("resendActivation (command)"),
                 kEveryone,
                 true,
                 true,
                 false,
                 command(QStringLiteral("resendActivation"),
                         [](World &) {
                             return QJsonObject { { QStringLiteral("email"), kWaiting } };
                         }),
                 true };
    // Activation signs the owner in: a session, as POST session.
    r << Route { QStringLiteral("POST activation"),
                 kEveryone,
                 true,
                 true,
                 true,
                 [](World &w, const QString &, const QString &token) {
                     return w.api->post(QStringLiteral("/api/v1/activation"),
                                        { { QStringLiteral("token"), activationCode(w, kWaiting) } }, token);
                 },
                 true };
    r << Route { QStringLiteral("activateAccount (command)"),
                 kEveryone,
                 true,
                 true,
                 false,
                 command(QStringLiteral("activateAccount"),
                         [](World &w) {
                             return QJsonObject { { QStringLiteral("token"), activationCode(w, kWaiting) } };
                         }),
                 true };
    // « Renvoyer le mail d'activation »: support staff only.
    r << Route { QStringLiteral("supportResendActivation"),
                 { QStringLiteral("support") },
                 true,
                 false,
                 false,
                 command(QStringLiteral("supportResendActivation"), [](World &w) {
                     return QJsonObject { { QStringLiteral("user"), w.waiting } };
                 }) };
    // « Créer une fiche structure » in full: any signed-in user.
    r << Route { QStringLiteral("createStructure (full record)"),
                 kEveryone,
                 true,
                 false,
                 false,
                 command(QStringLiteral("createStructure"), [](World &) {
                     return QJsonObject {
                         { QStringLiteral("identifierType"), QStringLiteral("ridet") },
                         { QStringLiteral("siret"), QStringLiteral("1234567.001") },
                         { QStringLiteral("raisonSociale"), QStringLiteral("Scierie de Nouméa") },
                         { QStringLiteral("services"),
                           QJsonArray {
                               QJsonObject { { QStringLiteral("code"), QStringLiteral("A") },
                                             { QStringLiteral("name"), QStringLiteral("Atelier") } } } },
                         { QStringLiteral("iban"), QStringLiteral("FR7630006000011234567890189") },
                         { QStringLiteral("bic"), QStringLiteral("BNPAFRPP") },
                         { QStringLiteral("spaces"), QJsonArray { QStringLiteral("factures_recues") } },
                     };
                 }) };
    // Bank details: the structure's managers only, not support (docs/RULES.md).
    r << Route { QStringLiteral("updateStructure with bank details"),
                 { QStringLiteral("SW"), QStringLiteral("P") },
                 true,
                 false,
                 false,
                 command(QStringLiteral("updateStructure"), [](World &w) {
                     return QJsonObject {
                         { QStringLiteral("structure"), w.s },
                         { QStringLiteral("siret"), validSiret(1) },
                         { QStringLiteral("raisonSociale"), QStringLiteral("Menuiserie SARL") },
                         { QStringLiteral("iban"), QStringLiteral("DE89370400440532013000") },
                         { QStringLiteral("bic"), QStringLiteral("COBADEFFXXX") }
                     };
                 }) };
    // The support console's list of requests to principal-less structures.
    r << Route { QStringLiteral("GET support/principal-requests"),
                 { QStringLiteral("support") },
                 false,
                 false,
                 false,
                 [](World &w, const QString &, const QString &token) {
                     return w.api->get(QStringLiteral("/api/v1/support/principal-requests"), token);
                 } };
    return r;
}

// SN and SW are the same secondary manager, on S without and with the
// secondary powers; D is a secondary of S with the powers, deactivated.
const QStringList kCallers { QStringLiteral("anonymous"), QStringLiteral("U"),       QStringLiteral("SN"),
                             QStringLiteral("PT"),        QStringLiteral("support"), QStringLiteral("P"),
                             QStringLiteral("SW"),        QStringLiteral("D") };

bool worldWithPowers(const QString &caller)
{
    return caller == QLatin1String("SW") || caller == QLatin1String("D");
}

} // namespace

// Issue 4: every route of docs/API.md, at least one command per feature of
// docs/COMMANDS.md, by every kind of caller, against the real guichetd. The
// expected status comes from the rules; a refusal leaves the data untouched and
// an allowed change is seen in the database.
class TestApiMatrix : public QObject
{
    Q_OBJECT

private:
    std::unique_ptr<World> m_world;
    bool m_dirty = true;
    QList<Route> m_routes = routes();

    bool buildWorld(bool powers, QString *error)
    {
        m_world.reset();
        auto w = std::make_unique<World>();
        w->powers = powers;
        w->db = std::make_unique<TestDatabase>();
        if (!w->db->isValid()) {
            *error = w->db->error();
            return false;
        }
        Database &db = w->db->db();
        const QString hash = PasswordHasher::hash(kPassword);
        for (const char *key : { "p", "sec", "u", "r", "pt", "rt", "f", "support", "d" }) {
            const QString name = QString::fromLatin1(key);
            const qint64 id = insertUser(db, name + QStringLiteral("@example.org"), name.toUpper(),
                                         QStringLiteral("Martin"), name == QLatin1String("support"));
            db.exec(QStringLiteral("UPDATE users SET password_hash = ? WHERE id = ?"), { hash, id });
            w->users.insert(name, id);
        }
        w->s = insertStructure(db, validSiret(1), QStringLiteral("Menuiserie Dupont"), powers);
        w->t = insertStructure(db, validSiret(2), QStringLiteral("Boulangerie Durand"), false);
        w->serviceOfS = insertService(db, w->s, QStringLiteral("ACH"), QStringLiteral("Achats"));
        const QDate from = QDateTime::currentDateTimeUtc().date().addDays(-10);
        const auto attach = [&](const char *user, qint64 structure, const char *role, const char *status) {
            return insertAttachment(db, w->users.value(QString::fromLatin1(user)), structure,
                                    QString::fromLatin1(role), QString::fromLatin1(status), from);
        };
        attach("p", w->s, "principal", "validated");
        attach("sec", w->s, "secondary", "validated");
        w->uAttachment = attach("u", w->s, "user", "validated");
        attach("d", w->s, "secondary", "validated");
        w->request = attach("r", w->s, "user", "pending");
        attach("pt", w->t, "principal", "validated");
        attach("rt", w->t, "user", "pending");

        w->server = std::make_unique<Guichetd>();
        if (!w->server->start(w->db->location(), {}, error))
            return false;
        w->api = std::make_unique<ApiClient>(w->server->baseUrl());
        for (const char *key : { "p", "sec", "u", "r", "pt", "support", "d" }) {
            const QString name = QString::fromLatin1(key);
            const QString token = w->api->signIn(name + QStringLiteral("@example.org"), kPassword);
            if (token.isEmpty()) {
                *error = QStringLiteral("sign-in of %1 failed").arg(name);
                return false;
            }
            w->tokens.insert(name, token);
        }
        // D leaves through the command: every token of D is revoked with it,
        // and D keeps the last one for the rows where D calls.
        const ApiReply left
            = w->api->command(QStringLiteral("deactivateAccount"), {}, w->tokens.value(QStringLiteral("d")));
        if (left.status != 200) {
            *error = QStringLiteral("set-up deactivation: %1").arg(QString::fromUtf8(left.body));
            return false;
        }

        // What the routes act on, made through the commands themselves.
        const auto made = [&](const ApiReply &reply, const char *what, qint64 *id) {
            if (reply.status != 200) {
                *error = QStringLiteral("set-up %1: %2 %3")
                             .arg(QString::fromLatin1(what))
                             .arg(reply.status)
                             .arg(QString::fromUtf8(reply.body));
                return false;
            }
            *id = reply.json.value(QLatin1String("id")).toInteger();
            return true;
        };
        const QString u = w->tokens.value(QStringLiteral("u"));
        if (!made(w->api->command(QStringLiteral("addFile"),
                                  { { QStringLiteral("designation"), QStringLiteral("Kbis") },
                                    { QStringLiteral("fileType"), QStringLiteral("justificatif") },
                                    { QStringLiteral("fileName"), QStringLiteral("kbis.pdf") },
                                    { QStringLiteral("content"), QStringLiteral("JVBERi0xLjQ=") } },
                                  u),
                  "file", &w->file))
            return false;
        if (!made(w->api->command(
                      QStringLiteral("requestSubscription"),
                      { { QStringLiteral("structure"), w->s },
                        { QStringLiteral("space"), QStringLiteral("sollicitations_recues") },
                        { QStringLiteral("lines"),
                          QJsonArray { QJsonObject { { QStringLiteral("serviceId"), 0 },
                                                     { QStringLiteral("modification"), true },
                                                     { QStringLiteral("consultation"), false } } } },
                        { QStringLiteral("effectiveDate"), today() } },
                      u),
                  "subscription", &w->subscription))
            return false;
        // U's « Factures émises » on the service Achats, both modes, asked by U
        // and validated by P; U asks to remove one. (The whole structure's
        // stays free for the subscribeUsers row.)
        const ApiReply requested
            = w->api->command(QStringLiteral("requestSubscription"),
                              { { QStringLiteral("structure"), w->s },
                                { QStringLiteral("space"), QStringLiteral("factures_emises") },
                                { QStringLiteral("lines"),
                                  QJsonArray { QJsonObject { { QStringLiteral("serviceId"), w->serviceOfS },
                                                             { QStringLiteral("modification"), true },
                                                             { QStringLiteral("consultation"), true } } } },
                                { QStringLiteral("effectiveDate"), today() } },
                              u);
        const ApiReply given = w->api->command(QStringLiteral("decideSubscriptions"),
                                               { { QStringLiteral("subscriptions"),
                                                   requested.json.value(QLatin1String("data"))
                                                       .toObject()
                                                       .value(QLatin1String("ids"))
                                                       .toArray() },
                                                 { QStringLiteral("validate"), true } },
                                               w->tokens.value(QStringLiteral("p")));
        const auto invoicesRow = [&](const char *mode) {
            return db
                .value(QStringLiteral(
                           "SELECT s.id FROM subscriptions s JOIN spaces sp ON sp.id = s.space_id WHERE "
                           "s.user_id = ? AND sp.code = 'factures_emises' AND s.mode = ?"),
                       { w->users.value(QStringLiteral("u")), QString::fromLatin1(mode) })
                .toLongLong();
        };
        w->invoices = invoicesRow("consultation");
        w->removalAsked = invoicesRow("modification");
        const ApiReply asked
            = w->api->command(QStringLiteral("removeSubscriptions"),
                              { { QStringLiteral("subscriptions"), QJsonArray { w->removalAsked } } }, u);
        if (given.status != 200 || asked.status != 200 || !w->invoices || !w->removalAsked
            || asked.json.value(QLatin1String("data"))
                    .toObject()
                    .value(QLatin1String("removalRequested"))
                    .toArray()
                    .size()
                != 1) {
            *error = QStringLiteral("set-up removal request: %1 %2")
                         .arg(QString::fromUtf8(given.body), QString::fromUtf8(asked.body));
            return false;
        }
        if (!made(w->api->command(QStringLiteral("createSolicitation"),
                                  { { QStringLiteral("category"), QStringLiteral("access") },
                                    { QStringLiteral("subject"), QStringLiteral("Access") },
                                    { QStringLiteral("body"), QStringLiteral("My request waits.") } },
                                  w->tokens.value(QStringLiteral("r"))),
                  "solicitation", &w->solicitation))
            return false;
        const ApiReply signedUp = w->api->post(QStringLiteral("/api/v1/signup"), signUpBody(kWaiting));
        w->waiting = db.value(QStringLiteral("SELECT id FROM users WHERE email = ? AND status = 'pending'"),
                              { kWaiting })
                         .toLongLong();
        if (signedUp.status != 200 || !w->waiting) {
            *error = QStringLiteral("set-up sign-up: %1").arg(QString::fromUtf8(signedUp.body));
            return false;
        }
        const ApiReply invited
            = w->api->command(QStringLiteral("inviteUser"),
                              { { QStringLiteral("structure"), w->s },
                                { QStringLiteral("email"), QStringLiteral("guest@example.org") } },
                              w->tokens.value(QStringLiteral("p")));
        w->invitation
            = db.value(QStringLiteral("SELECT id FROM attachments WHERE status = 'invited'")).toLongLong();
        if (invited.status != 200 || !w->invitation) {
            *error = QStringLiteral("set-up invitation: %1").arg(QString::fromUtf8(invited.body));
            return false;
        }
        if (db.value(QStringLiteral("SELECT status FROM subscriptions WHERE id = ?"), { w->subscription })
                .toString()
            != QLatin1String("pending")) {
            *error = QStringLiteral("U's subscription is not pending");
            return false;
        }
        m_world = std::move(w);
        return true;
    }

    QString businessSnapshot(bool session)
    {
        QStringList except { QStringLiteral("applied_commands"), QStringLiteral("sessions") };
        // A sign-in attempt is audited, which moves the change counter (on
        // PostgreSQL: committed_versions), and a failed one is counted for its
        // e-mail and address.
        if (session)
            except << QStringLiteral("audit_log") << QStringLiteral("counters")
                   << QStringLiteral("committed_versions") << QStringLiteral("sign_in_failures");
        return snapshot(m_world->db->db(), except);
    }

private slots:
    void initTestCase() { PasswordHasher::setFastHashingForTests(true); }

    void cleanupTestCase()
    {
        if (m_world && m_world->server)
            QCOMPARE(m_world->server->stop(), 0);
    }

    void matrix_data()
    {
        QTest::addColumn<int>("route");
        QTest::addColumn<QString>("caller");
        QTest::addColumn<int>("expected");
        for (int i = 0; i < m_routes.size(); ++i) {
            const Route &route = m_routes.at(i);
            for (const QString &caller : kCallers) {
                // A route that drops the token answers every caller alike: one
                // without a token, one with a valid token and D's revoked one
                // stand for all (each of these rows rebuilds the world).
                if (route.tokenIgnored && caller != QLatin1String("anonymous") && caller != QLatin1String("U")
                    && caller != QLatin1String("D"))
                    continue;
                int expected = 0;
                if (route.tokenIgnored)
                    expected = 200;
                else if (caller == QLatin1String("anonymous"))
                    expected = route.anonymousAllowed ? 200 : 401;
                else if (caller == QLatin1String("D"))
                    // Deactivation revoked D's token (docs/API.md, Sessions); signing
                    // in again is refused as a deactivated account.
                    expected = route.name == QLatin1String("POST session") ? 403 : 401;
                else
                    expected = route.allowed.contains(caller) ? 200 : 403;
                QTest::newRow(qPrintable(route.name + QStringLiteral(" / ") + caller))
                    << i << caller << expected;
            }
        }
    }

    void matrix()
    {
        QFETCH(int, route);
        QFETCH(QString, caller);
        QFETCH(int, expected);
        const Route &r = m_routes.at(route);
        const bool powers = worldWithPowers(caller);
        if (m_dirty || !m_world || m_world->powers != powers) {
            QString error;
            QVERIFY2(buildWorld(powers, &error), qPrintable(error));
            m_dirty = false;
        }
        m_dirty = true; // until this row is seen to leave the world as it was
        const QString user = userOf(caller);
        const QString before = businessSnapshot(r.session);
        const ApiReply reply = r.call(*m_world, user, m_world->tokens.value(user));
        QVERIFY2(reply.status == expected,
                 qPrintable(QStringLiteral("got %1, expected %2: %3")
                                .arg(reply.status)
                                .arg(expected)
                                .arg(QString::fromUtf8(reply.body.left(300)))));
        const QString after = businessSnapshot(r.session);
        if (expected != 200) {
            QCOMPARE(reply.json.value(QLatin1String("ok")).toBool(true), false);
            QCOMPARE(reply.code(),
                     expected == 401 ? QStringLiteral("unauthenticated") : QStringLiteral("forbidden"));
            QVERIFY(!reply.json.value(QLatin1String("message")).toString().isEmpty());
            QCOMPARE(after, before);
            m_dirty = false;
        } else if (r.mutating && !r.session) {
            QCOMPARE(reply.json.value(QLatin1String("ok")).toBool(), true);
            QVERIFY2(after != before, "an allowed command changed nothing");
        } else if (!r.mutating) {
            QCOMPARE(after, before);
            m_dirty = false;
        }
    }
};

QTEST_GUILESS_MAIN(TestApiMatrix)
#include "tst_api_matrix.moc"
