#include "server/limitedtcpserver.h"

#include "server/requestframing.h"

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
        , m_framing(limits.maxHeaderBytes, limits.maxBodyBytes)
    {
        socket->setProperty(GuardProperty, QVariant::fromValue<QObject *>(this));
        connect(socket, &QIODevice::readyRead, this, &ConnectionGuard::onReadyRead);
        m_timer.setSingleShot(true);
        connect(&m_timer, &QTimer::timeout, this, &ConnectionGuard::onTimeout);
        updateDeadline();
    }

    void answerSent()
    {
        if (awaiting() > 0)
            ++m_answered;
        // « Connection: close »: the client reads until we close, so close
        // once everything it asked for is answered (RFC 9112, 9.6).
        if (m_framing.closeRequested() && awaiting() == 0 && !inRequest()) {
            m_socket->disconnectFromHost();
            return;
        }
        // The next request (or the idle time) has its own deadline.
        m_deadline = Deadline::None;
        updateDeadline();
    }

private:
    enum class Deadline { None, Idle, Request, Answer, Drain };

    bool inRequest() const { return m_framing.inRequest(); }
    // Requests received in full and not answered yet.
    qint64 awaiting() const { return m_framing.completeRequests() - m_answered; }

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
        if (const int status = m_framing.consume(chunk)) {
            refuse(status);
            return;
        }
        if (!wasInRequest && inRequest())
            m_deadline = Deadline::None; // a new request: its own time starts now
        updateDeadline();
    }

    void refuse(int status)
    {
        m_refused = true;
        m_socket->readAll(); // the HTTP layer sees none of it
        m_socket->write(refusalResponse(status, m_body ? m_body(status) : QByteArray()));
        startDeadline(Deadline::Drain, 500);
        const QList<QByteArray> parts = m_framing.requestLine().split(' ');
        if (m_log)
            m_log(status, parts.value(0), parts.value(1).split('?').value(0));
    }

    void updateDeadline()
    {
        if (m_refused)
            return;
        if (inRequest())
            startDeadline(Deadline::Request, m_limits.requestTimeoutMs);
        else if (awaiting() > 0)
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
    RequestFraming m_framing;
    qint64 m_answered = 0; // requests answered
    bool m_refused = false;
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
