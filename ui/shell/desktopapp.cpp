#include "ui/shell/desktopapp.h"

#include "client/credentialstore.h"
#include "ui/account/accountpage.h"
#include "ui/account/activationdialog.h"
#include "ui/account/deactivationsection.h"
#include "ui/account/reactivationdialog.h"
#include "ui/account/signindialog.h"
#include "ui/account/signupdialog.h"
#include "ui/shell/linkhandler.h"
#include "ui/shell/mainwindow.h"
#include "ui/shell/outboxdialog.h"
#include "ui/shell/preferencesdialog.h"
#include "ui/shell/session.h"
#include "ui/sync/commanddescription.h"
#include "ui/sync/connectedsession.h"
#include "ui/sync/syncstatus.h"
#include "ui/sync/syncstatusdialog.h"
#include "ui/widgets/dialogs.h"
#include "ui/widgets/firstpaint.h"

#include <QApplication>
#include <QLineEdit>
#include <QPointer>
#include <QPushButton>
#include <QRadioButton>
#include <QSettings>
#include <QStatusBar>
#include <QTimer>

#include <utility>

namespace guichet {

DesktopApp::DesktopApp(Session &session, QObject *parent)
    : QObject(parent)
    , m_session(session)
    , m_links(new LinkHandler(this))
{
    m_links->setServerProvider([this] { return currentServer(); });
    m_links->setWindowProvider([this] { return activeWindow(); });
    m_links->setHandler(GuichetLink::Action::Reactivate,
                        [this](const GuichetLink &link) { openReactivationLink(link.token()); });
    m_links->setHandler(GuichetLink::Action::Activate,
                        [this](const GuichetLink &link) { openActivationLink(link.token()); });
    connect(&m_session.gateway, &CommandGateway::signedOut, this, [this] {
        if (m_main)
            signOut();
    });
}

DesktopApp::~DesktopApp()
{
    delete m_main;
    delete m_signIn;
    // m_connected goes last: the windows read through it.
}

Session &DesktopApp::currentSession()
{
    return m_connected ? m_connected->session() : m_session;
}

void DesktopApp::enableConnectedMode()
{
    setServerSignIn([this](const QUrl &server, const QString &email, const QString &password,
                           const QString &unlockCode, bool, CommandGateway::Callback done) {
        ConnectedSession::signIn(
            server, email, password, unlockCode, m_session.clock, this,
            [this, done](std::unique_ptr<ConnectedSession> connected, const CommandResult &result) {
                if (connected)
                    adopt(std::move(connected));
                done(result);
            });
    });
    setSessionRestorer(
        [this](const QUrl &server, const QString &token, qint64 userId, CommandGateway::Callback done) {
            ConnectedSession::restore(
                server, token, userId, m_session.clock, this,
                [this, done](std::unique_ptr<ConnectedSession> connected, const CommandResult &result) {
                    if (connected)
                        adopt(std::move(connected));
                    done(result);
                });
        });
}

void DesktopApp::adopt(std::unique_ptr<ConnectedSession> connected)
{
    dropConnected();
    m_connected = std::move(connected);
    ConnectedSession *session = m_connected.get();
    connect(session, &ConnectedSession::syncStateChanged, this, &DesktopApp::updateSyncStatus);
    // A queued change refused later: the user learns it now, without being blocked.
    connect(&session->gateway(), &RemoteCommandGateway::commandRefused, this,
            [this](qint64, const QString &name, const QJsonObject &, const CommandResult &result) {
                Dialogs::notify(m_main, tr("Change refused"),
                                tr("The server refused « %1 »: %2 Open the synchronisation status to "
                                   "see what you typed and discard it.")
                                    .arg(CommandDescription::title(name), result.message));
            });
    // The server no longer knows the token: back to the sign-in window.
    connect(&session->gateway(), &RemoteCommandGateway::sessionExpired, this, [this] {
        if (!m_main)
            return;
        signOut();
        if (m_signIn)
            m_signIn->setNotice(tr("Your session on the server has ended: sign in again."));
    });
}

void DesktopApp::dropConnected()
{
    if (!m_connected)
        return;
    m_connected->sync().stop();
    m_connected->disconnect(this);
    m_connected->gateway().disconnect(this);
    // Windows being deleted later may still read it: it goes after them.
    m_connected.release()->deleteLater();
}

void DesktopApp::updateSyncStatus()
{
    if (m_syncStatus && m_connected)
        m_syncStatus->setState(m_connected->syncState());
}

void DesktopApp::showSyncStatus()
{
    if (!m_connected)
        return;
    ConnectedSession *session = m_connected.get();
    SyncStatusDialog dialog(
        session->syncState(), [session] { return session->outboxEntries(); },
        [session](qint64 seq) { return session->gateway().discard(seq); }, m_main);
    const QMetaObject::Connection update
        = connect(session, &ConnectedSession::syncStateChanged, &dialog, [&dialog, session] {
              dialog.setState(session->syncState());
              dialog.reload();
          });
    Dialogs::exec(&dialog);
    disconnect(update);
    updateSyncStatus();
}

void DesktopApp::start()
{
    if (!restoreRememberedSession())
        showSignIn();
}

void DesktopApp::setSessionRestorer(SessionRestorer restorer)
{
    m_restorer = std::move(restorer);
}

bool DesktopApp::restoreRememberedSession()
{
    const QString key = SignInDialog::rememberedKey();
    const QSettings settings;
    const QString server = settings.value(QStringLiteral("signIn/serverUrl")).toString();
    const qint64 userId = settings.value(QStringLiteral("signIn/rememberedUserId")).toLongLong();
    QString error;
    const std::optional<QUrl> url = SignInDialog::checkServerUrl(server, &error);
    if (!m_restorer || key.isEmpty() || !url || userId <= 0)
        return false;
    auto *store = new CredentialStore(this);
    connect(
        store, &CredentialStore::loaded, this,
        [this, store, url, userId](const QString &, const QString &token) {
            store->deleteLater();
            if (token.isEmpty()) {
                restoreFailed(QString());
                return;
            }
            m_restorer(*url, token, userId, [this](const CommandResult &result) {
                if (result.ok()) {
                    showMain();
                    return;
                }
                // The server no longer knows the token (expired, revoked): forget it.
                auto *forget = new CredentialStore(this);
                connect(forget, &CredentialStore::removed, forget, &QObject::deleteLater);
                connect(forget, &CredentialStore::failed, forget, &QObject::deleteLater);
                SignInDialog::forgetRememberedSession(*forget);
                restoreFailed(
                    tr("Your remembered session could not be opened: %1 Sign in again.").arg(result.message));
            });
        });
    connect(store, &CredentialStore::failed, this, [this, store](const QString &, const QString &message) {
        store->deleteLater();
        restoreFailed(
            tr("The system keychain is unavailable (%1): sign in with your password.").arg(message));
    });
    store->load(key);
    return true;
}

void DesktopApp::restoreFailed(const QString &notice)
{
    showSignIn();
    m_signIn->setNotice(notice);
}

void DesktopApp::setServerSignIn(SignInDialog::ServerSignIn serverSignIn)
{
    m_serverSignIn = std::move(serverSignIn);
    if (m_signIn)
        m_signIn->setServerSignIn(m_serverSignIn);
}

void DesktopApp::showSignIn()
{
    if (!m_signIn) {
        m_signIn = new SignInDialog(m_session);
        if (m_serverSignIn)
            m_signIn->setServerSignIn(m_serverSignIn);
        m_signIn->setAttribute(Qt::WA_DeleteOnClose, false);
        connect(m_signIn, &QDialog::accepted, this, &DesktopApp::showMain);
        connect(m_signIn, &QDialog::rejected, this, [this] {
            if (!m_main)
                QApplication::quit();
        });
        connect(m_signIn, &SignInDialog::reactivationRequested, this, &DesktopApp::showReactivation);
        connect(m_signIn, &SignInDialog::outboxRequested, this, &DesktopApp::showOutbox);
        connect(m_signIn, &SignInDialog::signUpRequested, this, &DesktopApp::showSignUp);
        connect(m_signIn, &SignInDialog::activationRequested, this,
                [this](const QString &email) { showActivation(email); });
    }
    m_signIn->show();
    m_signIn->raise();
    m_signIn->activateWindow();
    openPendingLink();
}

void DesktopApp::showMain()
{
    if (m_signIn)
        m_signIn->hide();
    delete m_main;
    m_main = new MainWindow(currentSession());
    connect(m_main, &MainWindow::signOutRequested, this, &DesktopApp::signOut);
    connect(m_main, &MainWindow::preferencesRequested, this, &DesktopApp::showPreferences);
    connect(m_main, &MainWindow::outboxRequested, this, &DesktopApp::showOutbox);
    // Connected: ask the server for what changed now, not at the next long-poll.
    connect(m_main, &MainWindow::refreshRequested, this, [this] {
        if (m_connected)
            m_connected->sync().pullNow();
    });
    // A deactivated account can do nothing more: back to the sign-in window.
    if (auto *deactivation = m_main->findChild<DeactivationSection *>())
        connect(deactivation, &DeactivationSection::accountDeactivated, this, &DesktopApp::signOut);
    if (m_connected) {
        m_syncStatus = new SyncStatusButton(m_main);
        m_syncStatus->setObjectName(QStringLiteral("syncStatus"));
        m_main->statusBar()->addPermanentWidget(m_syncStatus);
        connect(m_syncStatus, &QToolButton::clicked, this, &DesktopApp::showSyncStatus);
        updateSyncStatus();
    }
    m_main->show();
    openPendingLink();
}

void DesktopApp::signOut()
{
    if (m_main) {
        m_main->close();
        m_main->deleteLater();
        m_main = nullptr;
    }
    if (m_connected) {
        m_connected->gateway().signOut();
        dropConnected();
    } else if (m_session.userId()) {
        m_session.gateway.signOut();
    }
    // Signing out forgets a remembered session: the next start asks the password.
    if (!SignInDialog::rememberedKey().isEmpty()) {
        auto *store = new CredentialStore(this);
        connect(store, &CredentialStore::removed, store, &QObject::deleteLater);
        connect(store, &CredentialStore::failed, store, &QObject::deleteLater);
        SignInDialog::forgetRememberedSession(*store);
    }
    showSignIn();
}

void DesktopApp::showPreferences()
{
    PreferencesDialog dialog(m_main);
    if (Dialogs::exec(&dialog) == QDialog::Accepted && dialog.save())
        Dialogs::information(m_main, tr("Preferences"),
                             tr("The new language applies the next time Guichet starts."));
}

void DesktopApp::showReactivation(const QString &email)
{
    runReactivation(email, QString());
}

void DesktopApp::openReactivationLink(const QString &token)
{
    runReactivation(m_signIn ? m_signIn->emailEdit()->text().trimmed() : QString(), token);
}

void DesktopApp::runReactivation(const QString &email, const QString &token)
{
    // A dialog already open (e.g. waiting for the mail) takes the code.
    if (m_reactivation) {
        if (!token.isEmpty())
            m_reactivation->useCode(token);
        m_reactivation->raise();
        m_reactivation->activateWindow();
        return;
    }
    ReactivationDialog dialog(m_session, email, activeWindow());
    if (!token.isEmpty())
        dialog.useCode(token);
    m_reactivation = &dialog;
    const int answer = Dialogs::exec(&dialog);
    m_reactivation = nullptr;
    if (answer != QDialog::Accepted || !m_signIn)
        return;
    m_signIn->clearError(); // « Ce compte est désactivé » no longer holds
    m_signIn->emailEdit()->setText(dialog.email());
    m_signIn->passwordEdit()->clear();
    m_signIn->passwordEdit()->setFocus();
}

std::unique_ptr<ServerSignUpSession> DesktopApp::serverSignUpSession()
{
    const QUrl server = currentServer();
    if (server.isEmpty() || m_main)
        return nullptr;
    QString error;
    auto remote = ServerSignUpSession::open(server, m_session.clock, &error);
    if (!remote)
        Dialogs::warning(activeWindow(), tr("Create an account"), error);
    return remote;
}

void DesktopApp::showSignUp(const QString &email)
{
    // The server chosen in the sign-in window, else this computer's database.
    const std::unique_ptr<ServerSignUpSession> remote = serverSignUpSession();
    SignUpDialog dialog(remote ? remote->session() : m_session, email, activeWindow());
    QString codeFor;
    bool haveCode = false;
    connect(&dialog, &SignUpDialog::activationRequested, this, [&](const QString &typed) {
        haveCode = true;
        codeFor = typed;
    });
    const int answer = Dialogs::exec(&dialog);
    if (haveCode)
        showActivation(codeFor);
    else if (answer == QDialog::Accepted)
        showActivation(dialog.email(), QString(), dialog.answerMessage());
}

void DesktopApp::openActivationLink(const QString &token)
{
    if (m_main) {
        // Activating would sign in another account under this window.
        Dialogs::warning(m_main, tr("Activate my account"),
                         tr("You are signed in: sign out, then open the activation link again."));
        return;
    }
    showActivation(m_signIn ? m_signIn->emailEdit()->text().trimmed() : QString(), token);
}

void DesktopApp::showActivation(const QString &email, const QString &token, const QString &info)
{
    // A dialog already open (e.g. waiting for the mail) takes the code.
    if (m_activation) {
        if (!token.isEmpty())
            m_activation->useCode(token);
        m_activation->raise();
        m_activation->activateWindow();
        return;
    }
    const std::unique_ptr<ServerSignUpSession> remote = serverSignUpSession();
    ActivationDialog dialog(remote ? remote->session() : m_session, email, activeWindow());
    // The local outbox holds this computer's mails only.
    dialog.outboxButton()->setVisible(!remote);
    if (!info.isEmpty())
        dialog.setInfo(info);
    if (!token.isEmpty())
        dialog.useCode(token);
    m_activation = &dialog;
    const int answer = Dialogs::exec(&dialog);
    m_activation = nullptr;
    if (answer != QDialog::Accepted)
        return;
    if (!remote) {
        // Activated: the local gateway signed the owner in.
        if (m_session.userId())
            showMain();
        return;
    }
    // The server answered a session: open the user's replica on it, as a
    // remembered sign-in does.
    const QUrl server = remote->gateway().serverUrl();
    ConnectedSession::restore(
        server, remote->gateway().token(), remote->gateway().userId(), m_session.clock, this,
        [this](std::unique_ptr<ConnectedSession> connected, const CommandResult &result) {
            if (!connected) {
                if (m_signIn)
                    m_signIn->setNotice(result.message);
                return;
            }
            adopt(std::move(connected));
            showMain();
        });
}

void DesktopApp::openLink(const QString &text)
{
    const QWidget *window = activeWindow();
    if (!window || !window->isVisible()) {
        // Not up yet (start() may be restoring a remembered session): the link
        // waits for the first window.
        if (!text.trimmed().isEmpty())
            m_pendingLink = text;
        return;
    }
    raiseWindow();
    if (!text.trimmed().isEmpty())
        m_links->open(text);
}

void DesktopApp::openPendingLink()
{
    if (m_pendingLink.isEmpty())
        return;
    // After the window's show() returns, outside of the caller's slot.
    QTimer::singleShot(0, this, [this] {
        const QString link = std::exchange(m_pendingLink, QString());
        if (!link.isEmpty())
            openLink(link);
    });
}

void DesktopApp::raiseWindow()
{
    QWidget *window = m_reactivation ? static_cast<QWidget *>(m_reactivation)
        : m_activation               ? static_cast<QWidget *>(m_activation)
                                     : activeWindow();
    if (!window)
        return;
    if (window->isMinimized())
        window->showNormal();
    window->raise();
    window->activateWindow();
}

QWidget *DesktopApp::activeWindow() const
{
    if (m_main)
        return m_main;
    return m_signIn;
}

QUrl DesktopApp::currentServer() const
{
    if (m_connected)
        return m_connected->gateway().serverUrl();
    if (m_main || !m_signIn || !m_serverSignIn || !m_signIn->serverChoice()->isChecked())
        return QUrl();
    QString error;
    return SignInDialog::checkServerUrl(m_signIn->serverEdit()->text(), &error).value_or(QUrl());
}

void DesktopApp::showOutbox()
{
    // Connected, the changes waiting are the remote gateway's: the status dialog lists them.
    if (m_connected && m_main) {
        showSyncStatus();
        return;
    }
    QWidget *parent = m_main ? static_cast<QWidget *>(m_main) : static_cast<QWidget *>(m_signIn);
    OutboxDialog dialog(m_session, parent);
    Dialogs::exec(&dialog);
}

void DesktopApp::screenshotAndQuit(const QString &path)
{
    QWidget *window = m_main ? static_cast<QWidget *>(m_main) : static_cast<QWidget *>(m_signIn);
    if (!window) {
        // A remembered session is being restored: its window comes later.
        QTimer::singleShot(50, this, [this, path] { screenshotAndQuit(path); });
        return;
    }
    // The picture as soon as the window has its first pixels: the time to
    // this exit is the cold start (bench/bench_coldstart).
    const QPointer<QWidget> shown(window);
    whenFirstPainted(window,
                     [shown, path] { QApplication::exit(shown && shown->grab().save(path) ? 0 : 1); });
}

} // namespace guichet
