#include "datagen/benchdata.h"
#include "fixtures.h"
#include "models/recordtablemodel.h"
#include "models/structuresearchmodel.h"
#include "ui/attachments/structuresearchdialog.h"
#include "ui/widgets/dialogs.h"
#include "ui/widgets/usersearchdialog.h"
#include "uitestsupport.h"

#include <QFile>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QScrollBar>
#include <QSignalSpy>
#include <QTableView>
#include <QTemporaryDir>
#include <QTest>
#include <QTimer>

using namespace guichet;
using namespace guichet::test;

namespace {

// A directory that answers as guichetd's does: later, from the event loop,
// and without a count (pages with "more" only). It reads the same local
// database, so the expected rows are known.
class DeferredDirectory final : public Directory
{
public:
    explicit DeferredDirectory(LocalDirectory &local)
        : m_local(local)
    {
    }
    int requests = 0;

    void countStructures(const StructureCriteria &, QObject *context, CountCallback done) override
    {
        later(context, [done] { done(CommandResult::success(), -1); });
    }
    void searchStructures(const StructureCriteria &criteria, int offset, int limit, QObject *context,
                          StructuresCallback done) override
    {
        later(context, [this, criteria, offset, limit, done] {
            m_local.searchStructures(criteria, offset, limit, nullptr, done);
        });
    }
    void searchUsers(const QString &text, int limit, QObject *context, UsersCallback done) override
    {
        later(context, [this, text, limit, done] { m_local.searchUsers(text, limit, nullptr, done); });
    }
    void fileContent(qint64 fileId, QObject *context, ContentCallback done) override
    {
        later(context, [this, fileId, done] { m_local.fileContent(fileId, nullptr, done); });
    }

private:
    void later(QObject *context, std::function<void()> answer)
    {
        ++requests;
        QTimer::singleShot(20, context, std::move(answer));
    }
    LocalDirectory &m_local;
};

struct World : UiWorld
{
    std::unique_ptr<DeferredDirectory> deferred;
    std::unique_ptr<Session> remoteSession;
    bool init()
    {
        if (!isValid())
            return false;
        createUser(QStringLiteral("alice@example.org"));
        deferred = std::make_unique<DeferredDirectory>(*directory);
        remoteSession = std::make_unique<Session>(Session { *core, clock, *gateway, *deferred });
        return signIn(QStringLiteral("alice@example.org"));
    }
};

} // namespace

// The structure and user searches when the answers come from a server: the
// window answers meanwhile, the table grows page by page, the export reads
// every page.
class TestStructureSearchAsync : public QObject
{
    Q_OBJECT

private slots:
    void tableGrowsPageByPageWithoutACount()
    {
        World w;
        QVERIFY(w.init());
        QVERIFY(generateStructures(w.db(), 450).ok());
        StructureSearchDialog dialog(*w.remoteSession);
        dialog.show();
        QTest::keyClicks(dialog.criterion(QStringLiteral("raisonSociale")), QStringLiteral("*"));
        QTest::mouseClick(dialog.searchButton(), Qt::LeftButton);
        // Nothing yet: the click returned before the server answered.
        QCOMPARE(dialog.model()->rowCount(), 0);
        auto *count = dialog.findChild<QLabel *>(QStringLiteral("count"));
        QCOMPARE(count->text(), QStringLiteral("Searching…"));

        QTRY_COMPARE(dialog.model()->rowCount(), StructureSearchModel::PageSize);
        QVERIFY(count->text().contains(QStringLiteral("so far")));
        QVERIFY(dialog.exportButton()->isEnabled());
        // Scrolling to the end asks for the next pages, until the last.
        for (int i = 0; i < 10 && dialog.model()->rowCount() < 450; ++i) {
            dialog.resultsView()->scrollToBottom();
            QTest::qWait(60);
        }
        QTRY_COMPARE(dialog.model()->rowCount(), 450);
        QTRY_COMPARE(count->text(), QStringLiteral("450 structure(s) found."));
        QVERIFY(!dialog.model()->canFetchMore({}));
        const QList<StructureRow> all = Structures(*w.core).search(dialog.model()->criteria(), 0, 1000);
        for (const int row : { 0, 199, 200, 449 })
            QCOMPARE(dialog.model()
                         ->data(dialog.model()->index(row, StructureSearchModel::SiretColumn))
                         .toString(),
                     all.at(row).siret);
    }

    void rowsOfAnEvictedPageShowLoadingUntilItComesBack()
    {
        World w;
        QVERIFY(w.init());
        QVERIFY(generateStructures(w.db(), 650).ok());
        StructureSearchModel model(*w.deferred, nullptr, 2);
        StructureCriteria all;
        all.raisonSociale = QStringLiteral("*");
        model.setCriteria(all);
        QTRY_COMPARE(model.rowCount(), 200);
        for (const int rows : { 400, 600, 650 }) {
            model.fetchMore({});
            QTRY_COMPARE(model.rowCount(), rows);
        }
        QVERIFY(model.cachedPageCount() <= 2);
        // Page 0 left the cache: it is asked again and shows "Loading…" meanwhile.
        QCOMPARE(model.data(model.index(3, StructureSearchModel::RaisonSocialeColumn)).toString(),
                 QStringLiteral("Loading…"));
        QSignalSpy changed(&model, &QAbstractItemModel::dataChanged);
        QTRY_VERIFY(!changed.isEmpty());
        const QList<StructureRow> expected = Structures(*w.core).search(all, 3, 1);
        QCOMPARE(model.data(model.index(3, StructureSearchModel::RaisonSocialeColumn)).toString(),
                 expected.first().raisonSociale);
    }

    void csvExportReadsEveryPageFromTheServer()
    {
        World w;
        QVERIFY(w.init());
        QVERIFY(generateStructures(w.db(), 1250).ok());
        StructureSearchDialog dialog(*w.remoteSession);
        dialog.show();
        QTest::keyClicks(dialog.criterion(QStringLiteral("raisonSociale")), QStringLiteral("*"));
        QTest::mouseClick(dialog.searchButton(), Qt::LeftButton);
        QTRY_COMPARE(dialog.model()->rowCount(), StructureSearchModel::PageSize);
        QTemporaryDir dir;
        const QString path = dir.filePath(QStringLiteral("export.csv"));
        Dialogs::queuePath(path);
        Dialogs::queueAnswer(QMessageBox::Ok);
        const int before = w.deferred->requests;
        QTest::mouseClick(dialog.exportButton(), Qt::LeftButton);
        QVERIFY(w.deferred->requests - before >= 2); // 1000 rows a page: two pages at least
        // Every row counted, not only the 200 the table had loaded.
        QVERIFY2(Dialogs::messages().last().contains(QStringLiteral("1250 structure(s) exported")),
                 qPrintable(Dialogs::messages().last()));
        QFile file(path);
        QVERIFY(file.open(QIODevice::ReadOnly));
        const QList<QByteArray> lines = file.readAll().mid(3).split('\n');
        QCOMPARE(lines.size(), 1250 + 2);
        const QList<StructureRow> all = Structures(*w.core).search(dialog.model()->criteria(), 0, 2000);
        for (const int i : { 0, 999, 1000, 1249 })
            QVERIFY(lines.at(i + 1).startsWith(all.at(i).siret.toUtf8() + ';'));
    }

    void userSearchAnswersLater()
    {
        World w;
        QVERIFY(w.init());
        w.createUser(QStringLiteral("bruno@example.org"), QStringLiteral("Bruno"), QStringLiteral("Leroy"));
        UserSearchDialog dialog(*w.remoteSession);
        dialog.show();
        QTest::keyClicks(dialog.queryEdit(), QStringLiteral("leroy"));
        QTest::mouseClick(dialog.searchButton(), Qt::LeftButton);
        QCOMPARE(dialog.results()->rowCount(), 0);
        QVERIFY(!dialog.searchButton()->isEnabled());
        QTRY_COMPARE(dialog.results()->rowCount(), 1);
        QVERIFY(dialog.searchButton()->isEnabled());
        QCOMPARE(dialog.selectedUserLabel(), QStringLiteral("Bruno LEROY <bruno@example.org>"));

        QTest::keyClicks(dialog.queryEdit(), QStringLiteral("zzz"));
        QTest::mouseClick(dialog.searchButton(), Qt::LeftButton);
        QTRY_COMPARE(dialog.statusLabel()->text(), QStringLiteral("No user matches."));
        QCOMPARE(dialog.results()->rowCount(), 0);
    }
};

QTEST_MAIN(TestStructureSearchAsync)
#include "tst_structuresearchasync.moc"
