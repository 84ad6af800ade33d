#include "server/sessioncache.h"

#include <QDateTime>
#include <QTest>

using namespace guichet::server;

// What guichetd trusts without asking the database (docs/OPERATIONS.md
// « Sessions in memory »): a session checked at the current change counter,
// not expired, its use recorded less than a minute ago.
class TestSessionCache : public QObject
{
    Q_OBJECT

private:
    const qint64 m_now = QDateTime::currentMSecsSinceEpoch();

    SessionCache::Entry entry(qint64 sessionId, qint64 version) const
    {
        return { sessionId, sessionId * 10, m_now + 3600 * 1000, m_now, version };
    }

private slots:
    void aSessionIsTrustedOnlyWhileTheCounterStays()
    {
        SessionCache cache;
        cache.remember("a", entry(1, 7));
        const auto found = cache.find("a", 7, m_now);
        QVERIFY(found);
        QCOMPARE(found->userId, 10);
        // Any change anywhere (a sign-out elsewhere moves the counter too).
        QVERIFY(!cache.find("a", 8, m_now));
        QVERIFY(!cache.find("b", 7, m_now));
    }

    void aCommandTrustsItOnlyWhileNoSessionMayHaveEnded()
    {
        SessionCache cache;
        SessionCache::Entry e = entry(1, 7);
        e.sessionsStamp = 3;
        cache.remember("a", e);
        // Other commits (the change counter) do not matter to commands.
        const auto found = cache.findForCommand("a", 3, m_now);
        QVERIFY(found);
        QCOMPARE(found->sessionId, 1);
        QVERIFY(!cache.findForCommand("a", 4, m_now));
        // -1: no signal (SQLite, database unavailable, no LISTEN): never.
        e.sessionsStamp = -1;
        cache.remember("a", e);
        QVERIFY(!cache.findForCommand("a", -1, m_now));
        // Expiry and the last use's minute hold as for polls.
        e.sessionsStamp = 3;
        e.expiresAtMs = m_now + 1000;
        cache.remember("a", e);
        QVERIFY(!cache.findForCommand("a", 3, m_now + 1000));
        QVERIFY(!cache.findForCommand("a", 3, m_now + SessionCache::LastUseRefreshMs));
    }

    void anExpiredSessionIsNotTrusted()
    {
        SessionCache cache;
        SessionCache::Entry e = entry(1, 7);
        e.expiresAtMs = m_now + 1000;
        cache.remember("a", e);
        QVERIFY(cache.find("a", 7, m_now + 999));
        QVERIFY(!cache.find("a", 7, m_now + 1000));
    }

    void aMinuteAfterItsLastRecordedUseItIsAskedAgain()
    {
        SessionCache cache;
        cache.remember("a", entry(1, 7));
        QVERIFY(cache.find("a", 7, m_now + SessionCache::LastUseRefreshMs - 1));
        QVERIFY(!cache.find("a", 7, m_now + SessionCache::LastUseRefreshMs));
    }

    void aForgottenSessionIsGone()
    {
        SessionCache cache;
        cache.remember("a", entry(1, 7));
        cache.forget("a");
        QVERIFY(!cache.find("a", 7, m_now));
    }

    void aWakeUpConfirmsTheOpenSessionsAndDropsTheEnded()
    {
        SessionCache cache;
        cache.remember("a", entry(1, 7));
        cache.remember("b", entry(2, 7));
        cache.remember("c", entry(3, 7));
        // The database checked a and b at version 9: only session 1 (a) is open.
        cache.confirm({ 1 }, { "a", "b" }, 9);
        QVERIFY(cache.find("a", 9, m_now));
        QVERIFY(!cache.find("b", 9, m_now));
        QVERIFY(!cache.find("b", 7, m_now)); // forgotten, not merely stale
        QVERIFY(cache.find("c", 7, m_now)); // not among those checked: unchanged
    }

    void theCacheStaysBounded()
    {
        SessionCache cache(100);
        for (int i = 0; i < 1000; ++i)
            cache.remember(QByteArray::number(i), entry(i + 1, 7));
        QVERIFY(cache.size() <= 100);
        // The latest one is always kept.
        QVERIFY(cache.find("999", 7, m_now));
    }
};

QTEST_GUILESS_MAIN(TestSessionCache)
#include "tst_sessioncache.moc"
