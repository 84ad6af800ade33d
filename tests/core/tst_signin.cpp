#include "kernel/core.h"
#include "kernel/database.h"
#include "manualclock.h"
#include "rules/accounts/accounts.h"
#include "rules/accounts/passwords.h"
#include "testdatabase.h"

#include <QElapsedTimer>
#include <QRegularExpression>
#include <QTest>

#include <algorithm>

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
        // Alice's failed sign-ins counted from an address (the desktop's by default).
        int failedLogins(const QString &address = accountRules::LocalClientAddress)
        {
            return count(QStringLiteral("SELECT failures FROM sign_in_failures WHERE email = "
                                        "'alice.martin@example.org' AND client_address = ?"),
                         { address });
        }
        QVariant failureColumn(const QString &column)
        {
            return t.db().value(QStringLiteral("SELECT %1 FROM sign_in_failures WHERE email = "
                                               "'alice.martin@example.org' AND client_address = 'local'")
                                    .arg(column));
        }
        // The unlock code of the last lockout mail to alice.
        QString unlockCode()
        {
            const QString body
                = t.db()
                      .value(QStringLiteral(
                                 "SELECT body_text FROM mail_outbox WHERE user_id = ? ORDER BY id DESC"),
                             { alice })
                      .toString();
            const auto match = QRegularExpression(QStringLiteral(":\\n([A-Za-z0-9_-]{40,})\\n")).match(body);
            return match.captured(1);
        }
        CommandResult signIn(const QString &email, const QString &password, const QString &address,
                             const QString &code = {})
        {
            return accounts.authenticate(SignInRequest { email, password, address, code });
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
        QVERIFY(w.failureColumn(QStringLiteral("next_login_at")).isNull());
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
        QCOMPARE(w.failureColumn(QStringLiteral("locked_until")).toLongLong(),
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
        QVERIFY(w.failureColumn(QStringLiteral("locked_until")).isNull());
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

    // Issue 13, item 4: guesses stay throttled, but only for where they come from.
    void fiveGuessesFromOneAddressLockThatAddressOnly()
    {
        World w;
        GUICHET_REQUIRE_DB(w.t);
        QVERIFY(setUp(w));
        const QString email = QStringLiteral("alice.martin@example.org");
        const QString attacker = QStringLiteral("203.0.113.9");
        for (int i = 0; i < 4; ++i) {
            QCOMPARE(w.signIn(email, kWrong, attacker).code, ErrorCode::Unauthenticated);
            w.clock.advanceSecs(10);
        }
        const CommandResult locked = w.signIn(email, kWrong, attacker);
        QCOMPARE(locked.code, ErrorCode::Locked);
        QCOMPARE(locked.data.value(QStringLiteral("retryAfter")).toInt(), 3600);
        // The guesser's address stays locked, even with the right password...
        w.clock.advanceSecs(60);
        QCOMPARE(w.signIn(email, kPassword, attacker).code, ErrorCode::Locked);
        QCOMPARE(w.failedLogins(attacker), 5);
        // ...while the owner signs in from elsewhere, at once, and the desktop too.
        const CommandResult owner = w.signIn(email, kPassword, QStringLiteral("198.51.100.20"));
        QVERIFY2(owner.ok(), qPrintable(owner.message));
        QCOMPARE(owner.id, w.alice);
        QVERIFY(w.accounts.authenticate(email, kPassword).ok());
        // The owner's success leaves the guesser's count alone.
        QCOMPARE(w.failedLogins(attacker), 5);
        QCOMPARE(w.signIn(email, kPassword, attacker).code, ErrorCode::Locked);
    }

    void theLockoutMailsAnUnlockCodeThatLetsTheOwnerInOnce()
    {
        World w;
        GUICHET_REQUIRE_DB(w.t);
        QVERIFY(setUp(w));
        const QString email = QStringLiteral("alice.martin@example.org");
        // Guesses from the owner's own address (the same office, the same desktop).
        for (int i = 0; i < 5; ++i) {
            w.accounts.authenticate(email, kWrong);
            w.clock.advanceSecs(10);
        }
        QCOMPARE(w.accounts.authenticate(email, kPassword).code, ErrorCode::Locked);
        QCOMPARE(w.mails(), 1);
        const QString code = w.unlockCode();
        QVERIFY2(!code.isEmpty(), "the lockout mail holds an unlock code");

        // The code alone is not enough: a wrong password with it fails.
        const CommandResult wrong = w.signIn(email, kWrong, accountRules::LocalClientAddress, code);
        QCOMPARE(wrong.code, ErrorCode::Unauthenticated);
        // With the right password it lets the owner in despite the lock...
        const CommandResult in = w.signIn(email, kPassword, accountRules::LocalClientAddress, code);
        QVERIFY2(in.ok(), qPrintable(in.message));
        QCOMPARE(in.id, w.alice);
        // ...clears every count of the account...
        QCOMPARE(w.count(QStringLiteral("SELECT COUNT(*) FROM sign_in_failures WHERE email = ?"), { email }),
                 0);
        QVERIFY(w.accounts.authenticate(email, kPassword).ok());
        // ...and works once.
        const CommandResult again = w.signIn(email, kPassword, accountRules::LocalClientAddress, code);
        QCOMPARE(again.code, ErrorCode::Expired);
        QCOMPARE(again.field, QStringLiteral("unlockCode"));
    }

    void theUnlockCodeIsNoWayToGuess()
    {
        World w;
        GUICHET_REQUIRE_DB(w.t);
        QVERIFY(setUp(w));
        const QString email = QStringLiteral("alice.martin@example.org");
        for (int i = 0; i < 5; ++i) {
            w.accounts.authenticate(email, kWrong);
            w.clock.advanceSecs(10);
        }
        const QString code = w.unlockCode();
        QVERIFY(!code.isEmpty());
        // The code has its own count: five wrong passwords with it lock it too.
        for (int i = 0; i < 4; ++i) {
            QCOMPARE(w.signIn(email, kWrong, QStringLiteral("203.0.113.9"), code).code,
                     ErrorCode::Unauthenticated);
            w.clock.advanceSecs(10);
        }
        QCOMPARE(w.signIn(email, kWrong, QStringLiteral("203.0.113.9"), code).code, ErrorCode::Locked);
        QCOMPARE(w.signIn(email, kPassword, QStringLiteral("203.0.113.9"), code).code, ErrorCode::Locked);
        // No second mail for a lock reached with the code.
        QCOMPARE(w.mails(), 1);
        // Another account's code, or a made-up one, does nothing and says so.
        const CommandResult madeUp
            = w.signIn(email, kPassword, accountRules::LocalClientAddress, QStringLiteral("not-a-code"));
        QCOMPARE(madeUp.code, ErrorCode::Expired);
        QCOMPARE(madeUp.field, QStringLiteral("unlockCode"));
        const CommandResult unknown = w.signIn(QStringLiteral("nobody@example.org"), kPassword,
                                               accountRules::LocalClientAddress, code);
        QCOMPARE(unknown.code, madeUp.code);
        QCOMPARE(unknown.message, madeUp.message);
    }

    void guessesFromManyAddressesSendOneUnlockMail()
    {
        World w;
        GUICHET_REQUIRE_DB(w.t);
        QVERIFY(setUp(w));
        const QString email = QStringLiteral("alice.martin@example.org");
        for (const QString &address : { QStringLiteral("203.0.113.1"), QStringLiteral("203.0.113.2") }) {
            for (int i = 0; i < 5; ++i) {
                w.signIn(email, kWrong, address);
                w.clock.advanceSecs(10);
            }
            QCOMPARE(w.signIn(email, kPassword, address).code, ErrorCode::Locked);
        }
        // The first code still works; the owner's mailbox is not flooded.
        QCOMPARE(w.mails(), 1);
        QCOMPARE(w.count(QStringLiteral("SELECT COUNT(*) FROM audit_log WHERE entity_id = ? AND action = "
                                        "'signin.account_locked'"),
                         { w.alice }),
                 2);
    }

    // The answers for an account and for an e-mail nobody has are the same,
    // lock included (only the account's owner gets a mail).
    void aLockedUnknownEmailLooksLikeALockedAccount()
    {
        World w;
        GUICHET_REQUIRE_DB(w.t);
        QVERIFY(setUp(w));
        const QString known = QStringLiteral("alice.martin@example.org");
        const QString unknown = QStringLiteral("nobody@example.org");
        for (int i = 0; i < 7; ++i) {
            const CommandResult a = w.signIn(known, kWrong, QStringLiteral("203.0.113.1"));
            const CommandResult b = w.signIn(unknown, kWrong, QStringLiteral("203.0.113.2"));
            QCOMPARE(a.code, b.code);
            QCOMPARE(a.field, b.field);
            QCOMPARE(a.message, b.message);
            QCOMPARE(a.data, b.data); // retryAfter included
            QCOMPARE(a.ok(), b.ok());
            w.clock.advanceSecs(10);
        }
        QCOMPARE(w.signIn(unknown, kPassword, QStringLiteral("203.0.113.2")).code, ErrorCode::Locked);
        QCOMPARE(w.count(QStringLiteral("SELECT COUNT(*) FROM mail_outbox")), 1);
    }

    // An unknown e-mail costs the same argon2id work as a wrong password
    // (real hashing here, not the tests' fast one): interleaved, median of
    // five each, within a factor of 2 (the machine is shared; the real
    // difference is the noise).
    void anUnknownEmailTakesTheTimeOfAWrongPassword()
    {
        World w;
        GUICHET_REQUIRE_DB(w.t);
        QVERIFY(setUp(w));
        PasswordHasher::setFastHashingForTests(false);
        const QString realHash = PasswordHasher::hash(kPassword);
        w.t.db().exec(QStringLiteral("UPDATE users SET password_hash = ? WHERE id = ?"),
                      { realHash, w.alice });
        const auto timeOf = [&](const QString &email) {
            const SignInAttempt attempt
                = w.accounts.beginSignIn(SignInRequest { email, kWrong, QStringLiteral("203.0.113.9"), {} });
            QElapsedTimer timer;
            timer.start();
            const SignInVerdict verdict = Accounts::verifySignIn(attempt);
            const qint64 ns = timer.nsecsElapsed();
            return verdict.passwordOk ? -1 : ns;
        };
        QList<qint64> known, unknown;
        for (int i = 0; i < 5; ++i) {
            known << timeOf(QStringLiteral("alice.martin@example.org"));
            unknown << timeOf(QStringLiteral("nobody-%1@example.org").arg(i));
        }
        PasswordHasher::setFastHashingForTests(true);
        std::sort(known.begin(), known.end());
        std::sort(unknown.begin(), unknown.end());
        QVERIFY(known.first() > 0 && unknown.first() > 0);
        const double ratio = double(unknown.at(2)) / double(known.at(2));
        QVERIFY2(ratio > 0.5 && ratio < 2.0,
                 qPrintable(QStringLiteral("unknown %1 ms, known %2 ms")
                                .arg(unknown.at(2) / 1000000)
                                .arg(known.at(2) / 1000000)));
    }

    // Issue 13, item 3: the password is verified outside any transaction.
    void aCommandWritesWhileASignInVerifiesItsPassword()
    {
        World w;
        GUICHET_REQUIRE_DB(w.t);
        QVERIFY(setUp(w));
        const SignInAttempt attempt = w.accounts.beginSignIn(
            { QStringLiteral("alice.martin@example.org"), kPassword, QStringLiteral("198.51.100.20"), {} });
        QVERIFY(!attempt.decided);
        QVERIFY(!w.t.db().inTransaction());
        // Another connection (another worker of guichetd) writes meanwhile.
        QString error;
        const auto other = Database::open(w.t.location(), &error);
        QVERIFY2(other, qPrintable(error));
        Core otherCore(*other, w.clock);
        const CommandResult created = Accounts(otherCore).createUser(
            { QStringLiteral("bruno@example.org"), QStringLiteral("Bruno"), QStringLiteral("Petit"),
              kPassword, false, QStringLiteral("fr") });
        QVERIFY2(created.ok(), qPrintable(created.message));
        const SignInVerdict verdict = Accounts::verifySignIn(attempt);
        QVERIFY(verdict.passwordOk);
        const CommandResult r = w.accounts.finishSignIn(attempt, verdict);
        QVERIFY2(r.ok(), qPrintable(r.message));
        QCOMPARE(r.id, w.alice);
    }

    // A lock that came while the password was being verified still holds.
    void aLockReachedDuringTheVerificationHolds()
    {
        World w;
        GUICHET_REQUIRE_DB(w.t);
        QVERIFY(setUp(w));
        const QString email = QStringLiteral("alice.martin@example.org");
        const QString address = QStringLiteral("203.0.113.9");
        const SignInAttempt attempt = w.accounts.beginSignIn({ email, kPassword, address, {} });
        QVERIFY(!attempt.decided);
        for (int i = 0; i < 5; ++i) {
            w.signIn(email, kWrong, address);
            w.clock.advanceSecs(10);
        }
        const CommandResult r = w.accounts.finishSignIn(attempt, Accounts::verifySignIn(attempt));
        QCOMPARE(r.code, ErrorCode::Locked);
    }

    void overLongInputIsRefusedNamingTheField()
    {
        World w;
        GUICHET_REQUIRE_DB(w.t);
        QVERIFY(setUp(w));
        const QString email = QStringLiteral("alice.martin@example.org");
        const qint64 audits = w.count(QStringLiteral("SELECT COUNT(*) FROM audit_log"));
        const CommandResult address = w.signIn(email, kPassword, QString(65, QLatin1Char('1')));
        QCOMPARE(address.code, ErrorCode::InvalidInput);
        QCOMPARE(address.field, QStringLiteral("clientAddress"));
        const CommandResult code
            = w.signIn(email, kPassword, accountRules::LocalClientAddress, QString(201, QLatin1Char('x')));
        QCOMPARE(code.code, ErrorCode::InvalidInput);
        QCOMPARE(code.field, QStringLiteral("unlockCode"));
        QCOMPARE(w.count(QStringLiteral("SELECT COUNT(*) FROM audit_log")), audits);
        QCOMPARE(w.count(QStringLiteral("SELECT COUNT(*) FROM sign_in_failures")), 0);
    }

    void failuresAreForgottenAfterADay()
    {
        World w;
        GUICHET_REQUIRE_DB(w.t);
        QVERIFY(setUp(w));
        const QString email = QStringLiteral("alice.martin@example.org");
        w.accounts.authenticate(email, kWrong);
        QCOMPARE(w.failedLogins(), 1);
        // A day after the last failure, a count is forgotten (at the next failure anywhere).
        w.clock.advanceSecs(accountRules::FailureMemorySecs + 1);
        w.signIn(QStringLiteral("nobody@example.org"), kWrong, QStringLiteral("203.0.113.1"));
        QCOMPARE(w.failedLogins(), 0);
    }
};

QTEST_GUILESS_MAIN(TestSignIn)
#include "tst_signin.moc"
