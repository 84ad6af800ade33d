#include "server/requestframing.h"

#include <QList>

#include <algorithm>

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
                if (data.size() - pos > m_maxHeaderBytes)
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
                if (m_head.size() > m_maxHeaderBytes)
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
    m_completed.append({ m_requestBytes, m_requestClose });
    m_requestBytes = 0;
    m_requestClose = false;
}

namespace {

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

int RequestFraming::readHeaders(const QByteArray &head)
{
    // Line by line through views of `head`: nothing is copied but the request line.
    const QByteArrayView all(head);
    qsizetype lineEnd = all.indexOf('\n');
    m_requestLine = (lineEnd < 0 ? all : all.first(lineEnd)).trimmed().toByteArray();
    int lengths = 0;
    qint64 length = 0;
    while (lineEnd >= 0) {
        const qsizetype lineBegin = lineEnd + 1;
        lineEnd = all.indexOf('\n', lineBegin);
        const QByteArrayView line = all.sliced(lineBegin, (lineEnd < 0 ? all.size() : lineEnd) - lineBegin);
        const qsizetype colon = line.indexOf(':');
        if (colon <= 0)
            continue;
        const QByteArrayView name = line.first(colon).trimmed();
        const QByteArrayView rest = line.sliced(colon + 1);
        if (sameName(name, "connection") && containsNoCase(rest, "close")) {
            m_closeRequested = true;
            m_requestClose = true;
        }
        if (sameName(name, "transfer-encoding"))
            return 400; // only Content-Length bodies: no chunked smuggling
        if (!sameName(name, "content-length"))
            continue;
        if (++lengths > 1)
            return 400; // two lengths: which one would the next hop believe?
        const QByteArrayView value = rest.trimmed();
        bool ok = !value.isEmpty() && value.size() <= 18;
        for (const char c : value)
            ok = ok && c >= '0' && c <= '9';
        if (!ok)
            return 400;
        length = value.toLongLong();
    }
    if (length > m_maxBodyBytes)
        return 413;
    m_bodyLeft = length;
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
