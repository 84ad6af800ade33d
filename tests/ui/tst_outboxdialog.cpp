#include "commands/commandargs.h"
#include "mail/mailoutbox.h"
#include "models/outboxmodel.h"
#include "ui/account/signindialog.h"
#include "ui/shell/desktopapp.h"
#include "ui/shell/mainwindow.h"
#include "ui/shell/outboxdialog.h"
#include "ui/widgets/dialogs.h"
#include "uitestsupport.h"

#include <QAction>
#include <QLineEdit>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QTableView>
#include <QTest>

using namespace guichet;
using namespace guichet::test;

// The standalone mode's local outbox: the mails Guichet queued, newest first.
class TestOutboxDialog : public QObject
{
    Q_OBJECT

private:
    struct World : UiWorld
    {
        // Alice then, an hour later, Bruno deactivate and ask for the reactivation mail.
        bool init()
        {
            if (!isValid())
                return false;
            createUser(QStringLiteral("alice@example.org"), QStringLiteral("Alice"),
                       QStringLiteral("Martin"));
            createUser(QStringLiteral("bruno@example.org"), QStringLiteral("Bruno"),
                       QStringLiteral("Lefèvre"));
            for (const QString &email :
                 { QStringLiteral("alice@example.org"), QStringLiteral("bruno@example.org") }) {
                if (!signIn(email))
                    return false;
                gateway->send(commands::deactivateAccount(), [](const CommandResult &) {});
                gateway->signOut();
                gateway->send(commands::requestReactivation(email), [](const CommandResult &) {});
                clock.advanceSecs(3600);
            }
            return db().value(QStringLiteral("SELECT COUNT(*) FROM mail_outbox")).toInt() == 2;
        }
    };

    static QString cell(OutboxDialog &dialog, int row, int column)
    {
        return dialog.table()->model()->index(row, column).data().toString();
    }

private slots:
    void listsTheMailsNewestFirstAndShowsTheText()
    {
        World w;
        QVERIFY(w.init());
        OutboxDialog dialog(*w.session);
        dialog.show();
        QCOMPARE(dialog.table()->model()->rowCount(), 2);
        QCOMPARE(cell(dialog, 0, OutboxModel::RecipientColumn), QStringLiteral("bruno@example.org"));
        QCOMPARE(cell(dialog, 1, OutboxModel::RecipientColumn), QStringLiteral("alice@example.org"));
        QCOMPARE(cell(dialog, 0, OutboxModel::SubjectColumn),
                 QStringLiteral("Reactivate your Guichet account"));
        QCOMPARE(cell(dialog, 0, OutboxModel::StatusColumn), QStringLiteral("Pending"));
        // The newest is open; its text is readable and selectable, not editable.
        QVERIFY(dialog.bodyView()->toPlainText().startsWith(QStringLiteral("Hello Bruno")));
        QVERIFY(dialog.bodyView()->isReadOnly());
        QVERIFY(dialog.bodyView()->textInteractionFlags() & Qt::TextSelectableByMouse);
        // Clicking the other mail shows its text.
        const QRect rect = dialog.table()->visualRect(dialog.table()->model()->index(1, 0));
        QTest::mouseClick(dialog.table()->viewport(), Qt::LeftButton, {}, rect.center());
        QVERIFY(dialog.bodyView()->toPlainText().startsWith(QStringLiteral("Hello Alice")));
        QVERIFY(dialog.bodyView()->toPlainText().contains(QStringLiteral("guichet://reactivate?token=")));
    }

    void aSentMailIsMarkedSent()
    {
        World w;
        QVERIFY(w.init());
        const qint64 first = w.db().value(QStringLiteral("SELECT MIN(id) FROM mail_outbox")).toLongLong();
        QVERIFY(MailOutbox(*w.core).markSent(first, w.clock.now()));
        OutboxDialog dialog(*w.session);
        QCOMPARE(cell(dialog, 1, OutboxModel::StatusColumn), QStringLiteral("Sent"));
        QCOMPARE(cell(dialog, 0, OutboxModel::StatusColumn), QStringLiteral("Pending"));
    }

    void anEmptyOutboxSaysSo()
    {
        UiWorld w;
        GUICHET_REQUIRE_DB(w.t);
        OutboxDialog dialog(*w.session);
        dialog.show();
        QCOMPARE(dialog.table()->model()->rowCount(), 0);
        QVERIFY(dialog.findChild<QWidget *>(QStringLiteral("emptyOutbox"))->isVisible());
        QVERIFY(dialog.bodyView()->toPlainText().isEmpty());
    }

    void opensFromTheSignInWindowAndTheMainWindow()
    {
        World w;
        QVERIFY(w.init());
        w.createUser(QStringLiteral("chloe@example.org"), QStringLiteral("Chloé"), QStringLiteral("Petit"));
        DesktopApp app(*w.session);
        app.start();
        int rowsSeen = -1;
        const auto countRows = [&rowsSeen](QDialog *d) {
            auto *outbox = qobject_cast<OutboxDialog *>(d);
            rowsSeen = outbox ? outbox->table()->model()->rowCount() : -1;
            return int(QDialog::Rejected);
        };
        Dialogs::queueDialogHook(countRows);
        QTest::mouseClick(app.signInDialog()->findChild<QPushButton *>(QStringLiteral("outbox")),
                          Qt::LeftButton);
        QCOMPARE(rowsSeen, 2);

        app.signInDialog()->emailEdit()->setText(QStringLiteral("chloe@example.org"));
        QTest::keyClicks(app.signInDialog()->passwordEdit(), QStringLiteral("Tournesol-2026"));
        QTest::mouseClick(app.signInDialog()->signInButton(), Qt::LeftButton);
        QVERIFY(app.mainWindow());
        rowsSeen = -1;
        Dialogs::queueDialogHook(countRows);
        QAction *menuAction = nullptr;
        for (QAction *action : app.mainWindow()->findChildren<QAction *>()) {
            if (action->text() == QStringLiteral("Local &outbox…"))
                menuAction = action;
        }
        QVERIFY(menuAction);
        menuAction->trigger(); // File > Local outbox…
        QCOMPARE(rowsSeen, 2);
    }

    void remembersTheColumnWidths()
    {
        World w;
        QVERIFY(w.init());
        {
            OutboxDialog dialog(*w.session);
            dialog.show(); // the user drags a column's edge on the shown table
            QVERIFY(QTest::qWaitForWindowExposed(&dialog));
            dialog.table()->setColumnWidth(OutboxModel::RecipientColumn, 313);
        }
        OutboxDialog again(*w.session);
        QCOMPARE(again.table()->columnWidth(OutboxModel::RecipientColumn), 313);
    }
};

QTEST_MAIN(TestOutboxDialog)
#include "tst_outboxdialog.moc"
