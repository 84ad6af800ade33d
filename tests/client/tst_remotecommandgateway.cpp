#include "client/commandoutbox.h"
#include "client/remotecommandgateway.h"
#include "clienttestsupport.h"
#include "kernel/database.h"

#include <QJsonDocument>
#include <QSignalSpy>
#include <QTcpServer>
#include <QTcpSocket>
#include <QTemporaryDir>
#include <QTest>

using namespace guichet;
using namespace guichet::test;

namespace {

// A peer that reads each HTTP request in full, records it, and hangs up
// without answering: what the desktop sees when the server dies after reading.
class HangingUpPeer : public QObject
{
public:
    struct Request
    {
        QByteArray head;
        QJsonObject body;
    };

    HangingUpPeer()
    {
        m_server.listen(QHostAddress::LocalHost, 0);
        connect(&m_server, &QTcpServer::newConnection, this, [this] {
            while (QTcpSocket *socket = m_server.nextPendingConnection()) {
                connect(socket, &QTcpSocket::readyRead, this, [this, socket] { readFrom(socket); });
                connect(socket, &QTcpSocket::disconnected, socket, &QObject::deleteLater);
            }
        });
    }

    QUrl url() const { return QUrl(QStringLiteral("http://127.0.0.1:%1").arg(m_server.serverPort())); }
    QList<Request> requests;

private:
    void readFrom(QTcpSocket *socket)
    {
        QByteArray &buffer = m_buffers[socket];
        buffer += socket->readAll();
        const int end = buffer.indexOf("\r\n\r\n");
        if (end < 0)
            return;
        const QByteArray head = buffer.left(end);
        qsizetype length = 0;
        for (const QByteArray &line : head.split('\n')) {
            if (line.toLower().startsWith("content-length:"))
                length = line.mid(15).trimmed().toLongLong();
        }
        if (buffer.size() < end + 4 + length)
            return;
        requests.append({ head, QJsonDocument::fromJson(buffer.mid(end + 4, length)).object() });
        m_buffers.remove(socket);
        socket->abort();
    }

    QTcpServer m_server;
    QHash<QTcpSocket *, QByteArray> m_buffers;
};

} // namespace

// The remote gateway while the server cannot be reached: nothing the user does
// is lost, and it all goes later in the order it was made.
class TestRemoteCommandGateway : public QObject
{
    Q_OBJECT

private slots:
    void commandsAreQueuedWhenTheServerIsUnreachable()
    {
        QTemporaryDir dir;
        const QString location = dir.filePath(QStringLiteral("replica.sqlite"));
        const QUrl server(QStringLiteral("http://127.0.0.1:%1").arg(closedPort()));
        QStringList ids;
        {
            auto replica = openReplica(location);
            QVERIFY(replica);
            RemoteCommandGateway gateway(server, *replica);
            gateway.setRetryDelays(50, 200);

            // A remembered token with the server down: the desktop works offline.
            Answer restored;
            gateway.restoreSession(QStringLiteral("remembered-token"), 42, recordInto(restored));
            QTRY_VERIFY(restored.called);
            QVERIFY(restored.result.ok());
            QCOMPARE(restored.result.id, 42);
            QVERIFY(restored.result.data.value(QStringLiteral("offline")).toBool());
            QCOMPARE(gateway.userId(), 42);
            QVERIFY(!gateway.isOnline());

            QSignalSpy counts(&gateway, &RemoteCommandGateway::pendingCountChanged);
            Answer first, second, third;
            gateway.send(QStringLiteral("updateProfile"),
                         { { QStringLiteral("lastName"), QStringLiteral("Durand") } }, recordInto(first));
            gateway.send(QStringLiteral("addService"), { { QStringLiteral("code"), QStringLiteral("S1") } },
                         recordInto(second));
            gateway.send(QStringLiteral("setNotifications"), { { QStringLiteral("enabled"), true } },
                         recordInto(third));
            // The screen is told at once, well before the answer timeout.
            QTRY_VERIFY_WITH_TIMEOUT(first.called && second.called && third.called, 2000);
            for (const Answer *a : { &first, &second, &third }) {
                QVERIFY(a->result.ok());
                QVERIFY(a->result.data.value(QStringLiteral("queued")).toBool());
            }
            QCOMPARE(gateway.pendingCount(), 3);
            QCOMPARE(counts.size(), 3);
            QCOMPARE(counts.last().first().toInt(), 3);
            // Retries go on in the background and keep everything.
            QTest::qWait(400);
            QCOMPARE(gateway.pendingCount(), 3);
            const PendingCommand head = *gateway.outbox().nextPending(42);
            QCOMPARE(head.name, QStringLiteral("updateProfile"));
            ids << head.commandId;
        }
        // The desktop was closed: the next start finds the same commands, in order.
        auto replica = openReplica(location);
        QVERIFY(replica);
        CommandOutbox outbox(*replica);
        QCOMPARE(outbox.pendingCount(42), 3);
        QCOMPARE(outbox.nextPending(42)->commandId, ids.first());
        QStringList names;
        while (auto next = outbox.nextPending(42)) {
            names << next->name;
            outbox.markSent(next->commandId);
        }
        QCOMPARE(names,
                 QStringList({ QStringLiteral("updateProfile"), QStringLiteral("addService"),
                               QStringLiteral("setNotifications") }));
    }

    // A server that read the command and died before answering may have applied
    // it: the retry carries the same command id, and the next command waits.
    void retriesCarryTheSameIdOneCommandAtATime()
    {
        QTemporaryDir dir;
        auto replica = openReplica(dir.filePath(QStringLiteral("replica.sqlite")));
        QVERIFY(replica);
        HangingUpPeer peer;
        RemoteCommandGateway gateway(peer.url(), *replica);
        gateway.setRetryDelays(20, 80);
        // Another account's command waiting in the same replica is never sent
        // with this session.
        const PendingCommand foreign = gateway.outbox().enqueue(8, QStringLiteral("addService"), {});
        Answer restored;
        gateway.restoreSession(QStringLiteral("tok"), 7, recordInto(restored));
        QTRY_VERIFY(restored.called);
        QVERIFY(restored.result.ok());
        peer.requests.clear(); // the GET /me

        Answer first, second;
        gateway.send(QStringLiteral("addService"), { { QStringLiteral("code"), QStringLiteral("A") } },
                     recordInto(first));
        gateway.send(QStringLiteral("addService"), { { QStringLiteral("code"), QStringLiteral("B") } },
                     recordInto(second));
        QTRY_VERIFY_WITH_TIMEOUT(peer.requests.size() >= 3, 5000);
        QTRY_VERIFY(first.called && second.called);
        QVERIFY(first.result.data.value(QStringLiteral("queued")).toBool());
        const QString headId = gateway.outbox().nextPending(7)->commandId;
        QVERIFY(headId != foreign.commandId);
        for (const HangingUpPeer::Request &request : std::as_const(peer.requests)) {
            QVERIFY2(request.head.startsWith("POST /api/v1/commands/addService "), request.head.constData());
            QVERIFY(request.head.contains("Authorization: Bearer tok"));
            QCOMPARE(request.body.value(QStringLiteral("commandId")).toString(), headId);
            QCOMPARE(request.body.value(QStringLiteral("args"))
                         .toObject()
                         .value(QStringLiteral("code"))
                         .toString(),
                     QStringLiteral("A"));
        }
        QCOMPARE(gateway.pendingCount(), 2);
    }

    // Anonymous commands need the server's answer: never queued.
    void anonymousCommandsAreNotQueued()
    {
        QTemporaryDir dir;
        auto replica = openReplica(dir.filePath(QStringLiteral("replica.sqlite")));
        QVERIFY(replica);
        RemoteCommandGateway gateway(QUrl(QStringLiteral("http://127.0.0.1:%1").arg(closedPort())), *replica);
        Answer answer;
        gateway.send(QStringLiteral("requestReactivation"),
                     { { QStringLiteral("email"), QStringLiteral("a@b.org") } }, recordInto(answer));
        QTRY_VERIFY(answer.called);
        QVERIFY(!answer.result.ok());
        QVERIFY(!answer.result.message.isEmpty());
        QCOMPARE(gateway.pendingCount(), 0);
    }

    // A password never rests in the replica: the commands carrying one are sent
    // at once, and refused (the form keeps its input) when the server is down.
    void passwordsNeverWaitInTheOutbox()
    {
        QTemporaryDir dir;
        auto replica = openReplica(dir.filePath(QStringLiteral("replica.sqlite")));
        QVERIFY(replica);
        RemoteCommandGateway gateway(QUrl(QStringLiteral("http://127.0.0.1:%1").arg(closedPort())), *replica);
        gateway.setRetryDelays(50, 200);
        Answer restored;
        gateway.restoreSession(QStringLiteral("remembered-token"), 42, recordInto(restored));
        QTRY_VERIFY(restored.called);
        QVERIFY(restored.result.ok());
        QSignalSpy counts(&gateway, &RemoteCommandGateway::pendingCountChanged);
        const QJsonObject secrets { { QStringLiteral("currentPassword"), QStringLiteral("Tournesol-2026") },
                                    { QStringLiteral("newPassword"), QStringLiteral("Marguerite-2027") },
                                    { QStringLiteral("confirmation"), QStringLiteral("Marguerite-2027") } };
        for (const QString &command :
             { QStringLiteral("updatePersonalInformation"), QStringLiteral("changePassword"),
               QStringLiteral("setSecretQuestion") }) {
            Answer answer;
            gateway.send(command, secrets, recordInto(answer));
            QTRY_VERIFY_WITH_TIMEOUT(answer.called, 5000);
            QVERIFY2(!answer.result.ok(), qPrintable(command));
            QVERIFY2(answer.result.message.contains(QStringLiteral("needs the server")),
                     qPrintable(answer.result.message));
        }
        QCOMPARE(gateway.pendingCount(), 0);
        QCOMPARE(counts.size(), 0);
        QCOMPARE(replica->value(QStringLiteral("SELECT COUNT(*) FROM pending_commands")).toInt(), 0);
        // Other commands still wait, as before.
        Answer queued;
        gateway.send(QStringLiteral("setNotifications"), { { QStringLiteral("enabled"), true } },
                     recordInto(queued));
        QTRY_VERIFY_WITH_TIMEOUT(queued.called, 7000);
        QVERIFY(queued.result.data.value(QStringLiteral("queued")).toBool());
        QCOMPARE(replica->value(QStringLiteral("SELECT COUNT(*) FROM pending_commands")).toInt(), 1);
    }

    void commandsNeedASignedInUser()
    {
        QTemporaryDir dir;
        auto replica = openReplica(dir.filePath(QStringLiteral("replica.sqlite")));
        QVERIFY(replica);
        RemoteCommandGateway gateway(QUrl(QStringLiteral("http://127.0.0.1:%1").arg(closedPort())), *replica);
        Answer answer;
        gateway.send(QStringLiteral("updateProfile"), {}, recordInto(answer));
        QVERIFY(answer.called);
        QCOMPARE(answer.result.code, ErrorCode::Unauthenticated);
        QCOMPARE(gateway.pendingCount(), 0);
    }

    void signInToAnUnreachableServerFails()
    {
        QTemporaryDir dir;
        auto replica = openReplica(dir.filePath(QStringLiteral("replica.sqlite")));
        QVERIFY(replica);
        RemoteCommandGateway gateway(QUrl(QStringLiteral("http://127.0.0.1:%1").arg(closedPort())), *replica);
        Answer answer;
        gateway.signIn(QStringLiteral("alice@example.org"), QStringLiteral("secret"), recordInto(answer));
        QTRY_VERIFY(answer.called);
        QVERIFY(!answer.result.ok());
        QVERIFY(!gateway.isSignedIn());
        QCOMPARE(gateway.userId(), 0);
    }
};

QTEST_GUILESS_MAIN(TestRemoteCommandGateway)
#include "tst_remotecommandgateway.moc"
