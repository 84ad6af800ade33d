#include "ctlworkspace.h"

#include <QTest>

// Drives guichetctl's structure commands as an operator would.
class TestCtlStructures : public QObject
{
    Q_OBJECT

private:
    using Run = guichet::test::ProcessRun;
    Run ctl(const QStringList &args, const QByteArray &input = {}) { return m_ctl.run(args, input); }
    QString writeFile(const QString &name, const QByteArray &content)
    {
        const QString path = m_ctl.filePath(name);
        QFile file(path);
        if (!file.open(QIODevice::WriteOnly))
            return {};
        file.write(content);
        return path;
    }
    QString structureCount()
    {
        const Run r = ctl({ QStringLiteral("status") });
        const int at = r.out.indexOf(QLatin1String("Structures: "));
        return r.out.mid(at, r.out.indexOf(QLatin1Char('\n'), at) - at);
    }

    guichet::test::CtlWorkspace m_ctl { QStringLiteral(GUICHETCTL_PATH), QStringLiteral("ctl.sqlite") };

private slots:
    void initTestCase() { QCOMPARE(ctl({ QStringLiteral("init") }).exitCode, 0); }

    void badImportNamesTheLineAndChangesNothing()
    {
        const QString file = writeFile(QStringLiteral("bad.csv"),
                                       "siret,raison_sociale\n73282932000074,Menuiserie Dupont\n"
                                       "12345678901234,Mauvais\n");
        const Run r = ctl({ QStringLiteral("import-structures"), file });
        QCOMPARE(r.exitCode, 2);
        QVERIFY2(r.err.contains(QLatin1String("guichetctl: line 3: The SIRET 12345678901234 is not valid")),
                 qPrintable(r.err));
        QCOMPARE(structureCount(), QStringLiteral("Structures: 0"));
        QCOMPARE(
            ctl({ QStringLiteral("import-structures"), m_ctl.filePath(QStringLiteral("none.csv")) }).exitCode,
            2);
        QCOMPARE(ctl({ QStringLiteral("import-structures") }).exitCode, 2);
    }

    void importThenSearch()
    {
        const QString file = writeFile(QStringLiteral("good.csv"),
                                       "siret;raison_sociale;libelle;code_postal;ville\n"
                                       "73282932000074;Menuiserie Dupont;Siège;75011;Paris\n"
                                       "55208131766522;\"MÉNUISERIE, Martin\";;69001;Lyon\n"
                                       "35600000049837;La Poste Bureau;;75011;Paris\n");
        Run r = ctl({ QStringLiteral("import-structures"), file });
        QCOMPARE(r.exitCode, 0);
        QVERIFY2(r.err.contains(QLatin1String("100%")), qPrintable(r.err));
        QVERIFY(r.out.contains(QLatin1String("Imported 3")));
        QCOMPARE(structureCount(), QStringLiteral("Structures: 3"));
        // Importing the same file again: every SIRET exists already.
        r = ctl({ QStringLiteral("import-structures"), file });
        QCOMPARE(r.exitCode, 2);
        QVERIFY2(
            r.err.contains(QLatin1String("line 2: A structure with SIRET 73282932000074 already exists")),
            qPrintable(r.err));

        r = ctl({ QStringLiteral("structures"), QStringLiteral("search"), QStringLiteral("--raison-sociale"),
                  QStringLiteral("*menuiserie*") });
        QCOMPARE(r.exitCode, 0);
        const QStringList lines = r.out.split(QLatin1Char('\n'), Qt::SkipEmptyParts);
        QCOMPARE(lines.size(), 5); // header, rule, 2 rows, summary
        QVERIFY(lines.at(0).startsWith(QLatin1String("SIRET")));
        QVERIFY(lines.at(2).contains(QLatin1String("Menuiserie Dupont")));
        QVERIFY(lines.at(3).contains(QStringLiteral("MÉNUISERIE, Martin")));
        QVERIFY(lines.at(4).contains(QLatin1String("2 of 2")));

        r = ctl({ QStringLiteral("structures"), QStringLiteral("search"), QStringLiteral("--code-postal"),
                  QStringLiteral("75011"), QStringLiteral("--format"), QStringLiteral("csv") });
        QCOMPARE(r.exitCode, 0);
        QCOMPARE(r.out,
                 QStringLiteral("siret,raison_sociale,libelle,code_postal,ville\n"
                                "35600000049837,La Poste Bureau,,75011,Paris\n"
                                "73282932000074,Menuiserie Dupont,Siège,75011,Paris\n"));
        r = ctl({ QStringLiteral("structures"), QStringLiteral("search"), QStringLiteral("--ville"),
                  QStringLiteral("*"), QStringLiteral("--format"), QStringLiteral("csv"),
                  QStringLiteral("--limit"), QStringLiteral("1") });
        QCOMPARE(r.out.count(QLatin1Char('\n')), 2);
        QVERIFY(r.out.contains(QLatin1String("La Poste Bureau")));
        r = ctl({ QStringLiteral("structures"), QStringLiteral("search"), QStringLiteral("--siret"),
                  QStringLiteral("5520*"), QStringLiteral("--format"), QStringLiteral("csv") });
        QVERIFY(r.out.contains(QStringLiteral("\"MÉNUISERIE, Martin\"")));
    }

    void badOptionsAreBadInput()
    {
        const QList<QStringList> cases {
            { QStringLiteral("structures") },
            { QStringLiteral("structures"), QStringLiteral("find") },
            { QStringLiteral("structures"), QStringLiteral("search") },
            { QStringLiteral("structures"), QStringLiteral("search"), QStringLiteral("--ville"),
              QStringLiteral("x"), QStringLiteral("--format"), QStringLiteral("xml") },
            { QStringLiteral("structures"), QStringLiteral("search"), QStringLiteral("--ville"),
              QStringLiteral("x"), QStringLiteral("--limit"), QStringLiteral("0") },
            { QStringLiteral("structures"), QStringLiteral("search"), QStringLiteral("--colour") },
            { QStringLiteral("bench-data") },
            { QStringLiteral("bench-data"), QStringLiteral("--structures"), QStringLiteral("many") },
        };
        for (const QStringList &args : cases) {
            const Run r = ctl(args);
            QVERIFY2(r.exitCode == 2, qPrintable(args.join(QLatin1Char(' '))));
            QCOMPARE(r.err.count(QLatin1Char('\n')), 1);
            QVERIFY(r.err.startsWith(QLatin1String("guichetctl: ")));
        }
    }

    void benchDataAddsSearchableStructures()
    {
        const Run r
            = ctl({ QStringLiteral("bench-data"), QStringLiteral("--structures"), QStringLiteral("2000") });
        QCOMPARE(r.exitCode, 0);
        QCOMPARE(structureCount(), QStringLiteral("Structures: 2003"));
        const Run search = ctl({ QStringLiteral("structures"), QStringLiteral("search"),
                                 QStringLiteral("--raison-sociale"), QStringLiteral("*menuiserie*"),
                                 QStringLiteral("--limit"), QStringLiteral("1") });
        QCOMPARE(search.exitCode, 0);
        // About 5% of the synthetic names, plus the two imported ones.
        const int at = search.out.indexOf(QLatin1String(" of "));
        const int total = search.out.mid(at + 4).section(QLatin1Char(' '), 0, 0).toInt();
        QVERIFY2(total > 50 && total < 160, qPrintable(search.out));
    }
};

QTEST_GUILESS_MAIN(TestCtlStructures)
#include "tst_ctl_structures.moc"
