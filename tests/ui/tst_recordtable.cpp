#include "models/recordtablemodel.h"
#include "ui/account/accountpage.h"
#include "ui/attachments/attachmentssection.h"
#include "ui/files/attachedfilessection.h"
#include "ui/subscriptions/subscriptionssection.h"
#include "ui/widgets/recordtable.h"
#include "uitestsupport.h"

#include <QLineEdit>
#include <QSortFilterProxyModel>
#include <QTableView>
#include <QTest>

using namespace guichet;
using namespace guichet::test;

// The account tables: sorted on raw values, filtered as the user types.
class TestRecordTable : public QObject
{
    Q_OBJECT

private slots:
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
