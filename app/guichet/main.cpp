#include "core.h"
#include "database.h"
#include "demodata.h"
#include "desktopapp.h"
#include "directory.h"
#include "localcommandgateway.h"
#include "paths.h"
#include "preferencesdialog.h"
#include "screenshottour.h"
#include "session.h"
#include "translations.h"

#include <QApplication>
#include <QCommandLineParser>
#include <QIcon>
#include <QMessageBox>
#include <QTextStream>

using namespace guichet;

namespace {
struct Tr
{
    Q_DECLARE_TR_FUNCTIONS(guichet::main)
};
} // namespace

int main(int argc, char *argv[])
{
    QApplication app(argc, argv);
    setApplicationIdentity(QStringLiteral("guichet"));
    QApplication::setApplicationDisplayName(QStringLiteral("Guichet"));
    // Lets Wayland and the task bar match the window to the installed desktop entry.
    QGuiApplication::setDesktopFileName(QStringLiteral("fr.guichet.Guichet"));
    QIcon icon;
    for (const int size : { 16, 24, 32, 48, 64, 128, 256 })
        icon.addFile(QStringLiteral(":/icons/guichet-%1.png").arg(size));
    QApplication::setWindowIcon(icon);

    installTranslations(QLocale::system());
    QCommandLineParser parser;
    parser.setApplicationDescription(Tr::tr("Guichet: manage your user account of the e-invoicing portal."));
    parser.addHelpOption();
    parser.addVersionOption();
    const QCommandLineOption databaseOption(QStringLiteral("database"),
                                            Tr::tr("SQLite file or postgresql:// URL."), Tr::tr("location"),
                                            defaultDatabaseLocation());
    const QCommandLineOption languageOption(QStringLiteral("language"),
                                            Tr::tr("Interface language: fr or en."), Tr::tr("language"));
    const QCommandLineOption screenshotOption(
        QStringLiteral("screenshot"), Tr::tr("Save a picture of the first window and quit."), Tr::tr("file"));
    const QCommandLineOption tourOption(QStringLiteral("screenshot-tour"),
                                        Tr::tr("Sign in as the demo principal manager, save a picture of "
                                               "each main screen into the folder, and quit."),
                                        Tr::tr("folder"));
    parser.addOptions({ databaseOption, languageOption, screenshotOption, tourOption });
    parser.process(app);

    const QLocale locale = PreferencesDialog::interfaceLocale(parser.value(languageOption));
    QLocale::setDefault(locale); // dates and numbers follow the interface language
    installTranslations(locale);

    QString error;
    auto database = Database::open(parser.value(databaseOption), &error);
    if (database && !database->migrate(&error))
        database.reset();
    if (!database) {
        QMessageBox::critical(nullptr, Tr::tr("Guichet"), error);
        return 1;
    }
    SystemClock clock;
    Core core(*database, clock);
    LocalCommandGateway gateway(core);
    LocalDirectory directory(core, gateway);
    Session session { *database, core, clock, gateway, directory };
    DesktopApp desktop(session);
    // The sign-in window also offers a guichetd server (replica + sync).
    desktop.enableConnectedMode();
    if (parser.isSet(tourOption)) {
        const bool done = takeScreenshotTour(session, desktop, parser.value(tourOption),
                                             QStringLiteral("claire.dubois@demo.guichet.fr"),
                                             DemoData::password(), &error);
        if (!done)
            QTextStream(stderr) << "guichet: " << error << Qt::endl;
        return done ? 0 : 1;
    }
    desktop.start();
    if (parser.isSet(screenshotOption))
        desktop.screenshotAndQuit(parser.value(screenshotOption));
    return app.exec();
}
