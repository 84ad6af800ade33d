#include "datagen/benchdata.h"
#include "fixtures.h"
#include "kernel/core.h"
#include "kernel/structureidentifier.h"
#include "kernel/textfold.h"
#include "kernel/textlimits.h"
#include "manualclock.h"
#include "rules/attachments/principals.h"
#include "rules/structures/structures.h"
#include "testdatabase.h"

#include <QRegularExpression>
#include <QScopeGuard>
#include <QSet>
#include <QSqlQuery>
#include <QTest>

#include <algorithm>

using namespace guichet;
using namespace guichet::test;

namespace {

qint64 count(Database &db, const char *sql)
{
    return db.value(QString::fromLatin1(sql)).toLongLong();
}

StructureInput input(const QString &siret, const QString &raisonSociale, const QString &codePostal = {},
                     const QString &ville = {}, const QString &libelle = {})
{
    return { siret, raisonSociale, libelle, QStringLiteral("1 rue de la Paix"), codePostal, ville };
}

QStringList names(const QList<StructureRow> &rows)
{
    QStringList result;
    for (const StructureRow &r : rows)
        result << r.raisonSociale;
    return result;
}

// Every structure in the order a French reader expects, computed here from the
// raison sociale alone: folded (case and accents ignored), then by id.
QList<StructureRow> frenchOrder(Database &db)
{
    QList<StructureRow> rows;
    for (const QVariantMap &row :
         db.rows(QStringLiteral("SELECT id, raison_sociale, siret, libelle, code_postal, "
                                "ville FROM structures"))) {
        StructureRow r;
        r.id = row.value(QStringLiteral("id")).toLongLong();
        r.raisonSociale = row.value(QStringLiteral("raison_sociale")).toString();
        r.siret = row.value(QStringLiteral("siret")).toString();
        r.libelle = row.value(QStringLiteral("libelle")).toString();
        r.codePostal = row.value(QStringLiteral("code_postal")).toString();
        r.ville = row.value(QStringLiteral("ville")).toString();
        rows << r;
    }
    std::sort(rows.begin(), rows.end(), [](const StructureRow &a, const StructureRow &b) {
        const QString ka = foldForSearch(a.raisonSociale);
        const QString kb = foldForSearch(b.raisonSociale);
        return ka == kb ? a.id < b.id : ka < kb;
    });
    return rows;
}

// The search's meaning, written the obvious way: each non-empty criterion,
// folded, with '*' as the only wildcard, must match the whole folded field.
bool matches(const StructureCriteria &c, const StructureRow &row)
{
    const std::pair<QString, QString> fields[] = {
        { c.raisonSociale, row.raisonSociale },
        { QString(c.siret).remove(QLatin1Char(' ')), row.siret },
        { c.libelle, row.libelle },
        { c.codePostal, row.codePostal },
        { c.ville, row.ville },
    };
    for (const auto &[criterion, value] : fields) {
        const QString folded = foldForSearch(criterion.trimmed());
        if (folded.isEmpty())
            continue;
        QString regex;
        for (const QChar ch : folded)
            regex += ch == QLatin1Char('*') ? QStringLiteral(".*") : QRegularExpression::escape(QString(ch));
        const QRegularExpression re(QRegularExpression::anchoredPattern(regex),
                                    QRegularExpression::DotMatchesEverythingOption);
        if (!re.match(foldForSearch(value)).hasMatch())
            return false;
    }
    return true;
}

QList<qint64> ids(const QList<StructureRow> &rows)
{
    QList<qint64> result;
    for (const StructureRow &r : rows)
        result << r.id;
    return result;
}

// Every match through keyset pages of `pageSize`.
QList<StructureRow> keysetPages(const Structures &structures, const StructureCriteria &c, int pageSize)
{
    QList<StructureRow> rows;
    std::optional<StructureCursor> after;
    for (int guard = 0; guard < 10000; ++guard) {
        const QList<StructureRow> page = structures.searchAfter(c, after, pageSize);
        rows += page;
        if (page.size() < pageSize)
            break;
        after = StructureCursor { page.last().sortKey, page.last().id };
    }
    return rows;
}

} // namespace

class TestStructures : public QObject
{
    Q_OBJECT

private slots:
    void creatorBecomesPrincipalManager()
    {
        TestDatabase t;
        GUICHET_REQUIRE_DB(t);
        ManualClock clock;
        Core core(t.db(), clock);
        Structures structures(core);
        const qint64 alice = insertUser(t.db(), QStringLiteral("alice@example.org"));
        const CommandResult r = structures.createStructure(
            alice,
            input(QStringLiteral("732 829 320 00074"), QStringLiteral("Menuiserie Dupont"),
                  QStringLiteral("75011"), QStringLiteral("Paris")));
        QVERIFY2(r.ok(), qPrintable(r.message));
        QCOMPARE(principalOf(t.db(), r.id), alice);
        const auto attachment = t.db().row(
            QStringLiteral("SELECT role, status, whole_structure, valid_from, valid_until FROM attachments "
                           "WHERE structure_id = ?"),
            { r.id });
        QVERIFY(attachment);
        QCOMPARE(attachment->value(QStringLiteral("status")).toString(), QStringLiteral("validated"));
        QCOMPARE(attachment->value(QStringLiteral("whole_structure")).toInt(), 1);
        QCOMPARE(attachment->value(QStringLiteral("valid_from")).toString(), QStringLiteral("2026-03-02"));
        QVERIFY(attachment->value(QStringLiteral("valid_until")).isNull());
        const auto row = structures.structure(r.id);
        QVERIFY(row);
        QCOMPARE(row->siret, QStringLiteral("73282932000074")); // spaces removed
        QCOMPARE(count(t.db(),
                       "SELECT COUNT(*) FROM audit_log WHERE command = 'createStructure' AND entity IN "
                       "('structure', 'attachment')"),
                 2);
        // The principal manager's default spaces, validated (the guide's table).
        QCOMPARE(count(t.db(),
                       "SELECT COUNT(*) FROM subscriptions sb JOIN spaces sp ON sp.id = sb.space_id "
                       "WHERE sb.status = 'validated' AND sp.default_for_principal = 1"),
                 count(t.db(), "SELECT COUNT(*) FROM spaces WHERE default_for_principal = 1"));
        QVERIFY(
            t.db().value(QStringLiteral("SELECT version FROM structures WHERE id = ?"), { r.id }).toLongLong()
            > 0);
        // Found by the search straight away.
        QCOMPARE(structures.count({ QStringLiteral("menuiserie*"), {}, {}, {}, {} }), 1);
    }

    void invalidOrDuplicateSiretChangesNothing()
    {
        TestDatabase t;
        GUICHET_REQUIRE_DB(t);
        ManualClock clock;
        Core core(t.db(), clock);
        Structures structures(core);
        const qint64 alice = insertUser(t.db(), QStringLiteral("alice@example.org"));
        QVERIFY(structures
                    .createStructure(alice, input(QStringLiteral("73282932000074"), QStringLiteral("Dupont")))
                    .ok());
        const auto before = [&] {
            return QList<qint64> { count(t.db(), "SELECT COUNT(*) FROM structures"),
                                   count(t.db(), "SELECT COUNT(*) FROM structures_search"),
                                   count(t.db(), "SELECT COUNT(*) FROM attachments"),
                                   count(t.db(), "SELECT COUNT(*) FROM audit_log") };
        };
        const QList<qint64> snapshot = before();

        CommandResult r = structures.createStructure(
            alice, input(QStringLiteral("732 829 320 00074"), QStringLiteral("Autre raison sociale")));
        QCOMPARE(r.code, ErrorCode::Conflict);
        QCOMPARE(r.field, QStringLiteral("siret"));
        QVERIFY(r.message.contains(QLatin1String("A structure with SIRET 73282932000074 already exists")));
        r = structures.createStructure(alice, input(QStringLiteral("73282932000075"), QStringLiteral("Bad")));
        QCOMPARE(r.code, ErrorCode::InvalidInput);
        QCOMPARE(r.field, QStringLiteral("siret"));
        r = structures.createStructure(alice, input(validSiret(5), QStringLiteral("  ")));
        QCOMPARE(r.field, QStringLiteral("raisonSociale"));
        r = structures.createStructure(alice,
                                       input(validSiret(5), QStringLiteral("Ok"), QStringLiteral("7501")));
        QCOMPARE(r.field, QStringLiteral("codePostal"));
        QCOMPARE(before(), snapshot);
    }

    void onlyManagersOrSupportMayUpdate()
    {
        TestDatabase t;
        GUICHET_REQUIRE_DB(t);
        ManualClock clock;
        Core core(t.db(), clock);
        Structures structures(core);
        const qint64 alice = insertUser(t.db(), QStringLiteral("alice@example.org"));
        const qint64 bruno = insertUser(t.db(), QStringLiteral("bruno@example.org"));
        const qint64 chloe = insertUser(t.db(), QStringLiteral("chloe@example.org"));
        const qint64 support = insertUser(t.db(), QStringLiteral("support@example.org"), QStringLiteral("S"),
                                          QStringLiteral("Upport"), true);
        const qint64 s = structures.createStructure(alice, input(validSiret(1), QStringLiteral("Dupont"))).id;
        const qint64 other
            = structures.createStructure(chloe, input(validSiret(2), QStringLiteral("Martin"))).id;
        QVERIFY(s && other);
        insertAttachment(t.db(), bruno, s, QStringLiteral("secondary"));
        const qint64 audits = count(t.db(), "SELECT COUNT(*) FROM audit_log");

        // A secondary manager without the principal's powers, or someone else's principal: refused.
        CommandResult r
            = structures.updateStructure(bruno, s, input(validSiret(1), QStringLiteral("Bruno SA")));
        QCOMPARE(r.code, ErrorCode::Forbidden);
        r = structures.updateStructure(chloe, s, input(validSiret(1), QStringLiteral("Chloe SA")));
        QCOMPARE(r.code, ErrorCode::Forbidden);
        QCOMPARE(structures.structure(s)->raisonSociale, QStringLiteral("Dupont"));
        QCOMPARE(count(t.db(), "SELECT COUNT(*) FROM audit_log"), audits);
        QCOMPARE(structures.addService(bruno, s, QStringLiteral("ACH"), QStringLiteral("Achats")).code,
                 ErrorCode::Forbidden);

        // With the powers granted, the secondary manager may.
        t.db().exec(QStringLiteral("UPDATE structures SET secondary_powers = 1 WHERE id = ?"), { s });
        r = structures.updateStructure(bruno, s,
                                       input(validSiret(1), QStringLiteral("Ébénisterie Dupont"),
                                             QStringLiteral("69001"), QStringLiteral("Lyon")));
        QVERIFY2(r.ok(), qPrintable(r.message));
        QCOMPARE(structures.count({ QStringLiteral("*ebenisterie*"), {}, {}, {}, {} }), 1);
        QCOMPARE(structures.count({ QStringLiteral("dupont"), {}, {}, {}, {} }), 0);
        // Principal and support may; the SIRET cannot become another's or an invalid one.
        QVERIFY(structures.updateStructure(alice, s, input(validSiret(1), QStringLiteral("Dupont"))).ok());
        QVERIFY(structures.updateStructure(support, s, input(validSiret(3), QStringLiteral("Dupont"))).ok());
        r = structures.updateStructure(alice, s, input(validSiret(2), QStringLiteral("Dupont")));
        QCOMPARE(r.code, ErrorCode::Conflict);
        r = structures.updateStructure(alice, s, input(QStringLiteral("12345"), QStringLiteral("Dupont")));
        QCOMPARE(r.code, ErrorCode::InvalidInput);
        QCOMPARE(structures.structure(s)->siret, validSiret(3));

        // An expired principal attachment gives no right.
        clock.set(QDateTime(QDate(2026, 6, 1), QTime(9, 0), Qt::UTC));
        t.db().exec(QStringLiteral("UPDATE attachments SET valid_until = '2026-05-31' WHERE user_id = ?"),
                    { alice });
        QCOMPARE(structures.updateStructure(alice, s, input(validSiret(3), QStringLiteral("X"))).code,
                 ErrorCode::Forbidden);
        QCOMPARE(structures.updateStructure(alice, 999999, input(validSiret(9), QStringLiteral("X"))).code,
                 ErrorCode::NotFound);
    }

    void servicesAreManagedByManagers()
    {
        TestDatabase t;
        GUICHET_REQUIRE_DB(t);
        ManualClock clock;
        Core core(t.db(), clock);
        Structures structures(core);
        const qint64 alice = insertUser(t.db(), QStringLiteral("alice@example.org"));
        const qint64 chloe = insertUser(t.db(), QStringLiteral("chloe@example.org"));
        const qint64 s = structures.createStructure(alice, input(validSiret(1), QStringLiteral("Dupont"))).id;
        const CommandResult r
            = structures.addService(alice, s, QStringLiteral("ACH"), QStringLiteral("Achats"));
        QVERIFY2(r.ok(), qPrintable(r.message));
        QCOMPARE(structures.addService(alice, s, QStringLiteral("ACH"), QStringLiteral("Autre")).code,
                 ErrorCode::Conflict);
        QCOMPARE(structures.addService(alice, s, QStringLiteral("COM"), QString()).field,
                 QStringLiteral("name"));
        QCOMPARE(structures.setServiceActive(chloe, r.id, false).code, ErrorCode::Forbidden);
        QVERIFY(structures.listServices(s).first().active);
        QVERIFY(structures.setServiceActive(alice, r.id, false).ok());
        const QList<ServiceRow> services = structures.listServices(s);
        QCOMPARE(services.size(), 1);
        QCOMPARE(services.first().code, QStringLiteral("ACH"));
        QVERIFY(!services.first().active);
        QCOMPARE(count(t.db(), "SELECT COUNT(*) FROM audit_log WHERE entity = 'service'"), 2);
    }

    void searchSemantics()
    {
        TestDatabase t;
        GUICHET_REQUIRE_DB(t);
        ManualClock clock;
        Core core(t.db(), clock);
        Structures structures(core);
        const qint64 alice = insertUser(t.db(), QStringLiteral("alice@example.org"));
        const QList<StructureInput> inputs {
            input(validSiret(11), QStringLiteral("Menuiserie Dupont"), QStringLiteral("75011"),
                  QStringLiteral("Paris")),
            input(validSiret(12), QStringLiteral("MENUISERIE MARTIN"), QStringLiteral("69001"),
                  QStringLiteral("Lyon")),
            input(validSiret(13), QStringLiteral("Ménuiserie Élite"), QStringLiteral("75011"),
                  QStringLiteral("Paris"), QStringLiteral("Atelier")),
            input(validSiret(14), QStringLiteral("Boulangerie Dupont"), QStringLiteral("30000"),
                  QStringLiteral("Nîmes")),
            input(validSiret(15), QStringLiteral("Dupont"), QStringLiteral("75011"), QStringLiteral("Paris")),
            input(validSiret(16), QStringLiteral("Plomberie 100%_sûre"), QStringLiteral("13001"),
                  QStringLiteral("Marseille")),
        };
        for (const StructureInput &in : inputs)
            QVERIFY(structures.createStructure(alice, in).ok());
        const auto search = [&](const StructureCriteria &c) { return names(structures.search(c, 0, 50)); };

        // Wildcard, case and accents.
        // (In the French order: case and accents do not count.)
        QCOMPARE(search({ QStringLiteral("*menuiserie*"), {}, {}, {}, {} }),
                 (QStringList { QStringLiteral("Menuiserie Dupont"), QStringLiteral("Ménuiserie Élite"),
                                QStringLiteral("MENUISERIE MARTIN") }));
        QCOMPARE(structures.count({ QStringLiteral("*MÉNUISERIE*"), {}, {}, {}, {} }), 3);
        QCOMPARE(structures.count({ QStringLiteral("*elite"), {}, {}, {}, {} }), 1);
        // Without '*' the whole field must match.
        QCOMPARE(search({ QStringLiteral("dupont"), {}, {}, {}, {} }),
                 QStringList { QStringLiteral("Dupont") });
        QCOMPARE(structures.count({ QStringLiteral("menuiserie"), {}, {}, {}, {} }), 0);
        QCOMPARE(structures.count({ QStringLiteral("*dupont"), {}, {}, {}, {} }), 3);
        // Criteria are ANDed; empty ones ignored.
        QCOMPARE(search({ QStringLiteral("*dupont*"), {}, {}, QStringLiteral("75011"), QString() }),
                 (QStringList { QStringLiteral("Dupont"), QStringLiteral("Menuiserie Dupont") }));
        // An exact postal code alone, in name order, and with a page offset.
        QCOMPARE(search({ {}, {}, {}, QStringLiteral("75011"), {} }),
                 (QStringList { QStringLiteral("Dupont"), QStringLiteral("Menuiserie Dupont"),
                                QStringLiteral("Ménuiserie Élite") }));
        QCOMPARE(names(structures.search({ {}, {}, {}, QStringLiteral("75011"), {} }, 1, 1)),
                 QStringList { QStringLiteral("Menuiserie Dupont") });
        QCOMPARE(search({ {}, {}, {}, QStringLiteral("7501"), {} }), QStringList());
        QCOMPARE(search({ {}, {}, QStringLiteral("atelier"), QStringLiteral("75011"), {} }),
                 QStringList { QStringLiteral("Ménuiserie Élite") });
        QCOMPARE(search({ {}, {}, {}, {}, QStringLiteral("nimes") }),
                 QStringList { QStringLiteral("Boulangerie Dupont") });
        QCOMPARE(search({ {}, {}, QStringLiteral("atel*"), {}, {} }),
                 QStringList { QStringLiteral("Ménuiserie Élite") });
        QCOMPARE(search({ {}, validSiret(12), {}, {}, {} }),
                 QStringList { QStringLiteral("MENUISERIE MARTIN") });
        QCOMPARE(structures.count({ {}, validSiret(12).left(4) + QStringLiteral("*"), {}, {}, {} }), 6);
        // Short patterns (under 3 characters) still work.
        QCOMPARE(search({ {}, {}, {}, QStringLiteral("6*"), {} }),
                 QStringList { QStringLiteral("MENUISERIE MARTIN") });
        // '%', '_' and '?' are plain characters.
        QCOMPARE(structures.count({ QStringLiteral("*100%_sure"), {}, {}, {}, {} }), 1);
        QCOMPARE(structures.count({ QStringLiteral("*1_0*"), {}, {}, {}, {} }), 0);
        QCOMPARE(structures.count({ QStringLiteral("*100?*"), {}, {}, {}, {} }), 0);
        QCOMPARE(structures.count({ QStringLiteral("plomberie%"), {}, {}, {}, {} }), 0);
        // No criterion: nothing.
        QVERIFY(StructureCriteria().isEmpty());
        QVERIFY(structures.search({}, 0, 50).isEmpty());
        QCOMPARE(structures.count({ QStringLiteral("  "), {}, {}, {}, {} }), 0);
    }

    void searchPagesInNameOrder()
    {
        TestDatabase t;
        GUICHET_REQUIRE_DB(t);
        ManualClock clock;
        Core core(t.db(), clock);
        Structures structures(core);
        const qint64 alice = insertUser(t.db(), QStringLiteral("alice@example.org"));
        // More matches than a walk of the name index holds, mixed with others, so
        // that both ways of building a page are exercised.
        QStringList expected;
        for (int i = 0; i < 130; ++i) {
            const QString name = QStringLiteral("Atelier %1").arg(i, 3, 10, QLatin1Char('0'));
            const bool dijon = i % 3 == 0;
            QVERIFY(structures
                        .createStructure(alice,
                                         input(validSiret(100 + i), name, QStringLiteral("21000"),
                                               dijon ? QStringLiteral("Dijon") : QStringLiteral("Beaune")))
                        .ok());
            if (dijon)
                expected << name;
            QVERIFY(structures
                        .createStructure(alice,
                                         input(validSiret(1000 + i), QStringLiteral("Zinc %1").arg(i),
                                               QStringLiteral("21000"), QStringLiteral("Dijon")))
                        .ok());
        }
        const StructureCriteria all { QStringLiteral("atelier*"), {}, {}, {}, {} };
        QCOMPARE(structures.count(all), 130);
        QStringList pages;
        for (int offset = 0; offset < 130; offset += 50)
            pages << names(structures.search(all, offset, 50));
        QCOMPARE(pages.size(), 130);
        QCOMPARE(pages.first(), QStringLiteral("Atelier 000"));
        QCOMPARE(pages.last(), QStringLiteral("Atelier 129"));
        QVERIFY(std::is_sorted(pages.begin(), pages.end()));
        const StructureCriteria some { QStringLiteral("atelier*"), {}, {}, {}, QStringLiteral("dijon") };
        QCOMPARE(structures.count(some), expected.size());
        QCOMPARE(names(structures.search(some, 0, 10)), expected.mid(0, 10));
        QCOMPARE(names(structures.search(some, 40, 10)), expected.mid(40, 10));
        QVERIFY(structures.search(some, 100, 10).isEmpty());
    }

    void starAloneListsEveryStructureAndDeepPagesStayInOrder()
    {
        TestDatabase t;
        GUICHET_REQUIRE_DB(t);
        ManualClock clock;
        Core core(t.db(), clock);
        Structures structures(core);
        QVERIFY(generateStructures(t.db(), 900, 7).ok());
        // The reference: every structure in name order, and those whose folded
        // name contains "e", computed here without the search.
        QStringList everyName, withE;
        for (const StructureRow &row : frenchOrder(t.db())) {
            const QString name = row.raisonSociale;
            everyName << name;
            if (foldForSearch(name).contains(QLatin1Char('e')))
                withE << name;
        }
        QVERIFY(withE.size() * 8 >= everyName.size()); // common enough for the deep walk

        const StructureCriteria star { QStringLiteral("*"), {}, {}, {}, {} };
        QVERIFY(!star.isEmpty());
        QCOMPARE(structures.count(star), 900);
        QCOMPARE(names(structures.search(star, 0, 20)), everyName.mid(0, 20));
        QCOMPARE(names(structures.search(star, 870, 50)), everyName.mid(870));
        QCOMPARE(structures.count({ {}, QStringLiteral("**"), {}, {}, {} }), 900);

        // Deep pages of a common pattern: past the bounded walk, still exact.
        const StructureCriteria e { QStringLiteral("*e*"), {}, {}, {}, {} };
        QCOMPARE(structures.count(e), withE.size());
        for (const int offset : { 0, 240, 300, 600 })
            QCOMPARE(names(structures.search(e, offset, 50)), withE.mid(offset, 50));
        // A rare pattern's deep page (sorted hits) too.
        const StructureCriteria rare { QStringLiteral("*menuiserie*"), {}, {}, {}, {} };
        QStringList rareNames;
        for (const QString &name : everyName) {
            if (foldForSearch(name).contains(QLatin1String("menuiserie")))
                rareNames << name;
        }
        QCOMPARE(names(structures.search(rare, 0, 1000)), rareNames);
    }

    void namesSortInFrenchOrderOnEveryWritePath()
    {
        TestDatabase t;
        GUICHET_REQUIRE_DB(t);
        ManualClock clock;
        Core core(t.db(), clock);
        Structures structures(core);
        const qint64 alice = insertUser(t.db(), QStringLiteral("alice@example.org"));
        for (const auto &[n, name] :
             std::initializer_list<std::pair<int, QString>> { { 21, QStringLiteral("Zinc Durand") },
                                                              { 22, QStringLiteral("SAS Menuiserie Brest") },
                                                              { 23, QStringLiteral("menuiserie Annecy") },
                                                              { 24, QStringLiteral("Électricité Martin") },
                                                              { 25, QStringLiteral("Menuiserie Brest") },
                                                              { 26, QStringLiteral("ébénisterie Roux") } })
            QVERIFY(structures.createStructure(alice, input(validSiret(n), name)).ok());
        // The import path (bulk insert) writes the key too.
        Transaction transaction(t.db());
        insertStructuresBulk(
            t.db(), { checkedStructureInput(input(validSiret(27), QStringLiteral("ÉCOLE Bâtiment"))) }, 1, 0);
        transaction.commit();
        const QStringList expected {
            QStringLiteral("ébénisterie Roux"),   QStringLiteral("ÉCOLE Bâtiment"),
            QStringLiteral("Électricité Martin"), QStringLiteral("menuiserie Annecy"),
            QStringLiteral("Menuiserie Brest"),   QStringLiteral("SAS Menuiserie Brest"),
            QStringLiteral("Zinc Durand")
        };
        const StructureCriteria star { QStringLiteral("*"), {}, {}, {}, {} };
        QCOMPARE(names(structures.search(star, 0, 50)), expected);
        QCOMPARE(names(structures.all()), expected);
        QCOMPARE(names(structures.search({ QStringLiteral("*menuiserie*"), {}, {}, {}, {} }, 0, 50)),
                 (QStringList { QStringLiteral("menuiserie Annecy"), QStringLiteral("Menuiserie Brest"),
                                QStringLiteral("SAS Menuiserie Brest") }));
        // A rename moves the structure to its new place.
        const auto zinc = structures.structureBySiret(validSiret(21));
        QVERIFY(zinc);
        QVERIFY(structures
                    .updateStructure(alice, zinc->id, input(validSiret(21), QStringLiteral("àbeille Durand")))
                    .ok());
        QCOMPARE(names(structures.search(star, 0, 1)), QStringList { QStringLiteral("àbeille Durand") });
        QCOMPARE(structures.search(star, 0, 1).first().sortKey, QStringLiteral("abeille durand"));
    }

    void keysetPagesReturnEachRowOnceInOrder()
    {
        TestDatabase t;
        GUICHET_REQUIRE_DB(t);
        ManualClock clock;
        Core core(t.db(), clock);
        Structures structures(core);
        QVERIFY(generateStructures(t.db(), 600, 11).ok());
        // Many equal names (and equal keys differing by case): the id breaks the tie.
        const QStringList same { QStringLiteral("Menuiserie Égale"), QStringLiteral("MENUISERIE EGALE"),
                                 QStringLiteral("menuiserie égale") };
        QList<StructureInput> twins;
        for (int i = 0; i < 45; ++i)
            twins << checkedStructureInput(input(validSiret(5000 + i), same.at(i % 3),
                                                 QStringLiteral("75011"), QStringLiteral("Paris")));
        {
            Transaction transaction(t.db());
            insertStructuresBulk(t.db(), twins, 1, 0);
            transaction.commit();
        }
        const QList<StructureRow> everything = frenchOrder(t.db());
        const QList<StructureCriteria> queries {
            { QStringLiteral("*"), {}, {}, {}, {} },
            { QStringLiteral("*menuiserie*"), {}, {}, {}, {} },
            { QStringLiteral("menuiserie egale"), {}, {}, {}, {} },
            { QStringLiteral("*e*"), {}, {}, {}, {} },
            { {}, {}, {}, QStringLiteral("75011"), {} },
            { {}, QStringLiteral("1*"), {}, {}, {} },
            { QStringLiteral("*menuiserie*"), {}, {}, {}, QStringLiteral("paris") },
        };
        for (const StructureCriteria &c : queries) {
            QList<StructureRow> expected;
            for (const StructureRow &row : everything) {
                if (matches(c, row))
                    expected << row;
            }
            QVERIFY2(!expected.isEmpty(), qPrintable(c.raisonSociale + c.siret + c.codePostal));
            for (const int pageSize : { 7, 50 }) {
                const QList<qint64> got = ids(keysetPages(structures, c, pageSize));
                QCOMPARE(got, ids(expected));
                QCOMPARE(QSet<qint64>(got.cbegin(), got.cend()).size(), got.size());
            }
            // The offset form gives the same pages.
            QCOMPARE(ids(structures.search(c, 5, 20)), ids(expected.mid(5, 20)));
        }
    }

    void countsAgreeWithABruteForceCount_data()
    {
        QTest::addColumn<int>("planScale");
        QTest::newRow("the plans of a few hundred rows") << 1;
        // Thresholds of 6 hits and walks of 100 rows: the walks, the walks cut
        // short and the sorts after them (on PostgreSQL too) meet these rows.
        QTest::newRow("every plan") << 1000;
    }

    void countsAgreeWithABruteForceCount()
    {
        QFETCH(int, planScale);
        Structures::setSearchPlanScaleForTests(planScale);
        const auto restore = qScopeGuard([] { Structures::setSearchPlanScaleForTests(1); });
        TestDatabase t;
        GUICHET_REQUIRE_DB(t);
        ManualClock clock;
        Core core(t.db(), clock);
        Structures structures(core);
        QVERIFY(generateStructures(t.db(), 800, 5).ok());
        const QList<StructureRow> everything = frenchOrder(t.db());
        StructureCriteria twoCriteria { QStringLiteral("*menuiserie*"), {}, {}, {}, QStringLiteral("lyon") };
        StructureCriteria postalAndName {
            QStringLiteral("*boulangerie*"), {}, {}, QStringLiteral("75011"), {}
        };
        StructureCriteria labelAndCity { {}, {}, QStringLiteral("*siège*"), {}, QStringLiteral("*ni*") };
        const QList<StructureCriteria> queries {
            { QStringLiteral("*menuiserie*"), {}, {}, {}, {} }, // common word (trigram)
            { QStringLiteral("*et fils*"), {}, {}, {}, {} }, // very common phrase
            { QStringLiteral("*dupont-mar*"), {}, {}, {}, {} }, // rarer phrase
            { QStringLiteral("*zorglub*"), {}, {}, {}, {} }, // absent
            { {}, QStringLiteral("12*"), {}, {}, {} }, // SIRET prefix
            { {}, {}, {}, QStringLiteral("75011"), {} }, // postal code
            { {}, {}, {}, {}, QStringLiteral("paris") }, // city, whole field
            { {}, {}, {}, {}, QStringLiteral("SAINT-ÉTIENNE") }, // accents and case
            twoCriteria,
            postalAndName,
            labelAndCity, // a short pattern with a long one
            { QStringLiteral("*ÉLECTRICITÉ*"), {}, {}, {}, {} }, // accents
            { QStringLiteral("menuis*"), {}, {}, {}, {} }, // prefix
            { QStringLiteral("*ie"), {}, {}, {}, {} }, // suffix, two letters
            { QStringLiteral("*du*"), {}, {}, {}, {} }, // two letters
            { QStringLiteral("*y*"), {}, {}, {}, {} }, // one letter
            { QStringLiteral("s*s *"), {}, {}, {}, {} }, // wildcard inside
            { QStringLiteral("*boulangerie*martin*"), {}, {}, {}, {} },
            { QStringLiteral("*"), {}, {}, {}, {} },
            // Exact or prefix city and libellé: their index on the folded copy.
            { {}, {}, QStringLiteral("atelier"), {}, {} },
            { {}, {}, QStringLiteral("ÉTABLISSEMENT SECONDAIRE"), {}, {} },
            { {}, {}, {}, {}, QStringLiteral("saint*") },
            { {}, {}, {}, {}, QStringLiteral("l*") }, // a one-letter prefix
            { {}, {}, {}, {}, QStringLiteral("lyo") }, // exact: no city is « lyo »
            { QStringLiteral("sas *"), {}, {}, {}, QStringLiteral("saint*") },
            { QStringLiteral("*menuiserie*"), {}, QStringLiteral("siège"), {}, QStringLiteral("lyon") },
            { {}, {}, QStringLiteral("atelier"), QStringLiteral("75011"), {} },
            { QStringLiteral("*du*"), {}, {}, {}, QStringLiteral("paris") },
            { QStringLiteral("*zorglub*"), {}, {}, {}, QStringLiteral("paris") },
            { {}, QStringLiteral("1*"), QStringLiteral("d*"), {}, {} },
            // Several words, and phrases in two columns: MATCHes narrowed to a
            // rare trigram each, the criteria then checked on the candidates.
            { QStringLiteral("*chevalier et fils boucherie*"), {}, {}, {}, {} },
            { QStringLiteral("*et fils bou*"), {}, {}, {}, {} },
            { QStringLiteral("*guérin-henry*"), {}, {}, {}, {} },
            { {}, {}, QStringLiteral("*siège*"), {}, QStringLiteral("*nice*") },
            { QStringLiteral("*\"et\"*"), {}, {}, {}, {} }, // quotes in a phrase
            // City and libellé prefixes with other criteria (a range of their
            // index on PostgreSQL too, the hits sorted), and a prefix whose
            // LIKE wildcard must stay literal.
            { QStringLiteral("*et fils*"), {}, QStringLiteral("établissement*"), {}, {} },
            { {}, {}, QStringLiteral("*ment*"), {}, QStringLiteral("sai*") },
            { {}, {}, {}, {}, QStringLiteral("sain_*") },
            { {}, {}, {}, {}, QStringLiteral("SAINT-É*") },
        };
        for (const StructureCriteria &c : queries) {
            QList<StructureRow> expected;
            for (const StructureRow &row : everything) {
                if (matches(c, row))
                    expected << row;
            }
            const QString what = c.raisonSociale + QLatin1Char('|') + c.siret + QLatin1Char('|') + c.libelle
                + QLatin1Char('|') + c.codePostal + QLatin1Char('|') + c.ville;
            QVERIFY2(structures.count(c) == expected.size(),
                     qPrintable(QStringLiteral("%1: %2 instead of %3")
                                    .arg(what)
                                    .arg(structures.count(c))
                                    .arg(expected.size())));
            const StructureCount generous = structures.countBounded(c);
            if (planScale == 1) {
                QVERIFY2(generous.exact && generous.count == expected.size(), qPrintable(what));
            } else {
                // The samples (10 rows at this scale) and the page's sort
                // threshold (2 or 6 hits) give a common pattern's lower
                // bound, which says so.
                QVERIFY2(generous.count <= expected.size(), qPrintable(what));
                QVERIFY2(generous.exact == (generous.count == expected.size()), qPrintable(what));
            }
            // A small bound: a lower bound that says so, never more than the
            // truth. Exact under the bound at real sizes; at this scale the
            // page's sort threshold (2 or 6 hits) is below it, and a count
            // stops there too.
            const StructureCount small = structures.countBounded(c, 10);
            if (expected.size() < 10 && planScale == 1) {
                QVERIFY2(small.exact && small.count == expected.size(), qPrintable(what));
            } else {
                QVERIFY2(small.count <= expected.size(), qPrintable(what));
                QVERIFY2(small.exact == (small.count == expected.size()), qPrintable(what));
            }
            QCOMPARE(ids(structures.search(c, 0, 2000)), ids(expected));
            // Keyset pages from every plan give the same rows in the same order.
            QCOMPARE(ids(keysetPages(structures, c, 37)), ids(expected));
        }
    }

    void postgresPlansAgreeWithTheStraightforwardQuery_data()
    {
        QTest::addColumn<int>("planScale");
        // The samples, walks and sorts at their real sizes (a sample reads
        // the whole table: exact counts), then scaled down so that the walks
        // fail and the samples see part of the table.
        QTest::newRow("real sizes") << 1;
        QTest::newRow("walks of 200 rows") << 100;
        QTest::newRow("walks of 5 rows") << 4000;
    }

    // PostgreSQL's plans (a sample of the table, a walk of the sort key index
    // or the trigram index's hits sorted) give the pages and counts that the
    // straightforward pg_trgm query gives: every hit of LIKE on the folded
    // copy, ordered by sort key and id, and its COUNT(*).
    void postgresPlansAgreeWithTheStraightforwardQuery()
    {
        QFETCH(int, planScale);
        TestDatabase t;
        GUICHET_REQUIRE_DB(t);
        if (!t.db().isPostgres())
            QSKIP("PostgreSQL's plans only");
        Structures::setSearchPlanScaleForTests(planScale);
        const auto restore = qScopeGuard([] { Structures::setSearchPlanScaleForTests(1); });
        ManualClock clock;
        Core core(t.db(), clock);
        Structures structures(core);
        QVERIFY(generateStructures(t.db(), 1500, 9).ok());
        t.db().exec(QStringLiteral("ANALYZE"));
        const auto like = [](const QString &criterion) {
            return foldForSearch(criterion).replace(QLatin1Char('*'), QLatin1Char('%'));
        };
        const QList<StructureCriteria> queries {
            { QStringLiteral("*menuiserie*"), {}, {}, {}, {} },
            { QStringLiteral("*et fils*"), {}, {}, {}, {} },
            { QStringLiteral("*sarl *"), {}, {}, {}, {} },
            { QStringLiteral("*ÉLECTRICITÉ*"), {}, {}, {}, {} },
            { QStringLiteral("*zorglub*"), {}, {}, {}, {} },
            { QStringLiteral("*du*"), {}, {}, {}, {} },
            { QStringLiteral("*y*"), {}, {}, {}, {} },
            { QStringLiteral("*boulangerie*martin*"), {}, {}, {}, {} },
            // Phrases of three words and more: the index asked for two.
            { QStringLiteral("*martin et fils*"), {}, {}, {}, {} },
            { QStringLiteral("*et fils boucherie*"), {}, {}, {}, {} },
            { {}, {}, QStringLiteral("*siège*"), {}, QStringLiteral("*ni*") },
            { QStringLiteral("sas *"), {}, {}, {}, QStringLiteral("saint*") },
            { QStringLiteral("*e*"), {}, QStringLiteral("*a*"), {}, {} },
        };
        for (const StructureCriteria &c : queries) {
            QStringList where;
            QVariantList args;
            const std::pair<QString, QString> fields[]
                = { { QStringLiteral("raison_sociale"), c.raisonSociale },
                    { QStringLiteral("libelle"), c.libelle },
                    { QStringLiteral("ville"), c.ville } };
            for (const auto &[column, value] : fields) {
                if (value.isEmpty())
                    continue;
                where << QStringLiteral("f.%1 LIKE ?").arg(column);
                args << like(value);
            }
            const QString hits = QStringLiteral("SELECT f.rowid FROM structures_search f WHERE %1")
                                     .arg(where.join(QStringLiteral(" AND ")));
            QList<qint64> expected;
            {
                QSqlQuery query = t.db().exec(
                    QStringLiteral(
                        "SELECT s.id FROM structures s WHERE s.id IN (%1) ORDER BY s.sort_key, s.id")
                        .arg(hits),
                    args);
                while (query.next())
                    expected << query.value(0).toLongLong();
            }
            const qint64 counted
                = t.db().value(QStringLiteral("SELECT COUNT(*) FROM (%1) x").arg(hits), args).toLongLong();
            const QString what = c.raisonSociale + QLatin1Char('|') + c.libelle + QLatin1Char('|') + c.ville;
            QCOMPARE(counted, expected.size());
            QVERIFY2(structures.count(c) == counted, qPrintable(what));
            const StructureCount bounded = structures.countBounded(c);
            QVERIFY2(bounded.count <= counted, qPrintable(what));
            QVERIFY2(bounded.exact == (bounded.count == counted), qPrintable(what));
            if (planScale == 1) // the sample reads the whole table
                QVERIFY2(bounded.exact, qPrintable(what));
            // The first page, a page by offset, and every keyset page.
            QCOMPARE(ids(structures.search(c, 0, 50)), expected.mid(0, 50));
            QCOMPARE(ids(structures.search(c, 60, 50)), expected.mid(60, 50));
            QCOMPARE(ids(keysetPages(structures, c, 50)), expected);
        }
    }

    // A common pattern's bounded count stops where its page stops reading
    // (the hits a page would sort, or a sample of the rows for a pattern
    // without a trigram) and says « at least » that many, never more than
    // the truth; a rare one's is exact. Alone or with its page.
    void aCommonPatternsBoundedCountIsALowerBoundThatSaysSo()
    {
        // Sort thresholds of 20 and 60 hits, samples of 100 rows.
        Structures::setSearchPlanScaleForTests(100);
        const auto restore = qScopeGuard([] { Structures::setSearchPlanScaleForTests(1); });
        TestDatabase t;
        GUICHET_REQUIRE_DB(t);
        ManualClock clock;
        Core core(t.db(), clock);
        Structures structures(core);
        QVERIFY(generateStructures(t.db(), 800, 5).ok());
        const QList<StructureRow> everything = frenchOrder(t.db());
        const auto expected = [&](const StructureCriteria &c) {
            QList<StructureRow> result;
            for (const StructureRow &row : everything) {
                if (matches(c, row))
                    result << row;
            }
            return result;
        };
        const QList<StructureCriteria> common {
            { QStringLiteral("*menuiserie*"), {}, {}, {}, {} }, // a trigram, the name only
            { QStringLiteral("*et fils*"), {}, {}, {}, {} },
            { QStringLiteral("*e*"), {}, {}, {}, {} }, // no trigram
            { QStringLiteral("*ie"), {}, {}, {}, {} },
            { {}, {}, {}, {}, QStringLiteral("*a*") }, // no trigram, another column
        };
        for (const StructureCriteria &c : common) {
            const QString what = c.raisonSociale + QLatin1Char('|') + c.ville;
            const QList<StructureRow> hits = expected(c);
            QVERIFY2(hits.size() > 20, qPrintable(what));
            const StructureCount alone = structures.countBounded(c);
            QVERIFY2(!alone.exact, qPrintable(what));
            QVERIFY2(alone.count > 0 && alone.count < hits.size(), qPrintable(what));
            const StructureSearchPage page = structures.searchWithCount(c, std::nullopt, 0, 50);
            QCOMPARE(ids(page.rows), ids(hits.mid(0, 50)));
            QVERIFY2(!page.count.exact, qPrintable(what));
            QVERIFY2(page.count.count >= 1 && page.count.count < hits.size(), qPrintable(what));
            // The exact count is still there for whoever asks it.
            QCOMPARE(structures.count(c), qint64(hits.size()));
        }
        // Rare: every hit counted, alone and with its page.
        const StructureCriteria rare { QStringLiteral("*zorglub*"), {}, {}, {}, {} };
        QCOMPARE(structures.countBounded(rare).exact, true);
        QCOMPARE(structures.countBounded(rare).count, 0);
        const StructureCriteria few { {}, {}, {}, {}, QStringLiteral("lyon") };
        const StructureSearchPage lyon = structures.searchWithCount(few, std::nullopt, 0, 50);
        QVERIFY(lyon.count.exact);
        QCOMPARE(lyon.count.count, qint64(expected(few).size()));
    }

    void aCountAndItsPageShareHitsOnlyWhileNothingChanged()
    {
        TestDatabase t;
        GUICHET_REQUIRE_DB(t);
        ManualClock clock;
        Core core(t.db(), clock);
        Structures structures(core);
        const qint64 alice = insertUser(t.db(), QStringLiteral("alice@example.org"));
        QVERIFY(generateStructures(t.db(), 300, 3).ok());
        // Few enough to be sorted from the trigram hits, whose ids the count
        // leaves for the page (and the page for the count).
        const StructureCriteria c { QStringLiteral("*menuiserie*"), {}, {}, {}, {} };
        const auto expected = [&] {
            QList<qint64> result;
            for (const StructureRow &row : frenchOrder(t.db())) {
                if (matches(c, row))
                    result << row.id;
            }
            return result;
        };
        const QList<qint64> before = expected();
        QVERIFY(!before.isEmpty());
        // Count then page, as the desktop asks them: the same rows as alone.
        QCOMPARE(structures.countBounded(c).count, qint64(before.size()));
        QCOMPARE(ids(structures.searchAfter(c, std::nullopt, 500)), before);
        QCOMPARE(ids(structures.searchAfter(c, std::nullopt, 500)), before);

        // A write on this connection between the count and its page.
        QCOMPARE(structures.countBounded(c).count, qint64(before.size()));
        QVERIFY(structures.createStructure(alice, input(validSiret(9001), QStringLiteral("Menuiserie Aaron")))
                    .ok());
        const QList<qint64> afterOwn = expected();
        QCOMPARE(afterOwn.size(), before.size() + 1);
        QCOMPARE(ids(structures.searchAfter(c, std::nullopt, 500)), afterOwn);

        // Writes committed by another connection: after a page, its count;
        // after a count, its page.
        auto other = t.openAnother();
        Core otherCore(*other, clock);
        QVERIFY(Structures(otherCore)
                    .createStructure(alice, input(validSiret(9002), QStringLiteral("Menuiserie Abel")))
                    .ok());
        QCOMPARE(ids(structures.searchAfter(c, std::nullopt, 500)), expected());
        QVERIFY(Structures(otherCore)
                    .createStructure(alice, input(validSiret(9003), QStringLiteral("Menuiserie Abélard")))
                    .ok());
        const StructureCount counted = structures.countBounded(c);
        QVERIFY(counted.exact);
        QCOMPARE(counted.count, qint64(afterOwn.size() + 2));
        QVERIFY(Structures(otherCore)
                    .createStructure(alice, input(validSiret(9004), QStringLiteral("Menuiserie Absalon")))
                    .ok());
        QCOMPARE(ids(structures.searchAfter(c, std::nullopt, 500)), expected());
        QCOMPARE(expected().size(), afterOwn.size() + 3);
    }

    void readsOneStructureBySiretOrIdAndCountsThem()
    {
        TestDatabase t;
        GUICHET_REQUIRE_DB(t);
        ManualClock clock;
        Core core(t.db(), clock);
        Structures structures(core);
        QCOMPARE(structures.total(), qint64(0));
        const qint64 alice = insertUser(t.db(), QStringLiteral("alice@example.org"));
        const CommandResult r = structures.createStructure(
            alice,
            input(validSiret(1), QStringLiteral("Menuiserie Dupont"), QStringLiteral("75011"),
                  QStringLiteral("Paris"), QStringLiteral("Atelier")));
        QVERIFY2(r.ok(), qPrintable(r.message));
        insertStructure(t.db(), validSiret(2), QStringLiteral("Boulangerie"));
        QCOMPARE(structures.total(), qint64(2));

        const std::optional<StructureRow> bySiret = structures.structureBySiret(validSiret(1));
        QVERIFY(bySiret);
        QCOMPARE(bySiret->id, r.id);
        QCOMPARE(bySiret->raisonSociale, QStringLiteral("Menuiserie Dupont"));
        QVERIFY(!structures.structureBySiret(validSiret(3)));

        const std::optional<StructureInput> fields = structures.fields(r.id);
        QVERIFY(fields);
        QCOMPARE(fields->siret, validSiret(1));
        QCOMPARE(fields->raisonSociale, QStringLiteral("Menuiserie Dupont"));
        QCOMPARE(fields->libelle, QStringLiteral("Atelier"));
        QCOMPARE(fields->adresse, QStringLiteral("1 rue de la Paix"));
        QCOMPARE(fields->codePostal, QStringLiteral("75011"));
        QCOMPARE(fields->ville, QStringLiteral("Paris"));
        QVERIFY(!structures.fields(999999));
    }

    // « Créer une fiche structure » in full: an EU structure by its VAT number,
    // two services, bank details, a space set at structure level; its creator
    // is principal with the role's spaces and a request for the structure's.
    void fullRecordIsCreatedAtOnce()
    {
        TestDatabase t;
        GUICHET_REQUIRE_DB(t);
        ManualClock clock;
        Core core(t.db(), clock);
        Structures structures(core);
        const qint64 alice = insertUser(t.db(), QStringLiteral("alice@example.org"));
        NewStructure record;
        record.fields = input(QStringLiteral("de 123 456 789"), QStringLiteral("Holzbau Müller GmbH"));
        record.fields.identifierType = QStringLiteral("eu");
        record.services = { { QStringLiteral("COMPTA"), QStringLiteral("Comptabilité") },
                            { QStringLiteral(" ATEL "), QStringLiteral(" Atelier ") } };
        record.bank = { QStringLiteral("de89 3704 0044 0532 0130 00"), QStringLiteral("cobadeffxxx") };
        record.spaces = { QStringLiteral("factures_recues"), QStringLiteral("factures_recues") };
        const CommandResult r = structures.createStructure(alice, record);
        QVERIFY2(r.ok(), qPrintable(r.message));
        const auto row = structures.structure(r.id);
        QVERIFY(row);
        QCOMPARE(row->siret, QStringLiteral("DE123456789"));
        QCOMPARE(row->identifierType, QStringLiteral("eu"));
        const QList<ServiceRow> services = structures.listServices(r.id);
        QCOMPARE(services.size(), 2);
        QCOMPARE(services.at(0).code, QStringLiteral("ATEL"));
        QCOMPARE(services.at(0).name, QStringLiteral("Atelier"));
        QCOMPARE(services.at(1).code, QStringLiteral("COMPTA"));
        const auto bank = structures.bankDetails(alice, r.id);
        QVERIFY(bank);
        QCOMPARE(bank->iban, QStringLiteral("DE89370400440532013000"));
        QCOMPARE(bank->bic, QStringLiteral("COBADEFFXXX"));
        QCOMPARE(t.db()
                     .value(QStringLiteral("SELECT COUNT(*) FROM structure_spaces ss JOIN spaces p ON p.id = "
                                           "ss.space_id WHERE ss.structure_id = ? AND p.code = "
                                           "'factures_recues'"),
                            { r.id })
                     .toInt(),
                 1);
        QCOMPARE(t.db()
                     .value(QStringLiteral(
                                "SELECT role FROM attachments WHERE user_id = ? AND structure_id = ? AND "
                                "status = 'validated'"),
                            { alice, r.id })
                     .toString(),
                 QStringLiteral("principal"));
        // The principal's default space, and a pending request for the structure's space.
        QCOMPARE(
            t.db()
                .value(QStringLiteral("SELECT s.status FROM subscriptions s JOIN spaces p ON p.id = "
                                      "s.space_id WHERE s.user_id = ? AND s.structure_id = ? AND p.code = "
                                      "'activite_gestionnaire'"),
                       { alice, r.id })
                .toString(),
            QStringLiteral("validated"));
        QCOMPARE(
            t.db()
                .value(QStringLiteral("SELECT s.status FROM subscriptions s JOIN spaces p ON p.id = "
                                      "s.space_id WHERE s.user_id = ? AND s.structure_id = ? AND p.code = "
                                      "'factures_recues'"),
                       { alice, r.id })
                .toString(),
            QStringLiteral("pending"));
        // The search finds it by its VAT number and says its type.
        StructureCriteria byVat;
        byVat.siret = QStringLiteral("DE123*");
        const QList<StructureRow> found = structures.search(byVat, 0, 10);
        QCOMPARE(found.size(), 1);
        QCOMPARE(found.first().identifierType, QStringLiteral("eu"));
    }

    void creatorDesignatesAnotherPrincipal()
    {
        TestDatabase t;
        GUICHET_REQUIRE_DB(t);
        ManualClock clock;
        Core core(t.db(), clock);
        Structures structures(core);
        const qint64 alice = insertUser(t.db(), QStringLiteral("alice@example.org"));
        const qint64 bruno = insertUser(t.db(), QStringLiteral("bruno@example.org"), QStringLiteral("Bruno"));
        const qint64 mailsBefore = count(t.db(), "SELECT COUNT(*) FROM mail_outbox");
        NewStructure record;
        record.fields = input(validSiret(3), QStringLiteral("Menuiserie Dupont"));
        record.principalId = bruno;
        record.spaces = { QStringLiteral("sollicitations_recues") };
        const CommandResult r = structures.createStructure(alice, record);
        QVERIFY2(r.ok(), qPrintable(r.message));
        QCOMPARE(principalOf(t.db(), r.id), bruno);
        // The creator is not attached: they designated someone else.
        QCOMPARE(t.db()
                     .value(QStringLiteral(
                                "SELECT COUNT(*) FROM attachments WHERE user_id = ? AND structure_id = ?"),
                            { alice, r.id })
                     .toInt(),
                 0);
        QVERIFY(structures.mayManage(bruno, r.id));
        QVERIFY(!structures.mayManage(alice, r.id));
        // Bruno can manage at once: « Activité du gestionnaire », the structure's space requested, a mail.
        QCOMPARE(
            t.db()
                .value(QStringLiteral("SELECT s.status FROM subscriptions s JOIN spaces p ON p.id = "
                                      "s.space_id WHERE s.user_id = ? AND s.structure_id = ? AND p.code = "
                                      "'activite_gestionnaire'"),
                       { bruno, r.id })
                .toString(),
            QStringLiteral("validated"));
        QCOMPARE(
            t.db()
                .value(QStringLiteral("SELECT s.status FROM subscriptions s JOIN spaces p ON p.id = "
                                      "s.space_id WHERE s.user_id = ? AND s.structure_id = ? AND p.code = "
                                      "'sollicitations_recues'"),
                       { bruno, r.id })
                .toString(),
            QStringLiteral("pending"));
        QVERIFY(count(t.db(), "SELECT COUNT(*) FROM mail_outbox") > mailsBefore);
        // Naming oneself is the default.
        NewStructure mine;
        mine.fields = input(validSiret(4), QStringLiteral("Boulangerie Martin"));
        mine.principalId = alice;
        const CommandResult own = structures.createStructure(alice, mine);
        QVERIFY2(own.ok(), qPrintable(own.message));
        QCOMPARE(principalOf(t.db(), own.id), alice);
    }

    void guichetNumbersIndividualsAndPendingRegistrations()
    {
        TestDatabase t;
        GUICHET_REQUIRE_DB(t);
        ManualClock clock;
        Core core(t.db(), clock);
        Structures structures(core);
        const qint64 alice = insertUser(t.db(), QStringLiteral("alice@example.org"));
        StructureInput person = input(QStringLiteral("ignored"), QStringLiteral("Jeanne Durand"));
        person.identifierType = QStringLiteral("individual");
        const CommandResult a = structures.createStructure(alice, person);
        QVERIFY2(a.ok(), qPrintable(a.message));
        QCOMPARE(structures.structure(a.id)->siret,
                 StructureIdentifier::generated(IdentifierType::Individual, a.id));
        StructureInput startup = input(QString(), QStringLiteral("Jeune Pousse SAS"));
        startup.identifierType = QStringLiteral("pending");
        const CommandResult b = structures.createStructure(alice, startup);
        QVERIFY2(b.ok(), qPrintable(b.message));
        QCOMPARE(structures.structure(b.id)->siret,
                 QStringLiteral("IMM#%1").arg(b.id, 10, 10, QLatin1Char('0')));
        // Saved again, it keeps its number; registered at last, it takes its SIRET.
        startup.libelle = QStringLiteral("Siège");
        QVERIFY(structures.updateStructure(alice, b.id, startup).ok());
        QCOMPARE(structures.structure(b.id)->siret,
                 QStringLiteral("IMM#%1").arg(b.id, 10, 10, QLatin1Char('0')));
        startup.identifierType = QStringLiteral("siret");
        startup.siret = validSiret(9);
        QVERIFY(structures.updateStructure(alice, b.id, startup).ok());
        QCOMPARE(structures.structure(b.id)->siret, validSiret(9));
        QCOMPARE(structures.structure(b.id)->identifierType, QStringLiteral("siret"));
    }

    // Every check names its field and changes nothing.
    void badRecordsChangeNothing_data()
    {
        QTest::addColumn<QString>("what");
        QTest::addColumn<QString>("field");
        QTest::newRow("unknown identifier type") << "type"
                                                 << "identifierType";
        QTest::newRow("bad VAT") << "vat"
                                 << "siret";
        QTest::newRow("French VAT") << "frenchVat"
                                    << "siret";
        QTest::newRow("bad RIDET") << "ridet"
                                   << "siret";
        QTest::newRow("bad TAHITI") << "tahiti"
                                    << "siret";
        QTest::newRow("bad IBAN checksum") << "iban"
                                           << "iban";
        QTest::newRow("BIC without IBAN") << "bicOnly"
                                          << "iban";
        QTest::newRow("bad BIC") << "bic"
                                 << "bic";
        QTest::newRow("IBAN too long") << "ibanLength"
                                       << "iban";
        QTest::newRow("unknown principal") << "principal"
                                           << "principal";
        QTest::newRow("deactivated principal") << "inactive"
                                               << "principal";
        QTest::newRow("too many spaces") << "manySpaces"
                                         << "spaces";
        QTest::newRow("unknown space") << "space"
                                       << "spaces";
        QTest::newRow("service without name") << "serviceName"
                                              << "services";
        QTest::newRow("service code twice") << "serviceTwice"
                                            << "services";
        QTest::newRow("too many services") << "manyServices"
                                           << "services";
        QTest::newRow("identifier taken") << "taken"
                                          << "siret";
    }
    void badRecordsChangeNothing()
    {
        QFETCH(QString, what);
        QFETCH(QString, field);
        TestDatabase t;
        GUICHET_REQUIRE_DB(t);
        ManualClock clock;
        Core core(t.db(), clock);
        Structures structures(core);
        const qint64 alice = insertUser(t.db(), QStringLiteral("alice@example.org"));
        const qint64 gone = insertUser(t.db(), QStringLiteral("gone@example.org"), QStringLiteral("Gone"));
        t.db().exec(QStringLiteral("UPDATE users SET status = 'deactivated' WHERE id = ?"), { gone });
        insertStructure(t.db(), QStringLiteral("DE123456789"), QStringLiteral("Holzbau"));
        NewStructure record;
        record.fields = input(validSiret(5), QStringLiteral("Menuiserie Dupont"));
        record.services = { { QStringLiteral("A"), QStringLiteral("Atelier") } };
        record.bank = { QStringLiteral("FR7630006000011234567890189"), QStringLiteral("BNPAFRPP") };
        record.spaces = { QStringLiteral("factures_recues") };
        if (what == QLatin1String("type")) {
            record.fields.identifierType = QStringLiteral("duns");
        } else if (what == QLatin1String("vat")) {
            record.fields.identifierType = QStringLiteral("eu");
            record.fields.siret = QStringLiteral("IT123");
        } else if (what == QLatin1String("frenchVat")) {
            record.fields.identifierType = QStringLiteral("eu");
            record.fields.siret = QStringLiteral("FR40303265045");
        } else if (what == QLatin1String("ridet")) {
            record.fields.identifierType = QStringLiteral("ridet");
            record.fields.siret = QStringLiteral("1234.001");
        } else if (what == QLatin1String("tahiti")) {
            record.fields.identifierType = QStringLiteral("tahiti");
            record.fields.siret = QStringLiteral("A1234");
        } else if (what == QLatin1String("iban")) {
            record.bank.iban = QStringLiteral("FR7630006000011234567890188");
        } else if (what == QLatin1String("bicOnly")) {
            record.bank.iban.clear();
        } else if (what == QLatin1String("bic")) {
            record.bank.bic = QStringLiteral("BNP1FRPP");
        } else if (what == QLatin1String("ibanLength")) {
            record.bank.iban = QString(textLimit::Iban + 1, QLatin1Char('1'));
        } else if (what == QLatin1String("principal")) {
            record.principalId = 999999;
        } else if (what == QLatin1String("inactive")) {
            record.principalId = gone;
        } else if (what == QLatin1String("space")) {
            record.spaces << QStringLiteral("espace_inconnu");
        } else if (what == QLatin1String("manySpaces")) {
            for (int i = 0; i <= maxNewSpaces; ++i)
                record.spaces << QStringLiteral("accueil");
        } else if (what == QLatin1String("serviceName")) {
            record.services << NewService { QStringLiteral("B"), QStringLiteral("  ") };
        } else if (what == QLatin1String("serviceTwice")) {
            record.services << NewService { QStringLiteral("A"), QStringLiteral("Autre atelier") };
        } else if (what == QLatin1String("manyServices")) {
            for (int i = 0; i <= maxNewServices; ++i)
                record.services << NewService { QString::number(i + 10), QStringLiteral("Service") };
        } else if (what == QLatin1String("taken")) {
            record.fields.identifierType = QStringLiteral("eu");
            record.fields.siret = QStringLiteral("DE 123456789");
        }
        const QString before = snapshot(t.db());
        const CommandResult r = structures.createStructure(alice, record);
        QVERIFY(!r.ok());
        QCOMPARE(r.field, field);
        QVERIFY(!r.message.isEmpty());
        QCOMPARE(snapshot(t.db()), before);
    }

    // Bank details: the structure's managers see and change them; a simple
    // user, a secondary manager without the principal's powers and support do not.
    void bankDetailsAreForManagersOnly()
    {
        TestDatabase t;
        GUICHET_REQUIRE_DB(t);
        ManualClock clock;
        Core core(t.db(), clock);
        Structures structures(core);
        const qint64 alice = insertUser(t.db(), QStringLiteral("alice@example.org"));
        const qint64 bruno = insertUser(t.db(), QStringLiteral("bruno@example.org"), QStringLiteral("Bruno"));
        const qint64 carol = insertUser(t.db(), QStringLiteral("carol@example.org"), QStringLiteral("Carol"));
        const qint64 sue = insertSupportUser(t.db());
        NewStructure record;
        record.fields = input(validSiret(6), QStringLiteral("Menuiserie Dupont"));
        record.bank = { QStringLiteral("FR7630006000011234567890189"), QString() };
        const CommandResult r = structures.createStructure(alice, record);
        QVERIFY2(r.ok(), qPrintable(r.message));
        insertAttachment(t.db(), bruno, r.id, QStringLiteral("user"));
        insertAttachment(t.db(), carol, r.id, QStringLiteral("secondary"));
        QCOMPARE(structures.bankDetails(alice, r.id)->iban, QStringLiteral("FR7630006000011234567890189"));
        QVERIFY(!structures.bankDetails(bruno, r.id));
        QVERIFY(!structures.bankDetails(carol, r.id));
        QVERIFY(!structures.bankDetails(sue, r.id));
        // Support may change the record but not the bank details.
        const StructureInput fields = *structures.fields(r.id);
        const QString before = snapshot(t.db());
        const CommandResult refused
            = structures.updateStructure(sue, r.id, fields, StructureBank { QString(), QString() });
        QCOMPARE(refused.code, ErrorCode::Forbidden);
        QCOMPARE(snapshot(t.db()), before);
        QVERIFY(structures.updateStructure(sue, r.id, fields).ok());
        QCOMPARE(structures.bankDetails(alice, r.id)->iban, QStringLiteral("FR7630006000011234567890189"));
        // A bad BIC on update names it; removing the details empties them.
        const CommandResult badBic = structures.updateStructure(
            alice, r.id, fields,
            StructureBank { QStringLiteral("FR7630006000011234567890189"), QStringLiteral("XX") });
        QCOMPARE(badBic.field, QStringLiteral("bic"));
        QVERIFY(structures.updateStructure(alice, r.id, fields, StructureBank()).ok());
        QVERIFY(structures.bankDetails(alice, r.id)->isEmpty());
    }
};

QTEST_GUILESS_MAIN(TestStructures)
#include "tst_structures.moc"
