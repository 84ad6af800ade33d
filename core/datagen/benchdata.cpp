#include "datagen/benchdata.h"

#include "kernel/core.h"
#include "kernel/siret.h"
#include "rules/structures/structures.h"

#include <QRandomGenerator>
#include <QSet>

namespace guichet {

namespace {

struct City
{
    const char *name;
    const char *postalCode;
};

// Real cities with one of their real postal codes; Paris with its arrondissements.
const City cities[] = {
    { "Paris", "75001" },
    { "Paris", "75004" },
    { "Paris", "75008" },
    { "Paris", "75011" },
    { "Paris", "75015" },
    { "Paris", "75017" },
    { "Paris", "75020" },
    { "Marseille", "13001" },
    { "Marseille", "13008" },
    { "Lyon", "69001" },
    { "Lyon", "69003" },
    { "Toulouse", "31000" },
    { "Nice", "06000" },
    { "Nantes", "44000" },
    { "Montpellier", "34000" },
    { "Strasbourg", "67000" },
    { "Bordeaux", "33000" },
    { "Lille", "59000" },
    { "Rennes", "35000" },
    { "Reims", "51100" },
    { "Toulon", "83000" },
    { "Saint-Étienne", "42000" },
    { "Le Havre", "76600" },
    { "Grenoble", "38000" },
    { "Dijon", "21000" },
    { "Angers", "49000" },
    { "Nîmes", "30000" },
    { "Villeurbanne", "69100" },
    { "Clermont-Ferrand", "63000" },
    { "Le Mans", "72000" },
    { "Aix-en-Provence", "13100" },
    { "Brest", "29200" },
    { "Tours", "37000" },
    { "Amiens", "80000" },
    { "Limoges", "87000" },
    { "Annecy", "74000" },
    { "Perpignan", "66000" },
    { "Besançon", "25000" },
    { "Metz", "57000" },
    { "Orléans", "45000" },
    { "Rouen", "76000" },
    { "Mulhouse", "68100" },
    { "Caen", "14000" },
    { "Nancy", "54000" },
    { "Argenteuil", "95100" },
    { "Montreuil", "93100" },
    { "Roubaix", "59100" },
    { "Avignon", "84000" },
    { "Poitiers", "86000" },
    { "Pau", "64000" },
    { "La Rochelle", "17000" },
    { "Béziers", "34500" },
    { "Quimper", "29000" },
    { "Colmar", "68000" },
};

const char *const activities[] = {
    "Boulangerie", "Plomberie",
    "Électricité", "Garage",
    "Boucherie",   "Pharmacie",
    "Transports",  "Maçonnerie",
    "Charpente",   "Imprimerie",
    "Pâtisserie",  "Coiffure",
    "Fromagerie",  "Librairie",
    "Serrurerie",  "Couverture",
    "Ébénisterie", "Informatique",
    "Conseil",     "Restaurant",
    "Hôtel",       "Cabinet d'architecture",
    "Pressing",    "Fleuriste",
    "Peinture",
};

// About 5% of names: the benchmark's '*menuiserie*' and its spellings.
const char *const menuiserie[] = { "Menuiserie", "MENUISERIE", "Ménuiserie", "menuiserie", "Menuiseries" };

const char *const surnames[] = {
    "Martin",    "Bernard",  "Dubois",  "Thomas",   "Robert",   "Richard",  "Petit",   "Durand",
    "Leroy",     "Moreau",   "Simon",   "Laurent",  "Lefèvre",  "Michel",   "Garcia",  "David",
    "Bertrand",  "Roux",     "Vincent", "Fournier", "Morel",    "Girard",   "André",   "Lefebvre",
    "Mercier",   "Dupont",   "Lambert", "Bonnet",   "François", "Martinez", "Legrand", "Garnier",
    "Faure",     "Rousseau", "Blanc",   "Guérin",   "Muller",   "Henry",    "Roussel", "Nicolas",
    "Perrin",    "Morin",    "Mathieu", "Clément",  "Gauthier", "Dumont",   "Lopez",   "Fontaine",
    "Chevalier", "Robin",    "Masson",  "Sanchez",  "Gérard",   "Nguyen",   "Boyer",   "Denis",
};

const char *const legalForms[] = { "SARL", "SAS", "EURL", "SA", "SASU", "SCOP", "", "", "", "" };
const char *const labels[]
    = { "Siège", "Atelier", "Établissement secondaire", "Dépôt",         "Agence", "Magasin",
        "",      "",        "Bureau d'études",          "Point de vente" };
const char *const streets[]
    = { "rue de la République", "avenue Jean Jaurès", "rue Victor Hugo",   "boulevard Gambetta",
        "place de la Mairie",   "rue Pasteur",        "chemin des Vignes", "rue du Moulin",
        "avenue de la Gare",    "rue des Écoles" };

template<typename T, std::size_t N> const T &pick(QRandomGenerator &random, const T (&list)[N])
{
    return list[random.bounded(static_cast<quint32>(N))];
}

QString text(const char *utf8)
{
    return QString::fromUtf8(utf8);
}

// A random valid SIRET not handed out before in this run.
QString newSiret(QRandomGenerator &random, QSet<quint64> &used)
{
    constexpr quint64 modulus = 10000000000000ULL;
    for (;;) {
        const quint64 x = random.generate64() % modulus;
        if (used.contains(x))
            continue;
        used.insert(x);
        const QString base = QStringLiteral("%1").arg(x, 13, 10, QLatin1Char('0'));
        return base + QString::number(Siret::luhnCheckDigit(base));
    }
}

StructureInput makeStructure(QRandomGenerator &random, QSet<quint64> &used)
{
    StructureInput s;
    s.siret = newSiret(random, used);
    const bool isMenuiserie = random.bounded(100) < 5;
    const QString activity = text(isMenuiserie ? pick(random, menuiserie) : pick(random, activities));
    const QString surname = text(pick(random, surnames));
    const City &city = pick(random, cities);
    const QString form = text(pick(random, legalForms));
    switch (random.bounded(4)) {
    case 0:
        s.raisonSociale = activity + QLatin1Char(' ') + surname;
        break;
    case 1:
        s.raisonSociale = surname + QStringLiteral(" et Fils ") + activity;
        break;
    case 2:
        s.raisonSociale = activity + QLatin1Char(' ') + text(city.name);
        break;
    default:
        s.raisonSociale
            = activity + QLatin1Char(' ') + surname + QLatin1Char('-') + text(pick(random, surnames));
        break;
    }
    if (!form.isEmpty())
        s.raisonSociale = form + QLatin1Char(' ') + s.raisonSociale;
    s.libelle = text(pick(random, labels));
    s.adresse = QStringLiteral("%1 %2").arg(random.bounded(1, 200)).arg(text(pick(random, streets)));
    s.codePostal = QString::fromLatin1(city.postalCode);
    s.ville = text(city.name);
    return s;
}

} // namespace

CommandResult generateStructures(Database &db, int n, quint32 seed)
{
    SystemClock clock;
    Core core(db, clock);
    return core.run(
        QStringLiteral("benchData"), 0,
        [&](CommandContext &ctx) {
            if (n <= 0)
                fail(ErrorCode::InvalidInput, QStringLiteral("structures"),
                     QCoreApplication::translate("guichet::BenchData",
                                                 "The number of structures must be positive."));
            const qint64 existing = db.value(QStringLiteral("SELECT COUNT(*) FROM structures")).toLongLong();
            const bool empty = existing == 0;
            // A second run on the same database must not draw the same numbers again.
            QRandomGenerator random(seed ^ static_cast<quint32>(existing * 2654435761ULL));
            QSet<quint64> used;
            used.reserve(n);
            const qint64 version = ctx.version();
            const qint64 now = ctx.clock().nowMs();
            constexpr int chunk = 10000;
            int added = 0;
            while (added < n) {
                QList<StructureInput> part;
                const int size = std::min(chunk, n - added);
                part.reserve(size);
                for (int i = 0; i < size; ++i)
                    part.append(makeStructure(random, used));
                if (!empty) {
                    // An imported structure may already hold one of these numbers: skip it.
                    QSet<QString> taken;
                    for (int start = 0; start < part.size(); start += 500) {
                        const int m = std::min<int>(500, part.size() - start);
                        QVariantList args;
                        for (int i = start; i < start + m; ++i)
                            args << part.at(i).siret;
                        QStringList marks;
                        marks.fill(QStringLiteral("?"), m);
                        const auto rows
                            = db.rows(QStringLiteral("SELECT siret FROM structures WHERE siret IN (%1)")
                                          .arg(marks.join(QLatin1Char(','))),
                                      args);
                        for (const QVariantMap &row : rows)
                            taken.insert(row.value(QStringLiteral("siret")).toString());
                    }
                    part.erase(
                        std::remove_if(part.begin(), part.end(),
                                       [&](const StructureInput &s) { return taken.contains(s.siret); }),
                        part.end());
                }
                insertStructuresBulk(db, part, version, now);
                added += part.size();
            }
            AuditRecord generated(AuditAction::StructuresGenerated);
            generated.count = int(n);
            ctx.audit(QStringLiteral("structure"), 0, 0, generated);
            ctx.result = CommandResult::success(0, { { QStringLiteral("generated"), n } });
        },
        RunOptions::anonymousCommand());
}

} // namespace guichet
