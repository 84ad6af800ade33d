#include "coreworld.h"
#include "fixtures.h"
#include "kernel/core.h"
#include "manualclock.h"
#include "rules/attachments/attachments.h"
#include "rules/attachments/principals.h"
#include "rules/manager/manageractivity.h"
#include "rules/spaces/subscriptions.h"
#include "rules/support/support.h"
#include "testdatabase.h"

#include <QTest>

#include <algorithm>

using namespace guichet;
using namespace guichet::test;

namespace {
struct World : CoreWorld
{
    qint64 support = 0, alice = 0, bruno = 0, chloe = 0, gone = 0;
    qint64 dupont = 0, boulangerie = 0, orphan = 0;

    void build()
    {
        support = insertUser(db(), QStringLiteral("support@example.org"), QStringLiteral("Sam"),
                             QStringLiteral("Support"), true);
        alice = insertUser(db(), QStringLiteral("alice@example.org"), QStringLiteral("Alice"),
                           QStringLiteral("Martin"));
        bruno = insertUser(db(), QStringLiteral("bruno@example.org"), QStringLiteral("Bruno"),
                           QStringLiteral("Lefèvre"));
        chloe = insertUser(db(), QStringLiteral("chloe@example.org"), QStringLiteral("Chloé"),
                           QStringLiteral("Durand"));
        gone = insertUser(db(), QStringLiteral("gone@example.org"), QStringLiteral("Gaston"),
                          QStringLiteral("Parti"));
        db().exec(
            QStringLiteral("UPDATE users SET address_line = '12 rue des Écoles', postal_code = '69003', "
                           "city = 'Lyon' WHERE id = ?"),
            { bruno });
        db().exec(QStringLiteral("UPDATE users SET status = 'deactivated', deactivated_at = ? WHERE id = ?"),
                  { clock.now().addDays(-70).toMSecsSinceEpoch(), gone });
        dupont = insertStructure(db(), validSiret(1), QStringLiteral("Menuiserie Dupont"));
        boulangerie = insertStructure(db(), validSiret(2), QStringLiteral("Boulangerie Pétrin"));
        orphan = insertStructure(db(), validSiret(3), QStringLiteral("Atelier Sans Chef"));
        insertAttachment(db(), alice, dupont, QStringLiteral("principal"));
        insertAttachment(db(), bruno, dupont, QStringLiteral("user"));
        // The principal of the bakery left: their account is deactivated.
        insertAttachment(db(), gone, boulangerie, QStringLiteral("principal"));
        insertAttachment(db(), chloe, boulangerie, QStringLiteral("user"));
        // The workshop's principal attachment ended.
        insertAttachment(db(), alice, orphan, QStringLiteral("principal"), QStringLiteral("validated"),
                         QDate(2025, 1, 1), QDate(2025, 12, 31));
    }
};

bool hasValidatedSpace(Core &core, qint64 userId, qint64 structureId, const QString &spaceCode)
{
    for (const SubscriptionView &v : Subscriptions(core).userSubscriptions(userId)) {
        if (v.structureId == structureId && v.spaceCode == spaceCode
            && v.status == QLatin1String("validated"))
            return true;
    }
    return false;
}

qint64 mailsTo(const Database &db, qint64 userId)
{
    return db.value(QStringLiteral("SELECT COUNT(*) FROM mail_outbox WHERE user_id = ?"), { userId })
        .toLongLong();
}

QList<qint64> requestIds(const QList<AttachmentView> &requests)
{
    QList<qint64> ids;
    for (const AttachmentView &r : requests)
        ids << r.id;
    std::sort(ids.begin(), ids.end());
    return ids;
}

QStringList emails(const QList<SupportUserRow> &users)
{
    QStringList list;
    for (const SupportUserRow &u : users)
        list << u.email;
    return list;
}
} // namespace

#define WORLD(w)                                                                                             \
    World w;                                                                                                 \
    GUICHET_REQUIRE_DB(w.t);                                                                                 \
    w.build()

class TestSupport : public QObject
{
    Q_OBJECT

private slots:
    void searchByEachCriterion()
    {
        WORLD(w);
        Support support(*w.core);
        QList<SupportUserRow> users;
        SupportUserCriteria c;
        c.name = QStringLiteral("lefevre");
        QVERIFY(support.searchUsers(w.support, c, users).ok());
        QCOMPARE(emails(users), QStringList { QStringLiteral("bruno@example.org") });

        c = {};
        c.email = QStringLiteral("CHLOE@");
        QVERIFY(support.searchUsers(w.support, c, users).ok());
        QCOMPARE(emails(users), QStringList { QStringLiteral("chloe@example.org") });

        c = {};
        c.address = QStringLiteral("ecoles lyon");
        QVERIFY(support.searchUsers(w.support, c, users).ok());
        QCOMPARE(emails(users), QStringList { QStringLiteral("bruno@example.org") });

        // A structure by raison sociale (accents ignored) or by SIRET typed with spaces.
        c = {};
        c.structure = QStringLiteral("petrin");
        QVERIFY(support.searchUsers(w.support, c, users).ok());
        QCOMPARE(emails(users),
                 (QStringList { QStringLiteral("chloe@example.org"), QStringLiteral("gone@example.org") }));
        const QString siret = validSiret(1);
        c.structure = siret.left(3) + QLatin1Char(' ') + siret.mid(3);
        QVERIFY(support.searchUsers(w.support, c, users).ok());
        QCOMPARE(emails(users),
                 (QStringList { QStringLiteral("bruno@example.org"), QStringLiteral("alice@example.org") }));

        // Criteria combine: every filled one must match.
        c.name = QStringLiteral("alice");
        QVERIFY(support.searchUsers(w.support, c, users).ok());
        QCOMPARE(emails(users), QStringList { QStringLiteral("alice@example.org") });

        // Empty criteria never list everyone.
        QVERIFY(support.searchUsers(w.support, {}, users).ok());
        QVERIFY(users.isEmpty());
    }

    void resultsShowStatusStructuresAndRoles()
    {
        WORLD(w);
        QList<SupportUserRow> users;
        SupportUserCriteria c;
        c.name = QStringLiteral("gaston");
        QVERIFY(Support(*w.core).searchUsers(w.support, c, users).ok());
        QCOMPARE(users.size(), 1);
        QCOMPARE(users[0].active, false);
        QCOMPARE(users[0].deactivatedAt, w.clock.now().addDays(-70));
        QCOMPARE(users[0].roles, QList<Role> { Role::Principal });
        QVERIFY(users[0].structures.value(0).contains(QStringLiteral("Boulangerie Pétrin")));

        c.name = QStringLiteral("alice");
        QVERIFY(Support(*w.core).searchUsers(w.support, c, users).ok());
        QCOMPARE(users[0].active, true);
        QVERIFY(!users[0].deactivatedAt.isValid());
        // The ended attachment to the workshop is not a current structure.
        QCOMPARE(users[0].structures.size(), 1);
    }

    void onlyActiveSupportStaffSearch()
    {
        WORLD(w);
        Support support(*w.core);
        QList<SupportUserRow> users;
        QList<OrphanStructure> structures;
        SupportUserCriteria c;
        c.name = QStringLiteral("martin");
        CommandResult r = support.searchUsers(w.alice, c, users);
        QCOMPARE(r.code, ErrorCode::Forbidden);
        QVERIFY(users.isEmpty());
        QCOMPARE(support.structuresWithoutPrincipal(w.alice, structures).code, ErrorCode::Forbidden);
        QVERIFY(structures.isEmpty());
        // A deactivated support account does not search either.
        w.db().exec(QStringLiteral("UPDATE users SET status = 'deactivated' WHERE id = ?"), { w.support });
        QCOMPARE(support.searchUsers(w.support, c, users).code, ErrorCode::Forbidden);
        QVERIFY(users.isEmpty());
        QCOMPARE(support.searchUsers(0, c, users).code, ErrorCode::Forbidden);
    }

    void structuresWithoutActivePrincipal()
    {
        WORLD(w);
        QList<OrphanStructure> structures;
        QVERIFY(Support(*w.core).structuresWithoutPrincipal(w.support, structures).ok());
        QCOMPARE(structures.size(), 2);
        QCOMPARE(structures[0].raisonSociale, QStringLiteral("Atelier Sans Chef"));
        QCOMPARE(structures[0].reason, OrphanStructure::Reason::None);
        QCOMPARE(structures[1].id, w.boulangerie);
        QCOMPARE(structures[1].reason, OrphanStructure::Reason::Deactivated);
        QCOMPARE(structures[1].formerPrincipalId, w.gone);
    }

    // The support console's list (both modes): the requests to join a
    // structure without a principal manager, for support staff only.
    void principalRequestsAreSupportsToList()
    {
        WORLD(w);
        // Nobody was ever its principal: a request to join it asks to become principal.
        const qint64 unmanaged = insertStructure(w.db(), validSiret(4), QStringLiteral("Scierie Sans Chef"));
        Attachments attachments(*w.core);
        AttachmentRequest toOrphan;
        toOrphan.structureId = unmanaged;
        toOrphan.validFrom = w.clock.today();
        const CommandResult asked = attachments.requestAttachment(w.bruno, toOrphan);
        QVERIFY2(asked.ok(), qPrintable(asked.message));
        AttachmentRequest toDupont;
        toDupont.structureId = w.dupont;
        toDupont.validFrom = w.clock.today();
        QVERIFY(attachments.requestAttachment(w.chloe, toDupont).ok());

        QList<AttachmentView> requests;
        QVERIFY(Support(*w.core).principalRequests(w.support, requests).ok());
        QCOMPARE(requests.size(), 1);
        QCOMPARE(requests.first().id, asked.id);
        QCOMPARE(requests.first().userId, w.bruno);
        QCOMPARE(requests.first().structureId, unmanaged);
        QCOMPARE(requests.first().role, Role::Principal);
        QCOMPARE(Support(*w.core).principalRequests(w.alice, requests).code, ErrorCode::Forbidden);
        QVERIFY(requests.isEmpty());
    }

    // A structure whose principal left (attachment ended, account deactivated)
    // is principal-less as one that never had one: the request asks to become
    // principal, support lists it and names the requester, who can manage.
    void aRequestToAStructureWhosePrincipalLeftIsSupports()
    {
        WORLD(w);
        Attachments attachments(*w.core);
        const qint64 aliceMails = mailsTo(w.db(), w.alice);
        const qint64 goneMails = mailsTo(w.db(), w.gone);
        AttachmentRequest toWorkshop; // Alice's principal attachment ended in 2025.
        toWorkshop.structureId = w.orphan;
        toWorkshop.validFrom = w.clock.today();
        const CommandResult asked = attachments.requestAttachment(w.bruno, toWorkshop);
        QVERIFY2(asked.ok(), qPrintable(asked.message));
        QCOMPARE(asked.data.value(QStringLiteral("role")).toString(), QStringLiteral("principal"));
        AttachmentRequest toBakery = toWorkshop; // Its principal's account is deactivated.
        toBakery.structureId = w.boulangerie;
        const CommandResult askedBakery = attachments.requestAttachment(w.bruno, toBakery);
        QVERIFY2(askedBakery.ok(), qPrintable(askedBakery.message));
        QCOMPARE(askedBakery.data.value(QStringLiteral("role")).toString(), QStringLiteral("principal"));
        // Nobody who left is mailed a request they cannot decide.
        QCOMPARE(mailsTo(w.db(), w.alice), aliceMails);
        QCOMPARE(mailsTo(w.db(), w.gone), goneMails);

        QList<AttachmentView> requests;
        QVERIFY(Support(*w.core).principalRequests(w.support, requests).ok());
        QCOMPARE(requestIds(requests), (QList<qint64> { asked.id, askedBakery.id }));
        // The former principal decides nothing any more.
        QCOMPARE(attachments.decideAttachment(w.alice, asked.id, true, QString()).code, ErrorCode::Forbidden);

        // Support names Bruno from the list in one step: validating his request.
        const CommandResult named = attachments.decideAttachment(w.support, asked.id, true, QString());
        QVERIFY2(named.ok(), qPrintable(named.message));
        QCOMPARE(activePrincipalOf(w.db(), w.orphan, w.clock.today()), w.bruno);
        // Alice's ended attachment is a simple user's now: one principal in the records.
        QCOMPARE(principalOf(w.db(), w.orphan), w.bruno);
        QVERIFY(hasValidatedSpace(*w.core, w.bruno, w.orphan, QStringLiteral("activite_gestionnaire")));
        QVERIFY(Support(*w.core).principalRequests(w.support, requests).ok());
        QCOMPARE(requestIds(requests), QList<qint64> { askedBakery.id });

        // Bruno manages at once: a new request to the workshop is his to decide.
        const CommandResult chloeAsks = attachments.requestAttachment(w.chloe, toWorkshop);
        QVERIFY2(chloeAsks.ok(), qPrintable(chloeAsks.message));
        QCOMPARE(chloeAsks.data.value(QStringLiteral("role")).toString(), QStringLiteral("user"));
        QVERIFY(mailsTo(w.db(), w.bruno) > 0);
        const CommandResult decided = attachments.decideAttachment(w.bruno, chloeAsks.id, true, QString());
        QVERIFY2(decided.ok(), qPrintable(decided.message));
        QVERIFY(Support(*w.core).principalRequests(w.support, requests).ok());
        QCOMPARE(requestIds(requests), QList<qint64> { askedBakery.id });
    }

    // A request made while the principal was there, whose attachment ended
    // before anyone decided: support's to decide from then on.
    void aRequestWaitingWhenThePrincipalLeftGoesToSupport()
    {
        WORLD(w);
        const qint64 mill = insertStructure(w.db(), validSiret(5), QStringLiteral("Moulin Fermé"));
        insertAttachment(w.db(), w.alice, mill, QStringLiteral("principal"), QStringLiteral("validated"),
                         QDate(2026, 1, 1), w.clock.today().addDays(5));
        Attachments attachments(*w.core);
        AttachmentRequest request;
        request.structureId = mill;
        request.validFrom = w.clock.today();
        const CommandResult asked = attachments.requestAttachment(w.chloe, request);
        QVERIFY2(asked.ok(), qPrintable(asked.message));
        QCOMPARE(asked.data.value(QStringLiteral("role")).toString(), QStringLiteral("user"));
        QList<AttachmentView> requests;
        QVERIFY(Support(*w.core).principalRequests(w.support, requests).ok());
        QVERIFY(!requestIds(requests).contains(asked.id));
        // Support's general list (« Activité du gestionnaire ») shows the role
        // validation gives: a simple user's while Alice is principal…
        const auto roleInSupportList = [&] {
            for (const PendingAttachmentRequest &r : attachments.pendingAttachmentRequests(w.support)) {
                if (r.id == asked.id)
                    return r.role;
            }
            return Role::None;
        };
        QCOMPARE(roleInSupportList(), Role::User);

        w.clock.advanceDays(10);
        QVERIFY(Support(*w.core).principalRequests(w.support, requests).ok());
        QVERIFY(requestIds(requests).contains(asked.id));
        for (const AttachmentView &r : requests) {
            if (r.id == asked.id)
                QCOMPARE(r.role, Role::Principal);
        }
        // … and, once she has left, principal manager, as in the list above.
        QCOMPARE(roleInSupportList(), Role::Principal);
        const CommandResult named = attachments.decideAttachment(w.support, asked.id, true, QString());
        QVERIFY2(named.ok(), qPrintable(named.message));
        QCOMPARE(activePrincipalOf(w.db(), mill, w.clock.today()), w.chloe);
        QCOMPARE(principalOf(w.db(), mill), w.chloe);
        QVERIFY(hasValidatedSpace(*w.core, w.chloe, mill, QStringLiteral("activite_gestionnaire")));
    }

    void supportNamesPrincipal()
    {
        WORLD(w);
        ManagerActivity activity(*w.core);
        // A current user of the bakery.
        CommandResult r = activity.transferPrincipal(w.support, w.boulangerie, w.chloe);
        QVERIFY2(r.ok(), qPrintable(r.message));
        QCOMPARE(principalOf(w.db(), w.boulangerie), w.chloe);
        // Someone not attached to the workshop: attached and named in one command.
        r = activity.transferPrincipal(w.support, w.orphan, w.bruno);
        QVERIFY2(r.ok(), qPrintable(r.message));
        QCOMPARE(principalOf(w.db(), w.orphan), w.bruno);
        QList<OrphanStructure> structures;
        QVERIFY(Support(*w.core).structuresWithoutPrincipal(w.support, structures).ok());
        QVERIFY(structures.isEmpty());
        QVERIFY(
            w.db()
                .value(QStringLiteral("SELECT COUNT(*) FROM audit_log WHERE structure_id = ? AND command = "
                                      "'transferPrincipal'"),
                       { w.orphan })
                .toInt()
            > 0);
    }

    void namingRefusals()
    {
        WORLD(w);
        ManagerActivity activity(*w.core);
        const QString before = snapshot(w.db());
        // A deactivated successor is refused, even by support.
        CommandResult r = activity.transferPrincipal(w.support, w.boulangerie, w.gone);
        QCOMPARE(r.code, ErrorCode::InvalidInput);
        QCOMPARE(r.field, QStringLiteral("successor"));
        r = activity.transferPrincipal(w.support, w.orphan, w.gone);
        QCOMPARE(r.field, QStringLiteral("successor"));
        // A simple user cannot name anyone.
        QCOMPARE(activity.transferPrincipal(w.chloe, w.boulangerie, w.chloe).code, ErrorCode::Forbidden);
        // Nobody succeeds themselves.
        QCOMPARE(activity.transferPrincipal(w.alice, w.dupont, w.alice).field, QStringLiteral("successor"));
        QCOMPARE(snapshot(w.db()), before);
    }
};

QTEST_GUILESS_MAIN(TestSupport)
#include "tst_support.moc"
