#include "models/attachedfilemodel.h"

#include "rules/files/attachedfiles.h"

#include <QLocale>

namespace guichet {

AttachedFileModel::AttachedFileModel(Core &core, qint64 userId, QObject *parent)
    : RecordTableModel(parent)
    , m_core(core)
    , m_userId(userId)
{
    setCheckable(true);
    const auto key = [](const char *name) { return QString::fromLatin1(name); };
    setColumns({
        { key("designation"), tr("Designation") },
        { key("typeLabel"), tr("Type") },
        { key("fileName"), tr("File name") },
        { key("size"), tr("Size"),
          [](const QVariantMap &r) { return humanSize(r.value(QStringLiteral("size")).toLongLong()); } },
        { key("updatedAt"), tr("Date"),
          [](const QVariantMap &r) {
              return QLocale().toString(r.value(QStringLiteral("updatedAt")).toDateTime().toLocalTime(),
                                        QLocale::ShortFormat);
          } },
    });
    reload();
}

void AttachedFileModel::reload()
{
    QList<QVariantMap> records;
    if (m_userId) {
        for (const AttachedFileInfo &file : AttachedFiles(m_core).listFiles(m_userId)) {
            records.append({
                { QStringLiteral("id"), file.id },
                { QStringLiteral("designation"), file.designation },
                { QStringLiteral("fileType"), file.fileType },
                { QStringLiteral("typeLabel"), file.typeLabel },
                { QStringLiteral("fileName"), file.fileName },
                { QStringLiteral("size"), file.size },
                { QStringLiteral("createdAt"), file.createdAt },
                { QStringLiteral("updatedAt"), file.updatedAt },
            });
        }
    }
    setRecords(records);
}

QString AttachedFileModel::humanSize(qint64 bytes)
{
    return QLocale().formattedDataSize(bytes, 1, QLocale::DataSizeIecFormat);
}

} // namespace guichet
