#include "commands/commanddispatcher.h"

#include "commands/argreader.h"
#include "commands/commandcatalogue.h"
#include "kernel/core.h"
#include "kernel/textlimits.h"

#include <QDebug>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonValue>

namespace guichet {

namespace {

QVariant nullable(qint64 id)
{
    return id ? QVariant(id) : QVariant(QMetaType(QMetaType::LongLong));
}

} // namespace

QJsonObject commandResultToJson(const CommandResult &result)
{
    return QJsonObject { { QStringLiteral("ok"), result.ok() },
                         { QStringLiteral("code"), errorCodeName(result.code) },
                         { QStringLiteral("field"), result.field },
                         { QStringLiteral("message"), result.message },
                         { QStringLiteral("id"), result.id },
                         { QStringLiteral("data"), QJsonObject::fromVariantMap(result.data) } };
}

CommandResult commandResultFromJson(const QJsonObject &json)
{
    CommandResult result;
    const QString code = json.value(QLatin1String("code")).toString();
    // A body without a code is trusted only when it says ok.
    result.code = code.isEmpty() && json.value(QLatin1String("ok")).toBool() ? ErrorCode::None
                                                                             : errorCodeFromName(code);
    result.field = json.value(QLatin1String("field")).toString();
    result.message = json.value(QLatin1String("message")).toString();
    result.id = json.value(QLatin1String("id")).toInteger();
    result.data = json.value(QLatin1String("data")).toObject().toVariantMap();
    return result;
}

ErrorCode errorCodeFromName(const QString &name)
{
    for (ErrorCode code :
         { ErrorCode::None, ErrorCode::InvalidInput, ErrorCode::NotFound, ErrorCode::Forbidden,
           ErrorCode::Conflict, ErrorCode::Locked, ErrorCode::Expired, ErrorCode::TooLarge,
           ErrorCode::Unauthenticated, ErrorCode::Internal, ErrorCode::Unavailable }) {
        if (errorCodeName(code) == name)
            return code;
    }
    return ErrorCode::Internal;
}

CommandDispatcher::CommandDispatcher(Core &core)
    : m_core(core)
{
}

QStringList CommandDispatcher::commandNames()
{
    QStringList names;
    for (const CommandSpec &spec : CommandCatalogue::commands())
        names << QLatin1String(spec.name);
    return names;
}

bool CommandDispatcher::isAnonymous(const QString &name)
{
    const CommandSpec *spec = CommandCatalogue::find(name);
    return spec && spec->anonymous;
}

CommandResult CommandDispatcher::dispatch(qint64 actorId, const QString &name, const QJsonObject &args)
{
    const CommandSpec &command = *CommandCatalogue::find(name);
    if (auto refusal = CommandCatalogue::check(command, args))
        return *refusal;
    ArgReader reader(command, args);
    return command.run(m_core, actorId, reader);
}

std::optional<CommandResult> CommandDispatcher::recorded(qint64 actorId, const QString &name,
                                                         const QString &commandId)
{
    const auto row = m_core.db().row(
        QStringLiteral("SELECT user_id, name, result FROM applied_commands WHERE command_id = ?"),
        { commandId });
    if (!row)
        return std::nullopt;
    // Another user's id (or another command's) says nothing of its outcome.
    if (row->value(QStringLiteral("user_id")).toLongLong() != actorId
        || row->value(QStringLiteral("name")).toString() != name)
        return CommandResult::failure(ErrorCode::Conflict, QStringLiteral("commandId"),
                                      tr("This command id was already used for another command."));
    return commandResultFromJson(
        QJsonDocument::fromJson(row->value(QStringLiteral("result")).toString().toUtf8()).object());
}

void CommandDispatcher::record(qint64 actorId, const QString &name, const QString &commandId,
                               const CommandResult &result)
{
    // On PostgreSQL with the COMMIT (a concurrent retry's record fails it).
    m_core.db().execLater(
        QStringLiteral("INSERT INTO applied_commands (command_id, user_id, name, result, applied_at) "
                       "VALUES (?, ?, ?, ?, ?)"),
        { commandId, nullable(actorId), name,
          QString::fromUtf8(QJsonDocument(commandResultToJson(result)).toJson(QJsonDocument::Compact)),
          m_core.clock().nowMs() });
}

CommandResult CommandDispatcher::execute(qint64 actorId, const QString &name, const QJsonObject &args,
                                         const QString &commandId)
{
    if (!CommandCatalogue::find(name))
        return CommandResult::failure(ErrorCode::InvalidInput, QStringLiteral("command"),
                                      tr("Unknown command: %1.").arg(name));
    if (commandId.isEmpty())
        return dispatch(actorId, name, args);
    if (auto refusal = TextLimits::check(QStringLiteral("commandId"), commandId, textLimit::CommandId))
        return *refusal;

    Database &db = m_core.db();
    CommandResult result;
    try {
        // The command's own transaction (Core::run's) joins this one, so the
        // record of its outcome commits with its changes or not at all. It
        // needs no savepoint: when it rolls back, this one always does too
        // (the refusal is recorded below, in a transaction of its own), and
        // the database refuses to commit it anyway (joinNextLevel()).
        Transaction transaction(db);
        db.joinNextLevel();
        // The command's version and actor go with the command id's check.
        if (!isAnonymous(name))
            m_core.prepareRun(actorId);
        if (auto previous = recorded(actorId, name, commandId))
            return *previous;
        result = dispatch(actorId, name, args);
        if (result.ok()) {
            record(actorId, name, commandId, result);
            transaction.commit();
            return result;
        }
    } catch (const DatabaseUnavailable &error) {
        qWarning().noquote() << "guichet:" << name
                             << "(with a command id) met an unavailable database:" << error.message();
        result = CommandResult::failure(ErrorCode::Unavailable, {}, Core::unavailableMessage());
    } catch (const DatabaseError &error) {
        // A failed statement (or a concurrent retry that recorded the same id
        // first, which the check below then finds). Core's own wording.
        qWarning().noquote() << "guichet:" << name << "(with a command id) failed:" << error.message();
        result = CommandResult::failure(ErrorCode::Internal, {},
                                        Core::tr("The database refused the change: %1").arg(error.message()));
    }
    // A lost connection took the transaction with it: nothing to record, the
    // retry (same command id) runs the command again.
    if (result.code == ErrorCode::Unavailable)
        return result;
    // The refusal rolled back; record it on its own so a retry gets the same
    // answer. An internal error is not recorded: a retry may well succeed.
    try {
        Transaction transaction(db);
        if (auto previous = recorded(actorId, name, commandId))
            return *previous;
        if (result.code != ErrorCode::Internal) {
            record(actorId, name, commandId, result);
            transaction.commit();
        }
    } catch (const DatabaseError &error) {
        qWarning().noquote() << "guichet:" << name << "(with a command id) failed:" << error.message();
    }
    return result;
}

} // namespace guichet
