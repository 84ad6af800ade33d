#pragma once

#include "ui/account/signindialog.h"
#include "ui/shell/mainwindow.h"
#include "ui/sync/syncstatus.h"

#include <QObject>
#include <QPointer>

#include <functional>
#include <memory>

namespace guichet {

class ConnectedSession;
class ServerSignUpSession;
class LinkHandler;
class ActivationDialog;
class ReactivationDialog;
struct Session;

// The desktop's flow: the sign-in window, then the main window until the user
// signs out (back to sign-in) or quits.
class DesktopApp : public QObject
{
    Q_OBJECT

public:
    explicit DesktopApp(Session &session, QObject *parent = nullptr);
    ~DesktopApp() override;

    void start();
    // Connected mode: how the sign-in window signs in to a server (see
    // SignInDialog::ServerSignIn). Without it the window offers standalone only.
    void setServerSignIn(SignInDialog::ServerSignIn serverSignIn);
    // Connected mode: signs in again with a remembered token (the remote
    // gateway's restoreSession). With it, start() opens the main window without
    // asking the password when « Remember me » kept a session in the keychain.
    using SessionRestorer = std::function<void(const QUrl &server, const QString &token, qint64 userId,
                                               CommandGateway::Callback done)>;
    void setSessionRestorer(SessionRestorer restorer);
    // Connected mode for real: the sign-in window's « server » choice and a
    // remembered token open a ConnectedSession (replica, remote gateway, sync);
    // the main window then shows the synchronisation in its status bar.
    void enableConnectedMode();
    // The session the main window uses: the connected one while signed in to a
    // server, the standalone one otherwise.
    Session &currentSession();
    ConnectedSession *connectedSession() const { return m_connected.get(); }
    SyncStatusButton *syncStatusButton() const { return m_syncStatus; }
    SignInDialog *signInDialog() const { return m_signIn; }
    MainWindow *mainWindow() const { return m_main; }

    // Headless runs: saves a picture of the first window once shown, then quits.
    void screenshotAndQuit(const QString &path);

    void showPreferences();
    void signOut();
    // « Réactiver mon compte » from the sign-in window; on success the sign-in
    // window gets the account's e-mail, ready for the new password.
    void showReactivation(const QString &email);
    // « Créer un compte » from the sign-in window, then the activation dialog;
    // an activated account lands in the main window, signed in.
    void showSignUp(const QString &email);
    // The activation dialog (« J'ai déjà un code », or a guichet://activate link).
    void showActivation(const QString &email, const QString &token = {}, const QString &info = {});
    // A guichet:// link from a mail (command line, or handed over by a later
    // launch through SingleInstance): raises the window and opens the link's
    // dialog with its code filled (LinkHandler says why it does not). Before
    // the first window is up the link waits for it; an empty text only raises
    // the window.
    void openLink(const QString &text);
    // Brings the main window (or the sign-in window) to the front.
    void raiseWindow();
    // The server Guichet uses: the one signed in to, else the one chosen in the
    // sign-in window; empty in standalone mode.
    QUrl currentServer() const;
    LinkHandler *linkHandler() const { return m_links; }
    // The standalone mode's local outbox (sign-in window, main window).
    void showOutbox();

private:
    void showSignIn();
    bool restoreRememberedSession();
    void restoreFailed(const QString &notice);
    void showMain();
    void adopt(std::unique_ptr<ConnectedSession> connected);
    void dropConnected();
    void updateSyncStatus();
    void showSyncStatus();
    void openReactivationLink(const QString &token);
    void openActivationLink(const QString &token);
    // The server chosen in the sign-in window, for « Créer un compte » and the
    // activation; nullptr in standalone mode (or when it cannot be opened, said).
    std::unique_ptr<ServerSignUpSession> serverSignUpSession();
    void runReactivation(const QString &email, const QString &token);
    QWidget *activeWindow() const;
    void openPendingLink();

    Session &m_session;
    SignInDialog::ServerSignIn m_serverSignIn;
    SessionRestorer m_restorer;
    QPointer<SignInDialog> m_signIn;
    QPointer<MainWindow> m_main;
    std::unique_ptr<ConnectedSession> m_connected;
    QPointer<SyncStatusButton> m_syncStatus;
    LinkHandler *m_links;
    QPointer<ReactivationDialog> m_reactivation;
    QPointer<ActivationDialog> m_activation;
    QString m_pendingLink;
};

} // namespace guichet
