#include "ui/account/accountpage.h"
#include "ui/account/successordialog.h"
#include "ui/widgets/icons.h"
#include "uitestsupport.h"

#include <QDir>
#include <QDirIterator>
#include <QFile>
#include <QImage>
#include <QListWidget>
#include <QPushButton>
#include <QRegularExpression>
#include <QTest>

using namespace guichet;
using namespace guichet::test;

namespace {

// True when the icon draws something at size: at least one pixel not transparent.
bool drawsSomething(const QIcon &icon, int size)
{
    const QImage image = icon.pixmap(size).toImage();
    for (int y = 0; y < image.height(); ++y)
        for (int x = 0; x < image.width(); ++x)
            if (qAlpha(image.pixel(x, y)) > 0)
                return true;
    return false;
}

// Every name the screens ask themedIcon() for, read from ui/'s sources.
QStringList namesUsedByTheScreens()
{
    QStringList names;
    const QRegularExpression call(
        QStringLiteral("(?:themedIcon|addSection)\\(QStringLiteral\\(\"([a-z-]+)\"\\)"));
    QDirIterator it(QStringLiteral(GUICHET_SOURCE_DIR "/ui"), { QStringLiteral("*.cpp") }, QDir::Files,
                    QDirIterator::Subdirectories);
    while (it.hasNext()) {
        QFile file(it.next());
        if (!file.open(QIODevice::ReadOnly))
            continue;
        const QString text = QString::fromUtf8(file.readAll());
        for (auto match = call.globalMatch(text); match.hasNext();)
            names.append(match.next().captured(1));
    }
    names.removeDuplicates();
    return names;
}

} // namespace

// Guichet's own icon set, the fallback where the platform has no icon theme
// (Windows, and the offscreen platform of these tests).
class TestIcons : public QObject
{
    Q_OBJECT

private slots:
    void everyIconTheScreensUseIsBundledAndDraws()
    {
        const QStringList names = namesUsedByTheScreens();
        QVERIFY2(names.size() >= 15, qPrintable(names.join(QLatin1Char(' '))));
        for (const QString &name : names) {
            QVERIFY2(QFile::exists(QStringLiteral(":/guichet-icons/%1.svg").arg(name)), qPrintable(name));
            const QIcon icon = themedIcon(name);
            // Drawn sharp at the sizes of menus, lists and HiDPI screens.
            for (const int size : { 16, 32 })
                QVERIFY2(drawsSomething(icon, size),
                         qPrintable(QStringLiteral("%1 at %2 px").arg(name).arg(size)));
        }
    }

    void theSectionListShowsAnIconForEachSection()
    {
        UiWorld w;
        QVERIFY(w.isValid());
        w.createUser(QStringLiteral("alice@example.org"));
        QVERIFY(w.signIn(QStringLiteral("alice@example.org")));
        AccountPage page(*w.session);
        auto *list = page.findChild<QListWidget *>(QStringLiteral("accountSections"));
        QVERIFY(list);
        QCOMPARE(list->count(), 6);
        for (int row = 0; row < list->count(); ++row)
            QVERIFY2(drawsSomething(list->item(row)->icon(), 16), qPrintable(list->item(row)->text()));
    }

    void theMagnifierIsTheGuidesLoupe()
    {
        UiWorld w;
        QVERIFY(w.isValid());
        w.createUser(QStringLiteral("alice@example.org"));
        QVERIFY(w.signIn(QStringLiteral("alice@example.org")));
        SuccessorDialog dialog(
            *w.session, { { 1, QStringLiteral("73282932000074"), QStringLiteral("Menuiserie Dupont") } });
        QPushButton *magnifier = dialog.magnifier(-1);
        QVERIFY(magnifier);
        // An icon, no text; what it does is in its tooltip and accessible name.
        QVERIFY(magnifier->text().isEmpty());
        QVERIFY(drawsSomething(magnifier->icon(), 16));
        QVERIFY(!magnifier->toolTip().isEmpty());
        QCOMPARE(magnifier->accessibleName(), magnifier->toolTip());
        QVERIFY(dialog.magnifier(0)->accessibleName().contains(QStringLiteral("Menuiserie Dupont")));
    }
};

QTEST_MAIN(TestIcons)
#include "tst_icons.moc"
