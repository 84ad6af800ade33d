#pragma once

#include <QDate>
#include <QList>
#include <QString>

namespace guichet {

class CommandContext;
class Database;

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

// Inside a command: fails with Forbidden unless the caller manages the structure
// today (canManage) or is support staff.
void requireManager(CommandContext &ctx, qint64 structureId);

// Inside a command: true when the caller is support staff or manages the structure.
bool actorManages(const CommandContext &ctx, qint64 structureId);

} // namespace guichet
