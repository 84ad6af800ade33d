#include "server/limitedtcpserver.h"

#include "server/requestframing.h"

#include <QElapsedTimer>
#include <QHash>
#include <QPointer>
#include <QSslSocket>
#include <QTimer>

#include <algorithm>
#include <map>
#include <optional>
#include <vector>

namespace guichet::server {

namespace {
class DeadlineTimer;
class ConnectionGuard;
} // namespace

// The deadlines of every connection, in one ordered map under one QTimer. A
// QTimer per connection would cost O(connections) at each restart (Qt keeps a
// thread's timers in one sorted list and finds a timer by a linear search), and
// connections restart theirs several times per request: with 10,000 parked
// long-polls that was most of the event loop's time. Shared by the guards (a
// shared_ptr: the guards, children of their sockets, may outlive the server's
// members).
//
// A connection's entry may be earlier than its deadline, never later: a
// deadline pushed back (every request pushes its connection's back) leaves
// the entry where it is, and the entry, once due, is put again at the
// deadline. So a request costs no map insertion, no allocation and no
// restart of the QTimer, which fires at worst early.
class Deadlines : public QObject
{
public:
    using Entry = std::multimap<qint64, DeadlineTimer *>::iterator;

    Deadlines()
    {
        m_clock.start();
        m_timer.setSingleShot(true);
        connect(&m_timer, &QTimer::timeout, this, &Deadlines::fire);
    }

    qint64 now() const { return m_clock.elapsed(); }

    Entry add(qint64 at, DeadlineTimer *timer)
    {
        const Entry entry = m_entries.emplace(at, timer);
        if (!m_firing && (m_armedAt < 0 || at < m_armedAt))
            arm();
        return entry;
    }

    // The QTimer stays armed: it fires early at worst, and finds nothing due.
    void remove(Entry entry) { m_entries.erase(entry); }

    // The guards whose pump() is due, in order, run by one queued call for
    // all of them rather than one posted event per guard and request.
    void schedulePump(ConnectionGuard *guard)
    {
        m_pumps.push_back(guard);
        if (!m_pumpPosted) {
            m_pumpPosted = true;
            QMetaObject::invokeMethod(this, &Deadlines::runPumps, Qt::QueuedConnection);
        }
    }
    // A guard going away before its pump() ran.
    void cancelPump(ConnectionGuard *guard)
    {
        std::replace(m_pumps.begin(), m_pumps.end(), guard, static_cast<ConnectionGuard *>(nullptr));
        std::replace(m_running.begin(), m_running.end(), guard, static_cast<ConnectionGuard *>(nullptr));
    }

private:
    void arm()
    {
        if (m_entries.empty()) {
            m_timer.stop();
            m_armedAt = -1;
            return;
        }
        m_armedAt = m_entries.begin()->first;
        m_timer.start(int(qMax<qint64>(0, m_armedAt - m_clock.elapsed())));
    }

    void fire();
    void runPumps();

    std::vector<ConnectionGuard *> m_pumps; // scheduled, not run yet
    std::vector<ConnectionGuard *> m_running; // being run by runPumps()
    bool m_pumpPosted = false;
    QElapsedTimer m_clock;
    QTimer m_timer;
    qint64 m_armedAt = -1; // when m_timer fires (-1: stopped)
    bool m_firing = false; // in fire(), which arms the timer once done
    std::multimap<qint64, DeadlineTimer *> m_entries;
};

namespace {

// Each socket's guard, for answerSent(): a pointer lookup, where a dynamic
// property was a string search through QTcpSocket's meta-objects per answer.
// Sockets and their guards live in the thread of their server.
thread_local QHash<const QObject *, ConnectionGuard *> t_guards;

// A refusal's status (400, 408, 413, 431, 503) is one reasonPhrase() words.
QByteArray refusalResponse(int status, const QByteArray &body)
{
    Q_ASSERT(!reasonPhrase(status).isEmpty());
    return QByteArrayLiteral("HTTP/1.1 ") + QByteArray::number(status) + ' '
        + reasonPhrase(status).toByteArray()
        + QByteArrayLiteral("\r\nContent-Type: application/json; charset=utf-8\r\nConnection: close\r\n"
                            "Content-Length: ")
        + QByteArray::number(body.size()) + QByteArrayLiteral("\r\n\r\n") + body;
}

// One connection's deadline in the shared Deadlines: QTimer's start/isActive/stop.
class DeadlineTimer
{
public:
    DeadlineTimer(std::shared_ptr<Deadlines> deadlines, std::function<void()> timeout)
        : m_deadlines(std::move(deadlines))
        , m_timeout(std::move(timeout))
    {
    }
    ~DeadlineTimer()
    {
        if (m_entry)
            m_deadlines->remove(*m_entry);
    }
    DeadlineTimer(const DeadlineTimer &) = delete;
    DeadlineTimer &operator=(const DeadlineTimer &) = delete;

    void start(int ms)
    {
        m_due = m_deadlines->now() + ms;
        if (m_entry && (*m_entry)->first <= m_due)
            return; // the entry comes first and looks again (Deadlines)
        if (m_entry)
            m_deadlines->remove(*m_entry);
        m_entry = m_deadlines->add(m_due, this);
    }
    void stop() { m_due = -1; }
    bool isActive() const { return m_due >= 0; }

    // The entry is due (Deadlines::fire): it has left the map.
    void entryDue(qint64 now)
    {
        m_entry.reset();
        if (m_due < 0)
            return;
        if (m_due > now) {
            m_entry = m_deadlines->add(m_due, this);
            return;
        }
        m_due = -1;
        m_timeout();
    }

private:
    std::shared_ptr<Deadlines> m_deadlines;
    std::function<void()> m_timeout;
    qint64 m_due = -1; // on the Deadlines' clock; -1: stopped
    std::optional<Deadlines::Entry> m_entry; // at or before m_due
};

} // namespace

void Deadlines::fire()
{
    m_armedAt = -1;
    m_firing = true;
    const qint64 now = m_clock.elapsed();
    while (!m_entries.empty() && m_entries.begin()->first <= now) {
        DeadlineTimer *timer = m_entries.begin()->second;
        m_entries.erase(m_entries.begin());
        timer->entryDue(now); // may add entries (later than now) or remove others
    }
    m_firing = false;
    arm();
}

namespace {

// Bytes read ahead of the request the connection is on: enough for many small
// pipelined requests, little per connection.
constexpr qint64 ReadAhead = 16 * 1024;

// Follows the requests of one connection as their bytes arrive, and decides
// when the request handler sees each. What has arrived stays in the socket's
// buffer (a QIODevice transaction, read to its end) while the framing reads it
// (request line, headers, Content-Length). A request is handed over whole, one
// at a time (the transaction rolled back, the request's bytes read out), and
// only once the connection's earlier request is answered and its unsent
// output is under --max-unsent: so the answers of pipelined requests come in
// order, and a client that does not read them cannot make guichetd buffer
// without bound. While a request waits, the socket reads nothing more
// (setReadBufferSize), and TCP holds the client back.
class ConnectionGuard : public QObject
{
public:
    ConnectionGuard(QTcpSocket *socket, const ConnectionLimits &limits,
                    const LimitedTcpServer::RefusalBody &body, const LimitedTcpServer::RefusalLog &log,
                    std::shared_ptr<LimitedTcpServer::RequestHandler> handler,
                    std::shared_ptr<Deadlines> deadlines)
        : QObject(socket)
        , m_socket(socket)
        , m_tls(qobject_cast<QSslSocket *>(socket))
        , m_limits(limits)
        , m_body(body)
        , m_log(log)
        , m_framing(limits.maxHeaderBytes, limits.maxBodyBytes)
        , m_handler(std::move(handler))
        , m_deadlines(deadlines)
        , m_timer(std::move(deadlines), [this] { onTimeout(); })
    {
        t_guards.insert(socket, this);
        connect(socket, &QIODevice::readyRead, this, &ConnectionGuard::onReadyRead);
        connect(socket, &QIODevice::bytesWritten, this, &ConnectionGuard::onBytesWritten);
        if (m_tls)
            connect(m_tls, &QSslSocket::encryptedBytesWritten, this, &ConnectionGuard::onBytesWritten);
        updateReading();
        updateDeadline();
    }

    ~ConnectionGuard() override
    {
        t_guards.remove(m_socket);
        if (m_pumpScheduled)
            m_deadlines->cancelPump(this);
    }

    void answerSent()
    {
        if (m_awaiting > 0)
            --m_awaiting;
        // « Connection: close »: the client reads until we close, so close
        // once that request is answered (RFC 9112, 9.6); later ones are not read.
        if (m_closeAfterAnswer && m_awaiting == 0) {
            m_closing = true;
            startDeadline(Deadline::Stalled, m_limits.idleTimeoutMs); // a client that never reads
            m_socket->disconnectFromHost();
            return;
        }
        m_deadline = Deadline::None;
        schedulePump();
        updateDeadline();
    }

private:
    enum class Deadline { None, Idle, Request, Answer, Stalled, Drain };

    bool inRequest() const { return m_framing.inRequest(); }

    // Answer bytes written to the socket and not yet taken by the network.
    qint64 unsent() const { return m_socket->bytesToWrite() + (m_tls ? m_tls->encryptedBytesToWrite() : 0); }

    void onReadyRead()
    {
        if (m_refused) {
            // Read and drop what the client still sends, so that it reads our
            // answer instead of a reset; close once it stops.
            m_socket->readAll();
            startDeadline(Deadline::Drain, 500);
            return;
        }
        hold();
        schedulePump();
    }

    void onBytesWritten()
    {
        if (m_refused)
            return;
        if (m_deadline == Deadline::Stalled)
            m_timer.start(m_limits.idleTimeoutMs); // the client reads: not stalled
        if (m_closing)
            return;
        if (unsent() <= m_limits.maxUnsentBytes)
            schedulePump();
        if (unsent() == 0)
            updateDeadline();
    }

    // Keeps everything that arrived in the socket's buffer and frames what is new.
    void hold()
    {
        if (m_refused || m_closing)
            return;
        QByteArray fresh;
        if (!m_socket->isTransactionStarted()) {
            m_socket->startTransaction();
            // What is already framed stays at the front: m_seen bytes.
            fresh = m_socket->readAll().mid(m_seen);
        } else {
            fresh = m_socket->readAll();
        }
        m_seen += fresh.size();
        if (m_pendingRefusal == 0 && !fresh.isEmpty() && !consume(fresh))
            return;
        updateReading();
        updateDeadline();
    }

    void schedulePump()
    {
        if (m_pumpScheduled)
            return;
        m_pumpScheduled = true;
        m_deadlines->schedulePump(this);
    }

public:
    // Hands the next request over when its turn has come (Deadlines::runPumps).
    void pump()
    {
        m_pumpScheduled = false;
        if (m_refused || m_closing || m_awaiting > 0 || m_closeAfterAnswer)
            return;
        if (m_ready.isEmpty()) {
            if (m_pendingRefusal != 0)
                refuse(m_pendingRefusal); // its turn: every earlier request is answered
            return;
        }
        if (unsent() > m_limits.maxUnsentBytes) {
            updateDeadline(); // bytesWritten pumps again
            return;
        }
        release();
    }

private:
    void release()
    {
        RequestFraming::Request next = m_ready.takeFirst();
        m_socket->rollbackTransaction();
        QByteArray bytes = m_socket->read(next.size);
        if (bytes.size() != next.size) {
            // Cannot happen (the framing counted these bytes in the buffer):
            // nothing after it could be trusted.
            m_ready.clear();
            refuse(400);
            return;
        }
        ++m_awaiting;
        if (next.close)
            m_closeAfterAnswer = true;
        m_seen -= next.size;
        m_deadline = Deadline::None;
        QPointer<ConnectionGuard> self(this);
        const qint64 bodySize = next.bodySize;
        Q_ASSERT(*m_handler); // set by HttpBinding::bind() before the event loop runs
        // The handler may answer at once, and so pump the next request.
        (*m_handler)(std::move(next), bytes.right(bodySize), m_socket);
        if (!self || m_socket->state() != QAbstractSocket::ConnectedState || m_closing)
            return;
        hold();
    }

    // Follows `data` through the framing of the requests (RequestFraming, which
    // the fuzz target http_request drives without a socket); false once refused.
    bool consume(const QByteArray &data)
    {
        const int status = m_framing.consume(data);
        // The requests before a refusal are answered first.
        m_ready += m_framing.takeCompleted();
        if (status != 0)
            return refuseInTurn(status);
        return true;
    }

    // A refusal answers after the answers to the requests before it: until
    // then nothing more is framed or read.
    bool refuseInTurn(int status)
    {
        if (m_awaiting == 0 && m_ready.isEmpty())
            return refuse(status);
        m_pendingRefusal = status; // the framing looks at nothing more
        updateReading();
        return false;
    }

    bool refuse(int status)
    {
        m_refused = true;
        if (m_socket->isTransactionStarted())
            m_socket->commitTransaction(); // what we held is dropped with the rest
        m_socket->setReadBufferSize(0);
        m_socket->readAll(); // the handler sees none of it
        m_socket->write(refusalResponse(status, m_body ? m_body(status) : QByteArray()));
        startDeadline(Deadline::Drain, 500);
        const QList<QByteArray> parts = m_framing.requestLine().split(' ');
        if (m_log)
            m_log(status, parts.value(0), parts.value(1).split('?').value(0));
        return false;
    }

    // Reads from the network only what the request being received needs, and
    // a little ahead; nothing while a whole request waits its turn.
    void updateReading()
    {
        if (m_refused)
            return;
        qint64 limit = 1;
        if (m_ready.isEmpty() && m_pendingRefusal == 0) {
            qint64 needed = ReadAhead;
            if (m_framing.bodyLeft() > 0)
                needed = std::max(needed, m_framing.bodyLeft());
            else if (m_framing.headBytes() > 0)
                needed = std::max(needed, m_limits.maxHeaderBytes + 4 - m_framing.headBytes());
            limit = m_seen + needed;
        }
        // Set even when unchanged: the socket then reads again if its buffer has room.
        m_socket->setReadBufferSize(limit + 1);
        m_socket->setReadBufferSize(limit);
    }

    void updateDeadline()
    {
        if (m_refused || m_closing)
            return;
        // A request waiting only for the answers before it to go out: the
        // client's reading is what is timed (a slow reader that keeps reading
        // is never cut), not the waiting request.
        if (m_awaiting > 0)
            startDeadline(Deadline::Answer, m_limits.answerTimeoutMs);
        else if (unsent() > 0)
            startDeadline(Deadline::Stalled, m_limits.idleTimeoutMs);
        else if (!m_ready.isEmpty())
            startDeadline(Deadline::Answer, m_limits.answerTimeoutMs);
        else if (inRequest() || m_pendingRefusal != 0)
            startDeadline(Deadline::Request, m_limits.requestTimeoutMs);
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
            refuse(m_pendingRefusal != 0 ? m_pendingRefusal : 408);
            break;
        case Deadline::Answer:
        case Deadline::Stalled:
            // An answer never came, or the client reads none of what it asked for.
            m_socket->abort();
            break;
        default:
            m_socket->disconnectFromHost();
        }
    }

    QTcpSocket *m_socket;
    QSslSocket *m_tls;
    ConnectionLimits m_limits;
    LimitedTcpServer::RefusalBody m_body;
    LimitedTcpServer::RefusalLog m_log;
    RequestFraming m_framing;
    std::shared_ptr<LimitedTcpServer::RequestHandler> m_handler;
    std::shared_ptr<Deadlines> m_deadlines; // also runs the guards' pump()
    qint64 m_seen = 0; // bytes at the front of the socket's buffer already framed
    QList<RequestFraming::Request> m_ready; // whole requests waiting for their turn
    int m_awaiting = 0; // requests handed over and not answered yet (0 or 1)
    int m_pendingRefusal = 0; // the status of a refusal waiting for its turn
    bool m_pumpScheduled = false;
    bool m_closeAfterAnswer = false;
    bool m_closing = false;
    bool m_refused = false;
    DeadlineTimer m_timer;
    Deadline m_deadline = Deadline::None;
};

} // namespace

void Deadlines::runPumps()
{
    m_pumpPosted = false;
    // Guards scheduled meanwhile (an answer sent by a pump) go to m_pumps and
    // another call; one destroyed meanwhile is nulled out by cancelPump().
    m_running.swap(m_pumps);
    for (std::size_t i = 0; i < m_running.size(); ++i) {
        if (ConnectionGuard *guard = std::exchange(m_running[i], nullptr))
            guard->pump();
    }
    m_running.clear();
}

LimitedTcpServer::LimitedTcpServer(const ConnectionLimits &limits, RefusalBody body, RefusalLog log,
                                   QObject *parent)
    : QTcpServer(parent)
    , m_limits(limits)
    , m_body(std::move(body))
    , m_log(std::move(log))
{
    // The default queue of 50 drops connections in a burst of desktops coming
    // back; Linux caps it at net.core.somaxconn (4096 on Debian 12).
    setListenBacklogSize(4096);
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
    if (ConnectionGuard *guard = t_guards.value(socket))
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
    if (!m_deadlines)
        m_deadlines = std::make_shared<Deadlines>();
    new ConnectionGuard(socket, m_limits, m_body, m_log, m_handler, m_deadlines);
    connect(socket, &QAbstractSocket::disconnected, socket, &QObject::deleteLater);
    if (tlsSocket) {
        tlsSocket->setSslConfiguration(m_tls);
        tlsSocket->startServerEncryption();
    }
    // Not added to the pending connections: the guard serves the socket
    // (nextPendingConnection() would find nothing).
}

} // namespace guichet::server
