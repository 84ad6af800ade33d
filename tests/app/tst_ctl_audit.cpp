#include "ctlworkspace.h"
#include "fixtures.h"
#include "kernel/core.h"
#include "kernel/database.h"
#include "manualclock.h"

#include <QTest>

using namespace guichet;
using namespace guichet::test;

// `guichetctl audit` as an operator runs it.
class TestCtlAudit : public QObject
{
    Q_OBJECT

private:
    using Run = guichet::test::ProcessRun;
    Run ctl(const QStringList &args, const QByteArray &input = {}) { return m_ctl.run(args, input); }

    guichet::test::CtlWorkspace m_ctl { QStringLiteral(GUICHETCTL_PATH), QStringLiteral("audit.sqlite") };
    QString m_siret1;
    qint64 m_s2 = 0;

private slots:
    void initTestCase()
    {
        QCOMPARE(ctl({ QStringLiteral("init") }).exitCode, 0);
        const auto database = m_ctl.open();
        QVERIFY(database);
        ManualClock clock(QDateTime(QDate(2026, 3, 1), QTime(9, 0), Qt::UTC));
        Core core(*database, clock);
        const qint64 alice = insertUser(*database, QStringLiteral("alice@example.org"));
        m_siret1 = validSiret(1);
        const qint64 s1 = insertStructure(*database, m_siret1, QStringLiteral("Menuiserie Dupont"));
        m_s2 = insertStructure(*database, validSiret(2), QStringLiteral("Boulangerie"));
        const auto record = [&](AuditAction action, qint64 structure, const QString &comment) {
            AuditRecord r(action, alice);
            r.role = QStringLiteral("user");
            r.validFrom = QDate(2026, 3, 1);
            QVERIFY(core.run(QStringLiteral("testCommand"), alice,
                             [&](CommandContext &ctx) {
                                 ctx.audit(QStringLiteral("attachment"), 1, structure, r, comment);
                             })
                        .ok());
        };
        record(AuditAction::AttachmentRequested, s1, QString());
        clock.advanceDays(1); // 2 March
        record(AuditAction::AttachmentValidated, m_s2, QStringLiteral("note: \"ok\", thanks"));
        clock.advanceDays(1); // 3 March
        record(AuditAction::AttachmentRefused, s1, QStringLiteral("line one\nline two"));
    }

    void tableListsEverythingNewestFirstAsSentences()
    {
        const Run r = ctl({ QStringLiteral("audit") });
        QCOMPARE(r.exitCode, 0);
        const QStringList lines = r.out.split(QLatin1Char('\n'), Qt::SkipEmptyParts);
        QCOMPARE(lines.size(), 5); // header, three entries, count
        QVERIFY(lines.at(0).startsWith(QLatin1String("When")));
        QVERIFY(lines.at(1).startsWith(QLatin1String("2026-03-03")));
        QVERIFY2(
            lines.at(1).contains(QStringLiteral("Alice MARTIN refused the attachment request of Alice MARTIN "
                                                "to Menuiserie Dupont. — comment: line one line two")),
            qPrintable(lines.at(1)));
        QVERIFY(
            lines.at(3).contains(QLatin1String("Alice MARTIN requested attachment to Menuiserie Dupont")));
        QVERIFY(lines.at(4).contains(QLatin1Char('3')));
    }

    void datesFilterAndUntilIncludesItsDay()
    {
        Run r = ctl({ QStringLiteral("audit"), QStringLiteral("--since"), QStringLiteral("2026-03-02"),
                      QStringLiteral("--until"), QStringLiteral("2026-03-02") });
        QCOMPARE(r.exitCode, 0);
        QVERIFY(r.out.contains(QLatin1String("validated the attachment")));
        QVERIFY(!r.out.contains(QLatin1String("requested attachment")));
        QVERIFY(!r.out.contains(QLatin1String("refused the attachment")));

        r = ctl(
            { QStringLiteral("audit"), QStringLiteral("--since"), QStringLiteral("2026-03-02T09:00:01Z") });
        QCOMPARE(r.exitCode, 0);
        QVERIFY(!r.out.contains(QLatin1String("validated the attachment")));
        QVERIFY(r.out.contains(QLatin1String("refused the attachment")));
    }

    void structureBySiretOrId()
    {
        Run r = ctl({ QStringLiteral("audit"), QStringLiteral("--structure"), m_siret1 });
        QCOMPARE(r.exitCode, 0);
        QVERIFY(r.out.contains(QLatin1String("requested attachment")));
        QVERIFY(r.out.contains(QLatin1String("refused the attachment")));
        QVERIFY(!r.out.contains(QLatin1String("validated the attachment")));

        r = ctl({ QStringLiteral("audit"), QStringLiteral("--structure"), QString::number(m_s2) });
        QCOMPARE(r.exitCode, 0);
        QVERIFY(r.out.contains(QLatin1String("validated the attachment")));
        QVERIFY(!r.out.contains(QLatin1String("requested attachment")));
    }

    void csvFormat()
    {
        const Run r = ctl({ QStringLiteral("audit"), QStringLiteral("--format"), QStringLiteral("csv"),
                            QStringLiteral("--structure"), QString::number(m_s2) });
        QCOMPARE(r.exitCode, 0);
        const QStringList lines = r.out.split(QStringLiteral("\r\n"));
        QCOMPARE(lines.size(), 3);
        QCOMPARE(lines.at(0), QStringLiteral("When,Who,Structure,Kind of action,What happened"));
        QVERIFY2(lines.at(1).startsWith(QLatin1String("2026-03-02")), qPrintable(lines.at(1)));
        QVERIFY2(lines.at(1).endsWith(
                     QStringLiteral(",Alice MARTIN,Boulangerie,Attachments,\"Alice MARTIN validated the "
                                    "attachment request of Alice MARTIN to Boulangerie. — comment: "
                                    "note: \"\"ok\"\", thanks\"")),
                 qPrintable(lines.at(1)));
    }

    void badInputExitsTwoNamingTheOption_data()
    {
        QTest::addColumn<QStringList>("args");
        QTest::addColumn<QString>("named");
        QTest::newRow("bad since") << QStringList { QStringLiteral("--since"), QStringLiteral("yesterday") }
                                   << QStringLiteral("--since");
        QTest::newRow("impossible date")
            << QStringList { QStringLiteral("--since"), QStringLiteral("2026-02-30") }
            << QStringLiteral("--since");
        QTest::newRow("bad until") << QStringList { QStringLiteral("--until"), QStringLiteral("03/02/2026") }
                                   << QStringLiteral("--until");
        QTest::newRow("until before since")
            << QStringList { QStringLiteral("--since"), QStringLiteral("2026-03-03"),
                             QStringLiteral("--until"), QStringLiteral("2026-03-01") }
            << QStringLiteral("--until");
        QTest::newRow("bad format") << QStringList { QStringLiteral("--format"), QStringLiteral("xml") }
                                    << QStringLiteral("--format");
        QTest::newRow("not a structure")
            << QStringList { QStringLiteral("--structure"), QStringLiteral("ACME") }
            << QStringLiteral("--structure");
        QTest::newRow("unknown SIRET")
            << QStringList { QStringLiteral("--structure"), validSiret(99) } << QStringLiteral("--structure");
        QTest::newRow("stray argument")
            << QStringList { QStringLiteral("everything") } << QStringLiteral("everything");
    }
    void badInputExitsTwoNamingTheOption()
    {
        QFETCH(QStringList, args);
        QFETCH(QString, named);
        args.prepend(QStringLiteral("audit"));
        const Run r = ctl(args);
        QCOMPARE(r.exitCode, 2);
        QVERIFY2(r.err.contains(named), qPrintable(r.err));
        QCOMPARE(r.err.count(QLatin1Char('\n')), 1);
        QVERIFY(r.out.isEmpty());
    }

    void helpDescribesTheOptions()
    {
        const Run r = ctl({ QStringLiteral("audit"), QStringLiteral("--help") });
        QCOMPARE(r.exitCode, 0);
        for (const char *option : { "--since", "--until", "--structure", "--format" })
            QVERIFY(r.out.contains(QLatin1String(option)));
    }
};

QTEST_GUILESS_MAIN(TestCtlAudit)
#include "tst_ctl_audit.moc"
