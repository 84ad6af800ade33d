#pragma once

#include "kernel/commandresult.h"

#include <QCoreApplication>
#include <QJsonObject>
#include <QString>
#include <QStringList>

#include <optional>

namespace guichet {

class Core;

// A CommandResult as JSON: {"ok", "code" (errorCodeName), "field", "message",
// "id", "data"}. What guichetd answers and what the desktop's remote gateway
// reads back; applied_commands stores the same text.
QJsonObject commandResultToJson(const CommandResult &result);
CommandResult commandResultFromJson(const QJsonObject &json);
// The reverse of errorCodeName; Internal for an unknown name.
ErrorCode errorCodeFromName(const QString &name);

// The one way screens and the HTTP server send commands: a command name and its
// JSON arguments, mapped to the typed call of core. The commands, their
// arguments and their calls are declared in the command catalogue
// (commandcatalogue.h; docs/COMMANDS.md's reference is generated from it).
// Arguments are checked for presence and type against the declaration before
// anything runs; the rules themselves stay in core.
//
// With a commandId (a client-generated UUID), the outcome is recorded in
// applied_commands in the same transaction as the command, and a retry with the
// same id returns the recorded outcome without running the command again.
class CommandDispatcher
{
    Q_DECLARE_TR_FUNCTIONS(guichet::CommandDispatcher)

public:
    explicit CommandDispatcher(Core &core);

    CommandResult execute(qint64 actorId, const QString &name, const QJsonObject &args,
                          const QString &commandId = {});

    // The catalogue's commands, in its order.
    static QStringList commandNames();
    // Commands that run without a signed-in user (actorId 0), as declared.
    static bool isAnonymous(const QString &name);

private:
    CommandResult dispatch(qint64 actorId, const QString &name, const QJsonObject &args);
    // The recorded outcome of commandId, or a Conflict when it belongs to
    // another user or another command; nothing when commandId is new.
    std::optional<CommandResult> recorded(qint64 actorId, const QString &name, const QString &commandId);
    void record(qint64 actorId, const QString &name, const QString &commandId, const CommandResult &result);

    Core &m_core;
};

} // namespace guichet
