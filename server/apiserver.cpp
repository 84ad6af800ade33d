#include "server/apiserver.h"

#include "commands/commanddispatcher.h"
#include "kernel/core.h"
#include "kernel/database.h"
#include "rules/accounts/accounts.h"
#include "rules/accounts/sessions.h"
#include "rules/files/attachedfiles.h"
#include "rules/structures/structures.h"
#include "rules/support/solicitations.h"
#include "server/changewatcher.h"
#include "server/recordjson.h"
#include "server/workerpool.h"
#include "sync/changefeed.h"

#include <QDateTime>
#include <QDebug>
#include <QElapsedTimer>
#include <QJsonArray>
#include <QJsonDocument>
#include <QPointer>
#include <QRandomGenerator>
#include <QTcpSocket>
#include <QThread>
#include <QTimer>

#include <cstdio>
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
    QByteArray requestId; // names the request in the log and in 5xx answers
    HttpRequest request;
    HttpReplyPtr reply;
    QElapsedTimer timer;
    QStringList args; // the segments a route's "*" matched
    QJsonObject body; // POST bodies, checked to be a JSON object
    QString token;
    QString clientAddress; // the peer, or what a trusted proxy forwarded
    // Set on the worker before the route's job runs.
    qint64 userId = 0;
    qint64 sessionId = 0;
    // Long-poll (GET changes): the checkpoint and seconds to wait, set by the
    // job before it asks to park; woken once the wait is over.
    qint64 since = 0;
    qint64 waitSeconds = 0;
    bool woken = false;
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

void ApiServer::logRequest(const QByteArray &method, const QString &path, int status, qint64 ms,
                           qint64 userId)
{
    const QByteArray line = method + ' ' + path.toUtf8() + ' ' + QByteArray::number(status) + ' '
        + QByteArray::number(ms) + "ms user=" + (userId ? QByteArray::number(userId) : QByteArray("-"))
        + '\n';
    std::fputs(line.constData(), stderr);
    std::fflush(stderr);
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
        if (*wait > 0 && !call.woken) {
            const qint64 counter = core.db().currentVersion();
            if (counter <= *since) {
                call.since = *since;
                call.waitSeconds = *wait;
                ApiResponse r;
                r.park = true;
                return r;
            }
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
        StructureCriteria criteria;
        criteria.raisonSociale = text(q, QStringLiteral("raison_sociale"));
        criteria.siret = text(q, QStringLiteral("siret"));
        criteria.libelle = text(q, QStringLiteral("libelle"));
        criteria.codePostal = text(q, QStringLiteral("code_postal"));
        criteria.ville = text(q, QStringLiteral("ville"));
        if (const auto refusal = Structures::checkCriteria(criteria))
            return ApiResponse::fromResult(*refusal);
        // One more than asked tells whether another page exists.
        const QList<StructureRow> found = Structures(core).search(criteria, int(*offset), int(*limit) + 1);
        QList<qint64> ids;
        for (int i = 0; i < found.size() && i < *limit; ++i)
            ids.append(found.at(i).id);
        // Structure rows as the sync feed sends them (docs/API.md "Rows").
        QJsonArray rows;
        for (const QJsonObject &row : ChangeFeed(core).rows(QStringLiteral("structures"), ids))
            rows.append(row);
        return ApiResponse::json(
            { { QStringLiteral("rows"), rows }, { QStringLiteral("more"), found.size() > *limit } });
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
}

ApiServer::~ApiServer()
{
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
    m_routes.append({ QByteArray(method), path.split(QLatin1Char('/')), auth, std::move(job) });
}

void ApiServer::handle(const HttpRequest &request, const HttpReplyPtr &reply)
{
    auto call = std::make_shared<Call>();
    call->timer.start();
    call->requestId
        = QByteArray::number(QRandomGenerator::global()->generate64(), 16).rightJustified(16, '0');
    call->request = request;
    call->reply = reply;
    call->clientAddress = clientAddress(request.peer, request.header(QByteArrayLiteral("x-forwarded-for")),
                                        m_options.trustedProxies);
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
    const Auth auth = reading.auth;
    // Anonymous requests (sign-in, reactivation, anonymous commands and
    // solicitations; not health, which load balancers poll) are throttled per
    // client address: they cost argon2id or a mail, and need no account.
    const bool anonymous = auth == Auth::None || (auth == Auth::Optional && call->token.isEmpty());
    if (anonymous && route->segments != QStringList { QStringLiteral("health") }) {
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
    Route chosen = *route;
    chosen.auth = auth;
    runOnWorker(call, chosen);
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
    if (route->segments.value(0) == QLatin1String("commands")) {
        const QString name = reading.args.value(0);
        if (!CommandDispatcher::commandNames().contains(name))
            return refused(ApiResponse::error(404, QStringLiteral("not_found"), QStringLiteral("command"),
                                              Tr::tr("Unknown command: %1.").arg(name)));
        const QJsonValue args = reading.body.value(QLatin1String("args"));
        const QJsonValue commandId = reading.body.value(QLatin1String("commandId"));
        if (!(args.isUndefined() || args.isObject()) || !(commandId.isUndefined() || commandId.isString()))
            return refused(
                ApiResponse::error(400, QStringLiteral("bad_request"), {},
                                   Tr::tr("The body must be {\"commandId\": text, \"args\": object}.")));
        auth = CommandDispatcher::isAnonymous(name) ? Auth::None : Auth::Required;
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
                    qWarning().noquote() << "guichetd: request" << call->requestId << call->request.path
                                         << "failed:" << attempt.decided->message;
                    finish(call, ApiResponse::internalError(call->requestId));
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
    m_pool.run<ApiResponse>(
        [call, job](Core &core) {
            // A read may run again on a fresh connection, and so may any request
            // whose very first statement met the dead connection (nothing ran).
            const bool read = call->request.method == "GET" || call->request.method == "HEAD";
            for (int attempt = 0;; ++attempt) {
                const quint64 before = core.db().completedStatements();
                ApiResponse r = runJob(core, *call, job);
                if (!r.unavailable)
                    return r;
                const bool nothingRan = core.db().completedStatements() == before;
                if (attempt > 0 || !(read || nothingRan)) {
                    qWarning().noquote() << "guichetd: request" << call->requestId << call->request.path
                                         << "answered 503: the database is unavailable";
                    return r;
                }
            }
        },
        [this, call, route](ApiResponse response) {
            if (response.changed)
                m_watcher.refresh();
            if (response.unavailable)
                m_watcher.noteUnavailable();
            if (response.park)
                park(call, route);
            else
                finish(call, response);
        });
}

ApiResponse ApiServer::runJob(Core &core, Call &call, const Job &job)
{
    try {
        if (!call.token.isEmpty()) {
            const auto session = Sessions(core).find(call.token);
            if (!session)
                return ApiResponse::error(401, QStringLiteral("unauthenticated"), {},
                                          Tr::tr("The session is over (expired, signed out or revoked): "
                                                 "sign in again."));
            call.userId = session->userId;
            call.sessionId = session->id;
        }
        SessionScope scope(core, call.sessionId);
        ApiResponse r = job(core, call);
        if (!r.userId)
            r.userId = call.userId;
        if (r.status == 500) {
            // A command's internal error: its details stay in the log.
            qWarning().noquote() << "guichetd: request" << call.requestId << call.request.path
                                 << "failed:" << QString::fromUtf8(r.body);
            const qint64 userId = r.userId;
            r = ApiResponse::internalError(call.requestId);
            r.userId = userId;
        }
        return r;
    } catch (const DatabaseUnavailable &error) {
        qWarning().noquote() << "guichetd: request" << call.requestId << call.request.path
                             << "met an unavailable database:" << error.message();
        ApiResponse r = ApiResponse::databaseUnavailable();
        r.userId = call.userId;
        return r;
    } catch (const DatabaseError &error) {
        qWarning().noquote() << "guichetd: request" << call.requestId << call.request.path
                             << "failed:" << error.message();
        ApiResponse r = ApiResponse::internalError(call.requestId);
        r.userId = call.userId;
        return r;
    }
}

void ApiServer::park(const std::shared_ptr<Call> &call, const Route &route)
{
    QTcpSocket *socket = call->reply->socket();
    if (!call->reply->isConnected() || !socket) {
        logRequest(call->request.method, call->request.path, 499, call->timer.elapsed(), call->userId);
        return;
    }
    // Between the worker's read and now, a change may already have come in.
    if (m_watcher.version() > call->since) {
        call->woken = true;
        runOnWorker(call, route);
        return;
    }
    // The waiter owns the connections and the timer: deleting it ends the
    // wait; `over` keeps a second event of the same loop turn from acting twice.
    auto *waiter = new QObject(this);
    auto over = std::make_shared<bool>(false);
    const auto end = [waiter, over] {
        if (*over)
            return false;
        *over = true;
        waiter->deleteLater();
        return true;
    };
    const auto wake = [this, call, route, end] {
        if (!end())
            return;
        call->woken = true;
        runOnWorker(call, route);
    };
    connect(&m_watcher, &ChangeWatcher::versionChanged, waiter, [call, wake](qint64 version) {
        if (version > call->since)
            wake();
    });
    // Back from a lost database connection: notifications may have been
    // missed, so every parked poll reads again.
    connect(&m_watcher, &ChangeWatcher::databaseRecovered, waiter, wake);
    auto *timer = new QTimer(waiter);
    timer->setSingleShot(true);
    connect(timer, &QTimer::timeout, waiter, wake);
    timer->start(int(call->waitSeconds * 1000));
    // A client that leaves while parked: forget it (never write to its socket).
    const auto drop = [call, end] {
        if (end())
            logRequest(call->request.method, call->request.path, 499, call->timer.elapsed(), call->userId);
    };
    connect(socket, &QAbstractSocket::disconnected, waiter, drop);
    connect(socket, &QObject::destroyed, waiter, drop);
}

void ApiServer::finish(const std::shared_ptr<Call> &call, const ApiResponse &response)
{
    HeaderList headers = response.headers;
    if (response.status >= 500)
        headers.append({ QByteArrayLiteral("X-Request-Id"), call->requestId });
    call->reply->send(response.status, response.contentType, response.body, headers);
    logRequest(call->request.method, call->request.path, response.status, call->timer.elapsed(),
               response.userId);
}

} // namespace guichet::server
