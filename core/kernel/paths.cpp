#include "kernel/paths.h"

#include <QCoreApplication>
#include <QDir>
#include <QStandardPaths>

namespace guichet {

void setApplicationIdentity(const QString &applicationName)
{
    QCoreApplication::setOrganizationName(QStringLiteral("Guichet"));
    QCoreApplication::setOrganizationDomain(QStringLiteral("guichet.example.org"));
    QCoreApplication::setApplicationName(applicationName);
    QCoreApplication::setApplicationVersion(QStringLiteral(GUICHET_VERSION));
}

QString defaultDatabaseLocation()
{
    const QString fromEnvironment = qEnvironmentVariable("GUICHET_DATABASE");
    if (!fromEnvironment.isEmpty())
        return fromEnvironment;
    // The desktop app and guichetctl share one file, whatever their own names.
    const QString base = QStandardPaths::writableLocation(QStandardPaths::GenericDataLocation);
    return QDir(base).filePath(QStringLiteral("guichet/guichet.sqlite"));
}

} // namespace guichet
