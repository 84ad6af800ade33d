#include "desktopapp.h"

#include "accountpage.h"
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
    showSignIn();
}

void DesktopApp::showSignIn()
{
    if (!m_signIn) {
        m_signIn = new SignInDialog(m_session);
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
