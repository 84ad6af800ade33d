#include "datagen/benchdata.h"
#include "models/structuresearchmodel.h"
#include "uitestsupport.h"

#include <QAbstractItemModelTester>
#include <QSet>
#include <QSignalSpy>
#include <QTest>

#include <functional>
#include <memory>

using namespace guichet;
using namespace guichet::test;

namespace {

// The local directory, with a cheap count that stops at 100 (as the real one
// stops at 10,000) and a record of how each page was asked.
class BoundedDirectory final : public Directory
{
public:
    explicit BoundedDirectory(LocalDirectory &local)
        : m_local(local)
    {
    }

    void countStructures(const StructureCriteria &criteria, QObject *context, CountCallback done) override
    {
        ++exactCounts;
        const auto returned = std::make_shared<bool>(false);
        m_local.countStructures(criteria, context,
                                [this, returned, done = std::move(done)](const CommandResult &r, qint64 n) {
                                    if (!*returned)
                                        ++answeredWithinTheCall;
                                    if (holdCounts)
                                        held.append([done, r, n] { done(r, n); });
                                    else
                                        done(r, n);
                                });
        *returned = true;
    }
    void countStructuresBounded(const StructureCriteria &criteria, QObject *,
                                BoundedCountCallback done) override
    {
        done(CommandResult::success(), Structures(m_local.core()).countBounded(criteria, 100));
    }
    void searchStructures(const StructureCriteria &criteria, int offset, int limit, QObject *context,
                          StructuresCallback done) override
    {
        m_local.searchStructures(criteria, offset, limit, context, std::move(done));
    }
    void searchStructuresAfter(const StructureCriteria &criteria, const std::optional<StructureCursor> &after,
                               int offset, int limit, QObject *context, StructuresCallback done) override
    {
        ++(after ? keysetPages : offsetPages);
        m_local.searchStructuresAfter(criteria, after, offset, limit, context, std::move(done));
    }
    void searchUsers(const QString &text, int limit, QObject *context, UsersCallback done) override
    {
        m_local.searchUsers(text, limit, context, std::move(done));
    }
    void fileContent(qint64 fileId, QObject *context, ContentCallback done) override
    {
        m_local.fileContent(fileId, context, std::move(done));
    }

    int exactCounts = 0;
    // Exact counts answered before countStructures() returned: counted on the
    // caller's (the window's) thread.
    int answeredWithinTheCall = 0;
    // While set, exact counts that arrive wait in `held` until the test delivers them.
    bool holdCounts = false;
    QList<std::function<void()>> held;
    int keysetPages = 0;
    int offsetPages = 0;

private:
    LocalDirectory &m_local;
};

} // namespace

// The lazy search model: the right rows at any offset, pages fetched on demand
// and kept within a bound.
class TestStructureSearchModel : public QObject
{
    Q_OBJECT

private:
    static StructureCriteria all()
    {
        StructureCriteria c;
        c.raisonSociale = QStringLiteral("*");
        return c;
    }

private slots:
    void passesTheModelTester()
    {
        UiWorld w;
        QVERIFY(w.isValid());
        QVERIFY(generateStructures(w.db(), 450).ok());
        StructureSearchModel model(*w.directory, nullptr, 3);
        QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
        model.setCriteria(all());
        QCOMPARE(model.rowCount(), 450);
        QVERIFY(model.setData(model.index(7, 0), Qt::Checked, Qt::CheckStateRole));
        QCOMPARE(model.checkedStructures().size(), 1);
        model.setCriteria(StructureCriteria {});
        QCOMPARE(model.rowCount(), 0);
        QVERIFY(model.checkedStructures().isEmpty());
    }

    void rowsAtAnyOffsetMatchTheQueryAndPagesStayBounded()
    {
        UiWorld w;
        QVERIFY(w.isValid());
        QVERIFY(generateStructures(w.db(), 3000).ok());
        StructureSearchModel model(*w.directory, nullptr, 4);
        model.setCriteria(all());
        QCOMPARE(model.rowCount(), 3000);
        // Nothing is read before a row is asked for.
        QCOMPARE(model.pagesFetched(), 0);
        QCOMPARE(model.cachedPageCount(), 0);

        const Structures structures(*w.core);
        // The last row first (a jump to the end), then scattered rows.
        for (const int row : { 2999, 0, 1234, 199, 200, 2801, 1500, 42, 2999 }) {
            const QList<StructureRow> expected = structures.search(all(), row, 1);
            QCOMPARE(expected.size(), 1);
            QCOMPARE(model.data(model.index(row, StructureSearchModel::SiretColumn)).toString(),
                     expected.first().siret);
            QCOMPARE(model.data(model.index(row, StructureSearchModel::RaisonSocialeColumn)).toString(),
                     expected.first().raisonSociale);
            QCOMPARE(model.data(model.index(row, 0), StructureSearchModel::IdRole).toLongLong(),
                     expected.first().id);
            QVERIFY(model.cachedPageCount() <= 4);
        }
        // Every row once, in order: each page is read once, never more than 4 held.
        const int before = model.pagesFetched();
        QSet<qint64> ids;
        for (int row = 0; row < model.rowCount(); ++row) {
            ids.insert(model.data(model.index(row, 0), StructureSearchModel::IdRole).toLongLong());
            QVERIFY(model.cachedPageCount() <= 4);
        }
        QCOMPARE(ids.size(), 3000); // every structure once, none twice
        QVERIFY(model.pagesFetched() - before <= 3000 / StructureSearchModel::PageSize);
        // A row asked again while its page is cached costs no query.
        const int fetched = model.pagesFetched();
        model.data(model.index(2990, 1));
        model.data(model.index(2801, 1));
        QCOMPARE(model.pagesFetched(), fetched);
    }

    void checkedRowsSurviveTheirPageLeavingTheCache()
    {
        UiWorld w;
        QVERIFY(w.isValid());
        QVERIFY(generateStructures(w.db(), 1200).ok());
        StructureSearchModel model(*w.directory, nullptr, 2);
        model.setCriteria(all());
        const qint64 id = model.data(model.index(5, 0), StructureSearchModel::IdRole).toLongLong();
        model.setChecked(5, true);
        for (const int row : { 400, 600, 800, 1000 })
            model.data(model.index(row, 1));
        QCOMPARE(model.cachedPageCount(), 2);
        QCOMPARE(model.checkedStructures().size(), 1);
        QCOMPARE(model.checkedStructures().first().id, id);
        QCOMPARE(model.data(model.index(5, 0), Qt::CheckStateRole).toInt(), int(Qt::Checked));
        model.setChecked(5, false);
        QVERIFY(model.checkedStructures().isEmpty());
    }

    void aBoundedCountIsShownFirstThenTheExactOne()
    {
        UiWorld w;
        QVERIFY(w.isValid());
        QVERIFY(generateStructures(w.db(), 700).ok());
        BoundedDirectory directory(*w.directory);
        StructureSearchModel model(directory);
        QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
        QSignalSpy changed(&model, &StructureSearchModel::countChanged);
        model.setCriteria(all());
        // The lower bound first: the table can show its first page at once.
        QCOMPARE(model.rowCount(), 100);
        QVERIFY(!model.isCountExact());
        QCOMPARE(directory.exactCounts, 0);
        QVERIFY(model.structureAt(0).has_value());
        // Then the exact count, asked once, grows the table.
        QTRY_COMPARE(changed.count(), 1);
        QVERIFY(model.isCountExact());
        QCOMPARE(model.rowCount(), 700);
        QCOMPARE(directory.exactCounts, 1);
        QCOMPARE(model.structureAt(699)->id, Structures(*w.core).search(all(), 699, 1).first().id);
        // A few matches: exact at once, no second count.
        StructureCriteria few;
        few.raisonSociale = QStringLiteral("*menuiserie*");
        model.setCriteria(few);
        QVERIFY(model.isCountExact());
        QCOMPARE(model.rowCount(), int(Structures(*w.core).count(few)));
        QTest::qWait(20);
        QCOMPARE(directory.exactCounts, 1);
        QCOMPARE(changed.count(), 1);
    }

    void theExactCountArrivesLaterAndAStaleOneIsDropped()
    {
        UiWorld w;
        QVERIFY(w.isValid());
        QVERIFY(generateStructures(w.db(), 700).ok());
        BoundedDirectory directory(*w.directory);
        directory.holdCounts = true;
        StructureSearchModel model(directory);
        QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
        QSignalSpy changed(&model, &StructureSearchModel::countChanged);
        model.setCriteria(all());
        QCOMPARE(model.rowCount(), 100);
        // The exact count is asked after the first paint and counted on a
        // thread of its own: the call returns before the answer.
        QTRY_COMPARE(directory.held.size(), 1);
        QCOMPARE(directory.exactCounts, 1);
        QCOMPARE(directory.answeredWithinTheCall, 0);
        // A new search before the answer arrives: the old figure (700) is
        // dropped, the new search's lower bound stays until its own count.
        StructureCriteria common;
        common.raisonSociale = QStringLiteral("*et fils*");
        const qint64 expected = Structures(*w.core).count(common);
        QVERIFY(expected > 100 && expected < 700);
        model.setCriteria(common);
        QCOMPARE(model.rowCount(), 100);
        directory.held.takeFirst()();
        QCOMPARE(changed.count(), 0);
        QCOMPARE(model.rowCount(), 100);
        QVERIFY(!model.isCountExact());
        // Its own count arrives and is shown.
        QTRY_COMPARE(directory.held.size(), 1);
        directory.held.takeFirst()();
        QCOMPARE(changed.count(), 1);
        QVERIFY(model.isCountExact());
        QCOMPARE(model.rowCount(), int(expected));
        QCOMPARE(directory.answeredWithinTheCall, 0);
    }

    void pagesReadInTurnAreKeysetPages()
    {
        UiWorld w;
        QVERIFY(w.isValid());
        QVERIFY(generateStructures(w.db(), 1000).ok());
        BoundedDirectory directory(*w.directory);
        StructureSearchModel model(directory, nullptr, 3);
        StructureCriteria common;
        common.raisonSociale = QStringLiteral("*e*");
        model.setCriteria(common);
        QTRY_VERIFY(model.isCountExact());
        const QList<StructureRow> expected = Structures(*w.core).search(common, 0, 5000);
        QCOMPARE(model.rowCount(), expected.size());
        for (int row = 0; row < model.rowCount(); ++row)
            QCOMPARE(model.structureAt(row)->id, expected.at(row).id);
        // Only the first page was asked by offset; each later one after its predecessor's last row.
        const int pages
            = (model.rowCount() + StructureSearchModel::PageSize - 1) / StructureSearchModel::PageSize;
        QCOMPARE(directory.offsetPages, 1);
        QCOMPARE(directory.keysetPages, pages - 1);
        // A jump far ahead (its predecessor not read) is asked by offset, and right.
        model.setCriteria(common);
        QTRY_VERIFY(model.isCountExact());
        QCOMPARE(model.structureAt(model.rowCount() - 1)->id, expected.last().id);
        QCOMPARE(directory.offsetPages, 2);
    }
};

QTEST_MAIN(TestStructureSearchModel)
#include "tst_structuresearchmodel.moc"
