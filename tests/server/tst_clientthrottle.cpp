#include "server/clientaddress.h"
#include "server/clientthrottle.h"

#include <QTest>

using namespace guichet::server;

// The anonymous routes' throttle and how guichetd names a client.
class TestClientThrottle : public QObject
{
    Q_OBJECT

private slots:
    void anAddressGetsItsAllowanceThenWaits()
    {
        ClientThrottle throttle(3);
        const QString a = QStringLiteral("203.0.113.1");
        for (int i = 0; i < 3; ++i)
            QCOMPARE(throttle.take(a, 1000), 0);
        // One more every 20 s (3 a minute): the answer says how long.
        QCOMPARE(throttle.take(a, 1000), 20);
        QCOMPARE(throttle.take(a, 11000), 10);
        QCOMPARE(throttle.take(a, 21000), 0);
        // Another address is not affected.
        QCOMPARE(throttle.take(QStringLiteral("203.0.113.2"), 21000), 0);
    }

    void theTableStaysBounded()
    {
        ClientThrottle throttle(10, 100);
        for (int i = 0; i < 1000; ++i)
            throttle.take(QStringLiteral("10.0.%1.%2").arg(i / 256).arg(i % 256), 1000 + i);
        QVERIFY(throttle.size() <= 100);
        // An address left alone for a minute is forgotten first, and nothing
        // is lost by it: its allowance was whole again.
        ClientThrottle other(2, 10);
        other.take(QStringLiteral("old"), 0);
        other.take(QStringLiteral("old"), 0);
        for (int i = 0; i < 9; ++i)
            other.take(QStringLiteral("new%1").arg(i), 61000);
        other.take(QStringLiteral("one more"), 61000);
        QVERIFY(other.size() <= 10);
        QCOMPARE(other.take(QStringLiteral("old"), 61000), 0);
        // A busy address is still refused after others pushed the table over.
        ClientThrottle busy(1, 10);
        QCOMPARE(busy.take(QStringLiteral("busy"), 100000), 0);
        for (int i = 0; i < 20; ++i)
            busy.take(QStringLiteral("x%1").arg(i), 99000);
        QVERIFY(busy.take(QStringLiteral("busy"), 100001) > 0);
    }

    void forwardedForCountsOnlyFromATrustedProxy()
    {
        QString wrong;
        const auto proxies = TrustedProxies::parse(QStringLiteral("127.0.0.1, 10.0.0.0/8 ::1"), &wrong);
        QVERIFY(proxies);
        const QHostAddress proxy(QStringLiteral("127.0.0.1"));
        const QHostAddress stranger(QStringLiteral("198.51.100.7"));
        // From a trusted proxy: the right-most address it did not add itself.
        QCOMPARE(clientAddress(proxy, "203.0.113.5", *proxies), QStringLiteral("203.0.113.5"));
        QCOMPARE(clientAddress(proxy, "1.2.3.4, 203.0.113.5, 10.1.2.3", *proxies),
                 QStringLiteral("203.0.113.5"));
        // From anyone else the header is the client's own writing: ignored.
        QCOMPARE(clientAddress(stranger, "203.0.113.5", *proxies), QStringLiteral("198.51.100.7"));
        QCOMPARE(clientAddress(proxy, "", *proxies), QStringLiteral("127.0.0.1"));
        QCOMPARE(clientAddress(proxy, "not an address", *proxies), QStringLiteral("127.0.0.1"));
        QCOMPARE(clientAddress(proxy, "203.0.113.5", TrustedProxies()), QStringLiteral("127.0.0.1"));
        // IPv6: one /64 is one client; an IPv4-mapped peer is its IPv4 address.
        QCOMPARE(clientAddress(QHostAddress(QStringLiteral("2001:db8:1:2:aaaa::1")), {}, *proxies),
                 QStringLiteral("2001:db8:1:2::/64"));
        QCOMPARE(clientAddress(QHostAddress(QStringLiteral("::ffff:198.51.100.7")), {}, *proxies),
                 QStringLiteral("198.51.100.7"));
        QVERIFY(!TrustedProxies::parse(QStringLiteral("127.0.0.1,nginx"), &wrong));
        QCOMPARE(wrong, QStringLiteral("nginx"));
    }
};

QTEST_GUILESS_MAIN(TestClientThrottle)
#include "tst_clientthrottle.moc"
