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
#include <QTcpSocket>
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

    QString changesPath(qint64 since, int limit = 0, int wait = 0, int format = 0)
    {
        QString path = QStringLiteral("/api/v1/changes?since=%1").arg(since);
        if (limit)
            path += QStringLiteral("&limit=%1").arg(limit);
        if (wait)
            path += QStringLiteral("&wait=%1").arg(wait);
        if (format)
            path += QStringLiteral("&format=%1").arg(format);
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

    // A user of her own (the world's are shared by the other tests), signed in.
    QString newUser(const QString &email, QString *secondToken = nullptr)
    {
        const qint64 id = insertUser(m_world->t.db(), email, QStringLiteral("Eve"));
        m_world->t.db().exec(QStringLiteral("UPDATE users SET password_hash = ? WHERE id = ?"),
                             { PasswordHasher::hash(m_password), id });
        if (secondToken)
            *secondToken = m_api->signIn(email, m_password);
        return m_api->signIn(email, m_password);
    }

    // The empty poll at the current checkpoint, twice: the second is answered
    // from guichetd's memory of the session.
    void pollTwice(const QString &token, qint64 since)
    {
        for (int i = 0; i < 2; ++i) {
            const ApiReply r = m_api->get(changesPath(since), token);
            QCOMPARE(r.status, 200);
            QCOMPARE(r.json.value(QLatin1String("checkpoint")).toInteger(), since);
            QVERIFY(r.json.value(QLatin1String("rows")).toArray().isEmpty());
        }
    }

    // A long-poll on a raw connection: every byte the server sends is kept,
    // so that a second answer would be seen.
    struct RawPoll
    {
        std::unique_ptr<QTcpSocket> socket = std::make_unique<QTcpSocket>();
        QByteArray received;
    };
    std::unique_ptr<RawPoll> startRawPoll(const QString &token, qint64 since)
    {
        auto poll = std::make_unique<RawPoll>();
        poll->socket->connectToHost(m_server->baseUrl().host(), quint16(m_server->baseUrl().port()));
        if (!poll->socket->waitForConnected(5000))
            return nullptr;
        RawPoll *raw = poll.get();
        connect(raw->socket.get(), &QTcpSocket::readyRead, this,
                [raw] { raw->received += raw->socket->readAll(); });
        raw->socket->write("GET " + changesPath(since, 0, 30).toLatin1() + " HTTP/1.1\r\nHost: x\r\n"
                           + "Authorization: Bearer " + token.toLatin1() + "\r\n\r\n");
        return poll;
    }
    static int answersIn(const QByteArray &bytes) { return int(bytes.count("HTTP/1.1 ")); }
    static QJsonObject bodyOf(const QByteArray &bytes)
    {
        return QJsonDocument::fromJson(bytes.mid(bytes.indexOf("\r\n\r\n") + 4)).object();
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

    // Format 2 through guichetd, one small page after another, fills a
    // replica as format 1 does; its first page announces the total.
    void compactPagesFillTheSameReplica()
    {
        ReplicaDb replica;
        QVERIFY2(replica.isValid(), qPrintable(replica.error));
        int pages = 0;
        qint64 total = -1;
        qint64 rows = 0;
        for (bool more = true; more; ++pages) {
            QVERIFY(pages < 1000);
            const ApiReply r = m_api->get(changesPath(replica.replica->checkpoint(), 2, 0, 2), m_alice);
            QCOMPARE(r.status, 200);
            QCOMPARE(r.json.value(QLatin1String("format")).toInteger(), 2);
            QVERIFY(!r.json.contains(QLatin1String("rows")));
            if (pages == 0)
                total = r.json.value(QLatin1String("total")).toInteger(-1);
            else
                QVERIFY(!r.json.contains(QLatin1String("total")));
            for (const QString &table : ChangeFeed::tables())
                rows += pageRows(r.json, table).size();
            more = r.json.value(QLatin1String("more")).toBool();
            QString error;
            QVERIFY2(replica.replica->applyPage(r.json, &error), qPrintable(error));
        }
        QVERIFY(pages > 3);
        // Every visible row; small pages after the first may send a user row
        // again (user rows that others' changes touch), never fewer.
        QCOMPARE(
            total,
            qint64(m_world->feed->everything(m_world->alice).value(QLatin1String("rows")).toArray().size()));
        QVERIFY2(rows >= total, qPrintable(QStringLiteral("%1 rows, total %2").arg(rows).arg(total)));
        QCOMPARE(replicaDump(*replica.db), expectedDump(*m_world->feed, m_world->alice));
    }

    // The desktop asks a first sync's count apart (total=only) and its first
    // page without it (total=0): the count alone is the first page's total,
    // and the page asked without it has the same rows and no total.
    void theCountAloneIsTheFirstPagesTotal()
    {
        const ApiReply withTotal = m_api->get(changesPath(0, 2, 0, 2), m_alice);
        QCOMPARE(withTotal.status, 200);
        const qint64 total = withTotal.json.value(QLatin1String("total")).toInteger(-1);
        QVERIFY(total > 2);
        const ApiReply count = m_api->get(changesPath(0, 0, 0, 2) + QStringLiteral("&total=only"), m_alice);
        QCOMPARE(count.status, 200);
        QCOMPARE(count.json,
                 QJsonObject({ { QStringLiteral("format"), 2 }, { QStringLiteral("total"), total } }));
        const ApiReply without = m_api->get(changesPath(0, 2, 0, 2) + QStringLiteral("&total=0"), m_alice);
        QCOMPARE(without.status, 200);
        QVERIFY(!without.json.contains(QLatin1String("total")));
        QJsonObject expected = withTotal.json;
        expected.remove(QStringLiteral("total"));
        QCOMPARE(without.json, expected);
        // total=1 is the default: what old desktops get.
        QCOMPARE(m_api->get(changesPath(0, 2, 0, 2) + QStringLiteral("&total=1"), m_alice).json,
                 withTotal.json);
        // Another user's count is hers.
        const ApiReply carols = m_api->get(changesPath(0, 0, 0, 2) + QStringLiteral("&total=only"), m_carol);
        QCOMPARE(carols.json.value(QLatin1String("total")),
                 m_api->get(changesPath(0, 2, 0, 2), m_carol).json.value(QLatin1String("total")));
    }

    // Two long-polls of one user parked at the same checkpoint, one in each
    // format: the wake-up shares a page per format, each gets its own.
    void parkedLongPollsGetThePageInTheirFormat()
    {
        const qint64 since = currentCheckpoint(m_carol);
        std::unique_ptr<QNetworkReply> one(startGet(m_server->baseUrl(), changesPath(since, 0, 20), m_carol));
        std::unique_ptr<QNetworkReply> two(
            startGet(m_server->baseUrl(), changesPath(since, 0, 20, 2), m_carol));
        QTest::qWait(300);
        QVERIFY(!one->isFinished());
        QVERIFY(!two->isFinished());
        QCOMPARE(addService(*m_api, QStringLiteral("LPF")).status, 200);
        QTRY_VERIFY_WITH_TIMEOUT(one->isFinished() && two->isFinished(), 5000);
        const QJsonObject pageOne = replyJson(one.get());
        const QJsonObject pageTwo = replyJson(two.get());
        QVERIFY(!pageOne.contains(QLatin1String("format")));
        QCOMPARE(pageTwo.value(QLatin1String("format")).toInteger(), 2);
        QCOMPARE(pageTwo.value(QLatin1String("checkpoint")), pageOne.value(QLatin1String("checkpoint")));
        QVERIFY(!pageRows(pageOne, QStringLiteral("services")).isEmpty());
        QCOMPARE(pageRows(pageTwo, QStringLiteral("services")),
                 pageRows(pageOne, QStringLiteral("services")));
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
        QTest::newRow("format 0") << QStringLiteral("format=0") << QStringLiteral("format");
        QTest::newRow("format 3") << QStringLiteral("format=3") << QStringLiteral("format");
        QTest::newRow("format text") << QStringLiteral("format=compact") << QStringLiteral("format");
        QTest::newRow("total 2") << QStringLiteral("since=0&format=2&total=2") << QStringLiteral("total");
        QTest::newRow("total text") << QStringLiteral("since=0&format=2&total=yes")
                                    << QStringLiteral("total");
        QTest::newRow("total empty") << QStringLiteral("since=0&format=2&total=") << QStringLiteral("total");
        QTest::newRow("total long") << QStringLiteral("since=0&format=2&total=")
                + QString(5000, QLatin1Char('1'))
                                    << QStringLiteral("total");
        QTest::newRow("total only, not a first sync")
            << QStringLiteral("since=1&format=2&total=only") << QStringLiteral("total");
        QTest::newRow("total only, format 1")
            << QStringLiteral("since=0&total=only") << QStringLiteral("total");
        // From memory too (since = the counter): the parameter is still checked.
        QTest::newRow("format 3, nothing new")
            << QStringLiteral("since=%1&format=3") << QStringLiteral("format");
        QTest::newRow("total text, nothing new")
            << QStringLiteral("since=%1&format=2&total=yes") << QStringLiteral("total");
    }

    void badParametersAreNamed()
    {
        QFETCH(QString, query);
        QFETCH(QString, field);
        if (query.contains(QLatin1String("%1")))
            query = query.arg(currentCheckpoint(m_carol));
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

    void anEmptyPollAfterSignOutIsRefused()
    {
        const QString token = newUser(QStringLiteral("eve.signout@example.org"));
        QVERIFY(!token.isEmpty());
        const qint64 since = currentCheckpoint(token);
        pollTwice(token, since);
        if (QTest::currentTestFailed())
            return;
        QCOMPARE(m_api->del(QStringLiteral("/api/v1/session"), token).status, 200);
        // The sign-out moved the counter: at the old checkpoint, and at the new one.
        QCOMPARE(m_api->get(changesPath(since), token).status, 401);
        QCOMPARE(m_api->get(changesPath(since + 1), token).status, 401);
        QCOMPARE(m_api->get(changesPath(since + 1, 0, 5), token).status, 401);
    }

    void anEmptyPollAfterDeactivationIsRefused()
    {
        QString other;
        const QString token = newUser(QStringLiteral("eve.deactivated@example.org"), &other);
        QVERIFY(!token.isEmpty() && !other.isEmpty());
        qint64 since = currentCheckpoint(token);
        pollTwice(token, since);
        if (QTest::currentTestFailed())
            return;
        // A parked long-poll of the other session, ended by the deactivation.
        std::unique_ptr<QNetworkReply> parked(
            startGet(m_server->baseUrl(), changesPath(since, 0, 20), other));
        QTest::qWait(300);
        QVERIFY(!parked->isFinished());
        QCOMPARE(m_api->command(QStringLiteral("deactivateAccount"), {}, token).status, 200);
        QTRY_VERIFY_WITH_TIMEOUT(parked->isFinished(), 5000);
        QCOMPARE(parked->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt(), 401);
        const qint64 now = m_world->t.db().currentVersion();
        QCOMPARE(m_api->get(changesPath(now), token).status, 401);
        QCOMPARE(m_api->get(changesPath(now), other).status, 401);
        QCOMPARE(m_api->get(changesPath(now, 0, 5), other).status, 401);
    }

    void aPollFromMemoryStillSeesTheUsersChangesAndNoOneElses()
    {
        const QString bruno = m_api->signIn(QStringLiteral("bruno@example.org"), m_password);
        const qint64 since = currentCheckpoint(m_carol);
        QCOMPARE(currentCheckpoint(bruno), since);
        pollTwice(m_carol, since);
        pollTwice(bruno, since);
        if (QTest::currentTestFailed())
            return;
        QCOMPARE(addService(*m_api, QStringLiteral("MEM")).status, 200);
        const ApiReply carol = m_api->get(changesPath(since), m_carol);
        QCOMPARE(carol.status, 200);
        QVERIFY(carol.json.value(QLatin1String("checkpoint")).toInteger() > since);
        QCOMPARE(pageRows(carol.json, QStringLiteral("services")).size(), 1);
        // Bruno is not attached to Alice's structure: the checkpoint moves, nothing else.
        const ApiReply other = m_api->get(changesPath(since), bruno);
        QCOMPARE(other.status, 200);
        QCOMPARE(other.json.value(QLatin1String("checkpoint")).toInteger(),
                 carol.json.value(QLatin1String("checkpoint")).toInteger());
        QVERIFY(other.json.value(QLatin1String("rows")).toArray().isEmpty());
        QVERIFY(!structuresOf(other.json).contains(m_world->s1));
    }

    void everyParkedClientGetsTheChangeOnceAndOnlyWhatItMaySee()
    {
        const QString bruno = m_api->signIn(QStringLiteral("bruno@example.org"), m_password);
        const QString sue = m_api->signIn(QStringLiteral("sue@example.org"), m_password);
        const QString dan = m_api->signIn(QStringLiteral("dan@example.org"), m_password);
        const qint64 since = currentCheckpoint(m_carol);
        // Several long-polls per user (a user with two desktops, or a desktop
        // that reconnected), some answered from one shared page.
        struct Client
        {
            QString name;
            QString token;
            std::shared_ptr<RawPoll> poll;
        };
        QList<Client> clients;
        for (int i = 0; i < 3; ++i) {
            for (const auto &[name, token] :
                 { std::pair { QStringLiteral("alice"), m_alice },
                   std::pair { QStringLiteral("carol"), m_carol },
                   std::pair { QStringLiteral("bruno"), bruno }, std::pair { QStringLiteral("sue"), sue },
                   std::pair { QStringLiteral("dan"), dan } }) {
                clients.append({ name, token, startRawPoll(token, since) });
                QVERIFY(clients.last().poll);
            }
        }
        QTest::qWait(500);
        for (const Client &c : std::as_const(clients))
            QCOMPARE(answersIn(c.poll->received), 0);
        QCOMPARE(addService(*m_api, QStringLiteral("FAN")).status, 200);
        for (const Client &c : std::as_const(clients))
            QTRY_VERIFY_WITH_TIMEOUT(answersIn(c.poll->received) >= 1, 5000);
        QTest::qWait(500); // a second answer would have come by now
        for (const Client &c : std::as_const(clients)) {
            QCOMPARE(answersIn(c.poll->received), 1);
            QVERIFY(c.poll->received.startsWith("HTTP/1.1 200"));
            const QJsonObject page = bodyOf(c.poll->received);
            // Exactly what a poll of the same checkpoint answers now.
            const ApiReply fresh = m_api->get(changesPath(since), c.token);
            QCOMPARE(fresh.status, 200);
            QCOMPARE(page, fresh.json);
            const bool seesS1 = c.name != QLatin1String("bruno") && c.name != QLatin1String("sue");
            QCOMPARE(pageRows(page, QStringLiteral("services")).size(), seesS1 ? 1 : 0);
            QVERIFY(page.value(QLatin1String("checkpoint")).toInteger() > since);
        }
    }

    void usersOfOneScopeEachGetTheirPageOnce()
    {
        // Eve: a simple user of Alice's structure, like Carol.
        const QString eve = newUser(QStringLiteral("eve.shared@example.org"));
        const qint64 eveId = m_world->t.db()
                                 .value(QStringLiteral("SELECT id FROM users WHERE email = ?"),
                                        { QStringLiteral("eve.shared@example.org") })
                                 .toLongLong();
        const qint64 attachment = m_world->request(eveId, m_world->s1);
        QVERIFY(attachment > 0);
        QVERIFY(m_world->attachments->decideAttachment(m_world->alice, attachment, true).ok());
        const QString bruno = m_api->signIn(QStringLiteral("bruno@example.org"), m_password);
        const qint64 since = currentCheckpoint(m_carol);
        QList<std::pair<QString, std::shared_ptr<RawPoll>>> clients;
        for (int i = 0; i < 3; ++i) {
            for (const QString &token : { m_carol, eve, bruno }) {
                clients.append({ token, startRawPoll(token, since) });
                QVERIFY(clients.last().second);
            }
        }
        QTest::qWait(500);
        // Alice's own row changes: her structure's people see it, Bruno does not.
        const ApiReply command
            = m_api->command(QStringLiteral("setNotifications"),
                             { { QStringLiteral("enabled"), true },
                               { QStringLiteral("contactEmail"), QStringLiteral("a@example.org") } },
                             m_alice);
        QCOMPARE(command.status, 200);
        for (const auto &[token, poll] : std::as_const(clients))
            QTRY_VERIFY_WITH_TIMEOUT(answersIn(poll->received) >= 1, 5000);
        QTest::qWait(300);
        for (const auto &[token, poll] : std::as_const(clients)) {
            QCOMPARE(answersIn(poll->received), 1);
            const QJsonObject page = bodyOf(poll->received);
            const ApiReply fresh = m_api->get(changesPath(since), token);
            QCOMPARE(page, fresh.json);
            const bool seesAlice = pageIds(page, QStringLiteral("users")).contains(m_world->alice);
            QCOMPARE(seesAlice, token != bruno);
        }
    }

    void aSignOutThroughAnotherServerEndsTheRememberedSession()
    {
        if (!m_world->t.db().isPostgres())
            QSKIP("Several guichetd share a database on PostgreSQL only.");
        Guichetd second;
        QString error;
        QVERIFY2(second.start(m_world->t.location(), {}, &error), qPrintable(error));
        const QString token = newUser(QStringLiteral("eve.elsewhere@example.org"));
        const qint64 since = currentCheckpoint(token);
        pollTwice(token, since);
        if (QTest::currentTestFailed())
            return;
        ApiClient other(second.baseUrl());
        QCOMPARE(other.del(QStringLiteral("/api/v1/session"), token).status, 200);
        // This instance learns of it through NOTIFY.
        QTRY_COMPARE_WITH_TIMEOUT(m_api->get(changesPath(since), token).status, 401, 3000);
        QCOMPARE(second.stop(), 0);
    }

    void aDeactivationBehindAnOlderCommandStillInFlightEndsTheRememberedSession()
    {
        if (!m_world->t.db().isPostgres())
            QSKIP("SQLite has one writer at a time: no command commits while another is in flight.");
        QString other;
        const QString token = newUser(QStringLiteral("eve.inflight@example.org"), &other);
        QVERIFY(!token.isEmpty() && !other.isEmpty());
        const qint64 since = currentCheckpoint(token);
        pollTwice(token, since);
        if (QTest::currentTestFailed())
            return;
        // An older command (another connection) holds its version in flight:
        // the version readers see cannot move past it.
        auto older = m_world->t.openAnother();
        QVERIFY(older);
        older->begin();
        QVERIFY(older->nextVersion() > since);
        QCOMPARE(m_api->command(QStringLiteral("deactivateAccount"), {}, other).status, 200);
        QCOMPARE(m_world->t.db().currentVersion(), since);
        // The session guichetd remembered ended all the same: refused at once.
        QCOMPARE(m_api->get(changesPath(since), token).status, 401);
        QCOMPARE(m_api->get(changesPath(since, 0, 5), token).status, 401);
        older->rollback();
        QCOMPARE(m_api->get(changesPath(m_world->t.db().currentVersion()), token).status, 401);
    }

    // A command of the user's own (changes only her row), its status.
    int ownCommand(const QString &token)
    {
        return m_api
            ->command(QStringLiteral("setNotifications"),
                      { { QStringLiteral("enabled"), true },
                        { QStringLiteral("contactEmail"), QStringLiteral("eve@example.org") } },
                      token)
            .status;
    }

    void aCommandAfterADeactivationOnThisServerIsRefusedAtOnce()
    {
        QString other;
        const QString token = newUser(QStringLiteral("eve.commands@example.org"), &other);
        QVERIFY(!token.isEmpty() && !other.isEmpty());
        // The second command finds the session remembered (PostgreSQL).
        QCOMPARE(ownCommand(token), 200);
        QCOMPARE(ownCommand(token), 200);
        QCOMPARE(m_api->command(QStringLiteral("deactivateAccount"), {}, other).status, 200);
        QCOMPARE(ownCommand(token), 401);
    }

    void aCommandAfterASignOutThroughAnotherServerIsRefused()
    {
        if (!m_world->t.db().isPostgres())
            QSKIP("Several guichetd share a database on PostgreSQL only.");
        Guichetd second;
        QString error;
        QVERIFY2(second.start(m_world->t.location(), {}, &error), qPrintable(error));
        const QString token = newUser(QStringLiteral("eve.commands.elsewhere@example.org"));
        QCOMPARE(ownCommand(token), 200);
        QCOMPARE(ownCommand(token), 200);
        ApiClient otherServer(second.baseUrl());
        QCOMPARE(otherServer.del(QStringLiteral("/api/v1/session"), token).status, 200);
        // This instance learns of it through NOTIFY guichet_sessions.
        QTRY_COMPARE_WITH_TIMEOUT(ownCommand(token), 401, 3000);
        QCOMPARE(second.stop(), 0);
    }

    void commandsReadTheirSessionAgainOnlyOnceOneMayHaveEnded()
    {
        if (!m_world->t.db().isPostgres())
            QSKIP("SQLite: every commit sends the next command back to the database.");
        const QString token = newUser(QStringLiteral("eve.remembered@example.org"));
        QCOMPARE(ownCommand(token), 200);
        QCOMPARE(ownCommand(token), 200);
        Database &db = m_world->t.db();
        const QVariantList hash { secretTokenHash(token) };
        // Revoked behind the triggers' back: commands go on from memory,
        // which is what spares them the session's read.
        db.exec(QStringLiteral("ALTER TABLE sessions DISABLE TRIGGER sessions_ended"));
        db.exec(QStringLiteral("UPDATE sessions SET revoked_at = 1 WHERE token_hash = ?"), hash);
        db.exec(QStringLiteral("ALTER TABLE sessions ENABLE TRIGGER sessions_ended"));
        QCOMPARE(ownCommand(token), 200);
        QCOMPARE(ownCommand(token), 200);
        // Any write that may end a session (SQL by hand here) is heard.
        db.exec(QStringLiteral("UPDATE sessions SET revoked_at = revoked_at WHERE token_hash = ?"), hash);
        QTRY_COMPARE_WITH_TIMEOUT(ownCommand(token), 401, 3000);
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
