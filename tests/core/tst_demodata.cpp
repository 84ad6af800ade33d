#include "datagen/demodata.h"
#include "kernel/core.h"
#include "manualclock.h"
#include "rules/accounts/accounts.h"
#include "rules/accounts/passwords.h"
#include "rules/attachments/permissions.h"
#include "testdatabase.h"

#include <QTest>

using namespace guichet;
using namespace guichet::test;

// The demo that scripts/run creates shows every role the issue names.
class TestDemoData : public QObject
{
    Q_OBJECT

private:
    static qint64 userId(Database &db, const char *email)
    {
        return db
            .value(QStringLiteral("SELECT id FROM users WHERE email = ?"), { QString::fromLatin1(email) })
            .toLongLong();
    }

private slots:
    void initTestCase() { PasswordHasher::setFastHashingForTests(true); }

    void demoHasEveryRoleAndPendingWork()
    {
        TestDatabase t;
        GUICHET_REQUIRE_DB(t);
        Database &db = t.db();
        ManualClock clock;
        QList<DemoLogin> logins;
        const CommandResult r = DemoData::generate(db, clock, 50, &logins);
        QVERIFY2(r.ok(), qPrintable(r.message));
        QCOMPARE(logins.size(), 8);
        QVERIFY(db.value(QStringLiteral("SELECT COUNT(*) FROM structures")).toInt() >= 50);

        // Every login signs in with the printed password, but the deactivated ones.
        Core core(db, clock);
        Accounts accounts(core);
        for (const DemoLogin &login : logins) {
            const CommandResult signIn = accounts.authenticate(login.email, DemoData::password());
            const bool deactivated = login.email.startsWith(QLatin1String("marc."))
                || login.email.startsWith(QLatin1String("julie."));
            QCOMPARE(signIn.ok(), !deactivated);
        }

        const QDate today = clock.today();
        const qint64 claire = userId(db, "claire.dubois@demo.guichet.fr");
        const qint64 sami = userId(db, "sami.benali@demo.guichet.fr");
        const qint64 nadia = userId(db, "nadia.petit@demo.guichet.fr");
        const qint64 lea = userId(db, "lea.moreau@demo.guichet.fr");
        const QList<QVariantMap> claireStructures = db.rows(
            QStringLiteral("SELECT structure_id FROM attachments WHERE user_id = ? AND role = 'principal'"),
            { claire });
        QCOMPARE(claireStructures.size(), 3);
        const qint64 menuiserie
            = db.value(QStringLiteral("SELECT id FROM structures WHERE siret = '73282932000074'"))
                  .toLongLong();
        const qint64 boulangerie
            = db.value(QStringLiteral("SELECT id FROM structures WHERE siret = '44306184100047'"))
                  .toLongLong();
        QCOMPARE(roleOn(db, sami, menuiserie, today), Role::Secondary);
        QVERIFY(canManage(db, sami, menuiserie, today)); // with the principal's powers
        QCOMPARE(roleOn(db, nadia, boulangerie, today), Role::Secondary);
        QVERIFY(!canManage(db, nadia, boulangerie, today)); // without them
        QCOMPARE(roleOn(db, lea, menuiserie, today), Role::User);
        QCOMPARE(db.value(QStringLiteral("SELECT COUNT(*) FROM attached_files WHERE user_id = ?"), { lea })
                     .toInt(),
                 2);
        QCOMPARE(db.value(QStringLiteral("SELECT COUNT(*) FROM users WHERE is_support = 1")).toInt(), 1);

        // Deactivated 10 and 70 days ago.
        const auto deactivatedDaysAgo = [&](const char *email) {
            const qint64 at = db.value(QStringLiteral("SELECT deactivated_at FROM users WHERE email = ?"),
                                       { QString::fromLatin1(email) })
                                  .toLongLong();
            return QDateTime::fromMSecsSinceEpoch(at, Qt::UTC).daysTo(clock.now());
        };
        QCOMPARE(deactivatedDaysAgo("marc.girard@demo.guichet.fr"), 10);
        QCOMPARE(deactivatedDaysAgo("julie.roux@demo.guichet.fr"), 70);

        // Work waiting for the managers.
        QVERIFY(db.value(QStringLiteral("SELECT COUNT(*) FROM attachments WHERE status = 'pending'")).toInt()
                >= 2);
        QVERIFY(
            db.value(QStringLiteral("SELECT COUNT(*) FROM subscriptions WHERE status = 'pending'")).toInt()
            >= 1);
        // Léa's removal of « Factures émises » (the workshop's) waits for Claire.
        QCOMPARE(db.value(QStringLiteral("SELECT COUNT(*) FROM subscriptions WHERE user_id = ? AND status = "
                                         "'validated' AND removal_requested_at IS NOT NULL"),
                          { lea })
                     .toInt(),
                 1);
        QCOMPARE(db.value(QStringLiteral("SELECT COUNT(*) FROM solicitations")).toInt(), 1);

        // The one-principal rule holds everywhere.
        QCOMPARE(
            db.value(QStringLiteral("SELECT COUNT(*) FROM (SELECT structure_id FROM attachments WHERE role = "
                                    "'principal' AND status = 'validated' GROUP BY structure_id HAVING "
                                    "COUNT(*) > 1) x"))
                .toInt(),
            0);
    }

    void demoStoppedHalfWayLeavesNothing()
    {
        TestDatabase t;
        GUICHET_REQUIRE_DB(t);
        ManualClock clock;
        const QString before = snapshot(t.db());
        for (const int failAt : { 3, 40, 200 }) {
            t.db().failAfterStatements(failAt);
            const CommandResult r = DemoData::generate(t.db(), clock, 5, nullptr);
            t.db().failAfterStatements(-1);
            QVERIFY(!r.ok());
            QCOMPARE(snapshot(t.db()), before);
        }
    }

    void demoRefusesADatabaseWithUsers()
    {
        TestDatabase t;
        GUICHET_REQUIRE_DB(t);
        ManualClock clock;
        QVERIFY(DemoData::generate(t.db(), clock, 5, nullptr).ok());
        const QString before = snapshot(t.db());
        const CommandResult again = DemoData::generate(t.db(), clock, 5, nullptr);
        QCOMPARE(again.code, ErrorCode::Conflict);
        QCOMPARE(snapshot(t.db()), before);
    }
};

QTEST_GUILESS_MAIN(TestDemoData)
#include "tst_demodata.moc"
