#pragma once

#include "rules/accounts/accounts.h"

#include <QList>
#include <QSet>
#include <QString>

#include <functional>
#include <optional>

namespace guichet {

class Database;

// Every SQL statement of the accounts feature (accounts.cpp, sessions.cpp)
// lives here, and nowhere else: the tables users, tokens and sessions it owns,
// plus the few reads and writes of other tables that deactivation needs. The
// rules call these named functions; none of them checks a rule.
//
// Takes a const Database because its statement helpers are const, and
// contactEmail() is handed a const one by its callers.

// What sign-in reads of an account.
struct SignInRecord
{
    qint64 id = 0;
    QString email;
    QString firstName;
    QString contactEmail;
    QString passwordHash;
    QString status;
};

// The failed sign-ins of one (sign-in e-mail, client address); all zero when
// there is none.
struct SignInFailures
{
    int failures = 0;
    std::optional<qint64> nextLoginAt; // ms since the epoch
    std::optional<qint64> lockedUntil; // ms since the epoch
};

// An unlock code of the lockout mail, as found from its hash.
struct UnlockToken
{
    qint64 id = 0;
    qint64 userId = 0;
    qint64 expiresAt = 0;
    bool used = false;
    bool revoked = false;
};

// Whom a mail about the account goes to.
struct AccountMailing
{
    QString email;
    QString firstName;
    QString contactEmail;
};

// What reactivation checks of an account.
struct AccountState
{
    qint64 id = 0;
    QString email;
    QString status;
    qint64 deactivatedAt = 0; // ms since the epoch, 0 while active
    QString passwordHash;
    qint64 createdAt = 0; // ms since the epoch; for an account waiting for activation, its latest sign-up
    QString firstName;
};

// What a sign-up writes of an account waiting for activation.
struct PendingAccountRecord
{
    QString email;
    QString firstName;
    QString lastName;
    QString passwordHash;
    QString secretQuestion;
    QString secretAnswerHash;
    QString language;
};

// An account whose activation period is over.
struct ExpiredPendingAccount
{
    qint64 id = 0;
    QString email;
};

// A reactivation token, as found from its hash.
struct ReactivationToken
{
    qint64 id = 0;
    qint64 userId = 0;
    QString purpose;
    qint64 expiresAt = 0;
    bool used = false;
    bool revoked = false;
};

// A session, as found from its token's hash (revoked ones are not found).
struct SessionRecord
{
    qint64 id = 0;
    qint64 userId = 0;
    qint64 expiresAt = 0;
    qint64 lastUsedAt = 0;
    QString userStatus;
};

// One row the designation search (Accounts::searchUsers) folds and matches.
struct UserAddressRecord
{
    qint64 id = 0;
    QString email;
    QString firstName;
    QString lastName;
    QString addressLine;
    QString postalCode;
    QString city;
};

// A request still waiting for a decision (attachment or subscription).
struct PendingRequest
{
    qint64 id = 0;
    qint64 structureId = 0;
};

class AccountStore
{
public:
    // The two kinds of request a deactivation cancels.
    enum class RequestTable { Attachments, Subscriptions };

    explicit AccountStore(const Database &db);

    // users
    bool emailTaken(const QString &email) const;
    qint64 insertUser(const QString &email, const QString &firstName, const QString &lastName,
                      const QString &passwordHash, const QString &language, bool support, qint64 nowMs,
                      qint64 version);
    std::optional<SignInRecord> signInRecord(const QString &email) const;
    void upgradePasswordHash(qint64 userId, const QString &passwordHash) const;

    // sign_in_failures, per (sign-in e-mail, client address)
    // forUpdate: inside the sign-in's write transaction, the row is locked on
    // PostgreSQL so that parallel attempts count one by one.
    SignInFailures signInFailures(const QString &email, const QString &clientAddress, bool forUpdate) const;
    // One more failure at nowMs; returns the new count.
    int addSignInFailure(const QString &email, const QString &clientAddress, qint64 nowMs);
    // 0: no wait, no lock.
    void setSignInWait(const QString &email, const QString &clientAddress, qint64 nextLoginAtMs,
                       qint64 lockedUntilMs);
    void clearSignInFailures(const QString &email, const QString &clientAddress);
    // Every address's count of the e-mail (the unlock code, a reactivation).
    void clearSignInFailures(const QString &email);
    // Forgets the counts whose last failure is before beforeMs.
    void forgetSignInFailures(qint64 beforeMs);
    QString passwordHash(qint64 userId) const;
    QString secretQuestion(qint64 userId) const;
    QString contactEmail(qint64 userId) const;
    std::optional<AccountMailing> mailing(qint64 userId) const;
    std::optional<AccountState> stateByEmail(const QString &email) const;
    std::optional<AccountState> stateById(qint64 userId) const;
    void updateProfile(qint64 userId, const Profile &profile, qint64 version);
    void setPasswordHash(qint64 userId, const QString &passwordHash, qint64 version);
    void setSecretQuestion(qint64 userId, const QString &question, const QString &answerHash, qint64 version);
    void setNotifications(qint64 userId, bool enabled, const QString &contactEmail, qint64 version);
    void deactivate(qint64 userId, qint64 nowMs, qint64 version);
    // Active again with a new password and secret question.
    void reactivate(qint64 userId, const QString &passwordHash, const QString &question,
                    const QString &answerHash, qint64 version);
    // Accounts waiting for activation (status 'pending').
    qint64 insertPendingUser(const PendingAccountRecord &record, qint64 nowMs, qint64 version);
    // A new sign-up with the address of an account still waiting: its details
    // are replaced and its activation period starts again at nowMs.
    void replacePendingUser(qint64 userId, const PendingAccountRecord &record, qint64 nowMs, qint64 version);
    // An account born from an invitation (no password yet) gets what its
    // owner gave at activation (names, password, secret question).
    void completeInvitedUser(qint64 userId, const PendingAccountRecord &record, qint64 version);
    // An invitation starts the activation period of an account waiting again.
    void restartActivationPeriod(qint64 userId, qint64 nowMs, qint64 version);
    // When the owner was last mailed « someone tried to create an account
    // with your address »; nothing if never.
    std::optional<qint64> accountNoticeAt(qint64 userId) const;
    void setAccountNoticeAt(qint64 userId, qint64 nowMs);
    // Active, when it was waiting for activation; false otherwise.
    bool activatePendingUser(qint64 userId, qint64 version);
    QList<ExpiredPendingAccount> pendingUsersCreatedBefore(qint64 beforeMs) const;
    // Deletes an account that never was active, with its tokens; its mails
    // stay in the outbox without an account.
    void deletePendingUser(qint64 userId);
    std::optional<ProfileView> profile(qint64 userId) const;
    QList<UserSummary> users() const;
    UserCounts userCounts() const;
    // Visits the active accounts by last name, first name and id until visit
    // returns false; streamed, so a search that has enough stops reading.
    void forEachActiveUser(const std::function<bool(const UserAddressRecord &)> &visit) const;

    // tokens
    void insertToken(qint64 userId, const QString &purpose, const QString &tokenHash, qint64 nowMs,
                     qint64 expiresAtMs);
    std::optional<ReactivationToken> reactivationToken(const QString &tokenHash) const;
    // The same record for an activation token (purpose 'activation').
    std::optional<ReactivationToken> activationToken(const QString &tokenHash) const;
    // Revokes the user's unused tokens of one purpose.
    void revokeTokens(qint64 userId, const QString &purpose, qint64 nowMs);
    std::optional<UnlockToken> unlockToken(const QString &tokenHash) const;
    // Whether the user has a token of `purpose` neither used, revoked nor expired.
    bool hasOpenToken(qint64 userId, const QString &purpose, qint64 nowMs) const;
    void markTokenUsed(qint64 tokenId, qint64 nowMs);
    // Revokes the user's unused reactivation and support reactivation tokens.
    void revokeReactivationTokens(qint64 userId, qint64 nowMs);
    // Revokes every unused token of the user, whatever its purpose.
    void revokeOpenTokens(qint64 userId, qint64 nowMs);

    // sessions
    qint64 insertSession(qint64 userId, const QString &tokenHash, qint64 nowMs, qint64 expiresAtMs);
    std::optional<SessionRecord> openSession(const QString &tokenHash) const;
    void touchSession(qint64 sessionId, qint64 nowMs);
    // Of sessionIds, those not revoked, not expired at nowMs, of an active account.
    QSet<qint64> openSessionIds(const QList<qint64> &sessionIds, qint64 nowMs) const;
    // Revokes the session when it is the user's and still open.
    void revokeSession(qint64 sessionId, qint64 userId, qint64 nowMs);
    // exceptSessionId 0: every open session of the user.
    void revokeSessions(qint64 userId, qint64 exceptSessionId, qint64 nowMs);

    // What deactivation reads and writes elsewhere.
    QString raisonSociale(qint64 structureId) const;
    QList<PendingRequest> pendingRequests(RequestTable table, qint64 userId) const;
    // Closes a pending request as refused by decidedBy, with comment.
    void refuseRequest(RequestTable table, qint64 requestId, qint64 nowMs, qint64 decidedBy,
                       const QString &comment, qint64 version);

private:
    // The token with this hash whose purpose meets `purposeCondition` (SQL, a literal).
    std::optional<ReactivationToken> token(const QString &tokenHash, const QString &purposeCondition) const;

    const Database &m_db;
};

} // namespace guichet
