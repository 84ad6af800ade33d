#include "ui/sync/connectedsession.h"

#include "commands/commanddispatcher.h"

#include <QDir>
#include <QPointer>
#include <QStandardPaths>

namespace guichet {

namespace {

// Signs in before the user's replica is known: the remote gateway wants a
// database for its outbox, and which replica to open depends on the user id
// the server answers. An in-memory database serves the one request; nothing is
// ever queued in it (signIn queues nothing).
class PreSignIn : public QObject
{
public:
    PreSignIn(std::unique_ptr<Database> db, const QUrl &server)
        : m_db(std::move(db))
        , m_gateway(server, *m_db)
    {
    }
    RemoteCommandGateway &gateway() { return m_gateway; }

private:
    std::unique_ptr<Database> m_db;
    RemoteCommandGateway m_gateway;
};

} // namespace

ServerSignUpSession::ServerSignUpSession(const QUrl &server, std::unique_ptr<Database> db, const Clock &clock)
    : m_db(std::move(db))
    , m_core(*m_db, clock)
    , m_gateway(server, *m_db)
    , m_directory(m_gateway, *m_db)
    , m_session { m_core, clock, m_gateway, m_directory }
{
}

std::unique_ptr<ServerSignUpSession> ServerSignUpSession::open(const QUrl &server, const Clock &clock,
                                                               QString *error)
{
    auto memory = Database::open(QStringLiteral(":memory:"), error);
    if (!memory || !memory->migrate(error))
        return nullptr;
    return std::unique_ptr<ServerSignUpSession>(new ServerSignUpSession(server, std::move(memory), clock));
}

ConnectedSession::ConnectedSession(const QUrl &server, std::unique_ptr<Database> db, const Clock &clock)
    : m_db(std::move(db))
    , m_core(*m_db, clock)
    , m_replica(*m_db)
    , m_gateway(server, *m_db)
    , m_directory(m_gateway, *m_db)
    , m_sync(m_gateway, m_replica)
    , m_session { m_core, clock, m_gateway, m_directory }
{
    // A page applied to the replica: the screens reload as after a local command.
    connect(&m_sync, &SyncClient::changesApplied, &m_gateway, &CommandGateway::notifyDataChanged);
    connect(&m_sync, &SyncClient::statusChanged, this, &ConnectedSession::syncStateChanged);
    connect(&m_gateway, &RemoteCommandGateway::pendingCountChanged, this,
            &ConnectedSession::syncStateChanged);
    connect(&m_gateway, &RemoteCommandGateway::onlineChanged, this, &ConnectedSession::syncStateChanged);
    connect(&m_gateway, &RemoteCommandGateway::commandRefused, this, &ConnectedSession::syncStateChanged);
}

ConnectedSession::~ConnectedSession()
{
    m_sync.stop();
}

QString ConnectedSession::replicaLocation(const QUrl &server, qint64 userId)
{
    const int port = server.port(server.scheme() == QLatin1String("https") ? 443 : 80);
    return QDir(QStandardPaths::writableLocation(QStandardPaths::AppDataLocation))
        .filePath(QStringLiteral("replicas/%1_%2_%3.sqlite").arg(server.host()).arg(port).arg(userId));
}

std::unique_ptr<ConnectedSession> ConnectedSession::open(const QUrl &server, qint64 userId,
                                                         const Clock &clock, QString *error)
{
    auto db = Database::open(replicaLocation(server, userId), error);
    if (!db || !db->migrate(error))
        return nullptr;
    return std::unique_ptr<ConnectedSession>(new ConnectedSession(server, std::move(db), clock));
}

void ConnectedSession::signIn(const QUrl &server, const QString &email, const QString &password,
                              const QString &unlockCode, const Clock &clock, QObject *context, Opened done)
{
    QString error;
    auto memory = Database::open(QStringLiteral(":memory:"), &error);
    if (!memory || !memory->migrate(&error)) {
        done(nullptr, CommandResult::failure(ErrorCode::Internal, QString(), error));
        return;
    }
    auto *pre = new PreSignIn(std::move(memory), server);
    const QPointer<QObject> guard(context);
    pre->gateway().signIn(
        email, password, unlockCode, [pre, server, &clock, guard, done](const CommandResult &signedIn) {
            pre->deleteLater();
            if (!guard)
                return;
            if (!signedIn.ok()) {
                done(nullptr, signedIn);
                return;
            }
            restore(
                server, signedIn.data.value(QStringLiteral("token")).toString(), signedIn.id, clock, guard,
                [signedIn, done](std::unique_ptr<ConnectedSession> session, const CommandResult &restored) {
                    done(std::move(session), restored.ok() ? signedIn : restored);
                });
        });
}

void ConnectedSession::restore(const QUrl &server, const QString &token, qint64 userId, const Clock &clock,
                               QObject *context, Opened done)
{
    QString error;
    std::unique_ptr<ConnectedSession> opened = open(server, userId, clock, &error);
    if (!opened) {
        done(nullptr,
             CommandResult::failure(ErrorCode::Internal, QString(),
                                    tr("The local copy of your account cannot be opened: %1").arg(error)));
        return;
    }
    // Held by the callback until the server answered; handed over then.
    auto holder = std::make_shared<std::unique_ptr<ConnectedSession>>(std::move(opened));
    const QPointer<QObject> guard(context);
    (*holder)->m_gateway.restoreSession(token, userId, [holder, guard, done](const CommandResult &result) {
        ConnectedSession *session = holder->release();
        if (!guard || !result.ok()) {
            // Its own gateway is calling back: it goes once this call returned.
            session->deleteLater();
            if (guard)
                done(nullptr, result);
            return;
        }
        session->m_sync.start();
        done(std::unique_ptr<ConnectedSession>(session), result);
    });
}

SyncState ConnectedSession::syncState()
{
    SyncState state;
    state.online = m_gateway.isOnline() || m_sync.isOnline();
    state.lastSyncAt = m_sync.lastSyncAt();
    state.firstSyncRows = m_sync.firstSyncRows();
    state.firstSyncTotal = m_sync.firstSyncTotal();
    state.lastError = m_sync.isOnline() ? m_sync.lastError() : QString();
    state.pending = m_gateway.pendingCount();
    state.refused = m_gateway.outbox().refusedCount(m_gateway.userId());
    return state;
}

QList<OutboxEntry> ConnectedSession::outboxEntries()
{
    QList<OutboxEntry> entries;
    const qint64 userId = m_gateway.userId();
    const QList<PendingCommand> commands
        = m_gateway.outbox().pending(userId) + m_gateway.outbox().refused(userId);
    for (const PendingCommand &command : commands) {
        OutboxEntry entry;
        entry.seq = command.seq;
        entry.name = command.name;
        entry.args = command.args;
        entry.createdAt = command.createdAt;
        entry.refused = command.state == PendingCommand::State::Refused;
        entry.reason = commandResultFromJson(command.result).message;
        entries.append(entry);
    }
    return entries;
}

} // namespace guichet
