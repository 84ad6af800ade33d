#pragma once

#include <QSslConfiguration>
#include <QTcpServer>

#include <functional>

namespace guichet::server {

// The listening socket of guichetd. QtHttpServer 6.4 buffers a whole request
// before any handler runs and has no size limit, so this server counts the
// bytes of each request as they arrive and, past the limit, answers 413 itself
// and drops the rest; the HTTP layer never sees them. Also does TLS when given
// a certificate and key.
class LimitedTcpServer : public QTcpServer
{
    Q_OBJECT

public:
    // Called once per refused request: method and path (from the request line).
    using RefusalLog = std::function<void(const QByteArray &method, const QByteArray &path)>;

    // maxRequestBytes: body limit plus room for the headers. refusalBody: the
    // JSON error sent with the 413.
    LimitedTcpServer(qint64 maxRequestBytes, QByteArray refusalBody, RefusalLog log,
                     QObject *parent = nullptr);

    void setTlsConfiguration(const QSslConfiguration &configuration);

protected:
    void incomingConnection(qintptr descriptor) override;

private:
    qint64 m_maxRequestBytes;
    QByteArray m_refusalBody;
    RefusalLog m_log;
    QSslConfiguration m_tls;
    bool m_useTls = false;
};

} // namespace guichet::server
