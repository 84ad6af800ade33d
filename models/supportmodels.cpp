#include "models/supportmodels.h"

#include "kernel/core.h"
#include "rules/structures/structures.h"
#include "rules/support/solicitations.h"

#include <QHash>
#include <QLocale>

namespace guichet {

namespace {
QString shortDateTime(const QVariant &value)
{
    const QDateTime at = value.toDateTime();
    return at.isValid() ? QLocale().toString(at.toLocalTime(), QLocale::ShortFormat) : QString();
}
} // namespace

SupportUserModel::SupportUserModel(Core &core, qint64 supportId, QObject *parent)
    : RecordTableModel(parent)
    , m_core(core)
    , m_supportId(supportId)
{
    setColumns({
        { QStringLiteral("lastName"), tr("Name"),
          [](const QVariantMap &r) {
              return QStringLiteral("%1 %2").arg(r.value(QStringLiteral("lastName")).toString().toUpper(),
                                                 r.value(QStringLiteral("firstName")).toString());
          } },
        { QStringLiteral("email"), tr("E-mail") },
        { QStringLiteral("active"), tr("Status"),
          [](const QVariantMap &r) {
              return r.value(QStringLiteral("active")).toBool() ? tr("Active") : tr("Deactivated");
          } },
        { QStringLiteral("deactivatedAt"), tr("Deactivated since"),
          [](const QVariantMap &r) { return shortDateTime(r.value(QStringLiteral("deactivatedAt"))); } },
        { QStringLiteral("structures"), tr("Structures"),
          [](const QVariantMap &r) {
              return r.value(QStringLiteral("structures")).toStringList().join(QStringLiteral("; "));
          } },
    });
}

void SupportUserModel::setCriteria(const SupportUserCriteria &criteria)
{
    m_criteria = criteria;
    reload();
}

void SupportUserModel::reload()
{
    QList<QVariantMap> users;
    m_result = Support(m_core).searchUsers(m_supportId, m_criteria, users);
    setRecords(users);
}

SupportStructureModel::SupportStructureModel(Core &core, qint64 supportId, QObject *parent)
    : RecordTableModel(parent)
    , m_core(core)
    , m_supportId(supportId)
{
    setColumns({
        { QStringLiteral("raisonSociale"), tr("Raison sociale") },
        { QStringLiteral("siret"), tr("SIRET") },
        { QStringLiteral("withoutPrincipal"), tr("Principal manager"),
          [](const QVariantMap &r) {
              if (!r.value(QStringLiteral("withoutPrincipal")).toBool())
                  return tr("Active");
              const QString former = r.value(QStringLiteral("formerPrincipal")).toString();
              return former.isEmpty() ? tr("None") : tr("Deactivated: %1").arg(former);
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
    QList<QVariantMap> orphans;
    m_result = Support(m_core).structuresWithoutPrincipal(m_supportId, orphans);
    QHash<qint64, QVariantMap> flagged;
    for (QVariantMap &s : orphans) {
        s.insert(QStringLiteral("withoutPrincipal"), true);
        flagged.insert(s.value(QStringLiteral("id")).toLongLong(), s);
    }
    if (!m_result.ok() || m_text.isEmpty()) {
        setRecords(orphans);
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
    QList<QVariantMap> records;
    for (const StructureRow &row : Structures(m_core).search(criteria, 0, SearchLimit)) {
        QVariantMap r = flagged.value(row.id);
        r.insert(QStringLiteral("id"), row.id);
        r.insert(QStringLiteral("siret"), row.siret);
        r.insert(QStringLiteral("raisonSociale"), row.raisonSociale);
        r.insert(QStringLiteral("withoutPrincipal"), flagged.contains(row.id));
        records.append(r);
    }
    setRecords(records);
}

SolicitationQueueModel::SolicitationQueueModel(Core &core, qint64 supportId, QObject *parent)
    : RecordTableModel(parent)
    , m_core(core)
    , m_supportId(supportId)
{
    setColumns({
        { QStringLiteral("updatedAt"), tr("Last activity"),
          [](const QVariantMap &r) { return shortDateTime(r.value(QStringLiteral("updatedAt"))); } },
        { QStringLiteral("statusLabel"), tr("State") },
        { QStringLiteral("categoryLabel"), tr("Category") },
        { QStringLiteral("subject"), tr("Subject") },
        { QStringLiteral("email"), tr("From") },
    });
}

void SolicitationQueueModel::setStatusFilter(const QString &status)
{
    m_status = status;
    reload();
}

void SolicitationQueueModel::reload()
{
    QList<QVariantMap> records;
    const auto queue = Solicitations(m_core).listForSupport(m_supportId, m_status);
    for (const SolicitationInfo &s : queue.value_or(QList<SolicitationInfo>())) {
        records.append({ { QStringLiteral("id"), s.id },
                         { QStringLiteral("userId"), s.userId },
                         { QStringLiteral("email"), s.email },
                         { QStringLiteral("category"), s.category },
                         { QStringLiteral("categoryLabel"), s.categoryLabel },
                         { QStringLiteral("subject"), s.subject },
                         { QStringLiteral("body"), s.body },
                         { QStringLiteral("status"), s.status },
                         { QStringLiteral("statusLabel"), s.statusLabel },
                         { QStringLiteral("createdAt"), s.createdAt },
                         { QStringLiteral("updatedAt"), s.updatedAt } });
    }
    setRecords(records);
}

SupportAuditModel::SupportAuditModel(Core &core, QObject *parent)
    : AuditEntryModel(core, parent)
    , m_core(core)
{
    setColumns({
        { QStringLiteral("at"), tr("When"),
          [](const QVariantMap &r) { return shortDateTime(r.value(QStringLiteral("at"))); } },
        { QStringLiteral("actorEmail"), tr("Who") },
        { QStringLiteral("structure"), tr("Structure") },
        { QStringLiteral("command"), tr("Action") },
        { QStringLiteral("details"), tr("What") },
        { QStringLiteral("comment"), tr("Comment") },
    });
}

void SupportAuditModel::reload()
{
    QHash<qint64, QString> names;
    for (const QVariantMap &s : m_core.db().rows(QStringLiteral("SELECT id, raison_sociale FROM structures")))
        names.insert(s.value(QStringLiteral("id")).toLongLong(),
                     s.value(QStringLiteral("raison_sociale")).toString());
    QList<QVariantMap> records;
    const QList<AuditEntry> entries = AuditLog(m_core).query(filter());
    for (auto it = entries.crbegin(); it != entries.crend(); ++it) {
        records.append({ { QStringLiteral("id"), it->id },
                         { QStringLiteral("at"), it->at },
                         { QStringLiteral("actorEmail"), it->actorEmail },
                         { QStringLiteral("structureId"), it->structureId },
                         { QStringLiteral("structure"), names.value(it->structureId) },
                         { QStringLiteral("command"), it->command },
                         { QStringLiteral("entity"), it->entity },
                         { QStringLiteral("details"), it->details },
                         { QStringLiteral("comment"), it->comment } });
    }
    setRecords(records);
}

} // namespace guichet
