#include "models/subscriptionmodel.h"

#include "rules/spaces/subscriptions.h"

namespace guichet {

SubscriptionModel::SubscriptionModel(Core &core, qint64 userId, QObject *parent)
    : RecordTableModel(parent)
    , m_core(core)
    , m_userId(userId)
{
    setCheckable(true);
    const auto key = [](const char *name) { return QString::fromLatin1(name); };
    setColumns({
        { key("raisonSociale"), tr("Structure"),
          [](const QVariantMap &r) {
              return QStringLiteral("%1 (%2)").arg(r.value(QStringLiteral("raisonSociale")).toString(),
                                                   r.value(QStringLiteral("siret")).toString());
          } },
        { key("spaceName"), tr("Space") },
        { key("serviceName"), tr("Service") },
        { key("mode"), tr("Mode"),
          [](const QVariantMap &r) { return modeLabel(r.value(QStringLiteral("mode")).toString()); } },
        { key("effectiveDate"), tr("Effective date") },
        { key("comment"), tr("Comment") },
        { key("statusLabel"), tr("Status") },
    });
    reload();
}

void SubscriptionModel::reload()
{
    setRecords(m_userId ? Subscriptions(m_core).userSubscriptions(m_userId) : QList<QVariantMap>());
}

QString SubscriptionModel::modeLabel(const QString &mode)
{
    if (mode == QLatin1String("modification"))
        return tr("Modification");
    if (mode == QLatin1String("consultation"))
        return tr("Consultation");
    return mode;
}

} // namespace guichet
