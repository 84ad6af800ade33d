#include "commands/commandargs.h"
#include "mail/mailoutbox.h"
#include "ui/account/reactivationdialog.h"
#include "ui/account/signindialog.h"
#include "ui/account/solicitationdialog.h"
#include "ui/shell/desktopapp.h"
#include "ui/shell/mainwindow.h"
#include "ui/shell/outboxdialog.h"
#include "ui/widgets/dialogs.h"
#include "uitestsupport.h"

#include <QComboBox>
#include <QLineEdit>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QTest>

#include <algorithm>

using namespace guichet;
using namespace guichet::test;

// « Réactiver mon compte » from the sign-in window, and the support
// solicitation once the 60 days are over.
class TestReactivationDialog : public QObject
{
    Q_OBJECT

private:
    using World = DeactivatedAccountWorld;

    static void fillSecrets(ReactivationDialog *dialog, const QString &link)
    {
        QTest::keyClicks(dialog->tokenEdit(), link);
        typeNewSecrets(dialog);
    }

private slots:
    void reactivatesFromTheSignInWindowWithTheMailedLink()
    {
        World w;
        QVERIFY(w.init());
        w.clock.advanceDays(10);
        DesktopApp app(*w.session);
        app.start();
        SignInDialog *signIn = app.signInDialog();
        signIn->emailEdit()->setText(QStringLiteral("alice@example.org"));

        QString typedEmail, info, outboxSubject, outboxText;
        int stepAfterRequest = -1;
        Dialogs::queueDialogHook([&](QDialog *d) {
            auto *dialog = qobject_cast<ReactivationDialog *>(d);
            if (!dialog)
                return int(QDialog::Rejected);
            typedEmail = dialog->emailEdit()->text();
            QTest::mouseClick(dialog->validateButton(), Qt::LeftButton);
            info = dialog->infoText();
            stepAfterRequest = dialog->step();
            // The mail, read in the local outbox.
            Dialogs::queueDialogHook([&](QDialog *o) {
                auto *outbox = qobject_cast<OutboxDialog *>(o);
                if (!outbox)
                    return int(QDialog::Rejected);
                outboxSubject = outbox->subjectAt(0);
                outboxText = outbox->bodyView()->toPlainText();
                return int(QDialog::Rejected);
            });
            QTest::mouseClick(dialog->outboxButton(), Qt::LeftButton);
            // The whole link pasted: the dialog keeps its token.
            fillSecrets(dialog, guichetLinkIn(outboxText));
            Dialogs::queueAnswer(QMessageBox::Ok); // "account reactivated"
            QTest::mouseClick(dialog->validateButton(), Qt::LeftButton);
            return dialog->result();
        });
        QTest::mouseClick(signIn->reactivateButton(), Qt::LeftButton);

        QCOMPARE(typedEmail, QStringLiteral("alice@example.org"));
        QCOMPARE(stepAfterRequest, 1);
        QVERIFY2(info.contains(QStringLiteral("24 hours")) && info.contains(QStringLiteral("local outbox")),
                 qPrintable(info));
        QCOMPARE(outboxSubject, QStringLiteral("Reactivate your Guichet account"));
        QVERIFY(outboxText.contains(QStringLiteral("guichet://reactivate?token=")));
        QVERIFY(Dialogs::messages().last().contains(QStringLiteral("Sign in with your new password")));
        QCOMPARE(w.status(), QStringLiteral("active"));

        // Back at the sign-in window with the e-mail filled: the new password works.
        QCOMPARE(signIn->emailEdit()->text(), QStringLiteral("alice@example.org"));
        QTest::keyClicks(signIn->passwordEdit(), QLatin1String(reactivationPassword));
        QTest::mouseClick(signIn->signInButton(), Qt::LeftButton);
        QVERIFY(app.mainWindow());
        QCOMPARE(w.gateway->userId(), w.alice);
    }

    void theCodeAloneWorksToo()
    {
        World w;
        QVERIFY(w.init());
        ReactivationDialog dialog(*w.session, QStringLiteral("alice@example.org"));
        dialog.show();
        QTest::mouseClick(dialog.validateButton(), Qt::LeftButton);
        const QString token = ReactivationDialog::tokenFrom(guichetLinkIn(w.lastMail()));
        QVERIFY(!token.isEmpty());
        QVERIFY(!token.contains(QLatin1Char('=')));
        QVERIFY(w.lastMail().contains(token));
        fillSecrets(&dialog, QStringLiteral("  ") + token + QStringLiteral(" "));
        Dialogs::queueAnswer(QMessageBox::Ok);
        QTest::mouseClick(dialog.validateButton(), Qt::LeftButton);
        QCOMPARE(dialog.result(), int(QDialog::Accepted));
        QCOMPARE(w.status(), QStringLiteral("active"));
        QCOMPARE(dialog.email(), QStringLiteral("alice@example.org"));
    }

    void anAlteredLinkIsRefusedBeforeItIsSent()
    {
        World w;
        QVERIFY(w.init());
        ReactivationDialog dialog(*w.session, QStringLiteral("alice@example.org"));
        dialog.show();
        QTest::mouseClick(dialog.validateButton(), Qt::LeftButton);
        const QString link = guichetLinkIn(w.lastMail());
        fillSecrets(&dialog, link + QStringLiteral("&next=https://evil.example"));
        const QString before = dataSnapshot(w.db());
        QTest::mouseClick(dialog.validateButton(), Qt::LeftButton);
        QVERIFY(dialog.isVisible());
        QVERIFY2(dialog.errorText().contains(QStringLiteral("unknown part « next »")),
                 qPrintable(dialog.errorText()));
        QVERIFY(dialog.tokenEdit()->property("invalid").toBool());
        QCOMPARE(dataSnapshot(w.db()), before);
        // The link as mailed works.
        dialog.tokenEdit()->setText(link);
        Dialogs::queueAnswer(QMessageBox::Ok);
        QTest::mouseClick(dialog.validateButton(), Qt::LeftButton);
        QCOMPARE(dialog.result(), int(QDialog::Accepted));
        QCOMPARE(w.status(), QStringLiteral("active"));
    }

    void anExpiredLinkAsksForANewMail()
    {
        World w;
        QVERIFY(w.init());
        ReactivationDialog dialog(*w.session, QStringLiteral("alice@example.org"));
        dialog.show();
        QTest::mouseClick(dialog.validateButton(), Qt::LeftButton);
        const QString link = guichetLinkIn(w.lastMail());
        w.clock.advanceSecs(25 * 3600); // the mail is valid 24 h
        fillSecrets(&dialog, link);
        const QString before = dataSnapshot(w.db());
        QTest::mouseClick(dialog.validateButton(), Qt::LeftButton);
        QVERIFY(dialog.isVisible());
        QVERIFY2(dialog.errorText().contains(QStringLiteral("ask for a new mail")),
                 qPrintable(dialog.errorText()));
        QVERIFY(dialog.tokenEdit()->property("invalid").toBool());
        QVERIFY(dialog.newMailButton()->isVisible());
        QCOMPARE(dataSnapshot(w.db()), before);
        QCOMPARE(w.status(), QStringLiteral("deactivated"));
        // Nothing typed is lost.
        QCOMPARE(dialog.passwordEdit()->text(), QLatin1String(reactivationPassword));
        QCOMPARE(dialog.questionEdit()->text(), QStringLiteral("My first cat?"));

        // « Réactiver mon compte » again: a new mail, and its link works.
        QTest::mouseClick(dialog.newMailButton(), Qt::LeftButton);
        QCOMPARE(dialog.step(), 0);
        QTest::mouseClick(dialog.validateButton(), Qt::LeftButton);
        QCOMPARE(dialog.step(), 1);
        dialog.tokenEdit()->clear();
        QTest::keyClicks(dialog.tokenEdit(), guichetLinkIn(w.lastMail()));
        Dialogs::queueAnswer(QMessageBox::Ok);
        QTest::mouseClick(dialog.validateButton(), Qt::LeftButton);
        QCOMPARE(dialog.result(), int(QDialog::Accepted));
        QCOMPARE(w.status(), QStringLiteral("active"));
    }

    void afterSixtyDaysSupportIsContacted()
    {
        World w;
        QVERIFY(w.init());
        w.clock.advanceDays(61);
        ReactivationDialog dialog(*w.session, QStringLiteral("alice@example.org"));
        dialog.show();
        const int mailsBefore = MailOutbox(*w.core).forUser(w.alice).size();
        QTest::mouseClick(dialog.validateButton(), Qt::LeftButton);
        // The neutral answer (a stranger learns nothing); the mail tells Alice
        // to contact support, and the dialog offers the way there.
        QVERIFY(dialog.errorText().isEmpty());
        QVERIFY(dialog.supportButton()->isVisible());
        QCOMPARE(MailOutbox(*w.core).forUser(w.alice).size(), mailsBefore + 1);

        QString category, firstError, email;
        QStringList highlighted;
        Dialogs::queueDialogHook([&](QDialog *d) {
            auto *solicitation = qobject_cast<SolicitationDialog *>(d);
            if (!solicitation)
                return int(QDialog::Rejected);
            category = solicitation->categoryCode();
            email = solicitation->emailEdit()->text();
            // Everything emptied: each field named in red, nothing sent.
            solicitation->emailEdit()->clear();
            solicitation->subjectEdit()->clear();
            QTest::mouseClick(solicitation->validateButton(), Qt::LeftButton);
            firstError = solicitation->errorText();
            for (QWidget *field : { static_cast<QWidget *>(solicitation->emailEdit()),
                                    static_cast<QWidget *>(solicitation->subjectEdit()),
                                    static_cast<QWidget *>(solicitation->messageEdit()) }) {
                if (field->property("invalid").toBool())
                    highlighted << field->objectName();
            }
            QTest::keyClicks(solicitation->emailEdit(), QStringLiteral("alice@example.org"));
            QTest::keyClicks(solicitation->subjectEdit(), QStringLiteral("Reactivation"));
            QTest::keyClicks(solicitation->messageEdit(), QStringLiteral("Please reactivate my account."));
            Dialogs::queueAnswer(QMessageBox::Ok); // "sent to support"
            QTest::mouseClick(solicitation->validateButton(), Qt::LeftButton);
            return solicitation->result();
        });
        QTest::mouseClick(dialog.supportButton(), Qt::LeftButton);

        QCOMPARE(category, QStringLiteral("reactivation"));
        QCOMPARE(email, QStringLiteral("alice@example.org"));
        QVERIFY2(firstError.contains(QStringLiteral("e-mail address"))
                     && firstError.contains(QStringLiteral("subject"))
                     && firstError.contains(QStringLiteral("message")),
                 qPrintable(firstError));
        QCOMPARE(
            highlighted,
            (QStringList { QStringLiteral("email"), QStringLiteral("subject"), QStringLiteral("message") }));
        const auto rows = w.db().rows(QStringLiteral("SELECT email, category, body FROM solicitations"));
        QCOMPARE(rows.size(), 1);
        QCOMPARE(rows.at(0).value(QStringLiteral("email")).toString(), QStringLiteral("alice@example.org"));
        QCOMPARE(rows.at(0).value(QStringLiteral("category")).toString(), QStringLiteral("reactivation"));
        QCOMPARE(w.status(), QStringLiteral("deactivated"));
    }

    void missingFieldsAreNamedAndNothingIsLost()
    {
        World w;
        QVERIFY(w.init());
        ReactivationDialog dialog(*w.session, QString());
        dialog.show();
        const QString before = snapshot(w.db());
        QTest::mouseClick(dialog.validateButton(), Qt::LeftButton);
        QVERIFY(dialog.errorText().contains(QStringLiteral("e-mail address")));
        QVERIFY(dialog.emailEdit()->property("invalid").toBool());

        QTest::mouseClick(dialog.haveCodeButton(), Qt::LeftButton);
        QCOMPARE(dialog.step(), 1);
        QTest::keyClicks(dialog.passwordEdit(), QLatin1String(reactivationPassword));
        QTest::keyClicks(dialog.questionEdit(), QStringLiteral("My first cat?"));
        QTest::mouseClick(dialog.validateButton(), Qt::LeftButton);
        const QString error = dialog.errorText();
        QVERIFY2(error.contains(QStringLiteral("link or code"))
                     && error.contains(QStringLiteral("confirmation"))
                     && error.contains(QStringLiteral("answer")),
                 qPrintable(error));
        QVERIFY(!error.contains(QStringLiteral("new password")));
        QVERIFY(dialog.tokenEdit()->property("invalid").toBool());
        QVERIFY(dialog.confirmationEdit()->property("invalid").toBool());
        QVERIFY(dialog.answerEdit()->property("invalid").toBool());
        QVERIFY(!dialog.passwordEdit()->property("invalid").toBool());
        QCOMPARE(dialog.passwordEdit()->text(), QLatin1String(reactivationPassword));
        QCOMPARE(dialog.questionEdit()->text(), QStringLiteral("My first cat?"));

        // A confirmation that differs is named too.
        QTest::keyClicks(dialog.tokenEdit(), QStringLiteral("some-code"));
        QTest::keyClicks(dialog.confirmationEdit(), QStringLiteral("Another-2027x"));
        QTest::keyClicks(dialog.answerEdit(), QStringLiteral("Filou"));
        QTest::mouseClick(dialog.validateButton(), Qt::LeftButton);
        QVERIFY(dialog.errorText().contains(QStringLiteral("confirmation")));
        QVERIFY(dialog.confirmationEdit()->property("invalid").toBool());
        QCOMPARE(snapshot(w.db()), before);
        QVERIFY(dialog.isVisible());
    }

    void tokenIsTakenFromAPastedLink()
    {
        QCOMPARE(ReactivationDialog::tokenFrom(QStringLiteral("guichet://reactivate?token=Ab_9-x")),
                 QStringLiteral("Ab_9-x"));
        QCOMPARE(ReactivationDialog::tokenFrom(QStringLiteral(" open guichet://reactivate?token=Ab_9-x.")),
                 QStringLiteral("Ab_9-x"));
        QCOMPARE(ReactivationDialog::tokenFrom(QStringLiteral("  Ab_9-x\n")), QStringLiteral("Ab_9-x"));
    }
};

QTEST_MAIN(TestReactivationDialog)
#include "tst_reactivationdialog.moc"
