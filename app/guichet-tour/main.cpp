// guichet-tour: signs in to the demo data as its principal manager and saves a
// picture of each main screen (scripts/screenshots). A development tool: it is
// not installed, and the shipped guichet knows no demo login.
#include "kernel/paths.h"
#include "translations/translations.h"
#include "ui/shell/desktopapp.h"
#include "ui/shell/preferencesdialog.h"
#include "ui/shell/standalonedesktop.h"
#include "ui/tour/screenshottour.h"

#include <QApplication>
#include <QCommandLineParser>
#include <QTextStream>

using namespace guichet;

int main(int argc, char *argv[])
{
    QApplication app(argc, argv);
    // The same identity as guichet: the same default database and preferences.
    setApplicationIdentity(QStringLiteral("guichet"));
    QApplication::setApplicationDisplayName(QStringLiteral("Guichet"));
    QCommandLineParser parser;
    parser.setApplicationDescription(QStringLiteral("Saves a picture of each main screen of Guichet, "
                                                    "signed in to the demo data, into a folder."));
    parser.addHelpOption();
    const QCommandLineOption databaseOption(QStringLiteral("database"), QStringLiteral("SQLite file."),
                                            QStringLiteral("location"), defaultDatabaseLocation());
    const QCommandLineOption languageOption(QStringLiteral("language"), QStringLiteral("fr or en."),
                                            QStringLiteral("language"), QStringLiteral("fr"));
    const QCommandLineOption sizeOption(QStringLiteral("size"),
                                        QStringLiteral("The main window's size, WxH."),
                                        QStringLiteral("size"), QStringLiteral("1200x760"));
    parser.addOptions({ databaseOption, languageOption, sizeOption });
    parser.addPositionalArgument(QStringLiteral("folder"), QStringLiteral("Where the pictures go."));
    parser.process(app);
    if (parser.positionalArguments().size() != 1)
        parser.showHelp(2);

    const QLocale locale = PreferencesDialog::interfaceLocale(parser.value(languageOption));
    QLocale::setDefault(locale);
    installTranslations(locale);

    QString error;
    const auto standalone = StandaloneDesktop::open(parser.value(databaseOption), &error);
    bool done = false;
    if (standalone) {
        DesktopApp desktop(standalone->session());
        const QStringList size = parser.value(sizeOption).split(QLatin1Char('x'));
        const QSize mainWindowSize(size.value(0).toInt(), size.value(1).toInt());
        done = takeScreenshotTour(standalone->session(), desktop, parser.positionalArguments().constFirst(),
                                  mainWindowSize.isValid() ? mainWindowSize : QSize(1200, 760), &error);
    }
    if (!done)
        QTextStream(stderr) << "guichet-tour: " << error << Qt::endl;
    return done ? 0 : 1;
}
