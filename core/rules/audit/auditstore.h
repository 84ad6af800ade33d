#pragma once

#include "rules/audit/auditlog.h"

#include <QHash>
#include <QList>
#include <QSet>

namespace guichet {

class Database;

// The names an audit sentence shows, read at once for a page of entries.
struct AuditNames
{
    struct Person
    {
        QString firstName;
        QString lastName;
    };
    struct Space
    {
        QString code;
        QString name; // as stored (French)
    };
    QHash<qint64, Person> people;
    QHash<qint64, QString> structures; // raison sociale
    QHash<qint64, Space> spaces;
    QHash<qint64, QString> services;
};

// The ids whose names a page of entries needs.
struct AuditNameIds
{
    QSet<qint64> people;
    QSet<qint64> structures;
    QSet<qint64> spaces;
    QSet<qint64> services;
};

// Every SQL statement of the audit log's read side (auditlog.cpp) lives here:
// the reads of audit_log and of the names its sentences show. The row each
// command appends is the kernel's (CommandContext::audit), so it is not here.
class AuditStore
{
public:
    explicit AuditStore(const Database &db);

    // The entries matching filter with their actor's e-mail, newest first.
    QList<AuditEntry> entries(const AuditFilter &filter) const;
    // The names of ids, in one statement.
    AuditNames names(const AuditNameIds &ids) const;
    // The people in the entries of some structures (none: all), as in AuditLog::people.
    QList<std::pair<qint64, AuditNames::Person>> people(const QList<qint64> &structureIds) const;

private:
    const Database &m_db;
};

} // namespace guichet
