#include "datagen/benchdata.h"
#include "fixtures.h"
#include "kernel/csv.h"
#include "models/structuresearchmodel.h"
#include "ui/attachments/structurecreatedialog.h"
#include "ui/attachments/structuresearchdialog.h"
#include "ui/widgets/dialogs.h"
#include "uitestsupport.h"

#include <QFile>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QScrollBar>
#include <QTableView>
#include <QTemporaryDir>
#include <QTest>

using namespace guichet;
using namespace guichet::test;

namespace {

void clickCheck(QAbstractItemView *view, const QModelIndex &index)
{
    view->scrollTo(index);
    QStyleOptionViewItem option;
    option.initFrom(view->viewport());
    option.rect = view->visualRect(index);
    option.features |= QStyleOptionViewItem::HasCheckIndicator;
    const QRect indicator
        = view->style()->subElementRect(QStyle::SE_ItemViewItemCheckIndicator, &option, view);
    QTest::mouseClick(view->viewport(), Qt::LeftButton, {}, indicator.center());
}

} // namespace

// « Demander un rattachement », first step: search, select, export, create.
class TestStructureSearchDialog : public QObject
{
    Q_OBJECT

private:
    struct World : UiWorld
    {
        qint64 alice = 0;
        bool init()
        {
            if (!isValid())
                return false;
            alice = createUser(QStringLiteral("alice@example.org"));
            return signIn(QStringLiteral("alice@example.org"));
        }
        int structureCount() { return db().value(QStringLiteral("SELECT COUNT(*) FROM structures")).toInt(); }
    };

private slots:
    void selectNeedsOneCheckedRow()
    {
        World w;
        QVERIFY(w.init());
        insertStructure(w.db(), validSiret(1), QStringLiteral("Menuiserie Dupont"));
        insertStructure(w.db(), validSiret(2), QStringLiteral("Menuiserie Morel"));
        insertStructure(w.db(), validSiret(3), QStringLiteral("Boulangerie Martin"));
        StructureSearchDialog dialog(*w.session);
        dialog.show();
        QVERIFY(dialog.findChild<QLabel *>(QStringLiteral("tip"))
                    ->text()
                    .contains(QStringLiteral("*menuiserie*")));
        QTest::keyClicks(dialog.criterion(QStringLiteral("raisonSociale")), QStringLiteral("*MENUISERIE*"));
        QTest::keyClick(dialog.criterion(QStringLiteral("raisonSociale")), Qt::Key_Return); // Enter searches
        QCOMPARE(dialog.model()->rowCount(), 2);
        QVERIFY(!dialog.selectButton()->isEnabled());
        QVERIFY(!dialog.createButton()->isVisible());
        clickCheck(dialog.resultsView(), dialog.model()->index(0, 0));
        QVERIFY(dialog.selectButton()->isEnabled());
        clickCheck(dialog.resultsView(), dialog.model()->index(1, 0));
        QVERIFY(!dialog.selectButton()->isEnabled()); // two: which one?
        clickCheck(dialog.resultsView(), dialog.model()->index(0, 0));
        QVERIFY(dialog.selectButton()->isEnabled());
        QTest::mouseClick(dialog.selectButton(), Qt::LeftButton);
        QCOMPARE(dialog.result(), int(QDialog::Accepted));
        QCOMPARE(dialog.selectedStructure()->raisonSociale, QStringLiteral("Menuiserie Morel"));
    }

    // A search without a star that finds nothing offers the widened one in one click.
    void anExactSearchThatFindsNothingOffersTheWidenedOne()
    {
        World w;
        QVERIFY(w.init());
        insertStructure(w.db(), validSiret(1), QStringLiteral("Menuiserie Dupont"));
        insertStructure(w.db(), validSiret(2), QStringLiteral("Menuiserie Morel"));
        StructureSearchDialog dialog(*w.session);
        dialog.show();
        QTest::keyClicks(dialog.criterion(QStringLiteral("raisonSociale")), QStringLiteral("menuiserie"));
        QTest::mouseClick(dialog.searchButton(), Qt::LeftButton);
        QCOMPARE(dialog.model()->rowCount(), 0);
        QVERIFY(dialog.widenButton()->isVisible());
        QVERIFY2(dialog.widenButton()->text().contains(QStringLiteral("*menuiserie*")),
                 qPrintable(dialog.widenButton()->text()));
        QTest::mouseClick(dialog.widenButton(), Qt::LeftButton);
        QCOMPARE(dialog.criterion(QStringLiteral("raisonSociale"))->text(), QStringLiteral("*menuiserie*"));
        QCOMPARE(dialog.model()->rowCount(), 2);
        QVERIFY(!dialog.widenButton()->isVisible());
        // Already widened, nothing more is offered.
        dialog.criterion(QStringLiteral("raisonSociale"))->setText(QStringLiteral("*ebenisterie*"));
        QTest::mouseClick(dialog.searchButton(), Qt::LeftButton);
        QCOMPARE(dialog.model()->rowCount(), 0);
        QVERIFY(!dialog.widenButton()->isVisible());
    }

    // Each new search shows its first results, whatever the last one scrolled to.
    void aNewSearchScrollsToTheTop()
    {
        World w;
        QVERIFY(w.init());
        for (int i = 1; i <= 80; ++i)
            insertStructure(w.db(), validSiret(i),
                            QStringLiteral("Menuiserie %1").arg(i, 3, 10, QLatin1Char('0')));
        StructureSearchDialog dialog(*w.session);
        dialog.resize(800, 500);
        dialog.show();
        QTest::keyClicks(dialog.criterion(QStringLiteral("raisonSociale")), QStringLiteral("*menuiserie*"));
        QTest::mouseClick(dialog.searchButton(), Qt::LeftButton);
        QVERIFY(dialog.model()->rowCount() > 20);
        QScrollBar *bar = dialog.resultsView()->verticalScrollBar();
        QTRY_VERIFY(bar->maximum() > 0);
        bar->setValue(bar->maximum());
        QVERIFY(bar->value() > 0);
        dialog.criterion(QStringLiteral("raisonSociale"))->setText(QStringLiteral("*menuiserie 0*"));
        QTest::mouseClick(dialog.searchButton(), Qt::LeftButton);
        QVERIFY(dialog.model()->rowCount() > 20);
        QCOMPARE(bar->value(), 0);
    }

    void csvExportWritesEveryResultNotOnlyTheLoadedRows()
    {
        World w;
        QVERIFY(w.init());
        QVERIFY(generateStructures(w.db(), 650).ok());
        StructureSearchDialog dialog(*w.session);
        dialog.show();
        QTest::keyClicks(dialog.criterion(QStringLiteral("raisonSociale")), QStringLiteral("*"));
        QTest::mouseClick(dialog.searchButton(), Qt::LeftButton);
        QCOMPARE(dialog.model()->rowCount(), 650);
        QVERIFY(dialog.model()->cachedPageCount() < 4); // not everything was loaded
        QTemporaryDir dir;
        const QString path = dir.filePath(QStringLiteral("export.csv"));
        Dialogs::queuePath(path);
        Dialogs::queueAnswer(QMessageBox::Ok); // "650 structures exported"
        QTest::mouseClick(dialog.exportButton(), Qt::LeftButton);
        QVERIFY(Dialogs::messages().last().contains(QStringLiteral("650")));

        QFile file(path);
        QVERIFY(file.open(QIODevice::ReadOnly));
        const QByteArray bytes = file.readAll();
        QVERIFY(bytes.startsWith("\xEF\xBB\xBF")); // the BOM spreadsheets need
        const QList<QByteArray> lines = bytes.mid(3).split('\n');
        QCOMPARE(lines.size(), 650 + 2); // header, rows, and the empty piece after the last CRLF
        QCOMPARE(lines.first(), QByteArray("SIRET;Company name;Label;Postal code;City\r"));
        const QList<StructureRow> all = Structures(*w.core).search(dialog.model()->criteria(), 0, 1000);
        QCOMPARE(all.size(), 650);
        for (const int i : { 0, 199, 200, 437, 649 }) {
            const QString expected
                = CsvWriter::formatRow(StructureSearchModel::exportFields(all.at(i)), QLatin1Char(';'));
            QCOMPARE(QString::fromUtf8(lines.at(i + 1)) + QLatin1Char('\n'), expected);
        }
    }

    void nothingFoundOffersToCreateTheStructure()
    {
        World w;
        QVERIFY(w.init());
        StructureSearchDialog dialog(*w.session);
        dialog.show();
        QTest::keyClicks(dialog.criterion(QStringLiteral("raisonSociale")),
                         QStringLiteral("Ebenisterie Caron"));
        QTest::mouseClick(dialog.searchButton(), Qt::LeftButton);
        QCOMPARE(dialog.model()->rowCount(), 0);
        QVERIFY(dialog.createButton()->isVisible());
        QVERIFY(!dialog.exportButton()->isEnabled());

        const QString before = snapshot(w.db());
        QString refusal, prefilled;
        bool siretHighlighted = false, keptTyping = false;
        Dialogs::queueDialogHook([&](QDialog *d) {
            auto *create = qobject_cast<StructureCreateDialog *>(d);
            if (!create)
                return int(QDialog::Rejected);
            prefilled = create->field(QStringLiteral("raisonSociale"))->text();
            QString bad = validSiret(7);
            bad[13] = QLatin1Char(bad.at(13) == QLatin1Char('9') ? '0' : char(bad.at(13).toLatin1() + 1));
            QTest::keyClicks(create->field(QStringLiteral("siret")), bad);
            QTest::keyClicks(create->field(QStringLiteral("ville")), QStringLiteral("Nantes"));
            QTest::mouseClick(create->validateButton(), Qt::LeftButton);
            refusal = create->errorText();
            siretHighlighted = create->field(QStringLiteral("siret"))->property("invalid").toBool();
            keptTyping = create->field(QStringLiteral("siret"))->text() == bad
                && create->field(QStringLiteral("ville"))->text() == QStringLiteral("Nantes")
                && create->isVisible();
            return int(QDialog::Rejected);
        });
        QTest::mouseClick(dialog.createButton(), Qt::LeftButton);
        QCOMPARE(prefilled, QStringLiteral("Ebenisterie Caron"));
        QVERIFY(!refusal.isEmpty());
        QVERIFY(siretHighlighted);
        QVERIFY(keptTyping);
        QCOMPARE(snapshot(w.db()), before);

        Dialogs::queueDialogHook([](QDialog *d) {
            auto *create = qobject_cast<StructureCreateDialog *>(d);
            if (!create)
                return int(QDialog::Rejected);
            QTest::keyClicks(create->field(QStringLiteral("siret")), validSiret(7));
            QTest::keyClicks(create->field(QStringLiteral("codePostal")), QStringLiteral("44000"));
            QTest::keyClicks(create->field(QStringLiteral("ville")), QStringLiteral("Nantes"));
            QTest::mouseClick(create->validateButton(), Qt::LeftButton);
            return create->result();
        });
        Dialogs::queueAnswer(QMessageBox::Ok); // "… you are its principal manager"
        QTest::mouseClick(dialog.createButton(), Qt::LeftButton);
        QVERIFY(Dialogs::messages().last().contains(QStringLiteral("principal manager")));
        QVERIFY(dialog.createdStructureId() > 0);
        QCOMPARE(dialog.result(), int(QDialog::Rejected)); // closed: no request to send
        QCOMPARE(w.structureCount(), 1);
        QCOMPARE(w.db()
                     .value(QStringLiteral("SELECT raison_sociale FROM structures WHERE id = ?"),
                            { dialog.createdStructureId() })
                     .toString(),
                 QStringLiteral("Ebenisterie Caron"));
        QCOMPARE(
            w.db()
                .value(QStringLiteral("SELECT role FROM attachments WHERE user_id = ? AND structure_id = ? "
                                      "AND status = 'validated'"),
                       { w.alice, dialog.createdStructureId() })
                .toString(),
            QStringLiteral("principal"));
    }
};

QTEST_MAIN(TestStructureSearchDialog)
#include "tst_structuresearchdialog.moc"
