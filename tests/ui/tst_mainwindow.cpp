#include "ui/shell/mainwindow.h"
#include "uitestsupport.h"

#include <QAction>
#include <QMenuBar>
#include <QPushButton>
#include <QSignalSpy>
#include <QTest>
#include <QToolBar>
#include <QToolButton>

using namespace guichet;
using namespace guichet::test;

// The main window's toolbar and View menu: the everyday actions one click
// away, with their icons, and F5 reading the data again.
class TestMainWindow : public QObject
{
    Q_OBJECT

private:
    using World = SignedInWindowWorld;

    static QStringList toolBarTexts(QToolBar *bar)
    {
        QStringList texts;
        for (QAction *action : bar->actions()) {
            texts << action->iconText();
            auto *button = qobject_cast<QToolButton *>(bar->widgetForAction(action));
            if (!button || button->icon().isNull()
                || button->toolButtonStyle() != Qt::ToolButtonTextBesideIcon)
                texts << QStringLiteral("(no icon or no text)");
        }
        return texts;
    }

private slots:
    void theToolBarHoldsTheEverydayActionsWithIconsAndText()
    {
        World w;
        QVERIFY(w.init());
        QToolBar *bar = w.window->toolBar();
        QVERIFY(bar->isVisible());
        QCOMPARE(toolBarTexts(bar),
                 (QStringList { QStringLiteral("My account"), QStringLiteral("Refresh"),
                                QStringLiteral("Local outbox"), QStringLiteral("Preferences") }));

        // Each button does what its menu item does.
        QSignalSpy preferences(w.window.get(), &MainWindow::preferencesRequested);
        bar->actions().at(3)->trigger();
        QCOMPARE(preferences.count(), 1);
    }

    void theViewMenuHidesTheToolBar()
    {
        World w;
        QVERIFY(w.init());
        QMenu *view = nullptr;
        for (QAction *menu : w.window->menuBar()->actions()) {
            if (menu->text() == QLatin1String("&View"))
                view = menu->menu();
        }
        QVERIFY(view);
        QAction *toggle = view->actions().value(0);
        QVERIFY(toggle && toggle->isCheckable() && toggle->isChecked());
        toggle->trigger();
        QVERIFY(!w.window->toolBar()->isVisible());
        toggle->trigger();
        QVERIFY(w.window->toolBar()->isVisible());
    }

    // A change made behind the window's back (another program on the same
    // database) shows after F5, not before.
    void f5ReadsTheDataAgain()
    {
        World w;
        QVERIFY(w.init());
        QCOMPARE(w.window->userButton()->text(), QStringLiteral("Alice MARTIN"));
        w.db().exec(QStringLiteral("UPDATE users SET first_name = ? WHERE id = ?"),
                    { QStringLiteral("Alicia"), w.alice });
        QCOMPARE(w.window->userButton()->text(), QStringLiteral("Alice MARTIN"));

        QSignalSpy refreshed(w.window.get(), &MainWindow::refreshRequested);
        w.window->activateWindow();
        QTest::keyClick(w.window.get(), Qt::Key_F5);
        QCOMPARE(refreshed.count(), 1);
        QCOMPARE(w.window->userButton()->text(), QStringLiteral("Alicia MARTIN"));
    }
};

QTEST_MAIN(TestMainWindow)
#include "tst_mainwindow.moc"
