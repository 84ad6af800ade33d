#include "client/commandoutbox.h"
#include "kernel/database.h"
#include "testdatabase.h"

#include <QTemporaryDir>
#include <QTest>
#include <QUuid>

using namespace guichet;
using namespace guichet::test;

namespace {
const qint64 alice = 7;
const qint64 bruno = 8;
} // namespace

// The durable outbox of connected mode (docs/API.md "Desktop outbox").
class TestCommandOutbox : public QObject
{
    Q_OBJECT

private slots:
    // A desktop killed with commands waiting finds them again, in order, with
    // the same ids (so a retry is recognised by the server) and the same input.
    void survivesReopeningTheReplica()
    {
        QTemporaryDir dir;
        QVERIFY(dir.isValid());
        const QString location = dir.filePath(QStringLiteral("replica.sqlite"));
        QString error;
        QList<PendingCommand> stored;
        {
            auto db = Database::open(location, &error);
            QVERIFY2(db && db->migrate(&error), qPrintable(error));
            CommandOutbox outbox(*db);
            stored << outbox.enqueue(alice, QStringLiteral("updateProfile"),
                                     { { QStringLiteral("lastName"), QStringLiteral("Durand") } });
            stored << outbox.enqueue(alice, QStringLiteral("addService"),
                                     { { QStringLiteral("code"), QStringLiteral("S1") } });
            stored << outbox.enqueue(alice, QStringLiteral("setNotifications"),
                                     { { QStringLiteral("enabled"), true } });
            QCOMPARE(outbox.pendingCount(alice), 3);
        }
        auto db = Database::open(location, &error);
        QVERIFY2(db, qPrintable(error));
        CommandOutbox outbox(*db);
        QCOMPARE(outbox.pendingCount(alice), 3);
        for (const PendingCommand &expected : stored) {
            const auto next = outbox.nextPending(alice);
            QVERIFY(next);
            QCOMPARE(next->commandId, expected.commandId);
            QCOMPARE(next->name, expected.name);
            QCOMPARE(next->args, expected.args);
            QVERIFY(outbox.markSent(next->commandId));
        }
        QVERIFY(!outbox.nextPending(alice));
        QCOMPARE(outbox.pendingCount(alice), 0);
    }

    void commandIdsAreUniqueUuids()
    {
        TestDatabase t;
        GUICHET_REQUIRE_DB(t);
        CommandOutbox outbox(t.db());
        const PendingCommand a = outbox.enqueue(alice, QStringLiteral("updateProfile"), {});
        const PendingCommand b = outbox.enqueue(alice, QStringLiteral("updateProfile"), {});
        QVERIFY(a.commandId != b.commandId);
        QVERIFY(!QUuid::fromString(a.commandId).isNull());
        QVERIFY(a.seq < b.seq);
    }

    // A refused command leaves the sending order but keeps what the user typed
    // and the server's reason until the user discards it.
    void refusedCommandStaysUntilDiscarded()
    {
        TestDatabase t;
        GUICHET_REQUIRE_DB(t);
        CommandOutbox outbox(t.db());
        const PendingCommand a = outbox.enqueue(alice, QStringLiteral("addService"),
                                                { { QStringLiteral("code"), QStringLiteral("A") } });
        const PendingCommand b = outbox.enqueue(alice, QStringLiteral("addService"),
                                                { { QStringLiteral("code"), QStringLiteral("B") } });
        const PendingCommand c = outbox.enqueue(alice, QStringLiteral("addService"),
                                                { { QStringLiteral("code"), QStringLiteral("C") } });
        const QJsonObject refusal { { QStringLiteral("ok"), false },
                                    { QStringLiteral("code"), QStringLiteral("invalid_input") },
                                    { QStringLiteral("field"), QStringLiteral("code") },
                                    { QStringLiteral("message"),
                                      QStringLiteral("The code B is already used.") } };
        QVERIFY(outbox.markSent(a.commandId));
        QVERIFY(outbox.markRefused(b.commandId, refusal));
        QCOMPARE(outbox.nextPending(alice)->commandId, c.commandId);
        QCOMPARE(outbox.pendingCount(alice), 1);
        QCOMPARE(outbox.refusedCount(alice), 1);
        // The status dialog lists what still waits, without the refused one.
        const QList<PendingCommand> waiting = outbox.pending(alice);
        QCOMPARE(waiting.size(), 1);
        QCOMPARE(waiting.first().commandId, c.commandId);
        QVERIFY(outbox.pending(bruno).isEmpty());

        const QList<PendingCommand> refused = outbox.refused(alice);
        QCOMPARE(refused.size(), 1);
        QCOMPARE(refused.first().seq, b.seq);
        QCOMPARE(refused.first().state, PendingCommand::State::Refused);
        QCOMPARE(refused.first().args, b.args);
        QCOMPARE(refused.first().result, refusal);

        QVERIFY(outbox.discard(b.seq));
        QVERIFY(outbox.refused(alice).isEmpty());
        QVERIFY(!outbox.discard(b.seq));
        // Discarding one command leaves the others alone.
        QCOMPARE(outbox.nextPending(alice)->commandId, c.commandId);
    }

    // Two accounts on one desktop: each one's session sends only its own commands.
    void commandsBelongToTheirAuthor()
    {
        TestDatabase t;
        GUICHET_REQUIRE_DB(t);
        CommandOutbox outbox(t.db());
        const PendingCommand hers = outbox.enqueue(alice, QStringLiteral("updateProfile"), {});
        const PendingCommand his = outbox.enqueue(bruno, QStringLiteral("updateProfile"), {});
        QCOMPARE(outbox.nextPending(alice)->commandId, hers.commandId);
        QCOMPARE(outbox.nextPending(bruno)->commandId, his.commandId);
        QCOMPARE(outbox.nextPending(bruno)->userId, bruno);
        QCOMPARE(outbox.pendingCount(alice), 1);
        QVERIFY(outbox.markRefused(hers.commandId, {}));
        QCOMPARE(outbox.refused(alice).size(), 1);
        QVERIFY(outbox.refused(bruno).isEmpty());
        QVERIFY(!outbox.nextPending(alice));
        QVERIFY(!outbox.nextPending(99));
    }
};

QTEST_GUILESS_MAIN(TestCommandOutbox)
#include "tst_commandoutbox.moc"
