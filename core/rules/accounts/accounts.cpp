#include "rules/accounts/accounts.h"

#include "kernel/core.h"
#include "kernel/guichetlink.h"
#include "kernel/textfold.h"
#include "kernel/textlimits.h"
#include "mail/mailtext.h"
#include "rules/accounts/accountstore.h"
#include "rules/accounts/passwords.h"
#include "rules/accounts/sessions.h"
#include "rules/attachments/principals.h"
#include "rules/manager/manageractivity.h"

#include <QMutex>
#include <QRegularExpression>

#include <algorithm>
#include <tuple>

namespace guichet {

namespace {

// A hash to verify against when the e-mail is unknown, so that an unknown
// address costs the same time as a wrong password (no account enumeration).
QString dummyHash()
{
    static QMutex mutex;
    static QString fast, interactive;
    const QMutexLocker locker(&mutex);
    QString &slot = PasswordHasher::fastHashing() ? fast : interactive;
    if (slot.isEmpty())
        slot = PasswordHasher::hash(QStringLiteral("guichet-no-such-account"));
    return slot;
}

QString lockedMessage(qint64 until)
{
    // The same for a known and an unknown e-mail: the mail is only mentioned.
    return Accounts::tr("Too many failed sign-ins: signing in to this account from here is locked until %1. "
                        "Its owner can sign in from elsewhere, or here with the unlock code of the mail "
                        "sent to the account's contact address.")
        .arg(utcText(until));
}

// The answer (and the audit's reason) when an attempt comes while its
// (e-mail, address) is locked or must still wait; nothing otherwise.
// A refusal before the password is verified, and what the audit records of it.
struct SignInRefusal
{
    CommandResult result;
    QString reason; // audit::ReasonLocked or audit::ReasonSlowedDown
    qint64 until = 0;
};

std::optional<SignInRefusal> signInGate(const SignInFailures &failures, qint64 now)
{
    const auto refuse = [now](qint64 until, const QString &message) {
        CommandResult r = CommandResult::failure(ErrorCode::Locked, QStringLiteral("password"), message);
        r.data.insert(QStringLiteral("retryAfter"), (until - now + 999) / 1000);
        return r;
    };
    if (failures.lockedUntil && now < *failures.lockedUntil)
        return SignInRefusal { refuse(*failures.lockedUntil, lockedMessage(*failures.lockedUntil)),
                               QString::fromLatin1(audit::ReasonLocked), *failures.lockedUntil };
    if (!failures.lockedUntil && failures.failures >= accountRules::SlowDownAfterFailures
        && failures.nextLoginAt && now < *failures.nextLoginAt) {
        const qint64 until = *failures.nextLoginAt;
        return SignInRefusal { refuse(until,
                                      Accounts::tr("Too many failed sign-ins: try again in %n second(s).",
                                                   nullptr, int((until - now + 999) / 1000))),
                               QString::fromLatin1(audit::ReasonSlowedDown), until };
    }
    return std::nullopt;
}

AuditRecord refusedRecord(const SignInAttempt &attempt, const SignInRefusal &refusal)
{
    AuditRecord refused(AuditAction::SignInRefusedLocked, attempt.userId);
    refused.reason = refusal.reason;
    refused.until = QDateTime::fromMSecsSinceEpoch(refusal.until, Qt::UTC);
    refused.address = attempt.clientAddress;
    if (!attempt.userId)
        refused.email = attempt.email;
    return refused;
}

QString hashOrFail(const QString &secret)
{
    const QString hash = PasswordHasher::hash(secret);
    if (hash.isEmpty())
        fail(ErrorCode::Internal, {}, Accounts::tr("The password could not be protected (out of memory)."));
    return hash;
}

// One invalid field: its name for the screen (CommandResult::field), a readable
// label for the message and, when the label is not enough, why it is refused.
struct FieldProblem
{
    FieldProblem(const QString &fieldName, const QString &fieldLabel, const QString &why = QString())
        : field(fieldName)
        , label(fieldLabel)
        , reason(why)
    {
    }
    QString field;
    QString label;
    QString reason;
};
using FieldProblems = QList<FieldProblem>;

// Fails naming every field of `problems` at once: the guide's red message lists
// all the fields to complete. A single problem with a reason says just that
// reason ("The current password is not correct.").
void failFields(const FieldProblems &problems)
{
    if (problems.size() == 1 && !problems.first().reason.isEmpty())
        fail(ErrorCode::InvalidInput, problems.first().field, problems.first().reason);
    QStringList fields, labels, reasons;
    for (const FieldProblem &p : problems) {
        fields << p.field;
        labels << p.label;
        if (!p.reason.isEmpty())
            reasons << p.reason;
    }
    QString message
        = Accounts::tr("Complete or correct these fields: %1.").arg(labels.join(QStringLiteral(", ")));
    if (!reasons.isEmpty())
        message += QLatin1Char(' ') + reasons.join(QLatin1Char(' '));
    fail(ErrorCode::InvalidInput, fields.join(QLatin1Char(',')), message);
}

void failIfAny(const FieldProblems &problems)
{
    if (!problems.isEmpty())
        failFields(problems);
}

// The checks and writes of « Mes informations personnelles », shared by the
// single-purpose commands (updateProfile, changePassword, setSecretQuestion)
// and updatePersonalInformation, which runs them all in one transaction. The
// check* functions only collect problems, so one refusal can name them all.

Profile cleanProfile(const Profile &profile)
{
    return { profile.contactEmail.trimmed().toLower(),
             profile.lastName.trimmed(),
             profile.firstName.trimmed(),
             profile.addressLine.trimmed(),
             profile.postalCode.trimmed(),
             profile.city.trimmed(),
             profile.country.trimmed() };
}

void checkProfile(const Profile &clean, FieldProblems &problems)
{
    requireMaxLength(QStringLiteral("contactEmail"), clean.contactEmail, textLimit::Email);
    requireMaxLength(QStringLiteral("lastName"), clean.lastName, textLimit::Name);
    requireMaxLength(QStringLiteral("firstName"), clean.firstName, textLimit::Name);
    requireMaxLength(QStringLiteral("addressLine"), clean.addressLine, textLimit::AddressLine);
    requireMaxLength(QStringLiteral("postalCode"), clean.postalCode, textLimit::PostalCode);
    requireMaxLength(QStringLiteral("city"), clean.city, textLimit::City);
    requireMaxLength(QStringLiteral("country"), clean.country, textLimit::Country);
    if (!isValidEmail(clean.contactEmail))
        problems.append({ QStringLiteral("contactEmail"),
                          clean.contactEmail.isEmpty()
                              ? Accounts::tr("contact e-mail")
                              : Accounts::tr("contact e-mail (not a valid address)") });
    if (clean.lastName.isEmpty())
        problems.append({ QStringLiteral("lastName"), Accounts::tr("last name") });
    if (clean.firstName.isEmpty())
        problems.append({ QStringLiteral("firstName"), Accounts::tr("first name") });
}

void saveProfile(CommandContext &ctx, const Profile &clean)
{
    AccountStore(ctx.db()).updateProfile(ctx.actorId(), clean, ctx.version());
    ctx.audit(QStringLiteral("user"), ctx.actorId(), 0,
              AuditRecord(AuditAction::ProfileUpdated, ctx.actorId()));
}

void checkCurrentPassword(const QString &currentHash, const QString &currentPassword, FieldProblems &problems)
{
    if (!PasswordHasher::verify(currentHash, currentPassword))
        problems.append({ QStringLiteral("currentPassword"), Accounts::tr("current password"),
                          Accounts::tr("The current password is not correct.") });
}

void checkNewPassword(const CommandContext &ctx, const QString &currentHash, const QString &newPassword,
                      const QString &confirmation, FieldProblems &problems)
{
    if (newPassword != confirmation)
        problems.append({ QStringLiteral("confirmation"), Accounts::tr("confirmation of the new password"),
                          Accounts::tr("The confirmation does not match the new password.") });
    const PasswordCheck check = checkPasswordPolicy(newPassword, ctx.actor().email, currentHash);
    if (!check.ok())
        problems.append({ QStringLiteral("newPassword"), Accounts::tr("new password"), check.reason });
}

void savePassword(CommandContext &ctx, const QString &newPassword)
{
    AccountStore(ctx.db()).setPasswordHash(ctx.actorId(), hashOrFail(newPassword), ctx.version());
    ctx.audit(QStringLiteral("user"), ctx.actorId(), 0,
              AuditRecord(AuditAction::PasswordChanged, ctx.actorId()));
    // Whoever knew the old password is signed out everywhere but here.
    Sessions::revokeAll(ctx, ctx.actorId(), ctx.sessionId());
}

void checkSecretQuestion(const QString &question, const QString &answer, const QString &questionField,
                         const QString &answerField, FieldProblems &problems)
{
    if (question.trimmed().isEmpty())
        problems.append({ questionField, Accounts::tr("secret question") });
    if (PasswordHasher::foldSecretAnswer(answer).isEmpty())
        problems.append({ answerField, Accounts::tr("answer to the secret question") });
}

void saveSecretQuestion(CommandContext &ctx, const QString &question, const QString &answer)
{
    const QString answerHash = PasswordHasher::hashSecretAnswer(answer);
    if (answerHash.isEmpty())
        fail(ErrorCode::Internal, {}, Accounts::tr("The answer could not be protected (out of memory)."));
    AccountStore(ctx.db()).setSecretQuestion(ctx.actorId(), question.trimmed(), answerHash, ctx.version());
    ctx.audit(QStringLiteral("user"), ctx.actorId(), 0,
              AuditRecord(AuditAction::SecretQuestionChanged, ctx.actorId()));
}

// A new reactivation (or support reactivation) token voids every earlier one.
void revokeReactivationTokens(CommandContext &ctx, qint64 userId)
{
    AccountStore(ctx.db()).revokeReactivationTokens(userId, ctx.clock().nowMs());
}

// Creates a single-use token and mails its link; returns when it expires.
qint64 issueReactivationToken(CommandContext &ctx, qint64 userId, const QString &purpose)
{
    AccountStore store(ctx.db());
    const auto user = store.mailing(userId);
    revokeReactivationTokens(ctx, userId);
    const QString token = newSecretToken();
    const qint64 now = ctx.clock().nowMs();
    const qint64 expires = now + accountRules::ReactivationTokenLifetimeSecs * 1000;
    store.insertToken(userId, purpose, secretTokenHash(token), now, expires);
    QString recipient = user->contactEmail;
    if (recipient.isEmpty())
        recipient = user->email;
    const QString link
        = GuichetLink(GuichetLink::Action::Reactivate, token, GuichetLink::issuingServer()).toString();
    const MailText t = MailText::forUser(ctx.db(), userId);
    const QString text
        = t.translate("guichet::Accounts",
                      "Hello %1,\n\n"
                      "To reactivate your Guichet account, open this link:\n%2\n\n"
                      "Reading this mail on another device? In Guichet, click \"Reactivate my account\", "
                      "then \"I already have a code\", and paste this code:\n%3\n\n"
                      "You will choose a new password, a new secret question and its answer. "
                      "The link works once and until %4. If it has expired, ask for a new mail "
                      "with \"Reactivate my account\".\n\n"
                      "If you did not ask for this, ignore this mail: your account stays deactivated.")
              .arg(user->firstName, link, token, utcText(expires));
    MailBody body;
    body.paragraph(text);
    ctx.queueMail(userId, recipient, t.translate("guichet::Accounts", "Reactivate your Guichet account"),
                  body.text(), body.html(), CommandContext::MailPolicy::EvenIfDeactivated);
    return expires;
}

QString expiredLinkMessage()
{
    return Accounts::tr("This reactivation link is no longer valid: ask for a new mail with \"Reactivate "
                        "my account\".");
}

QString periodOverMessage()
{
    return Accounts::tr("The %1-day reactivation period is over: contact support from the solicitation "
                        "space to have your account reactivated.")
        .arg(accountRules::ReactivationPeriodDays);
}

// The mail to the owner of a deactivated account past its 60 days who asked
// for a reactivation: how to reach support. At most one account notice an
// hour (AccountStore::accountNoticeAt). Returns whether it was sent.
bool sendPeriodOverMail(CommandContext &ctx, qint64 userId)
{
    if (!claimAccountNotice(ctx, userId))
        return false;
    AccountStore store(ctx.db());
    const auto user = store.mailing(userId);
    const MailText t = MailText::forUser(ctx.db(), userId);
    MailBody body;
    body.paragraph(
        t.translate("guichet::Accounts",
                    "Hello %1,\n\n"
                    "Someone asked to reactivate your Guichet account %2. It was deactivated more "
                    "than %3 days ago, so it can no longer be reactivated from the sign-in window: "
                    "write to support (\"Write to support\" in the sign-in window), who can send "
                    "you a reactivation link.\n\n"
                    "If it was not you, ignore this mail: nothing changed.")
            .arg(user->firstName, user->email)
            .arg(accountRules::ReactivationPeriodDays));
    ctx.queueMail(
        userId, user->contactEmail.isEmpty() ? user->email : user->contactEmail,
        t.translate("guichet::Accounts", "Your Guichet account can no longer be reactivated by yourself"),
        body.text(), body.html(), CommandContext::MailPolicy::EvenIfDeactivated);
    return true;
}

bool withinReactivationPeriod(const Clock &clock, qint64 deactivatedAt)
{
    return clock.nowMs() <= deactivatedAt + qint64(accountRules::ReactivationPeriodDays) * 24 * 3600 * 1000;
}

void sendLockoutMail(CommandContext &ctx, const SignInRecord &account, const QString &clientAddress,
                     int failures, qint64 until)
{
    AccountStore store(ctx.db());
    const qint64 now = ctx.clock().nowMs();
    // One code at a time: guesses from many addresses do not flood the
    // owner's mailbox, and the code already sent still works.
    if (store.hasOpenToken(account.id, QStringLiteral("unlock"), now))
        return;
    const QString code = newSecretToken();
    const qint64 expires = now + accountRules::UnlockCodeLifetimeSecs * 1000;
    store.insertToken(account.id, QStringLiteral("unlock"), secretTokenHash(code), now, expires);
    QString recipient = account.contactEmail;
    if (recipient.isEmpty())
        recipient = account.email;
    const MailText t = MailText::forUser(ctx.db(), account.id);
    MailBody body;
    body.paragraph(
        t.translate("guichet::Accounts",
                    "Hello %1,\n\nAfter %2 failed sign-ins in a row from the address %3, signing in "
                    "to your Guichet account from that address is locked until %4. Signing in "
                    "from anywhere else still works.\n\nIf these attempts were yours and you "
                    "cannot wait, sign in with your password and this unlock code (« Unlock "
                    "code » in the sign-in window). It works once, until %5:\n%6\n\nIf these "
                    "attempts were not yours, nobody got in: the password was not found. Change "
                    "it once signed in if you think someone knows it.")
            .arg(account.firstName)
            .arg(failures)
            .arg(clientAddress, utcText(until), utcText(expires), code));
    ctx.queueMail(account.id, recipient, t.translate("guichet::Accounts", "Your Guichet account is locked"),
                  body.text(), body.html());
}

void recordSignInFailure(CommandContext &ctx, const SignInAttempt &attempt,
                         const std::optional<SignInRecord> &account, const SignInFailures &before)
{
    AccountStore store(ctx.db());
    const qint64 now = ctx.clock().nowMs();
    const QString &email = attempt.email;
    const QString &counter = attempt.counterAddress;
    store.forgetSignInFailures(now - accountRules::FailureMemorySecs * 1000);
    // The lock is over: a fresh start.
    if (before.lockedUntil && now >= *before.lockedUntil)
        store.clearSignInFailures(email, counter);
    const int failures = store.addSignInFailure(email, counter, now);
    const qint64 userId = account ? account->id : 0;
    const QString unknownEmail
        = account ? QString() : email; // named in the audit only when no account has it
    if (failures >= accountRules::LockAfterFailures) {
        const qint64 until = now + accountRules::LockDurationSecs * 1000;
        store.setSignInWait(email, counter, 0, until);
        if (account && account->status == QLatin1String("active") && !attempt.unlockTokenId)
            sendLockoutMail(ctx, *account, attempt.clientAddress, failures, until);
        AuditRecord locked(AuditAction::AccountLocked, userId);
        locked.until = QDateTime::fromMSecsSinceEpoch(until, Qt::UTC);
        locked.count = failures;
        locked.address = attempt.clientAddress;
        locked.email = unknownEmail;
        ctx.audit(QStringLiteral("user"), userId, 0, locked);
        ctx.result
            = CommandResult::failure(ErrorCode::Locked, QStringLiteral("password"), lockedMessage(until));
        ctx.result.data.insert(QStringLiteral("retryAfter"), accountRules::LockDurationSecs);
        return;
    }
    qint64 next = 0;
    if (failures >= accountRules::SlowDownAfterFailures)
        next = now + (qint64(1) << (failures - 2)) * 1000;
    store.setSignInWait(email, counter, next, 0);
    AuditRecord failed(account ? AuditAction::SignInWrongPassword : AuditAction::SignInUnknownEmail, userId);
    failed.count = failures;
    failed.address = attempt.clientAddress;
    failed.email = unknownEmail;
    ctx.audit(QStringLiteral("user"), userId, 0, failed);
    ctx.result = CommandResult::failure(ErrorCode::Unauthenticated, QStringLiteral("password"),
                                        Accounts::tr("E-mail or password incorrect."));
    if (next)
        ctx.result.data.insert(QStringLiteral("retryAfter"), (next - now) / 1000);
}

} // namespace

QString contactEmail(const Database &db, qint64 userId)
{
    return AccountStore(db).contactEmail(userId);
}

QString utcText(qint64 ms)
{
    return QDateTime::fromMSecsSinceEpoch(ms, Qt::UTC).toString(QStringLiteral("yyyy-MM-dd HH:mm 'UTC'"));
}

bool isValidEmail(const QString &email)
{
    static const QRegularExpression pattern(
        QStringLiteral("^[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+(\\.[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+)*"
                       "@([A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?\\.)+[A-Za-z]{2,63}$"));
    if (email.size() > 254 || email.indexOf(QLatin1Char('@')) > 64)
        return false;
    return pattern.match(email).hasMatch();
}

Accounts::Accounts(Core &core)
    : m_core(core)
{
}

CommandResult Accounts::createUser(const NewUser &user)
{
    return m_core.run(
        QStringLiteral("createUser"), 0,
        [&](CommandContext &ctx) {
            const QString email = user.email.trimmed().toLower();
            const QString first = user.firstName.trimmed();
            const QString last = user.lastName.trimmed();
            const QString language = user.language.isEmpty() ? QStringLiteral("fr") : user.language;
            requireMaxLength(QStringLiteral("email"), email, textLimit::Email);
            requireMaxLength(QStringLiteral("firstName"), first, textLimit::Name);
            requireMaxLength(QStringLiteral("lastName"), last, textLimit::Name);
            requireMaxLength(QStringLiteral("password"), user.password, textLimit::Password);
            FieldProblems wrong;
            if (!isValidEmail(email))
                wrong.append({ QStringLiteral("email"), tr("e-mail (a valid address)") });
            if (first.isEmpty())
                wrong.append({ QStringLiteral("firstName"), tr("first name") });
            if (last.isEmpty())
                wrong.append({ QStringLiteral("lastName"), tr("last name") });
            if (language != QLatin1String("fr") && language != QLatin1String("en"))
                wrong.append({ QStringLiteral("language"), tr("language (fr or en)") });
            if (!wrong.isEmpty())
                failFields(wrong);
            const PasswordCheck check = checkPasswordPolicy(user.password, email);
            if (!check.ok())
                fail(ErrorCode::InvalidInput, QStringLiteral("password"), check.reason);
            AccountStore store(ctx.db());
            if (store.emailTaken(email))
                fail(ErrorCode::Conflict, QStringLiteral("email"),
                     tr("A user with the e-mail %1 already exists.").arg(email));
            const qint64 id = store.insertUser(email, first, last, hashOrFail(user.password), language,
                                               user.support, ctx.clock().nowMs(), ctx.version());
            AuditRecord created(AuditAction::AccountCreated, id);
            created.email = email;
            created.support = user.support;
            ctx.audit(QStringLiteral("user"), id, 0, created);
            ctx.result = CommandResult::success(id);
        },
        RunOptions::anonymousCommand());
}

CommandResult Accounts::authenticate(const QString &email, const QString &password)
{
    return authenticate(SignInRequest { email, password, accountRules::LocalClientAddress, {} });
}

CommandResult Accounts::authenticate(const SignInRequest &request)
{
    const SignInAttempt attempt = beginSignIn(request);
    if (attempt.decided)
        return *attempt.decided;
    return finishSignIn(attempt, verifySignIn(attempt));
}

SignInAttempt Accounts::beginSignIn(const SignInRequest &request)
{
    SignInAttempt attempt;
    attempt.email = request.email.trimmed().toLower();
    attempt.password = request.password;
    attempt.clientAddress = request.clientAddress.trimmed();
    if (attempt.clientAddress.isEmpty())
        attempt.clientAddress = accountRules::LocalClientAddress;
    attempt.counterAddress = attempt.clientAddress;
    const QString code = request.unlockCode.trimmed();
    for (const auto &[field, value, max] :
         { std::tuple { QStringLiteral("email"), attempt.email, textLimit::Email },
           std::tuple { QStringLiteral("password"), attempt.password, textLimit::Password },
           std::tuple { QStringLiteral("unlockCode"), code, textLimit::Token },
           std::tuple { QStringLiteral("clientAddress"), attempt.clientAddress,
                        accountRules::ClientAddressMaxLength } }) {
        if (auto refusal = TextLimits::check(field, value, max)) {
            attempt.decided = *refusal;
            return attempt;
        }
    }
    try {
        const AccountStore store(m_core.db());
        const qint64 now = m_core.clock().nowMs();
        const auto account = store.signInRecord(attempt.email);
        if (account) {
            attempt.userId = account->id;
            attempt.storedHash = account->passwordHash;
        }
        if (!code.isEmpty()) {
            // The same answer whether or not the e-mail has an account: no
            // code of another account, nor a used or expired one, works.
            const auto token = store.unlockToken(secretTokenHash(code));
            if (!token || token->used || token->revoked || now >= token->expiresAt || !account
                || token->userId != account->id) {
                attempt.decided = CommandResult::failure(
                    ErrorCode::Expired, QStringLiteral("unlockCode"),
                    tr("This unlock code does not work (already used, expired, replaced or for another "
                       "account). Sign in without it, or wait until the lock ends."));
                return attempt;
            }
            attempt.unlockTokenId = token->id;
            // The code has a failure count of its own: it opens the locks of
            // every address, not unlimited guesses.
            attempt.counterAddress = QStringLiteral("unlock-code:%1").arg(token->id);
        }
        const SignInFailures failures = store.signInFailures(attempt.email, attempt.counterAddress, false);
        if (const auto refusal = signInGate(failures, now)) {
            // Answered without verifying the password (even the right one):
            // quick, and the same for a known and an unknown e-mail.
            attempt.decided = m_core.run(
                QStringLiteral("signIn"), 0,
                [&](CommandContext &ctx) {
                    ctx.audit(QStringLiteral("user"), attempt.userId, 0, refusedRecord(attempt, *refusal));
                    ctx.result = refusal->result;
                },
                RunOptions::anonymousCommand());
        }
    } catch (const DatabaseUnavailable &) {
        attempt.decided = CommandResult::failure(ErrorCode::Unavailable, {}, Core::unavailableMessage());
    } catch (const DatabaseError &error) {
        attempt.decided = CommandResult::failure(
            ErrorCode::Internal, {}, tr("The sign-in could not be read: %1").arg(error.message()));
    }
    return attempt;
}

SignInVerdict Accounts::verifySignIn(const SignInAttempt &attempt)
{
    SignInVerdict verdict;
    // An unknown e-mail costs the same time as a wrong password.
    const QString hash = attempt.storedHash.isEmpty() ? dummyHash() : attempt.storedHash;
    verdict.passwordOk = PasswordHasher::verify(hash, attempt.password) && !attempt.storedHash.isEmpty();
    // A hash made with other limits is upgraded, here too outside any transaction.
    if (verdict.passwordOk && PasswordHasher::needsRehash(attempt.storedHash))
        verdict.upgradedHash = PasswordHasher::hash(attempt.password);
    return verdict;
}

CommandResult Accounts::finishSignIn(const SignInAttempt &attempt, const SignInVerdict &verdict,
                                     const std::function<void(CommandContext &)> &onSuccess)
{
    if (attempt.decided)
        return *attempt.decided;
    return m_core.run(
        QStringLiteral("signIn"), 0,
        [&](CommandContext &ctx) {
            AccountStore store(ctx.db());
            const qint64 now = ctx.clock().nowMs();
            const QString &email = attempt.email;
            const QString &counter = attempt.counterAddress;
            // Read again under the write lock: a parallel attempt may have
            // locked or slowed down this address while the password was verified.
            const SignInFailures failures = store.signInFailures(email, counter, true);
            if (const auto refusal = signInGate(failures, now)) {
                ctx.audit(QStringLiteral("user"), attempt.userId, 0, refusedRecord(attempt, *refusal));
                ctx.result = refusal->result;
                return;
            }
            const auto account = attempt.userId ? store.signInRecord(email) : std::nullopt;
            // The password verified is still the account's (no change in between).
            const bool passwordOk
                = verdict.passwordOk && account && account->passwordHash == attempt.storedHash;
            if (!passwordOk) {
                recordSignInFailure(ctx, attempt, account, failures);
                return;
            }
            if (account->status == QLatin1String("pending")) {
                // Waiting for activation (signups.h): said only to the right password.
                ctx.audit(QStringLiteral("user"), account->id, 0,
                          AuditRecord(AuditAction::SignInRefusedNotActivated, account->id));
                ctx.result = CommandResult::failure(
                    ErrorCode::Forbidden, {},
                    tr("This account is not activated yet: open the link of the activation mail, or ask for "
                       "a new one (\"Create an account\", then \"Resend the activation mail\")."));
                ctx.result.data.insert(QStringLiteral("notActivated"), true);
                return;
            }
            if (account->status != QLatin1String("active")) {
                ctx.audit(QStringLiteral("user"), account->id, 0,
                          AuditRecord(AuditAction::SignInRefusedDeactivated, account->id));
                ctx.result = CommandResult::failure(ErrorCode::Forbidden, {},
                                                    tr("This account is deactivated: it can only be "
                                                       "reactivated (\"Reactivate my account\")."));
                ctx.result.data.insert(QStringLiteral("deactivated"), true);
                return;
            }
            if (attempt.unlockTokenId) {
                // The owner's way back: the code works once and clears every
                // address's count of the account.
                store.markTokenUsed(attempt.unlockTokenId, now);
                store.clearSignInFailures(email);
                ctx.audit(QStringLiteral("user"), account->id, 0,
                          AuditRecord(AuditAction::SignInUnlocked, account->id));
            } else {
                store.clearSignInFailures(email, counter);
            }
            if (!verdict.upgradedHash.isEmpty())
                store.upgradePasswordHash(account->id, verdict.upgradedHash);
            ctx.audit(QStringLiteral("user"), account->id, 0,
                      AuditRecord(AuditAction::SignedIn, account->id));
            ctx.result = CommandResult::success(account->id);
            if (onSuccess)
                onSuccess(ctx);
        },
        RunOptions::anonymousCommand());
}

CommandResult Accounts::updateProfile(qint64 actorId, const Profile &profile)
{
    return m_core.run(QStringLiteral("updateProfile"), actorId, [&](CommandContext &ctx) {
        const Profile clean = cleanProfile(profile);
        FieldProblems wrong;
        checkProfile(clean, wrong);
        failIfAny(wrong);
        saveProfile(ctx, clean);
        ctx.result = CommandResult::success(ctx.actorId());
    });
}

CommandResult Accounts::changePassword(qint64 actorId, const QString &currentPassword,
                                       const QString &newPassword, const QString &confirmation)
{
    return m_core.run(QStringLiteral("changePassword"), actorId, [&](CommandContext &ctx) {
        const QString currentHash = AccountStore(ctx.db()).passwordHash(ctx.actorId());
        FieldProblems wrong;
        checkCurrentPassword(currentHash, currentPassword, wrong);
        checkNewPassword(ctx, currentHash, newPassword, confirmation, wrong);
        failIfAny(wrong);
        savePassword(ctx, newPassword);
        ctx.result = CommandResult::success(ctx.actorId());
    });
}

CommandResult Accounts::setSecretQuestion(qint64 actorId, const QString &currentPassword,
                                          const QString &question, const QString &answer)
{
    return m_core.run(QStringLiteral("setSecretQuestion"), actorId, [&](CommandContext &ctx) {
        FieldProblems wrong;
        checkSecretQuestion(question, answer, QStringLiteral("question"), QStringLiteral("answer"), wrong);
        checkCurrentPassword(AccountStore(ctx.db()).passwordHash(ctx.actorId()), currentPassword, wrong);
        failIfAny(wrong);
        saveSecretQuestion(ctx, question, answer);
        ctx.result = CommandResult::success(ctx.actorId());
    });
}

CommandResult Accounts::updatePersonalInformation(qint64 actorId, const PersonalInformation &info)
{
    return m_core.run(QStringLiteral("updatePersonalInformation"), actorId, [&](CommandContext &ctx) {
        const Profile clean = cleanProfile(info.profile);
        const AccountStore store(ctx.db());
        const QString currentHash = store.passwordHash(ctx.actorId());
        const QString storedQuestion = store.secretQuestion(ctx.actorId());
        const bool passwordChanges = !info.newPassword.isEmpty() || !info.confirmation.isEmpty();
        // A new answer, or another question (which needs its own answer); an
        // empty question with no answer keeps what is stored.
        const QString question = info.secretQuestion.trimmed();
        const bool questionChanges
            = !info.secretAnswer.isEmpty() || (!question.isEmpty() && question != storedQuestion.trimmed());

        FieldProblems wrong;
        checkProfile(clean, wrong);
        if (passwordChanges || questionChanges)
            checkCurrentPassword(currentHash, info.currentPassword, wrong);
        if (passwordChanges)
            checkNewPassword(ctx, currentHash, info.newPassword, info.confirmation, wrong);
        if (questionChanges)
            checkSecretQuestion(info.secretQuestion, info.secretAnswer, QStringLiteral("secretQuestion"),
                                QStringLiteral("secretAnswer"), wrong);
        failIfAny(wrong);

        saveProfile(ctx, clean);
        if (passwordChanges)
            savePassword(ctx, info.newPassword);
        if (questionChanges)
            saveSecretQuestion(ctx, info.secretQuestion, info.secretAnswer);
        ctx.result = CommandResult::success(ctx.actorId(),
                                            { { QStringLiteral("passwordChanged"), passwordChanges },
                                              { QStringLiteral("secretQuestionChanged"), questionChanges } });
    });
}

CommandResult Accounts::setNotifications(qint64 actorId, bool enabled, const QString &contactEmail)
{
    return m_core.run(QStringLiteral("setNotifications"), actorId, [&](CommandContext &ctx) {
        const QString contact = contactEmail.trimmed().toLower();
        if (enabled && contact.isEmpty())
            fail(ErrorCode::InvalidInput, QStringLiteral("contactEmail"),
                 tr("To receive notifications, give the contact e-mail they are sent to."));
        if (!contact.isEmpty() && !isValidEmail(contact))
            fail(ErrorCode::InvalidInput, QStringLiteral("contactEmail"),
                 tr("The contact e-mail is not a valid address."));
        AccountStore(ctx.db()).setNotifications(
            ctx.actorId(), enabled, contact.isEmpty() ? ctx.actor().contactEmail : contact, ctx.version());
        ctx.audit(
            QStringLiteral("user"), ctx.actorId(), 0,
            AuditRecord(enabled ? AuditAction::NotificationsEnabled : AuditAction::NotificationsDisabled,
                        ctx.actorId()));
        ctx.result = CommandResult::success(ctx.actorId());
    });
}

CommandResult Accounts::deactivateAccount(qint64 actorId, const Successors &successors)
{
    return m_core.run(QStringLiteral("deactivateAccount"), actorId, [&](CommandContext &ctx) {
        AccountStore store(ctx.db());
        const qint64 me = ctx.actorId();
        const QList<qint64> managed = structuresWherePrincipal(ctx.db(), me, ctx.clock().today());
        QStringList without;
        for (const qint64 s : managed) {
            if (!successors.forStructure(s))
                without << store.raisonSociale(s);
        }
        if (!without.isEmpty())
            fail(ErrorCode::InvalidInput, QStringLiteral("successor"),
                 tr("Designate a new principal manager for: %1.").arg(without.join(QStringLiteral(", "))));
        for (const qint64 s : managed)
            transferPrincipal(ctx, s, successors.forStructure(s), QStringLiteral("successor"));

        const qint64 now = ctx.clock().nowMs();
        const qint64 version = ctx.version();
        // « Toute modification en cours sera perdue »: pending requests are
        // closed as refused (kept, so managers and the user see what happened).
        const QString cancelled = QStringLiteral("Cancelled: account deactivated");
        for (const AccountStore::RequestTable table :
             { AccountStore::RequestTable::Attachments, AccountStore::RequestTable::Subscriptions }) {
            const bool attachments = table == AccountStore::RequestTable::Attachments;
            const QString entity
                = attachments ? QStringLiteral("attachment") : QStringLiteral("subscription");
            for (const PendingRequest &p : store.pendingRequests(table, me)) {
                store.refuseRequest(table, p.id, now, me, cancelled, version);
                ctx.audit(entity, p.id, p.structureId,
                          AuditRecord(attachments ? AuditAction::AttachmentCancelled
                                                  : AuditAction::SubscriptionCancelled,
                                      me));
            }
        }
        // Every session and outstanding link of the account stops working.
        store.revokeOpenTokens(me, now);
        Sessions::revokeAll(ctx, me);
        store.deactivate(me, now, version);
        ctx.audit(QStringLiteral("user"), me, 0, AuditRecord(AuditAction::AccountDeactivated, me));
        ctx.result = CommandResult::success(me);
    });
}

CommandResult Accounts::requestReactivation(const QString &email)
{
    const QString folded = email.trimmed().toLower();
    return m_core.run(
        QStringLiteral("requestReactivation"), 0,
        [&](CommandContext &ctx) {
            // The same answer whether or not a deactivated account matches.
            ctx.result = CommandResult::success(
                0,
                { { QStringLiteral("message"),
                    tr("If a deactivated account matches this address, a reactivation mail has been "
                       "sent to it.") } });
            const auto account = AccountStore(ctx.db()).stateByEmail(folded);
            if (!account || account->status != QLatin1String("deactivated")) {
                // Audited like the others, so that every answer costs one write.
                AuditRecord ignored(AuditAction::ReactivationNotSent, 0);
                ignored.email = folded.left(textLimit::Email);
                ctx.audit(QStringLiteral("user"), 0, 0, ignored);
                return;
            }
            const qint64 id = account->id;
            if (!withinReactivationPeriod(ctx.clock(), account->deactivatedAt)) {
                // The answer stays neutral; only the owner's mailbox learns why.
                AuditRecord late(AuditAction::ReactivationMailSent, id);
                late.reason = QString::fromLatin1(audit::ReasonPeriodOver);
                late.count = sendPeriodOverMail(ctx, id) ? 1 : 0;
                ctx.audit(QStringLiteral("user"), id, 0, late);
                return;
            }
            const qint64 expires = issueReactivationToken(ctx, id, QStringLiteral("reactivation"));
            AuditRecord sent(AuditAction::ReactivationMailSent, id);
            sent.until = QDateTime::fromMSecsSinceEpoch(expires, Qt::UTC);
            ctx.audit(QStringLiteral("user"), id, 0, sent);
        },
        RunOptions::anonymousCommand());
}

CommandResult Accounts::completeReactivation(const QString &token, const QString &newPassword,
                                             const QString &secretQuestion, const QString &secretAnswer)
{
    return m_core.run(
        QStringLiteral("completeReactivation"), 0,
        [&](CommandContext &ctx) {
            AccountStore store(ctx.db());
            const qint64 now = ctx.clock().nowMs();
            const auto tok = store.reactivationToken(secretTokenHash(token.trimmed()));
            if (!tok || tok->used || tok->revoked || now >= tok->expiresAt)
                fail(ErrorCode::Expired, QStringLiteral("token"), expiredLinkMessage());
            const qint64 userId = tok->userId;
            const auto user = store.stateById(userId);
            if (!user || user->status != QLatin1String("deactivated"))
                fail(ErrorCode::Expired, QStringLiteral("token"), expiredLinkMessage());
            // Support's links are the way back after the period; the user's own are not.
            if (tok->purpose == QLatin1String("reactivation")
                && !withinReactivationPeriod(ctx.clock(), user->deactivatedAt))
                fail(ErrorCode::Expired, QStringLiteral("token"), periodOverMessage());

            FieldProblems missing;
            if (newPassword.isEmpty())
                missing.append({ QStringLiteral("newPassword"), tr("new password") });
            if (secretQuestion.trimmed().isEmpty())
                missing.append({ QStringLiteral("secretQuestion"), tr("new secret question") });
            if (PasswordHasher::foldSecretAnswer(secretAnswer).isEmpty())
                missing.append({ QStringLiteral("secretAnswer"), tr("answer to the secret question") });
            if (!missing.isEmpty())
                failFields(missing);
            const PasswordCheck check = checkPasswordPolicy(newPassword, user->email, user->passwordHash);
            if (!check.ok())
                fail(ErrorCode::InvalidInput, QStringLiteral("newPassword"), check.reason);
            const QString answerHash = PasswordHasher::hashSecretAnswer(secretAnswer);
            if (answerHash.isEmpty())
                fail(ErrorCode::Internal, {}, tr("The answer could not be protected (out of memory)."));

            store.reactivate(userId, hashOrFail(newPassword), secretQuestion.trimmed(), answerHash,
                             ctx.version());
            store.clearSignInFailures(user->email);
            store.markTokenUsed(tok->id, now);
            revokeReactivationTokens(ctx, userId);
            Sessions::revokeAll(ctx, userId);
            ctx.audit(QStringLiteral("user"), userId, 0,
                      AuditRecord(AuditAction::AccountReactivated, userId));
            // Invitations received while deactivated become attachments now.
            acceptInvitations(ctx, userId);
            ctx.result = CommandResult::success(userId);
        },
        RunOptions::anonymousCommand());
}

void Accounts::sendSupportReactivation(CommandContext &ctx, qint64 userId, const QString &by)
{
    const auto user = AccountStore(ctx.db()).stateById(userId);
    if (!user)
        fail(ErrorCode::NotFound, QStringLiteral("user"), tr("This user does not exist."));
    if (user->status != QLatin1String("deactivated"))
        fail(ErrorCode::Conflict, QStringLiteral("user"),
             tr("This account is active: there is nothing to reactivate."));
    const qint64 expires = issueReactivationToken(ctx, userId, QStringLiteral("support_reactivation"));
    AuditRecord sent(AuditAction::SupportReactivationMailSent, userId);
    sent.reason = by;
    sent.until = QDateTime::fromMSecsSinceEpoch(expires, Qt::UTC);
    ctx.audit(QStringLiteral("user"), userId, 0, sent);
    ctx.result = CommandResult::success(
        userId, { { QStringLiteral("expiresAt"), QDateTime::fromMSecsSinceEpoch(expires, Qt::UTC) } });
}

CommandResult Accounts::supportReactivate(qint64 actorId, qint64 userId)
{
    return m_core.run(QStringLiteral("supportReactivate"), actorId, [&](CommandContext &ctx) {
        ctx.requireSupport();
        sendSupportReactivation(ctx, userId, QString::fromLatin1(audit::ReasonBySupport));
    });
}

CommandResult Accounts::operatorReactivate(const QString &email)
{
    return m_core.run(
        QStringLiteral("operatorReactivate"), 0,
        [&](CommandContext &ctx) {
            const auto account = AccountStore(ctx.db()).stateByEmail(email.trimmed().toLower());
            if (!account)
                fail(ErrorCode::NotFound, QStringLiteral("email"),
                     tr("No user has the e-mail %1.").arg(email));
            sendSupportReactivation(ctx, account->id, QString::fromLatin1(audit::ReasonByOperator));
        },
        RunOptions::anonymousCommand());
}

std::optional<ProfileView> Accounts::profile(qint64 userId) const
{
    return AccountStore(m_core.db()).profile(userId);
}

QList<UserSummary> Accounts::users() const
{
    return AccountStore(m_core.db()).users();
}

UserCounts Accounts::userCounts() const
{
    return AccountStore(m_core.db()).userCounts();
}

std::optional<CommandResult> Accounts::checkSearchTerm(const QString &text)
{
    return TextLimits::check(QStringLiteral("q"), text, textLimit::SearchTerm);
}

QList<UserSearchResult> Accounts::searchUsers(const QString &text, int limit) const
{
    if (checkSearchTerm(text))
        return {};
    const QStringList words = foldForSearch(text).split(QLatin1Char(' '), Qt::SkipEmptyParts);
    QList<UserSearchResult> found;
    if (words.isEmpty() || limit <= 0)
        return found;
    // Folding happens here rather than in SQL: neither back-end folds accents the
    // same way, and the users table stays small next to structures.
    AccountStore(m_core.db()).forEachActiveUser([&](const UserAddressRecord &user) {
        const QString address = QStringList { user.addressLine, user.postalCode, user.city }
                                    .join(QLatin1Char(' '))
                                    .simplified();
        const QString haystack = foldForSearch(
            QStringList { user.firstName, user.lastName, user.email, address }.join(QLatin1Char(' ')));
        const bool matches = std::all_of(words.cbegin(), words.cend(),
                                         [&](const QString &word) { return haystack.contains(word); });
        if (matches)
            found.append({ user.id, user.email, user.firstName, user.lastName, address });
        return found.size() < limit;
    });
    return found;
}

} // namespace guichet
