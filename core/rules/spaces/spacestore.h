#pragma once

#include "kernel/database.h"
#include "rules/spaces/spaces.h"
#include "rules/spaces/subscriptions.h"

#include <QDate>
#include <QList>
#include <QString>

#include <optional>

namespace guichet {

// A subscription row as the rules read it.
struct SubscriptionRecord
{
    qint64 id = 0;
    qint64 userId = 0;
    qint64 structureId = 0;
    qint64 spaceId = 0;
    qint64 serviceId = 0; // 0: the whole structure (NULL)
    QString mode; // 'modification' or 'consultation'
    QDate effectiveDate;
    QString status; // 'pending', 'validated' or 'refused'
    QString origin; // 'request', 'default' or 'structure'
    qint64 removalRequestedAt = 0; // 0: no removal asked; else when its owner asked (UTC ms)
};

// A subscription request with the names its decision's mail lists.
struct SubscriptionToDecide
{
    qint64 userId = 0;
    qint64 structureId = 0;
    QString status;
    QString mode;
    QString spaceName;
    QString raisonSociale;
    QString serviceName; // empty for the whole structure
    qint64 spaceId = 0;
    qint64 serviceId = 0; // 0: the whole structure
    qint64 removalRequestedAt = 0; // set: a removal request on a validated row
};

// The SQL of the spaces feature: it owns the tables spaces (the catalogue),
// structure_spaces and subscriptions. Every statement of the feature
// (spaces.cpp, subscriptions.cpp) lives here, and every write to those tables,
// whichever feature makes it, goes through here. Internal to core/rules.
class SpaceStore
{
public:
    // const: Database's statements are const, and the spaces' read functions
    // are given a const Database.
    explicit SpaceStore(const Database &db);

    // The catalogue, by sort order then id.
    QList<Space> catalogue() const;
    std::optional<Space> spaceByCode(const QString &code) const;

    // The spaces set at the structure's level, by sort order then id; their
    // ids, by id; the structure_spaces row of one space, or 0.
    QList<Space> structureSpaces(qint64 structureId) const;
    QList<qint64> structureSpaceIds(qint64 structureId) const;
    qint64 structureSpaceRow(qint64 structureId, qint64 spaceId) const;
    qint64 insertStructureSpace(qint64 structureId, qint64 spaceId, qint64 enabledAt, qint64 version) const;
    void deleteStructureSpace(qint64 rowId) const;

    // Self-service spaces (structure_self_service): the row of one space, or 0;
    // writing and removing it.
    qint64 selfServiceRow(qint64 structureId, qint64 spaceId) const;
    qint64 insertSelfService(qint64 structureId, qint64 spaceId, qint64 enabledAt, qint64 version) const;
    void deleteSelfService(qint64 rowId) const;
    // The structures (id, raison sociale) where the user holds a validated
    // attachment in its window on `day` and the space is self-service, by
    // raison sociale then id.
    QList<std::pair<qint64, QString>> selfServiceStructures(qint64 userId, qint64 spaceId, QDate day) const;

    std::optional<SubscriptionRecord> subscription(qint64 subscriptionId) const;
    // Whether the user has a pending or validated subscription to the space on
    // the structure, whatever its service and mode.
    bool hasSubscription(qint64 userId, qint64 structureId, qint64 spaceId) const;
    // See subscriptionExists (subscriptions.h).
    bool subscriptionExists(qint64 userId, qint64 structureId, qint64 spaceId, qint64 serviceId,
                            const QString &mode) const;
    // Every subscription of the user on the structure, whatever its status, by id.
    QList<qint64> subscriptionIds(qint64 userId, qint64 structureId) const;
    // The user's subscriptions on the structure that a role gave (origin
    // 'default'), by id.
    QList<SubscriptionRecord> roleDefaultSubscriptions(qint64 userId, qint64 structureId) const;
    // The subscriptions a structure-level space generated (origin 'structure'), by id.
    QList<qint64> generatedSubscriptionIds(qint64 structureId, qint64 spaceId) const;
    // The user's validated subscriptions on the structure, by id.
    QList<SubscriptionRecord> validatedSubscriptions(qint64 userId, qint64 structureId) const;
    std::optional<SubscriptionToDecide> subscriptionToDecide(qint64 subscriptionId) const;

    // Subscription requests and removal requests waiting for a decision.
    qint64 pendingCount() const;
    // The screens' views, by raison sociale, space, service, mode then id, with
    // serviceName empty for the whole structure: a user's pending and
    // validated subscriptions; one subscription; every request waiting for a
    // decision (pending rows, and validated rows whose removal was asked); the
    // same on the structures the manager holds a manager's attachment to on
    // `day` (structuresManagedOnSql).
    QList<SubscriptionView> userSubscriptions(qint64 userId) const;
    std::optional<SubscriptionView> subscriptionView(qint64 subscriptionId) const;
    QList<SubscriptionView> pendingRequests() const;
    QList<SubscriptionView> pendingRequestsManagedBy(qint64 managerId, QDate day) const;

    qint64 insertSubscription(const NewSubscription &subscription, qint64 requestedAt,
                              std::optional<qint64> decidedAt, std::optional<qint64> decidedBy,
                              qint64 version) const;
    void decide(qint64 subscriptionId, const QString &status, qint64 decidedAt, qint64 decidedBy,
                const QString &comment, qint64 version) const;
    // Asks for (a time) or clears (nullopt) the removal of a validated row.
    void setRemovalRequested(qint64 subscriptionId, std::optional<qint64> requestedAt, qint64 version) const;
    void deleteSubscription(qint64 subscriptionId) const;

private:
    QList<SubscriptionView> views(const QString &where, const QVariantList &args) const;

    const Database &m_db;
};

} // namespace guichet
