#include "coreworld.h"
#include "fixtures.h"
#include "kernel/core.h"
#include "mail/mailoutbox.h"
#include "manualclock.h"
#include "rules/support/solicitations.h"
#include "testdatabase.h"

#include <QTest>

using namespace guichet;
using namespace guichet::test;

// Sollicitations: requests to support, including from someone who can no
// longer sign in, answered by support with a mail to the sender.
class TestSolicitations : public QObject
{
    Q_OBJECT

private:
    struct World : CoreWorld
    {
        std::unique_ptr<Solicitations> solicitations;
        qint64 alice = 0;
        qint64 bruno = 0;
        qint64 support = 0;

        World()
        {
            if (!isValid())
                return;
            solicitations = std::make_unique<Solicitations>(*core);
            alice = insertUser(t.db(), QStringLiteral("alice@example.org"));
            t.db().exec(
                QStringLiteral("UPDATE users SET contact_email = 'alice.contact@example.org' WHERE id = ?"),
                { alice });
            bruno = insertUser(t.db(), QStringLiteral("bruno@example.org"), QStringLiteral("Bruno"));
            support = insertUser(t.db(), QStringLiteral("support@example.org"), QStringLiteral("Sam"),
                                 QStringLiteral("Support"), true);
        }
        int solicitationCount() { return count(QStringLiteral("SELECT COUNT(*) FROM solicitations")); }
        int auditCount() { return count(QStringLiteral("SELECT COUNT(*) FROM audit_log")); }
        int mailCount() { return count(QStringLiteral("SELECT COUNT(*) FROM mail_outbox")); }
        QString status(qint64 id)
        {
            return t.db()
                .value(QStringLiteral("SELECT status FROM solicitations WHERE id = ?"), { id })
                .toString();
        }
        qint64 create(qint64 user)
        {
            return solicitations
                ->createSolicitation(user,
                                     { QStringLiteral("access"), QStringLiteral("Cannot see invoices"),
                                       QStringLiteral("The Factures émises space is empty.") })
                .id;
        }
    };

    static NewSolicitation reactivation()
    {
        return { QStringLiteral("reactivation"), QStringLiteral("Reactivate my account"),
                 QStringLiteral("I was away for three months.") };
    }

private slots:
    void categoriesAndStatusesHaveLabels()
    {
        QStringList codes;
        for (const SolicitationChoice &c : Solicitations::categories()) {
            codes << c.code;
            QVERIFY(!c.label.isEmpty());
        }
        QVERIFY(codes.contains(QStringLiteral("reactivation")));
        QVERIFY(codes.contains(QStringLiteral("other")));
        codes.clear();
        for (const SolicitationChoice &c : Solicitations::statuses())
            codes << c.code;
        QCOMPARE(codes,
                 QStringList({ QStringLiteral("new"), QStringLiteral("in_progress"),
                               QStringLiteral("waiting_user"), QStringLiteral("closed") }));
    }

    void signedInUserCreatesOne()
    {
        World w;
        GUICHET_REQUIRE_DB(w.t);
        const CommandResult r = w.solicitations->createSolicitation(w.alice, reactivation());
        QVERIFY2(r.ok(), qPrintable(r.message));
        const QList<SolicitationInfo> mine = w.solicitations->listForUser(w.alice);
        QCOMPARE(mine.size(), 1);
        QCOMPARE(mine.first().id, r.id);
        QCOMPARE(mine.first().status, QStringLiteral("new"));
        QCOMPARE(mine.first().email, QStringLiteral("alice.contact@example.org"));
        QCOMPARE(mine.first().categoryLabel, QStringLiteral("Account reactivation"));
        QVERIFY(w.solicitations->listForUser(w.bruno).isEmpty());
        QCOMPARE(w.count(QStringLiteral("SELECT COUNT(*) FROM audit_log WHERE entity = 'solicitation' AND "
                                        "entity_id = ? AND actor_id = ?"),
                         { r.id, w.alice }),
                 1);
        QVERIFY(w.count(QStringLiteral("SELECT version FROM solicitations WHERE id = ?"), { r.id }) > 0);
    }

    void everyMissingFieldIsNamedAndNothingSaved()
    {
        World w;
        GUICHET_REQUIRE_DB(w.t);
        CommandResult r = w.solicitations->createSolicitation(
            w.alice, { QStringLiteral("other"), QStringLiteral(" "), QString() });
        QCOMPARE(r.code, ErrorCode::InvalidInput);
        QCOMPARE(r.field, QStringLiteral("subject"));
        QVERIFY2(r.message.contains(QLatin1String("subject")) && r.message.contains(QLatin1String("message")),
                 qPrintable(r.message));
        r = w.solicitations->createSolicitation(w.alice,
                                                { QString(), QStringLiteral("s"), QStringLiteral("b") });
        QCOMPARE(r.field, QStringLiteral("category"));
        r = w.solicitations->createSolicitation(
            w.alice, { QStringLiteral("refund"), QStringLiteral("s"), QStringLiteral("b") });
        QCOMPARE(r.field, QStringLiteral("category"));
        r = w.solicitations->createSolicitation(
            w.alice, { QStringLiteral("other"), QString(201, QLatin1Char('s')), QStringLiteral("b") });
        QCOMPARE(r.field, QStringLiteral("subject"));
        QCOMPARE(w.solicitationCount(), 0);
        QCOMPARE(w.auditCount(), 0);
    }

    void someoneWhoCannotSignInWritesAnonymously()
    {
        World w;
        GUICHET_REQUIRE_DB(w.t);
        // Deactivated more than 60 days ago: the signed-in path is closed...
        w.t.db().exec(
            QStringLiteral("UPDATE users SET status = 'deactivated', deactivated_at = ? WHERE id = ?"),
            { w.clock.now().addDays(-61).toMSecsSinceEpoch(), w.bruno });
        CommandResult r = w.solicitations->createSolicitation(w.bruno, reactivation());
        QCOMPARE(r.code, ErrorCode::Forbidden);
        QCOMPARE(w.solicitationCount(), 0);

        // ...the sign-in window's form is not.
        r = w.solicitations->createAnonymousSolicitation(QStringLiteral(" Bruno@Example.org "),
                                                         reactivation());
        QVERIFY2(r.ok(), qPrintable(r.message));
        const auto queue = w.solicitations->listForSupport(w.support, QStringLiteral("new"));
        QVERIFY(queue.has_value());
        QCOMPARE(queue->size(), 1);
        QCOMPARE(queue->first().userId, 0);
        QCOMPARE(queue->first().email, QStringLiteral("bruno@example.org"));
        QCOMPARE(
            w.count(QStringLiteral("SELECT COUNT(*) FROM audit_log WHERE entity_id = ? AND actor_id IS NULL"),
                    { r.id }),
            1);

        // The e-mail is where the answer goes: it must be there and look like one.
        for (const QString &bad : { QString(), QStringLiteral("bruno"), QStringLiteral("bruno@"),
                                    QStringLiteral("bruno@example"), QStringLiteral("a b@example.org") }) {
            r = w.solicitations->createAnonymousSolicitation(bad, reactivation());
            QCOMPARE(r.code, ErrorCode::InvalidInput);
            QCOMPARE(r.field, QStringLiteral("email"));
        }
        r = w.solicitations->createAnonymousSolicitation(
            QStringLiteral("bruno@example.org"), { QStringLiteral("reactivation"), QString(), QString() });
        QCOMPARE(r.field, QStringLiteral("subject"));
        QCOMPARE(w.solicitationCount(), 1);
    }

    void supportRepliesAndTheSenderGetsAMail()
    {
        World w;
        GUICHET_REQUIRE_DB(w.t);
        const qint64 id = w.create(w.alice);
        w.clock.advanceSecs(3600);
        const CommandResult r = w.solicitations->reply(w.support, id, QStringLiteral("Which structure?"));
        QVERIFY2(r.ok(), qPrintable(r.message));
        QCOMPARE(w.status(id), QStringLiteral("waiting_user"));
        const SolicitationInfo info = w.solicitations->listForUser(w.alice).first();
        QCOMPARE(info.reply, QStringLiteral("Which structure?"));
        QCOMPARE(info.assignedTo, w.support);
        QCOMPARE(info.updatedAt, w.clock.now());

        MailOutbox outbox(*w.core);
        const QList<OutboxMail> mails = outbox.forUser(w.alice);
        QCOMPARE(mails.size(), 1);
        QCOMPARE(mails.first().id, r.data.value(QStringLiteral("mailId")).toLongLong());
        QCOMPARE(mails.first().recipient, QStringLiteral("alice.contact@example.org"));
        QVERIFY(mails.first().subject.contains(QLatin1String("Cannot see invoices")));
        QVERIFY(mails.first().bodyText.contains(QLatin1String("Which structure?")));

        const auto messages = w.solicitations->messages(w.alice, id);
        QVERIFY(messages.has_value());
        QCOMPARE(messages->size(), 1);
        QVERIFY(messages->first().fromSupport);
        QVERIFY(!w.solicitations->messages(w.bruno, id).has_value());
    }

    void replyToAnAnonymousSenderGoesToTheGivenAddress()
    {
        World w;
        GUICHET_REQUIRE_DB(w.t);
        const qint64 id
            = w.solicitations
                  ->createAnonymousSolicitation(QStringLiteral("former@example.org"), reactivation())
                  .id;
        QVERIFY(id);
        const CommandResult r = w.solicitations->reply(
            w.support, id, QStringLiteral("Reactivated: check your mail."), QStringLiteral("closed"));
        QVERIFY2(r.ok(), qPrintable(r.message));
        QCOMPARE(w.status(id), QStringLiteral("closed"));
        MailOutbox outbox(*w.core);
        const QList<OutboxMail> mails = outbox.forRecipient(QStringLiteral("former@example.org"));
        QCOMPARE(mails.size(), 1);
        QCOMPARE(mails.first().userId, 0);
    }

    void onlySupportRepliesOrSetsTheStatus()
    {
        World w;
        GUICHET_REQUIRE_DB(w.t);
        const qint64 id = w.create(w.alice);
        const int audits = w.auditCount();
        QCOMPARE(w.solicitations->reply(w.alice, id, QStringLiteral("Solved it myself")).code,
                 ErrorCode::Forbidden);
        QCOMPARE(w.solicitations->reply(w.bruno, id, QStringLiteral("Me too")).code, ErrorCode::Forbidden);
        QCOMPARE(w.solicitations->setStatus(w.alice, id, QStringLiteral("closed")).code,
                 ErrorCode::Forbidden);
        QVERIFY(!w.solicitations->listForSupport(w.alice).has_value());
        QCOMPARE(w.status(id), QStringLiteral("new"));
        QCOMPARE(w.mailCount(), 0);
        QCOMPARE(w.auditCount(), audits);

        // Support's own input is checked too.
        QCOMPARE(w.solicitations->reply(w.support, id, QStringLiteral("  ")).field, QStringLiteral("text"));
        QCOMPARE(w.solicitations->reply(w.support, id, QStringLiteral("ok"), QStringLiteral("done")).field,
                 QStringLiteral("status"));
        QCOMPARE(w.solicitations->setStatus(w.support, id, QStringLiteral("done")).field,
                 QStringLiteral("status"));
        QCOMPARE(w.solicitations->setStatus(w.support, id + 99, QStringLiteral("closed")).code,
                 ErrorCode::NotFound);
        QCOMPARE(w.status(id), QStringLiteral("new"));
        QCOMPARE(w.mailCount(), 0);

        QVERIFY(w.solicitations->setStatus(w.support, id, QStringLiteral("in_progress")).ok());
        QCOMPARE(w.status(id), QStringLiteral("in_progress"));
        QCOMPARE(w.solicitations->listForSupport(w.support, QStringLiteral("in_progress"))->size(), 1);
        QCOMPARE(w.solicitations->listForSupport(w.support, QStringLiteral("new"))->size(), 0);
        QCOMPARE(w.solicitations->listForSupport(w.support)->size(), 1);
    }

    void senderFollowsUpOnlyWhenAsked()
    {
        World w;
        GUICHET_REQUIRE_DB(w.t);
        const qint64 id = w.create(w.alice);
        // Not waiting for the sender yet.
        CommandResult r = w.solicitations->addFollowUp(w.alice, id, QStringLiteral("Any news?"));
        QCOMPARE(r.code, ErrorCode::Conflict);
        QCOMPARE(w.status(id), QStringLiteral("new"));

        QVERIFY(w.solicitations->reply(w.support, id, QStringLiteral("Which SIRET?")).ok());
        const int audits = w.auditCount();
        r = w.solicitations->addFollowUp(w.bruno, id, QStringLiteral("Not mine"));
        QCOMPARE(r.code, ErrorCode::Forbidden);
        r = w.solicitations->addFollowUp(w.alice, id, QString());
        QCOMPARE(r.field, QStringLiteral("text"));
        QCOMPARE(w.status(id), QStringLiteral("waiting_user"));
        QCOMPARE(w.auditCount(), audits);

        r = w.solicitations->addFollowUp(w.alice, id, QStringLiteral("73282932000074"));
        QVERIFY2(r.ok(), qPrintable(r.message));
        QCOMPARE(w.status(id), QStringLiteral("in_progress"));
        const auto messages = w.solicitations->messages(w.support, id);
        QCOMPARE(messages->size(), 2);
        QVERIFY(!messages->last().fromSupport);
        QCOMPARE(messages->last().body, QStringLiteral("73282932000074"));
        QCOMPARE(w.auditCount(), audits + 1);
    }

    void aDeactivatedSenderGetsNoMail()
    {
        World w;
        GUICHET_REQUIRE_DB(w.t);
        const qint64 id = w.create(w.alice);
        w.t.db().exec(QStringLiteral("UPDATE users SET status = 'deactivated' WHERE id = ?"), { w.alice });
        const CommandResult r
            = w.solicitations->reply(w.support, id, QStringLiteral("Done"), QStringLiteral("closed"));
        QVERIFY(r.ok());
        QCOMPARE(r.data.value(QStringLiteral("mailId")).toLongLong(), 0);
        QCOMPARE(w.mailCount(), 0);
    }
};

QTEST_GUILESS_MAIN(TestSolicitations)
#include "tst_solicitations.moc"
