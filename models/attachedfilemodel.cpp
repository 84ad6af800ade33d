#include "models/attachedfilemodel.h"

#include <QLocale>

namespace guichet {

AttachedFileModel::AttachedFileModel(Core &core, qint64 userId, QObject *parent)
    : RecordListModel<AttachedFileInfo>(parent)
    , m_core(core)
    , m_userId(userId)
{
    using File = AttachedFileInfo;
    setCheckable(true);
    setColumns({
        { tr("Designation"), [](const File &f) { return f.designation; } },
        { ColumnKind::Role, tr("Type"), [](const File &f) { return f.typeLabel; } },
        { tr("File name"), [](const File &f) { return f.fileName; } },
        { ColumnKind::Identifier, tr("Size"), [](const File &f) { return f.size; },
          [](const File &f) { return humanSize(f.size); } },
        { ColumnKind::Date, tr("Date"), [](const File &f) { return f.updatedAt; },
          [](const File &f) { return QLocale().toString(f.updatedAt.toLocalTime(), QLocale::ShortFormat); } },
    });
    reload();
}

void AttachedFileModel::reload()
{
    setRecords(m_userId ? AttachedFiles(m_core).listFiles(m_userId) : QList<AttachedFileInfo>());
}

QString AttachedFileModel::humanSize(qint64 bytes)
{
    // Base 1024 with the units the texts use (« 4 Mo au maximum », « 4 MB at most »):
    // one unit everywhere, where the IEC format would say « 4,0 Mio ».
    return QLocale().formattedDataSize(bytes, 1, QLocale::DataSizeTraditionalFormat);
}

} // namespace guichet
