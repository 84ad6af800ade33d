#include "apiclient.h"
#include "testdatabase.h"

#include <QEventLoop>
#include <QFile>
#include <QJsonDocument>
#include <QJsonObject>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QProcess>
#include <QSslCertificate>
#include <QSslConfiguration>
#include <QTemporaryDir>
#include <QTest>
#include <QTimer>

using namespace guichet::test;

// guichetd --tls-cert/--tls-key serves HTTPS that a client trusting the
// certificate verifies, and nothing in plain HTTP on the same port.
class TestApiTls : public QObject
{
    Q_OBJECT

private:
    struct Answer
    {
        QNetworkReply::NetworkError error = QNetworkReply::NoError;
        int status = 0;
        QJsonObject json;
    };

    Answer get(const QUrl &url, const QSslConfiguration &tls)
    {
        QNetworkAccessManager network;
        QNetworkRequest request(url);
        request.setSslConfiguration(tls);
        request.setTransferTimeout(10000);
        QNetworkReply *reply = network.get(request);
        QEventLoop loop;
        connect(reply, &QNetworkReply::finished, &loop, &QEventLoop::quit);
        loop.exec();
        Answer answer;
        answer.error = reply->error();
        answer.status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
        answer.json = QJsonDocument::fromJson(reply->readAll()).object();
        reply->deleteLater();
        return answer;
    }

    QTemporaryDir m_dir;
    std::unique_ptr<TestDatabase> m_db;
    QString cert() const { return m_dir.filePath(QStringLiteral("cert.pem")); }
    QString key() const { return m_dir.filePath(QStringLiteral("key.pem")); }

private slots:
    void initTestCase()
    {
        m_db = std::make_unique<TestDatabase>();
        GUICHET_REQUIRE_DB(*m_db);
        // A self-signed certificate for 127.0.0.1, as an operator would make one.
        QProcess openssl;
        openssl.start(QStringLiteral("openssl"),
                      { QStringLiteral("req"), QStringLiteral("-x509"), QStringLiteral("-newkey"),
                        QStringLiteral("rsa:2048"), QStringLiteral("-nodes"), QStringLiteral("-days"),
                        QStringLiteral("2"), QStringLiteral("-subj"), QStringLiteral("/CN=127.0.0.1"),
                        QStringLiteral("-addext"), QStringLiteral("subjectAltName=IP:127.0.0.1"),
                        QStringLiteral("-keyout"), key(), QStringLiteral("-out"), cert() });
        QVERIFY(openssl.waitForFinished(60000));
        QVERIFY2(openssl.exitCode() == 0, openssl.readAllStandardError().constData());
    }

    void servesVerifiedHttps()
    {
        Guichetd server;
        QString error;
        QVERIFY2(server.start(m_db->location(),
                              { QStringLiteral("--tls-cert"), cert(), QStringLiteral("--tls-key"), key() },
                              &error),
                 qPrintable(error));
        QCOMPARE(server.baseUrl().scheme(), QStringLiteral("https"));

        QSslConfiguration trusting = QSslConfiguration::defaultConfiguration();
        trusting.setCaCertificates(QSslCertificate::fromPath(cert()));
        const Answer health
            = get(server.baseUrl().resolved(QUrl(QStringLiteral("/api/v1/health"))), trusting);
        QCOMPARE(health.error, QNetworkReply::NoError);
        QCOMPARE(health.status, 200);
        QCOMPARE(health.json.value(QStringLiteral("ok")).toBool(), true);

        // A client that does not trust the certificate refuses the connection.
        const Answer untrusted = get(server.baseUrl().resolved(QUrl(QStringLiteral("/api/v1/health"))),
                                     QSslConfiguration::defaultConfiguration());
        QCOMPARE(untrusted.error, QNetworkReply::SslHandshakeFailedError);

        // Plain HTTP on the TLS port gets no API answer.
        QUrl plain = server.baseUrl();
        plain.setScheme(QStringLiteral("http"));
        const Answer clear = get(plain.resolved(QUrl(QStringLiteral("/api/v1/health"))),
                                 QSslConfiguration::defaultConfiguration());
        QVERIFY(clear.status != 200);
        QCOMPARE(server.stop(), 0);
    }

    void aMissingKeyIsRefusedNamingTheOptions()
    {
        Guichetd server;
        QString error;
        QVERIFY(!server.start(m_db->location(),
                              { QStringLiteral("--tls-cert"), cert(), QStringLiteral("--tls-key"),
                                m_dir.filePath(QStringLiteral("missing.pem")) },
                              &error));
        QCOMPARE(server.stop(), 2);
        QVERIFY2(error.contains(QStringLiteral("--tls-key")), qPrintable(error));
    }
};

QTEST_GUILESS_MAIN(TestApiTls)
#include "tst_api_tls.moc"
