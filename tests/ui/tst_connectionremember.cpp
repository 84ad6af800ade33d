#include "client/credentialstore.h"
#include "ui/account/signindialog.h"
#include "ui/shell/desktopapp.h"
#include "ui/shell/mainwindow.h"
#include "ui/widgets/dialogs.h"
#include "uitestsupport.h"

#include <QApplication>
#include <QCheckBox>
#include <QLineEdit>
#include <QProcess>
#include <QPushButton>
#include <QRadioButton>
#include <QSettings>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>
#include <QTextStream>
#include <QUuid>

#include <cstring>

using namespace guichet;
using namespace guichet::test;

// « Se souvenir de moi » against the real keyring that scripts/test unlocks on
// a private D-Bus session; the unavailable keychain runs this binary again as a
// child with a session bus address pointing nowhere (as tests/keychain does).

namespace {

const char unavailableChildArgument[] = "--unavailable-keychain-child";
constexpr int keyringTimeoutMs = 60000;

void clickIndicator(QAbstractButton *button)
{
    QTest::mouseClick(button, Qt::LeftButton, {}, QPoint(8, button->height() / 2));
}

// The application's connected sign-in, standing in for guichetd: it signs in
// through the world's gateway and answers a fresh token, as the remote
// gateway's signIn does (result.data["token"]).
SignInDialog::ServerSignIn serverSignIn(UiWorld &w, const QString &token)
{
    return [&w, token](const QUrl &, const QString &email, const QString &password, const QString &, bool,
                       CommandGateway::Callback done) {
        w.gateway->signIn(email, password, [done, token](const CommandResult &r) {
            CommandResult answer = r;
            if (answer.ok())
                answer.data.insert(QStringLiteral("token"), token);
            done(answer);
        });
    };
}

// Leaves the keychain and the settings as a run with « Remember me » did.
bool rememberSession(const QString &server, const QString &email, qint64 userId, const QString &token)
{
    const QString key = CredentialStore::accountKey(server, email);
    CredentialStore store;
    QSignalSpy saved(&store, &CredentialStore::saved);
    store.save(key, token);
    if (!QTest::qWaitFor([&] { return !saved.isEmpty(); }, keyringTimeoutMs))
        return false;
    QSettings settings;
    settings.setValue(QStringLiteral("signIn/connection"), QStringLiteral("server"));
    settings.setValue(QStringLiteral("signIn/serverUrl"), server);
    settings.setValue(QStringLiteral("signIn/email"), email);
    settings.setValue(QStringLiteral("signIn/remember"), true);
    settings.setValue(QStringLiteral("signIn/rememberedKey"), key);
    settings.setValue(QStringLiteral("signIn/rememberedUserId"), userId);
    return true;
}

QString loadToken(const QString &key)
{
    CredentialStore store;
    QSignalSpy loaded(&store, &CredentialStore::loaded);
    QSignalSpy failed(&store, &CredentialStore::failed);
    store.load(key);
    if (!QTest::qWaitFor([&] { return !loaded.isEmpty() || !failed.isEmpty(); }, keyringTimeoutMs))
        return QStringLiteral("<timeout>");
    return loaded.isEmpty() ? QStringLiteral("<failed>") : loaded.first().at(1).toString();
}

// The child: the sign-in window with the keychain unreachable; prints the
// window's notice and whether « Remember me » is still ticked.
int runUnavailableChild(int argc, char **argv)
{
    QApplication app(argc, argv);
    UiWorld w;
    if (!w.isValid())
        return 2;
    SignInDialog dialog(*w.session);
    dialog.setServerSignIn(serverSignIn(w, QStringLiteral("unused")));
    dialog.show();
    clickIndicator(dialog.serverChoice());
    clickIndicator(dialog.rememberBox());
    if (!QTest::qWaitFor([&] { return !dialog.noticeText().isEmpty(); }, keyringTimeoutMs))
        QTextStream(stdout) << "no notice\n";
    QTextStream(stdout) << dialog.noticeText() << '\n'
                        << (dialog.rememberBox()->isChecked() ? "checked" : "unchecked") << '\n';
    return 0;
}

} // namespace

class TestConnectionRemember : public QObject
{
    Q_OBJECT

private slots:
    void rememberMeKeepsTheTokenInTheKeychainUntilSignOut()
    {
        UiWorld w;
        GUICHET_REQUIRE_DB(w.t);
        w.createUser(QStringLiteral("alice@example.org"));
        const QString token = QStringLiteral("tok-") + QUuid::createUuid().toString(QUuid::Id128);
        const QString server = QStringLiteral("https://%1.guichet.test")
                                   .arg(QUuid::createUuid().toString(QUuid::WithoutBraces));
        DesktopApp app(*w.session);
        app.setServerSignIn(serverSignIn(w, token));
        app.start();
        SignInDialog *dialog = app.signInDialog();
        QVERIFY(dialog->serverChoice()->isVisible());
        QTest::keyClicks(dialog->serverEdit(), server);
        clickIndicator(dialog->rememberBox());
        QTest::keyClicks(dialog->emailEdit(), QStringLiteral("alice@example.org"));
        QTest::keyClicks(dialog->passwordEdit(), QStringLiteral("Tournesol-2026"));
        QTest::mouseClick(dialog->signInButton(), Qt::LeftButton);
        // The main window opens once the keychain kept the token.
        QTRY_VERIFY_WITH_TIMEOUT(app.mainWindow() && app.mainWindow()->isVisible(), keyringTimeoutMs);
        QVERIFY(dialog->noticeText().isEmpty());
        const QString key = CredentialStore::accountKey(server, QStringLiteral("alice@example.org"));
        QCOMPARE(SignInDialog::rememberedKey(), key);
        QCOMPARE(loadToken(key), token);
        // Never in the settings.
        QSettings settings;
        for (const QString &k : settings.allKeys())
            QVERIFY2(!settings.value(k).toString().contains(token), qPrintable(k));

        app.signOut();
        QVERIFY(SignInDialog::rememberedKey().isEmpty());
        QTRY_COMPARE_WITH_TIMEOUT(loadToken(key), QString(), keyringTimeoutMs);
    }

    void withoutRememberMeNothingIsKept()
    {
        UiWorld w;
        GUICHET_REQUIRE_DB(w.t);
        w.createUser(QStringLiteral("alice@example.org"));
        const QString token = QStringLiteral("tok-") + QUuid::createUuid().toString(QUuid::Id128);
        const QString server = QStringLiteral("https://%1.guichet.test")
                                   .arg(QUuid::createUuid().toString(QUuid::WithoutBraces));
        DesktopApp app(*w.session);
        app.setServerSignIn(serverSignIn(w, token));
        app.start();
        SignInDialog *dialog = app.signInDialog();
        QTest::keyClicks(dialog->serverEdit(), server);
        QVERIFY(!dialog->rememberBox()->isChecked());
        QTest::keyClicks(dialog->emailEdit(), QStringLiteral("alice@example.org"));
        QTest::keyClicks(dialog->passwordEdit(), QStringLiteral("Tournesol-2026"));
        QTest::mouseClick(dialog->signInButton(), Qt::LeftButton);
        QVERIFY(app.mainWindow());
        QVERIFY(SignInDialog::rememberedKey().isEmpty());
        QCOMPARE(loadToken(CredentialStore::accountKey(server, QStringLiteral("alice@example.org"))),
                 QString());
    }

    void aRememberedSessionOpensTheMainWindowWithoutThePassword()
    {
        UiWorld w;
        GUICHET_REQUIRE_DB(w.t);
        const qint64 alice = w.createUser(QStringLiteral("alice@example.org"));
        const QString token = QStringLiteral("tok-") + QUuid::createUuid().toString(QUuid::Id128);
        const QString server = QStringLiteral("https://%1.guichet.test")
                                   .arg(QUuid::createUuid().toString(QUuid::WithoutBraces));
        QVERIFY(rememberSession(server, QStringLiteral("alice@example.org"), alice, token));
        QString restoredWith;
        qint64 restoredUser = 0;
        DesktopApp app(*w.session);
        app.setServerSignIn(serverSignIn(w, token));
        // The server accepts the remembered token for its user.
        app.setSessionRestorer([&](const QUrl &, const QString &t, qint64 userId,
                                   CommandGateway::Callback done) {
            restoredWith = t;
            restoredUser = userId;
            w.gateway->signIn(QStringLiteral("alice@example.org"), QStringLiteral("Tournesol-2026"), done);
        });
        app.start();
        QTRY_VERIFY_WITH_TIMEOUT(app.mainWindow() && app.mainWindow()->isVisible(), keyringTimeoutMs);
        QCOMPARE(restoredWith, token);
        QCOMPARE(restoredUser, alice);
        QVERIFY(!app.signInDialog() || !app.signInDialog()->isVisible()); // no password asked
        QCOMPARE(loadToken(CredentialStore::accountKey(server, QStringLiteral("alice@example.org"))), token);
    }

    void aTokenTheServerRefusesIsForgottenAndTheWindowSaysWhy()
    {
        UiWorld w;
        GUICHET_REQUIRE_DB(w.t);
        const qint64 alice = w.createUser(QStringLiteral("alice@example.org"));
        const QString token = QStringLiteral("tok-") + QUuid::createUuid().toString(QUuid::Id128);
        const QString server = QStringLiteral("https://%1.guichet.test")
                                   .arg(QUuid::createUuid().toString(QUuid::WithoutBraces));
        QVERIFY(rememberSession(server, QStringLiteral("alice@example.org"), alice, token));
        const QString key = CredentialStore::accountKey(server, QStringLiteral("alice@example.org"));
        DesktopApp app(*w.session);
        app.setServerSignIn(serverSignIn(w, token));
        app.setSessionRestorer([](const QUrl &, const QString &, qint64, CommandGateway::Callback done) {
            done(CommandResult::failure(ErrorCode::Unauthenticated, QString(),
                                        QStringLiteral("Your session has expired.")));
        });
        app.start();
        QTRY_VERIFY_WITH_TIMEOUT(app.signInDialog() && app.signInDialog()->isVisible(), keyringTimeoutMs);
        QVERIFY(!app.mainWindow());
        QVERIFY2(app.signInDialog()->noticeText().contains(QStringLiteral("Your session has expired.")),
                 qPrintable(app.signInDialog()->noticeText()));
        // The window is ready for the password, on the same server and e-mail.
        QVERIFY(app.signInDialog()->serverChoice()->isChecked());
        QCOMPARE(app.signInDialog()->emailEdit()->text(), QStringLiteral("alice@example.org"));
        QVERIFY(SignInDialog::rememberedKey().isEmpty());
        QTRY_COMPARE_WITH_TIMEOUT(loadToken(key), QString(), keyringTimeoutMs);
    }

    void anUnavailableKeychainIsSaidInTheWindow()
    {
        QTemporaryDir childHome;
        QVERIFY(childHome.isValid());
        QProcess child;
        QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
        env.insert(QStringLiteral("DBUS_SESSION_BUS_ADDRESS"),
                   QStringLiteral("unix:path=%1/no-such-bus").arg(childHome.path()));
        env.insert(QStringLiteral("HOME"), childHome.path());
        env.insert(QStringLiteral("XDG_CONFIG_HOME"), childHome.filePath(QStringLiteral("config")));
        env.insert(QStringLiteral("XDG_DATA_HOME"), childHome.filePath(QStringLiteral("data")));
        env.insert(QStringLiteral("XDG_CACHE_HOME"), childHome.filePath(QStringLiteral("cache")));
        env.remove(QStringLiteral("XDG_RUNTIME_DIR"));
        child.setProcessEnvironment(env);
        child.start(QCoreApplication::applicationFilePath(),
                    { QString::fromLatin1(unavailableChildArgument) });
        QVERIFY(child.waitForFinished(2 * keyringTimeoutMs));
        QCOMPARE(child.exitCode(), 0);
        const QStringList lines
            = QString::fromUtf8(child.readAllStandardOutput()).split(QLatin1Char('\n'), Qt::SkipEmptyParts);
        QCOMPARE(lines.size(), 2);
        QVERIFY2(lines.first().contains(QStringLiteral("keychain is unavailable")),
                 qPrintable(lines.first()));
        QVERIFY(lines.first().contains(QStringLiteral("without remembering")));
        QCOMPARE(lines.last(), QStringLiteral("unchecked"));
    }
};

int main(int argc, char **argv)
{
    for (int i = 1; i < argc; ++i) {
        if (std::strcmp(argv[i], unavailableChildArgument) == 0)
            return runUnavailableChild(1, argv);
    }
    QApplication app(argc, argv);
    TestConnectionRemember test;
    return QTest::qExec(&test, argc, argv);
}

#include "tst_connectionremember.moc"
