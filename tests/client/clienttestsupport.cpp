#include "clienttestsupport.h"

#include <QTcpServer>
#include <QTest>

namespace guichet::test {

CommandGateway::Callback recordInto(Answer &answer)
{
    return [&answer](const CommandResult &result) {
        QVERIFY2(!answer.called, "done must run exactly once");
        answer.called = true;
        answer.result = result;
    };
}

bool isQueued(const CommandResult &result)
{
    return result.ok() && result.data.value(QStringLiteral("queued")).toBool();
}

quint16 closedPort()
{
    QTcpServer server;
    server.listen(QHostAddress::LocalHost, 0);
    const quint16 port = server.serverPort();
    server.close();
    return port;
}

std::unique_ptr<Database> openReplica(const QString &location)
{
    QString error;
    auto db = Database::open(location, &error);
    if (db && !db->migrate(&error))
        db.reset();
    if (!db)
        qWarning("%s: %s", qPrintable(location), qPrintable(error));
    return db;
}

} // namespace guichet::test
