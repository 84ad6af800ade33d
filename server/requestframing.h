#pragma once

#include <QByteArray>
#include <QByteArrayView>
#include <QList>
#include <QPair>

#include <utility>

namespace guichet::server {

using HeaderList = QList<QPair<QByteArray, QByteArray>>;

// The framing of the requests of one connection, as their bytes arrive in
// chunks: request line, headers, Content-Length body, request after request
// (pipelining). Its reading of the request line and headers is the one
// guichetd serves the request from (LimitedTcpServer hands it to the routes):
// nothing else parses them again. No socket: LimitedTcpServer's connection
// guard feeds it what each readyRead brings, and the fuzz target
// fuzz/http_request.cpp feeds it bytes directly. The outcome never depends on
// how the bytes were cut into chunks.
class RequestFraming
{
public:
    // One request received in full.
    struct Request
    {
        qint64 size = 0; // its bytes, the blank lines before it included
        // The connection closes after its answer: it said « Connection:
        // close », or it is HTTP/1.0 without « Connection: keep-alive ».
        bool close = false;
        QByteArray method; // as sent (case-sensitive: "GET")
        QByteArray target; // the request-target, as sent
        HeaderList headers; // in order; names and values trimmed of blanks
        qint64 bodySize = 0; // its last bodySize bytes are the body
    };

    // Header fields one request may have (Qt 6.4's QtHttpServer allowed as many).
    static constexpr int MaxHeaderFields = 100;

    RequestFraming(qint64 maxHeaderBytes, qint64 maxBodyBytes);

    // Follows `data` through the framing; 0 while acceptable, else the status
    // of the refusal (400 a malformed request line or header line — not
    // « METHOD target HTTP/1.x », a header whose name is not a token right
    // before its colon, a folded line, a control character in a value —,
    // two Content-Lengths, a bad one or a Transfer-Encoding; 413 a body over
    // the limit, known from Content-Length; 431 headers over their bytes or
    // over MaxHeaderFields fields). Once refused, nothing more is looked at. Moves an offset through
    // the chunk (never copies what is left), so many small pipelined requests
    // in one chunk cost their length, not its square.
    int consume(const QByteArray &data);

    // Inside a request: its line and headers or its body have begun.
    bool inRequest() const { return !m_head.isEmpty() || m_bodyLeft > 0; }
    // Requests received in full (headers and body) so far.
    qint64 completeRequests() const { return m_complete; }
    // The requests received in full since the last call, in order.
    QList<Request> takeCompleted() { return std::exchange(m_completed, {}); }
    // What the request being received still needs: body bytes, or header bytes
    // up to the allowance (0 between requests).
    qint64 bodyLeft() const { return m_bodyLeft; }
    qint64 headBytes() const { return m_head.size(); }
    // The request line of the latest request whose headers arrived in full.
    const QByteArray &requestLine() const { return m_requestLine; }
    int refusal() const { return m_refusal; }

private:
    // The request line and headers of one request into m_current; 0 when
    // acceptable, or the status of the refusal. Sets m_bodyLeft from
    // Content-Length.
    int readHeaders(const QByteArray &head);
    // Method and target into m_current; *http10 for an HTTP/1.0 request.
    int readRequestLine(QByteArrayView line, bool *http10);
    int refuse(int status)
    {
        m_refusal = status;
        return status;
    }
    void complete();

    qint64 m_maxHeaderBytes;
    qint64 m_maxBodyBytes;
    QByteArray m_head; // the current request's line and headers so far
    qint64 m_bodyLeft = 0; // bytes of the current request's body still to come
    qint64 m_complete = 0;
    QList<Request> m_completed; // not taken yet
    qint64 m_requestBytes = 0; // of the request being received
    Request m_current; // the request being received, once its headers are read
    int m_refusal = 0;
    QByteArray m_requestLine;
};

// The reason phrase of a status guichetd answers (the words Qt 6.4's
// QHttpServerResponder used, which clients have seen since the first release),
// for the answers and the connection guard's refusals alike; empty for another
// status.
QByteArrayView reasonPhrase(int status);

} // namespace guichet::server
