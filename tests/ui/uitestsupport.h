#pragma once

#include "client/directory.h"
#include "client/localcommandgateway.h"
#include "kernel/core.h"
#include "manualclock.h"
#include "rules/accounts/signups.h"
#include "testdatabase.h"
#include "ui/shell/mainwindow.h"
#include "ui/shell/session.h"

#include <QString>
#include <QWidget>

#include <memory>

namespace guichet {
class ReactivationDialog;
class SignUpDialog;
} // namespace guichet

namespace guichet::test {

// A signed-in desktop session on a fresh SQLite database, for widget tests:
// the same gateway, core and screens as the application.
struct UiWorld
{
    UiWorld();

    TestDatabase t;
    ManualClock clock;
    std::unique_ptr<Core> core;
    std::unique_ptr<LocalCommandGateway> gateway;
    std::unique_ptr<LocalDirectory> directory;
    std::unique_ptr<Session> session;

    bool isValid() const { return t.isValid(); }
    Database &db() { return t.db(); }
    // Creates a user through core (password "Tournesol-2026") and returns the id.
    qint64 createUser(const QString &email, const QString &firstName = QStringLiteral("Alice"),
                      const QString &lastName = QStringLiteral("Martin"), bool support = false);
    // Signs in through the gateway, as the sign-in window does.
    bool signIn(const QString &email, const QString &password = QStringLiteral("Tournesol-2026"));
};

// Alice Martin (alice@example.org) signed in, her main window shown: where the
// tests of the main window and of « Mon compte »'s sections start.
struct SignedInWindowWorld : UiWorld
{
    qint64 alice = 0;
    std::unique_ptr<MainWindow> window;
    bool init();
    // Opens a section of « Mon compte » and returns it (null if there is none).
    QWidget *showAccountSection(const QString &name);
    // A column of Alice's users row.
    QString column(const char *name);
};

// Alice (alice@example.org) who deactivated her account as « Mon compte » does,
// then signed out: where the reactivation tests start.
struct DeactivatedAccountWorld : UiWorld
{
    qint64 alice = 0;
    bool init();
    // Alice's users.status.
    QString status();
    // The text of the newest mail Guichet queued for Alice.
    QString lastMail();
};

// Nina Petit (nina@example.org) signing up: once SignUps::signUp takes it, an
// account waiting for activation.
SignUpRequest ninaSignUp();

// The new password the reactivation tests choose.
inline constexpr char reactivationPassword[] = "Printemps-2027";
// The guichet:// link in a mail's text, or empty.
QString guichetLinkIn(const QString &mailText);
// The password typeSignUp chooses.
inline constexpr char signUpPassword[] = "Tournesol 2026!";
// Types a whole « Créer un compte » form: `email`, Nina Petit, signUpPassword
// twice, a secret question and its answer.
void typeSignUp(SignUpDialog *dialog, const QString &email);
// Types the new secrets into a reactivation dialog: reactivationPassword twice,
// a secret question and its answer.
void typeNewSecrets(ReactivationDialog *dialog);

// The visible, enabled widget of type T named `name` under `root`.
template<typename T> T *findWidget(QWidget *root, const QString &name)
{
    return root ? root->findChild<T *>(name) : nullptr;
}

} // namespace guichet::test
