#include "commands/commandargs.h"
#include "commands/commanddispatcher.h"
#include "coreworld.h"
#include "kernel/guichetlink.h"
#include "rules/accounts/accounts.h"
#include "rules/accounts/passwords.h"
#include "rules/accounts/sessions.h"
#include "rules/accounts/signups.h"
#include "rules/audit/auditlog.h"

#include <QElapsedTimer>
#include <QJsonObject>
#include <QRegularExpression>
#include <QTest>

#include <algorithm>

using namespace guichet;
using namespace guichet::test;

namespace {
const QString kEmail = QStringLiteral("nina.petit@example.org");
const QString kPassword = QStringLiteral("Tournesol 2026!");

SignUpRequest nina(const QString &email = kEmail)
{
    SignUpRequest r;
    r.email = email;
    r.firstName = QStringLiteral("Nina");
    r.lastName = QStringLiteral("Petit");
    r.password = kPassword;
    r.secretQuestion = QStringLiteral("Ma ville natale ?");
    r.secretAnswer = QStringLiteral("Lyon");
    r.language = QStringLiteral("fr");
    return r;
}
} // namespace

class TestSignUp : public QObject
{
    Q_OBJECT

private:
    struct World : CoreWorld
    {
        SignUps signUps { *core };
        Accounts accounts { *core };

        int mails() { return count(QStringLiteral("SELECT COUNT(*) FROM mail_outbox")); }
        QString status(const QString &email = kEmail)
        {
            return db()
                .value(QStringLiteral("SELECT status FROM users WHERE email = ?"), { email })
                .toString();
        }
        qint64 idOf(const QString &email = kEmail)
        {
            return db().value(QStringLiteral("SELECT id FROM users WHERE email = ?"), { email }).toLongLong();
        }
        QString lastMail(const QString &recipient = kEmail)
        {
            return db()
                .value(
                    QStringLiteral("SELECT subject || '\n' || body_text FROM mail_outbox WHERE recipient = ? "
                                   "ORDER BY id DESC LIMIT 1"),
                    { recipient })
                .toString();
        }
        // The token of the latest activation mail to the address.
        QString lastToken(const QString &recipient = kEmail)
        {
            const auto match
                = QRegularExpression(QStringLiteral("guichet://activate\\?token=([A-Za-z0-9_-]+)"))
                      .match(lastMail(recipient));
            return match.hasMatch() ? match.captured(1) : QString();
        }
    };

private slots:
    void initTestCase() { PasswordHasher::setFastHashingForTests(true); }

    // Sign up, read the mail, activate: the account signs in, and only then.
    void signUpThenActivate()
    {
        World w;
        GUICHET_REQUIRE_DB(w.t);
        const CommandResult r = w.signUps.signUp(nina(QStringLiteral("  Nina.Petit@Example.org ")));
        QVERIFY2(r.ok(), qPrintable(r.message));
        QCOMPARE(r.id, 0); // nothing tells the caller an id
        QCOMPARE(w.status(), QStringLiteral("pending"));
        QCOMPARE(w.mails(), 1);
        const QString mail = w.lastMail();
        const QString token = w.lastToken();
        QCOMPARE(token.size(), 43);
        // The code alone is in the mail too, for another device.
        QCOMPARE(mail.count(token), 2);
        QVERIFY(GuichetLink::parse(QStringLiteral("guichet://activate?token=") + token));
        // Only its SHA-256 is stored, valid 48 hours.
        QCOMPARE(w.count(QStringLiteral("SELECT COUNT(*) FROM tokens WHERE token_hash = ?"), { token }), 0);
        QCOMPARE(w.count(QStringLiteral("SELECT COUNT(*) FROM tokens WHERE token_hash = ? AND purpose = "
                                        "'activation' AND expires_at = ?"),
                         { secretTokenHash(token), w.clock.now().addSecs(48 * 3600).toMSecsSinceEpoch() }),
                 1);

        // Waiting for activation: the right password is told so, a wrong one is not.
        CommandResult signIn = w.accounts.authenticate(kEmail, kPassword);
        QCOMPARE(signIn.code, ErrorCode::Forbidden);
        QVERIFY(signIn.data.value(QStringLiteral("notActivated")).toBool());
        QVERIFY(signIn.message.contains(QLatin1String("not activated")));
        QCOMPARE(w.accounts.authenticate(kEmail, QStringLiteral("Wrong password 1")).code,
                 ErrorCode::Unauthenticated);

        w.clock.advanceSecs(3600);
        const CommandResult activated = w.signUps.activate(QStringLiteral(" %1 ").arg(token));
        QVERIFY2(activated.ok(), qPrintable(activated.message));
        QCOMPARE(activated.id, w.idOf());
        QCOMPARE(w.status(), QStringLiteral("active"));
        const auto profile = w.accounts.profile(activated.id);
        QCOMPARE(profile->profile.firstName, QStringLiteral("Nina"));
        QCOMPARE(profile->profile.lastName, QStringLiteral("Petit"));
        QCOMPARE(profile->profile.contactEmail, kEmail);
        QCOMPARE(profile->secretQuestion, QStringLiteral("Ma ville natale ?"));
        QCOMPARE(profile->language, QStringLiteral("fr"));
        QVERIFY(w.accounts.authenticate(kEmail, kPassword).ok());
        // The audit tells both steps in sentences.
        QCOMPARE(
            w.count(QStringLiteral("SELECT COUNT(*) FROM audit_log WHERE action = 'account.signed_up' AND "
                                   "subject_id = ?"),
                    { activated.id }),
            1);
        QCOMPARE(
            w.count(QStringLiteral("SELECT COUNT(*) FROM audit_log WHERE action = 'account.activated' AND "
                                   "subject_id = ?"),
                    { activated.id }),
            1);
        // Single use.
        QCOMPARE(w.signUps.activate(token).code, ErrorCode::Expired);
    }

    void guichetdSignsInAtActivation()
    {
        World w;
        GUICHET_REQUIRE_DB(w.t);
        QVERIFY(w.signUps.signUp(nina()).ok());
        const CommandResult r = Sessions(*w.core).activate(w.lastToken(), {}, 30);
        QVERIFY2(r.ok(), qPrintable(r.message));
        const QString session = r.data.value(QStringLiteral("token")).toString();
        QVERIFY(!session.isEmpty());
        const auto found = Sessions(*w.core).find(session);
        QVERIFY(found);
        QCOMPARE(found->userId, w.idOf());
        // A refused activation opens no session.
        QCOMPARE(Sessions(*w.core).activate(QStringLiteral("made-up-code-0123456789"), {}, 30).code,
                 ErrorCode::Expired);
        QCOMPARE(w.count(QStringLiteral("SELECT COUNT(*) FROM sessions")), 1);
    }

    void linkExpiresAfterFortyEightHours()
    {
        World w;
        GUICHET_REQUIRE_DB(w.t);
        QVERIFY(w.signUps.signUp(nina()).ok());
        const QString token = w.lastToken();
        w.clock.advanceSecs(48 * 3600);
        const CommandResult r = w.signUps.activate(token);
        QCOMPARE(r.code, ErrorCode::Expired);
        QCOMPARE(r.field, QStringLiteral("token"));
        QVERIFY(r.message.contains(QLatin1String("Resend the activation mail")));
        QCOMPARE(w.status(), QStringLiteral("pending"));
        w.clock.advanceSecs(-1);
        QVERIFY(w.signUps.activate(token).ok());
    }

    void aNewerMailVoidsTheOlder()
    {
        World w;
        GUICHET_REQUIRE_DB(w.t);
        QVERIFY(w.signUps.signUp(nina()).ok());
        const QString first = w.lastToken();
        w.clock.advanceSecs(60);
        const CommandResult resent = w.signUps.resendActivation(QStringLiteral("NINA.petit@example.org"));
        QVERIFY(resent.ok());
        const QString second = w.lastToken();
        QVERIFY(second != first);
        QCOMPARE(w.mails(), 2);
        QCOMPARE(w.signUps.activate(first).code, ErrorCode::Expired);
        QVERIFY(w.signUps.activate(second).ok());
        // A second sign-up while waiting also replaces the link and the details.
        QVERIFY(w.signUps.signUp(nina(QStringLiteral("other@example.org"))).ok());
        const QString a = w.lastToken(QStringLiteral("other@example.org"));
        SignUpRequest again = nina(QStringLiteral("other@example.org"));
        again.firstName = QStringLiteral("Noé");
        again.language = QStringLiteral("en");
        QVERIFY(w.signUps.signUp(again).ok());
        const QString b = w.lastToken(QStringLiteral("other@example.org"));
        QVERIFY(w.lastMail(QStringLiteral("other@example.org")).startsWith(QLatin1String("Activate your")));
        QCOMPARE(w.signUps.activate(a).code, ErrorCode::Expired);
        const CommandResult other = w.signUps.activate(b);
        QVERIFY(other.ok());
        QCOMPARE(w.accounts.profile(other.id)->profile.firstName, QStringLiteral("Noé"));
    }

    // Bad input names the field and writes nothing.
    void badInputNamesTheFieldAndChangesNothing_data()
    {
        QTest::addColumn<QString>("field");
        QTest::addColumn<QString>("value");
        QTest::addColumn<QString>("expected");
        QTest::newRow("e-mail") << "email"
                                << "not-an-address"
                                << "email";
        QTest::newRow("empty names") << "names"
                                     << ""
                                     << "firstName,lastName";
        QTest::newRow("weak password") << "password"
                                       << "short"
                                       << "password";
        QTest::newRow("password with the e-mail") << "password"
                                                  << "Nina.petit-2026!"
                                                  << "password";
        QTest::newRow("no question") << "secretQuestion"
                                     << " "
                                     << "secretQuestion";
        QTest::newRow("no answer") << "secretAnswer"
                                   << "  "
                                   << "secretAnswer";
        QTest::newRow("language") << "language"
                                  << "de"
                                  << "language";
        QTest::newRow("long e-mail") << "email" << QString(250, QLatin1Char('a')) + "@x.org"
                                     << "email";
        QTest::newRow("long first name") << "firstName" << QString(101, QLatin1Char('n')) << "firstName";
        QTest::newRow("long password") << "password" << QString(1025, QLatin1Char('P')) << "password";
        QTest::newRow("long question")
            << "secretQuestion" << QString(251, QLatin1Char('q')) << "secretQuestion";
        QTest::newRow("long answer") << "secretAnswer" << QString(251, QLatin1Char('a')) << "secretAnswer";
    }
    void badInputNamesTheFieldAndChangesNothing()
    {
        QFETCH(QString, field);
        QFETCH(QString, value);
        QFETCH(QString, expected);
        World w;
        GUICHET_REQUIRE_DB(w.t);
        SignUpRequest r = nina();
        if (field == QLatin1String("email"))
            r.email = value;
        else if (field == QLatin1String("names"))
            r.firstName = r.lastName = value;
        else if (field == QLatin1String("firstName"))
            r.firstName = value;
        else if (field == QLatin1String("password"))
            r.password = value;
        else if (field == QLatin1String("secretQuestion"))
            r.secretQuestion = value;
        else if (field == QLatin1String("secretAnswer"))
            r.secretAnswer = value;
        else if (field == QLatin1String("language"))
            r.language = value;
        const QString before = snapshot(w.db());
        const CommandResult result = w.signUps.signUp(r);
        QCOMPARE(result.code, ErrorCode::InvalidInput);
        QCOMPARE(result.field, expected);
        QVERIFY(!result.message.isEmpty());
        QCOMPARE(snapshot(w.db()), before);
    }

    // No enumeration: an address with an account gets the very answer of a new
    // one, the same work is done, and its owner is told by mail.
    void knownAddressGetsTheSameAnswer()
    {
        World w;
        GUICHET_REQUIRE_DB(w.t);
        const qint64 bob
            = w.accounts
                  .createUser({ QStringLiteral("bob@example.org"), QStringLiteral("Bob"),
                                QStringLiteral("Durand"), kPassword, false, QStringLiteral("en") })
                  .id;
        const CommandResult fresh = w.signUps.signUp(nina(QStringLiteral("new@example.org")));
        const QString before = snapshot(w.db(),
                                        { QStringLiteral("mail_outbox"), QStringLiteral("audit_log"),
                                          QStringLiteral("counters"), QStringLiteral("committed_versions") });
        const CommandResult known = w.signUps.signUp(nina(QStringLiteral("bob@example.org")));
        QVERIFY(fresh.ok());
        QVERIFY(known.ok());
        QCOMPARE(known.code, fresh.code);
        QCOMPARE(known.id, fresh.id);
        QCOMPARE(known.field, fresh.field);
        // The message names the address typed, nothing else differs.
        QCOMPARE(known.data.value(QStringLiteral("message")).toString(),
                 SignUps::signUpMessage(QStringLiteral("bob@example.org")));
        QCOMPARE(fresh.data.value(QStringLiteral("message")).toString(),
                 SignUps::signUpMessage(QStringLiteral("new@example.org")));
        QCOMPARE(known.data.keys(), fresh.data.keys());
        // Bob's account did not change (but for when he was last told, the
        // hourly limit's bookkeeping); he got a mail in his language.
        QVERIFY(!w.db()
                     .value(QStringLiteral("SELECT account_notice_at FROM users WHERE id = ?"), { bob })
                     .isNull());
        w.db().exec(QStringLiteral("UPDATE users SET account_notice_at = NULL WHERE id = ?"), { bob });
        QCOMPARE(snapshot(w.db(),
                          { QStringLiteral("mail_outbox"), QStringLiteral("audit_log"),
                            QStringLiteral("counters"), QStringLiteral("committed_versions") }),
                 before);
        QCOMPARE(w.status(QStringLiteral("bob@example.org")), QStringLiteral("active"));
        QVERIFY(w.accounts.authenticate(QStringLiteral("bob@example.org"), kPassword).ok());
        const QString mail = w.lastMail(QStringLiteral("bob@example.org"));
        QVERIFY2(mail.startsWith(QLatin1String("Someone tried to create a Guichet account")),
                 qPrintable(mail));
        QVERIFY(mail.contains(QLatin1String("sign in")));
        QCOMPARE(
            w.count(QStringLiteral("SELECT COUNT(*) FROM audit_log WHERE action = 'account.sign_up_existing' "
                                   "AND subject_id = ?"),
                    { bob }),
            1);
        // The same through the dispatcher (what guichetd answers).
        CommandDispatcher dispatcher(*w.core);
        const CommandCall call = commands::signUp(nina(QStringLiteral("bob@example.org")));
        const CommandResult viaKnown = dispatcher.execute(0, call.name, call.args);
        QCOMPARE(viaKnown.data, known.data);
    }

    // A stranger repeating sign-ups with Bob's address: Bob is told at most
    // once an hour; the answers stay the same, every attempt is audited.
    void theOwnerIsToldAtMostOnceAnHour()
    {
        World w;
        GUICHET_REQUIRE_DB(w.t);
        QVERIFY(w.accounts
                    .createUser({ QStringLiteral("bob@example.org"), QStringLiteral("Bob"),
                                  QStringLiteral("Durand"), kPassword, false, QStringLiteral("en") })
                    .ok());
        const auto notices = [&w] {
            return w.count(
                QStringLiteral("SELECT COUNT(*) FROM mail_outbox WHERE recipient = 'bob@example.org' "
                               "AND subject LIKE 'Someone tried%'"));
        };
        const CommandResult first = w.signUps.signUp(nina(QStringLiteral("bob@example.org")));
        QVERIFY(first.ok());
        QCOMPARE(notices(), 1);
        for (int i = 0; i < 3; ++i) {
            w.clock.advanceSecs(15 * 60 - 1);
            const CommandResult again = w.signUps.signUp(nina(QStringLiteral("bob@example.org")));
            QCOMPARE(again.data, first.data);
        }
        QCOMPARE(notices(), 1); // 45 minutes later, still one
        w.clock.advanceSecs(accountRules::AccountNoticeIntervalSecs - 3 * (15 * 60 - 1));
        QVERIFY(w.signUps.signUp(nina(QStringLiteral("bob@example.org"))).ok());
        QCOMPARE(notices(), 2); // an hour after the first
        QCOMPARE(w.count(QStringLiteral(
                     "SELECT COUNT(*) FROM audit_log WHERE action = 'account.sign_up_existing'")),
                 5);
    }

    // The same work: both answers make the same argon2id hashes (the password
    // and the answer), whatever the address; the rest is a few statements.
    // Their times are compared too, interleaved so that the load of the
    // machine falls on both, with a bound that only an answer skipping the
    // hashing (ten times faster) crosses.
    void knownAndUnknownAddressesDoTheSameWork()
    {
        World w;
        GUICHET_REQUIRE_DB(w.t);
        QVERIFY(w.accounts
                    .createUser({ QStringLiteral("bob@example.org"),
                                  QStringLiteral("Bob"),
                                  QStringLiteral("Durand"),
                                  kPassword,
                                  false,
                                  {} })
                    .ok());
        quint64 before = PasswordHasher::hashesMade();
        QVERIFY(w.signUps.signUp(nina(QStringLiteral("bob@example.org"))).ok());
        const quint64 knownHashes = PasswordHasher::hashesMade() - before;
        before = PasswordHasher::hashesMade();
        QVERIFY(w.signUps.signUp(nina(QStringLiteral("new@example.org"))).ok());
        const quint64 unknownHashes = PasswordHasher::hashesMade() - before;
        QCOMPARE(knownHashes, quint64(2));
        QCOMPARE(unknownHashes, knownHashes);

        PasswordHasher::setFastHashingForTests(false);
        QList<qint64> known, unknown;
        for (int i = 0; i < 5; ++i) {
            for (const bool knownAddress : { true, false }) {
                const QString email = knownAddress ? QStringLiteral("bob@example.org")
                                                   : QStringLiteral("new%1@example.org").arg(i);
                QElapsedTimer timer;
                timer.start();
                const bool ok = w.signUps.signUp(nina(email)).ok();
                (knownAddress ? known : unknown).append(ok ? timer.nsecsElapsed() : -1);
            }
        }
        PasswordHasher::setFastHashingForTests(true);
        std::sort(known.begin(), known.end());
        std::sort(unknown.begin(), unknown.end());
        QVERIFY(known.first() > 0 && unknown.first() > 0);
        const double ratio = double(known.at(2)) / double(unknown.at(2));
        qInfo("signUp medians: known address %.1f ms, unknown address %.1f ms", known.at(2) / 1e6,
              unknown.at(2) / 1e6);
        QVERIFY2(ratio > 0.5 && ratio < 2.0, qPrintable(QString::number(ratio)));
    }

    void resendAnswersTheSameForEveryAddress()
    {
        World w;
        GUICHET_REQUIRE_DB(w.t);
        QVERIFY(w.accounts
                    .createUser({ QStringLiteral("bob@example.org"),
                                  QStringLiteral("Bob"),
                                  QStringLiteral("Durand"),
                                  kPassword,
                                  false,
                                  {} })
                    .ok());
        QVERIFY(w.signUps.signUp(nina()).ok());
        const int mails = w.mails();
        const CommandResult waiting = w.signUps.resendActivation(kEmail);
        QCOMPARE(w.mails(), mails + 1);
        const QString before = snapshot(w.db());
        const CommandResult unknown = w.signUps.resendActivation(QStringLiteral("nobody@example.org"));
        const CommandResult active = w.signUps.resendActivation(QStringLiteral("bob@example.org"));
        QCOMPARE(snapshot(w.db()), before); // nothing sent, nothing written
        for (const CommandResult &r : { unknown, active }) {
            QVERIFY(r.ok());
            QCOMPARE(r.id, waiting.id);
            QCOMPARE(r.data, waiting.data);
        }
        QCOMPARE(w.signUps.resendActivation(QString()).field, QStringLiteral("email"));
        QCOMPARE(w.signUps.resendActivation(QString(255, QLatin1Char('a'))).field, QStringLiteral("email"));
    }

    // Accounts never activated go after ActivationPeriodDays; the address can sign up again.
    void unactivatedAccountsAreRemoved()
    {
        World w;
        GUICHET_REQUIRE_DB(w.t);
        QVERIFY(w.signUps.signUp(nina()).ok());
        const qint64 id = w.idOf();
        w.clock.advanceDays(accountRules::ActivationPeriodDays - 1);
        const QString lastDay = w.lastToken();
        QVERIFY(w.signUps.resendActivation(kEmail).ok());
        const QString token = w.lastToken();
        QVERIFY(token != lastDay);
        // The link sent on the last day ends with the account, not 48 hours later.
        QCOMPARE(
            w.count(QStringLiteral("SELECT COUNT(*) FROM tokens WHERE token_hash = ? AND expires_at = ?"),
                    { secretTokenHash(token), w.clock.now().addDays(1).toMSecsSinceEpoch() }),
            1);
        w.clock.advanceDays(1);
        QCOMPARE(w.signUps.activate(token).code, ErrorCode::Expired);
        const QString before = snapshot(w.db());
        QVERIFY(w.signUps.resendActivation(kEmail).ok());
        QCOMPARE(snapshot(w.db()), before); // over: no new mail

        const CommandResult removed = w.signUps.removeExpired();
        QVERIFY(removed.ok());
        QCOMPARE(removed.data.value(QStringLiteral("removed")).toInt(), 1);
        QCOMPARE(w.count(QStringLiteral("SELECT COUNT(*) FROM users WHERE email = ?"), { kEmail }), 0);
        QCOMPARE(w.count(QStringLiteral("SELECT COUNT(*) FROM tokens WHERE user_id = ?"), { id }), 0);
        const QStringList sentences = [&] {
            QStringList list;
            for (const RenderedAuditEntry &e : AuditLog(*w.core).rendered({}))
                list << e.sentence;
            return list;
        }();
        QVERIFY2(sentences.filter(QStringLiteral("was not activated within 7 day")).size() == 1,
                 qPrintable(sentences.join(QLatin1Char('\n'))));

        // Signing up again gives another account, never the removed one's id.
        QVERIFY(w.signUps.signUp(nina()).ok());
        QVERIFY(w.idOf() > id);
        QVERIFY(w.signUps.activate(w.lastToken()).ok());
    }

    void supportResendsTheActivationMail()
    {
        World w;
        GUICHET_REQUIRE_DB(w.t);
        const qint64 agent = w.accounts
                                 .createUser({ QStringLiteral("agent@support.example"),
                                               QStringLiteral("Sam"),
                                               QStringLiteral("Agent"),
                                               kPassword,
                                               true,
                                               {} })
                                 .id;
        const qint64 bob = w.accounts
                               .createUser({ QStringLiteral("bob@example.org"),
                                             QStringLiteral("Bob"),
                                             QStringLiteral("Durand"),
                                             kPassword,
                                             false,
                                             {} })
                               .id;
        QVERIFY(w.signUps.signUp(nina()).ok());
        const QString first = w.lastToken();
        const qint64 id = w.idOf();
        // Not support: refused, nothing sent.
        const QString before = snapshot(w.db());
        QCOMPARE(w.signUps.supportResendActivation(bob, id).code, ErrorCode::Forbidden);
        QCOMPARE(snapshot(w.db()), before);
        const CommandResult r = w.signUps.supportResendActivation(agent, id);
        QVERIFY2(r.ok(), qPrintable(r.message));
        QVERIFY(w.lastToken() != first);
        QCOMPARE(w.signUps.activate(first).code, ErrorCode::Expired);
        QCOMPARE(w.signUps.supportResendActivation(agent, bob).code, ErrorCode::Conflict);
        QCOMPARE(w.signUps.supportResendActivation(agent, 999999).code, ErrorCode::NotFound);
        QVERIFY(w.signUps.activate(w.lastToken()).ok());
        QCOMPARE(w.signUps.supportResendActivation(agent, id).code, ErrorCode::Conflict);
    }

    void waitingAccountsAreInvisible()
    {
        World w;
        GUICHET_REQUIRE_DB(w.t);
        QVERIFY(w.signUps.signUp(nina()).ok());
        // Not found by the designation search, not reactivatable.
        QVERIFY(w.accounts.searchUsers(QStringLiteral("Nina")).isEmpty());
        const int mails = w.mails();
        QVERIFY(w.accounts.requestReactivation(kEmail).ok());
        QCOMPARE(w.mails(), mails);
        // An operator cannot create the same address meanwhile.
        QCOMPARE(
            w.accounts.createUser({ kEmail, QStringLiteral("N"), QStringLiteral("P"), kPassword, false, {} })
                .code,
            ErrorCode::Conflict);
    }
};

QTEST_GUILESS_MAIN(TestSignUp)
#include "tst_signup.moc"
