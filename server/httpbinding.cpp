#include "server/httpbinding.h"

#include "server/limitedtcpserver.h"
#include "server/requestframing.h"

#include <QAbstractHttpServer>
#include <QHttpServerRequest>
#include <QHttpServerResponder>
#include <QTcpServer>
#include <QTcpSocket>

namespace guichet::server {

QByteArray HttpRequest::header(const QByteArray &name) const
{
    for (const auto &h : headers) {
        if (h.first.compare(name, Qt::CaseInsensitive) == 0)
            return h.second;
    }
    return {};
}

HttpReply::HttpReply(std::unique_ptr<QHttpServerResponder> responder, QTcpSocket *socket)
    : m_responder(std::move(responder))
    , m_socket(socket)
{
}

HttpReply::~HttpReply() = default;

bool HttpReply::isConnected() const
{
    return m_socket && m_socket->state() == QAbstractSocket::ConnectedState;
}

void HttpReply::send(int status, const QByteArray &contentType, const QByteArray &body,
                     const HeaderList &headers)
{
    if (m_sent || !isConnected())
        return;
    m_sent = true;
    // The bytes QHttpServerResponder would write (status line, headers, body)
    // in one write to the socket rather than its ~20 (one per piece): the
    // same answer, a fraction of the work. write(QJsonDocument) would send
    // indented JSON, and the HeaderList overloads take only initializer lists.
    const QByteArrayView reason = reasonPhrase(status);
    const QByteArray length = QByteArray::number(body.size());
    QByteArray answer;
    qsizetype size = 64 + contentType.size() + length.size() + (m_omitBody ? 0 : body.size());
    for (const auto &h : headers)
        size += h.first.size() + h.second.size() + 4;
    answer.reserve(size);
    if (reason.isEmpty()) {
        m_responder->writeStatusLine(static_cast<QHttpServerResponder::StatusCode>(status));
    } else {
        answer.append("HTTP/1.1 ")
            .append(QByteArray::number(status))
            .append(' ')
            .append(reason)
            .append("\r\n");
    }
    const auto header = [&answer](QByteArrayView name, QByteArrayView value) {
        answer.append(name).append(": ").append(value).append("\r\n");
    };
    header("Content-Type", contentType);
    header("Content-Length", length);
    for (const auto &h : headers)
        header(h.first, h.second);
    // HEAD: the headers (Content-Length included) without the body.
    answer.append("\r\n");
    if (!m_omitBody)
        answer.append(body);
    m_socket->write(answer);
    if (m_flush && m_socket)
        m_socket->flush();
    LimitedTcpServer::answerSent(m_socket.data());
}

namespace {

QByteArray methodName(QHttpServerRequest::Method method)
{
    switch (method) {
    case QHttpServerRequest::Method::Get:
        return QByteArrayLiteral("GET");
    case QHttpServerRequest::Method::Put:
        return QByteArrayLiteral("PUT");
    case QHttpServerRequest::Method::Delete:
        return QByteArrayLiteral("DELETE");
    case QHttpServerRequest::Method::Post:
        return QByteArrayLiteral("POST");
    case QHttpServerRequest::Method::Head:
        return QByteArrayLiteral("HEAD");
    case QHttpServerRequest::Method::Options:
        return QByteArrayLiteral("OPTIONS");
    case QHttpServerRequest::Method::Patch:
        return QByteArrayLiteral("PATCH");
    default:
        return QByteArrayLiteral("OTHER");
    }
}

} // namespace

class HttpBinding::Server : public QAbstractHttpServer
{
public:
    explicit Server(HttpHandler handler)
        : m_handler(std::move(handler))
    {
    }

protected:
    bool handleRequest(const QHttpServerRequest &request, QTcpSocket *socket) override
    {
        HttpRequest r;
        r.method = methodName(request.method());
        r.path = request.url().path();
        r.query = request.query();
        r.headers = request.headers();
        r.body = request.body();
        r.peer = socket->peerAddress();
        auto reply = std::make_shared<HttpReply>(
            std::make_unique<QHttpServerResponder>(makeResponder(request, socket)), socket);
        m_handler(r, reply);
        return true;
    }

    void missingHandler(const QHttpServerRequest &request, QTcpSocket *socket) override
    {
        // Never reached: handleRequest takes every request.
        makeResponder(request, socket).write(QHttpServerResponder::StatusCode::NotFound);
    }

private:
    HttpHandler m_handler;
};

HttpBinding::HttpBinding(HttpHandler handler, QObject *parent)
    : QObject(parent)
    , m_server(std::make_unique<Server>(std::move(handler)))
{
}

HttpBinding::~HttpBinding() = default;

void HttpBinding::bind(QTcpServer *tcpServer)
{
    m_server->bind(tcpServer);
}

} // namespace guichet::server
