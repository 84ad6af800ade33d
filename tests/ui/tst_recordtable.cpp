#include "models/recordtablemodel.h"
#include "ui/account/accountpage.h"
#include "ui/attachments/attachmentssection.h"
#include "ui/files/attachedfilessection.h"
#include "ui/subscriptions/subscriptionssection.h"
#include "ui/widgets/recordtable.h"
#include "uitestsupport.h"

#include <QDate>
#include <QHeaderView>
#include <QImage>
#include <QLineEdit>
#include <QLocale>
#include <QSettings>
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

struct Company
{
    qint64 id = 0;
    QString siret;
    QString name;
    QString city;
    QString email;
};
} // namespace

// The account tables: sorted on raw values, filtered as the user types.
class TestRecordTable : public QObject
{
    Q_OBJECT

private slots:
    // Names sort as a French reader expects, whatever the locale: case and
    // accents do not come first.
    void namesSortIgnoringCaseAndAccents()
    {
        RecordListModel<Company> model;
        model.setColumns({ { QStringLiteral("Name"), [](const Company &c) { return c.name; } } });
        model.setRecords({ { 1, {}, QStringLiteral("SAS Zeta"), {}, {} },
                           { 2, {}, QStringLiteral("menuiserie Annecy"), {}, {} },
                           { 3, {}, QStringLiteral("Zinc et fils"), {}, {} },
                           { 4, {}, QStringLiteral("Électricité Dupont"), {}, {} },
                           { 5, {}, QStringLiteral("ébénisterie Martin"), {}, {} } });
        QSortFilterProxyModel proxy;
        QTableView view;
        setUpRecordTable(&view, &proxy, &model, 0, QStringLiteral("test/frenchOrder"));
        view.sortByColumn(0, Qt::AscendingOrder);
        QStringList names;
        for (int row = 0; row < proxy.rowCount(); ++row)
            names << proxy.index(row, 0).data().toString();
        QCOMPARE(names,
                 (QStringList { QStringLiteral("ébénisterie Martin"), QStringLiteral("Électricité Dupont"),
                                QStringLiteral("menuiserie Annecy"), QStringLiteral("SAS Zeta"),
                                QStringLiteral("Zinc et fils") }));
    }

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

    // The column policy: identifiers and e-mails show whole even in a narrow
    // table, the widest free text takes what is left, rows stay one line high,
    // and once the user drags a column edge their widths are kept and restored.
    void compactColumnsShowWholeAndTheUserKeepsTheirWidths()
    {
        QSettings().remove(QStringLiteral("test/fit"));
        RecordListModel<Company> model;
        model.setColumns(
            { { ColumnKind::Identifier, QStringLiteral("SIRET"), [](const Company &c) { return c.siret; } },
              { QStringLiteral("Name"), [](const Company &c) { return c.name; } },
              { QStringLiteral("City"), [](const Company &c) { return c.city; } },
              { ColumnKind::Email, QStringLiteral("Contact"), [](const Company &c) { return c.email; } } });
        const QString longName
            = QStringLiteral("Menuiserie générale et agencement intérieur Dupont et fils, ")
            + QString(40, QLatin1Char('x'));
        model.setRecords({ { 1, QStringLiteral("12345678901234"), longName, QStringLiteral("Lyon"),
                             QStringLiteral("comptabilite.fournisseurs@menuiserie-dupont.example.org") },
                           { 2, QStringLiteral("98765432109876"), QStringLiteral("Boulangerie"),
                             QStringLiteral("Saint-Rémy-de-Provence"), QStringLiteral("a@b.fr") } });
        QCOMPARE(model.headerData(0, Qt::Horizontal, ColumnKindRole).toInt(), int(ColumnKind::Identifier));
        QSortFilterProxyModel proxy;
        QTableView view;
        view.resize(520, 300);
        setUpRecordTable(&view, &proxy, &model, 0, QStringLiteral("test/fit"));
        view.show();
        QVERIFY(QTest::qWaitForWindowExposed(&view));
        QHeaderView *header = view.horizontalHeader();
        const QFontMetrics metrics = view.fontMetrics();
        QTRY_VERIFY(header->sectionSize(3) > metrics.horizontalAdvance(model.record(0).email));
        QVERIFY(header->sectionSize(0) > metrics.horizontalAdvance(model.record(0).siret));
        // The long name is the widest free text: it stretches, and is cut (elided) rather than wrapped.
        QCOMPARE(header->sectionResizeMode(1), QHeaderView::Stretch);
        QVERIFY(header->sectionSize(1) < metrics.horizontalAdvance(longName));
        QCOMPARE(view.rowHeight(0), view.rowHeight(1));
        QVERIFY(view.rowHeight(0) < 2 * metrics.height());

        // The program hides a column and shows it again (the manager's chooser does):
        // the columns are fitted again, nothing is saved as the user's widths.
        view.setColumnHidden(2, true);
        QTest::qWait(20);
        view.setColumnHidden(2, false);
        QTRY_VERIFY(header->sectionSize(2) >= metrics.horizontalAdvance(QStringLiteral("City")));
        QVERIFY(QSettings().value(QStringLiteral("test/fit")).toByteArray().isEmpty());
        QCOMPARE(header->sectionResizeMode(1), QHeaderView::Stretch);

        // The user narrows the city column: kept, saved, restored in a new view.
        header->resizeSection(2, 40);
        QCOMPARE(header->sectionSize(2), 40);
        QVERIFY(!QSettings().value(QStringLiteral("test/fit")).toByteArray().isEmpty());
        model.setRecords({ model.record(1) });
        QTest::qWait(20);
        QCOMPARE(header->sectionSize(2), 40);
        QSortFilterProxyModel proxy2;
        QTableView again;
        setUpRecordTable(&again, &proxy2, &model, 0, QStringLiteral("test/fit"));
        QCOMPARE(again.horizontalHeader()->sectionSize(2), 40);
        QSettings().remove(QStringLiteral("test/fit"));
    }

    // Little room left by the compact columns: every free-text column shows
    // its title whole, the stretched one included (it gets what the others
    // leave), and the sorted one with room for its arrow.
    void freeTextTitlesShowWholeWhenRoomIsShort()
    {
        RecordListModel<Company> model;
        model.setColumns(
            { { ColumnKind::Identifier, QStringLiteral("Identifier"),
                [](const Company &c) { return c.siret; } },
              { QStringLiteral("Company name"), [](const Company &c) { return c.name; } },
              { QStringLiteral("City"), [](const Company &c) { return c.city; } },
              { ColumnKind::Email, QStringLiteral("Contact"), [](const Company &c) { return c.email; } } });
        model.setRecords(
            { { 1, QStringLiteral("12345678901234"),
                QStringLiteral("Menuiserie générale et agencement intérieur Dupont"),
                QStringLiteral("Saint-Rémy-de-Provence et environs"), QStringLiteral("a@b.fr") } });
        QSortFilterProxyModel proxy;
        QTableView view;
        view.resize(420, 200);
        setUpRecordTable(&view, &proxy, &model, 1, QString());
        view.show();
        QVERIFY(QTest::qWaitForWindowExposed(&view));
        QHeaderView *header = view.horizontalHeader();
        QCOMPARE(header->sectionResizeMode(1), QHeaderView::Stretch);
        QTRY_VERIFY(header->sectionSize(1) >= header->sectionSizeHint(1));
        QVERIFY(header->sectionSize(2) >= header->sectionSizeHint(2));
        // And the table still fits its view: nothing to scroll sideways.
        QVERIFY(header->sectionViewportPosition(3) + header->sectionSize(3) <= view.viewport()->width() + 1);
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
