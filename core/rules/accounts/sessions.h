#pragma once

#include "kernel/commandresult.h"
#include "rules/accounts/accounts.h"
#include "rules/accounts/signups.h"

#include <QCoreApplication>
#include <QDateTime>
#include <QList>
#include <QSet>
#include <QString>

#include <optional>

namespace guichet {

class Core;
class CommandContext;

// An open guichetd session, as found from its token.
struct SessionInfo
{
    qint64 id = 0;
    qint64 userId = 0;
    QDateTime expiresAt;
    qint64 lastUsedAtMs = 0; // its last use as recorded (now, when find() recorded it)
};

// guichetd's sign-in sessions (docs/API.md, "Sessions"). The token is 32 random
// bytes (newSecretToken); only its SHA-256 is stored, with its creation,
// expiry, last use and revocation times. Sessions end:
// - at sign-out (that session);
// - when the account is deactivated (all of the user's sessions);
// - when the password changes or the account is reactivated (all the user's
//   sessions except the one the change came through, Core::sessionId()).
class Sessions
{
    Q_DECLARE_TR_FUNCTIONS(guichet::Sessions)

public:
    static constexpr int DefaultLifetimeDays = 30;

    explicit Sessions(Core &core);

    // Accounts::authenticate (with its slow-down and lockout), then a new
    // session. Success: id = the user, data "token" (the only copy of it),
    // "sessionId", "expiresAt" (UTC). Failures are authenticate's.
    CommandResult signIn(const SignInRequest &request, int lifetimeDays = DefaultLifetimeDays);
    // The last step of signIn for a caller that ran Accounts::beginSignIn and
    // verifySignIn itself (guichetd verifies on a pool of its own): the
    // outcome and the new session in one short transaction.
    CommandResult finishSignIn(const SignInAttempt &attempt, const SignInVerdict &verdict,
                               int lifetimeDays = DefaultLifetimeDays);
    // Activates an account waiting for activation (SignUps::activate) and
    // opens its first session in the same transaction: the answer is
    // signIn's. Failures are SignUps::activate's.
    CommandResult activate(const QString &activationToken, const ActivationDetails &details = {},
                           int lifetimeDays = DefaultLifetimeDays);
    // The session of token when it is neither revoked nor expired and its
    // account is active; records its use (at most once a minute).
    std::optional<SessionInfo> find(const QString &token);
    // Of sessionIds, those still open now (not revoked, not expired, account
    // active): guichetd checks its parked long-polls in one query.
    QSet<qint64> stillOpen(const QList<qint64> &sessionIds) const;
    // Sign-out: ends the caller's session.
    CommandResult signOut(qint64 actorId, qint64 sessionId);

    // Inside a command: ends every open session of userId but exceptSessionId.
    static void revokeAll(CommandContext &ctx, qint64 userId, qint64 exceptSessionId = 0);

private:
    // Inside a command whose result.id is the user signed in: a new session,
    // the result becoming signIn's (token, sessionId, expiresAt).
    static void openSession(CommandContext &ctx, int lifetimeDays);

    Core &m_core;
};

} // namespace guichet
