#include "apiclient.h"
#include "fixtures.h"
#include "models/recordtablemodel.h"
#include "ui/account/accountpage.h"
#include "ui/account/activationdialog.h"
#include "ui/account/notificationssection.h"
#include "ui/account/signindialog.h"
#include "ui/account/signupdialog.h"
#include "ui/shell/desktopapp.h"
#include "ui/shell/mainwindow.h"
#include "ui/support/supportpage.h"
#include "ui/sync/connectedsession.h"
#include "ui/sync/queuedchange.h"
#include "ui/sync/syncstatus.h"
#include "ui/sync/syncstatusdialog.h"
#include "ui/widgets/dialogs.h"
#include "uitestsupport.h"

#include <QCheckBox>
#include <QDir>
#include <QFileInfo>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QRadioButton>
#include <QSettings>
#include <QStandardPaths>
#include <QTableView>
#include <QTest>

#include <algorithm>

using namespace guichet;
using namespace guichet::test;

// The desktop connected to the REAL guichetd, end to end: the sign-in window
// with a server address, the replica the screens read, a change synchronised
// both ways, the server going away and coming back with a change waiting.

namespace {

constexpr int syncTimeoutMs = 10000;

void clickIndicator(QAbstractButton *button)
{
    QTest::mouseClick(button, Qt::LeftButton, {}, QPoint(8, button->height() / 2));
}

void retype(QLineEdit *edit, const QString &text)
{
    edit->setFocus();
    edit->selectAll();
    QTest::keyClick(edit, Qt::Key_Backspace);
    QTest::keyClicks(edit, text);
}

} // namespace

class TestConnectedDesktop : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase()
    {
        // Replicas and settings of this run only.
        QStandardPaths::setTestModeEnabled(true);
        QSettings().clear();
        QDir(QStandardPaths::writableLocation(QStandardPaths::AppDataLocation) + QStringLiteral("/replicas"))
            .removeRecursively();
    }

    // « Remember me »'s token at the next start: the replica opens (offline too),
    // a token the server refuses opens nothing.
    void aRememberedTokenOpensTheReplica()
    {
        UiWorld w;
        QVERIFY(w.isValid());
        const qint64 alice = w.createUser(QStringLiteral("alice@example.org"));
        Guichetd server;
        QString error;
        QVERIFY2(server.start(w.t.location(), {}, &error), qPrintable(error));
        const QUrl url = server.baseUrl();
        ApiClient api(url);
        const QString token
            = api.signIn(QStringLiteral("alice@example.org"), QStringLiteral("Tournesol-2026"));
        QVERIFY(!token.isEmpty());
        std::unique_ptr<ConnectedSession> opened;
        CommandResult answer;
        bool called = false;
        const auto record = [&](std::unique_ptr<ConnectedSession> session, const CommandResult &result) {
            opened = std::move(session);
            answer = result;
            called = true;
        };
        const auto replicaEmail = [&opened, alice] {
            return opened->replica()
                .value(QStringLiteral("SELECT email FROM users WHERE id = ?"), { alice })
                .toString();
        };

        ConnectedSession::restore(url, QStringLiteral("not-a-token"), alice, w.clock, this, record);
        QTRY_VERIFY_WITH_TIMEOUT(called, syncTimeoutMs);
        QVERIFY(!opened);
        QCOMPARE(answer.code, ErrorCode::Unauthenticated);

        called = false;
        ConnectedSession::restore(url, token, alice, w.clock, this, record);
        QTRY_VERIFY_WITH_TIMEOUT(called, syncTimeoutMs);
        QVERIFY2(answer.ok(), qPrintable(answer.message));
        QVERIFY(opened);
        QCOMPARE(opened->session().userId(), alice);
        QVERIFY(opened->sync().isRunning());
        QTRY_COMPARE_WITH_TIMEOUT(replicaEmail(), QStringLiteral("alice@example.org"), syncTimeoutMs);

        opened.reset();
        QCOMPARE(server.stop(), 0);
        called = false;
        ConnectedSession::restore(url, token, alice, w.clock, this, record);
        QTRY_VERIFY_WITH_TIMEOUT(called, syncTimeoutMs);
        QVERIFY(opened);
        QVERIFY(answer.data.value(QStringLiteral("offline")).toBool());
        QCOMPARE(opened->session().userId(), alice);
        QCOMPARE(replicaEmail(), QStringLiteral("alice@example.org"));
        QCOMPARE(opened->syncState().online, false);
    }

    // « Structures sans gestionnaire principal », connected: the support
    // console lists the requests to join them, which only guichetd holds (the
    // support user's replica has no row of those structures).
    void supportConsoleListsPrincipalRequestsFromTheServer()
    {
        UiWorld w;
        QVERIFY(w.isValid());
        const qint64 sue = w.createUser(QStringLiteral("sue@example.org"), QStringLiteral("Sue"),
                                        QStringLiteral("Port"), true);
        const qint64 carol = w.createUser(QStringLiteral("carol@example.org"), QStringLiteral("Carol"));
        const qint64 orphan = insertStructure(w.db(), validSiret(5), QStringLiteral("Scierie Sans Chef"));
        insertAttachment(w.db(), carol, orphan, QStringLiteral("principal"), QStringLiteral("pending"),
                         w.clock.today());
        Guichetd server;
        QString error;
        QVERIFY2(server.start(w.t.location(), {}, &error), qPrintable(error));
        ApiClient api(server.baseUrl());
        const QString token = api.signIn(QStringLiteral("sue@example.org"), QStringLiteral("Tournesol-2026"));
        QVERIFY(!token.isEmpty());
        std::unique_ptr<ConnectedSession> opened;
        CommandResult answer;
        ConnectedSession::restore(
            server.baseUrl(), token, sue, w.clock, this,
            [&](std::unique_ptr<ConnectedSession> session, const CommandResult &result) {
                opened = std::move(session);
                answer = result;
            });
        QTRY_VERIFY_WITH_TIMEOUT(opened, syncTimeoutMs);
        QVERIFY2(answer.ok(), qPrintable(answer.message));

        SupportPage page(opened->session());
        page.show();
        auto *table = page.findChild<QTableView *>(QStringLiteral("principalRequestsTable"));
        QVERIFY(table);
        QTRY_COMPARE_WITH_TIMEOUT(table->model()->rowCount(), 1, syncTimeoutMs);
        bool listsCarol = false;
        for (int column = 0; column < table->model()->columnCount(); ++column)
            listsCarol = listsCarol
                || table->model()->index(0, column).data().toString().contains(
                    QStringLiteral("carol@example.org"));
        QVERIFY(listsCarol);
        QCOMPARE(
            opened->replica()
                .value(QStringLiteral("SELECT COUNT(*) FROM attachments WHERE structure_id = ?"), { orphan })
                .toInt(),
            0);
    }

    // « Créer un compte » with the server chosen in the sign-in window: the
    // sign-up and the activation go to guichetd, and the new user lands in
    // the main window on a replica, signed in to the server.
    void signUpThroughTheServerAndLandSignedIn()
    {
        UiWorld w;
        QVERIFY(w.isValid());
        Guichetd server;
        QString error;
        QVERIFY2(server.start(w.t.location(), {}, &error), qPrintable(error));
        const QUrl url = server.baseUrl();
        DesktopApp app(*w.session);
        app.enableConnectedMode();
        app.start();
        SignInDialog *dialog = app.signInDialog();
        QVERIFY(QTest::qWaitForWindowExposed(dialog));
        clickIndicator(dialog->serverChoice());
        retype(dialog->serverEdit(), url.toString());
        const QString email = QStringLiteral("nina@example.org");
        bool signedUp = false, activated = false, outboxShown = true;
        Dialogs::queueDialogHook([&](QDialog *d) {
            auto *signUp = qobject_cast<SignUpDialog *>(d);
            if (!signUp)
                return int(QDialog::Rejected);
            QTest::keyClicks(signUp->emailEdit(), email);
            QTest::keyClicks(signUp->firstNameEdit(), QStringLiteral("Nina"));
            QTest::keyClicks(signUp->lastNameEdit(), QStringLiteral("Petit"));
            QTest::keyClicks(signUp->passwordEdit(), QStringLiteral("Tournesol 2026!"));
            QTest::keyClicks(signUp->confirmationEdit(), QStringLiteral("Tournesol 2026!"));
            QTest::keyClicks(signUp->questionEdit(), QStringLiteral("Q ?"));
            QTest::keyClicks(signUp->answerEdit(), QStringLiteral("R"));
            QTest::mouseClick(signUp->validateButton(), Qt::LeftButton);
            signedUp = QTest::qWaitFor([&] { return signUp->result() == QDialog::Accepted; }, syncTimeoutMs);
            return signUp->result();
        });
        Dialogs::queueDialogHook([&](QDialog *d) {
            auto *activation = qobject_cast<ActivationDialog *>(d);
            if (!activation)
                return int(QDialog::Rejected);
            outboxShown = activation->outboxButton()->isVisible();
            // The mail guichetd queued, read where its SMTP would take it from.
            const QString body
                = w.db()
                      .value(QStringLiteral("SELECT body_text FROM mail_outbox WHERE recipient = ? "
                                            "ORDER BY id DESC LIMIT 1"),
                             { email })
                      .toString();
            QTest::keyClicks(activation->tokenEdit(), guichetLinkIn(body));
            QTest::mouseClick(activation->validateButton(), Qt::LeftButton);
            activated
                = QTest::qWaitFor([&] { return activation->result() == QDialog::Accepted; }, syncTimeoutMs);
            return activation->result();
        });
        QTest::mouseClick(dialog->signUpButton(), Qt::LeftButton);
        QVERIFY(signedUp);
        QVERIFY(activated);
        QVERIFY(!outboxShown); // this computer's outbox has nothing of the server's
        QTRY_VERIFY_WITH_TIMEOUT(app.mainWindow() && app.mainWindow()->isVisible(), syncTimeoutMs);
        ConnectedSession *connected = app.connectedSession();
        QVERIFY(connected);
        const qint64 nina
            = w.db()
                  .value(QStringLiteral("SELECT id FROM users WHERE email = ? AND status = 'active'"),
                         { email })
                  .toLongLong();
        QVERIFY(nina > 0);
        QCOMPARE(connected->session().userId(), nina);
        QVERIFY(connected->gateway().isSignedIn());
        QVERIFY(QFileInfo::exists(ConnectedSession::replicaLocation(url, nina)));
        app.signOut();
        QCOMPARE(server.stop(), 0);
    }

    void signInSyncGoOfflineAndBack()
    {
        // The world's database is the server's: guichetd runs on it.
        UiWorld w;
        QVERIFY(w.isValid());
        const qint64 alice = w.createUser(QStringLiteral("alice@example.org"));
        Guichetd server;
        QString error;
        QVERIFY2(server.start(w.t.location(), {}, &error), qPrintable(error));
        const QUrl url = server.baseUrl();
        const auto serverColumn = [&w, alice](const char *column) {
            return w.db()
                .value(QStringLiteral("SELECT %1 FROM users WHERE id = ?").arg(QLatin1String(column)),
                       { alice })
                .toString();
        };

        DesktopApp app(*w.session);
        app.enableConnectedMode();
        app.start();
        SignInDialog *dialog = app.signInDialog();
        QVERIFY(dialog);
        QVERIFY(QTest::qWaitForWindowExposed(dialog));
        QVERIFY(dialog->serverChoice()->isVisible());
        clickIndicator(dialog->serverChoice());
        retype(dialog->serverEdit(), url.toString());
        if (dialog->rememberBox()->isChecked())
            clickIndicator(dialog->rememberBox());
        retype(dialog->emailEdit(), QStringLiteral("alice@example.org"));
        retype(dialog->passwordEdit(), QStringLiteral("Tournesol-2026"));
        QTest::mouseClick(dialog->signInButton(), Qt::LeftButton);

        // The main window opens on the user's replica, filled by the sync.
        QTRY_VERIFY_WITH_TIMEOUT(app.mainWindow() && app.mainWindow()->isVisible(), syncTimeoutMs);
        MainWindow *main = app.mainWindow();
        ConnectedSession *connected = app.connectedSession();
        QVERIFY(connected);
        QCOMPARE(&app.currentSession(), &connected->session());
        QVERIFY(QFileInfo::exists(ConnectedSession::replicaLocation(url, alice)));
        connected->gateway().setRetryDelays(200, 1000);
        connected->sync().setRetryDelays(200, 1000);
        connected->gateway().setAnswerTimeout(500);
        auto *userButton = main->findChild<QPushButton *>(QStringLiteral("userButton"));
        QVERIFY(userButton);
        QTRY_COMPARE_WITH_TIMEOUT(userButton->text(), QStringLiteral("Alice MARTIN"), syncTimeoutMs);
        QCOMPARE(connected->replica()
                     .value(QStringLiteral("SELECT email FROM users WHERE id = ?"), { alice })
                     .toString(),
                 QStringLiteral("alice@example.org"));
        SyncStatusButton *status = app.syncStatusButton();
        QVERIFY(status);
        QVERIFY(main->isAncestorOf(status));
        QTRY_VERIFY_WITH_TIMEOUT(status->text().startsWith(QStringLiteral("Synchronised at")), syncTimeoutMs);

        // A change goes to the server, and comes back into the replica and the form.
        main->accountPage()->showSection(QStringLiteral("notifications"));
        auto *section = qobject_cast<NotificationsSection *>(main->accountPage()->currentSection());
        QVERIFY(section);
        QVERIFY(!section->receiveBox()->isChecked());
        clickIndicator(section->receiveBox());
        retype(section->contactEdit(), QStringLiteral("alice.news@example.org"));
        QTest::mouseClick(section->validateButton(), Qt::LeftButton);
        QTRY_COMPARE_WITH_TIMEOUT(serverColumn("notifications_enabled"), QStringLiteral("1"), syncTimeoutMs);
        QCOMPARE(serverColumn("contact_email"), QStringLiteral("alice.news@example.org"));
        QTRY_COMPARE_WITH_TIMEOUT(
            connected->replica()
                .value(QStringLiteral("SELECT notifications_enabled FROM users WHERE id = ?"), { alice })
                .toInt(),
            1, syncTimeoutMs);
        QVERIFY(section->receiveBox()->isChecked());
        QCOMPARE(section->contactEdit()->text(), QStringLiteral("alice.news@example.org"));

        // The server goes away: the status bar says so.
        const int port = url.port();
        QCOMPARE(server.stop(), 0);
        QTRY_VERIFY_WITH_TIMEOUT(status->text().startsWith(QStringLiteral("Offline")), syncTimeoutMs);

        // Changes made offline wait in the outbox, in order: the second one
        // names an address the server will refuse.
        clickIndicator(section->receiveBox());
        QVERIFY(!section->receiveBox()->isChecked());
        QTest::mouseClick(section->validateButton(), Qt::LeftButton);
        QTRY_COMPARE_WITH_TIMEOUT(connected->gateway().pendingCount(), 1, syncTimeoutMs);
        QTRY_VERIFY_WITH_TIMEOUT(status->text().contains(QStringLiteral("1 change")), syncTimeoutMs);
        QCOMPARE(serverColumn("notifications_enabled"), QStringLiteral("1"));
        if (!section->receiveBox()->isChecked())
            clickIndicator(section->receiveBox());
        retype(section->contactEdit(), QStringLiteral("alice@"));
        QTest::mouseClick(section->validateButton(), Qt::LeftButton);
        QTRY_COMPARE_WITH_TIMEOUT(connected->gateway().pendingCount(), 2, syncTimeoutMs);
        QVERIFY(status->text().contains(QStringLiteral("2 change")));
        // The form says it waits (so the server's refusal will come later).
        const auto saysQueued = [section] {
            const QList<QLabel *> labels = section->findChildren<QLabel *>();
            return std::any_of(labels.begin(), labels.end(), [](QLabel *label) {
                return label->isVisible() && label->text() == QueuedChange::message();
            });
        };
        QTRY_VERIFY_WITH_TIMEOUT(saysQueued(), syncTimeoutMs);
        Dialogs::clear();

        // Back on the same port and database: it is sent, and all is synchronised.
        Guichetd again;
        QVERIFY2(again.start(w.t.location(),
                             { QStringLiteral("--listen"), QStringLiteral("127.0.0.1:%1").arg(port) },
                             &error),
                 qPrintable(error));
        QCOMPARE(again.baseUrl(), url);
        QTRY_COMPARE_WITH_TIMEOUT(serverColumn("notifications_enabled"), QStringLiteral("0"), syncTimeoutMs);
        QTRY_COMPARE_WITH_TIMEOUT(connected->gateway().pendingCount(), 0, syncTimeoutMs);
        QTRY_VERIFY_WITH_TIMEOUT(status->text().startsWith(QStringLiteral("Synchronised at")), syncTimeoutMs);
        QTRY_COMPARE_WITH_TIMEOUT(
            connected->replica()
                .value(QStringLiteral("SELECT notifications_enabled FROM users WHERE id = ?"), { alice })
                .toInt(),
            0, syncTimeoutMs);
        QVERIFY(!section->receiveBox()->isChecked());
        QCOMPARE(serverColumn("contact_email"), QStringLiteral("alice.news@example.org"));

        // The refused one: a notice names it and the server's reason, the status
        // bar counts it, and the status dialog deletes it.
        QTRY_COMPARE_WITH_TIMEOUT(connected->gateway().outbox().refusedCount(alice), 1, syncTimeoutMs);
        const QString reason = connected->gateway()
                                   .outbox()
                                   .refused(alice)
                                   .first()
                                   .result.value(QStringLiteral("message"))
                                   .toString();
        QVERIFY(!reason.isEmpty());
        QTRY_COMPARE_WITH_TIMEOUT(Dialogs::messages().size(), 1, syncTimeoutMs);
        QVERIFY2(Dialogs::messages().first().contains(reason), qPrintable(Dialogs::messages().first()));
        QVERIFY(Dialogs::messages().first().contains(QStringLiteral("refused")));
        QTRY_VERIFY_WITH_TIMEOUT(status->text().contains(QStringLiteral("1 change(s) refused")),
                                 syncTimeoutMs);
        bool sawRefused = false;
        Dialogs::queueDialogHook([&sawRefused](QDialog *d) {
            auto *statusDialog = qobject_cast<SyncStatusDialog *>(d);
            if (!statusDialog)
                return int(QDialog::Rejected);
            sawRefused = statusDialog->refusedModel()->rowCount() == 1;
            Dialogs::queueAnswer(QMessageBox::Ok);
            QTest::mouseClick(statusDialog->deleteButton(), Qt::LeftButton);
            return int(QDialog::Rejected);
        });
        QTest::mouseClick(status, Qt::LeftButton);
        QVERIFY(sawRefused);
        QCOMPARE(connected->gateway().outbox().refusedCount(alice), 0);
        QTRY_VERIFY_WITH_TIMEOUT(status->text().startsWith(QStringLiteral("Synchronised at")), syncTimeoutMs);
        QVERIFY(!status->text().contains(QStringLiteral("refused")));
    }
};

QTEST_MAIN(TestConnectedDesktop)
#include "tst_connecteddesktop.moc"
