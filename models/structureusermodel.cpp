#include "models/structureusermodel.h"

#include "models/attachmentmodel.h"
#include "rules/manager/manageractivity.h"

#include <QDate>
#include <QLocale>

namespace guichet {

namespace {
QString dateText(QDate date)
{
    return date.isValid() ? QLocale().toString(date, QLocale::ShortFormat) : QString();
}
} // namespace

StructureUserModel::StructureUserModel(Core &core, QObject *parent)
    : RecordListModel<StructureUser>(parent)
    , m_core(core)
{
    setColumns({
        { tr("User"), [](const StructureUser &r) { return r.lastName; },
          [](const StructureUser &r) {
              return QStringLiteral("%1 %2").arg(r.firstName, r.lastName.toUpper());
          } },
        { ColumnKind::Email, tr("E-mail"), [](const StructureUser &r) { return r.email; }, {} },
        { ColumnKind::Role, tr("Role"), [](const StructureUser &r) { return roleToString(r.role); },
          [](const StructureUser &r) { return AttachmentModel::roleLabel(roleToString(r.role)); } },
        { ColumnKind::Status, tr("Status"), [](const StructureUser &r) { return r.statusLabel; },
          [](const StructureUser &r) { return r.ended ? tr("Ended") : r.statusLabel; } },
        { ColumnKind::Date, tr("Validity"), [](const StructureUser &r) { return r.validFrom; },
          [](const StructureUser &r) {
              const QString from = dateText(r.validFrom);
              const QString until = dateText(r.validUntil);
              return until.isEmpty() ? tr("from %1").arg(from) : tr("%1 – %2").arg(from, until);
          } },
        { tr("Services"), [](const StructureUser &r) { return r.services; },
          [](const StructureUser &r) { return r.services.join(QStringLiteral(", ")); } },
        { tr("Subscriptions"), [](const StructureUser &r) { return r.subscriptions; }, {} },
    });
}

void StructureUserModel::setStructureId(qint64 structureId)
{
    m_structureId = structureId;
    reload();
}

void StructureUserModel::reload()
{
    setRecords(m_structureId ? ManagerActivity(m_core).structureUsers(m_structureId)
                             : QList<StructureUser>());
}

} // namespace guichet
