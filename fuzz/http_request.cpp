// The HTTP request path of guichetd up to the route, without sockets:
// - the bytes of a connection (pipelined requests, any framing) through
//   RequestFraming (server/requestframing), the guard LimitedTcpServer puts
//   on every connection, fed at once and in small chunks: the verdict (a
//   refusal's status, the requests received in full) must not depend on how
//   the bytes arrived;
// - each request received in full, as the framing read it (method, target,
//   headers, body: the same at once and in pieces) and HttpRequest::fromFraming
//   made it (its path and query checked against QUrl's tolerant reading of the
//   target), through ApiServer::readRequest (route choice, 404/405,
//   Content-Type, JSON body, bearer token, command names) and the routes'
//   query readers.
// Small limits (1 KiB of headers, 4 KiB of body) so the fuzzer reaches them.
#include "commands/commanddispatcher.h"
#include "fuzzsupport.h"
#include "kernel/database.h"
#include "server/apiserver.h"
#include "server/changewatcher.h"
#include "server/requestframing.h"
#include "server/workerpool.h"

#include <QUrl>
#include <QUrlQuery>

using namespace guichet;
using namespace guichet::server;

namespace {

constexpr qint64 MaxHeaderBytes = 1024;
constexpr qint64 MaxBodyBytes = 4096;

// The path and query QUrl reads from an origin-form target in tolerant mode
// (what QtHttpServer 6.4 gave guichetd), fragment dropped.
std::pair<QString, QUrlQuery> urlReading(const QByteArray &target)
{
    const qsizetype fragment = target.indexOf('#');
    const QByteArray withoutFragment = fragment < 0 ? target : target.left(fragment);
    const qsizetype question = withoutFragment.indexOf('?');
    QUrl url;
    url.setPath(QString::fromUtf8(question < 0 ? withoutFragment : withoutFragment.left(question)),
                QUrl::TolerantMode);
    if (question >= 0)
        url.setQuery(QString::fromUtf8(withoutFragment.mid(question + 1)));
    return { url.path(), QUrlQuery(url) };
}

bool sameRequest(const RequestFraming::Request &a, const RequestFraming::Request &b)
{
    return a.size == b.size && a.close == b.close && a.method == b.method && a.target == b.target
        && a.headers == b.headers && a.bodySize == b.bodySize;
}

void readQuery(const HttpRequest &request, const QByteArray &input)
{
    for (const auto &item : request.query.queryItems(QUrl::FullyEncoded)) {
        // A route reads the first value of a key given twice.
        const QString raw = request.query.queryItemValue(item.first, QUrl::FullyEncoded);
        const QString text = ApiServer::queryText(request.query, item.first);
        // A '+' of the query is a space; only %2B gives a '+'.
        if (!raw.contains(QLatin1String("%2B"), Qt::CaseInsensitive))
            FUZZ_CHECK(!text.contains(QLatin1Char('+')), input + "\n" + raw.toUtf8());
        const auto number = ApiServer::queryNumber(request.query, item.first, 7, 1, 500);
        FUZZ_CHECK(!number || (*number >= 1 && *number <= 500), input);
    }
}

void readRoute(const ApiServer &server, const HttpRequest &request, const QByteArray &input)
{
    const ApiServer::RequestReading reading = server.readRequest(request);
    if (reading.refusal) {
        const int status = reading.refusal->status;
        FUZZ_CHECK(status == 400 || status == 401 || status == 404 || status == 405 || status == 415,
                   input + "\nstatus " + QByteArray::number(status));
        FUZZ_CHECK(reading.route < 0, input);
        return;
    }
    FUZZ_CHECK(reading.route >= 0, input);
    FUZZ_CHECK(reading.routeMethod == request.method
                   || (request.method == "HEAD" && reading.routeMethod == "GET"),
               input);
    // The path is the route's, its "*" segments being the arguments.
    const QStringList pattern = reading.routePath.split(QLatin1Char('/'));
    const QStringList segments = request.path.mid(8).split(QLatin1Char('/'));
    FUZZ_CHECK(request.path.startsWith(QLatin1String("/api/v1/")) && pattern.size() == segments.size(),
               input);
    QStringList args;
    for (qsizetype i = 0; i < pattern.size(); ++i) {
        if (pattern.at(i) == QLatin1String("*"))
            args << segments.at(i);
        else
            FUZZ_CHECK(pattern.at(i) == segments.at(i), input);
    }
    FUZZ_CHECK(args == reading.args, input);
    if (reading.auth == ApiServer::Auth::Required)
        FUZZ_CHECK(!reading.token.isEmpty(), input);
    if (reading.auth == ApiServer::Auth::None)
        FUZZ_CHECK(reading.token.isEmpty(), input);
    if (reading.routePath == QLatin1String("commands/*")) {
        const QString name = reading.args.value(0);
        FUZZ_CHECK(CommandDispatcher::commandNames().contains(name), input);
        FUZZ_CHECK((reading.auth == ApiServer::Auth::None) == CommandDispatcher::isAnonymous(name), input);
    }
    readQuery(request, input);
}

} // namespace

extern "C" int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    fuzz::initialize(argc, argv);
    return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size == 0)
        return 0;
    static ChangeWatcher watcher(fuzz::memoryDatabase());
    static WorkerPool pool(QString(), 1); // never started: readRequest runs nothing
    static ApiServer server(pool, watcher, ServerOptions());

    // First byte: the size of the chunks of the second reading (1 to 16 bytes).
    const qsizetype chunk = data[0] % 16 + 1;
    const QByteArray input = fuzz::bytes(data + 1, size - 1);

    RequestFraming whole(MaxHeaderBytes, MaxBodyBytes);
    const int status = whole.consume(input);
    RequestFraming pieces(MaxHeaderBytes, MaxBodyBytes);
    int piecesStatus = 0;
    for (qsizetype pos = 0; pos < input.size() && piecesStatus == 0; pos += chunk)
        piecesStatus = pieces.consume(input.mid(pos, chunk));
    FUZZ_CHECK(status == piecesStatus,
               input + "\nat once " + QByteArray::number(status) + ", in pieces of "
                   + QByteArray::number(chunk) + ": " + QByteArray::number(piecesStatus));
    FUZZ_CHECK(whole.completeRequests() == pieces.completeRequests(), input);
    FUZZ_CHECK(status == 0 || status == 400 || status == 413 || status == 431, input);
    if (status == 0)
        FUZZ_CHECK(whole.inRequest() == pieces.inRequest(), input);

    // The requests the framing let through, one by one, read the same
    // whichever way the bytes came.
    const QList<RequestFraming::Request> requests = whole.takeCompleted();
    const QList<RequestFraming::Request> piecesRequests = pieces.takeCompleted();
    FUZZ_CHECK(requests.size() == piecesRequests.size(), input);
    qsizetype pos = 0;
    for (qsizetype i = 0; i < requests.size(); ++i) {
        RequestFraming::Request framed = requests.at(i);
        FUZZ_CHECK(sameRequest(framed, piecesRequests.at(i)), input);
        FUZZ_CHECK(!framed.method.isEmpty() && !framed.target.isEmpty() && framed.bodySize <= MaxBodyBytes
                       && framed.bodySize < framed.size && pos + framed.size <= input.size(),
                   input);
        const QByteArray body = input.mid(pos + framed.size - framed.bodySize, framed.bodySize);
        pos += framed.size;
        const QByteArray target = framed.target;
        const HttpRequest request
            = HttpRequest::fromFraming(std::move(framed), body, QHostAddress(QHostAddress::LocalHost));
        if (target.startsWith('/')) {
            const auto [path, query] = urlReading(target);
            FUZZ_CHECK(request.path == path,
                       input + "\npath " + request.path.toUtf8() + " vs " + path.toUtf8());
            FUZZ_CHECK(request.query.queryItems(QUrl::FullyEncoded) == query.queryItems(QUrl::FullyEncoded),
                       input);
        }
        readRoute(server, request, input);
    }
    return 0;
}
