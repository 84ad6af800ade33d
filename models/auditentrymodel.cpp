#include "models/auditentrymodel.h"

#include <QLocale>

namespace guichet {

AuditEntryModel::AuditEntryModel(Core &core, QObject *parent)
    : RecordTableModel(parent)
    , m_core(core)
{
    setColumns({
        { QStringLiteral("at"), tr("When"),
          [](const QVariantMap &r) {
              return QLocale().toString(r.value(QStringLiteral("at")).toDateTime().toLocalTime(),
                                        QLocale::ShortFormat);
          },
          ColumnKind::Date },
        { QStringLiteral("actorEmail"), tr("Who"), {}, ColumnKind::Email },
        { QStringLiteral("command"), tr("Action") },
        { QStringLiteral("details"), tr("What") },
        { QStringLiteral("comment"), tr("Comment") },
    });
}

void AuditEntryModel::setFilter(const AuditFilter &filter)
{
    m_filter = filter;
    reload();
}

void AuditEntryModel::reload()
{
    QList<QVariantMap> records;
    if (m_filter.structureId) {
        const QList<AuditEntry> entries = AuditLog(m_core).query(m_filter);
        for (auto it = entries.crbegin(); it != entries.crend(); ++it) {
            records.append({ { QStringLiteral("id"), it->id },
                             { QStringLiteral("at"), it->at },
                             { QStringLiteral("actorEmail"), it->actorEmail },
                             { QStringLiteral("command"), it->command },
                             { QStringLiteral("entity"), it->entity },
                             { QStringLiteral("details"), it->details },
                             { QStringLiteral("comment"), it->comment } });
        }
    }
    setRecords(records);
}

} // namespace guichet
