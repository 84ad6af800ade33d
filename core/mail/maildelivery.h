#pragma once

#include <QCoreApplication>
#include <QDateTime>
#include <QString>

#include <optional>

namespace guichet {

class Core;
struct OutboxMail;

// Where and how the outbox is delivered.
struct SmtpSettings
{
    QString url; // smtp://host:port or smtps://host:port (no credentials inside)
    QString username;
    QString password;
    QString from; // the envelope sender and the From header
    bool startTls = false; // require STARTTLS on smtp:// (CURLUSESSL_ALL)
    int timeoutSecs = 30;

    // Parses smtp[s]://[user[:password]@]host[:port]; the credentials move to
    // username/password. Returns nullopt with *error set when it is not one.
    static std::optional<SmtpSettings> fromUrl(const QString &url, QString *error);
};

// What one deliverPending() run did.
struct DeliveryReport
{
    int sent = 0;
    int failed = 0; // will be retried later
    int givenUp = 0; // failed for the last time (MailDelivery::maxAttempts)
    int dropped = 0; // addressed to a deactivated account: never sent
    QString lastError; // the last transfer error, empty when none failed
};

// Delivers the mail outbox over SMTP with libcurl, one transfer per mail.
// A mail whose account is deactivated is dropped (deactivated accounts receive
// no mail, even when queued before): it is marked failed with
// droppedError() and never tried again. A failed transfer is retried after
// 1 min, 2, 4 ... (at most 6 h); after maxAttempts failures it is given up.
// Mails that will never be tried again keep next_attempt_at = never().
class MailDelivery
{
    Q_DECLARE_TR_FUNCTIONS(guichet::MailDelivery)

public:
    static constexpr int maxAttempts = 10;

    MailDelivery(Core &core, SmtpSettings settings);

    // Delivers up to `limit` due mails; returns how many were sent.
    int deliverPending(int limit = 100);
    const DeliveryReport &lastReport() const { return m_report; }

    // The delay before the next try after the attempts-th failure (1-based).
    static qint64 retryDelaySecs(int attempts);
    // The retry time of mails that are dropped or given up.
    static QDateTime never();
    static QString droppedError();

    // The RFC 5322 message sent for `mail` (CRLF line ends), for a given date
    // and Message-ID.
    QByteArray message(const OutboxMail &mail, const QDateTime &date, const QByteArray &messageId) const;

private:
    bool send(const OutboxMail &mail, QString *error);
    bool isDeactivated(qint64 userId) const;

    Core &m_core;
    SmtpSettings m_settings;
    DeliveryReport m_report;
};

} // namespace guichet
