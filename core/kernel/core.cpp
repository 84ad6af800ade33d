#include "kernel/core.h"

#include <QDebug>

namespace guichet {

CommandContext::CommandContext(Core &core, QString command, std::optional<Actor> actor)
    : m_core(core)
    , m_command(std::move(command))
    , m_actor(std::move(actor))
{
}

Database &CommandContext::db() const
{
    return m_core.db();
}

const Clock &CommandContext::clock() const
{
    return m_core.clock();
}

void CommandContext::requireSupport() const
{
    if (!m_actor || !m_actor->support)
        fail(ErrorCode::Forbidden, {}, tr("Only support staff may do this."));
}

qint64 CommandContext::sessionId() const
{
    return m_core.sessionId();
}

qint64 CommandContext::version()
{
    if (m_version == 0) {
        // On PostgreSQL the commit then notifies 'guichet_changes', which
        // every guichetd LISTENs to: it wakes the other servers' long-polls.
        m_version = db().nextVersion();
    }
    return m_version;
}

void CommandContext::audit(const QString &entity, qint64 entityId, qint64 structureId,
                           const AuditRecord &record, const QString &comment)
{
    const QVariant null { QMetaType(QMetaType::LongLong) };
    // Nothing reads its outcome: on PostgreSQL it goes with the next statement.
    db().execLater(
        QStringLiteral("INSERT INTO audit_log (at, actor_id, command, entity, entity_id, structure_id, "
                       "action, subject_id, details, comment, version) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, "
                       "?, ?)"),
        { clock().nowMs(), m_actor ? QVariant(m_actor->id) : null, m_command, entity,
          entityId ? QVariant(entityId) : null, structureId ? QVariant(structureId) : null,
          audit::actionCode(record.action), record.subjectId ? QVariant(record.subjectId) : null,
          record.toJson(), comment, version() });
}

void CommandContext::tombstone(const QString &table, qint64 rowId, qint64 userId, qint64 structureId)
{
    const qint64 v = version();
    const QVariant null { QMetaType(QMetaType::LongLong) };
    db().exec(QStringLiteral("DELETE FROM tombstones WHERE table_name = ? AND row_id = ?"), { table, rowId });
    db().exec(
        QStringLiteral("INSERT INTO tombstones (table_name, row_id, version, user_id, structure_id) "
                       "VALUES (?, ?, ?, ?, ?)"),
        { table, rowId, v, userId ? QVariant(userId) : null, structureId ? QVariant(structureId) : null });
}

qint64 CommandContext::queueMail(qint64 userId, const QString &recipient, const QString &subject,
                                 const QString &bodyText, const QString &bodyHtml, MailPolicy policy)
{
    if (userId && policy == MailPolicy::SkipDeactivated) {
        const QString status
            = db().value(QStringLiteral("SELECT status FROM users WHERE id = ?"), { userId }).toString();
        if (status == QLatin1String("deactivated"))
            return 0;
    }
    return db().insert(
        QStringLiteral("INSERT INTO mail_outbox (user_id, recipient, subject, body_text, body_html, "
                       "created_at) VALUES (?, ?, ?, ?, ?, ?) RETURNING id"),
        { userId ? QVariant(userId) : QVariant(QMetaType(QMetaType::LongLong)), recipient, subject, bodyText,
          bodyHtml, clock().nowMs() });
}

QString Core::unavailableMessage()
{
    return tr("The database cannot be reached for the moment. Try again shortly.");
}

Core::Core(Database &database, const Clock &clock)
    : m_database(database)
    , m_clock(clock)
{
}

namespace {

const QString actorQuery
    = QStringLiteral("SELECT id, email, first_name, last_name, contact_email, language, "
                     "is_support, status, notifications_enabled FROM users WHERE id = ?");

} // namespace

void Core::prepareRun(qint64 actorId) const
{
    // The one place a command's version is reserved (run() comes here too):
    // on PostgreSQL it goes with the next statement, not in a round trip of
    // its own. A second call in the same transaction reserves nothing more.
    m_database.reserveVersion();
    if (actorId)
        m_database.prefetchRow(actorQuery, { actorId });
}

std::optional<Actor> Core::loadActor(qint64 userId) const
{
    const auto row = m_database.row(actorQuery, { userId });
    if (!row)
        return std::nullopt;
    Actor actor;
    actor.id = row->value(QStringLiteral("id")).toLongLong();
    actor.email = row->value(QStringLiteral("email")).toString();
    actor.firstName = row->value(QStringLiteral("first_name")).toString();
    actor.lastName = row->value(QStringLiteral("last_name")).toString();
    actor.contactEmail = row->value(QStringLiteral("contact_email")).toString();
    actor.language = row->value(QStringLiteral("language")).toString();
    actor.support = row->value(QStringLiteral("is_support")).toInt() != 0;
    actor.active = row->value(QStringLiteral("status")).toString() == QLatin1String("active");
    actor.notifications = row->value(QStringLiteral("notifications_enabled")).toInt() != 0;
    return actor;
}

CommandResult Core::run(const QString &command, qint64 actorId,
                        const std::function<void(CommandContext &)> &body, RunOptions options)
{
    try {
        Transaction transaction(m_database);
        // PostgreSQL: the version goes with the actor's read (or the body's
        // first statement). The actor is read just below, in that same round
        // trip: it is not held back as well (0).
        prepareRun(0);
        std::optional<Actor> actor;
        if (!options.anonymous) {
            actor = loadActor(actorId);
            if (!actor)
                return CommandResult::failure(ErrorCode::Unauthenticated, {}, tr("Unknown user."));
            if (!actor->active && !options.allowDeactivated)
                return CommandResult::failure(ErrorCode::Forbidden, {},
                                              tr("This account is deactivated: it can only be reactivated."));
        }
        CommandContext context(*this, command, std::move(actor));
        body(context);
        transaction.commit();
        return context.result;
    } catch (const CommandFailure &failure) {
        return CommandResult::failure(failure.code(), failure.field(), failure.message());
    } catch (const DatabaseUnavailable &error) {
        // The transaction went with the connection: nothing of it remains.
        qWarning().noquote() << "guichet:" << command << "met an unavailable database:" << error.message();
        return CommandResult::failure(ErrorCode::Unavailable, {}, unavailableMessage());
    } catch (const DatabaseError &error) {
        qWarning().noquote() << "guichet:" << command << "failed:" << error.message();
        return CommandResult::failure(ErrorCode::Internal, {},
                                      tr("The database refused the change: %1").arg(error.message()));
    }
}

} // namespace guichet
