#include "apiclient.h"
#include "fixtures.h"
#include "kernel/guichetlink.h"
#include "rules/accounts/passwords.h"
#include "testdatabase.h"

#include <QDateTime>
#include <QFile>
#include <QProcess>
#include <QRegularExpression>
#include <QTest>

using namespace guichet;
using namespace guichet::test;

// guichetd's options from the environment (the packaged unit's
// EnvironmentFile), the command line winning, bad values refused naming the
// variable, and --version.
class TestGuichetdOptions : public QObject
{
    Q_OBJECT

private:
    const QString m_password = QStringLiteral("Tournesol2024x");
    std::unique_ptr<TestDatabase> m_db;
    int m_users = 0;

    QString newUser()
    {
        const QString email = QStringLiteral("user%1@example.org").arg(++m_users);
        const qint64 userId = insertUser(m_db->db(), email);
        m_db->db().exec(QStringLiteral("UPDATE users SET password_hash = ? WHERE id = ?"),
                        { PasswordHasher::hash(m_password), userId });
        return email;
    }

    // The session lifetime, in days, that a guichetd started with args gives.
    qint64 sessionDays(Guichetd &server)
    {
        ApiClient api(server.baseUrl());
        ApiReply r;
        if (api.signIn(newUser(), m_password, &r).isEmpty())
            return -1;
        const QDateTime expires
            = QDateTime::fromString(r.json.value(QLatin1String("expiresAt")).toString(), Qt::ISODate);
        return qRound(QDateTime::currentDateTimeUtc().secsTo(expires) / 86400.0);
    }

private slots:
    void initTestCase()
    {
        PasswordHasher::setFastHashingForTests(true);
        m_db = std::make_unique<TestDatabase>();
        GUICHET_REQUIRE_DB(*m_db);
    }

    void cleanup()
    {
        for (const char *name : { "GUICHETD_SESSION_DAYS", "GUICHETD_MAX_BODY", "GUICHETD_DAILY_MAIL_AT",
                                  "GUICHETD_WEEKLY_MAIL_AT", "GUICHETD_PUBLIC_URL" })
            qunsetenv(name);
    }

    void optionsComeFromTheEnvironment()
    {
        qputenv("GUICHETD_SESSION_DAYS", "3");
        qputenv("GUICHETD_MAX_BODY", "2048");
        Guichetd server;
        QString error;
        QVERIFY2(server.start(m_db->location(), {}, &error), qPrintable(error));
        QCOMPARE(sessionDays(server), 3);
        ApiClient api(server.baseUrl());
        const ApiReply big
            = api.postRaw(QStringLiteral("/api/v1/solicitations"), QByteArray(200 * 1024, 'x'));
        QCOMPARE(big.status, 413);
        QCOMPARE(server.stop(), 0);
    }

    void theCommandLineWins()
    {
        qputenv("GUICHETD_SESSION_DAYS", "not a number");
        Guichetd server;
        QString error;
        QVERIFY2(
            server.start(m_db->location(), { QStringLiteral("--session-days"), QStringLiteral("5") }, &error),
            qPrintable(error));
        QCOMPARE(sessionDays(server), 5);
        QCOMPARE(server.stop(), 0);
    }

    void badValuesNameTheVariable_data()
    {
        QTest::addColumn<QByteArray>("variable");
        QTest::addColumn<QByteArray>("value");
        QTest::newRow("max body") << QByteArray("GUICHETD_MAX_BODY") << QByteArray("lots");
        QTest::newRow("session days") << QByteArray("GUICHETD_SESSION_DAYS") << QByteArray("0");
        QTest::newRow("daily mail") << QByteArray("GUICHETD_DAILY_MAIL_AT") << QByteArray("25:00");
        QTest::newRow("weekly mail") << QByteArray("GUICHETD_WEEKLY_MAIL_AT") << QByteArray("someday 07:00");
        QTest::newRow("public url") << QByteArray("GUICHETD_PUBLIC_URL")
                                    << QByteArray("ftp://guichet.example.org");
    }

    void badValuesNameTheVariable()
    {
        QFETCH(QByteArray, variable);
        QFETCH(QByteArray, value);
        qputenv(variable.constData(), value);
        Guichetd server;
        QString error;
        QVERIFY(!server.start(m_db->location(), {}, &error));
        QCOMPARE(server.stop(), 2);
        QVERIFY2(error.contains(QString::fromLatin1(variable)), qPrintable(error));
    }

    void badScheduleOnTheCommandLineNamesTheOption()
    {
        Guichetd server;
        QString error;
        QVERIFY(!server.start(m_db->location(), { QStringLiteral("--weekly-mail-at"), QStringLiteral("mon") },
                              &error));
        QCOMPARE(server.stop(), 2);
        QVERIFY2(error.contains(QStringLiteral("--weekly-mail-at")), qPrintable(error));
    }

    // The reactivation mail's link names the server (--public-url), so that a
    // desktop using another server refuses it.
    void theMailedLinksNameThePublicUrl()
    {
        const QString email = newUser();
        m_db->db().exec(
            QStringLiteral("UPDATE users SET status = 'deactivated', deactivated_at = ? WHERE email = ?"),
            { QDateTime::currentMSecsSinceEpoch(), email });
        Guichetd server;
        QString error;
        QVERIFY2(server.start(
                     m_db->location(),
                     { QStringLiteral("--public-url"), QStringLiteral("https://guichet.example.org:8443") },
                     &error),
                 qPrintable(error));
        ApiClient api(server.baseUrl());
        const ApiReply r = api.command(QStringLiteral("requestReactivation"),
                                       { { QStringLiteral("email"), email } }, QString());
        QCOMPARE(r.status, 200);
        QCOMPARE(server.stop(), 0);
        const QString body
            = m_db->db()
                  .value(
                      QStringLiteral("SELECT m.body_text FROM mail_outbox m JOIN users u ON u.id = m.user_id "
                                     "WHERE u.email = ? ORDER BY m.id DESC LIMIT 1"),
                      { email })
                  .toString();
        const QString link = QRegularExpression(QStringLiteral("guichet://\\S+")).match(body).captured(0);
        const auto parsed = GuichetLink::parse(link);
        QVERIFY2(parsed, qPrintable(body));
        QCOMPARE(parsed->server(), QUrl(QStringLiteral("https://guichet.example.org:8443")));
        QVERIFY(body.contains(QStringLiteral("\n") + parsed->token() + QStringLiteral("\n")));
    }

    // The packaged /etc/guichet/guichetd.conf, as the systemd unit passes it:
    // every variable set, the optional ones (GUICHETD_SMTP) empty.
    void thePackagedConfigurationStarts()
    {
        QFile conf(QStringLiteral(GUICHET_SOURCE_DIR "/packaging/server/guichetd.conf"));
        QVERIFY(conf.open(QIODevice::ReadOnly | QIODevice::Text));
        QList<QByteArray> names;
        while (!conf.atEnd()) {
            const QByteArray line = conf.readLine().trimmed();
            const int equals = line.indexOf('=');
            if (line.isEmpty() || line.startsWith('#') || equals <= 0)
                continue;
            names << line.left(equals);
            qputenv(line.left(equals).constData(), line.mid(equals + 1));
        }
        QVERIFY(names.contains("GUICHETD_SMTP"));
        Guichetd server;
        QString error;
        // The test's database and a free port instead of the packaged ones; the command line wins.
        const bool started = server.start(m_db->location(), {}, &error);
        for (const QByteArray &name : names)
            qunsetenv(name.constData());
        QVERIFY2(started, qPrintable(error));
        QCOMPARE(server.stop(), 0);
    }

    void versionIsPrinted()
    {
        QProcess process;
        process.start(Guichetd::executable(), { QStringLiteral("--version") });
        QVERIFY(process.waitForFinished(10000));
        QCOMPARE(process.exitCode(), 0);
        QVERIFY(QString::fromUtf8(process.readAllStandardOutput())
                    .contains(QRegularExpression(QStringLiteral("^guichetd \\d+\\.\\d+\\.\\d+"))));
    }
};

QTEST_GUILESS_MAIN(TestGuichetdOptions)
#include "tst_guichetd_options.moc"
