#include "models/subscriptionmodel.h"

#include "kernel/structureidentifier.h"
#include "models/labels.h"

namespace guichet {

SubscriptionModel::SubscriptionModel(Core &core, qint64 userId, QObject *parent)
    : RecordListModel<SubscriptionView>(parent)
    , m_core(core)
    , m_userId(userId)
{
    setCheckable(true);
    setColumns({
        { tr("Structure"), [](const SubscriptionView &r) { return r.raisonSociale; },
          [](const SubscriptionView &r) {
              return QStringLiteral("%1 (%2)").arg(r.raisonSociale,
                                                   StructureIdentifier::display(r.identifierType, r.siret));
          } },
        { tr("Space"), [](const SubscriptionView &r) { return labels::space(r.spaceCode, r.spaceName); } },
        { tr("Service"), [](const SubscriptionView &r) { return r.serviceName; } },
        { ColumnKind::Role, tr("Mode"), [](const SubscriptionView &r) { return r.mode; },
          [](const SubscriptionView &r) { return labels::mode(r.mode); } },
        { ColumnKind::Date, tr("Effective date"), [](const SubscriptionView &r) { return r.effectiveDate; } },
        { tr("Comment"),
          [](const SubscriptionView &r) { return labels::subscriptionComment(r.comment, r.commentCode); } },
        { ColumnKind::Status, tr("Status"),
          [](const SubscriptionView &r) {
              // A removal asked for shows so while the row is still validated.
              return labels::subscriptionStatus(
                  r.removalRequested() ? QString::fromLatin1(removalRequestedStatus) : r.status);
          } },
    });
    reload();
}

void SubscriptionModel::reload()
{
    setRecords(m_userId ? Subscriptions(m_core).userSubscriptions(m_userId) : QList<SubscriptionView>());
}

} // namespace guichet
