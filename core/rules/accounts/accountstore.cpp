#include "rules/accounts/accountstore.h"

#include "kernel/database.h"

#include <QDateTime>
#include <QSqlQuery>

namespace guichet {

namespace {

QVariant nullId()
{
    return QVariant(QMetaType(QMetaType::LongLong));
}

QVariant msOrNull(qint64 ms)
{
    return ms ? QVariant(ms) : nullId();
}

std::optional<qint64> optionalMs(const QVariant &value)
{
    if (value.isNull())
        return std::nullopt;
    return value.toLongLong();
}

QString requestTableName(AccountStore::RequestTable table)
{
    return table == AccountStore::RequestTable::Attachments ? QStringLiteral("attachments")
                                                            : QStringLiteral("subscriptions");
}

const QString kStateColumns
    = QStringLiteral("id, email, status, deactivated_at, password_hash, created_at, first_name");

std::optional<AccountState> stateFromRow(const std::optional<QVariantMap> &row)
{
    if (!row)
        return std::nullopt;
    AccountState state;
    state.id = row->value(QStringLiteral("id")).toLongLong();
    state.email = row->value(QStringLiteral("email")).toString();
    state.status = row->value(QStringLiteral("status")).toString();
    state.deactivatedAt = row->value(QStringLiteral("deactivated_at")).toLongLong();
    state.passwordHash = row->value(QStringLiteral("password_hash")).toString();
    state.createdAt = row->value(QStringLiteral("created_at")).toLongLong();
    state.firstName = row->value(QStringLiteral("first_name")).toString();
    return state;
}

} // namespace

AccountStore::AccountStore(const Database &db)
    : m_db(db)
{
}

// ---------------------------------------------------------------- users

bool AccountStore::emailTaken(const QString &email) const
{
    return m_db.value(QStringLiteral("SELECT COUNT(*) FROM users WHERE email = ?"), { email }).toInt() != 0;
}

qint64 AccountStore::insertUser(const QString &email, const QString &firstName, const QString &lastName,
                                const QString &passwordHash, const QString &language, bool support,
                                qint64 nowMs, qint64 version)
{
    // The sign-in e-mail is the first contact address.
    return m_db.insert(
        QStringLiteral("INSERT INTO users (email, first_name, last_name, contact_email, password_hash, "
                       "language, is_support, created_at, version) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) "
                       "RETURNING id"),
        { email, firstName, lastName, email, passwordHash, language, support ? 1 : 0, nowMs, version });
}

std::optional<SignInRecord> AccountStore::signInRecord(const QString &email) const
{
    const auto row = m_db.row(QStringLiteral("SELECT id, email, first_name, contact_email, password_hash, "
                                             "status FROM users WHERE email = ?"),
                              { email });
    if (!row)
        return std::nullopt;
    SignInRecord record;
    record.id = row->value(QStringLiteral("id")).toLongLong();
    record.email = row->value(QStringLiteral("email")).toString();
    record.firstName = row->value(QStringLiteral("first_name")).toString();
    record.contactEmail = row->value(QStringLiteral("contact_email")).toString();
    record.passwordHash = row->value(QStringLiteral("password_hash")).toString();
    record.status = row->value(QStringLiteral("status")).toString();
    return record;
}

void AccountStore::upgradePasswordHash(qint64 userId, const QString &passwordHash) const
{
    // A rehash with new limits: the same password, nothing desktops see changes.
    m_db.exec(QStringLiteral("UPDATE users SET password_hash = ? WHERE id = ?"), { passwordHash, userId });
}

SignInFailures AccountStore::signInFailures(const QString &email, const QString &clientAddress,
                                            bool forUpdate) const
{
    const auto row = m_db.row(
        QStringLiteral(
            "SELECT failures, next_login_at, locked_until FROM sign_in_failures WHERE email = ? AND "
            "client_address = ?")
            + (forUpdate && m_db.isPostgres() ? QStringLiteral(" FOR UPDATE") : QString()),
        { email, clientAddress });
    SignInFailures failures;
    if (!row)
        return failures;
    failures.failures = row->value(QStringLiteral("failures")).toInt();
    failures.nextLoginAt = optionalMs(row->value(QStringLiteral("next_login_at")));
    failures.lockedUntil = optionalMs(row->value(QStringLiteral("locked_until")));
    return failures;
}

int AccountStore::addSignInFailure(const QString &email, const QString &clientAddress, qint64 nowMs)
{
    // One statement, so that two parallel failures both count.
    return m_db
        .value(
            QStringLiteral("INSERT INTO sign_in_failures (email, client_address, failures, last_failure_at) "
                           "VALUES (?, ?, 1, ?) ON CONFLICT (email, client_address) DO UPDATE SET "
                           "failures = sign_in_failures.failures + 1, last_failure_at = "
                           "excluded.last_failure_at RETURNING failures"),
            { email, clientAddress, nowMs })
        .toInt();
}

void AccountStore::setSignInWait(const QString &email, const QString &clientAddress, qint64 nextLoginAtMs,
                                 qint64 lockedUntilMs)
{
    m_db.exec(
        QStringLiteral("UPDATE sign_in_failures SET next_login_at = ?, locked_until = ? WHERE email = ? "
                       "AND client_address = ?"),
        { msOrNull(nextLoginAtMs), msOrNull(lockedUntilMs), email, clientAddress });
}

void AccountStore::clearSignInFailures(const QString &email, const QString &clientAddress)
{
    m_db.exec(QStringLiteral("DELETE FROM sign_in_failures WHERE email = ? AND client_address = ?"),
              { email, clientAddress });
}

void AccountStore::clearSignInFailures(const QString &email)
{
    m_db.exec(QStringLiteral("DELETE FROM sign_in_failures WHERE email = ?"), { email });
}

void AccountStore::forgetSignInFailures(qint64 beforeMs)
{
    m_db.exec(QStringLiteral("DELETE FROM sign_in_failures WHERE last_failure_at < ?"), { beforeMs });
}

QString AccountStore::passwordHash(qint64 userId) const
{
    return m_db.value(QStringLiteral("SELECT password_hash FROM users WHERE id = ?"), { userId }).toString();
}

QString AccountStore::secretQuestion(qint64 userId) const
{
    return m_db.value(QStringLiteral("SELECT secret_question FROM users WHERE id = ?"), { userId })
        .toString();
}

QString AccountStore::contactEmail(qint64 userId) const
{
    return m_db.value(QStringLiteral("SELECT contact_email FROM users WHERE id = ?"), { userId }).toString();
}

std::optional<AccountMailing> AccountStore::mailing(qint64 userId) const
{
    const auto row = m_db.row(
        QStringLiteral("SELECT email, first_name, contact_email FROM users WHERE id = ?"), { userId });
    if (!row)
        return std::nullopt;
    return AccountMailing { row->value(QStringLiteral("email")).toString(),
                            row->value(QStringLiteral("first_name")).toString(),
                            row->value(QStringLiteral("contact_email")).toString() };
}

std::optional<AccountState> AccountStore::stateByEmail(const QString &email) const
{
    return stateFromRow(
        m_db.row(QStringLiteral("SELECT %1 FROM users WHERE email = ?").arg(kStateColumns), { email }));
}

std::optional<AccountState> AccountStore::stateById(qint64 userId) const
{
    return stateFromRow(
        m_db.row(QStringLiteral("SELECT %1 FROM users WHERE id = ?").arg(kStateColumns), { userId }));
}

void AccountStore::updateProfile(qint64 userId, const Profile &profile, qint64 version)
{
    m_db.exec(QStringLiteral("UPDATE users SET contact_email = ?, last_name = ?, first_name = ?, "
                             "address_line = ?, postal_code = ?, city = ?, country = ?, version = ? "
                             "WHERE id = ?"),
              { profile.contactEmail, profile.lastName, profile.firstName, profile.addressLine,
                profile.postalCode, profile.city, profile.country, version, userId });
}

void AccountStore::setPasswordHash(qint64 userId, const QString &passwordHash, qint64 version)
{
    m_db.exec(QStringLiteral("UPDATE users SET password_hash = ?, version = ? WHERE id = ?"),
              { passwordHash, version, userId });
}

void AccountStore::setSecretQuestion(qint64 userId, const QString &question, const QString &answerHash,
                                     qint64 version)
{
    m_db.exec(QStringLiteral("UPDATE users SET secret_question = ?, secret_answer_hash = ?, version = ? "
                             "WHERE id = ?"),
              { question, answerHash, version, userId });
}

void AccountStore::setNotifications(qint64 userId, bool enabled, const QString &contactEmail, qint64 version)
{
    // The command reads nothing back (the actor's row is known to exist): on
    // PostgreSQL it goes with the audit entry and the COMMIT, in their round trip.
    m_db.execLater(
        QStringLiteral("UPDATE users SET notifications_enabled = ?, contact_email = ?, version = ? "
                       "WHERE id = ?"),
        { enabled ? 1 : 0, contactEmail, version, userId });
}

void AccountStore::deactivate(qint64 userId, qint64 nowMs, qint64 version)
{
    m_db.exec(QStringLiteral("UPDATE users SET status = 'deactivated', deactivated_at = ?, version = ? WHERE "
                             "id = ?"),
              { nowMs, version, userId });
}

void AccountStore::reactivate(qint64 userId, const QString &passwordHash, const QString &question,
                              const QString &answerHash, qint64 version)
{
    m_db.exec(QStringLiteral("UPDATE users SET status = 'active', deactivated_at = NULL, password_hash = ?, "
                             "secret_question = ?, secret_answer_hash = ?, version = ? WHERE "
                             "id = ?"),
              { passwordHash, question, answerHash, version, userId });
}

qint64 AccountStore::insertPendingUser(const PendingAccountRecord &r, qint64 nowMs, qint64 version)
{
    // The sign-in e-mail is the first contact address.
    return m_db.insert(
        QStringLiteral("INSERT INTO users (email, first_name, last_name, contact_email, password_hash, "
                       "secret_question, secret_answer_hash, language, status, created_at, version) "
                       "VALUES (?, ?, ?, ?, ?, ?, ?, ?, 'pending', ?, ?) RETURNING id"),
        { r.email, r.firstName, r.lastName, r.email, r.passwordHash, r.secretQuestion, r.secretAnswerHash,
          r.language, nowMs, version });
}

void AccountStore::replacePendingUser(qint64 userId, const PendingAccountRecord &r, qint64 nowMs,
                                      qint64 version)
{
    m_db.exec(QStringLiteral("UPDATE users SET first_name = ?, last_name = ?, password_hash = ?, "
                             "secret_question = ?, secret_answer_hash = ?, language = ?, created_at = ?, "
                             "version = ? WHERE id = ? AND status = 'pending'"),
              { r.firstName, r.lastName, r.passwordHash, r.secretQuestion, r.secretAnswerHash, r.language,
                nowMs, version, userId });
}

void AccountStore::completeInvitedUser(qint64 userId, const PendingAccountRecord &r, qint64 version)
{
    m_db.exec(
        QStringLiteral("UPDATE users SET first_name = ?, last_name = ?, password_hash = ?, "
                       "secret_question = ?, secret_answer_hash = ?, version = ? WHERE id = ? AND status = "
                       "'pending' AND password_hash = ''"),
        { r.firstName, r.lastName, r.passwordHash, r.secretQuestion, r.secretAnswerHash, version, userId });
}

void AccountStore::restartActivationPeriod(qint64 userId, qint64 nowMs, qint64 version)
{
    m_db.exec(
        QStringLiteral("UPDATE users SET created_at = ?, version = ? WHERE id = ? AND status = 'pending'"),
        { nowMs, version, userId });
}

std::optional<qint64> AccountStore::accountNoticeAt(qint64 userId) const
{
    const QVariant at
        = m_db.value(QStringLiteral("SELECT account_notice_at FROM users WHERE id = ?"), { userId });
    if (at.isNull())
        return std::nullopt;
    return at.toLongLong();
}

void AccountStore::setAccountNoticeAt(qint64 userId, qint64 nowMs)
{
    // Not a change desktops see: the version stays.
    m_db.exec(QStringLiteral("UPDATE users SET account_notice_at = ? WHERE id = ?"), { nowMs, userId });
}

bool AccountStore::activatePendingUser(qint64 userId, qint64 version)
{
    return m_db.exec(
                   QStringLiteral(
                       "UPDATE users SET status = 'active', version = ? WHERE id = ? AND status = 'pending'"),
                   { version, userId })
               .numRowsAffected()
        == 1;
}

QList<ExpiredPendingAccount> AccountStore::pendingUsersCreatedBefore(qint64 beforeMs) const
{
    QList<ExpiredPendingAccount> list;
    for (const QVariantMap &r :
         m_db.rows(QStringLiteral("SELECT id, email FROM users WHERE status = 'pending' AND created_at < ? "
                                  "ORDER BY created_at, id"),
                   { beforeMs }))
        list.append(
            { r.value(QStringLiteral("id")).toLongLong(), r.value(QStringLiteral("email")).toString() });
    return list;
}

void AccountStore::deletePendingUser(qint64 userId)
{
    m_db.exec(QStringLiteral("DELETE FROM tokens WHERE user_id = ?"), { userId });
    m_db.exec(QStringLiteral("UPDATE mail_outbox SET user_id = NULL WHERE user_id = ?"), { userId });
    m_db.exec(QStringLiteral("UPDATE audit_log SET actor_id = NULL WHERE actor_id = ?"), { userId });
    m_db.exec(QStringLiteral("DELETE FROM users WHERE id = ? AND status = 'pending'"), { userId });
}

std::optional<ProfileView> AccountStore::profile(qint64 userId) const
{
    const auto row = m_db.row(
        QStringLiteral(
            "SELECT id, email, contact_email, last_name, first_name, address_line, postal_code, city, "
            "country, secret_question, secret_answer_hash, notifications_enabled, language, "
            "is_support, status, deactivated_at, created_at FROM users WHERE id = ?"),
        { userId });
    if (!row)
        return std::nullopt;
    const auto text = [&](const char *column) { return row->value(QLatin1String(column)).toString(); };
    ProfileView view;
    view.id = userId;
    view.email = text("email");
    view.profile = { text("contact_email"), text("last_name"), text("first_name"), text("address_line"),
                     text("postal_code"),   text("city"),      text("country") };
    view.secretQuestion = text("secret_question");
    view.hasSecretAnswer = !text("secret_answer_hash").isEmpty();
    view.notifications = row->value(QStringLiteral("notifications_enabled")).toInt() != 0;
    view.language = text("language");
    view.support = row->value(QStringLiteral("is_support")).toInt() != 0;
    view.active = text("status") == QLatin1String("active");
    if (!row->value(QStringLiteral("deactivated_at")).isNull())
        view.deactivatedAt = QDateTime::fromMSecsSinceEpoch(
            row->value(QStringLiteral("deactivated_at")).toLongLong(), Qt::UTC);
    view.createdAt
        = QDateTime::fromMSecsSinceEpoch(row->value(QStringLiteral("created_at")).toLongLong(), Qt::UTC);
    return view;
}

QList<UserSummary> AccountStore::users() const
{
    QList<UserSummary> list;
    const QList<QVariantMap> rows = m_db.rows(QStringLiteral(
        "SELECT id, email, first_name, last_name, is_support, status FROM users ORDER BY email"));
    for (const QVariantMap &r : rows)
        list.append({ r.value(QStringLiteral("id")).toLongLong(), r.value(QStringLiteral("email")).toString(),
                      r.value(QStringLiteral("first_name")).toString(),
                      r.value(QStringLiteral("last_name")).toString(),
                      r.value(QStringLiteral("is_support")).toInt() != 0,
                      r.value(QStringLiteral("status")).toString() == QLatin1String("active"),
                      r.value(QStringLiteral("status")).toString() == QLatin1String("pending") });
    return list;
}

UserCounts AccountStore::userCounts() const
{
    const auto row = m_db.row(QStringLiteral(
        "SELECT COUNT(*) AS total, SUM(CASE WHEN status = 'deactivated' THEN 1 ELSE 0 END) AS deactivated "
        "FROM users"));
    UserCounts counts;
    if (row) {
        counts.total = row->value(QStringLiteral("total")).toLongLong();
        counts.deactivated = row->value(QStringLiteral("deactivated")).toLongLong();
    }
    return counts;
}

void AccountStore::forEachActiveUser(const std::function<bool(const UserAddressRecord &)> &visit) const
{
    QSqlQuery query = m_db.exec(
        QStringLiteral("SELECT id, email, first_name, last_name, address_line, postal_code, city FROM users "
                       "WHERE status = 'active' ORDER BY last_name, first_name, id"));
    while (query.next()) {
        const UserAddressRecord record { query.value(0).toLongLong(), query.value(1).toString(),
                                         query.value(2).toString(),   query.value(3).toString(),
                                         query.value(4).toString(),   query.value(5).toString(),
                                         query.value(6).toString() };
        if (!visit(record))
            return;
    }
}

// ---------------------------------------------------------------- tokens

void AccountStore::insertToken(qint64 userId, const QString &purpose, const QString &tokenHash, qint64 nowMs,
                               qint64 expiresAtMs)
{
    m_db.exec(QStringLiteral("INSERT INTO tokens (user_id, purpose, token_hash, created_at, expires_at) "
                             "VALUES (?, ?, ?, ?, ?)"),
              { userId, purpose, tokenHash, nowMs, expiresAtMs });
}

std::optional<ReactivationToken> AccountStore::reactivationToken(const QString &tokenHash) const
{
    return token(tokenHash, QStringLiteral("purpose IN ('reactivation', 'support_reactivation')"));
}

std::optional<ReactivationToken> AccountStore::activationToken(const QString &tokenHash) const
{
    return token(tokenHash, QStringLiteral("purpose = 'activation'"));
}

std::optional<ReactivationToken> AccountStore::token(const QString &tokenHash,
                                                     const QString &purposeCondition) const
{
    const auto row = m_db.row(QStringLiteral("SELECT id, user_id, purpose, expires_at, used_at, revoked_at "
                                             "FROM tokens WHERE token_hash = ? AND %1")
                                  .arg(purposeCondition),
                              { tokenHash });
    if (!row)
        return std::nullopt;
    ReactivationToken token;
    token.id = row->value(QStringLiteral("id")).toLongLong();
    token.userId = row->value(QStringLiteral("user_id")).toLongLong();
    token.purpose = row->value(QStringLiteral("purpose")).toString();
    token.expiresAt = row->value(QStringLiteral("expires_at")).toLongLong();
    token.used = !row->value(QStringLiteral("used_at")).isNull();
    token.revoked = !row->value(QStringLiteral("revoked_at")).isNull();
    return token;
}

void AccountStore::revokeTokens(qint64 userId, const QString &purpose, qint64 nowMs)
{
    m_db.exec(QStringLiteral("UPDATE tokens SET revoked_at = ? WHERE user_id = ? AND purpose = ? AND used_at "
                             "IS NULL AND revoked_at IS NULL"),
              { nowMs, userId, purpose });
}

std::optional<UnlockToken> AccountStore::unlockToken(const QString &tokenHash) const
{
    const auto found = token(tokenHash, QStringLiteral("purpose = 'unlock'"));
    if (!found)
        return std::nullopt;
    return UnlockToken { found->id, found->userId, found->expiresAt, found->used, found->revoked };
}

bool AccountStore::hasOpenToken(qint64 userId, const QString &purpose, qint64 nowMs) const
{
    return m_db.value(QStringLiteral(
                          "SELECT COUNT(*) FROM tokens WHERE user_id = ? AND purpose = ? AND used_at IS "
                          "NULL AND revoked_at IS NULL AND expires_at > ?"),
                      { userId, purpose, nowMs })
               .toInt()
        != 0;
}

void AccountStore::markTokenUsed(qint64 tokenId, qint64 nowMs)
{
    m_db.exec(QStringLiteral("UPDATE tokens SET used_at = ? WHERE id = ?"), { nowMs, tokenId });
}

void AccountStore::revokeReactivationTokens(qint64 userId, qint64 nowMs)
{
    m_db.exec(QStringLiteral("UPDATE tokens SET revoked_at = ? WHERE user_id = ? AND purpose IN "
                             "('reactivation', 'support_reactivation') AND used_at IS NULL AND "
                             "revoked_at IS NULL"),
              { nowMs, userId });
}

void AccountStore::revokeOpenTokens(qint64 userId, qint64 nowMs)
{
    m_db.exec(QStringLiteral("UPDATE tokens SET revoked_at = ? WHERE user_id = ? AND revoked_at IS NULL AND "
                             "used_at IS NULL"),
              { nowMs, userId });
}

// ---------------------------------------------------------------- sessions

qint64 AccountStore::insertSession(qint64 userId, const QString &tokenHash, qint64 nowMs, qint64 expiresAtMs)
{
    return m_db.insert(
        QStringLiteral("INSERT INTO sessions (user_id, token_hash, created_at, expires_at, last_used_at) "
                       "VALUES (?, ?, ?, ?, ?) RETURNING id"),
        { userId, tokenHash, nowMs, expiresAtMs, nowMs });
}

std::optional<SessionRecord> AccountStore::openSession(const QString &tokenHash) const
{
    const auto row = m_db.row(QStringLiteral("SELECT s.id, s.user_id, s.expires_at, s.last_used_at, u.status "
                                             "FROM sessions s JOIN users u ON u.id = s.user_id "
                                             "WHERE s.token_hash = ? AND s.revoked_at IS NULL"),
                              { tokenHash });
    if (!row)
        return std::nullopt;
    return SessionRecord { row->value(QStringLiteral("id")).toLongLong(),
                           row->value(QStringLiteral("user_id")).toLongLong(),
                           row->value(QStringLiteral("expires_at")).toLongLong(),
                           row->value(QStringLiteral("last_used_at")).toLongLong(),
                           row->value(QStringLiteral("status")).toString() };
}

void AccountStore::touchSession(qint64 sessionId, qint64 nowMs)
{
    m_db.exec(QStringLiteral("UPDATE sessions SET last_used_at = ? WHERE id = ?"), { nowMs, sessionId });
}

QSet<qint64> AccountStore::openSessionIds(const QList<qint64> &sessionIds, qint64 nowMs) const
{
    QSet<qint64> open;
    // In chunks: the ids go into the SQL text (whole numbers only).
    for (qsizetype from = 0; from < sessionIds.size(); from += 1000) {
        QStringList ids;
        for (const qint64 id : sessionIds.mid(from, 1000))
            ids.append(QString::number(id));
        QSqlQuery query
            = m_db.exec(QStringLiteral("SELECT s.id FROM sessions s JOIN users u ON u.id = s.user_id "
                                       "WHERE s.id IN (%1) AND s.revoked_at IS NULL AND s.expires_at > ? "
                                       "AND u.status = 'active'")
                            .arg(ids.join(QLatin1Char(','))),
                        { nowMs });
        while (query.next())
            open.insert(query.value(0).toLongLong());
    }
    return open;
}

void AccountStore::revokeSession(qint64 sessionId, qint64 userId, qint64 nowMs)
{
    m_db.exec(QStringLiteral("UPDATE sessions SET revoked_at = ? WHERE id = ? AND user_id = ? AND "
                             "revoked_at IS NULL"),
              { nowMs, sessionId, userId });
}

void AccountStore::revokeSessions(qint64 userId, qint64 exceptSessionId, qint64 nowMs)
{
    m_db.exec(QStringLiteral("UPDATE sessions SET revoked_at = ? WHERE user_id = ? AND id <> ? AND "
                             "revoked_at IS NULL"),
              { nowMs, userId, exceptSessionId });
}

// ---------------------------------------------------------------- deactivation

QString AccountStore::raisonSociale(qint64 structureId) const
{
    return m_db.value(QStringLiteral("SELECT raison_sociale FROM structures WHERE id = ?"), { structureId })
        .toString();
}

QList<PendingRequest> AccountStore::pendingRequests(RequestTable table, qint64 userId) const
{
    QList<PendingRequest> requests;
    const QList<QVariantMap> rows
        = m_db.rows(QStringLiteral("SELECT id, structure_id FROM %1 WHERE user_id = ? AND status = 'pending'")
                        .arg(requestTableName(table)),
                    { userId });
    for (const QVariantMap &row : rows)
        requests.append({ row.value(QStringLiteral("id")).toLongLong(),
                          row.value(QStringLiteral("structure_id")).toLongLong() });
    return requests;
}

void AccountStore::refuseRequest(RequestTable table, qint64 requestId, qint64 nowMs, qint64 decidedBy,
                                 const QString &comment, qint64 version)
{
    m_db.exec(QStringLiteral("UPDATE %1 SET status = 'refused', decided_at = ?, decided_by = ?, "
                             "decision_comment = ?, version = ? WHERE id = ?")
                  .arg(requestTableName(table)),
              { nowMs, decidedBy, comment, version, requestId });
}

} // namespace guichet
