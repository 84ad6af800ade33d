#include "ui/account/signindialog.h"
#include "uitestsupport.h"

#include <QCheckBox>
#include <QLineEdit>
#include <QPushButton>
#include <QRadioButton>
#include <QSettings>
#include <QTest>

using namespace guichet;
using namespace guichet::test;

namespace {

void clickIndicator(QAbstractButton *button)
{
    QTest::mouseClick(button, Qt::LeftButton, {}, QPoint(8, button->height() / 2));
}

// What the window asked of the application's connected sign-in.
struct ServerCalls
{
    QList<QUrl> servers;
    QList<bool> remember;
    CommandResult answer = CommandResult::success(1);

    SignInDialog::ServerSignIn function()
    {
        return [this](const QUrl &server, const QString &, const QString &, const QString &, bool rememberMe,
                      CommandGateway::Callback done) {
            servers.append(server);
            remember.append(rememberMe);
            done(answer);
        };
    }
};

} // namespace

// « Connexion » in the sign-in window: standalone or a server, the address
// checked and remembered.
class TestConnectionChoice : public QObject
{
    Q_OBJECT

private slots:
    void serverAddressesTheDesktopAccepts()
    {
        QString error;
        QCOMPARE(SignInDialog::checkServerUrl(QStringLiteral(" https://guichet.example.org/ "), &error)
                     .value_or(QUrl())
                     .toString(),
                 QStringLiteral("https://guichet.example.org"));
        QCOMPARE(SignInDialog::checkServerUrl(QStringLiteral("http://127.0.0.1:8443"), &error)
                     .value_or(QUrl())
                     .toString(),
                 QStringLiteral("http://127.0.0.1:8443"));
        QVERIFY(SignInDialog::checkServerUrl(QStringLiteral("http://localhost:8080"), &error));
        QVERIFY(
            SignInDialog::checkServerUrl(QStringLiteral("https://portail.example.org:8443/guichet"), &error));
        // Plain http would send the password over the network.
        QVERIFY(!SignInDialog::checkServerUrl(QStringLiteral("http://guichet.example.org"), &error));
        QVERIFY(error.contains(QStringLiteral("https://")));
        QVERIFY(!SignInDialog::checkServerUrl(QStringLiteral("ftp://guichet.example.org"), &error));
        QVERIFY(!SignInDialog::checkServerUrl(QStringLiteral("guichet.example.org"), &error));
        QVERIFY(!SignInDialog::checkServerUrl(QStringLiteral("https://alice:secret@guichet.example.org"),
                                              &error));
        QVERIFY(!SignInDialog::checkServerUrl(QString(), &error));
        QVERIFY(!error.isEmpty());
    }

    void withoutConnectedModeTheWindowIsUnchanged()
    {
        UiWorld w;
        GUICHET_REQUIRE_DB(w.t);
        SignInDialog dialog(*w.session);
        dialog.show();
        QVERIFY(!dialog.serverChoice()->isVisible());
        QVERIFY(!dialog.rememberBox()->isVisible());
    }

    void aBadServerAddressIsNamedAndNothingIsTried()
    {
        UiWorld w;
        GUICHET_REQUIRE_DB(w.t);
        ServerCalls calls;
        SignInDialog dialog(*w.session);
        dialog.setServerSignIn(calls.function());
        dialog.show();
        QVERIFY(dialog.standaloneChoice()->isChecked()); // the default
        QVERIFY(!dialog.rememberBox()->isEnabled()); // nothing to remember standalone
        clickIndicator(dialog.serverChoice());
        QVERIFY(dialog.serverChoice()->isChecked());
        QVERIFY(dialog.rememberBox()->isEnabled());
        QTest::keyClicks(dialog.serverEdit(), QStringLiteral("http://guichet.example.org"));
        QTest::keyClicks(dialog.emailEdit(), QStringLiteral("alice@example.org"));
        QTest::keyClicks(dialog.passwordEdit(), QStringLiteral("Tournesol-2026"));
        QTest::mouseClick(dialog.signInButton(), Qt::LeftButton);
        QVERIFY(calls.servers.isEmpty());
        QVERIFY(dialog.isVisible());
        QVERIFY(dialog.errorText().contains(QStringLiteral("https://")));
        QVERIFY(dialog.serverEdit()->property("invalid").toBool());
        QCOMPARE(dialog.passwordEdit()->text(), QStringLiteral("Tournesol-2026")); // kept
        QVERIFY(!QSettings().contains(QStringLiteral("signIn/serverUrl")));
    }

    void theServerAndRememberMeAreRememberedNeverThePassword()
    {
        UiWorld w;
        GUICHET_REQUIRE_DB(w.t);
        ServerCalls calls;
        {
            SignInDialog dialog(*w.session);
            dialog.setServerSignIn(calls.function());
            dialog.show();
            QTest::keyClicks(dialog.serverEdit(), QStringLiteral("https://guichet.example.org/"));
            QVERIFY(dialog.serverChoice()->isChecked()); // typing an address chooses it
            clickIndicator(dialog.rememberBox());
            QVERIFY(dialog.rememberBox()->isChecked());
            QTest::keyClicks(dialog.emailEdit(), QStringLiteral("alice@example.org"));
            QTest::keyClicks(dialog.passwordEdit(), QStringLiteral("Tournesol-2026"));
            QTest::keyClick(dialog.passwordEdit(), Qt::Key_Return);
            QCOMPARE(calls.servers, QList<QUrl> { QUrl(QStringLiteral("https://guichet.example.org")) });
            QCOMPARE(calls.remember, QList<bool> { true });
            QCOMPARE(dialog.result(), int(QDialog::Accepted));
        }
        // The next window opens on the same choice.
        SignInDialog again(*w.session);
        again.setServerSignIn(calls.function());
        QVERIFY(again.serverChoice()->isChecked());
        QCOMPARE(again.serverEdit()->text(), QStringLiteral("https://guichet.example.org/"));
        QVERIFY(again.rememberBox()->isChecked());
        QCOMPARE(again.emailEdit()->text(), QStringLiteral("alice@example.org"));
        QSettings settings;
        for (const QString &key : settings.allKeys())
            QVERIFY2(!settings.value(key).toString().contains(QStringLiteral("Tournesol")), qPrintable(key));
    }

    void aRefusedServerSignInKeepsTheWindowOpenWithTheReason()
    {
        UiWorld w;
        GUICHET_REQUIRE_DB(w.t);
        ServerCalls calls;
        calls.answer = CommandResult::failure(ErrorCode::Unauthenticated, QStringLiteral("password"),
                                              QStringLiteral("Wrong e-mail address or password."));
        SignInDialog dialog(*w.session);
        dialog.setServerSignIn(calls.function());
        dialog.show();
        clickIndicator(dialog.serverChoice());
        QTest::keyClicks(dialog.serverEdit(), QStringLiteral("http://127.0.0.1:8080"));
        QTest::keyClicks(dialog.emailEdit(), QStringLiteral("alice@example.org"));
        QTest::keyClicks(dialog.passwordEdit(), QStringLiteral("nope"));
        QTest::mouseClick(dialog.signInButton(), Qt::LeftButton);
        QCOMPARE(calls.servers.size(), 1);
        QVERIFY(dialog.isVisible());
        QCOMPARE(dialog.errorText(), QStringLiteral("Wrong e-mail address or password."));
        QVERIFY(dialog.passwordEdit()->text().isEmpty());
        QVERIFY(!QSettings().contains(QStringLiteral("signIn/serverUrl")));
    }
};

QTEST_MAIN(TestConnectionChoice)
#include "tst_connectionchoice.moc"
