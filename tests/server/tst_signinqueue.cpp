#include "server/signinqueue.h"

#include <QTest>

using namespace guichet::server;

// The fair queue of sign-ins waiting for argon2id (issue 13, item 3).
class TestSignInQueue : public QObject
{
    Q_OBJECT

private:
    // Pops everything, returning the addresses in the order served.
    static QStringList drain(SignInQueue &queue, QStringList &served)
    {
        while (auto job = queue.pop())
            (*job)();
        return served;
    }

private slots:
    void networksAreServedInTurn()
    {
        QCOMPARE(SignInQueue::networkOf(QStringLiteral("10.200.3.4")), QStringLiteral("10.0.0.0/8"));
        QCOMPARE(SignInQueue::networkOf(QStringLiteral("2001:db8:1:2::/64")),
                 QStringLiteral("2001:db8::/32"));
        QCOMPARE(SignInQueue::networkOf(QStringLiteral("local")), QStringLiteral("local"));
    }

    // A flood from many addresses of one network, then one sign-in from
    // elsewhere: the latter is served second, not after the flood.
    void aSignInFromElsewhereDoesNotWaitForAFlood()
    {
        SignInQueue queue({ 4, 16, 64 });
        QStringList served;
        int refused = 0;
        for (int i = 0; i < 40; ++i) {
            const QString address = QStringLiteral("10.%1.%2.1").arg(i / 10).arg(i);
            if (!queue.push(address, [&served, address] { served << address; }))
                ++refused;
        }
        // One network holds at most its share; the rest is refused at once.
        QCOMPARE(queue.size(), 16);
        QCOMPARE(refused, 24);
        QVERIFY(
            queue.push(QStringLiteral("192.0.2.7"), [&served] { served << QStringLiteral("192.0.2.7"); }));
        drain(queue, served);
        QCOMPARE(served.size(), 17);
        QCOMPARE(served.indexOf(QStringLiteral("192.0.2.7")), 1);
        QCOMPARE(queue.size(), 0);
    }

    // A network that had nothing waiting is served before the one that was
    // just served: while a thread verifies the flood's last sign-in, the
    // newcomer is next.
    void aNewcomerGoesBeforeTheNetworkJustServed()
    {
        SignInQueue queue({ 4, 16, 64 });
        QStringList served;
        for (int i = 0; i < 3; ++i) {
            const QString address = QStringLiteral("10.0.0.%1").arg(i + 1);
            QVERIFY(queue.push(address, [&served, address] { served << address; }));
        }
        (*queue.pop())(); // a hashing thread takes 10.0.0.1
        QVERIFY(
            queue.push(QStringLiteral("192.0.2.7"), [&served] { served << QStringLiteral("192.0.2.7"); }));
        drain(queue, served);
        QCOMPARE(served,
                 (QStringList { QStringLiteral("10.0.0.1"), QStringLiteral("192.0.2.7"),
                                QStringLiteral("10.0.0.2"), QStringLiteral("10.0.0.3") }));
        QCOMPARE(queue.size(), 0);
    }

    // Within a network, addresses take turns; one address is served in order.
    void addressesTakeTurnsAndEachKeepsItsOrder()
    {
        SignInQueue queue({ 3, 16, 64 });
        QStringList served;
        for (int i = 0; i < 3; ++i) {
            const QString a = QStringLiteral("a%1").arg(i);
            const QString b = QStringLiteral("b%1").arg(i);
            QVERIFY(queue.push(QStringLiteral("203.0.113.1"), [&served, a] { served << a; }));
            QVERIFY(queue.push(QStringLiteral("203.0.113.2"), [&served, b] { served << b; }));
        }
        // The fourth from one address is over its share.
        QVERIFY(!queue.push(QStringLiteral("203.0.113.1"), [] {}));
        drain(queue, served);
        QCOMPARE(served,
                 (QStringList { QStringLiteral("a0"), QStringLiteral("b0"), QStringLiteral("a1"),
                                QStringLiteral("b1"), QStringLiteral("a2"), QStringLiteral("b2") }));
    }

    void theWholeQueueIsBounded()
    {
        SignInQueue queue({ 4, 16, 20 });
        int accepted = 0;
        for (int n = 1; n <= 30; ++n)
            accepted += queue.push(QStringLiteral("%1.0.0.1").arg(n), [] {}) ? 1 : 0;
        QCOMPARE(accepted, 20);
        QCOMPARE(queue.size(), 20);
        queue.pop();
        QVERIFY(queue.push(QStringLiteral("192.0.2.1"), [] {}));
    }
};

QTEST_GUILESS_MAIN(TestSignInQueue)
#include "tst_signinqueue.moc"
