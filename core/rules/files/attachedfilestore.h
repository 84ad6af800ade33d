#pragma once

#include "rules/files/attachedfiles.h"

#include <QByteArray>
#include <QList>
#include <QString>

#include <optional>

namespace guichet {

class Database;

// Every SQL statement of the attached files feature (attachedfiles.cpp) lives
// here: the table attached_files it owns. Content is read only by
// fileContent(), so that lists and checks never load the files themselves.

// A file's content with what checking and naming it needs.
struct StoredFileContent
{
    qint64 id = 0;
    qint64 userId = 0;
    QString fileName;
    QString sha256;
    QByteArray content;
};

class AttachedFileStore
{
public:
    explicit AttachedFileStore(const Database &db);

    qint64 insertFile(qint64 userId, const QString &designation, const QString &fileType,
                      const QString &fileName, const QByteArray &content, const QString &sha256, qint64 nowMs,
                      qint64 version);
    // Designation and type only; the content stays.
    void updateDescription(qint64 fileId, const QString &designation, const QString &fileType, qint64 nowMs,
                           qint64 version);
    void updateDescriptionAndContent(qint64 fileId, const QString &designation, const QString &fileType,
                                     const QString &fileName, const QByteArray &content,
                                     const QString &sha256, qint64 nowMs, qint64 version);
    void deleteFile(qint64 fileId);

    // Metadata (typeLabel included), never content.
    std::optional<AttachedFileInfo> fileInfo(qint64 fileId) const;
    std::optional<StoredFileContent> fileContent(qint64 fileId) const;
    // The user's files by designation, then id.
    QList<AttachedFileInfo> filesOf(qint64 userId) const;

private:
    const Database &m_db;
};

} // namespace guichet
