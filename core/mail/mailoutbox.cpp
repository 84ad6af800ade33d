#include "mail/mailoutbox.h"

#include "kernel/core.h"

namespace guichet {

namespace {

QDateTime optionalTime(const QVariant &value)
{
    return value.isNull() ? QDateTime() : QDateTime::fromMSecsSinceEpoch(value.toLongLong(), Qt::UTC);
}

} // namespace

MailOutbox::MailOutbox(Core &core)
    : m_core(core)
{
}

QList<OutboxMail> MailOutbox::select(const QString &where, const QVariantList &args, const QString &order,
                                     int limit) const
{
    QString sql
        = QStringLiteral("SELECT id, user_id, recipient, subject, body_text, body_html, created_at, sent_at, "
                         "attempts, next_attempt_at, last_error FROM mail_outbox WHERE %1 ORDER BY %2")
              .arg(where, order);
    if (limit > 0)
        sql += QStringLiteral(" LIMIT %1").arg(limit);
    QList<OutboxMail> mails;
    const auto rows = m_core.db().rows(sql, args);
    for (const QVariantMap &row : rows) {
        OutboxMail mail;
        mail.id = row.value(QStringLiteral("id")).toLongLong();
        mail.userId = row.value(QStringLiteral("user_id")).toLongLong();
        mail.recipient = row.value(QStringLiteral("recipient")).toString();
        mail.subject = row.value(QStringLiteral("subject")).toString();
        mail.bodyText = row.value(QStringLiteral("body_text")).toString();
        mail.bodyHtml = row.value(QStringLiteral("body_html")).toString();
        mail.createdAt = optionalTime(row.value(QStringLiteral("created_at")));
        mail.sentAt = optionalTime(row.value(QStringLiteral("sent_at")));
        mail.attempts = row.value(QStringLiteral("attempts")).toInt();
        mail.nextAttemptAt = optionalTime(row.value(QStringLiteral("next_attempt_at")));
        mail.lastError = row.value(QStringLiteral("last_error")).toString();
        mails.append(mail);
    }
    return mails;
}

QList<OutboxMail> MailOutbox::pending(int limit) const
{
    return select(QStringLiteral("sent_at IS NULL AND (next_attempt_at IS NULL OR next_attempt_at <= ?)"),
                  { m_core.clock().nowMs() }, QStringLiteral("created_at, id"), limit);
}

QList<OutboxMail> MailOutbox::forUser(qint64 userId) const
{
    return select(QStringLiteral("user_id = ?"), { userId }, QStringLiteral("created_at DESC, id DESC"));
}

QList<OutboxMail> MailOutbox::forRecipient(const QString &address) const
{
    return select(QStringLiteral("LOWER(recipient) = ?"), { address.trimmed().toLower() },
                  QStringLiteral("created_at DESC, id DESC"));
}

std::optional<OutboxMail> MailOutbox::mail(qint64 id) const
{
    const QList<OutboxMail> mails = select(QStringLiteral("id = ?"), { id }, QStringLiteral("id"));
    if (mails.isEmpty())
        return std::nullopt;
    return mails.first();
}

QList<OutboxMail> MailOutbox::latest(int limit) const
{
    return select(QStringLiteral("1 = 1"), {}, QStringLiteral("created_at DESC, id DESC"), limit);
}

qint64 MailOutbox::unsentCount() const
{
    return m_core.db()
        .value(QStringLiteral("SELECT COUNT(*) FROM mail_outbox WHERE sent_at IS NULL"))
        .toLongLong();
}

bool MailOutbox::markSent(qint64 id, const QDateTime &when)
{
    const QSqlQuery query = m_core.db().exec(
        QStringLiteral("UPDATE mail_outbox SET sent_at = ?, next_attempt_at = NULL, attempts = attempts + 1 "
                       "WHERE id = ? AND sent_at IS NULL"),
        { when.toMSecsSinceEpoch(), id });
    return query.numRowsAffected() == 1;
}

bool MailOutbox::markFailed(qint64 id, const QString &error, const QDateTime &nextAttemptAt)
{
    const QSqlQuery query = m_core.db().exec(
        QStringLiteral("UPDATE mail_outbox SET attempts = attempts + 1, last_error = ?, next_attempt_at = ? "
                       "WHERE id = ? AND sent_at IS NULL"),
        { error,
          nextAttemptAt.isValid() ? QVariant(nextAttemptAt.toMSecsSinceEpoch())
                                  : QVariant(QMetaType(QMetaType::LongLong)),
          id });
    return query.numRowsAffected() == 1;
}

} // namespace guichet
