#pragma once

#include "models/recordtablemodel.h"
#include "rules/audit/auditlog.h"

namespace guichet {

class Core;

// « Historique »: a structure's audit entries (who, what, when, comment),
// filtered by text and dates (AuditLog::query), newest first.
class AuditEntryModel : public RecordTableModel
{
    Q_OBJECT

public:
    explicit AuditEntryModel(Core &core, QObject *parent = nullptr);

    // structureId 0 lists nothing (the audit log is read per structure here).
    void setFilter(const AuditFilter &filter);
    const AuditFilter &filter() const { return m_filter; }
    void reload() override;

private:
    Core &m_core;
    AuditFilter m_filter;
};

} // namespace guichet
