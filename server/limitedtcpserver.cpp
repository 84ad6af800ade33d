#include "server/limitedtcpserver.h"

#include <QSslSocket>
#include <QTimer>

namespace guichet::server {

namespace {

// Watches one connection. Connected to readyRead before the HTTP layer, so it
// sees each chunk first; the HTTP layer then reads everything available, so
// bytesAvailable() here is what arrived since the last chunk.
class RequestLimiter : public QObject
{
public:
    RequestLimiter(QTcpSocket *socket, qint64 maxBytes, const QByteArray &refusalBody,
                   const LimitedTcpServer::RefusalLog &log)
        : QObject(socket)
        , m_socket(socket)
        , m_maxBytes(maxBytes)
        , m_refusalBody(refusalBody)
        , m_log(log)
    {
        connect(socket, &QIODevice::readyRead, this, &RequestLimiter::onReadyRead);
        // An answer ends the request: the next one on this connection starts at 0.
        connect(socket, &QIODevice::bytesWritten, this, [this] {
            if (!m_refused)
                m_received = 0;
        });
        m_idle.setSingleShot(true);
        m_idle.setInterval(500);
        connect(&m_idle, &QTimer::timeout, socket, &QAbstractSocket::disconnectFromHost);
    }

private:
    void onReadyRead()
    {
        if (m_refused) {
            // Read and drop what the client still sends, so that it reads our
            // answer instead of a reset; close once it stops.
            m_socket->readAll();
            m_idle.start();
            return;
        }
        if (m_received == 0)
            m_requestLine = m_socket->peek(1024).split('\r').value(0);
        m_received += m_socket->bytesAvailable();
        if (m_received <= m_maxBytes)
            return;
        m_refused = true;
        m_socket->readAll();
        m_socket->write(QByteArrayLiteral("HTTP/1.1 413 Payload Too Large\r\n"
                                          "Content-Type: application/json; charset=utf-8\r\n"
                                          "Connection: close\r\n"
                                          "Content-Length: ")
                        + QByteArray::number(m_refusalBody.size()) + QByteArrayLiteral("\r\n\r\n")
                        + m_refusalBody);
        m_idle.start();
        const QList<QByteArray> parts = m_requestLine.split(' ');
        if (m_log)
            m_log(parts.value(0), parts.value(1).split('?').value(0));
    }

    QTcpSocket *m_socket;
    qint64 m_maxBytes;
    QByteArray m_refusalBody;
    LimitedTcpServer::RefusalLog m_log;
    qint64 m_received = 0;
    bool m_refused = false;
    QByteArray m_requestLine;
    QTimer m_idle;
};

} // namespace

LimitedTcpServer::LimitedTcpServer(qint64 maxRequestBytes, QByteArray refusalBody, RefusalLog log,
                                   QObject *parent)
    : QTcpServer(parent)
    , m_maxRequestBytes(maxRequestBytes)
    , m_refusalBody(std::move(refusalBody))
    , m_log(std::move(log))
{
}

void LimitedTcpServer::setTlsConfiguration(const QSslConfiguration &configuration)
{
    m_tls = configuration;
    m_useTls = true;
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
    new RequestLimiter(socket, m_maxRequestBytes, m_refusalBody, m_log);
    connect(socket, &QAbstractSocket::disconnected, socket, &QObject::deleteLater);
    if (tlsSocket) {
        tlsSocket->setSslConfiguration(m_tls);
        tlsSocket->startServerEncryption();
    }
    addPendingConnection(socket);
}

} // namespace guichet::server
