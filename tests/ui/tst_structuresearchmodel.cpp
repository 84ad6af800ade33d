#include "datagen/benchdata.h"
#include "models/structuresearchmodel.h"
#include "uitestsupport.h"

#include <QAbstractItemModelTester>
#include <QSet>
#include <QTest>

using namespace guichet;
using namespace guichet::test;

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
};

QTEST_MAIN(TestStructureSearchModel)
#include "tst_structuresearchmodel.moc"
