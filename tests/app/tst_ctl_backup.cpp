#include "ctlworkspace.h"

#include <QFile>
#include <QTest>

// guichetctl backup / restore, driven as an operator would.
class TestCtlBackup : public QObject
{
    Q_OBJECT

private:
    using Run = guichet::test::ProcessRun;
    Run ctl(const QStringList &args, const QByteArray &input = {}) { return m_ctl.run(args, input); }
    QString userList() { return ctl({ QStringLiteral("users"), QStringLiteral("list") }).out; }
    QString path(const QString &name) const { return m_ctl.filePath(name); }

    guichet::test::CtlWorkspace m_ctl { QStringLiteral(GUICHETCTL_PATH), QStringLiteral("guichet.sqlite") };

private slots:
    void initTestCase()
    {
        QCOMPARE(ctl({ QStringLiteral("init") }).exitCode, 0);
        QCOMPARE(m_ctl.addUser(QStringLiteral("alice@example.org")).exitCode, 0);
    }

    void backupThenRestoreBringsTheDataBack()
    {
        const QString backup = path(QStringLiteral("saved/guichet-backup.sqlite"));
        Run r = ctl({ QStringLiteral("backup"), backup });
        QVERIFY2(r.exitCode == 0, qPrintable(r.err));
        QVERIFY(QFile::exists(backup));

        QCOMPARE(m_ctl.addUser(QStringLiteral("bob@example.org")).exitCode, 0);
        QVERIFY(userList().contains(QLatin1String("bob@example.org")));

        r = ctl({ QStringLiteral("restore"), backup });
        QVERIFY2(r.exitCode == 0, qPrintable(r.err));
        const QString users = userList();
        QVERIFY2(users.contains(QLatin1String("alice@example.org")), qPrintable(users));
        QVERIFY2(!users.contains(QLatin1String("bob@example.org")), qPrintable(users));
        // The restored database is usable: a new account can be added.
        QCOMPARE(m_ctl.addUser(QStringLiteral("carol@example.org")).exitCode, 0);
    }

    void backupRefusesToOverwrite()
    {
        const QString existing = path(QStringLiteral("existing.sqlite"));
        QFile file(existing);
        QVERIFY(file.open(QIODevice::WriteOnly));
        file.write("keep me");
        file.close();
        const Run r = ctl({ QStringLiteral("backup"), existing });
        QCOMPARE(r.exitCode, 2);
        QVERIFY2(r.err.contains(existing), qPrintable(r.err));
        QVERIFY(file.open(QIODevice::ReadOnly));
        QCOMPARE(file.readAll(), QByteArray("keep me"));
    }

    void badBackupsChangeNothing()
    {
        const QString before = userList();
        QVERIFY(before.contains(QLatin1String("@example.org")));

        const QString notSqlite = path(QStringLiteral("notes.txt"));
        QFile file(notSqlite);
        QVERIFY(file.open(QIODevice::WriteOnly));
        file.write("not a database at all, just some text that is long enough");
        file.close();
        Run r = ctl({ QStringLiteral("restore"), notSqlite });
        QCOMPARE(r.exitCode, 2);
        QVERIFY2(r.err.contains(QLatin1String("is not an SQLite database")), qPrintable(r.err));

        r = ctl({ QStringLiteral("restore"), path(QStringLiteral("missing.sqlite")) });
        QCOMPARE(r.exitCode, 2);
        QVERIFY2(r.err.contains(QLatin1String("does not exist")), qPrintable(r.err));

        // An SQLite file that is not a Guichet database.
        const QString foreign = path(QStringLiteral("foreign.sqlite"));
        const Run other = guichet::test::runProgram(QStringLiteral("sqlite3"),
                                                    { foreign, QStringLiteral("CREATE TABLE t (x);") });
        QCOMPARE(other.exitCode, 0);
        r = ctl({ QStringLiteral("restore"), foreign });
        QCOMPARE(r.exitCode, 2);
        QVERIFY2(r.err.contains(QLatin1String("is not a Guichet database")), qPrintable(r.err));

        QCOMPARE(ctl({ QStringLiteral("restore") }).exitCode, 2);
        QCOMPARE(ctl({ QStringLiteral("backup") }).exitCode, 2);
        QCOMPARE(userList(), before);
    }

    void postgresqlIsPointedToPgDump()
    {
        const Run r = guichet::test::runProgram(
            QStringLiteral(GUICHETCTL_PATH),
            { QStringLiteral("--database"), QStringLiteral("postgresql://nobody@127.0.0.1:1/none"),
              QStringLiteral("backup"), path(QStringLiteral("pg.sqlite")) });
        QCOMPARE(r.exitCode, 2);
        QVERIFY2(r.err.contains(QLatin1String("pg_dump")), qPrintable(r.err));
        QVERIFY(!QFile::exists(path(QStringLiteral("pg.sqlite"))));
    }
};

QTEST_GUILESS_MAIN(TestCtlBackup)
#include "tst_ctl_backup.moc"
