#include "coreworld.h"
#include "datagen/demodata.h"
#include "fixtures.h"
#include "kernel/core.h"
#include "manualclock.h"
#include "rules/accounts/passwords.h"
#include "rules/attachments/attachments.h"
#include "rules/attachments/principals.h"
#include "rules/audit/auditlog.h"
#include "rules/manager/manageractivity.h"
#include "rules/spaces/spaces.h"
#include "rules/spaces/subscriptions.h"
#include "testdatabase.h"

#include <QBuffer>
#include <QTest>

#include <algorithm>

using namespace guichet;
using namespace guichet::test;

namespace {
// Structure S: principal Paul, secondary Sam (no powers unless granted),
// simple user Ugo (whole structure, subscribed to « Factures reçues »), service
// A; Vera is an active user attached nowhere. Structure T: principal Tess, who
// also has Ugo as a user. Olga is deactivated.
struct World : CoreWorld
{
    qint64 paul = 0, sam = 0, ugo = 0, vera = 0, tess = 0, olga = 0;
    qint64 s = 0, t2 = 0, serviceA = 0;
    qint64 paulAttachment = 0, samAttachment = 0, ugoAttachment = 0, ugoOnT = 0;

    bool setUp()
    {
        if (!isValid())
            return false;
        Database &db = t.db();
        paul = insertUser(db, QStringLiteral("paul@example.org"), QStringLiteral("Paul"),
                          QStringLiteral("Petit"));
        sam = insertUser(db, QStringLiteral("sam@example.org"), QStringLiteral("Sam"),
                         QStringLiteral("Second"));
        ugo = insertUser(db, QStringLiteral("ugo@example.org"), QStringLiteral("Ugo"),
                         QStringLiteral("User"));
        vera = insertUser(db, QStringLiteral("vera@example.org"), QStringLiteral("Vera"),
                          QStringLiteral("Vide"));
        tess = insertUser(db, QStringLiteral("tess@example.org"), QStringLiteral("Tess"),
                          QStringLiteral("Tiers"));
        olga = insertUser(db, QStringLiteral("olga@example.org"), QStringLiteral("Olga"),
                          QStringLiteral("Out"));
        db.exec(QStringLiteral("UPDATE users SET status = 'deactivated' WHERE id = ?"), { olga });
        s = insertStructure(db, validSiret(1), QStringLiteral("Menuiserie Dupont"));
        t2 = insertStructure(db, validSiret(2), QStringLiteral("Boulangerie Tiers"));
        serviceA = insertService(db, s, QStringLiteral("A"), QStringLiteral("Achats"));
        paulAttachment = insertAttachment(db, paul, s, QStringLiteral("principal"));
        samAttachment = insertAttachment(db, sam, s, QStringLiteral("secondary"));
        ugoAttachment = insertAttachment(db, ugo, s, QStringLiteral("user"));
        insertAttachment(db, tess, t2, QStringLiteral("principal"));
        ugoOnT = insertAttachment(db, ugo, t2, QStringLiteral("user"));
        // Ugo's own validated subscription on S, and one on T.
        for (const qint64 structure : { s, t2 }) {
            db.exec(QStringLiteral(
                        "INSERT INTO subscriptions (user_id, structure_id, space_id, service_id, mode, "
                        "effective_date, status, requested_at, origin, version) SELECT ?, ?, id, NULL, "
                        "'consultation', '2026-01-01', 'validated', 0, 'request', 1 FROM spaces WHERE "
                        "code = 'factures_recues'"),
                    { ugo, structure });
        }
        return true;
    }
};

#define WORLD(w)                                                                                             \
    World w;                                                                                                 \
    if (!w.setUp())                                                                                          \
        QFAIL(qPrintable(w.t.error()));

AttachUserInput veraOnS(const World &w)
{
    AttachUserInput input;
    input.structureId = w.s;
    input.userId = w.vera;
    input.role = Role::User;
    input.validFrom = QDate(2026, 3, 2);
    return input;
}
} // namespace

class TestManagerActivity : public QObject
{
    Q_OBJECT

private slots:
    void principalAttachesAUserAtOnce()
    {
        WORLD(w);
        AttachUserInput input = veraOnS(w);
        input.role = Role::Secondary;
        const CommandResult r = ManagerActivity(*w.core).attachUser(w.paul, input);
        QVERIFY2(r.ok(), qPrintable(r.message));
        QCOMPARE(
            w.db().value(QStringLiteral("SELECT status FROM attachments WHERE id = ?"), { r.id }).toString(),
            QStringLiteral("validated"));
        QCOMPARE(roleOn(w.db(), w.vera, w.s, w.clock.today()), Role::Secondary);
        // The secondary manager's default spaces, « Activité du gestionnaire » included.
        QCOMPARE(w.count(QStringLiteral(
                             "SELECT COUNT(*) FROM subscriptions x JOIN spaces sp ON sp.id = x.space_id "
                             "WHERE x.user_id = ? AND sp.code = 'activite_gestionnaire' AND "
                             "x.status = 'validated'"),
                         { w.vera }),
                 1);
        QCOMPARE(w.count(QStringLiteral("SELECT COUNT(*) FROM mail_outbox WHERE user_id = ?"), { w.vera }),
                 1);
        QCOMPARE(
            w.count(QStringLiteral(
                "SELECT COUNT(*) FROM audit_log WHERE command = 'attachUser' AND entity = 'attachment'")),
            1);
    }

    void attachUserRefusals()
    {
        WORLD(w);
        ManagerActivity activity(*w.core);
        const QString before = snapshot(w.db());
        // A secondary manager without the principal's powers.
        QCOMPARE(activity.attachUser(w.sam, veraOnS(w)).code, ErrorCode::Forbidden);
        // A manager of another structure.
        QCOMPARE(activity.attachUser(w.tess, veraOnS(w)).code, ErrorCode::Forbidden);
        // A deactivated account, a principal role, someone already attached, no start date.
        AttachUserInput input = veraOnS(w);
        input.userId = w.olga;
        QCOMPARE(activity.attachUser(w.paul, input).field, QStringLiteral("user"));
        input = veraOnS(w);
        input.role = Role::Principal;
        QCOMPARE(activity.attachUser(w.paul, input).field, QStringLiteral("role"));
        input = veraOnS(w);
        input.userId = w.ugo;
        QCOMPARE(activity.attachUser(w.paul, input).code, ErrorCode::Conflict);
        input = veraOnS(w);
        input.validFrom = QDate();
        QCOMPARE(activity.attachUser(w.paul, input).field, QStringLiteral("validFrom"));
        input = veraOnS(w);
        input.wholeStructure = false;
        QCOMPARE(activity.attachUser(w.paul, input).field, QStringLiteral("services"));
        QCOMPARE(snapshot(w.db()), before);

        // Once the principal grants the powers, the secondary manager may.
        QVERIFY(Attachments(*w.core).setSecondaryPowers(w.paul, w.s, true).ok());
        QVERIFY(activity.attachUser(w.sam, veraOnS(w)).ok());
    }

    void secondaryWithoutPowersCannotValidate()
    {
        WORLD(w);
        Attachments attachments(*w.core);
        AttachmentRequest request;
        request.structureId = w.s;
        request.validFrom = QDate(2026, 3, 2);
        const CommandResult asked = attachments.requestAttachment(w.vera, request);
        QVERIFY(asked.ok());
        const QString before = snapshot(w.db());
        QCOMPARE(attachments.decideAttachment(w.sam, asked.id, true).code, ErrorCode::Forbidden);
        QCOMPARE(attachments.decideAttachment(w.tess, asked.id, true).code, ErrorCode::Forbidden);
        QCOMPARE(snapshot(w.db()), before);
        QVERIFY(attachments.decideAttachment(w.paul, asked.id, true).ok());
    }

    void endAttachmentSetsTheEnd()
    {
        WORLD(w);
        const CommandResult r
            = ManagerActivity(*w.core).endAttachment(w.paul, w.ugoAttachment, QDate(2026, 3, 31));
        QVERIFY2(r.ok(), qPrintable(r.message));
        QCOMPARE(w.db()
                     .value(QStringLiteral("SELECT valid_until FROM attachments WHERE id = ?"),
                            { w.ugoAttachment })
                     .toString(),
                 QStringLiteral("2026-03-31"));
        QCOMPARE(w.count(QStringLiteral("SELECT COUNT(*) FROM mail_outbox WHERE user_id = ?"), { w.ugo }), 1);
        // After the end the user has no rights there any more.
        w.clock.advanceDays(30);
        QCOMPARE(roleOn(w.db(), w.ugo, w.s, w.clock.today()), Role::None);
    }

    void endAttachmentRefusals()
    {
        WORLD(w);
        ManagerActivity activity(*w.core);
        const QString before = snapshot(w.db());
        // Before its start (2026-01-01).
        QCOMPARE(activity.endAttachment(w.paul, w.ugoAttachment, QDate(2025, 12, 31)).field,
                 QStringLiteral("validUntil"));
        // The last (only) principal cannot be ended, even by himself.
        QCOMPARE(activity.endAttachment(w.paul, w.paulAttachment, QDate(2026, 3, 31)).code,
                 ErrorCode::Conflict);
        // A secondary without powers, a manager of another structure.
        QCOMPARE(activity.endAttachment(w.sam, w.ugoAttachment, QDate(2026, 3, 31)).code,
                 ErrorCode::Forbidden);
        QCOMPARE(activity.endAttachment(w.tess, w.ugoAttachment, QDate(2026, 3, 31)).code,
                 ErrorCode::Forbidden);
        QCOMPARE(snapshot(w.db()), before);
    }

    void removingTheLastPrincipalIsRefused()
    {
        WORLD(w);
        const QString before = snapshot(w.db());
        const CommandResult r = Attachments(*w.core).removeAttachments(w.paul, { w.paulAttachment });
        QCOMPARE(r.code, ErrorCode::InvalidInput);
        QCOMPARE(r.field, QStringLiteral("successor"));
        QCOMPARE(snapshot(w.db()), before);
        QCOMPARE(principalOf(w.db(), w.s), w.paul);
    }

    void copyRightsOnlyOnManagedStructures()
    {
        WORLD(w);
        const CommandResult r = ManagerActivity(*w.core).copyRights(w.paul, w.ugo, w.vera);
        QVERIFY2(r.ok(), qPrintable(r.message));
        QCOMPARE(r.data.value(QStringLiteral("attachments")).toInt(), 1);
        QCOMPARE(r.data.value(QStringLiteral("subscriptions")).toInt(), 1);
        QCOMPARE(roleOn(w.db(), w.vera, w.s, w.clock.today()), Role::User);
        // Paul does not manage T: nothing there.
        QCOMPARE(roleOn(w.db(), w.vera, w.t2, w.clock.today()), Role::None);
        QCOMPARE(w.count(QStringLiteral(
                             "SELECT COUNT(*) FROM subscriptions x JOIN spaces sp ON sp.id = x.space_id "
                             "WHERE x.user_id = ? AND x.structure_id = ? AND sp.code = 'factures_recues' "
                             "AND x.mode = 'consultation' AND x.status = 'validated'"),
                         { w.vera, w.s }),
                 1);
        QCOMPARE(w.db()
                     .value(QStringLiteral("SELECT comment || '/' || comment_code FROM subscriptions "
                                           "WHERE user_id = ? AND mode = 'consultation'"),
                            { w.vera })
                     .toString(),
                 QStringLiteral("/copied"));
        QVERIFY(w.count(QStringLiteral("SELECT COUNT(*) FROM audit_log WHERE command = 'copyRights'")) >= 2);

        // Copying again: Vera has everything already; nothing changes.
        const QString before = snapshot(w.db());
        QCOMPARE(ManagerActivity(*w.core).copyRights(w.paul, w.ugo, w.vera).code, ErrorCode::Conflict);
        QCOMPARE(snapshot(w.db()), before);
    }

    void copyRightsRefusals()
    {
        WORLD(w);
        ManagerActivity activity(*w.core);
        const QString before = snapshot(w.db());
        QCOMPARE(activity.copyRights(w.sam, w.ugo, w.vera).code, ErrorCode::Conflict); // manages nothing
        QCOMPARE(activity.copyRights(w.paul, w.ugo, w.vera, w.t2).code, ErrorCode::Forbidden);
        QCOMPARE(activity.copyRights(w.paul, w.ugo, w.olga).field, QStringLiteral("to"));
        QCOMPARE(activity.copyRights(w.paul, w.ugo, w.ugo).field, QStringLiteral("to"));
        QCOMPARE(snapshot(w.db()), before);
    }

    void principalTransfersTheRole()
    {
        WORLD(w);
        const CommandResult r = ManagerActivity(*w.core).transferPrincipal(w.paul, w.s, w.sam);
        QVERIFY2(r.ok(), qPrintable(r.message));
        QCOMPARE(principalOf(w.db(), w.s), w.sam);
        QCOMPARE(roleOn(w.db(), w.paul, w.s, w.clock.today()), Role::User);
        QCOMPARE(w.count(QStringLiteral("SELECT COUNT(*) FROM mail_outbox WHERE user_id = ?"), { w.sam }), 1);
    }

    void transferRefusals()
    {
        WORLD(w);
        ManagerActivity activity(*w.core);
        QVERIFY(Attachments(*w.core).setSecondaryPowers(w.paul, w.s, true).ok());
        const QString before = snapshot(w.db());
        // Even with the principal's powers a secondary manager does not transfer the role.
        QCOMPARE(activity.transferPrincipal(w.sam, w.s, w.ugo).code, ErrorCode::Forbidden);
        QCOMPARE(activity.transferPrincipal(w.tess, w.s, w.ugo).code, ErrorCode::Forbidden);
        // The successor must have an active account and be someone else (principals.h).
        QCOMPARE(activity.transferPrincipal(w.paul, w.s, w.olga).field, QStringLiteral("successor"));
        QCOMPARE(activity.transferPrincipal(w.paul, w.s, w.paul).field, QStringLiteral("successor"));
        QCOMPARE(snapshot(w.db()), before);
    }

    void attachUserToSeveralStructuresAtOnce()
    {
        WORLD(w);
        // Paul manages S and a third structure, Atelier.
        const qint64 atelier = insertStructure(w.db(), validSiret(3), QStringLiteral("Atelier Petit"));
        insertAttachment(w.db(), w.paul, atelier, QStringLiteral("principal"));
        AttachToStructuresInput input;
        input.structureIds = { w.s, atelier, w.s };
        input.userId = w.vera;
        input.validFrom = QDate(2026, 3, 2);
        const CommandResult r = ManagerActivity(*w.core).attachUserToStructures(w.paul, input);
        QVERIFY2(r.ok(), qPrintable(r.message));
        QCOMPARE(r.data.value(QStringLiteral("attachments")).toList().size(), 2);
        QCOMPARE(w.count(QStringLiteral("SELECT COUNT(*) FROM attachments WHERE user_id = ? AND status = "
                                        "'validated' AND whole_structure = 1"),
                         { w.vera }),
                 2);
        QCOMPARE(roleOn(w.db(), w.vera, atelier, w.clock.today()), Role::User);
        // One audit entry per attachment, one mail naming both structures.
        QCOMPARE(w.count(QStringLiteral("SELECT COUNT(*) FROM audit_log WHERE command = "
                                        "'attachUserToStructures' AND entity = 'attachment'")),
                 2);
        QCOMPARE(w.count(QStringLiteral("SELECT COUNT(*) FROM mail_outbox WHERE user_id = ?"), { w.vera }),
                 1);
        const QString mail
            = w.db()
                  .value(QStringLiteral("SELECT body_text FROM mail_outbox WHERE user_id = ?"), { w.vera })
                  .toString();
        QVERIFY2(mail.contains(QLatin1String("Menuiserie Dupont"))
                     && mail.contains(QLatin1String("Atelier Petit")),
                 qPrintable(mail));
    }

    void attachUserToStructuresIsAllOrNothing()
    {
        WORLD(w);
        ManagerActivity activity(*w.core);
        const qint64 atelier = insertStructure(w.db(), validSiret(3), QStringLiteral("Atelier Petit"));
        insertAttachment(w.db(), w.paul, atelier, QStringLiteral("principal"));
        const QString before = snapshot(w.db());
        AttachToStructuresInput input;
        input.userId = w.vera;
        input.validFrom = QDate(2026, 3, 2);
        // T is Tess's: named, and S and Atelier stay untouched.
        input.structureIds = { w.s, atelier, w.t2 };
        CommandResult r = activity.attachUserToStructures(w.paul, input);
        QCOMPARE(r.code, ErrorCode::Forbidden);
        QCOMPARE(r.field, QStringLiteral("structures"));
        QVERIFY2(r.message.contains(QLatin1String("Boulangerie Tiers")), qPrintable(r.message));
        // Ugo is already on S.
        input.structureIds = { atelier, w.s };
        input.userId = w.ugo;
        r = activity.attachUserToStructures(w.paul, input);
        QCOMPARE(r.code, ErrorCode::Conflict);
        QVERIFY2(r.message.contains(QLatin1String("Menuiserie Dupont")), qPrintable(r.message));
        // No structure, an unknown one, too many, bad user, role, dates.
        input = AttachToStructuresInput();
        input.userId = w.vera;
        input.validFrom = QDate(2026, 3, 2);
        QCOMPARE(activity.attachUserToStructures(w.paul, input).field, QStringLiteral("structures"));
        input.structureIds = { 999999 };
        QCOMPARE(activity.attachUserToStructures(w.paul, input).field, QStringLiteral("structures"));
        for (int i = 1; i <= AttachToStructuresInput::MaxStructures + 1; ++i)
            input.structureIds.append(i);
        QCOMPARE(activity.attachUserToStructures(w.paul, input).field, QStringLiteral("structures"));
        input.structureIds = { w.s };
        input.userId = w.olga;
        QCOMPARE(activity.attachUserToStructures(w.paul, input).field, QStringLiteral("user"));
        input.userId = w.vera;
        input.role = Role::Principal;
        QCOMPARE(activity.attachUserToStructures(w.paul, input).field, QStringLiteral("role"));
        input.role = Role::User;
        input.validUntil = input.validFrom;
        QCOMPARE(activity.attachUserToStructures(w.paul, input).field, QStringLiteral("validUntil"));
        QCOMPARE(snapshot(w.db()), before);
    }

    // Services per structure: Vera on S's « Achats » only and on Atelier
    // whole; her spaces cover that service only on S.
    void attachUserToStructuresWithServicesPerStructure()
    {
        WORLD(w);
        ManagerActivity activity(*w.core);
        const qint64 atelier = insertStructure(w.db(), validSiret(3), QStringLiteral("Atelier Petit"));
        insertAttachment(w.db(), w.paul, atelier, QStringLiteral("principal"));
        AttachToStructuresInput input;
        input.structureIds = { w.s, atelier };
        input.serviceIds = { w.serviceA, w.serviceA };
        input.userId = w.vera;
        input.validFrom = QDate(2026, 3, 2);
        const CommandResult r = activity.attachUserToStructures(w.paul, input);
        QVERIFY2(r.ok(), qPrintable(r.message));
        const QVariantList ids = r.data.value(QStringLiteral("attachments")).toList();
        QCOMPARE(ids.size(), 2);
        const AttachedScope onS = attachedServices(w.db(), w.vera, w.s, w.clock.today());
        QVERIFY(onS.attached);
        QVERIFY(!onS.wholeStructure);
        QCOMPARE(onS.serviceIds, QList<qint64> { w.serviceA });
        QVERIFY(attachedServices(w.db(), w.vera, atelier, w.clock.today()).wholeStructure);
        // The role's default spaces on S cover « Achats », not the whole structure.
        QCOMPARE(w.count(QStringLiteral("SELECT COUNT(*) FROM subscriptions WHERE user_id = ? AND "
                                        "structure_id = ? AND service_id IS NULL"),
                         { w.vera, w.s }),
                 0);
        QVERIFY(w.count(QStringLiteral("SELECT COUNT(*) FROM subscriptions WHERE user_id = ? AND "
                                       "structure_id = ? AND service_id = ?"),
                        { w.vera, w.s, w.serviceA })
                > 0);
        // The audit entry of S names the service.
        QVERIFY(w.count(QStringLiteral("SELECT COUNT(*) FROM audit_log WHERE command = "
                                       "'attachUserToStructures' AND structure_id = ? AND details LIKE ?"),
                        { w.s, QStringLiteral("%\"services\":[%1]%").arg(w.serviceA) })
                > 0);
    }

    // A service of a structure not checked, of no structure, or no longer
    // active, and too many services: named on field « services », nothing attached.
    void attachUserToStructuresRefusesBadServices()
    {
        WORLD(w);
        ManagerActivity activity(*w.core);
        const qint64 atelier = insertStructure(w.db(), validSiret(3), QStringLiteral("Atelier Petit"));
        insertAttachment(w.db(), w.paul, atelier, QStringLiteral("principal"));
        const qint64 closed = insertService(w.db(), atelier, QStringLiteral("F"), QStringLiteral("Fermé"));
        w.db().exec(QStringLiteral("UPDATE services SET active = 0 WHERE id = ?"), { closed });
        const qint64 ofT = insertService(w.db(), w.t2, QStringLiteral("T"), QStringLiteral("Tiers"));
        const QString before = snapshot(w.db());
        AttachToStructuresInput input;
        input.structureIds = { atelier, w.s };
        input.userId = w.vera;
        input.validFrom = QDate(2026, 3, 2);

        input.serviceIds = { w.serviceA, ofT };
        CommandResult r = activity.attachUserToStructures(w.paul, input);
        QCOMPARE(r.code, ErrorCode::InvalidInput);
        QCOMPARE(r.field, QStringLiteral("services"));
        QVERIFY2(r.message.contains(QLatin1String("Boulangerie Tiers")), qPrintable(r.message));
        input.serviceIds = { closed };
        r = activity.attachUserToStructures(w.paul, input);
        QCOMPARE(r.field, QStringLiteral("services"));
        QVERIFY2(r.message.contains(QLatin1String("Atelier Petit")), qPrintable(r.message));
        input.serviceIds = { 999999 };
        QCOMPARE(activity.attachUserToStructures(w.paul, input).field, QStringLiteral("services"));
        input.serviceIds.clear();
        for (int i = 0; i <= AttachToStructuresInput::MaxServices; ++i)
            input.serviceIds.append(w.serviceA);
        QCOMPARE(activity.attachUserToStructures(w.paul, input).field, QStringLiteral("services"));
        QCOMPARE(snapshot(w.db()), before);
    }

    void subscribeUsersInBulk()
    {
        WORLD(w);
        // Sam (secondary) and Ugo on S; Ugo already has « Factures reçues » in consultation.
        BulkSubscription bulk;
        bulk.structureId = w.s;
        bulk.userIds = { w.sam, w.ugo };
        bulk.spaceCode = QStringLiteral("factures_recues");
        bulk.modification = true;
        bulk.consultation = true;
        bulk.effectiveDate = QDate(2026, 4, 1);
        const CommandResult r = Subscriptions(*w.core).subscribeUsers(w.paul, bulk);
        QVERIFY2(r.ok(), qPrintable(r.message));
        // Sam: two rows; Ugo: modification only (consultation he had is skipped).
        QCOMPARE(r.data.value(QStringLiteral("created")).toInt(), 3);
        QCOMPARE(r.data.value(QStringLiteral("users")).toInt(), 2);
        const QString rows = QStringLiteral(
            "SELECT COUNT(*) FROM subscriptions x JOIN spaces sp ON sp.id = x.space_id WHERE x.user_id = ? "
            "AND x.structure_id = ? AND sp.code = 'factures_recues' AND x.status = 'validated'");
        QCOMPARE(w.count(rows, { w.sam, w.s }), 2);
        QCOMPARE(w.count(rows, { w.ugo, w.s }), 2);
        // One audit entry per subscription, as a single subscription writes; one mail per user.
        QCOMPARE(w.count(QStringLiteral("SELECT COUNT(*) FROM audit_log WHERE command = 'subscribeUsers' AND "
                                        "entity = 'subscription'")),
                 3);
        QCOMPARE(w.count(QStringLiteral("SELECT COUNT(*) FROM mail_outbox WHERE user_id IN (?, ?)"),
                         { w.sam, w.ugo }),
                 2);
        // Again: nothing left to add.
        QCOMPARE(Subscriptions(*w.core).subscribeUsers(w.paul, bulk).code, ErrorCode::Conflict);
    }

    void subscribeUsersRefusalsChangeNothing()
    {
        WORLD(w);
        Subscriptions subscriptions(*w.core);
        const QString before = snapshot(w.db());
        BulkSubscription good;
        good.structureId = w.s;
        good.userIds = { w.ugo };
        good.spaceCode = QStringLiteral("factures_emises");
        good.modification = true;
        good.effectiveDate = QDate(2026, 4, 1);
        // Not the caller's structure: Tess manages T, Sam has no powers, Ugo is a simple user.
        QCOMPARE(subscriptions.subscribeUsers(w.tess, good).code, ErrorCode::Forbidden);
        QCOMPARE(subscriptions.subscribeUsers(w.sam, good).code, ErrorCode::Forbidden);
        QCOMPARE(subscriptions.subscribeUsers(w.ugo, good).code, ErrorCode::Forbidden);
        // Vera is attached nowhere: named, and Ugo gets nothing either.
        BulkSubscription bulk = good;
        bulk.userIds = { w.ugo, w.vera };
        CommandResult r = subscriptions.subscribeUsers(w.paul, bulk);
        QCOMPARE(r.field, QStringLiteral("users"));
        QVERIFY2(r.message.contains(QLatin1String("vera@example.org")), qPrintable(r.message));
        bulk = good;
        bulk.userIds.clear();
        QCOMPARE(subscriptions.subscribeUsers(w.paul, bulk).field, QStringLiteral("users"));
        for (int i = 0; i <= BulkSubscription::MaxUsers; ++i)
            bulk.userIds.append(i + 1);
        QCOMPARE(subscriptions.subscribeUsers(w.paul, bulk).field, QStringLiteral("users"));
        bulk = good;
        bulk.spaceCode = QStringLiteral("nope");
        QCOMPARE(subscriptions.subscribeUsers(w.paul, bulk).field, QStringLiteral("space"));
        bulk = good;
        bulk.modification = false;
        QCOMPARE(subscriptions.subscribeUsers(w.paul, bulk).field, QStringLiteral("modification"));
        bulk = good;
        bulk.effectiveDate = QDate();
        QCOMPARE(subscriptions.subscribeUsers(w.paul, bulk).field, QStringLiteral("effectiveDate"));
        bulk = good;
        bulk.structureId = 999999;
        QCOMPARE(subscriptions.subscribeUsers(w.paul, bulk).field, QStringLiteral("structure"));
        QCOMPARE(snapshot(w.db()), before);
    }

    void exportListsEachUserWithTheirRights()
    {
        WORLD(w);
        ManagerActivity activity(*w.core);
        const QList<QStringList> lines = activity.usersRights(w.s);
        // Paul and Sam have the managers' default spaces only if subscribed; Ugo has « Factures reçues ».
        QStringList ugo;
        for (const QStringList &line : lines) {
            QCOMPARE(line.size(), ManagerActivity::rightsColumns().size());
            if (line.at(1) == QLatin1String("ugo@example.org"))
                ugo = line;
        }
        QCOMPARE(ugo.value(0), QStringLiteral("Ugo User"));
        QCOMPARE(ugo.value(2), QStringLiteral("Simple user"));
        QCOMPARE(ugo.value(3), QStringLiteral("Whole structure"));
        QCOMPARE(ugo.value(4), QStringLiteral("Received invoices"));
        QCOMPARE(ugo.value(5), QStringLiteral("consultation"));
        QCOMPARE(ugo.value(6), QStringLiteral("from 2026-01-01, no end"));
        // Paul's line says principal manager; every attached user appears.
        QStringList people;
        for (const QStringList &line : lines) {
            if (!people.contains(line.at(1)))
                people.append(line.at(1));
            if (line.at(1) == QLatin1String("paul@example.org"))
                QCOMPARE(line.at(2), QStringLiteral("Principal manager"));
        }
        people.sort();
        QCOMPARE(people,
                 (QStringList { QStringLiteral("paul@example.org"), QStringLiteral("sam@example.org"),
                                QStringLiteral("ugo@example.org") }));

        // The file: a byte-order mark, ';' separated, a title line then the lines.
        QBuffer buffer;
        QVERIFY(buffer.open(QIODevice::WriteOnly));
        QVERIFY(activity.exportUsersRights(w.s, buffer));
        const QByteArray bytes = buffer.data();
        QVERIFY(bytes.startsWith("\xEF\xBB\xBF"));
        const QStringList fileLines
            = QString::fromUtf8(bytes.mid(3)).split(QStringLiteral("\r\n"), Qt::SkipEmptyParts);
        QCOMPARE(fileLines.size(), lines.size() + 1);
        QCOMPARE(fileLines.first(), ManagerActivity::rightsColumns().join(QLatin1Char(';')));
        QVERIFY(fileLines.contains(ugo.join(QLatin1Char(';'))));
    }

    void structureUsersAndManagedStructures()
    {
        WORLD(w);
        ManagerActivity activity(*w.core);
        const QList<StructureUser> users = activity.structureUsers(w.s);
        QCOMPARE(users.size(), 3);
        StructureUser ugo;
        for (const StructureUser &u : users) {
            if (u.userId == w.ugo)
                ugo = u;
        }
        QCOMPARE(roleToString(ugo.role), QStringLiteral("user"));
        QCOMPARE(ugo.subscriptions, 1);
        QCOMPARE(ugo.validFrom, QDate(2026, 1, 1));

        const QList<ManagedStructure> samStructures = activity.managedStructures(w.sam);
        QCOMPARE(samStructures.size(), 1);
        QCOMPARE(samStructures.first().canManage, false);
        QVERIFY(activity.managedStructures(w.ugo).isEmpty());
    }

    void remindersListOldRequestsAndEndingAttachments()
    {
        WORLD(w);
        AttachmentRequest request;
        request.structureId = w.s;
        request.validFrom = QDate(2026, 3, 2);
        QVERIFY(Attachments(*w.core).requestAttachment(w.vera, request).ok());
        QVERIFY(ManagerActivity(*w.core).endAttachment(w.paul, w.ugoAttachment, QDate(2026, 3, 15)).ok());
        ManagerActivity activity(*w.core);
        // Today the request is fresh; the end is 13 days away.
        QVERIFY(activity.reminders(w.paul, 7).isEmpty());
        w.clock.advanceDays(10);
        const QList<Reminder> reminders = activity.reminders(w.paul, 7);
        QCOMPARE(reminders.size(), 2);
        QList<Reminder::Kind> kinds;
        for (const Reminder &r : reminders)
            kinds << r.kind;
        std::sort(kinds.begin(), kinds.end());
        QCOMPARE(
            kinds,
            (QList<Reminder::Kind> { Reminder::Kind::AttachmentRequest, Reminder::Kind::AttachmentEnding }));
        // Nothing for a secondary manager without powers, nor for another structure's manager.
        QVERIFY(activity.reminders(w.sam, 7).isEmpty());
        QVERIFY(activity.reminders(w.tess, 7).isEmpty());
    }

    // Each demo manager finds something in « Activité du gestionnaire ».
    void demoManagersHaveContent()
    {
        PasswordHasher::setFastHashingForTests(true);
        TestDatabase t;
        GUICHET_REQUIRE_DB(t);
        ManualClock clock;
        QList<DemoLogin> logins;
        QVERIFY(DemoData::generate(t.db(), clock, 20, &logins).ok());
        Core core(t.db(), clock);
        const auto id = [&](const char *email) {
            return t.db()
                .value(QStringLiteral("SELECT id FROM users WHERE email = ?"), { QString::fromLatin1(email) })
                .toLongLong();
        };
        ManagerActivity activity(core);
        for (const char *email : { "claire.dubois@demo.guichet.fr", "sami.benali@demo.guichet.fr" }) {
            const qint64 manager = id(email);
            QVERIFY2(!Attachments(core).pendingAttachmentRequests(manager).isEmpty(), email);
            const QList<ManagedStructure> structures = activity.managedStructures(manager);
            QVERIFY2(!structures.isEmpty(), email);
            AuditFilter filter;
            filter.structureId = structures.first().id;
            QVERIFY2(!AuditLog(core).query(filter).isEmpty(), email);
            QVERIFY2(!activity.structureUsers(filter.structureId).isEmpty(), email);
        }
        // Nadia is a secondary manager without the principal's powers: read-only.
        const QList<ManagedStructure> nadia = activity.managedStructures(id("nadia.petit@demo.guichet.fr"));
        QVERIFY(!nadia.isEmpty());
        QVERIFY(!nadia.first().canManage);
    }
};

QTEST_GUILESS_MAIN(TestManagerActivity)
#include "tst_manageractivity.moc"
