#include "rules/files/attachedfilestore.h"

#include "kernel/database.h"

namespace guichet {

namespace {

const QString kMetadataColumns
    = QStringLiteral("id, user_id, designation, file_type, file_name, size, sha256, created_at, updated_at");

QDateTime fromMs(const QVariant &value)
{
    return QDateTime::fromMSecsSinceEpoch(value.toLongLong(), Qt::UTC);
}

AttachedFileInfo infoFromRow(const QVariantMap &row)
{
    AttachedFileInfo info;
    info.id = row.value(QStringLiteral("id")).toLongLong();
    info.userId = row.value(QStringLiteral("user_id")).toLongLong();
    info.designation = row.value(QStringLiteral("designation")).toString();
    info.fileType = row.value(QStringLiteral("file_type")).toString();
    info.typeLabel = AttachedFiles::fileTypeLabel(info.fileType);
    info.fileName = row.value(QStringLiteral("file_name")).toString();
    info.size = row.value(QStringLiteral("size")).toLongLong();
    info.sha256 = row.value(QStringLiteral("sha256")).toString();
    info.createdAt = fromMs(row.value(QStringLiteral("created_at")));
    info.updatedAt = fromMs(row.value(QStringLiteral("updated_at")));
    return info;
}

} // namespace

AttachedFileStore::AttachedFileStore(const Database &db)
    : m_db(db)
{
}

qint64 AttachedFileStore::insertFile(qint64 userId, const QString &designation, const QString &fileType,
                                     const QString &fileName, const QByteArray &content,
                                     const QString &sha256, qint64 nowMs, qint64 version)
{
    return m_db.insert(
        QStringLiteral(
            "INSERT INTO attached_files (user_id, designation, file_type, file_name, size, sha256, "
            "content, created_at, updated_at, version) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) "
            "RETURNING id"),
        { userId, designation, fileType, fileName, qint64(content.size()), sha256, content, nowMs, nowMs,
          version });
}

void AttachedFileStore::updateDescription(qint64 fileId, const QString &designation, const QString &fileType,
                                          qint64 nowMs, qint64 version)
{
    m_db.exec(QStringLiteral("UPDATE attached_files SET designation = ?, file_type = ?, updated_at = ?, "
                             "version = ? WHERE id = ?"),
              { designation, fileType, nowMs, version, fileId });
}

void AttachedFileStore::updateDescriptionAndContent(qint64 fileId, const QString &designation,
                                                    const QString &fileType, const QString &fileName,
                                                    const QByteArray &content, const QString &sha256,
                                                    qint64 nowMs, qint64 version)
{
    m_db.exec(
        QStringLiteral("UPDATE attached_files SET designation = ?, file_type = ?, file_name = ?, "
                       "size = ?, sha256 = ?, content = ?, updated_at = ?, version = ? "
                       "WHERE id = ?"),
        { designation, fileType, fileName, qint64(content.size()), sha256, content, nowMs, version, fileId });
}

void AttachedFileStore::deleteFile(qint64 fileId)
{
    m_db.exec(QStringLiteral("DELETE FROM attached_files WHERE id = ?"), { fileId });
}

std::optional<AttachedFileInfo> AttachedFileStore::fileInfo(qint64 fileId) const
{
    const auto row = m_db.row(
        QStringLiteral("SELECT %1 FROM attached_files WHERE id = ?").arg(kMetadataColumns), { fileId });
    if (!row)
        return std::nullopt;
    return infoFromRow(*row);
}

std::optional<StoredFileContent> AttachedFileStore::fileContent(qint64 fileId) const
{
    const auto row = m_db.row(
        QStringLiteral("SELECT id, user_id, file_name, sha256, content FROM attached_files WHERE id = ?"),
        { fileId });
    if (!row)
        return std::nullopt;
    return StoredFileContent { row->value(QStringLiteral("id")).toLongLong(),
                               row->value(QStringLiteral("user_id")).toLongLong(),
                               row->value(QStringLiteral("file_name")).toString(),
                               row->value(QStringLiteral("sha256")).toString(),
                               row->value(QStringLiteral("content")).toByteArray() };
}

QList<AttachedFileInfo> AttachedFileStore::filesOf(qint64 userId) const
{
    QList<AttachedFileInfo> files;
    const auto rows
        = m_db.rows(QStringLiteral("SELECT %1 FROM attached_files WHERE user_id = ? ORDER BY designation, id")
                        .arg(kMetadataColumns),
                    { userId });
    for (const QVariantMap &row : rows)
        files.append(infoFromRow(row));
    return files;
}

} // namespace guichet
