#include "ctlworkspace.h"
#include "fixtures.h"
#include "kernel/core.h"
#include "kernel/database.h"
#include "rules/accounts/accounts.h"
#include "rules/accounts/passwords.h"

#include <QTest>

using namespace guichet;

// Drives `guichetctl users` as an operator would.
class TestCtlUsers : public QObject
{
    Q_OBJECT

private:
    using Run = guichet::test::ProcessRun;
    Run ctl(const QStringList &args, const QByteArray &input = {}) { return m_ctl.run(args, input); }
    int users() { return m_ctl.count(QStringLiteral("SELECT COUNT(*) FROM users")); }

    guichet::test::CtlWorkspace m_ctl { QStringLiteral(GUICHETCTL_PATH), QStringLiteral("users.sqlite") };

private slots:
    void initTestCase()
    {
        PasswordHasher::setFastHashingForTests(true);
        QCOMPARE(ctl({ QStringLiteral("init") }).exitCode, 0);
    }

    void addReadsThePasswordFromStandardInput()
    {
        const Run r
            = m_ctl.addUser(QStringLiteral("Alice@Example.org"), "Tournesol2024x\r\nignored second line\n");
        QVERIFY2(r.exitCode == 0, qPrintable(r.err));
        QVERIFY(r.out.contains(QLatin1String("alice@example.org")));
        QCOMPARE(users(), 1);
        // The password works for signing in (and the second line was not part of it).
        const auto database = m_ctl.open();
        QVERIFY(database);
        SystemClock clock;
        Core core(*database, clock);
        QVERIFY(Accounts(core)
                    .authenticate(QStringLiteral("alice@example.org"), QStringLiteral("Tournesol2024x"))
                    .ok());
    }

    void badEmailIsBadInputAndCreatesNobody()
    {
        const int before = users();
        const Run r = m_ctl.addUser(QStringLiteral("alice-at-example.org"));
        QCOMPARE(r.exitCode, 2);
        QVERIFY2(r.err.contains(QLatin1String("--email")), qPrintable(r.err));
        QCOMPARE(r.err.count(QLatin1Char('\n')), 1);
        QCOMPARE(users(), before);
    }

    void duplicateIsBadInput()
    {
        QCOMPARE(m_ctl.addUser(QStringLiteral("bruno@example.org")).exitCode, 0);
        const int before = users();
        const Run r = m_ctl.addUser(QStringLiteral("BRUNO@example.org"));
        QCOMPARE(r.exitCode, 2);
        QVERIFY2(r.err.contains(QLatin1String("--email")), qPrintable(r.err));
        QVERIFY(r.err.contains(QLatin1String("already exists")));
        QCOMPARE(users(), before);
    }

    void emptyOrWeakPasswordAndMissingOptionsAreBadInput()
    {
        const int before = users();
        Run r = m_ctl.addUser(QStringLiteral("carla@example.org"), "\n");
        QCOMPARE(r.exitCode, 2);
        QVERIFY(r.err.contains(QLatin1String("standard input")));
        r = m_ctl.addUser(QStringLiteral("carla@example.org"), "");
        QCOMPARE(r.exitCode, 2);
        r = m_ctl.addUser(QStringLiteral("carla@example.org"), "short\n");
        QCOMPARE(r.exitCode, 2);
        QVERIFY(r.err.contains(QLatin1String("password")));
        r = ctl({ QStringLiteral("users"), QStringLiteral("add"), QStringLiteral("--email"),
                  QStringLiteral("carla@example.org"), QStringLiteral("--last-name"), QStringLiteral("M") },
                "Tournesol2024x\n");
        QCOMPARE(r.exitCode, 2);
        QVERIFY(r.err.contains(QLatin1String("--first-name")));
        r = ctl({ QStringLiteral("users"), QStringLiteral("frobnicate") });
        QCOMPARE(r.exitCode, 2);
        QCOMPARE(users(), before);
    }

    void reactivateMailsALinkToADeactivatedUser()
    {
        QCOMPARE(m_ctl.addUser(QStringLiteral("dora@example.org")).exitCode, 0);
        const auto database = m_ctl.open();
        QVERIFY(database);
        SystemClock clock;
        Core core(*database, clock);
        Accounts accounts(core);
        const qint64 dora
            = database->value(QStringLiteral("SELECT id FROM users WHERE email = 'dora@example.org'"))
                  .toLongLong();
        // Active: nothing to reactivate.
        Run r = ctl(
            { QStringLiteral("users"), QStringLiteral("reactivate"), QStringLiteral("dora@example.org") });
        QCOMPARE(r.exitCode, 2);
        QVERIFY(accounts.deactivateAccount(dora, Successors::none()).ok());
        r = ctl(
            { QStringLiteral("users"), QStringLiteral("reactivate"), QStringLiteral("dora@example.org") });
        QVERIFY2(r.exitCode == 0, qPrintable(r.err));
        QCOMPARE(
            database
                ->value(QStringLiteral("SELECT COUNT(*) FROM mail_outbox WHERE user_id = ? AND body_text "
                                       "LIKE '%guichet://reactivate?token=%'"),
                        { dora })
                .toInt(),
            1);
        r = ctl(
            { QStringLiteral("users"), QStringLiteral("reactivate"), QStringLiteral("nobody@example.org") });
        QCOMPARE(r.exitCode, 2);
        QVERIFY(r.err.contains(QLatin1String("nobody@example.org")));
    }

    void listAsCsv()
    {
        QCOMPARE(m_ctl.addUser(QStringLiteral("emile@example.org")).exitCode, 0);
        Run r = ctl({ QStringLiteral("users"), QStringLiteral("list"), QStringLiteral("--format"),
                      QStringLiteral("csv") });
        QCOMPARE(r.exitCode, 0);
        QVERIFY(r.out.startsWith(QLatin1String("id,email,first_name,last_name,support,status\n")));
        QVERIFY(r.out.contains(QLatin1String(",emile@example.org,Alice,Martin,0,active\n")));
        r = ctl({ QStringLiteral("users"), QStringLiteral("list"), QStringLiteral("--format"),
                  QStringLiteral("xml") });
        QCOMPARE(r.exitCode, 2);
        QVERIFY(r.err.contains(QLatin1String("--format")));
    }

    void exportWritesTheStructuresUsersWithTheirRights()
    {
        qint64 structure = 0;
        {
            const auto db = m_ctl.open();
            QVERIFY(db);
            structure = guichet::test::insertStructure(*db, guichet::test::validSiret(7),
                                                       QStringLiteral("Menuiserie Export"));
            const qint64 gina = guichet::test::insertUser(*db, QStringLiteral("gina@example.org"),
                                                          QStringLiteral("Gina"), QStringLiteral("Garnier"));
            guichet::test::insertAttachment(*db, gina, structure, QStringLiteral("principal"));
            db->exec(QStringLiteral(
                         "INSERT INTO subscriptions (user_id, structure_id, space_id, service_id, mode, "
                         "effective_date, status, requested_at, origin, version) SELECT ?, ?, id, NULL, "
                         "'modification', '2026-01-01', 'validated', 0, 'request', 1 FROM spaces WHERE "
                         "code = 'factures_emises'"),
                     { gina, structure });
        }
        // To the standard output, by SIRET: the byte-order mark, the titles, Gina's line.
        Run r = ctl({ QStringLiteral("users"), QStringLiteral("export"), QStringLiteral("--structure"),
                      guichet::test::validSiret(7) });
        QVERIFY2(r.exitCode == 0, qPrintable(r.err));
        const QStringList lines = r.out.split(QStringLiteral("\r\n"), Qt::SkipEmptyParts);
        QCOMPARE(lines.size(), 2);
        QVERIFY2(lines.at(0).endsWith(QLatin1String("Validity;Status")), qPrintable(lines.at(0)));
        QVERIFY2(lines.at(1).startsWith(QLatin1String("Gina Garnier;gina@example.org;Principal manager;"
                                                      "Whole structure;Issued invoices;modification;")),
                 qPrintable(lines.at(1)));
        // To a file, by id: the same bytes.
        const QString path = m_ctl.filePath(QStringLiteral("users.csv"));
        r = ctl({ QStringLiteral("users"), QStringLiteral("export"), QStringLiteral("--structure"),
                  QString::number(structure), QStringLiteral("--output"), path });
        QVERIFY2(r.exitCode == 0, qPrintable(r.err));
        QFile file(path);
        QVERIFY(file.open(QIODevice::ReadOnly));
        const QByteArray bytes = file.readAll();
        QVERIFY(bytes.startsWith("\xEF\xBB\xBF"));
        QVERIFY(bytes.contains("Gina Garnier;gina@example.org"));
        // Bad input: one line naming the option, exit code 2, no file written.
        const QString other = m_ctl.filePath(QStringLiteral("other.csv"));
        for (const QStringList &args :
             { QStringList { QStringLiteral("--output"), other },
               QStringList { QStringLiteral("--structure"), QStringLiteral("abc"), QStringLiteral("--output"),
                             other },
               QStringList { QStringLiteral("--structure"), QStringLiteral("999999"),
                             QStringLiteral("--output"), other } }) {
            r = ctl(QStringList { QStringLiteral("users"), QStringLiteral("export") } + args);
            QCOMPARE(r.exitCode, 2);
            QVERIFY2(r.err.contains(QLatin1String("--structure")), qPrintable(r.err));
            QCOMPARE(r.err.count(QLatin1Char('\n')), 1);
            QVERIFY(!QFile::exists(other));
        }
    }
};

QTEST_GUILESS_MAIN(TestCtlUsers)
#include "tst_ctl_users.moc"
