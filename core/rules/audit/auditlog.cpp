#include "rules/audit/auditlog.h"

#include "kernel/core.h"
#include "kernel/csv.h"
#include "rules/audit/auditstore.h"

namespace guichet {

AuditLog::AuditLog(Core &core)
    : m_core(core)
{
}

QList<AuditEntry> AuditLog::query(const AuditFilter &filter) const
{
    return AuditStore(m_core.db()).entries(filter);
}

QStringList AuditLog::columnTitles()
{
    return { tr("Time (UTC)"), tr("Actor"),     tr("Command"), tr("Entity"),
             tr("Entity id"),  tr("Structure"), tr("Details"), tr("Comment") };
}

QStringList AuditLog::toFields(const AuditEntry &entry)
{
    const auto id = [](qint64 value) { return value ? QString::number(value) : QString(); };
    return { entry.at.toUTC().toString(QStringLiteral("yyyy-MM-dd HH:mm:ss")),
             entry.actorEmail,
             entry.command,
             entry.entity,
             id(entry.entityId),
             id(entry.structureId),
             entry.details,
             entry.comment };
}

bool AuditLog::exportCsv(const AuditFilter &filter, QIODevice &device, QChar separator,
                         bool byteOrderMark) const
{
    CsvWriter writer(device, { separator, byteOrderMark });
    if (!writer.writeRow(columnTitles()))
        return false;
    const QList<AuditEntry> entries = query(filter);
    for (const AuditEntry &entry : entries) {
        if (!writer.writeRow(toFields(entry)))
            return false;
    }
    return true;
}

} // namespace guichet
