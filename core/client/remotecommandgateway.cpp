#include "client/remotecommandgateway.h"

#include "commands/commandcatalogue.h"
#include "commands/commanddispatcher.h"

#include <QJsonDocument>
#include <QUuid>

namespace guichet {

namespace {

QByteArray compact(const QJsonObject &object)
{
    return QJsonDocument(object).toJson(QJsonDocument::Compact);
}

// The few codes of the HTTP layer (docs/API.md) that are not core's.
ErrorCode codeOf(const QString &name)
{
    if (name == QLatin1String("bad_request"))
        return ErrorCode::InvalidInput;
    if (name == QLatin1String("payload_too_large"))
        return ErrorCode::TooLarge;
    if (name == QLatin1String("too_many_requests"))
        return ErrorCode::Locked;
    return errorCodeFromName(name);
}

} // namespace

HttpAnswer HttpAnswer::read(QNetworkReply *reply)
{
    HttpAnswer answer;
    const QVariant status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute);
    answer.unreachable = !status.isValid();
    answer.status = status.toInt();
    if (answer.unreachable) {
        answer.errorString = reply->errorString();
        return answer;
    }
    answer.body = reply->readAll();
    answer.json = QJsonDocument::fromJson(answer.body).object();
    return answer;
}

CommandResult HttpAnswer::result() const
{
    if (unreachable)
        return CommandResult::failure(
            ErrorCode::Internal, QString(),
            RemoteCommandGateway::tr("The server cannot be reached (%1).").arg(errorString));
    if (json.contains(QLatin1String("code")) || json.contains(QLatin1String("ok"))) {
        CommandResult result = commandResultFromJson(json);
        if (!result.ok())
            result.code = codeOf(json.value(QLatin1String("code")).toString());
        else if (!isSuccess())
            result = CommandResult::failure(ErrorCode::Internal, QString(), QString());
        if (!result.ok() && result.message.isEmpty())
            result.message
                = RemoteCommandGateway::tr("The server refused the request (HTTP status %1).").arg(status);
        return result;
    }
    return CommandResult::failure(
        ErrorCode::Internal, QString(),
        RemoteCommandGateway::tr("The server gave an unexpected answer (HTTP status %1).").arg(status));
}

RemoteCommandGateway::RemoteCommandGateway(const QUrl &serverUrl, Database &replica, QObject *parent)
    : CommandGateway(parent)
    , m_serverUrl(serverUrl)
    , m_outbox(replica)
{
    m_retryTimer.setSingleShot(true);
    connect(&m_retryTimer, &QTimer::timeout, this, &RemoteCommandGateway::flush);
}

RemoteCommandGateway::~RemoteCommandGateway()
{
    // Replies finishing while the manager goes must not call back into a
    // half-destroyed gateway.
    if (m_inFlight)
        m_inFlight->disconnect(this);
}

int RemoteCommandGateway::pendingCount() const
{
    return m_outbox.pendingCount(m_userId);
}

bool RemoteCommandGateway::carriesSecrets(const QString &command)
{
    const CommandSpec *spec = CommandCatalogue::find(command);
    return spec && !spec->mayWaitOffline();
}

void RemoteCommandGateway::setRetryDelays(int firstMs, int maxMs)
{
    m_firstRetryMs = firstMs;
    m_maxRetryMs = maxMs;
    m_nextRetryMs = firstMs;
}

QNetworkRequest RemoteCommandGateway::request(const QString &path, const QUrlQuery &query,
                                              int timeoutMs) const
{
    QUrl url = m_serverUrl;
    QString base = url.path();
    while (base.endsWith(QLatin1Char('/')))
        base.chop(1);
    url.setPath(base + QStringLiteral("/api/v1/") + path);
    url.setQuery(query);
    QNetworkRequest request(url);
    request.setHeader(QNetworkRequest::ContentTypeHeader,
                      QByteArrayLiteral("application/json; charset=utf-8"));
    if (!m_token.isEmpty())
        request.setRawHeader(QByteArrayLiteral("Authorization"),
                             QByteArrayLiteral("Bearer ") + m_token.toUtf8());
    // A server that accepted the connection but never answers counts as unreachable.
    request.setTransferTimeout(timeoutMs);
    return request;
}

QByteArray RemoteCommandGateway::commandBody(const QString &commandId, const QJsonObject &args) const
{
    return compact(
        QJsonObject { { QStringLiteral("commandId"), commandId }, { QStringLiteral("args"), args } });
}

void RemoteCommandGateway::signedIn(const QString &token, qint64 userId)
{
    m_token = token;
    m_userId = userId;
    m_sessionExpired = false;
    m_nextRetryMs = m_firstRetryMs;
    m_retryTimer.stop();
    emit pendingCountChanged(m_outbox.pendingCount(m_userId));
}

void RemoteCommandGateway::signIn(const QString &email, const QString &password, const QString &unlockCode,
                                  Callback done)
{
    QJsonObject body { { QStringLiteral("email"), email }, { QStringLiteral("password"), password } };
    if (!unlockCode.isEmpty())
        body.insert(QStringLiteral("unlockCode"), unlockCode);
    openSession(QStringLiteral("session"), body, std::move(done));
}

void RemoteCommandGateway::activate(const QString &activationToken, const ActivationDetails &details,
                                    Callback done)
{
    // The same arguments as the activateAccount command.
    openSession(QStringLiteral("activation"), commands::activateAccount(activationToken, details).args,
                std::move(done));
}

void RemoteCommandGateway::openSession(const QString &path, const QJsonObject &body, Callback done)
{
    QNetworkRequest req = request(path);
    req.setRawHeader(QByteArrayLiteral("Authorization"), QByteArray());
    QNetworkReply *reply = m_network.post(req, compact(body));
    connect(reply, &QNetworkReply::finished, this, [this, reply, done] {
        reply->deleteLater();
        const HttpAnswer answer = HttpAnswer::read(reply);
        noteReachable(!answer.unreachable);
        const QString token = answer.json.value(QLatin1String("token")).toString();
        const qint64 userId = answer.json.value(QLatin1String("userId")).toInteger();
        if (!answer.isSuccess() || token.isEmpty() || userId <= 0) {
            if (done)
                done(answer.result());
            return;
        }
        signedIn(token, userId);
        if (done)
            done(CommandResult::success(userId,
                                        { { QStringLiteral("token"), token },
                                          { QStringLiteral("expiresAt"),
                                            answer.json.value(QLatin1String("expiresAt")).toString() } }));
        flush();
    });
}

void RemoteCommandGateway::restoreSession(const QString &token, qint64 userId, Callback done)
{
    m_token = token;
    QNetworkReply *reply = m_network.get(request(QStringLiteral("me")));
    connect(reply, &QNetworkReply::finished, this, [this, reply, token, userId, done] {
        reply->deleteLater();
        const HttpAnswer answer = HttpAnswer::read(reply);
        noteReachable(!answer.unreachable);
        if (answer.unreachable) {
            // The replica is there: work offline, commands wait for the server.
            signedIn(token, userId);
            if (done)
                done(CommandResult::success(userId, { { QStringLiteral("offline"), true } }));
            return;
        }
        const qint64 id = answer.json.value(QLatin1String("id")).toInteger();
        if (!answer.isSuccess() || id <= 0) {
            m_token.clear();
            m_userId = 0;
            CommandResult result = answer.result();
            if (answer.status == 401)
                result.code = ErrorCode::Unauthenticated;
            if (done)
                done(result);
            return;
        }
        signedIn(token, id);
        if (done)
            done(CommandResult::success(id));
        flush();
    });
}

void RemoteCommandGateway::signOut()
{
    if (!m_token.isEmpty()) {
        QNetworkReply *reply = m_network.deleteResource(request(QStringLiteral("session")));
        connect(reply, &QNetworkReply::finished, reply, &QObject::deleteLater);
    }
    m_token.clear();
    m_userId = 0;
    m_retryTimer.stop();
    answerAllQueued();
    emit pendingCountChanged(0);
    emit signedOut();
}

void RemoteCommandGateway::send(const QString &command, const QJsonObject &args, Callback done)
{
    if (CommandDispatcher::isAnonymous(command)) {
        sendAnonymous(command, args, std::move(done));
        return;
    }
    if (m_userId == 0) {
        if (done)
            done(CommandResult::failure(ErrorCode::Unauthenticated, QString(), tr("Sign in first.")));
        return;
    }
    if (carriesSecrets(command)) {
        sendNow(command, args, std::move(done));
        return;
    }
    // Stored before anything is sent, so that a crash or a dead network loses nothing.
    const PendingCommand pending = m_outbox.enqueue(m_userId, command, args);
    emit pendingCountChanged(m_outbox.pendingCount(m_userId));
    if (done)
        m_waiting.insert(pending.commandId, std::move(done));
    if (m_retryTimer.isActive() || m_sessionExpired) {
        // Known to wait: say so at once rather than after the timeout.
        answer(pending.commandId, CommandResult::success(0, { { QStringLiteral("queued"), true } }));
    } else {
        const QString commandId = pending.commandId;
        QTimer::singleShot(m_answerTimeoutMs, this, [this, commandId] {
            answer(commandId, CommandResult::success(0, { { QStringLiteral("queued"), true } }));
        });
    }
    flush();
}

void RemoteCommandGateway::sendAnonymous(const QString &command, const QJsonObject &args, Callback done)
{
    QNetworkRequest req = request(QStringLiteral("commands/") + command);
    req.setRawHeader(QByteArrayLiteral("Authorization"), QByteArray());
    QNetworkReply *reply
        = m_network.post(req, commandBody(QUuid::createUuid().toString(QUuid::WithoutBraces), args));
    connect(reply, &QNetworkReply::finished, this, [this, reply, done] {
        reply->deleteLater();
        const HttpAnswer answer = HttpAnswer::read(reply);
        noteReachable(!answer.unreachable);
        if (done)
            done(answer.result());
    });
}

void RemoteCommandGateway::sendNow(const QString &command, const QJsonObject &args, Callback done)
{
    QNetworkReply *reply
        = m_network.post(request(QStringLiteral("commands/") + command),
                         commandBody(QUuid::createUuid().toString(QUuid::WithoutBraces), args));
    connect(reply, &QNetworkReply::finished, this, [this, reply, done] {
        reply->deleteLater();
        const HttpAnswer answer = HttpAnswer::read(reply);
        noteReachable(!answer.unreachable);
        CommandResult result = answer.result();
        if (answer.isTransient()) {
            result
                = CommandResult::failure(ErrorCode::Internal, QString(),
                                         tr("This change needs the server: try again when it is reachable."));
        } else if (answer.status == 401) {
            noteSessionExpired();
            result.code = ErrorCode::Unauthenticated;
        } else if (result.ok()) {
            emit commandApplied();
        }
        if (done)
            done(result);
    });
}

void RemoteCommandGateway::flush()
{
    if (m_inFlight || m_token.isEmpty() || m_sessionExpired)
        return;
    m_retryTimer.stop();
    const std::optional<PendingCommand> next = m_outbox.nextPending(m_userId);
    if (!next)
        return;
    QNetworkReply *reply = m_network.post(request(QStringLiteral("commands/") + next->name),
                                          commandBody(next->commandId, next->args));
    m_inFlight = reply;
    const PendingCommand command = *next;
    connect(reply, &QNetworkReply::finished, this,
            [this, reply, command] { onCommandFinished(reply, command); });
}

void RemoteCommandGateway::onCommandFinished(QNetworkReply *reply, const PendingCommand &command)
{
    reply->deleteLater();
    m_inFlight = nullptr;
    const HttpAnswer reached = HttpAnswer::read(reply);
    if (reached.isTransient()) {
        // Maybe applied, maybe not: the retry carries the same id, and the
        // server answers a known id with its recorded outcome.
        noteReachable(!reached.unreachable);
        answerAllQueued();
        scheduleRetry();
        return;
    }
    noteReachable(true);
    if (reached.status == 401) {
        noteSessionExpired();
        return;
    }
    m_nextRetryMs = m_firstRetryMs;
    const CommandResult result = reached.result();
    if (result.ok()) {
        m_outbox.markSent(command.commandId);
        emit pendingCountChanged(m_outbox.pendingCount(m_userId));
        answer(command.commandId, result);
        emit commandApplied();
    } else if (m_waiting.contains(command.commandId)) {
        // The dialog is still open: it shows the refusal with the user's input.
        m_outbox.markSent(command.commandId);
        emit pendingCountChanged(m_outbox.pendingCount(m_userId));
        answer(command.commandId, result);
    } else {
        m_outbox.markRefused(command.commandId, commandResultToJson(result));
        emit pendingCountChanged(m_outbox.pendingCount(m_userId));
        emit commandRefused(command.seq, command.name, command.args, result);
    }
    flush();
}

void RemoteCommandGateway::answer(const QString &commandId, const CommandResult &result)
{
    const auto it = m_waiting.find(commandId);
    if (it == m_waiting.end())
        return;
    const Callback done = it.value();
    m_waiting.erase(it);
    done(result);
}

void RemoteCommandGateway::answerAllQueued()
{
    const QStringList ids = m_waiting.keys();
    for (const QString &id : ids)
        answer(id, CommandResult::success(0, { { QStringLiteral("queued"), true } }));
}

void RemoteCommandGateway::scheduleRetry()
{
    m_retryTimer.start(m_nextRetryMs);
    m_nextRetryMs = qMin(m_nextRetryMs * 2, m_maxRetryMs);
}

bool RemoteCommandGateway::discard(qint64 seq)
{
    const bool removed = m_outbox.discard(seq);
    if (removed)
        emit pendingCountChanged(m_outbox.pendingCount(m_userId));
    return removed;
}

void RemoteCommandGateway::noteReachable(bool reachable)
{
    if (reachable == m_online)
        return;
    m_online = reachable;
    emit onlineChanged(reachable);
    // Back online: what waits goes now rather than at the end of the backoff.
    if (reachable && m_retryTimer.isActive())
        flush();
}

void RemoteCommandGateway::noteSessionExpired()
{
    // A late 401 after sign-out is no news.
    if (m_sessionExpired || m_token.isEmpty())
        return;
    m_sessionExpired = true;
    m_retryTimer.stop();
    answerAllQueued();
    emit sessionExpired();
}

} // namespace guichet
