#include "models/attachedfilemodel.h"
#include "rules/files/attachedfiles.h"
#include "ui/files/attachedfiledialog.h"
#include "ui/files/attachedfilessection.h"
#include "ui/widgets/dialogs.h"
#include "ui/widgets/historypanel.h"
#include "uitestsupport.h"

#include <QComboBox>
#include <QDir>
#include <QFile>
#include <QLineEdit>
#include <QLocale>
#include <QPushButton>
#include <QSettings>
#include <QTableView>
#include <QTemporaryDir>
#include <QTest>

using namespace guichet;
using namespace guichet::test;

// « Mes pièces jointes » and « Gérer pièces jointes », driven as a user would.
class TestAttachedFilesSection : public QObject
{
    Q_OBJECT

private:
    struct World : UiWorld
    {
        qint64 claire = 0;
        QTemporaryDir dir;
        bool init()
        {
            if (!isValid() || !dir.isValid())
                return false;
            claire = createUser(QStringLiteral("claire@example.org"), QStringLiteral("Claire"),
                                QStringLiteral("Dubois"));
            return signIn(QStringLiteral("claire@example.org"));
        }
        QString writeFile(const QString &name, const QByteArray &content)
        {
            QFile file(dir.filePath(name));
            if (!file.open(QIODevice::WriteOnly) || file.write(content) != content.size())
                return {};
            return file.fileName();
        }
        qint64 addFile(const QString &designation, const QString &fileName, const QByteArray &content)
        {
            return AttachedFiles(*core)
                .addFile(claire, { designation, QStringLiteral("justificatif"), fileName, content })
                .id;
        }
        qint64 fileCount()
        {
            return db().value(QStringLiteral("SELECT COUNT(*) FROM attached_files")).toLongLong();
        }
    };

    static void choose(QComboBox *combo, const QString &text)
    {
        combo->setFocus();
        QTest::keyClick(combo, Qt::Key_Home);
        for (int i = 0; i < combo->count() && combo->currentText() != text; ++i)
            QTest::keyClick(combo, Qt::Key_Down);
    }

    static QStringList column(QTableView *table, int column)
    {
        QStringList texts;
        for (int row = 0; row < table->model()->rowCount(); ++row)
            texts << table->model()->index(row, column).data().toString();
        return texts;
    }

    static void checkRow(QTableView *table, int row)
    {
        table->setFocus();
        table->setCurrentIndex(table->model()->index(row, AttachedFileModel::SelectionColumn));
        QTest::keyClick(table, Qt::Key_Space);
    }

    struct Outcome
    {
        QString error;
        QString file;
        QString designation;
        QStringList highlighted;
        bool accepted = false;
    };

    // Answers « Gérer pièces jointes »: « Parcourir » to `path`, the designation
    // (kept as proposed when null), the type, then « Ajouter ».
    static void answerAdd(const QString &path, const QString &designation, const QString &type,
                          Outcome *outcome)
    {
        Dialogs::queueDialogHook([=](QDialog *d) {
            auto *dialog = qobject_cast<AttachedFileDialog *>(d);
            if (!dialog)
                return int(QDialog::Rejected);
            Dialogs::queuePath(path);
            QTest::mouseClick(dialog->browseButton(), Qt::LeftButton);
            if (!designation.isNull()) {
                dialog->designationEdit()->selectAll();
                QTest::keyClick(dialog->designationEdit(), Qt::Key_Delete);
                QTest::keyClicks(dialog->designationEdit(), designation);
            }
            outcome->designation = dialog->designationEdit()->text();
            choose(dialog->typeCombo(), type);
            QTest::mouseClick(dialog->submitButton(), Qt::LeftButton);
            outcome->error = dialog->errorText();
            outcome->file = dialog->fileEdit()->text();
            outcome->highlighted = dialog->highlightedFields();
            outcome->accepted = dialog->result() == QDialog::Accepted;
            return outcome->accepted ? int(QDialog::Accepted) : int(QDialog::Rejected);
        });
    }

private slots:
    void sizesUseTheUnitOfTheTexts()
    {
        // « 4 Mo au maximum » in the texts: the sizes in the table say « Mo » too, not « Mio ».
        const QLocale before;
        QLocale::setDefault(QLocale(QLocale::French, QLocale::France));
        const QString french = AttachedFileModel::humanSize(4 * 1024 * 1024);
        QLocale::setDefault(QLocale(QLocale::English, QLocale::UnitedKingdom));
        const QString english = AttachedFileModel::humanSize(4 * 1024 * 1024);
        QLocale::setDefault(before);
        QCOMPARE(french, QStringLiteral("4,0 Mo"));
        QCOMPARE(english, QStringLiteral("4.0 MB"));
    }

    void addASmallFile()
    {
        World w;
        QVERIFY(w.init());
        const QString path = w.writeFile(QStringLiteral("devis-2026.pdf"), QByteArray(1536, 'x'));
        AttachedFilesSection section(*w.session);
        section.show();
        Outcome outcome;
        answerAdd(path, QString(), QStringLiteral("Quote"), &outcome);
        QTest::mouseClick(section.manageButton(), Qt::LeftButton);
        QVERIFY2(outcome.accepted, qPrintable(outcome.error));
        QCOMPARE(outcome.designation, QStringLiteral("devis-2026")); // the file's name by default
        QCOMPARE(column(section.table(), AttachedFileModel::DesignationColumn), QStringList { "devis-2026" });
        QCOMPARE(column(section.table(), AttachedFileModel::TypeColumn), QStringList { "Quote" });
        QCOMPARE(column(section.table(), AttachedFileModel::FileNameColumn),
                 QStringList { "devis-2026.pdf" });
        QCOMPARE(column(section.table(), AttachedFileModel::SizeColumn), QStringList { "1.5 kB" });
        QCOMPARE(w.fileCount(), 1);
    }

    void aFileOverFourMegabytesIsRefusedBeforeReading()
    {
        World w;
        QVERIFY(w.init());
        QFile big(w.dir.filePath(QStringLiteral("scan.pdf")));
        QVERIFY(big.open(QIODevice::WriteOnly));
        QVERIFY(big.resize(AttachedFiles::MaxSize + 1));
        big.close();
        // Unreadable: had the dialog tried to read it, the message would say so.
        QFile::setPermissions(big.fileName(), QFileDevice::Permissions());
        const QString before = dataSnapshot(w.db());
        AttachedFilesSection section(*w.session);
        section.show();
        Outcome outcome;
        answerAdd(big.fileName(), QStringLiteral("Scan"), QStringLiteral("Other"), &outcome);
        QTest::mouseClick(section.manageButton(), Qt::LeftButton);
        QFile::setPermissions(big.fileName(), QFileDevice::ReadOwner | QFileDevice::WriteOwner);
        QVERIFY(!outcome.accepted);
        QVERIFY2(outcome.error.contains(QStringLiteral("file")), qPrintable(outcome.error));
        QVERIFY(outcome.file.isEmpty()); // the file was not kept
        QCOMPARE(outcome.highlighted, QStringList { "content" });
        QCOMPARE(dataSnapshot(w.db()), before);
        QCOMPARE(section.table()->model()->rowCount(), 0);
    }

    void theTooLargeMessageAppearsAsSoonAsTheFileIsChosen()
    {
        World w;
        QVERIFY(w.init());
        QFile big(w.dir.filePath(QStringLiteral("scan.pdf")));
        QVERIFY(big.open(QIODevice::WriteOnly));
        QVERIFY(big.resize(AttachedFiles::MaxSize + 1));
        big.close();
        AttachedFileDialog dialog(*w.session);
        dialog.show();
        Dialogs::queuePath(big.fileName());
        QTest::mouseClick(dialog.browseButton(), Qt::LeftButton);
        QVERIFY(dialog.errorText().contains(QStringLiteral("too large")));
        QVERIFY(dialog.errorText().contains(QStringLiteral("scan.pdf")));
        QVERIFY(dialog.fileEdit()->text().isEmpty());
        QVERIFY(dialog.designationEdit()->text().isEmpty());
    }

    // The file chooser reopens where the last attached file was taken, and the
    // CSV and audit exports keep folders of their own.
    void theFileChooserRemembersTheLastFolderPerKind()
    {
        World w;
        QVERIFY(w.init());
        QSettings().remove(QStringLiteral("attachedFiles/lastFolder"));
        const QString file = w.writeFile(QStringLiteral("kbis.pdf"), QByteArrayLiteral("%PDF-1.4"));
        QVERIFY(!file.isEmpty());
        {
            AttachedFileDialog dialog(*w.session);
            dialog.show();
            Dialogs::queuePath(file);
            QTest::mouseClick(dialog.browseButton(), Qt::LeftButton);
            QCOMPARE(Dialogs::lastStartPath(), QDir::homePath());
        }
        AttachedFileDialog again(*w.session);
        again.show();
        Dialogs::queuePath(QString()); // cancelled
        QTest::mouseClick(again.browseButton(), Qt::LeftButton);
        QCOMPARE(QDir(Dialogs::lastStartPath()), QDir(w.dir.path()));
        QVERIFY(HistoryPanel::exportFolderKey() != QStringLiteral("attachedFiles/lastFolder"));
    }

    void aMissingDesignationIsRefusedInRed()
    {
        World w;
        QVERIFY(w.init());
        const QString path = w.writeFile(QStringLiteral("brochure.pdf"), QByteArray("hello"));
        const QString before = dataSnapshot(w.db());
        AttachedFilesSection section(*w.session);
        section.show();
        Outcome outcome;
        answerAdd(path, QStringLiteral(""), QStringLiteral("Brochure"), &outcome);
        QTest::mouseClick(section.manageButton(), Qt::LeftButton);
        QVERIFY(!outcome.accepted);
        QVERIFY2(outcome.error.contains(QStringLiteral("Designation")), qPrintable(outcome.error));
        QCOMPARE(outcome.highlighted, QStringList { "designation" });
        QVERIFY(outcome.file.endsWith(QStringLiteral("brochure.pdf"))); // the chosen file stays
        QCOMPARE(dataSnapshot(w.db()), before);
    }

    void editTheDesignationAndType()
    {
        World w;
        QVERIFY(w.init());
        QVERIFY(w.addFile(QStringLiteral("Carte grise"), QStringLiteral("cg.pdf"), "pdf") > 0);
        AttachedFilesSection section(*w.session);
        section.show();
        section.table()->setFocus();
        section.table()->selectRow(0);
        Dialogs::queueDialogHook([](QDialog *d) {
            auto *dialog = qobject_cast<AttachedFileDialog *>(d);
            if (!dialog || !dialog->isEditing())
                return int(QDialog::Rejected);
            dialog->designationEdit()->selectAll();
            QTest::keyClicks(dialog->designationEdit(), QStringLiteral("Carte grise 308"));
            choose(dialog->typeCombo(), QStringLiteral("Vehicle registration"));
            QTest::mouseClick(dialog->submitButton(), Qt::LeftButton);
            return dialog->result();
        });
        QTest::mouseClick(section.editButton(), Qt::LeftButton);
        QCOMPARE(column(section.table(), AttachedFileModel::DesignationColumn),
                 QStringList { "Carte grise 308" });
        QCOMPARE(column(section.table(), AttachedFileModel::TypeColumn),
                 QStringList { "Vehicle registration" });
        QCOMPARE(column(section.table(), AttachedFileModel::FileNameColumn), QStringList { "cg.pdf" });
    }

    void downloadOneFile()
    {
        World w;
        QVERIFY(w.init());
        QByteArray content;
        for (int i = 0; i < 256; ++i)
            content.append(char(i));
        QVERIFY(w.addFile(QStringLiteral("Contrat"), QStringLiteral("contrat.bin"), content) > 0);
        AttachedFilesSection section(*w.session);
        section.show();
        section.table()->setFocus();
        section.table()->selectRow(0);
        const QString target = w.dir.filePath(QStringLiteral("copie.bin"));
        Dialogs::queuePath(target);
        QTest::mouseClick(section.downloadButton(), Qt::LeftButton);
        QFile saved(target);
        QVERIFY(saved.open(QIODevice::ReadOnly));
        QCOMPARE(saved.readAll(), content);
    }

    void downloadTheCheckedFilesNeverOverwrites()
    {
        World w;
        QVERIFY(w.init());
        QVERIFY(w.addFile(QStringLiteral("A"), QStringLiteral("a.txt"), "new a") > 0);
        QVERIFY(w.addFile(QStringLiteral("B"), QStringLiteral("b.txt"), "new b") > 0);
        QDir folder(w.dir.path());
        QVERIFY(folder.mkdir(QStringLiteral("out")));
        QVERIFY(folder.cd(QStringLiteral("out")));
        {
            QFile existing(folder.filePath(QStringLiteral("a.txt")));
            QVERIFY(existing.open(QIODevice::WriteOnly));
            existing.write("old a");
        }
        AttachedFilesSection section(*w.session);
        section.show();
        checkRow(section.table(), 0);
        checkRow(section.table(), 1);
        Dialogs::queuePath(folder.path());
        QTest::mouseClick(section.downloadCheckedButton(), Qt::LeftButton);
        const auto read = [&](const QString &name) {
            QFile f(folder.filePath(name));
            return f.open(QIODevice::ReadOnly) ? f.readAll() : QByteArray();
        };
        QCOMPARE(read(QStringLiteral("a.txt")), QByteArray("old a"));
        QCOMPARE(read(QStringLiteral("a (2).txt")), QByteArray("new a"));
        QCOMPARE(read(QStringLiteral("b.txt")), QByteArray("new b"));
        QVERIFY(section.notice().contains(QStringLiteral("a (2).txt")));
        QVERIFY(section.notice().contains(QStringLiteral("b.txt")));
    }

    void deleteTheCheckedFilesAfterConfirmation()
    {
        World w;
        QVERIFY(w.init());
        QVERIFY(w.addFile(QStringLiteral("A"), QStringLiteral("a.txt"), "a") > 0);
        QVERIFY(w.addFile(QStringLiteral("B"), QStringLiteral("b.txt"), "b") > 0);
        QVERIFY(w.addFile(QStringLiteral("C"), QStringLiteral("c.txt"), "c") > 0);
        AttachedFilesSection section(*w.session);
        section.show();
        checkRow(section.table(), 0);
        checkRow(section.table(), 2);

        const QString before = dataSnapshot(w.db());
        Dialogs::queueAnswer(QMessageBox::Cancel);
        QTest::mouseClick(section.deleteCheckedButton(), Qt::LeftButton);
        QCOMPARE(dataSnapshot(w.db()), before);

        Dialogs::queueAnswer(QMessageBox::Ok);
        QTest::mouseClick(section.deleteCheckedButton(), Qt::LeftButton);
        QCOMPARE(column(section.table(), AttachedFileModel::DesignationColumn), QStringList { "B" });
        QCOMPARE(w.fileCount(), 1);
    }
};

QTEST_MAIN(TestAttachedFilesSection)
#include "tst_attachedfilessection.moc"
