#include "fixtures.h"
#include "kernel/core.h"
#include "kernel/textlimits.h"
#include "manualclock.h"
#include "rules/accounts/accounts.h"
#include "rules/structures/structureimport.h"
#include "rules/structures/structures.h"
#include "testdatabase.h"

#include <QBuffer>
#include <QTest>

using namespace guichet;
using namespace guichet::test;

// The length limits of kernel/textlimits.h on the entry points that do not go
// through the command catalogue (guichetctl's accounts and import, the
// searches); the catalogue's own check is in tst_commandcatalogue.
class TestTextLimits : public QObject
{
    Q_OBJECT

private slots:
    void anOperatorCreatedAccountIsBounded()
    {
        TestDatabase t;
        GUICHET_REQUIRE_DB(t);
        ManualClock clock;
        Core core(t.db(), clock);
        const qint64 usersBefore = t.db().value(QStringLiteral("SELECT COUNT(*) FROM users")).toLongLong();
        NewUser user { QStringLiteral("long@example.org"),
                       QString(textLimit::Name + 1, QLatin1Char('A')),
                       QStringLiteral("Martin"),
                       QStringLiteral("Correct-Horse-42"),
                       false,
                       QStringLiteral("fr") };
        CommandResult r = Accounts(core).createUser(user);
        QCOMPARE(r.code, ErrorCode::InvalidInput);
        QCOMPARE(r.field, QStringLiteral("firstName"));
        user.firstName = QStringLiteral("Anne");
        user.password = QString(textLimit::Password + 1, QLatin1Char('p'));
        QCOMPARE(Accounts(core).createUser(user).field, QStringLiteral("password"));
        QCOMPARE(t.db().value(QStringLiteral("SELECT COUNT(*) FROM users")).toLongLong(), usersBefore);
    }

    void aProfileOverItsLimitChangesNothing()
    {
        TestDatabase t;
        GUICHET_REQUIRE_DB(t);
        ManualClock clock;
        Core core(t.db(), clock);
        const qint64 alice = insertUser(t.db(), QStringLiteral("alice@example.org"));
        Profile profile { QStringLiteral("alice@example.org"),
                          QStringLiteral("Martin"),
                          QStringLiteral("Alice"),
                          QStringLiteral("1 rue A"),
                          QStringLiteral("75011"),
                          QString(1024 * 1024, QChar(0xe9)),
                          QStringLiteral("France") };
        const CommandResult r = Accounts(core).updateProfile(alice, profile);
        QCOMPARE(r.code, ErrorCode::InvalidInput);
        QCOMPARE(r.field, QStringLiteral("city"));
        QVERIFY(r.message.contains(QString::number(textLimit::City)));
        QVERIFY(
            t.db().value(QStringLiteral("SELECT city FROM users WHERE id = ?"), { alice }).toString().size()
            <= textLimit::City);
    }

    void aSearchTermOverItsLimitIsNamedAndFindsNothing()
    {
        TestDatabase t;
        GUICHET_REQUIRE_DB(t);
        ManualClock clock;
        Core core(t.db(), clock);
        insertStructure(t.db(), validSiret(1), QStringLiteral("Menuiserie Dupont"));
        StructureCriteria criteria;
        criteria.ville = QString(textLimit::SearchTerm, QLatin1Char('*'));
        QVERIFY(!Structures::checkCriteria(criteria));
        criteria.ville.clear();
        // 60,000 characters made the database refuse the pattern (« LIKE or GLOB
        // pattern too complex »): now a refusal naming the parameter.
        criteria.raisonSociale = QString(60000, QLatin1Char('m'));
        const auto refusal = Structures::checkCriteria(criteria);
        QVERIFY(refusal);
        QCOMPARE(refusal->code, ErrorCode::InvalidInput);
        QCOMPARE(refusal->field, QStringLiteral("raison_sociale"));
        QVERIFY(Structures(core).search(criteria, 0, 50).isEmpty());
        QCOMPARE(Structures(core).count(criteria), 0);

        QVERIFY(!Accounts::checkSearchTerm(QStringLiteral("dupont")));
        QCOMPARE(Accounts::checkSearchTerm(QString(textLimit::SearchTerm + 1, QLatin1Char('a')))->field,
                 QStringLiteral("q"));
    }

    void anImportLineOverALimitIsNamedAndNothingIsImported()
    {
        TestDatabase t;
        GUICHET_REQUIRE_DB(t);
        ManualClock clock;
        Core core(t.db(), clock);
        const QByteArray csv = "siret;raison_sociale;ville\n" + validSiret(2).toUtf8() + ";Boulangerie;Lyon\n"
            + validSiret(3).toUtf8() + ";" + QByteArray(textLimit::RaisonSociale + 1, 'R') + ";Dijon\n";
        QBuffer buffer;
        buffer.setData(csv);
        QVERIFY(buffer.open(QIODevice::ReadOnly));
        const CommandResult r = importStructures(core, buffer);
        QCOMPARE(r.code, ErrorCode::InvalidInput);
        QCOMPARE(r.field, QStringLiteral("raison_sociale"));
        QCOMPARE(r.data.value(QStringLiteral("line")).toInt(), 3);
        QVERIFY2(r.message.contains(QString::number(textLimit::RaisonSociale)), qPrintable(r.message));
        QCOMPARE(t.db().value(QStringLiteral("SELECT COUNT(*) FROM structures")).toLongLong(), 0);
    }
};

QTEST_GUILESS_MAIN(TestTextLimits)
#include "tst_textlimits.moc"
