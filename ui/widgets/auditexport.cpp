#include "ui/widgets/auditexport.h"

#include "kernel/core.h"
#include "rules/audit/auditlog.h"
#include "ui/widgets/dialogs.h"

#include <QCoreApplication>
#include <QFileInfo>
#include <QProgressDialog>
#include <QSaveFile>
#include <QSettings>
#include <QStandardPaths>

namespace guichet {

namespace {
struct Tr
{
    Q_DECLARE_TR_FUNCTIONS(guichet::AuditExport)
};
} // namespace

QString auditExportFolderKey()
{
    return QStringLiteral("auditExport/lastFolder");
}

void exportAuditLog(QWidget *parent, Core &core, const AuditFilter &filter, const QString &title,
                    const QString &progressText, const QString &folderKey, const QString &defaultFileName)
{
    QSettings settings;
    const QString folder
        = settings.value(folderKey, QStandardPaths::writableLocation(QStandardPaths::DocumentsLocation))
              .toString();
    const QString path = Dialogs::saveFileName(parent, title, folder + QLatin1Char('/') + defaultFileName,
                                               Tr::tr("CSV files (*.csv)"));
    if (path.isEmpty())
        return;
    settings.setValue(folderKey, QFileInfo(path).absolutePath());
    QProgressDialog progress(progressText, QString(), 0, 0, parent);
    progress.setWindowModality(Qt::WindowModal);
    progress.setMinimumDuration(500);
    QSaveFile file(path);
    const bool ok
        = file.open(QIODevice::WriteOnly) && AuditLog(core).exportCsv(filter, file) && file.commit();
    progress.reset();
    if (!ok)
        Dialogs::warning(parent, title,
                         Tr::tr("The file %1 could not be written: %2").arg(path, file.errorString()));
}

} // namespace guichet
