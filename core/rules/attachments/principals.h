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

// Who may succeed as principal manager of structureId, the one rule of the
// three ways a principal hands over (deactivation, removing their attachment,
// the manager's « transférer la qualité de gestionnaire principal »): an
// existing, active account other than the current principal, attached or not
// (the guide's « Loupe » searches every account). Fails with a CommandFailure
// naming `field` otherwise.
void requireSuccessor(const Database &db, qint64 structureId, qint64 successorId, const QString &field);

// Inside a command: the one transfer of the principal manager role. The former
// principal stays attached as a simple user and loses the manager's default
// spaces; the successor becomes principal (attached from today to the whole
// structure if they were not), gets the principal's default spaces and the
// requests for the spaces set at structure level, and is told by mail.
// Returns the successor's attachment id.
qint64 transferPrincipal(CommandContext &ctx, qint64 structureId, qint64 successorId, const QString &field);

} // namespace guichet
