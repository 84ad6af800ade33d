#include "server/limitedtcpserver.h"

#include <QSslSocket>
#include <QTimer>

namespace guichet::server {

namespace {

const char GuardProperty[] = "guichetConnectionGuard";

QByteArray reasonPhrase(int status)
{
    switch (status) {
    case 400:
        return QByteArrayLiteral("Bad Request");
    case 408:
        return QByteArrayLiteral("Request Timeout");
    case 413:
        return QByteArrayLiteral("Payload Too Large");
    case 431:
        return QByteArrayLiteral("Request Header Fields Too Large");
    default:
        return QByteArrayLiteral("Service Unavailable");
    }
}

QByteArray refusalResponse(int status, const QByteArray &body)
{
    return QByteArrayLiteral("HTTP/1.1 ") + QByteArray::number(status) + ' ' + reasonPhrase(status)
        + QByteArrayLiteral("\r\nContent-Type: application/json; charset=utf-8\r\nConnection: close\r\n"
                            "Content-Length: ")
        + QByteArray::number(body.size()) + QByteArrayLiteral("\r\n\r\n") + body;
}

// Follows the requests of one connection as their bytes arrive. Connected to
// readyRead before the HTTP layer, so it sees each chunk first (peeked, not
// read); the HTTP layer then reads everything available, so bytesAvailable()
// here is what arrived since the last chunk. Each byte is looked at once.
class ConnectionGuard : public QObject
{
public:
    ConnectionGuard(QTcpSocket *socket, const ConnectionLimits &limits,
                    const LimitedTcpServer::RefusalBody &body, const LimitedTcpServer::RefusalLog &log)
        : QObject(socket)
        , m_socket(socket)
        , m_limits(limits)
        , m_body(body)
        , m_log(log)
    {
        socket->setProperty(GuardProperty, QVariant::fromValue<QObject *>(this));
        connect(socket, &QIODevice::readyRead, this, &ConnectionGuard::onReadyRead);
        m_timer.setSingleShot(true);
        connect(&m_timer, &QTimer::timeout, this, &ConnectionGuard::onTimeout);
        updateDeadline();
    }

    void answerSent()
    {
        if (m_awaiting > 0)
            --m_awaiting;
        // « Connection: close »: the client reads until we close, so close
        // once everything it asked for is answered (RFC 9112, 9.6).
        if (m_closeRequested && m_awaiting == 0 && !inRequest()) {
            m_socket->disconnectFromHost();
            return;
        }
        // The next request (or the idle time) has its own deadline.
        m_deadline = Deadline::None;
        updateDeadline();
    }

private:
    enum class Deadline { None, Idle, Request, Answer, Drain };

    bool inRequest() const { return !m_head.isEmpty() || m_bodyLeft > 0; }

    void onReadyRead()
    {
        if (m_refused) {
            // Read and drop what the client still sends, so that it reads our
            // answer instead of a reset; close once it stops.
            m_socket->readAll();
            startDeadline(Deadline::Drain, 500);
            return;
        }
        const QByteArray chunk = m_socket->peek(m_socket->bytesAvailable());
        const bool wasInRequest = inRequest();
        if (!consume(chunk))
            return;
        if (!wasInRequest && inRequest())
            m_deadline = Deadline::None; // a new request: its own time starts now
        updateDeadline();
    }

    // Follows `data` through the framing of the requests; false once refused.
    // Moves an offset through it (never copies what is left), so many small
    // pipelined requests in one chunk cost their length, not its square.
    bool consume(const QByteArray &data)
    {
        qsizetype pos = 0;
        while (pos < data.size()) {
            if (m_bodyLeft > 0) {
                const qsizetype taken = qsizetype(std::min<qint64>(m_bodyLeft, data.size() - pos));
                m_bodyLeft -= taken;
                pos += taken;
                if (m_bodyLeft == 0)
                    ++m_awaiting;
                continue;
            }
            qsizetype headEnd = -1; // where the headers end in `data` (after the blank line)
            QByteArray head;
            if (m_head.isEmpty()) {
                // Empty lines before a request line are allowed (RFC 9112, 2.2).
                while (pos < data.size() && (data.at(pos) == '\r' || data.at(pos) == '\n'))
                    ++pos;
                if (pos == data.size())
                    break;
                const qsizetype end = data.indexOf("\r\n\r\n", pos);
                if (end < 0) {
                    if (data.size() - pos > m_limits.maxHeaderBytes)
                        return refuse(431);
                    m_head = data.mid(pos);
                    break;
                }
                head = data.mid(pos, end - pos);
                headEnd = end + 4;
            } else {
                // The headers began in an earlier chunk: at most the allowance more.
                const qsizetype before = m_head.size();
                m_head += data.mid(pos, m_limits.maxHeaderBytes + 4 - before);
                const qsizetype end = m_head.indexOf("\r\n\r\n", std::max<qsizetype>(0, before - 3));
                if (end < 0) {
                    if (m_head.size() > m_limits.maxHeaderBytes)
                        return refuse(431);
                    pos = data.size();
                    break;
                }
                head = m_head.left(end);
                headEnd = pos + (end + 4 - before);
                m_head.clear();
            }
            if (head.size() > m_limits.maxHeaderBytes)
                return refuse(431);
            pos = headEnd;
            const int status = readHeaders(head);
            if (status != 0)
                return refuse(status);
            if (m_bodyLeft == 0)
                ++m_awaiting;
        }
        return true;
    }

    // The request line and headers of one request; 0 when acceptable, or the
    // status of the refusal. Sets m_bodyLeft from Content-Length.
    int readHeaders(const QByteArray &head)
    {
        const QList<QByteArray> lines = head.split('\n');
        m_requestLine = lines.value(0).trimmed();
        int lengths = 0;
        qint64 length = 0;
        for (qsizetype i = 1; i < lines.size(); ++i) {
            const QByteArray &line = lines.at(i);
            const qsizetype colon = line.indexOf(':');
            if (colon <= 0)
                continue;
            const QByteArray name = line.left(colon).trimmed().toLower();
            if (name == "connection" && line.mid(colon + 1).toLower().contains("close"))
                m_closeRequested = true;
            if (name == "transfer-encoding")
                return 400; // only Content-Length bodies: no chunked smuggling
            if (name != "content-length")
                continue;
            if (++lengths > 1)
                return 400; // two lengths: which one would the next hop believe?
            const QByteArray value = line.mid(colon + 1).trimmed();
            bool ok = !value.isEmpty() && value.size() <= 18;
            for (const char c : value)
                ok = ok && c >= '0' && c <= '9';
            if (!ok)
                return 400;
            length = value.toLongLong();
        }
        if (length > m_limits.maxBodyBytes)
            return 413;
        m_bodyLeft = length;
        return 0;
    }

    bool refuse(int status)
    {
        m_refused = true;
        m_socket->readAll(); // the HTTP layer sees none of it
        m_socket->write(refusalResponse(status, m_body ? m_body(status) : QByteArray()));
        startDeadline(Deadline::Drain, 500);
        const QList<QByteArray> parts = m_requestLine.split(' ');
        if (m_log)
            m_log(status, parts.value(0), parts.value(1).split('?').value(0));
        return false;
    }

    void updateDeadline()
    {
        if (m_refused)
            return;
        if (inRequest())
            startDeadline(Deadline::Request, m_limits.requestTimeoutMs);
        else if (m_awaiting > 0)
            startDeadline(Deadline::Answer, m_limits.answerTimeoutMs);
        else
            startDeadline(Deadline::Idle, m_limits.idleTimeoutMs);
    }

    // Starts the timer unless the same deadline already runs.
    void startDeadline(Deadline deadline, int ms)
    {
        if (m_deadline == deadline && m_timer.isActive() && deadline != Deadline::Drain)
            return;
        m_deadline = deadline;
        m_timer.start(ms);
    }

    void onTimeout()
    {
        switch (m_deadline) {
        case Deadline::Request:
            refuse(408);
            break;
        case Deadline::Answer:
            m_socket->abort();
            break;
        default:
            m_socket->disconnectFromHost();
        }
    }

    QTcpSocket *m_socket;
    ConnectionLimits m_limits;
    LimitedTcpServer::RefusalBody m_body;
    LimitedTcpServer::RefusalLog m_log;
    QByteArray m_head; // the current request's line and headers so far
    qint64 m_bodyLeft = 0; // bytes of the current request's body still to come
    int m_awaiting = 0; // requests received in full and not answered yet
    bool m_refused = false;
    bool m_closeRequested = false; // a request said « Connection: close »
    QByteArray m_requestLine;
    QTimer m_timer;
    Deadline m_deadline = Deadline::None;
};

} // namespace

LimitedTcpServer::LimitedTcpServer(const ConnectionLimits &limits, RefusalBody body, RefusalLog log,
                                   QObject *parent)
    : QTcpServer(parent)
    , m_limits(limits)
    , m_body(std::move(body))
    , m_log(std::move(log))
{
    // The default queue of 50 drops connections in a burst of desktops coming back.
    setListenBacklogSize(1024);
}

void LimitedTcpServer::setTlsConfiguration(const QSslConfiguration &configuration)
{
    m_tls = configuration;
    m_useTls = true;
}

void LimitedTcpServer::answerSent(QTcpSocket *socket)
{
    if (!socket)
        return;
    if (auto *guard = static_cast<ConnectionGuard *>(socket->property(GuardProperty).value<QObject *>()))
        guard->answerSent();
}

void LimitedTcpServer::incomingConnection(qintptr descriptor)
{
    QTcpSocket *socket = nullptr;
    QSslSocket *tlsSocket = nullptr;
    if (m_useTls) {
        tlsSocket = new QSslSocket(this);
        socket = tlsSocket;
    } else {
        socket = new QTcpSocket(this);
    }
    if (!socket->setSocketDescriptor(descriptor)) {
        delete socket;
        return;
    }
    if (m_connections >= m_limits.maxConnections) {
        // Past the cap: a plain-HTTP client is told why; then closed either way.
        if (!tlsSocket)
            socket->write(refusalResponse(503, m_body ? m_body(503) : QByteArray()));
        connect(socket, &QAbstractSocket::disconnected, socket, &QObject::deleteLater);
        socket->disconnectFromHost();
        if (m_log)
            m_log(503, QByteArray(), QByteArray());
        return;
    }
    ++m_connections;
    connect(socket, &QObject::destroyed, this, [this] { --m_connections; });
    new ConnectionGuard(socket, m_limits, m_body, m_log);
    connect(socket, &QAbstractSocket::disconnected, socket, &QObject::deleteLater);
    if (tlsSocket) {
        tlsSocket->setSslConfiguration(m_tls);
        tlsSocket->startServerEncryption();
    }
    addPendingConnection(socket);
}

} // namespace guichet::server
