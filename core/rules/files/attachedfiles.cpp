#include "rules/files/attachedfiles.h"

#include "kernel/core.h"
#include "rules/files/attachedfilestore.h"

#include <QCryptographicHash>
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QRegularExpression>

#include <optional>
#include <type_traits>

namespace guichet {

namespace {

const QString kTable = QStringLiteral("attached_files");
const QString kEntity = QStringLiteral("attached_file");
// An export gives up on a name after "name (999)": the folder is not meant for that.
constexpr int kMaxSameName = 999;

struct TypeEntry
{
    const char *code;
    const char *label;
};

// The fixed list of the guide's drop-down « type de pièce jointe ».
const TypeEntry s_types[] = {
    { "justificatif", QT_TRANSLATE_NOOP("guichet::AttachedFiles", "Supporting document") },
    { "carte_grise", QT_TRANSLATE_NOOP("guichet::AttachedFiles", "Vehicle registration") },
    { "brochure", QT_TRANSLATE_NOOP("guichet::AttachedFiles", "Brochure") },
    { "bon_de_commande", QT_TRANSLATE_NOOP("guichet::AttachedFiles", "Purchase order") },
    { "contrat", QT_TRANSLATE_NOOP("guichet::AttachedFiles", "Contract") },
    { "devis", QT_TRANSLATE_NOOP("guichet::AttachedFiles", "Quote") },
    { "autre", QT_TRANSLATE_NOOP("guichet::AttachedFiles", "Other") },
};

bool isKnownType(const QString &code)
{
    for (const TypeEntry &entry : s_types) {
        if (code == QLatin1String(entry.code))
            return true;
    }
    return false;
}

QString sha256Hex(const QByteArray &content)
{
    return QString::fromLatin1(QCryptographicHash::hash(content, QCryptographicHash::Sha256).toHex());
}

QString checkedDesignation(const QString &designation)
{
    const QString trimmed = designation.trimmed();
    if (trimmed.isEmpty())
        fail(ErrorCode::InvalidInput, QStringLiteral("designation"),
             AttachedFiles::tr("Designation is required."));
    if (trimmed.size() > AttachedFiles::MaxDesignationLength)
        fail(ErrorCode::InvalidInput, QStringLiteral("designation"),
             AttachedFiles::tr("Designation is too long: %1 characters at most.")
                 .arg(AttachedFiles::MaxDesignationLength));
    return trimmed;
}

void checkType(const QString &fileType)
{
    if (fileType.isEmpty())
        fail(ErrorCode::InvalidInput, QStringLiteral("fileType"),
             AttachedFiles::tr("File type is required."));
    if (!isKnownType(fileType))
        fail(ErrorCode::InvalidInput, QStringLiteral("fileType"),
             AttachedFiles::tr("File type '%1' is not in the list of file types.").arg(fileType));
}

void checkContent(const QByteArray &content)
{
    const CommandResult size = AttachedFiles::checkSize(content.size());
    if (!size.ok())
        fail(size.code, size.field, size.message);
}

// Loads each of ids with load (AttachedFileStore::fileInfo or fileContent)
// after checking that every one is the caller's: NotFound if one does not
// exist, Forbidden if one belongs to someone else.
template<typename Load> auto ownedFiles(CommandContext &ctx, const QList<qint64> &ids, Load load)
{
    using File = typename std::invoke_result_t<Load, qint64>::value_type;
    if (ids.isEmpty())
        fail(ErrorCode::InvalidInput, QStringLiteral("ids"), AttachedFiles::tr("Select at least one file."));
    QList<File> files;
    QList<qint64> seen;
    for (qint64 id : ids) {
        if (seen.contains(id))
            continue;
        seen.append(id);
        const std::optional<File> file = load(id);
        if (!file)
            fail(ErrorCode::NotFound, QStringLiteral("ids"),
                 AttachedFiles::tr("File %1 does not exist.").arg(id));
        files.append(*file);
    }
    for (const File &file : files) {
        if (file.userId != ctx.actorId())
            fail(ErrorCode::Forbidden, QStringLiteral("ids"),
                 AttachedFiles::tr("Only the owner of a file may do this."));
    }
    return files;
}

QList<AttachedFileInfo> ownedInfos(CommandContext &ctx, const QList<qint64> &ids)
{
    const AttachedFileStore store(ctx.db());
    return ownedFiles(ctx, ids, [&](qint64 id) { return store.fileInfo(id); });
}

QList<StoredFileContent> ownedContents(CommandContext &ctx, const QList<qint64> &ids)
{
    const AttachedFileStore store(ctx.db());
    return ownedFiles(ctx, ids, [&](qint64 id) { return store.fileContent(id); });
}

QByteArray verifiedContent(const StoredFileContent &file)
{
    if (sha256Hex(file.content) != file.sha256)
        fail(ErrorCode::Internal, QStringLiteral("content"),
             AttachedFiles::tr("The stored file '%1' is damaged: its content no longer matches its checksum.")
                 .arg(file.fileName));
    return file.content;
}

bool isReservedDeviceName(const QString &name)
{
    // Windows refuses these as a file's base name, whatever the extension.
    static const QRegularExpression reserved(QStringLiteral("^(CON|PRN|AUX|NUL|COM[1-9]|LPT[1-9])$"),
                                             QRegularExpression::CaseInsensitiveOption);
    const int dot = name.indexOf(QLatin1Char('.'));
    QString base = dot < 0 ? name : name.left(dot);
    while (base.endsWith(QLatin1Char(' ')))
        base.chop(1);
    return reserved.match(base).hasMatch();
}

QString stripDotsAndSpaces(QString name, bool leading, bool trailing)
{
    const auto isStripped = [](QChar c) { return c == QLatin1Char('.') || c == QLatin1Char(' '); };
    if (leading) {
        int start = 0;
        while (start < name.size() && isStripped(name.at(start)))
            ++start;
        name = name.mid(start);
    }
    if (trailing) {
        while (!name.isEmpty() && isStripped(name.back()))
            name.chop(1);
    }
    return name;
}

} // namespace

AttachedFiles::AttachedFiles(Core &core)
    : m_core(core)
{
}

QList<FileType> AttachedFiles::fileTypes()
{
    QList<FileType> types;
    for (const TypeEntry &entry : s_types)
        types.append({ QString::fromLatin1(entry.code), tr(entry.label) });
    return types;
}

QString AttachedFiles::fileTypeLabel(const QString &code)
{
    for (const TypeEntry &entry : s_types) {
        if (code == QLatin1String(entry.code))
            return tr(entry.label);
    }
    return code;
}

CommandResult AttachedFiles::checkSize(qint64 bytes)
{
    if (bytes <= 0)
        return CommandResult::failure(ErrorCode::InvalidInput, QStringLiteral("content"),
                                      tr("The file is empty: choose a file with content."));
    if (bytes > MaxSize)
        return CommandResult::failure(
            ErrorCode::TooLarge, QStringLiteral("content"),
            tr("The file is too large: %1 MB at most.").arg(MaxSize / (1024 * 1024)));
    return CommandResult::success();
}

QString AttachedFiles::sanitizeFileName(const QString &name)
{
    // Only the last path component, whichever separator the sender's system used.
    QString result = name;
    const int slash = std::max(result.lastIndexOf(QLatin1Char('/')), result.lastIndexOf(QLatin1Char('\\')));
    if (slash >= 0)
        result = result.mid(slash + 1);

    static const QString invalid = QStringLiteral("<>:\"/\\|?*");
    QString kept;
    kept.reserve(result.size());
    for (QChar c : std::as_const(result)) {
        if (c.unicode() < 0x20 || c.unicode() == 0x7f || c.category() == QChar::Other_Control
            || c.category() == QChar::Other_Format || invalid.contains(c))
            continue;
        kept.append(c);
    }
    result = stripDotsAndSpaces(kept, true, true);

    // Linux counts a name's length in UTF-8 bytes (255 at most), Windows in characters.
    const auto fits
        = [](const QString &n) { return n.size() <= MaxFileNameLength && n.toUtf8().size() <= 240; };
    if (!fits(result)) {
        const int dot = result.lastIndexOf(QLatin1Char('.'));
        // An extension is kept only when it looks like one.
        const QString extension = dot > 0 && result.size() - dot <= 16 ? result.mid(dot) : QString();
        QString base = result.left(MaxFileNameLength - extension.size());
        while (!base.isEmpty() && (!fits(base + extension) || base.back().isHighSurrogate()))
            base.chop(1);
        result = stripDotsAndSpaces(base, false, true) + extension;
    }
    if (result.isEmpty())
        return QStringLiteral("file");
    if (isReservedDeviceName(result))
        result.prepend(QLatin1Char('_'));
    return result;
}

CommandResult AttachedFiles::addFile(qint64 actorId, const NewFile &file)
{
    return m_core.run(QStringLiteral("addAttachedFile"), actorId, [&](CommandContext &ctx) {
        // Name every empty required field at once, so the form is fixed in one go.
        QStringList missing;
        QString firstMissing;
        const auto require = [&](bool empty, const QString &field, const QString &label) {
            if (!empty)
                return;
            if (firstMissing.isEmpty())
                firstMissing = field;
            missing << label;
        };
        require(file.designation.trimmed().isEmpty(), QStringLiteral("designation"), tr("designation"));
        require(file.fileType.isEmpty(), QStringLiteral("fileType"), tr("file type"));
        require(file.content.isEmpty(), QStringLiteral("content"), tr("file"));
        if (missing.size() > 1)
            fail(ErrorCode::InvalidInput, firstMissing,
                 tr("Required fields are missing: %1.").arg(missing.join(QStringLiteral(", "))));
        const QString designation = checkedDesignation(file.designation);
        checkType(file.fileType);
        checkContent(file.content);
        const QString fileName = sanitizeFileName(file.fileName);
        const QString hash = sha256Hex(file.content);
        const qint64 now = ctx.clock().nowMs();
        const qint64 id = AttachedFileStore(ctx.db()).insertFile(
            ctx.actorId(), designation, file.fileType, fileName, file.content, hash, now, ctx.version());
        AuditRecord added(AuditAction::FileAdded, ctx.actorId());
        added.name = designation;
        added.code = file.fileType;
        added.fileName = fileName;
        added.size = file.content.size();
        ctx.audit(kEntity, id, 0, added);
        ctx.result = CommandResult::success(id);
    });
}

CommandResult AttachedFiles::updateFile(qint64 actorId, qint64 fileId, const QString &designation,
                                        const QString &fileType, const std::optional<NewContent> &content)
{
    return m_core.run(QStringLiteral("updateAttachedFile"), actorId, [&](CommandContext &ctx) {
        ownedInfos(ctx, { fileId });
        AttachedFileStore store(ctx.db());
        const QString cleanDesignation = checkedDesignation(designation);
        checkType(fileType);
        const qint64 now = ctx.clock().nowMs();
        AuditRecord updated(AuditAction::FileUpdated, ctx.actorId());
        updated.name = cleanDesignation;
        updated.code = fileType;
        if (content) {
            checkContent(content->content);
            const QString fileName = sanitizeFileName(content->fileName);
            const QString hash = sha256Hex(content->content);
            store.updateDescriptionAndContent(fileId, cleanDesignation, fileType, fileName, content->content,
                                              hash, now, ctx.version());
            updated.fileName = fileName;
            updated.size = content->content.size();
        } else {
            store.updateDescription(fileId, cleanDesignation, fileType, now, ctx.version());
        }
        ctx.audit(kEntity, fileId, 0, updated);
        ctx.result = CommandResult::success(fileId);
    });
}

CommandResult AttachedFiles::deleteFiles(qint64 actorId, const QList<qint64> &ids)
{
    return m_core.run(QStringLiteral("deleteAttachedFiles"), actorId, [&](CommandContext &ctx) {
        const QList<AttachedFileInfo> files = ownedInfos(ctx, ids);
        AttachedFileStore store(ctx.db());
        for (const AttachedFileInfo &file : files) {
            store.deleteFile(file.id);
            ctx.tombstone(kTable, file.id, file.userId, 0);
            AuditRecord deleted(AuditAction::FileDeleted, file.userId);
            deleted.name = file.designation;
            deleted.fileName = file.fileName;
            ctx.audit(kEntity, file.id, 0, deleted);
        }
        ctx.result = CommandResult::success(0, { { QStringLiteral("deleted"), files.size() } });
    });
}

CommandResult AttachedFiles::fileContent(qint64 actorId, qint64 fileId, QByteArray *content)
{
    return m_core.run(QStringLiteral("readAttachedFile"), actorId, [&](CommandContext &ctx) {
        const QByteArray bytes = verifiedContent(ownedContents(ctx, { fileId }).first());
        if (content)
            *content = bytes;
        ctx.result = CommandResult::success(fileId);
    });
}

CommandResult AttachedFiles::exportFiles(qint64 actorId, const QList<qint64> &ids, const QString &folderPath)
{
    return m_core.run(QStringLiteral("exportAttachedFiles"), actorId, [&](CommandContext &ctx) {
        const QList<StoredFileContent> files = ownedContents(ctx, ids);
        const QFileInfo folderInfo(folderPath);
        if (folderPath.isEmpty() || !folderInfo.isDir())
            fail(ErrorCode::InvalidInput, QStringLiteral("folder"),
                 tr("The folder '%1' does not exist.").arg(folderPath));
        QList<QByteArray> contents;
        for (const StoredFileContent &file : files)
            contents.append(verifiedContent(file));

        const QDir folder(folderPath);
        QStringList written;
        QString error;
        for (int i = 0; i < files.size() && error.isEmpty(); ++i) {
            const QString name = sanitizeFileName(files.at(i).fileName);
            const QFileInfo nameInfo(name);
            const QString base = nameInfo.completeBaseName().isEmpty() ? name : nameInfo.completeBaseName();
            const QString suffix = nameInfo.completeBaseName().isEmpty() || nameInfo.suffix().isEmpty()
                ? QString()
                : QLatin1Char('.') + nameInfo.suffix();
            bool done = false;
            for (int n = 1; n <= kMaxSameName && !done && error.isEmpty(); ++n) {
                const QString candidate
                    = n == 1 ? name : QStringLiteral("%1 (%2)%3").arg(base).arg(n).arg(suffix);
                QFile file(folder.filePath(candidate));
                // NewOnly: an existing file is never overwritten, even one created meanwhile.
                if (!file.open(QIODevice::WriteOnly | QIODevice::NewOnly)) {
                    if (file.exists())
                        continue;
                    error = tr("Cannot write '%1': %2").arg(file.fileName(), file.errorString());
                    break;
                }
                written.append(file.fileName());
                const QByteArray &bytes = contents.at(i);
                if (file.write(bytes) != bytes.size() || !file.flush())
                    error = tr("Cannot write '%1': %2").arg(file.fileName(), file.errorString());
                done = true;
            }
            if (!done && error.isEmpty())
                error = tr("Cannot find a free name for '%1' in the folder.").arg(name);
        }
        if (!error.isEmpty()) {
            // All or nothing: remove what this export wrote.
            for (const QString &path : std::as_const(written))
                QFile::remove(path);
            fail(ErrorCode::Internal, QStringLiteral("folder"), error);
        }
        ctx.result = CommandResult::success(0, { { QStringLiteral("paths"), written } });
    });
}

QList<AttachedFileInfo> AttachedFiles::listFiles(qint64 userId) const
{
    return AttachedFileStore(m_core.db()).filesOf(userId);
}

std::optional<AttachedFileInfo> AttachedFiles::fileInfo(qint64 fileId) const
{
    return AttachedFileStore(m_core.db()).fileInfo(fileId);
}

std::optional<QList<AttachedFileInfo>> AttachedFiles::listFilesForSupport(qint64 actorId, qint64 userId) const
{
    const auto actor = m_core.loadActor(actorId);
    if (!actor || !actor->support || !actor->active)
        return std::nullopt;
    return listFiles(userId);
}

} // namespace guichet
