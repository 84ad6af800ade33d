#include "ctlworkspace.h"
#include "fixtures.h"
#include "kernel/core.h"
#include "kernel/database.h"
#include "mail/mailoutbox.h"
#include "testsmtp.h"

#include <QDir>
#include <QFile>
#include <QTcpServer>
#include <QTcpSocket>
#include <QTest>
#include <QUrl>
#include <QUuid>

using namespace guichet;

// `guichetctl mail deliver` as an operator runs it, against the SMTP server
// scripts/test starts.
class TestCtlMail : public QObject
{
    Q_OBJECT

private:
    using Run = guichet::test::ProcessRun;
    Run ctl(const QStringList &args, const QByteArray &input = {}) { return m_ctl.run(args, input); }

    // Queues one mail to a new user whose address carries a unique token.
    qint64 queue(QByteArray *token)
    {
        *token = QUuid::createUuid().toByteArray(QUuid::Id128).left(16);
        const QString to = QStringLiteral("op+%1@example.org").arg(QString::fromLatin1(*token));
        const auto database = m_ctl.open();
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
        const auto database = m_ctl.open();
        SystemClock clock;
        Core core(*database, clock);
        return MailOutbox(core).mail(id);
    }
    guichet::test::CtlWorkspace m_ctl { QStringLiteral(GUICHETCTL_PATH), QStringLiteral("mail.sqlite") };

private slots:
    void initTestCase()
    {
        GUICHET_REQUIRE_SMTP();
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
        QTRY_VERIFY_WITH_TIMEOUT(!guichet::test::deliveredMail(token).isEmpty(), 10000);
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
        QVERIFY(guichet::test::deliveredMail(token).isEmpty());
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
