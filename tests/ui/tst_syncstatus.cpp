#include "models/recordtablemodel.h"
#include "ui/sync/commanddescription.h"
#include "ui/sync/syncstatus.h"
#include "ui/sync/syncstatusdialog.h"
#include "ui/widgets/dialogs.h"
#include "uitestsupport.h"

#include <QJsonArray>
#include <QLabel>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QTableView>
#include <QTest>

using namespace guichet;
using namespace guichet::test;

// The connected mode's synchronisation status: the status bar's words and the
// dialog listing the changes waiting and the refused ones.
class TestSyncStatus : public QObject
{
    Q_OBJECT

private:
    static QList<OutboxEntry> outbox()
    {
        const QDateTime at(QDate(2026, 3, 2), QTime(9, 30));
        OutboxEntry profile;
        profile.seq = 3;
        profile.name = QStringLiteral("updatePersonalInformation");
        profile.args = { { QStringLiteral("contactEmail"), QStringLiteral("alice@example.org") },
                         { QStringLiteral("lastName"), QStringLiteral("Martin-Durand") },
                         { QStringLiteral("firstName"), QStringLiteral("Alice") },
                         { QStringLiteral("currentPassword"), QStringLiteral("Tournesol-2026") },
                         { QStringLiteral("newPassword"), QStringLiteral("Tulipe-2027") } };
        profile.createdAt = at;
        profile.refused = true;
        profile.reason = QStringLiteral("The current password is wrong.");
        OutboxEntry request;
        request.seq = 5;
        request.name = QStringLiteral("requestAttachment");
        request.args = { { QStringLiteral("structure"), 12 },
                         { QStringLiteral("validFrom"), QStringLiteral("2026-04-01") } };
        request.createdAt = at.addSecs(60);
        OutboxEntry files;
        files.seq = 6;
        files.name = QStringLiteral("deleteFiles");
        files.args = { { QStringLiteral("ids"), QJsonArray { 4, 9 } } };
        files.createdAt = at.addSecs(120);
        return { profile, request, files };
    }

private slots:
    void statusBarTexts()
    {
        SyncState synced;
        synced.lastSyncAt = QDateTime(QDate(2026, 3, 2), QTime(14, 5));
        QCOMPARE(SyncStatusButton::statusText(synced), QStringLiteral("Synchronised at 14:05"));

        SyncState waiting = synced;
        waiting.pending = 2;
        QCOMPARE(SyncStatusButton::statusText(waiting), QStringLiteral("2 change(s) waiting"));

        SyncState offline = waiting;
        offline.online = false;
        QCOMPARE(
            SyncStatusButton::statusText(offline),
            QStringLiteral("Offline — changes will be sent when the server is back · 2 change(s) waiting"));

        SyncState failing = synced;
        failing.lastError = QStringLiteral("The session expired.");
        QCOMPARE(SyncStatusButton::statusText(failing),
                 QStringLiteral("Synchronisation error: The session expired."));

        SyncState refused = synced;
        refused.refused = 1;
        QCOMPARE(SyncStatusButton::statusText(refused),
                 QStringLiteral("Synchronised at 14:05 · 1 change(s) refused by the server"));

        SyncStatusButton button;
        button.setState(refused);
        QCOMPARE(button.text(), SyncStatusButton::statusText(refused));
        QVERIFY(button.font().bold()); // a refusal stands out
        button.setState(waiting);
        QVERIFY(!button.font().bold());
    }

    // A first sync of a large account takes a while: the status bar counts
    // the rows received, then says when it is done.
    void firstSyncShowsTheRowsReceived()
    {
        SyncState starting;
        starting.firstSyncRows = 0;
        QCOMPARE(SyncStatusButton::statusText(starting),
                 QStringLiteral("First synchronisation: 0 row(s) received"));
        SyncState running = starting;
        running.firstSyncRows = 42000;
        running.lastSyncAt = QDateTime(QDate(2026, 3, 2), QTime(14, 5)); // pages already applied
        running.pending = 1;
        QCOMPARE(SyncStatusButton::statusText(running),
                 QStringLiteral("First synchronisation: 42000 row(s) received · 1 change(s) waiting"));
        // Once the server said how many rows the first sync brings: « n / N ».
        SyncState counted = running;
        counted.firstSyncTotal = 100703;
        QCOMPARE(
            SyncStatusButton::statusText(counted),
            QStringLiteral("First synchronisation: 42000 / 100703 row(s) received · 1 change(s) waiting"));
        SyncState failing = running;
        failing.lastError = QStringLiteral("The server is down.");
        QCOMPARE(SyncStatusButton::statusText(failing),
                 QStringLiteral("Synchronisation error: The server is down."));

        SyncStatusButton button;
        button.setState(running);
        QVERIFY(button.text().startsWith(QStringLiteral("First synchronisation: 42000 row(s)")));
        QVERIFY(!button.font().bold()); // progress, not an alert
        SyncState done = running;
        done.firstSyncRows = -1;
        done.pending = 0;
        button.setState(done);
        QCOMPARE(button.text(), QStringLiteral("Synchronised at 14:05"));
    }

    void dialogListsWaitingChangesInOrderAndRefusedOnesReadably()
    {
        UiWorld w; // settings of a test stay the test's
        SyncState state;
        state.pending = 2;
        state.refused = 1;
        state.online = false;
        SyncStatusDialog dialog(
            state, [] { return outbox(); }, [](qint64) { return false; });
        dialog.show();
        QVERIFY(dialog.summaryLabel()->text().startsWith(QStringLiteral("Offline")));
        QCOMPARE(dialog.pendingModel()->rowCount(), 2);
        QCOMPARE(dialog.pendingModel()->index(0, 0).data().toString(),
                 QStringLiteral("Request an attachment"));
        QCOMPARE(dialog.pendingModel()->index(1, 0).data().toString(),
                 QStringLiteral("Delete attached files"));
        QCOMPARE(dialog.refusedModel()->rowCount(), 1);
        QCOMPARE(dialog.refusedModel()->index(0, 0).data().toString(),
                 QStringLiteral("Save my personal information"));
        QCOMPARE(dialog.refusedModel()->index(0, 2).data().toString(),
                 QStringLiteral("The current password is wrong."));

        // The refused change is selected: what the user typed, readable, no secret.
        const QString details = dialog.detailsView()->toPlainText();
        QVERIFY(details.contains(QStringLiteral("Refused: The current password is wrong.")));
        QVERIFY(details.contains(QStringLiteral("Last name: Martin-Durand")));
        QVERIFY(details.contains(QStringLiteral("Contact e-mail: alice@example.org")));
        QVERIFY(!details.contains(QStringLiteral("Tournesol")));
        QVERIFY(!details.contains(QStringLiteral("Tulipe")));
        QVERIFY(!details.contains(QLatin1Char('{')));

        dialog.pendingView()->selectRow(1);
        QCOMPARE(dialog.detailsView()->toPlainText(), QStringLiteral("Files: 2 item(s)"));
        QVERIFY(!dialog.deleteButton()->isEnabled()); // only refused changes can be deleted
    }

    void deleteDiscardsARefusedChangeAfterConfirmation()
    {
        UiWorld w;
        QList<OutboxEntry> entries = outbox();
        QList<qint64> discarded;
        SyncStatusDialog dialog(
            SyncState {}, [&] { return entries; },
            [&](qint64 seq) {
                discarded.append(seq);
                entries.erase(std::remove_if(entries.begin(), entries.end(),
                                             [seq](const OutboxEntry &e) { return e.seq == seq; }),
                              entries.end());
                return true;
            });
        dialog.show();
        QVERIFY(QTest::qWaitForWindowActive(&dialog));
        QVERIFY(dialog.deleteButton()->isEnabled());

        Dialogs::queueAnswer(QMessageBox::Cancel);
        QTest::mouseClick(dialog.deleteButton(), Qt::LeftButton);
        QVERIFY(discarded.isEmpty());
        QCOMPARE(dialog.refusedModel()->rowCount(), 1);

        // The Delete key on the refused table, confirmed.
        Dialogs::queueAnswer(QMessageBox::Ok);
        dialog.refusedView()->setFocus();
        QTest::keyClick(dialog.refusedView(), Qt::Key_Delete);
        QCOMPARE(discarded, QList<qint64> { 3 });
        QVERIFY(Dialogs::messages().last().contains(QStringLiteral("Save my personal information")));
        QCOMPARE(dialog.refusedModel()->rowCount(), 0);
        QCOMPARE(dialog.pendingModel()->rowCount(), 2); // waiting changes untouched
        QVERIFY(!dialog.deleteButton()->isEnabled());
    }

    void unknownCommandsStillShowTheirValues()
    {
        QCOMPARE(CommandDescription::title(QStringLiteral("futureCommand")), QStringLiteral("futureCommand"));
        const QStringList values
            = CommandDescription::values(QStringLiteral("futureCommand"),
                                         { { QStringLiteral("colour"), QStringLiteral("blue") },
                                           { QStringLiteral("secretAnswer"), QStringLiteral("x") } });
        QCOMPARE(values, QStringList { QStringLiteral("colour: blue") });
        // A file's content shows as its size.
        const QStringList file = CommandDescription::values(
            QStringLiteral("addFile"),
            { { QStringLiteral("designation"), QStringLiteral("Devis") },
              { QStringLiteral("content"), QString(QByteArray(3000, 'a').toBase64()) } });
        QCOMPARE(file.size(), 2);
        QCOMPARE(file.first(), QStringLiteral("Designation: Devis"));
        QVERIFY(file.last().startsWith(QStringLiteral("File: ")));
        QVERIFY(!file.last().contains(QStringLiteral("YWFh")));
    }
};

QTEST_MAIN(TestSyncStatus)
#include "tst_syncstatus.moc"
