#include "kernel/guichetlink.h"
#include "rules/accounts/passwords.h"
#include "rules/accounts/signups.h"
#include "translations/translations.h"
#include "ui/account/activationdialog.h"
#include "ui/account/signindialog.h"
#include "ui/account/signupdialog.h"
#include "ui/shell/desktopapp.h"
#include "ui/shell/linkhandler.h"
#include "ui/shell/mainwindow.h"
#include "ui/shell/outboxdialog.h"
#include "ui/widgets/dialogs.h"
#include "uitestsupport.h"

#include <QDir>
#include <QLabel>
#include <QLineEdit>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QScreen>
#include <QTest>

using namespace guichet;
using namespace guichet::test;

namespace {
const QString kEmail = QStringLiteral("nina.petit@example.org");
const QString kPassword = QLatin1String(signUpPassword);

bool invalid(QWidget *widget)
{
    return widget->property("invalid").toBool();
}

QString newestMailTo(UiWorld &w, const QString &recipient)
{
    return w.db()
        .value(
            QStringLiteral("SELECT body_text FROM mail_outbox WHERE recipient = ? ORDER BY id DESC LIMIT 1"),
            { recipient })
        .toString();
}
} // namespace

// « Créer un compte » and the activation dialog, from the sign-in window.
class TestSignUpDialog : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase() { PasswordHasher::setFastHashingForTests(true); }

    // As a new user: create an account, read the mail in the local outbox,
    // paste its link, and land in the main window signed in.
    void signUpReadTheMailActivateAndLandSignedIn()
    {
        UiWorld w;
        QVERIFY(w.isValid());
        DesktopApp app(*w.session);
        app.start();
        SignInDialog *signIn = app.signInDialog();
        QVERIFY(signIn->signUpButton()->isVisible());
        signIn->emailEdit()->setText(kEmail);

        QString typedEmail, info, outboxSubject, outboxText;
        Dialogs::queueDialogHook([&](QDialog *d) {
            auto *dialog = qobject_cast<SignUpDialog *>(d);
            if (!dialog)
                return int(QDialog::Rejected);
            typedEmail = dialog->emailEdit()->text();
            typeSignUp(dialog, kEmail);
            QTest::mouseClick(dialog->validateButton(), Qt::LeftButton);
            return dialog->result();
        });
        Dialogs::queueDialogHook([&](QDialog *d) {
            auto *dialog = qobject_cast<ActivationDialog *>(d);
            if (!dialog)
                return int(QDialog::Rejected);
            info = dialog->infoText();
            Dialogs::queueDialogHook([&](QDialog *o) {
                auto *outbox = qobject_cast<OutboxDialog *>(o);
                if (!outbox)
                    return int(QDialog::Rejected);
                outboxSubject = outbox->subjectAt(0);
                outboxText = outbox->bodyView()->toPlainText();
                return int(QDialog::Rejected);
            });
            QTest::mouseClick(dialog->outboxButton(), Qt::LeftButton);
            QTest::keyClicks(dialog->tokenEdit(), guichetLinkIn(outboxText));
            QTest::mouseClick(dialog->validateButton(), Qt::LeftButton);
            return dialog->result();
        });
        QTest::mouseClick(signIn->signUpButton(), Qt::LeftButton);

        QCOMPARE(typedEmail, kEmail);
        QCOMPARE(info, SignUps::signUpMessage(kEmail));
        QCOMPARE(outboxSubject, QStringLiteral("Activate your Guichet account"));
        QVERIFY(outboxText.contains(QStringLiteral("guichet://activate?token=")));
        const qint64 nina
            = w.db().value(QStringLiteral("SELECT id FROM users WHERE email = ?"), { kEmail }).toLongLong();
        QVERIFY(nina > 0);
        QCOMPARE(w.db().value(QStringLiteral("SELECT status FROM users WHERE id = ?"), { nina }).toString(),
                 QStringLiteral("active"));
        // Signed in at once, without typing the password again.
        QVERIFY(app.mainWindow());
        QVERIFY(!signIn->isVisible());
        QCOMPARE(w.gateway->userId(), nina);
    }

    // A refusal names its fields, highlights them and keeps what was typed.
    void badInputNamesTheFieldAndKeepsWhatWasTyped()
    {
        UiWorld w;
        QVERIFY(w.isValid());
        SignUpDialog dialog(*w.session, QString());
        dialog.show();
        // Nothing typed: every field is named.
        QTest::mouseClick(dialog.validateButton(), Qt::LeftButton);
        QVERIFY(dialog.isVisible());
        QVERIFY2(dialog.errorText().contains(QStringLiteral("e-mail address"))
                     && dialog.errorText().contains(QStringLiteral("secret question")),
                 qPrintable(dialog.errorText()));
        QVERIFY(invalid(dialog.emailEdit()) && invalid(dialog.answerEdit()));

        // A weak password: core's policy names the password and says why.
        typeSignUp(&dialog, kEmail);
        dialog.passwordEdit()->setText(QStringLiteral("petit"));
        dialog.confirmationEdit()->setText(QStringLiteral("petit"));
        QTest::mouseClick(dialog.validateButton(), Qt::LeftButton);
        QVERIFY(dialog.isVisible());
        QVERIFY2(dialog.errorText().contains(QStringLiteral("12")), qPrintable(dialog.errorText()));
        QVERIFY(invalid(dialog.passwordEdit()));
        QVERIFY(!invalid(dialog.emailEdit()));
        QCOMPARE(dialog.emailEdit()->text(), kEmail);
        QCOMPARE(dialog.firstNameEdit()->text(), QStringLiteral("Nina"));
        QCOMPARE(dialog.questionEdit()->text(), QStringLiteral("Ma ville natale ?"));
        QCOMPARE(dialog.passwordEdit()->text(), QStringLiteral("petit"));

        // The confirmation differs: said before anything is sent.
        dialog.passwordEdit()->setText(kPassword);
        dialog.confirmationEdit()->setText(kPassword + QStringLiteral("x"));
        QTest::mouseClick(dialog.validateButton(), Qt::LeftButton);
        QVERIFY(invalid(dialog.confirmationEdit()));

        // A malformed address: core names the e-mail.
        dialog.confirmationEdit()->setText(kPassword);
        dialog.emailEdit()->setText(QStringLiteral("nina@"));
        QTest::mouseClick(dialog.validateButton(), Qt::LeftButton);
        QVERIFY(invalid(dialog.emailEdit()));
        QVERIFY(dialog.errorText().contains(QStringLiteral("not a valid address")));
        QCOMPARE(w.db().value(QStringLiteral("SELECT COUNT(*) FROM users")).toInt(), 0);
        QCOMPARE(w.db().value(QStringLiteral("SELECT COUNT(*) FROM mail_outbox")).toInt(), 0);
        // The rules are shown in full, word-wrapped.
        QVERIFY(dialog.policyLabel()->isVisible());
        QVERIFY(dialog.policyLabel()->wordWrap());
        QVERIFY(dialog.policyLabel()->height()
                >= dialog.policyLabel()->heightForWidth(dialog.policyLabel()->width()));
    }

    // No enumeration: the dialog says the same for an address with an account.
    void aKnownAddressGetsTheSameAnswer()
    {
        UiWorld w;
        QVERIFY(w.isValid());
        w.createUser(QStringLiteral("alice@example.org"));
        QString answers[2];
        int i = 0;
        for (const QString &email :
             { QStringLiteral("alice@example.org"), QStringLiteral("new@example.org") }) {
            SignUpDialog dialog(*w.session, QString());
            dialog.show();
            typeSignUp(&dialog, email);
            QTest::mouseClick(dialog.validateButton(), Qt::LeftButton);
            QCOMPARE(dialog.result(), int(QDialog::Accepted));
            answers[i++] = dialog.answerMessage();
        }
        QCOMPARE(answers[0], SignUps::signUpMessage(QStringLiteral("alice@example.org")));
        QCOMPARE(answers[1], SignUps::signUpMessage(QStringLiteral("new@example.org")));
        QVERIFY(
            newestMailTo(w, QStringLiteral("alice@example.org")).contains(QStringLiteral("already has one")));
    }

    void activationRefusesABadCodeAndKeepsIt()
    {
        UiWorld w;
        QVERIFY(w.isValid());
        ActivationDialog dialog(*w.session, QString());
        dialog.show();
        QTest::mouseClick(dialog.validateButton(), Qt::LeftButton);
        QVERIFY(invalid(dialog.tokenEdit()));
        QTest::keyClicks(dialog.tokenEdit(), QStringLiteral("made-up-code-0123456789"));
        QTest::mouseClick(dialog.validateButton(), Qt::LeftButton);
        QVERIFY(dialog.isVisible());
        QVERIFY2(dialog.errorText().contains(QStringLiteral("no longer valid")),
                 qPrintable(dialog.errorText()));
        QVERIFY(invalid(dialog.tokenEdit()));
        QCOMPARE(dialog.tokenEdit()->text(), QStringLiteral("made-up-code-0123456789"));
        // An altered link is refused before it is sent, naming what is wrong.
        dialog.tokenEdit()->setText(QStringLiteral("guichet://activate?token=short"));
        QTest::mouseClick(dialog.validateButton(), Qt::LeftButton);
        QVERIFY(invalid(dialog.tokenEdit()));
        QCOMPARE(w.gateway->userId(), 0);
        // Resending needs the address; any address gets the same answer.
        QTest::mouseClick(dialog.resendButton(), Qt::LeftButton);
        QVERIFY(invalid(dialog.emailEdit()));
        QTest::keyClicks(dialog.emailEdit(), QStringLiteral("nobody@example.org"));
        QTest::mouseClick(dialog.resendButton(), Qt::LeftButton);
        QCOMPARE(dialog.infoText(), SignUps::resendMessage());
    }

    // The resent mail's code works; the first one no longer does.
    void resendThenActivateWithTheNewCode()
    {
        UiWorld w;
        QVERIFY(w.isValid());
        {
            SignUpDialog dialog(*w.session, QString());
            dialog.show();
            typeSignUp(&dialog, kEmail);
            QTest::mouseClick(dialog.validateButton(), Qt::LeftButton);
            QCOMPARE(dialog.result(), int(QDialog::Accepted));
        }
        const QString first = guichetLinkIn(newestMailTo(w, kEmail));
        ActivationDialog dialog(*w.session, kEmail);
        dialog.show();
        QTest::mouseClick(dialog.resendButton(), Qt::LeftButton);
        const QString second = guichetLinkIn(newestMailTo(w, kEmail));
        QVERIFY(first != second);
        QTest::keyClicks(dialog.tokenEdit(), first);
        QTest::mouseClick(dialog.validateButton(), Qt::LeftButton);
        QVERIFY(dialog.errorText().contains(QStringLiteral("replaced")));
        dialog.tokenEdit()->setText(second.section(QStringLiteral("token="), 1));
        QTest::mouseClick(dialog.validateButton(), Qt::LeftButton);
        QCOMPARE(dialog.result(), int(QDialog::Accepted));
        QVERIFY(w.gateway->userId() > 0);
    }

    // A guichet://activate link (a click in the mail) opens the activation
    // dialog with its code filled in; validating signs in.
    void theMailedLinkOpensTheDialogWithTheCode()
    {
        UiWorld w;
        QVERIFY(w.isValid());
        {
            SignUpDialog dialog(*w.session, QString());
            dialog.show();
            typeSignUp(&dialog, kEmail);
            QTest::mouseClick(dialog.validateButton(), Qt::LeftButton);
        }
        const QString link = guichetLinkIn(newestMailTo(w, kEmail));
        QVERIFY(link.startsWith(QStringLiteral("guichet://activate?token=")));
        DesktopApp app(*w.session);
        app.start();
        QString filled, info;
        Dialogs::queueDialogHook([&](QDialog *d) {
            auto *dialog = qobject_cast<ActivationDialog *>(d);
            if (!dialog)
                return int(QDialog::Rejected);
            filled = dialog->tokenEdit()->text();
            info = dialog->infoText();
            QTest::mouseClick(dialog->validateButton(), Qt::LeftButton);
            return dialog->result();
        });
        app.openLink(link);
        QCOMPARE(filled, link.section(QStringLiteral("token="), 1));
        QVERIFY(info.contains(QStringLiteral("filled in")));
        QVERIFY(app.mainWindow());
        QVERIFY(w.gateway->userId() > 0);
    }

    // Pictures of both dialogs in French at 1024×768, for a reader to check
    // (GUICHET_SIGNUP_SCREENSHOTS=folder); nothing is cut.
    void screenshotsInFrench()
    {
        const QString folder = qEnvironmentVariable("GUICHET_SIGNUP_SCREENSHOTS");
        if (folder.isEmpty())
            QSKIP("GUICHET_SIGNUP_SCREENSHOTS is not set");
        QVERIFY(installTranslations(QLocale(QLocale::French, QLocale::France)));
        UiWorld w;
        QVERIFY(w.isValid());
        SignUpDialog signUp(*w.session, QString());
        signUp.show();
        typeSignUp(&signUp, kEmail);
        signUp.passwordEdit()->setText(QStringLiteral("court"));
        signUp.confirmationEdit()->setText(QStringLiteral("court"));
        QTest::mouseClick(signUp.validateButton(), Qt::LeftButton);
        QVERIFY(QTest::qWaitForWindowExposed(&signUp));
        QVERIFY(signUp.width() <= 1024 && signUp.height() <= 768);
        QVERIFY(signUp.grab().save(QDir(folder).filePath(QStringLiteral("signup.png"))));
        ActivationDialog activation(*w.session, kEmail);
        activation.setInfo(SignUps::signUpMessage(kEmail));
        activation.show();
        QTest::keyClicks(activation.tokenEdit(), QStringLiteral("code-inconnu-0123456789"));
        QTest::mouseClick(activation.validateButton(), Qt::LeftButton);
        QVERIFY(QTest::qWaitForWindowExposed(&activation));
        QVERIFY(activation.grab().save(QDir(folder).filePath(QStringLiteral("activation.png"))));
    }
};

QTEST_MAIN(TestSignUpDialog)
#include "tst_signupdialog.moc"
