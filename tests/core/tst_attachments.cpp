#include "coreworld.h"
#include "fixtures.h"
#include "kernel/core.h"
#include "manualclock.h"
#include "rules/attachments/attachments.h"
#include "rules/attachments/permissions.h"
#include "rules/attachments/principals.h"
#include "rules/spaces/spaces.h"
#include "testdatabase.h"

#include <QTest>

using namespace guichet;
using namespace guichet::test;

namespace {

// A structure S (principal Paul, secondary Sam, services A, B and inactive C),
// another structure S2 (principal Olga, service X), a requester Ugo and support.
struct World : CoreWorld, TwoStructures
{
    std::unique_ptr<Attachments> attachments;
    qint64 paul = 0, sam = 0, olga = 0, ugo = 0, vera = 0, support = 0;
    qint64 paulAttachment = 0, samAttachment = 0;

    bool init()
    {
        if (!isValid())
            return false;
        Database &db = t.db();
        attachments = std::make_unique<Attachments>(*core);
        paul = insertUser(db, QStringLiteral("paul@example.org"), QStringLiteral("Paul"));
        sam = insertUser(db, QStringLiteral("sam@example.org"), QStringLiteral("Sam"));
        olga = insertUser(db, QStringLiteral("olga@example.org"), QStringLiteral("Olga"));
        ugo = insertUser(db, QStringLiteral("ugo@example.org"), QStringLiteral("Ugo"));
        vera = insertUser(db, QStringLiteral("vera@example.org"), QStringLiteral("Vera"));
        support = insertSupportUser(db);
        static_cast<TwoStructures &>(*this) = insertTwoStructures(db);
        paulAttachment = insertAttachment(db, paul, s, QStringLiteral("principal"));
        samAttachment = insertAttachment(db, sam, s, QStringLiteral("secondary"));
        insertAttachment(db, olga, s2, QStringLiteral("principal"));
        return true;
    }

    AttachmentRequest wholeRequest(qint64 structure) const
    {
        AttachmentRequest request;
        request.structureId = structure;
        request.validFrom = QDate(2026, 3, 2);
        return request;
    }

    qint64 pendingRequest(qint64 user, qint64 structure)
    {
        const CommandResult r = attachments->requestAttachment(user, wholeRequest(structure));
        return r.ok() ? r.id : 0;
    }
};

#define WORLD(w)                                                                                             \
    World w;                                                                                                 \
    if (!w.init())                                                                                           \
        QFAIL(qPrintable(w.t.error()));

} // namespace

class TestAttachments : public QObject
{
    Q_OBJECT

private slots:
    void managerMakesAUserSecondaryAndBackWithTheirSpaces()
    {
        WORLD(w);
        Database &db = w.t.db();
        const qint64 request = w.pendingRequest(w.ugo, w.s);
        QVERIFY(w.attachments->decideAttachment(w.paul, request, true, QString()).ok());
        const QString managerSpace
            = QStringLiteral("SELECT COUNT(*) FROM subscriptions sb JOIN spaces sp ON sp.id = sb.space_id "
                             "WHERE sb.user_id = ? "
                             "AND sb.structure_id = ? AND sp.code = 'activite_gestionnaire'");
        QCOMPARE(w.count(managerSpace, { w.ugo, w.s }), 0);

        CommandResult r = w.attachments->setAttachmentRole(w.paul, request, Role::Secondary);
        QVERIFY2(r.ok(), qPrintable(r.message));
        QCOMPARE(roleOn(db, w.ugo, w.s, w.clock.today()), Role::Secondary);
        QCOMPARE(w.count(managerSpace, { w.ugo, w.s }), 1);

        r = w.attachments->setAttachmentRole(w.paul, request, Role::User);
        QVERIFY2(r.ok(), qPrintable(r.message));
        QCOMPARE(roleOn(db, w.ugo, w.s, w.clock.today()), Role::User);
        QCOMPARE(w.count(managerSpace, { w.ugo, w.s }), 0);
    }

    void roleChangeRefusals()
    {
        WORLD(w);
        Database &db = w.t.db();
        const qint64 pending = w.pendingRequest(w.ugo, w.s);
        const QString before = snapshot(db);
        // a secondary manager without the principal's powers
        QCOMPARE(w.attachments->setAttachmentRole(w.sam, pending, Role::Secondary).code,
                 ErrorCode::Forbidden);
        // the manager of another structure
        QCOMPARE(w.attachments->setAttachmentRole(w.olga, w.samAttachment, Role::User).code,
                 ErrorCode::Forbidden);
        // the principal's own role is transferred, never set
        QCOMPARE(w.attachments->setAttachmentRole(w.paul, w.paulAttachment, Role::User).code,
                 ErrorCode::Conflict);
        QCOMPARE(w.attachments->setAttachmentRole(w.paul, w.samAttachment, Role::Principal).code,
                 ErrorCode::InvalidInput);
        // a request not yet validated
        QCOMPARE(w.attachments->setAttachmentRole(w.paul, pending, Role::Secondary).code,
                 ErrorCode::Conflict);
        QCOMPARE(w.attachments->setAttachmentRole(w.paul, 987654, Role::Secondary).code, ErrorCode::NotFound);
        QCOMPARE(snapshot(db), before);
        // support may
        QVERIFY(w.attachments->setAttachmentRole(w.support, w.samAttachment, Role::User).ok());
        QCOMPARE(roleOn(db, w.sam, w.s, w.clock.today()), Role::User);
    }

    void requestIsPendingAndMailsThePrincipal()
    {
        WORLD(w);
        Database &db = w.t.db();
        AttachmentRequest request = w.wholeRequest(w.s);
        request.wholeStructure = false;
        request.serviceIds = { w.a, w.b };
        request.validUntil = QDate(2026, 12, 31);
        const CommandResult r = w.attachments->requestAttachment(w.ugo, request);
        QVERIFY2(r.ok(), qPrintable(r.message));
        const auto row
            = db.row(QStringLiteral("SELECT role, status, whole_structure, valid_from, valid_until, "
                                    "version FROM attachments WHERE id = ?"),
                     { r.id });
        QVERIFY(row);
        QCOMPARE(row->value(QStringLiteral("role")).toString(), QStringLiteral("user"));
        QCOMPARE(row->value(QStringLiteral("status")).toString(), QStringLiteral("pending"));
        QCOMPARE(row->value(QStringLiteral("whole_structure")).toInt(), 0);
        QCOMPARE(row->value(QStringLiteral("valid_until")).toString(), QStringLiteral("2026-12-31"));
        QVERIFY(row->value(QStringLiteral("version")).toLongLong() > 0);
        QCOMPARE(w.count(QStringLiteral("SELECT COUNT(*) FROM attachment_services WHERE attachment_id = ?"),
                         { r.id }),
                 2);
        QCOMPARE(w.count(QStringLiteral(
                             "SELECT COUNT(*) FROM audit_log WHERE entity = 'attachment' AND entity_id = ?"),
                         { r.id }),
                 1);
        QCOMPARE(
            w.count(QStringLiteral("SELECT COUNT(*) FROM mail_outbox WHERE user_id = ? AND recipient = ?"),
                    { w.paul, QStringLiteral("paul@example.org") }),
            1);
        // The request gives no rights yet.
        QCOMPARE(roleOn(db, w.ugo, w.s, w.clock.today()), Role::None);

        const QList<AttachmentView> mine = w.attachments->userAttachments(w.ugo);
        QCOMPARE(mine.size(), 1);
        QCOMPARE(mine.first().siret, validSiret(1));
        QCOMPARE(mine.first().raisonSociale, QStringLiteral("Menuiserie Dupont"));
        QCOMPARE(mine.first().services,
                 (QStringList { QStringLiteral("Atelier"), QStringLiteral("Bureau") }));
        QCOMPARE(mine.first().validFrom, QDate(2026, 3, 2));
        QCOMPARE(mine.first().status, QStringLiteral("pending"));
    }

    void invalidRequestsChangeNothing()
    {
        WORLD(w);
        Database &db = w.t.db();
        const QString before = snapshot(db);
        auto expect = [&](const AttachmentRequest &request, ErrorCode code, const QString &field) {
            const CommandResult r = w.attachments->requestAttachment(w.ugo, request);
            QCOMPARE(r.code, code);
            QCOMPARE(r.field, field);
            QVERIFY(!r.message.isEmpty());
            QCOMPARE(snapshot(db), before);
        };
        AttachmentRequest request = w.wholeRequest(99999);
        expect(request, ErrorCode::NotFound, QStringLiteral("structure"));
        request = w.wholeRequest(w.s);
        request.validFrom = QDate();
        expect(request, ErrorCode::InvalidInput, QStringLiteral("validFrom"));
        request = w.wholeRequest(w.s);
        request.validUntil = QDate(2026, 3, 1);
        expect(request, ErrorCode::InvalidInput, QStringLiteral("validUntil"));
        request.validUntil = request.validFrom;
        expect(request, ErrorCode::InvalidInput, QStringLiteral("validUntil"));
        request = w.wholeRequest(w.s);
        request.wholeStructure = false;
        expect(request, ErrorCode::InvalidInput, QStringLiteral("services"));
        request.serviceIds = { w.a, w.x }; // X belongs to S2
        expect(request, ErrorCode::InvalidInput, QStringLiteral("services"));
        request.serviceIds = { w.c }; // inactive
        expect(request, ErrorCode::InvalidInput, QStringLiteral("services"));
    }

    void duplicateRequestIsRefused()
    {
        WORLD(w);
        Database &db = w.t.db();
        const qint64 first = w.pendingRequest(w.ugo, w.s);
        QVERIFY(first);
        QString before = snapshot(db);
        CommandResult r = w.attachments->requestAttachment(w.ugo, w.wholeRequest(w.s));
        QCOMPARE(r.code, ErrorCode::Conflict);
        QCOMPARE(snapshot(db), before);
        // Still a duplicate once validated...
        QVERIFY(w.attachments->decideAttachment(w.paul, first, true).ok());
        before = snapshot(db);
        QCOMPARE(w.attachments->requestAttachment(w.ugo, w.wholeRequest(w.s)).code, ErrorCode::Conflict);
        QCOMPARE(snapshot(db), before);
        // ... but a refused request may be asked again.
        const qint64 other = w.pendingRequest(w.vera, w.s);
        QVERIFY(w.attachments->decideAttachment(w.paul, other, false, QStringLiteral("Unknown to us")).ok());
        QVERIFY(w.attachments->requestAttachment(w.vera, w.wholeRequest(w.s)).ok());
    }

    void principalValidatesAndDefaultSpacesFollowTheRole()
    {
        WORLD(w);
        Database &db = w.t.db();
        const qint64 id = w.pendingRequest(w.ugo, w.s);
        const int mails
            = w.count(QStringLiteral("SELECT COUNT(*) FROM mail_outbox WHERE user_id = ?"), { w.ugo });
        w.clock.advanceDays(1);
        const CommandResult r = w.attachments->decideAttachment(w.paul, id, true, QStringLiteral("Welcome"));
        QVERIFY2(r.ok(), qPrintable(r.message));
        const auto row = db.row(
            QStringLiteral("SELECT status, decided_by, decided_at, decision_comment FROM attachments "
                           "WHERE id = ?"),
            { id });
        QCOMPARE(row->value(QStringLiteral("status")).toString(), QStringLiteral("validated"));
        QCOMPARE(row->value(QStringLiteral("decided_by")).toLongLong(), w.paul);
        QCOMPARE(row->value(QStringLiteral("decided_at")).toLongLong(), w.clock.nowMs());
        QCOMPARE(roleOn(db, w.ugo, w.s, w.clock.today()), Role::User);

        // A simple user's defaults: every default space except « Activité du gestionnaire ».
        const QList<QVariantMap> subscriptions = db.rows(
            QStringLiteral(
                "SELECT sp.code, s.status, s.mode, s.service_id, s.effective_date FROM subscriptions s "
                "JOIN spaces sp ON sp.id = s.space_id WHERE s.user_id = ? AND s.structure_id = ? "
                "ORDER BY sp.sort_order"),
            { w.ugo, w.s });
        QStringList codes;
        for (const QVariantMap &s : subscriptions) {
            codes.append(s.value(QStringLiteral("code")).toString());
            QCOMPARE(s.value(QStringLiteral("status")).toString(), QStringLiteral("validated"));
            QCOMPARE(s.value(QStringLiteral("mode")).toString(), QStringLiteral("modification"));
            QVERIFY(s.value(QStringLiteral("service_id")).isNull());
            QCOMPARE(s.value(QStringLiteral("effective_date")).toString(), QStringLiteral("2026-03-03"));
        }
        QCOMPARE(codes,
                 (QStringList { QStringLiteral("accueil"), QStringLiteral("factures_emises"),
                                QStringLiteral("sollicitations_emises"), QStringLiteral("mon_compte") }));
        // The requester learns the new status by mail, with the comment.
        QCOMPARE(w.count(QStringLiteral("SELECT COUNT(*) FROM mail_outbox WHERE user_id = ?"), { w.ugo }),
                 mails + 1);
        const QString text
            = db.value(QStringLiteral("SELECT body_text FROM mail_outbox WHERE user_id = ? ORDER BY id "
                                      "DESC LIMIT 1"),
                       { w.ugo })
                  .toString();
        QVERIFY(text.contains(QStringLiteral("validated")));
        QVERIFY(text.contains(QStringLiteral("Welcome")));
        // Already decided: a second decision is refused and changes nothing.
        const QString before = snapshot(db);
        QCOMPARE(w.attachments->decideAttachment(w.paul, id, false).code, ErrorCode::Conflict);
        QCOMPARE(snapshot(db), before);
    }

    void refusalMailsTheCommentAndSubscribesNothing()
    {
        WORLD(w);
        Database &db = w.t.db();
        const qint64 id = w.pendingRequest(w.ugo, w.s);
        QVERIFY(w.attachments->decideAttachment(w.paul, id, false, QStringLiteral("Not one of ours")).ok());
        QCOMPARE(db.value(QStringLiteral("SELECT status FROM attachments WHERE id = ?"), { id }).toString(),
                 QStringLiteral("refused"));
        QCOMPARE(w.count(QStringLiteral("SELECT COUNT(*) FROM subscriptions WHERE user_id = ?"), { w.ugo }),
                 0);
        const QString text
            = db.value(QStringLiteral("SELECT body_text FROM mail_outbox WHERE user_id = ? ORDER BY id "
                                      "DESC LIMIT 1"),
                       { w.ugo })
                  .toString();
        QVERIFY(text.contains(QStringLiteral("refused")));
        QVERIFY(text.contains(QStringLiteral("Not one of ours")));
        QVERIFY(w.attachments->userAttachments(w.ugo).isEmpty());
    }

    void whoMayDecide()
    {
        WORLD(w);
        Database &db = w.t.db();
        const qint64 id = w.pendingRequest(w.ugo, w.s);
        QString before = snapshot(db);
        // A secondary manager without the principal's powers.
        CommandResult r = w.attachments->decideAttachment(w.sam, id, true);
        QCOMPARE(r.code, ErrorCode::Forbidden);
        QCOMPARE(snapshot(db), before);
        QVERIFY(w.attachments->pendingAttachmentRequests(w.sam).isEmpty());
        // The principal manager of another structure.
        QCOMPARE(w.attachments->decideAttachment(w.olga, id, true).code, ErrorCode::Forbidden);
        QCOMPARE(snapshot(db), before);
        QVERIFY(w.attachments->pendingAttachmentRequests(w.olga).isEmpty());
        // The requester himself.
        QCOMPARE(w.attachments->decideAttachment(w.ugo, id, true).code, ErrorCode::Forbidden);
        QCOMPARE(snapshot(db), before);
        QCOMPARE(w.attachments->pendingAttachmentRequests(w.paul).size(), 1);

        // A secondary manager once the principal granted the powers (only the principal may).
        QCOMPARE(w.attachments->setSecondaryPowers(w.sam, w.s, true).code, ErrorCode::Forbidden);
        QCOMPARE(snapshot(db), before);
        QVERIFY(w.attachments->setSecondaryPowers(w.paul, w.s, true).ok());
        QCOMPARE(w.attachments->pendingAttachmentRequests(w.sam).size(), 1);
        QVERIFY(w.attachments->decideAttachment(w.sam, id, true).ok());
        QCOMPARE(roleOn(db, w.ugo, w.s, w.clock.today()), Role::User);

        // Support staff decide anywhere.
        const qint64 other = w.pendingRequest(w.vera, w.s2);
        QVERIFY(w.attachments->decideAttachment(w.support, other, true).ok());
        QCOMPARE(roleOn(db, w.vera, w.s2, w.clock.today()), Role::User);
    }

    void rightsStartAtValidFromAndEndAfterValidUntil()
    {
        WORLD(w);
        Database &db = w.t.db();
        const qint64 s3 = insertStructure(db, validSiret(3), QStringLiteral("Garage"));
        insertAttachment(db, w.olga, s3, QStringLiteral("principal"), QStringLiteral("validated"),
                         QDate(2026, 3, 10), QDate(2026, 3, 20));
        const qint64 id = w.pendingRequest(w.ugo, s3);
        QVERIFY(id);
        const QString before = snapshot(db);
        QCOMPARE(w.attachments->decideAttachment(w.olga, id, true).code, ErrorCode::Forbidden); // 2 March
        QCOMPARE(snapshot(db), before);
        w.clock.set(QDateTime(QDate(2026, 3, 21), QTime(8, 0), Qt::UTC));
        QCOMPARE(w.attachments->decideAttachment(w.olga, id, true).code, ErrorCode::Forbidden);
        QCOMPARE(snapshot(db), before);
        w.clock.set(QDateTime(QDate(2026, 3, 10), QTime(8, 0), Qt::UTC));
        QVERIFY(w.attachments->decideAttachment(w.olga, id, true).ok());
    }

    void structureWithoutPrincipalIsDecidedBySupport()
    {
        WORLD(w);
        Database &db = w.t.db();
        const qint64 orphan = insertStructure(db, validSiret(4), QStringLiteral("Sans gestionnaire"), true);
        insertAttachment(db, w.sam, orphan, QStringLiteral("secondary"));
        const CommandResult r = w.attachments->requestAttachment(w.ugo, w.wholeRequest(orphan));
        QVERIFY(r.ok());
        QCOMPARE(r.data.value(QStringLiteral("role")).toString(), QStringLiteral("principal"));
        const QString before = snapshot(db);
        // Even a secondary manager with powers may not name the principal.
        QCOMPARE(w.attachments->decideAttachment(w.sam, r.id, true).code, ErrorCode::Forbidden);
        QCOMPARE(snapshot(db), before);
        QVERIFY(w.attachments->pendingAttachmentRequests(w.sam).isEmpty());
        QCOMPARE(w.attachments->pendingAttachmentRequests(w.support).size(), 1);
        QVERIFY(w.attachments->decideAttachment(w.support, r.id, true).ok());
        QCOMPARE(principalOf(db, orphan), w.ugo);
        // A principal manager's defaults include « Activité du gestionnaire ».
        QCOMPARE(w.count(QStringLiteral(
                             "SELECT COUNT(*) FROM subscriptions s JOIN spaces sp ON sp.id = s.space_id "
                             "WHERE s.user_id = ? AND s.structure_id = ? AND sp.code = "
                             "'activite_gestionnaire' AND s.status = 'validated'"),
                         { w.ugo, orphan }),
                 1);
        QCOMPARE(w.count(QStringLiteral(
                             "SELECT COUNT(*) FROM subscriptions WHERE user_id = ? AND structure_id = ?"),
                         { w.ugo, orphan }),
                 5);
    }

    void serviceAttachmentSubscribesItsServices()
    {
        WORLD(w);
        AttachmentRequest request = w.wholeRequest(w.s);
        request.wholeStructure = false;
        request.serviceIds = { w.a };
        const CommandResult r = w.attachments->requestAttachment(w.ugo, request);
        QVERIFY(r.ok());
        QVERIFY(w.attachments->decideAttachment(w.paul, r.id, true).ok());
        QCOMPARE(
            w.count(QStringLiteral("SELECT COUNT(*) FROM subscriptions WHERE user_id = ? AND service_id = ?"),
                    { w.ugo, w.a }),
            4);
        QCOMPARE(w.count(QStringLiteral(
                             "SELECT COUNT(*) FROM subscriptions WHERE user_id = ? AND service_id IS NULL"),
                         { w.ugo }),
                 0);
    }

    void validationRequestsTheStructureLevelSpaces()
    {
        WORLD(w);
        Database &db = w.t.db();
        Spaces spaces(*w.core);
        QVERIFY(spaces.enableStructureSpace(w.paul, w.s, QStringLiteral("factures_recues")).ok());
        const qint64 id = w.pendingRequest(w.ugo, w.s);
        QVERIFY(w.attachments->decideAttachment(w.paul, id, true).ok());
        const auto row
            = db.row(QStringLiteral("SELECT s.status, s.origin, s.mode FROM subscriptions s JOIN spaces sp "
                                    "ON sp.id = s.space_id WHERE s.user_id = ? AND sp.code = "
                                    "'factures_recues'"),
                     { w.ugo });
        QVERIFY(row);
        QCOMPARE(row->value(QStringLiteral("status")).toString(), QStringLiteral("pending"));
        QCOMPARE(row->value(QStringLiteral("origin")).toString(), QStringLiteral("structure"));
    }

    void severalDecisionsAreAllOrNothing()
    {
        WORLD(w);
        Database &db = w.t.db();
        const qint64 first = w.pendingRequest(w.ugo, w.s);
        const qint64 second = w.pendingRequest(w.vera, w.s);
        const qint64 elsewhere = w.pendingRequest(w.sam, w.s2);
        const QString before = snapshot(db);
        // Paul does not manage S2: none of the three is decided.
        QCOMPARE(w.attachments->decideAttachments(w.paul, { first, second, elsewhere }, true).code,
                 ErrorCode::Forbidden);
        QCOMPARE(snapshot(db), before);
        QVERIFY(w.attachments->decideAttachments(w.paul, { first, second }, true).ok());
        QCOMPARE(w.count(QStringLiteral("SELECT COUNT(*) FROM attachments WHERE id IN (?, ?) AND status = "
                                        "'validated'"),
                         { first, second }),
                 2);
        QCOMPARE(w.count(QStringLiteral(
                             "SELECT COUNT(*) FROM mail_outbox WHERE user_id IN (?, ?) AND subject LIKE "
                             "'%validated%'"),
                         { w.ugo, w.vera }),
                 2);
    }

    void removingAPrincipalWithoutSuccessorRemovesNothing()
    {
        WORLD(w);
        Database &db = w.t.db();
        const qint64 elsewhere = insertAttachment(db, w.paul, w.s2, QStringLiteral("user"));
        const QString before = snapshot(db);
        const CommandResult r = w.attachments->removeAttachments(w.paul, { elsewhere, w.paulAttachment });
        QCOMPARE(r.code, ErrorCode::InvalidInput);
        QCOMPARE(r.field, QStringLiteral("successor"));
        QVERIFY(r.message.contains(QStringLiteral("Menuiserie Dupont")));
        QCOMPARE(snapshot(db), before);
        QCOMPARE(principalOf(db, w.s), w.paul);
        // Nor may a manager remove the principal's attachment.
        QCOMPARE(w.attachments->removeAttachments(w.sam, { w.paulAttachment }, { { w.s, w.sam } }).code,
                 ErrorCode::Forbidden);
        QCOMPARE(snapshot(db), before);
    }

    void removingAPrincipalWithSuccessorKeepsHimAsSimpleUser()
    {
        WORLD(w);
        Database &db = w.t.db();
        // Paul was validated with a principal's defaults; Ugo is a simple user.
        const qint64 ugoRequest = w.pendingRequest(w.ugo, w.s);
        QVERIFY(w.attachments->decideAttachment(w.paul, ugoRequest, true).ok());
        QVERIFY(
            db.value(QStringLiteral("SELECT id FROM spaces WHERE code = 'activite_gestionnaire'")).isValid());
        w.core->run(QStringLiteral("setup"), w.paul, [&](CommandContext &ctx) {
            subscribeRoleDefaults(ctx, w.paul, w.s, Role::Principal, { 0 });
        });
        const int tombstones = w.count(QStringLiteral("SELECT COUNT(*) FROM tombstones"));

        const CommandResult r
            = w.attachments->removeAttachments(w.paul, { w.paulAttachment }, { { w.s, w.ugo } });
        QVERIFY2(r.ok(), qPrintable(r.message));
        QCOMPARE(principalOf(db, w.s), w.ugo);
        QCOMPARE(w.count(QStringLiteral("SELECT COUNT(*) FROM attachments WHERE structure_id = ? AND role = "
                                        "'principal' AND status = 'validated'"),
                         { w.s }),
                 1);
        QCOMPARE(roleOn(db, w.paul, w.s, w.clock.today()), Role::User);
        // Paul loses « Activité du gestionnaire », Ugo gains it.
        const QString managerSpace
            = QStringLiteral("SELECT COUNT(*) FROM subscriptions s JOIN spaces sp ON sp.id = s.space_id "
                             "WHERE s.user_id = ? AND "
                             "s.structure_id = ? AND sp.code = 'activite_gestionnaire'");
        QCOMPARE(w.count(managerSpace, { w.paul, w.s }), 0);
        QCOMPARE(w.count(managerSpace, { w.ugo, w.s }), 1);
        QCOMPARE(w.count(QStringLiteral(
                             "SELECT COUNT(*) FROM subscriptions WHERE user_id = ? AND structure_id = ?"),
                         { w.paul, w.s }),
                 4);
        QCOMPARE(w.count(QStringLiteral("SELECT COUNT(*) FROM tombstones")), tombstones + 1);
        QCOMPARE(w.count(QStringLiteral("SELECT COUNT(*) FROM mail_outbox WHERE user_id = ? AND subject LIKE "
                                        "'%principal%'"),
                         { w.ugo }),
                 1);
    }

    void removingASimpleUserDeletesTheirSubscriptionsThere()
    {
        WORLD(w);
        Database &db = w.t.db();
        const qint64 here = w.pendingRequest(w.ugo, w.s);
        const qint64 there = w.pendingRequest(w.ugo, w.s2);
        QVERIFY(w.attachments->decideAttachment(w.paul, here, true).ok());
        QVERIFY(w.attachments->decideAttachment(w.olga, there, true).ok());
        const QList<QVariantMap> doomed
            = db.rows(QStringLiteral("SELECT id FROM subscriptions WHERE user_id = ? AND structure_id = ?"),
                      { w.ugo, w.s });
        QCOMPARE(doomed.size(), 4);

        // Someone without rights on S cannot remove it.
        QString before = snapshot(db);
        QCOMPARE(w.attachments->removeAttachments(w.vera, { here }).code, ErrorCode::Forbidden);
        QCOMPARE(snapshot(db), before);

        const CommandResult r = w.attachments->removeAttachments(w.ugo, { here });
        QVERIFY2(r.ok(), qPrintable(r.message));
        QCOMPARE(w.count(QStringLiteral("SELECT COUNT(*) FROM attachments WHERE id = ?"), { here }), 0);
        QCOMPARE(w.count(QStringLiteral(
                             "SELECT COUNT(*) FROM subscriptions WHERE user_id = ? AND structure_id = ?"),
                         { w.ugo, w.s }),
                 0);
        QCOMPARE(w.count(QStringLiteral(
                             "SELECT COUNT(*) FROM subscriptions WHERE user_id = ? AND structure_id = ?"),
                         { w.ugo, w.s2 }),
                 4);
        QCOMPARE(w.count(QStringLiteral(
                             "SELECT COUNT(*) FROM tombstones WHERE table_name = 'attachments' AND row_id "
                             "= ?"),
                         { here }),
                 1);
        for (const QVariantMap &row : doomed)
            QCOMPARE(w.count(QStringLiteral(
                                 "SELECT COUNT(*) FROM tombstones WHERE table_name = 'subscriptions' AND "
                                 "row_id = ? AND version > 0"),
                             { row.value(QStringLiteral("id")) }),
                     1);
        QCOMPARE(roleOn(db, w.ugo, w.s, w.clock.today()), Role::None);

        // A manager may remove a simple user's attachment; the user is told by mail.
        QVERIFY(w.attachments->removeAttachments(w.olga, { there }).ok());
        QCOMPARE(w.count(QStringLiteral("SELECT COUNT(*) FROM mail_outbox WHERE user_id = ? AND subject = "
                                        "'Attachment removed'"),
                         { w.ugo }),
                 1);
        QVERIFY(w.attachments->userAttachments(w.ugo).isEmpty());
    }

    void secondaryManagerRemovesOwnAttachment()
    {
        WORLD(w);
        Database &db = w.t.db();
        QVERIFY(w.attachments->removeAttachments(w.sam, { w.samAttachment }).ok());
        QCOMPARE(roleOn(db, w.sam, w.s, w.clock.today()), Role::None);
        QCOMPARE(principalOf(db, w.s), w.paul);
    }

    void setSecondaryPowersByPrincipalOrSupport()
    {
        WORLD(w);
        Database &db = w.t.db();
        const QString before = snapshot(db);
        QCOMPARE(w.attachments->setSecondaryPowers(w.olga, w.s, true).code, ErrorCode::Forbidden);
        QCOMPARE(w.attachments->setSecondaryPowers(w.ugo, w.s, true).code, ErrorCode::Forbidden);
        QCOMPARE(snapshot(db), before);
        QVERIFY(!canManage(db, w.sam, w.s, w.clock.today()));
        QVERIFY(w.attachments->setSecondaryPowers(w.paul, w.s, true).ok());
        QVERIFY(canManage(db, w.sam, w.s, w.clock.today()));
        QVERIFY(db.value(QStringLiteral("SELECT version FROM structures WHERE id = ?"), { w.s }).toLongLong()
                > 0);
        QVERIFY(w.attachments->setSecondaryPowers(w.support, w.s, false).ok());
        QVERIFY(!canManage(db, w.sam, w.s, w.clock.today()));
    }

    void pendingCountCoversEveryStructure()
    {
        WORLD(w);
        QCOMPARE(w.attachments->pendingCount(), qint64(0));
        const qint64 first = w.pendingRequest(w.ugo, w.s);
        QVERIFY(first);
        QVERIFY(w.pendingRequest(w.vera, w.s2));
        QCOMPARE(w.attachments->pendingCount(), qint64(2));
        QVERIFY(w.attachments->decideAttachment(w.paul, first, true).ok());
        QCOMPARE(w.attachments->pendingCount(), qint64(1));
    }
};

QTEST_GUILESS_MAIN(TestAttachments)
#include "tst_attachments.moc"
