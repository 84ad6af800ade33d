#pragma once

#include <QMainWindow>

class QPushButton;
class QToolBar;
class QStackedWidget;
class QTabBar;

namespace guichet {

class AccountPage;
struct Session;

// The main window: a banner with the user's « Prénom NOM » (which opens « Mon
// compte ») and a tab for each space the user is subscribed to.
class MainWindow : public QMainWindow
{
    Q_OBJECT

public:
    explicit MainWindow(Session &session, QWidget *parent = nullptr);

    AccountPage *accountPage() const { return m_accountPage; }
    QTabBar *spaceTabs() const { return m_tabs; }
    QPushButton *userButton() const { return m_userButton; }
    QToolBar *toolBar() const { return m_toolBar; }
    // The codes of the spaces shown as tabs, in order ("mon_compte" included).
    QStringList spaceCodes() const;
    void showSpace(const QString &code);
    void showAccount();

signals:
    void signOutRequested();
    void preferencesRequested();
    void outboxRequested();
    // F5 / « Actualiser »: the screens have read their data again; connected,
    // the server is to be asked for changes now.
    void refreshRequested();

protected:
    void closeEvent(QCloseEvent *event) override;

private:
    void reload();
    void rebuildTabs();

    Session &m_session;
    QPushButton *m_userButton;
    QTabBar *m_tabs;
    QToolBar *m_toolBar;
    QStackedWidget *m_pages;
    AccountPage *m_accountPage;
};

} // namespace guichet
