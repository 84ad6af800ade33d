#pragma once

#include "kernel/auditrecord.h"
#include "kernel/clock.h"
#include "kernel/commandresult.h"
#include "kernel/database.h"

#include <QCoreApplication>

#include <functional>
#include <optional>

namespace guichet {

class Core;

struct RunOptions
{
    // Commands such as sign-in or reactivation run without a signed-in user.
    bool anonymous = false;
    // Only reactivation may run for a deactivated account.
    bool allowDeactivated = false;

    static RunOptions anonymousCommand() { return { true, false }; }
};

// The user a command runs for, as loaded at the start of the command.
struct Actor
{
    qint64 id = 0;
    QString email;
    QString firstName;
    QString lastName;
    QString contactEmail;
    QString language;
    bool support = false;
    bool active = true;
    bool notifications = false;
};

// What a command body can use: the database inside the command's transaction,
// the clock, the caller, and the bookkeeping every change needs (version,
// audit entry, tombstone, mail).
class CommandContext
{
    Q_DECLARE_TR_FUNCTIONS(guichet::CommandContext)

public:
    CommandContext(Core &core, QString command, std::optional<Actor> actor);

    Core &core() const { return m_core; }
    Database &db() const;
    const Clock &clock() const;
    const QString &command() const { return m_command; }

    bool hasActor() const { return m_actor.has_value(); }
    // The caller; only valid when hasActor().
    const Actor &actor() const { return *m_actor; }
    qint64 actorId() const { return m_actor ? m_actor->id : 0; }
    // The guichetd session the command came through (Core::sessionId()).
    qint64 sessionId() const;
    // Fails with Forbidden unless the caller is support staff.
    void requireSupport() const;

    // The version every row changed by this command gets (allocated on first use).
    qint64 version();
    // Appends an audit entry about a row (entity, its id, its structure or 0)
    // recording what was done as codes and ids; comment is the user's own text.
    void audit(const QString &entity, qint64 entityId, qint64 structureId, const AuditRecord &record,
               const QString &comment = {});
    // Records a deleted row for the sync feed, with the row's owner and
    // structure (0 when it has none): the feed shows the tombstone only to
    // those who could see the row.
    void tombstone(const QString &table, qint64 rowId, qint64 userId, qint64 structureId);
    enum class MailPolicy {
        SkipDeactivated, // the rule: deactivated accounts receive no mail
        EvenIfDeactivated, // only the reactivation mail itself
    };
    // Queues a mail in the outbox; returns its id, or 0 when it was dropped
    // because the user's account is deactivated (under SkipDeactivated).
    qint64 queueMail(qint64 userId, const QString &recipient, const QString &subject, const QString &bodyText,
                     const QString &bodyHtml = {}, MailPolicy policy = MailPolicy::SkipDeactivated);

    CommandResult result;

private:
    Core &m_core;
    QString m_command;
    std::optional<Actor> m_actor;
    qint64 m_version = 0;
};

// The entry point to every rule: holds the database and the clock, and runs
// each command in one transaction with its checks and bookkeeping.
class Core
{
    Q_DECLARE_TR_FUNCTIONS(guichet::Core)

public:
    Core(Database &database, const Clock &clock);

    Database &db() const { return m_database; }
    const Clock &clock() const { return m_clock; }

    // Runs body in one transaction for actorId (0 when options.anonymous).
    // Returns body's context.result on success; on CommandFailure or a database
    // error everything is rolled back and the error is returned; a lost
    // database connection gives ErrorCode::Unavailable (the transaction went
    // with the connection; the next command reconnects).
    CommandResult run(const QString &command, qint64 actorId,
                      const std::function<void(CommandContext &)> &body, RunOptions options = RunOptions());

    std::optional<Actor> loadActor(qint64 userId) const;
    // Inside a transaction that is about to run(): holds back what a run by
    // actorId begins with — reserving its version and reading its actor — so
    // that on PostgreSQL they go with the caller's next statement, in one
    // round trip, rather than in run()'s own. Nothing on SQLite.
    void prepareRun(qint64 actorId) const;

    // What a command that met a lost database connection answers.
    static QString unavailableMessage();

    // The guichetd session (core/rules/accounts/sessions.h) the next commands come through, 0
    // outside guichetd: a password change revokes the user's other sessions but
    // keeps this one. guichetd gives each worker thread its own Core and sets it
    // around each request (SessionScope).
    qint64 sessionId() const { return m_sessionId; }
    void setSessionId(qint64 sessionId) { m_sessionId = sessionId; }

private:
    Database &m_database;
    const Clock &m_clock;
    qint64 m_sessionId = 0;
};

} // namespace guichet
