#pragma once

#include "server/requestframing.h"

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

namespace guichet::server {

class LimitedTcpServer;

// One HTTP request, as the routes read it.
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

    // The request RequestFraming read (its body: the last bodySize bytes of
    // the request's). The target's path is percent-decoded; an absolute-form
    // target (« http://host/path », RFC 9112 3.2.2) is read for its path and
    // query; a fragment is dropped.
    static HttpRequest fromFraming(RequestFraming::Request &&framed, QByteArray body,
                                   const QHostAddress &peer);
};

// The way back to the client of one request, usable later (long-poll, worker
// threads). Writes only while the client is still connected.
class HttpReply
{
public:
    // close: the connection closes after this answer (LimitedTcpServer does
    // it), which the answer says (« Connection: close »).
    HttpReply(QTcpSocket *socket, bool close);
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
    QPointer<QTcpSocket> m_socket;
    bool m_close;
    bool m_sent = false;
    bool m_omitBody = false;
    bool m_flush = false;
};

using HttpReplyPtr = std::shared_ptr<HttpReply>;
using HttpHandler = std::function<void(const HttpRequest &, const HttpReplyPtr &)>;

// Hands every request LimitedTcpServer reads to a single handler, which does
// its own routing (so that it can answer 405). guichetd reads HTTP itself
// rather than through QtHttpServer 6.4, whose parser read the request line and
// headers one byte per QIODevice::read() call, inside a transaction: 29% of
// the event loop's time per empty poll (docs/PERFORMANCE.md « One reading of
// each request »), where the connection guard had already framed them.
class HttpBinding : public QObject
{
    Q_OBJECT

public:
    explicit HttpBinding(HttpHandler handler, QObject *parent = nullptr);
    ~HttpBinding() override;

    // Serves the connections that tcpServer (already listening) accepts; takes
    // ownership of it.
    void bind(LimitedTcpServer *tcpServer);

private:
    HttpHandler m_handler;
};

} // namespace guichet::server
