#include "server/httpbinding.h"
#include "server/requestframing.h"

#include <QTest>

using namespace guichet::server;

// The framing LimitedTcpServer follows on every connection, without a socket
// (fuzz/http_request.cpp fuzzes the same class).
class TestRequestFraming : public QObject
{
    Q_OBJECT

private:
    struct Verdict
    {
        int status;
        qint64 complete;
        bool inRequest;
    };

    static Verdict read(const QByteArray &stream, qsizetype chunk)
    {
        RequestFraming framing(64, 100);
        int status = 0;
        for (qsizetype pos = 0; pos < stream.size() && status == 0; pos += chunk)
            status = framing.consume(stream.mid(pos, chunk));
        return { status, framing.completeRequests(), framing.inRequest() };
    }

private slots:
    void verdicts_data()
    {
        QTest::addColumn<QByteArray>("stream");
        QTest::addColumn<int>("status");
        QTest::addColumn<qint64>("complete");
        QTest::addColumn<bool>("inRequest");
        QTest::newRow("one GET") << QByteArray("GET /a HTTP/1.1\r\n\r\n") << 0 << qint64(1) << false;
        QTest::newRow("pipelined, blank lines between")
            << QByteArray("\r\nGET /a HTTP/1.1\r\n\r\n\r\nPOST /b HTTP/1.1\r\nContent-Length: 3\r\n\r\n{}\n"
                          "GET /c HTTP/1.1\r\n\r\n")
            << 0 << qint64(3) << false;
        QTest::newRow("body still coming")
            << QByteArray("POST /b HTTP/1.1\r\nContent-Length: 10\r\n\r\n{}") << 0 << qint64(0) << true;
        QTest::newRow("headers still coming")
            << QByteArray("GET /a HTTP/1.1\r\nHost: x\r\n") << 0 << qint64(0) << true;
        QTest::newRow("body over the limit")
            << QByteArray("GET /a HTTP/1.1\r\n\r\nPOST /b HTTP/1.1\r\nContent-Length: 101\r\n\r\n") << 413
            << qint64(1) << false;
        // 64 bytes of head, then the blank line: at the limit, whichever
        // chunk the blank line's first bytes come in.
        QTest::newRow("headers at the limit")
            << (QByteArray("GET /a HTTP/1.1\r\nX: ") + QByteArray(44, 'x') + "\r\n\r\n") << 0 << qint64(1)
            << false;
        QTest::newRow("headers over the limit")
            << (QByteArray("GET /a HTTP/1.1\r\nX: ") + QByteArray(64, 'x') + "\r\n\r\n") << 431 << qint64(0)
            << false;
        QTest::newRow("two lengths") << QByteArray(
            "POST /b HTTP/1.1\r\nContent-Length: 1\r\ncontent-length: 1\r\n\r\n")
                                     << 400 << qint64(0) << false;
        QTest::newRow("chunked") << QByteArray("POST /b HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n")
                                 << 400 << qint64(0) << false;
        QTest::newRow("signed length")
            << QByteArray("POST /b HTTP/1.1\r\nContent-Length: +1\r\n\r\n") << 400 << qint64(0) << false;
        // The request line and headers the routes are served from.
        QTest::newRow("no version") << QByteArray("GET /a\r\n\r\n") << 400 << qint64(0) << false;
        QTest::newRow("HTTP/2 line") << QByteArray("GET /a HTTP/2.0\r\n\r\n") << 400 << qint64(0) << false;
        QTest::newRow("two spaces") << QByteArray("GET  /a HTTP/1.1\r\n\r\n") << 400 << qint64(0) << false;
        QTest::newRow("a blank in the target")
            << QByteArray("GET /a b HTTP/1.1\r\n\r\n") << 400 << qint64(0) << false;
        QTest::newRow("method not a token")
            << QByteArray("G(T /a HTTP/1.1\r\n\r\n") << 400 << qint64(0) << false;
        QTest::newRow("header without a colon")
            << QByteArray("GET /a HTTP/1.1\r\nHost x\r\n\r\n") << 400 << qint64(0) << false;
        QTest::newRow("header without a name")
            << QByteArray("GET /a HTTP/1.1\r\n: x\r\n\r\n") << 400 << qint64(0) << false;
        QTest::newRow("folded header")
            << QByteArray("GET /a HTTP/1.1\r\nX-A: 1\r\n  2\r\n\r\n") << 400 << qint64(0) << false;
        QTest::newRow("bare LF blank line inside the head")
            << QByteArray("GET /a HTTP/1.1\r\nX-A: 1\n\nX-B: 2\r\n\r\n") << 400 << qint64(0) << false;
        QTest::newRow("a blank before the colon")
            << QByteArray("POST /b HTTP/1.1\r\nContent-Length : 2\r\n\r\n{}") << 400 << qint64(0) << false;
        QTest::newRow("a tab before the colon")
            << QByteArray("POST /b HTTP/1.1\r\nContent-Length\t: 2\r\n\r\n{}") << 400 << qint64(0) << false;
        QTest::newRow("a bare CR in a value")
            << QByteArray("GET /a HTTP/1.1\r\nX: a\rTransfer-Encoding: chunked\r\n\r\n") << 400 << qint64(0)
            << false;
        QTest::newRow("a vertical tab around a length")
            << QByteArray("POST /b HTTP/1.1\r\nContent-Length: \v2\r\n\r\n{}") << 400 << qint64(0) << false;
        QTest::newRow("a NUL in a name")
            << QByteArray("GET /a HTTP/1.1\r\nX\0Y: 1\r\n\r\n", 31) << 400 << qint64(0) << false;
        QTest::newRow("a good request before a bad line")
            << QByteArray("GET /a HTTP/1.1\r\n\r\nBREW /b\r\n\r\n") << 400 << qint64(1) << false;
    }

    // However the bytes arrive (at once, byte by byte, in threes), the same verdict.
    void verdicts()
    {
        QFETCH(QByteArray, stream);
        QFETCH(int, status);
        QFETCH(qint64, complete);
        QFETCH(bool, inRequest);
        for (const qsizetype chunk : { stream.size(), qsizetype(1), qsizetype(3), qsizetype(17) }) {
            const Verdict v = read(stream, chunk);
            QCOMPARE(v.status, status);
            QCOMPARE(v.complete, complete);
            if (status == 0)
                QCOMPARE(v.inRequest, inRequest);
        }
    }

    void connectionCloseIsNoted()
    {
        RequestFraming framing(1024, 1024);
        QCOMPARE(framing.consume("GET /a HTTP/1.1\r\nConnection: Close\r\n\r\n"), 0);
        QVERIFY(framing.takeCompleted().value(0).close);
        QCOMPARE(framing.requestLine(), QByteArray("GET /a HTTP/1.1"));
    }

    // Each field is an entry in memory: a head of many tiny fields is refused
    // however small its bytes.
    void fieldsAreBoundedInNumber()
    {
        QByteArray head = "GET /a HTTP/1.1\r\n";
        for (int i = 0; i < RequestFraming::MaxHeaderFields; ++i)
            head += "A:\r\n";
        RequestFraming atTheLimit(64 * 1024, 0);
        QCOMPARE(atTheLimit.consume(head + "\r\n"), 0);
        QCOMPARE(atTheLimit.takeCompleted().value(0).headers.size(), RequestFraming::MaxHeaderFields);
        RequestFraming over(64 * 1024, 0);
        QCOMPARE(over.consume(head + "A:\r\n\r\n"), 431);
    }

    // The path and query the routes read from a target, in its origin or
    // absolute form; a fragment is dropped, the path percent-decoded.
    void targetsAreReadForTheirPathAndQuery_data()
    {
        QTest::addColumn<QByteArray>("target");
        QTest::addColumn<QString>("path");
        QTest::addColumn<QString>("since");
        QTest::newRow("origin form") << QByteArray("/api/v1/changes?since=4") << "/api/v1/changes"
                                     << "4";
        QTest::newRow("percent-encoded")
            << QByteArray("/api/v1/%63hanges%20x?since=%34") << "/api/v1/changes x"
            << "4";
        QTest::newRow("fragment") << QByteArray("/api/v1/changes?since=4#since=5") << "/api/v1/changes"
                                  << "4";
        QTest::newRow("absolute form")
            << QByteArray("HTTP://h:8080/api/v1/changes?since=4") << "/api/v1/changes"
            << "4";
        QTest::newRow("absolute form, https, no path") << QByteArray("https://h") << "/"
                                                       << "";
        QTest::newRow("absolute form, a query and no path") << QByteArray("http://h?since=4") << ""
                                                            << "4";
        QTest::newRow("a scheme-like text in the query") << QByteArray("x?u=http://h/api/v1/session") << "x"
                                                         << "";
        QTest::newRow("another scheme") << QByteArray("ftp://h/api/v1/changes") << "ftp://h/api/v1/changes"
                                        << "";
    }

    void targetsAreReadForTheirPathAndQuery()
    {
        QFETCH(QByteArray, target);
        QFETCH(QString, path);
        QFETCH(QString, since);
        RequestFraming::Request framed;
        framed.method = "GET";
        framed.target = target;
        const HttpRequest request = HttpRequest::fromFraming(std::move(framed), {}, QHostAddress::LocalHost);
        QCOMPARE(request.path, path);
        QCOMPARE(request.query.queryItemValue(QStringLiteral("since")), since);
    }

    // What the routes read: the method, the target and the headers as sent
    // (names and values trimmed), the body's size; read alike in any chunks.
    void eachRequestIsReadOnce()
    {
        const QByteArray bytes = "POST /api/v1/commands/x?a=1 HTTP/1.1\r\nHost: h\r\nX-Empty:\r\n"
                                 "content-type: \t application/json \t\r\nContent-Length: 2\r\n\r\n{}"
                                 "HEAD http://h/api/v1/health HTTP/1.1\n\n";
        for (const int chunk : { 1, 7, int(bytes.size()) }) {
            RequestFraming framing(1024, 1024);
            QList<RequestFraming::Request> completed;
            for (qsizetype pos = 0; pos < bytes.size(); pos += chunk) {
                QCOMPARE(framing.consume(bytes.mid(pos, chunk)), 0);
                completed += framing.takeCompleted();
            }
            QCOMPARE(completed.size(), 1); // the second head lacks its CRLF CRLF
            const RequestFraming::Request &post = completed.at(0);
            QCOMPARE(post.method, QByteArray("POST"));
            QCOMPARE(post.target, QByteArray("/api/v1/commands/x?a=1"));
            const HeaderList headers { { "Host", "h" },
                                       { "X-Empty", "" },
                                       { "content-type", "application/json" },
                                       { "Content-Length", "2" } };
            QCOMPARE(post.headers, headers);
            QCOMPARE(post.bodySize, qint64(2));
            QVERIFY(!post.close);
        }
    }

    // HTTP/1.0 closes after its answer unless it asks otherwise (RFC 9112,
    // 9.3); « close » wins over « keep-alive » in either order.
    void http10ClosesUnlessKeptAlive()
    {
        RequestFraming framing(1024, 1024);
        QCOMPARE(framing.consume("GET /a HTTP/1.0\r\n\r\nGET /b HTTP/1.0\r\nConnection: Keep-Alive\r\n\r\n"
                                 "GET /c HTTP/1.1\r\n\r\n"
                                 "GET /d HTTP/1.0\r\nConnection: close\r\nConnection: keep-alive\r\n\r\n"
                                 "GET /e HTTP/1.1\r\nConnection: keep-alive, close\r\n\r\n"),
                 0);
        const QList<RequestFraming::Request> completed = framing.takeCompleted();
        QCOMPARE(completed.size(), 5);
        QVERIFY(completed.at(0).close);
        QVERIFY(!completed.at(1).close);
        QVERIFY(!completed.at(2).close);
        QVERIFY(completed.at(3).close);
        QVERIFY(completed.at(4).close);
    }

    // The connection guard hands the routes one request at a time by its
    // size: each whole request, blank lines before it included, with its own
    // « Connection: close », whatever the chunks.
    void eachCompletedRequestHasItsSizeAndCloseFlag()
    {
        const QByteArray first = "\r\nPOST /a HTTP/1.1\r\nContent-Length: 3\r\n\r\nabc";
        const QByteArray second = "GET /b HTTP/1.1\r\nConnection: close\r\n\r\n";
        const QByteArray bytes = first + second + "GET /c";
        for (const int chunk : { 1, 5, int(bytes.size()) }) {
            RequestFraming framing(1024, 1024);
            QList<RequestFraming::Request> completed;
            for (qsizetype pos = 0; pos < bytes.size(); pos += chunk) {
                QCOMPARE(framing.consume(bytes.mid(pos, chunk)), 0);
                completed += framing.takeCompleted();
            }
            QCOMPARE(completed.size(), 2);
            QCOMPARE(completed.at(0).size, first.size());
            QVERIFY(!completed.at(0).close);
            QCOMPARE(completed.at(1).size, second.size());
            QVERIFY(completed.at(1).close);
            QVERIFY(framing.inRequest()); // « GET /c » is still coming
            QVERIFY(framing.takeCompleted().isEmpty());
        }
    }
};

QTEST_GUILESS_MAIN(TestRequestFraming)
#include "tst_requestframing.moc"
