#include "ctlworkspace.h"
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
};

QTEST_GUILESS_MAIN(TestCtlUsers)
#include "tst_ctl_users.moc"
