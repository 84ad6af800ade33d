#include "coreworld.h"
#include "fixtures.h"
#include "kernel/core.h"
#include "manualclock.h"
#include "rules/files/attachedfiles.h"
#include "testdatabase.h"

#include <QCryptographicHash>
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QTemporaryDir>
#include <QTest>

using namespace guichet;
using namespace guichet::test;

// « Gérer ses pièces jointes »: a user's own files, 4 MiB at most, that only
// their owner may read, change or delete.
class TestAttachedFiles : public QObject
{
    Q_OBJECT

private:
    struct World : CoreWorld
    {
        std::unique_ptr<AttachedFiles> files;
        qint64 alice = 0;
        qint64 bruno = 0;
        qint64 support = 0;

        World()
        {
            if (!isValid())
                return;
            files = std::make_unique<AttachedFiles>(*core);
            alice = insertUser(t.db(), QStringLiteral("alice@example.org"));
            bruno = insertUser(t.db(), QStringLiteral("bruno@example.org"), QStringLiteral("Bruno"));
            support = insertUser(t.db(), QStringLiteral("support@example.org"), QStringLiteral("Sam"),
                                 QStringLiteral("Support"), true);
        }
        int fileCount() { return count(QStringLiteral("SELECT COUNT(*) FROM attached_files")); }
        int auditCount() { return count(QStringLiteral("SELECT COUNT(*) FROM audit_log")); }
        QVariantMap fileRow(qint64 id)
        {
            return t.db()
                .row(
                    QStringLiteral("SELECT designation, file_type, file_name, size, sha256, content, version "
                                   "FROM attached_files WHERE id = ?"),
                    { id })
                .value_or(QVariantMap());
        }
        qint64 add(qint64 user, const QString &designation, const QString &name, const QByteArray &content,
                   const QString &type = QStringLiteral("justificatif"))
        {
            const CommandResult r = files->addFile(user, { designation, type, name, content });
            if (!r.ok())
                qWarning() << r.message;
            return r.id;
        }
    };

    static QString sha256(const QByteArray &bytes)
    {
        return QString::fromLatin1(QCryptographicHash::hash(bytes, QCryptographicHash::Sha256).toHex());
    }

private slots:
    void typesAreAFixedListWithLabels()
    {
        const QList<FileType> types = AttachedFiles::fileTypes();
        QStringList codes;
        for (const FileType &type : types) {
            codes << type.code;
            QVERIFY(!type.label.isEmpty());
        }
        QCOMPARE(
            codes,
            QStringList({ QStringLiteral("justificatif"), QStringLiteral("carte_grise"),
                          QStringLiteral("brochure"), QStringLiteral("bon_de_commande"),
                          QStringLiteral("contrat"), QStringLiteral("devis"), QStringLiteral("autre") }));
        QCOMPARE(AttachedFiles::fileTypeLabel(QStringLiteral("carte_grise")),
                 QStringLiteral("Vehicle registration"));
    }

    void addStoresMetadataHashAndAudit()
    {
        World w;
        GUICHET_REQUIRE_DB(w.t);
        const QByteArray content("%PDF-1.4 carte grise");
        const CommandResult r
            = w.files->addFile(w.alice,
                               { QStringLiteral("  Carte grise Clio  "), QStringLiteral("carte_grise"),
                                 QStringLiteral("C:\\Users\\alice\\Documents\\carte grise.pdf"), content });
        QVERIFY2(r.ok(), qPrintable(r.message));
        const QVariantMap row = w.fileRow(r.id);
        QCOMPARE(row.value(QStringLiteral("designation")).toString(), QStringLiteral("Carte grise Clio"));
        QCOMPARE(row.value(QStringLiteral("file_name")).toString(), QStringLiteral("carte grise.pdf"));
        QCOMPARE(row.value(QStringLiteral("size")).toLongLong(), qint64(content.size()));
        QCOMPARE(row.value(QStringLiteral("sha256")).toString(), sha256(content));
        QCOMPARE(row.value(QStringLiteral("content")).toByteArray(), content);
        QVERIFY(row.value(QStringLiteral("version")).toLongLong() > 0);
        QCOMPARE(w.count(QStringLiteral("SELECT COUNT(*) FROM audit_log WHERE entity = 'attached_file' AND "
                                        "entity_id = ? AND actor_id = ?"),
                         { r.id, w.alice }),
                 1);

        const QList<AttachedFileInfo> list = w.files->listFiles(w.alice);
        QCOMPARE(list.size(), 1);
        QCOMPARE(list.first().typeLabel, QStringLiteral("Vehicle registration"));
        QCOMPARE(list.first().sha256, sha256(content));
        QCOMPARE(list.first().createdAt, w.clock.now());
        QVERIFY(w.files->listFiles(w.bruno).isEmpty());
    }

    void sizeLimitIsFourMebibytes()
    {
        World w;
        GUICHET_REQUIRE_DB(w.t);
        const QByteArray exact(AttachedFiles::MaxSize, 'x');
        QCOMPARE(exact.size(), 4194304);
        CommandResult r = w.files->addFile(
            w.alice,
            { QStringLiteral("Exactly 4 MiB"), QStringLiteral("autre"), QStringLiteral("big.bin"), exact });
        QVERIFY2(r.ok(), qPrintable(r.message));
        QCOMPARE(w.fileRow(r.id).value(QStringLiteral("size")).toLongLong(), 4194304);
        QByteArray read;
        QVERIFY(w.files->fileContent(w.alice, r.id, &read).ok());
        QCOMPARE(read, exact);

        const int files = w.fileCount();
        const int audits = w.auditCount();
        r = w.files->addFile(w.alice,
                             { QStringLiteral("One byte too many"), QStringLiteral("autre"),
                               QStringLiteral("bigger.bin"), QByteArray(AttachedFiles::MaxSize + 1, 'x') });
        QCOMPARE(r.code, ErrorCode::TooLarge);
        QCOMPARE(r.field, QStringLiteral("content"));
        QVERIFY2(r.message.contains(QLatin1String("4 MB")), qPrintable(r.message));
        QCOMPARE(w.fileCount(), files);
        QCOMPARE(w.auditCount(), audits);

        // The UI asks before reading the file.
        QVERIFY(AttachedFiles::checkSize(4194304).ok());
        QCOMPARE(AttachedFiles::checkSize(4194305).code, ErrorCode::TooLarge);
        QCOMPARE(AttachedFiles::checkSize(0).code, ErrorCode::InvalidInput);
    }

    void badInputIsRefusedAndNothingStored_data()
    {
        QTest::addColumn<QString>("designation");
        QTest::addColumn<QString>("type");
        QTest::addColumn<QByteArray>("content");
        QTest::addColumn<QString>("field");
        QTest::newRow("empty file") << QStringLiteral("Devis") << QStringLiteral("devis") << QByteArray()
                                    << QStringLiteral("content");
        QTest::newRow("no designation") << QStringLiteral("   ") << QStringLiteral("devis") << QByteArray("x")
                                        << QStringLiteral("designation");
        QTest::newRow("designation too long") << QString(201, QLatin1Char('d')) << QStringLiteral("devis")
                                              << QByteArray("x") << QStringLiteral("designation");
        QTest::newRow("unknown type") << QStringLiteral("Devis") << QStringLiteral("facture")
                                      << QByteArray("x") << QStringLiteral("fileType");
        QTest::newRow("no type") << QStringLiteral("Devis") << QString() << QByteArray("x")
                                 << QStringLiteral("fileType");
    }
    void badInputIsRefusedAndNothingStored()
    {
        QFETCH(QString, designation);
        QFETCH(QString, type);
        QFETCH(QByteArray, content);
        QFETCH(QString, field);
        World w;
        GUICHET_REQUIRE_DB(w.t);
        const CommandResult r
            = w.files->addFile(w.alice, { designation, type, QStringLiteral("devis.pdf"), content });
        QCOMPARE(r.code, ErrorCode::InvalidInput);
        QCOMPARE(r.field, field);
        QVERIFY(!r.message.isEmpty());
        QCOMPARE(w.fileCount(), 0);
        QCOMPARE(w.auditCount(), 0);
    }

    void everyMissingFieldIsNamed()
    {
        World w;
        GUICHET_REQUIRE_DB(w.t);
        const CommandResult r
            = w.files->addFile(w.alice, { QStringLiteral(" "), QString(), QStringLiteral("x.pdf"), {} });
        QCOMPARE(r.code, ErrorCode::InvalidInput);
        QCOMPARE(r.field, QStringLiteral("designation"));
        for (const char *label : { "designation", "file type", "file" })
            QVERIFY2(r.message.contains(QLatin1String(label)), qPrintable(r.message));
        QCOMPARE(w.fileCount(), 0);
        QCOMPARE(w.auditCount(), 0);
    }

    void namesAreSanitised_data()
    {
        QTest::addColumn<QString>("input");
        QTest::addColumn<QString>("expected");
        QTest::newRow("unix path") << QStringLiteral("../../etc/passwd") << QStringLiteral("passwd");
        QTest::newRow("windows path")
            << QStringLiteral("C:\\Users\\a\\devis.pdf") << QStringLiteral("devis.pdf");
        QTest::newRow("reserved CON") << QStringLiteral("CON.txt") << QStringLiteral("_CON.txt");
        QTest::newRow("reserved nul") << QStringLiteral("nul") << QStringLiteral("_nul");
        QTest::newRow("reserved com1") << QStringLiteral("com1.tar.gz") << QStringLiteral("_com1.tar.gz");
        QTest::newRow("not reserved") << QStringLiteral("COM10.txt") << QStringLiteral("COM10.txt");
        QTest::newRow("invalid chars") << QStringLiteral("a<b>.pdf") << QStringLiteral("ab.pdf");
        QTest::newRow("more invalid") << QStringLiteral("q?u*o|t\"e:.pdf") << QStringLiteral("quote.pdf");
        QTest::newRow("control chars") << QStringLiteral("tab\there\n.pdf") << QStringLiteral("tabhere.pdf");
        QTest::newRow("dots and spaces") << QStringLiteral("  ..hidden. . ") << QStringLiteral("hidden");
        QTest::newRow("only dots") << QStringLiteral("...") << QStringLiteral("file");
        QTest::newRow("empty") << QString() << QStringLiteral("file");
        QTest::newRow("trailing slash") << QStringLiteral("folder/") << QStringLiteral("file");
        QTest::newRow("accents kept")
            << QStringLiteral("Facture été.pdf") << QStringLiteral("Facture été.pdf");
        QTest::newRow("too long") << QString(300, QLatin1Char('n')) + QStringLiteral(".pdf")
                                  << QString(146, QLatin1Char('n')) + QStringLiteral(".pdf");
        QTest::newRow("too many bytes") << QString(200, QChar(0x20AC)) + QStringLiteral(".pdf")
                                        << QString(78, QChar(0x20AC)) + QStringLiteral(".pdf");
    }
    void namesAreSanitised()
    {
        QFETCH(QString, input);
        QFETCH(QString, expected);
        const QString name = AttachedFiles::sanitizeFileName(input);
        QCOMPARE(name, expected);
        QVERIFY(name.size() <= AttachedFiles::MaxFileNameLength);
        QVERIFY(name.toUtf8().size() <= 255);
    }

    void addStoresTheSanitisedName()
    {
        World w;
        GUICHET_REQUIRE_DB(w.t);
        const qint64 id
            = w.add(w.alice, QStringLiteral("Passwd"), QStringLiteral("../../etc/passwd"), "root");
        QVERIFY(id);
        QCOMPARE(w.fileRow(id).value(QStringLiteral("file_name")).toString(), QStringLiteral("passwd"));
    }

    void ownerEditsDesignationTypeAndContent()
    {
        World w;
        GUICHET_REQUIRE_DB(w.t);
        const qint64 id = w.add(w.alice, QStringLiteral("Devis"), QStringLiteral("devis.pdf"), "v1");
        const qint64 before = w.fileRow(id).value(QStringLiteral("version")).toLongLong();
        w.clock.advanceSecs(60);
        CommandResult r
            = w.files->updateFile(w.alice, id, QStringLiteral("Devis signé"), QStringLiteral("contrat"));
        QVERIFY2(r.ok(), qPrintable(r.message));
        QVariantMap row = w.fileRow(id);
        QCOMPARE(row.value(QStringLiteral("designation")).toString(), QStringLiteral("Devis signé"));
        QCOMPARE(row.value(QStringLiteral("file_type")).toString(), QStringLiteral("contrat"));
        QCOMPARE(row.value(QStringLiteral("content")).toByteArray(), QByteArray("v1"));
        QVERIFY(row.value(QStringLiteral("version")).toLongLong() > before);
        QCOMPARE(w.files->listFiles(w.alice).first().updatedAt, w.clock.now());

        r = w.files->updateFile(
            w.alice, id, QStringLiteral("Contrat"), QStringLiteral("contrat"),
            AttachedFiles::NewContent { QStringLiteral("/tmp/contrat v2.pdf"), "version 2" });
        QVERIFY2(r.ok(), qPrintable(r.message));
        row = w.fileRow(id);
        QCOMPARE(row.value(QStringLiteral("file_name")).toString(), QStringLiteral("contrat v2.pdf"));
        QCOMPARE(row.value(QStringLiteral("size")).toLongLong(), 9);
        QCOMPARE(row.value(QStringLiteral("sha256")).toString(), sha256("version 2"));
        QCOMPARE(w.count(QStringLiteral("SELECT COUNT(*) FROM audit_log WHERE entity_id = ? AND "
                                        "command = 'updateAttachedFile'"),
                         { id }),
                 2);

        // The same checks as when adding; nothing changes on a refusal.
        const int audits = w.auditCount();
        r = w.files->updateFile(w.alice, id, QString(), QStringLiteral("contrat"));
        QCOMPARE(r.field, QStringLiteral("designation"));
        r = w.files->updateFile(
            w.alice, id, QStringLiteral("Contrat"), QStringLiteral("contrat"),
            AttachedFiles::NewContent { QStringLiteral("x"), QByteArray(AttachedFiles::MaxSize + 1, 'x') });
        QCOMPARE(r.code, ErrorCode::TooLarge);
        QCOMPARE(w.fileRow(id), row);
        QCOMPARE(w.auditCount(), audits);
    }

    void othersCannotReadEditOrDelete()
    {
        World w;
        GUICHET_REQUIRE_DB(w.t);
        const qint64 id = w.add(w.alice, QStringLiteral("Carte grise"), QStringLiteral("cg.pdf"), "secret");
        const QVariantMap before = w.fileRow(id);
        const int audits = w.auditCount();

        QByteArray content;
        CommandResult r = w.files->fileContent(w.bruno, id, &content);
        QCOMPARE(r.code, ErrorCode::Forbidden);
        QVERIFY(content.isEmpty());
        r = w.files->updateFile(w.bruno, id, QStringLiteral("Mine now"), QStringLiteral("autre"));
        QCOMPARE(r.code, ErrorCode::Forbidden);
        r = w.files->deleteFiles(w.bruno, { id });
        QCOMPARE(r.code, ErrorCode::Forbidden);
        QTemporaryDir dir;
        r = w.files->exportFiles(w.bruno, { id }, dir.path());
        QCOMPARE(r.code, ErrorCode::Forbidden);
        QVERIFY(QDir(dir.path()).isEmpty());

        QCOMPARE(w.fileRow(id), before);
        QCOMPARE(w.auditCount(), audits);
        QCOMPARE(w.count(QStringLiteral("SELECT COUNT(*) FROM tombstones")), 0);

        // Unknown ids are told apart from forbidden ones.
        QCOMPARE(w.files->fileContent(w.alice, id + 1000, &content).code, ErrorCode::NotFound);
    }

    void supportSeesMetadataButNeverContent()
    {
        World w;
        GUICHET_REQUIRE_DB(w.t);
        const qint64 id = w.add(w.alice, QStringLiteral("Contrat"), QStringLiteral("contrat.pdf"), "private");
        const auto list = w.files->listFilesForSupport(w.support, w.alice);
        QVERIFY(list.has_value());
        QCOMPARE(list->size(), 1);
        QCOMPARE(list->first().fileName, QStringLiteral("contrat.pdf"));
        QCOMPARE(list->first().size, 7);

        QByteArray content;
        const CommandResult r = w.files->fileContent(w.support, id, &content);
        QCOMPARE(r.code, ErrorCode::Forbidden);
        QVERIFY(content.isEmpty());
        QTemporaryDir dir;
        QCOMPARE(w.files->exportFiles(w.support, { id }, dir.path()).code, ErrorCode::Forbidden);
        QCOMPARE(w.files->deleteFiles(w.support, { id }).code, ErrorCode::Forbidden);
        QCOMPARE(w.fileCount(), 1);

        // The support listing is for support staff only.
        QVERIFY(!w.files->listFilesForSupport(w.bruno, w.alice).has_value());
    }

    void bulkDeleteIsAllOrNothing()
    {
        World w;
        GUICHET_REQUIRE_DB(w.t);
        const qint64 a1 = w.add(w.alice, QStringLiteral("One"), QStringLiteral("1.pdf"), "1");
        const qint64 a2 = w.add(w.alice, QStringLiteral("Two"), QStringLiteral("2.pdf"), "2");
        const qint64 a3 = w.add(w.alice, QStringLiteral("Three"), QStringLiteral("3.pdf"), "3");
        const qint64 b1 = w.add(w.bruno, QStringLiteral("Bruno's"), QStringLiteral("b.pdf"), "b");
        const int audits = w.auditCount();

        CommandResult r = w.files->deleteFiles(w.alice, { a1, b1, a2 });
        QCOMPARE(r.code, ErrorCode::Forbidden);
        QCOMPARE(w.fileCount(), 4);
        QCOMPARE(w.auditCount(), audits);
        QCOMPARE(w.count(QStringLiteral("SELECT COUNT(*) FROM tombstones")), 0);
        QCOMPARE(w.files->deleteFiles(w.alice, {}).code, ErrorCode::InvalidInput);

        r = w.files->deleteFiles(w.alice, { a1, a2 });
        QVERIFY2(r.ok(), qPrintable(r.message));
        QCOMPARE(r.data.value(QStringLiteral("deleted")).toInt(), 2);
        QCOMPARE(w.files->listFiles(w.alice).size(), 1);
        QCOMPARE(w.files->listFiles(w.alice).first().id, a3);
        QCOMPARE(w.count(QStringLiteral("SELECT COUNT(*) FROM tombstones WHERE table_name = 'attached_files' "
                                        "AND row_id IN (?, ?)"),
                         { a1, a2 }),
                 2);
        QCOMPARE(
            w.count(QStringLiteral("SELECT COUNT(*) FROM audit_log WHERE command = 'deleteAttachedFiles'")),
            2);

        // A single delete goes the same way.
        QVERIFY(w.files->deleteFiles(w.alice, { a3 }).ok());
        QVERIFY(w.files->listFiles(w.alice).isEmpty());
        QCOMPARE(w.files->listFiles(w.bruno).size(), 1);
    }

    void ownerDownloadsVerifiedContent()
    {
        World w;
        GUICHET_REQUIRE_DB(w.t);
        QByteArray binary;
        for (int i = 0; i < 1024; ++i)
            binary.append(char(i % 256));
        const qint64 id = w.add(w.alice, QStringLiteral("Binary"), QStringLiteral("b.bin"), binary);
        QByteArray read;
        QVERIFY(w.files->fileContent(w.alice, id, &read).ok());
        QCOMPARE(read, binary);

        // A damaged stored file is reported, not handed out.
        w.t.db().exec(QStringLiteral("UPDATE attached_files SET content = ? WHERE id = ?"),
                      { QByteArray("tampered"), id });
        read.clear();
        const CommandResult r = w.files->fileContent(w.alice, id, &read);
        QCOMPARE(r.code, ErrorCode::Internal);
        QVERIFY(read.isEmpty());
    }

    void exportWritesCheckedFilesWithoutOverwriting()
    {
        World w;
        GUICHET_REQUIRE_DB(w.t);
        const qint64 f1 = w.add(w.alice, QStringLiteral("Devis A"), QStringLiteral("devis.pdf"), "A");
        const qint64 f2 = w.add(w.alice, QStringLiteral("Devis B"), QStringLiteral("devis.pdf"), "B");
        const qint64 f3 = w.add(w.alice, QStringLiteral("Notes"), QStringLiteral("notes"), "N");
        QTemporaryDir dir;
        QFile existing(dir.filePath(QStringLiteral("devis.pdf")));
        QVERIFY(existing.open(QIODevice::WriteOnly));
        existing.write("already here");
        existing.close();

        CommandResult r = w.files->exportFiles(w.alice, { f1, f2, f3 }, dir.path());
        QVERIFY2(r.ok(), qPrintable(r.message));
        const QStringList paths = r.data.value(QStringLiteral("paths")).toStringList();
        QCOMPARE(paths,
                 QStringList({ dir.filePath(QStringLiteral("devis (2).pdf")),
                               dir.filePath(QStringLiteral("devis (3).pdf")),
                               dir.filePath(QStringLiteral("notes")) }));
        const auto read = [](const QString &path) {
            QFile file(path);
            return file.open(QIODevice::ReadOnly) ? file.readAll() : QByteArray();
        };
        QCOMPARE(read(dir.filePath(QStringLiteral("devis.pdf"))), QByteArray("already here"));
        QCOMPARE(read(paths.at(0)), QByteArray("A"));
        QCOMPARE(read(paths.at(1)), QByteArray("B"));
        QCOMPARE(read(paths.at(2)), QByteArray("N"));

        // Again: new names, the earlier ones untouched.
        r = w.files->exportFiles(w.alice, { f3 }, dir.path());
        QVERIFY(r.ok());
        QCOMPARE(r.data.value(QStringLiteral("paths")).toStringList(),
                 QStringList { dir.filePath(QStringLiteral("notes (2)")) });
        QCOMPARE(QDir(dir.path()).entryList(QDir::Files).size(), 5);

        // A mix with someone else's file writes nothing.
        const qint64 b1 = w.add(w.bruno, QStringLiteral("Bruno"), QStringLiteral("bruno.pdf"), "b");
        QTemporaryDir empty;
        QCOMPARE(w.files->exportFiles(w.alice, { f1, b1 }, empty.path()).code, ErrorCode::Forbidden);
        QVERIFY(QDir(empty.path()).isEmpty());
        QCOMPARE(w.files->exportFiles(w.alice, { f1 }, empty.filePath(QStringLiteral("missing"))).field,
                 QStringLiteral("folder"));
    }

    void aFailedExportRemovesWhatItWrote()
    {
        World w;
        GUICHET_REQUIRE_DB(w.t);
        const qint64 f1 = w.add(w.alice, QStringLiteral("Good"), QStringLiteral("good.pdf"), "G");
        const qint64 f2 = w.add(w.alice, QStringLiteral("Damaged"), QStringLiteral("bad.pdf"), "D");
        w.t.db().exec(QStringLiteral("UPDATE attached_files SET content = ? WHERE id = ?"),
                      { QByteArray("X"), f2 });
        QTemporaryDir dir;
        const CommandResult r = w.files->exportFiles(w.alice, { f1, f2 }, dir.path());
        QCOMPARE(r.code, ErrorCode::Internal);
        QVERIFY(QDir(dir.path()).isEmpty());
    }

    void aWriteFailureMidwayRemovesWhatTheExportWrote()
    {
        World w;
        GUICHET_REQUIRE_DB(w.t);
        const qint64 f1 = w.add(w.alice, QStringLiteral("Good"), QStringLiteral("good.pdf"), "G");
        const qint64 f2 = w.add(w.alice, QStringLiteral("Blocked"), QStringLiteral("blocked.pdf"), "B");
        QTemporaryDir dir;
        // Every name the export could give the second file is taken, so writing it fails.
        for (int n = 1; n <= 999; ++n) {
            QFile taken(dir.filePath(n == 1 ? QStringLiteral("blocked.pdf")
                                            : QStringLiteral("blocked (%1).pdf").arg(n)));
            QVERIFY(taken.open(QIODevice::WriteOnly));
        }
        const CommandResult r = w.files->exportFiles(w.alice, { f1, f2 }, dir.path());
        QCOMPARE(r.code, ErrorCode::Internal);
        QCOMPARE(r.field, QStringLiteral("folder"));
        QVERIFY(!QFile::exists(dir.filePath(QStringLiteral("good.pdf"))));
        QCOMPARE(QDir(dir.path()).entryList(QDir::Files).size(), 999);
        QCOMPARE(QFileInfo(dir.filePath(QStringLiteral("blocked.pdf"))).size(), 0);
    }

    void deactivatedOwnerCanDoNothing()
    {
        World w;
        GUICHET_REQUIRE_DB(w.t);
        const qint64 id = w.add(w.alice, QStringLiteral("Devis"), QStringLiteral("devis.pdf"), "v1");
        w.t.db().exec(QStringLiteral("UPDATE users SET status = 'deactivated' WHERE id = ?"), { w.alice });
        QByteArray content;
        QCOMPARE(w.files->fileContent(w.alice, id, &content).code, ErrorCode::Forbidden);
        QCOMPARE(w.files->deleteFiles(w.alice, { id }).code, ErrorCode::Forbidden);
        QCOMPARE(w.fileCount(), 1);
    }

    void fileInfoReadsOneFilesMetadata()
    {
        World w;
        GUICHET_REQUIRE_DB(w.t);
        const QByteArray content("invoice 42");
        const qint64 id = w.add(w.bruno, QStringLiteral("Facture"), QStringLiteral("facture.pdf"), content);
        QVERIFY(id > 0);
        const std::optional<AttachedFileInfo> info = w.files->fileInfo(id);
        QVERIFY(info);
        QCOMPARE(info->id, id);
        QCOMPARE(info->userId, w.bruno);
        QCOMPARE(info->designation, QStringLiteral("Facture"));
        QCOMPARE(info->fileName, QStringLiteral("facture.pdf"));
        QCOMPARE(info->size, qint64(content.size()));
        QCOMPARE(info->sha256, sha256(content));
        QVERIFY(!w.files->fileInfo(id + 1000));
    }
};

QTEST_GUILESS_MAIN(TestAttachedFiles)
#include "tst_attachedfiles.moc"
