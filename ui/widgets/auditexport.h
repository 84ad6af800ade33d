#pragma once

#include <QString>

class QWidget;

namespace guichet {

class Core;
struct AuditFilter;

// « Exporter en CSV » of an audit view (the manager's history, support's log):
// asks where to save (starting in the folder remembered under folderKey),
// writes the entries matching `filter` with a busy progress dialog, and says
// so when the file cannot be written. `title` and `progressText` are the
// caller's translated words.
// The settings key of the folder audit exports (history, support log) last went to.
QString auditExportFolderKey();

void exportAuditLog(QWidget *parent, Core &core, const AuditFilter &filter, const QString &title,
                    const QString &progressText, const QString &folderKey, const QString &defaultFileName);

} // namespace guichet
