#pragma once

#include "rules/audit/auditlog.h"

#include <QList>

namespace guichet {

class Database;

// Every SQL statement of the audit log's read side (auditlog.cpp) lives here:
// the reads of audit_log. The row each command appends is the kernel's
// (CommandContext::audit), so it is not here.
class AuditStore
{
public:
    explicit AuditStore(const Database &db);

    // The entries matching filter with their actor's e-mail, by time then id.
    QList<AuditEntry> entries(const AuditFilter &filter) const;

private:
    const Database &m_db;
};

} // namespace guichet
