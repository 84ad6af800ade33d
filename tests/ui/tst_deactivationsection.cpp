#include "commands/commandargs.h"
#include "fixtures.h"
#include "rules/attachments/principals.h"
#include "ui/account/accountpage.h"
#include "ui/account/deactivationsection.h"
#include "ui/account/signindialog.h"
#include "ui/account/successordialog.h"
#include "ui/shell/desktopapp.h"
#include "ui/shell/mainwindow.h"
#include "ui/widgets/dialogs.h"
#include "ui/widgets/usersearchdialog.h"
#include "uitestsupport.h"

#include <QLineEdit>
#include <QListWidget>
#include <QPushButton>
#include <QTest>

#include <algorithm>

using namespace guichet;
using namespace guichet::test;

// « Désactiver mon compte », as a simple user and as a principal manager.
class TestDeactivationSection : public QObject
{
    Q_OBJECT

private:
    struct World : UiWorld
    {
        qint64 claire = 0, bruno = 0, s1 = 0, s2 = 0;
        bool init(bool principal)
        {
            if (!isValid())
                return false;
            claire = createUser(QStringLiteral("claire@example.org"), QStringLiteral("Claire"),
                                QStringLiteral("Dubois"));
            bruno = createUser(QStringLiteral("bruno@example.org"), QStringLiteral("Bruno"),
                               QStringLiteral("Lefèvre"));
            if (principal) {
                s1 = insertStructure(db(), validSiret(1), QStringLiteral("Menuiserie Dupont"));
                s2 = insertStructure(db(), validSiret(2), QStringLiteral("Boulangerie Martin"));
                insertAttachment(db(), claire, s1, QStringLiteral("principal"));
                insertAttachment(db(), claire, s2, QStringLiteral("principal"));
            }
            return true;
        }
        QString status(qint64 user)
        {
            return db().value(QStringLiteral("SELECT status FROM users WHERE id = ?"), { user }).toString();
        }
    };

    static void signInThroughWindow(DesktopApp &app, const QString &email, const QString &password)
    {
        SignInDialog *dialog = app.signInDialog();
        dialog->emailEdit()->clear();
        QTest::keyClicks(dialog->emailEdit(), email);
        dialog->passwordEdit()->clear();
        QTest::keyClicks(dialog->passwordEdit(), password);
        QTest::mouseClick(dialog->signInButton(), Qt::LeftButton);
    }

    // Signs in through the sign-in window and opens « Désactiver mon compte ».
    static DeactivationSection *openSection(DesktopApp &app)
    {
        app.start();
        signInThroughWindow(app, QStringLiteral("claire@example.org"), QStringLiteral("Tournesol-2026"));
        if (!app.mainWindow())
            return nullptr;
        AccountPage *page = app.mainWindow()->accountPage();
        page->showSection(QStringLiteral("deactivation"));
        return qobject_cast<DeactivationSection *>(page->currentSection());
    }

private slots:
    void isTheLastSectionOfMyAccount()
    {
        World w;
        QVERIFY(w.init(false));
        DesktopApp app(*w.session);
        QVERIFY(openSection(app));
        AccountPage *page = app.mainWindow()->accountPage();
        QListWidget *list = page->sectionList();
        QVERIFY(list->count() > 0);
        QCOMPARE(list->item(list->count() - 1)->data(Qt::UserRole).toString(),
                 QStringLiteral("deactivation"));
        QCOMPARE(list->item(list->count() - 1)->text(), QStringLiteral("Deactivate my account"));
    }

    void simpleUserDeactivatesAfterConfirmationAndIsSignedOut()
    {
        World w;
        QVERIFY(w.init(false));
        DesktopApp app(*w.session);
        DeactivationSection *section = openSection(app);
        QVERIFY(section);
        QVERIFY(section->principalText().isEmpty());
        Dialogs::queueAnswer(QMessageBox::Ok); // the confirmation
        Dialogs::queueAnswer(QMessageBox::Ok); // "your account is deactivated"
        QTest::mouseClick(section->deactivateButton(), Qt::LeftButton);
        // The guide's two points, in the confirmation.
        const QString confirmation = Dialogs::messages().value(0);
        QVERIFY2(confirmation.contains(QStringLiteral("60 days")), qPrintable(confirmation));
        QVERIFY(confirmation.contains(QStringLiteral("change in progress")));
        QCOMPARE(w.status(w.claire), QStringLiteral("deactivated"));
        // Signed out, back at the sign-in window.
        QTRY_VERIFY(!app.mainWindow());
        QVERIFY(app.signInDialog()->isVisible());
        QCOMPARE(w.gateway->userId(), 0);
        // Signing in again is refused: the account is deactivated.
        signInThroughWindow(app, QStringLiteral("claire@example.org"), QStringLiteral("Tournesol-2026"));
        QVERIFY(!app.mainWindow());
        QVERIFY2(app.signInDialog()->errorText().contains(QStringLiteral("deactivated")),
                 qPrintable(app.signInDialog()->errorText()));
        // Once reactivated, the stale « deactivated » goes from the sign-in window.
        Dialogs::queueDialogHook([](QDialog *) { return int(QDialog::Accepted); });
        QTest::mouseClick(app.signInDialog()->reactivateButton(), Qt::LeftButton);
        QVERIFY2(app.signInDialog()->errorText().isEmpty(), qPrintable(app.signInDialog()->errorText()));
    }

    void cancellingTheConfirmationChangesNothing()
    {
        World w;
        QVERIFY(w.init(false));
        DesktopApp app(*w.session);
        DeactivationSection *section = openSection(app);
        QVERIFY(section);
        const QString before = snapshot(w.db());
        Dialogs::queueAnswer(QMessageBox::Cancel);
        QTest::mouseClick(section->deactivateButton(), Qt::LeftButton);
        QCOMPARE(snapshot(w.db()), before);
        QVERIFY(app.mainWindow());
        QCOMPARE(w.gateway->userId(), w.claire);
    }

    void principalManagerWithoutSuccessorChangesNothing()
    {
        World w;
        QVERIFY(w.init(true));
        DesktopApp app(*w.session);
        DeactivationSection *section = openSection(app);
        QVERIFY(section);
        QVERIFY(section->principalText().contains(QStringLiteral("Menuiserie Dupont")));
        const QString before = snapshot(w.db());
        Dialogs::queueAnswer(QMessageBox::Ok);
        bool successorDialogShown = false;
        Dialogs::queueDialogHook([&successorDialogShown](QDialog *dialog) {
            successorDialogShown = qobject_cast<SuccessorDialog *>(dialog) != nullptr;
            return int(QDialog::Rejected); // the user cancels the designation
        });
        QTest::mouseClick(section->deactivateButton(), Qt::LeftButton);
        QVERIFY(successorDialogShown);
        QVERIFY(Dialogs::messages().value(0).contains(QStringLiteral("designate a new principal manager")));
        QCOMPARE(snapshot(w.db()), before);
        QVERIFY(app.mainWindow());
        QCOMPARE(w.status(w.claire), QStringLiteral("active"));
    }

    void principalManagerDesignatesOneSuccessorForAll()
    {
        World w;
        QVERIFY(w.init(true));
        DesktopApp app(*w.session);
        DeactivationSection *section = openSection(app);
        QVERIFY(section);
        Dialogs::queueAnswer(QMessageBox::Ok);
        Dialogs::queueDialogHook([](QDialog *dialog) {
            auto *successors = qobject_cast<SuccessorDialog *>(dialog);
            if (!successors)
                return int(QDialog::Rejected);
            // The magnifier: search "lefevre", pick the first hit.
            Dialogs::queueDialogHook([](QDialog *d) {
                auto *search = qobject_cast<UserSearchDialog *>(d);
                if (!search)
                    return int(QDialog::Rejected);
                QTest::keyClicks(search->queryEdit(), QStringLiteral("lefevre"));
                QTest::keyClick(search->queryEdit(), Qt::Key_Return);
                return search->selectedUserId() ? int(QDialog::Accepted) : int(QDialog::Rejected);
            });
            QTest::mouseClick(successors->magnifier(-1), Qt::LeftButton);
            QTest::mouseClick(successors->validateButton(), Qt::LeftButton);
            return successors->result();
        });
        Dialogs::queueAnswer(QMessageBox::Ok); // "your account is deactivated"
        QTest::mouseClick(section->deactivateButton(), Qt::LeftButton);
        QCOMPARE(w.status(w.claire), QStringLiteral("deactivated"));
        QCOMPARE(principalOf(w.db(), w.s1), w.bruno);
        QCOMPARE(principalOf(w.db(), w.s2), w.bruno);
        QTRY_VERIFY(!app.mainWindow());
        QVERIFY(app.signInDialog()->isVisible());
    }

    void refusalFromCoreIsShownAndChangesNothing()
    {
        World w;
        QVERIFY(w.init(true));
        // Bruno deactivates his own account first: he cannot take over.
        QVERIFY(w.signIn(QStringLiteral("bruno@example.org")));
        w.gateway->send(commands::deactivateAccount(), [](const CommandResult &) {});
        w.gateway->signOut();
        QCOMPARE(w.status(w.bruno), QStringLiteral("deactivated"));
        DesktopApp app(*w.session);
        DeactivationSection *section = openSection(app);
        QVERIFY(section);
        const QString before = dataSnapshot(w.db());
        Dialogs::queueAnswer(QMessageBox::Ok);
        const qint64 bruno = w.bruno;
        Dialogs::queueDialogHook([bruno](QDialog *dialog) {
            auto *successors = qobject_cast<SuccessorDialog *>(dialog);
            if (!successors)
                return int(QDialog::Rejected);
            // As chosen before Bruno left (the magnifier offers active accounts only).
            successors->designate(-1, bruno, QStringLiteral("Bruno LEFÈVRE"));
            QTest::mouseClick(successors->validateButton(), Qt::LeftButton);
            return successors->result();
        });
        QTest::mouseClick(section->deactivateButton(), Qt::LeftButton);
        QVERIFY2(section->errorText().contains(QStringLiteral("active account")),
                 qPrintable(section->errorText()));
        QCOMPARE(dataSnapshot(w.db()), before);
        QVERIFY(app.mainWindow());
        QCOMPARE(principalOf(w.db(), w.s1), w.claire);
    }
};

QTEST_MAIN(TestDeactivationSection)
#include "tst_deactivationsection.moc"
