#include "fixtures.h"
#include "models/subscriptionmodel.h"
#include "rules/spaces/subscriptions.h"
#include "ui/subscriptions/subscriptionrequestdialog.h"
#include "ui/subscriptions/subscriptionssection.h"
#include "ui/widgets/dialogs.h"
#include "ui/widgets/messagebar.h"
#include "uitestsupport.h"

#include <QCheckBox>
#include <QComboBox>
#include <QLineEdit>
#include <QPushButton>
#include <QTableView>
#include <QTableWidget>
#include <QTest>

using namespace guichet;
using namespace guichet::test;

// « Mes abonnements aux espaces » and « Ajouter un abonnement », driven as a user would.
class TestSubscriptionsSection : public QObject
{
    Q_OBJECT

private:
    struct World : UiWorld
    {
        qint64 claire = 0, bruno = 0, s1 = 0, s2 = 0, compta = 0, achats = 0;
        bool init(const QString &who)
        {
            if (!isValid())
                return false;
            claire = createUser(QStringLiteral("claire@example.org"), QStringLiteral("Claire"),
                                QStringLiteral("Dubois"));
            bruno = createUser(QStringLiteral("bruno@example.org"), QStringLiteral("Bruno"),
                               QStringLiteral("Lefèvre"));
            s1 = insertStructure(db(), validSiret(1), QStringLiteral("Menuiserie Dupont"));
            s2 = insertStructure(db(), validSiret(2), QStringLiteral("Boulangerie Martin"));
            compta = insertService(db(), s2, QStringLiteral("COMPTA"), QStringLiteral("Comptabilité"));
            achats = insertService(db(), s2, QStringLiteral("ACHATS"), QStringLiteral("Achats"));
            insertAttachment(db(), claire, s1, QStringLiteral("principal"));
            insertAttachment(db(), claire, s2, QStringLiteral("principal"));
            insertAttachment(db(), bruno, s1, QStringLiteral("user"));
            // Bruno is attached to the accounting service of s2 only.
            const qint64 partial = insertAttachment(db(), bruno, s2, QStringLiteral("user"));
            db().exec(QStringLiteral("UPDATE attachments SET whole_structure = 0 WHERE id = ?"), { partial });
            db().exec(
                QStringLiteral("INSERT INTO attachment_services (attachment_id, service_id) VALUES (?, ?)"),
                { partial, compta });
            return signIn(who);
        }
    };

    static void choose(QComboBox *combo, const QString &text)
    {
        combo->setFocus();
        QTest::keyClick(combo, Qt::Key_Home);
        for (int i = 0; i < combo->count() && !combo->currentText().contains(text); ++i)
            QTest::keyClick(combo, Qt::Key_Down);
    }

    static void tick(QCheckBox *box)
    {
        if (box)
            QTest::mouseClick(box, Qt::LeftButton, {}, box->rect().center());
    }

    // What the user reads in a column of the table, row by row.
    static QStringList column(QTableView *table, int column)
    {
        QStringList texts;
        for (int row = 0; row < table->model()->rowCount(); ++row)
            texts << table->model()->index(row, column).data().toString();
        return texts;
    }

    // Fills « Ajouter un abonnement »: structure, space, then the modes of the
    // first service listed (the default service when the user may have it).
    static void answerRequest(const QString &structure, const QString &space, bool modification,
                              bool consultation, QString *error = nullptr)
    {
        Dialogs::queueDialogHook([=](QDialog *d) {
            auto *dialog = qobject_cast<SubscriptionRequestDialog *>(d);
            if (!dialog)
                return int(QDialog::Rejected);
            choose(dialog->structureCombo(), structure);
            choose(dialog->spaceCombo(), space);
            if (modification)
                tick(dialog->modificationBox(0));
            if (consultation)
                tick(dialog->consultationBox(0));
            QTest::mouseClick(dialog->validateButton(), Qt::LeftButton);
            if (error)
                *error = dialog->errorText();
            return dialog->result() == QDialog::Accepted ? int(QDialog::Accepted) : int(QDialog::Rejected);
        });
    }

    static void checkRow(QTableView *table, int row)
    {
        table->setFocus();
        table->setCurrentIndex(table->model()->index(row, SubscriptionModel::SelectionColumn));
        QTest::keyClick(table, Qt::Key_Space);
    }

private slots:
    void aManagersRequestIsValidatedAtOnce()
    {
        World w;
        QVERIFY(w.init(QStringLiteral("claire@example.org")));
        SubscriptionsSection section(*w.session);
        section.show();
        QCOMPARE(section.table()->model()->rowCount(), 0);
        answerRequest(QStringLiteral("Menuiserie"), QStringLiteral("Received invoices"), true, false);
        QTest::mouseClick(section.addButton(), Qt::LeftButton);
        QCOMPARE(section.table()->model()->rowCount(), 1);
        QCOMPARE(column(section.table(), SubscriptionModel::StatusColumn), QStringList { "Validated" });
        QCOMPARE(column(section.table(), SubscriptionModel::ServiceColumn),
                 QStringList { "Whole structure" });
        QCOMPARE(column(section.table(), SubscriptionModel::ModeColumn), QStringList { "Modification" });
        QVERIFY(section.notice().contains(QStringLiteral("validated")));
        QVERIFY(!section.notice().contains(QStringLiteral("principal manager")));
    }

    void aSimpleUsersRequestAwaitsValidation()
    {
        World w;
        QVERIFY(w.init(QStringLiteral("bruno@example.org")));
        SubscriptionsSection section(*w.session);
        section.show();
        answerRequest(QStringLiteral("Menuiserie"), QStringLiteral("Received invoices"), true, false);
        QTest::mouseClick(section.addButton(), Qt::LeftButton);
        QCOMPARE(column(section.table(), SubscriptionModel::StatusColumn),
                 QStringList { "Awaiting validation" });
        QVERIFY(section.notice().contains(QStringLiteral("ask the principal manager")));
    }

    void bothModesMakeTwoRows()
    {
        World w;
        QVERIFY(w.init(QStringLiteral("claire@example.org")));
        SubscriptionsSection section(*w.session);
        section.show();
        answerRequest(QStringLiteral("Menuiserie"), QStringLiteral("Received invoices"), true, true);
        QTest::mouseClick(section.addButton(), Qt::LeftButton);
        QCOMPARE(section.table()->model()->rowCount(), 2);
        QStringList modes = column(section.table(), SubscriptionModel::ModeColumn);
        modes.sort();
        QCOMPARE(modes, (QStringList { "Consultation", "Modification" }));
        QCOMPARE(column(section.table(), SubscriptionModel::SpaceColumn),
                 (QStringList { "Received invoices", "Received invoices" }));
    }

    void onlyTheServicesTheUserIsAttachedToAreListed()
    {
        World w;
        QVERIFY(w.init(QStringLiteral("bruno@example.org")));
        SubscriptionRequestDialog dialog(*w.session);
        dialog.show();
        QCOMPARE(dialog.servicesTable()->rowCount(), 0); // nothing until both are chosen
        choose(dialog.structureCombo(), QStringLiteral("Boulangerie"));
        QCOMPARE(dialog.servicesTable()->rowCount(), 0);
        choose(dialog.spaceCombo(), QStringLiteral("Issued invoices"));
        QCOMPARE(dialog.servicesTable()->rowCount(), 1);
        QCOMPARE(dialog.servicesTable()->item(0, 0)->text(), QStringLiteral("Comptabilité"));
        // Attached to the whole structure: the default service comes first, then every service.
        choose(dialog.structureCombo(), QStringLiteral("Menuiserie"));
        QCOMPARE(dialog.servicesTable()->rowCount(), 1);
        QVERIFY(dialog.servicesTable()->item(0, 0)->text().contains(QStringLiteral("whole structure")));

        // The manager of s2 (whole structure) sees the default service and both services.
        World m;
        QVERIFY(m.init(QStringLiteral("claire@example.org")));
        SubscriptionRequestDialog manager(*m.session);
        manager.show();
        choose(manager.structureCombo(), QStringLiteral("Boulangerie"));
        choose(manager.spaceCombo(), QStringLiteral("Issued invoices"));
        QCOMPARE(manager.servicesTable()->rowCount(), 3);
        QVERIFY(manager.servicesTable()->item(0, 0)->text().contains(QStringLiteral("whole structure")));
    }

    void aMissingSpaceIsNamedInRedAndNothingIsStored()
    {
        World w;
        QVERIFY(w.init(QStringLiteral("claire@example.org")));
        const QString before = dataSnapshot(w.db());
        SubscriptionRequestDialog dialog(*w.session);
        dialog.show();
        choose(dialog.structureCombo(), QStringLiteral("Menuiserie"));
        QTest::keyClicks(dialog.commentEdit(), QStringLiteral("Pour la compta"));
        QTest::mouseClick(dialog.validateButton(), Qt::LeftButton);
        QVERIFY(dialog.isVisible());
        QVERIFY(dialog.errorText().contains(QStringLiteral("space")));
        QCOMPARE(dialog.highlightedFields(), QStringList { "space" });
        QCOMPARE(dialog.spaceCombo()->property("invalid").toBool(), true);
        // What the user chose and typed stays.
        QVERIFY(dialog.structureCombo()->currentText().contains(QStringLiteral("Menuiserie")));
        QCOMPARE(dialog.commentEdit()->text(), QStringLiteral("Pour la compta"));
        QCOMPARE(dataSnapshot(w.db()), before);
    }

    void noModeTickedIsRefusedOnTheServices()
    {
        World w;
        QVERIFY(w.init(QStringLiteral("claire@example.org")));
        const QString before = dataSnapshot(w.db());
        SubscriptionRequestDialog dialog(*w.session);
        dialog.show();
        choose(dialog.structureCombo(), QStringLiteral("Menuiserie"));
        choose(dialog.spaceCombo(), QStringLiteral("Received invoices"));
        QTest::mouseClick(dialog.validateButton(), Qt::LeftButton);
        QVERIFY(dialog.isVisible());
        QCOMPARE(dialog.highlightedFields(), QStringList { "services" });
        QCOMPARE(dataSnapshot(w.db()), before);
    }

    void deleteTheCheckedSubscriptionsAfterConfirmation()
    {
        World w;
        QVERIFY(w.init(QStringLiteral("claire@example.org")));
        SubscriptionRequest request;
        request.structureId = w.s1;
        request.spaceCode = QStringLiteral("factures_recues");
        request.lines = { { 0, true, true } };
        request.effectiveDate = w.clock.today();
        QVERIFY(Subscriptions(*w.core).requestSubscription(w.claire, request).ok());
        request.spaceCode = QStringLiteral("sollicitations_recues");
        QVERIFY(Subscriptions(*w.core).requestSubscription(w.claire, request).ok());

        SubscriptionsSection section(*w.session);
        section.show();
        QCOMPARE(section.table()->model()->rowCount(), 4);
        checkRow(section.table(), 0);
        checkRow(section.table(), 1);
        QCOMPARE(section.model()->checkedIds().size(), 2);

        // Cancelling the confirmation deletes nothing.
        const QString before = dataSnapshot(w.db());
        Dialogs::queueAnswer(QMessageBox::Cancel);
        QTest::mouseClick(section.deleteCheckedButton(), Qt::LeftButton);
        QCOMPARE(dataSnapshot(w.db()), before);
        QCOMPARE(section.table()->model()->rowCount(), 4);

        Dialogs::queueAnswer(QMessageBox::Ok);
        QTest::mouseClick(section.deleteCheckedButton(), Qt::LeftButton);
        QVERIFY(Dialogs::messages().last().contains(QStringLiteral("Delete 2 subscription(s)?")));
        QCOMPARE(section.table()->model()->rowCount(), 2);
        QCOMPARE(section.notice(), QStringLiteral("2 subscription(s) deleted."));
        QCOMPARE(section.messageBar()->kind(), MessageBar::Kind::Positive);
        QCOMPARE(Subscriptions(*w.core).userSubscriptions(w.claire).size(), 2);
    }

    void theDeleteKeyDeletesTheCurrentRowAfterConfirmation()
    {
        World w;
        QVERIFY(w.init(QStringLiteral("claire@example.org")));
        SubscriptionRequest request;
        request.structureId = w.s1;
        request.spaceCode = QStringLiteral("factures_recues");
        request.lines = { { 0, true, false } };
        request.effectiveDate = w.clock.today();
        QVERIFY(Subscriptions(*w.core).requestSubscription(w.claire, request).ok());
        SubscriptionsSection section(*w.session);
        section.show();
        section.activateWindow();
        QVERIFY(QTest::qWaitForWindowActive(&section));
        section.table()->setFocus();
        section.table()->selectRow(0);
        Dialogs::queueAnswer(QMessageBox::Ok);
        QTest::keyClick(section.table(), Qt::Key_Delete);
        QCOMPARE(section.table()->model()->rowCount(), 0);
        QVERIFY(Subscriptions(*w.core).userSubscriptions(w.claire).isEmpty());
    }

    // Bruno's « Factures émises » at the joinery, which does not leave it to
    // its users: deleting it asks Claire; the row stays, « Removal requested »,
    // until she decides; he may withdraw the request.
    void deletingInvoicesTheStructureKeepsAsksTheManagers()
    {
        World w;
        QVERIFY(w.init(QStringLiteral("bruno@example.org")));
        SubscriptionRequest request;
        request.structureId = w.s1;
        request.spaceCode = QStringLiteral("factures_emises");
        request.lines = { { 0, true, false } };
        request.effectiveDate = w.clock.today();
        Subscriptions subscriptions(*w.core);
        const CommandResult asked = subscriptions.requestSubscription(w.bruno, request);
        QVERIFY2(asked.ok(), qPrintable(asked.message));
        QVERIFY(subscriptions.decideSubscription(w.claire, asked.id, true).ok());

        SubscriptionsSection section(*w.session);
        section.show();
        QCOMPARE(column(section.table(), SubscriptionModel::StatusColumn), QStringList { "Validated" });
        QVERIFY(section.withdrawRemovalButton()->isHidden());
        section.table()->setFocus();
        section.table()->selectRow(0);
        Dialogs::queueAnswer(QMessageBox::Ok);
        QTest::mouseClick(section.deleteButton(), Qt::LeftButton);
        QCOMPARE(section.table()->model()->rowCount(), 1);
        QCOMPARE(column(section.table(), SubscriptionModel::StatusColumn),
                 QStringList { "Removal requested" });
        QVERIFY2(section.notice().contains(QStringLiteral("Removal asked for 1 subscription")),
                 qPrintable(section.notice()));
        QVERIFY(!section.notice().contains(QStringLiteral("deleted")));
        QCOMPARE(section.messageBar()->kind(), MessageBar::Kind::Positive);
        QVERIFY(subscriptions.subscription(asked.id)->removalRequested());

        // The button appears; it takes the request back.
        QVERIFY(section.withdrawRemovalButton()->isVisible());
        section.table()->selectRow(0);
        QVERIFY(section.withdrawRemovalButton()->isEnabled());
        QTest::mouseClick(section.withdrawRemovalButton(), Qt::LeftButton);
        QCOMPARE(column(section.table(), SubscriptionModel::StatusColumn), QStringList { "Validated" });
        QVERIFY(!subscriptions.subscription(asked.id)->removalRequested());
        QVERIFY2(section.notice().contains(QStringLiteral("withdrawn")), qPrintable(section.notice()));
        QVERIFY(section.withdrawRemovalButton()->isHidden());
    }
};

QTEST_MAIN(TestSubscriptionsSection)
#include "tst_subscriptionssection.moc"
