#include "apiclient.h"
#include "fixtures.h"
#include "rules/accounts/passwords.h"
#include "testdatabase.h"

#include <QDateTime>
#include <QRegularExpression>
#include <QTest>

using namespace guichet;
using namespace guichet::test;

// Sign-in, sessions and the HTTP layer's own answers, against the real guichetd.
class TestApiSessions : public QObject
{
    Q_OBJECT

private:
    const QString m_password = QStringLiteral("Tournesol2024x");
    std::unique_ptr<TestDatabase> m_db;
    std::unique_ptr<Guichetd> m_server;
    std::unique_ptr<ApiClient> m_api;
    int m_users = 0;

    // A fresh user who can sign in with m_password.
    QString newUser(qint64 *id = nullptr)
    {
        const QString email = QStringLiteral("user%1@example.org").arg(++m_users);
        const qint64 userId = insertUser(m_db->db(), email);
        m_db->db().exec(QStringLiteral("UPDATE users SET password_hash = ? WHERE id = ?"),
                        { PasswordHasher::hash(m_password), userId });
        if (id)
            *id = userId;
        return email;
    }
    int openSessions(qint64 userId)
    {
        return m_db->db()
            .value(QStringLiteral("SELECT COUNT(*) FROM sessions WHERE user_id = ? AND revoked_at IS NULL"),
                   { userId })
            .toInt();
    }

private slots:
    void initTestCase()
    {
        PasswordHasher::setFastHashingForTests(true);
        m_db = std::make_unique<TestDatabase>();
        GUICHET_REQUIRE_DB(*m_db);
        m_server = std::make_unique<Guichetd>();
        QString error;
        QVERIFY2(m_server->start(m_db->location(), { QStringLiteral("--max-body"), QStringLiteral("4096") },
                                 &error),
                 qPrintable(error));
        m_api = std::make_unique<ApiClient>(m_server->baseUrl());
    }

    void cleanupTestCase()
    {
        if (m_server)
            QCOMPARE(m_server->stop(), 0); // SIGTERM ends guichetd cleanly
    }

    void healthSaysTheSchemaAndTheCounter()
    {
        const ApiReply r = m_api->get(QStringLiteral("/api/v1/health"));
        QCOMPARE(r.status, 200);
        QCOMPARE(r.json.value(QLatin1String("ok")).toBool(), true);
        QCOMPARE(r.json.value(QLatin1String("schema")).toInt(), m_db->db().schemaVersion());
        QCOMPARE(r.json.value(QLatin1String("version")).toInteger(), m_db->db().currentVersion());
        QVERIFY(!r.body.contains('\n')); // compact JSON
    }

    void signInGivesATokenForThirtyDays()
    {
        qint64 id = 0;
        const QString email = newUser(&id);
        ApiReply r;
        const QString token = m_api->signIn(email.toUpper(), m_password, &r);
        QCOMPARE(r.status, 200);
        QCOMPARE(token.size(), 43); // 32 bytes, base64url without padding
        QCOMPARE(r.json.value(QLatin1String("userId")).toInteger(), id);
        const QDateTime expires
            = QDateTime::fromString(r.json.value(QLatin1String("expiresAt")).toString(), Qt::ISODate);
        QVERIFY(qAbs(expires.secsTo(QDateTime::currentDateTimeUtc().addDays(30))) < 120);
        // Only the token's hash is stored.
        QCOMPARE(m_db->db()
                     .value(QStringLiteral("SELECT COUNT(*) FROM sessions WHERE token_hash = ?"),
                            { secretTokenHash(token) })
                     .toInt(),
                 1);
        QCOMPARE(m_db->db()
                     .value(QStringLiteral("SELECT COUNT(*) FROM sessions WHERE token_hash = ?"), { token })
                     .toInt(),
                 0);

        const ApiReply me = m_api->get(QStringLiteral("/api/v1/me"), token);
        QCOMPARE(me.status, 200);
        QCOMPARE(me.json.value(QLatin1String("id")).toInteger(), id);
        QCOMPARE(me.json.value(QLatin1String("email")).toString(), email);
        QVERIFY(!me.json.contains(QLatin1String("password_hash")));
        QVERIFY(!me.json.contains(QLatin1String("secret_answer_hash")));
        QVERIFY(!me.json.contains(QLatin1String("failed_logins")));
    }

    void sessionDaysSetsTheLifetime()
    {
        Guichetd other;
        QString error;
        QVERIFY2(
            other.start(m_db->location(), { QStringLiteral("--session-days"), QStringLiteral("2") }, &error),
            qPrintable(error));
        ApiClient api(other.baseUrl());
        ApiReply r;
        QVERIFY(!api.signIn(newUser(), m_password, &r).isEmpty());
        const QDateTime expires
            = QDateTime::fromString(r.json.value(QLatin1String("expiresAt")).toString(), Qt::ISODate);
        QVERIFY(qAbs(expires.secsTo(QDateTime::currentDateTimeUtc().addDays(2))) < 120);
        QCOMPARE(other.stop(), 0);
    }

    void wrongPasswordIsRefusedWithoutSession()
    {
        qint64 id = 0;
        const QString email = newUser(&id);
        ApiReply r;
        QVERIFY(m_api->signIn(email, QStringLiteral("Wrong-password-1"), &r).isEmpty());
        QCOMPARE(r.status, 401);
        QCOMPARE(r.code(), QStringLiteral("unauthenticated"));
        QVERIFY(!r.json.value(QLatin1String("message")).toString().isEmpty());
        QVERIFY(m_api->signIn(QStringLiteral("nobody@example.org"), m_password, &r).isEmpty());
        QCOMPARE(r.status, 401);
        QCOMPARE(openSessions(id), 0);
    }

    void missingFieldsAre422()
    {
        const ApiReply r = m_api->post(QStringLiteral("/api/v1/session"), { { QStringLiteral("email"), 3 } });
        QCOMPARE(r.status, 422);
        QCOMPARE(r.code(), QStringLiteral("invalid_input"));
        QCOMPARE(r.field(), QStringLiteral("email"));
    }

    void repeatedFailuresAre429WithRetryAfter()
    {
        qint64 id = 0;
        const QString email = newUser(&id);
        ApiReply r;
        for (int i = 0; i < 3; ++i) {
            m_api->signIn(email, QStringLiteral("Wrong-password-1"), &r);
            QCOMPARE(r.status, 401);
        }
        // Slowed down now: even the right password waits.
        QVERIFY(m_api->signIn(email, m_password, &r).isEmpty());
        QCOMPARE(r.status, 429);
        QCOMPARE(r.code(), QStringLiteral("locked"));
        QVERIFY(r.header("Retry-After").toInt() >= 1);
        QCOMPARE(openSessions(id), 0);
    }

    // Issue 13, items 3 and 4, over HTTP: the anonymous routes' throttle, the
    // client address behind a trusted proxy, the per-address lock and the
    // owner's unlock code.
    void anonymousRoutesAreThrottledPerClientAddress()
    {
        Guichetd server;
        QString error;
        QVERIFY2(server.start(m_db->location(),
                              { QStringLiteral("--anonymous-rate"), QStringLiteral("3"),
                                QStringLiteral("--trusted-proxy"), QStringLiteral("127.0.0.1") },
                              &error),
                 qPrintable(error));
        ApiClient api(server.baseUrl());
        api.setHeader("X-Forwarded-For", "203.0.113.1");
        const QString email = newUser();
        const QString token = api.signIn(email, m_password);
        QVERIFY(!token.isEmpty());
        const QJsonObject request { { QStringLiteral("email"), email } };
        QCOMPARE(api.post(QStringLiteral("/api/v1/reactivation/request"), request).status, 200);
        QCOMPARE(api.post(QStringLiteral("/api/v1/reactivation/request"), request).status, 200);
        const ApiReply refused = api.post(QStringLiteral("/api/v1/reactivation/request"), request);
        QCOMPARE(refused.status, 429);
        QCOMPARE(refused.code(), QStringLiteral("too_many_requests"));
        QVERIFY(refused.header("Retry-After").toInt() >= 1);
        QVERIFY(refused.header("Retry-After").toInt() <= 20);
        // A signed-in user's routes and health are not throttled.
        QCOMPARE(api.get(QStringLiteral("/api/v1/me"), token).status, 200);
        QCOMPARE(api.get(QStringLiteral("/api/v1/health")).status, 200);
        // Another client behind the same proxy has its own allowance...
        api.setHeader("X-Forwarded-For", "203.0.113.2");
        QCOMPARE(api.post(QStringLiteral("/api/v1/reactivation/request"), request).status, 200);
        QCOMPARE(server.stop(), 0);

        // ...but not when the proxy is not trusted: the header is then ignored.
        Guichetd untrusted;
        QVERIFY2(untrusted.start(m_db->location(),
                                 { QStringLiteral("--anonymous-rate"), QStringLiteral("2") }, &error),
                 qPrintable(error));
        ApiClient direct(untrusted.baseUrl());
        for (const QByteArray forwarded : { "203.0.113.1", "203.0.113.2" }) {
            direct.setHeader("X-Forwarded-For", forwarded);
            QCOMPARE(direct.post(QStringLiteral("/api/v1/reactivation/request"), request).status, 200);
        }
        direct.setHeader("X-Forwarded-For", "203.0.113.3");
        QCOMPARE(direct.post(QStringLiteral("/api/v1/reactivation/request"), request).status, 429);
        QCOMPARE(untrusted.stop(), 0);
    }

    void guessesLockTheirAddressAndTheOwnerGetsIn()
    {
        Guichetd server;
        QString error;
        QVERIFY2(server.start(m_db->location(),
                              { QStringLiteral("--trusted-proxy"), QStringLiteral("127.0.0.1") }, &error),
                 qPrintable(error));
        ApiClient api(server.baseUrl());
        qint64 id = 0;
        const QString email = newUser(&id);
        const QString unknown = QStringLiteral("nobody-%1@example.org").arg(m_users);
        // Five guesses from one address, for the account and for an unknown e-mail:
        // the same answers all along (only the account's owner gets a mail).
        ApiReply r, u;
        QList<int> statuses;
        for (int i = 0; i < 5; ++i) {
            api.setHeader("X-Forwarded-For", "203.0.113.66");
            api.signIn(email, QStringLiteral("Wrong-password-1"), &r);
            api.setHeader("X-Forwarded-For", "203.0.113.67");
            api.signIn(unknown, QStringLiteral("Wrong-password-1"), &u);
            // The whole answer: status, every header and the body, byte for byte.
            QCOMPARE(r.status, u.status);
            QCOMPARE(r.code(), u.code());
            QCOMPARE(r.headers, u.headers);
            QCOMPARE(r.body, u.body);
            statuses << r.status;
            // Waiting out the slow-down between attempts keeps them counted.
            const int wait
                = r.json.value(QLatin1String("data")).toObject().value(QLatin1String("retryAfter")).toInt();
            if (wait > 0 && wait < 10)
                QTest::qWait(wait * 1000 + 100);
        }
        // 401, then 401 with a wait from the 3rd (slow-down), then the lock: 429 at the 5th.
        QCOMPARE(statuses, (QList<int> { 401, 401, 401, 401, 429 }));
        // Both stay locked: 429 with the same body, whatever the password.
        api.setHeader("X-Forwarded-For", "203.0.113.67");
        api.signIn(unknown, m_password, &u);
        QCOMPARE(u.status, 429);
        QCOMPARE(u.code(), QStringLiteral("locked"));
        QCOMPARE(r.code(), QStringLiteral("locked"));
        // The guesser's address is locked, even with the right password.
        api.setHeader("X-Forwarded-For", "203.0.113.66");
        QVERIFY(api.signIn(email, m_password, &r).isEmpty());
        QCOMPARE(r.status, 429);
        // The owner, elsewhere, signs in.
        api.setHeader("X-Forwarded-For", "198.51.100.20");
        QVERIFY(!api.signIn(email, m_password, &r).isEmpty());
        QCOMPARE(r.status, 200);

        // From the guesser's address too, with the lockout mail's code.
        const QString body = m_db->db()
                                 .value(QStringLiteral("SELECT body_text FROM mail_outbox WHERE user_id = ? "
                                                       "ORDER BY id DESC"),
                                        { id })
                                 .toString();
        const QString code
            = QRegularExpression(QStringLiteral(":\\n([A-Za-z0-9_-]{40,})\\n")).match(body).captured(1);
        QVERIFY2(!code.isEmpty(), qPrintable(body));
        api.setHeader("X-Forwarded-For", "203.0.113.66");
        const QJsonObject withCode { { QStringLiteral("email"), email },
                                     { QStringLiteral("password"), m_password },
                                     { QStringLiteral("unlockCode"), code } };
        r = api.post(QStringLiteral("/api/v1/session"), withCode);
        QCOMPARE(r.status, 200);
        QVERIFY(!r.json.value(QLatin1String("token")).toString().isEmpty());
        r = api.post(QStringLiteral("/api/v1/session"), withCode);
        QCOMPARE(r.status, 410);
        QCOMPARE(r.field(), QStringLiteral("unlockCode"));
        QCOMPARE(server.stop(), 0);
    }

    void routesNeedAValidToken()
    {
        QCOMPARE(m_api->get(QStringLiteral("/api/v1/me")).status, 401);
        const ApiReply r = m_api->get(QStringLiteral("/api/v1/me"), QStringLiteral("not-a-token"));
        QCOMPARE(r.status, 401);
        QCOMPARE(r.code(), QStringLiteral("unauthenticated"));
        QCOMPARE(m_api->get(QStringLiteral("/api/v1/structures?raison_sociale=x")).status, 401);
        QCOMPARE(m_api->get(QStringLiteral("/api/v1/users?q=x")).status, 401);
        QCOMPARE(m_api->del(QStringLiteral("/api/v1/session")).status, 401);
    }

    void signOutEndsThatSessionOnly()
    {
        qint64 id = 0;
        const QString email = newUser(&id);
        const QString first = m_api->signIn(email, m_password);
        const QString second = m_api->signIn(email, m_password);
        QVERIFY(!first.isEmpty() && !second.isEmpty());
        const ApiReply out = m_api->del(QStringLiteral("/api/v1/session"), first);
        QCOMPARE(out.status, 200);
        QCOMPARE(out.json.value(QLatin1String("ok")).toBool(), true);
        QCOMPARE(m_api->get(QStringLiteral("/api/v1/me"), first).status, 401);
        QCOMPARE(m_api->get(QStringLiteral("/api/v1/me"), second).status, 200);
    }

    void passwordChangeEndsTheOtherSessions()
    {
        const QString email = newUser();
        const QString here = m_api->signIn(email, m_password);
        const QString elsewhere = m_api->signIn(email, m_password);
        const ApiReply r
            = m_api->command(QStringLiteral("changePassword"),
                             { { QStringLiteral("currentPassword"), m_password },
                               { QStringLiteral("newPassword"), QStringLiteral("Girasole2025y") },
                               { QStringLiteral("confirmation"), QStringLiteral("Girasole2025y") } },
                             here);
        QCOMPARE(r.status, 200);
        QCOMPARE(m_api->get(QStringLiteral("/api/v1/me"), here).status, 200);
        QCOMPARE(m_api->get(QStringLiteral("/api/v1/me"), elsewhere).status, 401);
        QVERIFY(!m_api->signIn(email, QStringLiteral("Girasole2025y")).isEmpty());
    }

    void refusedPasswordChangeKeepsTheSessions()
    {
        const QString email = newUser();
        const QString here = m_api->signIn(email, m_password);
        const QString elsewhere = m_api->signIn(email, m_password);
        const ApiReply r
            = m_api->command(QStringLiteral("changePassword"),
                             { { QStringLiteral("currentPassword"), QStringLiteral("Wrong-password-1") },
                               { QStringLiteral("newPassword"), QStringLiteral("Girasole2025y") },
                               { QStringLiteral("confirmation"), QStringLiteral("Girasole2025y") } },
                             here);
        QCOMPARE(r.status, 422);
        QCOMPARE(m_api->get(QStringLiteral("/api/v1/me"), elsewhere).status, 200);
    }

    void deactivationEndsEverySession()
    {
        qint64 id = 0;
        const QString email = newUser(&id);
        const QString here = m_api->signIn(email, m_password);
        const QString elsewhere = m_api->signIn(email, m_password);
        const ApiReply r = m_api->command(QStringLiteral("deactivateAccount"), {}, here);
        QCOMPARE(r.status, 200);
        QCOMPARE(m_api->get(QStringLiteral("/api/v1/me"), here).status, 401);
        QCOMPARE(m_api->get(QStringLiteral("/api/v1/me"), elsewhere).status, 401);
        QCOMPARE(openSessions(id), 0);
        // A deactivated account cannot sign in again: 403, saying why.
        ApiReply again;
        QVERIFY(m_api->signIn(email, m_password, &again).isEmpty());
        QCOMPARE(again.status, 403);
        QCOMPARE(again.code(), QStringLiteral("forbidden"));
        QCOMPARE(
            again.json.value(QLatin1String("data")).toObject().value(QLatin1String("deactivated")).toBool(),
            true);
    }

    void expiredSessionIsRefused()
    {
        qint64 id = 0;
        const QString token = m_api->signIn(newUser(&id), m_password);
        QCOMPARE(m_api->get(QStringLiteral("/api/v1/me"), token).status, 200);
        m_db->db().exec(QStringLiteral("UPDATE sessions SET expires_at = ? WHERE user_id = ?"),
                        { QDateTime::currentMSecsSinceEpoch() - 1000, id });
        const ApiReply r = m_api->get(QStringLiteral("/api/v1/me"), token);
        QCOMPARE(r.status, 401);
        QCOMPARE(r.code(), QStringLiteral("unauthenticated"));
    }

    void unknownAddressIs404()
    {
        const ApiReply r = m_api->get(QStringLiteral("/api/v1/nothing"));
        QCOMPARE(r.status, 404);
        QCOMPARE(r.code(), QStringLiteral("not_found"));
        QCOMPARE(m_api->get(QStringLiteral("/elsewhere")).status, 404);
        const ApiReply command = m_api->command(QStringLiteral("noSuchCommand"), {}, {});
        QCOMPARE(command.status, 404);
    }

    void wrongMethodIs405WithAllow()
    {
        ApiReply r = m_api->get(QStringLiteral("/api/v1/session"));
        QCOMPARE(r.status, 405);
        QCOMPARE(r.code(), QStringLiteral("method_not_allowed"));
        QCOMPARE(r.header("Allow"), QByteArray("POST, DELETE"));
        r = m_api->send("PUT", QStringLiteral("/api/v1/me"), {}, {});
        QCOMPARE(r.status, 405);
        QCOMPARE(r.header("Allow"), QByteArray("GET, HEAD"));
        r = m_api->get(QStringLiteral("/api/v1/commands/updateProfile"));
        QCOMPARE(r.status, 405);
        QCOMPARE(r.header("Allow"), QByteArray("POST"));
    }

    void badJsonIs400()
    {
        for (const QByteArray &body : { QByteArray("{not json"), QByteArray("[1, 2]"), QByteArray() }) {
            const ApiReply r = m_api->postRaw(QStringLiteral("/api/v1/session"), body);
            QCOMPARE(r.status, 400);
            QCOMPARE(r.code(), QStringLiteral("bad_request"));
        }
        const ApiReply r = m_api->postRaw(QStringLiteral("/api/v1/commands/requestReactivation"),
                                          "{\"commandId\": 5, \"args\": {}}");
        QCOMPARE(r.status, 400);
    }

    void bodyOverTheLimitIs413()
    {
        const int sessionsBefore = m_db->db().value(QStringLiteral("SELECT COUNT(*) FROM sessions")).toInt();
        // --max-body 4096: a 200 KiB body is refused from its Content-Length, unread.
        const QByteArray big = QByteArray("{\"email\": \"x@example.org\", \"password\": \"")
            + QByteArray(200 * 1024, 'a') + QByteArray("\"}");
        const ApiReply r = m_api->postRaw(QStringLiteral("/api/v1/session"), big);
        QCOMPARE(r.status, 413);
        QCOMPARE(r.code(), QStringLiteral("payload_too_large"));
        QCOMPARE(m_db->db().value(QStringLiteral("SELECT COUNT(*) FROM sessions")).toInt(), sessionsBefore);
        // The server still serves the next client.
        QCOMPARE(m_api->get(QStringLiteral("/api/v1/health")).status, 200);
    }

    void everyRequestIsLoggedOnOneLine()
    {
        qint64 id = 0;
        const QString token = m_api->signIn(newUser(&id), m_password);
        QCOMPARE(m_api->get(QStringLiteral("/api/v1/me?secret=abc"), token).status, 200);
        QTRY_VERIFY(m_server->log().contains(QStringLiteral("GET /api/v1/me 200 ")));
        const QString log = m_server->log();
        QVERIFY(log.contains(QStringLiteral("user=%1\n").arg(id)));
        QVERIFY(!log.contains(QStringLiteral("secret=abc")));
        QVERIFY(!log.contains(token));
    }
};

QTEST_GUILESS_MAIN(TestApiSessions)
#include "tst_api_sessions.moc"
