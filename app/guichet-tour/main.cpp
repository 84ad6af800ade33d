// guichet-tour: signs in to the demo data as its principal manager and saves a
// picture of each main screen (scripts/screenshots). A development tool: it is
// not installed, and the shipped guichet knows no demo login.
#include "datagen/demodata.h"
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
    parser.addOptions({ databaseOption, languageOption });
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
        done = takeScreenshotTour(standalone->session(), desktop, parser.positionalArguments().constFirst(),
                                  DemoData::principalEmail(), DemoData::password(), &error);
    }
    if (!done)
        QTextStream(stderr) << "guichet-tour: " << error << Qt::endl;
    return done ? 0 : 1;
}
