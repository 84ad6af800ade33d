#pragma once

#include "kernel/commandresult.h"

#include <QCoreApplication>
#include <QDate>
#include <QList>
#include <QString>
#include <QVariantList>

#include <optional>

namespace guichet {

class CommandContext;
class Core;
class Database;

// One line of the « Ajouter un abonnement » form: a service (0 = the default
// service, i.e. the whole structure) and the modes ticked for it.
struct SubscriptionLine
{
    qint64 serviceId = 0;
    bool modification = false;
    bool consultation = false;
};

struct SubscriptionRequest
{
    qint64 structureId = 0; // field "structure"
    QString spaceCode; // field "space"
    QList<SubscriptionLine> lines; // field "services"
    QDate effectiveDate; // field "effectiveDate"
    QString comment;
};

// A subscription row to write inside a command (see insertSubscription).
struct NewSubscription
{
    qint64 userId = 0;
    qint64 structureId = 0;
    qint64 spaceId = 0;
    qint64 serviceId = 0; // 0: whole structure (stored as NULL)
    QString mode; // 'modification' or 'consultation'
    QDate effectiveDate;
    QString comment;
    QString status; // 'pending' or 'validated'
    QString origin; // 'request', 'default' or 'structure'
};

// Inside a command: writes the row with the command's version and an audit entry.
qint64 insertSubscription(CommandContext &ctx, const NewSubscription &subscription);
// Inside a command: deletes the row, leaving a tombstone and an audit entry.
// why: a code of audit::Reason… (kernel/auditrecord.h)
void deleteSubscription(CommandContext &ctx, qint64 subscriptionId, const QString &why);
// Inside a command: true when a pending or validated row with the same user,
// structure, space, service (0 = whole structure) and mode exists.
bool subscriptionExists(const Database &db, qint64 userId, qint64 structureId, qint64 spaceId,
                        qint64 serviceId, const QString &mode);

// One subscription as the screens show it, with its user (the requester, for
// a pending request).
struct SubscriptionView
{
    qint64 id = 0;
    qint64 userId = 0; // the subscribed user (the requester of a pending request)
    QString firstName;
    QString lastName;
    QString email;
    qint64 structureId = 0;
    QString siret;
    QString raisonSociale;
    QString spaceCode;
    QString spaceName;
    int spaceSortOrder = 0; // the spaces' order in menus
    qint64 serviceId = 0; // 0: the whole structure
    QString serviceName; // « Whole structure » (translated) when serviceId is 0
    QString mode; // 'modification' or 'consultation'
    QDate effectiveDate;
    QString comment;
    QString status; // 'pending', 'validated' or 'refused'
    QString origin; // 'request', 'default' or 'structure'
    qint64 requestedAt = 0; // UTC milliseconds since the epoch
};

// A request a manager may decide: the subscription with its requester.
using PendingSubscriptionRequest = SubscriptionView;

// A service the « Ajouter un abonnement » form offers for a structure.
struct RequestableService
{
    qint64 serviceId = 0; // 0: the default service, i.e. the whole structure
    QString code; // empty for the default service
    QString name;
};

// Abonnements: subscriptions of users to the spaces of a structure.
class Subscriptions
{
    Q_DECLARE_TR_FUNCTIONS(guichet::Subscriptions)

public:
    explicit Subscriptions(Core &core);

    // One row per (service, mode) ticked; « Validé » at once when the caller
    // manages the structure, else « En cours de validation ». Result data:
    // "ids" and "statuses" of the created rows.
    CommandResult requestSubscription(qint64 actorId, const SubscriptionRequest &request);
    // Managers (canManage) or support; only pending rows; mails the requester.
    CommandResult decideSubscription(qint64 actorId, qint64 subscriptionId, bool validate,
                                     const QString &comment = {});
    CommandResult decideSubscriptions(qint64 actorId, const QList<qint64> &subscriptionIds, bool validate,
                                      const QString &comment = {});
    // The caller's own rows (or, as a manager / support, rows on a structure
    // they manage); all or nothing.
    CommandResult removeSubscriptions(qint64 actorId, const QList<qint64> &subscriptionIds);

    // « Mes abonnements aux espaces » (pending and validated), by structure
    // name, space, service and mode.
    QList<SubscriptionView> userSubscriptions(qint64 userId) const;
    // What the form lists for a structure (the default service first when the
    // user is attached to the whole structure); only what the user is attached
    // to on `today`.
    QList<RequestableService> requestableServices(qint64 userId, qint64 structureId, QDate today) const;
    // The pending rows this manager may decide (all of them for support).
    QList<PendingSubscriptionRequest> pendingSubscriptionRequests(qint64 managerId) const;
    std::optional<SubscriptionView> subscription(qint64 subscriptionId) const;
    // How many subscription requests wait for a decision, all structures together.
    qint64 pendingCount() const;

    // The text shown for an attachment's or a subscription's status.
    static QString statusLabel(const QString &status);

private:
    Core &m_core;
};

} // namespace guichet
