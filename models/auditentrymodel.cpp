#include "models/auditentrymodel.h"

#include <QLocale>

namespace guichet {

AuditEntryModel::AuditEntryModel(Core &core, bool withStructure, QObject *parent)
    : RecordListModel<RenderedAuditEntry>(parent)
    , m_core(core)
{
    QList<Column> columns {
        { ColumnKind::Date, tr("When"), [](const RenderedAuditEntry &r) { return QVariant(r.entry.at); },
          [](const RenderedAuditEntry &r) {
              return QLocale().toString(r.entry.at.toLocalTime(), QLocale::ShortFormat);
          } },
        { tr("Who"), [](const RenderedAuditEntry &r) { return QVariant(r.actorName); } },
    };
    if (withStructure)
        columns.append(
            { tr("Structure"), [](const RenderedAuditEntry &r) { return QVariant(r.structureName); } });
    columns.append({ tr("What happened"), [](const RenderedAuditEntry &r) { return QVariant(r.sentence); } });
    setColumns(columns);
}

void AuditEntryModel::setFilter(const AuditFilter &filter, bool enabled)
{
    m_filter = filter;
    m_enabled = enabled;
    reload();
}

void AuditEntryModel::reload()
{
    setRecords(m_enabled ? AuditLog(m_core).rendered(m_filter) : QList<RenderedAuditEntry>());
}

} // namespace guichet
