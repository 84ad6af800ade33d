#pragma once

#include "kernel/commandresult.h"
#include "kernel/database.h"
#include "server/clientaddress.h"
#include "server/clientthrottle.h"
#include "server/httpbinding.h"
#include "server/sessioncache.h"
#include "server/signinqueue.h"

#include <QCoreApplication>
#include <QElapsedTimer>
#include <QHash>
#include <QJsonObject>
#include <QObject>
#include <QThreadPool>
#include <QTimer>

#include <functional>
#include <map>
#include <optional>

namespace guichet {
class Core;
}

namespace guichet::server {

class ChangeWatcher;
class WorkerPool;

struct ServerOptions
{
    int sessionDays = 30;
    // Whose X-Forwarded-For names the client (--trusted-proxy).
    TrustedProxies trustedProxies;
    // Requests per minute each client address may send to the anonymous
    // routes (--anonymous-rate); 429 with Retry-After beyond.
    int anonymousPerMinute = DefaultAnonymousPerMinute;
    // Threads that verify sign-in passwords (--hash-threads); 0: defaultHashThreads().
    int hashThreads = 0;

    static constexpr int DefaultAnonymousPerMinute = 30;
    // Half the processors, at least 1 and at most 4: argon2id (about 150 ms and
    // 64 MiB each) then never takes more than half the machine from the
    // workers that run commands and long-polls, and its memory stays bounded.
    static int defaultHashThreads();
};

// Sign-ins waiting for a hashing thread, per thread: in all, from one network
// (IPv4 /8, IPv6 /32) and from one client address. Beyond, a sign-in is
// answered 503 (busy) with Retry-After rather than queued (SignInQueue).
constexpr int HashQueuePerThread = 64;
constexpr int HashQueuePerNetworkPerThread = 16;
constexpr int HashQueuePerAddressPerThread = 4;
SignInQueue::Limits signInQueueLimits(int hashThreads);

// What a route answers.
struct ApiResponse
{
    int status = 200;
    QByteArray contentType = QByteArrayLiteral("application/json; charset=utf-8");
    QByteArray body;
    HeaderList headers;
    qint64 userId = 0; // the caller, for the request log (0: anonymous)
    bool changed = false; // a command went through: the change counter moved
    // Read by the worker once the change committed (stateRead, SQLite): the
    // event loop notes it rather than reading the counter itself.
    bool stateRead = false;
    Database::VersionState state;
    bool park = false; // long-poll: nothing newer yet, wait for a change (never sent)
    bool unavailable = false; // the database could not be reached (503)
    bool reread = false; // a shared long-poll page is out of date: each reads its own (never sent)
    // PostgreSQL: the worker's transaction ended sessions (Database::takeSessionsEnded()).
    bool sessionsEnded = false;

    static ApiResponse json(const QJsonObject &object, int status = 200);
    // {"ok": false, "code", "field", "message"} (docs/API.md).
    static ApiResponse error(int status, const QString &code, const QString &field, const QString &message);
    // A command's outcome with the status of its error code (429 and 503 with
    // Retry-After).
    static ApiResponse fromResult(const CommandResult &result);
    // 503 with Retry-After: the database cannot be reached for the moment.
    static ApiResponse databaseUnavailable();
    // 500 saying only "Internal error, request id X": the details go to the
    // log under that id, never to the client.
    static ApiResponse internalError(const QByteArray &requestId);
};

// The HTTP status of each core error code (docs/API.md), in one place.
int httpStatus(ErrorCode code);

// Seconds a client is told to wait (Retry-After) when the database is unavailable.
constexpr int UnavailableRetryAfterSeconds = 1;

// The routes of docs/API.md. Routing, JSON checks and the long-poll run on the
// event loop; everything that reads or writes the database runs on the worker
// pool, and answers go back through the guarded HttpReply.
class ApiServer : public QObject
{
    Q_OBJECT

public:
    ApiServer(WorkerPool &pool, ChangeWatcher &watcher, ServerOptions options, QObject *parent = nullptr);
    ~ApiServer() override;

    void handle(const HttpRequest &request, const HttpReplyPtr &reply);

    enum class Auth { None, Required, Optional };
    // What handle() makes of a request before anything runs: the route it
    // reaches (its "*" segments, its JSON body, the bearer token, whether it
    // needs a session), or the refusal it gets (404, 405, 415, 400, 401).
    // Reads nothing but the request and the route table: no database, no
    // socket, no throttle (fuzz/http_request.cpp feeds it hostile requests).
    struct RequestReading
    {
        std::optional<ApiResponse> refusal;
        int route = -1; // index of the route reached, -1 when refused
        QByteArray routeMethod; // the route's, e.g. "GET" for a HEAD request
        QString routePath; // "commands/*"
        QStringList args;
        QJsonObject body;
        QString token; // empty when the route needs no session
        Auth auth = Auth::None;
    };
    RequestReading readRequest(const HttpRequest &request) const;
    // How the routes read their query parameters: text with '+' as a space
    // (form encoding) and %XX decoded; a whole number within [min, max]
    // (fallback when absent, nothing when invalid).
    static QString queryText(const QUrlQuery &query, const QString &key);
    static std::optional<qint64> queryNumber(const QUrlQuery &query, const QString &key, qint64 fallback,
                                             qint64 min, qint64 max);

    // One line per request on stderr: method, path (never the query), status,
    // duration, user id.
    // While an ApiServer runs, the lines are written at the end of each turn
    // of its event loop (or every 16 KiB), not one write per request.
    static void logRequest(const QByteArray &method, const QString &path, int status, qint64 ms,
                           qint64 userId);
    // Writes the lines not written yet (before another message, at exit).
    static void flushRequestLog();

private:
    struct Call;
    using Job = std::function<ApiResponse(Core &, Call &)>;
    struct Route
    {
        QByteArray method;
        QStringList segments; // "*" matches one segment
        Auth auth;
        Job job;
        // What the path is, known once rather than compared per request.
        bool health = false; // "health": never throttled
        bool session = false; // "session"
        bool commands = false; // "commands/*"
    };

    void addRoute(const char *method, const QString &path, Auth auth, Job job);
    // POST session in three steps: read on a worker, argon2id on the hashing
    // pool (no database, no transaction), a short write on a worker.
    void signIn(const std::shared_ptr<Call> &call);
    // Hands queued sign-ins to free hashing threads, in the queue's fair order.
    void startHashing();
    void runOnWorker(const std::shared_ptr<Call> &call, const Route &route);
    // The route's job with the caller's session, on a worker: a lost database
    // connection gives 503 (unavailable), any other database error a generic 500.
    static ApiResponse runJob(Core &core, Call &call, const Job &job);
    void finish(const std::shared_ptr<Call> &call, const ApiResponse &response);
    // GET changes answered on the event loop when the caller's session is
    // known valid (m_sessions) and nothing is newer than its checkpoint: the
    // empty page, or the long-poll parked, without a worker or the database.
    bool answerFromMemory(const std::shared_ptr<Call> &call);
    // A signed-in user's command on PostgreSQL: the session is taken from
    // m_sessions while no session may have ended since it was found valid
    // (ChangeWatcher::sessionsStamp()), and the worker does not read it.
    void trustRememberedSession(const std::shared_ptr<Call> &call);
    // Holds a long-poll until the counter passes its `since` or its `wait`
    // elapses; drops it if the client leaves.
    void park(const std::shared_ptr<Call> &call);
    std::shared_ptr<Call> unpark(quint64 parkId);
    void dropParked(quint64 parkId);
    void onDeadline();
    void scheduleDeadline();
    // A change (or the database back): wakes the parked long-polls behind it.
    void wakeParked(qint64 version, bool all);
    // One database visit for all the woken long-polls: which sessions are
    // still open and which users the new changes may concern. The others get
    // their empty page at once; the concerned ones a page read once per
    // (user, since, limit) and shared.
    void fanOut(QList<std::shared_ptr<Call>> calls);
    const Route &changesRoute() const { return m_routes.at(m_changesRoute); }

    WorkerPool &m_pool;
    ChangeWatcher &m_watcher;
    ServerOptions m_options;
    QList<Route> m_routes;
    ClientThrottle m_throttle;
    QElapsedTimer m_clock; // the throttle's steady clock
    QThreadPool m_hashPool;
    SignInQueue m_signInQueue; // sign-ins waiting for a hashing thread
    int m_hashing = 0; // sign-ins handed to m_hashPool and not back yet
    int m_changesRoute = -1;
    int m_signOutRoute = -1;
    SessionCache m_sessions;
    // Parked long-polls by park id, and their deadlines.
    struct Parked
    {
        std::shared_ptr<Call> call;
        std::multimap<qint64, quint64>::iterator deadline;
        QMetaObject::Connection disconnected;
        QMetaObject::Connection destroyed;
    };
    QHash<quint64, Parked> m_parked;
    std::multimap<qint64, quint64> m_deadlines; // (m_clock ms, park id), one per parked long-poll
    QTimer m_deadlineTimer;
    quint64 m_nextParkId = 0;
    bool m_batchesLog = false; // flushes the request log when its loop waits
};

} // namespace guichet::server
