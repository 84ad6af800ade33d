#pragma once

#include "client/commandgateway.h"
#include "client/commandoutbox.h"

#include <QHash>
#include <QJsonObject>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QPointer>
#include <QTimer>
#include <QUrl>
#include <QUrlQuery>

namespace guichet {

class Database;

// What guichetd answered to one request, read once the reply finished.
struct HttpAnswer
{
    // True when no HTTP answer came at all (refused, reset, timed out, DNS...).
    bool unreachable = false;
    int status = 0;
    QByteArray body;
    QJsonObject json; // the body when it is a JSON object
    QString errorString; // the network error, when unreachable

    static HttpAnswer read(QNetworkReply *reply);
    // A network failure, a 5xx or a 429: the same request may succeed later.
    bool isTransient() const { return unreachable || status >= 500 || status == 429; }
    bool isSuccess() const { return !unreachable && status >= 200 && status < 300; }
    // The answer as core's result: the command result the server sent, or a
    // readable failure for a network error or a body that is not one.
    CommandResult result() const;
};

// Connected mode: commands go to guichetd (docs/API.md).
//
// Commands of a signed-in user first go into the replica's durable outbox
// (CommandOutbox) and are then sent in order, one at a time, with their command
// id, so that a retry never applies twice:
// - `done` gets the server's answer when it comes within answerTimeoutMs; a
//   refusal then leaves the outbox (the dialog shows it, with the user's input);
// - when the server is unreachable, or slower than that, `done` gets a success
//   with data {"queued": true} and the command waits in the outbox;
// - a queued command refused later stays in the outbox as refused, and
//   commandRefused is emitted, until the user discards it;
// - a network failure, a 5xx or a 429 is retried with the same id, after 1 s,
//   then twice as long each time, up to 30 s;
// - a 401 emits sessionExpired and stops sending until the next sign-in.
// Anonymous commands (CommandDispatcher::isAnonymous) are sent at once, never
// queued: they need the server's answer. So are the commands carrying a password
// (carriesSecrets): a password never rests in the replica's outbox; with the
// server unreachable they are refused and the form keeps what was typed.
class RemoteCommandGateway final : public CommandGateway
{
    Q_OBJECT

public:
    static constexpr int defaultAnswerTimeoutMs = 5000;
    static constexpr int defaultFirstRetryMs = 1000;
    static constexpr int defaultMaxRetryMs = 30000;

    // serverUrl: e.g. https://guichet.example.org (routes are under /api/v1/).
    // replica: the local database holding the outbox.
    RemoteCommandGateway(const QUrl &serverUrl, Database &replica, QObject *parent = nullptr);
    ~RemoteCommandGateway() override;

    QUrl serverUrl() const { return m_serverUrl; }
    // The session token, to remember in the keychain (CredentialStore).
    QString token() const { return m_token; }
    bool isSignedIn() const { return !m_token.isEmpty(); }
    // Whether the server answered the last request (false until one did).
    bool isOnline() const { return m_online; }
    int pendingCount() const;
    // Commands whose arguments hold a password or a secret answer (those the
    // command catalogue says may not wait offline): sent only online, never
    // stored in the outbox.
    static bool carriesSecrets(const QString &command);
    CommandOutbox &outbox() { return m_outbox; }

    // Signs in with a remembered token: GET /api/v1/me checks it. On success
    // result.id is the user. A rejected token fails with Unauthenticated and is
    // forgotten. An unreachable server keeps the token and userId (the desktop
    // works on its replica, commands wait) and succeeds with data {"offline": true}.
    void restoreSession(const QString &token, qint64 userId, Callback done);

    // On success result.id is the user and data holds "token" and "expiresAt".
    using CommandGateway::signIn;
    void signIn(const QString &email, const QString &password, const QString &unlockCode,
                Callback done) override;
    // POST /api/v1/activation: the account becomes active and the answer is a
    // session, as signIn's.
    void activate(const QString &activationToken, const ActivationDetails &details, Callback done) override;
    using CommandGateway::activate;
    // Revokes the token on the server (without waiting) and forgets it. Queued
    // commands stay in the outbox for the next sign-in.
    void signOut() override;
    using CommandGateway::send;
    void send(const QString &command, const QJsonObject &args, Callback done) override;

    // The user gives up a refused command.
    bool discard(qint64 seq);
    // Sends what waits now, without waiting for the retry delay.
    void flush();

    // For the sync client and the remote directory: a request to /api/v1/<path>
    // carrying the session token.
    QNetworkAccessManager &network() { return m_network; }
    QNetworkRequest request(const QString &path, const QUrlQuery &query = {}, int timeoutMs = 30000) const;
    // Another request reached the server (or not): keeps isOnline() true to
    // everything, and a server back online gets the outbox at once.
    void noteReachable(bool reachable);
    // Another request was answered 401.
    void noteSessionExpired();

    // Tests shorten the delays.
    void setAnswerTimeout(int ms) { m_answerTimeoutMs = ms; }
    void setRetryDelays(int firstMs, int maxMs);

signals:
    // A queued command the server refused; it stays in the outbox until discarded.
    void commandRefused(qint64 seq, const QString &name, const QJsonObject &args,
                        const guichet::CommandResult &result);
    // The server applied a command: the sync client pulls.
    void commandApplied();
    void pendingCountChanged(int count);
    void onlineChanged(bool online);
    // The token was refused: the user must sign in again.
    void sessionExpired();

private:
    void onCommandFinished(QNetworkReply *reply, const PendingCommand &command);
    void sendAnonymous(const QString &command, const QJsonObject &args, Callback done);
    void sendNow(const QString &command, const QJsonObject &args, Callback done);
    void answer(const QString &commandId, const CommandResult &result);
    void answerAllQueued();
    void scheduleRetry();
    void signedIn(const QString &token, qint64 userId);
    // POST of a route answering a session (session, activation).
    void openSession(const QString &path, const QJsonObject &body, Callback done);
    QByteArray commandBody(const QString &commandId, const QJsonObject &args) const;

    QUrl m_serverUrl;
    CommandOutbox m_outbox;
    QNetworkAccessManager m_network;
    QString m_token;
    bool m_online = false;
    bool m_sessionExpired = false;
    // Callbacks still waiting for their command's outcome, by command id.
    QHash<QString, Callback> m_waiting;
    QPointer<QNetworkReply> m_inFlight;
    QTimer m_retryTimer;
    int m_answerTimeoutMs = defaultAnswerTimeoutMs;
    int m_firstRetryMs = defaultFirstRetryMs;
    int m_maxRetryMs = defaultMaxRetryMs;
    int m_nextRetryMs = defaultFirstRetryMs;
};

} // namespace guichet
