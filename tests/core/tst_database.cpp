#include "kernel/core.h"
#include "kernel/database.h"
#include "manualclock.h"
#include "testdatabase.h"

#include <QScopeGuard>
#include <QSqlDriver>
#include <QSqlError>
#include <QSqlQuery>
#include <QTest>
#include <QUrl>

#include <optional>

using namespace guichet;
using namespace guichet::test;

namespace {

// The ids in the joined-level tests' table, in order.
QList<qint64> joinedIds(Database &db)
{
    QList<qint64> result;
    for (const QVariantMap &row : db.rows(QStringLiteral("SELECT id FROM joined ORDER BY id")))
        result << row.value(QStringLiteral("id")).toLongLong();
    return result;
}

} // namespace

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

    // Found by fuzz/structure_import.cpp: SQLite took a text's leading U+FEFF
    // for a byte-order mark and dropped it (« \uFEFF X » was stored as « X »,
    // past the trimming and emptiness checks), and a leading U+FFFE made it
    // byte-swap the whole text.
    void textBeginningWithAByteOrderMarkIsStoredAsIs()
    {
        TestDatabase t;
        GUICHET_REQUIRE_DB(t);
        const QStringList texts { QString(QChar(0xFEFF)) + QStringLiteral(" place B"), QString(QChar(0xFEFF)),
                                  QString(QChar(0xFEFF)) + QString(QChar(0xFEFF)) + QStringLiteral("x"),
                                  QStringLiteral("plain") };
        for (int i = 0; i < texts.size(); ++i) {
            t.db().exec(QStringLiteral("INSERT INTO counters (name, value) VALUES (?, ?)"),
                        { texts.at(i), i + 100 });
            QCOMPARE(t.db()
                         .value(QStringLiteral("SELECT name FROM counters WHERE value = ?"), { i + 100 })
                         .toString(),
                     texts.at(i));
            // And found by it.
            QCOMPARE(t.db()
                         .value(QStringLiteral("SELECT value FROM counters WHERE name = ?"), { texts.at(i) })
                         .toInt(),
                     i + 100);
        }
        // U+FFFE is no character (SQLite reads it back as U+FFFD), but what
        // follows it is not byte-swapped any more.
        t.db().exec(QStringLiteral("INSERT INTO counters (name, value) VALUES (?, 200)"),
                    { QString(QChar(0xFFFE)) + QStringLiteral("AB") });
        QCOMPARE(
            t.db().value(QStringLiteral("SELECT name FROM counters WHERE value = 200")).toString().mid(1),
            QStringLiteral("AB"));
    }

    void migrationIsIdempotent()
    {
        TestDatabase t;
        GUICHET_REQUIRE_DB(t);
        auto second = t.openAnother();
        QVERIFY(second);
        QString error;
        const int applied = t.db().value(QStringLiteral("SELECT COUNT(*) FROM schema_migrations")).toInt();
        QVERIFY2(second->migrate(&error), qPrintable(error));
        // Nothing applied twice, and the latest one there. (Numbers may have a
        // gap while parallel branches each hold one: 0007 before 0006 is merged.)
        QCOMPARE(second->value(QStringLiteral("SELECT COUNT(*) FROM schema_migrations")).toInt(), applied);
        QCOMPARE(second->value(QStringLiteral("SELECT MAX(version) FROM schema_migrations")).toInt(),
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
        // PostgreSQL's sequence does not give a rolled-back version again.
        QCOMPARE(t.db().nextVersion(), first + (t.db().isPostgres() ? 2 : 1));
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
            // On PostgreSQL, only once committed (SQLite has one connection writing).
            QCOMPARE(t.db().currentVersion(), t.db().isPostgres() ? given - 1 : given);
            tx.commit();
        }
        QCOMPARE(given, before + 1);
        QCOMPARE(t.db().currentVersion(), given);
        qint64 rolledBack = 0;
        {
            Transaction tx(t.db());
            rolledBack = t.db().nextVersion();
            // not committed: rolled back
        }
        // Still `given`: nothing was committed (PostgreSQL will not give rolledBack again).
        QVERIFY(rolledBack > given);
        QCOMPARE(t.db().currentVersion(), given);
    }

    // PostgreSQL commands take versions without waiting for each other and may
    // commit out of order. A reader must never be told version N+1 while N is
    // still in flight: it would read N+1's rows, move its checkpoint past N and
    // never see N's.
    void readersNeverPassAVersionStillInFlight()
    {
        TestDatabase t;
        GUICHET_REQUIRE_DB(t);
        if (!t.db().isPostgres())
            QSKIP("SQLite has one writer at a time: versions commit in order");
        auto a = t.openAnother();
        auto b = t.openAnother();
        auto c = t.openAnother();
        auto reader = t.openAnother();
        QVERIFY(a && b && c && reader);
        {
            // A version every reader has seen: t.db() then probes the
            // versions above the last it read (0015_version_probe).
            Transaction tx(*a);
            a->nextVersion();
            tx.commit();
        }
        const qint64 start = t.db().currentVersion();
        QVERIFY(start > 0);
        // The scan of every mark and the probes from any version known to
        // have ended see the same, at every step below.
        const auto agree = [&reader, start](qint64 known) {
            const auto read = [&reader](const QString &call) {
                const auto row
                    = reader->row(QStringLiteral("SELECT visible, committed_above FROM %1").arg(call));
                return row ? QStringLiteral("%1/%2")
                                 .arg(row->value(QStringLiteral("visible")).toLongLong())
                                 .arg(row->value(QStringLiteral("committed_above")).toLongLong())
                           : QStringLiteral("none");
            };
            const QString scanned = read(QStringLiteral("guichet_version_state()"));
            for (const qint64 from : { start, known }) {
                const QString probed = read(QStringLiteral("guichet_version_state(%1)").arg(from));
                if (probed != scanned)
                    return QStringLiteral("probed from %1: %2, scanned: %3").arg(from).arg(probed, scanned);
            }
            return QString();
        };

        a->begin();
        const qint64 n = a->nextVersion();
        b->begin();
        const qint64 n1 = b->nextVersion();
        QCOMPARE(n1, n + 1);
        c->begin();
        const qint64 n2 = c->nextVersion();
        QCOMPARE(t.db().currentVersion(), start);
        b->commit(); // N+1 commits while N is still in flight
        QCOMPARE(t.db().currentVersion(), start);
        QVERIFY2(agree(start).isEmpty(), qPrintable(agree(start)));
        // The visible version stays below N, and the count of commits above
        // it says something committed (guichetd's sessions in memory rely on it).
        Database::VersionState state = t.db().versionState();
        QCOMPARE(state.visible, start);
        QCOMPARE(state.committedAbove, 1);
        c->commit();
        QCOMPARE(t.db().currentVersion(), start);
        QCOMPARE(t.db().versionState().committedAbove, 2);
        QVERIFY2(agree(start).isEmpty(), qPrintable(agree(start)));
        a->commit();
        QCOMPARE(t.db().currentVersion(), n2);
        QVERIFY2(agree(n2).isEmpty(), qPrintable(agree(n2)));
        state = t.db().versionState();
        QCOMPARE(state.visible, n2);
        QCOMPARE(state.committedAbove, 0);

        // A version rolled back holds nothing up once its transaction ended.
        a->begin();
        const qint64 m = a->nextVersion();
        b->begin();
        const qint64 m1 = b->nextVersion();
        QCOMPARE(m1, m + 1);
        b->commit();
        QCOMPARE(t.db().currentVersion(), n2);
        QVERIFY2(agree(n2).isEmpty(), qPrintable(agree(n2)));
        a->rollback();
        QCOMPARE(t.db().currentVersion(), m1);
        QVERIFY2(agree(n2).isEmpty(), qPrintable(agree(n2)));

        // A connection lost mid-command (its backend ends) holds nothing up either.
        a->begin();
        const qint64 k = a->nextVersion();
        b->begin();
        const qint64 k1 = b->nextVersion();
        b->commit();
        QCOMPARE(t.db().currentVersion(), m1);
        QVERIFY2(agree(m1).isEmpty(), qPrintable(agree(m1)));
        const QString pid = a->value(QStringLiteral("SELECT pg_backend_pid()")).toString();
        t.db().exec(QStringLiteral("SELECT pg_terminate_backend(%1)").arg(pid));
        QTRY_COMPARE(t.db().currentVersion(), k1);
        QVERIFY(k1 > k);
        QVERIFY2(agree(m1).isEmpty(), qPrintable(agree(m1)));
        a->rollback();
    }

    // A reader that knows a version below which everything has ended probes
    // only the versions above it (0015_version_probe); one it cannot use —
    // unknown, ahead of the database (restored from a backup), or too far
    // behind — gets the scan of every mark. Either way the same answer, and
    // the probes leave no lock held.
    void probesFromAKnownVersionAnswerAsTheScan()
    {
        TestDatabase t;
        GUICHET_REQUIRE_DB(t);
        if (!t.db().isPostgres())
            QSKIP("SQLite's counter is a row");
        auto writer = t.openAnother();
        auto inFlight = t.openAnother();
        QVERIFY(writer && inFlight);
        const auto commitOne = [&writer] {
            Transaction tx(*writer);
            const qint64 v = writer->nextVersion();
            tx.commit();
            return v;
        };
        const auto state = [&t](const QString &call) {
            const auto row = t.db().row(QStringLiteral("SELECT visible, committed_above FROM %1").arg(call));
            return row ? QStringLiteral("%1/%2")
                             .arg(row->value(QStringLiteral("visible")).toLongLong())
                             .arg(row->value(QStringLiteral("committed_above")).toLongLong())
                       : QStringLiteral("none");
        };
        const qint64 known = commitOne();
        {
            Transaction rolledBack(*writer);
            writer->nextVersion();
        }
        inFlight->begin();
        const qint64 pending = inFlight->nextVersion();
        const qint64 above = commitOne();
        QVERIFY(above > pending && pending > known + 1);
        const QString scanned = state(QStringLiteral("guichet_version_state()"));
        // The rolled-back version is passed, the one in flight is not.
        QCOMPARE(scanned, QStringLiteral("%1/1").arg(known));
        for (const qint64 from : { known, known - 1, qint64(0), above + 10, qint64(-1) })
            QCOMPARE(state(QStringLiteral("guichet_version_state(%1)").arg(from)), scanned);
        QCOMPARE(t.db()
                     .value(QStringLiteral("SELECT COUNT(*) FROM pg_locks WHERE locktype = 'advisory' "
                                           "AND pid = pg_backend_pid()"))
                     .toInt(),
                 0);
        inFlight->commit();
        QCOMPARE(state(QStringLiteral("guichet_version_state(%1)").arg(known)),
                 QStringLiteral("%1/0").arg(above));
        // Far behind: more versions above it than probes are worth.
        qint64 last = 0;
        for (int i = 0; i < 300; ++i)
            last = commitOne();
        inFlight->begin();
        inFlight->nextVersion();
        commitOne();
        QCOMPARE(state(QStringLiteral("guichet_version_state(%1)").arg(known)),
                 state(QStringLiteral("guichet_version_state()")));
        QCOMPARE(state(QStringLiteral("guichet_version_state(%1)").arg(last)),
                 QStringLiteral("%1/1").arg(last));
        inFlight->rollback();
        // Through Database: the last visible version it read is where it probes from.
        QCOMPARE(t.db().currentVersion(), last + 2);
        QCOMPARE(t.db().currentVersion(), last + 2);
    }

    // PostgreSQL sends a version's COMMIT and its NOTIFY in one round trip,
    // where QSqlQuery cannot tell a COMMIT that PostgreSQL answered with
    // ROLLBACK (a statement of the transaction had failed): such a commit
    // must still fail, notify nothing and move no version.
    void aFailedTransactionDoesNotPassForCommitted()
    {
        TestDatabase t;
        GUICHET_REQUIRE_DB(t);
        if (!t.db().isPostgres())
            QSKIP("SQLite commits what went through; PostgreSQL aborts the whole transaction");
        auto listener = t.openAnother();
        QVERIFY(listener);
        QSqlDriver *driver = listener->connection().driver();
        QStringList heard;
        QObject::connect(driver, &QSqlDriver::notification,
                         [&heard](const QString &, QSqlDriver::NotificationSource, const QVariant &payload) {
                             heard << payload.toString();
                         });
        QVERIFY(driver->subscribeToNotification(QStringLiteral("guichet_changes")));
        t.db().exec(QStringLiteral("CREATE TABLE kept (id BIGINT PRIMARY KEY)"));
        const qint64 before = t.db().currentVersion();

        t.db().begin();
        const qint64 lost = t.db().nextVersion();
        t.db().exec(QStringLiteral("INSERT INTO kept (id) VALUES (?)"), { 1 });
        QVERIFY_THROWS_EXCEPTION(DatabaseError, t.db().exec(QStringLiteral("SELECT 1 / (id - 1) FROM kept")));
        QVERIFY_THROWS_EXCEPTION(DatabaseError, t.db().commit());
        t.db().rollback();
        QVERIFY(!t.db().inTransaction());
        QCOMPARE(t.db().value(QStringLiteral("SELECT COUNT(*) FROM kept")).toInt(), 0);
        QCOMPARE(t.db().currentVersion(), before);

        // The next command's commit is heard, this one's never was.
        t.db().begin();
        const qint64 next = t.db().nextVersion();
        t.db().exec(QStringLiteral("INSERT INTO kept (id) VALUES (?)"), { 2 });
        t.db().commit();
        QCOMPARE(t.db().currentVersion(), next);
        QTRY_VERIFY(heard.contains(QString::number(next)));
        QVERIFY(!heard.contains(QString::number(lost)));
    }

    // guichetd's workers (setNotifyOnCommit(false)) check a commit with a
    // read just before its COMMIT, in the same round trip: a transaction
    // that had failed still fails its commit, one that PostgreSQL refuses at
    // the COMMIT itself (a deferred constraint) too, and neither reports a
    // version nor ended sessions; a commit that went through reports both.
    void commitsLeftToTheCallerAreCheckedBeforeTheirCommit()
    {
        TestDatabase t;
        GUICHET_REQUIRE_DB(t);
        if (!t.db().isPostgres())
            QSKIP("SQLite commits what went through; PostgreSQL aborts the whole transaction");
        Database &db = t.db();
        db.setNotifyOnCommit(false);
        db.exec(QStringLiteral("CREATE TABLE parent (id BIGINT PRIMARY KEY)"));
        db.exec(
            QStringLiteral("CREATE TABLE child (id BIGINT PRIMARY KEY, parent BIGINT REFERENCES parent (id) "
                           "DEFERRABLE INITIALLY DEFERRED)"));
        const QString endSessions = QStringLiteral("UPDATE users SET status = status WHERE id = ?");
        const auto children
            = [&db] { return db.value(QStringLiteral("SELECT COUNT(*) FROM child")).toInt(); };
        const qint64 before = db.currentVersion();
        db.takeSessionsEnded();

        // A statement failed: the check fails, the COMMIT is never sent.
        db.begin();
        db.nextVersion();
        db.exec(endSessions, { -1 });
        db.exec(QStringLiteral("INSERT INTO child (id, parent) VALUES (?, NULL)"), { 1 });
        QVERIFY_THROWS_EXCEPTION(DatabaseError, db.exec(QStringLiteral("SELECT 1 / (id - 1) FROM child")));
        QVERIFY_THROWS_EXCEPTION(DatabaseError, db.commit());
        QVERIFY(db.inTransaction());
        db.rollback();
        QCOMPARE(children(), 0);
        QCOMPARE(db.takeCommittedVersion(), 0);
        QCOMPARE(db.takeSessionsEnded(), false);

        // The COMMIT itself refused (the second result of the round trip).
        db.begin();
        db.nextVersion();
        db.exec(endSessions, { -1 });
        db.execLater(QStringLiteral("INSERT INTO child (id, parent) VALUES (?, ?)"), { 2, 42 });
        try {
            db.commit();
            QFAIL("a COMMIT refused by a deferred constraint passed for committed");
        } catch (const DatabaseError &error) {
            // PostgreSQL's own refusal, not a missing result.
            QVERIFY2(error.message().contains(QLatin1String("violates")), qPrintable(error.message()));
        }
        QVERIFY(db.inTransaction());
        db.rollback();
        QVERIFY(!db.inTransaction());
        QCOMPARE(children(), 0);
        QCOMPARE(db.takeCommittedVersion(), 0);
        QCOMPARE(db.takeSessionsEnded(), false);
        QCOMPARE(db.currentVersion(), before);

        // Without ending sessions: its version, no sessions ended (the mark
        // of the refused ones went with their rollback).
        db.begin();
        const qint64 first = db.nextVersion();
        db.exec(QStringLiteral("INSERT INTO parent (id) VALUES (?)"), { 42 });
        db.execLater(QStringLiteral("INSERT INTO child (id, parent) VALUES (?, ?)"), { 3, 42 });
        db.commit();
        QCOMPARE(db.takeCommittedVersion(), first);
        QCOMPARE(db.takeSessionsEnded(), false);
        QCOMPARE(children(), 1);

        // Ending sessions: said once.
        db.begin();
        const qint64 second = db.nextVersion();
        db.exec(endSessions, { -1 });
        db.commit();
        QCOMPARE(db.takeCommittedVersion(), second);
        QCOMPARE(db.takeSessionsEnded(), true);
        QCOMPARE(db.takeSessionsEnded(), false);
        QCOMPARE(db.currentVersion(), second);
    }

    // CommandDispatcher::execute() lets the command's own transaction join
    // its own (joinNextLevel()): no savepoint. A joined level that rolls
    // back dooms the whole transaction: nothing of it may commit.
    void aJoinedLevelThatRollsBackDoomsItsTransaction()
    {
        TestDatabase t;
        GUICHET_REQUIRE_DB(t);
        Database &db = t.db();
        db.exec(QStringLiteral("CREATE TABLE joined (id BIGINT PRIMARY KEY)"));
        const QString insert = QStringLiteral("INSERT INTO joined (id) VALUES (?)");
        const auto ids = [&db] { return joinedIds(db); };
        const qint64 before = db.currentVersion();
        {
            Transaction tx(db);
            db.exec(insert, { 1 });
            db.joinNextLevel();
            {
                Transaction joined(db);
                db.nextVersion();
                db.exec(insert, { 2 });
                // rolled back: nothing to send, the transaction is doomed
            }
            QVERIFY(db.inTransaction());
            db.exec(insert, { 3 });
            // A savepoint inside the doomed transaction cannot save it either.
            {
                Transaction inner(db);
                db.exec(insert, { 4 });
                QVERIFY_THROWS_EXCEPTION(DatabaseError, inner.commit());
            }
            QVERIFY_THROWS_EXCEPTION(DatabaseError, tx.commit());
            QVERIFY(db.inTransaction());
        }
        QVERIFY(!db.inTransaction());
        QCOMPARE(ids(), QList<qint64>());
        QCOMPARE(db.currentVersion(), before);
        // The next transaction is not doomed, and opens savepoints again.
        {
            Transaction tx(db);
            db.exec(insert, { 5 });
            {
                Transaction inner(db);
                db.exec(insert, { 6 });
            }
            tx.commit();
        }
        QCOMPARE(ids(), QList<qint64> { 5 });
        // Through Core::run, as execute() runs a command: a refusal after a
        // write dooms the transaction around it.
        ManualClock clock;
        Core core(db, clock);
        {
            Transaction tx(db);
            db.joinNextLevel();
            const CommandResult refused = core.run(
                QStringLiteral("test"), 0,
                [&](CommandContext &ctx) {
                    ctx.version();
                    ctx.db().exec(insert, { 7 });
                    ctx.audit(QStringLiteral("nothing"), 0, 0, AuditRecord(AuditAction::ProfileUpdated));
                    fail(ErrorCode::InvalidInput, QStringLiteral("field"), QStringLiteral("refused"));
                },
                RunOptions::anonymousCommand());
            QCOMPARE(refused.code, ErrorCode::InvalidInput);
            QVERIFY_THROWS_EXCEPTION(DatabaseError, tx.commit());
        }
        QCOMPARE(ids(), QList<qint64> { 5 });
        QCOMPARE(db.value(QStringLiteral("SELECT COUNT(*) FROM audit_log")).toInt(), 0);
        QCOMPARE(db.currentVersion(), before);
    }

    // A joined level that commits belongs to its transaction; the levels
    // inside it keep their savepoints (and roll back alone); it sends no
    // SAVEPOINT of its own.
    void aJoinedLevelOpensNoSavepointAndKeepsTheDeeperOnes()
    {
        TestDatabase t;
        GUICHET_REQUIRE_DB(t);
        Database &db = t.db();
        db.exec(QStringLiteral("CREATE TABLE joined (id BIGINT PRIMARY KEY)"));
        const QString insert = QStringLiteral("INSERT INTO joined (id) VALUES (?)");
        const auto ids = [&db] { return joinedIds(db); };
        qint64 version = 0;
        {
            Transaction tx(db);
            db.exec(insert, { 1 });
            db.joinNextLevel();
            {
                Transaction joined(db);
                version = db.nextVersion();
                db.exec(insert, { 2 });
                {
                    Transaction inner(db); // sp2, as without the join
                    db.exec(insert, { 3 });
                    // rolled back alone
                }
                {
                    Transaction inner(db);
                    db.execLater(insert, { 4 });
                    inner.commit();
                }
                {
                    Transaction inner(db);
                    db.exec(insert, { 5 });
                    {
                        Transaction deeper(db);
                        db.exec(insert, { 6 });
                        deeper.commit();
                    }
                    // rolled back with 6
                }
                joined.commit();
            }
            // Once: the next level opens a savepoint again and rolls back alone.
            {
                Transaction after(db);
                db.exec(insert, { 7 });
            }
            tx.commit();
        }
        QVERIFY(!db.inTransaction());
        QCOMPARE(ids(), (QList<qint64> { 1, 2, 4 }));
        QCOMPARE(db.currentVersion(), version);

        // The SQL sent: with the join, no savepoint sp1 exists to release;
        // without it, the level's SAVEPOINT goes with its first statement.
        const QString release = QStringLiteral("RELEASE SAVEPOINT sp1");
        {
            Transaction tx(db);
            db.exec(insert, { 8 });
            db.joinNextLevel();
            Transaction joined(db);
            QVERIFY_THROWS_EXCEPTION(DatabaseError, db.exec(release));
        }
        QVERIFY(!db.inTransaction());
        {
            Transaction tx(db);
            db.exec(insert, { 8 });
            Transaction inner(db);
            db.exec(release);
        }
        QVERIFY(!db.inTransaction());
        QCOMPARE(ids(), (QList<qint64> { 1, 2, 4 }));
    }

    // A version taken inside a savepoint that rolled back is given back: the
    // transaction around it commits as one that took none (and does not
    // mistake the version's missing row for a failed commit).
    void aVersionTakenInARolledBackSavepointIsGivenBack()
    {
        TestDatabase t;
        GUICHET_REQUIRE_DB(t);
        t.db().exec(QStringLiteral("CREATE TABLE kept (id BIGINT PRIMARY KEY)"));
        const qint64 before = t.db().currentVersion();
        {
            Transaction tx(t.db());
            t.db().exec(QStringLiteral("INSERT INTO kept (id) VALUES (?)"), { 1 });
            {
                Transaction inner(t.db());
                t.db().nextVersion();
                t.db().exec(QStringLiteral("INSERT INTO kept (id) VALUES (?)"), { 2 });
                // rolled back
            }
            tx.commit();
        }
        QVERIFY(!t.db().inTransaction());
        QCOMPARE(t.db().value(QStringLiteral("SELECT COUNT(*) FROM kept")).toInt(), 1);
        QCOMPARE(t.db().currentVersion(), before);
        // A version kept by a savepoint that committed goes with the transaction.
        qint64 kept = 0;
        {
            Transaction tx(t.db());
            {
                Transaction inner(t.db());
                kept = t.db().nextVersion();
                inner.commit();
            }
            {
                Transaction inner(t.db());
                t.db().exec(QStringLiteral("INSERT INTO kept (id) VALUES (?)"), { 3 });
                // rolled back: the version stays taken
            }
            tx.commit();
        }
        QCOMPARE(t.db().currentVersion(), kept);
    }

    // PostgreSQL: a command reserves its version to go with its first read
    // (reserveVersion()), not in a round trip of its own. A reservation never
    // sent takes nothing; one sent and refused (rolled back) or never used is
    // given back: readers move past it as past a rolled-back writer, never
    // past it while it is in flight, and never see a version without its
    // changes.
    void aReservedVersionGoesWithTheNextStatementOrIsGivenBack()
    {
        TestDatabase t;
        GUICHET_REQUIRE_DB(t);
        if (!t.db().isPostgres())
            QSKIP("SQLite takes its version from a row when it writes");
        auto other = t.openAnother();
        QVERIFY(other);
        // The last version handed out, read from another connection (a
        // sequence is not transactional).
        const auto handed = [&other] {
            return other
                ->value(QStringLiteral(
                    "SELECT CASE WHEN is_called THEN last_value ELSE last_value - 1 END FROM version_seq"))
                .toLongLong();
        };
        const auto committedRow = [&other](qint64 version) {
            return other
                       ->value(QStringLiteral("SELECT COUNT(*) FROM committed_versions WHERE version = ?"),
                               { version })
                       .toInt()
                == 1;
        };
        t.db().exec(QStringLiteral("CREATE TABLE kept (id BIGINT PRIMARY KEY)"));
        const qint64 visible = t.db().currentVersion();
        const qint64 start = handed();

        // Taken in the round trip of the next statement; used without another.
        qint64 used = 0;
        {
            Transaction tx(t.db());
            t.db().reserveVersion();
            QCOMPARE(handed(), start);
            t.db().exec(QStringLiteral("INSERT INTO kept (id) VALUES (?)"), { 1 });
            QCOMPARE(handed(), start + 1);
            t.db().failAfterStatements(0); // any statement would fail now
            used = t.db().nextVersion();
            t.db().failAfterStatements(-1);
            QCOMPARE(used, start + 1);
            QCOMPARE(other->currentVersion(), visible); // in flight
            tx.commit();
        }
        QCOMPARE(t.db().currentVersion(), used);
        QCOMPARE(other->currentVersion(), used);

        // Never sent (no statement followed): nothing taken, nothing committed.
        {
            Transaction tx(t.db());
            t.db().reserveVersion();
            tx.commit();
        }
        QCOMPARE(handed(), used);

        // Reserved, not sent yet, and asked for at once: taken by the
        // statement that sends what is held, in that one round trip.
        {
            Transaction tx(t.db());
            t.db().reserveVersion();
            const quint64 before = t.db().completedStatements();
            used = t.db().nextVersion();
            QCOMPARE(t.db().completedStatements(), before + 1);
            QCOMPARE(used, handed());
            QCOMPARE(other->currentVersion(), used - 1); // in flight
            tx.commit();
        }
        QVERIFY(committedRow(used));
        QCOMPARE(other->currentVersion(), used);

        // Sent, then refused: given back with the rollback. While it is in
        // flight a later writer's commit is not visible past it.
        qint64 refused = 0;
        qint64 later = 0;
        {
            Transaction tx(t.db());
            t.db().reserveVersion();
            t.db().exec(QStringLiteral("SELECT 1"));
            refused = handed();
            QCOMPARE(refused, used + 1);
            {
                Transaction o(*other);
                later = other->nextVersion();
                o.commit();
            }
            QCOMPARE(other->currentVersion(), used);
            // rolled back, as a refused command
        }
        QCOMPARE(t.db().currentVersion(), later);
        QCOMPARE(other->currentVersion(), later);
        QVERIFY(!committedRow(refused));

        // Sent, never used, the transaction committed: given back with the COMMIT.
        qint64 unused = 0;
        {
            Transaction tx(t.db());
            t.db().reserveVersion();
            t.db().exec(QStringLiteral("INSERT INTO kept (id) VALUES (?)"), { 2 });
            unused = handed();
            QCOMPARE(unused, later + 1);
            tx.commit();
        }
        QVERIFY(!committedRow(unused));
        QCOMPARE(t.db().value(QStringLiteral("SELECT COUNT(*) FROM kept")).toInt(), 2);
        QCOMPARE(t.db().currentVersion(), later);

        // Reserved around a savepoint that used it and rolled back: unused
        // again, so given back; used in one that committed: it stands.
        {
            Transaction tx(t.db());
            t.db().reserveVersion();
            t.db().exec(QStringLiteral("INSERT INTO kept (id) VALUES (?)"), { 3 });
            unused = handed();
            {
                Transaction inner(t.db());
                QCOMPARE(t.db().nextVersion(), unused);
                t.db().exec(QStringLiteral("INSERT INTO kept (id) VALUES (?)"), { 4 });
                // rolled back
            }
            tx.commit();
        }
        QVERIFY(!committedRow(unused));
        QCOMPARE(t.db().currentVersion(), later);
        {
            Transaction tx(t.db());
            t.db().reserveVersion();
            t.db().exec(QStringLiteral("INSERT INTO kept (id) VALUES (?)"), { 5 });
            used = handed();
            {
                Transaction inner(t.db());
                QCOMPARE(t.db().nextVersion(), used);
                inner.commit();
            }
            tx.commit();
        }
        QVERIFY(committedRow(used));
        QCOMPARE(t.db().currentVersion(), used);
        QCOMPARE(other->currentVersion(), used);
        // Reserved inside a savepoint that rolled back: gone with it.
        {
            Transaction tx(t.db());
            t.db().exec(QStringLiteral("INSERT INTO kept (id) VALUES (?)"), { 6 });
            {
                Transaction inner(t.db());
                t.db().reserveVersion();
                t.db().exec(QStringLiteral("SELECT 1"));
                unused = handed();
            }
            tx.commit();
        }
        QVERIFY(!committedRow(unused));
        QCOMPARE(t.db().currentVersion(), used);
        QCOMPARE(t.db().value(QStringLiteral("SELECT COUNT(*) FROM kept")).toInt(), 5);
        QVERIFY(!t.db().inTransaction());
    }

    // PostgreSQL: a read held back with the next statement answers the next
    // row() of the same statement and values without a round trip, only
    // until another statement went (it may have changed the row).
    void aPrefetchedRowAnswersOnlyWhileNothingElseWent()
    {
        TestDatabase t;
        GUICHET_REQUIRE_DB(t);
        if (!t.db().isPostgres())
            QSKIP("SQLite reads in the same process");
        t.db().exec(QStringLiteral("CREATE TABLE kept (id BIGINT PRIMARY KEY, label TEXT)"));
        t.db().exec(QStringLiteral("INSERT INTO kept (id, label) VALUES (1, 'one'), (2, 'two')"));
        const QString read = QStringLiteral("SELECT id, label FROM kept WHERE id = ?");
        Transaction tx(t.db());
        t.db().prefetchRow(read, { 1 });
        t.db().prefetchRow(read, { 3 });
        t.db().exec(QStringLiteral("SELECT 1"));
        t.db().failAfterStatements(0); // any statement would fail now
        const auto one = t.db().row(read, { 1 });
        const auto none = t.db().row(read, { 3 });
        t.db().failAfterStatements(-1);
        QVERIFY(one);
        QCOMPARE(one->value(QStringLiteral("label")).toString(), QStringLiteral("one"));
        QVERIFY(!none);
        // Answered once: the next read goes to the server.
        t.db().failAfterStatements(0);
        QVERIFY_THROWS_EXCEPTION(DatabaseError, t.db().row(read, { 1 }));
        t.db().failAfterStatements(-1);
        tx.commit();

        Transaction again(t.db());
        t.db().prefetchRow(read, { 2 });
        t.db().exec(QStringLiteral("SELECT 1"));
        t.db().exec(QStringLiteral("UPDATE kept SET label = ? WHERE id = ?"),
                    { QStringLiteral("changed"), 2 });
        QCOMPARE(t.db().row(read, { 2 })->value(QStringLiteral("label")).toString(),
                 QStringLiteral("changed"));
        again.commit();
    }

    // A write whose outcome nobody reads (an audit entry, a command's record)
    // goes with the next statement or the COMMIT on PostgreSQL: it still
    // belongs to its transaction (and savepoint), in order, and its failure
    // still fails the transaction, leaving nothing.
    void writesHeldBackBelongToTheirTransaction()
    {
        TestDatabase t;
        GUICHET_REQUIRE_DB(t);
        t.db().exec(QStringLiteral("CREATE TABLE later (id BIGINT PRIMARY KEY, label TEXT)"));
        const auto ids = [&t] {
            QList<qint64> result;
            for (const QVariantMap &row : t.db().rows(QStringLiteral("SELECT id FROM later ORDER BY id")))
                result << row.value(QStringLiteral("id")).toLongLong();
            return result;
        };
        {
            Transaction tx(t.db());
            t.db().execLater(QStringLiteral("INSERT INTO later (id, label) VALUES (?, ?)"),
                             { 1, QStringLiteral("a; b; 'c'") });
            // The next statement sees it.
            QCOMPARE(t.db().value(QStringLiteral("SELECT label FROM later WHERE id = ?"), { 1 }).toString(),
                     QStringLiteral("a; b; 'c'"));
            {
                Transaction inner(t.db());
                t.db().execLater(QStringLiteral("INSERT INTO later (id, label) VALUES (?, ?)"),
                                 { 2, QStringLiteral("rolled back") });
                // rolled back with its savepoint, never sent on its own
            }
            {
                Transaction inner(t.db());
                t.db().execLater(QStringLiteral("INSERT INTO later (id, label) VALUES (?, ?)"),
                                 { 3, QStringLiteral("kept") });
                inner.commit();
            }
            // Only held writes left: the COMMIT sends them.
            t.db().execLater(QStringLiteral("INSERT INTO later (id, label) VALUES (?, ?)"),
                             { 4, QStringLiteral("last") });
            tx.commit();
        }
        QCOMPARE(ids(), (QList<qint64> { 1, 3, 4 }));
        {
            // Never sent at all: nothing of it.
            Transaction tx(t.db());
            t.db().execLater(QStringLiteral("INSERT INTO later (id, label) VALUES (?, ?)"),
                             { 5, QStringLiteral("gone") });
        }
        QCOMPARE(ids(), (QList<qint64> { 1, 3, 4 }));
        // A held write that fails (id 1 exists) fails the COMMIT on
        // PostgreSQL (at once on SQLite): the transaction leaves nothing.
        {
            Transaction tx(t.db());
            t.db().exec(QStringLiteral("INSERT INTO later (id, label) VALUES (?, ?)"),
                        { 6, QStringLiteral("with it") });
            QVERIFY_THROWS_EXCEPTION(DatabaseError, {
                t.db().execLater(QStringLiteral("INSERT INTO later (id, label) VALUES (?, ?)"),
                                 { 1, QStringLiteral("twice") });
                tx.commit();
            });
        }
        QVERIFY(!t.db().inTransaction());
        QCOMPARE(ids(), (QList<qint64> { 1, 3, 4 }));
        QCOMPARE(t.db().value(QStringLiteral("SELECT label FROM later WHERE id = ?"), { 1 }).toString(),
                 QStringLiteral("a; b; 'c'"));
    }

    // PostgreSQL: a parameterised statement is prepared once per connection
    // and then only executed; its values still arrive exactly as given.
    void statementsPreparedOnceKeepEveryValue()
    {
        TestDatabase t;
        GUICHET_REQUIRE_DB(t);
        t.db().exec(QStringLiteral("CREATE TABLE kept (id BIGINT, label TEXT, data %1, n BIGINT)")
                        .arg(t.db().isPostgres() ? QStringLiteral("BYTEA") : QStringLiteral("BLOB")));
        const QString insert = QStringLiteral("INSERT INTO kept (id, label, data, n) VALUES (?, ?, ?, ?)");
        const QStringList labels { QStringLiteral("l'apostrophe"),
                                   QStringLiteral("back\\slash ?"),
                                   QStringLiteral("$1 ; -- not a comment"),
                                   QStringLiteral("é\u00a0€ ✓"),
                                   QString(),
                                   QString(QChar(0xFEFF)) + QStringLiteral("bom") };
        for (int i = 0; i < labels.size(); ++i)
            t.db().exec(insert,
                        { i, labels.at(i), QByteArray("\0\x01'\\", 4),
                          i % 2 ? QVariant(i) : QVariant(QMetaType(QMetaType::LongLong)) });
        {
            // Rolled back: the statement stays prepared and usable.
            Transaction tx(t.db());
            t.db().exec(insert, { 99, QStringLiteral("gone"), QByteArray(), 0 });
        }
        for (int i = 0; i < labels.size(); ++i) {
            const auto row
                = t.db().row(QStringLiteral("SELECT label, data, n FROM kept WHERE id = ?"), { i });
            QVERIFY(row);
            QCOMPARE(row->value(QStringLiteral("label")).toString(),
                     labels.at(i).isNull() ? QString(QLatin1String("")) : labels.at(i));
            QCOMPARE(row->value(QStringLiteral("data")).toByteArray(), QByteArray("\0\x01'\\", 4));
            QCOMPARE(row->value(QStringLiteral("n")).isNull(), i % 2 == 0);
        }
        QCOMPARE(t.db().value(QStringLiteral("SELECT COUNT(*) FROM kept WHERE id = ?"), { 99 }).toInt(), 0);
        if (t.db().isPostgres()) {
            QCOMPARE(t.db()
                         .value(QStringLiteral(
                                    "SELECT COUNT(*) FROM pg_prepared_statements WHERE statement LIKE ?"),
                                { QStringLiteral("%INSERT INTO kept%") })
                         .toInt(),
                     1);
        }
    }

    // PostgreSQL: a statement prepared once keeps a generic plan when
    // PostgreSQL finds it as good (a key lookup needs no plan per value);
    // inside CustomPlans (the searches) a statement goes with its values
    // written in, never prepared, so that each is planned for its values —
    // and every value still arrives exactly as given.
    void customPlansWriteEveryValueIn()
    {
        TestDatabase t;
        GUICHET_REQUIRE_DB(t);
        t.db().exec(QStringLiteral("CREATE TABLE kept (id BIGINT, label TEXT, data %1, flag BOOLEAN)")
                        .arg(t.db().isPostgres() ? QStringLiteral("BYTEA") : QStringLiteral("BLOB")));
        const QString insert = QStringLiteral("INSERT INTO kept (id, label, data, flag) VALUES (?, ?, ?, ?)");
        const QStringList labels { QStringLiteral("l'apostrophe"),
                                   QStringLiteral("back\\slash ?"),
                                   QStringLiteral("$1 ; -- not a comment"),
                                   QStringLiteral("é\u00a0€ ✓"),
                                   QString(),
                                   QString(QChar(0xFEFF)) + QStringLiteral("bom"),
                                   QStringLiteral("50% _x_") };
        {
            const Database::CustomPlans customPlans(t.db());
            for (int i = 0; i < labels.size(); ++i)
                t.db().exec(insert, { -i, labels.at(i), QByteArray("\0\x01'\\", 4), i % 2 == 0 });
            for (int i = 0; i < labels.size(); ++i) {
                // "id - ?" with a negative value: no "--" comment.
                const auto row = t.db().row(
                    QStringLiteral("SELECT label, data, flag FROM kept WHERE label = ? AND id - ? = 0"),
                    { labels.at(i).isEmpty() ? QStringLiteral("") : labels.at(i), -i });
                QVERIFY2(row, qPrintable(labels.at(i)));
                QCOMPARE(row->value(QStringLiteral("label")).toString(),
                         labels.at(i).isNull() ? QString(QLatin1String("")) : labels.at(i));
                QCOMPARE(row->value(QStringLiteral("data")).toByteArray(), QByteArray("\0\x01'\\", 4));
                QCOMPARE(row->value(QStringLiteral("flag")).toBool(), i % 2 == 0);
            }
            QCOMPARE(t.db()
                         .value(QStringLiteral("SELECT COUNT(*) FROM kept WHERE id = ? OR label = ?"),
                                { QVariant(QMetaType(QMetaType::LongLong)), QStringLiteral("l'apostrophe") })
                         .toInt(),
                     1);
            if (t.db().isPostgres()) {
                // A value short is refused, not sent with a '?' left in.
                QVERIFY_THROWS_EXCEPTION(
                    DatabaseError,
                    t.db().exec(QStringLiteral("SELECT id FROM kept WHERE id = ? OR id = ?"), { 1 }));
            }
        }
        if (!t.db().isPostgres())
            return;
        QCOMPARE(t.db()
                     .value(QStringLiteral("SELECT COUNT(*) FROM pg_prepared_statements WHERE statement LIKE "
                                           "'%kept%'"))
                     .toInt(),
                 0);
        // Outside: prepared once, and planned once for every value.
        for (int i = 0; i < 10; ++i)
            QCOMPARE(t.db().value(QStringLiteral("SELECT label FROM kept WHERE id = ?"), { 0 }).toString(),
                     labels.first());
        const auto plans
            = t.db().row(QStringLiteral("SELECT generic_plans, custom_plans FROM pg_prepared_statements "
                                        "WHERE statement LIKE '%FROM kept WHERE id%'"));
        QVERIFY(plans);
        QVERIFY(plans->value(QStringLiteral("generic_plans")).toLongLong() > 0);
    }

    // PostgreSQL holds a transaction's BEGIN back until its first statement:
    // statements run through the connection itself still belong to it.
    void aTransactionHoldsEveryStatementOfIt()
    {
        TestDatabase t;
        GUICHET_REQUIRE_DB(t);
        t.db().exec(QStringLiteral("CREATE TABLE held (id BIGINT)"));
        {
            Transaction tx(t.db());
            QSqlQuery raw(t.db().connection());
            QVERIFY(raw.exec(QStringLiteral("INSERT INTO held (id) VALUES (1)")));
            t.db().exec(QStringLiteral("INSERT INTO held (id) VALUES (?)"), { 2 });
            // not committed
        }
        {
            Transaction tx(t.db()); // nothing in it
            tx.commit();
        }
        {
            Transaction tx(t.db());
            t.db().exec(QStringLiteral("INSERT INTO held (id) VALUES (?)"), { 3 });
            {
                Transaction inner(t.db());
                t.db().exec(QStringLiteral("INSERT INTO held (id) VALUES (?)"), { 4 });
                inner.commit();
            }
            {
                Transaction inner(t.db());
                t.db().exec(QStringLiteral("INSERT INTO held (id) VALUES (?)"), { 5 });
                // rolled back: 5 only
            }
            {
                Transaction inner(t.db());
                t.db().exec(QStringLiteral("INSERT INTO held (id) VALUES (?)"), { 6 });
                inner.commit();
            }
            tx.commit();
        }
        QList<qint64> ids;
        for (const QVariantMap &row : t.db().rows(QStringLiteral("SELECT id FROM held ORDER BY id")))
            ids << row.value(QStringLiteral("id")).toLongLong();
        QCOMPARE(ids, (QList<qint64> { 3, 4, 6 }));
        QVERIFY(!t.db().inTransaction());
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
                ctx.audit(QStringLiteral("nothing"), 0, 0, AuditRecord(AuditAction::ProfileUpdated));
                fail(ErrorCode::InvalidInput, QStringLiteral("field"), QStringLiteral("refused"));
            },
            RunOptions::anonymousCommand());
        QCOMPARE(result.code, ErrorCode::InvalidInput);
        QCOMPARE(result.field, QStringLiteral("field"));
        QCOMPARE(t.db().value(QStringLiteral("SELECT COUNT(*) FROM audit_log")).toInt(), 0);
        QCOMPARE(t.db().currentVersion(), 0);
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
                ctx.audit(QStringLiteral("nothing"), 0, 0, AuditRecord(AuditAction::ProfileUpdated));
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
            ctx.audit(QStringLiteral("a"), 1, 0, AuditRecord(AuditAction::ProfileUpdated));
            ctx.audit(QStringLiteral("b"), 2, 0, AuditRecord(AuditAction::ProfileUpdated));
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

    void lostConnectionsAreToldFromRefusedStatements()
    {
        const auto lost = [](const QString &text, const QString &state = {},
                             QSqlError::ErrorType type = QSqlError::StatementError) {
            return meansConnectionLost(
                QSqlError(QStringLiteral("Unable to create query"), text, type, state));
        };
        QVERIFY(lost(QStringLiteral("server closed the connection unexpectedly\n\tThis probably means the "
                                    "server terminated abnormally")));
        QVERIFY(lost(QStringLiteral("no connection to the server")));
        QVERIFY(lost(QStringLiteral("FATAL:  terminating connection due to administrator command"),
                     QStringLiteral("57P01")));
        QVERIFY(lost(QString(), QStringLiteral("57P03")));
        QVERIFY(lost(QString(), QStringLiteral("08006")));
        QVERIFY(lost(QStringLiteral("could not connect"), {}, QSqlError::ConnectionError));
        // The server refused the statement: the connection is fine.
        QVERIFY(
            !lost(QStringLiteral("duplicate key value violates unique constraint"), QStringLiteral("23505")));
        QVERIFY(!lost(QStringLiteral("syntax error at or near \"SELEC\""), QStringLiteral("42601")));
        QVERIFY(!lost(QStringLiteral("database is locked")));
        QVERIFY(!meansConnectionLost(QSqlError()));
    }

    void aTerminatedBackendIsReplacedOnNextUse()
    {
        TestDatabase t;
        GUICHET_REQUIRE_DB(t);
        if (!t.db().isPostgres())
            QSKIP("an SQLite file has no connection to lose");
        auto other = t.openAnother();
        QVERIFY(other);
        const int pid = t.db().value(QStringLiteral("SELECT pg_backend_pid()")).toInt();
        QVERIFY(terminateBackend(t.db(), *other));

        // The statement that meets the dead connection says so, with its own type.
        QVERIFY_THROWS_EXCEPTION(DatabaseUnavailable, t.db().value(QStringLiteral("SELECT 1")));
        QVERIFY(!t.db().isConnected());
        // The next one reconnects by itself, with the session's settings.
        QCOMPARE(t.db().value(QStringLiteral("SELECT 1")).toInt(), 1);
        QVERIFY(t.db().isConnected());
        QCOMPARE(t.db().reconnections(), quint64(1));
        QVERIFY(t.db().value(QStringLiteral("SELECT pg_backend_pid()")).toInt() != pid);
        QCOMPARE(t.db().value(QStringLiteral("SHOW client_min_messages")).toString(),
                 QStringLiteral("warning"));
        // And a transaction works again.
        {
            Transaction tx(t.db());
            t.db().nextVersion();
            tx.commit();
        }
    }

    void aConnectionLostInsideATransactionLeavesNothing()
    {
        TestDatabase t;
        GUICHET_REQUIRE_DB(t);
        if (!t.db().isPostgres())
            QSKIP("an SQLite file has no connection to lose");
        auto other = t.openAnother();
        QVERIFY(other);
        const qint64 version = t.db().currentVersion();
        ManualClock clock;
        Core core(t.db(), clock);
        const CommandResult r = core.run(
            QStringLiteral("test"), 0,
            [&](CommandContext &ctx) {
                ctx.audit(QStringLiteral("a"), 1, 0, AuditRecord(AuditAction::ProfileUpdated));
                QVERIFY(terminateBackend(ctx.db(), *other));
                ctx.audit(QStringLiteral("b"), 2, 0, AuditRecord(AuditAction::ProfileUpdated));
            },
            RunOptions::anonymousCommand());
        QCOMPARE(r.code, ErrorCode::Unavailable);
        QVERIFY(!r.message.contains(QLatin1String("audit_log"))); // no SQL for the user
        QVERIFY(!t.db().inTransaction());
        QCOMPARE(other->value(QStringLiteral("SELECT COUNT(*) FROM audit_log")).toInt(), 0);
        QCOMPARE(other->currentVersion(), version);
        // The next command reconnects and goes through.
        const CommandResult again = core.run(
            QStringLiteral("test"), 0,
            [](CommandContext &ctx) {
                ctx.audit(QStringLiteral("a"), 1, 0, AuditRecord(AuditAction::ProfileUpdated));
            },
            RunOptions::anonymousCommand());
        QVERIFY2(again.ok(), qPrintable(again.message));
        QCOMPARE(other->value(QStringLiteral("SELECT COUNT(*) FROM audit_log")).toInt(), 1);
    }

    void reconnectionsBackOffWhileTheDatabaseRefuses()
    {
        TestDatabase t;
        GUICHET_REQUIRE_DB(t);
        if (!t.db().isPostgres())
            QSKIP("an SQLite file has no connection to lose");
        auto admin = Database::open(qEnvironmentVariable("GUICHET_TEST_PG_URL"), nullptr);
        QVERIFY(admin);
        const QString name = QUrl(t.location()).path().mid(1);
        // The database refuses new connections, as during a restart.
        admin->exec(QStringLiteral("ALTER DATABASE %1 ALLOW_CONNECTIONS false").arg(name));
        const auto allowAgain = qScopeGuard(
            [&] { admin->exec(QStringLiteral("ALTER DATABASE %1 ALLOW_CONNECTIONS true").arg(name)); });
        QVERIFY(terminateBackend(t.db(), *admin));
        QVERIFY_THROWS_EXCEPTION(DatabaseUnavailable, t.db().value(QStringLiteral("SELECT 1")));
        // First attempt at once (refused), then none before the backoff's 100 ms.
        QVERIFY_THROWS_EXCEPTION(DatabaseUnavailable, t.db().value(QStringLiteral("SELECT 1")));
        try {
            t.db().value(QStringLiteral("SELECT 1"));
            QFAIL("the database refuses connections");
        } catch (const DatabaseUnavailable &e) {
            QVERIFY2(e.message().contains(QLatin1String("next connection attempt")), qPrintable(e.message()));
        }
        admin->exec(QStringLiteral("ALTER DATABASE %1 ALLOW_CONNECTIONS true").arg(name));
        QTest::qWait(Database::FirstRetryMs + 20);
        QCOMPARE(t.db().value(QStringLiteral("SELECT 1")).toInt(), 1);
        QVERIFY(t.db().isConnected());
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
