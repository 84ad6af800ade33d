#pragma once

#include "client/commandgateway.h"
#include "commands/commanddispatcher.h"

namespace guichet {

class Core;

// Standalone mode: commands run in-process through the same dispatcher that
// guichetd uses, on the local SQLite database.
class LocalCommandGateway final : public CommandGateway
{
    Q_OBJECT

public:
    explicit LocalCommandGateway(Core &core, QObject *parent = nullptr);

    using CommandGateway::signIn;
    void signIn(const QString &email, const QString &password, const QString &unlockCode,
                Callback done) override;
    void activate(const QString &activationToken, const ActivationDetails &details, Callback done) override;
    using CommandGateway::activate;
    void signOut() override;
    using CommandGateway::send;
    void send(const QString &command, const QJsonObject &args, Callback done) override;

private:
    Core &m_core;
    CommandDispatcher m_dispatcher;
};

} // namespace guichet
