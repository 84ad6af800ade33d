#include "fixtures.h"
#include "kernel/core.h"
#include "manualclock.h"
#include "rules/accounts/accounts.h"
#include "rules/accounts/passwords.h"
#include "rules/attachments/principals.h"
#include "testdatabase.h"

#include <QTest>

using namespace guichet;
using namespace guichet::test;

namespace {
const QString kPassword = QStringLiteral("Tournesol2024x");
} // namespace

class TestAccounts : public QObject
{
    Q_OBJECT

private:
    struct World
    {
        TestDatabase t;
        ManualClock clock;
        Core core { t.db(), clock };
        Accounts accounts { core };

        int count(const QString &sql, const QVariantList &args = {})
        {
            return t.db().value(sql, args).toInt();
        }
        int audits() { return count(QStringLiteral("SELECT COUNT(*) FROM audit_log")); }
        QVariant user(qint64 id, const char *column)
        {
            return t.db().value(
                QStringLiteral("SELECT %1 FROM users WHERE id = ?").arg(QLatin1String(column)), { id });
        }
        qint64 create(const QString &email, const QString &first = QStringLiteral("Alice"))
        {
            return accounts
                .createUser(
                    { email, first, QStringLiteral("Martin"), kPassword, false, QStringLiteral("fr") })
                .id;
        }
    };

    static Profile fullProfile()
    {
        return { QStringLiteral("alice@home.example"),
                 QStringLiteral("Martin-Durand"),
                 QStringLiteral("Alice"),
                 QStringLiteral("3 rue des Lilas"),
                 QStringLiteral("69003"),
                 QStringLiteral("Lyon"),
                 QStringLiteral("France") };
    }

private slots:
    void initTestCase() { PasswordHasher::setFastHashingForTests(true); }

    void createUserStoresLowerCaseAndIsAudited()
    {
        World w;
        GUICHET_REQUIRE_DB(w.t);
        const CommandResult r
            = w.accounts.createUser({ QStringLiteral(" Alice.Martin@Example.ORG "), QStringLiteral("Alice"),
                                      QStringLiteral("Martin"), kPassword, true, QStringLiteral("en") });
        QVERIFY2(r.ok(), qPrintable(r.message));
        QCOMPARE(w.user(r.id, "email").toString(), QStringLiteral("alice.martin@example.org"));
        QCOMPARE(w.user(r.id, "contact_email").toString(), QStringLiteral("alice.martin@example.org"));
        QCOMPARE(w.user(r.id, "is_support").toInt(), 1);
        QCOMPARE(w.user(r.id, "language").toString(), QStringLiteral("en"));
        QVERIFY(w.user(r.id, "password_hash").toString().startsWith(QLatin1String("$argon2id$")));
        QVERIFY(w.user(r.id, "version").toLongLong() > 0);
        QCOMPARE(w.count(QStringLiteral("SELECT COUNT(*) FROM audit_log WHERE command = 'createUser' AND "
                                        "entity_id = ? AND actor_id IS NULL"),
                         { r.id }),
                 1);
    }

    void createUserRefusesBadInputAndChangesNothing()
    {
        World w;
        GUICHET_REQUIRE_DB(w.t);
        QVERIFY(w.create(QStringLiteral("alice@example.org")));
        const int users = w.count(QStringLiteral("SELECT COUNT(*) FROM users"));
        const int audits = w.audits();

        CommandResult r
            = w.accounts.createUser({ QStringLiteral("not-an-address"), QString(), QStringLiteral(" "),
                                      kPassword, false, QStringLiteral("fr") });
        QCOMPARE(r.code, ErrorCode::InvalidInput);
        QCOMPARE(r.field, QStringLiteral("email,firstName,lastName"));
        // The same address in other letter case is a duplicate.
        r = w.accounts.createUser({ QStringLiteral("ALICE@example.org"),
                                    QStringLiteral("A"),
                                    QStringLiteral("B"),
                                    kPassword,
                                    false,
                                    {} });
        QCOMPARE(r.code, ErrorCode::Conflict);
        QCOMPARE(r.field, QStringLiteral("email"));
        r = w.accounts.createUser({ QStringLiteral("bob@example.org"),
                                    QStringLiteral("Bob"),
                                    QStringLiteral("B"),
                                    QStringLiteral("short"),
                                    false,
                                    {} });
        QCOMPARE(r.code, ErrorCode::InvalidInput);
        QCOMPARE(r.field, QStringLiteral("password"));
        r = w.accounts.createUser({ QStringLiteral("bob@example.org"), QStringLiteral("Bob"),
                                    QStringLiteral("B"), kPassword, false, QStringLiteral("de") });
        QCOMPARE(r.field, QStringLiteral("language"));
        QCOMPARE(w.count(QStringLiteral("SELECT COUNT(*) FROM users")), users);
        QCOMPARE(w.audits(), audits);
    }

    void searchUsersByNameAddressOrEmail()
    {
        World w;
        GUICHET_REQUIRE_DB(w.t);
        const qint64 helene = w.create(QStringLiteral("helene@example.org"), QStringLiteral("Hélène"));
        const qint64 bruno = w.create(QStringLiteral("bruno@fournil.example"), QStringLiteral("Bruno"));
        const qint64 gone = w.create(QStringLiteral("gone@example.org"), QStringLiteral("Hélèna"));
        QVERIFY(w.accounts.updateProfile(bruno, fullProfile()).ok()); // 3 rue des Lilas, Lyon
        w.t.db().exec(QStringLiteral("UPDATE users SET status = 'deactivated' WHERE id = ?"), { gone });
        const auto ids = [&](const QString &text) {
            QList<qint64> result;
            for (const UserSearchResult &row : w.accounts.searchUsers(text))
                result << row.id;
            return result;
        };
        QCOMPARE(ids(QStringLiteral("HELENE")),
                 QList<qint64> { helene }); // accents and case; not deactivated
        QCOMPARE(ids(QStringLiteral("fournil")), QList<qint64> { bruno }); // e-mail
        QCOMPARE(ids(QStringLiteral("lilas lyon")), QList<qint64> { bruno }); // postal address, every word
        QCOMPARE(ids(QStringLiteral("martin")).size(), 2); // last name
        QVERIFY(ids(QStringLiteral("   ")).isEmpty());
        QCOMPARE(w.accounts.searchUsers(QStringLiteral("martin"), 1).size(), 1);
    }

    void emailSyntax()
    {
        QVERIFY(isValidEmail(QStringLiteral("jean.dupont@example.org")));
        QVERIFY(isValidEmail(QStringLiteral("j+factures@sub.example-mail.fr")));
        QVERIFY(!isValidEmail(QStringLiteral("jean.dupont@example")));
        QVERIFY(!isValidEmail(QStringLiteral("jean..dupont@example.org")));
        QVERIFY(!isValidEmail(QStringLiteral("jean dupont@example.org")));
        QVERIFY(!isValidEmail(QStringLiteral("@example.org")));
        QVERIFY(!isValidEmail(QStringLiteral("jean@-example.org")));
        QVERIFY(!isValidEmail(QString()));
    }

    void profileIsSavedAndRead()
    {
        World w;
        GUICHET_REQUIRE_DB(w.t);
        const qint64 alice = w.create(QStringLiteral("alice@example.org"));
        const CommandResult r = w.accounts.updateProfile(alice, fullProfile());
        QVERIFY2(r.ok(), qPrintable(r.message));
        const auto view = w.accounts.profile(alice);
        QVERIFY(view);
        QCOMPARE(view->email, QStringLiteral("alice@example.org"));
        QCOMPARE(view->profile.contactEmail, QStringLiteral("alice@home.example"));
        QCOMPARE(view->profile.lastName, QStringLiteral("Martin-Durand"));
        QCOMPARE(view->profile.city, QStringLiteral("Lyon"));
        QCOMPARE(view->profile.country, QStringLiteral("France"));
        QVERIFY(view->active);
        QCOMPARE(w.count(QStringLiteral("SELECT COUNT(*) FROM audit_log WHERE command = 'updateProfile' AND "
                                        "actor_id = ?"),
                         { alice }),
                 1);
    }

    void profileNamesEveryMissingFieldAndSavesNothing()
    {
        World w;
        GUICHET_REQUIRE_DB(w.t);
        const qint64 alice = w.create(QStringLiteral("alice@example.org"));
        const qint64 version = w.user(alice, "version").toLongLong();
        const int audits = w.audits();
        Profile p = fullProfile();
        p.contactEmail = QStringLiteral("alice@home");
        p.lastName = QStringLiteral("  ");
        p.firstName.clear();
        const CommandResult r = w.accounts.updateProfile(alice, p);
        QCOMPARE(r.code, ErrorCode::InvalidInput);
        QCOMPARE(r.field, QStringLiteral("contactEmail,lastName,firstName"));
        QVERIFY(r.message.contains(QLatin1String("contact e-mail")));
        QVERIFY(r.message.contains(QLatin1String("last name")));
        QVERIFY(r.message.contains(QLatin1String("first name")));
        // One missing field only: only that one is named.
        p = fullProfile();
        p.firstName.clear();
        QCOMPARE(w.accounts.updateProfile(alice, p).field, QStringLiteral("firstName"));
        // Nothing saved, not even the valid address fields.
        QCOMPARE(w.user(alice, "city").toString(), QString());
        QCOMPARE(w.user(alice, "contact_email").toString(), QStringLiteral("alice@example.org"));
        QCOMPARE(w.user(alice, "version").toLongLong(), version);
        QCOMPARE(w.audits(), audits);
    }

    void changePasswordNeedsTheCurrentOne()
    {
        World w;
        GUICHET_REQUIRE_DB(w.t);
        const qint64 alice = w.create(QStringLiteral("alice@example.org"));
        const QString hash = w.user(alice, "password_hash").toString();
        const int audits = w.audits();
        const QString next = QStringLiteral("Marguerite 2026");

        CommandResult r = w.accounts.changePassword(alice, QStringLiteral("Wrong one 123"), next, next);
        QCOMPARE(r.code, ErrorCode::InvalidInput);
        QCOMPARE(r.field, QStringLiteral("currentPassword"));
        r = w.accounts.changePassword(alice, kPassword, next, QStringLiteral("Marguerite 2027"));
        QCOMPARE(r.field, QStringLiteral("confirmation"));
        r = w.accounts.changePassword(alice, kPassword, QStringLiteral("marguerite"),
                                      QStringLiteral("marguerite"));
        QCOMPARE(r.field, QStringLiteral("newPassword"));
        r = w.accounts.changePassword(alice, kPassword, kPassword, kPassword);
        QCOMPARE(r.field, QStringLiteral("newPassword"));
        QVERIFY(r.message.contains(QLatin1String("different")));
        QCOMPARE(w.user(alice, "password_hash").toString(), hash);
        QCOMPARE(w.audits(), audits);

        r = w.accounts.changePassword(alice, kPassword, next, next);
        QVERIFY2(r.ok(), qPrintable(r.message));
        QVERIFY(w.accounts.authenticate(QStringLiteral("alice@example.org"), next).ok());
        QCOMPARE(w.accounts.authenticate(QStringLiteral("alice@example.org"), kPassword).code,
                 ErrorCode::Unauthenticated);
    }

    void secretQuestionNeedsBothFieldsAndThePassword()
    {
        World w;
        GUICHET_REQUIRE_DB(w.t);
        const qint64 alice = w.create(QStringLiteral("alice@example.org"));
        const int audits = w.audits();
        CommandResult r = w.accounts.setSecretQuestion(alice, kPassword, QStringLiteral(" "), QString());
        QCOMPARE(r.code, ErrorCode::InvalidInput);
        QCOMPARE(r.field, QStringLiteral("question,answer"));
        r = w.accounts.setSecretQuestion(alice, kPassword, QStringLiteral("Nom de mon chien ?"), QString());
        QCOMPARE(r.field, QStringLiteral("answer"));
        r = w.accounts.setSecretQuestion(alice, QStringLiteral("nope"), QStringLiteral("Nom de mon chien ?"),
                                         QStringLiteral("Rex"));
        QCOMPARE(r.field, QStringLiteral("currentPassword"));
        QCOMPARE(w.user(alice, "secret_question").toString(), QString());
        QCOMPARE(w.audits(), audits);

        r = w.accounts.setSecretQuestion(alice, kPassword, QStringLiteral("Nom de mon chien ?"),
                                         QStringLiteral(" Rex "));
        QVERIFY2(r.ok(), qPrintable(r.message));
        QCOMPARE(w.accounts.profile(alice)->secretQuestion, QStringLiteral("Nom de mon chien ?"));
        QVERIFY(w.accounts.profile(alice)->hasSecretAnswer);
        QVERIFY(PasswordHasher::verifySecretAnswer(w.user(alice, "secret_answer_hash").toString(),
                                                   QStringLiteral("rex")));
    }

    void personalInformationSavesEverythingInOneCommand()
    {
        World w;
        GUICHET_REQUIRE_DB(w.t);
        const qint64 alice = w.create(QStringLiteral("alice@example.org"));
        PersonalInformation info;
        info.profile = fullProfile();
        info.currentPassword = kPassword;
        info.newPassword = QStringLiteral("Marguerite 2026");
        info.confirmation = info.newPassword;
        info.secretQuestion = QStringLiteral("Nom de mon chien ?");
        info.secretAnswer = QStringLiteral("Rex");
        const CommandResult r = w.accounts.updatePersonalInformation(alice, info);
        QVERIFY2(r.ok(), qPrintable(r.field + QLatin1String(": ") + r.message));
        QVERIFY(r.data.value(QStringLiteral("passwordChanged")).toBool());
        QVERIFY(r.data.value(QStringLiteral("secretQuestionChanged")).toBool());
        QCOMPARE(w.accounts.profile(alice)->profile.city, QStringLiteral("Lyon"));
        QCOMPARE(w.accounts.profile(alice)->secretQuestion, QStringLiteral("Nom de mon chien ?"));
        QVERIFY(PasswordHasher::verifySecretAnswer(w.user(alice, "secret_answer_hash").toString(),
                                                   QStringLiteral("rex")));
        QVERIFY(w.accounts.authenticate(QStringLiteral("alice@example.org"), info.newPassword).ok());
        // One audit entry per change, all under the one command.
        QCOMPARE(w.count(QStringLiteral("SELECT COUNT(*) FROM audit_log WHERE command = "
                                        "'updatePersonalInformation' AND actor_id = ?"),
                         { alice }),
                 3);
    }

    void personalInformationWithoutPasswordOrQuestionNeedsNoCurrentPassword()
    {
        World w;
        GUICHET_REQUIRE_DB(w.t);
        const qint64 alice = w.create(QStringLiteral("alice@example.org"));
        QVERIFY(
            w.accounts
                .setSecretQuestion(alice, kPassword, QStringLiteral("Ville natale ?"), QStringLiteral("Lyon"))
                .ok());
        const QString hash = w.user(alice, "password_hash").toString();
        const QString answerHash = w.user(alice, "secret_answer_hash").toString();
        PersonalInformation info;
        info.profile = fullProfile();
        // The stored question without an answer: kept as it is.
        info.secretQuestion = QStringLiteral("Ville natale ?");
        CommandResult r = w.accounts.updatePersonalInformation(alice, info);
        QVERIFY2(r.ok(), qPrintable(r.field + QLatin1String(": ") + r.message));
        QVERIFY(!r.data.value(QStringLiteral("passwordChanged")).toBool());
        QVERIFY(!r.data.value(QStringLiteral("secretQuestionChanged")).toBool());
        QCOMPARE(w.user(alice, "last_name").toString(), QStringLiteral("Martin-Durand"));
        QCOMPARE(w.user(alice, "password_hash").toString(), hash);
        QCOMPARE(w.user(alice, "secret_answer_hash").toString(), answerHash);
        // Both left empty keep them too.
        info.secretQuestion.clear();
        info.profile.city = QStringLiteral("Lille");
        QVERIFY(w.accounts.updatePersonalInformation(alice, info).ok());
        QCOMPARE(w.user(alice, "secret_question").toString(), QStringLiteral("Ville natale ?"));
        QCOMPARE(w.user(alice, "city").toString(), QStringLiteral("Lille"));
    }

    void personalInformationWithABadPasswordChangeSavesNothing()
    {
        World w;
        GUICHET_REQUIRE_DB(w.t);
        const qint64 alice = w.create(QStringLiteral("alice@example.org"));
        const QString before = snapshot(w.t.db());
        PersonalInformation info;
        info.profile = fullProfile(); // valid on its own
        info.currentPassword = kPassword;
        info.newPassword = QStringLiteral("Marguerite 2026");
        info.confirmation = QStringLiteral("Marguerite 2027");
        CommandResult r = w.accounts.updatePersonalInformation(alice, info);
        QCOMPARE(r.code, ErrorCode::InvalidInput);
        QCOMPARE(r.field, QStringLiteral("confirmation"));
        QCOMPARE(snapshot(w.t.db()), before);

        // A wrong current password: neither the profile nor the password.
        info.currentPassword = QStringLiteral("Wrong one 123");
        info.confirmation = info.newPassword;
        r = w.accounts.updatePersonalInformation(alice, info);
        QCOMPARE(r.field, QStringLiteral("currentPassword"));
        QVERIFY(r.message.contains(QLatin1String("current password")));
        QCOMPARE(snapshot(w.t.db()), before);

        // Every problem of the form at once, in the form's order.
        info.profile.contactEmail = QStringLiteral("alice@home");
        info.profile.lastName.clear();
        info.newPassword = QStringLiteral("marguerite");
        info.confirmation = info.newPassword;
        r = w.accounts.updatePersonalInformation(alice, info);
        QCOMPARE(r.field, QStringLiteral("contactEmail,lastName,currentPassword,newPassword"));
        for (const char *label : { "contact e-mail", "last name", "current password", "new password" })
            QVERIFY2(r.message.contains(QLatin1String(label)), qPrintable(r.message));
        QCOMPARE(snapshot(w.t.db()), before);
        QVERIFY(w.accounts.authenticate(QStringLiteral("alice@example.org"), kPassword).ok());
    }

    void personalInformationSecretQuestionNeedsTheCurrentPasswordAndAnAnswer()
    {
        World w;
        GUICHET_REQUIRE_DB(w.t);
        const qint64 alice = w.create(QStringLiteral("alice@example.org"));
        const QString before = snapshot(w.t.db());
        PersonalInformation info;
        info.profile = fullProfile();
        info.secretQuestion = QStringLiteral("Nom de mon chien ?");
        info.secretAnswer = QStringLiteral("Rex");
        CommandResult r = w.accounts.updatePersonalInformation(alice, info);
        QCOMPARE(r.field, QStringLiteral("currentPassword"));
        QCOMPARE(snapshot(w.t.db()), before);
        // Another question needs its answer.
        info.currentPassword = kPassword;
        info.secretAnswer.clear();
        r = w.accounts.updatePersonalInformation(alice, info);
        QCOMPARE(r.field, QStringLiteral("secretAnswer"));
        // An answer needs a question.
        info.secretQuestion = QStringLiteral("  ");
        info.secretAnswer = QStringLiteral("Rex");
        r = w.accounts.updatePersonalInformation(alice, info);
        QCOMPARE(r.field, QStringLiteral("secretQuestion"));
        QCOMPARE(snapshot(w.t.db()), before);

        info.secretQuestion = QStringLiteral("Nom de mon chien ?");
        QVERIFY(w.accounts.updatePersonalInformation(alice, info).ok());
        QCOMPARE(w.accounts.profile(alice)->secretQuestion, QStringLiteral("Nom de mon chien ?"));
        QVERIFY(w.accounts.profile(alice)->hasSecretAnswer);
    }

    void notificationsNeedAValidContactEmail()
    {
        World w;
        GUICHET_REQUIRE_DB(w.t);
        const qint64 alice = w.create(QStringLiteral("alice@example.org"));
        const int audits = w.audits();
        CommandResult r = w.accounts.setNotifications(alice, true, QString());
        QCOMPARE(r.code, ErrorCode::InvalidInput);
        QCOMPARE(r.field, QStringLiteral("contactEmail"));
        r = w.accounts.setNotifications(alice, true, QStringLiteral("alice@"));
        QCOMPARE(r.field, QStringLiteral("contactEmail"));
        QCOMPARE(w.user(alice, "notifications_enabled").toInt(), 0);
        QCOMPARE(w.audits(), audits);

        QVERIFY(w.accounts.setNotifications(alice, true, QStringLiteral("Alice@Home.example")).ok());
        QCOMPARE(w.user(alice, "notifications_enabled").toInt(), 1);
        QCOMPARE(w.user(alice, "contact_email").toString(), QStringLiteral("alice@home.example"));
        // Turning them off keeps the contact address.
        QVERIFY(w.accounts.setNotifications(alice, false, QString()).ok());
        QCOMPARE(w.user(alice, "notifications_enabled").toInt(), 0);
        QCOMPARE(w.user(alice, "contact_email").toString(), QStringLiteral("alice@home.example"));
    }

    void simpleUserDeactivates()
    {
        World w;
        GUICHET_REQUIRE_DB(w.t);
        const qint64 alice = w.create(QStringLiteral("alice@example.org"));
        const qint64 paul = w.create(QStringLiteral("paul@example.org"), QStringLiteral("Paul"));
        const qint64 s = insertStructure(w.t.db(), validSiret(1), QStringLiteral("Menuiserie Dupont"));
        insertAttachment(w.t.db(), paul, s, QStringLiteral("principal"));
        const qint64 validated = insertAttachment(w.t.db(), alice, s, QStringLiteral("user"));
        const qint64 s2 = insertStructure(w.t.db(), validSiret(2), QStringLiteral("Boulangerie"));
        const qint64 pending
            = insertAttachment(w.t.db(), alice, s2, QStringLiteral("user"), QStringLiteral("pending"));
        const qint64 sub = w.t.db().insert(
            QStringLiteral(
                "INSERT INTO subscriptions (user_id, structure_id, space_id, mode, effective_date, status, "
                "requested_at, version) VALUES (?, ?, 1, 'consultation', '2026-03-02', 'pending', 0, 0) "
                "RETURNING id"),
            { alice, s });
        w.t.db().exec(
            QStringLiteral("INSERT INTO tokens (user_id, purpose, token_hash, created_at, expires_at) "
                           "VALUES (?, 'session', 'abc', 0, 99999999999999)"),
            { alice });

        const CommandResult r = w.accounts.deactivateAccount(alice, Successors::none());
        QVERIFY2(r.ok(), qPrintable(r.message));
        QCOMPARE(w.user(alice, "status").toString(), QStringLiteral("deactivated"));
        QCOMPARE(w.user(alice, "deactivated_at").toLongLong(), w.clock.nowMs());
        QCOMPARE(w.accounts.profile(alice)->deactivatedAt, w.clock.now());
        // Pending requests are lost (closed as refused), validated attachments stay.
        QCOMPARE(w.t.db()
                     .value(QStringLiteral("SELECT status FROM attachments WHERE id = ?"), { pending })
                     .toString(),
                 QStringLiteral("refused"));
        QCOMPARE(w.t.db()
                     .value(QStringLiteral("SELECT status FROM subscriptions WHERE id = ?"), { sub })
                     .toString(),
                 QStringLiteral("refused"));
        QCOMPARE(w.t.db()
                     .value(QStringLiteral("SELECT status FROM attachments WHERE id = ?"), { validated })
                     .toString(),
                 QStringLiteral("validated"));
        // Sessions are revoked.
        QCOMPARE(
            w.count(QStringLiteral("SELECT COUNT(*) FROM tokens WHERE user_id = ? AND revoked_at IS NULL"),
                    { alice }),
            0);
        QCOMPARE(principalOf(w.t.db(), s), paul);
    }

    void deactivatedAccountCanDoNothingAndGetsNoMail()
    {
        World w;
        GUICHET_REQUIRE_DB(w.t);
        const qint64 alice = w.create(QStringLiteral("alice@example.org"));
        QVERIFY(w.accounts.deactivateAccount(alice, Successors::none()).ok());
        const int audits = w.audits();
        const CommandResult r = w.accounts.updateProfile(alice, fullProfile());
        QCOMPARE(r.code, ErrorCode::Forbidden);
        QCOMPARE(w.accounts.setNotifications(alice, true, QStringLiteral("a@b.org")).code,
                 ErrorCode::Forbidden);
        QCOMPARE(w.accounts.deactivateAccount(alice, Successors::none()).code, ErrorCode::Forbidden);
        QCOMPARE(w.user(alice, "city").toString(), QString());
        QCOMPARE(w.audits(), audits);

        // Any ordinary mail to the account is dropped.
        const CommandResult mail = w.core.run(
            QStringLiteral("notify"), 0,
            [&](CommandContext &ctx) {
                ctx.result = CommandResult::success(ctx.queueMail(
                    alice, QStringLiteral("alice@example.org"), QStringLiteral("News"), QStringLiteral("…")));
            },
            RunOptions::anonymousCommand());
        QVERIFY(mail.ok());
        QCOMPARE(mail.id, 0);
        QCOMPARE(w.count(QStringLiteral("SELECT COUNT(*) FROM mail_outbox WHERE user_id = ?"), { alice }), 0);
    }

    void principalWithoutSuccessorIsRefusedAndNothingChanges()
    {
        World w;
        GUICHET_REQUIRE_DB(w.t);
        const qint64 alice = w.create(QStringLiteral("alice@example.org"));
        const qint64 paul = w.create(QStringLiteral("paul@example.org"), QStringLiteral("Paul"));
        const qint64 s1 = insertStructure(w.t.db(), validSiret(1), QStringLiteral("Menuiserie Dupont"));
        const qint64 s2 = insertStructure(w.t.db(), validSiret(2), QStringLiteral("Boulangerie Martin"));
        insertAttachment(w.t.db(), alice, s1, QStringLiteral("principal"));
        insertAttachment(w.t.db(), alice, s2, QStringLiteral("principal"));
        const qint64 pending
            = insertAttachment(w.t.db(), alice, s2, QStringLiteral("user"), QStringLiteral("pending"));
        const int audits = w.audits();

        CommandResult r = w.accounts.deactivateAccount(alice, Successors::none());
        QCOMPARE(r.code, ErrorCode::InvalidInput);
        QCOMPARE(r.field, QStringLiteral("successor"));
        QVERIFY(r.message.contains(QLatin1String("Menuiserie Dupont")));
        QVERIFY(r.message.contains(QLatin1String("Boulangerie Martin")));
        // A successor for one structure only: the other is named.
        r = w.accounts.deactivateAccount(alice, Successors::each({ { s1, paul } }));
        QCOMPARE(r.field, QStringLiteral("successor"));
        QVERIFY(!r.message.contains(QLatin1String("Menuiserie Dupont")));
        QVERIFY(r.message.contains(QLatin1String("Boulangerie Martin")));
        // A successor who cannot take the role (the principal herself) refuses it all.
        r = w.accounts.deactivateAccount(alice, Successors::each({ { s1, paul }, { s2, alice } }));
        QCOMPARE(r.field, QStringLiteral("successor"));

        QCOMPARE(w.user(alice, "status").toString(), QStringLiteral("active"));
        QCOMPARE(principalOf(w.t.db(), s1), alice);
        QCOMPARE(principalOf(w.t.db(), s2), alice);
        QCOMPARE(w.t.db()
                     .value(QStringLiteral("SELECT status FROM attachments WHERE id = ?"), { pending })
                     .toString(),
                 QStringLiteral("pending"));
        QCOMPARE(w.audits(), audits);
    }

    void principalWithOneSuccessorForAll()
    {
        World w;
        GUICHET_REQUIRE_DB(w.t);
        const qint64 alice = w.create(QStringLiteral("alice@example.org"));
        const qint64 paul = w.create(QStringLiteral("paul@example.org"), QStringLiteral("Paul"));
        const qint64 s1 = insertStructure(w.t.db(), validSiret(1), QStringLiteral("Menuiserie Dupont"));
        const qint64 s2 = insertStructure(w.t.db(), validSiret(2), QStringLiteral("Boulangerie Martin"));
        insertAttachment(w.t.db(), alice, s1, QStringLiteral("principal"));
        insertAttachment(w.t.db(), alice, s2, QStringLiteral("principal"));

        const CommandResult r = w.accounts.deactivateAccount(alice, Successors::all(paul));
        QVERIFY2(r.ok(), qPrintable(r.message));
        QCOMPARE(principalOf(w.t.db(), s1), paul);
        QCOMPARE(principalOf(w.t.db(), s2), paul);
        QVERIFY(structuresWherePrincipal(w.t.db(), alice, w.clock.today()).isEmpty());
        QCOMPARE(
            w.count(QStringLiteral("SELECT COUNT(*) FROM attachments WHERE user_id = ? AND role = 'user' AND "
                                   "status = 'validated'"),
                    { alice }),
            2);
        QCOMPARE(w.user(alice, "status").toString(), QStringLiteral("deactivated"));
    }

    void principalWithOneSuccessorPerStructure()
    {
        World w;
        GUICHET_REQUIRE_DB(w.t);
        const qint64 alice = w.create(QStringLiteral("alice@example.org"));
        const qint64 paul = w.create(QStringLiteral("paul@example.org"), QStringLiteral("Paul"));
        const qint64 zoe = w.create(QStringLiteral("zoe@example.org"), QStringLiteral("Zoé"));
        const qint64 s1 = insertStructure(w.t.db(), validSiret(1), QStringLiteral("Menuiserie Dupont"));
        const qint64 s2 = insertStructure(w.t.db(), validSiret(2), QStringLiteral("Boulangerie Martin"));
        insertAttachment(w.t.db(), alice, s1, QStringLiteral("principal"));
        insertAttachment(w.t.db(), alice, s2, QStringLiteral("principal"));
        insertAttachment(w.t.db(), zoe, s2, QStringLiteral("secondary"));

        const CommandResult r
            = w.accounts.deactivateAccount(alice, Successors::each({ { s1, paul }, { s2, zoe } }));
        QVERIFY2(r.ok(), qPrintable(r.message));
        QCOMPARE(principalOf(w.t.db(), s1), paul);
        QCOMPARE(principalOf(w.t.db(), s2), zoe);
        QCOMPARE(
            w.t.db()
                .value(QStringLiteral("SELECT role FROM attachments WHERE user_id = ? AND structure_id = ?"),
                       { alice, s2 })
                .toString(),
            QStringLiteral("user"));
        QCOMPARE(
            w.count(QStringLiteral(
                        "SELECT COUNT(*) FROM attachments WHERE structure_id = ? AND role = 'principal'"),
                    { s2 }),
            1);
    }

    void contactEmailIsTheNotificationAddress()
    {
        World w;
        GUICHET_REQUIRE_DB(w.t);
        const qint64 alice = w.create(QStringLiteral("alice@example.org"));
        const CommandResult r = w.accounts.updateProfile(alice, fullProfile());
        QVERIFY2(r.ok(), qPrintable(r.message));
        QCOMPARE(contactEmail(w.t.db(), alice), QStringLiteral("alice@home.example"));
        QVERIFY(contactEmail(w.t.db(), 999999).isEmpty());
    }

    void userCountsCountTheDeactivated()
    {
        World w;
        GUICHET_REQUIRE_DB(w.t);
        QCOMPARE(w.accounts.userCounts().total, qint64(0));
        QCOMPARE(w.accounts.userCounts().deactivated, qint64(0));
        w.create(QStringLiteral("alice@example.org"));
        const qint64 bruno = w.create(QStringLiteral("bruno@example.org"), QStringLiteral("Bruno"));
        w.create(QStringLiteral("chloe@example.org"), QStringLiteral("Chloé"));
        QVERIFY2(w.accounts.deactivateAccount(bruno, Successors::none()).ok(), "deactivation");
        const UserCounts counts = w.accounts.userCounts();
        QCOMPARE(counts.total, qint64(3));
        QCOMPARE(counts.deactivated, qint64(1));
    }
};

QTEST_GUILESS_MAIN(TestAccounts)
#include "tst_accounts.moc"
