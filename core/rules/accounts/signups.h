#pragma once

#include "kernel/commandresult.h"

#include <QCoreApplication>
#include <QString>

#include <functional>

namespace guichet {

class Core;
class CommandContext;

namespace accountRules {
// An activation link (token) is valid this long after it was sent.
constexpr qint64 ActivationTokenLifetimeSecs = 48 * 60 * 60;
// An account not activated this many days after its sign-up is removed (the
// address may then sign up again); a new sign-up with the address starts the
// period again, a resent mail does not.
constexpr int ActivationPeriodDays = 7;
// The owner of an address is mailed « someone tried to create an account with
// your address » at most once in this long (the attempts are still audited).
constexpr qint64 AccountNoticeIntervalSecs = 60 * 60;
} // namespace accountRules

// Whether a mail about their account (someone tried to sign up with the address,
// a reactivation asked too late) may go to `userId` now, at most one per
// AccountNoticeIntervalSecs; if it may, it is recorded as sent.
bool claimAccountNotice(CommandContext &ctx, qint64 userId);

// What an invitee gives at activation: an account born from an invitation
// (ManagerActivity::inviteUser) has no name, password nor secret question yet.
struct ActivationDetails
{
    QString firstName;
    QString lastName;
    QString password; // the password policy applies
    QString secretQuestion;
    QString secretAnswer;
    bool isEmpty() const
    {
        return firstName.isEmpty() && lastName.isEmpty() && password.isEmpty() && secretQuestion.isEmpty()
            && secretAnswer.isEmpty();
    }
};

// Inside a command: a new single-use activation token for the account waiting
// for activation (the older ones void), until min(now + lifetime, the end of
// its activation period).
struct ActivationLink
{
    QString token; // the code alone, for another device
    QString link; // guichet://activate?token=…
    qint64 expiresAt = 0; // ms since the epoch
};
ActivationLink newActivationLink(CommandContext &ctx, qint64 userId, qint64 createdAt);

// What « Créer un compte » sends.
struct SignUpRequest
{
    QString email; // the sign-in e-mail, also the first contact address
    QString firstName;
    QString lastName;
    QString password; // the password policy applies (passwords.h)
    QString secretQuestion;
    QString secretAnswer;
    QString language = QStringLiteral("fr"); // "fr" or "en": the mails' language
};

// Accounts born from the sign-in window (« Créer un compte »): the account
// waits for activation (users.status 'pending': it cannot sign in) until its
// owner opens the mailed link (guichet://activate?token=…, or its code pasted).
// The link works once, for ActivationTokenLifetimeSecs; a newer mail voids the
// older; only the token's SHA-256 is stored. Accounts never activated are
// removed ActivationPeriodDays after their sign-up.
//
// No enumeration (docs/ACCOUNTS.md): signUp answers the same, and does the
// same hashing, whether or not the address has an account (its owner gets a
// mail saying someone tried); resendActivation answers the same for every
// address and mails only an account waiting for activation.
class SignUps
{
    Q_DECLARE_TR_FUNCTIONS(guichet::SignUps)

public:
    explicit SignUps(Core &core);

    // Anonymous. A refusal names the field(s) at fault (InvalidInput; several
    // at once as "email,firstName"); success: id 0 and data "message", the
    // same for a new address, an address waiting for activation (its details
    // are replaced by these, the older link voided) and an address that
    // already has an account (nothing changes; its owner gets a mail).
    CommandResult signUp(const SignUpRequest &request);
    // Anonymous: the page the activation link opens. Success: id = the user,
    // now active. Expired (field "token") for an unknown, used, replaced or
    // expired link. onSuccess runs inside the transaction (guichetd opens a
    // session there, so that the user is signed in at once).
    // An account born from an invitation needs `details` too: without them,
    // InvalidInput naming the missing fields, with data "needsDetails" true
    // (the dialog then shows them); the same checks as signUp.
    CommandResult activate(const QString &token, const ActivationDetails &details = {},
                           const std::function<void(CommandContext &)> &onSuccess = {});
    // Anonymous, from the sign-in window: a new activation mail. Success with
    // the same data "message" whatever the address.
    CommandResult resendActivation(const QString &email);
    // Support staff (the portal's « renvoyer le mail d'activation »): a new
    // activation mail to an account waiting for activation. NotFound, or
    // Conflict when the account is not waiting for activation.
    CommandResult supportResendActivation(qint64 actorId, qint64 userId);
    // Removes the accounts whose activation period is over (also done by every
    // sign-up); returns how many. Audited, with no actor.
    CommandResult removeExpired();

    // The neutral answers, for the tests and the screens.
    static QString signUpMessage(const QString &email);
    static QString resendMessage();

private:
    Core &m_core;
};

} // namespace guichet
