#include "models/pendingrequestmodels.h"

#include "kernel/core.h"
#include "models/attachmentmodel.h"
#include "rules/attachments/attachments.h"
#include "rules/spaces/subscriptions.h"

#include <QBrush>
#include <QColor>
#include <QDate>
#include <QDateTime>
#include <QLocale>

namespace guichet {

namespace {
QString dateText(const QVariant &value)
{
    const QDate date = value.toDate();
    return date.isValid() ? QLocale().toString(date, QLocale::ShortFormat) : QString();
}

QString requester(const QVariantMap &r)
{
    return QStringLiteral("%1 %2").arg(r.value(QStringLiteral("firstName")).toString(),
                                       r.value(QStringLiteral("lastName")).toString().toUpper());
}

QString waitingText(const QVariantMap &r)
{
    const int days = r.value(QStringLiteral("waitingDays")).toInt();
    const QString text = QCoreApplication::translate("guichet::PendingRequests", "%n day(s)", nullptr, days);
    return r.value(QStringLiteral("overdue")).toBool()
        ? QCoreApplication::translate("guichet::PendingRequests", "%1 — overdue").arg(text)
        : text;
}
} // namespace

QList<QVariantMap> withWaitingDays(QList<QVariantMap> records, const QDate &today, int overdueDays)
{
    for (QVariantMap &r : records) {
        const QDate requested
            = QDateTime::fromMSecsSinceEpoch(r.value(QStringLiteral("requestedAt")).toLongLong(), Qt::UTC)
                  .date();
        const int days = int(requested.daysTo(today));
        r.insert(QStringLiteral("requestedOn"), requested);
        r.insert(QStringLiteral("waitingDays"), days);
        r.insert(QStringLiteral("overdue"), days > overdueDays);
    }
    return records;
}

QVariant overdueData(const QVariantMap &record, int role, int overdueDays)
{
    if (!record.value(QStringLiteral("overdue")).toBool())
        return {};
    if (role == Qt::BackgroundRole)
        return QBrush(QColor(0xff, 0xe8, 0xc4));
    if (role == Qt::ToolTipRole)
        return QCoreApplication::translate("guichet::PendingRequests", "Waiting for more than %n day(s)",
                                           nullptr, overdueDays);
    return {};
}

PendingAttachmentModel::PendingAttachmentModel(Core &core, qint64 managerId, QObject *parent)
    : RecordTableModel(parent)
    , m_core(core)
    , m_managerId(managerId)
{
    setCheckable(true);
    setColumns({
        { QStringLiteral("lastName"), tr("Requester"), requester },
        { QStringLiteral("email"), tr("E-mail") },
        { QStringLiteral("raisonSociale"), tr("Structure") },
        { QStringLiteral("services"), tr("Services"),
          [](const QVariantMap &r) {
              return r.value(QStringLiteral("wholeStructure")).toBool()
                  ? tr("Whole structure")
                  : r.value(QStringLiteral("services")).toStringList().join(QStringLiteral(", "));
          } },
        { QStringLiteral("role"), tr("Role"),
          [](const QVariantMap &r) {
              return AttachmentModel::roleLabel(r.value(QStringLiteral("role")).toString());
          } },
        { QStringLiteral("validFrom"), tr("Validity"),
          [](const QVariantMap &r) {
              const QString from = dateText(r.value(QStringLiteral("validFrom")));
              const QString until = dateText(r.value(QStringLiteral("validUntil")));
              return until.isEmpty() ? tr("from %1").arg(from) : tr("%1 – %2").arg(from, until);
          } },
        { QStringLiteral("requestedOn"), tr("Requested on"),
          [](const QVariantMap &r) { return dateText(r.value(QStringLiteral("requestedOn"))); } },
        { QStringLiteral("waitingDays"), tr("Waiting"), waitingText },
    });
}

void PendingAttachmentModel::setOverdueDays(int days)
{
    m_overdueDays = days;
    reload();
}

void PendingAttachmentModel::reload()
{
    setRecords(withWaitingDays(Attachments(m_core).pendingAttachmentRequests(m_managerId),
                               m_core.clock().today(), m_overdueDays));
}

QVariant PendingAttachmentModel::data(const QModelIndex &index, int role) const
{
    if (index.isValid() && (role == Qt::BackgroundRole || role == Qt::ToolTipRole)) {
        const QVariant flag = overdueData(record(index.row()), role, m_overdueDays);
        if (flag.isValid())
            return flag;
    }
    return RecordTableModel::data(index, role);
}

PendingSubscriptionModel::PendingSubscriptionModel(Core &core, qint64 managerId, QObject *parent)
    : RecordTableModel(parent)
    , m_core(core)
    , m_managerId(managerId)
{
    setCheckable(true);
    setColumns({
        { QStringLiteral("lastName"), tr("Requester"), requester },
        { QStringLiteral("raisonSociale"), tr("Structure") },
        { QStringLiteral("spaceName"), tr("Space") },
        { QStringLiteral("serviceName"), tr("Service") },
        { QStringLiteral("mode"), tr("Mode"),
          [](const QVariantMap &r) { return modeLabel(r.value(QStringLiteral("mode")).toString()); } },
        { QStringLiteral("effectiveDate"), tr("Effective on"),
          [](const QVariantMap &r) { return dateText(r.value(QStringLiteral("effectiveDate"))); } },
        { QStringLiteral("requestedOn"), tr("Requested on"),
          [](const QVariantMap &r) { return dateText(r.value(QStringLiteral("requestedOn"))); } },
        { QStringLiteral("waitingDays"), tr("Waiting"), waitingText },
    });
}

void PendingSubscriptionModel::setOverdueDays(int days)
{
    m_overdueDays = days;
    reload();
}

void PendingSubscriptionModel::reload()
{
    setRecords(withWaitingDays(Subscriptions(m_core).pendingSubscriptionRequests(m_managerId),
                               m_core.clock().today(), m_overdueDays));
}

QVariant PendingSubscriptionModel::data(const QModelIndex &index, int role) const
{
    if (index.isValid() && (role == Qt::BackgroundRole || role == Qt::ToolTipRole)) {
        const QVariant flag = overdueData(record(index.row()), role, m_overdueDays);
        if (flag.isValid())
            return flag;
    }
    return RecordTableModel::data(index, role);
}

QString PendingSubscriptionModel::modeLabel(const QString &mode)
{
    if (mode == QLatin1String("modification"))
        return tr("Modification");
    if (mode == QLatin1String("consultation"))
        return tr("Consultation");
    return mode;
}

} // namespace guichet
