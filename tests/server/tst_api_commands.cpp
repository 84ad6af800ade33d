#include "apiclient.h"
#include "fixtures.h"
#include "rules/accounts/passwords.h"
#include "testdatabase.h"

#include <QCryptographicHash>
#include <QDate>
#include <QJsonArray>
#include <QTest>
#include <QUrlQuery>
#include <QUuid>

using namespace guichet;
using namespace guichet::test;

// Commands and reads over HTTP, by role: anonymous, simple user, secondary
// manager without and with the principal's powers, principal manager, support
// staff, a user of another structure. A refusal leaves the data untouched.
class TestApiCommands : public QObject
{
    Q_OBJECT

private:
    const QString m_password = QStringLiteral("Tournesol2024x");
    std::unique_ptr<TestDatabase> m_db;
    std::unique_ptr<Guichetd> m_server;
    std::unique_ptr<ApiClient> m_api;
    // Structure 1 without secondary powers, structure 2 with them.
    qint64 m_s1 = 0, m_s2 = 0;
    QHash<QString, QString> m_tokens; // role -> token
    QHash<QString, qint64> m_ids; // role -> user id

    qint64 addUser(const QString &role, bool support = false)
    {
        const qint64 id = insertUser(m_db->db(), role + QStringLiteral("@example.org"),
                                     role.left(1).toUpper() + role.mid(1), QStringLiteral("Martin"), support);
        m_db->db().exec(QStringLiteral("UPDATE users SET password_hash = ? WHERE id = ?"),
                        { PasswordHasher::hash(m_password), id });
        m_ids.insert(role, id);
        return id;
    }
    qint64 pendingRequest(qint64 structure)
    {
        static int n = 0;
        const qint64 user = addUser(QStringLiteral("applicant%1").arg(++n));
        return insertAttachment(m_db->db(), user, structure, QStringLiteral("user"),
                                QStringLiteral("pending"));
    }
    QString status(qint64 attachment)
    {
        return m_db->db()
            .value(QStringLiteral("SELECT status FROM attachments WHERE id = ?"), { attachment })
            .toString();
    }
    QJsonObject decide(qint64 attachment)
    {
        return { { QStringLiteral("attachment"), attachment }, { QStringLiteral("validate"), true } };
    }
    QString snapshotNow()
    {
        return snapshot(m_db->db(), { QStringLiteral("applied_commands"), QStringLiteral("sessions") });
    }

private slots:
    void initTestCase()
    {
        PasswordHasher::setFastHashingForTests(true);
        m_db = std::make_unique<TestDatabase>();
        GUICHET_REQUIRE_DB(*m_db);
        Database &db = m_db->db();
        m_s1 = insertStructure(db, validSiret(1), QStringLiteral("Menuiserie Dupont"), false);
        m_s2 = insertStructure(db, validSiret(2), QStringLiteral("Boulangerie Durand"), true);
        const QDate from = QDate::currentDate().addDays(-10);
        const qint64 principal = addUser(QStringLiteral("principal"));
        const qint64 secondary = addUser(QStringLiteral("secondary"));
        const qint64 simple = addUser(QStringLiteral("simple"));
        addUser(QStringLiteral("outsider"));
        addUser(QStringLiteral("support"), true);
        for (const qint64 s : { m_s1, m_s2 }) {
            insertAttachment(db, principal, s, QStringLiteral("principal"), QStringLiteral("validated"),
                             from);
            insertAttachment(db, secondary, s, QStringLiteral("secondary"), QStringLiteral("validated"),
                             from);
            insertAttachment(db, simple, s, QStringLiteral("user"), QStringLiteral("validated"), from);
        }
        m_server = std::make_unique<Guichetd>();
        QString error;
        QVERIFY2(m_server->start(m_db->location(), {}, &error), qPrintable(error));
        m_api = std::make_unique<ApiClient>(m_server->baseUrl());
        for (const QString &role :
             { QStringLiteral("principal"), QStringLiteral("secondary"), QStringLiteral("simple"),
               QStringLiteral("outsider"), QStringLiteral("support") }) {
            const QString token = m_api->signIn(role + QStringLiteral("@example.org"), m_password);
            QVERIFY2(!token.isEmpty(), qPrintable(role));
            m_tokens.insert(role, token);
        }
    }

    void cleanupTestCase()
    {
        if (m_server)
            QCOMPARE(m_server->stop(), 0);
    }

    void decidingNeedsTheRightToManage_data()
    {
        QTest::addColumn<QString>("role");
        QTest::addColumn<bool>("powers"); // on the structure with secondary powers
        QTest::addColumn<int>("expected");
        QTest::newRow("anonymous") << QString() << false << 401;
        QTest::newRow("simple user") << QStringLiteral("simple") << false << 403;
        QTest::newRow("simple user, powers") << QStringLiteral("simple") << true << 403;
        QTest::newRow("other structure's user") << QStringLiteral("outsider") << false << 403;
        QTest::newRow("secondary without powers") << QStringLiteral("secondary") << false << 403;
        QTest::newRow("secondary with powers") << QStringLiteral("secondary") << true << 200;
        QTest::newRow("principal") << QStringLiteral("principal") << false << 200;
        QTest::newRow("support") << QStringLiteral("support") << false << 200;
    }

    void decidingNeedsTheRightToManage()
    {
        QFETCH(QString, role);
        QFETCH(bool, powers);
        QFETCH(int, expected);
        const qint64 request = pendingRequest(powers ? m_s2 : m_s1);
        const QString before = snapshotNow();
        const ApiReply r
            = m_api->command(QStringLiteral("decideAttachment"), decide(request), m_tokens.value(role));
        QCOMPARE(r.status, expected);
        if (expected == 200) {
            QCOMPARE(r.json.value(QLatin1String("ok")).toBool(), true);
            QCOMPARE(status(request), QStringLiteral("validated"));
        } else {
            QCOMPARE(r.json.value(QLatin1String("ok")).toBool(), false);
            QCOMPARE(r.code(),
                     expected == 401 ? QStringLiteral("unauthenticated") : QStringLiteral("forbidden"));
            QVERIFY(!r.json.value(QLatin1String("message")).toString().isEmpty());
            QCOMPARE(snapshotNow(), before);
        }
    }

    void updatingAStructureNeedsTheRightToManage_data()
    {
        QTest::addColumn<QString>("role");
        QTest::addColumn<int>("expected");
        QTest::newRow("simple user") << QStringLiteral("simple") << 403;
        QTest::newRow("secondary without powers") << QStringLiteral("secondary") << 403;
        QTest::newRow("other structure's user") << QStringLiteral("outsider") << 403;
        QTest::newRow("principal") << QStringLiteral("principal") << 200;
        QTest::newRow("support") << QStringLiteral("support") << 200;
    }

    void updatingAStructureNeedsTheRightToManage()
    {
        QFETCH(QString, role);
        QFETCH(int, expected);
        const QString name = QStringLiteral("Menuiserie Dupont (%1)").arg(role);
        const QString before = snapshotNow();
        const ApiReply r = m_api->command(QStringLiteral("updateStructure"),
                                          { { QStringLiteral("structure"), m_s1 },
                                            { QStringLiteral("siret"), validSiret(1) },
                                            { QStringLiteral("raisonSociale"), name } },
                                          m_tokens.value(role));
        QCOMPARE(r.status, expected);
        if (expected != 200)
            QCOMPARE(snapshotNow(), before);
        else
            QCOMPARE(
                m_db->db()
                    .value(QStringLiteral("SELECT raison_sociale FROM structures WHERE id = ?"), { m_s1 })
                    .toString(),
                name);
    }

    void invalidInputIs422NamingTheField()
    {
        const QString before = snapshotNow();
        ApiReply r = m_api->command(
            QStringLiteral("addService"),
            { { QStringLiteral("structure"), m_s1 }, { QStringLiteral("code"), QStringLiteral("S1") } },
            m_tokens.value(QStringLiteral("principal")));
        QCOMPARE(r.status, 422);
        QCOMPARE(r.code(), QStringLiteral("invalid_input"));
        QCOMPARE(r.field(), QStringLiteral("name"));
        r = m_api->command(QStringLiteral("decideAttachment"), decide(999999),
                           m_tokens.value(QStringLiteral("principal")));
        QCOMPARE(r.status, 404);
        QCOMPARE(snapshotNow(), before);
    }

    void retryWithTheSameCommandIdAppliesOnce()
    {
        const QString token = m_tokens.value(QStringLiteral("principal"));
        const QString id = QUuid::createUuid().toString(QUuid::WithoutBraces);
        const QJsonObject args { { QStringLiteral("structure"), m_s1 },
                                 { QStringLiteral("code"), QStringLiteral("RETRY") },
                                 { QStringLiteral("name"), QStringLiteral("Atelier") } };
        const ApiReply first = m_api->command(QStringLiteral("addService"), args, token, id);
        QCOMPARE(first.status, 200);
        const ApiReply again = m_api->command(QStringLiteral("addService"), args, token, id);
        QCOMPARE(again.status, 200);
        QCOMPARE(again.json.value(QLatin1String("id")).toInteger(),
                 first.json.value(QLatin1String("id")).toInteger());
        QCOMPARE(
            m_db->db().value(QStringLiteral("SELECT COUNT(*) FROM services WHERE code = 'RETRY'")).toInt(),
            1);
        // The same id from someone else is a conflict, and changes nothing.
        const QString before = snapshotNow();
        const ApiReply stolen = m_api->command(QStringLiteral("addService"), args,
                                               m_tokens.value(QStringLiteral("support")), id);
        QCOMPARE(stolen.status, 409);
        QCOMPARE(stolen.code(), QStringLiteral("conflict"));
        QCOMPARE(snapshotNow(), before);
    }

    void anonymousCommandsNeedNoToken()
    {
        ApiReply r
            = m_api->command(QStringLiteral("requestReactivation"),
                             { { QStringLiteral("email"), QStringLiteral("nobody@example.org") } }, {});
        QCOMPARE(r.status, 200);
        r = m_api->post(QStringLiteral("/api/v1/reactivation/request"),
                        { { QStringLiteral("email"), QStringLiteral("nobody@example.org") } });
        QCOMPARE(r.status, 200);
        QVERIFY(!r.json.value(QLatin1String("data"))
                     .toObject()
                     .value(QLatin1String("message"))
                     .toString()
                     .isEmpty());
        const QString before = snapshotNow();
        r = m_api->post(QStringLiteral("/api/v1/reactivation/complete"),
                        { { QStringLiteral("token"), QStringLiteral("bogus") },
                          { QStringLiteral("newPassword"), QStringLiteral("Girasole2025y") },
                          { QStringLiteral("secretQuestion"), QStringLiteral("Pet?") },
                          { QStringLiteral("secretAnswer"), QStringLiteral("Rex") } });
        QCOMPARE(r.status, 410);
        QCOMPARE(r.code(), QStringLiteral("expired"));
        QCOMPARE(snapshotNow(), before);
    }

    // « Créer un compte » over HTTP: the same answer for a known address, the
    // mailed code opens a session at once, and only once.
    void signUpThenActivationOpensASession()
    {
        const auto body = [](const QString &email) {
            return QJsonObject { { QStringLiteral("email"), email },
                                 { QStringLiteral("firstName"), QStringLiteral("Nina") },
                                 { QStringLiteral("lastName"), QStringLiteral("Petit") },
                                 { QStringLiteral("password"), QStringLiteral("Tournesol 2026!") },
                                 { QStringLiteral("secretQuestion"), QStringLiteral("Q ?") },
                                 { QStringLiteral("secretAnswer"), QStringLiteral("R") } };
        };
        const ApiReply fresh
            = m_api->post(QStringLiteral("/api/v1/signup"), body(QStringLiteral("nina@example.org")));
        QCOMPARE(fresh.status, 200);
        const QString known = m_db->db()
                                  .value(QStringLiteral("SELECT email FROM users WHERE id = ?"),
                                         { m_ids.value(QStringLiteral("simple")) })
                                  .toString();
        const ApiReply again = m_api->post(QStringLiteral("/api/v1/signup"), body(known));
        QCOMPARE(again.status, fresh.status);
        QCOMPARE(again.json.keys(), fresh.json.keys());
        QCOMPARE(again.json.value(QLatin1String("id")), fresh.json.value(QLatin1String("id")));
        // A bad field is named, over HTTP too.
        QJsonObject weak = body(QStringLiteral("weak@example.org"));
        weak.insert(QStringLiteral("password"), QStringLiteral("short"));
        const ApiReply refused = m_api->post(QStringLiteral("/api/v1/signup"), weak);
        QCOMPARE(refused.status, 422);
        QCOMPARE(refused.json.value(QLatin1String("field")).toString(), QStringLiteral("password"));

        const QString mail
            = m_db->db()
                  .value(QStringLiteral("SELECT body_text FROM mail_outbox WHERE recipient = ? "
                                        "ORDER BY id DESC LIMIT 1"),
                         { QStringLiteral("nina@example.org") })
                  .toString();
        const QString code = mail.section(QStringLiteral("token="), 1).section(QLatin1Char('\n'), 0, 0);
        QVERIFY(!code.isEmpty());
        const ApiReply activated
            = m_api->post(QStringLiteral("/api/v1/activation"), { { QStringLiteral("token"), code } });
        QCOMPARE(activated.status, 200);
        const QString session = activated.json.value(QLatin1String("token")).toString();
        QVERIFY(!session.isEmpty());
        const ApiReply me = m_api->get(QStringLiteral("/api/v1/me"), session);
        QCOMPARE(me.status, 200);
        QCOMPARE(me.json.value(QLatin1String("email")).toString(), QStringLiteral("nina@example.org"));
        const ApiReply twice
            = m_api->post(QStringLiteral("/api/v1/activation"), { { QStringLiteral("token"), code } });
        QCOMPARE(twice.status, 410);
        QCOMPARE(twice.json.value(QLatin1String("field")).toString(), QStringLiteral("token"));
        QCOMPARE(m_api->post(QStringLiteral("/api/v1/activation"), {}).status, 422);
    }

    // « Inviter un utilisateur » over HTTP: a simple user is refused; the
    // principal's invitation mails a code that opens a session once the
    // invitee gives their details, attached with the role chosen.
    void anInviteeActivatesThroughTheServer()
    {
        const QJsonObject invite { { QStringLiteral("structure"), m_s1 },
                                   { QStringLiteral("email"), QStringLiteral("guest@example.org") },
                                   { QStringLiteral("role"), QStringLiteral("secondary") } };
        QCOMPARE(
            m_api->command(QStringLiteral("inviteUser"), invite, m_tokens.value(QStringLiteral("simple")))
                .status,
            403);
        const ApiReply invited = m_api->command(QStringLiteral("inviteUser"), invite,
                                                m_tokens.value(QStringLiteral("principal")));
        QCOMPARE(invited.status, 200);
        const QString mail
            = m_db->db()
                  .value(QStringLiteral("SELECT body_text FROM mail_outbox WHERE recipient = ? "
                                        "ORDER BY id DESC LIMIT 1"),
                         { QStringLiteral("guest@example.org") })
                  .toString();
        const QString code = mail.section(QStringLiteral("token="), 1).section(QLatin1Char('\n'), 0, 0);
        QVERIFY2(!code.isEmpty(), qPrintable(mail));
        const ApiReply bare
            = m_api->post(QStringLiteral("/api/v1/activation"), { { QStringLiteral("token"), code } });
        QCOMPARE(bare.status, 422);
        QVERIFY(
            bare.json.value(QLatin1String("data")).toObject().value(QLatin1String("needsDetails")).toBool());
        const ApiReply activated
            = m_api->post(QStringLiteral("/api/v1/activation"),
                          { { QStringLiteral("token"), code },
                            { QStringLiteral("firstName"), QStringLiteral("Gus") },
                            { QStringLiteral("lastName"), QStringLiteral("Guest") },
                            { QStringLiteral("password"), QStringLiteral("Tournesol 2026!") },
                            { QStringLiteral("secretQuestion"), QStringLiteral("Q ?") },
                            { QStringLiteral("secretAnswer"), QStringLiteral("R") } });
        QCOMPARE(activated.status, 200);
        const QString session = activated.json.value(QLatin1String("token")).toString();
        QCOMPARE(m_api->get(QStringLiteral("/api/v1/me"), session).status, 200);
        QCOMPARE(
            m_db->db()
                .value(QStringLiteral("SELECT a.status || '/' || a.role FROM attachments a JOIN users u ON "
                                      "u.id = a.user_id WHERE u.email = 'guest@example.org'"))
                .toString(),
            QStringLiteral("validated/secondary"));
    }

    void solicitationsWithOrWithoutSession()
    {
        const auto count = [this] {
            return m_db->db().value(QStringLiteral("SELECT COUNT(*) FROM solicitations")).toInt();
        };
        const int before = count();
        const QJsonObject body { { QStringLiteral("email"), QStringLiteral("visitor@example.org") },
                                 { QStringLiteral("category"), QStringLiteral("access") },
                                 { QStringLiteral("subject"), QStringLiteral("Access") },
                                 { QStringLiteral("body"), QStringLiteral("I cannot sign in.") } };
        QCOMPARE(m_api->post(QStringLiteral("/api/v1/solicitations"), body).status, 200);
        QCOMPARE(m_api
                     ->post(QStringLiteral("/api/v1/solicitations"), body,
                            m_tokens.value(QStringLiteral("simple")))
                     .status,
                 200);
        QCOMPARE(count(), before + 2);
        QCOMPARE(m_db->db()
                     .value(QStringLiteral("SELECT COUNT(*) FROM solicitations WHERE user_id = ?"),
                            { m_ids.value(QStringLiteral("simple")) })
                     .toInt(),
                 1);
        // A bad token is refused rather than taken for anonymous.
        QCOMPARE(m_api->post(QStringLiteral("/api/v1/solicitations"), body, QStringLiteral("bogus")).status,
                 401);
        QCOMPARE(count(), before + 2);
    }

    void fileContentGoesToItsOwnerOnly()
    {
        const QByteArray content = "%PDF-1.4 invoice";
        const ApiReply added
            = m_api->command(QStringLiteral("addFile"),
                             { { QStringLiteral("designation"), QStringLiteral("Kbis") },
                               { QStringLiteral("fileType"), QStringLiteral("justificatif") },
                               { QStringLiteral("fileName"), QStringLiteral("kbis é.pdf") },
                               { QStringLiteral("content"), QString::fromLatin1(content.toBase64()) } },
                             m_tokens.value(QStringLiteral("simple")));
        QCOMPARE(added.status, 200);
        const qint64 id = added.json.value(QLatin1String("id")).toInteger();
        const QString path = QStringLiteral("/api/v1/files/%1/content").arg(id);
        const ApiReply mine = m_api->get(path, m_tokens.value(QStringLiteral("simple")));
        QCOMPARE(mine.status, 200);
        QCOMPARE(mine.body, content);
        QCOMPARE(mine.header("Content-Type"), QByteArray("application/octet-stream"));
        QCOMPARE(mine.header("X-Content-SHA256"),
                 QCryptographicHash::hash(content, QCryptographicHash::Sha256).toHex());
        QVERIFY(mine.header("Content-Disposition").contains("kbis%20%C3%A9.pdf"));
        QCOMPARE(m_api->get(path, m_tokens.value(QStringLiteral("support"))).status, 403);
        QCOMPARE(m_api->get(path, m_tokens.value(QStringLiteral("principal"))).status, 403);
        QCOMPARE(m_api->get(path).status, 401);
        QCOMPARE(m_api
                     ->get(QStringLiteral("/api/v1/files/999999/content"),
                           m_tokens.value(QStringLiteral("simple")))
                     .status,
                 404);
        QCOMPARE(
            m_api->get(QStringLiteral("/api/v1/files/abc/content"), m_tokens.value(QStringLiteral("simple")))
                .status,
            404);
    }

    void structureSearch()
    {
        const QString token = m_tokens.value(QStringLiteral("outsider"));
        ApiReply r = m_api->get(QStringLiteral("/api/v1/structures?raison_sociale=boulangerie*"), token);
        QCOMPARE(r.status, 200);
        const QJsonArray rows = r.json.value(QLatin1String("rows")).toArray();
        QCOMPARE(rows.size(), 1);
        QCOMPARE(rows.at(0).toObject().value(QLatin1String("id")).toInteger(), m_s2);
        QCOMPARE(rows.at(0).toObject().value(QLatin1String("siret")).toString(), validSiret(2));
        QCOMPARE(r.json.value(QLatin1String("more")).toBool(), false);
        r = m_api->get(QStringLiteral("/api/v1/structures?siret=*&limit=1"), token);
        QCOMPARE(r.status, 200);
        QCOMPARE(r.json.value(QLatin1String("rows")).toArray().size(), 1);
        QCOMPARE(r.json.value(QLatin1String("more")).toBool(), true);
        r = m_api->get(QStringLiteral("/api/v1/structures?siret=*&limit=0"), token);
        QCOMPARE(r.status, 400);
        QCOMPARE(r.code(), QStringLiteral("bad_request"));
        QCOMPARE(r.field(), QStringLiteral("limit"));
        // '+' reads as a space, as form encoding writes it.
        r = m_api->get(QStringLiteral("/api/v1/structures?raison_sociale=*boulangerie+durand*"), token);
        QCOMPARE(r.status, 200);
        QCOMPARE(r.json.value(QLatin1String("rows")).toArray().size(), 1);
        // A criterion over its limit (60,000 characters made the database refuse
        // the pattern with a 500) is answered 422 naming the parameter.
        r = m_api->get(QStringLiteral("/api/v1/structures?raison_sociale=") + QString(5000, QLatin1Char('m')),
                       token);
        QCOMPARE(r.status, 422);
        QCOMPARE(r.field(), QStringLiteral("raison_sociale"));
        r = m_api->get(QStringLiteral("/api/v1/users?q=") + QString(201, QLatin1Char('a')), token);
        QCOMPARE(r.status, 422);
        QCOMPARE(r.field(), QStringLiteral("q"));
        // An over-long command id is refused before anything runs.
        r = m_api->command(QStringLiteral("setNotifications"), { { QStringLiteral("enabled"), false } },
                           token, QString(101, QLatin1Char('c')));
        QCOMPARE(r.status, 422);
        QCOMPARE(r.field(), QStringLiteral("commandId"));
    }

    // Keyset pages (after_key, after_id: the previous answer's "next") give the
    // offset pages' rows, and a count comes with the page when asked.
    void structureSearchKeysetAndCount()
    {
        const QString token = m_tokens.value(QStringLiteral("outsider"));
        const QString all = QStringLiteral("/api/v1/structures?siret=*");
        ApiReply r = m_api->get(all + QStringLiteral("&limit=500&count=exact"), token);
        QCOMPARE(r.status, 200);
        const QJsonArray every = r.json.value(QLatin1String("rows")).toArray();
        QVERIFY(every.size() >= 2);
        QCOMPARE(r.json.value(QLatin1String("count")).toInteger(), every.size());
        QCOMPARE(r.json.value(QLatin1String("countExact")).toBool(), true);
        r = m_api->get(all + QStringLiteral("&limit=1&count=bounded"), token);
        QCOMPARE(r.status, 200);
        QCOMPARE(r.json.value(QLatin1String("count")).toInteger(), every.size());
        QCOMPARE(r.json.value(QLatin1String("countExact")).toBool(), true);
        // Without count, no count.
        r = m_api->get(all + QStringLiteral("&limit=1"), token);
        QVERIFY(!r.json.contains(QLatin1String("count")));

        QList<qint64> paged;
        QString next = all + QStringLiteral("&limit=1");
        for (int page = 0; page <= every.size(); ++page) {
            r = m_api->get(next, token);
            QCOMPARE(r.status, 200);
            const QJsonArray rows = r.json.value(QLatin1String("rows")).toArray();
            QCOMPARE(rows.size(), 1);
            paged << rows.at(0).toObject().value(QLatin1String("id")).toInteger();
            const QJsonObject cursor = r.json.value(QLatin1String("next")).toObject();
            QCOMPARE(cursor.value(QLatin1String("after_id")).toInteger(), paged.last());
            if (!r.json.value(QLatin1String("more")).toBool())
                break;
            QUrlQuery query;
            query.addQueryItem(QStringLiteral("after_key"),
                               QString::fromLatin1(QUrl::toPercentEncoding(
                                   cursor.value(QLatin1String("after_key")).toString())));
            query.addQueryItem(QStringLiteral("after_id"), QString::number(paged.last()));
            next = all + QStringLiteral("&limit=1&") + query.toString(QUrl::FullyEncoded);
        }
        QList<qint64> expected;
        for (const QJsonValue &row : every)
            expected << row.toObject().value(QLatin1String("id")).toInteger();
        QCOMPARE(paged, expected);

        // Every parameter bounded; a bad one is 400 naming it, and nothing is listed.
        const QList<std::pair<QString, QString>> bad {
            { QStringLiteral("&after_key=a"), QStringLiteral("after_id") },
            { QStringLiteral("&after_id=3"), QStringLiteral("after_key") },
            { QStringLiteral("&after_key=a&after_id=0"), QStringLiteral("after_id") },
            { QStringLiteral("&after_key=a&after_id=-4"), QStringLiteral("after_id") },
            { QStringLiteral("&after_key=a&after_id=x"), QStringLiteral("after_id") },
            { QStringLiteral("&after_key=a&after_id=99999999999999999999"), QStringLiteral("after_id") },
            { QStringLiteral("&after_key=") + QString(501, QLatin1Char('k')) + QStringLiteral("&after_id=1"),
              QStringLiteral("after_key") },
            { QStringLiteral("&after_key=a&after_id=1&offset=2"), QStringLiteral("offset") },
            { QStringLiteral("&offset=-1"), QStringLiteral("offset") },
            { QStringLiteral("&offset=99999999999"), QStringLiteral("offset") },
            { QStringLiteral("&limit=501"), QStringLiteral("limit") },
            { QStringLiteral("&count=yes"), QStringLiteral("count") },
            { QStringLiteral("&count="), QStringLiteral("count") },
        };
        for (const auto &[suffix, field] : bad) {
            r = m_api->get(all + suffix, token);
            QVERIFY2(r.status == 400, qPrintable(suffix));
            QCOMPARE(r.code(), QStringLiteral("bad_request"));
            QCOMPARE(r.field(), field);
            QVERIFY(!r.json.contains(QLatin1String("rows")));
        }
        // The longest sort key a raison sociale can fold to is accepted.
        r = m_api->get(all + QStringLiteral("&after_key=") + QString(500, QLatin1Char('z'))
                           + QStringLiteral("&after_id=1"),
                       token);
        QCOMPARE(r.status, 200);
        QCOMPARE(r.json.value(QLatin1String("rows")).toArray().size(), 0);
        QCOMPARE(r.json.value(QLatin1String("more")).toBool(), false);
    }

    void userSearch()
    {
        const ApiReply r = m_api->get(QStringLiteral("/api/v1/users?q=principal"),
                                      m_tokens.value(QStringLiteral("simple")));
        QCOMPARE(r.status, 200);
        const QJsonArray rows = r.json.value(QLatin1String("rows")).toArray();
        QCOMPARE(rows.size(), 1);
        QCOMPARE(rows.at(0).toObject().value(QLatin1String("id")).toInteger(),
                 m_ids.value(QStringLiteral("principal")));
        QVERIFY(!rows.at(0).toObject().contains(QLatin1String("password_hash")));
    }
};

QTEST_GUILESS_MAIN(TestApiCommands)
#include "tst_api_commands.moc"
