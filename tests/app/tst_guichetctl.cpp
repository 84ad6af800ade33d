#include "processrun.h"

#include <QTemporaryDir>
#include <QTest>
#include <QUrl>

// Drives the real guichetctl executable as an operator would.
class TestGuichetctl : public QObject
{
    Q_OBJECT

private:
    using Run = guichet::test::ProcessRun;
    Run ctl(const QStringList &args, const QByteArray &input = {}, const QString &locale = {})
    {
        QHash<QString, QString> env;
        if (!locale.isEmpty())
            env.insert(QStringLiteral("LC_ALL"), locale);
        return guichet::test::runProgram(QStringLiteral(GUICHETCTL_PATH), args, input, env);
    }

    QTemporaryDir m_dir;
    QString db() const { return m_dir.filePath(QStringLiteral("ctl.sqlite")); }

private slots:
    void initCreatesThenMigratesIdempotently()
    {
        Run r = ctl({ QStringLiteral("--database"), db(), QStringLiteral("init") });
        QCOMPARE(r.exitCode, 0);
        QVERIFY(r.out.contains(QLatin1String("schema version")));
        r = ctl({ QStringLiteral("--database"), db(), QStringLiteral("init") });
        QCOMPARE(r.exitCode, 0);
        r = ctl({ QStringLiteral("--database"), db(), QStringLiteral("status") });
        QCOMPARE(r.exitCode, 0);
        QVERIFY2(r.out.contains(QLatin1String("Structures: 0")), qPrintable(r.out));
    }

    // An operator's terminal (and whoever reads over their shoulder, or their
    // scrollback) never sees the PostgreSQL password of --database.
    void thePostgresPasswordIsNeverPrinted()
    {
        QUrl url(qEnvironmentVariable("GUICHET_TEST_PG_URL"));
        if (url.isEmpty())
            QSKIP("GUICHET_TEST_PG_URL is not set (scripts/test sets it)");
        url.setPassword(QStringLiteral("s3cret-Pw"));
        // The cluster trusts loopback, so the password is accepted and ignored;
        // its admin database has no Guichet schema: status says to init first.
        const Run r = ctl({ QStringLiteral("--database"), url.toString(), QStringLiteral("status") });
        QCOMPARE(r.exitCode, 1);
        QVERIFY2(r.err.contains(QLatin1String("guichetctl init")), qPrintable(r.err));
        QVERIFY2(r.err.contains(url.toDisplayString(QUrl::RemovePassword)), qPrintable(r.err));
        QVERIFY(!r.out.contains(QLatin1String("s3cret-Pw")));
        QVERIFY(!r.err.contains(QLatin1String("s3cret-Pw")));
    }

    void unknownCommandIsBadInput()
    {
        const Run r = ctl({ QStringLiteral("frobnicate") });
        QCOMPARE(r.exitCode, 2);
        QVERIFY(r.err.contains(QLatin1String("frobnicate")));
        QCOMPARE(r.err.count(QLatin1Char('\n')), 1);
    }

    void statusOnMissingDatabaseSaysToInit()
    {
        const Run r = ctl({ QStringLiteral("--database"), m_dir.filePath(QStringLiteral("none.sqlite")),
                            QStringLiteral("status") });
        QCOMPARE(r.exitCode, 1);
        QVERIFY(r.err.contains(QLatin1String("guichetctl init")));
    }

    void everyCommandHasHelp()
    {
        for (const QString &command : { QStringLiteral("init"), QStringLiteral("status") }) {
            const Run r = ctl({ command, QStringLiteral("--help") });
            QCOMPARE(r.exitCode, 0);
            QVERIFY(r.out.contains(QLatin1String("--help")));
        }
    }

    void speaksFrenchUnderAFrenchLocale()
    {
        const Run r = ctl({ QStringLiteral("frobnicate") }, {}, QStringLiteral("fr_FR.UTF-8"));
        QCOMPARE(r.exitCode, 2);
        QVERIFY2(r.err.contains(QStringLiteral("commande inconnue")), qPrintable(r.err));
    }

    void versionIsPrinted()
    {
        const Run r = ctl({ QStringLiteral("--version") });
        QCOMPARE(r.exitCode, 0);
        QVERIFY(r.out.startsWith(QLatin1String("guichetctl ")));
    }
};

QTEST_GUILESS_MAIN(TestGuichetctl)
#include "tst_guichetctl.moc"
