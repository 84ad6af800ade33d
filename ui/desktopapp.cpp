#include "desktopapp.h"

#include "accountpage.h"
#include "credentialstore.h"
#include "deactivationsection.h"
#include "dialogs.h"
#include "mainwindow.h"
#include "outboxdialog.h"
#include "preferencesdialog.h"
#include "reactivationdialog.h"
#include "session.h"
#include "signindialog.h"

#include <QApplication>
#include <QLineEdit>
#include <QSettings>
#include <QTimer>

namespace guichet {

DesktopApp::DesktopApp(Session &session, QObject *parent)
    : QObject(parent)
    , m_session(session)
{
    connect(&m_session.gateway, &CommandGateway::signedOut, this, [this] {
        if (m_main)
            signOut();
    });
}

DesktopApp::~DesktopApp()
{
    delete m_main;
    delete m_signIn;
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
    }
    m_signIn->show();
    m_signIn->raise();
    m_signIn->activateWindow();
}

void DesktopApp::showMain()
{
    if (m_signIn)
        m_signIn->hide();
    delete m_main;
    m_main = new MainWindow(m_session);
    connect(m_main, &MainWindow::signOutRequested, this, &DesktopApp::signOut);
    connect(m_main, &MainWindow::preferencesRequested, this, &DesktopApp::showPreferences);
    connect(m_main, &MainWindow::outboxRequested, this, &DesktopApp::showOutbox);
    // A deactivated account can do nothing more: back to the sign-in window.
    if (auto *deactivation = m_main->findChild<DeactivationSection *>())
        connect(deactivation, &DeactivationSection::accountDeactivated, this, &DesktopApp::signOut);
    m_main->show();
}

void DesktopApp::signOut()
{
    if (m_main) {
        m_main->close();
        m_main->deleteLater();
        m_main = nullptr;
    }
    if (m_session.userId())
        m_session.gateway.signOut();
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
    ReactivationDialog dialog(m_session, email, m_signIn);
    if (Dialogs::exec(&dialog) != QDialog::Accepted || !m_signIn)
        return;
    m_signIn->emailEdit()->setText(dialog.email());
    m_signIn->passwordEdit()->clear();
    m_signIn->passwordEdit()->setFocus();
}

void DesktopApp::showOutbox()
{
    QWidget *parent = m_main ? static_cast<QWidget *>(m_main) : static_cast<QWidget *>(m_signIn);
    OutboxDialog dialog(m_session, parent);
    Dialogs::exec(&dialog);
}

void DesktopApp::screenshotAndQuit(const QString &path)
{
    QTimer::singleShot(800, this, [this, path] {
        QWidget *window = m_main ? static_cast<QWidget *>(m_main) : static_cast<QWidget *>(m_signIn);
        const bool saved = window && window->grab().save(path);
        QApplication::exit(saved ? 0 : 1);
    });
}

} // namespace guichet
