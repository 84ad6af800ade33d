#include "kernel/paths.h"
#include "translations/translations.h"
#include "ui/shell/desktopapp.h"
#include "ui/shell/preferencesdialog.h"
#include "ui/shell/singleinstance.h"
#include "ui/shell/standalonedesktop.h"

#include <QApplication>
#include <QCommandLineParser>
#include <QIcon>
#include <QMessageBox>

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
    parser.addOptions({ databaseOption, languageOption, screenshotOption });
    parser.addPositionalArgument(
        QStringLiteral("link"),
        Tr::tr("A guichet:// link from a mail: opens its page, in the Guichet already "
               "running if there is one."),
        QStringLiteral("[link]"));
    parser.process(app);
    const QString link = parser.positionalArguments().value(0);

    // One Guichet per user session: a later launch hands its link over and exits.
    SingleInstance instance;
    if (!parser.isSet(screenshotOption)) {
        if (instance.handOver(link))
            return 0;
        // Not listening (a running instance that did not answer): this one
        // still works, only later launches will not reach it.
        instance.listen();
    }

    const QLocale locale = PreferencesDialog::interfaceLocale(parser.value(languageOption));
    QLocale::setDefault(locale); // dates and numbers follow the interface language
    installTranslations(locale);

    QString error;
    const auto standalone = StandaloneDesktop::open(parser.value(databaseOption), &error);
    if (!standalone) {
        QMessageBox::critical(nullptr, Tr::tr("Guichet"), error);
        return 1;
    }
    DesktopApp desktop(standalone->session());
    // The sign-in window also offers a guichetd server (replica + sync).
    desktop.enableConnectedMode();
    QObject::connect(&instance, &SingleInstance::messageReceived, &desktop, &DesktopApp::openLink);
    desktop.start();
    desktop.openLink(link);
    if (parser.isSet(screenshotOption))
        desktop.screenshotAndQuit(parser.value(screenshotOption));
    return app.exec();
}
