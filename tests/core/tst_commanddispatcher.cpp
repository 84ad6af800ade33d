#include "commands/commandargs.h"
#include "commands/commanddispatcher.h"
#include "coreworld.h"
#include "fixtures.h"
#include "kernel/core.h"
#include "manualclock.h"
#include "rules/accounts/accounts.h"
#include "rules/accounts/passwords.h"
#include "testdatabase.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QTest>

using namespace guichet;
using namespace guichet::test;

namespace {

const QString kPassword = QStringLiteral("Tournesol2024x");

// A structure S (principal Paul, services A and B) where Ugo is a simple user,
// Alice (created through core, with a password) and support staff Sue.
struct World : CoreWorld
{
    std::unique_ptr<CommandDispatcher> dispatcher;
    qint64 paul = 0, ugo = 0, alice = 0, support = 0;
    qint64 s = 0, a = 0, b = 0;
    qint64 paulAttachment = 0, ugoAttachment = 0;

    bool init()
    {
        if (!isValid())
            return false;
        Database &db = t.db();
        dispatcher = std::make_unique<CommandDispatcher>(*core);
        paul = insertUser(db, QStringLiteral("paul@example.org"), QStringLiteral("Paul"));
        ugo = insertUser(db, QStringLiteral("ugo@example.org"), QStringLiteral("Ugo"));
        support = insertUser(db, QStringLiteral("support@example.org"), QStringLiteral("Sue"),
                             QStringLiteral("Port"), true);
        alice = Accounts(*core)
                    .createUser({ QStringLiteral("alice@example.org"), QStringLiteral("Alice"),
                                  QStringLiteral("Martin"), kPassword })
                    .id;
        s = insertStructure(db, validSiret(1), QStringLiteral("Menuiserie Dupont"));
        a = insertService(db, s, QStringLiteral("A"), QStringLiteral("Atelier"));
        b = insertService(db, s, QStringLiteral("B"), QStringLiteral("Bureau"));
        paulAttachment = insertAttachment(db, paul, s, QStringLiteral("principal"));
        ugoAttachment = insertAttachment(db, ugo, s, QStringLiteral("user"));
        return alice != 0;
    }

    CommandResult run(qint64 actor, const QString &name, const QJsonObject &args,
                      const QString &commandId = {})
    {
        return dispatcher->execute(actor, name, args, commandId);
    }
    QVariant value(const QString &sql, const QVariantList &args = {}) { return t.db().value(sql, args); }
    int count(const QString &sql, const QVariantList &args = {}) { return value(sql, args).toInt(); }
    int auditCount() { return count(QStringLiteral("SELECT COUNT(*) FROM audit_log")); }
    int appliedCount() { return count(QStringLiteral("SELECT COUNT(*) FROM applied_commands")); }
};

#define WORLD(w)                                                                                             \
    World w;                                                                                                 \
    if (!w.init())                                                                                           \
        QFAIL(qPrintable(w.t.error()));

#define CHECK_OK(result)                                                                                     \
    do {                                                                                                     \
        const CommandResult r_ = (result);                                                                   \
        QVERIFY2(r_.ok(), qPrintable(r_.field + QLatin1String(": ") + r_.message));                          \
    } while (false)

} // namespace

class TestCommandDispatcher : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase() { PasswordHasher::setFastHashingForTests(true); }

    void accountCommandsThroughJson()
    {
        WORLD(w);
        CHECK_OK(w.run(w.ugo, QStringLiteral("updateProfile"),
                       { { QStringLiteral("contactEmail"), QStringLiteral("ugo.contact@example.org") },
                         { QStringLiteral("lastName"), QStringLiteral("Lenoir") },
                         { QStringLiteral("firstName"), QStringLiteral("Ugo") },
                         { QStringLiteral("city"), QStringLiteral("Lyon") } }));
        QCOMPARE(w.value(QStringLiteral("SELECT city FROM users WHERE id = ?"), { w.ugo }).toString(),
                 QStringLiteral("Lyon"));
        QCOMPARE(
            w.value(QStringLiteral("SELECT contact_email FROM users WHERE id = ?"), { w.ugo }).toString(),
            QStringLiteral("ugo.contact@example.org"));

        CHECK_OK(w.run(w.alice, QStringLiteral("changePassword"),
                       { { QStringLiteral("currentPassword"), kPassword },
                         { QStringLiteral("newPassword"), QStringLiteral("Mimosa2025yz") },
                         { QStringLiteral("confirmation"), QStringLiteral("Mimosa2025yz") } }));
        QVERIFY(PasswordHasher::verify(
            w.value(QStringLiteral("SELECT password_hash FROM users WHERE id = ?"), { w.alice }).toString(),
            QStringLiteral("Mimosa2025yz")));

        CHECK_OK(w.run(w.ugo, QStringLiteral("setNotifications"),
                       { { QStringLiteral("enabled"), true },
                         { QStringLiteral("contactEmail"), QStringLiteral("ugo.news@example.org") } }));
        QCOMPARE(w.count(QStringLiteral("SELECT notifications_enabled FROM users WHERE id = ?"), { w.ugo }),
                 1);

        // Paul leaves: Ugo, given per structure with the structure id as a JSON key,
        // becomes principal manager of S.
        CHECK_OK(w.run(w.paul, QStringLiteral("deactivateAccount"),
                       { { QStringLiteral("successors"),
                           QJsonObject { { QStringLiteral("perStructure"),
                                           QJsonObject { { QString::number(w.s), w.ugo } } } } } }));
        QCOMPARE(w.value(QStringLiteral("SELECT status FROM users WHERE id = ?"), { w.paul }).toString(),
                 QStringLiteral("deactivated"));
        QCOMPARE(w.value(QStringLiteral("SELECT user_id FROM attachments WHERE structure_id = ? AND "
                                        "role = 'principal'"),
                         { w.s })
                     .toLongLong(),
                 w.ugo);
    }

    void structureCommandsThroughJson()
    {
        WORLD(w);
        const CommandResult created
            = w.run(w.ugo, QStringLiteral("createStructure"),
                    { { QStringLiteral("siret"), validSiret(5) },
                      { QStringLiteral("raisonSociale"), QStringLiteral("Atelier Ugo") },
                      { QStringLiteral("ville"), QStringLiteral("Lyon") } });
        CHECK_OK(created);
        QCOMPARE(
            w.value(QStringLiteral("SELECT ville FROM structures WHERE id = ?"), { created.id }).toString(),
            QStringLiteral("Lyon"));
        // Ids may come as numeric strings too.
        const CommandResult service = w.run(w.ugo, QStringLiteral("addService"),
                                            { { QStringLiteral("structure"), QString::number(created.id) },
                                              { QStringLiteral("code"), QStringLiteral("COMPTA") },
                                              { QStringLiteral("name"), QStringLiteral("Comptabilité") } });
        CHECK_OK(service);
        QCOMPARE(w.value(QStringLiteral("SELECT structure_id FROM services WHERE id = ?"), { service.id })
                     .toLongLong(),
                 created.id);
        CHECK_OK(w.run(w.ugo, QStringLiteral("setServiceActive"),
                       { { QStringLiteral("service"), service.id }, { QStringLiteral("active"), false } }));
        QCOMPARE(w.count(QStringLiteral("SELECT active FROM services WHERE id = ?"), { service.id }), 0);
        CHECK_OK(w.run(w.ugo, QStringLiteral("updateStructure"),
                       { { QStringLiteral("structure"), created.id },
                         { QStringLiteral("siret"), validSiret(5) },
                         { QStringLiteral("raisonSociale"), QStringLiteral("Atelier Ugo et fils") } }));
        QCOMPARE(w.value(QStringLiteral("SELECT raison_sociale FROM structures WHERE id = ?"), { created.id })
                     .toString(),
                 QStringLiteral("Atelier Ugo et fils"));
    }

    void attachmentCommandsThroughJson()
    {
        WORLD(w);
        const qint64 vera = insertUser(w.t.db(), QStringLiteral("vera@example.org"), QStringLiteral("Vera"));
        // Naming services attaches to them only.
        const CommandResult requested
            = w.run(vera, QStringLiteral("requestAttachment"),
                    { { QStringLiteral("structure"), w.s },
                      { QStringLiteral("validFrom"), QStringLiteral("2026-03-02") },
                      { QStringLiteral("validUntil"), QStringLiteral("2026-12-31") },
                      { QStringLiteral("services"), QJsonArray { w.a } } });
        CHECK_OK(requested);
        QCOMPARE(
            w.count(QStringLiteral("SELECT whole_structure FROM attachments WHERE id = ?"), { requested.id }),
            0);
        QCOMPARE(w.value(QStringLiteral("SELECT valid_until FROM attachments WHERE id = ?"), { requested.id })
                     .toString(),
                 QStringLiteral("2026-12-31"));
        CHECK_OK(w.run(w.paul, QStringLiteral("decideAttachments"),
                       { { QStringLiteral("attachments"), QJsonArray { requested.id } },
                         { QStringLiteral("validate"), true },
                         { QStringLiteral("comment"), QStringLiteral("Bienvenue") } }));
        QCOMPARE(w.value(QStringLiteral("SELECT status FROM attachments WHERE id = ?"), { requested.id })
                     .toString(),
                 QStringLiteral("validated"));
        CHECK_OK(w.run(w.paul, QStringLiteral("setAttachmentRole"),
                       { { QStringLiteral("attachment"), requested.id },
                         { QStringLiteral("role"), QStringLiteral("secondary") } }));
        QCOMPARE(
            w.value(QStringLiteral("SELECT role FROM attachments WHERE id = ?"), { requested.id }).toString(),
            QStringLiteral("secondary"));
        CHECK_OK(w.run(w.paul, QStringLiteral("setSecondaryPowers"),
                       { { QStringLiteral("structure"), w.s }, { QStringLiteral("granted"), true } }));
        QCOMPARE(w.count(QStringLiteral("SELECT secondary_powers FROM structures WHERE id = ?"), { w.s }), 1);
        // Paul's own attachment goes with a successor for all his structures.
        CHECK_OK(
            w.run(w.paul, QStringLiteral("removeAttachments"),
                  { { QStringLiteral("attachments"), QJsonArray { w.paulAttachment } },
                    { QStringLiteral("successors"), QJsonObject { { QStringLiteral("forAll"), w.ugo } } } }));
        QCOMPARE(w.value(QStringLiteral("SELECT user_id FROM attachments WHERE structure_id = ? AND "
                                        "role = 'principal'"),
                         { w.s })
                     .toLongLong(),
                 w.ugo);
    }

    void spaceAndSubscriptionCommandsThroughJson()
    {
        WORLD(w);
        const CommandResult enabled
            = w.run(w.paul, QStringLiteral("enableStructureSpace"),
                    { { QStringLiteral("structure"), w.s },
                      { QStringLiteral("space"), QStringLiteral("factures_recues") } });
        CHECK_OK(enabled);
        QCOMPARE(
            w.count(QStringLiteral("SELECT COUNT(*) FROM structure_spaces WHERE structure_id = ?"), { w.s }),
            1);
        CHECK_OK(w.run(w.paul, QStringLiteral("disableStructureSpace"),
                       { { QStringLiteral("structure"), w.s },
                         { QStringLiteral("space"), QStringLiteral("factures_recues") } }));
        QCOMPARE(
            w.count(QStringLiteral("SELECT COUNT(*) FROM structure_spaces WHERE structure_id = ?"), { w.s }),
            0);

        const CommandResult requested
            = w.run(w.ugo, QStringLiteral("requestSubscription"),
                    { { QStringLiteral("structure"), w.s },
                      { QStringLiteral("space"), QStringLiteral("factures_recues") },
                      { QStringLiteral("lines"),
                        QJsonArray { QJsonObject { { QStringLiteral("serviceId"), 0 },
                                                   { QStringLiteral("consultation"), true } } } },
                      { QStringLiteral("effectiveDate"), QStringLiteral("2026-03-02") } });
        CHECK_OK(requested);
        const QVariantList ids = requested.data.value(QStringLiteral("ids")).toList();
        QCOMPARE(ids.size(), 1);
        const qint64 subscription = ids.first().toLongLong();
        QCOMPARE(w.value(QStringLiteral("SELECT mode FROM subscriptions WHERE id = ?"), { subscription })
                     .toString(),
                 QStringLiteral("consultation"));
        CHECK_OK(w.run(
            w.paul, QStringLiteral("decideSubscription"),
            { { QStringLiteral("subscription"), subscription }, { QStringLiteral("validate"), true } }));
        QCOMPARE(w.value(QStringLiteral("SELECT status FROM subscriptions WHERE id = ?"), { subscription })
                     .toString(),
                 QStringLiteral("validated"));
        CHECK_OK(w.run(w.ugo, QStringLiteral("removeSubscriptions"),
                       { { QStringLiteral("subscriptions"), QJsonArray { subscription } } }));
        QCOMPARE(w.count(QStringLiteral("SELECT COUNT(*) FROM subscriptions WHERE id = ?"), { subscription }),
                 0);
    }

    void fileCommandsCarryBase64Content()
    {
        WORLD(w);
        const QByteArray bytes("%PDF-1.7\n\x00\xff\xfe binary\r\n", 22);
        const CommandResult added
            = w.run(w.ugo, QStringLiteral("addFile"),
                    { { QStringLiteral("designation"), QStringLiteral("Kbis") },
                      { QStringLiteral("fileType"), QStringLiteral("justificatif") },
                      { QStringLiteral("fileName"), QStringLiteral("kbis.pdf") },
                      { QStringLiteral("content"), QString::fromLatin1(bytes.toBase64()) } });
        CHECK_OK(added);
        QCOMPARE(w.value(QStringLiteral("SELECT content FROM attached_files WHERE id = ?"), { added.id })
                     .toByteArray(),
                 bytes);

        const QByteArray replaced("second version");
        CHECK_OK(w.run(w.ugo, QStringLiteral("updateFile"),
                       { { QStringLiteral("id"), added.id },
                         { QStringLiteral("designation"), QStringLiteral("Kbis 2026") },
                         { QStringLiteral("fileType"), QStringLiteral("justificatif") },
                         { QStringLiteral("fileName"), QStringLiteral("kbis-2026.pdf") },
                         { QStringLiteral("content"), QString::fromLatin1(replaced.toBase64()) } }));
        QCOMPARE(w.value(QStringLiteral("SELECT content FROM attached_files WHERE id = ?"), { added.id })
                     .toByteArray(),
                 replaced);
        QCOMPARE(w.value(QStringLiteral("SELECT file_name FROM attached_files WHERE id = ?"), { added.id })
                     .toString(),
                 QStringLiteral("kbis-2026.pdf"));

        // Content that is not base64 is refused before anything is stored.
        const QString before = snapshot(w.t.db());
        const CommandResult bad = w.run(w.ugo, QStringLiteral("addFile"),
                                        { { QStringLiteral("designation"), QStringLiteral("Devis") },
                                          { QStringLiteral("fileType"), QStringLiteral("devis") },
                                          { QStringLiteral("fileName"), QStringLiteral("devis.pdf") },
                                          { QStringLiteral("content"), QStringLiteral("not*base64!") } });
        QCOMPARE(bad.code, ErrorCode::InvalidInput);
        QCOMPARE(bad.field, QStringLiteral("content"));
        QCOMPARE(snapshot(w.t.db()), before);

        CHECK_OK(w.run(w.ugo, QStringLiteral("deleteFiles"),
                       { { QStringLiteral("ids"), QJsonArray { added.id } } }));
        QCOMPARE(w.count(QStringLiteral("SELECT COUNT(*) FROM attached_files")), 0);
    }

    void solicitationCommandsThroughJson()
    {
        WORLD(w);
        const CommandResult created
            = w.run(w.ugo, QStringLiteral("createSolicitation"),
                    { { QStringLiteral("category"), QStringLiteral("access") },
                      { QStringLiteral("subject"), QStringLiteral("Accès") },
                      { QStringLiteral("body"), QStringLiteral("Je ne vois pas S.") } });
        CHECK_OK(created);
        CHECK_OK(w.run(w.support, QStringLiteral("reply"),
                       { { QStringLiteral("id"), created.id },
                         { QStringLiteral("text"), QStringLiteral("Lequel ?") } }));
        QCOMPARE(w.value(QStringLiteral("SELECT status FROM solicitations WHERE id = ?"), { created.id })
                     .toString(),
                 QStringLiteral("waiting_user"));
        CHECK_OK(w.run(
            w.ugo, QStringLiteral("addFollowUp"),
            { { QStringLiteral("id"), created.id }, { QStringLiteral("text"), QStringLiteral("Dupont.") } }));
        QCOMPARE(w.value(QStringLiteral("SELECT status FROM solicitations WHERE id = ?"), { created.id })
                     .toString(),
                 QStringLiteral("in_progress"));
        CHECK_OK(w.run(w.support, QStringLiteral("setStatus"),
                       { { QStringLiteral("id"), created.id },
                         { QStringLiteral("status"), QStringLiteral("closed") } }));
        QCOMPARE(w.value(QStringLiteral("SELECT status FROM solicitations WHERE id = ?"), { created.id })
                     .toString(),
                 QStringLiteral("closed"));
    }

    void anonymousCommandsRunWithoutUser()
    {
        WORLD(w);
        QVERIFY(CommandDispatcher::isAnonymous(QStringLiteral("requestReactivation")));
        QVERIFY(CommandDispatcher::isAnonymous(QStringLiteral("completeReactivation")));
        QVERIFY(CommandDispatcher::isAnonymous(QStringLiteral("createAnonymousSolicitation")));
        QVERIFY(CommandDispatcher::isAnonymous(QStringLiteral("signUp")));
        QVERIFY(CommandDispatcher::isAnonymous(QStringLiteral("activateAccount")));
        QVERIFY(CommandDispatcher::isAnonymous(QStringLiteral("resendActivation")));
        QVERIFY(!CommandDispatcher::isAnonymous(QStringLiteral("supportResendActivation")));
        QVERIFY(!CommandDispatcher::isAnonymous(QStringLiteral("createSolicitation")));
        QVERIFY(!CommandDispatcher::isAnonymous(QStringLiteral("noSuchCommand")));

        const CommandResult created = w.run(0, QStringLiteral("createAnonymousSolicitation"),
                                            { { QStringLiteral("email"), QStringLiteral("lost@example.org") },
                                              { QStringLiteral("category"), QStringLiteral("reactivation") },
                                              { QStringLiteral("subject"), QStringLiteral("Compte") },
                                              { QStringLiteral("body"), QStringLiteral("Réactivez-moi.") } });
        CHECK_OK(created);
        QCOMPARE(w.value(QStringLiteral("SELECT email FROM solicitations WHERE id = ?"), { created.id })
                     .toString(),
                 QStringLiteral("lost@example.org"));
        CHECK_OK(w.run(0, QStringLiteral("requestReactivation"),
                       { { QStringLiteral("email"), QStringLiteral("nobody@example.org") } }));
        // « Créer un compte » through the JSON path: the secret keys, the
        // optional language, then the activation with the mailed code.
        SignUpRequest signUp;
        signUp.email = QStringLiteral("new@example.org");
        signUp.firstName = QStringLiteral("Nina");
        signUp.lastName = QStringLiteral("Petit");
        signUp.password = QStringLiteral("Tournesol 2026!");
        signUp.secretQuestion = QStringLiteral("Q ?");
        signUp.secretAnswer = QStringLiteral("R");
        signUp.language = QStringLiteral("en");
        const CommandCall call = commands::signUp(signUp);
        CHECK_OK(w.run(0, call.name, call.args));
        QCOMPARE(w.value(QStringLiteral("SELECT language FROM users WHERE email = ? AND status = 'pending'"),
                         { signUp.email })
                     .toString(),
                 QStringLiteral("en"));
        CHECK_OK(w.run(0, QStringLiteral("resendActivation"), { { QStringLiteral("email"), signUp.email } }));
        const QString body = w.value(QStringLiteral("SELECT body_text FROM mail_outbox WHERE recipient = ? "
                                                    "ORDER BY id DESC LIMIT 1"),
                                     { signUp.email })
                                 .toString();
        const QString code = body.section(QStringLiteral("token="), 1).section(QLatin1Char('\n'), 0, 0);
        QVERIFY(!code.isEmpty());
        const CommandResult activated
            = w.run(0, QStringLiteral("activateAccount"), { { QStringLiteral("token"), code } });
        CHECK_OK(activated);
        QCOMPARE(
            w.value(QStringLiteral("SELECT status FROM users WHERE id = ?"), { activated.id }).toString(),
            QStringLiteral("active"));
        QJsonObject missing = call.args;
        missing.remove(QStringLiteral("password"));
        QCOMPARE(w.run(0, QStringLiteral("signUp"), missing).field, QStringLiteral("password"));
    }

    void signedInCommandsRefuseNoUser()
    {
        WORLD(w);
        const QString before = snapshot(w.t.db());
        const CommandResult r = w.run(0, QStringLiteral("createSolicitation"),
                                      { { QStringLiteral("category"), QStringLiteral("other") },
                                        { QStringLiteral("subject"), QStringLiteral("Hello") },
                                        { QStringLiteral("body"), QStringLiteral("World") } });
        QCOMPARE(r.code, ErrorCode::Unauthenticated);
        const CommandResult r2
            = w.run(0, QStringLiteral("setServiceActive"),
                    { { QStringLiteral("service"), w.a }, { QStringLiteral("active"), false } });
        QCOMPARE(r2.code, ErrorCode::Unauthenticated);
        QCOMPARE(snapshot(w.t.db()), before);
    }

    void badArgumentsNameTheFieldAndChangeNothing_data()
    {
        QTest::addColumn<QString>("command");
        QTest::addColumn<QByteArray>("args");
        QTest::addColumn<QString>("field");
        QTest::addColumn<QString>("message");

        // %S: structure S, %A: Ugo's attachment, %V: service A.
        QTest::newRow("requestAttachment: structure missing")
            << "requestAttachment" << QByteArray(R"({"validFrom": "2026-03-02"})") << "structure"
            << "The field structure is missing.";
        QTest::newRow("requestAttachment: validFrom not a date")
            << "requestAttachment" << QByteArray(R"({"structure": %S, "validFrom": "02/03/2026"})")
            << "validFrom"
            << "The field validFrom must be a date (yyyy-MM-dd).";
        QTest::newRow("requestAttachment: impossible date")
            << "requestAttachment" << QByteArray(R"({"structure": %S, "validFrom": "2026-02-30"})")
            << "validFrom"
            << "The field validFrom must be a date (yyyy-MM-dd).";
        QTest::newRow("requestAttachment: services not ids")
            << "requestAttachment"
            << QByteArray(R"({"structure": %S, "validFrom": "2026-03-02", "services": [%V, "x"]})")
            << "services"
            << "The field services must be a list of ids.";
        QTest::newRow("addService: structure not an id")
            << "addService" << QByteArray(R"({"structure": "abc", "code": "C", "name": "Cave"})")
            << "structure"
            << "The field structure must be an id (a whole number).";
        QTest::newRow("addService: structure fractional")
            << "addService" << QByteArray(R"({"structure": 1.5, "code": "C", "name": "Cave"})") << "structure"
            << "The field structure must be an id (a whole number).";
        QTest::newRow("addService: name missing")
            << "addService" << QByteArray(R"({"structure": %S, "code": "C"})") << "name"
            << "The field name is missing.";
        QTest::newRow("addService: code not text")
            << "addService" << QByteArray(R"({"structure": %S, "code": 12, "name": "Cave"})") << "code"
            << "The field code must be text.";
        QTest::newRow("setServiceActive: active not a boolean")
            << "setServiceActive" << QByteArray(R"({"service": %V, "active": "yes"})") << "active"
            << "The field active must be true or false.";
        QTest::newRow("decideAttachment: validate missing")
            << "decideAttachment" << QByteArray(R"({"attachment": %A})") << "validate"
            << "The field validate is missing.";
        QTest::newRow("setAttachmentRole: unknown role")
            << "setAttachmentRole" << QByteArray(R"({"attachment": %A, "role": "boss"})") << "role"
            << "The field role must be \"secondary\" or \"user\".";
        QTest::newRow("requestSubscription: lines not a list")
            << "requestSubscription"
            << QByteArray(
                   R"({"structure": %S, "space": "factures_recues", "lines": {"serviceId": 0}, "effectiveDate": "2026-03-02"})")
            << "lines"
            << "";
        QTest::newRow("requestSubscription: effectiveDate null")
            << "requestSubscription"
            << QByteArray(
                   R"({"structure": %S, "space": "factures_recues", "lines": [{"consultation": true}], "effectiveDate": null})")
            << "effectiveDate"
            << "The field effectiveDate is missing.";
        QTest::newRow("updateProfile: firstName missing")
            << "updateProfile" << QByteArray(R"({"contactEmail": "u@example.org", "lastName": "L"})")
            << "firstName"
            << "The field firstName is missing.";
        QTest::newRow("setNotifications: enabled as a number")
            << "setNotifications" << QByteArray(R"({"enabled": 1})") << "enabled"
            << "The field enabled must be true or false.";
        QTest::newRow("deactivateAccount: successor not an id")
            << "deactivateAccount" << QByteArray(R"({"successors": {"forAll": "paul"}})") << "successors"
            << "";
        QTest::newRow("inviteUser: email missing")
            << "inviteUser" << QByteArray(R"({"structure": 1, "role": "user"})") << "email"
            << "The field email is missing.";
        QTest::newRow("inviteUser: services not a list of ids")
            << "inviteUser" << QByteArray(R"({"structure": 1, "email": "a@example.org", "services": "A"})")
            << "services"
            << "";
        QTest::newRow("addFile: content missing")
            << "addFile" << QByteArray(R"({"designation": "D", "fileType": "devis", "fileName": "d.pdf"})")
            << "content"
            << "The field content is missing.";
        QTest::newRow("deleteFiles: ids missing") << "deleteFiles" << QByteArray("{}") << "ids"
                                                  << "The field ids is missing.";
        QTest::newRow("reply: id negative") << "reply" << QByteArray(R"({"id": -3, "text": "T"})") << "id"
                                            << "The field id must be an id (a whole number).";
    }

    void badArgumentsNameTheFieldAndChangeNothing()
    {
        QFETCH(QString, command);
        QFETCH(QByteArray, args);
        QFETCH(QString, field);
        QFETCH(QString, message);
        WORLD(w);
        args.replace("%S", QByteArray::number(w.s))
            .replace("%A", QByteArray::number(w.ugoAttachment))
            .replace("%V", QByteArray::number(w.a));
        QJsonParseError error;
        const QJsonObject object = QJsonDocument::fromJson(args, &error).object();
        QVERIFY2(error.error == QJsonParseError::NoError, qPrintable(error.errorString()));

        const QString before = snapshot(w.t.db());
        const CommandResult r = w.run(w.paul, command, object);
        QCOMPARE(r.code, ErrorCode::InvalidInput);
        QCOMPARE(r.field, field);
        QVERIFY(r.message.contains(field));
        if (!message.isEmpty())
            QCOMPARE(r.message, message);
        QCOMPARE(snapshot(w.t.db()), before);
    }

    void unknownCommandIsRefused()
    {
        WORLD(w);
        const QString before = snapshot(w.t.db());
        const CommandResult r = w.run(w.paul, QStringLiteral("createUser"),
                                      { { QStringLiteral("email"), QStringLiteral("x@example.org") } },
                                      QStringLiteral("0b4c2f1e-unknown"));
        QCOMPARE(r.code, ErrorCode::InvalidInput);
        QCOMPARE(r.field, QStringLiteral("command"));
        QVERIFY(r.message.contains(QLatin1String("createUser")));
        QCOMPARE(snapshot(w.t.db()), before);
    }

    void retryReturnsTheRecordedOutcomeWithoutRunningAgain()
    {
        WORLD(w);
        const QString commandId = QStringLiteral("6f1d8a0e-4b53-4c8e-9a55-0f3c2b1a7d10");
        const QJsonObject args { { QStringLiteral("siret"), validSiret(7) },
                                 { QStringLiteral("raisonSociale"), QStringLiteral("Scierie Ugo") } };
        const CommandResult first = w.run(w.ugo, QStringLiteral("createStructure"), args, commandId);
        CHECK_OK(first);
        const int audits = w.auditCount();
        QCOMPARE(w.appliedCount(), 1);
        QCOMPARE(w.count(QStringLiteral("SELECT user_id FROM applied_commands WHERE command_id = ?"),
                         { commandId }),
                 int(w.ugo));

        const CommandResult retry = w.run(w.ugo, QStringLiteral("createStructure"), args, commandId);
        CHECK_OK(retry);
        QCOMPARE(retry.id, first.id);
        QCOMPARE(
            w.count(QStringLiteral("SELECT COUNT(*) FROM structures WHERE raison_sociale = 'Scierie Ugo'")),
            1);
        QCOMPARE(w.appliedCount(), 1);
        QCOMPARE(w.auditCount(), audits);

        // Without a command id, the same arguments are a new command (refused: SIRET taken).
        QCOMPARE(w.run(w.ugo, QStringLiteral("createStructure"), args).code, ErrorCode::Conflict);
    }

    void refusalIsRecordedAndReplayed()
    {
        WORLD(w);
        const CommandResult created = w.run(w.ugo, QStringLiteral("createSolicitation"),
                                            { { QStringLiteral("category"), QStringLiteral("other") },
                                              { QStringLiteral("subject"), QStringLiteral("S") },
                                              { QStringLiteral("body"), QStringLiteral("B") } });
        CHECK_OK(created);
        const QString commandId = QStringLiteral("a3c9e7d2-refused");
        const QJsonObject args { { QStringLiteral("id"), created.id },
                                 { QStringLiteral("status"), QStringLiteral("closed") } };
        const CommandResult refused = w.run(w.paul, QStringLiteral("setStatus"), args, commandId);
        QCOMPARE(refused.code, ErrorCode::Forbidden);
        QCOMPARE(w.appliedCount(), 1);

        // Even once Paul could do it, the retry gets the recorded refusal.
        w.t.db().exec(QStringLiteral("UPDATE users SET is_support = 1 WHERE id = ?"), { w.paul });
        const int audits = w.auditCount();
        const CommandResult replayed = w.run(w.paul, QStringLiteral("setStatus"), args, commandId);
        QCOMPARE(replayed.code, ErrorCode::Forbidden);
        QCOMPARE(replayed.message, refused.message);
        QCOMPARE(w.value(QStringLiteral("SELECT status FROM solicitations WHERE id = ?"), { created.id })
                     .toString(),
                 QStringLiteral("new"));
        QCOMPARE(w.auditCount(), audits);
        QCOMPARE(w.appliedCount(), 1);

        // A new command id is a new command.
        CHECK_OK(w.run(w.paul, QStringLiteral("setStatus"), args, QStringLiteral("a3c9e7d2-again")));
        QCOMPARE(w.value(QStringLiteral("SELECT status FROM solicitations WHERE id = ?"), { created.id })
                     .toString(),
                 QStringLiteral("closed"));
        QCOMPARE(w.appliedCount(), 2);
    }

    // A command with a command id takes its version (PostgreSQL: reserved
    // with its first reads, before it knows whether it will write). A refusal
    // gives it back and is recorded once; readers move on to the next
    // command's version, whose changes and audit entry carry it.
    void aRefusalGivesItsVersionBackAndReadersMoveOn()
    {
        WORLD(w);
        Database &db = w.t.db();
        const qint64 before = db.currentVersion();
        const QJsonObject bad { { QStringLiteral("enabled"), true },
                                { QStringLiteral("contactEmail"), QStringLiteral("not an address") } };
        const CommandResult refused
            = w.run(w.ugo, QStringLiteral("setNotifications"), bad, QStringLiteral("9b2e-refused"));
        QCOMPARE(refused.code, ErrorCode::InvalidInput);
        QCOMPARE(db.currentVersion(), before);
        QCOMPARE(w.count(QStringLiteral("SELECT COUNT(*) FROM applied_commands WHERE command_id = ?"),
                         { QStringLiteral("9b2e-refused") }),
                 1);
        const QJsonObject off { { QStringLiteral("enabled"), false } };
        CHECK_OK(w.run(w.ugo, QStringLiteral("setNotifications"), off, QStringLiteral("9b2e-next")));
        const qint64 after = db.currentVersion();
        QVERIFY(after > before);
        QCOMPARE(w.value(QStringLiteral("SELECT version FROM users WHERE id = ?"), { w.ugo }).toLongLong(),
                 after);
        QCOMPARE(w.value(QStringLiteral("SELECT MAX(version) FROM audit_log")).toLongLong(), after);
        // The replayed refusal takes nothing either.
        QCOMPARE(w.run(w.ugo, QStringLiteral("setNotifications"), bad, QStringLiteral("9b2e-refused")).code,
                 ErrorCode::InvalidInput);
        QCOMPARE(db.currentVersion(), after);
        QCOMPARE(w.appliedCount(), 2);
    }

    // With a command id the command's transaction joins execute()'s (no
    // savepoint): a refusal after the command wrote (here: S handed to Ugo,
    // then S2's successor not found) leaves nothing but its recorded refusal.
    void aRefusalAfterWritesLeavesOnlyItsRecord()
    {
        WORLD(w);
        Database &db = w.t.db();
        const qint64 s2 = insertStructure(db, validSiret(2), QStringLiteral("Scierie Paul"));
        insertAttachment(db, w.paul, s2, QStringLiteral("principal"));
        const QString before = dataSnapshot(db);
        const qint64 version = db.currentVersion();
        const QString commandId = QStringLiteral("e5d0-late-refusal");
        const QJsonObject args { { QStringLiteral("successors"),
                                   QJsonObject { { QStringLiteral("perStructure"),
                                                   QJsonObject { { QString::number(w.s), w.ugo },
                                                                 { QString::number(s2), 999999 } } } } } };
        const CommandResult refused = w.run(w.paul, QStringLiteral("deactivateAccount"), args, commandId);
        QCOMPARE(refused.code, ErrorCode::InvalidInput);
        QCOMPARE(refused.field, QStringLiteral("successor"));
        QCOMPARE(dataSnapshot(db), before);
        QCOMPARE(db.currentVersion(), version);
        QCOMPARE(w.appliedCount(), 1);
        QCOMPARE(w.count(QStringLiteral("SELECT COUNT(*) FROM applied_commands WHERE command_id = ?"),
                         { commandId }),
                 1);
        // The retry gets the refusal, and still changes nothing.
        QCOMPARE(w.run(w.paul, QStringLiteral("deactivateAccount"), args, commandId).code,
                 ErrorCode::InvalidInput);
        QCOMPARE(dataSnapshot(db), before);
        QCOMPARE(w.appliedCount(), 1);
        // The same command with a successor for both goes through, joined too.
        const QJsonObject good { { QStringLiteral("successors"),
                                   QJsonObject { { QStringLiteral("forAll"), w.ugo } } } };
        CHECK_OK(w.run(w.paul, QStringLiteral("deactivateAccount"), good, QStringLiteral("e5d0-good")));
        QCOMPARE(w.count(QStringLiteral(
                             "SELECT COUNT(*) FROM attachments WHERE user_id = ? AND role = 'principal' "
                             "AND status = 'validated'"),
                         { w.ugo }),
                 2);
        QCOMPARE(w.appliedCount(), 2);
    }

    void anotherUsersCommandIdIsAConflict()
    {
        WORLD(w);
        const QString commandId = QStringLiteral("5e0b7c11-mine");
        const QJsonObject args { { QStringLiteral("category"), QStringLiteral("other") },
                                 { QStringLiteral("subject"), QStringLiteral("Private subject") },
                                 { QStringLiteral("body"), QStringLiteral("B") } };
        const CommandResult mine = w.run(w.ugo, QStringLiteral("createSolicitation"), args, commandId);
        CHECK_OK(mine);

        const QString before = snapshot(w.t.db());
        const CommandResult theirs = w.run(w.paul, QStringLiteral("createSolicitation"), args, commandId);
        QCOMPARE(theirs.code, ErrorCode::Conflict);
        QCOMPARE(theirs.field, QStringLiteral("commandId"));
        QCOMPARE(theirs.id, 0);
        QVERIFY(theirs.data.isEmpty());
        QVERIFY(!theirs.message.contains(QString::number(mine.id)));
        // Nor may the same id stand for another command of the same user.
        QCOMPARE(w.run(w.ugo, QStringLiteral("setNotifications"), { { QStringLiteral("enabled"), false } },
                       commandId)
                     .code,
                 ErrorCode::Conflict);
        QCOMPARE(snapshot(w.t.db()), before);
    }

    void crashedCommandLeavesNoRecordAndCanBeRetried()
    {
        WORLD(w);
        const QString commandId = QStringLiteral("c7a1-crash");
        const QJsonObject args { { QStringLiteral("structure"), w.s },
                                 { QStringLiteral("code"), QStringLiteral("C") },
                                 { QStringLiteral("name"), QStringLiteral("Cave") } };
        const QString before = snapshot(w.t.db());
        // Fail at every statement in turn: nothing half-done, no record, until
        // the command goes through once.
        int crashes = 0;
        CommandResult r;
        for (;;) {
            w.t.db().failAfterStatements(crashes);
            r = w.run(w.paul, QStringLiteral("addService"), args, commandId);
            w.t.db().failAfterStatements(-1);
            if (r.code != ErrorCode::Internal)
                break;
            QCOMPARE(snapshot(w.t.db()), before);
            ++crashes;
        }
        CHECK_OK(r);
        QVERIFY(crashes >= 3);
        QCOMPARE(w.appliedCount(), 1);
        QCOMPARE(w.count(QStringLiteral("SELECT COUNT(*) FROM services WHERE code = 'C'")), 1);
    }

    void commandMeetingATerminatedBackendLeavesNothingAndIsUnavailable()
    {
        WORLD(w);
        if (!w.t.db().isPostgres())
            QSKIP("an SQLite file has no connection to lose");
        auto other = w.t.openAnother();
        QVERIFY(other);
        const QString commandId = QStringLiteral("d41c-lost");
        const QJsonObject args { { QStringLiteral("structure"), w.s },
                                 { QStringLiteral("code"), QStringLiteral("C") },
                                 { QStringLiteral("name"), QStringLiteral("Cave") } };
        const QString before = snapshot(*other);
        // The backend ends before each statement in turn (BEGIN, the id check,
        // the command's reads and writes, COMMIT): nothing half-done, no
        // record, "unavailable" rather than an internal error, until the
        // command goes through once on a new connection.
        int losses = 0;
        CommandResult r;
        for (;; ++losses) {
            bool killed = false;
            w.t.db().interruptBeforeStatement(losses, [&] { killed = terminateBackend(w.t.db(), *other); });
            r = w.run(w.paul, QStringLiteral("addService"), args, commandId);
            w.t.db().interruptBeforeStatement(-1, {});
            if (!killed)
                break;
            // Lost after the COMMIT, before telling the other instances
            // (Database::noteCommitted): the command stands.
            if (r.ok())
                break;
            QCOMPARE(r.code, ErrorCode::Unavailable);
            QCOMPARE(errorCodeName(r.code), QStringLiteral("unavailable"));
            QVERIFY(!r.message.contains(QLatin1String("services")));
            QVERIFY(!w.t.db().inTransaction());
            QCOMPARE(snapshot(*other), before);
            QVERIFY(losses < 100);
        }
        CHECK_OK(r);
        QVERIFY(losses >= 4);
        QCOMPARE(w.appliedCount(), 1);
        QCOMPARE(w.count(QStringLiteral("SELECT COUNT(*) FROM services WHERE code = 'C'")), 1);
    }

    void resultsRoundTripThroughJson()
    {
        CommandResult success
            = CommandResult::success(42,
                                     { { QStringLiteral("ids"), QVariantList { qint64(7), qint64(8) } },
                                       { QStringLiteral("generated"), 3 },
                                       { QStringLiteral("label"), QStringLiteral("Validé") } });
        const QByteArray wire = QJsonDocument(commandResultToJson(success)).toJson(QJsonDocument::Compact);
        const CommandResult back = commandResultFromJson(QJsonDocument::fromJson(wire).object());
        QVERIFY(back.ok());
        QCOMPARE(back.id, 42);
        QCOMPARE(back.data.value(QStringLiteral("ids")).toList().value(1).toLongLong(), 8);
        QCOMPARE(back.data.value(QStringLiteral("generated")).toInt(), 3);
        QCOMPARE(back.data.value(QStringLiteral("label")).toString(), QStringLiteral("Validé"));
        QCOMPARE(commandResultToJson(back), commandResultToJson(success));
        const QJsonObject json = commandResultToJson(success);
        QCOMPARE(json.value(QLatin1String("ok")).toBool(), true);
        QCOMPARE(json.value(QLatin1String("code")).toString(), QStringLiteral("none"));

        const CommandResult failure = CommandResult::failure(ErrorCode::TooLarge, QStringLiteral("content"),
                                                             QStringLiteral("Too large."));
        const CommandResult failureBack = commandResultFromJson(commandResultToJson(failure));
        QVERIFY(!failureBack.ok());
        QCOMPARE(failureBack.code, ErrorCode::TooLarge);
        QCOMPARE(failureBack.field, QStringLiteral("content"));
        QCOMPARE(failureBack.message, QStringLiteral("Too large."));
        QCOMPARE(commandResultToJson(failure).value(QLatin1String("ok")).toBool(), false);

        for (ErrorCode code :
             { ErrorCode::None, ErrorCode::InvalidInput, ErrorCode::NotFound, ErrorCode::Forbidden,
               ErrorCode::Conflict, ErrorCode::Locked, ErrorCode::Expired, ErrorCode::TooLarge,
               ErrorCode::Unauthenticated, ErrorCode::Internal, ErrorCode::Unavailable })
            QCOMPARE(errorCodeFromName(errorCodeName(code)), code);
        QCOMPARE(errorCodeFromName(QStringLiteral("bogus")), ErrorCode::Internal);
        // A body that lost its code is not taken for a success.
        QCOMPARE(commandResultFromJson(QJsonObject()).code, ErrorCode::Internal);
    }

    void personalInformationThroughJson()
    {
        WORLD(w);
        const QJsonObject profile { { QStringLiteral("contactEmail"),
                                      QStringLiteral("alice.home@example.org") },
                                    { QStringLiteral("lastName"), QStringLiteral("Martin") },
                                    { QStringLiteral("firstName"), QStringLiteral("Alice") },
                                    { QStringLiteral("city"), QStringLiteral("Lyon") } };
        // A bad confirmation: refused with core's field, nothing saved.
        QJsonObject args = profile;
        args.insert(QStringLiteral("currentPassword"), kPassword);
        args.insert(QStringLiteral("newPassword"), QStringLiteral("Mimosa2025yz"));
        args.insert(QStringLiteral("confirmation"), QStringLiteral("Mimosa2025yy"));
        const QString before = snapshot(w.t.db());
        const CommandResult refused = w.run(w.alice, QStringLiteral("updatePersonalInformation"), args);
        QCOMPARE(refused.code, ErrorCode::InvalidInput);
        QCOMPARE(refused.field, QStringLiteral("confirmation"));
        QCOMPARE(snapshot(w.t.db()), before);

        args.insert(QStringLiteral("confirmation"), QStringLiteral("Mimosa2025yz"));
        args.insert(QStringLiteral("secretQuestion"), QStringLiteral("Nom de mon chien ?"));
        args.insert(QStringLiteral("secretAnswer"), QStringLiteral("Rex"));
        const CommandResult r = w.run(w.alice, QStringLiteral("updatePersonalInformation"), args);
        CHECK_OK(r);
        QCOMPARE(r.id, w.alice);
        QVERIFY(r.data.value(QStringLiteral("passwordChanged")).toBool());
        QCOMPARE(w.value(QStringLiteral("SELECT city FROM users WHERE id = ?"), { w.alice }).toString(),
                 QStringLiteral("Lyon"));
        QCOMPARE(
            w.value(QStringLiteral("SELECT secret_question FROM users WHERE id = ?"), { w.alice }).toString(),
            QStringLiteral("Nom de mon chien ?"));
        QVERIFY(PasswordHasher::verify(
            w.value(QStringLiteral("SELECT password_hash FROM users WHERE id = ?"), { w.alice }).toString(),
            QStringLiteral("Mimosa2025yz")));

        // The profile alone: no password needed; a missing required key is named.
        CHECK_OK(w.run(w.ugo, QStringLiteral("updatePersonalInformation"), profile));
        QJsonObject missing = profile;
        missing.remove(QStringLiteral("lastName"));
        QCOMPARE(w.run(w.ugo, QStringLiteral("updatePersonalInformation"), missing).field,
                 QStringLiteral("lastName"));
    }

    void everyUserCommandIsMapped()
    {
        // The user-facing commands of core. A new one must be added here and
        // to the dispatcher (and docs/COMMANDS.md) together.
        QStringList expected { QStringLiteral("updateProfile"),
                               QStringLiteral("changePassword"),
                               QStringLiteral("setSecretQuestion"),
                               QStringLiteral("updatePersonalInformation"),
                               QStringLiteral("setNotifications"),
                               QStringLiteral("deactivateAccount"),
                               QStringLiteral("requestReactivation"),
                               QStringLiteral("completeReactivation"),
                               QStringLiteral("supportReactivate"),
                               QStringLiteral("signUp"),
                               QStringLiteral("activateAccount"),
                               QStringLiteral("resendActivation"),
                               QStringLiteral("supportResendActivation"),
                               QStringLiteral("createStructure"),
                               QStringLiteral("updateStructure"),
                               QStringLiteral("addService"),
                               QStringLiteral("setServiceActive"),
                               QStringLiteral("requestAttachment"),
                               QStringLiteral("decideAttachment"),
                               QStringLiteral("decideAttachments"),
                               QStringLiteral("removeAttachments"),
                               QStringLiteral("setSecondaryPowers"),
                               QStringLiteral("setAttachmentRole"),
                               QStringLiteral("attachUser"),
                               QStringLiteral("attachUserToStructures"),
                               QStringLiteral("subscribeUsers"),
                               QStringLiteral("setSelfServiceSpace"),
                               QStringLiteral("inviteUser"),
                               QStringLiteral("resendInvitation"),
                               QStringLiteral("endAttachment"),
                               QStringLiteral("copyRights"),
                               QStringLiteral("transferPrincipal"),
                               QStringLiteral("enableStructureSpace"),
                               QStringLiteral("disableStructureSpace"),
                               QStringLiteral("requestSubscription"),
                               QStringLiteral("decideSubscription"),
                               QStringLiteral("decideSubscriptions"),
                               QStringLiteral("removeSubscriptions"),
                               QStringLiteral("withdrawSubscriptionRemovals"),
                               QStringLiteral("addFile"),
                               QStringLiteral("updateFile"),
                               QStringLiteral("deleteFiles"),
                               QStringLiteral("createSolicitation"),
                               QStringLiteral("createAnonymousSolicitation"),
                               QStringLiteral("setStatus"),
                               QStringLiteral("reply"),
                               QStringLiteral("addFollowUp") };
        QStringList names = CommandDispatcher::commandNames();
        expected.sort();
        names.sort();
        QCOMPARE(names, expected);
        QCOMPARE(names.removeDuplicates(), 0);
    }

    void everyCommandChecksItsArgumentsBeforeRunning()
    {
        // With no arguments at all, every command but deactivateAccount (whose
        // successors are optional) names a missing field and changes nothing.
        WORLD(w);
        const QString before = snapshot(w.t.db());
        for (const QString &name : CommandDispatcher::commandNames()) {
            if (name == QLatin1String("deactivateAccount"))
                continue;
            const CommandResult r = w.run(w.paul, name, {});
            QVERIFY2(r.code == ErrorCode::InvalidInput && !r.field.isEmpty(), qPrintable(name));
            QVERIFY2(r.message.contains(r.field), qPrintable(name + QLatin1String(": ") + r.message));
        }
        QCOMPARE(snapshot(w.t.db()), before);
    }
};

QTEST_GUILESS_MAIN(TestCommandDispatcher)
#include "tst_commanddispatcher.moc"
