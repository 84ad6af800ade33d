#include "../core/synctestsupport.h"
#include "apiclient.h"
#include "rules/accounts/passwords.h"

#include <QElapsedTimer>
#include <QJsonDocument>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QNetworkRequest>
#include <QScopeGuard>
#include <QTest>
#include <QUrl>

using namespace guichet;
using namespace guichet::test;

// What guichetd answers when its database fails (issue 13): a lost PostgreSQL
// connection is a 503 with Retry-After (or, once reconnected, the answer),
// never a 500 carrying SQL; health reports the database's state and recovers
// by itself; any other database failure is a 500 naming a request id, with the
// details in the server's log only.
class TestApiDatabase : public QObject
{
    Q_OBJECT

private:
    const QString m_password = QStringLiteral("Tournesol2024x");
    std::unique_ptr<SyncWorld> m_world;
    std::unique_ptr<Guichetd> m_server;
    std::unique_ptr<ApiClient> m_api;
    std::unique_ptr<Database> m_admin; // the cluster's postgres database (PostgreSQL runs)
    QNetworkAccessManager m_manager;
    QString m_alice;
    int m_services = 0;

    QString databaseName() const { return QUrl(m_world->t.location()).path().mid(1); }

    // Ends every backend of guichetd's database (its workers' and its change
    // watcher's connections, not the test's own), as a PostgreSQL restart does.
    int terminateAll()
    {
        const int mine = m_world->t.db().value(QStringLiteral("SELECT pg_backend_pid()")).toInt();
        return m_admin
            ->value(QStringLiteral("SELECT COUNT(pg_terminate_backend(pid)) FROM pg_stat_activity "
                                   "WHERE datname = ? AND pid <> pg_backend_pid() AND pid <> ?"),
                    { databaseName(), mine })
            .toInt();
    }

    int serviceCount()
    {
        return m_world->t.db()
            .value(QStringLiteral("SELECT COUNT(*) FROM services WHERE code LIKE 'D%'"))
            .toInt();
    }

    void allowConnections(bool allow)
    {
        m_admin->exec(QStringLiteral("ALTER DATABASE %1 ALLOW_CONNECTIONS %2")
                          .arg(databaseName(), allow ? QStringLiteral("true") : QStringLiteral("false")));
    }

    ApiReply addService()
    {
        const QString code = QStringLiteral("D%1").arg(++m_services);
        return m_api->command(QStringLiteral("addService"),
                              { { QStringLiteral("structure"), m_world->s1 },
                                { QStringLiteral("code"), code },
                                { QStringLiteral("name"), QStringLiteral("Service ") + code } },
                              m_alice);
    }

    // A 503 as docs/API.md promises it: Retry-After, a generic message, no SQL.
    static bool isCleanUnavailable(const ApiReply &r)
    {
        return r.status == 503 && r.header("Retry-After").toInt() >= 1
            && r.code() == QLatin1String("unavailable") && !r.body.contains("SELECT")
            && !r.body.contains("INSERT") && !r.body.contains("counters");
    }

    static QString describe(const ApiReply &r)
    {
        return QStringLiteral("%1 %2").arg(r.status).arg(QString::fromUtf8(r.body));
    }

private slots:
    void initTestCase()
    {
        PasswordHasher::setFastHashingForTests(true);
        m_world = std::make_unique<SyncWorld>();
        GUICHET_REQUIRE_DB(m_world->t);
        QVERIFY2(m_world->init(), qPrintable(m_world->error));
        m_world->t.db().exec(QStringLiteral("UPDATE users SET password_hash = ?"),
                             { PasswordHasher::hash(m_password) });
        if (TestDatabase::usesPostgres()) {
            QString error;
            m_admin = Database::open(qEnvironmentVariable("GUICHET_TEST_PG_URL"), &error);
            QVERIFY2(m_admin, qPrintable(error));
        }
        m_server = std::make_unique<Guichetd>();
        QString error;
        QVERIFY2(m_server->start(m_world->t.location(), { QStringLiteral("--workers"), QStringLiteral("3") },
                                 &error),
                 qPrintable(error));
        m_api = std::make_unique<ApiClient>(m_server->baseUrl());
        m_alice = m_api->signIn(QStringLiteral("alice@example.org"), m_password);
        QVERIFY(!m_alice.isEmpty());
    }

    void cleanupTestCase()
    {
        if (m_admin)
            allowConnections(true);
        if (m_server)
            QCOMPARE(m_server->stop(), 0);
    }

    void healthSaysTheDatabaseIsOk()
    {
        const ApiReply r = m_api->get(QStringLiteral("/api/v1/health"));
        QCOMPARE(r.status, 200);
        QCOMPARE(r.json.value(QLatin1String("database")).toString(), QStringLiteral("ok"));
        QCOMPARE(r.json.value(QLatin1String("ok")).toBool(), true);
    }

    void anInternalErrorNamesARequestIdAndKeepsTheSqlInTheLog()
    {
        // A table the command writes disappears: a database error that is not
        // a lost connection.
        m_world->t.db().exec(QStringLiteral("ALTER TABLE audit_log RENAME TO audit_log_away"));
        const auto restore = qScopeGuard(
            [&] { m_world->t.db().exec(QStringLiteral("ALTER TABLE audit_log_away RENAME TO audit_log")); });
        const ApiReply r = addService();
        QCOMPARE(r.status, 500);
        QCOMPARE(r.code(), QStringLiteral("internal"));
        const QByteArray id = r.header("X-Request-Id");
        QVERIFY(!id.isEmpty());
        QCOMPARE(r.json.value(QLatin1String("message")).toString(),
                 QStringLiteral("Internal error, request id %1.").arg(QString::fromLatin1(id)));
        QVERIFY2(!r.body.contains("audit_log") && !r.body.contains("INSERT"), r.body.constData());
        // The details are in the server's log, under the same id.
        QTRY_VERIFY_WITH_TIMEOUT(m_server->log().contains(QString::fromLatin1(id)), 2000);
        const QStringList lines = m_server->log().split(QLatin1Char('\n'));
        bool logged = false;
        for (const QString &line : lines)
            logged = logged
                || (line.contains(QString::fromLatin1(id)) && line.contains(QLatin1String("audit_log")));
        QVERIFY2(logged, qPrintable(m_server->log().right(2000)));
    }

    void terminatedConnectionsAreReplacedWithoutA500()
    {
        if (!m_admin)
            QSKIP("an SQLite file has no connection to lose");
        for (int round = 0; round < 3; ++round) {
            QVERIFY(terminateAll() >= 1);
            // Every request meets a dead connection on its worker: reads and
            // commands whose first statement failed run again on a new one.
            for (int i = 0; i < 6; ++i) {
                for (const ApiReply &r :
                     { m_api->get(QStringLiteral("/api/v1/health")),
                       m_api->get(QStringLiteral("/api/v1/changes?since=0&limit=10"), m_alice), addService(),
                       m_api->get(QStringLiteral("/api/v1/me"), m_alice) }) {
                    QVERIFY2(r.status == 200 || isCleanUnavailable(r), qPrintable(describe(r)));
                    QVERIFY2(r.status != 500, qPrintable(describe(r)));
                }
            }
        }
        const ApiReply health = m_api->get(QStringLiteral("/api/v1/health"));
        QCOMPARE(health.status, 200);
        QCOMPARE(health.json.value(QLatin1String("database")).toString(), QStringLiteral("ok"));
    }

    void healthGoesTo503AndBackByItself()
    {
        if (!m_admin)
            QSKIP("an SQLite file has no connection to lose");
        // A long-poll parked before the outage is woken once the database is
        // back, and reads again.
        const qint64 since = m_world->t.db().currentVersion();
        QNetworkRequest request(m_server->baseUrl().resolved(
            QUrl(QStringLiteral("/api/v1/changes?since=%1&wait=50").arg(since))));
        request.setRawHeader("Authorization", "Bearer " + m_alice.toLatin1());
        request.setTransferTimeout(90000);
        QNetworkReply *poll = m_manager.get(request);
        QTest::qWait(300);
        QVERIFY(!poll->isFinished());
        const int services = serviceCount();

        // The database refuses connections, as while PostgreSQL restarts.
        allowConnections(false);
        auto allow = qScopeGuard([&] { allowConnections(true); });
        QVERIFY(terminateAll() >= 1);
        const ApiReply down = m_api->get(QStringLiteral("/api/v1/health"));
        QVERIFY2(isCleanUnavailable(down), qPrintable(describe(down)));
        QCOMPARE(down.json.value(QLatin1String("database")).toString(), QStringLiteral("unavailable"));
        const ApiReply command = addService();
        QVERIFY2(isCleanUnavailable(command), qPrintable(describe(command)));
        const ApiReply read = m_api->get(QStringLiteral("/api/v1/me"), m_alice);
        QVERIFY2(isCleanUnavailable(read), qPrintable(describe(read)));
        QVERIFY(!poll->isFinished());

        allowConnections(true);
        allow.dismiss();
        QElapsedTimer back;
        back.start();
        // Health recovers by itself, within the reconnection backoff (5 s at most).
        ApiReply health;
        QTRY_VERIFY_WITH_TIMEOUT((health = m_api->get(QStringLiteral("/api/v1/health"))).status == 200, 8000);
        QCOMPARE(health.json.value(QLatin1String("database")).toString(), QStringLiteral("ok"));
        qInfo("health answered 200 again %lld ms after the database accepted connections", back.elapsed());
        // The parked poll came back with a page rather than waiting its 50 s,
        // though nothing changed: the change watcher LISTENs again and wakes it.
        QTRY_VERIFY2_WITH_TIMEOUT(poll->isFinished(), qPrintable(m_server->log().right(3000)), 10000);
        QCOMPARE(poll->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt(), 200);
        QVERIFY(QJsonDocument::fromJson(poll->readAll()).object().contains(QLatin1String("checkpoint")));
        poll->deleteLater();
        // (QTRY_* evaluates its expression more than once: no commands in it.)
        QCOMPARE(addService().status, 200);
        // Nothing of the refused commands was applied, the later one was.
        QCOMPARE(serviceCount(), services + 1);
    }
};

QTEST_GUILESS_MAIN(TestApiDatabase)
#include "tst_api_database.moc"
