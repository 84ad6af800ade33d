#include "models/pendingrequestmodels.h"

#include "kernel/core.h"
#include "models/labels.h"

#include <QBrush>
#include <QColor>
#include <QDateTime>

namespace guichet {

namespace {
template<typename Request> QString requester(const WaitingRequest<Request> &r)
{
    return QStringLiteral("%1 %2").arg(r.firstName, r.lastName.toUpper());
}

template<typename Request> QString waitingText(const WaitingRequest<Request> &r)
{
    const QString text
        = QCoreApplication::translate("guichet::PendingRequests", "%n day(s)", nullptr, r.waitingDays);
    return r.overdue ? QCoreApplication::translate("guichet::PendingRequests", "%1 — overdue").arg(text)
                     : text;
}

// Since when a request waits (UTC milliseconds): a removal request, since its
// owner asked for the removal, not since the subscription was requested.
qint64 waitingSince(const PendingAttachmentRequest &r)
{
    return r.requestedAt;
}

qint64 waitingSince(const PendingSubscriptionRequest &r)
{
    return r.removalRequested() ? r.removalRequestedAt : r.requestedAt;
}

// The requests to a structure (0: all) with their waiting days.
template<typename Request>
QList<WaitingRequest<Request>> withWaitingDays(const QList<Request> &requests, qint64 structureId,
                                               const QDate &today, int overdueDays)
{
    QList<WaitingRequest<Request>> rows;
    rows.reserve(requests.size());
    for (const Request &request : requests) {
        if (structureId && request.structureId != structureId)
            continue;
        WaitingRequest<Request> row;
        static_cast<Request &>(row) = request;
        row.requestedOn = QDateTime::fromMSecsSinceEpoch(waitingSince(request), Qt::UTC).date();
        row.waitingDays = int(row.requestedOn.daysTo(today));
        row.overdue = row.waitingDays > overdueDays;
        rows.append(row);
    }
    return rows;
}

// The flag of an overdue row: a tinted background and a tooltip.
QVariant overdueData(bool overdue, int role, int overdueDays)
{
    if (!overdue)
        return {};
    if (role == Qt::BackgroundRole)
        return QBrush(QColor(0xff, 0xe8, 0xc4));
    if (role == Qt::ToolTipRole)
        return QCoreApplication::translate("guichet::PendingRequests", "Waiting for more than %n day(s)",
                                           nullptr, overdueDays);
    return {};
}

// A tooltip with the cell's own text first, then the flag's.
QVariant withCellText(const QVariant &cell, const QVariant &flag)
{
    const QString text = cell.toString();
    return text.isEmpty() ? flag : QVariant(text + QLatin1Char('\n') + flag.toString());
}

// What a pending request's row adds to its cells: an overdue row is tinted and
// its tooltips say so; the « En attente depuis » cell's tooltip names the day
// of the request (no column of its own: the tables must fit 1024 px).
template<typename Request>
QVariant pendingRowData(const WaitingRequest<Request> &row, bool waitingColumn, int role, int overdueDays,
                        const QVariant &cell)
{
    if (role != Qt::BackgroundRole && role != Qt::ToolTipRole)
        return cell;
    const QVariant flag = overdueData(row.overdue, role, overdueDays);
    if (role == Qt::BackgroundRole)
        return flag.isValid() ? flag : cell;
    const QVariant tip = waitingColumn
        ? QVariant(QCoreApplication::translate("guichet::PendingRequests", "Requested on %1")
                       .arg(labels::shortDate(row.requestedOn)))
        : cell;
    // The tooltip keeps the cell's full text (cut when the column is narrow) above the flag.
    return flag.isValid() ? withCellText(tip, flag) : tip;
}
} // namespace

PendingAttachmentModel::PendingAttachmentModel(Core &core, qint64 managerId, QObject *parent)
    : RecordListModel<PendingAttachmentRow>(parent)
    , m_core(core)
    , m_managerId(managerId)
{
    using Row = PendingAttachmentRow;
    setCheckable(true);
    setColumns({
        { tr("Requester"), [](const Row &r) { return r.lastName; }, requester<PendingAttachmentRequest> },
        { ColumnKind::Email, tr("E-mail"), [](const Row &r) { return r.email; } },
        { tr("Structure"), [](const Row &r) { return r.raisonSociale; } },
        { tr("Services"), [](const Row &r) { return r.services.join(QStringLiteral(", ")); },
          [](const Row &r) { return labels::services(r.wholeStructure, r.services); } },
        { ColumnKind::Role, tr("Role"), [](const Row &r) { return roleToString(r.role); },
          [](const Row &r) { return labels::role(r.role); } },
        { ColumnKind::Date, tr("Validity"), [](const Row &r) { return r.validFrom; },
          [](const Row &r) { return labels::validity(r.validFrom, r.validUntil); } },
        { ColumnKind::Date, tr("Waiting"), [](const Row &r) { return r.waitingDays; },
          waitingText<PendingAttachmentRequest> },
    });
}

void PendingAttachmentModel::setOverdueDays(int days)
{
    m_overdueDays = days;
    reload();
}

void PendingAttachmentModel::setStructureFilter(qint64 structureId)
{
    // The page sets it after every reload of its own: read again only when it changes.
    if (structureId == m_structureId)
        return;
    m_structureId = structureId;
    reload();
}

int PendingAttachmentModel::structureColumn() const
{
    return (isCheckable() ? 1 : 0) + 2; // after the requester and the e-mail
}

void PendingAttachmentModel::setPrincipalRequestsOnly(bool only)
{
    m_principalOnly = only;
    reload();
}

void PendingAttachmentModel::reload()
{
    setRequests(Attachments(m_core).pendingAttachmentRequests(m_managerId));
}

void PendingAttachmentModel::setRequests(const QList<PendingAttachmentRequest> &requests)
{
    QList<PendingAttachmentRequest> shown = requests;
    if (m_principalOnly)
        shown.removeIf([](const PendingAttachmentRequest &r) { return r.role != Role::Principal; });
    setRecords(withWaitingDays(shown, m_structureId, m_core.clock().today(), m_overdueDays));
}

QVariant PendingAttachmentModel::data(const QModelIndex &index, int role) const
{
    const QVariant cell = RecordListModel<PendingAttachmentRow>::data(index, role);
    if (!index.isValid() || index.row() >= rowCount())
        return cell;
    return pendingRowData(record(index.row()), index.column() == columnCount() - 1, role, m_overdueDays,
                          cell);
}

PendingSubscriptionModel::PendingSubscriptionModel(Core &core, qint64 managerId, QObject *parent)
    : RecordListModel<PendingSubscriptionRow>(parent)
    , m_core(core)
    , m_managerId(managerId)
{
    using Row = PendingSubscriptionRow;
    setCheckable(true);
    setColumns({
        { tr("Requester"), [](const Row &r) { return r.lastName; }, requester<PendingSubscriptionRequest> },
        { tr("Structure"), [](const Row &r) { return r.raisonSociale; } },
        // A subscription request, or a request to remove a validated one.
        { ColumnKind::Status, tr("Request"), [](const Row &r) { return r.removalRequested() ? 1 : 0; },
          [](const Row &r) { return r.removalRequested() ? tr("Removal") : tr("Subscription"); } },
        { tr("Space"), [](const Row &r) { return labels::space(r.spaceCode, r.spaceName); } },
        { tr("Service"), [](const Row &r) { return r.serviceName; } },
        { ColumnKind::Role, tr("Mode"), [](const Row &r) { return r.mode; },
          [](const Row &r) { return labels::mode(r.mode); } },
        { ColumnKind::Date, tr("Effective on"), [](const Row &r) { return r.effectiveDate; },
          [](const Row &r) { return labels::shortDate(r.effectiveDate); } },
        { ColumnKind::Date, tr("Waiting"), [](const Row &r) { return r.waitingDays; },
          waitingText<PendingSubscriptionRequest> },
    });
}

void PendingSubscriptionModel::setOverdueDays(int days)
{
    m_overdueDays = days;
    reload();
}

void PendingSubscriptionModel::setStructureFilter(qint64 structureId)
{
    // The page sets it after every reload of its own: read again only when it changes.
    if (structureId == m_structureId)
        return;
    m_structureId = structureId;
    reload();
}

int PendingSubscriptionModel::structureColumn() const
{
    return (isCheckable() ? 1 : 0) + 1; // after the requester
}

void PendingSubscriptionModel::reload()
{
    setRecords(withWaitingDays(Subscriptions(m_core).pendingSubscriptionRequests(m_managerId), m_structureId,
                               m_core.clock().today(), m_overdueDays));
}

QVariant PendingSubscriptionModel::data(const QModelIndex &index, int role) const
{
    const QVariant cell = RecordListModel<PendingSubscriptionRow>::data(index, role);
    if (!index.isValid() || index.row() >= rowCount())
        return cell;
    return pendingRowData(record(index.row()), index.column() == columnCount() - 1, role, m_overdueDays,
                          cell);
}

} // namespace guichet
