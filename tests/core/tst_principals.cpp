#include "fixtures.h"
#include "kernel/core.h"
#include "manualclock.h"
#include "rules/attachments/principals.h"
#include "testdatabase.h"

#include <QTest>

using namespace guichet;
using namespace guichet::test;

class TestPrincipals : public QObject
{
    Q_OBJECT

private slots:
    void transferKeepsFormerPrincipalAsSimpleUser()
    {
        TestDatabase t;
        GUICHET_REQUIRE_DB(t);
        ManualClock clock;
        Core core(t.db(), clock);
        const qint64 alice = insertUser(t.db(), QStringLiteral("alice@example.org"));
        const qint64 bruno = insertUser(t.db(), QStringLiteral("bruno@example.org"), QStringLiteral("Bruno"));
        const qint64 s = insertStructure(t.db(), validSiret(1), QStringLiteral("Menuiserie Dupont"));
        insertAttachment(t.db(), alice, s, QStringLiteral("principal"));
        QCOMPARE(principalOf(t.db(), s), alice);

        const CommandResult r = core.run(QStringLiteral("transfer"), alice, [&](CommandContext &ctx) {
            transferPrincipal(ctx, s, bruno, QStringLiteral("successor"));
        });
        QVERIFY2(r.ok(), qPrintable(r.message));
        QCOMPARE(principalOf(t.db(), s), bruno);
        QCOMPARE(
            t.db()
                .value(QStringLiteral("SELECT role FROM attachments WHERE user_id = ? AND structure_id = ?"),
                       { alice, s })
                .toString(),
            QStringLiteral("user"));
        QCOMPARE(t.db()
                     .value(QStringLiteral("SELECT COUNT(*) FROM attachments WHERE structure_id = ? AND "
                                           "role = 'principal'"),
                            { s })
                     .toInt(),
                 1);
        QCOMPARE(structuresWherePrincipal(t.db(), bruno), QList<qint64> { s });
        QVERIFY(structuresWherePrincipal(t.db(), alice).isEmpty());
        QCOMPARE(t.db()
                     .value(QStringLiteral("SELECT COUNT(*) FROM audit_log WHERE structure_id = ?"), { s })
                     .toInt(),
                 1);
    }

    void successorMustBeActiveAndSomeoneElse()
    {
        TestDatabase t;
        GUICHET_REQUIRE_DB(t);
        ManualClock clock;
        Core core(t.db(), clock);
        const qint64 alice = insertUser(t.db(), QStringLiteral("alice@example.org"));
        const qint64 gone = insertUser(t.db(), QStringLiteral("gone@example.org"));
        t.db().exec(QStringLiteral("UPDATE users SET status = 'deactivated' WHERE id = ?"), { gone });
        const qint64 s = insertStructure(t.db(), validSiret(2), QStringLiteral("Boulangerie"));
        insertAttachment(t.db(), alice, s, QStringLiteral("principal"));

        CommandResult r = core.run(QStringLiteral("transfer"), alice, [&](CommandContext &ctx) {
            transferPrincipal(ctx, s, gone, QStringLiteral("successor"));
        });
        QCOMPARE(r.code, ErrorCode::InvalidInput);
        QCOMPARE(r.field, QStringLiteral("successor"));
        r = core.run(QStringLiteral("transfer"), alice, [&](CommandContext &ctx) {
            transferPrincipal(ctx, s, alice, QStringLiteral("successor"));
        });
        QCOMPARE(r.code, ErrorCode::InvalidInput);
        r = core.run(QStringLiteral("transfer"), alice, [&](CommandContext &ctx) {
            transferPrincipal(ctx, s, 99999, QStringLiteral("successor"));
        });
        QCOMPARE(r.code, ErrorCode::InvalidInput);
        QCOMPARE(principalOf(t.db(), s), alice);
    }
};

QTEST_GUILESS_MAIN(TestPrincipals)
#include "tst_principals.moc"
