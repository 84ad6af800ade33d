#include "ui/shell/mainwindow.h"

#include "models/labels.h"
#include "rules/accounts/accounts.h"
#include "rules/spaces/subscriptions.h"
#include "ui/account/accountpage.h"
#include "ui/manager/manageractivitypage.h"
#include "ui/shell/session.h"
#include "ui/shell/spacepage.h"
#include "ui/support/supportpage.h"
#include "ui/widgets/icons.h"

#include <QApplication>
#include <QCloseEvent>
#include <QHBoxLayout>
#include <QLabel>
#include <QMenuBar>
#include <QMessageBox>
#include <QPushButton>
#include <QSettings>
#include <QStackedWidget>
#include <QTabBar>
#include <QToolBar>
#include <QVBoxLayout>

namespace guichet {

namespace {
const QString accountCode = QStringLiteral("mon_compte");

// The space a page shows: a plain SpacePage, or a dedicated page (« Activité du
// gestionnaire ») that carries its code in the "spaceCode" property.
QString pageCode(QWidget *page)
{
    if (auto *space = qobject_cast<SpacePage *>(page))
        return space->spaceCode();
    return page->property("spaceCode").toString();
}
} // namespace

MainWindow::MainWindow(Session &session, QWidget *parent)
    : QMainWindow(parent)
    , m_session(session)
    , m_userButton(new QPushButton(this))
    , m_tabs(new QTabBar(this))
    , m_toolBar(new QToolBar(tr("Main toolbar"), this))
    , m_pages(new QStackedWidget(this))
    , m_accountPage(new AccountPage(session, this))
{
    setObjectName(QStringLiteral("mainWindow"));
    setWindowTitle(tr("Guichet"));

    // Banner
    auto *banner = new QWidget(this);
    banner->setObjectName(QStringLiteral("banner"));
    banner->setAutoFillBackground(true);
    QPalette palette = banner->palette();
    palette.setColor(QPalette::Window, QColor(0x1f, 0x3a, 0x5f));
    palette.setColor(QPalette::WindowText, Qt::white);
    banner->setPalette(palette);
    auto *product = new QLabel(tr("Guichet"), banner);
    QFont productFont = product->font();
    productFont.setPointSize(productFont.pointSize() + 4);
    productFont.setBold(true);
    product->setFont(productFont);
    m_userButton->setObjectName(QStringLiteral("userButton"));
    m_userButton->setToolTip(tr("Open my account"));
    m_userButton->setFlat(true);
    m_userButton->setStyleSheet(QStringLiteral("color: white; font-weight: bold;"));
    auto *signOut = new QPushButton(tr("Sign &out"), banner);
    signOut->setObjectName(QStringLiteral("signOut"));
    signOut->setFlat(true);
    signOut->setStyleSheet(QStringLiteral("color: white;"));
    auto *bannerLayout = new QHBoxLayout(banner);
    bannerLayout->addWidget(product);
    bannerLayout->addStretch();
    bannerLayout->addWidget(m_userButton);
    bannerLayout->addWidget(signOut);

    m_tabs->setObjectName(QStringLiteral("spaceTabs"));
    m_tabs->setAccessibleName(tr("Spaces"));
    m_tabs->setExpanding(false);
    m_pages->addWidget(m_accountPage);

    auto *central = new QWidget(this);
    auto *layout = new QVBoxLayout(central);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->setSpacing(0);
    layout->addWidget(banner);
    layout->addWidget(m_tabs);
    layout->addWidget(m_pages, 1);
    setCentralWidget(central);
    setTabOrder(m_userButton, signOut);
    setTabOrder(signOut, m_tabs);

    // Menus: every action is reachable from the keyboard.
    QMenu *file = menuBar()->addMenu(tr("&File"));
    QAction *account = file->addAction(themedIcon(QStringLiteral("user-identity")), tr("My &account"), this,
                                       &MainWindow::showAccount);
    account->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_M));
    QAction *refresh
        = file->addAction(themedIcon(QStringLiteral("view-refresh")), tr("&Refresh"), this, [this] {
              m_session.gateway.notifyDataChanged(); // every screen reads its data again
              emit refreshRequested();
          });
    refresh->setShortcut(QKeySequence::Refresh);
    refresh->setToolTip(tr("Read the data again (F5)"));
    QAction *outbox = file->addAction(themedIcon(QStringLiteral("mail-send")), tr("Local &outbox…"), this,
                                      &MainWindow::outboxRequested);
    outbox->setToolTip(tr("The mails Guichet sent from this computer"));
    outbox->setIconText(tr("Local outbox")); // the toolbar's text, without the « … » of a menu item
    QAction *preferences = file->addAction(themedIcon(QStringLiteral("preferences-system")),
                                           tr("&Preferences…"), this, &MainWindow::preferencesRequested);
    preferences->setShortcut(QKeySequence::Preferences);
    preferences->setMenuRole(QAction::PreferencesRole);
    preferences->setIconText(tr("Preferences"));
    file->addSeparator();
    file->addAction(themedIcon(QStringLiteral("system-log-out")), tr("Sign &out"), this,
                    &MainWindow::signOutRequested);
    QAction *quit = file->addAction(themedIcon(QStringLiteral("application-exit")), tr("&Quit"), qApp,
                                    &QApplication::quit);
    quit->setShortcut(QKeySequence::Quit);

    // The toolbar holds what is used every day, as KeePassXC's and
    // qBittorrent's do; the View menu hides it (its place is kept by saveState).
    m_toolBar->setObjectName(QStringLiteral("mainToolBar"));
    m_toolBar->setToolButtonStyle(Qt::ToolButtonTextBesideIcon);
    m_toolBar->setMovable(false);
    m_toolBar->addAction(account);
    m_toolBar->addAction(refresh);
    m_toolBar->addAction(outbox);
    m_toolBar->addAction(preferences);
    addToolBar(Qt::TopToolBarArea, m_toolBar);
    QMenu *view = menuBar()->addMenu(tr("&View"));
    QAction *showToolBar = m_toolBar->toggleViewAction();
    showToolBar->setText(tr("&Toolbar"));
    view->addAction(showToolBar);

    QMenu *help = menuBar()->addMenu(tr("&Help"));
    help->addAction(themedIcon(QStringLiteral("help-about")), tr("&About Guichet"), this, [this] {
        QMessageBox::about(this, tr("About Guichet"),
                           tr("Guichet %1\nManage your user account: personal information, attachments to "
                              "structures, subscriptions to spaces and attached files.")
                               .arg(QApplication::applicationVersion()));
    });

    connect(m_userButton, &QPushButton::clicked, this, &MainWindow::showAccount);
    connect(signOut, &QPushButton::clicked, this, &MainWindow::signOutRequested);
    connect(m_tabs, &QTabBar::currentChanged, this, [this](int index) {
        if (index >= 0)
            showSpace(m_tabs->tabData(index).toString());
    });
    connect(&m_session.gateway, &CommandGateway::dataChanged, this, &MainWindow::reload);

    resize(1100, 720);
    QSettings settings;
    restoreGeometry(settings.value(QStringLiteral("mainWindow/geometry")).toByteArray());
    restoreState(settings.value(QStringLiteral("mainWindow/state")).toByteArray());
    reload();
    // Support staff come to work on the console; everyone else to « Mon compte ».
    if (spaceCodes().contains(SupportPage::code()))
        showSpace(SupportPage::code());
    else
        showAccount();
}

QStringList MainWindow::spaceCodes() const
{
    QStringList codes;
    for (int i = 0; i < m_tabs->count(); ++i)
        codes << m_tabs->tabData(i).toString();
    return codes;
}

void MainWindow::showAccount()
{
    showSpace(accountCode);
}

void MainWindow::showSpace(const QString &code)
{
    QWidget *page = code == accountCode ? static_cast<QWidget *>(m_accountPage) : nullptr;
    for (int i = 0; !page && i < m_pages->count(); ++i) {
        if (pageCode(m_pages->widget(i)) == code)
            page = m_pages->widget(i);
    }
    if (!page)
        return;
    m_pages->setCurrentWidget(page);
    const QSignalBlocker blocker(m_tabs);
    for (int i = 0; i < m_tabs->count(); ++i) {
        if (m_tabs->tabData(i).toString() == code)
            m_tabs->setCurrentIndex(i);
    }
}

void MainWindow::reload()
{
    const std::optional<ProfileView> profile = Accounts(m_session.core).profile(m_session.userId());
    if (!profile)
        return;
    // The guide's banner shows « Prénom NOM ».
    m_userButton->setText(
        QStringLiteral("%1 %2").arg(profile->profile.firstName, profile->profile.lastName.toUpper()));
    m_userButton->setAccessibleName(tr("My account: %1").arg(m_userButton->text()));
    rebuildTabs();
    for (int i = 0; i < m_pages->count(); ++i) {
        if (auto *space = qobject_cast<SpacePage *>(m_pages->widget(i)))
            space->reload();
    }
}

void MainWindow::rebuildTabs()
{
    // The spaces with a validated subscription, in the catalogue's order; others
    // are not shown. « Mon compte » is always there: it is how an account is managed.
    QList<QPair<int, QPair<QString, QString>>> spaces;
    QStringList seen { accountCode };
    const QDate today = m_session.clock.today();
    for (const SubscriptionView &row : Subscriptions(m_session.core).userSubscriptions(m_session.userId())) {
        if (row.status != QLatin1String("validated") || seen.contains(row.spaceCode)
            || row.effectiveDate > today)
            continue;
        seen << row.spaceCode;
        spaces.append({ row.spaceSortOrder, { row.spaceCode, labels::space(row.spaceCode, row.spaceName) } });
    }
    std::sort(spaces.begin(), spaces.end(), [](const auto &a, const auto &b) { return a.first < b.first; });

    const QString current
        = m_tabs->currentIndex() >= 0 ? m_tabs->tabData(m_tabs->currentIndex()).toString() : accountCode;
    const QSignalBlocker blocker(m_tabs);
    while (m_tabs->count() > 0)
        m_tabs->removeTab(0);
    for (const auto &space : spaces) {
        const QString &code = space.second.first;
        const int index = m_tabs->addTab(space.second.second);
        m_tabs->setTabData(index, code);
        bool exists = false;
        for (int i = 0; i < m_pages->count(); ++i) {
            if (pageCode(m_pages->widget(i)) == code)
                exists = true;
        }
        if (exists)
            continue;
        if (code == ManagerActivityPage::code())
            m_pages->addWidget(new ManagerActivityPage(m_session, m_pages));
        else
            m_pages->addWidget(new SpacePage(m_session, code, space.second.second, m_pages));
    }
    // Support staff's console (issue 5); core refuses its commands to anyone else.
    const std::optional<ProfileView> profile = Accounts(m_session.core).profile(m_session.userId());
    if (profile && profile->support && profile->active) {
        const int index = m_tabs->addTab(tr("Support"));
        m_tabs->setTabData(index, SupportPage::code());
        bool exists = false;
        for (int i = 0; i < m_pages->count(); ++i)
            exists = exists || pageCode(m_pages->widget(i)) == SupportPage::code();
        if (!exists)
            m_pages->addWidget(new SupportPage(m_session, m_pages));
    }
    const int accountIndex = m_tabs->addTab(tr("My account"));
    m_tabs->setTabData(accountIndex, accountCode);
    for (int i = 0; i < m_tabs->count(); ++i) {
        if (m_tabs->tabData(i).toString() == current)
            m_tabs->setCurrentIndex(i);
    }
}

void MainWindow::closeEvent(QCloseEvent *event)
{
    QSettings settings;
    settings.setValue(QStringLiteral("mainWindow/geometry"), saveGeometry());
    settings.setValue(QStringLiteral("mainWindow/state"), saveState());
    QMainWindow::closeEvent(event);
}

} // namespace guichet
