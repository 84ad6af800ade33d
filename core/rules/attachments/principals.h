#pragma once

#include <QDate>
#include <QtGlobal>

namespace guichet {

class CommandContext;
class Core;
class Database;

// The one-principal-manager rule (« un gestionnaire principal par structure »),
// shared by attachment removal, account deactivation and support's designation.

// The holder of the structure's principal manager role in the records, or 0,
// even if that attachment has ended or the account was deactivated since.
qint64 principalOf(const Database &db, qint64 structureId);

// The structure's principal manager on `day`: a principal attachment that has
// not ended (it may start later), held by an active account, or 0. A structure without one is «
// principal-less »: a request to join it asks to become its principal and support decides it
// (Attachments::requestAttachment, Support::principalRequests).
qint64 activePrincipalOf(const Database &db, qint64 structureId, QDate day);

// The structures where userId is principal manager on `today` (a principal
// attachment not ended: one that ended long ago asks for no successor).
QList<qint64> structuresWherePrincipal(const Database &db, qint64 userId, QDate today);
// The same, for the screens, which hold core but no Database.
QList<qint64> structuresWherePrincipal(const Core &core, qint64 userId);

// Who may succeed as principal manager of structureId, the one rule of the
// three ways a principal hands over (deactivation, removing their attachment,
// the manager's « transférer la qualité de gestionnaire principal »): an
// existing, active account other than the principal manager on `today`,
// attached or not (the guide's « Loupe » searches every account). Fails with a
// CommandFailure naming `field` otherwise.
void requireSuccessor(const Database &db, qint64 structureId, qint64 successorId, QDate today,
                      const QString &field);

// Inside a command that gives the structure a new principal (successorId):
// every other holder of a principal attachment there, current or gone
// (attachment ended, account deactivated), becomes a simple user and loses
// the manager's default spaces. Returns the former principal (the one active
// today if any), or 0.
qint64 retireFormerPrincipals(CommandContext &ctx, qint64 structureId, qint64 successorId);

// Inside a command: the one transfer of the principal manager role. The former
// principal stays attached as a simple user and loses the manager's default
// spaces; the successor becomes principal (attached from today to the whole
// structure if they were not), gets the principal's default spaces and the
// requests for the spaces set at structure level, and is told by mail.
// Returns the successor's attachment id.
qint64 transferPrincipal(CommandContext &ctx, qint64 structureId, qint64 successorId, const QString &field);

} // namespace guichet
