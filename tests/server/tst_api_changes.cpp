#include "../core/synctestsupport.h"
#include "apiclient.h"
#include "rules/accounts/passwords.h"

#include <QElapsedTimer>
#include <QJsonArray>
#include <QJsonDocument>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QNetworkRequest>
#include <QSet>
#include <QTest>
#include <QUrlQuery>

using namespace guichet;
using namespace guichet::test;

// GET /api/v1/changes over HTTP against the real guichetd: what each user's
// pages hold, paging, parameter checks and the long-poll (wake-up by another
// client's command, timeout, a client leaving while parked, and on PostgreSQL
// a second guichetd on the same database waking it).
class TestApiChanges : public QObject
{
    Q_OBJECT

private:
    const QString m_password = QStringLiteral("Tournesol2024x");
    std::unique_ptr<SyncWorld> m_world;
    std::unique_ptr<Guichetd> m_server;
    std::unique_ptr<ApiClient> m_api;
    QNetworkAccessManager m_manager;
    QString m_alice, m_carol;

    QString changesPath(qint64 since, int limit = 0, int wait = 0)
    {
        QString path = QStringLiteral("/api/v1/changes?since=%1").arg(since);
        if (limit)
            path += QStringLiteral("&limit=%1").arg(limit);
        if (wait)
            path += QStringLiteral("&wait=%1").arg(wait);
        return path;
    }

    // A GET that does not wait for its answer (the long-poll), on base.
    QNetworkReply *startGet(const QUrl &base, const QString &path, const QString &token)
    {
        QUrl url = base.resolved(QUrl(path));
        QNetworkRequest request(url);
        request.setRawHeader("Authorization", "Bearer " + token.toLatin1());
        request.setTransferTimeout(90000);
        return m_manager.get(request);
    }

    static QJsonObject replyJson(QNetworkReply *reply)
    {
        return QJsonDocument::fromJson(reply->readAll()).object();
    }

    qint64 currentCheckpoint(const QString &token)
    {
        qint64 since = 0;
        for (int i = 0; i < 1000; ++i) {
            const ApiReply r = m_api->get(changesPath(since, 5000), token);
            if (r.status != 200)
                return -1;
            since = r.json.value(QLatin1String("checkpoint")).toInteger();
            if (!r.json.value(QLatin1String("more")).toBool())
                return since;
        }
        return -1;
    }

    ApiReply addService(ApiClient &api, const QString &code)
    {
        return api.command(QStringLiteral("addService"),
                           { { QStringLiteral("structure"), m_world->s1 },
                             { QStringLiteral("code"), code },
                             { QStringLiteral("name"), QStringLiteral("Service ") + code } },
                           m_alice);
    }

    static QSet<qint64> structuresOf(const QJsonObject &page)
    {
        QSet<qint64> ids;
        for (const QJsonValue &v : page.value(QLatin1String("rows")).toArray()) {
            const QJsonObject entry = v.toObject();
            const QJsonObject row = entry.value(QLatin1String("row")).toObject();
            if (entry.value(QLatin1String("table")).toString() == QLatin1String("structures"))
                ids.insert(row.value(QLatin1String("id")).toInteger());
            else if (row.contains(QLatin1String("structure_id"))
                     && !row.value(QLatin1String("structure_id")).isNull())
                ids.insert(row.value(QLatin1String("structure_id")).toInteger());
        }
        return ids;
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
        m_server = std::make_unique<Guichetd>();
        QString error;
        QVERIFY2(m_server->start(m_world->t.location(), {}, &error), qPrintable(error));
        m_api = std::make_unique<ApiClient>(m_server->baseUrl());
        m_alice = m_api->signIn(QStringLiteral("alice@example.org"), m_password);
        m_carol = m_api->signIn(QStringLiteral("carol@example.org"), m_password);
        QVERIFY(!m_alice.isEmpty());
        QVERIFY(!m_carol.isEmpty());
    }

    void cleanupTestCase()
    {
        if (m_server)
            QCOMPARE(m_server->stop(), 0);
    }

    void aSimpleUserSeesOnlyHerStructure()
    {
        const ApiReply r = m_api->get(changesPath(0, 5000), m_carol);
        QCOMPARE(r.status, 200);
        QCOMPARE(r.json.value(QLatin1String("more")).toBool(), false);
        const QSet<qint64> structures = structuresOf(r.json);
        QVERIFY(structures.contains(m_world->s1));
        QVERIFY(!structures.contains(m_world->s2));
        // Neither Dan's request to her structure nor his solicitation.
        QVERIFY(!pageIds(r.json, QStringLiteral("attachments")).contains(m_world->danPending));
        QVERIFY(!pageIds(r.json, QStringLiteral("solicitations")).contains(m_world->danSolicitation));
        QVERIFY(pageIds(r.json, QStringLiteral("solicitations")).contains(m_world->carolSolicitation));
        // No secret ever leaves the server.
        for (const QJsonObject &user : pageRows(r.json, QStringLiteral("users")))
            QVERIFY(!user.contains(QLatin1String("password_hash")));
    }

    void aManagerSeesHerStructuresRequests()
    {
        const ApiReply r = m_api->get(changesPath(0, 5000), m_alice);
        QCOMPARE(r.status, 200);
        QVERIFY(pageIds(r.json, QStringLiteral("attachments")).contains(m_world->danPending));
        QVERIFY(!structuresOf(r.json).contains(m_world->s2));
    }

    void pagesFollowTheCheckpoint()
    {
        // Pulled one small page at a time, the replica ends as the whole feed.
        ReplicaDb replica;
        QVERIFY2(replica.isValid(), qPrintable(replica.error));
        int pages = 0;
        qint64 previous = -1;
        for (bool more = true; more; ++pages) {
            QVERIFY(pages < 1000);
            const ApiReply r = m_api->get(changesPath(replica.replica->checkpoint(), 1), m_alice);
            QCOMPARE(r.status, 200);
            const qint64 checkpoint = r.json.value(QLatin1String("checkpoint")).toInteger();
            QVERIFY(checkpoint > previous);
            previous = checkpoint;
            more = r.json.value(QLatin1String("more")).toBool();
            QString error;
            QVERIFY2(replica.replica->applyPage(r.json, &error), qPrintable(error));
        }
        QVERIFY(pages > 3);
        QCOMPARE(replicaDump(*replica.db), expectedDump(*m_world->feed, m_world->alice));
    }

    void badParametersAreNamed_data()
    {
        QTest::addColumn<QString>("query");
        QTest::addColumn<QString>("field");
        QTest::newRow("since negative") << QStringLiteral("since=-1") << QStringLiteral("since");
        QTest::newRow("since text") << QStringLiteral("since=abc") << QStringLiteral("since");
        QTest::newRow("limit 0") << QStringLiteral("limit=0") << QStringLiteral("limit");
        QTest::newRow("limit too big") << QStringLiteral("limit=5001") << QStringLiteral("limit");
        QTest::newRow("wait too long") << QStringLiteral("wait=61") << QStringLiteral("wait");
        QTest::newRow("wait negative") << QStringLiteral("wait=-1") << QStringLiteral("wait");
    }

    void badParametersAreNamed()
    {
        QFETCH(QString, query);
        QFETCH(QString, field);
        const ApiReply r = m_api->get(QStringLiteral("/api/v1/changes?") + query, m_carol);
        QCOMPARE(r.status, 400);
        QCOMPARE(r.code(), QStringLiteral("bad_request"));
        QCOMPARE(r.field(), field);
    }

    void changesNeedASession()
    {
        QCOMPARE(m_api->get(changesPath(0)).status, 401);
        QCOMPARE(m_api->get(changesPath(0, 0, 5), QStringLiteral("not-a-token")).status, 401);
    }

    void longPollWakesOnAnotherClientsCommand()
    {
        const qint64 since = currentCheckpoint(m_carol);
        QVERIFY(since > 0);
        std::unique_ptr<QNetworkReply> reply(
            startGet(m_server->baseUrl(), changesPath(since, 0, 20), m_carol));
        QTest::qWait(300);
        QVERIFY(!reply->isFinished()); // parked: nothing newer yet
        ApiClient other(m_server->baseUrl());
        QElapsedTimer timer;
        timer.start();
        QCOMPARE(addService(other, QStringLiteral("LP1")).status, 200);
        QTRY_VERIFY_WITH_TIMEOUT(reply->isFinished(), 5000);
        QVERIFY2(timer.elapsed() < 1000, qPrintable(QString::number(timer.elapsed())));
        QCOMPARE(reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt(), 200);
        const QJsonObject page = replyJson(reply.get());
        QVERIFY(page.value(QLatin1String("checkpoint")).toInteger() > since);
        QVERIFY(!pageRows(page, QStringLiteral("services")).isEmpty());
    }

    void longPollAnswersAfterWaitWhenNothingHappens()
    {
        const qint64 since = currentCheckpoint(m_carol);
        QElapsedTimer timer;
        timer.start();
        const ApiReply r = m_api->get(changesPath(since, 0, 1), m_carol);
        const qint64 elapsed = timer.elapsed();
        QCOMPARE(r.status, 200);
        QVERIFY2(elapsed >= 900 && elapsed < 3000, qPrintable(QString::number(elapsed)));
        QCOMPARE(r.json.value(QLatin1String("checkpoint")).toInteger(), since);
        QVERIFY(r.json.value(QLatin1String("rows")).toArray().isEmpty());
    }

    void longPollWithOlderCheckpointAnswersAtOnce()
    {
        QElapsedTimer timer;
        timer.start();
        const ApiReply r = m_api->get(changesPath(0, 0, 30), m_carol);
        QCOMPARE(r.status, 200);
        QVERIFY(timer.elapsed() < 5000);
        QVERIFY(!r.json.value(QLatin1String("rows")).toArray().isEmpty());
    }

    void aClientLeavingWhileParkedDoesNotCrashTheServer()
    {
        const qint64 since = currentCheckpoint(m_carol);
        std::unique_ptr<QNetworkReply> reply(
            startGet(m_server->baseUrl(), changesPath(since, 0, 2), m_carol));
        QTest::qWait(300);
        QVERIFY(!reply->isFinished());
        reply->abort();
        QTest::qWait(100);
        // A change, then the wait's end, come for a client that is gone.
        QCOMPARE(addService(*m_api, QStringLiteral("LP2")).status, 200);
        QTest::qWait(2200);
        const ApiReply health = m_api->get(QStringLiteral("/api/v1/health"));
        QCOMPARE(health.status, 200);
        QVERIFY(m_server->log().contains(QStringLiteral(" 499 ")));
    }

    void aCommandThroughAnotherServerWakesTheLongPoll()
    {
        if (!m_world->t.db().isPostgres())
            QSKIP("Several guichetd share a database on PostgreSQL only.");
        Guichetd second;
        QString error;
        QVERIFY2(second.start(m_world->t.location(), {}, &error), qPrintable(error));
        const qint64 since = currentCheckpoint(m_carol);
        std::unique_ptr<QNetworkReply> reply(startGet(second.baseUrl(), changesPath(since, 0, 20), m_carol));
        QTest::qWait(300);
        QVERIFY(!reply->isFinished());
        QElapsedTimer timer;
        timer.start();
        QCOMPARE(addService(*m_api, QStringLiteral("LP3")).status, 200);
        QTRY_VERIFY_WITH_TIMEOUT(reply->isFinished(), 5000);
        QVERIFY2(timer.elapsed() < 1000, qPrintable(QString::number(timer.elapsed())));
        QCOMPARE(reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt(), 200);
        QVERIFY(replyJson(reply.get()).value(QLatin1String("checkpoint")).toInteger() > since);
        QCOMPARE(second.stop(), 0);
    }
};

QTEST_GUILESS_MAIN(TestApiChanges)
#include "tst_api_changes.moc"
