#include "commands/commanddispatcher.h"
#include "coreworld.h"
#include "fixtures.h"
#include "rules/accounts/accounts.h"
#include "rules/accounts/passwords.h"
#include "rules/accounts/signups.h"
#include "rules/attachments/attachments.h"
#include "rules/attachments/principals.h"
#include "rules/manager/manageractivity.h"

#include <QElapsedTimer>
#include <QJsonArray>
#include <QJsonObject>
#include <QRegularExpression>
#include <QTest>

#include <algorithm>

using namespace guichet;
using namespace guichet::test;

namespace {
const QString kNina = QStringLiteral("nina.petit@example.org");
const QString kPassword = QStringLiteral("Tournesol 2026!");

// Structure S (services A and B, the inactive C): principal Paul, secondary
// Sam without powers, simple user Ugo. Vera is active and attached nowhere,
// Olga deactivated yesterday; support staff Sue.
struct World : CoreWorld
{
    ManagerActivity activity { *core };
    SignUps signUps { *core };
    Accounts accounts { *core };
    TwoStructures st;
    qint64 paul = 0, sam = 0, ugo = 0, vera = 0, olga = 0, sue = 0;

    bool setUp()
    {
        if (!isValid())
            return false;
        Database &d = db();
        st = insertTwoStructures(d);
        paul = insertUser(d, QStringLiteral("paul@example.org"), QStringLiteral("Paul"),
                          QStringLiteral("Petit"));
        sam = insertUser(d, QStringLiteral("sam@example.org"), QStringLiteral("Sam"),
                         QStringLiteral("Second"));
        ugo = insertUser(d, QStringLiteral("ugo@example.org"), QStringLiteral("Ugo"), QStringLiteral("User"));
        vera = insertUser(d, QStringLiteral("vera@example.org"), QStringLiteral("Vera"),
                          QStringLiteral("Vide"));
        olga = insertUser(d, QStringLiteral("olga@example.org"), QStringLiteral("Olga"),
                          QStringLiteral("Out"));
        d.exec(QStringLiteral("UPDATE users SET status = 'deactivated', deactivated_at = ? WHERE id = ?"),
               { clock.nowMs() - 24 * 3600 * 1000, olga });
        sue = insertSupportUser(d);
        insertAttachment(d, paul, st.s, QStringLiteral("principal"));
        insertAttachment(d, sam, st.s, QStringLiteral("secondary"));
        insertAttachment(d, ugo, st.s, QStringLiteral("user"));
        return true;
    }

    InviteUserInput invite(const QString &email, Role role = Role::User) const
    {
        InviteUserInput input;
        input.structureId = st.s;
        input.email = email;
        input.role = role;
        return input;
    }
    QString lastMail(const QString &recipient)
    {
        return db()
            .value(QStringLiteral("SELECT subject || '\n' || body_text FROM mail_outbox WHERE recipient = ? "
                                  "ORDER BY id DESC LIMIT 1"),
                   { recipient })
            .toString();
    }
    QString lastToken(const QString &recipient, const QString &action = QStringLiteral("activate"))
    {
        return QRegularExpression(QStringLiteral("guichet://%1\\?token=([A-Za-z0-9_-]+)").arg(action))
            .match(lastMail(recipient))
            .captured(1);
    }
    qint64 idOf(const QString &email)
    {
        return db().value(QStringLiteral("SELECT id FROM users WHERE email = ?"), { email }).toLongLong();
    }
    QString attachmentStatus(qint64 userId)
    {
        return db()
            .value(QStringLiteral("SELECT status FROM attachments WHERE user_id = ? AND structure_id = ?"),
                   { userId, st.s })
            .toString();
    }
    // What a refusal must leave untouched.
    QString snapshot()
    {
        QStringList parts;
        for (const QString &table :
             { QStringLiteral("users"), QStringLiteral("attachments"), QStringLiteral("attachment_services"),
               QStringLiteral("tokens"), QStringLiteral("mail_outbox"), QStringLiteral("subscriptions") })
            parts << QString::number(count(QStringLiteral("SELECT COUNT(*) FROM %1").arg(table)));
        parts << db().value(QStringLiteral("SELECT MAX(version) FROM attachments")).toString();
        return parts.join(QLatin1Char('/'));
    }
};

#define WORLD(w)                                                                                             \
    World w;                                                                                                 \
    if (!w.setUp())                                                                                          \
        QFAIL(qPrintable(w.t.error()));

ActivationDetails ninaDetails()
{
    ActivationDetails d;
    d.firstName = QStringLiteral("Nina");
    d.lastName = QStringLiteral("Petit");
    d.password = kPassword;
    d.secretQuestion = QStringLiteral("Ma ville natale ?");
    d.secretAnswer = QStringLiteral("Lyon");
    return d;
}
} // namespace

class TestInvitations : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase() { PasswordHasher::setFastHashingForTests(true); }

    // An unknown address: an account waiting, an invitation in its language,
    // the details asked at activation, then attached with the chosen role
    // and services, signed in.
    void anUnknownAddressIsInvitedThenAttachedOnActivation()
    {
        WORLD(w);
        InviteUserInput input = w.invite(QStringLiteral(" Nina.Petit@Example.org "), Role::Secondary);
        input.wholeStructure = false;
        input.serviceIds = { w.st.a };
        input.language = QStringLiteral("fr");
        const CommandResult r = w.activity.inviteUser(w.paul, input);
        QVERIFY2(r.ok(), qPrintable(r.message));
        QCOMPARE(r.id, 0);
        QVERIFY(!r.data.value(QStringLiteral("attached")).toBool());
        QCOMPARE(r.data.value(QStringLiteral("message")).toString(),
                 ManagerActivity::invitationMessage(kNina));
        const qint64 nina = w.idOf(kNina);
        QVERIFY(nina > 0);
        QCOMPARE(w.db().value(QStringLiteral("SELECT status FROM users WHERE id = ?"), { nina }).toString(),
                 QStringLiteral("pending"));
        QCOMPARE(w.attachmentStatus(nina), QStringLiteral("invited"));
        // The manager sees the invitee, by address, waiting.
        const QList<StructureUser> users = w.activity.structureUsers(w.st.s);
        const auto it = std::find_if(users.begin(), users.end(),
                                     [&](const StructureUser &u) { return u.userId == nina; });
        QVERIFY(it != users.end());
        QCOMPARE(it->email, kNina);
        QCOMPARE(it->status, QStringLiteral("invited"));
        QVERIFY(!it->statusLabel.isEmpty());
        // The mail: the link and the code alone, in French (the language chosen).
        const QString mail = w.lastMail(kNina);
        const QString token = w.lastToken(kNina);
        QVERIFY2(!token.isEmpty(), qPrintable(mail));
        QCOMPARE(mail.count(token), 2);
        QVERIFY2(mail.contains(QStringLiteral("Menuiserie Dupont")), qPrintable(mail));
        QVERIFY2(mail.contains(QStringLiteral("vous invite")) || mail.contains(QStringLiteral("invite")),
                 qPrintable(mail));
        // No password yet: nothing signs in.
        QCOMPARE(w.accounts.authenticate(kNina, kPassword).code, ErrorCode::Unauthenticated);

        // The link alone asks for the rest and changes nothing.
        const QString before = w.snapshot();
        const CommandResult bare = w.signUps.activate(token);
        QCOMPARE(bare.code, ErrorCode::InvalidInput);
        QVERIFY(bare.data.value(QStringLiteral("needsDetails")).toBool());
        QVERIFY(bare.field.contains(QLatin1String("password")));
        // A weak password is refused, naming the field.
        ActivationDetails weak = ninaDetails();
        weak.password = QStringLiteral("short");
        QCOMPARE(w.signUps.activate(token, weak).field, QStringLiteral("password"));
        QCOMPARE(w.snapshot(), before);

        const CommandResult activated = w.signUps.activate(token, ninaDetails());
        QVERIFY2(activated.ok(), qPrintable(activated.message));
        QCOMPARE(activated.id, nina);
        QCOMPARE(w.attachmentStatus(nina), QStringLiteral("validated"));
        QCOMPARE(w.db()
                     .value(QStringLiteral("SELECT role FROM attachments WHERE user_id = ?"), { nina })
                     .toString(),
                 QStringLiteral("secondary"));
        QCOMPARE(
            w.count(QStringLiteral("SELECT COUNT(*) FROM attachment_services s JOIN attachments a ON a.id = "
                                   "s.attachment_id WHERE a.user_id = ? AND s.service_id = ?"),
                    { nina, w.st.a }),
            1);
        // The secondary manager's default spaces came with it.
        QVERIFY(w.count(QStringLiteral("SELECT COUNT(*) FROM subscriptions WHERE user_id = ?"), { nina })
                > 0);
        QCOMPARE(
            w.db().value(QStringLiteral("SELECT first_name FROM users WHERE id = ?"), { nina }).toString(),
            QStringLiteral("Nina"));
        QVERIFY(w.accounts.authenticate(kNina, kPassword).ok());
    }

    // An active account is attached at once, as attachUser does.
    void anActiveAccountIsAttachedAtOnce()
    {
        WORLD(w);
        const CommandResult r = w.activity.inviteUser(w.paul, w.invite(QStringLiteral("vera@example.org")));
        QVERIFY2(r.ok(), qPrintable(r.message));
        QVERIFY(r.data.value(QStringLiteral("attached")).toBool());
        QCOMPARE(w.attachmentStatus(w.vera), QStringLiteral("validated"));
        QVERIFY(w.lastMail(QStringLiteral("vera@example.org")).contains(QLatin1String("attached you")));
        // Again: already attached, said on the e-mail field; nothing changes.
        const QString before = w.snapshot();
        const CommandResult again
            = w.activity.inviteUser(w.paul, w.invite(QStringLiteral("vera@example.org")));
        QCOMPARE(again.code, ErrorCode::Conflict);
        QCOMPARE(again.field, QStringLiteral("email"));
        QCOMPARE(w.snapshot(), before);
    }

    // No account, one waiting for activation, a deactivated one: the manager
    // gets the same answer for each.
    void theAnswerIsTheSameForEveryAddressWithoutAnActiveAccount()
    {
        WORLD(w);
        QVERIFY(
            w.signUps
                .signUp({ QStringLiteral("wait@example.org"), QStringLiteral("Wanda"), QStringLiteral("Wait"),
                          kPassword, QStringLiteral("Q ?"), QStringLiteral("A"), QStringLiteral("en") })
                .ok());
        QList<CommandResult> answers;
        for (const QString &email :
             { QStringLiteral("nobody@example.org"), QStringLiteral("wait@example.org"),
               QStringLiteral("olga@example.org") }) {
            CommandResult r = w.activity.inviteUser(w.paul, w.invite(email));
            QVERIFY2(r.ok(), qPrintable(r.message));
            r.data.insert(
                QStringLiteral("message"),
                r.data.value(QStringLiteral("message")).toString().replace(email, QStringLiteral("ADDRESS")));
            answers << r;
            QCOMPARE(w.attachmentStatus(w.idOf(email)), QStringLiteral("invited"));
        }
        for (const CommandResult &r : answers) {
            QCOMPARE(r.id, answers.first().id);
            QCOMPARE(r.data, answers.first().data);
        }
        // The names of an invitee are not shown to the manager, whoever it is.
        for (const StructureUser &u : w.activity.structureUsers(w.st.s)) {
            if (u.status == QLatin1String("invited"))
                QVERIFY2(u.firstName.isEmpty() && u.lastName.isEmpty(), qPrintable(u.email));
        }
        // The signed-up account keeps its password: the sign-up's link activates it, attached.
        const QString waitToken = w.lastToken(QStringLiteral("wait@example.org"));
        QVERIFY(w.signUps.activate(waitToken).ok());
        QCOMPARE(w.attachmentStatus(w.idOf(QStringLiteral("wait@example.org"))), QStringLiteral("validated"));

        // Olga is told to reactivate; reactivated, she is attached.
        QVERIFY(w.lastMail(QStringLiteral("olga@example.org")).contains(QLatin1String("deactivated")));
        QVERIFY(w.accounts.requestReactivation(QStringLiteral("olga@example.org")).ok());
        const QString reactivation
            = w.lastToken(QStringLiteral("olga@example.org"), QStringLiteral("reactivate"));
        QVERIFY(!reactivation.isEmpty());
        const CommandResult back = w.accounts.completeReactivation(
            reactivation, QStringLiteral("Marguerite 2027!"), QStringLiteral("Q ?"), QStringLiteral("A"));
        QVERIFY2(back.ok(), qPrintable(back.message));
        QCOMPARE(w.attachmentStatus(w.olga), QStringLiteral("validated"));
    }

    // The invitation answer for a deactivated account and for an unknown
    // address take the same time, within noise: both write an account's
    // invitation and a mail, neither hashes anything.
    void theAnswerTakesTheSameTimeForAKnownAndAnUnknownAddress()
    {
        WORLD(w);
        constexpr int kRuns = 15;
        for (int i = 0; i < kRuns; ++i) {
            const qint64 id = insertUser(w.db(), QStringLiteral("gone%1@example.org").arg(i),
                                         QStringLiteral("Gone"), QStringLiteral("Away"));
            w.db().exec(
                QStringLiteral("UPDATE users SET status = 'deactivated', deactivated_at = ? WHERE id = ?"),
                { w.clock.nowMs() - 24 * 3600 * 1000, id });
        }
        QList<qint64> known, unknown;
        for (int i = 0; i < kRuns; ++i) {
            QElapsedTimer timer;
            timer.start();
            QVERIFY(
                w.activity.inviteUser(w.paul, w.invite(QStringLiteral("gone%1@example.org").arg(i))).ok());
            known << timer.nsecsElapsed();
            timer.restart();
            QVERIFY(w.activity.inviteUser(w.paul, w.invite(QStringLiteral("new%1@example.org").arg(i))).ok());
            unknown << timer.nsecsElapsed();
        }
        std::sort(known.begin(), known.end());
        std::sort(unknown.begin(), unknown.end());
        const double ratio = double(known.at(kRuns / 2)) / double(qMax<qint64>(1, unknown.at(kRuns / 2)));
        qInfo("inviteUser: deactivated account median %.2f ms, unknown address %.2f ms (ratio %.2f)",
              known.at(kRuns / 2) / 1e6, unknown.at(kRuns / 2) / 1e6, ratio);
        // A password hash on one side only would be a hundred times more.
        QVERIFY2(ratio < 3.0 && ratio > 1 / 3.0, qPrintable(QString::number(ratio)));
    }

    void refusalsNameTheFieldAndChangeNothing()
    {
        WORLD(w);
        const QString before = w.snapshot();
        // Not a manager (a simple user, a secondary without powers).
        QCOMPARE(w.activity.inviteUser(w.ugo, w.invite(kNina)).code, ErrorCode::Forbidden);
        QCOMPARE(w.activity.inviteUser(w.sam, w.invite(kNina)).code, ErrorCode::Forbidden);
        QCOMPARE(w.activity.inviteUser(w.paul, w.invite(QStringLiteral("not-an-address"))).field,
                 QStringLiteral("email"));
        QCOMPARE(w.activity.inviteUser(w.paul, w.invite(QString())).field, QStringLiteral("email"));
        QCOMPARE(
            w.activity.inviteUser(w.paul, w.invite(QString(300, QLatin1Char('a')) + QStringLiteral("@x.org")))
                .field,
            QStringLiteral("email"));
        QCOMPARE(w.activity.inviteUser(w.paul, w.invite(kNina, Role::Principal)).field,
                 QStringLiteral("role"));
        InviteUserInput services = w.invite(kNina);
        services.wholeStructure = false;
        QCOMPARE(w.activity.inviteUser(w.paul, services).field, QStringLiteral("services"));
        services.serviceIds = { w.st.x }; // another structure's
        QCOMPARE(w.activity.inviteUser(w.paul, services).field, QStringLiteral("services"));
        services.serviceIds = { w.st.c }; // inactive
        QCOMPARE(w.activity.inviteUser(w.paul, services).field, QStringLiteral("services"));
        InviteUserInput language = w.invite(kNina);
        language.language = QStringLiteral("de");
        QCOMPARE(w.activity.inviteUser(w.paul, language).field, QStringLiteral("language"));
        QCOMPARE(w.snapshot(), before);
    }

    // A manager (or support) resends; the older link stops working.
    void resendVoidsTheOlderLink()
    {
        WORLD(w);
        QVERIFY(w.activity.inviteUser(w.paul, w.invite(kNina)).ok());
        const QString first = w.lastToken(kNina);
        const qint64 attachment
            = w.db()
                  .value(QStringLiteral("SELECT id FROM attachments WHERE status = 'invited'"))
                  .toLongLong();
        QCOMPARE(w.activity.resendInvitation(w.ugo, attachment).code, ErrorCode::Forbidden);
        QVERIFY(w.activity.resendInvitation(w.paul, attachment).ok());
        const QString second = w.lastToken(kNina);
        QVERIFY(second != first);
        QVERIFY(w.activity.resendInvitation(w.sue, attachment).ok());
        const QString third = w.lastToken(kNina);
        QCOMPARE(w.signUps.activate(first, ninaDetails()).code, ErrorCode::Expired);
        QCOMPARE(w.signUps.activate(second, ninaDetails()).code, ErrorCode::Expired);
        QVERIFY(w.signUps.activate(third, ninaDetails()).ok());
        // Accepted: nothing left to resend.
        QCOMPARE(w.activity.resendInvitation(w.paul, attachment).code, ErrorCode::Conflict);
    }

    // Not accepted within the activation period: the account and its
    // invitation go.
    void anUnacceptedInvitationIsRemovedWithItsAccount()
    {
        WORLD(w);
        QVERIFY(w.activity.inviteUser(w.paul, w.invite(kNina)).ok());
        const qint64 nina = w.idOf(kNina);
        w.clock.advanceDays(accountRules::ActivationPeriodDays + 1);
        const CommandResult removed = w.signUps.removeExpired();
        QVERIFY2(removed.ok(), qPrintable(removed.message));
        QCOMPARE(removed.data.value(QStringLiteral("removed")).toInt(), 1);
        QCOMPARE(w.idOf(kNina), 0);
        QCOMPARE(w.count(QStringLiteral("SELECT COUNT(*) FROM attachments WHERE user_id = ?"), { nina }), 0);
        QCOMPARE(w.count(QStringLiteral("SELECT COUNT(*) FROM tombstones WHERE table_name = 'attachments'")),
                 1);
    }

    // A structure without a principal manager (Boulangerie Martin): Vera's
    // request to join it is support's to decide, listed for support only;
    // validating it names her principal, with the principal's spaces, in one step.
    void supportNamesTheRequesterOfAStructureWithoutPrincipal()
    {
        WORLD(w);
        Attachments attachments(*w.core);
        AttachmentRequest request;
        request.structureId = w.st.s2;
        request.validFrom = w.clock.today();
        const CommandResult asked = attachments.requestAttachment(w.vera, request);
        QVERIFY2(asked.ok(), qPrintable(asked.message));
        QCOMPARE(asked.data.value(QStringLiteral("role")).toString(), QStringLiteral("principal"));
        const auto listed = [&](qint64 who) {
            const QList<PendingAttachmentRequest> pending = attachments.pendingAttachmentRequests(who);
            return std::any_of(pending.begin(), pending.end(),
                               [&](const PendingAttachmentRequest &r) { return r.id == asked.id; });
        };
        QVERIFY(listed(w.sue));
        QVERIFY(!listed(w.paul));
        QCOMPARE(attachments.decideAttachment(w.paul, asked.id, true).code, ErrorCode::Forbidden);
        const CommandResult named = attachments.decideAttachment(w.sue, asked.id, true);
        QVERIFY2(named.ok(), qPrintable(named.message));
        QCOMPARE(principalOf(w.db(), w.st.s2), w.vera);
        QCOMPARE(
            w.count(QStringLiteral("SELECT COUNT(*) FROM subscriptions s JOIN spaces p ON p.id = s.space_id "
                                   "WHERE s.user_id = ? AND s.structure_id = ? AND p.code = "
                                   "'activite_gestionnaire' AND s.status = 'validated'"),
                    { w.vera, w.st.s2 }),
            1);
        QVERIFY(!listed(w.sue));
    }

    // Through the command catalogue, as guichetd runs it.
    void theCatalogueInvites()
    {
        WORLD(w);
        CommandDispatcher dispatcher(*w.core);
        const CommandResult r
            = dispatcher.execute(w.paul, QStringLiteral("inviteUser"),
                                 QJsonObject { { QStringLiteral("structure"), w.st.s },
                                               { QStringLiteral("email"), kNina },
                                               { QStringLiteral("role"), QStringLiteral("user") },
                                               { QStringLiteral("services"), QJsonArray { w.st.b } } });
        QVERIFY2(r.ok(), qPrintable(r.message));
        QCOMPARE(w.attachmentStatus(w.idOf(kNina)), QStringLiteral("invited"));
        const CommandResult activated
            = dispatcher.execute(0, QStringLiteral("activateAccount"),
                                 QJsonObject { { QStringLiteral("token"), w.lastToken(kNina) },
                                               { QStringLiteral("firstName"), QStringLiteral("Nina") },
                                               { QStringLiteral("lastName"), QStringLiteral("Petit") },
                                               { QStringLiteral("password"), kPassword },
                                               { QStringLiteral("secretQuestion"), QStringLiteral("Q ?") },
                                               { QStringLiteral("secretAnswer"), QStringLiteral("A") } });
        QVERIFY2(activated.ok(), qPrintable(activated.message));
        QCOMPARE(w.attachmentStatus(w.idOf(kNina)), QStringLiteral("validated"));
    }
};

QTEST_MAIN(TestInvitations)
#include "tst_invitations.moc"
