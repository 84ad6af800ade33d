#include "fixtures.h"
#include "kernel/core.h"
#include "mail/mailtext.h"
#include "manualclock.h"
#include "rules/attachments/attachments.h"
#include "rules/audit/auditlog.h"
#include "rules/audit/auditrenderer.h"
#include "rules/audit/auditstore.h"
#include "testdatabase.h"
#include "translations/translations.h"

#include <QBuffer>
#include <QTest>

using namespace guichet;
using namespace guichet::test;

// Reading the audit log: who did what, when, on which structure, as sentences
// in the reader's language.
class TestAuditLog : public QObject
{
    Q_OBJECT

private:
    struct World
    {
        TestDatabase t;
        ManualClock clock;
        std::unique_ptr<Core> core;
        qint64 claire = 0;
        qint64 thomas = 0;
        qint64 s1 = 0;
        qint64 s2 = 0;

        World()
        {
            if (!t.isValid())
                return;
            core = std::make_unique<Core>(t.db(), clock);
            claire = insertUser(t.db(), QStringLiteral("claire@example.org"), QStringLiteral("Claire"),
                                QStringLiteral("Dubois"));
            thomas = insertUser(t.db(), QStringLiteral("thomas@example.org"), QStringLiteral("Thomas"),
                                QStringLiteral("Lambert"));
            s1 = insertStructure(t.db(), validSiret(1), QStringLiteral("Menuiserie Dupont"));
            s2 = insertStructure(t.db(), validSiret(2), QStringLiteral("Boulangerie"));
        }
        // One audited command at the clock's time.
        void record(qint64 actor, const QString &entity, qint64 structure, const AuditRecord &r,
                    const QString &comment = {})
        {
            const CommandResult result = core->run(
                QStringLiteral("testCommand"), actor,
                [&](CommandContext &ctx) { ctx.audit(entity, 7, structure, r, comment); },
                actor ? RunOptions() : RunOptions::anonymousCommand());
            QVERIFY(result.ok());
        }
    };

    // 1 March claire requests s1; 2 March claire validates thomas on s2 with a
    // comment; 3 March an anonymous sign-in failure; 4 March claire removes thomas from s1.
    static void fill(World &w)
    {
        w.clock.set(QDateTime(QDate(2026, 3, 1), QTime(9, 0), Qt::UTC));
        AuditRecord requested(AuditAction::AttachmentRequested, w.claire);
        requested.role = QStringLiteral("user");
        requested.validFrom = QDate(2026, 3, 1);
        w.record(w.claire, QStringLiteral("attachment"), w.s1, requested);
        w.clock.advanceDays(1);
        w.record(w.claire, QStringLiteral("attachment"), w.s2,
                 AuditRecord(AuditAction::AttachmentValidated, w.thomas),
                 QStringLiteral("Bienvenue, \"Thomas\""));
        w.clock.advanceDays(1);
        AuditRecord unknown(AuditAction::SignInUnknownEmail);
        unknown.email = QStringLiteral("nobody@example.org");
        w.record(0, QStringLiteral("user"), 0, unknown);
        w.clock.advanceDays(1);
        w.record(w.claire, QStringLiteral("attachment"), w.s1,
                 AuditRecord(AuditAction::AttachmentRemoved, w.thomas));
    }

    static QList<AuditAction> actions(const QList<AuditEntry> &entries)
    {
        QList<AuditAction> list;
        for (const AuditEntry &e : entries)
            list << e.record.action;
        return list;
    }

    static QStringList sentences(AuditLog &log, const AuditFilter &filter)
    {
        QStringList list;
        for (const RenderedAuditEntry &e : log.rendered(filter))
            list << e.sentence;
        return list;
    }

private slots:
    void cleanup() { installTranslations(QLocale(QLocale::English)); }

    void newestFirstWithStructuredDetails()
    {
        World w;
        GUICHET_REQUIRE_DB(w.t);
        fill(w);
        AuditLog log(*w.core);
        const QList<AuditEntry> all = log.query({});
        QCOMPARE(actions(all),
                 (QList<AuditAction> { AuditAction::AttachmentRemoved, AuditAction::SignInUnknownEmail,
                                       AuditAction::AttachmentValidated, AuditAction::AttachmentRequested }));
        QCOMPARE(all.last().actorEmail, QStringLiteral("claire@example.org"));
        QCOMPARE(all.last().at, QDateTime(QDate(2026, 3, 1), QTime(9, 0), Qt::UTC));
        QCOMPARE(all.last().structureId, w.s1);
        QCOMPARE(all.last().record.role, QStringLiteral("user"));
        QCOMPARE(all.last().record.validFrom, QDate(2026, 3, 1));
        QCOMPARE(all.at(2).comment, QStringLiteral("Bienvenue, \"Thomas\""));
        QCOMPARE(all.at(2).record.subjectId, w.thomas);
        QVERIFY(all.at(1).actorEmail.isEmpty());
        QCOMPARE(all.at(1).record.email, QStringLiteral("nobody@example.org"));
        // The action and the person it is about have columns of their own.
        QCOMPARE(w.t.db()
                     .value(QStringLiteral(
                                "SELECT COUNT(*) FROM audit_log WHERE action = 'attachment.validated' AND "
                                "subject_id = ?"),
                            { w.thomas })
                     .toInt(),
                 1);
    }

    void filtersByStructurePersonKindAndDates()
    {
        World w;
        GUICHET_REQUIRE_DB(w.t);
        fill(w);
        AuditLog log(*w.core);
        AuditFilter f;
        f.since = QDateTime(QDate(2026, 3, 2), QTime(9, 0), Qt::UTC); // inclusive
        f.until = QDateTime(QDate(2026, 3, 4), QTime(9, 0), Qt::UTC); // exclusive
        QCOMPARE(actions(log.query(f)),
                 (QList<AuditAction> { AuditAction::SignInUnknownEmail, AuditAction::AttachmentValidated }));

        f = {};
        f.structureId = w.s1;
        QCOMPARE(actions(log.query(f)),
                 (QList<AuditAction> { AuditAction::AttachmentRemoved, AuditAction::AttachmentRequested }));
        f.since = QDateTime(QDate(2026, 3, 2), QTime(0, 0), Qt::UTC);
        QCOMPARE(actions(log.query(f)), QList<AuditAction> { AuditAction::AttachmentRemoved });

        // A person: what they did or what was done about them.
        f = {};
        f.personId = w.thomas;
        QCOMPARE(actions(log.query(f)),
                 (QList<AuditAction> { AuditAction::AttachmentRemoved, AuditAction::AttachmentValidated }));
        f.actorId = w.thomas; // and who did it: nobody else
        QVERIFY(log.query(f).isEmpty());

        f = {};
        f.families = { AuditFamily::SignIn };
        QCOMPARE(actions(log.query(f)), QList<AuditAction> { AuditAction::SignInUnknownEmail });
        f.families = { AuditFamily::SignIn, AuditFamily::Attachment };
        QCOMPARE(log.query(f).size(), 4);
        f.families = { AuditFamily::File };
        QVERIFY(log.query(f).isEmpty());

        f = {};
        f.limit = 2;
        f.offset = 1;
        QCOMPARE(actions(log.query(f)),
                 (QList<AuditAction> { AuditAction::SignInUnknownEmail, AuditAction::AttachmentValidated }));

        // The person filter offers who appears in a structure's history, by name.
        QCOMPARE(log.people({ w.s2 }),
                 (QList<std::pair<qint64, QString>> { { w.claire, QStringLiteral("Claire DUBOIS") },
                                                      { w.thomas, QStringLiteral("Thomas LAMBERT") } }));
    }

    void sentencesInEnglishAndFrench()
    {
        World w;
        GUICHET_REQUIRE_DB(w.t);
        fill(w);
        AuditLog log(*w.core);
        QCOMPARE(sentences(log, {}),
                 (QStringList {
                     QStringLiteral(
                         "Claire DUBOIS removed the attachment of Thomas LAMBERT to Menuiserie Dupont."),
                     QStringLiteral("Failed sign-in with an unknown e-mail: nobody@example.org."),
                     QStringLiteral("Claire DUBOIS validated the attachment request of Thomas LAMBERT to "
                                    "Boulangerie. — comment: Bienvenue, \"Thomas\""),
                     QStringLiteral("Claire DUBOIS requested attachment to Menuiserie Dupont as simple user "
                                    "(whole structure, from %1).")
                         .arg(QLocale().toString(QDate(2026, 3, 1), QLocale::ShortFormat)),
                 }));
        QVERIFY(installTranslations(QLocale(QLocale::French)));
        QLocale::setDefault(QLocale(QLocale::French, QLocale::France));
        const QStringList french = sentences(log, {});
        QLocale::setDefault(QLocale(QLocale::English, QLocale::UnitedStates));
        QCOMPARE(french,
                 (QStringList {
                     QStringLiteral("Claire DUBOIS a supprimé le rattachement de Thomas LAMBERT à Menuiserie "
                                    "Dupont."),
                     QStringLiteral("Échec de connexion avec une adresse électronique inconnue : "
                                    "nobody@example.org."),
                     QStringLiteral("Claire DUBOIS a validé la demande de rattachement de Thomas LAMBERT à "
                                    "Boulangerie. — commentaire : Bienvenue, \"Thomas\""),
                     QStringLiteral("Claire DUBOIS a demandé son rattachement à Menuiserie Dupont avec le "
                                    "rôle utilisateur simple (toute la structure, à partir du %1).")
                         .arg(QLocale(QLocale::French, QLocale::France)
                                  .toString(QDate(2026, 3, 1), QLocale::ShortFormat)),
                 }));
    }

    // Every kind of action reads as a sentence in both languages: no code, no
    // JSON, no placeholder left, and the French one translated.
    void everyActionIsASentenceInBothLanguages()
    {
        World w;
        GUICHET_REQUIRE_DB(w.t);
        w.clock.set(QDateTime(QDate(2026, 3, 1), QTime(9, 0), Qt::UTC));
        const int last = int(AuditAction::SolicitationFollowedUp);
        for (int a = 1; a <= last; ++a) {
            AuditRecord r(AuditAction(a), w.thomas);
            r.otherUserId = w.claire;
            r.role = QStringLiteral("secondary");
            r.mode = QStringLiteral("consultation");
            r.status = QStringLiteral("in_progress");
            r.previousStatus = QStringLiteral("new");
            r.validFrom = QDate(2026, 3, 1);
            r.validUntil = QDate(2026, 6, 30);
            r.name = QStringLiteral("Devis 2026");
            r.code = validSiret(1);
            r.fileName = QStringLiteral("devis.pdf");
            r.email = QStringLiteral("thomas@example.org");
            r.count = 2;
            r.secondCount = 1;
            r.until = QDateTime(QDate(2026, 3, 2), QTime(9, 0), Qt::UTC);
            w.record(w.claire, QStringLiteral("attachment"), w.s1, r);
            w.clock.advanceSecs(60);
        }
        AuditLog log(*w.core);
        const QStringList english = sentences(log, {});
        QCOMPARE(english.size(), last);
        QVERIFY(installTranslations(QLocale(QLocale::French)));
        const QStringList french = sentences(log, {});
        for (int i = 0; i < english.size(); ++i) {
            for (const QString &s : { english.at(i), french.at(i) }) {
                QVERIFY2(!s.contains(QLatin1Char('{')) && !s.contains(QLatin1Char('%'))
                             && !s.contains(QLatin1String("user ")) && s.endsWith(QLatin1Char('.')),
                         qPrintable(s));
            }
            QVERIFY2(english.at(i) != french.at(i), qPrintable(english.at(i)));
        }
    }

    void olderEntriesReadAsAGeneralSentence()
    {
        World w;
        GUICHET_REQUIRE_DB(w.t);
        // A row as versions before actions were recorded wrote it.
        w.t.db().exec(
            QStringLiteral("INSERT INTO audit_log (at, actor_id, command, entity, entity_id, structure_id, "
                           "details, comment, version) VALUES (1, ?, 'createStructure', 'attachment', "
                           "1, ?, '{\"role\":\"principal\",\"user_id\":1}', '', 1)"),
            { w.claire, w.s1 });
        AuditLog log(*w.core);
        QCOMPARE(sentences(log, {}),
                 QStringList { QStringLiteral("Claire DUBOIS changed an attachment to Menuiserie Dupont.") });
    }

    void theCsvAndTheMailUseTheSameSentences()
    {
        World w;
        GUICHET_REQUIRE_DB(w.t);
        fill(w);
        AuditLog log(*w.core);
        QBuffer buffer;
        buffer.open(QIODevice::WriteOnly);
        AuditFilter f;
        f.structureId = w.s2;
        QVERIFY(log.exportCsv(f, buffer));
        const QString csv = QString::fromUtf8(buffer.data());
        const QStringList lines = csv.split(QStringLiteral("\r\n"));
        QCOMPARE(lines.size(), 3); // header, one row, and the empty rest after the last CRLF
        QCOMPARE(lines.at(0), QStringLiteral("When,Who,Structure,Kind of action,What happened"));
        const QString sentence = log.rendered(f).first().sentence;
        QVERIFY(lines.at(1).contains(QStringLiteral(",Claire DUBOIS,Boulangerie,Attachments,")));
        QVERIFY(lines.at(1).endsWith(QLatin1Char('"')
                                     + QString(sentence).replace(QLatin1String("\""), QLatin1String("\"\""))
                                     + QLatin1Char('"')));

        QBuffer excel;
        excel.open(QIODevice::WriteOnly);
        QVERIFY(log.exportCsv(f, excel, QLatin1Char(';'), true));
        QVERIFY(excel.data().startsWith("\xEF\xBB\xBF"
                                        "When;Who;"));

        // A French reader's mail says it in French whatever the UI's language.
        const MailText french(QStringLiteral("fr"));
        QCOMPARE(log.rendered(f, &french).first().sentence,
                 QStringLiteral("Claire DUBOIS a validé la demande de rattachement de Thomas LAMBERT à "
                                "Boulangerie. — commentaire : Bienvenue, \"Thomas\""));
    }
};

QTEST_GUILESS_MAIN(TestAuditLog)
#include "tst_auditlog.moc"
