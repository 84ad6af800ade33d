#pragma once

#include <QByteArray>
#include <QElapsedTimer>
#include <QHostAddress>
#include <QList>
#include <QObject>
#include <QPair>
#include <QPointer>
#include <QString>
#include <QTcpSocket>
#include <QUrlQuery>

#include <functional>
#include <memory>

QT_BEGIN_NAMESPACE
class QTcpServer;
class QHttpServerResponder;
QT_END_NAMESPACE

namespace guichet::server {

using HeaderList = QList<QPair<QByteArray, QByteArray>>;

// One HTTP request, free of QtHttpServer types.
struct HttpRequest
{
    QByteArray method; // "GET", "POST"...
    QString path;
    QUrlQuery query;
    HeaderList headers;
    QByteArray body;
    QHostAddress peer;

    // A header's value, ignoring the name's case; empty when absent.
    QByteArray header(const QByteArray &name) const;
};

// The way back to the client of one request, usable later (long-poll, worker
// threads). Writes only while the client is still connected: QtHttpServer's
// responder keeps a raw socket pointer, and writing after the client left
// would crash the server.
class HttpReply
{
public:
    HttpReply(std::unique_ptr<QHttpServerResponder> responder, QTcpSocket *socket);
    ~HttpReply();
    HttpReply(const HttpReply &) = delete;
    HttpReply &operator=(const HttpReply &) = delete;

    bool isConnected() const;
    bool isSent() const { return m_sent; }
    // Sends the answer once; later calls and calls after a disconnection do nothing.
    void send(int status, const QByteArray &contentType, const QByteArray &body,
              const HeaderList &headers = {});
    // For a HEAD request: send() writes the status and headers (Content-Length
    // included) but not the body.
    void omitBody() { m_omitBody = true; }
    // send() hands the answer to the kernel at once rather than at the event
    // loop's next turn: for the thousands of long-polls one change answers,
    // each would otherwise turn its socket's write notifier on and off again.
    // (Other answers keep Qt's batching: one loop turn writes many sockets.)
    void flushOnSend() { m_flush = true; }
    // The socket, to learn of a disconnection (may be null once gone).
    QTcpSocket *socket() const { return m_socket.data(); }

private:
    std::unique_ptr<QHttpServerResponder> m_responder;
    QPointer<QTcpSocket> m_socket;
    bool m_sent = false;
    bool m_omitBody = false;
    bool m_flush = false;
};

using HttpReplyPtr = std::shared_ptr<HttpReply>;
using HttpHandler = std::function<void(const HttpRequest &, const HttpReplyPtr &)>;

// The one place that knows QtHttpServer's API (6.4: a technical preview whose
// API changes later): turns its requests into HttpRequest and hands every one
// to a single handler, which does its own routing (so that it can answer 405).
class HttpBinding : public QObject
{
    Q_OBJECT

public:
    explicit HttpBinding(HttpHandler handler, QObject *parent = nullptr);
    ~HttpBinding() override;

    // Serves the connections that tcpServer (already listening) accepts.
    void bind(QTcpServer *tcpServer);

private:
    class Server;
    std::unique_ptr<Server> m_server;
};

} // namespace guichet::server
