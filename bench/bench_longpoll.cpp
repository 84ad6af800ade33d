// Long-poll fan-out through a real guichetd (docs/PERFORMANCE.md "Long-poll
// fan-out"): N desktops (each a different user of the bench world, with its own
// session) park GET /api/v1/changes?since=<current>&wait=60, one command
// changes something, and the time from sending the command until each client
// holds its answer is measured (p50, p95, max), with guichetd's memory per
// parked client (RSS delta / N). The same client against a minimal asyncio
// long-poll server (bench/longpoll_reference.py) in the same run is the
// reference; the ratio of the p95s is printed.
//
// Changes: "simple" = a simple user of the first structure changes her
// notification settings (her user row: the people of her structure see it);
// "manager" = the principal manager of every structure does (every client sees
// his row: each needs a page of its own).
//
// Usage: bench_longpoll --database LOCATION [--clients 1000,5000,10000]
//                       [--change simple,manager] [--structures 100] [--people 100]
//                       [--guichetd PATH] [--reference PATH] [--python PATH]
// LOCATION: a new database (SQLite file or postgresql:// URL); the world is
// built on first use (bench/benchworld) and reused afterwards. The client is
// one epoll loop (Linux); it raises its own file limit to the hard one, which
// guichetd and the reference inherit.
#include "benchcommandline.h"
#include "benchworld.h"
#include "kernel/database.h"
#include "rules/accounts/accountstore.h"
#include "rules/accounts/passwords.h"

#include <QCoreApplication>
#include <QDateTime>
#include <QDeadlineTimer>
#include <QFile>
#include <QProcess>
#include <QProcessEnvironment>
#include <QRegularExpression>
#include <QThread>

#include <algorithm>
#include <arpa/inet.h>
#include <cerrno>
#include <chrono>
#include <csignal>
#include <cstdio>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdexcept>
#include <sys/epoll.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>

using namespace guichet;
using namespace guichet::bench;

namespace {

qint64 nowUs()
{
    return std::chrono::duration_cast<std::chrono::microseconds>(
               std::chrono::steady_clock::now().time_since_epoch())
        .count();
}

// A server process (guichetd or the reference) on 127.0.0.1, stopped with SIGTERM.
class ServerProcess
{
public:
    ~ServerProcess() { stop(); }

    // Starts it and returns its port, read from "listening on ...:PORT" / "listening on PORT".
    quint16 start(const QString &program, const QStringList &args)
    {
        QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
        env.insert(QStringLiteral("GUICHET_FAST_HASH"), QStringLiteral("1"));
        m_process.setProcessEnvironment(env);
        m_process.setStandardErrorFile(QProcess::nullDevice()); // the request log
        m_process.start(program, args);
        const QRegularExpression listening(QStringLiteral("listening on (?:http://127\\.0\\.0\\.1:)?(\\d+)"));
        return quint16(waitUntilListening(m_process, listening).toUInt());
    }

    void stop()
    {
        if (m_process.state() != QProcess::NotRunning) {
            ::kill(pid_t(m_process.processId()), SIGTERM);
            if (!m_process.waitForFinished(10000))
                m_process.kill();
        }
    }

    qint64 pid() const { return m_process.processId(); }

    // Resident memory in KiB (/proc/PID/status VmRSS).
    qint64 rssKiB() const
    {
        QFile status(QStringLiteral("/proc/%1/status").arg(m_process.processId()));
        if (!status.open(QIODevice::ReadOnly))
            return 0;
        for (const QByteArray &line : status.readAll().split('\n')) {
            if (line.startsWith("VmRSS:"))
                return line.mid(6).trimmed().split(' ').value(0).toLongLong();
        }
        return 0;
    }

private:
    QProcess m_process;
};

// One client connection: the request it sends and the answer it reads.
struct Conn
{
    int fd = -1;
    QByteArray out;
    qsizetype sent = 0;
    QByteArray in;
    int answers = 0;
    int status = 0;
    QByteArray body;
    qint64 answeredUs = -1;
    bool connected = false;
};

// The bytes of one HTTP/1.1 request.
QByteArray httpRequest(const QByteArray &method, const QByteArray &target, const QByteArray &token,
                       const QByteArray &body = {})
{
    QByteArray r = method + ' ' + target + " HTTP/1.1\r\nHost: 127.0.0.1\r\n";
    if (!token.isEmpty())
        r += "Authorization: Bearer " + token + "\r\n";
    if (!body.isEmpty() || method == "POST")
        r += "Content-Type: application/json\r\nContent-Length: " + QByteArray::number(body.size()) + "\r\n";
    return r + "\r\n" + body;
}

// Many connections driven by one epoll loop.
class Clients
{
public:
    explicit Clients(quint16 port)
        : m_epoll(epoll_create1(0))
    {
        m_address.sin_family = AF_INET;
        m_address.sin_port = htons(port);
        m_address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    }
    ~Clients()
    {
        for (Conn &c : m_conns) {
            if (c.fd >= 0)
                ::close(c.fd);
        }
        ::close(m_epoll);
    }

    QList<Conn> &conns() { return m_conns; }

    // Opens n connections, at most 500 connecting at a time.
    void connectAll(int n)
    {
        m_conns.resize(n);
        int next = 0, pending = 0, done = 0;
        epoll_event events[512];
        while (done < n) {
            while (next < n && pending < 500) {
                Conn &c = m_conns[next];
                c.fd = ::socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
                if (c.fd < 0)
                    throw std::runtime_error("socket(): out of file descriptors?");
                const int one = 1;
                ::setsockopt(c.fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
                ::connect(c.fd, reinterpret_cast<sockaddr *>(&m_address), sizeof m_address);
                epoll_event ev {};
                ev.events = EPOLLOUT;
                ev.data.u32 = quint32(next);
                epoll_ctl(m_epoll, EPOLL_CTL_ADD, c.fd, &ev);
                ++next;
                ++pending;
            }
            const int count = epoll_wait(m_epoll, events, 512, 10000);
            if (count <= 0)
                throw std::runtime_error("connections did not complete");
            for (int i = 0; i < count; ++i) {
                Conn &c = m_conns[int(events[i].data.u32)];
                int error = 0;
                socklen_t len = sizeof error;
                ::getsockopt(c.fd, SOL_SOCKET, SO_ERROR, &error, &len);
                if (error != 0)
                    throw std::runtime_error("connect(): " + std::string(strerror(error)));
                c.connected = true;
                epoll_event ev {};
                ev.events = EPOLLIN;
                ev.data.u32 = events[i].data.u32;
                epoll_ctl(m_epoll, EPOLL_CTL_MOD, c.fd, &ev);
                --pending;
                ++done;
            }
        }
    }

    // Queues a request on connection i (sent by run()).
    void send(int i, const QByteArray &request)
    {
        Conn &c = m_conns[i];
        c.out = request;
        c.sent = 0;
        c.status = 0;
        c.body.clear();
        c.answeredUs = -1;
        writeSome(i);
    }

    // Runs the loop until `until` is true or timeoutMs passes; false on timeout.
    template<typename Until> bool run(Until until, int timeoutMs)
    {
        const qint64 end = nowUs() + qint64(timeoutMs) * 1000;
        epoll_event events[1024];
        while (!until()) {
            const qint64 left = (end - nowUs()) / 1000;
            if (left <= 0)
                return false;
            const int count = epoll_wait(m_epoll, events, 1024, int(std::min<qint64>(left, 100)));
            for (int i = 0; i < count; ++i) {
                const int index = int(events[i].data.u32);
                if (events[i].events & EPOLLOUT)
                    writeSome(index);
                if (events[i].events & (EPOLLIN | EPOLLHUP | EPOLLERR))
                    readSome(index);
            }
        }
        return true;
    }

    int unsentRequests() const
    {
        return int(std::count_if(m_conns.cbegin(), m_conns.cend(),
                                 [](const Conn &c) { return c.sent < c.out.size(); }));
    }

private:
    void writeSome(int i)
    {
        Conn &c = m_conns[i];
        while (c.sent < c.out.size()) {
            const ssize_t n = ::write(c.fd, c.out.constData() + c.sent, size_t(c.out.size() - c.sent));
            if (n <= 0)
                break;
            c.sent += n;
        }
        epoll_event ev {};
        ev.events = c.sent < c.out.size() ? quint32(EPOLLIN | EPOLLOUT) : quint32(EPOLLIN);
        ev.data.u32 = quint32(i);
        epoll_ctl(m_epoll, EPOLL_CTL_MOD, c.fd, &ev);
    }

    void readSome(int i)
    {
        Conn &c = m_conns[i];
        char buffer[16384];
        for (;;) {
            const ssize_t n = ::read(c.fd, buffer, sizeof buffer);
            if (n <= 0)
                break;
            c.in.append(buffer, n);
        }
        // Whole answers (Content-Length framing).
        for (;;) {
            const qsizetype headEnd = c.in.indexOf("\r\n\r\n");
            if (headEnd < 0)
                return;
            const QByteArray head = c.in.left(headEnd);
            qsizetype length = 0;
            for (const QByteArray &line : head.split('\n')) {
                if (line.toLower().startsWith("content-length:"))
                    length = line.mid(15).trimmed().toLongLong();
            }
            if (c.in.size() < headEnd + 4 + length)
                return;
            c.status = head.mid(9, 3).toInt();
            c.body = c.in.mid(headEnd + 4, length);
            c.in.remove(0, headEnd + 4 + length);
            c.answeredUs = nowUs();
            ++c.answers;
        }
    }

    int m_epoll;
    sockaddr_in m_address {};
    QList<Conn> m_conns;
};

struct Figures
{
    double p50 = 0, p95 = 0, max = 0;
    int answered = 0, ok = 0, withRows = 0, twice = 0;
    double rssPerClientKiB = 0;
};

double percentile(QList<double> values, double p)
{
    if (values.isEmpty())
        return 0;
    std::sort(values.begin(), values.end());
    return values.at(std::min<qsizetype>(values.size() - 1, qsizetype(p * double(values.size()))));
}

// Warms every connection with one poll that answers at once, parks the
// long-polls, measures the server's RSS, sends the trigger and times each answer.
Figures fanOut(quint16 port, const ServerProcess &server, const QList<QByteArray> &tokens,
               const QByteArray &since, const QByteArray &triggerRequest)
{
    const int n = int(tokens.size());
    Clients clients(port);
    const qint64 rssBefore = server.rssKiB();
    clients.connectAll(n + 1); // the last one sends the trigger
    QList<Conn> &conns = clients.conns();
    const QByteArray poll = "/api/v1/changes?since=" + since;
    for (int i = 0; i < n; ++i)
        clients.send(i, httpRequest("GET", poll + "&wait=0", tokens.at(i)));
    const auto allAnswered = [&] {
        for (int i = 0; i < n; ++i) {
            if (conns.at(i).answeredUs < 0)
                return false;
        }
        return true;
    };
    if (!clients.run(allAnswered, 120000))
        throw std::runtime_error("the warm-up polls were not all answered");
    for (int i = 0; i < n; ++i) {
        if (conns.at(i).status != 200)
            throw std::runtime_error("warm-up poll answered " + std::to_string(conns.at(i).status) + ": "
                                     + conns.at(i).body.toStdString());
        conns[i].answers = 0;
        clients.send(i, httpRequest("GET", poll + "&wait=60", tokens.at(i)));
    }
    clients.run([&] { return clients.unsentRequests() == 0; }, 60000);
    // Let every long-poll reach the server and park: nothing may answer.
    clients.run([] { return false; }, 1500 + n / 4);
    for (int i = 0; i < n; ++i) {
        if (conns.at(i).answers != 0)
            throw std::runtime_error("a long-poll answered before any change: "
                                     + conns.at(i).body.toStdString());
    }
    Figures f;
    f.rssPerClientKiB = double(server.rssKiB() - rssBefore) / n;

    // BENCH_LONGPOLL_PERF=FILE: `perf record` of the server during the fan-out only.
    QProcess perf;
    if (qEnvironmentVariableIsSet("BENCH_LONGPOLL_PERF")) {
        perf.start(
            QStringLiteral("perf"),
            { QStringLiteral("record"), QStringLiteral("-g"), QStringLiteral("-o"),
              qEnvironmentVariable("BENCH_LONGPOLL_PERF") + QLatin1Char('.') + QString::number(server.pid()),
              QStringLiteral("-p"), QString::number(server.pid()) });
        perf.waitForStarted();
        QThread::msleep(500);
    }
    const qint64 start = nowUs();
    clients.send(n, triggerRequest);
    if (!clients.run(allAnswered, 120000))
        std::fprintf(stderr, "bench_longpoll: not every client was answered within 120 s\n");
    if (perf.state() != QProcess::NotRunning) {
        ::kill(pid_t(perf.processId()), SIGINT);
        perf.waitForFinished(30000);
    }
    // Anything more on a connection would be a second answer.
    clients.run([] { return false; }, 300);
    if (conns.at(n).status != 200)
        throw std::runtime_error("the change was refused: " + conns.at(n).body.toStdString());
    QList<double> ms;
    for (int i = 0; i < n; ++i) {
        const Conn &c = conns.at(i);
        if (c.answeredUs < 0)
            continue;
        ++f.answered;
        ms.append(double(c.answeredUs - start) / 1000.0);
        if (c.status == 200 && c.body.contains("\"checkpoint\":"))
            ++f.ok;
        if (!c.body.contains("\"rows\":[]"))
            ++f.withRows;
        if (c.answers > 1)
            ++f.twice;
    }
    f.p50 = percentile(ms, 0.50);
    f.p95 = percentile(ms, 0.95);
    f.max = ms.isEmpty() ? 0 : *std::max_element(ms.cbegin(), ms.cend());
    return f;
}

QList<int> numbers(const QString &list)
{
    QList<int> result;
    for (const QString &part : list.split(QLatin1Char(','), Qt::SkipEmptyParts))
        result.append(part.trimmed().toInt());
    return result;
}

} // namespace

int main(int argc, char *argv[])
{
    QCoreApplication app(argc, argv);
    BenchCommandLine commandLine(QStringLiteral("Long-poll fan-out through a real guichetd."));
    const QCommandLineOption clientsOption(
        QStringLiteral("clients"), QStringLiteral("Parked clients per round (default 1000,5000,10000)."),
        QStringLiteral("list"), QStringLiteral("1000,5000,10000"));
    const QCommandLineOption changeOption(QStringLiteral("change"),
                                          QStringLiteral("Changes to measure (default simple,manager)."),
                                          QStringLiteral("list"), QStringLiteral("simple,manager"));
    const QCommandLineOption guichetdOption(QStringLiteral("guichetd"),
                                            QStringLiteral("The guichetd to start."), QStringLiteral("path"),
                                            QStringLiteral(GUICHETD_PATH));
    const QCommandLineOption referenceOption(QStringLiteral("reference"),
                                             QStringLiteral("The reference long-poll server (Python)."),
                                             QStringLiteral("path"), QStringLiteral(REFERENCE_PATH));
    const QCommandLineOption pythonOption(QStringLiteral("python"),
                                          QStringLiteral("The Python 3 to run it with."),
                                          QStringLiteral("path"), QStringLiteral("/usr/bin/python3"));
    for (const auto &option : { clientsOption, changeOption, guichetdOption, referenceOption, pythonOption })
        commandLine.addOption(option);
    const QCommandLineOption structuresOption = commandLine.addNumber(
        QStringLiteral("structures"), QStringLiteral("Structures of the world's manager."), 100);
    const QCommandLineOption peopleOption
        = commandLine.addNumber(QStringLiteral("people"), QStringLiteral("People per structure."), 100);
    if (!commandLine.process(app))
        return 2;
    const QList<int> rounds = numbers(commandLine.value(clientsOption));
    const int most = rounds.isEmpty() ? 0 : *std::max_element(rounds.cbegin(), rounds.cend());

    // Every connection is a file on both sides: the hard limit for us and the
    // servers we start (they inherit it).
    rlimit limit {};
    getrlimit(RLIMIT_NOFILE, &limit);
    limit.rlim_cur = limit.rlim_max;
    setrlimit(RLIMIT_NOFILE, &limit);
    if (rlim_t(most) + 200 > limit.rlim_cur) {
        std::fprintf(stderr, "bench_longpoll: %d clients need more than the file limit (%llu)\n", most,
                     static_cast<unsigned long long>(limit.rlim_cur));
        return 2;
    }

    try {
        std::unique_ptr<Database> db = commandLine.openDatabase();
        if (!db)
            return 1;
        if (db->value(QStringLiteral("SELECT COUNT(*) FROM users")).toInt() == 0) {
            std::printf("building the world (%lld structures x %lld people)...\n",
                        commandLine.number(structuresOption), commandLine.number(peopleOption));
            std::fflush(stdout);
            buildWorld(*db, int(commandLine.number(structuresOption)), int(commandLine.number(peopleOption)));
        }
        // One session per client, each another user, plus the two who make the changes.
        QList<qint64> people;
        {
            QSqlQuery query = db->exec(
                QStringLiteral("SELECT id FROM users WHERE email NOT IN (?, ?) ORDER BY id LIMIT ?"),
                { kManager, kSimple, most });
            while (query.next())
                people.append(query.value(0).toLongLong());
        }
        if (people.size() < most)
            throw std::runtime_error("the world has fewer users than clients: raise --people");
        const auto userId = [&](const QString &email) {
            return db->value(QStringLiteral("SELECT id FROM users WHERE email = ?"), { email }).toLongLong();
        };
        QList<QByteArray> tokens;
        QByteArray simpleToken, managerToken;
        {
            Transaction transaction(*db);
            AccountStore store(*db);
            const qint64 now = QDateTime::currentMSecsSinceEpoch();
            const qint64 expires = now + 24LL * 3600 * 1000;
            const auto open = [&](qint64 user) {
                const QString token = newSecretToken();
                store.insertSession(user, secretTokenHash(token), now, expires);
                return token.toLatin1();
            };
            for (const qint64 id : std::as_const(people))
                tokens.append(open(id));
            simpleToken = open(userId(kSimple));
            managerToken = open(userId(kManager));
            transaction.commit();
        }

        QFile loadavg(QStringLiteral("/proc/loadavg"));
        const QByteArray load
            = loadavg.open(QIODevice::ReadOnly) ? loadavg.readAll().trimmed() : QByteArray("?");
        std::printf("%d cores | load %s | file limit %llu\n", QThread::idealThreadCount(), load.constData(),
                    static_cast<unsigned long long>(limit.rlim_cur));
        std::printf("%-8s %-8s | %-34s | %-34s | %s\n", "clients", "change",
                    "guichetd p50 / p95 / max ms (rows)", "reference p50 / p95 / max ms",
                    "p95 ratio | RSS/client guichetd, reference");
        for (const QString &change :
             commandLine.value(changeOption).split(QLatin1Char(','), Qt::SkipEmptyParts)) {
            const QByteArray token = change == QLatin1String("manager") ? managerToken : simpleToken;
            for (const int n : rounds) {
                const QByteArray since = QByteArray::number(db->currentVersion());
                Figures g;
                {
                    ServerProcess server;
                    const quint16 port = server.start(
                        commandLine.value(guichetdOption),
                        { QStringLiteral("--database"), commandLine.location(), QStringLiteral("--listen"),
                          QStringLiteral("127.0.0.1:0"), QStringLiteral("--language"), QStringLiteral("en"),
                          QStringLiteral("--max-connections"), QString::number(n + 100) });
                    static int counter = 0;
                    ++counter;
                    const QByteArray body = "{\"commandId\":\"bench-longpoll-"
                        + QByteArray::number(QDateTime::currentMSecsSinceEpoch()) + "-"
                        + QByteArray::number(counter) + "\",\"args\":{\"enabled\":"
                        + (counter % 2 ? "true" : "false") + ",\"contactEmail\":\""
                        + (change == QLatin1String("manager") ? kManager : kSimple).toUtf8() + "\"}}";
                    g = fanOut(port, server, tokens.mid(0, n), since,
                               httpRequest("POST", "/api/v1/commands/setNotifications", token, body));
                }
                Figures r;
                {
                    ServerProcess reference;
                    const quint16 port = reference.start(commandLine.value(pythonOption),
                                                         { commandLine.value(referenceOption) });
                    r = fanOut(port, reference, tokens.mid(0, n), "1", httpRequest("POST", "/trigger", {}));
                }
                std::printf(
                    "%-8d %-8s | %7.0f / %7.0f / %7.0f (%5d)      | %7.0f / %7.0f / %7.0f            | "
                    "%5.2f     | %.1f KiB, %.1f KiB\n",
                    n, qPrintable(change), g.p50, g.p95, g.max, g.withRows, r.p50, r.p95, r.max,
                    r.p95 > 0 ? g.p95 / r.p95 : 0.0, g.rssPerClientKiB, r.rssPerClientKiB);
                if (g.answered != n || g.ok != n || g.twice != 0 || r.answered != n)
                    std::printf("  !!! guichetd: %d answered, %d pages, %d twice; reference: %d answered\n",
                                g.answered, g.ok, g.twice, r.answered);
                std::fflush(stdout);
            }
        }
    } catch (const std::exception &error) {
        std::fprintf(stderr, "bench_longpoll: %s\n", error.what());
        return 1;
    }
    return 0;
}
