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
        QVERIFY(framing.closeRequested());
        QCOMPARE(framing.requestLine(), QByteArray("GET /a HTTP/1.1"));
    }

    // The connection guard hands the HTTP layer one request at a time by its
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
