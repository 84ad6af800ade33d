// guichetd: the central server (docs/API.md). Wiring only: options, the
// database, the worker pool, the HTTP binding, signals and the mail timer.
#include "apiserver.h"
#include "changewatcher.h"
#include "core.h"
#include "database.h"
#include "httpbinding.h"
#include "limitedtcpserver.h"
#include "maildelivery.h"
#include "paths.h"
#include "translations.h"
#include "workerpool.h"

#include <QCommandLineParser>
#include <QCoreApplication>
#include <QFile>
#include <QHostAddress>
#include <QJsonObject>
#include <QSocketNotifier>
#include <QSslCertificate>
#include <QSslKey>
#include <QTimer>

#include <csignal>
#include <cstdio>
#include <sys/socket.h>
#include <unistd.h>

using namespace guichet;
using namespace guichet::server;

namespace {

class Tr
{
    Q_DECLARE_TR_FUNCTIONS(guichet::guichetd)
};

constexpr int BadInput = 2;
constexpr int Failure = 1;
// Room for the request line and headers on top of --max-body.
constexpr qint64 HeaderAllowance = 64 * 1024;

int complain(const QString &message, int code)
{
    std::fputs(qPrintable(QStringLiteral("guichetd: %1\n").arg(message)), stderr);
    return code;
}

// SIGTERM and SIGINT end the event loop through a self-pipe: a signal handler
// may only write to it.
int s_signalPipe[2] = { -1, -1 };

void onSignal(int)
{
    const char byte = 1;
    [[maybe_unused]] const ssize_t written = ::write(s_signalPipe[1], &byte, 1);
}

bool parsePositive(const QString &text, qint64 *value)
{
    bool ok = false;
    *value = text.toLongLong(&ok);
    return ok && *value > 0;
}

} // namespace

int main(int argc, char *argv[])
{
    QCoreApplication app(argc, argv);
    setApplicationIdentity(QStringLiteral("guichetd"));

    QCommandLineParser parser;
    parser.setApplicationDescription(Tr::tr("Guichet's central server: the HTTP/JSON API of docs/API.md."));
    parser.addHelpOption();
    parser.addOptions({
        { QStringLiteral("database"), Tr::tr("SQLite file or postgresql://user:password@host:port/name."),
          Tr::tr("LOCATION"), defaultDatabaseLocation() },
        { QStringLiteral("listen"), Tr::tr("Address and port to listen on (port 0: any free port)."),
          Tr::tr("HOST:PORT"), QStringLiteral("127.0.0.1:8443") },
        { QStringLiteral("tls-cert"), Tr::tr("PEM certificate: serve HTTPS (with --tls-key)."),
          Tr::tr("FILE") },
        { QStringLiteral("tls-key"), Tr::tr("PEM private key of --tls-cert."), Tr::tr("FILE") },
        { QStringLiteral("max-body"), Tr::tr("Largest request body accepted, in bytes."), Tr::tr("BYTES"),
          QString::number(8 * 1024 * 1024) },
        { QStringLiteral("session-days"), Tr::tr("Days a sign-in session lasts."), Tr::tr("N"),
          QStringLiteral("30") },
        { QStringLiteral("language"), Tr::tr("Language of the messages: fr or en."), Tr::tr("LANG"),
          QStringLiteral("fr") },
        { QStringLiteral("workers"), Tr::tr("Threads (each with its own database connection)."), Tr::tr("N"),
          QStringLiteral("4") },
        { QStringLiteral("smtp"),
          Tr::tr("Deliver the mail outbox every minute to this SMTP server "
                 "(smtp://[user:password@]host:port or smtps://...)."),
          Tr::tr("URL") },
        { QStringLiteral("from"), Tr::tr("Sender address of the mails (default: guichet@localhost)."),
          Tr::tr("ADDRESS"), QStringLiteral("guichet@localhost") },
        { QStringLiteral("starttls"), Tr::tr("Require STARTTLS on an smtp:// server.") },
    });
    if (!parser.parse(app.arguments()))
        return complain(parser.errorText(), BadInput);
    if (parser.isSet(QStringLiteral("help"))) {
        std::fputs(qPrintable(parser.helpText()), stdout);
        return 0;
    }
    if (!parser.positionalArguments().isEmpty())
        return complain(Tr::tr("unexpected argument '%1'.").arg(parser.positionalArguments().constFirst()),
                        BadInput);

    const QString language = parser.value(QStringLiteral("language"));
    if (language != QLatin1String("fr") && language != QLatin1String("en"))
        return complain(Tr::tr("--language: '%1' is neither fr nor en.").arg(language), BadInput);
    installTranslations(QLocale(language == QLatin1String("en") ? QLocale::English : QLocale::French));

    qint64 maxBody = 0, sessionDays = 0, workers = 0;
    if (!parsePositive(parser.value(QStringLiteral("max-body")), &maxBody))
        return complain(Tr::tr("--max-body: '%1' is not a positive number.")
                            .arg(parser.value(QStringLiteral("max-body"))),
                        BadInput);
    if (!parsePositive(parser.value(QStringLiteral("session-days")), &sessionDays) || sessionDays > 3650)
        return complain(Tr::tr("--session-days: '%1' is not a number of days (1 to 3650).")
                            .arg(parser.value(QStringLiteral("session-days"))),
                        BadInput);
    if (!parsePositive(parser.value(QStringLiteral("workers")), &workers) || workers > 64)
        return complain(Tr::tr("--workers: '%1' is not a number from 1 to 64.")
                            .arg(parser.value(QStringLiteral("workers"))),
                        BadInput);

    const QString listen = parser.value(QStringLiteral("listen"));
    const int colon = listen.lastIndexOf(QLatin1Char(':'));
    QString host = listen.left(colon);
    if (host.startsWith(QLatin1Char('[')) && host.endsWith(QLatin1Char(']')))
        host = host.mid(1, host.size() - 2);
    bool portOk = false;
    const uint port = listen.mid(colon + 1).toUInt(&portOk);
    const QHostAddress address(host == QLatin1String("localhost") ? QStringLiteral("127.0.0.1") : host);
    if (colon <= 0 || !portOk || port > 65535 || address.isNull())
        return complain(Tr::tr("--listen: '%1' is not HOST:PORT (e.g. 127.0.0.1:8443).").arg(listen),
                        BadInput);

    std::optional<SmtpSettings> smtp;
    if (parser.isSet(QStringLiteral("smtp"))) {
        QString error;
        smtp = SmtpSettings::fromUrl(parser.value(QStringLiteral("smtp")), &error);
        if (!smtp)
            return complain(QStringLiteral("--smtp: ") + error, BadInput);
        smtp->from = parser.value(QStringLiteral("from")).trimmed();
        smtp->startTls = parser.isSet(QStringLiteral("starttls"));
    }

    QSslConfiguration tls;
    const bool useTls = parser.isSet(QStringLiteral("tls-cert")) || parser.isSet(QStringLiteral("tls-key"));
    if (useTls) {
        QFile certFile(parser.value(QStringLiteral("tls-cert")));
        QFile keyFile(parser.value(QStringLiteral("tls-key")));
        if (!certFile.open(QIODevice::ReadOnly) || !keyFile.open(QIODevice::ReadOnly))
            return complain(Tr::tr("--tls-cert and --tls-key must both name readable PEM files."), BadInput);
        const QList<QSslCertificate> chain = QSslCertificate::fromData(certFile.readAll(), QSsl::Pem);
        const QByteArray keyPem = keyFile.readAll();
        QSslKey key(keyPem, QSsl::Rsa, QSsl::Pem);
        if (key.isNull())
            key = QSslKey(keyPem, QSsl::Ec, QSsl::Pem);
        if (chain.isEmpty() || key.isNull())
            return complain(Tr::tr("--tls-cert/--tls-key: no certificate or key could be read."), BadInput);
        tls = QSslConfiguration::defaultConfiguration();
        tls.setLocalCertificateChain(chain);
        tls.setPrivateKey(key);
        tls.setPeerVerifyMode(QSslSocket::VerifyNone);
    }

    const QString location = parser.value(QStringLiteral("database"));
    QString error;
    std::unique_ptr<Database> db = Database::open(location, &error);
    if (!db || !db->migrate(&error))
        return complain(error, Failure);

    WorkerPool pool(location, int(workers));
    if (!pool.start(&error))
        return complain(error, Failure);
    ChangeWatcher watcher(*db);
    ApiServer api(pool, watcher, ServerOptions { int(sessionDays) });

    const QByteArray tooLarge
        = ApiResponse::error(
              413, QStringLiteral("payload_too_large"), {},
              Tr::tr("The request is larger than this server accepts (%1 bytes).").arg(maxBody))
              .body;
    auto *tcpServer = new LimitedTcpServer(
        maxBody + HeaderAllowance, tooLarge, [](const QByteArray &method, const QByteArray &path) {
            ApiServer::logRequest(method, QString::fromUtf8(path), 413, 0, 0);
        });
    if (useTls)
        tcpServer->setTlsConfiguration(tls);
    if (!tcpServer->listen(address, quint16(port))) {
        const QString reason = tcpServer->errorString();
        delete tcpServer;
        return complain(Tr::tr("cannot listen on %1: %2").arg(listen, reason), Failure);
    }
    HttpBinding binding(
        [&api](const HttpRequest &request, const HttpReplyPtr &reply) { api.handle(request, reply); });
    const quint16 actualPort = tcpServer->serverPort();
    binding.bind(tcpServer); // takes ownership

    if (::socketpair(AF_UNIX, SOCK_STREAM, 0, s_signalPipe) != 0)
        return complain(Tr::tr("cannot set up signal handling."), Failure);
    QSocketNotifier signalNotifier(s_signalPipe[0], QSocketNotifier::Read);
    QObject::connect(&signalNotifier, &QSocketNotifier::activated, &app, [&] {
        char byte = 0;
        [[maybe_unused]] const ssize_t got = ::read(s_signalPipe[0], &byte, 1);
        app.quit();
    });
    struct sigaction action = {};
    action.sa_handler = onSignal;
    sigemptyset(&action.sa_mask);
    action.sa_flags = SA_RESTART;
    sigaction(SIGTERM, &action, nullptr);
    sigaction(SIGINT, &action, nullptr);

    // The outbox is delivered off the event loop (SMTP may be slow), one run at a time.
    QTimer mailTimer;
    bool delivering = false;
    if (smtp) {
        const auto deliver = [&pool, &delivering, settings = *smtp] {
            if (delivering)
                return;
            delivering = true;
            pool.run<QString>(
                [settings](Core &core) {
                    MailDelivery delivery(core, settings);
                    try {
                        delivery.deliverPending();
                    } catch (const DatabaseError &e) {
                        return e.message();
                    }
                    return delivery.lastReport().lastError;
                },
                [&delivering](QString deliveryError) {
                    delivering = false;
                    if (!deliveryError.isEmpty())
                        complain(Tr::tr("mail delivery: %1").arg(deliveryError), 0);
                });
        };
        QObject::connect(&mailTimer, &QTimer::timeout, &app, deliver);
        mailTimer.start(60 * 1000);
        QTimer::singleShot(0, &app, deliver);
    }

    std::fputs(qPrintable(QStringLiteral("listening on %1://%2:%3\n")
                              .arg(useTls ? QStringLiteral("https") : QStringLiteral("http"),
                                   address.protocol() == QAbstractSocket::IPv6Protocol
                                       ? QStringLiteral("[%1]").arg(address.toString())
                                       : address.toString())
                              .arg(actualPort)),
               stdout);
    std::fflush(stdout);

    const int code = app.exec();
    mailTimer.stop();
    return code;
}
