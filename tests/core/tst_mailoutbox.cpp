#include "fixtures.h"
#include "kernel/core.h"
#include "mail/mailoutbox.h"
#include "manualclock.h"
#include "testdatabase.h"

#include <QTest>

using namespace guichet;
using namespace guichet::test;

// The outbox as the standalone « local outbox » view and delivery see it.
class TestMailOutbox : public QObject
{
    Q_OBJECT

private slots:
    void pendingSentAndFailedMails()
    {
        TestDatabase t;
        GUICHET_REQUIRE_DB(t);
        ManualClock clock;
        Core core(t.db(), clock);
        const qint64 alice = insertUser(t.db(), QStringLiteral("alice@example.org"));
        const qint64 bruno = insertUser(t.db(), QStringLiteral("bruno@example.org"), QStringLiteral("Bruno"));
        qint64 m1 = 0, m2 = 0, m3 = 0;
        const CommandResult r = core.run(QStringLiteral("queue"), alice, [&](CommandContext &ctx) {
            m1 = ctx.queueMail(alice, QStringLiteral("alice@example.org"), QStringLiteral("Reactivation"),
                               QStringLiteral("Your link: https://example.org/r/abc"));
            m2 = ctx.queueMail(bruno, QStringLiteral("bruno@example.org"), QStringLiteral("Daily news"),
                               QStringLiteral("Nothing new"));
            m3 = ctx.queueMail(0, QStringLiteral("Former@Example.org"), QStringLiteral("Reply"),
                               QStringLiteral("Done"));
        });
        QVERIFY2(r.ok(), qPrintable(r.message));
        MailOutbox outbox(core);

        QList<OutboxMail> pending = outbox.pending();
        QCOMPARE(pending.size(), 3);
        QCOMPARE(pending.first().id, m1);
        QCOMPARE(outbox.pending(1).size(), 1);

        // A user reads the mails sent to their account, and only those.
        const QList<OutboxMail> alices = outbox.forUser(alice);
        QCOMPARE(alices.size(), 1);
        QVERIFY(alices.first().bodyText.contains(QLatin1String("https://example.org/r/abc")));
        QVERIFY(!alices.first().isSent());
        QCOMPARE(outbox.forRecipient(QStringLiteral("former@example.org")).size(), 1);

        // Sent: no longer pending, and cannot be sent twice.
        const QDateTime sentAt = clock.now().addSecs(5);
        QVERIFY(outbox.markSent(m1, sentAt));
        QVERIFY(!outbox.markSent(m1, sentAt.addSecs(1)));
        QCOMPARE(outbox.mail(m1)->sentAt, sentAt);
        QVERIFY(!outbox.markFailed(m1, QStringLiteral("late"), {}));

        // Failed: attempts counted, error kept, retried only when its time comes.
        QVERIFY(outbox.markFailed(m2, QStringLiteral("421 try later"), clock.now().addSecs(600)));
        QVERIFY(outbox.markFailed(m2, QStringLiteral("421 again"), clock.now().addSecs(1200)));
        const OutboxMail failed = *outbox.mail(m2);
        QCOMPARE(failed.attempts, 2);
        QCOMPARE(failed.lastError, QStringLiteral("421 again"));
        QCOMPARE(failed.nextAttemptAt, clock.now().addSecs(1200));
        pending = outbox.pending();
        QCOMPARE(pending.size(), 1);
        QCOMPARE(pending.first().id, m3);
        clock.advanceSecs(1200);
        QCOMPARE(outbox.pending().size(), 2);

        QVERIFY(!outbox.markSent(99999, clock.now()));
        QVERIFY(!outbox.mail(99999).has_value());
    }

    void latestAndUnsentCount()
    {
        TestDatabase t;
        GUICHET_REQUIRE_DB(t);
        ManualClock clock;
        Core core(t.db(), clock);
        const qint64 alice = insertUser(t.db(), QStringLiteral("alice@example.org"));
        MailOutbox outbox(core);
        QVERIFY(outbox.latest(10).isEmpty());
        QCOMPARE(outbox.unsentCount(), qint64(0));
        QList<qint64> ids;
        for (int i = 0; i < 3; ++i) {
            const CommandResult r = core.run(QStringLiteral("queue"), alice, [&](CommandContext &ctx) {
                ids.append(ctx.queueMail(i == 1 ? 0 : alice, QStringLiteral("alice@example.org"),
                                         QStringLiteral("Mail %1").arg(i), QStringLiteral("Body %1").arg(i)));
            });
            QVERIFY2(r.ok(), qPrintable(r.message));
            clock.advanceSecs(60);
        }
        QVERIFY(outbox.markSent(ids.at(0), clock.now()));
        QCOMPARE(outbox.unsentCount(), qint64(2));
        // Newest first, whoever they are for, at most the limit.
        const QList<OutboxMail> latest = outbox.latest(2);
        QCOMPARE(latest.size(), 2);
        QCOMPARE(latest.at(0).id, ids.at(2));
        QCOMPARE(latest.at(1).id, ids.at(1));
        QCOMPARE(latest.at(1).userId, qint64(0));
        QCOMPARE(latest.at(1).bodyText, QStringLiteral("Body 1"));
        QVERIFY(!latest.at(0).isSent());
        const QList<OutboxMail> all = outbox.latest(10);
        QCOMPARE(all.size(), 3);
        QVERIFY(all.at(2).isSent());
    }
};

QTEST_GUILESS_MAIN(TestMailOutbox)
#include "tst_mailoutbox.moc"
