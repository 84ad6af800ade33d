#include "rules/accounts/sessions.h"

#include "kernel/core.h"
#include "rules/accounts/accounts.h"
#include "rules/accounts/accountstore.h"
#include "rules/accounts/passwords.h"
#include "rules/accounts/signups.h"

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

CommandResult Sessions::signIn(const SignInRequest &request, int lifetimeDays)
{
    const SignInAttempt attempt = Accounts(m_core).beginSignIn(request);
    if (attempt.decided)
        return *attempt.decided;
    return finishSignIn(attempt, Accounts::verifySignIn(attempt), lifetimeDays);
}

CommandResult Sessions::finishSignIn(const SignInAttempt &attempt, const SignInVerdict &verdict,
                                     int lifetimeDays)
{
    return Accounts(m_core).finishSignIn(
        attempt, verdict, [lifetimeDays](CommandContext &ctx) { openSession(ctx, lifetimeDays); });
}

CommandResult Sessions::activate(const QString &activationToken, const ActivationDetails &details,
                                 int lifetimeDays)
{
    return SignUps(m_core).activate(activationToken, details,
                                    [lifetimeDays](CommandContext &ctx) { openSession(ctx, lifetimeDays); });
}

void Sessions::openSession(CommandContext &ctx, int lifetimeDays)
{
    const qint64 userId = ctx.result.id;
    const QString token = newSecretToken();
    const qint64 now = ctx.clock().nowMs();
    const qint64 expires = now + qint64(qMax(lifetimeDays, 1)) * DayMs;
    const qint64 sessionId
        = AccountStore(ctx.db()).insertSession(userId, secretTokenHash(token), now, expires);
    ctx.result = CommandResult::success(
        userId,
        { { QStringLiteral("token"), token },
          { QStringLiteral("sessionId"), sessionId },
          { QStringLiteral("expiresAt"), QDateTime::fromMSecsSinceEpoch(expires, Qt::UTC) } });
}

std::optional<SessionInfo> Sessions::find(const QString &token)
{
    if (token.isEmpty())
        return std::nullopt;
    AccountStore store(m_core.db());
    const auto session = store.openSession(secretTokenHash(token));
    const qint64 now = m_core.clock().nowMs();
    if (!session || now >= session->expiresAt || session->userStatus != QLatin1String("active"))
        return std::nullopt;
    SessionInfo info;
    info.id = session->id;
    info.userId = session->userId;
    info.expiresAt = QDateTime::fromMSecsSinceEpoch(session->expiresAt, Qt::UTC);
    info.lastUsedAtMs = session->lastUsedAt;
    if (now - session->lastUsedAt >= LastUsedPrecisionMs) {
        store.touchSession(info.id, now);
        info.lastUsedAtMs = now;
    }
    return info;
}

QSet<qint64> Sessions::stillOpen(const QList<qint64> &sessionIds) const
{
    return AccountStore(m_core.db()).openSessionIds(sessionIds, m_core.clock().nowMs());
}

CommandResult Sessions::signOut(qint64 actorId, qint64 sessionId)
{
    return m_core.run(QStringLiteral("signOut"), actorId, [&](CommandContext &ctx) {
        AccountStore(ctx.db()).revokeSession(sessionId, ctx.actorId(), ctx.clock().nowMs());
        ctx.audit(QStringLiteral("user"), ctx.actorId(), 0,
                  AuditRecord(AuditAction::SignedOut, ctx.actorId()));
        ctx.result = CommandResult::success(ctx.actorId());
    });
}

void Sessions::revokeAll(CommandContext &ctx, qint64 userId, qint64 exceptSessionId)
{
    AccountStore(ctx.db()).revokeSessions(userId, exceptSessionId, ctx.clock().nowMs());
    // The change counter moves with every end of a session: guichetd trusts
    // the sessions it keeps in memory only while it has not moved.
    ctx.version();
}

} // namespace guichet
