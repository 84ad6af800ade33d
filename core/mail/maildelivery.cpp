#include "mail/maildelivery.h"

#include "kernel/core.h"
#include "mail/mailoutbox.h"

#include <QLocale>
#include <QUrl>
#include <QUuid>

#include <algorithm>
#include <curl/curl.h>
#include <mutex>

namespace guichet {

namespace {

constexpr qint64 firstRetrySecs = 60;
constexpr qint64 maxRetrySecs = 6 * 3600;

bool isAscii(const QString &text)
{
    return std::all_of(text.cbegin(), text.cend(), [](QChar c) { return c.unicode() < 128; });
}

// RFC 2047 encoded-words (UTF-8, base64), each at most 75 characters and cut
// on character boundaries, folded onto continuation lines.
QByteArray encodeHeaderText(const QString &text)
{
    if (isAscii(text) && !text.contains(QLatin1String("=?")))
        return text.toLatin1();
    constexpr int maxBytes = 45; // 60 base64 characters + 12 of framing
    QList<QByteArray> words;
    QByteArray chunk;
    for (qsizetype i = 0; i < text.size(); ++i) {
        QString character(text.at(i));
        if (text.at(i).isHighSurrogate() && i + 1 < text.size())
            character += text.at(++i);
        const QByteArray bytes = character.toUtf8();
        if (chunk.size() + bytes.size() > maxBytes) {
            words.append(chunk);
            chunk.clear();
        }
        chunk += bytes;
    }
    if (!chunk.isEmpty())
        words.append(chunk);
    QByteArray encoded;
    for (const QByteArray &word : words) {
        if (!encoded.isEmpty())
            encoded += "\r\n ";
        encoded += "=?UTF-8?B?" + word.toBase64() + "?=";
    }
    return encoded;
}

// Quoted-printable (RFC 2045) of UTF-8 text: hard line breaks become CRLF,
// lines are cut at 76 characters with soft breaks.
QByteArray quotedPrintable(const QString &text)
{
    QString normalised = text;
    normalised.replace(QLatin1String("\r\n"), QLatin1String("\n"))
        .replace(QLatin1Char('\r'), QLatin1Char('\n'));
    const QList<QByteArray> lines = normalised.toUtf8().split('\n');
    static const char hex[] = "0123456789ABCDEF";
    QByteArray out;
    for (qsizetype l = 0; l < lines.size(); ++l) {
        const QByteArray &line = lines.at(l);
        int column = 0;
        for (qsizetype i = 0; i < line.size(); ++i) {
            const auto byte = static_cast<unsigned char>(line.at(i));
            const bool last = i + 1 == line.size();
            QByteArray token;
            if ((byte >= 33 && byte <= 126 && byte != '=') || ((byte == ' ' || byte == '\t') && !last))
                token = QByteArray(1, static_cast<char>(byte));
            else
                token = QByteArray("=") + hex[byte >> 4] + hex[byte & 15];
            if (column + token.size() > 75) {
                out += "=\r\n";
                column = 0;
            }
            out += token;
            column += static_cast<int>(token.size());
        }
        if (l + 1 < lines.size())
            out += "\r\n";
    }
    return out;
}

QByteArray textPart(const char *subtype, const QString &body)
{
    return QByteArray("Content-Type: text/") + subtype
        + "; charset=UTF-8\r\nContent-Transfer-Encoding: quoted-printable\r\n\r\n" + quotedPrintable(body)
        + "\r\n";
}

struct Upload
{
    QByteArray data;
    qsizetype offset = 0;
};

size_t readUpload(char *buffer, size_t size, size_t count, void *userData)
{
    auto *upload = static_cast<Upload *>(userData);
    const qsizetype wanted = static_cast<qsizetype>(size * count);
    const qsizetype length = std::min(wanted, upload->data.size() - upload->offset);
    std::copy_n(upload->data.constData() + upload->offset, length, buffer);
    upload->offset += length;
    return static_cast<size_t>(length);
}

void initCurlOnce()
{
    static std::once_flag once;
    std::call_once(once, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
}

} // namespace

std::optional<SmtpSettings> SmtpSettings::fromUrl(const QString &text, QString *error)
{
    QUrl url(text.trimmed(), QUrl::StrictMode);
    const QString scheme = url.scheme().toLower();
    if (!url.isValid() || (scheme != QLatin1String("smtp") && scheme != QLatin1String("smtps"))
        || url.host().isEmpty() || url.port() == 0 || url.hasQuery() || url.hasFragment()) {
        if (error)
            *error = MailDelivery::tr("'%1' is not an SMTP URL (smtp://host:port or smtps://host:port).")
                         .arg(text);
        return std::nullopt;
    }
    SmtpSettings settings;
    settings.username = url.userName();
    settings.password = url.password();
    url.setUserInfo(QString());
    settings.url = url.toString(QUrl::FullyEncoded);
    return settings;
}

MailDelivery::MailDelivery(Core &core, SmtpSettings settings)
    : m_core(core)
    , m_settings(std::move(settings))
{
    initCurlOnce();
}

qint64 MailDelivery::retryDelaySecs(int attempts)
{
    const int doublings = std::clamp(attempts - 1, 0, 20);
    return std::min(firstRetrySecs << doublings, maxRetrySecs);
}

QDateTime MailDelivery::never()
{
    return QDateTime(QDate(9999, 12, 31), QTime(0, 0), Qt::UTC);
}

QString MailDelivery::droppedError()
{
    return tr("account deactivated: not sent");
}

bool MailDelivery::isDeactivated(qint64 userId) const
{
    return m_core.db().value(QStringLiteral("SELECT status FROM users WHERE id = ?"), { userId }).toString()
        == QLatin1String("deactivated");
}

int MailDelivery::deliverPending(int limit)
{
    m_report = DeliveryReport();
    MailOutbox outbox(m_core);
    const QList<OutboxMail> mails = outbox.pending(limit);
    for (const OutboxMail &mail : mails) {
        if (mail.userId && isDeactivated(mail.userId)) {
            outbox.markFailed(mail.id, droppedError(), never());
            ++m_report.dropped;
            continue;
        }
        QString error;
        if (send(mail, &error)) {
            outbox.markSent(mail.id, m_core.clock().now());
            ++m_report.sent;
            continue;
        }
        m_report.lastError = error;
        const int attempts = mail.attempts + 1;
        if (attempts >= maxAttempts) {
            outbox.markFailed(mail.id, tr("given up after %1 attempts: %2").arg(attempts).arg(error),
                              never());
            ++m_report.givenUp;
        } else {
            outbox.markFailed(mail.id, error, m_core.clock().now().addSecs(retryDelaySecs(attempts)));
            ++m_report.failed;
        }
    }
    return m_report.sent;
}

QByteArray MailDelivery::message(const OutboxMail &mail, const QDateTime &date,
                                 const QByteArray &messageId) const
{
    QByteArray head;
    head += "Date: "
        + QLocale::c().toString(date.toUTC(), QStringLiteral("ddd, dd MMM yyyy hh:mm:ss +0000")).toLatin1()
        + "\r\n";
    head += "From: " + m_settings.from.toUtf8() + "\r\n";
    head += "To: " + mail.recipient.toUtf8() + "\r\n";
    head += "Subject: " + encodeHeaderText(mail.subject) + "\r\n";
    head += "Message-ID: <" + messageId + ">\r\n";
    head += "MIME-Version: 1.0\r\n";
    if (mail.bodyHtml.isEmpty())
        return head + textPart("plain", mail.bodyText);
    // "=_" never occurs in quoted-printable text, so the boundary cannot either.
    const QByteArray boundary = "=_guichet_" + QUuid::createUuid().toByteArray(QUuid::Id128);
    return head + "Content-Type: multipart/alternative; boundary=\"" + boundary + "\"\r\n\r\n" + "--"
        + boundary + "\r\n" + textPart("plain", mail.bodyText) + "--" + boundary + "\r\n"
        + textPart("html", mail.bodyHtml) + "--" + boundary + "--\r\n";
}

bool MailDelivery::send(const OutboxMail &mail, QString *error)
{
    CURL *curl = curl_easy_init();
    if (!curl) {
        *error = tr("could not start a mail transfer");
        return false;
    }
    QByteArray domain = m_settings.from.section(QLatin1Char('@'), 1).toUtf8();
    if (domain.isEmpty())
        domain = "guichet.invalid";
    const QByteArray messageId = QUuid::createUuid().toByteArray(QUuid::Id128) + ".guichet."
        + QByteArray::number(mail.id) + '@' + domain;
    Upload upload { message(mail, m_core.clock().now(), messageId), 0 };
    const QByteArray url = m_settings.url.toUtf8();
    const QByteArray from = '<' + m_settings.from.toUtf8() + '>';
    const QByteArray recipient = '<' + mail.recipient.trimmed().toUtf8() + '>';
    const QByteArray username = m_settings.username.toUtf8();
    const QByteArray password = m_settings.password.toUtf8();
    curl_slist *recipients = curl_slist_append(nullptr, recipient.constData());
    char errorBuffer[CURL_ERROR_SIZE] = {};

    curl_easy_setopt(curl, CURLOPT_URL, url.constData());
    curl_easy_setopt(curl, CURLOPT_ERRORBUFFER, errorBuffer);
    curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(curl, CURLOPT_MAIL_FROM, from.constData());
    curl_easy_setopt(curl, CURLOPT_MAIL_RCPT, recipients);
    curl_easy_setopt(curl, CURLOPT_READFUNCTION, readUpload);
    curl_easy_setopt(curl, CURLOPT_READDATA, &upload);
    curl_easy_setopt(curl, CURLOPT_UPLOAD, 1L);
    curl_easy_setopt(curl, CURLOPT_CONNECTTIMEOUT, static_cast<long>(m_settings.timeoutSecs));
    curl_easy_setopt(curl, CURLOPT_TIMEOUT, static_cast<long>(m_settings.timeoutSecs) * 4);
    if (m_settings.startTls)
        curl_easy_setopt(curl, CURLOPT_USE_SSL, static_cast<long>(CURLUSESSL_ALL));
    if (!m_settings.username.isEmpty()) {
        curl_easy_setopt(curl, CURLOPT_USERNAME, username.constData());
        curl_easy_setopt(curl, CURLOPT_PASSWORD, password.constData());
    }
    const CURLcode code = curl_easy_perform(curl);
    curl_slist_free_all(recipients);
    curl_easy_cleanup(curl);
    if (code == CURLE_OK)
        return true;
    *error = errorBuffer[0] ? QString::fromUtf8(errorBuffer) : QString::fromUtf8(curl_easy_strerror(code));
    return false;
}

} // namespace guichet
