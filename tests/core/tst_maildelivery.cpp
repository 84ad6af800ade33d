#include "fixtures.h"
#include "kernel/core.h"
#include "mail/maildelivery.h"
#include "mail/mailoutbox.h"
#include "manualclock.h"
#include "rules/accounts/accounts.h"
#include "testdatabase.h"
#include "testsmtp.h"

#include <QDir>
#include <QFile>
#include <QRegularExpression>
#include <QTcpServer>
#include <QTcpSocket>
#include <QTest>
#include <QUrl>
#include <QUuid>

using namespace guichet;
using namespace guichet::test;

namespace {

// One header's value, unfolded.
QByteArray header(const QByteArray &mail, const QByteArray &name)
{
    const QRegularExpression re(
        QStringLiteral("(?:^|\\n)%1: ?(.*(?:\\r?\\n[ \\t].*)*)").arg(QString::fromLatin1(name)),
        QRegularExpression::CaseInsensitiveOption);
    const QRegularExpressionMatch match = re.match(QString::fromLatin1(mail));
    QString value = match.captured(1);
    value.replace(QRegularExpression(QStringLiteral("\\r?\\n[ \\t]+")), QStringLiteral(" "));
    return value.trimmed().toLatin1();
}

// RFC 2047 decoding of UTF-8 base64 encoded-words (whitespace between them is dropped).
QString decodeWords(const QByteArray &value)
{
    QByteArray utf8;
    const QRegularExpression word(QStringLiteral("=\\?UTF-8\\?B\\?([^?]*)\\?=(?:\\s+(?==\\?))?"),
                                  QRegularExpression::CaseInsensitiveOption);
    qsizetype last = 0;
    const QString latin = QString::fromLatin1(value);
    for (auto it = word.globalMatch(latin); it.hasNext();) {
        const QRegularExpressionMatch m = it.next();
        utf8 += latin.mid(last, m.capturedStart() - last).toLatin1();
        utf8 += QByteArray::fromBase64(m.captured(1).toLatin1());
        last = m.capturedEnd();
    }
    utf8 += latin.mid(last).toLatin1();
    return QString::fromUtf8(utf8);
}

QString decodeQuotedPrintable(const QByteArray &body)
{
    QByteArray text = body;
    text.replace("\r\n", "\n");
    QByteArray out;
    for (qsizetype i = 0; i < text.size(); ++i) {
        if (text.at(i) == '=' && i + 1 < text.size() && text.at(i + 1) == '\n') {
            ++i; // soft line break
        } else if (text.at(i) == '=' && i + 2 < text.size()) {
            out += QByteArray::fromHex(text.mid(i + 1, 2));
            i += 2;
        } else {
            out += text.at(i);
        }
    }
    return QString::fromUtf8(out);
}

QByteArray uniqueToken()
{
    return QUuid::createUuid().toByteArray(QUuid::Id128).left(16);
}

} // namespace

// Delivery of the outbox to the real SMTP server scripts/test starts.
class TestMailDelivery : public QObject
{
    Q_OBJECT

private:
    SmtpSettings realServer()
    {
        QString error;
        std::optional<SmtpSettings> settings
            = SmtpSettings::fromUrl(qEnvironmentVariable("GUICHET_TEST_SMTP_URL"), &error);
        if (!settings)
            qFatal("GUICHET_TEST_SMTP_URL: %s", qPrintable(error));
        settings->from = QStringLiteral("guichet@example.org");
        settings->timeoutSecs = 10;
        return *settings;
    }

    qint64 queue(Core &core, qint64 userId, const QString &to, const QString &subject, const QString &text,
                 const QString &html = {})
    {
        qint64 id = 0;
        const CommandResult r = core.run(QStringLiteral("queueTestMail"), userId, [&](CommandContext &ctx) {
            id = ctx.queueMail(userId, to, subject, text, html);
        });
        if (!r.ok())
            qWarning("queue: %s", qPrintable(r.message));
        return id;
    }

private slots:
    void initTestCase() { GUICHET_REQUIRE_SMTP(); }

    void settingsFromUrl()
    {
        QString error;
        QVERIFY(!SmtpSettings::fromUrl(QStringLiteral("http://mail.example.org"), &error));
        QVERIFY(error.contains(QLatin1String("http://mail.example.org")));
        QVERIFY(!SmtpSettings::fromUrl(QStringLiteral("smtp://"), &error));
        QVERIFY(!SmtpSettings::fromUrl(QStringLiteral("not a url"), &error));
        const auto settings
            = SmtpSettings::fromUrl(QStringLiteral("smtps://bot:s3cret@mail.example.org:465"), &error);
        QVERIFY(settings);
        QCOMPARE(settings->url, QStringLiteral("smtps://mail.example.org:465"));
        QCOMPARE(settings->username, QStringLiteral("bot"));
        QCOMPARE(settings->password, QStringLiteral("s3cret"));
    }

    void plainMailArrivesAndIsMarkedSent()
    {
        TestDatabase t;
        GUICHET_REQUIRE_DB(t);
        ManualClock clock;
        Core core(t.db(), clock);
        const QByteArray token = uniqueToken();
        const QString to = QStringLiteral("alice+%1@example.org").arg(QString::fromLatin1(token));
        const qint64 alice = insertUser(t.db(), to);
        const QString subject = QStringLiteral("Votre compte « é » est prêt — %1 %2")
                                    .arg(QString::fromLatin1(token), QString(40, QLatin1Char('x')));
        const QString text = QStringLiteral("Bonjour Alice,\nVotre lien : https://example.org/r/abc=def\n")
            + QString(100, QLatin1Char('y')) + QStringLiteral(" fin.\n.\nUne ligne après un point seul.");
        const qint64 id = queue(core, alice, to, subject, text);
        QVERIFY(id > 0);

        clock.advanceSecs(30);
        MailDelivery delivery(core, realServer());
        QVERIFY2(delivery.deliverPending() == 1, qPrintable(delivery.lastReport().lastError));
        QCOMPARE(delivery.lastReport().failed, 0);
        QTRY_VERIFY_WITH_TIMEOUT(!deliveredMail(token).isEmpty(), 10000);
        const QByteArray mail = deliveredMail(token);

        QCOMPARE(QString::fromLatin1(header(mail, "To")), to);
        QCOMPARE(QString::fromLatin1(header(mail, "From")), QStringLiteral("guichet@example.org"));
        QVERIFY(header(mail, "Subject").startsWith("=?UTF-8?B?"));
        QCOMPARE(decodeWords(header(mail, "Subject")), subject);
        QVERIFY(header(mail, "Content-Type").startsWith("text/plain; charset=UTF-8"));
        QCOMPARE(header(mail, "MIME-Version"), QByteArray("1.0"));
        QVERIFY(header(mail, "Message-ID").endsWith("@example.org>"));
        QVERIFY(header(mail, "Date").endsWith("+0000"));
        const qsizetype bodyStart = mail.indexOf("\n\n");
        QVERIFY(bodyStart > 0);
        const QString body = decodeQuotedPrintable(mail.mid(bodyStart + 2)).trimmed();
        QString expected = text;
        QCOMPARE(body, expected);

        const OutboxMail row = *MailOutbox(core).mail(id);
        QVERIFY(row.isSent());
        QCOMPARE(row.sentAt, clock.now());
        QCOMPARE(row.attempts, 1);
        QVERIFY(MailOutbox(core).pending().isEmpty());
        // Sent mail is not sent again.
        QCOMPARE(delivery.deliverPending(), 0);
    }

    void htmlMailIsMultipartAlternative()
    {
        TestDatabase t;
        GUICHET_REQUIRE_DB(t);
        ManualClock clock;
        Core core(t.db(), clock);
        const QByteArray token = uniqueToken();
        const QString to = QStringLiteral("bruno+%1@example.org").arg(QString::fromLatin1(token));
        const qint64 bruno = insertUser(t.db(), to, QStringLiteral("Bruno"));
        const qint64 id = queue(core, bruno, to, QStringLiteral("News %1").arg(QString::fromLatin1(token)),
                                QStringLiteral("Texte : été"), QStringLiteral("<p>HTML : <b>été</b></p>"));
        MailDelivery delivery(core, realServer());
        QCOMPARE(delivery.deliverPending(), 1);
        QTRY_VERIFY_WITH_TIMEOUT(!deliveredMail(token).isEmpty(), 10000);
        const QByteArray mail = deliveredMail(token);
        QCOMPARE(header(mail, "Subject"), QByteArray("News ") + token);
        QVERIFY(header(mail, "Content-Type").startsWith("multipart/alternative; boundary="));
        const qsizetype plain = mail.indexOf("Content-Type: text/plain; charset=UTF-8");
        const qsizetype html = mail.indexOf("Content-Type: text/html; charset=UTF-8");
        QVERIFY(plain > 0);
        QVERIFY(html > plain);
        QVERIFY(decodeQuotedPrintable(mail.mid(plain, html - plain)).contains(QStringLiteral("Texte : été")));
        QVERIFY(decodeQuotedPrintable(mail.mid(html)).contains(QStringLiteral("<p>HTML : <b>été</b></p>")));
        QVERIFY(MailOutbox(core).mail(id)->isSent());
    }

    void deactivatedAccountReceivesNothing()
    {
        TestDatabase t;
        GUICHET_REQUIRE_DB(t);
        ManualClock clock;
        Core core(t.db(), clock);
        const QByteArray dropToken = uniqueToken();
        const QByteArray keepToken = uniqueToken();
        const QString carolTo = QStringLiteral("carol+%1@example.org").arg(QString::fromLatin1(dropToken));
        const QString daveTo = QStringLiteral("dave+%1@example.org").arg(QString::fromLatin1(keepToken));
        const qint64 carol = insertUser(t.db(), carolTo, QStringLiteral("Carol"));
        const qint64 dave = insertUser(t.db(), daveTo, QStringLiteral("Dave"));
        // Queued while Carol was active, then she deactivates her account.
        const qint64 dropped
            = queue(core, carol, carolTo, QStringLiteral("For Carol"), QStringLiteral("Hello"));
        QVERIFY(dropped > 0);
        const CommandResult r = Accounts(core).deactivateAccount(carol, Successors::none());
        QVERIFY2(r.ok(), qPrintable(r.message));
        const qint64 kept = queue(core, dave, daveTo, QStringLiteral("For Dave"), QStringLiteral("Hello"));

        MailDelivery delivery(core, realServer());
        QCOMPARE(delivery.deliverPending(), 1);
        QCOMPARE(delivery.lastReport().dropped, 1);
        QVERIFY(MailOutbox(core).mail(kept)->isSent());
        QTRY_VERIFY_WITH_TIMEOUT(!deliveredMail(keepToken).isEmpty(), 10000);
        // Dave's mail went after Carol's turn: hers never reached the server.
        QVERIFY(deliveredMail(dropToken).isEmpty());
        OutboxMail row = *MailOutbox(core).mail(dropped);
        QVERIFY(!row.isSent());
        QCOMPARE(row.lastError, MailDelivery::droppedError());
        QCOMPARE(row.attempts, 1);

        // Not retried, not even much later.
        clock.advanceDays(365);
        QCOMPARE(delivery.deliverPending(), 0);
        QCOMPARE(delivery.lastReport().dropped, 0);
        QCOMPARE(MailOutbox(core).mail(dropped)->attempts, 1);
        QVERIFY(deliveredMail(dropToken).isEmpty());
    }

    void unreachableServerIsRetriedWithBackoffThenGivenUp()
    {
        TestDatabase t;
        GUICHET_REQUIRE_DB(t);
        ManualClock clock;
        Core core(t.db(), clock);
        const QByteArray token = uniqueToken();
        const QString to = QStringLiteral("erin+%1@example.org").arg(QString::fromLatin1(token));
        const qint64 erin = insertUser(t.db(), to, QStringLiteral("Erin"));
        const qint64 id = queue(core, erin, to, QStringLiteral("Unreachable"), QStringLiteral("Hello"));

        // A port nobody listens on.
        QTcpServer server;
        QVERIFY(server.listen(QHostAddress::LocalHost));
        const quint16 port = server.serverPort();
        server.close();
        SmtpSettings settings = realServer();
        settings.url = QStringLiteral("smtp://127.0.0.1:%1").arg(port);
        MailDelivery delivery(core, settings);
        MailOutbox outbox(core);

        QCOMPARE(delivery.deliverPending(), 0);
        QCOMPARE(delivery.lastReport().failed, 1);
        QVERIFY(!delivery.lastReport().lastError.isEmpty());
        OutboxMail row = *outbox.mail(id);
        QVERIFY(!row.isSent());
        QCOMPARE(row.attempts, 1);
        QCOMPARE(row.nextAttemptAt, clock.now().addSecs(60));
        QCOMPARE(row.lastError, delivery.lastReport().lastError);
        // Not due yet: not tried.
        clock.advanceSecs(59);
        QCOMPARE(delivery.deliverPending(), 0);
        QCOMPARE(outbox.mail(id)->attempts, 1);

        const qint64 delays[] = { 60, 120, 240, 480, 960, 1920, 3840, 7680, 15360 };
        for (int attempt = 2; attempt <= 9; ++attempt) {
            clock.set(outbox.mail(id)->nextAttemptAt);
            QCOMPARE(delivery.deliverPending(), 0);
            row = *outbox.mail(id);
            QCOMPARE(row.attempts, attempt);
            QCOMPARE(row.nextAttemptAt, clock.now().addSecs(delays[attempt - 1]));
        }
        QCOMPARE(MailDelivery::retryDelaySecs(10), qint64(6 * 3600)); // the cap
        clock.set(outbox.mail(id)->nextAttemptAt);
        QCOMPARE(delivery.deliverPending(), 0);
        QCOMPARE(delivery.lastReport().givenUp, 1);
        row = *outbox.mail(id);
        QCOMPARE(row.attempts, 10);
        QVERIFY(row.lastError.startsWith(QLatin1String("given up after 10 attempts")));
        QVERIFY(!row.isSent());

        // Given up: a year later, even with the server back, nothing is tried.
        clock.advanceDays(365);
        MailDelivery working(core, realServer());
        QCOMPARE(working.deliverPending(), 0);
        QCOMPARE(outbox.mail(id)->attempts, 10);
        QVERIFY(deliveredMail(token).isEmpty());
    }
};

QTEST_GUILESS_MAIN(TestMailDelivery)
#include "tst_maildelivery.moc"
