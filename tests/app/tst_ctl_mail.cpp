#include "fixtures.h"
#include "kernel/core.h"
#include "kernel/database.h"
#include "mail/mailoutbox.h"
#include "processrun.h"

#include <QDir>
#include <QFile>
#include <QTcpServer>
#include <QTcpSocket>
#include <QTemporaryDir>
#include <QTest>
#include <QUrl>
#include <QUuid>

using namespace guichet;

namespace {

// scripts/test starts the SMTP server just before the tests: wait until it listens.
bool waitForSmtpServer()
{
    const QUrl url(qEnvironmentVariable("GUICHET_TEST_SMTP_URL"));
    for (int i = 0; i < 100; ++i) {
        QTcpSocket socket;
        socket.connectToHost(url.host(), static_cast<quint16>(url.port(25)));
        if (socket.waitForConnected(200))
            return true;
        QTest::qWait(100);
    }
    return false;
}
} // namespace

// `guichetctl mail deliver` as an operator runs it, against the SMTP server
// scripts/test starts.
class TestCtlMail : public QObject
{
    Q_OBJECT

private:
    using Run = guichet::test::ProcessRun;
    Run ctl(const QStringList &args)
    {
        return guichet::test::runProgram(QStringLiteral(GUICHETCTL_PATH),
                                         QStringList { QStringLiteral("--database"), db() } + args);
    }
    QString db() const { return m_dir.filePath(QStringLiteral("mail.sqlite")); }

    // Queues one mail to a new user whose address carries a unique token.
    qint64 queue(QByteArray *token)
    {
        *token = QUuid::createUuid().toByteArray(QUuid::Id128).left(16);
        const QString to = QStringLiteral("op+%1@example.org").arg(QString::fromLatin1(*token));
        QString error;
        auto database = Database::open(db(), &error);
        if (!database)
            return 0;
        SystemClock clock;
        Core core(*database, clock);
        const qint64 user = guichet::test::insertUser(*database, to);
        qint64 id = 0;
        core.run(QStringLiteral("queueTestMail"), user, [&](CommandContext &ctx) {
            id = ctx.queueMail(user, to, QStringLiteral("Opérateur"), QStringLiteral("Bonjour"));
        });
        return id;
    }
    std::optional<OutboxMail> mail(qint64 id)
    {
        QString error;
        auto database = Database::open(db(), &error);
        SystemClock clock;
        Core core(*database, clock);
        return MailOutbox(core).mail(id);
    }
    static bool arrived(const QByteArray &token)
    {
        const QDir dir(qEnvironmentVariable("GUICHET_TEST_MAILDIR") + QStringLiteral("/new"));
        const QStringList names = dir.entryList(QDir::Files);
        for (const QString &name : names) {
            QFile file(dir.filePath(name));
            if (file.open(QIODevice::ReadOnly) && file.readAll().contains(token))
                return true;
        }
        return false;
    }

    QTemporaryDir m_dir;

private slots:
    void initTestCase()
    {
        if (qEnvironmentVariableIsEmpty("GUICHET_TEST_SMTP_URL")
            || qEnvironmentVariableIsEmpty("GUICHET_TEST_MAILDIR"))
            QSKIP("No test SMTP server: run through scripts/test.");
        QVERIFY2(waitForSmtpServer(), "The test SMTP server does not answer.");
        QCOMPARE(ctl({ QStringLiteral("init") }).exitCode, 0);
    }

    void badSmtpUrlExitsTwoAndSendsNothing()
    {
        QByteArray token;
        const qint64 id = queue(&token);
        QVERIFY(id > 0);
        const Run r = ctl({ QStringLiteral("mail"), QStringLiteral("deliver"), QStringLiteral("--smtp"),
                            QStringLiteral("http://mail.example.org") });
        QCOMPARE(r.exitCode, 2);
        QVERIFY2(r.err.contains(QLatin1String("--smtp")), qPrintable(r.err));
        QCOMPARE(r.err.count(QLatin1Char('\n')), 1);
        QCOMPARE(mail(id)->attempts, 0);
        QVERIFY(!mail(id)->isSent());
    }

    void deliverSendsThePendingMail()
    {
        QByteArray token;
        const qint64 id = queue(&token);
        const Run r = ctl({ QStringLiteral("mail"), QStringLiteral("deliver"), QStringLiteral("--smtp"),
                            qEnvironmentVariable("GUICHET_TEST_SMTP_URL"), QStringLiteral("--from"),
                            QStringLiteral("guichet@example.org") });
        QVERIFY2(r.exitCode == 0, qPrintable(r.err));
        // This one and the one left by the previous test.
        QVERIFY2(r.out.contains(QLatin1String("Sent: 2")), qPrintable(r.out));
        QVERIFY(mail(id)->isSent());
        QTRY_VERIFY_WITH_TIMEOUT(arrived(token), 10000);
    }

    void unreachableServerExitsOneAndMarksNothingSent()
    {
        QByteArray token;
        const qint64 id = queue(&token);
        QTcpServer server;
        QVERIFY(server.listen(QHostAddress::LocalHost));
        const QString url = QStringLiteral("smtp://127.0.0.1:%1").arg(server.serverPort());
        server.close();
        const Run r
            = ctl({ QStringLiteral("mail"), QStringLiteral("deliver"), QStringLiteral("--smtp"), url });
        QCOMPARE(r.exitCode, 1);
        QVERIFY2(r.out.contains(QLatin1String("Sent: 0, failed (will retry): 1")), qPrintable(r.out));
        QVERIFY2(r.err.contains(QLatin1String("Delivery failed: ")) && r.err.size() > 30, qPrintable(r.err));
        const OutboxMail row = *mail(id);
        QVERIFY(!row.isSent());
        QCOMPARE(row.attempts, 1);
        QVERIFY(!row.lastError.isEmpty());
        QVERIFY(!arrived(token));
    }

    void unknownSubCommandIsBadInput()
    {
        const Run r = ctl({ QStringLiteral("mail"), QStringLiteral("send") });
        QCOMPARE(r.exitCode, 2);
        QVERIFY(r.err.contains(QLatin1String("deliver")));
    }
};

QTEST_GUILESS_MAIN(TestCtlMail)
#include "tst_ctl_mail.moc"
