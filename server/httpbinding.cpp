#include "server/httpbinding.h"

#include "server/limitedtcpserver.h"
#include "server/requestframing.h"

#include <QTcpSocket>
#include <QUrl>

#include <algorithm>

namespace guichet::server {

QByteArray HttpRequest::header(const QByteArray &name) const
{
    for (const auto &h : headers) {
        if (h.first.compare(name, Qt::CaseInsensitive) == 0)
            return h.second;
    }
    return {};
}

HttpRequest HttpRequest::fromFraming(RequestFraming::Request &&framed, QByteArray body,
                                     const QHostAddress &peer)
{
    HttpRequest request;
    request.method = std::move(framed.method);
    request.headers = std::move(framed.headers);
    request.body = std::move(body);
    request.peer = peer;
    QByteArrayView target(framed.target);
    if (const qsizetype fragment = target.indexOf('#'); fragment >= 0)
        target.truncate(fragment);
    // Absolute form (http or https): the path begins after the authority.
    for (const QByteArrayView scheme : { QByteArrayView("http://"), QByteArrayView("https://") }) {
        if (target.size() < scheme.size()
            || target.first(scheme.size()).compare(scheme, Qt::CaseInsensitive) != 0)
            continue;
        const qsizetype path = target.indexOf('/', scheme.size());
        const qsizetype query = target.indexOf('?', scheme.size());
        const qsizetype from = path < 0 ? query : (query < 0 ? path : std::min(path, query));
        target = from < 0 ? QByteArrayView("/") : target.sliced(from);
        break;
    }
    const qsizetype question = target.indexOf('?');
    const QByteArrayView path = question < 0 ? target : target.first(question);
    // The path in QUrl's tolerant reading, fully decoded; without a '%' that
    // is the text itself.
    if (path.contains('%')) {
        QUrl url;
        url.setPath(QString::fromUtf8(path), QUrl::TolerantMode);
        request.path = url.path();
    } else {
        request.path = QString::fromUtf8(path);
    }
    if (question >= 0) {
        QUrl url;
        url.setQuery(QString::fromUtf8(target.sliced(question + 1)));
        request.query = QUrlQuery(url);
    }
    return request;
}

HttpReply::HttpReply(QTcpSocket *socket, bool close)
    : m_socket(socket)
    , m_close(close)
{
}

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
    // The status line, headers and body in one write to the socket.
    const QByteArrayView reason = reasonPhrase(status);
    const QByteArray length = QByteArray::number(body.size());
    QByteArray answer;
    qsizetype size = 64 + contentType.size() + length.size() + (m_omitBody ? 0 : body.size());
    for (const auto &h : headers)
        size += h.first.size() + h.second.size() + 4;
    answer.reserve(size);
    // A status without a phrase in the table has an empty one (RFC 9112, 4).
    answer.append("HTTP/1.1 ").append(QByteArray::number(status)).append(' ').append(reason).append("\r\n");
    const auto header = [&answer](QByteArrayView name, QByteArrayView value) {
        answer.append(name).append(": ").append(value).append("\r\n");
    };
    header("Content-Type", contentType);
    header("Content-Length", length);
    if (m_close)
        header("Connection", "close");
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

HttpBinding::HttpBinding(HttpHandler handler, QObject *parent)
    : QObject(parent)
    , m_handler(std::move(handler))
{
}

HttpBinding::~HttpBinding() = default;

void HttpBinding::bind(LimitedTcpServer *tcpServer)
{
    tcpServer->setParent(this);
    tcpServer->setRequestHandler([this](RequestFraming::Request &&framed, QByteArray body,
                                        QTcpSocket *socket) {
        auto reply = std::make_shared<HttpReply>(socket, framed.close);
        m_handler(HttpRequest::fromFraming(std::move(framed), std::move(body), socket->peerAddress()), reply);
    });
}

} // namespace guichet::server
