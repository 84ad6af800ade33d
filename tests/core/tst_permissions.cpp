#include "fixtures.h"
#include "kernel/core.h"
#include "manualclock.h"
#include "rules/attachments/permissions.h"
#include "testdatabase.h"

#include <QDebug>
#include <QSqlQuery>
#include <QTest>

using namespace guichet;
using namespace guichet::test;

class TestPermissions : public QObject
{
    Q_OBJECT

private slots:
    void roleOnlyInsideTheValidityWindow()
    {
        TestDatabase t;
        GUICHET_REQUIRE_DB(t);
        Database &db = t.db();
        const qint64 alice = insertUser(db, QStringLiteral("alice@example.org"));
        const qint64 s = insertStructure(db, validSiret(1), QStringLiteral("Menuiserie Dupont"));
        insertAttachment(db, alice, s, QStringLiteral("principal"), QStringLiteral("validated"),
                         QDate(2026, 3, 10), QDate(2026, 3, 20));

        QCOMPARE(roleOn(db, alice, s, QDate(2026, 3, 9)), Role::None);
        QVERIFY(!canManage(db, alice, s, QDate(2026, 3, 9)));
        QCOMPARE(roleOn(db, alice, s, QDate(2026, 3, 10)), Role::Principal);
        QVERIFY(canManage(db, alice, s, QDate(2026, 3, 10)));
        QCOMPARE(roleOn(db, alice, s, QDate(2026, 3, 20)), Role::Principal);
        QCOMPARE(roleOn(db, alice, s, QDate(2026, 3, 21)), Role::None);
        QVERIFY(!canManage(db, alice, s, QDate(2026, 3, 21)));
        QVERIFY(!attachedServices(db, alice, s, QDate(2026, 3, 21)).attached);
    }

    void onlyValidatedAttachmentsGiveRights()
    {
        TestDatabase t;
        GUICHET_REQUIRE_DB(t);
        Database &db = t.db();
        const qint64 bruno = insertUser(db, QStringLiteral("bruno@example.org"));
        const qint64 chloe = insertUser(db, QStringLiteral("chloe@example.org"));
        const qint64 s = insertStructure(db, validSiret(2), QStringLiteral("Boulangerie"));
        insertAttachment(db, bruno, s, QStringLiteral("principal"), QStringLiteral("pending"));
        insertAttachment(db, chloe, s, QStringLiteral("principal"), QStringLiteral("refused"));
        const QDate day(2026, 3, 2);
        QCOMPARE(roleOn(db, bruno, s, day), Role::None);
        QCOMPARE(roleOn(db, chloe, s, day), Role::None);
        QVERIFY(!canManage(db, bruno, s, day));
        QVERIFY(!attachedServices(db, bruno, s, day).attached);
    }

    void secondaryManagesOnlyWithThePrincipalsPowers()
    {
        TestDatabase t;
        GUICHET_REQUIRE_DB(t);
        Database &db = t.db();
        const qint64 sam = insertUser(db, QStringLiteral("sam@example.org"));
        const qint64 ugo = insertUser(db, QStringLiteral("ugo@example.org"));
        const qint64 without = insertStructure(db, validSiret(3), QStringLiteral("Sans pouvoirs"));
        const qint64 with = insertStructure(db, validSiret(4), QStringLiteral("Avec pouvoirs"), true);
        insertAttachment(db, sam, without, QStringLiteral("secondary"));
        insertAttachment(db, sam, with, QStringLiteral("secondary"));
        insertAttachment(db, ugo, with, QStringLiteral("user"));
        const QDate day(2026, 3, 2);
        QCOMPARE(roleOn(db, sam, without, day), Role::Secondary);
        QVERIFY(!canManage(db, sam, without, day));
        QVERIFY(canManage(db, sam, with, day));
        QCOMPARE(roleOn(db, ugo, with, day), Role::User);
        QVERIFY(!canManage(db, ugo, with, day));
    }

    void attachedServicesWholeStructureOrList()
    {
        TestDatabase t;
        GUICHET_REQUIRE_DB(t);
        Database &db = t.db();
        const qint64 whole = insertUser(db, QStringLiteral("whole@example.org"));
        const qint64 part = insertUser(db, QStringLiteral("part@example.org"));
        const qint64 s = insertStructure(db, validSiret(5), QStringLiteral("Garage"));
        const qint64 a = insertService(db, s, QStringLiteral("A"), QStringLiteral("Atelier"));
        insertService(db, s, QStringLiteral("B"), QStringLiteral("Bureau"));
        insertAttachment(db, whole, s, QStringLiteral("user"));
        const qint64 partAttachment = insertAttachment(db, part, s, QStringLiteral("user"));
        db.exec(QStringLiteral("UPDATE attachments SET whole_structure = 0 WHERE id = ?"),
                { partAttachment });
        db.exec(QStringLiteral("INSERT INTO attachment_services (attachment_id, service_id) VALUES (?, ?)"),
                { partAttachment, a });
        const QDate day(2026, 3, 2);
        const AttachedScope wholeScope = attachedServices(db, whole, s, day);
        QVERIFY(wholeScope.attached);
        QVERIFY(wholeScope.wholeStructure);
        QVERIFY(wholeScope.serviceIds.isEmpty());
        const AttachedScope partScope = attachedServices(db, part, s, day);
        QVERIFY(partScope.attached);
        QVERIFY(!partScope.wholeStructure);
        QCOMPARE(partScope.serviceIds, QList<qint64> { a });
    }

    void requireManagerRefusesOthersAndAllowsSupport()
    {
        TestDatabase t;
        GUICHET_REQUIRE_DB(t);
        Database &db = t.db();
        ManualClock clock;
        Core core(db, clock);
        const qint64 paul = insertUser(db, QStringLiteral("paul@example.org"));
        const qint64 other = insertUser(db, QStringLiteral("other@example.org"));
        const qint64 support = insertUser(db, QStringLiteral("support@example.org"), QStringLiteral("Sue"),
                                          QStringLiteral("Port"), true);
        const qint64 s = insertStructure(db, validSiret(6), QStringLiteral("Menuiserie"));
        const qint64 s2 = insertStructure(db, validSiret(7), QStringLiteral("Autre"));
        insertAttachment(db, paul, s, QStringLiteral("principal"), QStringLiteral("validated"),
                         QDate(2026, 1, 1), QDate(2026, 3, 31));
        insertAttachment(db, other, s2, QStringLiteral("principal"));
        auto check = [&](qint64 actor) {
            return core.run(QStringLiteral("check"), actor,
                            [&](CommandContext &ctx) { requireManager(ctx, s); });
        };
        QVERIFY(check(paul).ok());
        QVERIFY(check(support).ok());
        const CommandResult refused = check(other);
        QCOMPARE(refused.code, ErrorCode::Forbidden);
        QCOMPARE(refused.message, QStringLiteral("You do not manage this structure."));
        // The clock moves past valid_until: Paul's rights end with his attachment.
        clock.set(QDateTime(QDate(2026, 4, 1), QTime(8, 0), Qt::UTC));
        QCOMPARE(check(paul).code, ErrorCode::Forbidden);
    }

    void sqlFragmentsFollowTheWindow()
    {
        TestDatabase t;
        GUICHET_REQUIRE_DB(t);
        Database &db = t.db();
        const qint64 alice = insertUser(db, QStringLiteral("alice@example.org"));
        const qint64 bruno = insertUser(db, QStringLiteral("bruno@example.org"));
        const qint64 chloe = insertUser(db, QStringLiteral("chloe@example.org"));
        const qint64 dan = insertUser(db, QStringLiteral("dan@example.org"));
        const qint64 s = insertStructure(db, validSiret(1), QStringLiteral("Menuiserie Dupont"));
        insertAttachment(db, alice, s, QStringLiteral("principal"), QStringLiteral("validated"),
                         QDate(2026, 3, 10), QDate(2026, 3, 20));
        insertAttachment(db, bruno, s, QStringLiteral("user"), QStringLiteral("pending"));
        insertAttachment(db, chloe, s, QStringLiteral("user"), QStringLiteral("validated"),
                         QDate(2026, 4, 1));
        insertAttachment(db, dan, s, QStringLiteral("user"), QStringLiteral("refused"), QDate(2026, 1, 1),
                         QDate(2026, 2, 1));

        // The users whose attachment matches, with the table aliased and bare.
        const auto users = [&](SqlFragment (*fragment)(const QString &, QDate), QDate day) {
            QList<qint64> found[2];
            int i = 0;
            for (const QString &alias : { QStringLiteral("a"), QString() }) {
                const SqlFragment f = fragment(alias, day);
                const QString prefix = alias.isEmpty() ? QString() : alias + QLatin1Char('.');
                QSqlQuery q = db.exec(
                    QStringLiteral("SELECT %1user_id FROM attachments %2 WHERE %3 ORDER BY %1user_id")
                        .arg(prefix, alias, f.sql),
                    f.args);
                while (q.next())
                    found[i].append(q.value(0).toLongLong());
                ++i;
            }
            if (found[0] != found[1])
                qWarning() << "aliased" << found[0] << "bare" << found[1];
            return found[0] == found[1] ? found[0] : QList<qint64> { -1 };
        };
        using Ids = QList<qint64>;
        QCOMPARE(users(attachmentInWindow, QDate(2026, 3, 9)), (Ids { bruno }));
        QCOMPARE(users(attachmentInWindow, QDate(2026, 3, 10)), (Ids { alice, bruno }));
        QCOMPARE(users(attachmentInWindow, QDate(2026, 3, 20)), (Ids { alice, bruno }));
        QCOMPARE(users(attachmentInWindow, QDate(2026, 3, 21)), (Ids { bruno }));
        QCOMPARE(users(attachmentInWindow, QDate(2026, 4, 1)), (Ids { bruno, chloe }));
        // Not ended: those still to start count, whatever their status.
        QCOMPARE(users(attachmentNotEnded, QDate(2026, 1, 15)), (Ids { alice, bruno, chloe, dan }));
        QCOMPARE(users(attachmentNotEnded, QDate(2026, 3, 20)), (Ids { alice, bruno, chloe }));
        QCOMPARE(users(attachmentNotEnded, QDate(2026, 3, 21)), (Ids { bruno, chloe }));
        // Waiting, or validated and not ended: never the refused one.
        QCOMPARE(users(attachmentPendingOrNotEnded, QDate(2026, 1, 15)), (Ids { alice, bruno, chloe }));
        QCOMPARE(users(attachmentPendingOrNotEnded, QDate(2026, 3, 21)), (Ids { bruno, chloe }));
    }

    void structuresManagedOnTheDay()
    {
        TestDatabase t;
        GUICHET_REQUIRE_DB(t);
        Database &db = t.db();
        const qint64 sam = insertUser(db, QStringLiteral("sam@example.org"));
        const qint64 ugo = insertUser(db, QStringLiteral("ugo@example.org"));
        const qint64 first = insertStructure(db, validSiret(1), QStringLiteral("Premier"));
        const qint64 second = insertStructure(db, validSiret(2), QStringLiteral("Second"));
        const qint64 third = insertStructure(db, validSiret(3), QStringLiteral("Troisième"));
        const qint64 fourth = insertStructure(db, validSiret(4), QStringLiteral("Quatrième"));
        insertAttachment(db, sam, second, QStringLiteral("secondary")); // without the powers: still a manager
        insertAttachment(db, sam, first, QStringLiteral("principal"), QStringLiteral("validated"),
                         QDate(2026, 1, 1), QDate(2026, 3, 1));
        insertAttachment(db, sam, first, QStringLiteral("secondary")); // twice: listed once
        insertAttachment(db, sam, third, QStringLiteral("principal"), QStringLiteral("pending"));
        insertAttachment(db, sam, fourth, QStringLiteral("user"));
        insertAttachment(db, ugo, first, QStringLiteral("user"));
        insertAttachment(db, ugo, second, QStringLiteral("principal"), QStringLiteral("validated"),
                         QDate(2026, 5, 1));

        QCOMPARE(structuresManagedOn(db, sam, QDate(2026, 3, 2)), (QList<qint64> { first, second }));
        QVERIFY(structuresManagedOn(db, ugo, QDate(2026, 3, 2)).isEmpty());
        QCOMPARE(structuresManagedOn(db, ugo, QDate(2026, 5, 1)), QList<qint64> { second });

        // The sub-query gives the same structures.
        const SqlFragment managed = structuresManagedOnSql(sam, QDate(2026, 3, 2));
        QList<qint64> ids;
        QSqlQuery q = db.exec(
            QStringLiteral("SELECT id FROM structures WHERE id IN (%1) ORDER BY id").arg(managed.sql),
            managed.args);
        while (q.next())
            ids.append(q.value(0).toLongLong());
        QCOMPARE(ids, (QList<qint64> { first, second }));
    }
};

QTEST_GUILESS_MAIN(TestPermissions)
#include "tst_permissions.moc"
