#include "testsmtp.h"

#include <QDir>
#include <QFile>
#include <QTcpSocket>
#include <QTest>
#include <QUrl>

namespace guichet::test {

bool hasTestSmtpServer()
{
    return !qEnvironmentVariableIsEmpty("GUICHET_TEST_SMTP_URL")
        && !qEnvironmentVariableIsEmpty("GUICHET_TEST_MAILDIR");
}

bool waitForSmtpServer()
{
    const QUrl url(qEnvironmentVariable("GUICHET_TEST_SMTP_URL"));
    for (int i = 0; i < 100; ++i) {
        QTcpSocket socket;
        socket.connectToHost(url.host(), static_cast<quint16>(url.port(25)));
        if (socket.waitForConnected(200))
            return true;
        QTest::qWait(100);
    }
    return false;
}

QByteArray deliveredMail(const QByteArray &token, const QByteArray &alsoContaining)
{
    const QDir dir(qEnvironmentVariable("GUICHET_TEST_MAILDIR") + QStringLiteral("/new"));
    const QStringList names = dir.entryList(QDir::Files);
    for (const QString &name : names) {
        QFile file(dir.filePath(name));
        if (!file.open(QIODevice::ReadOnly))
            continue;
        QByteArray content = file.readAll();
        if (content.contains(token) && content.contains(alsoContaining))
            return content.replace("\r\n", "\n");
    }
    return {};
}

} // namespace guichet::test
