#include "server/requestframing.h"

#include <QList>

#include <algorithm>
#include <cstring>

namespace guichet::server {

RequestFraming::RequestFraming(qint64 maxHeaderBytes, qint64 maxBodyBytes)
    : m_maxHeaderBytes(maxHeaderBytes)
    , m_maxBodyBytes(maxBodyBytes)
{
}

int RequestFraming::consume(const QByteArray &data)
{
    if (m_refusal)
        return m_refusal;
    qsizetype pos = 0;
    while (pos < data.size()) {
        if (m_bodyLeft > 0) {
            const qsizetype taken = qsizetype(std::min<qint64>(m_bodyLeft, data.size() - pos));
            m_bodyLeft -= taken;
            m_requestBytes += taken;
            pos += taken;
            if (m_bodyLeft == 0)
                complete();
            continue;
        }
        qsizetype headEnd = -1; // where the headers end in `data` (after the blank line)
        QByteArray head;
        if (m_head.isEmpty()) {
            // Empty lines before a request line are allowed (RFC 9112, 2.2).
            while (pos < data.size() && (data.at(pos) == '\r' || data.at(pos) == '\n')) {
                ++pos;
                ++m_requestBytes;
            }
            if (pos == data.size())
                break;
            const qsizetype end = data.indexOf("\r\n\r\n", pos);
            if (end < 0) {
                // Past the allowance even if the last three bytes begin the
                // blank line (the next chunk may bring its end).
                if (data.size() - pos > m_maxHeaderBytes + 3)
                    return refuse(431);
                m_head = data.mid(pos);
                m_requestBytes += data.size() - pos;
                break;
            }
            head = data.mid(pos, end - pos);
            headEnd = end + 4;
        } else {
            // The headers began in an earlier chunk: at most the allowance more.
            const qsizetype before = m_head.size();
            m_head += data.mid(pos, m_maxHeaderBytes + 4 - before);
            const qsizetype end = m_head.indexOf("\r\n\r\n", std::max<qsizetype>(0, before - 3));
            if (end < 0) {
                if (m_head.size() > m_maxHeaderBytes + 3)
                    return refuse(431);
                m_requestBytes += data.size() - pos;
                pos = data.size();
                break;
            }
            head = m_head.left(end);
            headEnd = pos + (end + 4 - before);
            m_head.clear();
        }
        if (head.size() > m_maxHeaderBytes)
            return refuse(431);
        m_requestBytes += headEnd - pos;
        pos = headEnd;
        const int status = readHeaders(head);
        if (status != 0)
            return refuse(status);
        if (m_bodyLeft == 0)
            complete();
    }
    return 0;
}

void RequestFraming::complete()
{
    ++m_complete;
    m_current.size = m_requestBytes;
    m_completed.append(std::exchange(m_current, {}));
    m_requestBytes = 0;
}

namespace {

// A token's characters (RFC 9110, 5.6.2): a method, a header's name. ASCII
// only, whatever the locale (std::isalnum follows the one Qt sets).
bool isToken(QByteArrayView text)
{
    if (text.isEmpty())
        return false;
    for (const char c : text) {
        const bool alphanumeric = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
        if (!alphanumeric && (c == 0 || !std::strchr("!#$%&'*+-.^_`|~", c)))
            return false;
    }
    return true;
}

// A header's value without its surrounding spaces and tabs; false when it
// holds another control character (a bare CR that another hop may take for a
// line's end, a NUL): RFC 9110, 5.5.
bool fieldValue(QByteArrayView raw, QByteArrayView *value)
{
    qsizetype begin = 0;
    qsizetype end = raw.size();
    while (begin < end && (raw.at(begin) == ' ' || raw.at(begin) == '\t'))
        ++begin;
    while (end > begin && (raw.at(end - 1) == ' ' || raw.at(end - 1) == '\t'))
        --end;
    for (qsizetype i = begin; i < end; ++i) {
        const auto c = static_cast<unsigned char>(raw.at(i));
        if ((c < 0x20 && c != '\t') || c == 0x7f)
            return false;
    }
    *value = raw.sliced(begin, end - begin);
    return true;
}

bool sameName(QByteArrayView name, const char *lowerCase)
{
    return name.compare(QByteArrayView(lowerCase), Qt::CaseInsensitive) == 0;
}

// QByteArrayView has no case-insensitive indexOf().
bool containsNoCase(QByteArrayView text, const char *lowerCase)
{
    const qsizetype size = qsizetype(qstrlen(lowerCase));
    for (qsizetype i = 0; i + size <= text.size(); ++i) {
        if (qstrnicmp(text.data() + i, size, lowerCase, size) == 0)
            return true;
    }
    return false;
}

} // namespace

int RequestFraming::readRequestLine(QByteArrayView line, bool *http10)
{
    // « method SP request-target SP HTTP-version » (RFC 9112, 3), one space
    // each; a method is a token, the target has no blank.
    const qsizetype methodEnd = line.indexOf(' ');
    const qsizetype targetEnd = methodEnd < 0 ? -1 : line.indexOf(' ', methodEnd + 1);
    if (methodEnd <= 0 || targetEnd <= methodEnd + 1)
        return 400;
    const QByteArrayView method = line.first(methodEnd);
    const QByteArrayView target = line.sliced(methodEnd + 1, targetEnd - methodEnd - 1);
    const QByteArrayView version = line.sliced(targetEnd + 1);
    if (!isToken(method))
        return 400;
    for (const char c : target) {
        if (static_cast<unsigned char>(c) <= ' ' || c == 0x7f)
            return 400;
    }
    if (version.size() != 8 || !version.startsWith("HTTP/1.") || version.at(7) < '0' || version.at(7) > '9')
        return 400;
    m_current.method = method.toByteArray();
    m_current.target = target.toByteArray();
    *http10 = version.at(7) == '0';
    return 0;
}

int RequestFraming::readHeaders(const QByteArray &head)
{
    // Line by line through views of `head`; the names and values are copied
    // once, into the request.
    const QByteArrayView all(head);
    qsizetype lineEnd = all.indexOf('\n');
    m_requestLine = (lineEnd < 0 ? all : all.first(lineEnd)).trimmed().toByteArray();
    bool http10 = false;
    if (const int status = readRequestLine(m_requestLine, &http10))
        return status;
    bool keepAlive = false;
    bool close = false;
    int lengths = 0;
    qint64 length = 0;
    while (lineEnd >= 0) {
        // Each field costs a list entry: bounded in number, not only in bytes.
        if (m_current.headers.size() == MaxHeaderFields)
            return 431;
        const qsizetype lineBegin = lineEnd + 1;
        lineEnd = all.indexOf('\n', lineBegin);
        QByteArrayView line = all.sliced(lineBegin, (lineEnd < 0 ? all.size() : lineEnd) - lineBegin);
        if (line.endsWith('\r'))
            line.chop(1);
        const qsizetype colon = line.indexOf(':');
        // The name is a token right before its colon: no blank, no fold onto
        // the line before (RFC 9112, 5.1 and 5.2: both have served smuggling).
        const QByteArrayView name = colon < 0 ? QByteArrayView() : line.first(colon);
        QByteArrayView value;
        if (!isToken(name) || !fieldValue(line.sliced(colon + 1), &value))
            return 400;
        m_current.headers.append({ name.toByteArray(), value.toByteArray() });
        if (sameName(name, "connection")) {
            close = close || containsNoCase(value, "close");
            keepAlive = keepAlive || containsNoCase(value, "keep-alive");
        }
        if (sameName(name, "transfer-encoding"))
            return 400; // only Content-Length bodies: no chunked smuggling
        if (!sameName(name, "content-length"))
            continue;
        if (++lengths > 1)
            return 400; // two lengths: which one would the next hop believe?
        bool ok = !value.isEmpty() && value.size() <= 18;
        for (const char c : value)
            ok = ok && c >= '0' && c <= '9';
        if (!ok)
            return 400;
        length = value.toLongLong();
    }
    if (length > m_maxBodyBytes)
        return 413;
    // HTTP/1.0 closes after each answer unless it asks to keep the
    // connection; « close » wins over « keep-alive », whatever their order.
    m_current.close = close || (http10 && !keepAlive);
    m_bodyLeft = length;
    m_current.bodySize = length;
    return 0;
}

QByteArrayView reasonPhrase(int status)
{
    switch (status) {
    case 200:
        return "OK";
    case 400:
        return "Bad Request";
    case 401:
        return "Unauthorized";
    case 403:
        return "Forbidden";
    case 404:
        return "Not Found";
    case 405:
        return "Method Not Allowed";
    case 408:
        return "Request Timeout";
    case 409:
        return "Conflict";
    case 410:
        return "Gone";
    case 413:
        return "Request Entity Too Large";
    case 415:
        return "Unsupported Media Type";
    case 422:
        return "Unprocessable Entity";
    case 429:
        return "Too Many Requests";
    case 431:
        return "Request Header Fields Too Large";
    case 500:
        return "Internal Server Error";
    case 503:
        return "Service Unavailable";
    default:
        return {};
    }
}

} // namespace guichet::server
