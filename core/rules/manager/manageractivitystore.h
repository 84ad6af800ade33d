#pragma once

#include "kernel/database.h"
#include "rules/manager/manageractivity.h"

#include <QDate>
#include <QList>

namespace guichet {

// The SQL of the manager's activity: the reads across tables that its screens
// need (the structures a user manages, a structure's users, the reminders).
// It owns no table: what it writes goes through the store of the feature that
// owns the table (AttachmentStore, SpaceStore). Every statement of
// manageractivity.cpp lives either here or in those stores. Internal to
// core/rules.
class ManagerActivityStore
{
public:
    explicit ManagerActivityStore(const Database &db);

    // The structures the user holds a manager's attachment to on `day`
    // (structuresManagedOnSql), by raison sociale then id, with id, siret,
    // raisonSociale and secondaryPowers; role and canManage are the rules'.
    QList<ManagedStructure> managedStructures(qint64 userId, QDate day) const;
    // The structure's pending and validated attachments with their users and
    // their count of pending and validated subscriptions there, by last name,
    // first name then attachment. Filled: id, userId, names, email, role,
    // status, validity and wholeStructure; services, statusLabel and ended are
    // the rules'.
    QList<StructureUser> structureUsers(qint64 structureId) const;
    // The structure's pending attachment requests (kind AttachmentRequest) or
    // subscription requests (SubscriptionRequest, removal requests included)
    // made before `before` (UTC milliseconds), oldest first; date is the day
    // of the request.
    QList<Reminder> oldRequests(Reminder::Kind kind, qint64 structureId, qint64 before) const;
    // The structure's validated attachments ending between `from` and `to`
    // (included), soonest first; date is the end of validity.
    QList<Reminder> endingAttachments(qint64 structureId, QDate from, QDate to) const;

private:
    const Database &m_db;
};

} // namespace guichet
