#include "models/structureusermodel.h"

#include "models/attachmentmodel.h"
#include "rules/manager/manageractivity.h"

#include <QDate>
#include <QLocale>

namespace guichet {

namespace {
QString dateText(const QVariant &value)
{
    const QDate date = value.toDate();
    return date.isValid() ? QLocale().toString(date, QLocale::ShortFormat) : QString();
}
} // namespace

StructureUserModel::StructureUserModel(Core &core, QObject *parent)
    : RecordTableModel(parent)
    , m_core(core)
{
    setColumns({
        { QStringLiteral("lastName"), tr("User"),
          [](const QVariantMap &r) {
              return QStringLiteral("%1 %2").arg(r.value(QStringLiteral("firstName")).toString(),
                                                 r.value(QStringLiteral("lastName")).toString().toUpper());
          } },
        { QStringLiteral("email"), tr("E-mail") },
        { QStringLiteral("role"), tr("Role"),
          [](const QVariantMap &r) {
              return AttachmentModel::roleLabel(r.value(QStringLiteral("role")).toString());
          } },
        { QStringLiteral("statusLabel"), tr("Status"),
          [](const QVariantMap &r) {
              return r.value(QStringLiteral("ended")).toBool()
                  ? tr("Ended")
                  : r.value(QStringLiteral("statusLabel")).toString();
          } },
        { QStringLiteral("validFrom"), tr("Validity"),
          [](const QVariantMap &r) {
              const QString from = dateText(r.value(QStringLiteral("validFrom")));
              const QString until = dateText(r.value(QStringLiteral("validUntil")));
              return until.isEmpty() ? tr("from %1").arg(from) : tr("%1 – %2").arg(from, until);
          } },
        { QStringLiteral("services"), tr("Services"),
          [](const QVariantMap &r) {
              return r.value(QStringLiteral("services")).toStringList().join(QStringLiteral(", "));
          } },
        { QStringLiteral("subscriptions"), tr("Subscriptions") },
    });
}

void StructureUserModel::setStructureId(qint64 structureId)
{
    m_structureId = structureId;
    reload();
}

void StructureUserModel::reload()
{
    setRecords(m_structureId ? ManagerActivity(m_core).structureUsers(m_structureId) : QList<QVariantMap>());
}

} // namespace guichet
