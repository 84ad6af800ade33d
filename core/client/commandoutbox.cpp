#include "client/commandoutbox.h"

#include "kernel/database.h"

#include <QJsonDocument>
#include <QUuid>

namespace guichet {

namespace {

const QString pendingState = QStringLiteral("pending");
const QString refusedState = QStringLiteral("refused");

QString compact(const QJsonObject &object)
{
    return QString::fromUtf8(QJsonDocument(object).toJson(QJsonDocument::Compact));
}

QJsonObject objectOf(const QString &text)
{
    return QJsonDocument::fromJson(text.toUtf8()).object();
}

PendingCommand commandOf(const QVariantMap &row)
{
    PendingCommand command;
    command.seq = row.value(QStringLiteral("seq")).toLongLong();
    command.commandId = row.value(QStringLiteral("command_id")).toString();
    command.userId = row.value(QStringLiteral("user_id")).toLongLong();
    command.name = row.value(QStringLiteral("name")).toString();
    command.args = objectOf(row.value(QStringLiteral("args")).toString());
    command.createdAt
        = QDateTime::fromMSecsSinceEpoch(row.value(QStringLiteral("created_at")).toLongLong(), Qt::UTC);
    command.state = row.value(QStringLiteral("state")).toString() == refusedState
        ? PendingCommand::State::Refused
        : PendingCommand::State::Pending;
    command.result = objectOf(row.value(QStringLiteral("result")).toString());
    return command;
}

const QString selectColumns = QStringLiteral(
    "SELECT seq, command_id, user_id, name, args, created_at, state, result FROM pending_commands ");

} // namespace

CommandOutbox::CommandOutbox(Database &db)
    : m_db(db)
{
}

PendingCommand CommandOutbox::enqueue(qint64 userId, const QString &name, const QJsonObject &args)
{
    const QString commandId = QUuid::createUuid().toString(QUuid::WithoutBraces);
    // Outside any caller's transaction this statement commits by itself.
    m_db.insert(
        QStringLiteral("INSERT INTO pending_commands (command_id, user_id, name, args, created_at, state, "
                       "result) VALUES (?, ?, ?, ?, ?, ?, '') RETURNING seq"),
        { commandId, userId, name, compact(args), QDateTime::currentMSecsSinceEpoch(), pendingState });
    return *command(commandId);
}

std::optional<PendingCommand> CommandOutbox::nextPending(qint64 userId) const
{
    const auto row
        = m_db.row(selectColumns + QStringLiteral("WHERE user_id = ? AND state = ? ORDER BY seq LIMIT 1"),
                   { userId, pendingState });
    if (!row)
        return std::nullopt;
    return commandOf(*row);
}

std::optional<PendingCommand> CommandOutbox::command(const QString &commandId) const
{
    const auto row = m_db.row(selectColumns + QStringLiteral("WHERE command_id = ?"), { commandId });
    if (!row)
        return std::nullopt;
    return commandOf(*row);
}

bool CommandOutbox::markSent(const QString &commandId)
{
    return m_db.exec(QStringLiteral("DELETE FROM pending_commands WHERE command_id = ?"), { commandId })
               .numRowsAffected()
        > 0;
}

bool CommandOutbox::markRefused(const QString &commandId, const QJsonObject &result)
{
    return m_db.exec(QStringLiteral("UPDATE pending_commands SET state = ?, result = ? WHERE command_id = ?"),
                     { refusedState, compact(result), commandId })
               .numRowsAffected()
        > 0;
}

QList<PendingCommand> CommandOutbox::pending(qint64 userId) const
{
    QList<PendingCommand> commands;
    for (const QVariantMap &row :
         m_db.rows(selectColumns + QStringLiteral("WHERE user_id = ? AND state = ? ORDER BY seq"),
                   { userId, pendingState }))
        commands.append(commandOf(row));
    return commands;
}

QList<PendingCommand> CommandOutbox::refused(qint64 userId) const
{
    QList<PendingCommand> commands;
    for (const QVariantMap &row :
         m_db.rows(selectColumns + QStringLiteral("WHERE user_id = ? AND state = ? ORDER BY seq"),
                   { userId, refusedState }))
        commands.append(commandOf(row));
    return commands;
}

bool CommandOutbox::discard(qint64 seq)
{
    return m_db.exec(QStringLiteral("DELETE FROM pending_commands WHERE seq = ?"), { seq }).numRowsAffected()
        > 0;
}

int CommandOutbox::pendingCount(qint64 userId) const
{
    return m_db
        .value(QStringLiteral("SELECT COUNT(*) FROM pending_commands WHERE user_id = ? AND state = ?"),
               { userId, pendingState })
        .toInt();
}

int CommandOutbox::refusedCount(qint64 userId) const
{
    return m_db
        .value(QStringLiteral("SELECT COUNT(*) FROM pending_commands WHERE user_id = ? AND state = ?"),
               { userId, refusedState })
        .toInt();
}

} // namespace guichet
