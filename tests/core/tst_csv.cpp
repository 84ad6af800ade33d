#include "kernel/csv.h"

#include <QBuffer>
#include <QTest>

using namespace guichet;

// The CSV writer every export uses: what a spreadsheet reads back must be what was written.
class TestCsv : public QObject
{
    Q_OBJECT

private slots:
    void fieldsAreQuotedOnlyWhenNeeded_data()
    {
        QTest::addColumn<QString>("field");
        QTest::addColumn<QString>("separator");
        QTest::addColumn<QString>("expected");
        QTest::newRow("plain") << QStringLiteral("Menuiserie") << QStringLiteral(",")
                               << QStringLiteral("Menuiserie");
        QTest::newRow("empty") << QString() << QStringLiteral(",") << QString();
        QTest::newRow("comma") << QStringLiteral("a,b") << QStringLiteral(",") << QStringLiteral("\"a,b\"");
        QTest::newRow("comma with ;")
            << QStringLiteral("a,b") << QStringLiteral(";") << QStringLiteral("a,b");
        QTest::newRow("semicolon with ;")
            << QStringLiteral("a;b") << QStringLiteral(";") << QStringLiteral("\"a;b\"");
        QTest::newRow("quote") << QStringLiteral("dit \"oui\"") << QStringLiteral(",")
                               << QStringLiteral("\"dit \"\"oui\"\"\"");
        QTest::newRow("LF") << QStringLiteral("a\nb") << QStringLiteral(",") << QStringLiteral("\"a\nb\"");
        QTest::newRow("CR") << QStringLiteral("a\rb") << QStringLiteral(",") << QStringLiteral("\"a\rb\"");
        QTest::newRow("accents") << QStringLiteral("Société Générale") << QStringLiteral(",")
                                 << QStringLiteral("Société Générale");
    }
    void fieldsAreQuotedOnlyWhenNeeded()
    {
        QFETCH(QString, field);
        QFETCH(QString, separator);
        QFETCH(QString, expected);
        QCOMPARE(CsvWriter::escapeField(field, separator.at(0)), expected);
    }

    void rowsEndWithCrLfAndAreUtf8()
    {
        QBuffer buffer;
        buffer.open(QIODevice::WriteOnly);
        CsvWriter writer(buffer);
        QVERIFY(writer.writeRow({ QStringLiteral("SIRET"), QStringLiteral("Raison sociale") }));
        QVERIFY(writer.writeRow(
            { QStringLiteral("73282932000074"), QStringLiteral("Boulangerie \"Élise\", Lyon") }));
        QCOMPARE(writer.rowsWritten(), 2);
        QCOMPARE(
            buffer.data(),
            QStringLiteral("SIRET,Raison sociale\r\n73282932000074,\"Boulangerie \"\"Élise\"\", Lyon\"\r\n")
                .toUtf8());
    }

    void byteOrderMarkOnlyWhenAskedAndOnlyOnce()
    {
        QBuffer withBom;
        withBom.open(QIODevice::WriteOnly);
        CsvWriter excel(withBom, { QLatin1Char(';'), true });
        excel.writeRow({ QStringLiteral("a"), QStringLiteral("b;c") });
        excel.writeRow({ QStringLiteral("d") });
        QCOMPARE(withBom.data(),
                 QByteArray("\xEF\xBB\xBF"
                            "a;\"b;c\"\r\nd\r\n"));

        QBuffer plain;
        plain.open(QIODevice::WriteOnly);
        CsvWriter writer(plain);
        writer.writeRow({ QStringLiteral("a") });
        QCOMPARE(plain.data(), QByteArray("a\r\n"));
    }

    void aFailingDeviceIsReported()
    {
        QBuffer closed; // not open: every write fails
        CsvWriter writer(closed);
        QTest::ignoreMessage(QtWarningMsg, "QIODevice::write (QBuffer): device not open");
        QVERIFY(!writer.writeRow({ QStringLiteral("a") }));
        QCOMPARE(writer.rowsWritten(), 0);
    }
};

QTEST_GUILESS_MAIN(TestCsv)
#include "tst_csv.moc"
