#include "ui/account/accountpage.h"
#include "ui/account/notificationssection.h"
#include "ui/account/personalinfosection.h"
#include "ui/shell/mainwindow.h"
#include "uitestsupport.h"

#include <QCheckBox>
#include <QLineEdit>
#include <QPushButton>
#include <QTest>

using namespace guichet;
using namespace guichet::test;

// « Paramétrer la réception de notifications », as a user sets it.
class TestNotificationsSection : public QObject
{
    Q_OBJECT

private:
    struct World : SignedInWindowWorld
    {
        NotificationsSection *section = nullptr;

        bool init()
        {
            if (!SignedInWindowWorld::init())
                return false;
            section
                = qobject_cast<NotificationsSection *>(showAccountSection(QStringLiteral("notifications")));
            return section;
        }
        // Clicks the box on its indicator, where a user clicks.
        void clickBox()
        {
            QTest::mouseClick(section->receiveBox(), Qt::LeftButton, {},
                              QPoint(8, section->receiveBox()->height() / 2));
        }
        void typeContact(const QString &text)
        {
            QLineEdit *edit = section->contactEdit();
            edit->setFocus();
            edit->selectAll();
            QTest::keyClick(edit, Qt::Key_Backspace);
            QTest::keyClicks(edit, text);
        }
    };

private slots:
    void enableWithAContactAddress()
    {
        World w;
        QVERIFY(w.init());
        QVERIFY(!w.section->receiveBox()->isChecked());
        QCOMPARE(w.section->contactEdit()->text(), QStringLiteral("alice@example.org"));
        w.clickBox();
        QVERIFY(w.section->receiveBox()->isChecked());
        w.typeContact(QStringLiteral("alice.news@example.org"));
        QTest::mouseClick(w.section->validateButton(), Qt::LeftButton);
        QVERIFY2(w.section->errorText().isEmpty(), qPrintable(w.section->errorText()));
        QCOMPARE(w.column("notifications_enabled").toInt(), 1);
        QCOMPARE(w.column("contact_email"), QStringLiteral("alice.news@example.org"));
        QVERIFY(w.section->confirmationText().contains(QLatin1String("alice.news@example.org")));
        // The same address shows in personal information.
        auto *personal = qobject_cast<PersonalInfoSection *>(
            w.window->accountPage()->section(QStringLiteral("personalInfo")));
        QVERIFY(personal);
        QCOMPARE(personal->edit(QStringLiteral("contactEmail"))->text(),
                 QStringLiteral("alice.news@example.org"));
    }

    void disableKeepsTheAddress()
    {
        World w;
        QVERIFY(w.init());
        w.clickBox();
        QTest::mouseClick(w.section->validateButton(), Qt::LeftButton);
        QCOMPARE(w.column("notifications_enabled").toInt(), 1);
        QVERIFY(w.section->receiveBox()->isChecked());

        w.clickBox();
        QVERIFY(!w.section->receiveBox()->isChecked());
        QTest::mouseClick(w.section->validateButton(), Qt::LeftButton);
        QVERIFY2(w.section->errorText().isEmpty(), qPrintable(w.section->errorText()));
        QCOMPARE(w.column("notifications_enabled").toInt(), 0);
        QCOMPARE(w.column("contact_email"), QStringLiteral("alice@example.org"));
        QVERIFY(!w.section->receiveBox()->isChecked());
        QVERIFY(!w.section->confirmationText().isEmpty());
    }

    void enableWithAnInvalidAddressIsRefused()
    {
        World w;
        QVERIFY(w.init());
        const QString before = dataSnapshot(w.db());
        w.clickBox();
        w.typeContact(QStringLiteral("alice@"));
        QTest::mouseClick(w.section->validateButton(), Qt::LeftButton);
        QVERIFY2(w.section->errorText().contains(QLatin1String("contact e-mail")),
                 qPrintable(w.section->errorText()));
        QVERIFY(w.section->contactEdit()->property("invalid").toBool());
        QCOMPARE(dataSnapshot(w.db()), before);
        // What the user chose stays, to be corrected.
        QVERIFY(w.section->receiveBox()->isChecked());
        QCOMPARE(w.section->contactEdit()->text(), QStringLiteral("alice@"));

        // No address at all: refused as well.
        w.typeContact(QString());
        QTest::mouseClick(w.section->validateButton(), Qt::LeftButton);
        QVERIFY(!w.section->errorText().isEmpty());
        QCOMPARE(dataSnapshot(w.db()), before);

        // « Annuler » puts back what is saved.
        QTest::mouseClick(w.section->cancelButton(), Qt::LeftButton);
        QVERIFY(!w.section->receiveBox()->isChecked());
        QCOMPARE(w.section->contactEdit()->text(), QStringLiteral("alice@example.org"));
        QVERIFY(w.section->errorText().isEmpty());
    }
};

QTEST_MAIN(TestNotificationsSection)
#include "tst_notificationssection.moc"
