#include "fixtures.h"
#include "rules/accounts/passwords.h"
#include "ui/account/activationdialog.h"
#include "ui/manager/inviteuserdialog.h"
#include "ui/manager/manageractivitypage.h"
#include "ui/widgets/dialogs.h"
#include "uitestsupport.h"

#include <QCheckBox>
#include <QComboBox>
#include <QGroupBox>
#include <QLabel>
#include <QLineEdit>
#include <QListWidget>
#include <QPushButton>
#include <QRegularExpression>
#include <QTabWidget>
#include <QTableView>
#include <QTest>

using namespace guichet;
using namespace guichet::test;

// « Inviter un utilisateur » and the invitee's activation, clicked through.
class TestInviteUserDialog : public QObject
{
    Q_OBJECT

private:
    // Structure S (service A): principal Claire, signed in.
    struct World : UiWorld
    {
        qint64 claire = 0, s = 0, serviceA = 0;
        bool init()
        {
            if (!isValid())
                return false;
            Dialogs::clear();
            PasswordHasher::setFastHashingForTests(true);
            claire = createUser(QStringLiteral("claire@example.org"), QStringLiteral("Claire"),
                                QStringLiteral("Dubois"));
            s = insertStructure(db(), validSiret(1), QStringLiteral("Menuiserie Dupont"));
            serviceA = insertService(db(), s, QStringLiteral("A"), QStringLiteral("Atelier"));
            insertAttachment(db(), claire, s, QStringLiteral("principal"));
            return signIn(QStringLiteral("claire@example.org"));
        }
        QString snapshot()
        {
            QStringList parts;
            for (const QString &table : { QStringLiteral("users"), QStringLiteral("attachments"),
                                          QStringLiteral("mail_outbox"), QStringLiteral("tokens") })
                parts << db().value(QStringLiteral("SELECT COUNT(*) FROM %1").arg(table)).toString();
            return parts.join(QLatin1Char('/'));
        }
    };

private slots:
    // Bad input names the field and changes nothing; the dialog stays open
    // with what was typed.
    void badInputNamesTheFieldAndChangesNothing()
    {
        World w;
        QVERIFY(w.init());
        InviteUserDialog dialog(*w.session, w.s, QStringLiteral("Menuiserie Dupont"));
        dialog.show();
        const QString before = w.snapshot();
        QTest::keyClicks(dialog.emailEdit(), QStringLiteral("nina-at-example.org"));
        QTest::mouseClick(dialog.inviteButton(), Qt::LeftButton);
        QVERIFY2(dialog.errorText().contains(QLatin1String("e-mail")), qPrintable(dialog.errorText()));
        QCOMPARE(dialog.result(), int(QDialog::Rejected));
        QVERIFY(dialog.isVisible());
        QCOMPARE(dialog.emailEdit()->text(), QStringLiteral("nina-at-example.org"));

        // Services chosen but none checked: the services are named.
        dialog.emailEdit()->setText(QStringLiteral("nina@example.org"));
        dialog.wholeStructureBox()->setChecked(false);
        QTest::mouseClick(dialog.inviteButton(), Qt::LeftButton);
        QVERIFY2(dialog.errorText().contains(QLatin1String("service")), qPrintable(dialog.errorText()));
        QCOMPARE(w.snapshot(), before);
    }

    // An unknown address: invited (the page lists it as invited and can
    // resend), then the invitee completes the account in the activation
    // dialog and is signed in, attached.
    void theInviteeActivatesFromTheMail()
    {
        World w;
        QVERIFY(w.init());
        ManagerActivityPage page(*w.session);
        page.show();
        page.tabs()->setCurrentIndex(1);
        QVERIFY(page.button(QStringLiteral("inviteUser"))->isEnabled());
        QString message;
        Dialogs::queueDialogHook([&](QDialog *d) {
            auto *invite = qobject_cast<InviteUserDialog *>(d);
            if (!invite)
                return int(QDialog::Rejected);
            invite->emailEdit()->setText(QStringLiteral("nina@example.org"));
            invite->roleBox()->setCurrentIndex(invite->roleBox()->findData(QStringLiteral("secondary")));
            invite->wholeStructureBox()->setChecked(false);
            invite->servicesList()->item(0)->setCheckState(Qt::Checked);
            QTest::mouseClick(invite->inviteButton(), Qt::LeftButton);
            message = invite->message();
            return invite->result();
        });
        QTest::mouseClick(page.button(QStringLiteral("inviteUser")), Qt::LeftButton);
        QVERIFY2(message.contains(QLatin1String("nina@example.org")), qPrintable(message));
        QCOMPARE(
            w.db()
                .value(QStringLiteral("SELECT a.status FROM attachments a JOIN users u ON u.id = a.user_id "
                                      "WHERE u.email = 'nina@example.org'"))
                .toString(),
            QStringLiteral("invited"));
        // The users tab lists the invitee; « Resend the invitation » applies to that row.
        auto *table = page.view(QStringLiteral("usersTable"));
        int row = -1;
        for (int r = 0; r < table->model()->rowCount(); ++r) {
            for (int c = 0; c < table->model()->columnCount(); ++c) {
                if (table->model()->index(r, c).data().toString() == QLatin1String("nina@example.org"))
                    row = r;
            }
        }
        QVERIFY(row >= 0);
        table->setCurrentIndex(table->model()->index(row, 1));
        QVERIFY(page.button(QStringLiteral("resendInvitation"))->isEnabled());
        const int mails = w.db().value(QStringLiteral("SELECT COUNT(*) FROM mail_outbox")).toInt();
        QTest::mouseClick(page.button(QStringLiteral("resendInvitation")), Qt::LeftButton);
        QCOMPARE(w.db().value(QStringLiteral("SELECT COUNT(*) FROM mail_outbox")).toInt(), mails + 1);

        // The invitee, on this desktop signed out: the code of the newest mail.
        w.gateway->signOut();
        const QString mail = w.db()
                                 .value(QStringLiteral("SELECT body_text FROM mail_outbox WHERE recipient = "
                                                       "'nina@example.org' ORDER BY id DESC LIMIT 1"))
                                 .toString();
        const QString token
            = QRegularExpression(QStringLiteral("guichet://activate\\?token=([A-Za-z0-9_-]+)"))
                  .match(mail)
                  .captured(1);
        QVERIFY2(!token.isEmpty(), qPrintable(mail));
        ActivationDialog activation(*w.session, QString());
        activation.show();
        activation.useCode(token);
        QVERIFY(activation.detailsBox()->isHidden());
        QTest::mouseClick(activation.validateButton(), Qt::LeftButton);
        // Asked for the rest, without an error yet.
        QVERIFY(!activation.detailsBox()->isHidden());
        QVERIFY(activation.errorText().isEmpty());
        const auto field
            = [&](const char *name) { return activation.findChild<QLineEdit *>(QString::fromLatin1(name)); };
        QTest::keyClicks(field("firstName"), QStringLiteral("Nina"));
        QTest::keyClicks(field("lastName"), QStringLiteral("Petit"));
        QTest::keyClicks(field("password"), QStringLiteral("Tournesol 2026!"));
        QTest::keyClicks(field("confirmation"), QStringLiteral("Tournesol 2026?"));
        QTest::keyClicks(field("secretQuestion"), QStringLiteral("Ma ville ?"));
        QTest::keyClicks(field("secretAnswer"), QStringLiteral("Lyon"));
        // A confirmation that differs is named, and nothing is sent.
        QTest::mouseClick(activation.validateButton(), Qt::LeftButton);
        QVERIFY2(activation.errorText().contains(QLatin1String("confirmation")),
                 qPrintable(activation.errorText()));
        QCOMPARE(w.gateway->userId(), 0);
        field("confirmation")->clear();
        QTest::keyClicks(field("confirmation"), QStringLiteral("Tournesol 2026!"));
        QTest::mouseClick(activation.validateButton(), Qt::LeftButton);
        QCOMPARE(activation.result(), int(QDialog::Accepted));
        const qint64 nina
            = w.db()
                  .value(QStringLiteral("SELECT id FROM users WHERE email = 'nina@example.org'"))
                  .toLongLong();
        QCOMPARE(w.gateway->userId(), nina);
        QCOMPARE(w.db()
                     .value(QStringLiteral("SELECT status || '/' || role FROM attachments WHERE user_id = ?"),
                            { nina })
                     .toString(),
                 QStringLiteral("validated/secondary"));
    }
};

QTEST_MAIN(TestInviteUserDialog)
#include "tst_inviteuserdialog.moc"
