#pragma once

#include <QDateTime>
#include <QList>
#include <QString>
#include <QVariant>

#include <optional>

namespace guichet {

class Core;

struct OutboxMail
{
    qint64 id = 0;
    qint64 userId = 0; // 0 when the recipient has no account (anonymous solicitation)
    QString recipient;
    QString subject;
    QString bodyText;
    QString bodyHtml;
    QDateTime createdAt;
    QDateTime sentAt; // invalid while pending
    int attempts = 0;
    QDateTime nextAttemptAt; // invalid: as soon as possible
    QString lastError;

    bool isSent() const { return sentAt.isValid(); }
};

// The read side of the mail outbox (CommandContext::queueMail fills it): the
// standalone « local outbox » view, and the bookkeeping of delivery.
class MailOutbox
{
public:
    explicit MailOutbox(Core &core);

    // Unsent mails due now (never tried, or their retry time has come), oldest first.
    QList<OutboxMail> pending(int limit = 100) const;
    // Every mail addressed to a user's account, newest first: in standalone
    // mode this is how they read, e.g., their reactivation link.
    QList<OutboxMail> forUser(qint64 userId) const;
    // Every mail to an address (operators; anonymous senders have no account).
    QList<OutboxMail> forRecipient(const QString &address) const;
    std::optional<OutboxMail> mail(qint64 id) const;
    // The newest mails, whoever they are for, newest first: the standalone
    // desktop's view of its own outbox.
    QList<OutboxMail> latest(int limit) const;
    // How many mails wait to be sent (due now or later).
    qint64 unsentCount() const;

    // Delivery bookkeeping (each counts one attempt); false when the mail does
    // not exist or was already sent.
    bool markSent(qint64 id, const QDateTime &when);
    bool markFailed(qint64 id, const QString &error, const QDateTime &nextAttemptAt);

private:
    QList<OutboxMail> select(const QString &where, const QVariantList &args, const QString &order,
                             int limit = 0) const;
    Core &m_core;
};

} // namespace guichet
