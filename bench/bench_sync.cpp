// Measures sync through a real guichetd (docs/PERFORMANCE.md "guichetd and sync"):
// (a) the time from desktop A sending a command (RemoteCommandGateway, as the
//     desktop does) to desktop B, long-polling /api/v1/changes, holding the
//     changed row in its replica; median of --runs;
// (b) a first sync of the ~100,000 rows one manager sees: pages of 1000 from
//     /api/v1/changes applied into an empty replica, --first-runs times.
// Usage: bench_sync --database LOCATION [--rows N] [--runs N] [--first-runs N]
//                   [--guichetd PATH]
// LOCATION must be a new database (SQLite file or postgresql:// URL): the world
// is built in it on first use (bench/benchworld) and reused afterwards.
#include "benchcommandline.h"
#include "benchworld.h"
#include "client/remotecommandgateway.h"
#include "client/replica.h"
#include "kernel/database.h"
#include "rules/accounts/passwords.h"

#include <QCoreApplication>
#include <QDateTime>
#include <QDeadlineTimer>
#include <QElapsedTimer>
#include <QEventLoop>
#include <QJsonArray>
#include <QJsonDocument>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QProcess>
#include <QProcessEnvironment>
#include <QRegularExpression>
#include <QTemporaryDir>
#include <QTextStream>
#include <QTimer>
#include <QUrlQuery>

#include <algorithm>
#include <csignal>
#include <functional>
#include <memory>
#include <stdexcept>

using namespace guichet;
using namespace guichet::bench;

namespace {

const QString kPassword = QStringLiteral("Bench-Password-2026");

// guichetd on 127.0.0.1:0, stopped with SIGTERM.
class Server
{
public:
    ~Server()
    {
        if (m_process.state() != QProcess::NotRunning) {
            ::kill(pid_t(m_process.processId()), SIGTERM);
            if (!m_process.waitForFinished(10000))
                m_process.kill();
        }
    }

    QUrl start(const QString &program, const QString &database)
    {
        QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
        env.insert(QStringLiteral("GUICHET_FAST_HASH"), QStringLiteral("1"));
        m_process.setProcessEnvironment(env);
        // The request log goes nowhere: it is not what is measured.
        m_process.setStandardErrorFile(QProcess::nullDevice());
        m_process.start(program,
                        { QStringLiteral("--database"), database, QStringLiteral("--listen"),
                          QStringLiteral("127.0.0.1:0"), QStringLiteral("--language"),
                          QStringLiteral("en") });
        const QRegularExpression listening(QStringLiteral("listening on (http://127\\.0\\.0\\.1:\\d+)"));
        return QUrl(waitUntilListening(m_process, listening));
    }

private:
    QProcess m_process;
};

// One HTTP exchange, waited for in a local event loop.
HttpAnswer exchange(QNetworkAccessManager &network, const QNetworkRequest &request, const QByteArray &method,
                    const QByteArray &body = {})
{
    QNetworkReply *reply = network.sendCustomRequest(request, method, body);
    QEventLoop loop;
    QObject::connect(reply, &QNetworkReply::finished, &loop, &QEventLoop::quit);
    loop.exec();
    const HttpAnswer answer = HttpAnswer::read(reply);
    reply->deleteLater();
    return answer;
}

QNetworkRequest apiRequest(const QUrl &base, const QString &path, const QString &token,
                           const QUrlQuery &query = {})
{
    QUrl url = base;
    url.setPath(QStringLiteral("/api/v1/") + path);
    url.setQuery(query);
    QNetworkRequest request(url);
    request.setHeader(QNetworkRequest::ContentTypeHeader, QStringLiteral("application/json"));
    if (!token.isEmpty())
        request.setRawHeader("Authorization", "Bearer " + token.toUtf8());
    request.setTransferTimeout(120000);
    return request;
}

QString signIn(QNetworkAccessManager &network, const QUrl &base, const QString &email)
{
    const QJsonObject body { { QStringLiteral("email"), email }, { QStringLiteral("password"), kPassword } };
    const HttpAnswer answer = exchange(network, apiRequest(base, QStringLiteral("session"), {}), "POST",
                                       QJsonDocument(body).toJson(QJsonDocument::Compact));
    if (!answer.isSuccess())
        throw std::runtime_error("sign-in of " + email.toStdString()
                                 + " failed: " + answer.body.toStdString());
    return answer.json.value(QStringLiteral("token")).toString();
}

QUrlQuery changesQuery(qint64 since, int limit, int wait)
{
    QUrlQuery query;
    query.addQueryItem(QStringLiteral("since"), QString::number(since));
    query.addQueryItem(QStringLiteral("limit"), QString::number(limit));
    query.addQueryItem(QStringLiteral("wait"), QString::number(wait));
    return query;
}

// A replica in its own SQLite file, as a desktop has.
struct Desktop
{
    std::unique_ptr<Database> db;
    std::unique_ptr<Replica> replica;

    explicit Desktop(const QString &file)
    {
        QString error;
        db = Database::open(file, &error);
        if (!db || !db->migrate(&error))
            throw std::runtime_error("replica: " + error.toStdString());
        replica = std::make_unique<Replica>(*db);
    }

    void apply(const HttpAnswer &answer)
    {
        if (!answer.isSuccess())
            throw std::runtime_error("changes: HTTP " + std::to_string(answer.status) + " "
                                     + answer.body.toStdString());
        QString error;
        if (!replica->applyPage(answer.json, &error))
            throw std::runtime_error("apply: " + error.toStdString());
    }
};

struct FirstSync
{
    double totalMs = 0, httpMs = 0, applyMs = 0;
    int pages = 0;
    qsizetype rows = 0;
};

// (b): pages of 1000 into an empty replica until `more` is false.
FirstSync firstSync(QNetworkAccessManager &network, const QUrl &base, const QString &token,
                    const QString &file)
{
    Desktop desktop(file);
    FirstSync result;
    QElapsedTimer total;
    total.start();
    qint64 httpNs = 0, applyNs = 0;
    for (;;) {
        QElapsedTimer step;
        step.start();
        const HttpAnswer answer = exchange(network,
                                           apiRequest(base, QStringLiteral("changes"), token,
                                                      changesQuery(desktop.replica->checkpoint(), 1000, 0)),
                                           "GET");
        httpNs += step.nsecsElapsed();
        step.restart();
        desktop.apply(answer);
        applyNs += step.nsecsElapsed();
        ++result.pages;
        result.rows += answer.json.value(QStringLiteral("rows")).toArray().size();
        if (!answer.json.value(QStringLiteral("more")).toBool())
            break;
    }
    result.totalMs = total.nsecsElapsed() / 1e6;
    result.httpMs = httpNs / 1e6;
    result.applyMs = applyNs / 1e6;
    return result;
}

double median(QList<double> values)
{
    std::sort(values.begin(), values.end());
    return values.isEmpty() ? 0 : values.at(values.size() / 2);
}

double percentile(QList<double> values, double p)
{
    std::sort(values.begin(), values.end());
    return values.isEmpty() ? 0
                            : values.at(std::min<qsizetype>(values.size() - 1, qsizetype(p * values.size())));
}

} // namespace

int main(int argc, char *argv[])
{
    QCoreApplication app(argc, argv);
    QTextStream out(stdout);
    QTextStream err(stderr);
    BenchCommandLine commandLine(QStringLiteral("Sync benchmark through a real guichetd."));
    const QCommandLineOption rowsOption = commandLine.addNumber(
        QStringLiteral("rows"), QStringLiteral("Rows the manager sees, about"), 100000);
    const QCommandLineOption runsOption
        = commandLine.addNumber(QStringLiteral("runs"), QStringLiteral("Changes timed from A to B"), 21);
    const QCommandLineOption firstRunsOption
        = commandLine.addNumber(QStringLiteral("first-runs"), QStringLiteral("First syncs timed"), 3);
    const QCommandLineOption guichetdOption(QStringLiteral("guichetd"),
                                            QStringLiteral("The guichetd to start."), QStringLiteral("path"),
                                            QStringLiteral(GUICHETD_PATH));
    commandLine.addOption(guichetdOption);
    if (!commandLine.process(app))
        return 2;
    const QString location = commandLine.location();
    const int wanted = int(commandLine.number(rowsOption, 1000));
    const int runs = int(commandLine.number(runsOption));
    const int firstRuns = int(commandLine.number(firstRunsOption));

    try {
        qint64 manager = 0;
        bool postgres = false;
        {
            const auto db = commandLine.openDatabase();
            if (!db)
                return 1;
            postgres = db->isPostgres();
            if (!db->value(QStringLiteral("SELECT id FROM users WHERE email = ?"), { kManager }).isValid()) {
                const int structures = 100;
                const int people = std::max(1, wanted / structures / 10);
                err << "Building the world (" << structures << " structures x " << people << " people)..."
                    << Qt::endl;
                buildWorld(*db, structures, people);
            }
            // The world's users have no usable password: give the two desktops one.
            PasswordHasher::setFastHashingForTests(true);
            db->exec(QStringLiteral("UPDATE users SET password_hash = ? WHERE email IN (?, ?)"),
                     { PasswordHasher::hash(kPassword), kManager, kSimple });
            manager = db->value(QStringLiteral("SELECT id FROM users WHERE email = ?"), { kManager })
                          .toLongLong();
        }

        Server server;
        const QUrl base = server.start(commandLine.value(guichetdOption), location);
        QNetworkAccessManager network;
        QTemporaryDir dir;
        out << "back-end: " << (postgres ? "postgresql" : "sqlite") << Qt::endl;

        // (b) first sync of everything the manager sees.
        const QString managerToken = signIn(network, base, kManager);
        QList<double> totals;
        for (int run = 0; run < firstRuns; ++run) {
            const FirstSync sync = firstSync(network, base, managerToken,
                                             dir.filePath(QStringLiteral("first-%1.db").arg(run)));
            totals.append(sync.totalMs);
            out << QStringLiteral(
                       "first sync %1: %2 rows in %3 pages: %4 ms (HTTP incl. server %5 ms, apply %6 ms)")
                       .arg(run + 1)
                       .arg(sync.rows)
                       .arg(sync.pages)
                       .arg(sync.totalMs, 0, 'f', 0)
                       .arg(sync.httpMs, 0, 'f', 0)
                       .arg(sync.applyMs, 0, 'f', 0)
                << Qt::endl;
        }
        out << QStringLiteral("first sync median: %1 ms").arg(median(totals), 0, 'f', 0) << Qt::endl;

        // (a) A = the manager, through the desktop's gateway; B = the simple
        // user, who sees the manager's user row (principal of B's structure).
        Desktop a(dir.filePath(QStringLiteral("a.db")));
        RemoteCommandGateway gateway(base, *a.db);
        {
            QEventLoop loop;
            bool ok = false;
            gateway.signIn(kManager, kPassword, [&](const CommandResult &result) {
                ok = result.ok();
                loop.quit();
            });
            loop.exec();
            if (!ok)
                throw std::runtime_error("desktop A could not sign in");
        }
        Desktop b(dir.filePath(QStringLiteral("b.db")));
        const QString simpleToken = signIn(network, base, kSimple);
        for (;;) { // B's own first sync
            const HttpAnswer answer = exchange(network,
                                               apiRequest(base, QStringLiteral("changes"), simpleToken,
                                                          changesQuery(b.replica->checkpoint(), 1000, 0)),
                                               "GET");
            b.apply(answer);
            if (!answer.json.value(QStringLiteral("more")).toBool())
                break;
        }

        QList<double> latencies, commandTimes;
        int polls = 0;
        for (int run = 0; run < runs; ++run) {
            const QString email = QStringLiteral("bench-a-%1-%2@example.org")
                                      .arg(run)
                                      .arg(QDateTime::currentMSecsSinceEpoch());
            QEventLoop loop;
            QElapsedTimer timer;
            double seenMs = -1;
            QString failure; // exceptions must not cross Qt's event loop
            std::function<void()> poll = [&]() {
                ++polls;
                QNetworkReply *reply
                    = network.get(apiRequest(base, QStringLiteral("changes"), simpleToken,
                                             changesQuery(b.replica->checkpoint(), 1000, 30)));
                QObject::connect(reply, &QNetworkReply::finished, &loop, [&, reply]() {
                    reply->deleteLater();
                    try {
                        b.apply(HttpAnswer::read(reply));
                        const QString held
                            = b.db->value(QStringLiteral("SELECT contact_email FROM users WHERE id = ?"),
                                          { manager })
                                  .toString();
                        if (held != email) {
                            poll();
                            return;
                        }
                        seenMs = timer.nsecsElapsed() / 1e6;
                        if (commandTimes.size() > run)
                            loop.quit();
                    } catch (const std::exception &e) {
                        failure = QString::fromStdString(e.what());
                        loop.quit();
                    }
                });
            };
            poll();
            // Let the long poll reach guichetd and park there, as B's would.
            QTimer::singleShot(200, &loop, [&]() {
                timer.start();
                gateway.send(
                    QStringLiteral("setNotifications"),
                    { { QStringLiteral("enabled"), true }, { QStringLiteral("contactEmail"), email } },
                    [&](const CommandResult &result) {
                        if (!result.ok() || result.data.value(QStringLiteral("queued")).toBool()) {
                            failure = QStringLiteral("setNotifications not applied: ") + result.message;
                            loop.quit();
                            return;
                        }
                        commandTimes.append(timer.nsecsElapsed() / 1e6);
                        if (seenMs >= 0)
                            loop.quit();
                    });
            });
            loop.exec();
            if (!failure.isEmpty())
                throw std::runtime_error(failure.toStdString());
            latencies.append(seenMs);
        }
        out << QStringLiteral(
                   "A's command to B's replica (%1 changes, %2 polls): median %3 ms, p90 %4 ms, max %5 ms")
                   .arg(runs)
                   .arg(polls)
                   .arg(median(latencies), 0, 'f', 1)
                   .arg(percentile(latencies, 0.9), 0, 'f', 1)
                   .arg(percentile(latencies, 1.0), 0, 'f', 1)
            << Qt::endl;
        out << QStringLiteral("A's command answered (gateway send to callback): median %1 ms")
                   .arg(median(commandTimes), 0, 'f', 1)
            << Qt::endl;
    } catch (const std::exception &e) { // DatabaseError is one too
        err << "bench_sync: " << e.what() << Qt::endl;
        return 1;
    }
    return 0;
}
