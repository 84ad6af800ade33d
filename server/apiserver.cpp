#include "server/apiserver.h"

#include "commands/commandcatalogue.h"
#include "commands/commanddispatcher.h"
#include "kernel/core.h"
#include "kernel/database.h"
#include "kernel/textlimits.h"
#include "rules/accounts/accounts.h"
#include "rules/accounts/passwords.h"
#include "rules/accounts/sessions.h"
#include "rules/files/attachedfiles.h"
#include "rules/structures/structures.h"
#include "rules/support/solicitations.h"
#include "rules/support/support.h"
#include "server/changewatcher.h"
#include "server/recordjson.h"
#include "server/workerpool.h"
#include "sync/changefeed.h"

#include <QAbstractEventDispatcher>
#include <QDateTime>
#include <QDebug>
#include <QElapsedTimer>
#include <QJsonArray>
#include <QJsonDocument>
#include <QMutex>
#include <QPointer>
#include <QRandomGenerator>
#include <QSet>
#include <QTcpSocket>
#include <QThread>
#include <QTimer>

#include <cstdio>
#include <map>
#include <tuple>

namespace guichet::server {

namespace {

// Human-readable texts of the HTTP layer itself; core's refusals carry their own.
class Tr
{
    Q_DECLARE_TR_FUNCTIONS(guichet::ApiServer)
};

const QString ApiPrefix = QStringLiteral("/api/v1/");

QByteArray compact(const QJsonObject &object)
{
    return QJsonDocument(object).toJson(QJsonDocument::Compact);
}

// Sets the session commands run in (Core::sessionId) for one request.
class SessionScope
{
public:
    SessionScope(Core &core, qint64 sessionId)
        : m_core(core)
    {
        m_core.setSessionId(sessionId);
    }
    ~SessionScope() { m_core.setSessionId(0); }
    SessionScope(const SessionScope &) = delete;
    SessionScope &operator=(const SessionScope &) = delete;

private:
    Core &m_core;
};

ApiResponse badParameter(const QString &key)
{
    return ApiResponse::error(400, QStringLiteral("bad_request"), key,
                              Tr::tr("The parameter %1 is not valid.").arg(key));
}

// A body without one of its text fields (sign-in, activation).
ApiResponse missingField(const QString &key)
{
    return ApiResponse::fromResult(
        CommandResult::failure(ErrorCode::InvalidInput, key, Tr::tr("The field %1 is missing.").arg(key)));
}

// POST session's answer to a successful sign-in.
ApiResponse sessionResponse(const CommandResult &result)
{
    ApiResponse r = ApiResponse::json(
        { { QStringLiteral("token"), result.data.value(QStringLiteral("token")).toString() },
          { QStringLiteral("userId"), result.id },
          { QStringLiteral("expiresAt"),
            result.data.value(QStringLiteral("expiresAt")).toDateTime().toString(Qt::ISODate) } });
    r.userId = result.id;
    r.changed = true; // sign-in writes an audit entry
    return r;
}

// The change page with nothing in it: what ChangeFeed::page answers when
// nothing is newer, the same bytes (QJsonObject sorts its keys).
ApiResponse emptyPage(qint64 checkpoint)
{
    ApiResponse r;
    r.body = QByteArrayLiteral("{\"checkpoint\":") + QByteArray::number(checkpoint)
        + QByteArrayLiteral(",\"deleted\":[],\"more\":false,\"resets\":[],\"rows\":[]}");
    return r;
}

ApiResponse sessionOver()
{
    return ApiResponse::error(401, QStringLiteral("unauthenticated"), {},
                              Tr::tr("The session is over (expired, signed out or revoked): sign in again."));
}

// Changes after the checkpoint of parked long-polls that one wake-up sorts by
// user in one pass; beyond, every woken long-poll reads its own page.
constexpr int MaxAnalysedChanges = 5000;

QString text(const QUrlQuery &query, const QString &key)
{
    // A form-encoded query writes a space as '+' (`*et+fils*`); a literal '+' comes as %2B.
    QByteArray encoded = query.queryItemValue(key, QUrl::FullyEncoded).toUtf8();
    encoded.replace('+', "%20");
    return QUrl::fromPercentEncoding(encoded);
}

} // namespace

struct ApiServer::Call
{
    // Names the request in the log and in 5xx answers; drawn when first asked.
    const QByteArray &requestId()
    {
        if (id.isEmpty())
            id = QByteArray::number(QRandomGenerator::global()->generate64(), 16).rightJustified(16, '0');
        return id;
    }
    QByteArray id;
    HttpRequest request;
    HttpReplyPtr reply;
    QElapsedTimer timer;
    QStringList args; // the segments a route's "*" matched
    QJsonObject body; // POST bodies, checked to be a JSON object
    QString token;
    QString clientAddress; // the peer, or what a trusted proxy forwarded (anonymous requests only)
    QByteArray tokenHash; // the key of m_sessions
    // Set on the worker before the route's job runs (or from m_sessions).
    qint64 userId = 0;
    qint64 sessionId = 0;
    qint64 sessionExpiresAtMs = 0;
    qint64 sessionLastUsedAtMs = 0;
    bool sessionFound = false; // the worker found the session: remember it
    bool sessionTrusted = false; // m_sessions vouched for it: no lookup
    // The watcher's stamp as the event loop knew it before the session was
    // found valid: the check holds until it moves (ChangeWatcher::stamp()).
    qint64 verifiedStamp = 0;
    // ChangeWatcher::sessionsStamp() likewise (-1: none), for commands.
    qint64 verifiedSessionsStamp = -1;
    // Long-poll (GET changes): the checkpoint, page size and seconds to wait,
    // set by the job before it asks to park; woken once the wait is over.
    qint64 since = 0;
    qint64 limit = 1000;
    qint64 format = 1; // of the page: 1 or 2 (docs/API.md « Compact pages »)
    bool withTotal = true; // a format 2 first page says its `total` (total=0: not)
    qint64 waitSeconds = 0;
    bool woken = false;
    // A page shared by users of the same scope, read only while the counter
    // is still this version (ChangeFeed::pageAt); 0: the user's own page.
    qint64 sharedAt = 0;
    quint64 parkId = 0;
    // Woken long-polls of the same user, checkpoint, page size and format: the same
    // page is sent to each.
    QList<std::shared_ptr<Call>> sharers;
};

ApiResponse ApiResponse::json(const QJsonObject &object, int status)
{
    ApiResponse r;
    r.status = status;
    r.body = compact(object);
    return r;
}

ApiResponse ApiResponse::error(int status, const QString &code, const QString &field, const QString &message)
{
    return json({ { QStringLiteral("ok"), false },
                  { QStringLiteral("code"), code },
                  { QStringLiteral("field"), field },
                  { QStringLiteral("message"), message } },
                status);
}

ApiResponse ApiResponse::databaseUnavailable()
{
    return fromResult(CommandResult::failure(ErrorCode::Unavailable, {}, Core::unavailableMessage()));
}

ApiResponse ApiResponse::internalError(const QByteArray &requestId)
{
    return error(500, QStringLiteral("internal"), {},
                 Tr::tr("Internal error, request id %1.").arg(QString::fromLatin1(requestId)));
}

ApiResponse ApiResponse::fromResult(const CommandResult &result)
{
    ApiResponse r = json(commandResultToJson(result), httpStatus(result.code));
    if (result.code == ErrorCode::Unavailable) {
        r.unavailable = true;
        r.headers.append(
            { QByteArrayLiteral("Retry-After"), QByteArray::number(UnavailableRetryAfterSeconds) });
    }
    if (result.code == ErrorCode::Locked && result.data.contains(QStringLiteral("retryAfter")))
        r.headers.append(
            { QByteArrayLiteral("Retry-After"),
              QByteArray::number(result.data.value(QStringLiteral("retryAfter")).toLongLong()) });
    r.changed = result.ok();
    return r;
}

int httpStatus(ErrorCode code)
{
    switch (code) {
    case ErrorCode::None:
        return 200;
    case ErrorCode::InvalidInput:
        return 422;
    case ErrorCode::NotFound:
        return 404;
    case ErrorCode::Forbidden:
        return 403;
    case ErrorCode::Conflict:
        return 409;
    case ErrorCode::Locked:
        return 429;
    case ErrorCode::Expired:
        return 410;
    case ErrorCode::TooLarge:
        return 413;
    case ErrorCode::Unauthenticated:
        return 401;
    case ErrorCode::Internal:
        return 500;
    case ErrorCode::Unavailable:
        return 503;
    }
    return 500;
}

namespace {

// The request log's lines not written yet: a write(2) per request cost the
// event loop about a tenth of an empty poll. While an ApiServer runs they
// are written once per turn of its event loop (before it waits again) or
// once 16 KiB have gathered, whichever comes first.
struct RequestLog
{
    static constexpr qsizetype FlushBytes = 16 * 1024;
    QMutex mutex;
    QByteArray pending;
    int batching = 0; // ApiServers that flush at the end of their loop's turn

    // With the mutex held.
    void writeOut()
    {
        if (pending.isEmpty())
            return;
        std::fwrite(pending.constData(), 1, size_t(pending.size()), stderr);
        std::fflush(stderr);
        pending.resize(0); // keeps its capacity: no allocation per turn
    }
};

RequestLog &requestLog()
{
    static RequestLog log;
    return log;
}

} // namespace

void ApiServer::logRequest(const QByteArray &method, const QString &path, int status, qint64 ms,
                           qint64 userId)
{
    RequestLog &log = requestLog();
    const QMutexLocker lock(&log.mutex);
    QByteArray &line = log.pending;
    if (line.capacity() < RequestLog::FlushBytes + 1024)
        line.reserve(RequestLog::FlushBytes + 1024);
    line += method;
    line += ' ';
    line += path.toUtf8();
    line += ' ';
    line += QByteArray::number(status);
    line += ' ';
    line += QByteArray::number(ms);
    line += "ms user=";
    if (userId)
        line += QByteArray::number(userId);
    else
        line += '-';
    line += '\n';
    if (log.batching == 0 || line.size() >= RequestLog::FlushBytes)
        log.writeOut();
}

void ApiServer::flushRequestLog()
{
    RequestLog &log = requestLog();
    const QMutexLocker lock(&log.mutex);
    log.writeOut();
}

SignInQueue::Limits signInQueueLimits(int hashThreads)
{
    SignInQueue::Limits limits;
    limits.perAddress = hashThreads * HashQueuePerAddressPerThread;
    limits.perNetwork = hashThreads * HashQueuePerNetworkPerThread;
    limits.total = hashThreads * HashQueuePerThread;
    return limits;
}

int ServerOptions::defaultHashThreads()
{
    return qBound(1, QThread::idealThreadCount() / 2, 4);
}

ApiServer::ApiServer(WorkerPool &pool, ChangeWatcher &watcher, ServerOptions options, QObject *parent)
    : QObject(parent)
    , m_pool(pool)
    , m_watcher(watcher)
    , m_options(std::move(options))
    , m_throttle(m_options.anonymousPerMinute)
    , m_signInQueue(signInQueueLimits(m_options.hashThreads > 0 ? m_options.hashThreads
                                                                : ServerOptions::defaultHashThreads()))
{
    m_clock.start();
    m_hashPool.setObjectName(QStringLiteral("guichetd-hashing"));
    m_hashPool.setMaxThreadCount(m_options.hashThreads > 0 ? m_options.hashThreads
                                                           : ServerOptions::defaultHashThreads());
    // argon2id wants 64 MiB per hash; threads are kept rather than recreated.
    m_hashPool.setExpiryTimeout(-1);

    // For load balancers and monitoring: 200 {"database": "ok"} when this
    // worker's connection answers, 503 {"database": "unavailable"} otherwise
    // (after one reconnection attempt, see runOnWorker).
    addRoute("GET", QStringLiteral("health"), Auth::None, [](Core &core, Call &) {
        try {
            const qint64 version = core.db().currentVersion();
            return ApiResponse::json({ { QStringLiteral("ok"), true },
                                       { QStringLiteral("database"), QStringLiteral("ok") },
                                       { QStringLiteral("schema"), core.db().schemaVersion() },
                                       { QStringLiteral("version"), version } });
        } catch (const DatabaseUnavailable &) {
            ApiResponse r = ApiResponse::databaseUnavailable();
            QJsonObject body = QJsonDocument::fromJson(r.body).object();
            body.insert(QStringLiteral("database"), QStringLiteral("unavailable"));
            r.body = compact(body);
            return r;
        }
    });

    // No job: signIn() answers it in three steps (argon2id off the workers).
    addRoute("POST", QStringLiteral("session"), Auth::None, {});

    m_signOutRoute = int(m_routes.size());
    addRoute("DELETE", QStringLiteral("session"), Auth::Required, [](Core &core, Call &call) {
        const CommandResult result = Sessions(core).signOut(call.userId, call.sessionId);
        if (!result.ok())
            return ApiResponse::fromResult(result);
        ApiResponse r = ApiResponse::json({ { QStringLiteral("ok"), true } });
        r.changed = true;
        return r;
    });

    addRoute("GET", QStringLiteral("me"), Auth::Required, [](Core &core, Call &call) {
        // The user's row as the sync feed sends it: every column but the secret ones.
        const QList<QJsonObject> me = ChangeFeed(core).rows(QStringLiteral("users"), { call.userId });
        if (me.isEmpty())
            return ApiResponse::error(404, QStringLiteral("not_found"), {},
                                      Tr::tr("This user does not exist."));
        return ApiResponse::json(me.first());
    });

    // Anonymous commands need no token; the others are checked in handle().
    addRoute("POST", QStringLiteral("commands/*"), Auth::Optional, [](Core &core, Call &call) {
        const QString name = call.args.value(0);
        const bool anonymous = CommandDispatcher::isAnonymous(name);
        const CommandResult result = CommandDispatcher(core).execute(
            anonymous ? 0 : call.userId, name, call.body.value(QLatin1String("args")).toObject(),
            call.body.value(QLatin1String("commandId")).toString());
        return ApiResponse::fromResult(result);
    });

    m_changesRoute = int(m_routes.size());
    addRoute("GET", QStringLiteral("changes"), Auth::Required, [](Core &core, Call &call) {
        const QUrlQuery &q = call.request.query;
        const auto since = queryNumber(q, QStringLiteral("since"), 0, 0, std::numeric_limits<qint64>::max());
        if (!since)
            return badParameter(QStringLiteral("since"));
        const auto limit = queryNumber(q, QStringLiteral("limit"), 1000, 1, 5000);
        if (!limit)
            return badParameter(QStringLiteral("limit"));
        const auto wait = queryNumber(q, QStringLiteral("wait"), 0, 0, 60);
        if (!wait)
            return badParameter(QStringLiteral("wait"));
        // 1: rows as objects; 2: compact pages (docs/API.md « Compact pages »).
        const auto format = queryNumber(q, QStringLiteral("format"), 1, 1, 2);
        if (!format)
            return badParameter(QStringLiteral("format"));
        // The first page's `total`: 1 (the default, what old desktops ask) on
        // the page, 0 left out, `only` the count alone, which the desktop asks
        // at the same time as the first page so that the count runs on another
        // worker instead of before the first rows (docs/API.md « Compact pages »).
        const QString totalValue = q.queryItemValue(QStringLiteral("total"));
        const bool totalOnly = totalValue == QLatin1String("only");
        if (q.hasQueryItem(QStringLiteral("total")) && !totalOnly && totalValue != QLatin1String("0")
            && totalValue != QLatin1String("1"))
            return badParameter(QStringLiteral("total"));
        if (totalOnly) {
            if (*since != 0 || *format != 2)
                return badParameter(QStringLiteral("total"));
            ApiResponse r;
            r.body = "{\"format\":2,\"total\":"
                + QByteArray::number(ChangeFeed(core).firstSyncTotal(call.userId)) + '}';
            return r;
        }
        const bool withTotal = totalValue != QLatin1String("0");
        if (*wait > 0 && !call.woken) {
            const qint64 counter = core.db().currentVersion();
            if (counter <= *since) {
                call.since = *since;
                call.limit = *limit;
                call.format = *format;
                call.withTotal = withTotal;
                call.waitSeconds = *wait;
                ApiResponse r;
                r.park = true;
                return r;
            }
        }
        if (*format == 2) {
            ApiResponse r;
            if (call.sharedAt > 0) {
                std::optional<QByteArray> page = ChangeFeed(core).compactPageAt(
                    call.userId, *since, int(*limit), call.sharedAt, withTotal);
                if (!page)
                    r.reread = true;
                else
                    r.body = std::move(*page);
            } else {
                r.body = ChangeFeed(core).compactPage(call.userId, *since, int(*limit), withTotal);
            }
            return r;
        }
        if (call.sharedAt > 0) {
            const std::optional<QJsonObject> page
                = ChangeFeed(core).pageAt(call.userId, *since, int(*limit), call.sharedAt);
            if (!page) {
                ApiResponse r;
                r.reread = true;
                return r;
            }
            return ApiResponse::json(*page);
        }
        return ApiResponse::json(ChangeFeed(core).page(call.userId, *since, int(*limit)));
    });

    addRoute("GET", QStringLiteral("structures"), Auth::Required, [](Core &core, Call &call) {
        const QUrlQuery &q = call.request.query;
        const auto offset = queryNumber(q, QStringLiteral("offset"), 0, 0, std::numeric_limits<int>::max());
        if (!offset)
            return badParameter(QStringLiteral("offset"));
        const auto limit = queryNumber(q, QStringLiteral("limit"), 50, 1, 500);
        if (!limit)
            return badParameter(QStringLiteral("limit"));
        // Keyset paging: the page after the row with this sort key and id
        // (the previous answer's "next"), the same cost at any depth.
        std::optional<StructureCursor> after;
        const bool hasKey = q.hasQueryItem(QStringLiteral("after_key"));
        const bool hasId = q.hasQueryItem(QStringLiteral("after_id"));
        if (hasKey || hasId) {
            if (!hasId)
                return badParameter(QStringLiteral("after_id"));
            const auto afterId
                = queryNumber(q, QStringLiteral("after_id"), 0, 1, std::numeric_limits<qint64>::max());
            if (!afterId)
                return badParameter(QStringLiteral("after_id"));
            const QString afterKey = text(q, QStringLiteral("after_key"));
            // A sort key is a folded raison sociale (folding may lengthen it).
            if (!hasKey || afterKey.size() > 2 * textLimit::RaisonSociale)
                return badParameter(QStringLiteral("after_key"));
            if (*offset > 0)
                return badParameter(QStringLiteral("offset"));
            after = StructureCursor { afterKey, *afterId };
        }
        // "bounded": the count as the search screen shows it first (a lower
        // bound when counting more would cost more than the page); "exact".
        const QString countMode = q.queryItemValue(QStringLiteral("count"));
        if (q.hasQueryItem(QStringLiteral("count")) && countMode != QLatin1String("bounded")
            && countMode != QLatin1String("exact"))
            return badParameter(QStringLiteral("count"));
        StructureCriteria criteria;
        criteria.raisonSociale = text(q, QStringLiteral("raison_sociale"));
        criteria.siret = text(q, QStringLiteral("siret"));
        criteria.libelle = text(q, QStringLiteral("libelle"));
        criteria.codePostal = text(q, QStringLiteral("code_postal"));
        criteria.ville = text(q, QStringLiteral("ville"));
        if (const auto refusal = Structures::checkCriteria(criteria))
            return ApiResponse::fromResult(*refusal);
        const Structures structures(core);
        QJsonObject answer;
        // One more than asked tells whether another page exists.
        QList<StructureRow> found;
        if (countMode == QLatin1String("bounded")) {
            // Together: on PostgreSQL one trigram bitmap serves both.
            const StructureSearchPage page
                = structures.searchWithCount(criteria, after, int(*offset), int(*limit) + 1);
            found = page.rows;
            answer.insert(QStringLiteral("count"), page.count.count);
            answer.insert(QStringLiteral("countExact"), page.count.exact);
        } else {
            if (countMode == QLatin1String("exact")) {
                answer.insert(QStringLiteral("count"), structures.count(criteria));
                answer.insert(QStringLiteral("countExact"), true);
            }
            found = after ? structures.searchAfter(criteria, after, int(*limit) + 1)
                          : structures.search(criteria, int(*offset), int(*limit) + 1);
        }
        const bool more = found.size() > *limit;
        if (more)
            found.resize(int(*limit));
        QList<qint64> ids;
        for (const StructureRow &row : std::as_const(found))
            ids.append(row.id);
        // Structure rows as the sync feed sends them (docs/API.md "Rows").
        QJsonArray rows;
        for (const QJsonObject &row : ChangeFeed(core).rows(QStringLiteral("structures"), ids))
            rows.append(row);
        answer.insert(QStringLiteral("rows"), rows);
        answer.insert(QStringLiteral("more"), more);
        if (!found.isEmpty())
            answer.insert(QStringLiteral("next"),
                          QJsonObject { { QStringLiteral("after_key"), found.last().sortKey },
                                        { QStringLiteral("after_id"), found.last().id } });
        return ApiResponse::json(answer);
    });

    // Support staff only (Forbidden otherwise): the requests to join a
    // structure without a principal manager, which the replica of a support
    // user does not hold (they are not attached to those structures).
    addRoute("GET", QStringLiteral("support/principal-requests"), Auth::Required, [](Core &core, Call &call) {
        QList<AttachmentView> requests;
        const CommandResult result = Support(core).principalRequests(call.userId, requests);
        if (!result.ok())
            return ApiResponse::fromResult(result);
        QJsonArray rows;
        for (const AttachmentView &request : std::as_const(requests))
            rows.append(attachmentViewJson(request));
        return ApiResponse::json({ { QStringLiteral("rows"), rows } });
    });

    addRoute("GET", QStringLiteral("users"), Auth::Required, [](Core &core, Call &call) {
        const auto limit = queryNumber(call.request.query, QStringLiteral("limit"), 50, 1, 200);
        if (!limit)
            return badParameter(QStringLiteral("limit"));
        const QString term = text(call.request.query, QStringLiteral("q"));
        if (const auto refusal = Accounts::checkSearchTerm(term))
            return ApiResponse::fromResult(*refusal);
        QJsonArray rows;
        for (const UserSearchResult &user : Accounts(core).searchUsers(term, int(*limit)))
            rows.append(userSearchResultJson(user));
        return ApiResponse::json({ { QStringLiteral("rows"), rows } });
    });

    addRoute("GET", QStringLiteral("files/*/content"), Auth::Required, [](Core &core, Call &call) {
        bool ok = false;
        const qint64 id = call.args.value(0).toLongLong(&ok);
        if (!ok || id <= 0)
            return ApiResponse::error(404, QStringLiteral("not_found"), {},
                                      Tr::tr("This file does not exist."));
        QByteArray content;
        const CommandResult result = AttachedFiles(core).fileContent(call.userId, id, &content);
        if (!result.ok())
            return ApiResponse::fromResult(result);
        const std::optional<AttachedFileInfo> meta = AttachedFiles(core).fileInfo(id);
        ApiResponse r;
        r.contentType = QByteArrayLiteral("application/octet-stream");
        r.body = content;
        const QString name = AttachedFiles::sanitizeFileName(meta ? meta->fileName : QString());
        r.headers.append(
            { QByteArrayLiteral("Content-Disposition"),
              QByteArrayLiteral("attachment; filename*=UTF-8''") + QUrl::toPercentEncoding(name) });
        if (meta)
            r.headers.append({ QByteArrayLiteral("X-Content-SHA256"), meta->sha256.toLatin1() });
        return r;
    });

    // The pages a mail link opens: commands without a signed-in user.
    for (const auto &[path, command] :
         { std::pair { QStringLiteral("reactivation/request"), QStringLiteral("requestReactivation") },
           std::pair { QStringLiteral("reactivation/complete"), QStringLiteral("completeReactivation") },
           std::pair { QStringLiteral("signup"), QStringLiteral("signUp") },
           std::pair { QStringLiteral("activation/resend"), QStringLiteral("resendActivation") } }) {
        addRoute("POST", path, Auth::None, [command = command](Core &core, Call &call) {
            return ApiResponse::fromResult(CommandDispatcher(core).execute(0, command, call.body));
        });
    }

    // The activation link's page: the account becomes active and its owner is
    // signed in at once (the same answer as POST session).
    const int sessionDays = m_options.sessionDays;
    addRoute("POST", QStringLiteral("activation"), Auth::None, [sessionDays](Core &core, Call &call) {
        const QJsonValue token = call.body.value(QLatin1String("token"));
        if (!token.isString())
            return missingField(QStringLiteral("token"));
        // An invitee's details (SignUps::activate), when the body has them.
        ActivationDetails details;
        const auto text = [&call](const char *key) { return call.body.value(QLatin1String(key)).toString(); };
        details.firstName = text("firstName");
        details.lastName = text("lastName");
        details.password = text("password");
        details.secretQuestion = text("secretQuestion");
        details.secretAnswer = text("secretAnswer");
        const CommandResult result = Sessions(core).activate(token.toString(), details, sessionDays);
        return result.ok() ? sessionResponse(result) : ApiResponse::fromResult(result);
    });

    addRoute("POST", QStringLiteral("solicitations"), Auth::Optional, [](Core &core, Call &call) {
        CommandDispatcher dispatcher(core);
        return ApiResponse::fromResult(
            call.userId ? dispatcher.execute(call.userId, QStringLiteral("createSolicitation"), call.body)
                        : dispatcher.execute(0, QStringLiteral("createAnonymousSolicitation"), call.body));
    });

    connect(&m_watcher, &ChangeWatcher::versionChanged, this,
            [this](qint64 version) { wakeParked(version, false); });
    // Back from a lost database connection: notifications may have been
    // missed, so every parked poll reads again.
    connect(&m_watcher, &ChangeWatcher::databaseRecovered, this,
            [this] { wakeParked(m_watcher.version(), true); });
    m_deadlineTimer.setSingleShot(true);
    connect(&m_deadlineTimer, &QTimer::timeout, this, &ApiServer::onDeadline);

    // The request log is written once per turn of the event loop, before it waits.
    if (QAbstractEventDispatcher *dispatcher = QAbstractEventDispatcher::instance(thread())) {
        connect(dispatcher, &QAbstractEventDispatcher::aboutToBlock, this, &ApiServer::flushRequestLog);
        RequestLog &log = requestLog();
        const QMutexLocker lock(&log.mutex);
        ++log.batching;
        m_batchesLog = true;
    }
}

ApiServer::~ApiServer()
{
    if (m_batchesLog) {
        RequestLog &log = requestLog();
        const QMutexLocker lock(&log.mutex);
        --log.batching;
        log.writeOut();
    }
    // Sign-ins still waiting for a hashing thread are dropped; running ones end.
    m_hashPool.clear();
    m_hashPool.waitForDone();
}

QString ApiServer::queryText(const QUrlQuery &query, const QString &key)
{
    return text(query, key);
}

std::optional<qint64> ApiServer::queryNumber(const QUrlQuery &query, const QString &key, qint64 fallback,
                                             qint64 min, qint64 max)
{
    if (!query.hasQueryItem(key))
        return fallback;
    bool ok = false;
    const qint64 v = query.queryItemValue(key).toLongLong(&ok);
    if (!ok || v < min || v > max)
        return std::nullopt;
    return v;
}

void ApiServer::addRoute(const char *method, const QString &path, Auth auth, Job job)
{
    Route route { QByteArray(method), path.split(QLatin1Char('/')), auth, std::move(job) };
    route.health = route.segments == QStringList { QStringLiteral("health") };
    route.session = route.segments == QStringList { QStringLiteral("session") };
    route.commands = route.segments.value(0) == QLatin1String("commands");
    m_routes.append(std::move(route));
}

void ApiServer::handle(const HttpRequest &request, const HttpReplyPtr &reply)
{
    auto call = std::make_shared<Call>();
    call->timer.start();
    call->request = request;
    call->reply = reply;
    if (request.method == "HEAD")
        reply->omitBody();

    RequestReading reading = readRequest(request);
    if (reading.refusal) {
        finish(call, *reading.refusal);
        return;
    }
    const Route *route = &m_routes.at(reading.route);
    call->args = reading.args;
    call->body = reading.body;
    call->token = reading.token;
    if (!call->token.isEmpty())
        call->tokenHash = secretTokenHash(call->token).toLatin1();
    const Auth auth = reading.auth;
    // Anonymous requests (sign-in, reactivation, anonymous commands and
    // solicitations; not health, which load balancers poll) are throttled per
    // client address: they cost argon2id or a mail, and need no account.
    const bool anonymous = auth == Auth::None || (auth == Auth::Optional && call->token.isEmpty());
    if (anonymous && !route->health) {
        call->clientAddress = clientAddress(
            request.peer, request.header(QByteArrayLiteral("x-forwarded-for")), m_options.trustedProxies);
        if (const int wait = m_throttle.take(call->clientAddress, m_clock.elapsed())) {
            ApiResponse r = ApiResponse::error(
                429, QStringLiteral("too_many_requests"), {},
                Tr::tr("Too many requests from your address: try again in %n second(s).", nullptr, wait));
            r.headers.append({ QByteArrayLiteral("Retry-After"), QByteArray::number(wait) });
            finish(call, r);
            return;
        }
    }
    if (!route->job) {
        signIn(call);
        return;
    }
    if (reading.route == m_changesRoute && request.method == "GET" && answerFromMemory(call))
        return;
    if (auth == Auth::Required && route->commands)
        trustRememberedSession(call);
    runOnWorker(call, *route);
}

void ApiServer::trustRememberedSession(const std::shared_ptr<Call> &call)
{
    const qint64 sessionsStamp = m_watcher.sessionsStamp();
    if (call->tokenHash.isEmpty() || sessionsStamp < 0)
        return;
    const std::optional<SessionCache::Entry> session
        = m_sessions.findForCommand(call->tokenHash, sessionsStamp, QDateTime::currentMSecsSinceEpoch());
    if (!session)
        return;
    call->userId = session->userId;
    call->sessionId = session->sessionId;
    call->sessionExpiresAtMs = session->expiresAtMs;
    call->sessionLastUsedAtMs = session->lastUsedAtMs;
    call->sessionTrusted = true;
    call->verifiedStamp = session->version;
    call->verifiedSessionsStamp = session->sessionsStamp;
}

bool ApiServer::answerFromMemory(const std::shared_ptr<Call> &call)
{
    // Behind: one of this instance's commands committed after the last read
    // of the counter; a worker reads it (so a client sees its own change).
    if (call->tokenHash.isEmpty() || !m_watcher.databaseAvailable() || m_watcher.behind())
        return false;
    const qint64 version = m_watcher.version();
    const qint64 stamp = m_watcher.stamp();
    const qint64 now = QDateTime::currentMSecsSinceEpoch();
    const std::optional<SessionCache::Entry> session = m_sessions.find(call->tokenHash, stamp, now);
    if (!session)
        return false;
    call->userId = session->userId;
    call->sessionId = session->sessionId;
    call->sessionExpiresAtMs = session->expiresAtMs;
    call->sessionLastUsedAtMs = session->lastUsedAtMs;
    call->sessionTrusted = true;
    call->verifiedStamp = stamp;
    const QUrlQuery &q = call->request.query;
    const auto since = queryNumber(q, QStringLiteral("since"), 0, 0, std::numeric_limits<qint64>::max());
    const auto limit = queryNumber(q, QStringLiteral("limit"), 1000, 1, 5000);
    const auto wait = queryNumber(q, QStringLiteral("wait"), 0, 0, 60);
    const auto format = queryNumber(q, QStringLiteral("format"), 1, 1, 2);
    // Bad parameters, a page to read, or a client ahead of what this instance
    // knows (it reads the counter): the worker answers, without the session lookup.
    // So does a first sync's `total` (checked and counted there).
    if (!since || !limit || !wait || !format || *since != version || q.hasQueryItem(QStringLiteral("total")))
        return false;
    if (*wait > 0) {
        call->since = *since;
        call->limit = *limit;
        call->format = *format;
        call->waitSeconds = *wait;
        park(call);
        return true;
    }
    ApiResponse r = emptyPage(version);
    r.userId = call->userId;
    finish(call, r);
    return true;
}

ApiServer::RequestReading ApiServer::readRequest(const HttpRequest &request) const
{
    RequestReading reading;
    const auto refused = [&reading](const ApiResponse &response) {
        reading.refusal = response;
        return reading;
    };
    const Route *route = nullptr;
    QList<QByteArray> allowed;
    if (request.path.startsWith(ApiPrefix)) {
        const QStringList segments = request.path.mid(ApiPrefix.size()).split(QLatin1Char('/'));
        for (const Route &r : std::as_const(m_routes)) {
            if (r.segments.size() != segments.size())
                continue;
            QStringList args;
            bool match = true;
            for (int i = 0; i < segments.size() && match; ++i) {
                if (r.segments.at(i) == QLatin1String("*"))
                    args << segments.at(i);
                else
                    match = r.segments.at(i) == segments.at(i);
            }
            if (!match)
                continue;
            if (!allowed.contains(r.method))
                allowed << r.method;
            if (r.method == "GET" && !allowed.contains("HEAD"))
                allowed << "HEAD";
            // HEAD is answered as GET without the body (RFC 9110, 9.3.2).
            if (r.method == (request.method == "HEAD" ? QByteArray("GET") : request.method)) {
                route = &r;
                reading.args = args;
            }
        }
    }
    if (!route && !allowed.isEmpty()) {
        ApiResponse r = ApiResponse::error(
            405, QStringLiteral("method_not_allowed"), {},
            Tr::tr("This address does not accept %1.").arg(QString::fromLatin1(request.method)));
        r.headers.append({ QByteArrayLiteral("Allow"), allowed.join(", ") });
        return refused(r);
    }
    if (!route)
        return refused(ApiResponse::error(404, QStringLiteral("not_found"), {},
                                          Tr::tr("There is nothing at this address.")));

    if (request.method == "POST") {
        // Only JSON: a cross-site form (text/plain, urlencoded) cannot reach a route.
        const QByteArray mediaType
            = request.header(QByteArrayLiteral("content-type")).split(';').value(0).trimmed().toLower();
        if (mediaType != "application/json")
            return refused(ApiResponse::error(415, QStringLiteral("unsupported_media_type"), {},
                                              Tr::tr("The request body must be sent as application/json.")));
        QJsonParseError parseError;
        const QJsonDocument document = QJsonDocument::fromJson(request.body, &parseError);
        if (parseError.error != QJsonParseError::NoError || !document.isObject())
            return refused(ApiResponse::error(400, QStringLiteral("bad_request"), {},
                                              Tr::tr("The request body must be a JSON object.")));
        reading.body = document.object();
    }

    const QByteArray authorization = request.header(QByteArrayLiteral("authorization")).trimmed();
    // The scheme's name is case-insensitive (RFC 9110, 11.1).
    if (authorization.size() > 7 && authorization.left(7).toLower() == "bearer ")
        reading.token = QString::fromLatin1(authorization.mid(7).trimmed());

    // Commands: an unknown name is an unknown address; a signed-in user's
    // command needs a token (checked on the worker).
    Auth auth = route->auth;
    if (route->commands) {
        const QString name = reading.args.value(0);
        const CommandSpec *command = CommandCatalogue::find(name);
        if (!command)
            return refused(ApiResponse::error(404, QStringLiteral("not_found"), QStringLiteral("command"),
                                              Tr::tr("Unknown command: %1.").arg(name)));
        const QJsonValue args = reading.body.value(QLatin1String("args"));
        const QJsonValue commandId = reading.body.value(QLatin1String("commandId"));
        if (!(args.isUndefined() || args.isObject()) || !(commandId.isUndefined() || commandId.isString()))
            return refused(
                ApiResponse::error(400, QStringLiteral("bad_request"), {},
                                   Tr::tr("The body must be {\"commandId\": text, \"args\": object}.")));
        auth = command->anonymous ? Auth::None : Auth::Required;
    }
    if (auth == Auth::Required && reading.token.isEmpty())
        return refused(
            ApiResponse::error(401, QStringLiteral("unauthenticated"), {}, Tr::tr("Sign in first.")));
    if (auth == Auth::None)
        reading.token.clear();
    reading.route = int(route - m_routes.constData());
    reading.routeMethod = route->method;
    reading.routePath = route->segments.join(QLatin1Char('/'));
    reading.auth = auth;
    return reading;
}

void ApiServer::signIn(const std::shared_ptr<Call> &call)
{
    SignInRequest request;
    request.clientAddress = call->clientAddress;
    for (const auto &[key, target, required] :
         { std::tuple { QStringLiteral("email"), &request.email, true },
           std::tuple { QStringLiteral("password"), &request.password, true },
           std::tuple { QStringLiteral("unlockCode"), &request.unlockCode, false } }) {
        const QJsonValue value = call->body.value(key);
        if (value.isString()) {
            *target = value.toString();
        } else if (required || !(value.isUndefined() || value.isNull())) {
            finish(call,
                   required
                       ? missingField(key)
                       : ApiResponse::fromResult(CommandResult::failure(
                           ErrorCode::InvalidInput, key, Tr::tr("The field %1 must be text.").arg(key))));
            return;
        }
    }
    // 1. Read the account and its failure count on a worker (no transaction).
    m_pool.run<SignInAttempt>(
        [request](Core &core) {
            try {
                return Accounts(core).beginSignIn(request);
            } catch (const DatabaseUnavailable &) {
                SignInAttempt attempt;
                attempt.decided
                    = CommandResult::failure(ErrorCode::Unavailable, {}, Core::unavailableMessage());
                return attempt;
            }
        },
        [this, call](SignInAttempt attempt) {
            if (attempt.decided) {
                const ApiResponse r = ApiResponse::fromResult(*attempt.decided);
                if (r.changed || attempt.decided->code == ErrorCode::Locked)
                    m_watcher.refresh(); // a refusal writes an audit entry
                if (r.status == 500) {
                    qWarning().noquote() << "guichetd: request" << call->requestId() << call->request.path
                                         << "failed:" << attempt.decided->message;
                    finish(call, ApiResponse::internalError(call->requestId()));
                    return;
                }
                finish(call, r);
                return;
            }
            // 2. argon2id on the hashing pool: neither a worker nor the write
            // lock waits for it. Queued fairly per network and address; past
            // a bound, answered at once.
            QPointer<ApiServer> self(this);
            const bool queued = m_signInQueue.push(call->clientAddress, [self, call, attempt] {
                const SignInVerdict verdict = Accounts::verifySignIn(attempt);
                if (!self)
                    return;
                QMetaObject::invokeMethod(
                    self.data(),
                    [self, call, attempt, verdict] {
                        if (!self)
                            return;
                        --self->m_hashing;
                        self->startHashing();
                        // 3. The outcome, the session and the audit entry in one
                        // short transaction on a worker.
                        const int days = self->m_options.sessionDays;
                        Route finishing { "POST",
                                          { QStringLiteral("session") },
                                          Auth::None,
                                          [attempt, verdict, days](Core &core, Call &) {
                                              const CommandResult result
                                                  = Sessions(core).finishSignIn(attempt, verdict, days);
                                              if (!result.ok()) {
                                                  ApiResponse r = ApiResponse::fromResult(result);
                                                  r.changed = true; // the failure's audit entry
                                                  return r;
                                              }
                                              return sessionResponse(result);
                                          } };
                        self->runOnWorker(call, finishing);
                    },
                    Qt::QueuedConnection);
            });
            if (!queued) {
                ApiResponse r
                    = ApiResponse::error(503, QStringLiteral("busy"), {},
                                         Tr::tr("Too many sign-ins at the moment; try again shortly."));
                r.headers.append(
                    { QByteArrayLiteral("Retry-After"), QByteArray::number(UnavailableRetryAfterSeconds) });
                finish(call, r);
                return;
            }
            startHashing();
        });
}

void ApiServer::startHashing()
{
    while (m_hashing < m_hashPool.maxThreadCount()) {
        std::optional<SignInQueue::Job> job = m_signInQueue.pop();
        if (!job)
            return;
        ++m_hashing;
        m_hashPool.start(std::move(*job));
    }
}

void ApiServer::runOnWorker(const std::shared_ptr<Call> &call, const Route &route)
{
    Job job = route.job;
    if (!call->sessionTrusted) {
        call->verifiedStamp = m_watcher.stamp();
        call->verifiedSessionsStamp = m_watcher.sessionsStamp();
    }
    m_pool.run<ApiResponse>(
        [call, job](Core &core) {
            // A read may run again on a fresh connection, and so may any request
            // whose very first statement met the dead connection (nothing ran).
            const bool read = call->request.method == "GET" || call->request.method == "HEAD";
            bool sessionsEnded = false;
            for (int attempt = 0;; ++attempt) {
                const quint64 before = core.db().completedStatements();
                ApiResponse r = runJob(core, *call, job);
                sessionsEnded = core.db().takeSessionsEnded() || sessionsEnded;
                r.sessionsEnded = sessionsEnded;
                if (!r.unavailable)
                    return r;
                const bool nothingRan = core.db().completedStatements() == before;
                if (attempt > 0 || !(read || nothingRan)) {
                    qWarning().noquote() << "guichetd: request" << call->requestId() << call->request.path
                                         << "answered 503: the database is unavailable";
                    return r;
                }
            }
        },
        [this, call, signOut = route.method == "DELETE" && route.session](ApiResponse response) {
            if (call->sessionFound) {
                call->sessionFound = false;
                call->sessionTrusted = true; // for a wake-up or timeout of this call
                m_sessions.remember(call->tokenHash,
                                    { call->sessionId, call->userId, call->sessionExpiresAtMs,
                                      call->sessionLastUsedAtMs, call->verifiedStamp,
                                      call->verifiedSessionsStamp });
            }
            if (response.sessionsEnded)
                m_watcher.noteSessionsEnded();
            if (!call->tokenHash.isEmpty() && (response.status == 401 || (signOut && response.status == 200)))
                m_sessions.forget(call->tokenHash);
            if (response.stateRead)
                m_watcher.noteState(response.state);
            else if (response.changed)
                m_watcher.noteCommitted();
            if (response.unavailable)
                m_watcher.noteUnavailable();
            if (response.reread) {
                // Another change came in before the shared page was read: the
                // users of that scope may differ now, each reads its own.
                // Their sessions were checked before that change: again too.
                QList<std::shared_ptr<Call>> calls = std::exchange(call->sharers, {});
                calls.prepend(call);
                for (const auto &each : std::as_const(calls)) {
                    each->sharedAt = 0;
                    each->sessionTrusted = false;
                    runOnWorker(each, changesRoute()); // only its pages are shared
                }
                return;
            }
            if (response.park)
                park(call);
            else
                finish(call, response);
        });
}

ApiResponse ApiServer::runJob(Core &core, Call &call, const Job &job)
{
    try {
        if (!call.token.isEmpty() && !call.sessionTrusted) {
            const auto session = Sessions(core).find(call.token);
            if (!session)
                return sessionOver();
            call.userId = session->userId;
            call.sessionId = session->id;
            call.sessionExpiresAtMs = session->expiresAt.toMSecsSinceEpoch();
            call.sessionLastUsedAtMs = session->lastUsedAtMs;
            call.sessionFound = true;
        }
        SessionScope scope(core, call.sessionId);
        ApiResponse r = job(core, call);
        if (!r.userId)
            r.userId = call.userId;
        if (r.changed && !core.db().isPostgres()) {
            // Here rather than on the event loop, which would wait for the
            // answer. Not on PostgreSQL, where the state scans pg_locks: the
            // watcher reads it once per burst of commits (noteCommitted()).
            try {
                r.state = core.db().versionState();
                r.stateRead = true;
            } catch (const DatabaseError &) {
                // The event loop's watcher reads it (and finds out about the database).
            }
        }
        if (r.status == 500) {
            // A command's internal error: its details stay in the log.
            qWarning().noquote() << "guichetd: request" << call.requestId() << call.request.path
                                 << "failed:" << QString::fromUtf8(r.body);
            const qint64 userId = r.userId;
            r = ApiResponse::internalError(call.requestId());
            r.userId = userId;
        }
        return r;
    } catch (const DatabaseUnavailable &error) {
        qWarning().noquote() << "guichetd: request" << call.requestId() << call.request.path
                             << "met an unavailable database:" << error.message();
        ApiResponse r = ApiResponse::databaseUnavailable();
        r.userId = call.userId;
        return r;
    } catch (const DatabaseError &error) {
        qWarning().noquote() << "guichetd: request" << call.requestId() << call.request.path
                             << "failed:" << error.message();
        ApiResponse r = ApiResponse::internalError(call.requestId());
        r.userId = call.userId;
        return r;
    }
}

void ApiServer::park(const std::shared_ptr<Call> &call)
{
    QTcpSocket *socket = call->reply->socket();
    if (!call->reply->isConnected() || !socket) {
        logRequest(call->request.method, call->request.path, 499, call->timer.elapsed(), call->userId);
        return;
    }
    // Between the worker's read and now, a change may already have come in.
    if (m_watcher.version() > call->since) {
        fanOut({ call });
        return;
    }
    const quint64 id = ++m_nextParkId;
    call->parkId = id;
    Parked parked;
    parked.call = call;
    parked.deadline = m_deadlines.emplace(m_clock.elapsed() + call->waitSeconds * 1000, id);
    // A client that leaves while parked: forget it (never write to its socket).
    parked.disconnected
        = connect(socket, &QAbstractSocket::disconnected, this, [this, id] { dropParked(id); });
    parked.destroyed = connect(socket, &QObject::destroyed, this, [this, id] { dropParked(id); });
    const bool first = parked.deadline == m_deadlines.begin();
    m_parked.insert(id, std::move(parked));
    if (first)
        scheduleDeadline();
}

std::shared_ptr<ApiServer::Call> ApiServer::unpark(quint64 parkId)
{
    const auto it = m_parked.find(parkId);
    if (it == m_parked.end())
        return {};
    // The socket outlives this long-poll (keep-alive): its connections go.
    disconnect(it->disconnected);
    disconnect(it->destroyed);
    m_deadlines.erase(it->deadline);
    std::shared_ptr<Call> call = std::move(it->call);
    m_parked.erase(it);
    return call;
}

void ApiServer::dropParked(quint64 parkId)
{
    if (const std::shared_ptr<Call> call = unpark(parkId))
        logRequest(call->request.method, call->request.path, 499, call->timer.elapsed(), call->userId);
}

void ApiServer::scheduleDeadline()
{
    if (m_deadlines.empty()) {
        m_deadlineTimer.stop();
        return;
    }
    m_deadlineTimer.start(int(qMax<qint64>(0, m_deadlines.begin()->first - m_clock.elapsed())));
}

void ApiServer::onDeadline()
{
    const qint64 now = m_clock.elapsed();
    const qint64 wallNow = QDateTime::currentMSecsSinceEpoch();
    QList<std::shared_ptr<Call>> reread;
    while (!m_deadlines.empty() && m_deadlines.begin()->first <= now) {
        const std::shared_ptr<Call> call = unpark(m_deadlines.begin()->second); // erases the deadline
        // Nothing moved since its session was checked: the empty page, from
        // memory. Otherwise (a change that did not pass its checkpoint may
        // have ended the session) the worker reads again.
        if (m_watcher.databaseAvailable() && !m_watcher.behind() && m_watcher.stamp() == call->verifiedStamp
            && call->since == m_watcher.version() && wallNow < call->sessionExpiresAtMs) {
            ApiResponse r = emptyPage(call->since);
            r.userId = call->userId;
            finish(call, r);
        } else {
            call->woken = true;
            call->sessionTrusted = false;
            runOnWorker(call, changesRoute());
        }
    }
    scheduleDeadline();
}

void ApiServer::wakeParked(qint64 version, bool all)
{
    QList<quint64> ids;
    for (auto it = m_parked.cbegin(); it != m_parked.cend(); ++it) {
        if (all || it->call->since < version)
            ids.append(it.key());
    }
    QList<std::shared_ptr<Call>> calls;
    calls.reserve(ids.size());
    for (const quint64 id : std::as_const(ids))
        calls.append(unpark(id));
    fanOut(std::move(calls));
}

void ApiServer::fanOut(QList<std::shared_ptr<Call>> calls)
{
    if (calls.isEmpty())
        return;
    qint64 since = std::numeric_limits<qint64>::max();
    QList<qint64> sessionIds;
    QList<qint64> userIds;
    QSet<qint64> seen;
    QSet<qint64> seenUsers;
    for (const auto &call : std::as_const(calls)) {
        call->woken = true;
        since = std::min(since, call->since);
        if (!seen.contains(call->sessionId)) {
            seen.insert(call->sessionId);
            sessionIds.append(call->sessionId);
        }
        if (!seenUsers.contains(call->userId)) {
            seenUsers.insert(call->userId);
            userIds.append(call->userId);
        }
    }
    struct Outcome
    {
        bool ok = false;
        ChangeFeed::Concerned concerned;
        QSet<qint64> open;
    };
    // Sessions found open by the worker hold for what the event loop knew before.
    const qint64 stamp = m_watcher.stamp();
    m_pool.run<Outcome>(
        [since, sessionIds, userIds](Core &core) {
            Outcome outcome;
            try {
                outcome.concerned = ChangeFeed(core).concerned(since, userIds, MaxAnalysedChanges);
                // After the feed's snapshot: sessions open at a state at least that recent.
                outcome.open = Sessions(core).stillOpen(sessionIds);
                outcome.ok = true;
            } catch (const DatabaseError &error) {
                qWarning().noquote() << "guichetd: waking the long-polls:" << error.message();
            }
            return outcome;
        },
        [this, calls, stamp](Outcome outcome) {
            if (!outcome.ok) {
                // Each reads on its own, with the usual retry and 503.
                for (const auto &call : calls) {
                    call->sessionTrusted = false;
                    runOnWorker(call, changesRoute());
                }
                return;
            }
            QList<QByteArray> hashes;
            hashes.reserve(calls.size());
            for (const auto &call : calls)
                hashes.append(call->tokenHash);
            m_sessions.confirm(outcome.open, hashes, stamp);
            const qint64 now = QDateTime::currentMSecsSinceEpoch();
            // (scope key, user when the page is its own, since, limit, format, total).
            std::map<std::tuple<QByteArray, qint64, qint64, qint64, qint64, bool>, std::shared_ptr<Call>>
                leaders;
            for (const auto &call : calls) {
                if (!outcome.open.contains(call->sessionId) || now >= call->sessionExpiresAtMs) {
                    m_sessions.forget(call->tokenHash);
                    ApiResponse r = sessionOver();
                    r.userId = call->userId;
                    finish(call, r);
                    continue;
                }
                call->verifiedStamp = stamp;
                const auto concerned = outcome.concerned.users.constFind(call->userId);
                if (call->since >= outcome.concerned.version
                    || (!outcome.concerned.everyone && concerned == outcome.concerned.users.cend())) {
                    // Nothing in the new changes for this user.
                    ApiResponse r = emptyPage(outcome.concerned.version);
                    r.userId = call->userId;
                    finish(call, r);
                    continue;
                }
                const QByteArray scope = outcome.concerned.everyone ? QByteArray() : *concerned;
                call->sharedAt = scope.isEmpty() ? 0 : outcome.concerned.version;
                const auto key = std::make_tuple(scope, scope.isEmpty() ? call->userId : 0, call->since,
                                                 call->limit, call->format, call->withTotal);
                const auto leader = leaders.find(key);
                if (leader != leaders.end())
                    leader->second->sharers.append(call);
                else
                    leaders.emplace(key, call);
            }
            for (const auto &[key, leader] : leaders) {
                leader->sessionTrusted = true; // checked just above
                runOnWorker(leader, changesRoute());
            }
        });
}

void ApiServer::finish(const std::shared_ptr<Call> &call, const ApiResponse &response)
{
    HeaderList headers = response.headers;
    if (response.status >= 500)
        headers.append({ QByteArrayLiteral("X-Request-Id"), call->requestId() });
    if (call->woken)
        call->reply->flushOnSend();
    call->reply->send(response.status, response.contentType, response.body, headers);
    logRequest(call->request.method, call->request.path, response.status, call->timer.elapsed(),
               response.userId);
    // Long-polls woken with it that wanted the same page.
    const QList<std::shared_ptr<Call>> sharers = std::exchange(call->sharers, {});
    for (const auto &sharer : sharers)
        finish(sharer, response);
}

} // namespace guichet::server
