#include "models/recordtablemodel.h"
#include "ui/account/accountpage.h"
#include "ui/attachments/attachmentssection.h"
#include "ui/files/attachedfilessection.h"
#include "ui/subscriptions/subscriptionssection.h"
#include "ui/widgets/recordtable.h"
#include "uitestsupport.h"

#include <QDate>
#include <QImage>
#include <QLineEdit>
#include <QLocale>
#include <QSortFilterProxyModel>
#include <QTableView>
#include <QTest>

using namespace guichet;
using namespace guichet::test;

namespace {
struct Delivery
{
    qint64 id = 0;
    QString town;
    QDate due;
};
} // namespace

// The account tables: sorted on raw values, filtered as the user types.
class TestRecordTable : public QObject
{
    Q_OBJECT

private slots:
    // An empty table says what empty means, painted in its viewport; once a
    // row is there the sentence goes.
    void anEmptyTableShowsItsTextAFilledOneDoesNot()
    {
        RecordListModel<Delivery> model;
        model.setColumns({ { QStringLiteral("Town"), [](const Delivery &d) { return d.town; } } });
        QSortFilterProxyModel proxy;
        QTableView view;
        setUpRecordTable(&view, &proxy, &model, 0, QStringLiteral("test/emptyHeader"));
        view.resize(400, 200);
        view.show();
        QVERIFY(QTest::qWaitForWindowExposed(&view));
        const QImage blank = view.viewport()->grab().toImage();
        const QString text = QStringLiteral("No delivery yet. Plan one.");
        setEmptyText(&view, text);
        QCOMPARE(shownEmptyText(&view), text);
        // The sentence is painted: the viewport no longer looks blank.
        QVERIFY(view.viewport()->grab().toImage() != blank);
        model.setRecords({ { 7, QStringLiteral("Lyon"), QDate(2026, 3, 1) } });
        QVERIFY(shownEmptyText(&view).isEmpty());
        model.setRecords({});
        QCOMPARE(shownEmptyText(&view), text);
        // Filtered down to nothing, the table is empty too.
        model.setRecords({ { 7, QStringLiteral("Lyon"), QDate(2026, 3, 1) } });
        proxy.setFilterFixedString(QStringLiteral("Paris"));
        QCOMPARE(shownEmptyText(&view), text);
    }

    void filterKeepsTheRowsContainingTheTextInAnyColumn()
    {
        RecordTableModel model;
        model.setColumns({ { QStringLiteral("name"), QStringLiteral("Name") },
                           { QStringLiteral("city"), QStringLiteral("City") } });
        model.setRecords({ { { QStringLiteral("id"), 1 },
                             { QStringLiteral("name"), QStringLiteral("Menuiserie Dupont") },
                             { QStringLiteral("city"), QStringLiteral("Lyon") } },
                           { { QStringLiteral("id"), 2 },
                             { QStringLiteral("name"), QStringLiteral("Boulangerie") },
                             { QStringLiteral("city"), QStringLiteral("Dijon") } },
                           { { QStringLiteral("id"), 3 },
                             { QStringLiteral("name"), QStringLiteral("Transports") },
                             { QStringLiteral("city"), QStringLiteral("Lyon") } } });
        QSortFilterProxyModel proxy;
        QTableView view;
        setUpRecordTable(&view, &proxy, &model, 0, QStringLiteral("test/header"));
        QLineEdit *filter = createRecordFilter(&proxy, &view);
        QCOMPARE(proxy.rowCount(), 3);
        QTest::keyClicks(filter, QStringLiteral("LYON"));
        QCOMPARE(proxy.rowCount(), 2);
        filter->clear();
        QTest::keyClicks(filter, QStringLiteral("dupont"));
        QCOMPARE(proxy.rowCount(), 1);
        QCOMPARE(proxy.data(proxy.index(0, 0), RecordTableModel::IdRole).toLongLong(), 1);
        filter->clear();
        QCOMPARE(proxy.rowCount(), 3);
        // Sorted by the first column's raw value, case ignored.
        QCOMPARE(proxy.data(proxy.index(0, 0)).toString(), QStringLiteral("Boulangerie"));
    }

    // Typed records: columns read struct fields; dates show in the locale's
    // short format and sort by date; checked rows survive a reload by id.
    void typedRecordsShowSortAndKeepTheirChecks()
    {
        RecordListModel<Delivery> model;
        model.setCheckable(true);
        model.setColumns({ { QStringLiteral("Town"), [](const Delivery &d) { return d.town; } },
                           { QStringLiteral("Due"), [](const Delivery &d) { return d.due; } },
                           { QStringLiteral("Label"), [](const Delivery &d) { return d.id; },
                             [](const Delivery &d) { return QStringLiteral("#%1").arg(d.id); } } });
        model.setRecords({ { 7, QStringLiteral("Lyon"), QDate(2026, 3, 1) },
                           { 9, QStringLiteral("Dijon"), QDate(2025, 12, 24) } });
        QCOMPARE(model.columnCount(), 4);
        QCOMPARE(model.headerData(2, Qt::Horizontal).toString(), QStringLiteral("Due"));
        QCOMPARE(model.data(model.index(0, 1)).toString(), QStringLiteral("Lyon"));
        QCOMPARE(model.data(model.index(1, 2)).toString(),
                 QLocale().toString(QDate(2025, 12, 24), QLocale::ShortFormat));
        QCOMPARE(model.data(model.index(1, 2), RecordModelBase::SortRole).toDate(), QDate(2025, 12, 24));
        QCOMPARE(model.data(model.index(0, 3)).toString(), QStringLiteral("#7"));
        QCOMPARE(model.data(model.index(1, 0), RecordModelBase::IdRole).toLongLong(), 9);
        QCOMPARE(model.record(1).town, QStringLiteral("Dijon"));
        QVERIFY(model.recordOfId(7));
        QVERIFY(!model.recordOfId(8));

        QVERIFY(model.setData(model.index(1, 0), Qt::Checked, Qt::CheckStateRole));
        QCOMPARE(model.checkedIds(), QList<qint64> { 9 });
        // Reloaded in another order, with one row gone: 9 stays checked, by id.
        model.setRecords({ { 9, QStringLiteral("Dijon"), QDate(2025, 12, 24) } });
        QCOMPARE(model.checkedIds(), QList<qint64> { 9 });
        QCOMPARE(model.data(model.index(0, 0), Qt::CheckStateRole).toInt(), int(Qt::Checked));
        model.setRecords({ { 7, QStringLiteral("Lyon"), QDate(2026, 3, 1) } });
        QVERIFY(model.checkedIds().isEmpty());

        QSortFilterProxyModel proxy;
        QTableView view;
        model.setRecords({ { 7, QStringLiteral("Lyon"), QDate(2026, 3, 1) },
                           { 9, QStringLiteral("Dijon"), QDate(2025, 12, 24) } });
        setUpRecordTable(&view, &proxy, &model, 2, QStringLiteral("test/typed"));
        // Sorted on the due date (the raw value), not on its text.
        QCOMPARE(proxy.data(proxy.index(0, 0), RecordModelBase::IdRole).toLongLong(), 9);
    }

    void everyAccountTableHasItsFilter()
    {
        UiWorld w;
        GUICHET_REQUIRE_DB(w.t);
        w.createUser(QStringLiteral("alice@example.org"));
        QVERIFY(w.signIn(QStringLiteral("alice@example.org")));
        AccountPage page(*w.session);
        for (const char *name : { "attachments", "subscriptions", "attachedFiles" }) {
            QWidget *section = page.section(QString::fromLatin1(name));
            QVERIFY2(section, name);
            QVERIFY2(section->findChild<QLineEdit *>(QStringLiteral("tableFilter")), name);
        }
    }
};

QTEST_MAIN(TestRecordTable)
#include "tst_recordtable.moc"
