#include "commands/commandargs.h"
#include "kernel/paths.h"
#include "ui/account/reactivationdialog.h"
#include "ui/account/signindialog.h"
#include "ui/shell/desktopapp.h"
#include "ui/shell/linkhandler.h"
#include "ui/shell/singleinstance.h"
#include "ui/widgets/dialogs.h"
#include "uitestsupport.h"

#include <QDir>
#include <QLineEdit>
#include <QLocalSocket>
#include <QProcess>
#include <QPushButton>
#include <QRadioButton>
#include <QRegularExpression>
#include <QSignalSpy>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTest>

using namespace guichet;
using namespace guichet::test;

// guichet:// links from the mails: one Guichet per user session, a later launch
// handing its link to the running one, which opens the reactivation dialog with
// the code filled; malformed links and links of another server are refused
// with a message.
class TestLinkHandler : public QObject
{
    Q_OBJECT

private:
    // Alice deactivated her account and asked for a reactivation mail.
    struct World : DeactivatedAccountWorld
    {
        bool init()
        {
            if (!DeactivatedAccountWorld::init())
                return false;
            bool ok = false;
            gateway->send(commands::requestReactivation(QStringLiteral("alice@example.org")),
                          [&ok](const CommandResult &r) { ok = r.ok(); });
            return ok;
        }
        QString mailedLink() { return guichetLinkIn(lastMail()); }
    };

    // What the reactivation dialog showed when a link opened it.
    struct Seen
    {
        bool opened = false;
        QString token;
        int step = -1;
        QWidget *parent = nullptr;
    };

    // Answers the next reactivation dialog: notes what it shows and, when
    // `complete`, chooses the new secrets and validates.
    static void answerReactivation(Seen &seen, bool complete)
    {
        Dialogs::queueDialogHook([&seen, complete](QDialog *d) {
            auto *dialog = qobject_cast<ReactivationDialog *>(d);
            if (!dialog)
                return int(QDialog::Rejected);
            seen.opened = true;
            seen.token = dialog->tokenEdit()->text();
            seen.step = dialog->step();
            seen.parent = dialog->parentWidget();
            if (!complete)
                return int(QDialog::Rejected);
            typeNewSecrets(dialog);
            Dialogs::queueAnswer(QMessageBox::Ok); // "account reactivated"
            QTest::mouseClick(dialog->validateButton(), Qt::LeftButton);
            return dialog->result();
        });
    }

    static QString tokenOf(const QString &link)
    {
        return QRegularExpression(QStringLiteral("token=([A-Za-z0-9_-]+)")).match(link).captured(1);
    }

    QTemporaryDir m_home;

private slots:
    void initTestCase()
    {
        QVERIFY(m_home.isValid());
        // A home of its own: the single-instance socket's name comes from the
        // user and the data folder, so this test meets no real Guichet, and the
        // `guichet` it launches finds the instance this test runs.
        for (const char *folder : { "data", "config", "cache", "tmp" })
            QVERIFY(QDir(m_home.path()).mkpath(QLatin1String(folder)));
        qputenv("XDG_DATA_HOME", QFile::encodeName(m_home.filePath(QStringLiteral("data"))));
        qputenv("XDG_CONFIG_HOME", QFile::encodeName(m_home.filePath(QStringLiteral("config"))));
        qputenv("XDG_CACHE_HOME", QFile::encodeName(m_home.filePath(QStringLiteral("cache"))));
        qputenv("TMPDIR", QFile::encodeName(m_home.filePath(QStringLiteral("tmp"))));
        // Never the user's database, should the launch not hand over.
        qputenv("GUICHET_DATABASE", QFile::encodeName(m_home.filePath(QStringLiteral("unused.sqlite"))));
        setApplicationIdentity(QStringLiteral("guichet"));
        QVERIFY(QStandardPaths::writableLocation(QStandardPaths::AppDataLocation).startsWith(m_home.path()));
    }

    void cleanup() { Dialogs::clear(); }

    void aSecondLaunchHandsItsLinkToTheRunningGuichet()
    {
        World w;
        QVERIFY(w.init());
        const QString link = w.mailedLink();
        QVERIFY(link.startsWith(QStringLiteral("guichet://reactivate?token=")));

        // The running Guichet, at its sign-in window.
        DesktopApp app(*w.session);
        SingleInstance instance;
        QVERIFY2(instance.listen(), qPrintable(instance.errorString()));
        connect(&instance, &SingleInstance::messageReceived, &app, &DesktopApp::openLink);
        app.start();
        QVERIFY(app.signInDialog()->isVisible());

        Seen seen;
        answerReactivation(seen, true);
        // The mail's link clicked: the desktop starts `guichet LINK`.
        QProcess second;
        second.start(QStringLiteral(GUICHET_PATH), { link });
        QTRY_VERIFY_WITH_TIMEOUT(seen.opened, 30000);
        QCOMPARE(seen.token, tokenOf(link));
        QCOMPARE(seen.step, 1);
        QCOMPARE(seen.parent, app.signInDialog());
        // The second launch exits at once, having opened no window of its own.
        QTRY_COMPARE_WITH_TIMEOUT(second.state(), QProcess::NotRunning, 30000);
        QCOMPARE(second.exitStatus(), QProcess::NormalExit);
        QCOMPARE(second.exitCode(), 0);
        // The link's page did its job: the account is active, and the sign-in
        // window has its e-mail.
        QCOMPARE(w.status(), QStringLiteral("active"));
        QCOMPARE(app.signInDialog()->emailEdit()->text(), QStringLiteral("alice@example.org"));
    }

    void aSecondLaunchWithoutLinkShowsTheRunningGuichet()
    {
        SingleInstance instance;
        QVERIFY2(instance.listen(), qPrintable(instance.errorString()));
        QSignalSpy received(&instance, &SingleInstance::messageReceived);
        QProcess second;
        second.start(QStringLiteral(GUICHET_PATH), {});
        QVERIFY(second.waitForStarted());
        QTRY_COMPARE_WITH_TIMEOUT(received.size(), 1, 30000);
        QCOMPARE(received.at(0).at(0).toString(), QString());
        QTRY_COMPARE_WITH_TIMEOUT(second.state(), QProcess::NotRunning, 30000);
        QCOMPARE(second.exitStatus(), QProcess::NormalExit);
        QCOMPARE(second.exitCode(), 0);
    }

    void onlyOneInstanceListens()
    {
        SingleInstance first;
        QVERIFY(first.listen());
        SingleInstance second;
        QVERIFY(!second.listen());
        QCOMPARE(second.errorString(), QStringLiteral("Guichet is already running for this user."));
        QCOMPARE(first.serverName(), second.serverName());
    }

    void anOverlongMessageIsDropped()
    {
        SingleInstance instance;
        QVERIFY(instance.listen());
        QSignalSpy received(&instance, &SingleInstance::messageReceived);
        QLocalSocket socket;
        socket.connectToServer(SingleInstance::serverName());
        QVERIFY(socket.waitForConnected(5000));
        socket.write(QByteArray(SingleInstance::MaxMessageBytes + 100, 'a'));
        QTRY_COMPARE_WITH_TIMEOUT(socket.state(), QLocalSocket::UnconnectedState, 10000);
        QCOMPARE(received.size(), 0);
        // An overlong link is refused before it is sent.
        QVERIFY(!instance.handOver(QString(SingleInstance::MaxMessageBytes, QLatin1Char('a')), 2000));
        QCOMPARE(received.size(), 0);
    }

    void aFirstLaunchWithALinkOpensTheDialogOnceSignInIsUp()
    {
        World w;
        QVERIFY(w.init());
        const QString link = w.mailedLink();
        DesktopApp app(*w.session);
        Seen seen;
        answerReactivation(seen, false);
        // main() gives the link before any window is up: it waits.
        app.openLink(link);
        QCoreApplication::processEvents();
        QVERIFY(!seen.opened);
        app.start();
        QTRY_VERIFY(seen.opened);
        QCOMPARE(seen.parent, app.signInDialog());
        QVERIFY(app.signInDialog()->isVisible());
        QCOMPARE(seen.token, tokenOf(link));
        QCOMPARE(seen.step, 1);
        QCOMPARE(w.status(), QStringLiteral("deactivated"));
    }

    void aLinkFillsTheReactivationDialogAlreadyOpen()
    {
        World w;
        QVERIFY(w.init());
        const QString link = w.mailedLink();
        DesktopApp app(*w.session);
        app.start();
        int step = -1;
        QString token;
        int dialogs = 0;
        Dialogs::queueDialogHook([&](QDialog *d) {
            auto *dialog = qobject_cast<ReactivationDialog *>(d);
            if (!dialog)
                return int(QDialog::Rejected);
            ++dialogs;
            // Waiting for the mail on the e-mail step, the user clicks its link.
            app.openLink(link);
            step = dialog->step();
            token = dialog->tokenEdit()->text();
            return int(QDialog::Rejected);
        });
        QTest::mouseClick(app.signInDialog()->reactivateButton(), Qt::LeftButton);
        QCOMPARE(dialogs, 1);
        QCOMPARE(step, 1);
        QCOMPARE(token, tokenOf(link));
    }

    // « Créer un compte »'s link: a signed-in Guichet does not switch accounts
    // under the user; it says to sign out first and opens nothing.
    void anActivationLinkWhileSignedInSaysSignOutFirst()
    {
        UiWorld w;
        QVERIFY(w.isValid());
        w.createUser(QStringLiteral("bob@example.org"));
        DesktopApp app(*w.session);
        app.start();
        app.signInDialog()->emailEdit()->setText(QStringLiteral("bob@example.org"));
        app.signInDialog()->passwordEdit()->setText(QStringLiteral("Tournesol-2026"));
        QTest::mouseClick(app.signInDialog()->signInButton(), Qt::LeftButton);
        QVERIFY(app.mainWindow());
        const qint64 bob = w.gateway->userId();
        int dialogs = 0;
        Dialogs::queueDialogHook([&](QDialog *) {
            ++dialogs;
            return int(QDialog::Rejected);
        });
        Dialogs::queueAnswer(QMessageBox::Ok);
        app.openLink(QStringLiteral("guichet://activate?token=AAAAAAAAAAAAAAAAAAAAAA"));
        QVERIFY2(Dialogs::messages().constLast().contains(QStringLiteral("sign out")),
                 qPrintable(Dialogs::messages().constLast()));
        QCOMPARE(dialogs, 0);
        QCOMPARE(w.gateway->userId(), bob);
        Dialogs::clear();
    }

    void aMalformedLinkSaysSoAndOpensNothing_data()
    {
        QTest::addColumn<QString>("link");
        QTest::addColumn<QString>("reason");
        QTest::newRow("unknown action")
            << QStringLiteral("guichet://erase?token=AAAAAAAAAAAAAAAAAAAAAA") << QStringLiteral("« erase »");
        QTest::newRow("bad code") << QStringLiteral("guichet://reactivate?token=abc%27%3B%20DROP%20TABLE")
                                  << QStringLiteral("code of this Guichet link is not valid");
        QTest::newRow("other scheme")
            << QStringLiteral("https://example.org/reactivate?token=AAAAAAAAAAAAAAAAAAAA")
            << QStringLiteral("not a Guichet link");
    }
    void aMalformedLinkSaysSoAndOpensNothing()
    {
        QFETCH(QString, link);
        QFETCH(QString, reason);
        World w;
        QVERIFY(w.init());
        DesktopApp app(*w.session);
        app.start();
        Seen seen;
        answerReactivation(seen, false);
        Dialogs::queueAnswer(QMessageBox::Ok);
        app.openLink(link);
        QCOMPARE(Dialogs::messages().size(), 1);
        QVERIFY2(Dialogs::messages().constLast().contains(QStringLiteral("cannot be opened")),
                 qPrintable(Dialogs::messages().constLast()));
        QVERIFY2(Dialogs::messages().constLast().contains(reason),
                 qPrintable(Dialogs::messages().constLast()));
        QCoreApplication::processEvents();
        QVERIFY(!seen.opened);
    }

    void aLinkOfAnotherServerNamesBothServers()
    {
        World w;
        QVERIFY(w.init());
        const QString token = tokenOf(w.mailedLink());
        const QString link = QStringLiteral("guichet://reactivate?token=") + token
            + QStringLiteral("&server=https%3A%2F%2Fguichet.other.example");
        DesktopApp app(*w.session);
        app.setServerSignIn([](const QUrl &, const QString &, const QString &, const QString &, bool,
                               CommandGateway::Callback) {});
        app.start();
        SignInDialog *signIn = app.signInDialog();
        Seen seen;
        answerReactivation(seen, false);

        // Guichet set to this computer's database.
        signIn->standaloneChoice()->setChecked(true);
        Dialogs::queueAnswer(QMessageBox::Ok);
        app.openLink(link);
        QCOMPARE(Dialogs::messages().size(), 1);
        QString message = Dialogs::messages().constLast();
        QVERIFY2(message.contains(QStringLiteral("https://guichet.other.example"))
                     && message.contains(QStringLiteral("standalone")),
                 qPrintable(message));

        // Guichet set to another server.
        signIn->serverChoice()->setChecked(true);
        signIn->serverEdit()->setText(QStringLiteral("https://guichet.example.org"));
        QCOMPARE(app.currentServer(), QUrl(QStringLiteral("https://guichet.example.org")));
        Dialogs::queueAnswer(QMessageBox::Ok);
        app.openLink(link);
        QCOMPARE(Dialogs::messages().size(), 2);
        message = Dialogs::messages().constLast();
        QVERIFY2(message.contains(QStringLiteral("https://guichet.other.example"))
                     && message.contains(QStringLiteral("https://guichet.example.org")),
                 qPrintable(message));
        QCoreApplication::processEvents();
        QVERIFY(!seen.opened);

        // The same server, written otherwise: the link opens.
        signIn->serverEdit()->setText(QStringLiteral("https://Guichet.Other.example/"));
        app.openLink(link);
        QTRY_VERIFY(seen.opened);
        QCOMPARE(seen.token, token);
        QCOMPARE(Dialogs::messages().size(), 2);
    }
};

QTEST_MAIN(TestLinkHandler)
#include "tst_linkhandler.moc"
