#include "fixtures.h"
#include "kernel/core.h"
#include "manualclock.h"
#include "rules/accounts/accounts.h"
#include "rules/attachments/attachments.h"
#include "rules/attachments/principals.h"
#include "rules/manager/manageractivity.h"
#include "rules/spaces/spaces.h"
#include "rules/spaces/subscriptions.h"
#include "testdatabase.h"

#include <QTest>

using namespace guichet;
using namespace guichet::test;

namespace {
enum class TransferPath { Deactivation, AttachmentRemoval, ManagerTransfer };

bool hasValidatedSpace(Core &core, qint64 userId, qint64 structureId, const QString &spaceCode)
{
    for (const SubscriptionView &v : Subscriptions(core).userSubscriptions(userId)) {
        if (v.structureId == structureId && v.spaceCode == spaceCode
            && v.status == QLatin1String("validated"))
            return true;
    }
    return false;
}
} // namespace

class TestPrincipals : public QObject
{
    Q_OBJECT

private slots:
    // Each of the three ways a principal manager hands over (deactivation,
    // removing their own attachment, the manager's transfer) leaves a successor
    // who can manage: « Activité du gestionnaire » opens for them and they
    // validate a pending request; the former principal loses that space.
    void theSuccessorCanManageWhicheverWayTheRoleWasHandedOver_data()
    {
        QTest::addColumn<TransferPath>("path");
        QTest::addColumn<bool>("successorWasAttached");
        QTest::newRow("deactivation, successor not attached") << TransferPath::Deactivation << false;
        QTest::newRow("deactivation, successor attached") << TransferPath::Deactivation << true;
        QTest::newRow("attachment removal, successor not attached")
            << TransferPath::AttachmentRemoval << false;
        QTest::newRow("manager transfer, successor not attached") << TransferPath::ManagerTransfer << false;
        QTest::newRow("manager transfer, successor attached") << TransferPath::ManagerTransfer << true;
    }

    void theSuccessorCanManageWhicheverWayTheRoleWasHandedOver()
    {
        QFETCH(TransferPath, path);
        QFETCH(bool, successorWasAttached);
        TestDatabase t;
        GUICHET_REQUIRE_DB(t);
        ManualClock clock;
        Core core(t.db(), clock);
        const qint64 alice = insertUser(t.db(), QStringLiteral("alice@example.org"));
        const qint64 bruno = insertUser(t.db(), QStringLiteral("bruno@example.org"), QStringLiteral("Bruno"));
        const qint64 carol = insertUser(t.db(), QStringLiteral("carol@example.org"), QStringLiteral("Carol"));
        const qint64 s = insertStructure(t.db(), validSiret(3), QStringLiteral("Menuiserie Dupont"));
        const qint64 principalAttachment = insertAttachment(t.db(), alice, s, QStringLiteral("principal"));
        if (successorWasAttached)
            insertAttachment(t.db(), bruno, s, QStringLiteral("user"));
        // The former principal has the manager's space, as a principal does.
        Attachments attachments(core);
        QVERIFY(core.run(QStringLiteral("defaults"), alice,
                         [&](CommandContext &ctx) {
                             subscribeRoleDefaults(ctx, alice, s, Role::Principal, { 0 });
                         })
                    .ok());
        QVERIFY(hasValidatedSpace(core, alice, s, QStringLiteral("activite_gestionnaire")));
        AttachmentRequest request;
        request.structureId = s;
        request.validFrom = clock.today();
        const CommandResult asked = attachments.requestAttachment(carol, request);
        QVERIFY2(asked.ok(), qPrintable(asked.message));
        const qint64 mailsBefore
            = t.db()
                  .value(QStringLiteral("SELECT COUNT(*) FROM mail_outbox WHERE user_id = ?"), { bruno })
                  .toLongLong();

        CommandResult handedOver;
        switch (path) {
        case TransferPath::Deactivation:
            handedOver = Accounts(core).deactivateAccount(alice, Successors::all(bruno));
            break;
        case TransferPath::AttachmentRemoval:
            handedOver = attachments.removeAttachments(alice, { principalAttachment }, { { s, bruno } });
            break;
        case TransferPath::ManagerTransfer:
            handedOver = ManagerActivity(core).transferPrincipal(alice, s, bruno);
            break;
        }
        QVERIFY2(handedOver.ok(), qPrintable(handedOver.message));

        QCOMPARE(principalOf(t.db(), s), bruno);
        QVERIFY(hasValidatedSpace(core, bruno, s, QStringLiteral("activite_gestionnaire")));
        QVERIFY(!hasValidatedSpace(core, alice, s, QStringLiteral("activite_gestionnaire")));
        QVERIFY(t.db()
                    .value(QStringLiteral("SELECT COUNT(*) FROM mail_outbox WHERE user_id = ?"), { bruno })
                    .toLongLong()
                > mailsBefore);
        const CommandResult decided = attachments.decideAttachment(bruno, asked.id, true, QString());
        QVERIFY2(decided.ok(), qPrintable(decided.message));
    }

    // A principal whose attachment ended is principal of nothing any more:
    // leaving asks for no successor (the structure is support's already), and
    // one whose attachment runs on still must name one.
    void aPrincipalWhoseAttachmentEndedLeavesWithoutSuccessor()
    {
        TestDatabase t;
        GUICHET_REQUIRE_DB(t);
        ManualClock clock;
        Core core(t.db(), clock);
        const qint64 alice = insertUser(t.db(), QStringLiteral("alice@example.org"));
        const qint64 gone = insertStructure(t.db(), validSiret(1), QStringLiteral("Menuiserie Fermée"));
        const qint64 open = insertStructure(t.db(), validSiret(2), QStringLiteral("Boulangerie Ouverte"));
        insertAttachment(t.db(), alice, gone, QStringLiteral("principal"), QStringLiteral("validated"),
                         QDate(2025, 1, 1), clock.today().addDays(-1));
        insertAttachment(t.db(), alice, open, QStringLiteral("principal"), QStringLiteral("validated"),
                         QDate(2025, 1, 1), clock.today());
        QCOMPARE(structuresWherePrincipal(t.db(), alice, clock.today()), QList<qint64> { open });
        QCOMPARE(activePrincipalOf(t.db(), gone, clock.today()), 0);
        Accounts accounts(core);
        CommandResult r = accounts.deactivateAccount(alice, Successors::none());
        QCOMPARE(r.field, QStringLiteral("successor"));
        QVERIFY2(r.message.contains(QLatin1String("Boulangerie Ouverte"))
                     && !r.message.contains(QLatin1String("Menuiserie Fermée")),
                 qPrintable(r.message));
        clock.advanceDays(1);
        r = accounts.deactivateAccount(alice, Successors::none());
        QVERIFY2(r.ok(), qPrintable(r.message));
    }

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
        QCOMPARE(structuresWherePrincipal(t.db(), bruno, clock.today()), QList<qint64> { s });
        QVERIFY(structuresWherePrincipal(t.db(), alice, clock.today()).isEmpty());
        QCOMPARE(
            t.db()
                .value(QStringLiteral(
                           "SELECT COUNT(*) FROM audit_log WHERE structure_id = ? AND entity = 'attachment'"),
                       { s })
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
