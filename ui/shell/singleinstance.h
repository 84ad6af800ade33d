#pragma once

#include <QObject>
#include <QString>

class QLocalServer;
class QLocalSocket;

namespace guichet {

// One Guichet per user session and data folder. The first launch listens on a
// local socket (QLocalServer, reachable by this user only); a later launch
// hands its guichet:// link to it (or an empty text: « show yourself ») and
// exits. The socket's name comes from the user and the application's data
// folder (QStandardPaths), so two users, or a test with its own XDG_DATA_HOME,
// never meet.
//
// The message is one line of UTF-8 text, at most MaxMessageBytes; the running
// instance answers "ok" once messageReceived was emitted. A longer message
// closes the connection unread.
class SingleInstance : public QObject
{
    Q_OBJECT

public:
    static constexpr int MaxMessageBytes = 8192;

    explicit SingleInstance(QObject *parent = nullptr);
    ~SingleInstance() override;

    // The local socket's name for this user and data folder.
    static QString serverName();

    // Hands `message` to the instance already running. True once it confirmed
    // (this process should then exit); false when none runs or it did not
    // answer within timeoutMs.
    bool handOver(const QString &message, int timeoutMs = 5000);
    // Becomes the running instance. A socket left by a crashed instance is
    // replaced; false (with errorString()) when another instance listens.
    bool listen();
    bool isListening() const;
    QString errorString() const;

signals:
    // A later launch's message: a link, or empty to show the window.
    void messageReceived(const QString &message);

private:
    void accept();
    void read(QLocalSocket *socket);

    QLocalServer *m_server;
    QString m_error;
};

} // namespace guichet
