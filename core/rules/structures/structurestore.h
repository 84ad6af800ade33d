#pragma once

#include "kernel/auditrecord.h"
#include "kernel/database.h"
#include "rules/structures/structures.h"

#include <QHash>
#include <QList>
#include <QString>
#include <QStringList>

#include <optional>
#include <utility>

namespace guichet {

// The SQL of the structures feature: it owns the tables structures,
// structures_search (the folded copy the search reads), structure_bank_details
// and services. Every
// statement of the feature lives here, and every write to those tables goes
// through here, so that a column or an index is changed in one file. The
// rules (structures.cpp, structureimport.cpp and the other features) decide;
// this class only reads and writes. Internal to core/rules.
class StructureStore
{
public:
    // const: Database's statements are const, and the permission checks that
    // read here are given a const Database.
    explicit StructureStore(const Database &db);

    bool exists(qint64 structureId) const;
    std::optional<StructureRow> structure(qint64 structureId) const;
    std::optional<StructureRow> structureBySiret(const QString &siret) const;
    // The raison sociale, or an empty string for an unknown structure.
    QString raisonSociale(qint64 structureId) const;
    bool secondaryPowers(qint64 structureId) const;
    // Whether another structure than exceptId (0: none) has this SIRET.
    bool siretTaken(const QString &siret, qint64 exceptId = 0) const;
    // The SIRETs of `sirets` that a structure already has (one statement:
    // callers pass a batch).
    QStringList existingSirets(const QStringList &sirets) const;
    qint64 total() const;
    // In the search's order (sort key, then id).
    QList<StructureRow> all() const;

    // The structure and its search row.
    qint64 insertStructure(const StructureInput &input, qint64 createdAt, qint64 version) const;
    void updateStructure(qint64 structureId, const StructureInput &input, qint64 version) const;
    void setSecondaryPowers(qint64 structureId, bool granted, qint64 version) const;
    // The table structure_bank_details: the stored row, if any.
    std::optional<StructureBank> bankDetails(qint64 structureId) const;
    // Inserts or replaces them (empty strings: removed, the row kept for sync).
    void setBankDetails(qint64 structureId, const StructureBank &bank, qint64 version) const;
    // See insertStructuresBulk (structures.h).
    QHash<QString, qint64> insertStructuresBulk(const QList<StructureInput> &structures, qint64 version,
                                                qint64 createdAt) const;
    // structureimport's audit entries, in multi-row statements. Not the kernel's
    // CommandContext::audit: that writes one row per statement, and an import
    // of 100,000 structures would then spend most of its time there
    // (docs/PERFORMANCE.md). The rows are the ones CommandContext::audit would
    // write for the operator command 'importStructures' (no actor, no comment).
    void insertImportAudit(const QList<std::pair<qint64, AuditRecord>> &entries, qint64 at,
                           qint64 version) const;

    // See Structures::search, searchAfter, count and countBounded: the rows
    // after `after` (when given), skipping `offset` of them.
    QList<StructureRow> search(const StructureCriteria &criteria, const std::optional<StructureCursor> &after,
                               int offset, int limit) const;
    qint64 count(const StructureCriteria &criteria) const;
    StructureCount countBounded(const StructureCriteria &criteria, qint64 bound) const;
    // search() and countBounded() together; on PostgreSQL one statement when
    // both read the trigram index (one bitmap for both).
    StructureSearchPage searchWithCount(const StructureCriteria &criteria,
                                        const std::optional<StructureCursor> &after, int offset, int limit,
                                        qint64 bound) const;
    // See Structures::setSearchPlanScaleForTests.
    static void setPlanScaleForTests(int divisor);

    std::optional<ServiceRow> service(qint64 serviceId) const;
    // Every service of the structure, by code then id.
    QList<ServiceRow> services(qint64 structureId) const;
    // The active services of the structure, by name then id.
    QList<ServiceRow> activeServices(qint64 structureId) const;
    bool serviceCodeTaken(qint64 structureId, const QString &code) const;
    qint64 insertService(qint64 structureId, const QString &code, const QString &name, qint64 version) const;
    void setServiceActive(qint64 serviceId, bool active, qint64 version) const;

private:
    const Database &m_db;
};

} // namespace guichet
