#include "kernel/backup.h"

#include "kernel/database.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QSaveFile>

namespace guichet {

bool Backup::backupSqlite(const Database &db, const QString &target, QString *error)
{
    if (db.isPostgres()) {
        *error = tr("guichetctl backup copies SQLite databases; for PostgreSQL use pg_dump "
                    "(docs/OPERATIONS.md).");
        return false;
    }
    if (QFileInfo::exists(target)) {
        *error = tr("%1 already exists; choose a new file name.").arg(target);
        return false;
    }
    const QFileInfo info(target);
    if (!QDir().mkpath(info.absolutePath())) {
        *error = tr("Cannot create the folder %1.").arg(info.absolutePath());
        return false;
    }
    try {
        db.exec(QStringLiteral("VACUUM INTO ?"), { info.absoluteFilePath() });
    } catch (const DatabaseError &e) {
        QFile::remove(info.absoluteFilePath());
        *error = tr("The backup failed: %1").arg(e.message());
        return false;
    }
    return true;
}

bool Backup::restoreSqlite(const QString &backupFile, const QString &databasePath, QString *error)
{
    if (!QFileInfo(backupFile).isFile()) {
        *error = tr("The backup file %1 does not exist.").arg(backupFile);
        return false;
    }
    QFile source(backupFile);
    if (!source.open(QIODevice::ReadOnly)) {
        *error = tr("Cannot read %1: %2").arg(backupFile, source.errorString());
        return false;
    }
    // An SQLite file starts with this header; checking it first keeps
    // Database::open from creating an empty database out of a wrong path.
    if (source.peek(16) != QByteArray("SQLite format 3\0", 16)) {
        *error = tr("%1 is not an SQLite database.").arg(backupFile);
        return false;
    }
    {
        QString openError;
        auto backup = Database::open(backupFile, &openError);
        if (!backup) {
            *error = tr("Cannot open %1: %2").arg(backupFile, openError);
            return false;
        }
        try {
            const QString integrity = backup->value(QStringLiteral("PRAGMA integrity_check")).toString();
            if (integrity != QLatin1String("ok")) {
                *error = tr("%1 is damaged: %2").arg(backupFile, integrity);
                return false;
            }
        } catch (const DatabaseError &e) {
            *error = tr("%1 is damaged: %2").arg(backupFile, e.message());
            return false;
        }
        const int version = backup->schemaVersion();
        if (version == 0) {
            *error = tr("%1 is not a Guichet database.").arg(backupFile);
            return false;
        }
        if (version > Database::latestSchemaVersion()) {
            *error = tr("%1 comes from a newer Guichet (schema %2; this one knows up to %3).")
                         .arg(backupFile)
                         .arg(version)
                         .arg(Database::latestSchemaVersion());
            return false;
        }
    }

    QDir().mkpath(QFileInfo(databasePath).absolutePath());
    QSaveFile target(databasePath);
    if (!target.open(QIODevice::WriteOnly)) {
        *error = tr("Cannot write %1: %2").arg(databasePath, target.errorString());
        return false;
    }
    source.seek(0);
    while (!source.atEnd()) {
        const QByteArray chunk = source.read(1 << 20);
        if (chunk.isEmpty() || target.write(chunk) != chunk.size()) {
            target.cancelWriting();
            *error = tr("Cannot write %1: %2").arg(databasePath, target.errorString());
            return false;
        }
    }
    if (!target.commit()) {
        *error = tr("Cannot write %1: %2").arg(databasePath, target.errorString());
        return false;
    }
    // The old database's write-ahead log must not be replayed over the restored file.
    QFile::remove(databasePath + QStringLiteral("-wal"));
    QFile::remove(databasePath + QStringLiteral("-shm"));
    return true;
}

} // namespace guichet
