#include "rules/audit/auditlog.h"

#include "kernel/core.h"
#include "kernel/csv.h"
#include "rules/audit/auditrenderer.h"
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

QList<RenderedAuditEntry> AuditLog::rendered(const AuditFilter &filter, const MailText *mailText) const
{
    const AuditStore store(m_core.db());
    const QList<AuditEntry> entries = store.entries(filter);
    const AuditNames names = store.names(AuditRenderer::nameIds(entries));
    const AuditRenderer renderer = mailText ? AuditRenderer(*mailText) : AuditRenderer();
    QList<RenderedAuditEntry> result;
    result.reserve(entries.size());
    for (const AuditEntry &entry : entries) {
        RenderedAuditEntry r;
        r.entry = entry;
        r.actorName = renderer.actorLabel(entry, names);
        r.structureName = entry.structureId ? names.structures.value(entry.structureId) : QString();
        r.kind = entry.record.action == AuditAction::Unknown
            ? QString()
            : renderer.familyLabel(audit::familyOf(entry.record.action));
        r.sentence = renderer.sentence(entry, names);
        result.append(r);
    }
    return result;
}

QList<std::pair<qint64, QString>> AuditLog::people(const QList<qint64> &structureIds) const
{
    const AuditStore store(m_core.db());
    const AuditRenderer renderer;
    AuditNames names;
    QList<std::pair<qint64, QString>> people;
    for (const auto &[id, person] : store.people(structureIds)) {
        names.people.insert(id, person);
        people.append({ id, renderer.person(id, names) });
    }
    return people;
}

QStringList AuditLog::columnTitles()
{
    return { tr("When"), tr("Who"), tr("Structure"), tr("Kind of action"), tr("What happened") };
}

QStringList AuditLog::toFields(const RenderedAuditEntry &entry)
{
    return { QLocale().toString(entry.entry.at.toLocalTime(), QStringLiteral("yyyy-MM-dd HH:mm")),
             entry.actorName, entry.structureName, entry.kind, entry.sentence };
}

bool AuditLog::exportCsv(const AuditFilter &filter, QIODevice &device, QChar separator,
                         bool byteOrderMark) const
{
    CsvWriter writer(device, { separator, byteOrderMark });
    if (!writer.writeRow(columnTitles()))
        return false;
    const QList<RenderedAuditEntry> entries = rendered(filter);
    for (const RenderedAuditEntry &entry : entries) {
        if (!writer.writeRow(toFields(entry)))
            return false;
    }
    return true;
}

} // namespace guichet
