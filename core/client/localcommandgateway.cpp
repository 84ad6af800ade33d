#include "client/localcommandgateway.h"

#include "kernel/core.h"
#include "rules/accounts/accounts.h"

#include <QUuid>

namespace guichet {

LocalCommandGateway::LocalCommandGateway(Core &core, QObject *parent)
    : CommandGateway(parent)
    , m_core(core)
    , m_dispatcher(core)
{
}

void LocalCommandGateway::signIn(const QString &email, const QString &password, const QString &unlockCode,
                                 Callback done)
{
    // No network: every attempt comes from the one local address.
    const CommandResult result = Accounts(m_core).authenticate(
        SignInRequest { email, password, accountRules::LocalClientAddress, unlockCode });
    m_userId = result.ok() ? result.id : 0;
    if (done)
        done(result);
}

void LocalCommandGateway::activate(const QString &activationToken, const ActivationDetails &details,
                                   Callback done)
{
    const CommandCall call = commands::activateAccount(activationToken, details);
    const CommandResult result
        = m_dispatcher.execute(0, call.name, call.args, QUuid::createUuid().toString(QUuid::WithoutBraces));
    m_userId = result.ok() ? result.id : 0;
    if (result.ok())
        emit dataChanged();
    if (done)
        done(result);
}

void LocalCommandGateway::signOut()
{
    m_userId = 0;
}

void LocalCommandGateway::send(const QString &command, const QJsonObject &args, Callback done)
{
    const qint64 actor = CommandDispatcher::isAnonymous(command) ? 0 : m_userId;
    const CommandResult result
        = m_dispatcher.execute(actor, command, args, QUuid::createUuid().toString(QUuid::WithoutBraces));
    if (result.ok())
        emit dataChanged();
    if (done)
        done(result);
}

} // namespace guichet
