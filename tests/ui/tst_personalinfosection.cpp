#include "rules/accounts/accounts.h"
#include "rules/accounts/passwords.h"
#include "ui/account/accountpage.h"
#include "ui/account/personalinfosection.h"
#include "ui/shell/mainwindow.h"
#include "ui/widgets/messagebar.h"
#include "uitestsupport.h"

#include <QApplication>
#include <QLabel>
#include <QLineEdit>
#include <QListWidget>
#include <QPushButton>
#include <QTest>

using namespace guichet;
using namespace guichet::test;

// « Modifier ses informations personnelles », as a user fills it in the main
// window: one « Valider » saves everything or nothing.
class TestPersonalInfoSection : public QObject
{
    Q_OBJECT

private:
    struct World : SignedInWindowWorld
    {
        PersonalInfoSection *section = nullptr;

        bool init()
        {
            if (!SignedInWindowWorld::init())
                return false;
            section = qobject_cast<PersonalInfoSection *>(showAccountSection(QStringLiteral("personalInfo")));
            return section;
        }
        QLineEdit *edit(const char *field) const { return section->edit(QLatin1String(field)); }
    };

    // Replaces a field's text with the keyboard, as a user does.
    static void retype(QLineEdit *edit, const QString &text)
    {
        edit->setFocus();
        edit->selectAll();
        QTest::keyClick(edit, Qt::Key_Backspace);
        QTest::keyClicks(edit, text);
    }

    static void fillPasswords(World &w, const QString &current, const QString &next,
                              const QString &confirmation)
    {
        retype(w.edit("currentPassword"), current);
        retype(w.edit("newPassword"), next);
        retype(w.edit("confirmation"), confirmation);
    }

private slots:
    void showsWhatIsSaved()
    {
        World w;
        QVERIFY(w.init());
        QCOMPARE(w.section->objectName(), QStringLiteral("personalInfo"));
        // First section of « Mon compte », then the notifications.
        QCOMPARE(w.window->accountPage()->sectionList()->item(0)->data(Qt::UserRole).toString(),
                 QStringLiteral("personalInfo"));
        QCOMPARE(w.window->accountPage()->sectionList()->item(1)->data(Qt::UserRole).toString(),
                 QStringLiteral("notifications"));
        QCOMPARE(w.edit("contactEmail")->text(), QStringLiteral("alice@example.org"));
        QCOMPARE(w.edit("lastName")->text(), QStringLiteral("Martin"));
        QCOMPARE(w.edit("firstName")->text(), QStringLiteral("Alice"));
        for (const char *secret : { "currentPassword", "newPassword", "confirmation", "secretAnswer" }) {
            QVERIFY(w.edit(secret)->text().isEmpty());
            QCOMPARE(w.edit(secret)->echoMode(), QLineEdit::Password);
        }
    }

    void validateSavesEverythingAndUpdatesTheBanner()
    {
        World w;
        QVERIFY(w.init());
        retype(w.edit("contactEmail"), QStringLiteral("alice.home@example.org"));
        retype(w.edit("lastName"), QStringLiteral("Durand"));
        retype(w.edit("addressLine"), QStringLiteral("3 rue des Lilas"));
        retype(w.edit("postalCode"), QStringLiteral("69003"));
        retype(w.edit("city"), QStringLiteral("Lyon"));
        retype(w.edit("country"), QStringLiteral("France"));
        QTest::mouseClick(w.section->validateButton(), Qt::LeftButton);

        QVERIFY2(w.section->errorText().isEmpty(), qPrintable(w.section->errorText()));
        QCOMPARE(w.column("contact_email"), QStringLiteral("alice.home@example.org"));
        QCOMPARE(w.column("last_name"), QStringLiteral("Durand"));
        QCOMPARE(w.column("address_line"), QStringLiteral("3 rue des Lilas"));
        QCOMPARE(w.column("postal_code"), QStringLiteral("69003"));
        QCOMPARE(w.column("city"), QStringLiteral("Lyon"));
        QCOMPARE(w.column("country"), QStringLiteral("France"));
        // A discreet confirmation, no dialog; the banner's « Prénom NOM » follows.
        QVERIFY(!w.section->confirmationText().isEmpty());
        QVERIFY(w.section->messageBar()->isVisible());
        QCOMPARE(w.section->messageBar()->kind(), MessageBar::Kind::Positive);
        QVERIFY(QApplication::activeModalWidget() == nullptr);
        QCOMPARE(w.window->userButton()->text(), QStringLiteral("Alice DURAND"));
        // Enter in a field validates too.
        retype(w.edit("city"), QStringLiteral("Lille"));
        QTest::keyClick(w.edit("city"), Qt::Key_Return);
        QCOMPARE(w.column("city"), QStringLiteral("Lille"));
    }

    void missingFieldsAreNamedInRedAndNothingIsSaved()
    {
        World w;
        QVERIFY(w.init());
        const QString before = dataSnapshot(w.db());
        retype(w.edit("lastName"), QString());
        retype(w.edit("contactEmail"), QStringLiteral("alice@home"));
        retype(w.edit("city"), QStringLiteral("Lyon"));
        QTest::mouseClick(w.section->validateButton(), Qt::LeftButton);

        const QString error = w.section->errorText();
        QVERIFY2(error.contains(QLatin1String("last name")), qPrintable(error));
        QVERIFY2(error.contains(QLatin1String("contact e-mail")), qPrintable(error));
        QVERIFY(!error.contains(QLatin1String("first name")));
        QVERIFY(w.section->messageBar()->isVisible());
        QCOMPARE(w.section->messageBar()->kind(), MessageBar::Kind::Error);
        QVERIFY(w.section->messageBar()->styleSheet().contains(QLatin1String("#c0392b"))); // red
        QVERIFY(w.edit("lastName")->property("invalid").toBool());
        QVERIFY(w.edit("contactEmail")->property("invalid").toBool());
        QVERIFY(!w.edit("firstName")->property("invalid").toBool());
        QVERIFY(w.section->confirmationText().isEmpty());
        QCOMPARE(dataSnapshot(w.db()), before);
        // What was typed is still there, to be corrected.
        QCOMPARE(w.edit("contactEmail")->text(), QStringLiteral("alice@home"));
        QCOMPARE(w.edit("city")->text(), QStringLiteral("Lyon"));
        QCOMPARE(w.window->userButton()->text(), QStringLiteral("Alice MARTIN"));

        // Corrected: saved, and the highlight goes.
        retype(w.edit("lastName"), QStringLiteral("Martin"));
        retype(w.edit("contactEmail"), QStringLiteral("alice@home.example"));
        QTest::mouseClick(w.section->validateButton(), Qt::LeftButton);
        QVERIFY(w.section->errorText().isEmpty());
        QVERIFY(!w.edit("lastName")->property("invalid").toBool());
        QCOMPARE(w.column("city"), QStringLiteral("Lyon"));
    }

    void cancelPutsBackWhatIsSaved()
    {
        World w;
        QVERIFY(w.init());
        const QString before = dataSnapshot(w.db());
        retype(w.edit("lastName"), QStringLiteral("Durand"));
        retype(w.edit("city"), QStringLiteral("Paris"));
        retype(w.edit("currentPassword"), QStringLiteral("Tournesol-2026"));
        QTest::mouseClick(w.section->cancelButton(), Qt::LeftButton);
        QCOMPARE(w.edit("lastName")->text(), QStringLiteral("Martin"));
        QCOMPARE(w.edit("city")->text(), QString());
        QCOMPARE(w.edit("currentPassword")->text(), QString());
        QCOMPARE(dataSnapshot(w.db()), before);
    }

    void wrongCurrentPasswordSavesNothing()
    {
        World w;
        QVERIFY(w.init());
        const QString before = dataSnapshot(w.db());
        retype(w.edit("city"), QStringLiteral("Lyon")); // a valid profile change alongside
        fillPasswords(w, QStringLiteral("Not-my-password-1"), QStringLiteral("Marguerite 2027"),
                      QStringLiteral("Marguerite 2027"));
        QTest::mouseClick(w.section->validateButton(), Qt::LeftButton);
        QVERIFY2(w.section->errorText().contains(QLatin1String("current password")),
                 qPrintable(w.section->errorText()));
        QVERIFY(w.edit("currentPassword")->property("invalid").toBool());
        QCOMPARE(dataSnapshot(w.db()), before);
        QCOMPARE(w.edit("city")->text(), QStringLiteral("Lyon"));
        QVERIFY(w.signIn(QStringLiteral("alice@example.org"), QStringLiteral("Tournesol-2026")));
    }

    void mismatchedConfirmationIsRefused()
    {
        World w;
        QVERIFY(w.init());
        const QString before = dataSnapshot(w.db());
        fillPasswords(w, QStringLiteral("Tournesol-2026"), QStringLiteral("Marguerite 2027"),
                      QStringLiteral("Marguerite 2028"));
        QTest::mouseClick(w.section->validateButton(), Qt::LeftButton);
        QVERIFY(!w.section->errorText().isEmpty());
        QVERIFY(w.edit("confirmation")->property("invalid").toBool());
        QCOMPARE(dataSnapshot(w.db()), before);
        QCOMPARE(w.edit("newPassword")->text(), QStringLiteral("Marguerite 2027"));
    }

    void passwordChangeThenSignInWithTheNewOne()
    {
        World w;
        QVERIFY(w.init());
        fillPasswords(w, QStringLiteral("Tournesol-2026"), QStringLiteral("Marguerite 2027"),
                      QStringLiteral("Marguerite 2027"));
        QTest::mouseClick(w.section->validateButton(), Qt::LeftButton);
        QVERIFY2(w.section->errorText().isEmpty(), qPrintable(w.section->errorText()));
        QVERIFY(w.section->confirmationText().contains(QLatin1String("password")));
        for (const char *secret : { "currentPassword", "newPassword", "confirmation" })
            QVERIFY(w.edit(secret)->text().isEmpty());
        QVERIFY(!w.signIn(QStringLiteral("alice@example.org"), QStringLiteral("Tournesol-2026")));
        QVERIFY(w.signIn(QStringLiteral("alice@example.org"), QStringLiteral("Marguerite 2027")));
    }

    void secretQuestionChangeKeepsTheAnswerHidden()
    {
        World w;
        QVERIFY(w.init());
        retype(w.edit("secretQuestion"), QStringLiteral("Nom de mon premier chien ?"));
        retype(w.edit("secretAnswer"), QStringLiteral("Rex"));
        // Without the current password: refused, nothing saved.
        const QString before = dataSnapshot(w.db());
        QTest::mouseClick(w.section->validateButton(), Qt::LeftButton);
        QVERIFY(w.edit("currentPassword")->property("invalid").toBool());
        QCOMPARE(dataSnapshot(w.db()), before);

        retype(w.edit("currentPassword"), QStringLiteral("Tournesol-2026"));
        QTest::mouseClick(w.section->validateButton(), Qt::LeftButton);
        QVERIFY2(w.section->errorText().isEmpty(), qPrintable(w.section->errorText()));
        QCOMPARE(w.column("secret_question"), QStringLiteral("Nom de mon premier chien ?"));
        QVERIFY(PasswordHasher::verifySecretAnswer(w.column("secret_answer_hash"), QStringLiteral("rex")));
        // The question is shown again, the answer never.
        QCOMPARE(w.edit("secretQuestion")->text(), QStringLiteral("Nom de mon premier chien ?"));
        QVERIFY(w.edit("secretAnswer")->text().isEmpty());

        // Saving the profile later keeps the answer (left empty).
        const QString answerHash = w.column("secret_answer_hash");
        retype(w.edit("city"), QStringLiteral("Lyon"));
        QTest::mouseClick(w.section->validateButton(), Qt::LeftButton);
        QVERIFY2(w.section->errorText().isEmpty(), qPrintable(w.section->errorText()));
        QCOMPARE(w.column("city"), QStringLiteral("Lyon"));
        QCOMPARE(w.column("secret_answer_hash"), answerHash);
    }
};

QTEST_MAIN(TestPersonalInfoSection)
#include "tst_personalinfosection.moc"
