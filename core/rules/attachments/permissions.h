#pragma once

#include "kernel/database.h"

#include <QDate>
#include <QList>
#include <QString>

namespace guichet {

class CommandContext;

// The single place answering « what may this user do on this structure today ».
// Rights come only from a VALIDATED attachment whose validity window contains
// the day asked about (valid_from <= today and (valid_until empty or >= today)):
// before valid_from or after valid_until the user has no rights there.

enum class Role { None, User, Secondary, Principal };

// 'principal', 'secondary', 'user' <-> Role (None for anything else).
Role roleFromString(const QString &role);
QString roleToString(Role role);

// The highest role the user holds on the structure today, or Role::None.
Role roleOn(const Database &db, qint64 userId, qint64 structureId, QDate today);

// True when the user may act as the structure's manager today: its principal
// manager, or a secondary manager when the structure's secondary_powers is set
// (the principal granted secondary managers the principal's powers).
bool canManage(const Database &db, qint64 userId, qint64 structureId, QDate today);

// The part of a structure a user is attached to today.
struct AttachedScope
{
    bool attached = false; // a validated attachment in its window exists
    bool wholeStructure = false; // the whole structure (any service and the default service)
    QList<qint64> serviceIds; // otherwise only these services
};
AttachedScope attachedServices(const Database &db, qint64 userId, qint64 structureId, QDate today);

// The structures where the user is a manager on `day`: a validated principal
// or secondary attachment whose window contains the day, by ascending id.
// canManage further needs the secondary powers for a secondary manager.
QList<qint64> structuresManagedOn(const Database &db, qint64 userId, QDate day);

// The same rules as SQL, for the statements that filter in the database (lists,
// sub-queries, duplicate checks): each is written here once and nowhere else.
// permissions.cpp is the attachments' SQL fragment home; the statements that
// splice these fragments in live in the features' stores (attachmentstore.h).
// They are functions giving a fragment and its values rather than an SQL view
// because the day is a parameter: it comes from the core's clock, which tests
// set, so neither a view nor CURRENT_DATE could give it. `alias` is how the
// statement names the attachments table (empty: the bare column names).

// The attachment has not ended on `day` (no end date, or an end date on or
// after it); it may not have started yet.
SqlFragment attachmentNotEnded(const QString &alias, QDate day);
// The attachment's validity window contains `day`: started and not ended.
SqlFragment attachmentInWindow(const QString &alias, QDate day);
// A request still waiting, or a validated attachment that has not ended on
// `day`: what makes a new attachment of the same user to the same structure a
// duplicate.
SqlFragment attachmentPendingOrNotEnded(const QString &alias, QDate day);
// A sub-query giving the ids of structuresManagedOn(userId, day), for
// `structure_id IN (...)`.
SqlFragment structuresManagedOnSql(qint64 userId, QDate day);

// Inside a command: fails with Forbidden unless the caller manages the structure
// today (canManage) or is support staff.
void requireManager(CommandContext &ctx, qint64 structureId);

// Inside a command: true when the caller is support staff or manages the structure.
bool actorManages(const CommandContext &ctx, qint64 structureId);

} // namespace guichet
