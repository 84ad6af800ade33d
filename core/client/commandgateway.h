#pragma once

#include "commands/commandargs.h"
#include "kernel/commandresult.h"

#include <QJsonObject>
#include <QObject>

#include <functional>

namespace guichet {

// The one way the desktop's screens change anything: they send core's commands
// by name with JSON arguments (docs/COMMANDS.md). Standalone, the local gateway
// runs them in-process on the SQLite database; connected, a remote gateway
// sends them to guichetd. Screens never write to the database themselves.
class CommandGateway : public QObject
{
    Q_OBJECT

public:
    using Callback = std::function<void(const CommandResult &)>;

    using QObject::QObject;

    // Signs in; on success result.id is the user's id and userId() returns it.
    // unlockCode: the code of the lockout mail, to sign in despite a lock
    // (docs/ACCOUNTS.md); empty for an ordinary sign-in.
    virtual void signIn(const QString &email, const QString &password, const QString &unlockCode,
                        Callback done)
        = 0;
    void signIn(const QString &email, const QString &password, Callback done)
    {
        signIn(email, password, QString(), std::move(done));
    }
    // Activates an account waiting for activation with the code of its mail
    // (« Créer un compte ») and signs its owner in at once: on success result.id
    // is the user and userId() returns it, as after signIn.
    // An invitee's account also needs `details` (SignUps::activate: without
    // them the answer has data "needsDetails").
    virtual void activate(const QString &activationToken, const ActivationDetails &details, Callback done)
        = 0;
    void activate(const QString &activationToken, Callback done)
    {
        activate(activationToken, ActivationDetails(), std::move(done));
    }
    virtual void signOut() = 0;
    // Sends a command for the signed-in user (anonymous commands need none).
    // `done` runs exactly once with the outcome.
    virtual void send(const QString &command, const QJsonObject &args, Callback done) = 0;
    // The same, with a call built by commands:: (commandargs.h): what screens use.
    void send(const CommandCall &call, Callback done) { send(call.name, call.args, std::move(done)); }

    qint64 userId() const { return m_userId; }
    // The data may have changed behind the gateway's back (a sync applied, the
    // user asked to refresh): screens reload.
    void notifyDataChanged() { emit dataChanged(); }

signals:
    // Something the screens show may have changed: models reload.
    void dataChanged();
    void signedOut();

protected:
    qint64 m_userId = 0;
};

} // namespace guichet
