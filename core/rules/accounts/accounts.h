#pragma once

#include "kernel/commandresult.h"

#include <QCoreApplication>
#include <QDateTime>
#include <QHash>
#include <QList>
#include <QString>

#include <functional>
#include <optional>

namespace guichet {

class Core;
class CommandContext;
class Database;

// The one e-mail syntax check, for sign-in and contact addresses alike:
// local@domain, a dot-atom local part of at most 64 characters, a domain of
// dot-separated labels (letters, digits, inner hyphens) ending in a top-level
// label of at least 2 letters, 254 characters at most in all.
bool isValidEmail(const QString &email);

// A time as account mails and answers give it: « 2026-12-06 18:30 UTC ».
QString utcText(qint64 ms);

// The address the user's notifications go to (« e-mail de contact »); empty
// for an unknown user.
QString contactEmail(const Database &db, qint64 userId);

// Rules of the account, in one place (docs/ACCOUNTS.md explains them to operators).
namespace accountRules {
// Failed sign-ins are counted per (sign-in e-mail, client address): guesses
// from one address slow down and lock that address out of that account, never
// its owner signing in from elsewhere (docs/ACCOUNTS.md).
// Consecutive failed sign-ins from one address after which each new attempt
// from there must wait 2^(failures - 2) seconds after the last failure (2 s, 4 s).
constexpr int SlowDownAfterFailures = 3;
// Consecutive failed sign-ins from one address that lock the account for that
// address for LockDurationSecs.
constexpr int LockAfterFailures = 5;
constexpr qint64 LockDurationSecs = 60 * 60;
// A count is forgotten this long after its last failure.
constexpr qint64 FailureMemorySecs = 24 * 60 * 60;
// The lockout mail's unlock code lets the owner sign in from anywhere despite
// the locks (with the right password); it works once, for this long.
constexpr qint64 UnlockCodeLifetimeSecs = 24 * 60 * 60;
// The client address of a sign-in without a network (the desktop's
// standalone mode, guichetctl).
inline const QString LocalClientAddress = QStringLiteral("local");
// The longest client address accepted (an IPv6 address with its prefix length
// fits well within it).
constexpr int ClientAddressMaxLength = 64;
// Self-service reactivation works this many days after the deactivation.
constexpr int ReactivationPeriodDays = 60;
// A reactivation link (token) is valid this long after it was sent.
constexpr qint64 ReactivationTokenLifetimeSecs = 24 * 60 * 60;
} // namespace accountRules

struct NewUser
{
    QString email;
    QString firstName;
    QString lastName;
    QString password;
    bool support = false;
    QString language = QStringLiteral("fr"); // "fr" or "en"
};

// « Mes informations personnelles »: what updateProfile changes.
struct Profile
{
    QString contactEmail;
    QString lastName;
    QString firstName;
    QString addressLine;
    QString postalCode;
    QString city;
    QString country;
};

// The whole « Modifier ses informations personnelles » form, saved by one
// « Valider » (updatePersonalInformation): all of it or nothing.
struct PersonalInformation
{
    Profile profile;
    // All empty: the password stays. Otherwise the current one, the new one and
    // its confirmation.
    QString currentPassword;
    QString newPassword;
    QString confirmation;
    // Both empty: the secret question and answer stay. Another question needs
    // its answer; an answer alone replaces the answer to the stored question.
    // Changing either needs currentPassword.
    QString secretQuestion;
    QString secretAnswer;
};

// What the « Mon compte » screen shows.
struct ProfileView
{
    qint64 id = 0;
    QString email;
    Profile profile;
    QString secretQuestion;
    bool hasSecretAnswer = false;
    bool notifications = false;
    QString language;
    bool support = false;
    bool active = true;
    QDateTime deactivatedAt; // invalid while active
    QDateTime createdAt;
};

// One line of the operators' user list.
struct UserSummary
{
    qint64 id = 0;
    QString email;
    QString firstName;
    QString lastName;
    bool support = false;
    bool active = true;
    bool pending = false; // waiting for activation (« Créer un compte », signups.h)
};

// How many accounts exist, and how many of them are deactivated.
struct UserCounts
{
    qint64 total = 0;
    qint64 deactivated = 0;
};

// Who becomes principal manager of each structure a deactivating principal
// manager leaves: one user for all, or one per structure (structure id -> user
// id); a per-structure entry wins over forAll.
struct Successors
{
    qint64 forAll = 0;
    QHash<qint64, qint64> perStructure;

    static Successors none() { return {}; }
    static Successors all(qint64 userId) { return { userId, {} }; }
    static Successors each(const QHash<qint64, qint64> &map) { return { 0, map }; }
    qint64 forStructure(qint64 structureId) const { return perStructure.value(structureId, forAll); }
};

// An account found by the designation search (« Loupe », Accounts::searchUsers).
struct UserSearchResult
{
    qint64 id = 0; // the user
    QString email; // sign-in e-mail
    QString firstName;
    QString lastName;
    QString address; // postal address on one line (street, postal code, city)

    bool operator==(const UserSearchResult &other) const
    {
        return id == other.id && email == other.email && firstName == other.firstName
            && lastName == other.lastName && address == other.address;
    }
};

// One sign-in attempt as an entry point received it.
struct SignInRequest
{
    QString email;
    QString password;
    // Who is trying: guichetd's TCP peer (or, behind a trusted proxy, the
    // address it forwarded); empty means accountRules::LocalClientAddress.
    QString clientAddress;
    // The code of the lockout mail; empty for an ordinary sign-in.
    QString unlockCode;
};

// A sign-in between its three steps (Accounts::beginSignIn, verifySignIn,
// finishSignIn): what was read before the password is verified, outside any
// transaction. Opaque to the entry points.
struct SignInAttempt
{
    // Set when the attempt is answered without verifying the password (bad
    // input, an invalid unlock code, a lock or a slow-down): the answer.
    std::optional<CommandResult> decided;
    QString email; // folded
    QString password;
    QString clientAddress;
    // Where failures count: the client address, or the unlock code's own count.
    QString counterAddress;
    qint64 userId = 0; // 0: no account has this e-mail
    QString storedHash; // the hash to verify against (empty: a dummy one)
    qint64 unlockTokenId = 0;
};

// What verifying the password found (no database involved).
struct SignInVerdict
{
    bool passwordOk = false;
    QString upgradedHash; // a new hash when the stored one used other limits
};

// The user account (« compte utilisateur »): creation, sign-in with slow-down
// and lockout, personal information, password, secret question, notification
// settings, deactivation and reactivation.
class Accounts
{
    Q_DECLARE_TR_FUNCTIONS(guichet::Accounts)

public:
    explicit Accounts(Core &core);

    // Operator command (no signed-in user). Returns the new user's id.
    CommandResult createUser(const NewUser &user);

    // Sign-in. Success: id = the user's id. Failures: Unauthenticated with the
    // same message whether the e-mail is unknown or the password wrong; Locked
    // (data "retryAfter" in seconds) while slowed down or locked; Forbidden with
    // data "deactivated" = true for a deactivated account (right password only).
    // For the desktop's standalone sign-in (the local client address).
    CommandResult authenticate(const QString &email, const QString &password);
    CommandResult authenticate(const SignInRequest &request);

    // authenticate() in three steps, so that argon2id (about 150 ms) runs
    // outside any transaction and on whatever thread the caller chooses:
    // 1. beginSignIn reads the account and the failure count of its
    //    (e-mail, address); it answers at once (attempt.decided) for bad input,
    //    an invalid unlock code, a lock or a slow-down (auditing the refusal);
    // 2. verifySignIn verifies the password (no database, any thread);
    // 3. finishSignIn writes the outcome in one short transaction (failure
    //    count, lock and its mail, audit), checking the lock again, and runs
    //    onSuccess inside that transaction when the user is signed in.
    SignInAttempt beginSignIn(const SignInRequest &request);
    static SignInVerdict verifySignIn(const SignInAttempt &attempt);
    CommandResult finishSignIn(const SignInAttempt &attempt, const SignInVerdict &verdict,
                               const std::function<void(CommandContext &)> &onSuccess = {});

    CommandResult updateProfile(qint64 actorId, const Profile &profile);
    CommandResult changePassword(qint64 actorId, const QString &currentPassword, const QString &newPassword,
                                 const QString &confirmation);
    CommandResult setSecretQuestion(qint64 actorId, const QString &currentPassword, const QString &question,
                                    const QString &answer);
    // One « Valider » of « Mes informations personnelles »: the profile, and the
    // password and secret question when they change, in one transaction. A
    // refusal names every invalid field at once (field = comma-separated names)
    // and saves nothing. Success: id = the user, data "passwordChanged",
    // "secretQuestionChanged" (booleans).
    CommandResult updatePersonalInformation(qint64 actorId, const PersonalInformation &info);
    // contactEmail: the address notifications go to; required (and saved) when
    // enabling; when disabling, empty keeps the stored one.
    CommandResult setNotifications(qint64 actorId, bool enabled, const QString &contactEmail);

    CommandResult deactivateAccount(qint64 actorId, const Successors &successors);

    // Anonymous. The same neutral success whatever the address (no
    // enumeration): a reactivation mail only to a deactivated account within
    // its 60 days; past them, its owner is mailed how to reach support (at most
    // once an hour, accountRules::AccountNoticeIntervalSecs); nothing else is
    // sent.
    CommandResult requestReactivation(const QString &email);
    // Anonymous: the page the reactivation link opens.
    CommandResult completeReactivation(const QString &token, const QString &newPassword,
                                       const QString &secretQuestion, const QString &secretAnswer);
    // Support staff, at any time after deactivation: sends the user a
    // reactivation link that is not bound to the 60-day period.
    CommandResult supportReactivate(qint64 actorId, qint64 userId);
    // The same, from guichetctl (an operator, no signed-in user); audited with
    // no actor and "by operator".
    CommandResult operatorReactivate(const QString &email);

    std::optional<ProfileView> profile(qint64 userId) const;
    QList<UserSummary> users() const;
    UserCounts userCounts() const;
    // The designation search (« Loupe »): active accounts whose name, e-mail or
    // postal address contains every word of `text`, ignoring case and accents;
    // at most `limit`, by last name.
    // A refusal naming the parameter `q` when the search text is over
    // textLimit::SearchTerm; searchUsers() finds nothing for such a text.
    static std::optional<CommandResult> checkSearchTerm(const QString &text);
    QList<UserSearchResult> searchUsers(const QString &text, int limit = 200) const;

private:
    void sendSupportReactivation(CommandContext &ctx, qint64 userId, const QString &by);

    Core &m_core;
};

} // namespace guichet
