#include "fixtures.h"
#include "kernel/core.h"
#include "mail/digests.h"
#include "mail/maildelivery.h"
#include "mail/mailoutbox.h"
#include "mail/mailtext.h"
#include "manualclock.h"
#include "rules/accounts/accounts.h"
#include "rules/attachments/attachments.h"
#include "rules/manager/manageractivity.h"
#include "rules/spaces/subscriptions.h"
#include "rules/support/solicitations.h"
#include "testdatabase.h"
#include "testsmtp.h"

#include <QDir>
#include <QFile>
#include <QTcpSocket>
#include <QTest>
#include <QUrl>
#include <QUuid>

#include <memory>

using namespace guichet;
using namespace guichet::test;

namespace {

const QString kDaily = QStringLiteral("Guichet: your daily notifications");

// Two structures with their principal managers, and users who ask to join them.
// Everyone but vera has notifications enabled; everyone reads English unless a
// test says otherwise.
struct World
{
    TestDatabase t;
    ManualClock clock; // Monday 2026-03-02 09:00 UTC
    std::unique_ptr<Core> core;
    std::unique_ptr<Attachments> attachments;
    std::unique_ptr<Accounts> accounts;
    std::unique_ptr<Solicitations> solicitations;
    std::unique_ptr<Digests> digests;
    qint64 paul = 0, bea = 0, ugo = 0, vera = 0, support = 0;
    qint64 a = 0, b = 0;

    bool setUp()
    {
        if (!t.isValid())
            return false;
        Database &db = t.db();
        core = std::make_unique<Core>(db, clock);
        attachments = std::make_unique<Attachments>(*core);
        accounts = std::make_unique<Accounts>(*core);
        solicitations = std::make_unique<Solicitations>(*core);
        digests = std::make_unique<Digests>(*core);
        paul = insertUser(db, QStringLiteral("paul@example.org"), QStringLiteral("Paul"),
                          QStringLiteral("Petit"));
        bea = insertUser(db, QStringLiteral("bea@example.org"), QStringLiteral("Béa"),
                         QStringLiteral("Blanc"));
        ugo = insertUser(db, QStringLiteral("ugo@example.org"), QStringLiteral("Ugo"),
                         QStringLiteral("Urbain"));
        vera = insertUser(db, QStringLiteral("vera@example.org"), QStringLiteral("Vera"),
                          QStringLiteral("Vidal"));
        support = insertUser(db, QStringLiteral("sam@example.org"), QStringLiteral("Sam"),
                             QStringLiteral("S"), true);
        a = insertStructure(db, validSiret(1), QStringLiteral("Menuiserie Alpha"));
        b = insertStructure(db, validSiret(2), QStringLiteral("Boulangerie Beta"));
        insertAttachment(db, paul, a, QStringLiteral("principal"));
        insertAttachment(db, bea, b, QStringLiteral("principal"));
        for (const qint64 user : { paul, bea, ugo })
            if (!accounts->setNotifications(user, true, QStringLiteral("u%1@home.example").arg(user)).ok())
                return false;
        return true;
    }
    qint64 request(qint64 user, qint64 structure)
    {
        AttachmentRequest r;
        r.structureId = structure;
        r.validFrom = clock.today();
        return attachments->requestAttachment(user, r).id;
    }
    QDateTime at(int day, int hour) const { return QDateTime(QDate(2026, 3, day), QTime(hour, 0), Qt::UTC); }
    QList<OutboxMail> digestsTo(qint64 user, const QString &subject = kDaily) const
    {
        QList<OutboxMail> found;
        for (const OutboxMail &mail : MailOutbox(*core).forUser(user))
            if (mail.subject.startsWith(subject.left(20)))
                found.append(mail);
        return found;
    }
    int outboxCount() { return t.db().value(QStringLiteral("SELECT COUNT(*) FROM mail_outbox")).toInt(); }
};

#define WORLD(w)                                                                                             \
    World w;                                                                                                 \
    GUICHET_REQUIRE_DB(w.t);                                                                                 \
    QVERIFY(w.setUp())

} // namespace

class TestDigests : public QObject
{
    Q_OBJECT

private slots:
    void dailyListsExactlyTheUsersEvents()
    {
        WORLD(w);
        const qint64 mine = w.request(w.ugo, w.a);
        w.request(w.vera, w.a); // stays pending: for paul to decide
        w.request(w.vera, w.b); // another structure: neither ugo's nor paul's business
        QVERIFY(w.attachments->decideAttachment(w.paul, mine, true).ok());
        const qint64 sol = w.solicitations
                               ->createSolicitation(w.ugo,
                                                    { QStringLiteral("access"), QStringLiteral("Invoices"),
                                                      QStringLiteral("Where?") })
                               .id;
        QVERIFY(w.solicitations->reply(w.support, sol, QStringLiteral("Here.")).ok());

        QCOMPARE(w.digests->queueDaily(w.at(2, 18)), 3); // ugo, paul, bea; not vera (notifications off)
        QList<OutboxMail> mails = w.digestsTo(w.ugo);
        QCOMPARE(mails.size(), 1);
        const OutboxMail ugo = mails.first();
        QCOMPARE(ugo.recipient, QStringLiteral("u%1@home.example").arg(w.ugo));
        QVERIFY2(ugo.bodyText.contains(
                     QStringLiteral("Your attachment to Menuiserie Alpha (SIRET %1) was validated.")
                         .arg(validSiret(1))),
                 qPrintable(ugo.bodyText));
        QVERIFY(ugo.bodyText.contains(QStringLiteral("Support replied to your request \"Invoices\".")));
        QVERIFY(!ugo.bodyText.contains(QStringLiteral("Boulangerie")));
        QVERIFY(!ugo.bodyText.contains(QStringLiteral("Vera")));
        QVERIFY(ugo.bodyHtml.contains(QStringLiteral("<h3>Your account</h3>")));

        // The manager sees the request still waiting on his structure, not the other one's.
        const OutboxMail paul = w.digestsTo(w.paul).value(0);
        QVERIFY2(
            paul.bodyText.contains(QStringLiteral("Vera Vidal asks to be attached to Menuiserie Alpha.")),
            qPrintable(paul.bodyText));
        QVERIFY(!paul.bodyText.contains(QStringLiteral("Ugo Urbain asks")));
        QVERIFY(!paul.bodyText.contains(QStringLiteral("Boulangerie")));
        const OutboxMail bea = w.digestsTo(w.bea).value(0);
        QVERIFY(bea.bodyText.contains(QStringLiteral("Vera Vidal asks to be attached to Boulangerie Beta.")));
        QVERIFY(!bea.bodyText.contains(QStringLiteral("Menuiserie")));
        QVERIFY(w.digestsTo(w.vera).isEmpty());
    }

    void notTwiceTheSameDayThenOnlyWhatIsNew()
    {
        WORLD(w);
        QVERIFY(w.attachments->decideAttachment(w.paul, w.request(w.ugo, w.a), false).ok());
        QCOMPARE(w.digests->queueDaily(w.at(2, 18)), 1); // ugo (refused); paul has nothing pending
        const int outbox = w.outboxCount();
        // Something new the same day: it waits for tomorrow's mail.
        w.clock.set(w.at(2, 19));
        const qint64 again = w.request(w.ugo, w.a);
        QVERIFY(again);
        const int afterRequest = w.outboxCount(); // the request's own mail to paul
        QCOMPARE(w.digests->queueDaily(w.at(2, 20)), 0);
        QCOMPARE(w.outboxCount(), afterRequest);
        QVERIFY(afterRequest > outbox);
        QCOMPARE(w.digests->queueDaily(w.at(3, 7)), 2);
        const QList<OutboxMail> mails = w.digestsTo(w.ugo);
        QCOMPARE(mails.size(), 2);
        QVERIFY2(
            mails.first().bodyText.contains(QStringLiteral("You asked to be attached to Menuiserie Alpha")),
            qPrintable(mails.first().bodyText));
        QVERIFY(!mails.first().bodyText.contains(QStringLiteral("was refused")));
        QVERIFY(mails.last().bodyText.contains(QStringLiteral("was refused")));
    }

    void nothingWhenNothingHappenedOrNotificationsAreOff()
    {
        WORLD(w);
        QCOMPARE(w.digests->queueDaily(w.at(2, 18)), 0);
        QCOMPARE(w.outboxCount(), 0);
        // vera's own events do not reach her: notifications are off.
        QVERIFY(w.attachments->decideAttachment(w.paul, w.request(w.vera, w.a), true).ok());
        const int outbox = w.outboxCount();
        QCOMPARE(w.digests->queueDaily(w.at(3, 18)), 0);
        QCOMPARE(w.outboxCount(), outbox);
        QVERIFY(w.digestsTo(w.vera).isEmpty());
        // Turned off, ugo gets nothing either.
        QVERIFY(w.accounts->setNotifications(w.ugo, false, QString()).ok());
        QVERIFY(w.attachments->decideAttachment(w.paul, w.request(w.ugo, w.a), true).ok());
        QCOMPARE(w.digests->queueDaily(w.at(4, 18)), 0);
        QVERIFY(w.digestsTo(w.ugo).isEmpty());
    }

    void deactivatedAccountsReceiveNothing()
    {
        WORLD(w);
        const qint64 id = w.request(w.ugo, w.a);
        QVERIFY(w.attachments->decideAttachment(w.paul, id, true).ok());
        w.t.db().exec(
            QStringLiteral("UPDATE users SET status = 'deactivated', deactivated_at = ? WHERE id = ?"),
            { w.clock.nowMs(), w.ugo });
        QCOMPARE(w.digests->queueDaily(w.at(2, 18)), 0);
        QVERIFY(w.digestsTo(w.ugo).isEmpty());
        // Not even composed: no run is remembered for the account.
        QCOMPARE(w.t.db()
                     .value(QStringLiteral("SELECT COUNT(*) FROM mail_runs WHERE user_id = ?"), { w.ugo })
                     .toInt(),
                 0);
    }

    void remindersForManagersOnce()
    {
        WORLD(w);
        w.request(w.vera, w.a);
        const qint64 ending
            = insertAttachment(w.t.db(), w.ugo, w.a, QStringLiteral("user"), QStringLiteral("validated"),
                               QDate(2026, 1, 1), QDate(2026, 3, 15));
        QVERIFY(ending);
        QCOMPARE(w.digests->queueDaily(w.at(2, 10)), 1);
        QVERIFY(!w.digestsTo(w.paul).first().bodyText.contains(QStringLiteral("Reminders")));
        // Eight days later: the request has waited for more than 7 days, the attachment ends within 7.
        QCOMPARE(w.digests->queueDaily(w.at(10, 10)), 1);
        const OutboxMail mail = w.digestsTo(w.paul).first();
        QVERIFY2(mail.bodyText.contains(QStringLiteral("The attachment request of Vera Vidal to Menuiserie "
                                                       "Alpha has waited for more than 7 day(s).")),
                 qPrintable(mail.bodyText));
        QVERIFY(mail.bodyText.contains(
            QStringLiteral("The attachment of Ugo Urbain to Menuiserie Alpha ends on")));
        QVERIFY(mail.bodyText.contains(QStringLiteral("2026")));
        // Not every day: the next day has nothing new to say.
        QCOMPARE(w.digests->queueDaily(w.at(11, 10)), 0);
        // The requester is not a manager: no reminder for her, and bea's structure has none.
        QVERIFY(w.digestsTo(w.bea).isEmpty());

        // The number of days is configurable.
        Digests three(*w.core, 3);
        w.clock.set(w.at(12, 9));
        w.request(w.vera, w.b);
        three.queueDaily(w.at(12, 10));
        QCOMPARE(w.digestsTo(w.bea).size(), 1); // the new request
        QCOMPARE(three.queueDaily(w.at(16, 10)), 1);
        QVERIFY(w.digestsTo(w.bea).first().bodyText.contains(QStringLiteral("more than 3 day(s)")));
    }

    // A removal request (« Factures émises » kept to the managers) is a
    // decision waiting like a request: in the manager's daily mail, then in
    // its reminders and the page's reminder count once it is old.
    void removalRequestsWaitForTheManagersToo()
    {
        WORLD(w);
        Subscriptions subscriptions(*w.core);
        insertAttachment(w.t.db(), w.ugo, w.a, QStringLiteral("user"));
        SubscriptionRequest request;
        request.structureId = w.a;
        request.spaceCode = QStringLiteral("factures_emises");
        request.lines = { { 0, true, false } };
        request.effectiveDate = w.clock.today();
        const CommandResult asked = subscriptions.requestSubscription(w.ugo, request);
        QVERIFY2(asked.ok(), qPrintable(asked.message));
        QVERIFY(subscriptions.decideSubscription(w.paul, asked.id, true).ok());
        w.digests->queueDaily(w.at(2, 10)); // what happened before the removal is told
        w.clock.set(w.at(2, 11));
        const CommandResult removal = subscriptions.removeSubscriptions(w.ugo, { asked.id });
        QVERIFY2(removal.ok(), qPrintable(removal.message));
        QVERIFY(subscriptions.subscription(asked.id)->removalRequested());

        w.digests->queueDaily(w.at(3, 10));
        const QString daily = w.digestsTo(w.paul).first().bodyText;
        QVERIFY2(daily.contains(QStringLiteral("Ugo Urbain asks to remove the space")), qPrintable(daily));
        QVERIFY(daily.contains(QStringLiteral("Menuiserie Alpha")));
        QVERIFY(ManagerActivity(*w.core).reminders(w.paul, 7).isEmpty());

        // Eight days after it was asked: reminded once, and counted on the page.
        w.clock.set(w.at(10, 12));
        QCOMPARE(w.digests->queueDaily(w.at(10, 12)), 1);
        const QString later = w.digestsTo(w.paul).first().bodyText;
        QVERIFY2(later.contains(QStringLiteral("The removal request of Ugo Urbain for the space")),
                 qPrintable(later));
        QVERIFY(later.contains(QStringLiteral("has waited for more than 7 day(s).")));
        const QList<Reminder> reminders = ManagerActivity(*w.core).reminders(w.paul, 7);
        QCOMPARE(reminders.size(), 1);
        QCOMPARE(reminders.first().id, asked.id);
        QCOMPARE(reminders.first().date, QDate(2026, 3, 2));
    }

    void weeklyGroupsMovementsByStructure()
    {
        WORLD(w);
        insertAttachment(w.t.db(), w.ugo, w.a, QStringLiteral("user"));
        insertAttachment(w.t.db(), w.ugo, w.b, QStringLiteral("user"));
        const qint64 other = insertStructure(w.t.db(), validSiret(3), QStringLiteral("Charpente Gamma"));
        insertAttachment(w.t.db(), w.bea, other, QStringLiteral("principal"));
        QVERIFY(w.attachments->decideAttachment(w.paul, w.request(w.vera, w.a), true).ok());
        const qint64 gone = insertAttachment(w.t.db(), w.support, w.b, QStringLiteral("user"));
        QVERIFY(w.attachments->removeAttachments(w.bea, { gone }).ok());
        w.request(w.vera, other);

        QCOMPARE(w.digests->queueWeekly(w.at(8, 7)), 3); // ugo, paul, bea
        const QList<OutboxMail> mails
            = w.digestsTo(w.ugo, QStringLiteral("Guichet: the week on your structures"));
        QCOMPARE(mails.size(), 1);
        const QString text = mails.first().bodyText;
        QVERIFY2(mails.first().subject.contains(QStringLiteral("2026-W10")),
                 qPrintable(mails.first().subject));
        const qsizetype alpha = text.indexOf(QStringLiteral("Menuiserie Alpha (SIRET"));
        const qsizetype beta = text.indexOf(QStringLiteral("Boulangerie Beta (SIRET"));
        QVERIFY2(alpha > 0 && beta > 0, qPrintable(text));
        // Beta sorts first; each structure lists its own movements with counts.
        QVERIFY(beta < alpha);
        const QString betaPart = text.mid(beta, alpha - beta);
        const QString alphaPart = text.mid(alpha);
        QVERIFY2(betaPart.contains(QStringLiteral("removals: 1")), qPrintable(betaPart));
        QVERIFY2(betaPart.contains(QStringLiteral("removed the attachment of Sam S to Boulangerie Beta.")),
                 qPrintable(betaPart));
        QVERIFY(!betaPart.contains(QStringLiteral("Vera")));
        QVERIFY2(alphaPart.contains(QStringLiteral("new attachment requests: 1")), qPrintable(alphaPart));
        QVERIFY(alphaPart.contains(QStringLiteral("decisions: 1")));
        QVERIFY2(alphaPart.contains(
                     QStringLiteral("Vera VIDAL requested attachment to Menuiserie Alpha as simple user")),
                 qPrintable(alphaPart));
        QVERIFY(alphaPart.contains(
            QStringLiteral("validated the attachment request of Vera VIDAL to Menuiserie Alpha.")));
        QVERIFY(!text.contains(QStringLiteral("Charpente Gamma")));
        QVERIFY(mails.first().bodyHtml.contains(QStringLiteral("<h3>Boulangerie Beta (SIRET")));
        // Once per ISO week.
        QCOMPARE(w.digests->queueWeekly(w.at(9, 7)), 0);
        QCOMPARE(w.digests->queueWeekly(w.at(15, 7)), 0); // a new week with nothing new
    }

    void scheduleParsesAndCatchesUpOnce()
    {
        MailSchedule schedule;
        QString error;
        QVERIFY(!schedule.setDaily(QStringLiteral("25:00"), &error));
        QVERIFY(error.contains(QLatin1String("HH:MM")));
        QVERIFY(!schedule.setWeekly(QStringLiteral("funday 07:00"), &error));
        QVERIFY(error.contains(QLatin1String("<day> HH:MM")));
        QVERIFY(!schedule.setWeekly(QStringLiteral("mon"), &error));
        QVERIFY(schedule.setDaily(QStringLiteral("06:30")));
        QVERIFY(schedule.setWeekly(QStringLiteral("tue 08:00")));
        QCOMPARE(schedule.dailyTime(), QTime(6, 30));
        QCOMPARE(schedule.weeklyDay(), 2);

        const auto local = [](int day, int hour, int minute = 0) {
            return QDateTime(QDate(2026, 3, day), QTime(hour, minute)); // 2026-03-02 is a Monday
        };
        using Kinds = QList<DigestKind>;
        QCOMPARE(schedule.due(local(2, 6), local(2, 6, 29)), Kinds {});
        QCOMPARE(schedule.due(local(2, 6), local(2, 6, 30)), Kinds { DigestKind::Daily });
        QCOMPARE(schedule.due(local(2, 6, 30), local(2, 23)), Kinds {});
        QCOMPARE(schedule.due(local(3, 7), local(3, 8)), Kinds { DigestKind::Weekly });
        // Down from Friday to the next Wednesday: one daily and one weekly, not five and one.
        QCOMPARE(schedule.due(local(6, 9), local(11, 9)), (Kinds { DigestKind::Daily, DigestKind::Weekly }));
        // Never ran: the slots of the last period count.
        QCOMPARE(schedule.due(QDateTime(), local(4, 9)), Kinds { DigestKind::Daily });
    }

    void runDueQueuesOnceAndCatchesUp()
    {
        WORLD(w);
        MailSchedule schedule;
        QVERIFY(schedule.setDaily(QStringLiteral("07:00")));
        QVERIFY(schedule.setWeekly(QStringLiteral("mon 07:00")));
        QVERIFY(w.attachments->decideAttachment(w.paul, w.request(w.ugo, w.a), true).ok());
        const QDateTime monday = QDateTime(QDate(2026, 3, 2), QTime(23, 0)).addDays(-1); // Sunday 23:00
        QCOMPARE(w.digests->runDue(schedule, monday), QList<DigestKind> { DigestKind::Daily });
        // Down until Wednesday morning: one daily, one weekly.
        const QDateTime wednesday(QDate(2026, 3, 4), QTime(9, 0));
        w.clock.set(wednesday.toUTC());
        QCOMPARE(w.digests->runDue(schedule, wednesday),
                 (QList<DigestKind> { DigestKind::Daily, DigestKind::Weekly }));
        const int outbox = w.outboxCount();
        QCOMPARE(w.digests->runDue(schedule, wednesday.addSecs(60)), QList<DigestKind> {});
        QCOMPARE(w.outboxCount(), outbox);
    }

    void writtenInTheRecipientsLanguage()
    {
        WORLD(w);
        w.t.db().exec(QStringLiteral("UPDATE users SET language = 'fr' WHERE id = ?"), { w.ugo });
        QVERIFY(w.attachments->decideAttachment(w.paul, w.request(w.ugo, w.a), true).ok());
        w.request(w.vera, w.a);
        QCOMPARE(w.digests->queueDaily(w.at(2, 18)), 2);
        const MailText fr(QStringLiteral("fr"));
        const OutboxMail ugo = MailOutbox(*w.core).forUser(w.ugo).first();
        QCOMPARE(ugo.subject, fr.translate("guichet::Digests", "Guichet: your daily notifications"));
        QVERIFY(ugo.bodyText.contains(fr.translate("guichet::Digests", "Your account")));
        const OutboxMail paul = w.digestsTo(w.paul).first();
        QCOMPARE(paul.subject, kDaily);
        QVERIFY(paul.bodyText.contains(QStringLiteral("Requests waiting for your decision")));
    }

    // Needs the French catalogue of the Digests strings (translations/guichet_fr.ts).
    void frenchDigestIsFrench()
    {
        const MailText fr(QStringLiteral("fr"));
        const QString subject = fr.translate("guichet::Digests", "Guichet: your daily notifications");
        if (subject == kDaily)
            QSKIP("guichet_fr.ts does not translate the digests yet.");
        WORLD(w);
        w.t.db().exec(QStringLiteral("UPDATE users SET language = 'fr' WHERE id = ?"), { w.ugo });
        QVERIFY(w.attachments->decideAttachment(w.paul, w.request(w.ugo, w.a), true).ok());
        // Only Ugo: the request Paul decided is no longer pending, so Paul has nothing new.
        QCOMPARE(w.digests->queueDaily(w.at(2, 18)), 1);
        const OutboxMail ugo = MailOutbox(*w.core).forUser(w.ugo).first();
        QCOMPARE(ugo.subject, subject);
        QVERIFY(!ugo.bodyText.contains(QStringLiteral("Your account")));
        QVERIFY(!ugo.bodyText.contains(QStringLiteral("was validated")));
        QVERIFY(ugo.bodyText.contains(QStringLiteral("Menuiserie Alpha")));
    }

    void deliveredOverSmtp()
    {
        GUICHET_REQUIRE_SMTP();
        WORLD(w);
        const QString token = QUuid::createUuid().toString(QUuid::Id128).left(16);
        const QString address = QStringLiteral("digest+%1@example.org").arg(token);
        QVERIFY(w.accounts->setNotifications(w.ugo, true, address).ok());
        QVERIFY(w.attachments->decideAttachment(w.paul, w.request(w.ugo, w.a), true).ok());
        QCOMPARE(w.digests->queueDaily(w.at(2, 18)), 1);

        QString error;
        auto settings = SmtpSettings::fromUrl(qEnvironmentVariable("GUICHET_TEST_SMTP_URL"), &error);
        QVERIFY2(settings, qPrintable(error));
        settings->from = QStringLiteral("guichet@example.org");
        settings->timeoutSecs = 10;
        MailDelivery delivery(*w.core, *settings);
        delivery.deliverPending(100);
        QVERIFY2(delivery.lastReport().failed == 0, qPrintable(delivery.lastReport().lastError));

        const QByteArray subject = "Subject: Guichet: your daily";
        QTRY_VERIFY_WITH_TIMEOUT(!deliveredMail(address.toLatin1(), subject).isEmpty(), 5000);
        const QByteArray found = deliveredMail(address.toLatin1(), subject);
        QVERIFY2(!found.isEmpty(), "the digest is not in the Maildir");
        QVERIFY(found.contains("multipart/alternative"));
        QVERIFY(found.contains("Your account"));
        QVERIFY(found.contains("Menuiserie Alpha"));
    }
};

QTEST_GUILESS_MAIN(TestDigests)
#include "tst_digests.moc"
