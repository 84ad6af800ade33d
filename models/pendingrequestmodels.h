#pragma once

#include "models/recordtablemodel.h"
#include "rules/attachments/attachments.h"
#include "rules/spaces/subscriptions.h"

#include <QDate>

namespace guichet {

class Core;

// A pending request as the « Demandes en attente » tables show it: the request
// and how long it has waited.
template<typename Request> struct WaitingRequest : Request
{
    QDate requestedOn; // the UTC day of requestedAt
    int waitingDays = 0; // from requestedOn to today
    bool overdue = false; // waiting more than the model's overdueDays
};
using PendingAttachmentRow = WaitingRequest<PendingAttachmentRequest>;
using PendingSubscriptionRow = WaitingRequest<PendingSubscriptionRequest>;

// « Demandes en attente »: the attachment requests a manager may decide
// (Attachments::pendingAttachmentRequests), with a checkbox column for
// « Valider » / « Refuser » on the checked rows. Rows waiting more than
// overdueDays are flagged.
class PendingAttachmentModel : public RecordListModel<PendingAttachmentRow>
{
    Q_OBJECT

public:
    PendingAttachmentModel(Core &core, qint64 managerId, QObject *parent = nullptr);

    void setOverdueDays(int days);
    int overdueDays() const { return m_overdueDays; }
    // Only the requests to this structure (0: every structure the manager manages).
    void setStructureFilter(qint64 structureId);
    // Only the requests to structures without a principal manager (role
    // principal, decided by support): the support console's list.
    void setPrincipalRequestsOnly(bool only);
    // Shows these requests (read elsewhere: guichetd's list for the support
    // console in connected mode), filtered and with their waiting days as
    // reload() would show them.
    void setRequests(const QList<PendingAttachmentRequest> &requests);
    // The « Structure » column (the same for every row once one structure is chosen).
    int structureColumn() const;
    void reload() override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;

private:
    Core &m_core;
    qint64 m_managerId;
    qint64 m_structureId = 0;
    int m_overdueDays = 7;
    bool m_principalOnly = false;
};

// The subscription requests a manager may decide (Subscriptions::pendingSubscriptionRequests).
class PendingSubscriptionModel : public RecordListModel<PendingSubscriptionRow>
{
    Q_OBJECT

public:
    PendingSubscriptionModel(Core &core, qint64 managerId, QObject *parent = nullptr);

    void setOverdueDays(int days);
    int overdueDays() const { return m_overdueDays; }
    // Only the requests to this structure (0: every structure the manager manages).
    void setStructureFilter(qint64 structureId);
    // The « Structure » column (the same for every row once one structure is chosen).
    int structureColumn() const;
    void reload() override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;

private:
    Core &m_core;
    qint64 m_managerId;
    qint64 m_structureId = 0;
    int m_overdueDays = 7;
};

} // namespace guichet
