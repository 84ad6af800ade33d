#include "coreworld.h"
#include "fixtures.h"
#include "kernel/core.h"
#include "manualclock.h"
#include "rules/spaces/subscriptions.h"
#include "testdatabase.h"

#include <QTest>

using namespace guichet;
using namespace guichet::test;

namespace {

// Structure S (principal Paul, secondary Sam, user Ugo on the whole structure,
// user Ida on service A only; services A, B, inactive C); S2 (principal Olga,
// service X); Vera is attached nowhere.
struct World : CoreWorld, TwoStructures
{
    std::unique_ptr<Subscriptions> subscriptions;
    qint64 paul = 0, sam = 0, ugo = 0, ida = 0, olga = 0, vera = 0, support = 0;

    bool init()
    {
        if (!isValid())
            return false;
        Database &db = t.db();
        subscriptions = std::make_unique<Subscriptions>(*core);
        paul = insertUser(db, QStringLiteral("paul@example.org"), QStringLiteral("Paul"));
        sam = insertUser(db, QStringLiteral("sam@example.org"), QStringLiteral("Sam"));
        ugo = insertUser(db, QStringLiteral("ugo@example.org"), QStringLiteral("Ugo"));
        ida = insertUser(db, QStringLiteral("ida@example.org"), QStringLiteral("Ida"));
        olga = insertUser(db, QStringLiteral("olga@example.org"), QStringLiteral("Olga"));
        vera = insertUser(db, QStringLiteral("vera@example.org"), QStringLiteral("Vera"));
        support = insertSupportUser(db);
        static_cast<TwoStructures &>(*this) = insertTwoStructures(db);
        insertAttachment(db, paul, s, QStringLiteral("principal"));
        insertAttachment(db, sam, s, QStringLiteral("secondary"));
        insertAttachment(db, ugo, s, QStringLiteral("user"));
        const qint64 idaAttachment = insertAttachment(db, ida, s, QStringLiteral("user"));
        db.exec(QStringLiteral("UPDATE attachments SET whole_structure = 0 WHERE id = ?"), { idaAttachment });
        db.exec(QStringLiteral("INSERT INTO attachment_services (attachment_id, service_id) VALUES (?, ?)"),
                { idaAttachment, a });
        insertAttachment(db, olga, s2, QStringLiteral("principal"));
        return true;
    }

    SubscriptionRequest request(qint64 serviceId, bool modification = true, bool consultation = false) const
    {
        SubscriptionRequest r;
        r.structureId = s;
        r.spaceCode = QStringLiteral("factures_recues");
        r.lines = { { serviceId, modification, consultation } };
        r.effectiveDate = QDate(2026, 3, 9);
        r.comment = QStringLiteral("For the new supplier");
        return r;
    }
};

#define WORLD(w)                                                                                             \
    World w;                                                                                                 \
    if (!w.init())                                                                                           \
        QFAIL(qPrintable(w.t.error()));

} // namespace

class TestSubscriptions : public QObject
{
    Q_OBJECT

private slots:
    void bothModesMakeTwoPendingRowsForAUser()
    {
        WORLD(w);
        Database &db = w.t.db();
        const CommandResult r = w.subscriptions->requestSubscription(w.ugo, w.request(0, true, true));
        QVERIFY2(r.ok(), qPrintable(r.message));
        QCOMPARE(r.data.value(QStringLiteral("statuses")).toList(),
                 (QVariantList { QStringLiteral("pending"), QStringLiteral("pending") }));
        const QList<QVariantMap> rows = db.rows(
            QStringLiteral(
                "SELECT mode, status, service_id, effective_date, comment, version FROM subscriptions "
                "WHERE user_id = ? ORDER BY mode"),
            { w.ugo });
        QCOMPARE(rows.size(), 2);
        QCOMPARE(rows.at(0).value(QStringLiteral("mode")).toString(), QStringLiteral("consultation"));
        QCOMPARE(rows.at(1).value(QStringLiteral("mode")).toString(), QStringLiteral("modification"));
        for (const QVariantMap &row : rows) {
            QCOMPARE(row.value(QStringLiteral("status")).toString(), QStringLiteral("pending"));
            QVERIFY(row.value(QStringLiteral("service_id")).isNull());
            QCOMPARE(row.value(QStringLiteral("effective_date")).toString(), QStringLiteral("2026-03-09"));
            QCOMPARE(row.value(QStringLiteral("comment")).toString(), QStringLiteral("For the new supplier"));
            QVERIFY(row.value(QStringLiteral("version")).toLongLong() > 0);
        }
        QCOMPARE(w.count(QStringLiteral("SELECT COUNT(*) FROM audit_log WHERE entity = 'subscription'")), 2);
        QCOMPARE(w.count(QStringLiteral("SELECT COUNT(*) FROM mail_outbox WHERE user_id = ?"), { w.paul }),
                 1);

        const QList<SubscriptionView> mine = w.subscriptions->userSubscriptions(w.ugo);
        QCOMPARE(mine.size(), 2);
        QCOMPARE(mine.first().spaceName, QStringLiteral("Factures reçues"));
        QCOMPARE(mine.first().serviceName, QStringLiteral("Whole structure"));
        QCOMPARE(Subscriptions::statusLabel(mine.first().status), QStringLiteral("Awaiting validation"));
        QCOMPARE(mine.first().effectiveDate, QDate(2026, 3, 9));
    }

    void managersRequestsAreValidatedAtOnce()
    {
        WORLD(w);
        Database &db = w.t.db();
        CommandResult r = w.subscriptions->requestSubscription(w.paul, w.request(w.b));
        QVERIFY2(r.ok(), qPrintable(r.message));
        QCOMPARE(r.data.value(QStringLiteral("statuses")).toList(),
                 QVariantList { QStringLiteral("validated") });
        QCOMPARE(db.value(QStringLiteral("SELECT decided_by FROM subscriptions WHERE id = ?"), { r.id })
                     .toLongLong(),
                 w.paul);
        QCOMPARE(Subscriptions::statusLabel(w.subscriptions->userSubscriptions(w.paul).first().status),
                 QStringLiteral("Validated"));
        // A secondary manager without the principal's powers waits like a user...
        r = w.subscriptions->requestSubscription(w.sam, w.request(w.b));
        QCOMPARE(r.data.value(QStringLiteral("statuses")).toList(),
                 QVariantList { QStringLiteral("pending") });
        // ... and with them is validated at once.
        db.exec(QStringLiteral("UPDATE structures SET secondary_powers = 1 WHERE id = ?"), { w.s });
        r = w.subscriptions->requestSubscription(w.sam, w.request(w.a));
        QCOMPARE(r.data.value(QStringLiteral("statuses")).toList(),
                 QVariantList { QStringLiteral("validated") });
    }

    void onlyAttachedServicesMayBeRequested()
    {
        WORLD(w);
        Database &db = w.t.db();
        const QString before = snapshot(db);
        CommandResult r = w.subscriptions->requestSubscription(w.ida, w.request(w.b));
        QCOMPARE(r.code, ErrorCode::Forbidden);
        QCOMPARE(r.field, QStringLiteral("services"));
        QVERIFY(r.message.contains(QStringLiteral("Bureau")));
        QCOMPARE(snapshot(db), before);
        // The default service means the whole structure: not for a service attachment.
        r = w.subscriptions->requestSubscription(w.ida, w.request(0));
        QCOMPARE(r.code, ErrorCode::Forbidden);
        QCOMPARE(r.field, QStringLiteral("services"));
        QCOMPARE(snapshot(db), before);
        // A service of another structure, an inactive one.
        QCOMPARE(w.subscriptions->requestSubscription(w.ugo, w.request(w.x)).code, ErrorCode::InvalidInput);
        QCOMPARE(w.subscriptions->requestSubscription(w.ugo, w.request(w.c)).code, ErrorCode::InvalidInput);
        // Not attached at all.
        r = w.subscriptions->requestSubscription(w.vera, w.request(0));
        QCOMPARE(r.code, ErrorCode::Forbidden);
        QCOMPARE(r.field, QStringLiteral("structure"));
        QCOMPARE(snapshot(db), before);
        QVERIFY(w.subscriptions->requestSubscription(w.ida, w.request(w.a)).ok());
        QVERIFY(w.subscriptions->requestSubscription(w.ugo, w.request(w.b)).ok());

        // What the form lists.
        auto ids = [](const QList<RequestableService> &services) {
            QList<qint64> result;
            for (const RequestableService &service : services)
                result.append(service.serviceId);
            return result;
        };
        QCOMPARE(ids(w.subscriptions->requestableServices(w.ida, w.s, w.clock.today())),
                 QList<qint64> { w.a });
        QCOMPARE(ids(w.subscriptions->requestableServices(w.ugo, w.s, w.clock.today())),
                 (QList<qint64> { 0, w.a, w.b }));
        QVERIFY(w.subscriptions->requestableServices(w.vera, w.s, w.clock.today()).isEmpty());
    }

    void requestsOnlyInsideTheAttachmentsWindow()
    {
        WORLD(w);
        Database &db = w.t.db();
        db.exec(QStringLiteral(
                    "UPDATE attachments SET valid_from = '2026-03-05', valid_until = '2026-03-31' WHERE "
                    "user_id = ?"),
                { w.ugo });
        const QString before = snapshot(db);
        QCOMPARE(w.subscriptions->requestSubscription(w.ugo, w.request(0)).code, ErrorCode::Forbidden);
        QCOMPARE(snapshot(db), before);
        QVERIFY(w.subscriptions->requestableServices(w.ugo, w.s, w.clock.today()).isEmpty());
        w.clock.set(QDateTime(QDate(2026, 4, 1), QTime(8, 0), Qt::UTC));
        QCOMPARE(w.subscriptions->requestSubscription(w.ugo, w.request(0)).code, ErrorCode::Forbidden);
        QCOMPARE(snapshot(db), before);
        w.clock.set(QDateTime(QDate(2026, 3, 5), QTime(8, 0), Qt::UTC));
        QVERIFY(w.subscriptions->requestSubscription(w.ugo, w.request(0)).ok());
    }

    void requiredFieldsAreNamed()
    {
        WORLD(w);
        Database &db = w.t.db();
        const QString before = snapshot(db);
        auto expect = [&](const SubscriptionRequest &request, const QString &field) {
            const CommandResult r = w.subscriptions->requestSubscription(w.ugo, request);
            QVERIFY(!r.ok());
            QCOMPARE(r.field, field);
            QVERIFY(!r.message.isEmpty());
            QCOMPARE(snapshot(db), before);
        };
        SubscriptionRequest r = w.request(0);
        r.structureId = 0;
        expect(r, QStringLiteral("structure"));
        r = w.request(0);
        r.spaceCode.clear();
        expect(r, QStringLiteral("space"));
        r.spaceCode = QStringLiteral("nowhere");
        expect(r, QStringLiteral("space"));
        r = w.request(0);
        r.effectiveDate = QDate();
        expect(r, QStringLiteral("effectiveDate"));
        expect(w.request(0, false, false), QStringLiteral("services"));
        r = w.request(0);
        r.lines.clear();
        expect(r, QStringLiteral("services"));
    }

    void duplicateIsRefusedWholly()
    {
        WORLD(w);
        Database &db = w.t.db();
        QVERIFY(w.subscriptions->requestSubscription(w.ugo, w.request(0, true, false)).ok());
        const QString before = snapshot(db);
        // Consultation is new, modification a duplicate: nothing is added.
        const CommandResult r = w.subscriptions->requestSubscription(w.ugo, w.request(0, true, true));
        QCOMPARE(r.code, ErrorCode::Conflict);
        QCOMPARE(snapshot(db), before);
        QVERIFY(w.subscriptions->requestSubscription(w.ugo, w.request(0, false, true)).ok());
    }

    void whoMayDecide()
    {
        WORLD(w);
        Database &db = w.t.db();
        const qint64 id = w.subscriptions->requestSubscription(w.ugo, w.request(0)).id;
        QVERIFY(id);
        const QString before = snapshot(db);
        QCOMPARE(w.subscriptions->decideSubscription(w.sam, id, true).code, ErrorCode::Forbidden);
        QCOMPARE(w.subscriptions->decideSubscription(w.olga, id, true).code, ErrorCode::Forbidden);
        QCOMPARE(w.subscriptions->decideSubscription(w.ugo, id, true).code, ErrorCode::Forbidden);
        QCOMPARE(snapshot(db), before);
        QVERIFY(w.subscriptions->pendingSubscriptionRequests(w.sam).isEmpty());
        QVERIFY(w.subscriptions->pendingSubscriptionRequests(w.olga).isEmpty());
        QCOMPARE(w.subscriptions->pendingSubscriptionRequests(w.paul).size(), 1);
        QCOMPARE(w.subscriptions->pendingSubscriptionRequests(w.support).size(), 1);

        const int mails
            = w.count(QStringLiteral("SELECT COUNT(*) FROM mail_outbox WHERE user_id = ?"), { w.ugo });
        QVERIFY(w.subscriptions->decideSubscription(w.paul, id, true, QStringLiteral("OK")).ok());
        QCOMPARE(db.value(QStringLiteral("SELECT status FROM subscriptions WHERE id = ?"), { id }).toString(),
                 QStringLiteral("validated"));
        QCOMPARE(w.count(QStringLiteral("SELECT COUNT(*) FROM mail_outbox WHERE user_id = ?"), { w.ugo }),
                 mails + 1);
        const QString afterDecision = snapshot(db);
        QCOMPARE(w.subscriptions->decideSubscription(w.paul, id, false).code, ErrorCode::Conflict);
        QCOMPARE(snapshot(db), afterDecision);

        // With the principal's powers the secondary manager decides; support always.
        const qint64 second = w.subscriptions->requestSubscription(w.ugo, w.request(w.a)).id;
        const qint64 third = w.subscriptions->requestSubscription(w.ugo, w.request(w.b)).id;
        db.exec(QStringLiteral("UPDATE structures SET secondary_powers = 1 WHERE id = ?"), { w.s });
        QVERIFY(w.subscriptions->decideSubscription(w.sam, second, false, QStringLiteral("Not needed")).ok());
        QCOMPARE(
            db.value(QStringLiteral("SELECT status FROM subscriptions WHERE id = ?"), { second }).toString(),
            QStringLiteral("refused"));
        QVERIFY(db.value(QStringLiteral(
                             "SELECT body_text FROM mail_outbox WHERE user_id = ? ORDER BY id DESC LIMIT 1"),
                         { w.ugo })
                    .toString()
                    .contains(QStringLiteral("Not needed")));
        QVERIFY(w.subscriptions->decideSubscription(w.support, third, true).ok());
    }

    void removeOwnAllOrNothing()
    {
        WORLD(w);
        Database &db = w.t.db();
        const qint64 mine = w.subscriptions->requestSubscription(w.ugo, w.request(0)).id;
        const qint64 idas = w.subscriptions->requestSubscription(w.ida, w.request(w.a)).id;
        const QString before = snapshot(db);
        const CommandResult r = w.subscriptions->removeSubscriptions(w.ugo, { mine, idas });
        QCOMPARE(r.code, ErrorCode::Forbidden);
        QCOMPARE(snapshot(db), before);
        QVERIFY(w.subscriptions->removeSubscriptions(w.ugo, { mine }).ok());
        QCOMPARE(w.count(QStringLiteral("SELECT COUNT(*) FROM subscriptions WHERE id = ?"), { mine }), 0);
        QCOMPARE(
            w.count(QStringLiteral("SELECT COUNT(*) FROM tombstones WHERE table_name = 'subscriptions' AND "
                                   "row_id = ?"),
                    { mine }),
            1);
        QVERIFY(w.subscriptions->userSubscriptions(w.ugo).isEmpty());
        QCOMPARE(w.subscriptions->userSubscriptions(w.ida).size(), 1);
    }

    void pendingCountCoversEveryStructure()
    {
        WORLD(w);
        QCOMPARE(w.subscriptions->pendingCount(), qint64(0));
        const CommandResult r = w.subscriptions->requestSubscription(w.ugo, w.request(0, true, true));
        QVERIFY2(r.ok(), qPrintable(r.message));
        QCOMPARE(w.subscriptions->pendingCount(), qint64(2));
    }
};

QTEST_GUILESS_MAIN(TestSubscriptions)
#include "tst_subscriptions.moc"
