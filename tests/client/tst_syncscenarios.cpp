#include "../core/synctestsupport.h"
#include "apiclient.h"
#include "client/commandoutbox.h"
#include "client/remotecommandgateway.h"
#include "client/syncclient.h"
#include "rules/accounts/passwords.h"

#include <QProcess>
#include <QTcpServer>
#include <QTcpSocket>
#include <QTest>

using namespace guichet;
using namespace guichet::test;

namespace {

// Forwards connections to guichetd; can drop the reply of the next command
// requests: the request reaches the server (which applies it), then the
// client's connection is closed before any byte of the answer comes back.
class DroppingProxy : public QObject
{
public:
    int dropCommandReplies = 0;
    int dropped = 0;

    bool listen(quint16 target)
    {
        m_target = target;
        connect(&m_server, &QTcpServer::newConnection, this, &DroppingProxy::accept);
        return m_server.listen(QHostAddress::LocalHost);
    }
    QUrl url() const { return QUrl(QStringLiteral("http://127.0.0.1:%1").arg(m_server.serverPort())); }

private:
    void accept()
    {
        while (QTcpSocket *client = m_server.nextPendingConnection()) {
            auto *upstream = new QTcpSocket(client);
            auto pending = std::make_shared<QByteArray>();
            auto command = std::make_shared<bool>(false);
            connect(upstream, &QTcpSocket::connected, upstream, [upstream, pending] {
                upstream->write(*pending);
                pending->clear();
            });
            connect(client, &QTcpSocket::readyRead, upstream, [client, upstream, pending, command] {
                const QByteArray data = client->readAll();
                if (data.startsWith("POST /api/v1/commands/"))
                    *command = true;
                else if (data.startsWith("GET ") || data.startsWith("POST ") || data.startsWith("DELETE "))
                    *command = false;
                if (upstream->state() == QAbstractSocket::ConnectedState)
                    upstream->write(data);
                else
                    pending->append(data);
            });
            connect(upstream, &QTcpSocket::readyRead, client, [this, client, upstream, command] {
                const QByteArray data = upstream->readAll();
                if (*command && dropCommandReplies > 0) {
                    --dropCommandReplies;
                    ++dropped;
                    client->abort();
                    return;
                }
                client->write(data);
            });
            connect(upstream, &QTcpSocket::disconnected, client, &QTcpSocket::disconnectFromHost);
            connect(client, &QTcpSocket::disconnected, client, &QObject::deleteLater);
            upstream->connectToHost(QHostAddress::LocalHost, m_target);
        }
    }

    QTcpServer m_server;
    quint16 m_target = 0;
};

// One desktop in connected mode: its replica, gateway and sync client.
struct Desktop
{
    std::unique_ptr<Database> db;
    std::unique_ptr<RemoteCommandGateway> gateway;
    std::unique_ptr<Replica> replica;
    std::unique_ptr<SyncClient> sync;
    qint64 userId = 0;
};

} // namespace

// The sync scenarios, against the real guichetd on the run's back-end:
// each replica must end as ChangeFeed::everything() of its user applied to an
// empty replica, whatever happened on the way.
class TestSyncScenarios : public QObject
{
    Q_OBJECT

private:
    const QString m_password = QStringLiteral("Tournesol2024x");
    std::unique_ptr<SyncWorld> m_world;
    std::unique_ptr<Guichetd> m_server;
    QTemporaryDir m_dir;
    quint16 m_port = 0;
    int m_replicas = 0;

    bool startServer()
    {
        m_server = std::make_unique<Guichetd>();
        QString error;
        const QStringList args = m_port
            ? QStringList { QStringLiteral("--listen"), QStringLiteral("127.0.0.1:%1").arg(m_port) }
            : QStringList();
        if (!m_server->start(m_world->t.location(), args, &error)) {
            qWarning("%s", qPrintable(error));
            return false;
        }
        m_port = quint16(m_server->baseUrl().port());
        return true;
    }

    QString replicaPath() { return m_dir.filePath(QStringLiteral("replica-%1.sqlite").arg(++m_replicas)); }

    // A desktop signed in as email on url (the server by default), syncing.
    std::unique_ptr<Desktop> desktop(const QString &email, QUrl url = {})
    {
        auto d = std::make_unique<Desktop>();
        QString error;
        d->db = Database::open(replicaPath(), &error);
        if (!d->db || !d->db->migrate(&error)) {
            qWarning("%s", qPrintable(error));
            return nullptr;
        }
        d->gateway
            = std::make_unique<RemoteCommandGateway>(url.isEmpty() ? m_server->baseUrl() : url, *d->db);
        d->gateway->setRetryDelays(100, 400);
        bool called = false;
        bool ok = false;
        d->gateway->signIn(email, m_password, [&](const CommandResult &r) {
            called = true;
            ok = r.ok();
            d->userId = r.id;
        });
        if (!QTest::qWaitFor([&] { return called; }, 10000) || !ok)
            return nullptr;
        d->replica = std::make_unique<Replica>(*d->db);
        d->sync = std::make_unique<SyncClient>(*d->gateway, *d->replica);
        d->sync->setRetryDelays(100, 400);
        d->sync->setWaitSeconds(5);
        return d;
    }

    QString expected(const Desktop &d) { return expectedDump(*m_world->feed, d.userId); }

    qint64 counter() { return m_world->t.db().currentVersion(); }

    int serviceCount(const QString &code)
    {
        return m_world->count(
            QStringLiteral("SELECT COUNT(*) FROM services WHERE structure_id = ? AND code = ?"),
            { m_world->s1, code });
    }

    static QJsonObject service(qint64 structure, const QString &code)
    {
        return { { QStringLiteral("structure"), structure },
                 { QStringLiteral("code"), code },
                 { QStringLiteral("name"), QStringLiteral("Service ") + code } };
    }

private slots:
    void initTestCase() { PasswordHasher::setFastHashingForTests(true); }

    void init()
    {
        m_port = 0;
        m_world = std::make_unique<SyncWorld>();
        GUICHET_REQUIRE_DB(m_world->t);
        QVERIFY2(m_world->init(), qPrintable(m_world->error));
        m_world->t.db().exec(QStringLiteral("UPDATE users SET password_hash = ?"),
                             { PasswordHasher::hash(m_password) });
        QVERIFY(startServer());
    }

    void cleanup()
    {
        m_server.reset();
        m_world.reset();
    }

    // Two users and the same user twice, changing things at the same time.
    void concurrentDesktopsConverge()
    {
        auto alice = desktop(QStringLiteral("alice@example.org"));
        auto carol = desktop(QStringLiteral("carol@example.org"));
        auto carolAgain = desktop(QStringLiteral("carol@example.org"));
        QVERIFY(alice && carol && carolAgain);
        for (Desktop *d : { alice.get(), carol.get(), carolAgain.get() })
            d->sync->start();
        ApiClient bruno(m_server->baseUrl());
        const QString brunoToken = bruno.signIn(QStringLiteral("bruno@example.org"), m_password);
        QVERIFY(!brunoToken.isEmpty());
        const auto ignore = [](const CommandResult &) {};
        for (int i = 1; i <= 3; ++i) {
            alice->gateway->send(QStringLiteral("addService"),
                                 service(m_world->s1, QStringLiteral("C%1").arg(i)), ignore);
            carol->gateway->send(QStringLiteral("createSolicitation"),
                                 { { QStringLiteral("category"), QStringLiteral("other") },
                                   { QStringLiteral("subject"), QStringLiteral("Question %1").arg(i) },
                                   { QStringLiteral("body"), QStringLiteral("Bonjour.") } },
                                 ignore);
            carolAgain->gateway->send(QStringLiteral("createSolicitation"),
                                      { { QStringLiteral("category"), QStringLiteral("other") },
                                        { QStringLiteral("subject"), QStringLiteral("Encore %1").arg(i) },
                                        { QStringLiteral("body"), QStringLiteral("Bonjour.") } },
                                      ignore);
        }
        QCOMPARE(bruno
                     .command(QStringLiteral("requestAttachment"),
                              { { QStringLiteral("structure"), m_world->s1 },
                                { QStringLiteral("validFrom"), QDate::currentDate().toString(Qt::ISODate) } },
                              brunoToken)
                     .status,
                 200);
        for (Desktop *d : { alice.get(), carol.get(), carolAgain.get() }) {
            QTRY_COMPARE_WITH_TIMEOUT(d->gateway->pendingCount(), 0, 15000);
            QTRY_COMPARE_WITH_TIMEOUT(d->replica->checkpoint(), counter(), 15000);
            QCOMPARE(replicaDump(*d->db), expected(*d));
            QVERIFY(d->gateway->outbox().refused(d->userId).isEmpty());
        }
        QCOMPARE(replicaDump(*carol->db), replicaDump(*carolAgain->db));
        QCOMPARE(m_world->count(QStringLiteral("SELECT COUNT(*) FROM solicitations WHERE user_id = ?"),
                                { m_world->carol }),
                 7);
    }

    // guichetd stops between pages, then during a long-poll; the client
    // resumes from its checkpoint each time.
    void serverRestartMidSync()
    {
        auto carol = desktop(QStringLiteral("carol@example.org"));
        QVERIFY(carol);
        carol->sync->setPageLimit(1);
        // Stopped right after the first page, before the client asks the next.
        bool stopped = false;
        const auto connection = connect(carol->sync.get(), &SyncClient::changesApplied, this, [&] {
            if (!stopped)
                stopped = m_server->stop() == 0;
        });
        carol->sync->start();
        QTRY_VERIFY_WITH_TIMEOUT(stopped, 10000);
        disconnect(connection);
        const qint64 stoppedAt = carol->replica->checkpoint();
        QVERIFY(stoppedAt > 0);
        QVERIFY(stoppedAt < counter()); // mid-sync: more pages were waiting
        QTest::qWait(300); // the client fails against the stopped server
        QVERIFY(!carol->sync->lastError().isEmpty());
        QVERIFY(
            m_world->check(m_world->structures->addService(m_world->alice, m_world->s1, QStringLiteral("D1"),
                                                           QStringLiteral("Pendant l'arrêt")),
                           "addService D1"));
        QVERIFY(startServer());
        QTRY_COMPARE_WITH_TIMEOUT(carol->replica->checkpoint(), counter(), 15000);
        QCOMPARE(replicaDump(*carol->db), expected(*carol));

        QTest::qWait(300); // in the long-poll now
        QCOMPARE(m_server->stop(), 0);
        QVERIFY(
            m_world->check(m_world->structures->addService(m_world->alice, m_world->s1, QStringLiteral("D2"),
                                                           QStringLiteral("Pendant l'attente")),
                           "addService D2"));
        QVERIFY(startServer());
        QTRY_COMPARE_WITH_TIMEOUT(carol->replica->checkpoint(), counter(), 15000);
        QCOMPARE(replicaDump(*carol->db), expected(*carol));
        QCOMPARE(carol->db->value(QStringLiteral("SELECT COUNT(*) FROM services WHERE code IN ('D1', 'D2')"))
                     .toInt(),
                 2);
    }

    // The command reaches the server, the reply is lost: the retry carries the
    // same command id and is answered without applying it again (a second
    // addService with the same code would be refused and stay in the outbox).
    void droppedReplyIsAppliedOnce()
    {
        DroppingProxy proxy;
        QVERIFY(proxy.listen(m_port));
        auto alice = desktop(QStringLiteral("alice@example.org"), proxy.url());
        QVERIFY(alice);
        proxy.dropCommandReplies = 1;
        bool called = false;
        alice->gateway->send(QStringLiteral("addService"), service(m_world->s1, QStringLiteral("DROP")),
                             [&](const CommandResult &r) {
                                 called = true;
                                 QVERIFY2(r.ok(), qPrintable(r.message));
                             });
        QTRY_VERIFY_WITH_TIMEOUT(called, 10000);
        QTRY_COMPARE_WITH_TIMEOUT(alice->gateway->pendingCount(), 0, 10000);
        QCOMPARE(proxy.dropped, 1);
        QCOMPARE(serviceCount(QStringLiteral("DROP")), 1);
        QVERIFY(alice->gateway->outbox().refused(alice->userId).isEmpty());
    }

    // A desktop killed (SIGKILL) with N commands in its outbox: a new gateway
    // on the same replica sends them all, in order, once each.
    void killedDesktopsOutboxIsSentOnce()
    {
        ApiClient api(m_server->baseUrl());
        const QString token = api.signIn(QStringLiteral("alice@example.org"), m_password);
        QVERIFY(!token.isEmpty());
        const QString path = replicaPath();
        const int n = 5;
        QProcess agent;
        agent.start(QStringLiteral(OUTBOXAGENT_PATH),
                    { path, QStringLiteral("http://127.0.0.1:1"), token, QString::number(m_world->alice),
                      QString::number(m_world->s1), QString::number(n) });
        QVERIFY(agent.waitForStarted());
        QVERIFY2(QTest::qWaitFor(
                     [&] {
                         return agent.readAllStandardOutput().contains("ready")
                             || agent.state() == QProcess::NotRunning;
                     },
                     15000),
                 "outboxagent never got ready");
        QCOMPARE(agent.state(), QProcess::Running);
        agent.kill(); // SIGKILL
        QVERIFY(agent.waitForFinished());
        QCOMPARE(agent.exitStatus(), QProcess::CrashExit);
        for (int i = 1; i <= n; ++i)
            QCOMPARE(serviceCount(QStringLiteral("K%1").arg(i)), 0);

        QString error;
        std::unique_ptr<Database> replica = Database::open(path, &error);
        QVERIFY2(replica && replica->migrate(&error), qPrintable(error));
        RemoteCommandGateway gateway(m_server->baseUrl(), *replica);
        QCOMPARE(gateway.outbox().pendingCount(m_world->alice), n);
        bool restored = false;
        gateway.restoreSession(token, m_world->alice, [&](const CommandResult &r) {
            restored = true;
            QVERIFY2(r.ok(), qPrintable(r.message));
        });
        QTRY_VERIFY(restored);
        gateway.flush();
        QTRY_COMPARE_WITH_TIMEOUT(gateway.pendingCount(), 0, 15000);
        qint64 previous = 0;
        for (int i = 1; i <= n; ++i) {
            const QString code = QStringLiteral("K%1").arg(i);
            QCOMPARE(serviceCount(code), 1);
            const qint64 id = m_world->t.db()
                                  .value(QStringLiteral("SELECT id FROM services WHERE code = ?"), { code })
                                  .toLongLong();
            QVERIFY(id > previous);
            previous = id;
        }
        QVERIFY(gateway.outbox().refused(m_world->alice).isEmpty());
    }

    // While two desktops do not pull, one user loses her attachment and the
    // other is downgraded from secondary manager to simple user: after catching
    // up, each replica holds exactly what its user may see now.
    void rightsRevokedWhileOffline()
    {
        // Dan becomes a secondary manager of s2 (with the principal's powers),
        // where Carol asks to be attached.
        QVERIFY(m_world->check(m_world->attachments->setSecondaryPowers(m_world->bruno, m_world->s2, true),
                               "setSecondaryPowers"));
        QVERIFY(m_world->check(
            m_world->attachments->setAttachmentRole(m_world->bruno, m_world->danAttachment, Role::Secondary),
            "setAttachmentRole"));
        const qint64 carolRequest = m_world->request(m_world->carol, m_world->s2);
        QVERIFY(carolRequest);
        auto carol = desktop(QStringLiteral("carol@example.org"));
        auto dan = desktop(QStringLiteral("dan@example.org"));
        QVERIFY(carol && dan);
        for (Desktop *d : { carol.get(), dan.get() }) {
            d->sync->start();
            QTRY_COMPARE_WITH_TIMEOUT(d->replica->checkpoint(), counter(), 15000);
            d->sync->stop();
        }
        QCOMPARE(replicaIds(*dan->db, QStringLiteral("attachments")).contains(carolRequest), true);
        QVERIFY(!replicaIds(*carol->db, QStringLiteral("services"),
                            QStringLiteral("structure_id = %1").arg(m_world->s1))
                     .isEmpty());

        ApiClient api(m_server->baseUrl());
        const QString brunoToken = api.signIn(QStringLiteral("bruno@example.org"), m_password);
        const QString aliceToken = api.signIn(QStringLiteral("alice@example.org"), m_password);
        QCOMPARE(api.command(QStringLiteral("setAttachmentRole"),
                             { { QStringLiteral("attachment"), m_world->danAttachment },
                               { QStringLiteral("role"), QStringLiteral("user") } },
                             brunoToken)
                     .status,
                 200);
        QCOMPARE(api.command(QStringLiteral("removeAttachments"),
                             { { QStringLiteral("attachments"), QJsonArray { m_world->carolAttachment } } },
                             aliceToken)
                     .status,
                 200);

        for (Desktop *d : { carol.get(), dan.get() }) {
            d->sync->start();
            QTRY_COMPARE_WITH_TIMEOUT(d->replica->checkpoint(), counter(), 15000);
            QCOMPARE(replicaDump(*d->db), expected(*d));
        }
        QVERIFY(!replicaIds(*dan->db, QStringLiteral("attachments")).contains(carolRequest));
        QVERIFY(replicaIds(*carol->db, QStringLiteral("services"),
                           QStringLiteral("structure_id = %1").arg(m_world->s1))
                    .isEmpty());
    }
};

QTEST_GUILESS_MAIN(TestSyncScenarios)
#include "tst_syncscenarios.moc"
