// guichetd: the central server (docs/API.md). Wiring only: options, the
// database, the worker pool, the HTTP binding, signals and the mail timer.
#include "kernel/core.h"
#include "kernel/database.h"
#include "kernel/guichetlink.h"
#include "kernel/paths.h"
#include "mail/digests.h"
#include "mail/maildelivery.h"
#include "rules/accounts/signups.h"
#include "server/apiserver.h"
#include "server/changewatcher.h"
#include "server/httpbinding.h"
#include "server/limitedtcpserver.h"
#include "server/workerpool.h"
#include "translations/translations.h"

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
#include <tuple>
#include <unistd.h>
#include <utility>

using namespace guichet;
using namespace guichet::server;

namespace {

class Tr
{
    Q_DECLARE_TR_FUNCTIONS(guichet::guichetd)
};

constexpr int BadInput = 2;
constexpr int Failure = 1;

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

// The environment variable that stands for an option absent from the command
// line (the systemd unit's EnvironmentFile): GUICHETD_MAX_BODY for --max-body;
// --from is GUICHETD_SMTP_FROM, next to GUICHETD_SMTP.
QString environmentName(const QString &option)
{
    if (option == QLatin1String("from"))
        return QStringLiteral("GUICHETD_SMTP_FROM");
    return QStringLiteral("GUICHETD_") + option.toUpper().replace(QLatin1Char('-'), QLatin1Char('_'));
}

// Options read from the command line, else from their environment variable,
// else their default.
class Options
{
public:
    explicit Options(const QCommandLineParser &parser)
        : m_parser(parser)
    {
    }
    bool fromEnvironment(const QString &name) const
    {
        // An empty variable counts as unset: the packaged guichetd.conf lists
        // every variable, leaving the optional ones (GUICHETD_SMTP=) empty.
        return !m_parser.isSet(name) && !qEnvironmentVariableIsEmpty(qPrintable(environmentName(name)));
    }
    bool isSet(const QString &name) const { return m_parser.isSet(name) || fromEnvironment(name); }
    QString value(const QString &name) const
    {
        return fromEnvironment(name) ? qEnvironmentVariable(qPrintable(environmentName(name)))
                                     : m_parser.value(name);
    }
    // A flag: set on the command line, or its variable is 1, true or yes.
    bool flag(const QString &name) const
    {
        if (m_parser.isSet(name))
            return true;
        const QString v = qEnvironmentVariable(qPrintable(environmentName(name))).trimmed().toLower();
        return v == QLatin1String("1") || v == QLatin1String("true") || v == QLatin1String("yes");
    }
    // How an error names the option: as the user gave it.
    QString label(const QString &name) const
    {
        return fromEnvironment(name) ? environmentName(name) : QStringLiteral("--") + name;
    }

private:
    const QCommandLineParser &m_parser;
};

bool parsePositive(const QString &text, qint64 *value)
{
    bool ok = false;
    *value = text.toLongLong(&ok);
    return ok && *value > 0;
}

QtMessageHandler s_previousMessageHandler = nullptr;

// Warnings and the request log share stderr: the request lines gathered
// before a warning go out before it (ApiServer::logRequest writes them once
// per turn of the event loop).
void flushLogThenWarn(QtMsgType type, const QMessageLogContext &context, const QString &message)
{
    ApiServer::flushRequestLog();
    if (s_previousMessageHandler)
        s_previousMessageHandler(type, context, message);
}

} // namespace

int main(int argc, char *argv[])
{
    // Qt's poll()-based event loop rather than GLib's: GLib registers and
    // unregisters a socket's notifier by a linear search over every socket,
    // which made answering 10,000 parked long-polls quadratic.
    qputenv("QT_NO_GLIB", "1");
    QCoreApplication app(argc, argv);
    setApplicationIdentity(QStringLiteral("guichetd"));
    s_previousMessageHandler = qInstallMessageHandler(flushLogThenWarn);

    QCommandLineParser parser;
    parser.setApplicationDescription(Tr::tr("Guichet's central server: the HTTP/JSON API of docs/API.md."));
    parser.addHelpOption();
    parser.addVersionOption();
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
        { QStringLiteral("idle-timeout"),
          Tr::tr("Seconds after which a connection with nothing asked and nothing owed is closed."),
          Tr::tr("SECONDS"), QStringLiteral("60") },
        { QStringLiteral("request-timeout"),
          Tr::tr("Seconds a request has to arrive whole (headers and body) from its first byte; then 408."),
          Tr::tr("SECONDS"), QStringLiteral("30") },
        { QStringLiteral("max-connections"),
          Tr::tr("Open connections this instance serves at most; further ones get 503 and are closed."),
          Tr::tr("N"), QStringLiteral("10000") },
        { QStringLiteral("max-unsent"),
          Tr::tr("Answer bytes a connection may leave unread before guichetd stops reading its next "
                 "requests (a client that reads nothing for --idle-timeout is then closed)."),
          Tr::tr("BYTES"), QString::number(1024 * 1024) },
        { QStringLiteral("session-days"), Tr::tr("Days a sign-in session lasts."), Tr::tr("N"),
          QStringLiteral("30") },
        { QStringLiteral("public-url"),
          Tr::tr("Address the desktops reach this server at (https://...): the links of the mails name it, "
                 "so that a desktop using another server refuses them."),
          Tr::tr("URL") },
        { QStringLiteral("language"), Tr::tr("Language of the messages: fr or en."), Tr::tr("LANG"),
          QStringLiteral("fr") },
        { QStringLiteral("workers"),
          Tr::tr("Threads, each with its own database connection: how many requests run on the database at "
                 "once (default: 4 on SQLite, 8 on PostgreSQL)."),
          Tr::tr("N") },
        { QStringLiteral("hash-threads"),
          Tr::tr("Threads that verify sign-in passwords (argon2id, 64 MiB each); default: half the "
                 "processors, 1 to 4."),
          Tr::tr("N"), QString::number(ServerOptions::defaultHashThreads()) },
        { QStringLiteral("anonymous-rate"),
          Tr::tr("Requests per minute each client address may send to the routes that need no sign-in "
                 "(sign-in, reactivation, …); beyond, 429 with Retry-After."),
          Tr::tr("N"), QString::number(ServerOptions::DefaultAnonymousPerMinute) },
        { QStringLiteral("trusted-proxy"),
          Tr::tr("Reverse proxies whose X-Forwarded-For names the client (addresses or subnets, separated "
                 "by commas, e.g. 127.0.0.1,::1); none by default: the client is the TCP peer."),
          Tr::tr("ADDRESSES") },
        { QStringLiteral("smtp"),
          Tr::tr("Deliver the mail outbox every minute to this SMTP server "
                 "(smtp://[user:password@]host:port or smtps://...)."),
          Tr::tr("URL") },
        { QStringLiteral("from"), Tr::tr("Sender address of the mails (default: guichet@localhost)."),
          Tr::tr("ADDRESS"), QStringLiteral("guichet@localhost") },
        { QStringLiteral("starttls"), Tr::tr("Require STARTTLS on an smtp:// server.") },
        { QStringLiteral("daily-mail-at"), Tr::tr("Local time the daily notification mails are queued."),
          Tr::tr("HH:MM"), QStringLiteral("07:00") },
        { QStringLiteral("weekly-mail-at"), Tr::tr("Day and local time the weekly summaries are queued."),
          Tr::tr("DAY HH:MM"), QStringLiteral("mon 07:00") },
    });
    parser.setApplicationDescription(
        parser.applicationDescription() + QLatin1Char('\n')
        + Tr::tr("Every option can also be set by an environment variable GUICHETD_<OPTION> (e.g. "
                 "GUICHETD_MAX_BODY; --from is GUICHETD_SMTP_FROM); the command line wins."));
    if (!parser.parse(app.arguments()))
        return complain(parser.errorText(), BadInput);
    if (parser.isSet(QStringLiteral("help"))) {
        std::fputs(qPrintable(parser.helpText()), stdout);
        return 0;
    }
    if (parser.isSet(QStringLiteral("version"))) {
        std::fputs(qPrintable(QStringLiteral("guichetd %1\n").arg(QCoreApplication::applicationVersion())),
                   stdout);
        return 0;
    }
    const Options options(parser);
    if (!parser.positionalArguments().isEmpty())
        return complain(Tr::tr("unexpected argument '%1'.").arg(parser.positionalArguments().constFirst()),
                        BadInput);

    const QString language = options.value(QStringLiteral("language"));
    if (language != QLatin1String("fr") && language != QLatin1String("en"))
        return complain(
            Tr::tr("%1: '%2' is neither fr nor en.").arg(options.label(QStringLiteral("language")), language),
            BadInput);
    installTranslations(QLocale(language == QLatin1String("en") ? QLocale::English : QLocale::French));

    qint64 maxBody = 0, sessionDays = 0, workers = 0;
    if (!parsePositive(options.value(QStringLiteral("max-body")), &maxBody))
        return complain(
            Tr::tr("%1: '%2' is not a positive number.")
                .arg(options.label(QStringLiteral("max-body")), options.value(QStringLiteral("max-body"))),
            BadInput);
    ConnectionLimits limits;
    limits.maxBodyBytes = maxBody;
    for (const auto &[name, target] :
         { std::pair { QStringLiteral("idle-timeout"), &limits.idleTimeoutMs },
           std::pair { QStringLiteral("request-timeout"), &limits.requestTimeoutMs } }) {
        qint64 seconds = 0;
        if (!parsePositive(options.value(name), &seconds) || seconds > 86400)
            return complain(Tr::tr("%1: '%2' is not a number of seconds (1 to 86400).")
                                .arg(options.label(name), options.value(name)),
                            BadInput);
        *target = int(seconds * 1000);
    }
    qint64 maxConnections = 0;
    if (!parsePositive(options.value(QStringLiteral("max-connections")), &maxConnections)
        || maxConnections > 1000000)
        return complain(Tr::tr("%1: '%2' is not a number from 1 to 1000000.")
                            .arg(options.label(QStringLiteral("max-connections")),
                                 options.value(QStringLiteral("max-connections"))),
                        BadInput);
    limits.maxConnections = int(maxConnections);
    if (!parsePositive(options.value(QStringLiteral("max-unsent")), &limits.maxUnsentBytes))
        return complain(Tr::tr("%1: '%2' is not a positive number.")
                            .arg(options.label(QStringLiteral("max-unsent")),
                                 options.value(QStringLiteral("max-unsent"))),
                        BadInput);
    if (!parsePositive(options.value(QStringLiteral("session-days")), &sessionDays) || sessionDays > 3650)
        return complain(Tr::tr("%1: '%2' is not a number of days (1 to 3650).")
                            .arg(options.label(QStringLiteral("session-days")),
                                 options.value(QStringLiteral("session-days"))),
                        BadInput);
    // Unset: chosen by the database below.
    if (!options.value(QStringLiteral("workers")).isEmpty()
        && (!parsePositive(options.value(QStringLiteral("workers")), &workers) || workers > 64))
        return complain(
            Tr::tr("%1: '%2' is not a number from 1 to 64.")
                .arg(options.label(QStringLiteral("workers")), options.value(QStringLiteral("workers"))),
            BadInput);

    ServerOptions serverOptions;
    serverOptions.sessionDays = int(sessionDays);
    for (const auto &[name, target, max] :
         { std::tuple { QStringLiteral("hash-threads"), &serverOptions.hashThreads, 64 },
           std::tuple { QStringLiteral("anonymous-rate"), &serverOptions.anonymousPerMinute, 1000000 } }) {
        qint64 n = 0;
        if (!parsePositive(options.value(name), &n) || n > max)
            return complain(Tr::tr("%1: '%2' is not a number from 1 to %3.")
                                .arg(options.label(name), options.value(name))
                                .arg(max),
                            BadInput);
        *target = int(n);
    }
    if (options.isSet(QStringLiteral("trusted-proxy"))) {
        QString wrong;
        const auto proxies = TrustedProxies::parse(options.value(QStringLiteral("trusted-proxy")), &wrong);
        if (!proxies)
            return complain(Tr::tr("%1: '%2' is neither an address nor a subnet (e.g. 10.0.0.0/8).")
                                .arg(options.label(QStringLiteral("trusted-proxy")), wrong),
                            BadInput);
        serverOptions.trustedProxies = *proxies;
    }
    if (options.isSet(QStringLiteral("public-url"))) {
        const QUrl publicUrl(options.value(QStringLiteral("public-url")).trimmed(), QUrl::StrictMode);
        if (!GuichetLink::isValidServer(publicUrl))
            return complain(Tr::tr("%1: '%2' is not an http:// or https:// address.")
                                .arg(options.label(QStringLiteral("public-url")),
                                     options.value(QStringLiteral("public-url"))),
                            BadInput);
        GuichetLink::setIssuingServer(publicUrl);
    }

    const QString listen = options.value(QStringLiteral("listen"));
    const int colon = listen.lastIndexOf(QLatin1Char(':'));
    QString host = listen.left(colon);
    if (host.startsWith(QLatin1Char('[')) && host.endsWith(QLatin1Char(']')))
        host = host.mid(1, host.size() - 2);
    bool portOk = false;
    const uint port = listen.mid(colon + 1).toUInt(&portOk);
    const QHostAddress address(host == QLatin1String("localhost") ? QStringLiteral("127.0.0.1") : host);
    if (colon <= 0 || !portOk || port > 65535 || address.isNull())
        return complain(Tr::tr("%1: '%2' is not HOST:PORT (e.g. 127.0.0.1:8443).")
                            .arg(options.label(QStringLiteral("listen")), listen),
                        BadInput);

    std::optional<SmtpSettings> smtp;
    if (options.isSet(QStringLiteral("smtp"))) {
        QString error;
        smtp = SmtpSettings::fromUrl(options.value(QStringLiteral("smtp")), &error);
        if (!smtp)
            return complain(options.label(QStringLiteral("smtp")) + QStringLiteral(": ") + error, BadInput);
        smtp->from = options.value(QStringLiteral("from")).trimmed();
        smtp->startTls = options.flag(QStringLiteral("starttls"));
    }

    MailSchedule schedule;
    {
        QString scheduleError;
        if (!schedule.setDaily(options.value(QStringLiteral("daily-mail-at")), &scheduleError))
            return complain(options.label(QStringLiteral("daily-mail-at")) + QStringLiteral(": ")
                                + scheduleError,
                            BadInput);
        if (!schedule.setWeekly(options.value(QStringLiteral("weekly-mail-at")), &scheduleError))
            return complain(options.label(QStringLiteral("weekly-mail-at")) + QStringLiteral(": ")
                                + scheduleError,
                            BadInput);
    }

    QSslConfiguration tls;
    const bool useTls = options.isSet(QStringLiteral("tls-cert")) || options.isSet(QStringLiteral("tls-key"));
    if (useTls) {
        QFile certFile(options.value(QStringLiteral("tls-cert")));
        QFile keyFile(options.value(QStringLiteral("tls-key")));
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

    const QString location = options.value(QStringLiteral("database"));
    QString error;
    std::unique_ptr<Database> db = Database::open(location, &error);
    if (!db || !db->migrate(&error))
        return complain(error, Failure);

    // PostgreSQL commits several transactions with one flush of its log, and
    // a command mostly waits for round trips and that flush: more commands at
    // once than cores pay (docs/OPERATIONS.md « Sizing --workers »). SQLite
    // writes one command at a time whatever the number.
    if (workers == 0)
        workers = db->isPostgres() ? 8 : 4;
    // The workers' commits are notified to the other guichetd by the
    // watcher, once per burst of commits (WorkerPool::committed).
    WorkerPool pool(location, int(workers), true);
    if (!pool.start(&error))
        return complain(error, Failure);
    ChangeWatcher watcher(*db);
    QObject::connect(&pool, &WorkerPool::committed, &watcher, &ChangeWatcher::noteCommitted);
    ApiServer api(pool, watcher, serverOptions);

    // What the connection guard answers by itself, in the server's language.
    const auto refusalBody = [maxBody](int status) -> QByteArray {
        switch (status) {
        case 413:
            return ApiResponse::error(
                       413, QStringLiteral("payload_too_large"), {},
                       Tr::tr("The request is larger than this server accepts (%1 bytes).").arg(maxBody))
                .body;
        case 431:
            return ApiResponse::error(431, QStringLiteral("headers_too_large"), {},
                                      Tr::tr("The request's headers are larger than this server accepts."))
                .body;
        case 408:
            return ApiResponse::error(408, QStringLiteral("request_timeout"), {},
                                      Tr::tr("The request did not arrive in time."))
                .body;
        case 503:
            return ApiResponse::error(503, QStringLiteral("busy"), {},
                                      Tr::tr("This server has too many open connections; try again shortly."))
                .body;
        default:
            return ApiResponse::error(status, QStringLiteral("bad_request"), {},
                                      Tr::tr("The request is malformed: it needs a request line such as "
                                             "GET /path HTTP/1.1, header lines of the form Name: value, one "
                                             "Content-Length header for a body, and no Transfer-Encoding."))
                .body;
        }
    };
    auto *tcpServer = new LimitedTcpServer(
        limits, refusalBody, [](int status, const QByteArray &method, const QByteArray &path) {
            ApiServer::logRequest(method, QString::fromUtf8(path), status, 0, 0);
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

    // The notification digests (and the removal of accounts never activated):
    // every minute, whatever is due by the schedule
    // (Digests remembers its runs in the database, so each goes out once even
    // with several guichetd), on a worker, one run at a time.
    QTimer digestTimer;
    bool queueingDigests = false;
    const auto queueDigests = [&pool, &queueingDigests, schedule] {
        if (queueingDigests)
            return;
        queueingDigests = true;
        pool.run<QString>(
            [schedule](Core &core) {
                try {
                    Digests(core).runDue(schedule, core.clock().now());
                    // Accounts never activated go after their period (docs/RULES.md).
                    SignUps(core).removeExpired();
                } catch (const DatabaseError &e) {
                    return e.message();
                }
                return QString();
            },
            [&queueingDigests](QString digestError) {
                queueingDigests = false;
                if (!digestError.isEmpty())
                    complain(Tr::tr("notification mails: %1").arg(digestError), 0);
            });
    };
    QObject::connect(&digestTimer, &QTimer::timeout, &app, queueDigests);
    digestTimer.start(60 * 1000);

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
    digestTimer.stop();
    return code;
}
