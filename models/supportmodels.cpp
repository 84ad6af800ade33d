#include "models/supportmodels.h"

#include "kernel/core.h"
#include "kernel/structureidentifier.h"
#include "rules/structures/structures.h"

#include <QHash>
#include <QLocale>

namespace guichet {

namespace {
QString shortDateTime(const QDateTime &at)
{
    return at.isValid() ? QLocale().toString(at.toLocalTime(), QLocale::ShortFormat) : QString();
}
} // namespace

SupportUserModel::SupportUserModel(Core &core, qint64 supportId, QObject *parent)
    : RecordListModel<SupportUserRow>(parent)
    , m_core(core)
    , m_supportId(supportId)
{
    setColumns({
        { tr("Name"), [](const SupportUserRow &r) { return r.lastName; },
          [](const SupportUserRow &r) {
              return QStringLiteral("%1 %2").arg(r.lastName.toUpper(), r.firstName);
          } },
        { ColumnKind::Email, tr("E-mail"), [](const SupportUserRow &r) { return r.email; }, {} },
        { ColumnKind::Status, tr("Status"), [](const SupportUserRow &r) { return r.active; },
          [](const SupportUserRow &r) {
              return r.active ? tr("Active") : r.pending ? tr("Waiting for activation") : tr("Deactivated");
          } },
        { ColumnKind::Date, tr("Deactivated since"), [](const SupportUserRow &r) { return r.deactivatedAt; },
          [](const SupportUserRow &r) { return shortDateTime(r.deactivatedAt); } },
        { tr("Structures"), [](const SupportUserRow &r) { return r.structures; },
          [](const SupportUserRow &r) { return r.structures.join(QStringLiteral("; ")); } },
    });
}

void SupportUserModel::setCriteria(const SupportUserCriteria &criteria)
{
    m_criteria = criteria;
    reload();
}

void SupportUserModel::reload()
{
    QList<SupportUserRow> users;
    m_result = Support(m_core).searchUsers(m_supportId, m_criteria, users);
    setRecords(users);
}

SupportStructureModel::SupportStructureModel(Core &core, qint64 supportId, QObject *parent)
    : RecordListModel<SupportStructure>(parent)
    , m_core(core)
    , m_supportId(supportId)
{
    setColumns({
        { tr("Raison sociale"), [](const SupportStructure &r) { return r.raisonSociale; }, {} },
        { ColumnKind::Identifier, tr("Identifier"), [](const SupportStructure &r) { return r.siret; }, {} },
        { ColumnKind::Identifier, tr("Type"), [](const SupportStructure &r) { return r.identifierType; },
          [](const SupportStructure &r) { return StructureIdentifier::shortLabelOfCode(r.identifierType); } },
        { ColumnKind::Status, tr("Principal manager"),
          [](const SupportStructure &r) { return r.withoutPrincipal; },
          [](const SupportStructure &r) {
              if (!r.withoutPrincipal)
                  return tr("Active");
              return r.formerPrincipal.isEmpty() ? tr("None") : tr("Deactivated: %1").arg(r.formerPrincipal);
          } },
    });
}

void SupportStructureModel::setSearch(const QString &text)
{
    m_text = text.trimmed();
    reload();
}

void SupportStructureModel::reload()
{
    QList<OrphanStructure> orphans;
    m_result = Support(m_core).structuresWithoutPrincipal(m_supportId, orphans);
    QHash<qint64, QString> formerPrincipals;
    QList<SupportStructure> records;
    for (const OrphanStructure &o : std::as_const(orphans)) {
        formerPrincipals.insert(o.id, o.formerPrincipal);
        records.append({ o.id, o.siret, o.identifierType, o.raisonSociale, true, o.formerPrincipal });
    }
    if (!m_result.ok() || m_text.isEmpty()) {
        setRecords(records);
        return;
    }
    // A SIRET is all digits (spaces allowed); anything else is a raison sociale.
    QString digits = m_text;
    digits.remove(QLatin1Char(' '));
    StructureCriteria criteria;
    bool isNumber = !digits.isEmpty();
    for (const QChar c : digits)
        isNumber = isNumber && c.isDigit();
    if (isNumber)
        criteria.siret = digits;
    else
        criteria.raisonSociale = m_text;
    records.clear();
    for (const StructureRow &row : Structures(m_core).search(criteria, 0, SearchLimit))
        records.append({ row.id, row.siret, row.identifierType, row.raisonSociale,
                         formerPrincipals.contains(row.id), formerPrincipals.value(row.id) });
    setRecords(records);
}

SolicitationQueueModel::SolicitationQueueModel(Core &core, qint64 supportId, QObject *parent)
    : RecordListModel<SolicitationInfo>(parent)
    , m_core(core)
    , m_supportId(supportId)
{
    setColumns({
        { ColumnKind::Date, tr("Last activity"), [](const SolicitationInfo &r) { return r.updatedAt; },
          [](const SolicitationInfo &r) { return shortDateTime(r.updatedAt); } },
        { ColumnKind::Status, tr("State"), [](const SolicitationInfo &r) { return r.statusLabel; }, {} },
        { ColumnKind::Role, tr("Category"), [](const SolicitationInfo &r) { return r.categoryLabel; }, {} },
        { tr("Subject"), [](const SolicitationInfo &r) { return r.subject; }, {} },
        { ColumnKind::Email, tr("From"), [](const SolicitationInfo &r) { return r.email; }, {} },
    });
}

void SolicitationQueueModel::setStatusFilter(const QString &status)
{
    m_status = status;
    reload();
}

void SolicitationQueueModel::reload()
{
    setRecords(
        Solicitations(m_core).listForSupport(m_supportId, m_status).value_or(QList<SolicitationInfo>()));
}

} // namespace guichet
