// A desktop that queues commands and is then killed (tst_syncscenarios): opens
// the replica, restores a session against an unreachable server, queues N
// addService commands (codes K1..KN) in the durable outbox, prints "ready" once
// every one is queued, and waits to be killed with SIGKILL.
//
// Usage: outboxagent REPLICA SERVER_URL TOKEN USER_ID STRUCTURE_ID N

#include "client/remotecommandgateway.h"
#include "kernel/commandresult.h"
#include "kernel/database.h"

#include <QCoreApplication>
#include <QJsonObject>

#include <cstdio>

using namespace guichet;

int main(int argc, char **argv)
{
    QCoreApplication app(argc, argv);
    const QStringList args = app.arguments();
    if (args.size() != 7) {
        std::fputs("usage: outboxagent REPLICA SERVER_URL TOKEN USER_ID STRUCTURE_ID N\n", stderr);
        return 2;
    }
    QString error;
    std::unique_ptr<Database> replica = Database::open(args.at(1), &error);
    if (!replica || !replica->migrate(&error)) {
        std::fprintf(stderr, "outboxagent: %s\n", qPrintable(error));
        return 1;
    }
    RemoteCommandGateway gateway(QUrl(args.at(2)), *replica);
    const qint64 structure = args.at(5).toLongLong();
    const int count = args.at(6).toInt();
    int queued = 0;
    gateway.restoreSession(args.at(3), args.at(4).toLongLong(), [&](const CommandResult &restored) {
        if (!restored.ok()) {
            std::fprintf(stderr, "outboxagent: %s\n", qPrintable(restored.message));
            app.exit(1);
            return;
        }
        for (int i = 1; i <= count; ++i) {
            gateway.send(QStringLiteral("addService"),
                         { { QStringLiteral("structure"), structure },
                           { QStringLiteral("code"), QStringLiteral("K%1").arg(i) },
                           { QStringLiteral("name"), QStringLiteral("Killed %1").arg(i) } },
                         [&, count](const CommandResult &result) {
                             if (!result.ok()) {
                                 std::fprintf(stderr, "outboxagent: %s\n", qPrintable(result.message));
                                 app.exit(1);
                             } else if (++queued == count) {
                                 std::fputs("ready\n", stdout);
                                 std::fflush(stdout);
                             }
                         });
        }
    });
    return app.exec();
}
