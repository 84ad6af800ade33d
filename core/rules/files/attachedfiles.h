#pragma once

#include "kernel/commandresult.h"

#include <QByteArray>
#include <QCoreApplication>
#include <QDateTime>
#include <QList>
#include <QString>
#include <QStringList>

#include <optional>

namespace guichet {

class Core;

// One of the fixed file types (code stored, label shown).
struct FileType
{
    QString code;
    QString label;
};

// What the « Mes pièces jointes » table shows: metadata only, never content.
struct AttachedFileInfo
{
    qint64 id = 0;
    qint64 userId = 0;
    QString designation;
    QString fileType;
    QString typeLabel;
    QString fileName;
    qint64 size = 0;
    QString sha256;
    QDateTime createdAt;
    QDateTime updatedAt;
};

// Pièces jointes (guide, section 6): a user's own files, kept to hand for
// invoices. Never confuse with Attachment (the rattachement to a structure).
class AttachedFiles
{
    Q_DECLARE_TR_FUNCTIONS(guichet::AttachedFiles)

public:
    // « taille max : 4 Mo », read as 4 MiB.
    static constexpr qint64 MaxSize = 4 * 1024 * 1024;
    static constexpr int MaxDesignationLength = 200;
    static constexpr int MaxFileNameLength = 150;

    struct NewFile
    {
        QString designation;
        QString fileType;
        QString fileName;
        QByteArray content;
    };
    struct NewContent
    {
        QString fileName;
        QByteArray content;
    };

    explicit AttachedFiles(Core &core);

    static QList<FileType> fileTypes();
    // The label of a type code, or the code itself when unknown.
    static QString fileTypeLabel(const QString &code);
    // Lets the UI refuse a file from its size alone, before reading it: empty
    // -> InvalidInput, over MaxSize -> TooLarge (field "content").
    static CommandResult checkSize(qint64 bytes);
    // A name safe on every desktop: no path part, no control or Windows-invalid
    // character, no leading/trailing dots or spaces, no reserved device name,
    // at most MaxFileNameLength characters (keeping the extension); "file" if empty.
    static QString sanitizeFileName(const QString &name);

    // « Ajouter »: returns the new file's id.
    CommandResult addFile(qint64 actorId, const NewFile &file);
    // « Éditer »: owner only; content (with its file name) is replaced when given.
    CommandResult updateFile(qint64 actorId, qint64 fileId, const QString &designation,
                             const QString &fileType,
                             const std::optional<NewContent> &content = std::nullopt);
    // « Supprimer » one or the checked rows: owner only, all or nothing.
    CommandResult deleteFiles(qint64 actorId, const QList<qint64> &ids);
    // « Télécharger »: owner only (support sees metadata, never content). The
    // content is checked against its stored SHA-256.
    CommandResult fileContent(qint64 actorId, qint64 fileId, QByteArray *content);
    // Bulk download of the checked rows into folderPath: owner only, all or
    // nothing; never overwrites, makes names unique; data["paths"] lists the
    // files written.
    CommandResult exportFiles(qint64 actorId, const QList<qint64> &ids, const QString &folderPath);

    // The user's own files, by designation.
    QList<AttachedFileInfo> listFiles(qint64 userId) const;
    // One file's metadata, whoever owns it (no rights check: for a caller that
    // already checked them, e.g. guichetd naming the content fileContent gave);
    // nothing when the file does not exist.
    std::optional<AttachedFileInfo> fileInfo(qint64 fileId) const;
    // Support staff's view of a user's files (metadata only); nothing when the
    // caller is not active support staff.
    std::optional<QList<AttachedFileInfo>> listFilesForSupport(qint64 actorId, qint64 userId) const;

private:
    Core &m_core;
};

} // namespace guichet
