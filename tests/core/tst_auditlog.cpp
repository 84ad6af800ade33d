#include "fixtures.h"
#include "kernel/core.h"
#include "manualclock.h"
#include "rules/audit/auditlog.h"
#include "testdatabase.h"

#include <QBuffer>
#include <QTest>

using namespace guichet;
using namespace guichet::test;

// Reading the audit log: who did what, when, on which structure.
class TestAuditLog : public QObject
{
    Q_OBJECT

private:
    struct World
    {
        TestDatabase t;
        ManualClock clock;
        std::unique_ptr<Core> core;
        qint64 alice = 0;
        qint64 bruno = 0;
        qint64 s1 = 0;
        qint64 s2 = 0;

        World()
        {
            if (!t.isValid())
                return;
            core = std::make_unique<Core>(t.db(), clock);
            alice = insertUser(t.db(), QStringLiteral("alice@example.org"));
            bruno = insertUser(t.db(), QStringLiteral("bruno@example.org"), QStringLiteral("Bruno"));
            s1 = insertStructure(t.db(), validSiret(1), QStringLiteral("Menuiserie Dupont"));
            s2 = insertStructure(t.db(), validSiret(2), QStringLiteral("Boulangerie"));
        }
        // One audited command at the clock's time.
        void record(qint64 actor, const QString &command, qint64 structure, const QString &details,
                    const QString &comment = {})
        {
            const CommandResult r = core->run(
                command, actor,
                [&](CommandContext &ctx) {
                    ctx.audit(QStringLiteral("attachment"), 7, structure, details, comment);
                },
                actor ? RunOptions() : RunOptions::anonymousCommand());
            QVERIFY(r.ok());
        }
    };

    // 1 March 09:00 alice s1, 2 March 09:00 bruno s2, 3 March 09:00 anonymous, 4 March alice s1.
    static void fill(World &w)
    {
        w.clock.set(QDateTime(QDate(2026, 3, 1), QTime(9, 0), Qt::UTC));
        w.record(w.alice, QStringLiteral("requestAttachment"), w.s1, QStringLiteral("role=user"));
        w.clock.advanceDays(1);
        w.record(w.bruno, QStringLiteral("validateAttachment"), w.s2, QStringLiteral("status=validated"),
                 QStringLiteral("Bienvenue, \"Bruno\""));
        w.clock.advanceDays(1);
        w.record(0, QStringLiteral("createSolicitation"), 0,
                 QStringLiteral("category=reactivation; 100%_sure"));
        w.clock.advanceDays(1);
        w.record(w.alice, QStringLiteral("refuseAttachment"), w.s1, QStringLiteral("status=refused"));
    }

    static QStringList commands(const QList<AuditEntry> &entries)
    {
        QStringList list;
        for (const AuditEntry &e : entries)
            list << e.command;
        return list;
    }

private slots:
    void allEntriesOldestFirstWithTheActorsEmail()
    {
        World w;
        GUICHET_REQUIRE_DB(w.t);
        fill(w);
        AuditLog log(*w.core);
        const QList<AuditEntry> all = log.query({});
        QCOMPARE(commands(all),
                 QStringList({ QStringLiteral("requestAttachment"), QStringLiteral("validateAttachment"),
                               QStringLiteral("createSolicitation"), QStringLiteral("refuseAttachment") }));
        QCOMPARE(all.first().actorEmail, QStringLiteral("alice@example.org"));
        QCOMPARE(all.first().at, QDateTime(QDate(2026, 3, 1), QTime(9, 0), Qt::UTC));
        QCOMPARE(all.first().structureId, w.s1);
        QCOMPARE(all.first().entity, QStringLiteral("attachment"));
        QCOMPARE(all.first().entityId, 7);
        QCOMPARE(all.at(1).comment, QStringLiteral("Bienvenue, \"Bruno\""));
        QVERIFY(all.at(2).actorEmail.isEmpty());
        QCOMPARE(all.at(2).structureId, 0);
    }

    void filtersCombine()
    {
        World w;
        GUICHET_REQUIRE_DB(w.t);
        fill(w);
        AuditLog log(*w.core);
        AuditFilter f;
        f.since = QDateTime(QDate(2026, 3, 2), QTime(9, 0), Qt::UTC); // inclusive
        f.until = QDateTime(QDate(2026, 3, 4), QTime(9, 0), Qt::UTC); // exclusive
        QCOMPARE(commands(log.query(f)),
                 QStringList({ QStringLiteral("validateAttachment"), QStringLiteral("createSolicitation") }));

        f = {};
        f.structureId = w.s1;
        QCOMPARE(commands(log.query(f)),
                 QStringList({ QStringLiteral("requestAttachment"), QStringLiteral("refuseAttachment") }));
        f.since = QDateTime(QDate(2026, 3, 2), QTime(0, 0), Qt::UTC);
        QCOMPARE(commands(log.query(f)), QStringList { QStringLiteral("refuseAttachment") });

        f = {};
        f.actorId = w.bruno;
        QCOMPARE(commands(log.query(f)), QStringList { QStringLiteral("validateAttachment") });
    }

    void textIsLiteralAndCaseInsensitive()
    {
        World w;
        GUICHET_REQUIRE_DB(w.t);
        fill(w);
        AuditLog log(*w.core);
        AuditFilter f;
        f.text = QStringLiteral("REFUSE");
        QCOMPARE(commands(log.query(f)), QStringList { QStringLiteral("refuseAttachment") });
        f.text = QStringLiteral("bienvenue"); // in the comment
        QCOMPARE(commands(log.query(f)), QStringList { QStringLiteral("validateAttachment") });
        // LIKE's wildcards are plain characters here.
        f.text = QStringLiteral("100%_sure");
        QCOMPARE(commands(log.query(f)), QStringList { QStringLiteral("createSolicitation") });
        f.text = QStringLiteral("%");
        QCOMPARE(log.query(f).size(), 1);
        f.text = QStringLiteral("status_");
        QCOMPARE(log.query(f).size(), 0);
    }

    void pagesWithLimitAndOffset()
    {
        World w;
        GUICHET_REQUIRE_DB(w.t);
        fill(w);
        AuditLog log(*w.core);
        AuditFilter f;
        f.limit = 2;
        QCOMPARE(commands(log.query(f)),
                 QStringList({ QStringLiteral("requestAttachment"), QStringLiteral("validateAttachment") }));
        f.offset = 2;
        QCOMPARE(commands(log.query(f)),
                 QStringList({ QStringLiteral("createSolicitation"), QStringLiteral("refuseAttachment") }));
        f.limit = 0;
        f.offset = 3;
        QCOMPARE(commands(log.query(f)), QStringList { QStringLiteral("refuseAttachment") });
    }

    void exportsCsvWithAHeader()
    {
        World w;
        GUICHET_REQUIRE_DB(w.t);
        fill(w);
        AuditLog log(*w.core);
        QBuffer buffer;
        buffer.open(QIODevice::WriteOnly);
        AuditFilter f;
        f.actorId = w.bruno;
        QVERIFY(log.exportCsv(f, buffer));
        const QString csv = QString::fromUtf8(buffer.data());
        const QStringList lines = csv.split(QStringLiteral("\r\n"));
        QCOMPARE(lines.size(), 3); // header, one row, and the empty rest after the last CRLF
        QVERIFY(lines.at(0).startsWith(QLatin1String("Time (UTC),Actor,Command")));
        QCOMPARE(lines.at(1),
                 QStringLiteral("2026-03-02 09:00:00,bruno@example.org,validateAttachment,attachment,7,%1,"
                                "status=validated,\"Bienvenue, \"\"Bruno\"\"\"")
                     .arg(w.s2));

        QBuffer excel;
        excel.open(QIODevice::WriteOnly);
        QVERIFY(log.exportCsv(f, excel, QLatin1Char(';'), true));
        QVERIFY(excel.data().startsWith("\xEF\xBB\xBF"
                                        "Time (UTC);Actor;"));
    }
};

QTEST_GUILESS_MAIN(TestAuditLog)
#include "tst_auditlog.moc"
