#include "rules/accounts/sessions.h"

#include "kernel/core.h"
#include "rules/accounts/accounts.h"
#include "rules/accounts/passwords.h"

namespace guichet {

namespace {
constexpr qint64 DayMs = 24 * 60 * 60 * 1000;
// Recording every use would write on every request; a minute is precise enough.
constexpr qint64 LastUsedPrecisionMs = 60 * 1000;
} // namespace

Sessions::Sessions(Core &core)
    : m_core(core)
{
}

CommandResult Sessions::signIn(const QString &email, const QString &password, int lifetimeDays)
{
    CommandResult result = Accounts(m_core).authenticate(email, password);
    if (!result.ok())
        return result;
    const qint64 userId = result.id;
    const QString token = newSecretToken();
    const qint64 now = m_core.clock().nowMs();
    const qint64 expires = now + qint64(qMax(lifetimeDays, 1)) * DayMs;
    try {
        Database &db = m_core.db();
        Transaction transaction(db);
        const qint64 sessionId = db.insert(
            QStringLiteral("INSERT INTO sessions (user_id, token_hash, created_at, expires_at, last_used_at) "
                           "VALUES (?, ?, ?, ?, ?) RETURNING id"),
            { userId, secretTokenHash(token), now, expires, now });
        transaction.commit();
        return CommandResult::success(
            userId,
            { { QStringLiteral("token"), token },
              { QStringLiteral("sessionId"), sessionId },
              { QStringLiteral("expiresAt"), QDateTime::fromMSecsSinceEpoch(expires, Qt::UTC) } });
    } catch (const DatabaseError &error) {
        return CommandResult::failure(ErrorCode::Internal, {},
                                      tr("The session could not be opened: %1").arg(error.message()));
    }
}

std::optional<SessionInfo> Sessions::find(const QString &token)
{
    if (token.isEmpty())
        return std::nullopt;
    Database &db = m_core.db();
    const auto row = db.row(QStringLiteral("SELECT s.id, s.user_id, s.expires_at, s.last_used_at, u.status "
                                           "FROM sessions s JOIN users u ON u.id = s.user_id "
                                           "WHERE s.token_hash = ? AND s.revoked_at IS NULL"),
                            { secretTokenHash(token) });
    const qint64 now = m_core.clock().nowMs();
    if (!row || now >= row->value(QStringLiteral("expires_at")).toLongLong()
        || row->value(QStringLiteral("status")).toString() != QLatin1String("active"))
        return std::nullopt;
    SessionInfo info;
    info.id = row->value(QStringLiteral("id")).toLongLong();
    info.userId = row->value(QStringLiteral("user_id")).toLongLong();
    info.expiresAt
        = QDateTime::fromMSecsSinceEpoch(row->value(QStringLiteral("expires_at")).toLongLong(), Qt::UTC);
    if (now - row->value(QStringLiteral("last_used_at")).toLongLong() >= LastUsedPrecisionMs)
        db.exec(QStringLiteral("UPDATE sessions SET last_used_at = ? WHERE id = ?"), { now, info.id });
    return info;
}

CommandResult Sessions::signOut(qint64 actorId, qint64 sessionId)
{
    return m_core.run(QStringLiteral("signOut"), actorId, [&](CommandContext &ctx) {
        ctx.db().exec(QStringLiteral("UPDATE sessions SET revoked_at = ? WHERE id = ? AND user_id = ? AND "
                                     "revoked_at IS NULL"),
                      { ctx.clock().nowMs(), sessionId, ctx.actorId() });
        ctx.audit(QStringLiteral("user"), ctx.actorId(), 0, QStringLiteral("signed out"));
        ctx.result = CommandResult::success(ctx.actorId());
    });
}

void Sessions::revokeAll(CommandContext &ctx, qint64 userId, qint64 exceptSessionId)
{
    ctx.db().exec(QStringLiteral("UPDATE sessions SET revoked_at = ? WHERE user_id = ? AND id <> ? AND "
                                 "revoked_at IS NULL"),
                  { ctx.clock().nowMs(), userId, exceptSessionId });
}

} // namespace guichet
