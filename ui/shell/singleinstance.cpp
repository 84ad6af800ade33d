#include "ui/shell/singleinstance.h"

#include <QCryptographicHash>
#include <QLocalServer>
#include <QLocalSocket>
#include <QStandardPaths>

namespace guichet {

namespace {

const QByteArray acknowledgement = QByteArrayLiteral("ok\n");

QString userName()
{
    QString name = qEnvironmentVariable("USER");
    if (name.isEmpty())
        name = qEnvironmentVariable("USERNAME");
    return name;
}

} // namespace

SingleInstance::SingleInstance(QObject *parent)
    : QObject(parent)
    , m_server(new QLocalServer(this))
{
    // Only this user may hand links over (the socket file's mode on Unix, the
    // pipe's access list on Windows).
    m_server->setSocketOptions(QLocalServer::UserAccessOption);
    connect(m_server, &QLocalServer::newConnection, this, &SingleInstance::accept);
}

SingleInstance::~SingleInstance() = default;

QString SingleInstance::serverName()
{
    const QString dataFolder = QStandardPaths::writableLocation(QStandardPaths::AppDataLocation);
    const QByteArray key = (userName() + QLatin1Char('\n') + dataFolder).toUtf8();
    // Short enough for a Unix socket path in any temporary folder.
    return QStringLiteral("guichet-")
        + QString::fromLatin1(QCryptographicHash::hash(key, QCryptographicHash::Sha256).toHex().left(24));
}

bool SingleInstance::handOver(const QString &message, int timeoutMs)
{
    QLocalSocket socket;
    socket.connectToServer(serverName());
    if (!socket.waitForConnected(timeoutMs))
        return false;
    QByteArray line = message.toUtf8();
    line.replace('\n', ' ');
    line.append('\n');
    if (line.size() > MaxMessageBytes)
        return false;
    socket.write(line);
    if (!socket.waitForBytesWritten(timeoutMs))
        return false;
    QByteArray answer;
    while (!answer.endsWith('\n') && socket.waitForReadyRead(timeoutMs))
        answer += socket.readAll();
    socket.disconnectFromServer();
    return answer == acknowledgement;
}

bool SingleInstance::listen()
{
    m_error.clear();
    const QString name = serverName();
    // Asked first: with UserAccessOption, Qt on Unix binds in a private folder
    // and moves the socket into place, replacing one that is listening.
    QLocalSocket probe;
    probe.connectToServer(name);
    if (probe.waitForConnected(1000)) {
        probe.abort();
        m_error = tr("Guichet is already running for this user.");
        return false;
    }
    if (m_server->listen(name))
        return true;
    // The socket file of an instance that crashed.
    if (m_server->serverError() == QAbstractSocket::AddressInUseError && QLocalServer::removeServer(name)
        && m_server->listen(name))
        return true;
    m_error = m_server->errorString();
    return false;
}

bool SingleInstance::isListening() const
{
    return m_server->isListening();
}

QString SingleInstance::errorString() const
{
    return m_error;
}

void SingleInstance::accept()
{
    while (QLocalSocket *socket = m_server->nextPendingConnection()) {
        connect(socket, &QLocalSocket::disconnected, socket, &QObject::deleteLater);
        connect(socket, &QLocalSocket::readyRead, this, [this, socket] { read(socket); });
        if (socket->bytesAvailable() > 0)
            read(socket);
    }
}

void SingleInstance::read(QLocalSocket *socket)
{
    if (!socket->canReadLine()) {
        if (socket->bytesAvailable() > MaxMessageBytes)
            socket->abort();
        return;
    }
    const QByteArray line = socket->readLine(MaxMessageBytes + 1);
    if (!line.endsWith('\n')) {
        socket->abort();
        return;
    }
    socket->disconnect(this); // one message per connection
    // Answered first: the later launch exits while this one opens the link
    // (which may show a modal dialog for as long as the user needs).
    socket->write(acknowledgement);
    socket->flush();
    socket->disconnectFromServer();
    emit messageReceived(QString::fromUtf8(line.chopped(1)).trimmed());
}

} // namespace guichet
