#include "ctlworkspace.h"
#include "fixtures.h"
#include "kernel/core.h"
#include "kernel/database.h"
#include "rules/accounts/accounts.h"
#include "rules/attachments/attachments.h"

#include <QTest>

using namespace guichet;

// `guichetctl mail digest daily|weekly` as cron runs it.
class TestCtlDigest : public QObject
{
    Q_OBJECT

private:
    using Run = guichet::test::ProcessRun;
    Run ctl(const QStringList &args, const QByteArray &input = {}) { return m_ctl.run(args, input); }
    int count(const QString &sql) { return m_ctl.count(sql); }
    QString now(int minutes) const { return m_start.addSecs(minutes * 60).toString(Qt::ISODate); }

    guichet::test::CtlWorkspace m_ctl { QStringLiteral(GUICHETCTL_PATH), QStringLiteral("digest.sqlite") };
    QDateTime m_start;

private slots:
    void initTestCase()
    {
        QCOMPARE(ctl({ QStringLiteral("init") }).exitCode, 0);
        // A world where ugo's attachment request was just validated.
        const auto database = m_ctl.open();
        QVERIFY(database);
        SystemClock clock;
        Core core(*database, clock);
        const qint64 paul = guichet::test::insertUser(*database, QStringLiteral("paul@example.org"));
        const qint64 ugo
            = guichet::test::insertUser(*database, QStringLiteral("ugo@example.org"), QStringLiteral("Ugo"));
        const qint64 s = guichet::test::insertStructure(*database, guichet::test::validSiret(1),
                                                        QStringLiteral("Alpha"));
        guichet::test::insertAttachment(*database, paul, s, QStringLiteral("principal"));
        QVERIFY(Accounts(core).setNotifications(ugo, true, QStringLiteral("ugo@home.example")).ok());
        Attachments attachments(core);
        AttachmentRequest request;
        request.structureId = s;
        request.validFrom = clock.today();
        const qint64 id = attachments.requestAttachment(ugo, request).id;
        QVERIFY(attachments.decideAttachment(paul, id, true).ok());
        m_start = QDateTime::currentDateTime();
    }

    void dailyQueuesOncePerDay()
    {
        const int before = count(QStringLiteral("SELECT COUNT(*) FROM mail_outbox"));
        Run r = ctl({ QStringLiteral("mail"), QStringLiteral("digest"), QStringLiteral("daily"),
                      QStringLiteral("--now"), now(1) });
        QVERIFY2(r.exitCode == 0, qPrintable(r.err));
        QVERIFY2(r.out.contains(QLatin1String("Daily notifications queued: 1 mail(s)")), qPrintable(r.out));
        QCOMPARE(count(QStringLiteral(
                     "SELECT COUNT(*) FROM mail_outbox WHERE recipient = 'ugo@home.example' AND subject LIKE "
                     "'Guichet: your daily%' AND "
                     "body_text LIKE '%Alpha%'")),
                 1);
        QCOMPARE(count(QStringLiteral("SELECT COUNT(*) FROM mail_outbox")), before + 1);
        r = ctl({ QStringLiteral("mail"), QStringLiteral("digest"), QStringLiteral("daily"),
                  QStringLiteral("--now"), now(2) });
        QCOMPARE(r.exitCode, 0);
        QVERIFY2(r.out.contains(QLatin1String("queued: 0 mail(s)")), qPrintable(r.out));
        QCOMPARE(count(QStringLiteral("SELECT COUNT(*) FROM mail_outbox")), before + 1);
    }

    void weeklyRuns()
    {
        const Run r = ctl({ QStringLiteral("mail"), QStringLiteral("digest"), QStringLiteral("weekly"),
                            QStringLiteral("--now"), now(3) });
        QVERIFY2(r.exitCode == 0, qPrintable(r.err));
        QVERIFY2(r.out.contains(QLatin1String("Weekly summaries queued: 1 mail(s)")), qPrintable(r.out));
    }

    void badInputExitsTwoNamingTheOption()
    {
        const int before = count(QStringLiteral("SELECT COUNT(*) FROM mail_outbox"));
        const QList<std::pair<QStringList, QString>> cases = {
            { { QStringLiteral("monthly") }, QStringLiteral("monthly") },
            { {}, QStringLiteral("daily or weekly") },
            { { QStringLiteral("daily"), QStringLiteral("--now"), QStringLiteral("yesterday") },
              QStringLiteral("--now") },
            { { QStringLiteral("daily"), QStringLiteral("--reminder-days"), QStringLiteral("0") },
              QStringLiteral("--reminder-days") },
        };
        for (const auto &[args, expected] : cases) {
            const Run r = ctl(QStringList { QStringLiteral("mail"), QStringLiteral("digest") } + args);
            QCOMPARE(r.exitCode, 2);
            QVERIFY2(r.err.contains(expected), qPrintable(r.err));
            QCOMPARE(r.err.count(QLatin1Char('\n')), 1);
        }
        QCOMPARE(count(QStringLiteral("SELECT COUNT(*) FROM mail_outbox")), before);
    }

    void help()
    {
        Run r = ctl({ QStringLiteral("mail"), QStringLiteral("digest"), QStringLiteral("--help") });
        QCOMPARE(r.exitCode, 0);
        QVERIFY2(r.out.contains(QLatin1String("--reminder-days")), qPrintable(r.out));
        r = ctl({ QStringLiteral("mail"), QStringLiteral("--help") });
        QCOMPARE(r.exitCode, 0);
        QVERIFY(r.out.contains(QLatin1String("mail digest daily|weekly")));
    }
};

QTEST_GUILESS_MAIN(TestCtlDigest)
#include "tst_ctl_digest.moc"
