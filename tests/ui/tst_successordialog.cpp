#include "fixtures.h"
#include "ui/account/successordialog.h"
#include "ui/widgets/dialogs.h"
#include "ui/widgets/usersearchdialog.h"
#include "uitestsupport.h"

#include <QJsonDocument>
#include <QLineEdit>
#include <QPushButton>
#include <QRadioButton>
#include <QTableView>
#include <QTest>

using namespace guichet;
using namespace guichet::test;

// « Désigner un nouveau gestionnaire principal », driven as a user would.
class TestSuccessorDialog : public QObject
{
    Q_OBJECT

private:
    struct World : UiWorld
    {
        qint64 claire = 0, bruno = 0, chloe = 0, s1 = 0, s2 = 0;
        bool init()
        {
            if (!isValid())
                return false;
            claire = createUser(QStringLiteral("claire@example.org"), QStringLiteral("Claire"),
                                QStringLiteral("Dubois"));
            bruno = createUser(QStringLiteral("bruno@example.org"), QStringLiteral("Bruno"),
                               QStringLiteral("Lefèvre"));
            chloe = createUser(QStringLiteral("chloe@example.org"), QStringLiteral("Chloé"),
                               QStringLiteral("Martin"));
            s1 = insertStructure(db(), validSiret(1), QStringLiteral("Menuiserie Dupont"));
            s2 = insertStructure(db(), validSiret(2), QStringLiteral("Boulangerie Martin"));
            insertAttachment(db(), claire, s1, QStringLiteral("principal"));
            insertAttachment(db(), claire, s2, QStringLiteral("principal"));
            return signIn(QStringLiteral("claire@example.org"));
        }
    };

    // Answers the next magnifier dialog by searching `query` and picking the first hit.
    static void answerSearch(const QString &query)
    {
        Dialogs::queueDialogHook([query](QDialog *dialog) {
            auto *search = qobject_cast<UserSearchDialog *>(dialog);
            if (!search)
                return int(QDialog::Rejected);
            QTest::keyClicks(search->queryEdit(), query);
            QTest::keyClick(search->queryEdit(), Qt::Key_Return);
            return search->selectedUserId() ? int(QDialog::Accepted) : int(QDialog::Rejected);
        });
    }

private slots:
    void listsThePrincipalsStructures()
    {
        World w;
        QVERIFY(w.init());
        const auto structures = SuccessorDialog::principalStructures(*w.session, w.claire);
        QCOMPARE(structures.size(), 2);
        QCOMPARE(structures.at(0).raisonSociale, QStringLiteral("Menuiserie Dupont"));
    }

    void oneSuccessorForAllFoundWithTheMagnifier()
    {
        World w;
        QVERIFY(w.init());
        SuccessorDialog dialog(*w.session, SuccessorDialog::principalStructures(*w.session, w.claire));
        dialog.show();
        answerSearch(QStringLiteral("lefevre")); // accents ignored
        QTest::mouseClick(dialog.magnifier(-1), Qt::LeftButton);
        QTest::mouseClick(dialog.validateButton(), Qt::LeftButton);
        QCOMPARE(dialog.result(), int(QDialog::Accepted));
        QCOMPARE(dialog.successors().forAll, w.bruno);
    }

    void oneSuccessorPerStructureAndMissingOnesNamed()
    {
        World w;
        QVERIFY(w.init());
        SuccessorDialog dialog(*w.session, SuccessorDialog::principalStructures(*w.session, w.claire));
        dialog.show();
        // Clicked on its indicator, where a user clicks.
        QTest::mouseClick(dialog.perStructureButton(), Qt::LeftButton, {},
                          QPoint(8, dialog.perStructureButton()->height() / 2));
        QVERIFY(dialog.perStructureButton()->isChecked());
        answerSearch(QStringLiteral("chloe@example.org"));
        QTest::mouseClick(dialog.magnifier(1), Qt::LeftButton);
        // The first structure has nobody yet: refused, named in red.
        QTest::mouseClick(dialog.validateButton(), Qt::LeftButton);
        QVERIFY(dialog.isVisible());
        QVERIFY(dialog.errorText().contains(QStringLiteral("Menuiserie Dupont")));
        QVERIFY(!dialog.errorText().contains(QStringLiteral("Boulangerie Martin")));
        answerSearch(QStringLiteral("bruno"));
        QTest::mouseClick(dialog.magnifier(0), Qt::LeftButton);
        QTest::mouseClick(dialog.validateButton(), Qt::LeftButton);
        QCOMPARE(dialog.result(), int(QDialog::Accepted));
        const QHash<qint64, qint64> each = dialog.successors().perStructure;
        QCOMPARE(each.value(w.s1), w.bruno);
        QCOMPARE(each.value(w.s2), w.chloe);
    }

    void theLeavingUserIsNotOffered()
    {
        World w;
        QVERIFY(w.init());
        SuccessorDialog dialog(*w.session, SuccessorDialog::principalStructures(*w.session, w.claire));
        dialog.show();
        answerSearch(QStringLiteral("claire"));
        QTest::mouseClick(dialog.magnifier(-1), Qt::LeftButton);
        QCOMPARE(dialog.successors().forAll, 0);
        QVERIFY(dialog.successors().perStructure.isEmpty());
        QTest::mouseClick(dialog.validateButton(), Qt::LeftButton);
        QVERIFY(!dialog.errorText().isEmpty());
        QVERIFY(dialog.isVisible());
    }
};

QTEST_MAIN(TestSuccessorDialog)
#include "tst_successordialog.moc"
