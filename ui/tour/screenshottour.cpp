#include "ui/tour/screenshottour.h"

#include "ui/tour/screenwalk.h"

#include <QDir>
#include <QHash>
#include <QWidget>

namespace guichet {

bool takeScreenshotTour(Session &session, DesktopApp &app, const QString &folder, const QSize &mainWindowSize,
                        QString *error)
{
    QDir dir(folder);
    if (!dir.mkpath(QStringLiteral("."))) {
        *error = QStringLiteral("cannot create %1").arg(folder);
        return false;
    }
    // The pictures the README links to, by the screen they show.
    const QHash<QString, QString> pictures {
        { QStringLiteral("signIn"), QStringLiteral("01-sign-in.png") },
        { QStringLiteral("principal/account/personalInfo"), QStringLiteral("02-personalInfo.png") },
        { QStringLiteral("principal/account/notifications"), QStringLiteral("03-notifications.png") },
        { QStringLiteral("principal/account/attachments"), QStringLiteral("04-attachments.png") },
        { QStringLiteral("principal/account/subscriptions"), QStringLiteral("05-subscriptions.png") },
        { QStringLiteral("principal/account/attachedFiles"), QStringLiteral("06-attachedFiles.png") },
        { QStringLiteral("principal/account/deactivation"), QStringLiteral("07-deactivation.png") },
        { QStringLiteral("dialog/structureSearch"), QStringLiteral("08-structure-search.png") },
        { QStringLiteral("dialog/subscriptionRequest"), QStringLiteral("09-subscription-request.png") },
        { QStringLiteral("dialog/attachedFile"), QStringLiteral("10-attached-file.png") },
        { QStringLiteral("dialog/successor"), QStringLiteral("11-designate-principal-manager.png") },
        { QStringLiteral("dialog/outbox"), QStringLiteral("12-local-outbox.png") },
        { QStringLiteral("dialog/reactivation"), QStringLiteral("13-reactivation.png") },
        { QStringLiteral("principal/manager/0"), QStringLiteral("14-manager-requests.png") },
        { QStringLiteral("principal/manager/3"), QStringLiteral("15-manager-history.png") },
        { QStringLiteral("support/support/3"), QStringLiteral("16-support-log.png") },
        { QStringLiteral("dialog/signUp/error"), QStringLiteral("17-sign-up.png") },
        { QStringLiteral("dialog/activation/error"), QStringLiteral("18-activation.png") },
    };
    ScreenWalkOptions options;
    options.mainWindowSize = mainWindowSize;
    options.settleMs = 300; // lets each window paint before it is grabbed
    options.everyRole = true; // support staff's log is pictured too
    QString saveError;
    const bool walked = visitScreens(
        session, app,
        [&](const QString &screen, QWidget *window) {
            const QString name = pictures.value(screen);
            if (name.isEmpty() || !saveError.isEmpty())
                return;
            if (!window->grab().save(dir.filePath(name)))
                saveError = QStringLiteral("cannot write %1").arg(dir.filePath(name));
        },
        options, error);
    if (walked && !saveError.isEmpty())
        *error = saveError;
    return walked && saveError.isEmpty();
}

} // namespace guichet
