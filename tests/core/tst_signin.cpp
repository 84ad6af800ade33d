#include "kernel/core.h"
#include "manualclock.h"
#include "rules/accounts/accounts.h"
#include "rules/accounts/passwords.h"
#include "testdatabase.h"

#include <QTest>

using namespace guichet;
using namespace guichet::test;

namespace {
const QString kPassword = QStringLiteral("Tournesol2024x");
const QString kWrong = QStringLiteral("Tournesol2024y");
} // namespace

class TestSignIn : public QObject
{
    Q_OBJECT

private:
    struct World
    {
        TestDatabase t;
        ManualClock clock;
        Core core { t.db(), clock };
        Accounts accounts { core };
        qint64 alice = 0;

        int count(const QString &sql, const QVariantList &args = {})
        {
            return t.db().value(sql, args).toInt();
        }
        int failedLogins()
        {
            return count(QStringLiteral("SELECT failed_logins FROM users WHERE id = ?"), { alice });
        }
        int mails()
        {
            return count(QStringLiteral("SELECT COUNT(*) FROM mail_outbox WHERE user_id = ?"), { alice });
        }
    };

    // Creates alice through the command, so that her hash is a real one.
    static bool setUp(World &w)
    {
        if (!w.t.isValid())
            return false;
        const CommandResult r
            = w.accounts.createUser({ QStringLiteral("Alice.Martin@Example.org"), QStringLiteral("Alice"),
                                      QStringLiteral("Martin"), kPassword, false, QStringLiteral("fr") });
        w.alice = r.id;
        return r.ok();
    }

private slots:
    void initTestCase() { PasswordHasher::setFastHashingForTests(true); }

    void successGivesTheUserId()
    {
        World w;
        GUICHET_REQUIRE_DB(w.t);
        QVERIFY(setUp(w));
        // The e-mail is stored lower-case and matched without letter case.
        const CommandResult r
            = w.accounts.authenticate(QStringLiteral(" ALICE.martin@example.org "), kPassword);
        QVERIFY2(r.ok(), qPrintable(r.message));
        QCOMPARE(r.id, w.alice);
        QVERIFY(w.t.db()
                    .value(QStringLiteral("SELECT password_hash FROM users WHERE id = ?"), { w.alice })
                    .toString()
                    .startsWith(QLatin1String("$argon2id$")));
    }

    void wrongPasswordAndUnknownEmailLookTheSame()
    {
        World w;
        GUICHET_REQUIRE_DB(w.t);
        QVERIFY(setUp(w));
        const CommandResult wrong
            = w.accounts.authenticate(QStringLiteral("alice.martin@example.org"), kWrong);
        const CommandResult unknown
            = w.accounts.authenticate(QStringLiteral("nobody@example.org"), kPassword);
        QCOMPARE(wrong.code, ErrorCode::Unauthenticated);
        QCOMPARE(unknown.code, ErrorCode::Unauthenticated);
        QCOMPARE(wrong.message, unknown.message);
        QCOMPARE(wrong.field, unknown.field);
        QCOMPARE(wrong.id, 0);
        QVERIFY(wrong.message.contains(QLatin1String("E-mail or password incorrect")));
        // The failure is recorded although the command failed.
        QCOMPARE(w.failedLogins(), 1);
        QCOMPARE(
            w.count(QStringLiteral("SELECT COUNT(*) FROM audit_log WHERE command = 'signIn' AND action IN "
                                   "('signin.unknown_email', 'signin.wrong_password')")),
            2);
    }

    void successResetsTheCounter()
    {
        World w;
        GUICHET_REQUIRE_DB(w.t);
        QVERIFY(setUp(w));
        w.accounts.authenticate(QStringLiteral("alice.martin@example.org"), kWrong);
        w.accounts.authenticate(QStringLiteral("alice.martin@example.org"), kWrong);
        QCOMPARE(w.failedLogins(), 2);
        QVERIFY(w.accounts.authenticate(QStringLiteral("alice.martin@example.org"), kPassword).ok());
        QCOMPARE(w.failedLogins(), 0);
        // Two more failures after the reset do not slow down yet.
        w.accounts.authenticate(QStringLiteral("alice.martin@example.org"), kWrong);
        w.accounts.authenticate(QStringLiteral("alice.martin@example.org"), kWrong);
        QVERIFY(w.accounts.authenticate(QStringLiteral("alice.martin@example.org"), kPassword).ok());
    }

    void slowsDownAfterThreeFailures()
    {
        World w;
        GUICHET_REQUIRE_DB(w.t);
        QVERIFY(setUp(w));
        const QString email = QStringLiteral("alice.martin@example.org");
        QCOMPARE(w.accounts.authenticate(email, kWrong).code, ErrorCode::Unauthenticated);
        QCOMPARE(w.accounts.authenticate(email, kWrong).code, ErrorCode::Unauthenticated);
        // Two failures: no delay yet.
        QCOMPARE(w.accounts.authenticate(email, kWrong).code, ErrorCode::Unauthenticated);
        QCOMPARE(w.failedLogins(), 3);

        // Third failure: the next attempt must wait 2 s, even with the right password.
        w.clock.advanceSecs(1);
        CommandResult r = w.accounts.authenticate(email, kPassword);
        QCOMPARE(r.code, ErrorCode::Locked);
        QCOMPARE(r.data.value(QStringLiteral("retryAfter")).toInt(), 1);
        QCOMPARE(w.failedLogins(), 3); // refused without checking: not counted

        // After the delay, a wrong password doubles it (4 s).
        w.clock.advanceSecs(1);
        r = w.accounts.authenticate(email, kWrong);
        QCOMPARE(r.code, ErrorCode::Unauthenticated);
        QCOMPARE(w.failedLogins(), 4);
        w.clock.advanceSecs(3);
        r = w.accounts.authenticate(email, kPassword);
        QCOMPARE(r.code, ErrorCode::Locked);
        QCOMPARE(r.data.value(QStringLiteral("retryAfter")).toInt(), 1);

        // Once the delay has passed, the right password works and resets everything.
        w.clock.advanceSecs(1);
        r = w.accounts.authenticate(email, kPassword);
        QVERIFY2(r.ok(), qPrintable(r.message));
        QCOMPARE(w.failedLogins(), 0);
        QVERIFY(w.t.db()
                    .value(QStringLiteral("SELECT next_login_at FROM users WHERE id = ?"), { w.alice })
                    .isNull());
    }

    void locksForOneHourAtFiveFailuresAndMailsTheUser()
    {
        World w;
        GUICHET_REQUIRE_DB(w.t);
        QVERIFY(setUp(w));
        const QString email = QStringLiteral("alice.martin@example.org");
        w.t.db().exec(QStringLiteral("UPDATE users SET contact_email = 'alice@home.example' WHERE id = ?"),
                      { w.alice });
        for (int i = 0; i < 4; ++i) {
            QCOMPARE(w.accounts.authenticate(email, kWrong).code, ErrorCode::Unauthenticated);
            w.clock.advanceSecs(10);
        }
        QCOMPARE(w.mails(), 0);
        const QDateTime lockTime = w.clock.now();
        const CommandResult r = w.accounts.authenticate(email, kWrong);
        QCOMPARE(r.code, ErrorCode::Locked);
        QCOMPARE(r.data.value(QStringLiteral("retryAfter")).toInt(), 3600);
        QCOMPARE(w.t.db()
                     .value(QStringLiteral("SELECT locked_until FROM users WHERE id = ?"), { w.alice })
                     .toLongLong(),
                 lockTime.addSecs(3600).toMSecsSinceEpoch());

        // One mail, to the contact address, saying until when.
        QCOMPARE(w.mails(), 1);
        const auto mail = w.t.db().row(
            QStringLiteral("SELECT recipient, body_text FROM mail_outbox WHERE user_id = ?"), { w.alice });
        QCOMPARE(mail->value(QStringLiteral("recipient")).toString(), QStringLiteral("alice@home.example"));
        QVERIFY2(mail->value(QStringLiteral("body_text"))
                     .toString()
                     .contains(QLatin1String("2026-03-02 10:00 UTC")),
                 qPrintable(mail->value(QStringLiteral("body_text")).toString()));
        QCOMPARE(w.count(QStringLiteral("SELECT COUNT(*) FROM audit_log WHERE entity_id = ? AND action = "
                                        "'signin.account_locked'"),
                         { w.alice }),
                 1);

        // Locked: even the right password is refused for the hour.
        w.clock.advanceSecs(3599);
        const CommandResult locked = w.accounts.authenticate(email, kPassword);
        QCOMPARE(locked.code, ErrorCode::Locked);
        QCOMPARE(locked.data.value(QStringLiteral("retryAfter")).toInt(), 1);
        QCOMPARE(w.mails(), 1);

        // After one hour: open again, with a fresh counter.
        w.clock.advanceSecs(1);
        const CommandResult ok = w.accounts.authenticate(email, kPassword);
        QVERIFY2(ok.ok(), qPrintable(ok.message));
        QCOMPARE(w.failedLogins(), 0);
        QVERIFY(w.t.db()
                    .value(QStringLiteral("SELECT locked_until FROM users WHERE id = ?"), { w.alice })
                    .isNull());
    }

    void afterTheLockOneFailureDoesNotRelock()
    {
        World w;
        GUICHET_REQUIRE_DB(w.t);
        QVERIFY(setUp(w));
        const QString email = QStringLiteral("alice.martin@example.org");
        for (int i = 0; i < 5; ++i) {
            w.accounts.authenticate(email, kWrong);
            w.clock.advanceSecs(10);
        }
        w.clock.advanceSecs(3600);
        QCOMPARE(w.accounts.authenticate(email, kWrong).code, ErrorCode::Unauthenticated);
        QCOMPARE(w.failedLogins(), 1);
        QVERIFY(w.accounts.authenticate(email, kPassword).ok());
    }

    void deactivatedAccountCannotSignIn()
    {
        World w;
        GUICHET_REQUIRE_DB(w.t);
        QVERIFY(setUp(w));
        QVERIFY(w.accounts.deactivateAccount(w.alice, Successors::none()).ok());
        const CommandResult r
            = w.accounts.authenticate(QStringLiteral("alice.martin@example.org"), kPassword);
        QCOMPARE(r.code, ErrorCode::Forbidden);
        QCOMPARE(r.data.value(QStringLiteral("deactivated")).toBool(), true);
        QVERIFY(r.message.contains(QLatin1String("reactivated")));
        QCOMPARE(r.id, 0);
        // With a wrong password it looks like any other failure (nothing revealed).
        const CommandResult wrong
            = w.accounts.authenticate(QStringLiteral("alice.martin@example.org"), kWrong);
        QCOMPARE(wrong.code, ErrorCode::Unauthenticated);
        QVERIFY(!wrong.data.contains(QStringLiteral("deactivated")));
    }
};

QTEST_GUILESS_MAIN(TestSignIn)
#include "tst_signin.moc"
