#include "rules/accounts/signups.h"

#include "kernel/core.h"
#include "kernel/guichetlink.h"
#include "kernel/textlimits.h"
#include "mail/mailtext.h"
#include "rules/accounts/accounts.h"
#include "rules/accounts/accountstore.h"
#include "rules/accounts/passwords.h"
#include "rules/manager/manageractivity.h"

#include <QDateTime>
#include <QStringList>

#include <algorithm>
#include <tuple>

namespace guichet {

namespace {

constexpr qint64 DayMs = 24 * 60 * 60 * 1000;
const QString kPending = QStringLiteral("pending");
const QString kActivation = QStringLiteral("activation");

qint64 activationDeadline(qint64 createdAt)
{
    return createdAt + qint64(accountRules::ActivationPeriodDays) * DayMs;
}

// A sign-up's fields, checked and cleaned before anything is hashed: the
// length bounds first (naming the field), then every missing or invalid field
// at once, then the password policy.
struct CleanSignUp
{
    PendingAccountRecord record;
    QString password;
    QString answer;
};

std::optional<CommandResult> checkSignUp(const SignUpRequest &request, CleanSignUp &clean)
{
    PendingAccountRecord &r = clean.record;
    r.email = request.email.trimmed().toLower();
    r.firstName = request.firstName.trimmed();
    r.lastName = request.lastName.trimmed();
    r.secretQuestion = request.secretQuestion.trimmed();
    r.language = request.language.trimmed().isEmpty() ? QStringLiteral("fr") : request.language.trimmed();
    clean.password = request.password;
    clean.answer = request.secretAnswer;
    for (const auto &[field, value, max] :
         { std::tuple { QStringLiteral("email"), r.email, textLimit::Email },
           std::tuple { QStringLiteral("firstName"), r.firstName, textLimit::Name },
           std::tuple { QStringLiteral("lastName"), r.lastName, textLimit::Name },
           std::tuple { QStringLiteral("password"), clean.password, textLimit::Password },
           std::tuple { QStringLiteral("secretQuestion"), r.secretQuestion, textLimit::SecretQuestion },
           std::tuple { QStringLiteral("secretAnswer"), clean.answer, textLimit::SecretAnswer },
           std::tuple { QStringLiteral("language"), r.language, textLimit::Code } }) {
        if (auto refusal = TextLimits::check(field, value, max))
            return refusal;
    }
    QStringList fields, labels;
    const auto wrong = [&](bool bad, const QString &field, const QString &label) {
        if (bad) {
            fields << field;
            labels << label;
        }
    };
    wrong(!isValidEmail(r.email), QStringLiteral("email"),
          r.email.isEmpty() ? SignUps::tr("e-mail address")
                            : SignUps::tr("e-mail address (not a valid address)"));
    wrong(r.firstName.isEmpty(), QStringLiteral("firstName"), SignUps::tr("first name"));
    wrong(r.lastName.isEmpty(), QStringLiteral("lastName"), SignUps::tr("last name"));
    wrong(clean.password.isEmpty(), QStringLiteral("password"), SignUps::tr("password"));
    wrong(r.secretQuestion.isEmpty(), QStringLiteral("secretQuestion"), SignUps::tr("secret question"));
    wrong(PasswordHasher::foldSecretAnswer(clean.answer).isEmpty(), QStringLiteral("secretAnswer"),
          SignUps::tr("answer to the secret question"));
    wrong(r.language != QLatin1String("fr") && r.language != QLatin1String("en"), QStringLiteral("language"),
          SignUps::tr("language (fr or en)"));
    if (!fields.isEmpty())
        return CommandResult::failure(
            ErrorCode::InvalidInput, fields.join(QLatin1Char(',')),
            SignUps::tr("Complete or correct these fields: %1.").arg(labels.join(QStringLiteral(", "))));
    const PasswordCheck check = checkPasswordPolicy(clean.password, r.email);
    if (!check.ok())
        return CommandResult::failure(ErrorCode::InvalidInput, QStringLiteral("password"), check.reason);
    return std::nullopt;
}

// Creates a single-use activation token (voiding the older ones) and mails
// its link and code; returns when it expires.
qint64 sendActivationMail(CommandContext &ctx, qint64 userId, qint64 createdAt)
{
    const auto user = AccountStore(ctx.db()).mailing(userId);
    const ActivationLink link = newActivationLink(ctx, userId, createdAt);
    const MailText t = MailText::forUser(ctx.db(), userId);
    MailBody body;
    body.paragraph(
        t.translate("guichet::SignUps",
                    "Hello %1,\n\n"
                    "To activate your Guichet account %2, open this link:\n%3\n\n"
                    "Reading this mail on another device? In Guichet, click \"Create an account\", then "
                    "\"I already have a code\", and paste this code:\n%4\n\n"
                    "The link works once and until %5; a newer mail replaces it. Once the account is "
                    "activated, Guichet opens signed in.\n\n"
                    "If you did not ask for an account, ignore this mail: an account that is not activated "
                    "is removed after %6 days.")
            .arg(user->firstName, user->email, link.link, link.token, utcText(link.expiresAt))
            .arg(accountRules::ActivationPeriodDays));
    ctx.queueMail(userId, user->email, t.translate("guichet::SignUps", "Activate your Guichet account"),
                  body.text(), body.html());
    return link.expiresAt;
}

// The mail to the owner of an address that already has an account, at most
// once per AccountNoticeIntervalSecs (a stranger repeating sign-ups must not
// flood the owner's mailbox). Returns whether it was sent.
bool sendAlreadyRegisteredMail(CommandContext &ctx, qint64 userId)
{
    if (!claimAccountNotice(ctx, userId))
        return false;
    AccountStore store(ctx.db());
    const auto user = store.mailing(userId);
    const MailText t = MailText::forUser(ctx.db(), userId);
    MailBody body;
    body.paragraph(t.translate("guichet::SignUps",
                               "Hello %1,\n\n"
                               "Someone asked to create a Guichet account with your address %2, which "
                               "already has one. Nothing was created and nothing changed on your account.\n\n"
                               "If it was you, sign in with this address and your password. If your account "
                               "is deactivated, click \"Reactivate my account\" in the sign-in window. If "
                               "you forgot your password, write to support from the sign-in window.\n\n"
                               "If it was not you, ignore this mail.")
                       .arg(user->firstName, user->email));
    ctx.queueMail(
        userId, user->contactEmail.isEmpty() ? user->email : user->contactEmail,
        t.translate("guichet::SignUps", "Someone tried to create a Guichet account with your address"),
        body.text(), body.html(), CommandContext::MailPolicy::EvenIfDeactivated);
    return true;
}

void removeExpiredAccounts(CommandContext &ctx, int *removed = nullptr)
{
    AccountStore store(ctx.db());
    const qint64 cutoff = ctx.clock().nowMs() - qint64(accountRules::ActivationPeriodDays) * DayMs;
    const QList<ExpiredPendingAccount> expired = store.pendingUsersCreatedBefore(cutoff + 1);
    for (const ExpiredPendingAccount &account : expired) {
        dropInvitations(ctx, account.id);
        store.deletePendingUser(account.id);
        AuditRecord gone(AuditAction::UnactivatedAccountRemoved, account.id);
        gone.email = account.email;
        gone.count = accountRules::ActivationPeriodDays;
        ctx.audit(QStringLiteral("user"), account.id, 0, gone);
        ctx.tombstone(QStringLiteral("users"), account.id, account.id, 0);
    }
    if (removed)
        *removed = int(expired.size());
}

QString expiredLinkMessage()
{
    return SignUps::tr("This activation link is no longer valid (already used, replaced by a newer mail, or "
                       "expired): ask for a new mail with \"Resend the activation mail\", or create the "
                       "account again.");
}

} // namespace

bool claimAccountNotice(CommandContext &ctx, qint64 userId)
{
    AccountStore store(ctx.db());
    const qint64 now = ctx.clock().nowMs();
    const std::optional<qint64> last = store.accountNoticeAt(userId);
    if (last && now - *last < accountRules::AccountNoticeIntervalSecs * 1000)
        return false;
    store.setAccountNoticeAt(userId, now);
    return true;
}

ActivationLink newActivationLink(CommandContext &ctx, qint64 userId, qint64 createdAt)
{
    AccountStore store(ctx.db());
    const qint64 now = ctx.clock().nowMs();
    store.revokeTokens(userId, kActivation, now);
    ActivationLink link;
    link.token = newSecretToken();
    // Never beyond the account's own end.
    link.expiresAt
        = std::min(now + accountRules::ActivationTokenLifetimeSecs * 1000, activationDeadline(createdAt));
    store.insertToken(userId, kActivation, secretTokenHash(link.token), now, link.expiresAt);
    link.link
        = GuichetLink(GuichetLink::Action::Activate, link.token, GuichetLink::issuingServer()).toString();
    return link;
}

SignUps::SignUps(Core &core)
    : m_core(core)
{
}

QString SignUps::signUpMessage(const QString &email)
{
    return tr("A mail has been sent to %1. Open its link, or paste its code here, within %2 hours to "
              "activate your account. Nothing arrived? Check the address, then ask for a new mail.")
        .arg(email.trimmed().toLower())
        .arg(accountRules::ActivationTokenLifetimeSecs / 3600);
}

QString SignUps::resendMessage()
{
    return tr("If an account waiting for activation has this address, a new activation mail has been sent "
              "to it; the older links no longer work.");
}

CommandResult SignUps::signUp(const SignUpRequest &request)
{
    CleanSignUp clean;
    if (auto refusal = checkSignUp(request, clean))
        return *refusal;
    // Hashed before the transaction (argon2id does not hold the write lock),
    // and whatever the address: a known one costs the same time as a new one.
    clean.record.passwordHash = PasswordHasher::hash(clean.password);
    clean.record.secretAnswerHash = PasswordHasher::hashSecretAnswer(clean.answer);
    if (clean.record.passwordHash.isEmpty() || clean.record.secretAnswerHash.isEmpty())
        return CommandResult::failure(ErrorCode::Internal, {},
                                      tr("The password could not be protected (out of memory)."));
    const PendingAccountRecord &record = clean.record;
    return m_core.run(
        QStringLiteral("signUp"), 0,
        [&](CommandContext &ctx) {
            removeExpiredAccounts(ctx);
            AccountStore store(ctx.db());
            const qint64 now = ctx.clock().nowMs();
            // The same answer whatever the address (no enumeration).
            ctx.result
                = CommandResult::success(0, { { QStringLiteral("message"), signUpMessage(record.email) } });
            const auto existing = store.stateByEmail(record.email);
            if (existing && existing->status != kPending) {
                AuditRecord tried(AuditAction::SignUpForExistingAccount, existing->id);
                // count 0: the owner was mailed less than an hour ago, not again.
                tried.count = sendAlreadyRegisteredMail(ctx, existing->id) ? 1 : 0;
                ctx.audit(QStringLiteral("user"), existing->id, 0, tried);
                return;
            }
            qint64 id = 0;
            if (existing) {
                // Still waiting: the latest sign-up wins, its mail voids the older one.
                id = existing->id;
                store.replacePendingUser(id, record, now, ctx.version());
            } else {
                id = store.insertPendingUser(record, now, ctx.version());
            }
            AuditRecord signedUp(AuditAction::AccountSignedUp, id);
            signedUp.email = record.email;
            signedUp.until = QDateTime::fromMSecsSinceEpoch(sendActivationMail(ctx, id, now), Qt::UTC);
            ctx.audit(QStringLiteral("user"), id, 0, signedUp);
        },
        RunOptions::anonymousCommand());
}

CommandResult SignUps::activate(const QString &token, const ActivationDetails &details,
                                const std::function<void(CommandContext &)> &onSuccess)
{
    const QString code = token.trimmed();
    if (auto refusal = TextLimits::check(QStringLiteral("token"), code, textLimit::Token))
        return *refusal;
    if (code.isEmpty())
        return CommandResult::failure(ErrorCode::InvalidInput, QStringLiteral("token"),
                                      tr("Paste the link or the code of the activation mail."));
    // An invitee's details are checked and hashed before the transaction
    // (argon2id must not hold the write lock); the address they are checked
    // against (the password policy) is read first, and again inside.
    CleanSignUp clean;
    if (!details.isEmpty()) {
        QString email;
        try {
            const AccountStore store(m_core.db());
            if (const auto tok = store.activationToken(secretTokenHash(code))) {
                if (const auto user = store.stateById(tok->userId))
                    email = user->email;
            }
        } catch (const DatabaseError &) {
            // Core::run below reports the database's trouble.
        }
        SignUpRequest request;
        request.email = email.isEmpty() ? QStringLiteral("unknown@invalid.example") : email;
        request.firstName = details.firstName;
        request.lastName = details.lastName;
        request.password = details.password;
        request.secretQuestion = details.secretQuestion;
        request.secretAnswer = details.secretAnswer;
        if (auto refusal = checkSignUp(request, clean)) {
            refusal->data.insert(QStringLiteral("needsDetails"), true);
            return *refusal;
        }
        clean.record.passwordHash = PasswordHasher::hash(clean.password);
        clean.record.secretAnswerHash = PasswordHasher::hashSecretAnswer(clean.answer);
        if (clean.record.passwordHash.isEmpty() || clean.record.secretAnswerHash.isEmpty())
            return CommandResult::failure(ErrorCode::Internal, {},
                                          tr("The password could not be protected (out of memory)."));
    }
    return m_core.run(
        QStringLiteral("activateAccount"), 0,
        [&](CommandContext &ctx) {
            AccountStore store(ctx.db());
            const qint64 now = ctx.clock().nowMs();
            const auto tok = store.activationToken(secretTokenHash(code));
            if (!tok || tok->used || tok->revoked || now >= tok->expiresAt)
                fail(ErrorCode::Expired, QStringLiteral("token"), expiredLinkMessage());
            const auto user = store.stateById(tok->userId);
            if (!user || user->status != kPending || now >= activationDeadline(user->createdAt))
                fail(ErrorCode::Expired, QStringLiteral("token"), expiredLinkMessage());
            if (user->passwordHash.isEmpty()) {
                // Born from an invitation: its owner chooses what a sign-up gives.
                if (details.isEmpty() || clean.record.email != user->email) {
                    // Nothing was written: the (empty) transaction commits.
                    ctx.result = CommandResult::failure(
                        ErrorCode::InvalidInput,
                        QStringLiteral("firstName,lastName,password,secretQuestion,secretAnswer"),
                        tr("You were invited: to activate your account, enter your name, choose a password "
                           "and a secret question."));
                    ctx.result.data.insert(QStringLiteral("needsDetails"), true);
                    return;
                }
                store.completeInvitedUser(user->id, clean.record, ctx.version());
            }
            if (!store.activatePendingUser(user->id, ctx.version()))
                fail(ErrorCode::Expired, QStringLiteral("token"), expiredLinkMessage());
            store.markTokenUsed(tok->id, now);
            store.revokeTokens(user->id, kActivation, now);
            // Guesses on the address before it was activated start from nothing.
            store.clearSignInFailures(user->email);
            ctx.audit(QStringLiteral("user"), user->id, 0,
                      AuditRecord(AuditAction::AccountActivated, user->id));
            acceptInvitations(ctx, user->id);
            ctx.result = CommandResult::success(user->id);
            if (onSuccess)
                onSuccess(ctx);
        },
        RunOptions::anonymousCommand());
}

CommandResult SignUps::resendActivation(const QString &email)
{
    const QString folded = email.trimmed().toLower();
    if (auto refusal = TextLimits::check(QStringLiteral("email"), folded, textLimit::Email))
        return *refusal;
    if (folded.isEmpty())
        return CommandResult::failure(ErrorCode::InvalidInput, QStringLiteral("email"),
                                      tr("Complete this field: e-mail address."));
    return m_core.run(
        QStringLiteral("resendActivation"), 0,
        [&](CommandContext &ctx) {
            // The same answer whatever the address (no enumeration).
            ctx.result = CommandResult::success(0, { { QStringLiteral("message"), resendMessage() } });
            const auto account = AccountStore(ctx.db()).stateByEmail(folded);
            if (!account || account->status != kPending
                || ctx.clock().nowMs() >= activationDeadline(account->createdAt))
                return;
            AuditRecord sent(AuditAction::ActivationMailSent, account->id);
            sent.reason = QString::fromLatin1(audit::ReasonResentByUser);
            sent.until = QDateTime::fromMSecsSinceEpoch(
                sendActivationMail(ctx, account->id, account->createdAt), Qt::UTC);
            ctx.audit(QStringLiteral("user"), account->id, 0, sent);
        },
        RunOptions::anonymousCommand());
}

CommandResult SignUps::supportResendActivation(qint64 actorId, qint64 userId)
{
    return m_core.run(QStringLiteral("supportResendActivation"), actorId, [&](CommandContext &ctx) {
        ctx.requireSupport();
        const auto account = AccountStore(ctx.db()).stateById(userId);
        if (!account)
            fail(ErrorCode::NotFound, QStringLiteral("user"), tr("This user does not exist."));
        if (account->status != kPending)
            fail(ErrorCode::Conflict, QStringLiteral("user"),
                 tr("This account is not waiting for activation: there is no activation mail to send."));
        if (ctx.clock().nowMs() >= activationDeadline(account->createdAt))
            fail(ErrorCode::Expired, QStringLiteral("user"),
                 tr("This account was not activated within %1 days: it is being removed. The person can "
                    "create it again.")
                     .arg(accountRules::ActivationPeriodDays));
        AuditRecord sent(AuditAction::ActivationMailSent, userId);
        sent.reason = QString::fromLatin1(audit::ReasonBySupport);
        const qint64 expires = sendActivationMail(ctx, userId, account->createdAt);
        sent.until = QDateTime::fromMSecsSinceEpoch(expires, Qt::UTC);
        ctx.audit(QStringLiteral("user"), userId, 0, sent);
        ctx.result = CommandResult::success(
            userId, { { QStringLiteral("expiresAt"), QDateTime::fromMSecsSinceEpoch(expires, Qt::UTC) } });
    });
}

CommandResult SignUps::removeExpired()
{
    return m_core.run(
        QStringLiteral("removeUnactivatedAccounts"), 0,
        [&](CommandContext &ctx) {
            int removed = 0;
            removeExpiredAccounts(ctx, &removed);
            ctx.result = CommandResult::success(0, { { QStringLiteral("removed"), removed } });
        },
        RunOptions::anonymousCommand());
}

} // namespace guichet
