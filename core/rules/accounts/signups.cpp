#include "rules/accounts/signups.h"

#include "kernel/core.h"
#include "kernel/guichetlink.h"
#include "kernel/textlimits.h"
#include "mail/mailtext.h"
#include "rules/accounts/accounts.h"
#include "rules/accounts/accountstore.h"
#include "rules/accounts/passwords.h"

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
    AccountStore store(ctx.db());
    const auto user = store.mailing(userId);
    const qint64 now = ctx.clock().nowMs();
    store.revokeTokens(userId, kActivation, now);
    const QString token = newSecretToken();
    // Never beyond the account's own end.
    const qint64 expires
        = std::min(now + accountRules::ActivationTokenLifetimeSecs * 1000, activationDeadline(createdAt));
    store.insertToken(userId, kActivation, secretTokenHash(token), now, expires);
    const QString link
        = GuichetLink(GuichetLink::Action::Activate, token, GuichetLink::issuingServer()).toString();
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
            .arg(user->firstName, user->email, link, token, utcText(expires))
            .arg(accountRules::ActivationPeriodDays));
    ctx.queueMail(userId, user->email, t.translate("guichet::SignUps", "Activate your Guichet account"),
                  body.text(), body.html());
    return expires;
}

// The mail to the owner of an address that already has an account.
void sendAlreadyRegisteredMail(CommandContext &ctx, qint64 userId)
{
    const auto user = AccountStore(ctx.db()).mailing(userId);
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
}

void removeExpiredAccounts(CommandContext &ctx, int *removed = nullptr)
{
    AccountStore store(ctx.db());
    const qint64 cutoff = ctx.clock().nowMs() - qint64(accountRules::ActivationPeriodDays) * DayMs;
    const QList<ExpiredPendingAccount> expired = store.pendingUsersCreatedBefore(cutoff + 1);
    for (const ExpiredPendingAccount &account : expired) {
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
                sendAlreadyRegisteredMail(ctx, existing->id);
                ctx.audit(QStringLiteral("user"), existing->id, 0,
                          AuditRecord(AuditAction::SignUpForExistingAccount, existing->id));
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

CommandResult SignUps::activate(const QString &token, const std::function<void(CommandContext &)> &onSuccess)
{
    const QString code = token.trimmed();
    if (auto refusal = TextLimits::check(QStringLiteral("token"), code, textLimit::Token))
        return *refusal;
    if (code.isEmpty())
        return CommandResult::failure(ErrorCode::InvalidInput, QStringLiteral("token"),
                                      tr("Paste the link or the code of the activation mail."));
    return m_core.run(
        QStringLiteral("activateAccount"), 0,
        [&](CommandContext &ctx) {
            AccountStore store(ctx.db());
            const qint64 now = ctx.clock().nowMs();
            const auto tok = store.activationToken(secretTokenHash(code));
            if (!tok || tok->used || tok->revoked || now >= tok->expiresAt)
                fail(ErrorCode::Expired, QStringLiteral("token"), expiredLinkMessage());
            const auto user = store.stateById(tok->userId);
            if (!user || user->status != kPending || now >= activationDeadline(user->createdAt)
                || !store.activatePendingUser(user->id, ctx.version()))
                fail(ErrorCode::Expired, QStringLiteral("token"), expiredLinkMessage());
            store.markTokenUsed(tok->id, now);
            store.revokeTokens(user->id, kActivation, now);
            // Guesses on the address before it was activated start from nothing.
            store.clearSignInFailures(user->email);
            ctx.audit(QStringLiteral("user"), user->id, 0,
                      AuditRecord(AuditAction::AccountActivated, user->id));
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
