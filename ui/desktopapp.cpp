#include "desktopapp.h"

#include "dialogs.h"
#include "mainwindow.h"
#include "preferencesdialog.h"
#include "session.h"
#include "signindialog.h"

#include <QApplication>
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

void DesktopApp::screenshotAndQuit(const QString &path)
{
    QTimer::singleShot(800, this, [this, path] {
        QWidget *window = m_main ? static_cast<QWidget *>(m_main) : static_cast<QWidget *>(m_signIn);
        const bool saved = window && window->grab().save(path);
        QApplication::exit(saved ? 0 : 1);
    });
}

} // namespace guichet
