#include "rules/accounts/accounts.h"
#include "rules/accounts/passwords.h"
#include "rules/accounts/signups.h"
#include "ui/account/accountpage.h"
#include "ui/account/activationdialog.h"
#include "ui/account/signindialog.h"
#include "ui/shell/desktopapp.h"
#include "ui/shell/mainwindow.h"
#include "ui/widgets/dialogs.h"
#include "uitestsupport.h"

#include <QLineEdit>
#include <QPushButton>
#include <QRegularExpression>
#include <QTabBar>
#include <QTest>

using namespace guichet;
using namespace guichet::test;

// The sign-in window and the main window's banner and spaces, as a user sees them.
class TestSignInWindow : public QObject
{
    Q_OBJECT

private:
    static void type(SignInDialog *dialog, const QString &email, const QString &password)
    {
        dialog->emailEdit()->clear();
        QTest::keyClicks(dialog->emailEdit(), email);
        dialog->passwordEdit()->clear();
        QTest::keyClicks(dialog->passwordEdit(), password);
    }

private slots:
    void signInOpensTheMainWindowWithTheBanner()
    {
        UiWorld w;
        GUICHET_REQUIRE_DB(w.t);
        w.createUser(QStringLiteral("alice@example.org"), QStringLiteral("Alice"), QStringLiteral("Martin"));
        DesktopApp app(*w.session);
        app.start();
        SignInDialog *dialog = app.signInDialog();
        QVERIFY(dialog && dialog->isVisible());
        type(dialog, QStringLiteral("alice@example.org"), QStringLiteral("Tournesol-2026"));
        QTest::keyClick(dialog->passwordEdit(), Qt::Key_Return);
        QVERIFY(app.mainWindow());
        QVERIFY(app.mainWindow()->isVisible());
        QVERIFY(!dialog->isVisible());
        // The guide's banner: « Prénom NOM ».
        QCOMPARE(app.mainWindow()->userButton()->text(), QStringLiteral("Alice MARTIN"));
        // No subscription yet: only « Mon compte ».
        QCOMPARE(app.mainWindow()->spaceCodes(), QStringList { QStringLiteral("mon_compte") });
        QCOMPARE(w.gateway->userId(), w.db().value(QStringLiteral("SELECT id FROM users")).toLongLong());
    }

    // The right password of an account waiting for activation: the window
    // offers the activation dialog (paste the code or resend the mail); a
    // wrong password offers nothing, as for any address.
    void anAccountWaitingForActivationIsOfferedTheActivationDialog()
    {
        UiWorld w;
        GUICHET_REQUIRE_DB(w.t);
        PasswordHasher::setFastHashingForTests(true);
        const SignUpRequest request = ninaSignUp();
        QVERIFY(SignUps(*w.core).signUp(request).ok());
        DesktopApp app(*w.session);
        app.start();
        SignInDialog *dialog = app.signInDialog();
        QVERIFY(dialog->activateButton()->isHidden());
        type(dialog, request.email, QStringLiteral("Wrong password 12"));
        QTest::mouseClick(dialog->signInButton(), Qt::LeftButton);
        QVERIFY(!dialog->errorText().isEmpty());
        QVERIFY(dialog->activateButton()->isHidden());

        type(dialog, request.email, request.password);
        QTest::mouseClick(dialog->signInButton(), Qt::LeftButton);
        QVERIFY2(dialog->errorText().contains(QLatin1String("not activated")),
                 qPrintable(dialog->errorText()));
        QVERIFY(!dialog->activateButton()->isHidden());
        QVERIFY(!app.mainWindow());

        // The button opens the activation dialog for the address typed; its
        // « Resend » mails a new link.
        const int mailsBefore = w.db().value(QStringLiteral("SELECT COUNT(*) FROM mail_outbox")).toInt();
        QString email;
        QString info;
        Dialogs::queueDialogHook([&](QDialog *d) {
            auto *activation = qobject_cast<ActivationDialog *>(d);
            if (!activation)
                return int(QDialog::Rejected);
            email = activation->emailEdit()->text();
            QTest::mouseClick(activation->resendButton(), Qt::LeftButton);
            info = activation->infoText();
            return int(QDialog::Rejected);
        });
        QTest::mouseClick(dialog->activateButton(), Qt::LeftButton);
        QCOMPARE(email, request.email);
        QCOMPARE(info, SignUps::resendMessage());
        QCOMPARE(w.db().value(QStringLiteral("SELECT COUNT(*) FROM mail_outbox")).toInt(), mailsBefore + 1);
    }

    void wrongPasswordIsRefusedInRed()
    {
        UiWorld w;
        GUICHET_REQUIRE_DB(w.t);
        w.createUser(QStringLiteral("alice@example.org"));
        DesktopApp app(*w.session);
        app.start();
        SignInDialog *dialog = app.signInDialog();
        type(dialog, QStringLiteral("alice@example.org"), QStringLiteral("wrong-password"));
        QTest::mouseClick(dialog->signInButton(), Qt::LeftButton);
        QVERIFY(!app.mainWindow());
        QVERIFY(dialog->isVisible());
        QVERIFY(!dialog->errorText().isEmpty());
        QVERIFY(dialog->passwordEdit()->text().isEmpty());
        QCOMPARE(w.gateway->userId(), 0);
        // Typing again makes the message stale: it goes.
        QTest::keyClicks(dialog->passwordEdit(), QStringLiteral("x"));
        QVERIFY(dialog->errorText().isEmpty());
    }

    // Locked out by guesses from this computer: the lockout mail's code lets
    // the owner in (issue 13, item 4).
    void theUnlockCodeOfTheLockoutMailSignsTheOwnerIn()
    {
        UiWorld w;
        GUICHET_REQUIRE_DB(w.t);
        const qint64 alice = w.createUser(QStringLiteral("alice@example.org"));
        DesktopApp app(*w.session);
        app.start();
        SignInDialog *dialog = app.signInDialog();
        QVERIFY(!dialog->unlockCodeEdit()->isVisible());
        for (int i = 0; i < 5; ++i) {
            type(dialog, QStringLiteral("alice@example.org"), QStringLiteral("wrong-password"));
            QTest::mouseClick(dialog->signInButton(), Qt::LeftButton);
            w.clock.advanceSecs(10);
        }
        QVERIFY(dialog->errorText().contains(QLatin1String("locked")));
        // Refused with the right password too; the window now asks for the code.
        type(dialog, QStringLiteral("alice@example.org"), QStringLiteral("Tournesol-2026"));
        QTest::mouseClick(dialog->signInButton(), Qt::LeftButton);
        QVERIFY(!app.mainWindow());
        QVERIFY(dialog->unlockCodeEdit()->isVisible());

        const QString body
            = w.db()
                  .value(QStringLiteral("SELECT body_text FROM mail_outbox WHERE user_id = ?"), { alice })
                  .toString();
        const QString code
            = QRegularExpression(QStringLiteral(":\\n([A-Za-z0-9_-]{40,})\\n")).match(body).captured(1);
        QVERIFY2(!code.isEmpty(), qPrintable(body));
        // A wrong code is named.
        type(dialog, QStringLiteral("alice@example.org"), QStringLiteral("Tournesol-2026"));
        QTest::keyClicks(dialog->unlockCodeEdit(), QStringLiteral("not-the-code"));
        QTest::mouseClick(dialog->signInButton(), Qt::LeftButton);
        QVERIFY(!app.mainWindow());
        QVERIFY(dialog->unlockCodeEdit()->property("invalid").toBool());
        // The right one opens the main window.
        type(dialog, QStringLiteral("alice@example.org"), QStringLiteral("Tournesol-2026"));
        dialog->unlockCodeEdit()->clear();
        QTest::keyClicks(dialog->unlockCodeEdit(), code);
        QTest::mouseClick(dialog->signInButton(), Qt::LeftButton);
        QVERIFY(app.mainWindow());
        QVERIFY(app.mainWindow()->isVisible());
    }

    void theTitleSaysEachThingOnce()
    {
        UiWorld w;
        GUICHET_REQUIRE_DB(w.t);
        DesktopApp app(*w.session);
        app.start();
        // The platform adds the application's display name to the window's own title.
        QCOMPARE(app.signInDialog()->windowTitle(), QStringLiteral("Sign in"));
        QVERIFY(!app.signInDialog()->windowTitle().contains(QStringLiteral("Guichet")));
    }

    void missingFieldsAreNamedAndNothingIsSent()
    {
        UiWorld w;
        GUICHET_REQUIRE_DB(w.t);
        w.createUser(QStringLiteral("alice@example.org"));
        DesktopApp app(*w.session);
        app.start();
        SignInDialog *dialog = app.signInDialog();
        type(dialog, QString(), QString());
        QTest::mouseClick(dialog->signInButton(), Qt::LeftButton);
        QVERIFY(!dialog->errorText().isEmpty());
        QVERIFY(dialog->emailEdit()->property("invalid").toBool());
        QVERIFY(dialog->passwordEdit()->property("invalid").toBool());
        // No attempt reached core: nothing counted against the account.
        QCOMPARE(w.db().value(QStringLiteral("SELECT COUNT(*) FROM sign_in_failures")).toInt(), 0);
    }

    void signOutReturnsToTheSignInWindow()
    {
        UiWorld w;
        GUICHET_REQUIRE_DB(w.t);
        w.createUser(QStringLiteral("alice@example.org"));
        DesktopApp app(*w.session);
        app.start();
        type(app.signInDialog(), QStringLiteral("alice@example.org"), QStringLiteral("Tournesol-2026"));
        QTest::mouseClick(app.signInDialog()->signInButton(), Qt::LeftButton);
        QVERIFY(app.mainWindow());
        QTest::mouseClick(app.mainWindow()->findChild<QPushButton *>(QStringLiteral("signOut")),
                          Qt::LeftButton);
        QTRY_VERIFY(!app.mainWindow());
        QVERIFY(app.signInDialog()->isVisible());
        QCOMPARE(w.gateway->userId(), 0);
        // The e-mail is remembered for next time.
        QCOMPARE(app.signInDialog()->emailEdit()->text(), QStringLiteral("alice@example.org"));
    }
};

QTEST_MAIN(TestSignInWindow)
#include "tst_signinwindow.moc"
