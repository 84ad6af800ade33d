#pragma once

#include <QDateTime>
#include <QJsonObject>
#include <QList>
#include <QString>

#include <optional>

namespace guichet {

class Database;

// One command waiting in the desktop's outbox.
struct PendingCommand
{
    enum class State { Pending, Refused };

    qint64 seq = 0; // order of creation
    QString commandId; // the UUID the server deduplicates retries with
    qint64 userId = 0; // who made it: only their session sends it
    QString name;
    QJsonObject args; // what the user typed, kept until the server accepts it
    QDateTime createdAt;
    State state = State::Pending;
    QJsonObject result; // the server's refusal (commandResultToJson), when Refused
};

// The durable outbox of connected mode, in the replica's pending_commands table
// (docs/API.md "Desktop outbox"). Commands wait here, in order, until the server
// answers: accepted ones are removed, refused ones stay with the server's answer
// until the user discards them. Every call commits at once, so a killed desktop
// loses nothing it had accepted. Commands belong to the user who made them: a
// replica shared by two accounts never sends one's commands with the other's
// session.
class CommandOutbox
{
public:
    explicit CommandOutbox(Database &db);

    // Stores a new command with a fresh command id; returns it as stored.
    PendingCommand enqueue(qint64 userId, const QString &name, const QJsonObject &args);
    // The user's oldest command still to send, if any.
    std::optional<PendingCommand> nextPending(qint64 userId) const;
    std::optional<PendingCommand> command(const QString &commandId) const;
    // The server applied it: it leaves the outbox.
    bool markSent(const QString &commandId);
    // The server refused it: kept, with the refusal, out of the sending order.
    bool markRefused(const QString &commandId, const QJsonObject &result);
    // The user's commands still to send, in sending order.
    QList<PendingCommand> pending(qint64 userId) const;
    // The user's refused commands, oldest first.
    QList<PendingCommand> refused(qint64 userId) const;
    // The user gave up a refused (or still pending) command.
    bool discard(qint64 seq);
    int pendingCount(qint64 userId) const;
    int refusedCount(qint64 userId) const;

private:
    Database &m_db;
};

} // namespace guichet
