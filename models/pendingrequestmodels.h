#pragma once

#include "models/recordtablemodel.h"

namespace guichet {

class Core;

// « Demandes en attente »: the attachment requests a manager may decide
// (Attachments::pendingAttachmentRequests), with a checkbox column for
// « Valider » / « Refuser » on the checked rows. Each record gets "waitingDays"
// and "overdue" (waiting more than overdueDays), and overdue rows are flagged.
class PendingAttachmentModel : public RecordTableModel
{
    Q_OBJECT

public:
    PendingAttachmentModel(Core &core, qint64 managerId, QObject *parent = nullptr);

    void setOverdueDays(int days);
    int overdueDays() const { return m_overdueDays; }
    void reload() override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;

private:
    Core &m_core;
    qint64 m_managerId;
    int m_overdueDays = 7;
};

// The subscription requests a manager may decide (Subscriptions::pendingSubscriptionRequests).
class PendingSubscriptionModel : public RecordTableModel
{
    Q_OBJECT

public:
    PendingSubscriptionModel(Core &core, qint64 managerId, QObject *parent = nullptr);

    void setOverdueDays(int days);
    int overdueDays() const { return m_overdueDays; }
    void reload() override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;

    static QString modeLabel(const QString &mode);

private:
    Core &m_core;
    qint64 m_managerId;
    int m_overdueDays = 7;
};

// Adds "waitingDays" and "overdue" to records that carry "requestedAt" (UTC ms).
QList<QVariantMap> withWaitingDays(QList<QVariantMap> records, const QDate &today, int overdueDays);
// The flag of an overdue row: a tinted background and a tooltip.
QVariant overdueData(const QVariantMap &record, int role, int overdueDays);

} // namespace guichet
