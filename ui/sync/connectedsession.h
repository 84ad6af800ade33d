#pragma once

#include "client/remotecommandgateway.h"
#include "client/remotedirectory.h"
#include "client/replica.h"
#include "client/syncclient.h"
#include "kernel/commandresult.h"
#include "kernel/core.h"
#include "kernel/database.h"
#include "ui/shell/session.h"
#include "ui/sync/syncstatus.h"

#include <QObject>
#include <QUrl>

#include <functional>
#include <memory>

namespace guichet {

// The sign-in window's server before anyone is signed in: its anonymous
// commands (« Créer un compte », a new activation mail) and the activation that
// signs in go to that server, not to this computer's database. The remote
// gateway wants a database for its outbox: an in-memory one, never used
// (anonymous commands are never queued).
class ServerSignUpSession
{
public:
    // nullptr with `error` set when even an in-memory database cannot be opened.
    static std::unique_ptr<ServerSignUpSession> open(const QUrl &server, const Clock &clock, QString *error);

    Session &session() { return m_session; }
    RemoteCommandGateway &gateway() { return m_gateway; }

private:
    ServerSignUpSession(const QUrl &server, std::unique_ptr<Database> db, const Clock &clock);

    std::unique_ptr<Database> m_db;
    Core m_core;
    RemoteCommandGateway m_gateway;
    RemoteDirectory m_directory;
    Session m_session;
};

// The desktop connected to guichetd: the user's replica (an SQLite file per
// server and account, migrated with the normal schema) that the screens read
// through core, the remote gateway that sends their commands, the remote
// directory, and the sync client that keeps the replica up to date. Screens get
// `session()` exactly as they get the standalone one.
class ConnectedSession : public QObject
{
    Q_OBJECT

public:
    // `session` is null on failure; `result` is what the sign-in answered (on
    // success result.id is the user, data holds "token" after a password sign-in).
    using Opened
        = std::function<void(std::unique_ptr<ConnectedSession> session, const CommandResult &result)>;

    ~ConnectedSession() override;

    // QStandardPaths::AppDataLocation/replicas/<host>_<port>_<userId>.sqlite
    static QString replicaLocation(const QUrl &server, qint64 userId);

    // POST /session first (the user's id names the replica), then opens the
    // user's replica and its gateway on that token, and starts the sync.
    // unlockCode: the lockout mail's code, or empty.
    static void signIn(const QUrl &server, const QString &email, const QString &password,
                       const QString &unlockCode, const Clock &clock, QObject *context, Opened done);
    // A remembered token: opens the replica at once; an unreachable server still
    // opens it (offline), a refused token fails.
    static void restore(const QUrl &server, const QString &token, qint64 userId, const Clock &clock,
                        QObject *context, Opened done);

    Session &session() { return m_session; }
    RemoteCommandGateway &gateway() { return m_gateway; }
    SyncClient &sync() { return m_sync; }
    Database &replica() { return *m_db; }

    // What the status bar shows now.
    SyncState syncState();
    // The outbox as the status dialog lists it: waiting ones first, then refused.
    QList<OutboxEntry> outboxEntries();

signals:
    // Anything the status bar shows may have changed.
    void syncStateChanged();

private:
    ConnectedSession(const QUrl &server, std::unique_ptr<Database> db, const Clock &clock);
    static std::unique_ptr<ConnectedSession> open(const QUrl &server, qint64 userId, const Clock &clock,
                                                  QString *error);

    std::unique_ptr<Database> m_db;
    Core m_core;
    Replica m_replica;
    RemoteCommandGateway m_gateway;
    RemoteDirectory m_directory;
    SyncClient m_sync;
    Session m_session;
};

} // namespace guichet
