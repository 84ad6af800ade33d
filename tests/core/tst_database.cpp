#include "kernel/core.h"
#include "kernel/database.h"
#include "manualclock.h"
#include "testdatabase.h"

#include <QTest>

using namespace guichet;
using namespace guichet::test;

class TestDatabaseStorage : public QObject
{
    Q_OBJECT

private slots:
    void migratesToLatestVersion()
    {
        TestDatabase t;
        GUICHET_REQUIRE_DB(t);
        QCOMPARE(t.db().schemaVersion(), Database::latestSchemaVersion());
        QVERIFY(Database::latestSchemaVersion() >= 1);
        // The spaces catalogue of the guide is there from the start.
        QCOMPARE(t.db().value(QStringLiteral("SELECT COUNT(*) FROM spaces")).toInt(), 7);
    }

    void foreignKeysAreEnforcedAndSqliteUsesWal()
    {
        TestDatabase t;
        GUICHET_REQUIRE_DB(t);
        // An attachment to a user and a structure that do not exist is refused.
        QVERIFY_THROWS_EXCEPTION(
            DatabaseError,
            t.db().exec(QStringLiteral("INSERT INTO attachments (user_id, structure_id, role, "
                                       "valid_from, status, requested_at, version) VALUES "
                                       "(4242, 4242, 'user', '2026-01-01', 'pending', 0, 0)")));
        if (!t.db().isPostgres())
            QCOMPARE(t.db().value(QStringLiteral("PRAGMA journal_mode")).toString(), QStringLiteral("wal"));
    }

    void migrationIsIdempotent()
    {
        TestDatabase t;
        GUICHET_REQUIRE_DB(t);
        auto second = t.openAnother();
        QVERIFY(second);
        QString error;
        QVERIFY2(second->migrate(&error), qPrintable(error));
        QCOMPARE(second->value(QStringLiteral("SELECT COUNT(*) FROM schema_migrations")).toInt(),
                 Database::latestSchemaVersion());
    }

    void versionsIncreaseAndRollBackWithTheirTransaction()
    {
        TestDatabase t;
        GUICHET_REQUIRE_DB(t);
        qint64 first = 0;
        {
            Transaction tx(t.db());
            first = t.db().nextVersion();
            tx.commit();
        }
        {
            Transaction tx(t.db());
            QCOMPARE(t.db().nextVersion(), first + 1);
            // not committed: rolled back
        }
        Transaction tx(t.db());
        QCOMPARE(t.db().nextVersion(), first + 1);
        tx.commit();
    }

    void currentVersionIsTheLastOneGiven()
    {
        TestDatabase t;
        GUICHET_REQUIRE_DB(t);
        const qint64 before = t.db().currentVersion();
        QVERIFY(before >= 0);
        qint64 given = 0;
        {
            Transaction tx(t.db());
            given = t.db().nextVersion();
            QCOMPARE(t.db().currentVersion(), given);
            tx.commit();
        }
        QCOMPARE(given, before + 1);
        QCOMPARE(t.db().currentVersion(), given);
        {
            Transaction tx(t.db());
            t.db().nextVersion();
            // not committed: rolled back
        }
        QCOMPARE(t.db().currentVersion(), given);
    }

    void failedCommandChangesNothing()
    {
        TestDatabase t;
        GUICHET_REQUIRE_DB(t);
        ManualClock clock;
        Core core(t.db(), clock);
        const CommandResult result = core.run(
            QStringLiteral("test"), 0,
            [](CommandContext &ctx) {
                ctx.audit(QStringLiteral("nothing"), 0, 0, QStringLiteral("written then undone"));
                fail(ErrorCode::InvalidInput, QStringLiteral("field"), QStringLiteral("refused"));
            },
            RunOptions::anonymousCommand());
        QCOMPARE(result.code, ErrorCode::InvalidInput);
        QCOMPARE(result.field, QStringLiteral("field"));
        QCOMPARE(t.db().value(QStringLiteral("SELECT COUNT(*) FROM audit_log")).toInt(), 0);
        QCOMPARE(t.db().value(QStringLiteral("SELECT value FROM counters WHERE name = 'version'")).toInt(),
                 0);
    }

    void databaseErrorInsideCommandIsReportedAndRolledBack()
    {
        TestDatabase t;
        GUICHET_REQUIRE_DB(t);
        ManualClock clock;
        Core core(t.db(), clock);
        const CommandResult result = core.run(
            QStringLiteral("test"), 0,
            [](CommandContext &ctx) {
                ctx.audit(QStringLiteral("nothing"), 0, 0, QStringLiteral("written then undone"));
                ctx.db().exec(QStringLiteral("INSERT INTO no_such_table VALUES (1)"));
            },
            RunOptions::anonymousCommand());
        QCOMPARE(result.code, ErrorCode::Internal);
        QVERIFY(!result.message.isEmpty());
        QCOMPARE(t.db().value(QStringLiteral("SELECT COUNT(*) FROM audit_log")).toInt(), 0);
    }

    void commandByUnknownUserIsRefused()
    {
        TestDatabase t;
        GUICHET_REQUIRE_DB(t);
        ManualClock clock;
        Core core(t.db(), clock);
        bool ran = false;
        const CommandResult result
            = core.run(QStringLiteral("test"), 4242, [&](CommandContext &) { ran = true; });
        QCOMPARE(result.code, ErrorCode::Unauthenticated);
        QVERIFY(!ran);
    }

    void injectedFailureRollsBackEveryStatement()
    {
        TestDatabase t;
        GUICHET_REQUIRE_DB(t);
        ManualClock clock;
        Core core(t.db(), clock);
        const QString before = snapshot(t.db());
        const auto body = [](CommandContext &ctx) {
            ctx.audit(QStringLiteral("a"), 1, 0, QStringLiteral("first"));
            ctx.audit(QStringLiteral("b"), 2, 0, QStringLiteral("second"));
            ctx.tombstone(QStringLiteral("users"), 7, 7, 0);
        };
        // Fail at statement 0, 1, 2 ... until the command gets through whole.
        int failures = 0;
        for (int i = 0; i < 50; ++i) {
            t.db().failAfterStatements(i);
            const CommandResult r = core.run(QStringLiteral("test"), 0, body, RunOptions::anonymousCommand());
            t.db().failAfterStatements(-1);
            if (r.ok())
                break;
            ++failures;
            QCOMPARE(r.code, ErrorCode::Internal);
            QCOMPARE(snapshot(t.db()), before);
        }
        QVERIFY(failures >= 5); // version, two audit entries, tombstone
        QVERIFY(snapshot(t.db()) != before);
    }

    void splitsScriptsAtStatementEnds()
    {
        const QStringList statements = splitSqlScript(QStringLiteral(
            "-- comment\nCREATE TABLE a (x INTEGER);\n\nCREATE TRIGGER t AFTER INSERT ON a BEGIN\n"
            "  UPDATE a SET x = 1;\nEND;\nCREATE FUNCTION f() RETURNS trigger AS $$\nBEGIN\n  RETURN "
            "NEW;\nEND;\n"
            "$$ LANGUAGE plpgsql;\nINSERT INTO a VALUES (1);\n"));
        QCOMPARE(statements.size(), 4);
        QVERIFY(statements.at(1).startsWith(QLatin1String("CREATE TRIGGER")));
        QVERIFY(statements.at(1).endsWith(QLatin1String("END;")));
        QVERIFY(statements.at(2).endsWith(QLatin1String("plpgsql;")));
    }

    void badLocationGivesReadableError()
    {
        QString error;
        auto db = Database::open(QStringLiteral("postgresql://"), &error);
        QVERIFY(!db);
        QVERIFY(error.contains(QLatin1String("PostgreSQL")));
    }
};

QTEST_GUILESS_MAIN(TestDatabaseStorage)
#include "tst_database.moc"
