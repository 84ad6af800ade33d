#pragma once

#include "server/requestframing.h"

#include <QSslConfiguration>
#include <QTcpServer>

#include <functional>
#include <memory>

QT_BEGIN_NAMESPACE
class QTcpSocket;
QT_END_NAMESPACE

namespace guichet::server {

class Deadlines;

// What one guichetd instance accepts from its clients (docs/OPERATIONS.md).
struct ConnectionLimits
{
    qint64 maxBodyBytes = 8 * 1024 * 1024; // --max-body: per request
    qint64 maxHeaderBytes = 64 * 1024; // request line and headers
    int idleTimeoutMs = 60 * 1000; // --idle-timeout: nothing asked, nothing owed
    int requestTimeoutMs = 30 * 1000; // --request-timeout: headers and body, from their first byte
    // A request that reached the server but got no answer this long (its
    // handler never answered): the connection is closed. Above the 60 s a
    // long-poll may wait, so a parked long-poll is never cut.
    int answerTimeoutMs = 120 * 1000;
    int maxConnections = 10000; // --max-connections: further ones get 503 and are closed
    // --max-unsent: while a connection has more answer bytes than this not yet
    // taken by the network, its next request is not read (one answer may
    // exceed it: the bound is on what waits beyond the answer being sent). A
    // client that takes none of its answers for idleTimeoutMs is cut.
    qint64 maxUnsentBytes = 1024 * 1024;
};

// The listening socket of guichetd, and the guard of every connection. It
// follows the framing of each request as it arrives (request line, headers,
// Content-Length: RequestFraming) and, before the routes see anything wrong,
// answers itself and closes: 413 for a body over the limit (known from
// Content-Length, before the body is read), 431 for headers over theirs, 400
// for a malformed request line or header, two Content-Length headers or a
// Transfer-Encoding, 408 for a request that does not arrive in time, 503 past
// the connection cap. An idle connection is closed. It hands the request
// handler one request at a time, once the one before is answered and the
// unsent output is under maxUnsentBytes: the answers to pipelined requests
// come in order, and a client that does not read its answers holds at most
// that much (plus the answer being sent) in memory. Also does TLS when given a
// certificate and key.
class LimitedTcpServer : public QTcpServer
{
    Q_OBJECT

public:
    // Called once per refused request: status, method and path (from the request line).
    using RefusalLog = std::function<void(int status, const QByteArray &method, const QByteArray &path)>;
    // The JSON body of a refusal with that status.
    using RefusalBody = std::function<QByteArray(int status)>;
    // A request received in full, its turn come: its line and headers as the
    // framing read them, its body. The handler answers on `socket` (at once
    // or later), then calls answerSent().
    using RequestHandler
        = std::function<void(RequestFraming::Request &&request, QByteArray body, QTcpSocket *socket)>;

    LimitedTcpServer(const ConnectionLimits &limits, RefusalBody body, RefusalLog log,
                     QObject *parent = nullptr);

    void setTlsConfiguration(const QSslConfiguration &configuration);
    void setRequestHandler(RequestHandler handler) { *m_handler = std::move(handler); }
    int connectionCount() const { return m_connections; }

    // The request handler calls this once per answer it writes on `socket`: the
    // connection's request is over, and the connection may become idle.
    static void answerSent(QTcpSocket *socket);

protected:
    void incomingConnection(qintptr descriptor) override;

private:
    ConnectionLimits m_limits;
    RefusalBody m_body;
    RefusalLog m_log;
    QSslConfiguration m_tls;
    bool m_useTls = false;
    int m_connections = 0;
    std::shared_ptr<Deadlines> m_deadlines; // every connection's timeouts
    // Shared with the guards, which may outlive the server's members.
    std::shared_ptr<RequestHandler> m_handler = std::make_shared<RequestHandler>();
};

} // namespace guichet::server
