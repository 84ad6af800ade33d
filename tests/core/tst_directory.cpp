#include "client/directory.h"
#include "client/localcommandgateway.h"
#include "client/structureexport.h"
#include "coreworld.h"
#include "datagen/benchdata.h"
#include "fixtures.h"
#include "kernel/core.h"
#include "kernel/pagecache.h"
#include "manualclock.h"
#include "rules/accounts/accounts.h"
#include "rules/accounts/passwords.h"
#include "rules/files/attachedfiles.h"
#include "testdatabase.h"

#include <QFile>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>

#include <functional>
#include <tuple>

#ifdef GUICHET_SQLITE_C_API
#include <QSqlDriver>

#include <sqlite3.h>
#endif

using namespace guichet;
using namespace guichet::test;

namespace {

#ifdef GUICHET_SQLITE_C_API
// Whether the SQLite library this test links is the one Qt's driver runs: its
// memory statistics are then the connection's.
bool driverUsesThisSqlite(Database &db)
{
    const QSqlDatabase connection = db.connection();
    const QVariant handle = connection.driver() ? connection.driver()->handle() : QVariant();
    return handle.isValid() && qstrcmp(handle.typeName(), "sqlite3*") == 0
        && db.value(QStringLiteral("SELECT sqlite_source_id()")).toString()
        == QLatin1String(sqlite3_sourceid());
}

// The most memory SQLite held at once while `read` ran, above what it held before.
qint64 sqlitePeakDuring(const std::function<void()> &read)
{
    sqlite3_int64 current = 0;
    sqlite3_int64 highest = 0;
    sqlite3_status64(SQLITE_STATUS_MEMORY_USED, &current, &highest, 1);
    const qint64 before = current;
    read();
    sqlite3_status64(SQLITE_STATUS_MEMORY_USED, &current, &highest, 0);
    return highest - before;
}
#endif

} // namespace

// LocalDirectory: the standalone answers of the screens' remote-capable reads,
// the same as core's read functions, synchronously.
class TestDirectory : public QObject
{
    Q_OBJECT

private:
    struct World : CoreWorld
    {
        std::unique_ptr<LocalCommandGateway> gateway;
        std::unique_ptr<LocalDirectory> directory;

        World()
        {
            PasswordHasher::setFastHashingForTests(true);
            if (!isValid())
                return;
            gateway = std::make_unique<LocalCommandGateway>(*core);
            directory = std::make_unique<LocalDirectory>(*core, *gateway);
        }
        qint64 createUser(const QString &email, const QString &first, const QString &last)
        {
            NewUser user { email, first, last, QStringLiteral("Tournesol-2026") };
            return Accounts(*core).createUser(user).id;
        }
        bool signIn(const QString &email)
        {
            bool ok = false;
            gateway->signIn(email, QStringLiteral("Tournesol-2026"),
                            [&](const CommandResult &r) { ok = r.ok(); });
            return ok;
        }
    };

    static StructureCriteria menuiseries()
    {
        StructureCriteria c;
        c.raisonSociale = QStringLiteral("*menuiserie*");
        return c;
    }

private slots:
    void structurePagesSayWhetherMoreFollow()
    {
        World w;
        GUICHET_REQUIRE_DB(w.t);
        for (int i = 0; i < 5; ++i)
            insertStructure(w.t.db(), validSiret(i + 1), QStringLiteral("Menuiserie %1").arg(i));
        insertStructure(w.t.db(), validSiret(9), QStringLiteral("Boulangerie"));

        int calls = 0;
        qint64 count = -2;
        w.directory->countStructures(menuiseries(), this, [&](const CommandResult &r, qint64 n) {
            ++calls;
            QVERIFY(r.ok());
            count = n;
        });
        // The exact count runs on a worker thread with its own connection:
        // it answers through the event loop, not before returning.
        QCOMPARE(calls, 0);
        QTRY_COMPARE(calls, 1);
        QCOMPARE(count, 5);

        StructurePage first;
        w.directory->searchStructures(menuiseries(), 0, 3, this,
                                      [&](const CommandResult &r, const StructurePage &p) {
                                          ++calls;
                                          QVERIFY(r.ok());
                                          first = p;
                                      });
        QCOMPARE(calls, 2);
        QCOMPARE(first.rows.size(), 3);
        QVERIFY(first.more);
        QCOMPARE(first.rows.first().raisonSociale, QStringLiteral("Menuiserie 0"));

        StructurePage last;
        w.directory->searchStructures(menuiseries(), 3, 3, this,
                                      [&](const CommandResult &, const StructurePage &p) { last = p; });
        QCOMPARE(last.rows.size(), 2);
        QVERIFY(!last.more);
        QCOMPARE(last.rows.last().raisonSociale, QStringLiteral("Menuiserie 4"));

        // Exactly a page: nothing follows.
        StructurePage exact;
        w.directory->searchStructures(menuiseries(), 0, 5, this,
                                      [&](const CommandResult &, const StructurePage &p) { exact = p; });
        QCOMPARE(exact.rows.size(), 5);
        QVERIFY(!exact.more);

        StructurePage none { {}, true };
        w.directory->searchStructures(StructureCriteria {}, 0, 5, this,
                                      [&](const CommandResult &, const StructurePage &p) { none = p; });
        QVERIFY(none.rows.isEmpty());
        QVERIFY(!none.more);
    }

    void aJumpToADeepPageReadsWithinTheWalkCache()
    {
        // The page that a jump to the end of a table asks (an offset, no
        // cursor) walks every match before it; the window's connection keeps
        // a large cache for searches, which that walk must not fill (the
        // desktop's memory, docs/PERFORMANCE.md « Page cache and memory »).
        World w;
        GUICHET_REQUIRE_DB(w.t);
        QVERIFY(generateStructures(w.t.db(), 60000).ok());
        StructureCriteria criteria;
        criteria.ville = QStringLiteral("*e*"); // one letter: walked with each row's folded copy
        const qint64 matches = Structures(*w.core).count(criteria);
        QVERIFY2(matches > 30000, qPrintable(QString::number(matches)));
        const int offset = int(matches) - 50;

        StructurePage jumped;
        const auto jump = [&] {
            w.directory->searchStructuresAfter(criteria, std::nullopt, offset, 50, this,
                                               [&](const CommandResult &r, const StructurePage &p) {
                                                   QVERIFY(r.ok());
                                                   jumped = p;
                                               });
        };
        if (w.t.db().isPostgres()) {
            jump();
        } else {
            QCOMPARE(pageCacheKiB(w.t.db()), SearchPageCacheKiB);
#ifdef GUICHET_SQLITE_C_API
            if (!driverUsesThisSqlite(w.t.db()))
                QSKIP("Qt's SQLite driver runs its own copy of SQLite: its memory cannot be read");
            // Empties the connection's cache, as a connection starts.
            const auto emptyCache = [&] {
                setPageCacheKiB(w.t.db(), 1);
                setPageCacheKiB(w.t.db(), SearchPageCacheKiB);
            };
            // The same page read without the bound: the walk reads far more
            // than the walk cache holds (else this test would prove nothing).
            emptyCache();
            QList<StructureRow> unbounded;
            const qint64 unboundedPeak
                = sqlitePeakDuring([&] { unbounded = Structures(*w.core).search(criteria, offset, 50); });
            QVERIFY2(unboundedPeak > 3 * WalkPageCacheKiB * 1024, qPrintable(QString::number(unboundedPeak)));
            emptyCache();
            const qint64 jumpPeak = sqlitePeakDuring(jump);
            QVERIFY2(jumpPeak < 2 * WalkPageCacheKiB * 1024,
                     qPrintable(QStringLiteral("%1 bytes at the peak, %2 without the bound")
                                    .arg(jumpPeak)
                                    .arg(unboundedPeak)));
            QCOMPARE(jumped.rows.size(), unbounded.size());
#else
            jump();
#endif
            // Searches get their cache back.
            QCOMPARE(pageCacheKiB(w.t.db()), SearchPageCacheKiB);
        }
        // The rows are the last of the order.
        const QList<StructureRow> expected = Structures(*w.core).search(criteria, offset, 50);
        QCOMPARE(expected.size(), 50);
        QCOMPARE(jumped.rows.size(), expected.size());
        for (int i = 0; i < expected.size(); ++i)
            QCOMPARE(jumped.rows.at(i).id, expected.at(i).id);
        QVERIFY(!jumped.more);
    }

    void usersAreFoundByNameAsCoreFindsThem()
    {
        World w;
        GUICHET_REQUIRE_DB(w.t);
        const qint64 alice = w.createUser(QStringLiteral("alice@example.org"), QStringLiteral("Alice"),
                                          QStringLiteral("Martin"));
        w.createUser(QStringLiteral("bruno@example.org"), QStringLiteral("Bruno"), QStringLiteral("Leroy"));
        QList<UserSearchResult> found;
        w.directory->searchUsers(QStringLiteral("martin"), 10, this,
                                 [&](const CommandResult &r, const QList<UserSearchResult> &users) {
                                     QVERIFY(r.ok());
                                     found = users;
                                 });
        QCOMPARE(found.size(), 1);
        QCOMPARE(found.first().id, alice);
        QCOMPARE(found.first().email, QStringLiteral("alice@example.org"));
        QCOMPARE(found, Accounts(*w.core).searchUsers(QStringLiteral("martin"), 10));
    }

    void fileContentIsTheOwnersOnly()
    {
        World w;
        GUICHET_REQUIRE_DB(w.t);
        const qint64 alice = w.createUser(QStringLiteral("alice@example.org"), QStringLiteral("Alice"),
                                          QStringLiteral("Martin"));
        w.createUser(QStringLiteral("bruno@example.org"), QStringLiteral("Bruno"), QStringLiteral("Leroy"));
        const QByteArray bytes("%PDF-1.4 devis");
        const CommandResult added = AttachedFiles(*w.core).addFile(alice,
                                                                   { QStringLiteral("Devis"),
                                                                     AttachedFiles::fileTypes().first().code,
                                                                     QStringLiteral("devis.pdf"), bytes });
        QVERIFY2(added.ok(), qPrintable(added.message));

        QVERIFY(w.signIn(QStringLiteral("alice@example.org")));
        QByteArray content;
        CommandResult result = CommandResult::failure(ErrorCode::Internal, {}, {});
        w.directory->fileContent(added.id, this, [&](const CommandResult &r, const QByteArray &c) {
            result = r;
            content = c;
        });
        QVERIFY2(result.ok(), qPrintable(result.message));
        QCOMPARE(content, bytes);

        // Another user gets a refusal and no bytes.
        w.gateway->signOut();
        QVERIFY(w.signIn(QStringLiteral("bruno@example.org")));
        content = "untouched";
        w.directory->fileContent(added.id, this, [&](const CommandResult &r, const QByteArray &c) {
            result = r;
            content = c;
        });
        QVERIFY(!result.ok());
        QVERIFY(!result.message.isEmpty());
        QVERIFY(content.isEmpty());
    }
    // The CSV export of a search (StructureExport): every match, not only a
    // page; a file it cannot write is named and nothing is left behind; a
    // cancelled export leaves the file as it was.
    void anExportWritesEveryMatchOrNothing()
    {
        World w;
        GUICHET_REQUIRE_DB(w.t);
        for (int i = 0; i < 5; ++i)
            insertStructure(w.t.db(), validSiret(i + 1), QStringLiteral("Menuiserie %1").arg(i));
        insertStructure(w.t.db(), validSiret(9), QStringLiteral("Boulangerie"));
        QTemporaryDir dir;
        const auto fields = [](const StructureRow &row) {
            return QStringList { row.siret, row.raisonSociale };
        };
        const QStringList header { QStringLiteral("SIRET"), QStringLiteral("Name") };
        const auto run = [&](const QString &path, bool cancelAtOnce) {
            StructureExport job(*w.directory, menuiseries(), path, header, fields);
            QSignalSpy finished(&job, &StructureExport::finished);
            job.start();
            if (cancelAtOnce)
                job.cancel();
            if (finished.isEmpty())
                finished.wait(10000);
            return std::make_tuple(finished.size(), finished.value(0).value(0).toBool(),
                                   finished.value(0).value(1).toString(), job.written());
        };

        const QString path = dir.filePath(QStringLiteral("export.csv"));
        const auto [count, cancelled, error, written] = run(path, false);
        QCOMPARE(count, 1);
        QVERIFY(!cancelled);
        QCOMPARE(error, QString());
        QCOMPARE(written, 5);
        QFile file(path);
        QVERIFY(file.open(QIODevice::ReadOnly));
        const QByteArray bytes = file.readAll();
        QVERIFY(bytes.startsWith("\xEF\xBB\xBFSIRET;Name\r\n"));
        QCOMPARE(bytes.count("Menuiserie"), 5);
        QVERIFY(!bytes.contains("Boulangerie"));

        const QString nowhere = dir.filePath(QStringLiteral("missing/export.csv"));
        const auto [failedSignals, failedCancelled, failure, failedWritten] = run(nowhere, false);
        QCOMPARE(failedSignals, 1);
        QVERIFY(!failedCancelled);
        QVERIFY2(failure.startsWith(QStringLiteral("The file could not be written")), qPrintable(failure));
        QVERIFY(!QFile::exists(nowhere));

        // Cancelled at once: the earlier file stays whole, unless the export
        // finished first, in which case it says so and the new file is whole.
        {
            QFile earlier(path);
            QVERIFY(earlier.open(QIODevice::WriteOnly));
            earlier.write("earlier");
        }
        const auto [cancelCount, wasCancelled, cancelError, cancelWritten] = run(path, true);
        QCOMPARE(cancelCount, 1);
        QCOMPARE(cancelError, QString());
        QFile again(path);
        QVERIFY(again.open(QIODevice::ReadOnly));
        QCOMPARE(again.readAll(), wasCancelled ? QByteArray("earlier") : bytes);
    }
};

QTEST_GUILESS_MAIN(TestDirectory)
#include "tst_directory.moc"
