#pragma once

#include <QDate>
#include <QtGlobal>

namespace guichet {

class CommandContext;
class Core;
class Database;

// The one-principal-manager rule (« un gestionnaire principal par structure »),
// shared by attachment removal, account deactivation and support's designation.

// The user who is the principal manager of the structure today, or 0.
qint64 principalOf(const Database &db, qint64 structureId);

// The structures where userId is principal manager today.
QList<qint64> structuresWherePrincipal(const Database &db, qint64 userId);
// The same, for the screens, which hold core but no Database.
QList<qint64> structuresWherePrincipal(const Core &core, qint64 userId);

// Inside a command: makes successorId the principal manager of structureId. The
// former principal stays attached as a simple user. The successor must have an
// active account and must not be the former principal; if they have no
// validated attachment to the structure, one is created from today for the
// whole structure. Fails with a CommandFailure naming `field` otherwise.
void transferPrincipal(CommandContext &ctx, qint64 structureId, qint64 successorId, const QString &field);

} // namespace guichet
