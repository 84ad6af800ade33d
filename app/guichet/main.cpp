#include "core.h"
#include "database.h"
#include "desktopapp.h"
#include "localcommandgateway.h"
#include "paths.h"
#include "preferencesdialog.h"
#include "session.h"
#include "translations.h"

#include <QApplication>
#include <QCommandLineParser>
#include <QMessageBox>

using namespace guichet;

int main(int argc, char *argv[])
{
    QApplication app(argc, argv);
    setApplicationIdentity(QStringLiteral("guichet"));
    QApplication::setApplicationDisplayName(QStringLiteral("Guichet"));

    installTranslations(QLocale::system());
    const auto tr = [](const char *text) { return QApplication::translate("guichet::main", text); };
    QCommandLineParser parser;
    parser.setApplicationDescription(tr("Guichet: manage your user account of the e-invoicing portal."));
    parser.addHelpOption();
    parser.addVersionOption();
    const QCommandLineOption databaseOption(QStringLiteral("database"),
                                            tr("SQLite file or postgresql:// URL."), tr("location"),
                                            defaultDatabaseLocation());
    const QCommandLineOption languageOption(QStringLiteral("language"), tr("Interface language: fr or en."),
                                            tr("language"));
    const QCommandLineOption screenshotOption(QStringLiteral("screenshot"),
                                              tr("Save a picture of the first window and quit."), tr("file"));
    parser.addOptions({ databaseOption, languageOption, screenshotOption });
    parser.process(app);

    installTranslations(PreferencesDialog::interfaceLocale(parser.value(languageOption)));

    QString error;
    auto database = Database::open(parser.value(databaseOption), &error);
    if (database && !database->migrate(&error))
        database.reset();
    if (!database) {
        QMessageBox::critical(nullptr, tr("Guichet"), error);
        return 1;
    }
    SystemClock clock;
    Core core(*database, clock);
    LocalCommandGateway gateway(core);
    Session session { *database, core, clock, gateway };
    DesktopApp desktop(session);
    desktop.start();
    if (parser.isSet(screenshotOption))
        desktop.screenshotAndQuit(parser.value(screenshotOption));
    return app.exec();
}
