#include "fixtures.h"
#include "kernel/core.h"
#include "manualclock.h"
#include "rules/spaces/spaces.h"
#include "rules/spaces/subscriptions.h"
#include "testdatabase.h"

#include <QTest>

using namespace guichet;
using namespace guichet::test;

namespace {

int count(Database &db, const QString &sql, const QVariantList &args = {})
{
    return db.value(sql, args).toInt();
}

QString receivedInvoices(Database &db, qint64 userId)
{
    QStringList rows;
    for (const QVariantMap &row :
         db.rows(QStringLiteral(
                     "SELECT s.status, s.origin, s.service_id FROM subscriptions s JOIN spaces sp ON sp.id = "
                     "s.space_id WHERE s.user_id = ? AND sp.code = 'factures_recues' ORDER BY s.id"),
                 { userId }))
        rows.append(QStringLiteral("%1/%2/%3")
                        .arg(row.value(QStringLiteral("status")).toString(),
                             row.value(QStringLiteral("origin")).toString(),
                             row.value(QStringLiteral("service_id")).isNull()
                                 ? QStringLiteral("whole")
                                 : row.value(QStringLiteral("service_id")).toString()));
    return rows.join(QLatin1Char(','));
}

} // namespace

class TestSpaces : public QObject
{
    Q_OBJECT

private slots:
    void catalogueFollowsTheGuidesTable()
    {
        TestDatabase t;
        GUICHET_REQUIRE_DB(t);
        ManualClock clock;
        Core core(t.db(), clock);
        Spaces spaces(core);
        QCOMPARE(spaces.catalogue().size(), 7);
        auto codes = [&](Role role) {
            QStringList result;
            for (const Space &space : defaultSpaces(t.db(), role))
                result.append(space.code);
            return result;
        };
        const QStringList managers { QStringLiteral("accueil"), QStringLiteral("activite_gestionnaire"),
                                     QStringLiteral("factures_emises"),
                                     QStringLiteral("sollicitations_emises"), QStringLiteral("mon_compte") };
        QCOMPARE(codes(Role::Principal), managers);
        QCOMPARE(codes(Role::Secondary), managers);
        QCOMPARE(codes(Role::User),
                 (QStringList { QStringLiteral("accueil"), QStringLiteral("factures_emises"),
                                QStringLiteral("sollicitations_emises"), QStringLiteral("mon_compte") }));
        QCOMPARE(spaces.spaceByCode(QStringLiteral("factures_recues"))->name,
                 QStringLiteral("Factures reçues"));
        QVERIFY(!spaces.spaceByCode(QStringLiteral("nowhere")));
    }

    void structureSpaceGeneratesRequestsForEachUser()
    {
        TestDatabase t;
        GUICHET_REQUIRE_DB(t);
        Database &db = t.db();
        ManualClock clock;
        Core core(db, clock);
        Spaces spaces(core);
        Subscriptions subscriptions(core);
        const qint64 paul = insertUser(db, QStringLiteral("paul@example.org"), QStringLiteral("Paul"));
        const qint64 ugo = insertUser(db, QStringLiteral("ugo@example.org"), QStringLiteral("Ugo"));
        const qint64 ida = insertUser(db, QStringLiteral("ida@example.org"), QStringLiteral("Ida"));
        const qint64 pia = insertUser(db, QStringLiteral("pia@example.org"), QStringLiteral("Pia"));
        const qint64 old = insertUser(db, QStringLiteral("old@example.org"), QStringLiteral("Old"));
        const qint64 own = insertUser(db, QStringLiteral("own@example.org"), QStringLiteral("Own"));
        const qint64 s = insertStructure(db, validSiret(1), QStringLiteral("Menuiserie Dupont"));
        const qint64 a = insertService(db, s, QStringLiteral("A"), QStringLiteral("Atelier"));
        insertAttachment(db, paul, s, QStringLiteral("principal"));
        insertAttachment(db, ugo, s, QStringLiteral("user"));
        const qint64 idaAttachment = insertAttachment(db, ida, s, QStringLiteral("user"));
        db.exec(QStringLiteral("UPDATE attachments SET whole_structure = 0 WHERE id = ?"), { idaAttachment });
        db.exec(QStringLiteral("INSERT INTO attachment_services (attachment_id, service_id) VALUES (?, ?)"),
                { idaAttachment, a });
        insertAttachment(db, pia, s, QStringLiteral("user"), QStringLiteral("pending"));
        insertAttachment(db, old, s, QStringLiteral("user"), QStringLiteral("validated"), QDate(2025, 1, 1),
                         QDate(2025, 12, 31));
        insertAttachment(db, own, s, QStringLiteral("user"));
        // Own asked for the space himself before: no generated request for him.
        SubscriptionRequest request;
        request.structureId = s;
        request.spaceCode = QStringLiteral("factures_recues");
        request.lines = { { 0, false, true } };
        request.effectiveDate = clock.today();
        QVERIFY(subscriptions.requestSubscription(own, request).ok());

        const CommandResult r = spaces.enableStructureSpace(paul, s, QStringLiteral("factures_recues"));
        QVERIFY2(r.ok(), qPrintable(r.message));
        QCOMPARE(r.data.value(QStringLiteral("generated")).toInt(), 3);
        QCOMPARE(receivedInvoices(db, paul), QStringLiteral("pending/structure/whole"));
        QCOMPARE(receivedInvoices(db, ugo), QStringLiteral("pending/structure/whole"));
        QCOMPARE(receivedInvoices(db, ida), QStringLiteral("pending/structure/%1").arg(a));
        QCOMPARE(receivedInvoices(db, pia), QString());
        QCOMPARE(receivedInvoices(db, old), QString());
        QCOMPARE(receivedInvoices(db, own), QStringLiteral("pending/request/whole"));
        // The generated comment is a code, shown in the reader's language; no text is stored.
        QCOMPARE(db.value(QStringLiteral("SELECT comment || '/' || comment_code FROM subscriptions "
                                         "WHERE user_id = ? AND origin = 'structure'"),
                          { ugo })
                     .toString(),
                 QStringLiteral("/structure"));
        QCOMPARE(spaces.structureSpaces(s).size(), 1);
        // The manager validates the generated list like any request.
        QCOMPARE(subscriptions.pendingSubscriptionRequests(paul).size(), 4);

        // Removing the space ends what it generated, and only that.
        const int tombstones = count(db, QStringLiteral("SELECT COUNT(*) FROM tombstones"));
        const CommandResult off = spaces.disableStructureSpace(paul, s, QStringLiteral("factures_recues"));
        QVERIFY2(off.ok(), qPrintable(off.message));
        QCOMPARE(off.data.value(QStringLiteral("removed")).toInt(), 3);
        QCOMPARE(receivedInvoices(db, ugo), QString());
        QCOMPARE(receivedInvoices(db, ida), QString());
        QCOMPARE(receivedInvoices(db, own), QStringLiteral("pending/request/whole"));
        QVERIFY(spaces.structureSpaces(s).isEmpty());
        QCOMPARE(count(db, QStringLiteral("SELECT COUNT(*) FROM tombstones")), tombstones + 4);
        QCOMPARE(
            count(db,
                  QStringLiteral("SELECT COUNT(*) FROM tombstones WHERE table_name = 'structure_spaces' AND "
                                 "row_id = ?"),
                  { r.id }),
            1);
    }

    void onlyManagersSetStructureSpaces()
    {
        TestDatabase t;
        GUICHET_REQUIRE_DB(t);
        Database &db = t.db();
        ManualClock clock;
        Core core(db, clock);
        Spaces spaces(core);
        const qint64 paul = insertUser(db, QStringLiteral("paul@example.org"));
        const qint64 sam = insertUser(db, QStringLiteral("sam@example.org"));
        const qint64 ugo = insertUser(db, QStringLiteral("ugo@example.org"));
        const qint64 olga = insertUser(db, QStringLiteral("olga@example.org"));
        const qint64 support = insertUser(db, QStringLiteral("support@example.org"), QStringLiteral("Sue"),
                                          QStringLiteral("Port"), true);
        const qint64 s = insertStructure(db, validSiret(1), QStringLiteral("Menuiserie"));
        const qint64 s2 = insertStructure(db, validSiret(2), QStringLiteral("Boulangerie"));
        insertAttachment(db, paul, s, QStringLiteral("principal"));
        insertAttachment(db, sam, s, QStringLiteral("secondary"));
        insertAttachment(db, ugo, s, QStringLiteral("user"));
        insertAttachment(db, olga, s2, QStringLiteral("principal"));
        const QString code = QStringLiteral("factures_recues");
        const QString before = snapshot(db);
        for (const qint64 refused : { ugo, sam, olga })
            QCOMPARE(spaces.enableStructureSpace(refused, s, code).code, ErrorCode::Forbidden);
        QCOMPARE(spaces.enableStructureSpace(paul, s, QStringLiteral("nowhere")).field,
                 QStringLiteral("space"));
        QCOMPARE(spaces.disableStructureSpace(paul, s, code).code, ErrorCode::NotFound);
        QCOMPARE(snapshot(db), before);

        db.exec(QStringLiteral("UPDATE structures SET secondary_powers = 1 WHERE id = ?"), { s });
        QVERIFY(spaces.enableStructureSpace(sam, s, code).ok());
        const QString enabled = snapshot(db);
        QCOMPARE(spaces.enableStructureSpace(paul, s, code).code, ErrorCode::Conflict);
        QCOMPARE(spaces.disableStructureSpace(ugo, s, code).code, ErrorCode::Forbidden);
        QCOMPARE(snapshot(db), enabled);
        QVERIFY(spaces.disableStructureSpace(support, s, code).ok());
        QVERIFY(spaces.enableStructureSpace(support, s, QStringLiteral("sollicitations_recues")).ok());
    }

    // « Factures émises » left to the users: their own request is validated
    // at once, without a manager's decision and without a mail to the
    // principal; withdrawn, requests wait for a decision again.
    void selfServiceInvoicesNeedNoDecision()
    {
        TestDatabase t;
        GUICHET_REQUIRE_DB(t);
        Database &db = t.db();
        ManualClock clock;
        Core core(db, clock);
        Spaces spaces(core);
        Subscriptions subscriptions(core);
        const qint64 paul = insertUser(db, QStringLiteral("paul@example.org"), QStringLiteral("Paul"));
        const qint64 ugo = insertUser(db, QStringLiteral("ugo@example.org"), QStringLiteral("Ugo"));
        const qint64 s = insertStructure(db, validSiret(1), QStringLiteral("Menuiserie Dupont"));
        insertAttachment(db, paul, s, QStringLiteral("principal"));
        insertAttachment(db, ugo, s, QStringLiteral("user"));
        const QString code = QStringLiteral("factures_emises");
        QVERIFY(!spaces.isSelfService(s, code));
        QVERIFY(spaces.selfServiceStructures(ugo, code).isEmpty());

        CommandResult r = spaces.setSelfServiceSpace(paul, s, code, true);
        QVERIFY2(r.ok(), qPrintable(r.message));
        QVERIFY(r.data.value(QStringLiteral("changed")).toBool());
        QVERIFY(spaces.isSelfService(s, code));
        QCOMPARE(spaces.selfServiceStructures(ugo, code).size(), 1);
        QCOMPARE(spaces.selfServiceStructures(ugo, code).first().second, QStringLiteral("Menuiserie Dupont"));
        QCOMPARE(
            count(db, QStringLiteral("SELECT COUNT(*) FROM audit_log WHERE command = 'setSelfServiceSpace'")),
            1);
        // Again: nothing changes, nothing is audited.
        r = spaces.setSelfServiceSpace(paul, s, code, true);
        QVERIFY(r.ok());
        QVERIFY(!r.data.value(QStringLiteral("changed")).toBool());
        QCOMPARE(
            count(db, QStringLiteral("SELECT COUNT(*) FROM audit_log WHERE command = 'setSelfServiceSpace'")),
            1);

        const int mailsBefore = count(db, QStringLiteral("SELECT COUNT(*) FROM mail_outbox"));
        SubscriptionRequest request;
        request.structureId = s;
        request.spaceCode = code;
        request.lines = { { 0, false, true } };
        request.effectiveDate = clock.today();
        r = subscriptions.requestSubscription(ugo, request);
        QVERIFY2(r.ok(), qPrintable(r.message));
        QCOMPARE(r.data.value(QStringLiteral("statuses")).toList().value(0).toString(),
                 QStringLiteral("validated"));
        QCOMPARE(count(db, QStringLiteral("SELECT COUNT(*) FROM mail_outbox")), mailsBefore);
        // The user removes it again, alone.
        QVERIFY(subscriptions.removeSubscriptions(ugo, { r.id }).ok());

        // Withdrawn: the same request waits for the manager.
        QVERIFY(spaces.setSelfServiceSpace(paul, s, code, false).ok());
        QVERIFY(!spaces.isSelfService(s, code));
        QCOMPARE(count(db,
                       QStringLiteral(
                           "SELECT COUNT(*) FROM tombstones WHERE table_name = 'structure_self_service'")),
                 1);
        r = subscriptions.requestSubscription(ugo, request);
        QVERIFY(r.ok());
        QCOMPARE(r.data.value(QStringLiteral("statuses")).toList().value(0).toString(),
                 QStringLiteral("pending"));
        // Another space is never self-service.
        QVERIFY(spaces.setSelfServiceSpace(paul, s, code, true).ok());
        request.spaceCode = QStringLiteral("factures_recues");
        QCOMPARE(subscriptions.requestSubscription(ugo, request)
                     .data.value(QStringLiteral("statuses"))
                     .toList()
                     .value(0)
                     .toString(),
                 QStringLiteral("pending"));
    }

    // Removing one's own « Factures émises » follows the same switch: alone
    // while the structure leaves the space to its users, by a manager
    // otherwise (the refusal names the field and changes nothing). Other
    // spaces, and one's own requests still waiting, stay the user's to remove.
    void selfServiceGovernsRemovingInvoices()
    {
        TestDatabase t;
        GUICHET_REQUIRE_DB(t);
        Database &db = t.db();
        ManualClock clock;
        Core core(db, clock);
        Spaces spaces(core);
        Subscriptions subscriptions(core);
        const qint64 paul = insertUser(db, QStringLiteral("paul@example.org"), QStringLiteral("Paul"));
        const qint64 ugo = insertUser(db, QStringLiteral("ugo@example.org"), QStringLiteral("Ugo"));
        const qint64 s = insertStructure(db, validSiret(1), QStringLiteral("Menuiserie Dupont"));
        insertAttachment(db, paul, s, QStringLiteral("principal"));
        insertAttachment(db, ugo, s, QStringLiteral("user"));
        const QString code = QStringLiteral("factures_emises");
        SubscriptionRequest request;
        request.structureId = s;
        request.spaceCode = code;
        request.lines = { { 0, true, false } };
        request.effectiveDate = clock.today();

        // Off: Ugo's request waits; he may withdraw it alone.
        CommandResult r = subscriptions.requestSubscription(ugo, request);
        QVERIFY2(r.ok(), qPrintable(r.message));
        QVERIFY2(subscriptions.removeSubscriptions(ugo, { r.id }).ok(), "withdrawing one's own request");
        // Validated by the manager, it is the managers' to remove.
        r = subscriptions.requestSubscription(ugo, request);
        QVERIFY(r.ok());
        const qint64 invoices = r.id;
        QVERIFY(subscriptions.decideSubscription(paul, invoices, true).ok());
        request.spaceCode = QStringLiteral("factures_recues");
        r = subscriptions.requestSubscription(ugo, request);
        QVERIFY(r.ok());
        const qint64 received = r.id;
        QVERIFY(subscriptions.decideSubscription(paul, received, true).ok());
        const QString before = snapshot(db);
        r = subscriptions.removeSubscriptions(ugo, { received, invoices });
        QCOMPARE(r.code, ErrorCode::Forbidden);
        QCOMPARE(r.field, QStringLiteral("subscriptions"));
        QVERIFY2(r.message.contains(QStringLiteral("Menuiserie Dupont")), qPrintable(r.message));
        QCOMPARE(snapshot(db), before);
        // Another space is his to remove, as the guide says.
        QVERIFY(subscriptions.removeSubscriptions(ugo, { received }).ok());

        // On: he removes it alone, at once, no mail.
        QVERIFY(spaces.setSelfServiceSpace(paul, s, code, true).ok());
        const int mailsBefore = count(db, QStringLiteral("SELECT COUNT(*) FROM mail_outbox"));
        r = subscriptions.removeSubscriptions(ugo, { invoices });
        QVERIFY2(r.ok(), qPrintable(r.message));
        QCOMPARE(count(db, QStringLiteral("SELECT COUNT(*) FROM subscriptions WHERE id = %1").arg(invoices)),
                 0);
        QCOMPARE(count(db, QStringLiteral("SELECT COUNT(*) FROM mail_outbox")), mailsBefore);

        // Off again: a manager still removes a user's « Factures émises ».
        request.spaceCode = code;
        r = subscriptions.requestSubscription(ugo, request);
        QCOMPARE(r.data.value(QStringLiteral("statuses")).toList().value(0).toString(),
                 QStringLiteral("validated"));
        QVERIFY(spaces.setSelfServiceSpace(paul, s, code, false).ok());
        QCOMPARE(subscriptions.removeSubscriptions(ugo, { r.id }).code, ErrorCode::Forbidden);
        QVERIFY(subscriptions.removeSubscriptions(paul, { r.id }).ok());
    }

    void selfServiceRefusalsChangeNothing()
    {
        TestDatabase t;
        GUICHET_REQUIRE_DB(t);
        Database &db = t.db();
        ManualClock clock;
        Core core(db, clock);
        Spaces spaces(core);
        const qint64 paul = insertUser(db, QStringLiteral("paul@example.org"), QStringLiteral("Paul"));
        const qint64 ugo = insertUser(db, QStringLiteral("ugo@example.org"), QStringLiteral("Ugo"));
        const qint64 s = insertStructure(db, validSiret(1), QStringLiteral("Menuiserie Dupont"));
        insertAttachment(db, paul, s, QStringLiteral("principal"));
        insertAttachment(db, ugo, s, QStringLiteral("user"));
        const QString before = snapshot(db);
        const QString code = QStringLiteral("factures_emises");
        QCOMPARE(spaces.setSelfServiceSpace(ugo, s, code, true).code, ErrorCode::Forbidden);
        QCOMPARE(spaces.setSelfServiceSpace(paul, 999999, code, true).field, QStringLiteral("structure"));
        QCOMPARE(spaces.setSelfServiceSpace(paul, s, QStringLiteral("factures_recues"), true).field,
                 QStringLiteral("space"));
        QCOMPARE(spaces.setSelfServiceSpace(paul, s, QStringLiteral("nowhere"), true).field,
                 QStringLiteral("space"));
        QCOMPARE(snapshot(db), before);
    }
};

QTEST_GUILESS_MAIN(TestSpaces)
#include "tst_spaces.moc"
