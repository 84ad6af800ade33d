// Measures sync through a real guichetd (docs/PERFORMANCE.md "guichetd and sync"):
// (a) the time from desktop A sending a command (RemoteCommandGateway, as the
//     desktop does) to desktop B, long-polling /api/v1/changes, holding the
//     changed row in its replica; median of --runs;
// (b) a first sync of the ~100,000 rows one manager sees: pages from
//     /api/v1/changes (format 2, 5000 rows, as the desktop asks; --format 1
//     --first-limit 1000 for the old way) applied into an empty replica,
//     --first-runs times, next to its floor measured in the same run: the same
//     rows inserted into an empty SQLite file in one transaction plus the same
//     bytes sent over loopback; and the server's CPU time per first sync
//     (guichetd's, plus its PostgreSQL backends' when the cluster is local).
// Usage: bench_sync --database LOCATION [--rows N] [--runs N] [--first-runs N]
//                   [--format 1|2] [--first-limit N] [--count-on-first-page] [--guichetd PATH]
// --count-on-first-page: the first page carries the count (`total`), as
// desktops did before they asked it apart (total=only).
// LOCATION must be a new database (SQLite file or postgresql:// URL): the world
// is built in it on first use (bench/benchworld) and reused afterwards.
#include "benchcommandline.h"
#include "benchworld.h"
#include "client/pagefetcher.h"
#include "client/remotecommandgateway.h"
#include "client/replica.h"
#include "kernel/database.h"
#include "rules/accounts/passwords.h"
#include "sync/changefeed.h"

#include <QCoreApplication>
#include <QDateTime>
#include <QDeadlineTimer>
#include <QElapsedTimer>
#include <QEventLoop>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QProcess>
#include <QProcessEnvironment>
#include <QRegularExpression>
#include <QSqlQuery>
#include <QTemporaryDir>
#include <QTextStream>
#include <QTimer>
#include <QUrlQuery>

#include <algorithm>
#include <arpa/inet.h>
#include <csignal>
#include <functional>
#include <memory>
#include <netinet/in.h>
#include <stdexcept>
#include <sys/socket.h>
#include <thread>
#include <unistd.h>

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

    qint64 pid() const { return m_process.processId(); }

private:
    QProcess m_process;
};

// The CPU time (user + system) a process used so far, in ms; 0 when it
// cannot be read (gone, or not on this machine).
double cpuMs(qint64 pid)
{
    QFile stat(QStringLiteral("/proc/%1/stat").arg(pid));
    if (!stat.open(QIODevice::ReadOnly))
        return 0;
    const QByteArray text = stat.readAll();
    // The fields after the command's closing parenthesis: utime and stime are the 12th and 13th.
    const QList<QByteArray> fields = text.mid(text.lastIndexOf(')') + 2).split(' ');
    if (fields.size() < 13)
        return 0;
    return (fields.at(11).toLongLong() + fields.at(12).toLongLong()) * 1000.0
        / double(::sysconf(_SC_CLK_TCK));
}

// The server's CPU time so far: guichetd's, and on PostgreSQL that of the
// database's other backends (guichetd's connections) when the cluster runs
// on this machine; the first sync's cost in CPU, less noisy than its time
// on a shared machine.
struct ServerCpu
{
    double guichetd = 0;
    QHash<qint64, double> backends;

    static ServerCpu read(qint64 guichetdPid, const Database *postgres)
    {
        ServerCpu cpu;
        cpu.guichetd = cpuMs(guichetdPid);
        if (postgres) {
            QSqlQuery query = postgres->exec(QStringLiteral(
                "SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND pid <> "
                "pg_backend_pid()"));
            while (query.next())
                cpu.backends.insert(query.value(0).toLongLong(), cpuMs(query.value(0).toLongLong()));
        }
        return cpu;
    }
    // What the backends alive now used since `before` (a new one from 0).
    double backendsSince(const ServerCpu &before) const
    {
        double sum = 0;
        for (auto it = backends.cbegin(); it != backends.cend(); ++it)
            sum += it.value() - before.backends.value(it.key());
        return sum;
    }
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

QUrlQuery changesQuery(qint64 since, int limit, int wait, int format = 1)
{
    QUrlQuery query;
    query.addQueryItem(QStringLiteral("since"), QString::number(since));
    query.addQueryItem(QStringLiteral("limit"), QString::number(limit));
    query.addQueryItem(QStringLiteral("wait"), QString::number(wait));
    if (format != 1)
        query.addQueryItem(QStringLiteral("format"), QString::number(format));
    return query;
}

// The rows of a page in either format.
qsizetype pageRows(const QJsonObject &page)
{
    qsizetype rows = page.value(QStringLiteral("rows")).toArray().size();
    for (const QJsonValue &table : page.value(QStringLiteral("tables")).toArray())
        rows += table.toObject().value(QStringLiteral("rows")).toArray().size();
    return rows;
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
    double firstPageMs = 0; // from the first request to the first page, parsed
    int pages = 0;
    qsizetype rows = 0;
    qint64 bytes = 0; // the pages' bodies
    qint64 total = -1; // the first page's `total` (format 2)
};

// (b): pages into an empty replica until `more` is false, as SyncClient
// pulls them: the first sync's count asked apart (total=only) with the first
// page (total=0); the next page is asked for (from the page's checkpoint) before
// the page is applied, so the server reads it meanwhile, and it is fetched
// and parsed on a thread of its own (PageFetcher). "HTTP" is the time spent
// waiting for pages (request to parsed answer), "apply" the replica's
// transactions.
FirstSync firstSync(const QUrl &base, const QString &token, const QString &file, int limit, int format,
                    bool countApart)
{
    Desktop desktop(file);
    FirstSync result;
    QElapsedTimer total;
    total.start();
    qint64 httpNs = 0, applyNs = 0;
    PageFetcher fetcher;
    QHash<quint64, HttpAnswer> answers;
    QObject::connect(&fetcher, &PageFetcher::fetched,
                     [&answers](quint64 id, const HttpAnswer &answer) { answers.insert(id, answer); });
    const auto ask = [&](qint64 since) {
        QUrlQuery query = changesQuery(since, limit, 0, format);
        if (since == 0 && format == 2 && countApart)
            query.addQueryItem(QStringLiteral("total"), QStringLiteral("0"));
        return fetcher.get(apiRequest(base, QStringLiteral("changes"), token, query));
    };
    // Format 2, as SyncClient: the count in a request of its own, sent with
    // the first page, which is asked without it.
    quint64 countRequest = 0;
    if (format == 2 && countApart) {
        QUrlQuery count;
        count.addQueryItem(QStringLiteral("since"), QStringLiteral("0"));
        count.addQueryItem(QStringLiteral("format"), QStringLiteral("2"));
        count.addQueryItem(QStringLiteral("total"), QStringLiteral("only"));
        countRequest = fetcher.get(apiRequest(base, QStringLiteral("changes"), token, count));
    }
    quint64 request = ask(0);
    for (;;) {
        QElapsedTimer step;
        step.start();
        while (!answers.contains(request)) {
            QEventLoop loop;
            QObject::connect(&fetcher, &PageFetcher::fetched, &loop, &QEventLoop::quit);
            loop.exec();
        }
        const HttpAnswer answer = answers.take(request);
        httpNs += step.nsecsElapsed();
        if (result.pages == 0)
            result.firstPageMs = total.nsecsElapsed() / 1e6;
        const bool more = answer.json.value(QStringLiteral("more")).toBool();
        if (more)
            request = ask(answer.json.value(QStringLiteral("checkpoint")).toInteger());
        step.restart();
        desktop.apply(answer);
        applyNs += step.nsecsElapsed();
        if (result.pages == 0 && !countRequest)
            result.total = answer.json.value(QStringLiteral("total")).toInteger(-1);
        ++result.pages;
        result.rows += pageRows(answer.json);
        result.bytes += answer.body.size();
        if (!more)
            break;
    }
    result.totalMs = total.nsecsElapsed() / 1e6;
    // The count came meanwhile (the desktop shows it while the pages come).
    if (countRequest) {
        while (!answers.contains(countRequest)) {
            QEventLoop loop;
            QObject::connect(&fetcher, &PageFetcher::fetched, &loop, &QEventLoop::quit);
            loop.exec();
        }
        result.total = answers.take(countRequest).json.value(QStringLiteral("total")).toInteger(-1);
    }
    result.httpMs = httpNs / 1e6;
    result.applyMs = applyNs / 1e6;
    return result;
}

// The floor's first half: the rows a replica holds, inserted into an empty
// SQLite file (plain tables of the same columns, one prepared statement per
// table) in one transaction, commit included. The rows are read beforehand.
// With `schema`, into a migrated empty database instead (the replica's
// tables, indexes and constraints: what the schema alone costs).
double insertFloorMs(const QString &replicaFile, const QString &floorFile, bool schema = false)
{
    QString error;
    const auto replica = Database::open(replicaFile, &error);
    const auto floor = Database::open(floorFile, &error);
    if (!replica || !floor || (schema && !floor->migrate(&error)))
        throw std::runtime_error("floor: " + error.toStdString());
    QList<QPair<QString, QList<QVariantList>>> tables;
    for (const QString &table : ChangeFeed::tables()) {
        const QStringList columns = ChangeFeed::columns(table);
        QList<QVariantList> rows;
        QSqlQuery query = replica->exec(
            QStringLiteral("SELECT %1 FROM %2").arg(columns.join(QStringLiteral(", ")), table));
        while (query.next()) {
            QVariantList row;
            for (int i = 0; i < columns.size(); ++i)
                row.append(query.value(i));
            rows.append(row);
        }
        if (!schema)
            floor->exec(QStringLiteral("CREATE TABLE %1 (%2)")
                            .arg(table,
                                 QStringLiteral("id INTEGER PRIMARY KEY, ")
                                     + columns.mid(1).join(QStringLiteral(", "))));
        tables.append({ table, rows });
    }
    QElapsedTimer timer;
    timer.start();
    Transaction transaction(*floor);
    for (const auto &[table, rows] : std::as_const(tables)) {
        const int count = int(ChangeFeed::columns(table).size());
        QSqlQuery insert(floor->connection());
        QStringList marks(count, QStringLiteral("?"));
        QString columns = ChangeFeed::columns(table).join(QLatin1Char(','));
        if (schema && table == QLatin1String("users")) {
            columns += QStringLiteral(",password_hash");
            marks.append(QStringLiteral("''"));
        } else if (schema && table == QLatin1String("attached_files")) {
            columns += QStringLiteral(",content");
            marks.append(QStringLiteral("X''"));
        }
        if (!insert.prepare(QStringLiteral("INSERT INTO %1 (%2) VALUES (%3)")
                                .arg(table, columns, marks.join(QLatin1Char(',')))))
            throw std::runtime_error("floor: prepare");
        for (const QVariantList &row : rows) {
            for (int i = 0; i < count; ++i)
                insert.bindValue(i, row.at(i));
            if (!insert.exec())
                throw std::runtime_error("floor: insert");
        }
    }
    transaction.commit();
    return timer.nsecsElapsed() / 1e6;
}

// The floor's second half: `bytes` sent over a loopback TCP connection, from
// connect to the last byte read.
double loopbackFloorMs(qint64 bytes)
{
    const int listener = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in address {};
    address.sin_family = AF_INET;
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t length = sizeof address;
    if (listener < 0 || ::bind(listener, reinterpret_cast<sockaddr *>(&address), sizeof address) != 0
        || ::listen(listener, 1) != 0
        || ::getsockname(listener, reinterpret_cast<sockaddr *>(&address), &length) != 0)
        throw std::runtime_error("loopback: listen");
    const QByteArray chunk(64 * 1024, 'x');
    std::thread sender([&] {
        const int peer = ::accept(listener, nullptr, nullptr);
        qint64 left = bytes;
        while (peer >= 0 && left > 0) {
            const ssize_t sent
                = ::send(peer, chunk.constData(), size_t(std::min<qint64>(left, chunk.size())), 0);
            if (sent <= 0)
                break;
            left -= sent;
        }
        if (peer >= 0)
            ::close(peer);
    });
    QElapsedTimer timer;
    timer.start();
    const int client = ::socket(AF_INET, SOCK_STREAM, 0);
    if (client < 0 || ::connect(client, reinterpret_cast<sockaddr *>(&address), sizeof address) != 0)
        throw std::runtime_error("loopback: connect");
    QByteArray buffer(64 * 1024, Qt::Uninitialized);
    qint64 received = 0;
    while (received < bytes) {
        const ssize_t got = ::recv(client, buffer.data(), size_t(buffer.size()), 0);
        if (got <= 0)
            break;
        received += got;
    }
    const double ms = timer.nsecsElapsed() / 1e6;
    ::close(client);
    sender.join();
    ::close(listener);
    if (received != bytes)
        throw std::runtime_error("loopback: short read");
    return ms;
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
    const QCommandLineOption formatOption = commandLine.addNumber(
        QStringLiteral("format"), QStringLiteral("Change page format of the first sync (1 or 2)"), 2);
    const QCommandLineOption firstLimitOption = commandLine.addNumber(
        QStringLiteral("first-limit"), QStringLiteral("Rows per page of the first sync"), 5000);
    const QCommandLineOption guichetdOption(QStringLiteral("guichetd"),
                                            QStringLiteral("The guichetd to start."), QStringLiteral("path"),
                                            QStringLiteral(GUICHETD_PATH));
    commandLine.addOption(guichetdOption);
    const QCommandLineOption countOnFirstPageOption(
        QStringLiteral("count-on-first-page"),
        QStringLiteral("Ask the first page with its total, as desktops did before total=only."));
    commandLine.addOption(countOnFirstPageOption);
    if (!commandLine.process(app))
        return 2;
    const QString location = commandLine.location();
    const int wanted = int(commandLine.number(rowsOption, 1000));
    const int runs = int(commandLine.number(runsOption));
    const int firstRuns = int(commandLine.number(firstRunsOption));
    const int format = int(commandLine.number(formatOption));
    const int firstLimit = int(commandLine.number(firstLimitOption));
    const bool countApart = !commandLine.isSet(countOnFirstPageOption);

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
        if (format == 2)
            out << "first sync's count: " << (countApart ? "apart (total=only)" : "on the first page")
                << Qt::endl;

        // (b) first sync of everything the manager sees.
        const QString managerToken = signIn(network, base, kManager);
        QList<double> totals;
        QList<double> floors;
        QList<double> serverCpus;
        const auto cpuDb = postgres ? commandLine.openDatabase() : nullptr;
        for (int run = 0; run < firstRuns; ++run) {
            const QString file = dir.filePath(QStringLiteral("first-%1.db").arg(run));
            const ServerCpu cpuBefore = ServerCpu::read(server.pid(), cpuDb.get());
            const FirstSync sync = firstSync(base, managerToken, file, firstLimit, format, countApart);
            const ServerCpu cpuAfter = ServerCpu::read(server.pid(), cpuDb.get());
            const double guichetdMs = cpuAfter.guichetd - cpuBefore.guichetd;
            const double backendsMs = cpuAfter.backendsSince(cpuBefore);
            serverCpus.append(guichetdMs + backendsMs);
            // The floor of this run, measured right after it on the same rows and bytes.
            const double insertMs = insertFloorMs(file, dir.filePath(QStringLiteral("floor-%1.db").arg(run)));
            const double loopbackMs = loopbackFloorMs(sync.bytes);
            const double schemaMs
                = insertFloorMs(file, dir.filePath(QStringLiteral("schema-%1.db").arg(run)), true);
            const double floorMs = insertMs + loopbackMs;
            totals.append(sync.totalMs);
            floors.append(floorMs);
            out << QStringLiteral(
                       "first sync %1 (format %2, pages of %3): %4 rows (total announced %5) in %6 "
                       "pages, %7 MB: %8 ms (first page after %11 ms, waiting for pages %9 ms, apply %10 ms)")
                       .arg(run + 1)
                       .arg(format)
                       .arg(firstLimit)
                       .arg(sync.rows)
                       .arg(sync.total)
                       .arg(sync.pages)
                       .arg(sync.bytes / 1e6, 0, 'f', 1)
                       .arg(sync.totalMs, 0, 'f', 0)
                       .arg(sync.httpMs, 0, 'f', 0)
                       .arg(sync.applyMs, 0, 'f', 0)
                       .arg(sync.firstPageMs, 0, 'f', 0)
                << Qt::endl;
            out << QStringLiteral("  server CPU: guichetd %1 ms + PostgreSQL backends %2 ms = %3 ms")
                       .arg(guichetdMs, 0, 'f', 0)
                       .arg(backendsMs, 0, 'f', 0)
                       .arg(guichetdMs + backendsMs, 0, 'f', 0)
                << Qt::endl;
            out << QStringLiteral("  floor: insert into an empty SQLite file %1 ms + loopback %2 ms = %3 ms; "
                                  "ratio %4x")
                       .arg(insertMs, 0, 'f', 0)
                       .arg(loopbackMs, 0, 'f', 0)
                       .arg(floorMs, 0, 'f', 0)
                       .arg(sync.totalMs / floorMs, 0, 'f', 2)
                << Qt::endl;
            out << QStringLiteral(
                       "  (for comparison: the same rows inserted into an empty migrated database, "
                       "the replica's indexes and constraints, one transaction: %1 ms)")
                       .arg(schemaMs, 0, 'f', 0)
                << Qt::endl;
        }
        out << QStringLiteral(
                   "first sync median: %1 ms; floor median %2 ms; ratio of the medians %3x (goal <= 2x); "
                   "server CPU median %4 ms")
                   .arg(median(totals), 0, 'f', 0)
                   .arg(median(floors), 0, 'f', 0)
                   .arg(median(totals) / median(floors), 0, 'f', 2)
                   .arg(median(serverCpus), 0, 'f', 0)
            << Qt::endl;

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
