#pragma once

#include "models/recordtablemodel.h"
#include "rules/audit/auditlog.h"

namespace guichet {

class Core;

inline qint64 recordIdOf(const RenderedAuditEntry &record)
{
    return record.entry.id;
}

// « Historique » and support's « Journal »: audit entries as sentences in the
// UI's language (AuditLog::rendered), newest first: when, who, the structure
// (when the history spans several), the kind of action and what happened.
class AuditEntryModel : public RecordListModel<RenderedAuditEntry>
{
    Q_OBJECT

public:
    // withStructure: a column naming each entry's structure.
    explicit AuditEntryModel(Core &core, bool withStructure, QObject *parent = nullptr);

    // `enabled` false lists nothing (a manager who chose no structure).
    void setFilter(const AuditFilter &filter, bool enabled = true);
    const AuditFilter &filter() const { return m_filter; }
    void reload() override;

private:
    Core &m_core;
    AuditFilter m_filter;
    bool m_enabled = false;
};

} // namespace guichet
