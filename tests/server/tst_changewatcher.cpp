#include "kernel/core.h"
#include "rules/accounts/accounts.h"
#include "rules/accounts/passwords.h"
#include "server/changewatcher.h"
#include "testdatabase.h"

#include <QSignalSpy>
#include <QSqlDriver>
#include <QTest>

using namespace guichet;
using namespace guichet::test;

// guichetd learns of changes made through another connection (another guichetd,
// guichetctl): on PostgreSQL at once through core's NOTIFY, on SQLite by
// re-reading the counter.
class TestChangeWatcher : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase() { PasswordHasher::setFastHashingForTests(true); }

    void seesACommitFromAnotherConnection()
    {
        TestDatabase testDb;
        GUICHET_REQUIRE_DB(testDb);
        // On PostgreSQL the poll is far too slow to pass: only the NOTIFY can.
        server::ChangeWatcher watcher(testDb.db(), TestDatabase::usesPostgres() ? 60000 : 100);
        const qint64 start = watcher.version();
        QSignalSpy spy(&watcher, &server::ChangeWatcher::versionChanged);

        auto other = testDb.openAnother();
        QVERIFY(other);
        SystemClock clock;
        Core core(*other, clock);
        NewUser user;
        user.email = QStringLiteral("alice@example.org");
        user.firstName = QStringLiteral("Alice");
        user.lastName = QStringLiteral("Martin");
        user.password = QStringLiteral("Tournesol2024x");
        QVERIFY(Accounts(core).createUser(user).ok());
        const qint64 now = other->currentVersion();
        QVERIFY(now > start);

        QTRY_VERIFY_WITH_TIMEOUT(!spy.isEmpty(), 1000);
        QCOMPARE(spy.last().at(0).toLongLong(), now);
        QCOMPARE(watcher.version(), now);
    }

    void listensAgainAfterItsConnectionWasLost()
    {
        TestDatabase testDb;
        GUICHET_REQUIRE_DB(testDb);
        if (!TestDatabase::usesPostgres())
            QSKIP("an SQLite file has no connection to lose");
        // The poll is far too slow to pass: only a NOTIFY on the new connection can.
        server::ChangeWatcher watcher(testDb.db(), 60000);
        QSignalSpy recovered(&watcher, &server::ChangeWatcher::databaseRecovered);
        QSignalSpy changed(&watcher, &server::ChangeWatcher::versionChanged);
        auto other = testDb.openAnother();
        QVERIFY(other);
        QVERIFY(terminateBackend(testDb.db(), *other));
        // The next read finds the connection gone; the recovery pace reconnects.
        watcher.refresh();
        QTRY_VERIFY_WITH_TIMEOUT(!recovered.isEmpty(), 3000);
        QVERIFY(watcher.databaseAvailable());
        QCOMPARE(testDb.db().reconnections(), quint64(1));

        SystemClock clock;
        Core core(*other, clock);
        NewUser user;
        user.email = QStringLiteral("bob@example.org");
        user.firstName = QStringLiteral("Bob");
        user.lastName = QStringLiteral("Martin");
        user.password = QStringLiteral("Tournesol2024x");
        QVERIFY(Accounts(core).createUser(user).ok());
        QTRY_VERIFY_WITH_TIMEOUT(!changed.isEmpty(), 1000);
        QCOMPARE(watcher.version(), other->currentVersion());
    }

    void aCommitBehindAnOlderCommandInFlightMovesTheStampNotTheVersion()
    {
        TestDatabase testDb;
        GUICHET_REQUIRE_DB(testDb);
        if (!TestDatabase::usesPostgres())
            QSKIP("SQLite has one writer at a time: no command commits while another is in flight.");
        server::ChangeWatcher watcher(testDb.db(), 60000);
        auto older = testDb.openAnother();
        auto newer = testDb.openAnother();
        QVERIFY(older && newer);
        const qint64 start = watcher.version();
        older->begin();
        const qint64 held = older->nextVersion();
        SystemClock clock;
        Core core(*newer, clock);
        NewUser user;
        user.email = QStringLiteral("carol@example.org");
        user.firstName = QStringLiteral("Carol");
        user.lastName = QStringLiteral("Martin");
        user.password = QStringLiteral("Tournesol2024x");
        const qint64 stamp = watcher.stamp();
        QVERIFY(Accounts(core).createUser(user).ok());
        // The NOTIFY came: the commit is seen (the session cache must not trust
        // what it checked before), but readers stay below the older version.
        QTRY_VERIFY_WITH_TIMEOUT(watcher.stamp() != stamp, 1000);
        QCOMPARE(watcher.version(), start);
        QVERIFY(held > start);
        older->commit();
        QTRY_VERIFY_WITH_TIMEOUT(watcher.version() > held, 1000);
    }

    // A command of this instance: on PostgreSQL the worker no longer reads the
    // counter after it (that scans pg_locks). The stamp moves at once, so no
    // session checked before the commit (a sign-out) is trusted any more, and
    // the counter is read within a gather, not once per command.
    void aCommitOfThisInstanceMovesTheStampAtOnce()
    {
        TestDatabase testDb;
        GUICHET_REQUIRE_DB(testDb);
        server::ChangeWatcher watcher(testDb.db(), 60000);
        auto other = testDb.openAnother();
        QVERIFY(other);
        SystemClock clock;
        Core core(*other, clock);
        NewUser user;
        user.email = QStringLiteral("dora@example.org");
        user.firstName = QStringLiteral("Dora");
        user.lastName = QStringLiteral("Martin");
        user.password = QStringLiteral("Tournesol2024x");
        const qint64 stamp = watcher.stamp();
        const qint64 before = watcher.version();
        QVERIFY(Accounts(core).createUser(user).ok());
        const qint64 now = other->currentVersion();
        QVERIFY(now > before);
        watcher.noteCommitted();
        QVERIFY(watcher.stamp() != stamp);
        if (TestDatabase::usesPostgres()) {
            QVERIFY(watcher.behind());
            QCOMPARE(watcher.version(), before);
        }
        QTRY_VERIFY_WITH_TIMEOUT(!watcher.behind(), 1000);
        QCOMPARE(watcher.version(), now);
    }

    // guichetd's workers leave notifying the other instances to the watcher
    // (Database::setNotifyOnCommit(false), WorkerPool::committed): nothing
    // is heard before the watcher notes the commits, then a burst of them is
    // heard once, with its highest version, sent with the watcher's read.
    void commitsLeftToTheWatcherAreNotifiedOncePerBurst()
    {
        TestDatabase testDb;
        GUICHET_REQUIRE_DB(testDb);
        if (!TestDatabase::usesPostgres())
            QSKIP("SQLite has no notifications");
        server::ChangeWatcher watcher(testDb.db(), 60000);
        const qint64 before = watcher.version();
        auto worker = testDb.openAnother();
        auto otherInstance = testDb.openAnother();
        QVERIFY(worker && otherInstance);
        worker->setNotifyOnCommit(false);
        QStringList heard;
        QSqlDriver *driver = otherInstance->connection().driver();
        QObject::connect(
            driver, &QSqlDriver::notification,
            [&heard](const QString &name, QSqlDriver::NotificationSource, const QVariant &payload) {
                if (name == QLatin1String("guichet_changes"))
                    heard << payload.toString();
            });
        QVERIFY(driver->subscribeToNotification(QStringLiteral("guichet_changes")));
        SystemClock clock;
        Core core(*worker, clock);
        QList<qint64> versions;
        for (int i = 0; i < 3; ++i) {
            const CommandResult r = core.run(
                QStringLiteral("test"), 0, [&versions](CommandContext &ctx) { versions << ctx.version(); },
                RunOptions::anonymousCommand());
            QVERIFY(r.ok());
            QCOMPARE(worker->takeCommittedVersion(), versions.last());
            QCOMPARE(worker->takeCommittedVersion(), 0);
        }
        QTest::qWait(300);
        QVERIFY(heard.isEmpty());
        QCOMPARE(watcher.version(), before);
        for (const qint64 version : std::as_const(versions))
            watcher.noteCommitted(version);
        QTRY_VERIFY_WITH_TIMEOUT(!watcher.behind(), 1000);
        QCOMPARE(watcher.version(), versions.last());
        QTRY_COMPARE_WITH_TIMEOUT(heard, QStringList { QString::number(versions.last()) }, 1000);
        QTest::qWait(300);
        QCOMPARE(heard.size(), 1);
    }

    void aRefusedCommandWakesNobody()
    {
        TestDatabase testDb;
        GUICHET_REQUIRE_DB(testDb);
        server::ChangeWatcher watcher(testDb.db(), 100);
        QSignalSpy spy(&watcher, &server::ChangeWatcher::versionChanged);
        auto other = testDb.openAnother();
        SystemClock clock;
        Core core(*other, clock);
        // Takes a version, then fails: the NOTIFY is rolled back with the rest.
        const CommandResult r = core.run(
            QStringLiteral("test"), 0,
            [](CommandContext &ctx) {
                ctx.version();
                fail(ErrorCode::InvalidInput, {}, QStringLiteral("no"));
            },
            RunOptions::anonymousCommand());
        QVERIFY(!r.ok());
        QTest::qWait(500);
        QVERIFY(spy.isEmpty());
    }
};

QTEST_GUILESS_MAIN(TestChangeWatcher)
#include "tst_changewatcher.moc"
