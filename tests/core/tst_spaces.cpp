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
    // while the structure leaves the space to its users; otherwise it is a
    // removal request the managers decide (the subscription stays validated
    // meanwhile). Other spaces, and one's own requests still waiting, stay the
    // user's to remove.
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
        QCOMPARE(count(db, QStringLiteral("SELECT COUNT(*) FROM subscriptions WHERE user_id = ?"), { ugo }),
                 0);
        // Validated by the manager, its removal is the managers' to decide.
        r = subscriptions.requestSubscription(ugo, request);
        QVERIFY(r.ok());
        const qint64 invoices = r.id;
        QVERIFY(subscriptions.decideSubscription(paul, invoices, true).ok());
        request.spaceCode = QStringLiteral("factures_recues");
        r = subscriptions.requestSubscription(ugo, request);
        QVERIFY(r.ok());
        const qint64 received = r.id;
        QVERIFY(subscriptions.decideSubscription(paul, received, true).ok());
        r = subscriptions.removeSubscriptions(ugo, { received, invoices });
        QVERIFY2(r.ok(), qPrintable(r.message));
        // Another space goes at once, as the guide says; « Factures émises » waits.
        QCOMPARE(r.data.value(QStringLiteral("removed")).toInt(), 1);
        QCOMPARE(r.data.value(QStringLiteral("removalRequested")).toList(), QVariantList { invoices });
        QCOMPARE(count(db, QStringLiteral("SELECT COUNT(*) FROM subscriptions WHERE id = ?"), { received }),
                 0);
        QCOMPARE(db.value(QStringLiteral("SELECT status FROM subscriptions WHERE id = ?"), { invoices })
                     .toString(),
                 QStringLiteral("validated"));
        QVERIFY(subscriptions.subscription(invoices)->removalRequested());

        // On: he removes it alone, at once, no mail (a removal asked before goes too).
        QVERIFY(spaces.setSelfServiceSpace(paul, s, code, true).ok());
        const int mailsBefore = count(db, QStringLiteral("SELECT COUNT(*) FROM mail_outbox"));
        r = subscriptions.removeSubscriptions(ugo, { invoices });
        QVERIFY2(r.ok(), qPrintable(r.message));
        QCOMPARE(r.data.value(QStringLiteral("removed")).toInt(), 1);
        QCOMPARE(count(db, QStringLiteral("SELECT COUNT(*) FROM subscriptions WHERE id = ?"), { invoices }),
                 0);
        QCOMPARE(count(db, QStringLiteral("SELECT COUNT(*) FROM mail_outbox")), mailsBefore);

        // Off again: a manager removes a user's « Factures émises » at once,
        // and removes their own at once too.
        request.spaceCode = code;
        r = subscriptions.requestSubscription(ugo, request);
        QCOMPARE(r.data.value(QStringLiteral("statuses")).toList().value(0).toString(),
                 QStringLiteral("validated"));
        QVERIFY(spaces.setSelfServiceSpace(paul, s, code, false).ok());
        QVERIFY(subscriptions.removeSubscriptions(paul, { r.id }).ok());
        QCOMPARE(count(db, QStringLiteral("SELECT COUNT(*) FROM subscriptions WHERE id = ?"), { r.id }), 0);
        r = subscriptions.requestSubscription(paul, request);
        QCOMPARE(r.data.value(QStringLiteral("statuses")).toList().value(0).toString(),
                 QStringLiteral("validated"));
        const CommandResult own = subscriptions.removeSubscriptions(paul, { r.id });
        QVERIFY2(own.ok(), qPrintable(own.message));
        QVERIFY(own.data.value(QStringLiteral("removalRequested")).toList().isEmpty());
        QCOMPARE(count(db, QStringLiteral("SELECT COUNT(*) FROM subscriptions WHERE id = ?"), { r.id }), 0);
    }

    // A removal request: listed for the managers beside the subscription
    // requests, the principal mailed, the row validated until decided; the
    // user may withdraw it; validating removes the row, refusing keeps it, the
    // user mailed each time; every step audited.
    void invoicesRemovalRequestIsDecidedByTheManagers()
    {
        TestDatabase t;
        GUICHET_REQUIRE_DB(t);
        Database &db = t.db();
        ManualClock clock;
        Core core(db, clock);
        Subscriptions subscriptions(core);
        const qint64 paul = insertUser(db, QStringLiteral("paul@example.org"), QStringLiteral("Paul"));
        const qint64 ugo = insertUser(db, QStringLiteral("ugo@example.org"), QStringLiteral("Ugo"));
        const qint64 s = insertStructure(db, validSiret(1), QStringLiteral("Menuiserie Dupont"));
        insertAttachment(db, paul, s, QStringLiteral("principal"));
        insertAttachment(db, ugo, s, QStringLiteral("user"));
        SubscriptionRequest request;
        request.structureId = s;
        request.spaceCode = QStringLiteral("factures_emises");
        request.lines = { { 0, true, true } };
        request.effectiveDate = clock.today();
        CommandResult r = subscriptions.requestSubscription(ugo, request);
        QVERIFY2(r.ok(), qPrintable(r.message));
        const QList<QVariant> ids = r.data.value(QStringLiteral("ids")).toList();
        const qint64 modification = ids.value(0).toLongLong();
        const qint64 consultation = ids.value(1).toLongLong();
        QVERIFY(subscriptions.decideSubscriptions(paul, { modification, consultation }, true).ok());
        const auto mailsTo = [&](qint64 user, const QString &subject) {
            return count(db,
                         QStringLiteral("SELECT COUNT(*) FROM mail_outbox WHERE user_id = ? AND subject = ?"),
                         { user, subject });
        };
        const auto audited = [&](const QString &action) {
            return count(db, QStringLiteral("SELECT COUNT(*) FROM audit_log WHERE action = ?"), { action });
        };
        const auto removalAsked = [&](qint64 id) {
            return !db.value(QStringLiteral("SELECT removal_requested_at FROM subscriptions WHERE id = ?"),
                             { id })
                        .isNull();
        };
        QVERIFY(subscriptions.pendingSubscriptionRequests(paul).isEmpty());

        // Asked: still validated, shown so to Ugo, listed for Paul, who is mailed.
        clock.advanceDays(2);
        r = subscriptions.removeSubscriptions(ugo, { modification, consultation });
        QVERIFY2(r.ok(), qPrintable(r.message));
        QCOMPARE(r.data.value(QStringLiteral("removed")).toInt(), 0);
        QCOMPARE(r.data.value(QStringLiteral("removalRequested")).toList().size(), 2);
        QCOMPARE(count(db,
                       QStringLiteral("SELECT COUNT(*) FROM subscriptions WHERE user_id = ? AND status = "
                                      "'validated'"),
                       { ugo }),
                 2);
        QCOMPARE(mailsTo(paul, QStringLiteral("A removal request waits for you")), 1);
        QCOMPARE(audited(QStringLiteral("subscription.removal_requested")), 2);
        int shown = 0;
        for (const SubscriptionView &v : subscriptions.userSubscriptions(ugo)) {
            if (v.id == modification || v.id == consultation) {
                QVERIFY(v.removalRequested());
                QCOMPARE(v.status, QStringLiteral("validated"));
                ++shown;
            }
        }
        QCOMPARE(shown, 2);
        QCOMPARE(Subscriptions::statusLabel(QString::fromLatin1(removalRequestedStatus)),
                 QStringLiteral("Removal requested"));
        QList<PendingSubscriptionRequest> pending = subscriptions.pendingSubscriptionRequests(paul);
        QCOMPARE(pending.size(), 2);
        QVERIFY(pending.first().removalRequested());
        QCOMPARE(subscriptions.pendingCount(), 2);

        // Asking twice is refused, naming the field, and changes nothing.
        QString before = snapshot(db);
        r = subscriptions.removeSubscriptions(ugo, { modification });
        QCOMPARE(r.code, ErrorCode::Conflict);
        QCOMPARE(r.field, QStringLiteral("subscriptions"));
        QCOMPARE(snapshot(db), before);

        // Withdrawn by Ugo (only by him): validated as before, off Paul's list.
        r = subscriptions.withdrawSubscriptionRemovals(paul, { consultation });
        QCOMPARE(r.code, ErrorCode::Forbidden);
        QCOMPARE(r.field, QStringLiteral("subscriptions"));
        QCOMPARE(snapshot(db), before);
        r = subscriptions.withdrawSubscriptionRemovals(ugo, { consultation });
        QVERIFY2(r.ok(), qPrintable(r.message));
        QVERIFY(!removalAsked(consultation));
        QCOMPARE(audited(QStringLiteral("subscription.removal_withdrawn")), 1);
        QCOMPARE(subscriptions.pendingSubscriptionRequests(paul).size(), 1);
        before = snapshot(db);
        r = subscriptions.withdrawSubscriptionRemovals(ugo, { consultation });
        QCOMPARE(r.code, ErrorCode::Conflict);
        QCOMPARE(r.field, QStringLiteral("subscriptions"));
        QCOMPARE(snapshot(db), before);

        // Refused: it stays validated, Ugo is told.
        r = subscriptions.decideSubscription(paul, modification, false, QStringLiteral("Still needed"));
        QVERIFY2(r.ok(), qPrintable(r.message));
        QCOMPARE(db.value(QStringLiteral("SELECT status FROM subscriptions WHERE id = ?"), { modification })
                     .toString(),
                 QStringLiteral("validated"));
        QVERIFY(!removalAsked(modification));
        QCOMPARE(mailsTo(ugo, QStringLiteral("Removal request refused")), 1);
        QCOMPARE(audited(QStringLiteral("subscription.removal_refused")), 1);
        QVERIFY(subscriptions.pendingSubscriptionRequests(paul).isEmpty());
        // Decided already: a second decision is refused.
        QCOMPARE(subscriptions.decideSubscription(paul, modification, true).code, ErrorCode::Conflict);

        // Asked again and validated: the row goes (tombstone), Ugo is told.
        QVERIFY(subscriptions.removeSubscriptions(ugo, { modification }).ok());
        r = subscriptions.decideSubscriptions(paul, { modification }, true);
        QVERIFY2(r.ok(), qPrintable(r.message));
        QCOMPARE(r.data.value(QStringLiteral("removed")).toInt(), 1);
        QCOMPARE(
            count(db, QStringLiteral("SELECT COUNT(*) FROM subscriptions WHERE id = ?"), { modification }),
            0);
        QCOMPARE(
            count(db,
                  QStringLiteral("SELECT COUNT(*) FROM tombstones WHERE table_name = 'subscriptions' AND "
                                 "row_id = ?"),
                  { modification }),
            1);
        QCOMPARE(mailsTo(ugo, QStringLiteral("Removal request validated")), 1);
        QVERIFY(
            db.value(QStringLiteral("SELECT details FROM audit_log WHERE action = 'subscription.removed'"))
                .toString()
                .contains(QStringLiteral("removal_validated")));
        // The other row (withdrawn) is still there.
        QCOMPARE(
            count(db, QStringLiteral("SELECT COUNT(*) FROM subscriptions WHERE id = ?"), { consultation }),
            1);
    }

    // Only the owner asks; someone else who does not manage the structure (a
    // simple user, a secondary manager without the principal's powers) is
    // refused on the field, and nothing changes; nobody but a manager decides.
    void onlyTheOwnerAsksForARemoval()
    {
        TestDatabase t;
        GUICHET_REQUIRE_DB(t);
        Database &db = t.db();
        ManualClock clock;
        Core core(db, clock);
        Subscriptions subscriptions(core);
        const qint64 paul = insertUser(db, QStringLiteral("paul@example.org"), QStringLiteral("Paul"));
        const qint64 ugo = insertUser(db, QStringLiteral("ugo@example.org"), QStringLiteral("Ugo"));
        const qint64 vera = insertUser(db, QStringLiteral("vera@example.org"), QStringLiteral("Vera"));
        const qint64 sam = insertUser(db, QStringLiteral("sam@example.org"), QStringLiteral("Sam"));
        const qint64 s = insertStructure(db, validSiret(1), QStringLiteral("Menuiserie Dupont"));
        insertAttachment(db, paul, s, QStringLiteral("principal"));
        insertAttachment(db, ugo, s, QStringLiteral("user"));
        insertAttachment(db, vera, s, QStringLiteral("user"));
        insertAttachment(db, sam, s, QStringLiteral("secondary"));
        SubscriptionRequest request;
        request.structureId = s;
        request.spaceCode = QStringLiteral("factures_emises");
        request.lines = { { 0, true, false } };
        request.effectiveDate = clock.today();
        CommandResult r = subscriptions.requestSubscription(ugo, request);
        QVERIFY(r.ok());
        const qint64 invoices = r.id;
        QVERIFY(subscriptions.decideSubscription(paul, invoices, true).ok());

        QString before = snapshot(db);
        for (const qint64 other : { vera, sam }) {
            r = subscriptions.removeSubscriptions(other, { invoices });
            QCOMPARE(r.code, ErrorCode::Forbidden);
            QCOMPARE(r.field, QStringLiteral("subscriptions"));
            QCOMPARE(snapshot(db), before);
        }
        QVERIFY(subscriptions.removeSubscriptions(ugo, { invoices }).ok());
        before = snapshot(db);
        for (const qint64 other : { vera, sam, ugo }) {
            r = subscriptions.decideSubscription(other, invoices, true);
            QCOMPARE(r.code, ErrorCode::Forbidden);
            QCOMPARE(snapshot(db), before);
            r = subscriptions.withdrawSubscriptionRemovals(other == ugo ? paul : other, { invoices });
            QCOMPARE(r.code, ErrorCode::Forbidden);
            QCOMPARE(r.field, QStringLiteral("subscriptions"));
            QCOMPARE(snapshot(db), before);
        }
        QCOMPARE(subscriptions.withdrawSubscriptionRemovals(ugo, {}).field, QStringLiteral("subscriptions"));
        QCOMPARE(subscriptions.withdrawSubscriptionRemovals(ugo, { 999999 }).code, ErrorCode::NotFound);
        QCOMPARE(snapshot(db), before);
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
