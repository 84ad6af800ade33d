#include "rules/structures/structurestore.h"

#include "kernel/siret.h"
#include "kernel/textfold.h"

#include <algorithm>
#include <limits>
#include <tuple>

namespace guichet {

namespace {

const QString selectColumns
    = QStringLiteral("s.id, s.siret, s.raison_sociale, s.libelle, s.code_postal, s.ville, s.adresse, "
                     "s.secondary_powers, s.sort_key, s.identifier_type");

StructureRow toRow(const QVariantMap &map)
{
    StructureRow row;
    row.id = map.value(QStringLiteral("id")).toLongLong();
    row.siret = map.value(QStringLiteral("siret")).toString();
    row.raisonSociale = map.value(QStringLiteral("raison_sociale")).toString();
    row.libelle = map.value(QStringLiteral("libelle")).toString();
    row.codePostal = map.value(QStringLiteral("code_postal")).toString();
    row.ville = map.value(QStringLiteral("ville")).toString();
    row.adresse = map.value(QStringLiteral("adresse")).toString();
    row.secondaryPowers = map.value(QStringLiteral("secondary_powers")).toInt() != 0;
    row.sortKey = map.value(QStringLiteral("sort_key")).toString();
    row.identifierType = map.value(QStringLiteral("identifier_type")).toString();
    return row;
}

ServiceRow serviceFromRow(const QVariantMap &row)
{
    return { row.value(QStringLiteral("id")).toLongLong(),
             row.value(QStringLiteral("structure_id")).toLongLong(),
             row.value(QStringLiteral("code")).toString(), row.value(QStringLiteral("name")).toString(),
             row.value(QStringLiteral("active")).toInt() != 0 };
}

// The folded values stored in structures_search, in its column order.
QVariantList searchValues(const StructureInput &input)
{
    // The folded raison sociale is the sort key itself: an exact city's or
    // libellé's index on the folded copy then holds its rows in the search's
    // order (migration 0011).
    return { structureSortKey(input.raisonSociale), input.siret, foldForSearch(input.libelle),
             foldForSearch(input.codePostal), foldForSearch(input.ville) };
}

// One search criterion turned into a pattern on a folded column of structures_search.
struct Clause
{
    QString column;
    QString pattern; // GLOB syntax on SQLite, LIKE syntax on PostgreSQL
    // The folded literal text between the '*'s, and whether the criterion
    // starts or ends with one (SQLite reads the runs of three characters or
    // more from the trigram index).
    QStringList runs;
    bool leading = false;
    bool trailing = false;
};

// The criteria as patterns. A criterion that is only wildcards (`*`) restricts
// nothing: it adds no clause but sets *matchAll, so that « * » lists every
// structure while an empty form lists none.
QList<Clause> clauses(const StructureCriteria &criteria, bool postgres, bool *matchAll = nullptr)
{
    if (matchAll)
        *matchAll = false;
    const std::pair<QString, QString> fields[] = {
        { QStringLiteral("raison_sociale"), criteria.raisonSociale },
        { QStringLiteral("siret"), Siret::normalized(criteria.siret) },
        { QStringLiteral("libelle"), criteria.libelle },
        { QStringLiteral("code_postal"), criteria.codePostal },
        { QStringLiteral("ville"), criteria.ville },
    };
    QList<Clause> result;
    for (const auto &[column, value] : fields) {
        // Identifiers are stored in upper case (VAT numbers, TAHITI): their
        // criterion is upper-cased rather than folded.
        const QString folded
            = column == QLatin1String("siret") ? value.trimmed().toUpper() : foldForSearch(value.trimmed());
        if (folded.isEmpty())
            continue;
        // The user's only wildcard is '*'; everything else is literal, so the
        // back-end's own wildcards are escaped. GLOB (SQLite) because the FTS5
        // trigram index serves GLOB and LIKE but not LIKE ... ESCAPE; the folded
        // copy is already lower case, so GLOB's case sensitivity does not matter.
        QString pattern;
        QChar previous;
        for (const QChar c : folded) {
            if (c == QLatin1Char('*')) {
                if (previous != QLatin1Char('*'))
                    pattern += postgres ? QLatin1Char('%') : QLatin1Char('*');
            } else if (postgres) {
                if (c == QLatin1Char('%') || c == QLatin1Char('_') || c == QLatin1Char('\\'))
                    pattern += QLatin1Char('\\');
                pattern += c;
            } else if (c == QLatin1Char('?') || c == QLatin1Char('[')) {
                pattern += QLatin1Char('[') + c + QLatin1Char(']');
            } else {
                pattern += c;
            }
            previous = c;
        }
        if (pattern == QLatin1String("*") || pattern == QLatin1String("%")) {
            if (matchAll)
                *matchAll = true;
            continue;
        }
        result.append({ column, pattern, folded.split(QLatin1Char('*'), Qt::SkipEmptyParts),
                        folded.startsWith(QLatin1Char('*')), folded.endsWith(QLatin1Char('*')) });
    }
    return result;
}

// The FTS5 table's columns in declaration order: its %_content shadow table
// names them c0, c1, ...
const QStringList searchColumns { QStringLiteral("raison_sociale"), QStringLiteral("siret"),
                                  QStringLiteral("libelle"), QStringLiteral("code_postal"),
                                  QStringLiteral("ville") };

StructureRow rowFromQuery(const QSqlQuery &query)
{
    StructureRow row;
    row.id = query.value(0).toLongLong();
    row.siret = query.value(1).toString();
    row.raisonSociale = query.value(2).toString();
    row.libelle = query.value(3).toString();
    row.codePostal = query.value(4).toString();
    row.ville = query.value(5).toString();
    row.adresse = query.value(6).toString();
    row.secondaryPowers = query.value(7).toInt() != 0;
    row.sortKey = query.value(8).toString();
    row.identifierType = query.value(9).toString();
    return row;
}

} // namespace

StructureStore::StructureStore(const Database &db)
    : m_db(db)
{
}

bool StructureStore::exists(qint64 structureId) const
{
    return m_db.row(QStringLiteral("SELECT id FROM structures WHERE id = ?"), { structureId }).has_value();
}

std::optional<StructureRow> StructureStore::structure(qint64 structureId) const
{
    const auto row = m_db.row(QStringLiteral("SELECT %1 FROM structures s WHERE s.id = ?").arg(selectColumns),
                              { structureId });
    if (!row)
        return std::nullopt;
    return toRow(*row);
}

std::optional<StructureRow> StructureStore::structureBySiret(const QString &siret) const
{
    const auto row = m_db.row(
        QStringLiteral("SELECT %1 FROM structures s WHERE s.siret = ?").arg(selectColumns), { siret });
    if (!row)
        return std::nullopt;
    return toRow(*row);
}

QString StructureStore::raisonSociale(qint64 structureId) const
{
    return m_db.value(QStringLiteral("SELECT raison_sociale FROM structures WHERE id = ?"), { structureId })
        .toString();
}

bool StructureStore::secondaryPowers(qint64 structureId) const
{
    return m_db.value(QStringLiteral("SELECT secondary_powers FROM structures WHERE id = ?"), { structureId })
               .toInt()
        != 0;
}

bool StructureStore::siretTaken(const QString &siret, qint64 exceptId) const
{
    if (exceptId == 0)
        return m_db.value(QStringLiteral("SELECT 1 FROM structures WHERE siret = ?"), { siret }).isValid();
    return m_db
        .value(QStringLiteral("SELECT 1 FROM structures WHERE siret = ? AND id <> ?"), { siret, exceptId })
        .isValid();
}

QStringList StructureStore::existingSirets(const QStringList &sirets) const
{
    QVariantList args;
    for (const QString &siret : sirets)
        args << siret;
    QStringList marks;
    marks.fill(QStringLiteral("?"), sirets.size());
    QStringList result;
    for (const QVariantMap &row : m_db.rows(QStringLiteral("SELECT siret FROM structures WHERE siret IN (%1)")
                                                .arg(marks.join(QLatin1Char(','))),
                                            args))
        result << row.value(QStringLiteral("siret")).toString();
    return result;
}

qint64 StructureStore::total() const
{
    return m_db.value(QStringLiteral("SELECT COUNT(*) FROM structures")).toLongLong();
}

QList<StructureRow> StructureStore::all() const
{
    QList<StructureRow> result;
    QSqlQuery query = m_db.exec(
        QStringLiteral("SELECT %1 FROM structures s ORDER BY s.sort_key, s.id").arg(selectColumns));
    while (query.next())
        result.append(rowFromQuery(query));
    return result;
}

qint64 StructureStore::insertStructure(const StructureInput &s, qint64 createdAt, qint64 version) const
{
    const qint64 id = m_db.insert(
        QStringLiteral(
            "INSERT INTO structures (siret, raison_sociale, libelle, adresse, code_postal, "
            "ville, secondary_powers, created_at, version, sort_key, identifier_type) VALUES (?, ?, "
            "?, ?, ?, ?, 0, ?, ?, ?, ?) RETURNING id"),
        { s.siret, s.raisonSociale, s.libelle, s.adresse, s.codePostal, s.ville, createdAt, version,
          structureSortKey(s.raisonSociale), s.identifierType });
    m_db.exec(QStringLiteral("INSERT INTO structures_search (rowid, raison_sociale, siret, libelle, "
                             "code_postal, ville) VALUES (?, ?, ?, ?, ?, ?)"),
              QVariantList { id } + searchValues(s));
    return id;
}

void StructureStore::updateStructure(qint64 structureId, const StructureInput &s, qint64 version) const
{
    m_db.exec(QStringLiteral("UPDATE structures SET siret = ?, raison_sociale = ?, libelle = ?, adresse = ?, "
                             "code_postal = ?, ville = ?, version = ?, sort_key = ?, identifier_type = ? "
                             "WHERE id = ?"),
              { s.siret, s.raisonSociale, s.libelle, s.adresse, s.codePostal, s.ville, version,
                structureSortKey(s.raisonSociale), s.identifierType, structureId });
    m_db.exec(QStringLiteral("UPDATE structures_search SET raison_sociale = ?, siret = ?, libelle = ?, "
                             "code_postal = ?, ville = ? WHERE rowid = ?"),
              searchValues(s) + QVariantList { structureId });
}

void StructureStore::setSecondaryPowers(qint64 structureId, bool granted, qint64 version) const
{
    m_db.exec(QStringLiteral("UPDATE structures SET secondary_powers = ?, version = ? WHERE id = ?"),
              { granted ? 1 : 0, version, structureId });
}

std::optional<StructureBank> StructureStore::bankDetails(qint64 structureId) const
{
    const auto row
        = m_db.row(QStringLiteral("SELECT iban, bic FROM structure_bank_details WHERE structure_id = ?"),
                   { structureId });
    if (!row)
        return std::nullopt;
    return StructureBank { row->value(QStringLiteral("iban")).toString(),
                           row->value(QStringLiteral("bic")).toString() };
}

void StructureStore::setBankDetails(qint64 structureId, const StructureBank &bank, qint64 version) const
{
    m_db.exec(
        QStringLiteral("INSERT INTO structure_bank_details (structure_id, iban, bic, version) VALUES (?, "
                       "?, ?, ?) ON CONFLICT (structure_id) DO UPDATE SET iban = excluded.iban, bic = "
                       "excluded.bic, version = excluded.version"),
        { structureId, bank.iban, bank.bic, version });
}

QHash<QString, qint64> StructureStore::insertStructuresBulk(const QList<StructureInput> &structures,
                                                            qint64 version, qint64 createdAt) const
{
    const Database &db = m_db;
    // Multi-row statements: one round trip per batch matters on PostgreSQL, and
    // the ids come back with their SIRET so that no row order is assumed. SQLite
    // gets short batches: Qt looks up each parameter's name, which SQLite finds
    // by a linear search, so a statement with thousands of '?' costs quadratically.
    const int batch = db.isPostgres() ? 200 : 20;
    const auto statements = [](int n) {
        QStringList values;
        QStringList searchValuesSql;
        for (int i = 0; i < n; ++i) {
            values << QStringLiteral("(?, ?, ?, ?, ?, ?, 0, ?, ?, ?)");
            searchValuesSql << QStringLiteral("(?, ?, ?, ?, ?, ?)");
        }
        return std::make_pair(
            QStringLiteral(
                "INSERT INTO structures (siret, raison_sociale, libelle, adresse, code_postal, ville, "
                "secondary_powers, created_at, version, sort_key) VALUES %1 RETURNING id, siret")
                .arg(values.join(QLatin1Char(','))),
            QStringLiteral(
                "INSERT INTO structures_search (rowid, raison_sociale, siret, libelle, code_postal, "
                "ville) VALUES %1")
                .arg(searchValuesSql.join(QLatin1Char(','))));
    };
    const auto full = statements(batch);
    // The FTS index of a big load outgrows SQLite's default 2 MB page cache and
    // then spills to the WAL again and again: give this load 256 MB, then restore.
    QVariant previousCache;
    if (!db.isPostgres() && structures.size() > 1000) {
        previousCache = db.value(QStringLiteral("PRAGMA cache_size"));
        db.exec(QStringLiteral("PRAGMA cache_size = -262144"));
    }
    QHash<QString, qint64> ids;
    ids.reserve(structures.size());
    for (int start = 0; start < structures.size(); start += batch) {
        const int n = std::min<int>(batch, structures.size() - start);
        const auto sql = n == batch ? full : statements(n);
        QVariantList args;
        args.reserve(n * 9);
        for (int i = start; i < start + n; ++i) {
            const StructureInput &s = structures.at(i);
            args << s.siret << s.raisonSociale << s.libelle << s.adresse << s.codePostal << s.ville
                 << createdAt << version << structureSortKey(s.raisonSociale);
        }
        QSqlQuery query = db.exec(sql.first, args);
        while (query.next())
            ids.insert(query.value(1).toString(), query.value(0).toLongLong());
        QVariantList searchArgs;
        searchArgs.reserve(n * 6);
        for (int i = start; i < start + n; ++i) {
            const StructureInput &s = structures.at(i);
            searchArgs << ids.value(s.siret) << searchValues(s);
        }
        db.exec(sql.second, searchArgs);
    }
    if (previousCache.isValid())
        db.exec(QStringLiteral("PRAGMA cache_size = %1").arg(previousCache.toLongLong()));
    return ids;
}

void StructureStore::insertImportAudit(const QList<std::pair<qint64, AuditRecord>> &entries, qint64 at,
                                       qint64 version) const
{
    constexpr int batch = 200;
    for (int start = 0; start < entries.size(); start += batch) {
        const int n = std::min<int>(batch, entries.size() - start);
        QStringList values;
        QVariantList args;
        for (int i = start; i < start + n; ++i) {
            values << QStringLiteral("(?, NULL, 'importStructures', 'structure', ?, ?, ?, ?, '', ?)");
            const AuditRecord &record = entries.at(i).second;
            args << at << entries.at(i).first << entries.at(i).first << audit::actionCode(record.action)
                 << record.toJson() << version;
        }
        m_db.exec(
            QStringLiteral("INSERT INTO audit_log (at, actor_id, command, entity, entity_id, structure_id, "
                           "action, details, comment, version) VALUES %1")
                .arg(values.join(QLatin1Char(','))),
            args);
    }
}
namespace {

// The columns of structures_search_content (c0, c1, ...) in the FTS table's order.
QString contentColumn(const QString &column)
{
    return QStringLiteral("c.c%1").arg(searchColumns.indexOf(column));
}

// The keyset condition: rows after the cursor in (sort_key, id) order. Row
// values are served by the (sort_key, id) indexes on both back-ends.
QString afterCondition(const std::optional<StructureCursor> &after, QVariantList *args)
{
    if (!after)
        return {};
    *args << after->sortKey << after->id;
    return QStringLiteral("(s.sort_key, s.id) > (?, ?)");
}

QString joined(const QStringList &parts)
{
    QStringList nonEmpty;
    for (const QString &part : parts) {
        if (!part.isEmpty())
            nonEmpty << part;
    }
    return nonEmpty.isEmpty() ? QStringLiteral("1 = 1") : nonEmpty.join(QStringLiteral(" AND "));
}

QList<StructureRow> readRows(const Database &db, const QString &sql, const QVariantList &args)
{
    QList<StructureRow> result;
    QSqlQuery query = db.exec(sql, args);
    while (query.next())
        result.append(rowFromQuery(query));
    return result;
}

// How a SQLite search reaches its rows (see docs/PERFORMANCE.md, « 25-query mix »).
struct SqlitePlan
{
    // Only a SIRET prefix: the unique index on structures.siret, as a range.
    bool siretPrefix = false;
    // An exact postal code: the (code_postal, sort_key, id) index.
    std::optional<Clause> postal;
    // The FTS5 trigram query for every literal run of three characters or more
    // (empty when there is none: then only a scan can answer).
    QString match;
    // An exact or prefix city or libellé: a range of its index on the folded
    // copy (structures_search_content (cK, c0), migration 0011) gives the
    // hits, the other criteria checked on the same row (a raison sociale on
    // the index itself).
    std::optional<Clause> keyed;
    // The clauses that the MATCH (or the postal or keyed index) does not
    // decide exactly, checked on the folded copy's content table (alias c).
    QList<Clause> checks;
    // The MATCH's phrases (column, folded text), for narrowSqlitePlan.
    QList<std::pair<QString, QString>> phrases;
    // The MATCH of those phrases, before narrowSqlitePlan.
    QString phraseMatch;
};

bool isExact(const Clause &clause)
{
    return clause.runs.size() == 1 && !clause.leading && !clause.trailing;
}

bool isPrefix(const Clause &clause)
{
    return clause.runs.size() == 1 && !clause.leading && clause.trailing;
}

// The first text after every text that starts with `prefix` (binary order,
// which is code-point order in UTF-8 as in UTF-16 outside surrogates), or an
// empty string when there is none to give (the range then has no upper end).
QString prefixEnd(const QString &prefix)
{
    if (prefix.isEmpty())
        return {};
    const QChar last = prefix.back();
    if (last.isSurrogate() || last.unicode() == 0xFFFF)
        return {};
    return prefix.chopped(1) + QChar(char16_t(last.unicode() + 1));
}

// The condition that a keyed clause puts on `column`: equality or a range.
QString keyedCondition(const Clause &clause, const QString &column, QVariantList *args)
{
    const QString &text = clause.runs.first();
    if (isExact(clause)) {
        *args << text;
        return QStringLiteral("%1 = ?").arg(column);
    }
    const QString end = prefixEnd(text);
    *args << text;
    if (end.isEmpty())
        return QStringLiteral("%1 >= ?").arg(column);
    *args << end;
    return QStringLiteral("%1 >= ? AND %1 < ?").arg(column);
}

QString ftsPhrase(const QString &text)
{
    QString escaped = text;
    escaped.replace(QLatin1Char('"'), QStringLiteral("\"\""));
    return QLatin1Char('"') + escaped + QLatin1Char('"');
}

SqlitePlan sqlitePlan(const QList<Clause> &list)
{
    SqlitePlan plan;
    if (list.size() == 1 && list.first().column == QLatin1String("siret") && !list.first().leading) {
        plan.siretPrefix = true;
        return plan;
    }
    const auto postal = std::find_if(list.cbegin(), list.cend(), [](const Clause &clause) {
        return clause.column == QLatin1String("code_postal") && !clause.pattern.isEmpty()
            && std::all_of(clause.pattern.cbegin(), clause.pattern.cend(),
                           [](QChar c) { return c.isDigit(); });
    });
    if (postal != list.cend())
        plan.postal = *postal;
    QStringList terms;
    for (const Clause &clause : list) {
        if (plan.postal && &clause == &*postal)
            continue;
        int phrases = 0;
        bool split = false;
        for (const QString &run : clause.runs) {
            // The trigram tokenizer matches phrases of three characters or more;
            // a phrase of literal text is exactly a substring test.
            if (run.toUcs4().size() < 3)
                continue;
            // A run of several words (« chevalier et fils boucherie ») is
            // asked by its words: the phrase would read the long lists of the
            // trigrams around its spaces (« s b », « et »), 3–4× the time of
            // two words alone; the run itself is then checked on the hits.
            QStringList words;
            for (const QString &word : run.split(QLatin1Char(' '), Qt::SkipEmptyParts)) {
                if (word.toUcs4().size() >= 3)
                    words << word;
            }
            if (words.size() < 2) {
                words = QStringList { run };
            } else {
                // The two longest words: each more reads another list for
                // few hits less (« fils » is in a quarter of the names).
                std::stable_sort(words.begin(), words.end(),
                                 [](const QString &a, const QString &b) { return a.size() > b.size(); });
                words = words.mid(0, 2);
                split = true;
            }
            for (const QString &word : words) {
                terms << QStringLiteral("%1 : %2").arg(clause.column, ftsPhrase(word));
                plan.phrases.append({ clause.column, word });
            }
            phrases += int(words.size());
        }
        const bool decided
            = !split && phrases == 1 && clause.runs.size() == 1 && clause.leading && clause.trailing;
        if (!decided)
            plan.checks << clause;
    }
    // With an exact postal code, its index already narrows the rows to a few
    // thousand at most: the other criteria are checked on them.
    if (plan.postal) {
        plan.checks.clear();
        for (const Clause &clause : list) {
            if (&clause != &*postal)
                plan.checks << clause;
        }
        return plan;
    }
    // An exact city or libellé is an index lookup; a prefix of one is a range
    // of the same index, worth it when it has three characters or more (else
    // the range may hold most of the table) or when no trigram serves the rest.
    const auto keyedColumn = [](const Clause &clause) {
        return clause.column == QLatin1String("ville") || clause.column == QLatin1String("libelle");
    };
    auto keyed = std::find_if(list.cbegin(), list.cend(),
                              [&](const Clause &clause) { return keyedColumn(clause) && isExact(clause); });
    if (keyed == list.cend()) {
        keyed = std::find_if(list.cbegin(), list.cend(), [&](const Clause &clause) {
            return keyedColumn(clause) && isPrefix(clause)
                && (clause.runs.first().toUcs4().size() >= 3 || terms.isEmpty());
        });
    }
    if (keyed != list.cend()) {
        plan.keyed = *keyed;
        plan.checks.clear();
        for (const Clause &clause : list) {
            // A prefix keeps its GLOB: the range may have no upper end.
            if (&clause != &*keyed || !isExact(clause))
                plan.checks << clause;
        }
        return plan;
    }
    plan.match = terms.join(QStringLiteral(" AND "));
    plan.phraseMatch = plan.match;
    return plan;
}

QString checkSql(const QList<Clause> &checks, QVariantList *args)
{
    QStringList parts;
    for (const Clause &clause : checks) {
        parts << QStringLiteral("%1 GLOB ?").arg(contentColumn(clause.column));
        *args << clause.pattern;
    }
    return parts.join(QStringLiteral(" AND "));
}

// The checks of a postal plan: a raison sociale on the postal index's own
// sort key (the same folded text), the others on the folded copy's content
// table, which *content says is needed.
QString postalCheckSql(const QList<Clause> &checks, QVariantList *args, bool *content)
{
    QStringList parts;
    *content = false;
    for (const Clause &clause : checks) {
        if (clause.column == QLatin1String("raison_sociale")) {
            parts << QStringLiteral("s.sort_key GLOB ?");
        } else {
            parts << QStringLiteral("%1 GLOB ?").arg(contentColumn(clause.column));
            *content = true;
        }
        *args << clause.pattern;
    }
    return parts.join(QStringLiteral(" AND "));
}

QString keyedIndex(const Clause &clause)
{
    return clause.column == QLatin1String("ville") ? QStringLiteral("structures_search_ville_exact")
                                                   : QStringLiteral("structures_search_libelle_exact");
}

// The ids of every hit of a MATCH or keyed plan, as one SELECT.
QString sqliteHitsSql(const SqlitePlan &plan, QVariantList *args)
{
    if (plan.keyed) {
        const QString condition = keyedCondition(*plan.keyed, contentColumn(plan.keyed->column), args);
        return QStringLiteral("SELECT c.id FROM structures_search_content c INDEXED BY %1 WHERE %2")
            .arg(keyedIndex(*plan.keyed), joined({ condition, checkSql(plan.checks, args) }));
    }
    args->append(plan.match);
    const QString checks = checkSql(plan.checks, args);
    return checks.isEmpty()
        ? QStringLiteral("SELECT rowid AS id FROM structures_search WHERE structures_search MATCH ?")
        : QStringLiteral(
              "SELECT f.rowid AS id FROM structures_search f CROSS JOIN structures_search_content c "
              "ON c.id = f.rowid WHERE structures_search MATCH ? AND %1")
              .arg(checks);
}

qint64 narrowCandidates(); // with the other thresholds below

// FTS5 evaluates a phrase, and an AND of phrases, by reading the whole list
// of every trigram in them: « chevalier » AND « boucherie » reads 14 lists,
// some of them in a third of the names (« rie », « che »), to find 646 rows.
// One rare trigram per phrase finds a superset of those rows from short
// lists (« hev » AND « uch »: the same 646 rows, about 30 times faster), and
// every criterion is then checked on each candidate's folded copy. How rare
// each trigram is comes from a window of the table (a range of rowids, which
// FTS5 seeks to); the narrowed MATCH is kept only when it has few candidates.
constexpr qint64 estimateWindowRows = 4000;
constexpr qint64 checkCost = 200;
constexpr qsizetype maxTrigramsPerPhrase = 12;

// Where the data of this connection stands: total_changes() counts its own
// writes, data_version moves with other connections' commits.
std::pair<qint64, qint64> dataState(const Database &db)
{
    const auto row = db.row(
        QStringLiteral("SELECT total_changes() AS c, (SELECT data_version FROM pragma_data_version) AS v"));
    return { row ? row->value(QStringLiteral("c")).toLongLong() : -1,
             row ? row->value(QStringLiteral("v")).toLongLong() : -1 };
}

// The trigram estimates of narrowSqlitePlan, kept while nothing is written:
// the window's counts are the same for every search until then, and asking
// them again cost ~0.2 ms of CPU per trigram (a seek in every FTS segment),
// ~1.5 ms for a common word. They only steer the plan: a stale one would
// cost time, never a row.
struct TrigramEstimates
{
    QString connection;
    QString database;
    std::pair<qint64, qint64> state;
    qint64 last = 0; // MAX(id) when they were taken: the window is its middle
    QHash<QString, qint64> counts; // "column : \"trigram\"" -> rows of the window
};

thread_local std::optional<TrigramEstimates> t_trigramEstimates;
// Trigrams kept at most (a few kilobytes): past it, the estimates start over.
constexpr qsizetype maxKeptEstimates = 4096;

void narrowSqlitePlan(const Database &db, SqlitePlan *plan, const QList<Clause> &list)
{
    if (plan->match.isEmpty() || plan->keyed || plan->postal || plan->siretPrefix)
        return;
    struct Phrase
    {
        QString column;
        QStringList trigrams;
    };
    QList<Phrase> phrases;
    bool worth = false;
    for (const auto &[column, text] : plan->phrases) {
        const QList<uint> points = text.toUcs4();
        Phrase phrase { column, {} };
        // Each estimate seeks every FTS segment: a long phrase's trigrams are
        // sampled evenly, its first and last among them.
        const qsizetype available = points.size() - 2;
        const qsizetype step = available > maxTrigramsPerPhrase
            ? (available + maxTrigramsPerPhrase - 1) / maxTrigramsPerPhrase
            : 1;
        for (qsizetype i = 0; i < available; i += step) {
            const qsizetype at = std::min(i, available - 1);
            const QString trigram
                = QString::fromUcs4(reinterpret_cast<const char32_t *>(points.constData() + at), 3);
            if (!phrase.trigrams.contains(trigram))
                phrase.trigrams << trigram;
        }
        // A phrase of one trigram is already its own shortest list.
        worth = worth || phrase.trigrams.size() > 1;
        phrases << phrase;
    }
    if (!worth)
        return;
    const auto state = dataState(db);
    const QString connection = db.connection().connectionName();
    const QString database = db.connection().databaseName();
    if (!t_trigramEstimates || t_trigramEstimates->state != state
        || t_trigramEstimates->connection != connection || t_trigramEstimates->database != database
        || t_trigramEstimates->counts.size() > maxKeptEstimates) {
        t_trigramEstimates
            = TrigramEstimates { connection,
                                 database,
                                 state,
                                 db.value(QStringLiteral("SELECT MAX(id) FROM structures")).toLongLong(),
                                 {} };
    }
    QHash<QString, qint64> &known = t_trigramEstimates->counts;
    const qint64 last = t_trigramEstimates->last;
    const qint64 from = std::max<qint64>(0, last / 2 - estimateWindowRows / 2);
    const qint64 to = from + estimateWindowRows;
    // The trigrams not estimated yet, in one statement.
    QStringList counts;
    QStringList asked;
    QVariantList args;
    for (const Phrase &phrase : phrases) {
        for (const QString &trigram : phrase.trigrams) {
            const QString term = QStringLiteral("%1 : %2").arg(phrase.column, ftsPhrase(trigram));
            if (known.contains(term) || asked.contains(term))
                continue;
            counts << QStringLiteral(
                "(SELECT COUNT(*) FROM structures_search WHERE structures_search MATCH ? "
                "AND rowid >= ? AND rowid < ?)");
            args << term << from << to;
            asked << term;
        }
    }
    if (!asked.isEmpty()) {
        QSqlQuery estimates
            = db.exec(QStringLiteral("SELECT %1").arg(counts.join(QStringLiteral(", "))), args);
        if (!estimates.next())
            return;
        for (int i = 0; i < asked.size(); ++i)
            known.insert(asked.at(i), estimates.value(i).toLongLong());
    }
    QStringList terms;
    qint64 fewest = std::numeric_limits<qint64>::max();
    // List entries the phrases read, and those the narrowed MATCH reads (in
    // the window: the same scale).
    qint64 allLists = 0;
    qint64 narrowLists = 0;
    for (const Phrase &phrase : phrases) {
        QString rarest;
        qint64 rarestCount = std::numeric_limits<qint64>::max();
        for (const QString &trigram : phrase.trigrams) {
            const qint64 n = known.value(QStringLiteral("%1 : %2").arg(phrase.column, ftsPhrase(trigram)));
            allLists += n;
            if (n < rarestCount) {
                rarest = trigram;
                rarestCount = n;
            }
        }
        terms << QStringLiteral("%1 : %2").arg(phrase.column, ftsPhrase(rarest));
        fewest = std::min(fewest, rarestCount);
        narrowLists += rarestCount;
    }
    const qint64 windowRows = std::max<qint64>(1, std::min(to, last + 1) - from);
    const auto scaled = [&](qint64 n) { return n * std::max<qint64>(last, 1) / windowRows; };
    // Checking a candidate's folded copy costs about what reading 200 list
    // entries does (measured on the 1M-row bench); the narrowed MATCH must
    // save more than its candidates cost. One phrase: its rarest trigram's
    // rows are the candidates, so the window already says.
    const qint64 saved = scaled(allLists - narrowLists);
    if (phrases.size() == 1 && (scaled(fewest) >= narrowCandidates() || saved < checkCost * scaled(fewest)))
        return;
    terms.removeDuplicates();
    const QString narrow = terms.join(QStringLiteral(" AND "));
    const qint64 candidates
        = db.value(QStringLiteral("SELECT COUNT(*) FROM (SELECT rowid FROM structures_search WHERE "
                                  "structures_search MATCH ? LIMIT ?) x"),
                   { narrow, narrowCandidates() })
              .toLongLong();
    if (candidates >= narrowCandidates() || saved < checkCost * candidates)
        return;
    plan->match = narrow;
    plan->checks = list;
}

// A count and the page shown with it run the same hits query (a MATCH or a
// keyed range): the first of the two leaves what it read here, and the other
// takes it once, if nothing was written since (total_changes() counts this
// connection's writes, data_version moves with other connections' commits).
// Not a cache: a second count, or a page after a page, reads again.
struct SharedHits
{
    enum class By { Count, Page };
    By by = By::Count;
    QString connection;
    QString sql;
    QVariantList args;
    qint64 changes = 0;
    qint64 version = 0;
    qint64 found = 0; // hits read
    bool complete = false; // found is every hit
    QString ids; // their ids, comma-separated, when complete
    // The narrowing decided for this MATCH (narrowSqlitePlan): the other of
    // the two takes it without estimating again.
    QString phraseMatch;
    QString narrowMatch; // empty: the phrases themselves
};

thread_local std::optional<SharedHits> t_sharedHits;

std::optional<SharedHits> takeSharedHits(const Database &db, SharedHits::By by, const QString &sql,
                                         const QVariantList &args)
{
    if (!t_sharedHits)
        return std::nullopt;
    SharedHits hits = std::move(*t_sharedHits);
    t_sharedHits.reset();
    if (hits.by == by || hits.sql != sql || hits.args != args
        || hits.connection != db.connection().connectionName())
        return std::nullopt;
    if (dataState(db) != std::make_pair(hits.changes, hits.version))
        return std::nullopt;
    return hits;
}

void leaveSharedHits(const Database &db, SharedHits::By by, const SqlitePlan &plan, const QString &sql,
                     const QVariantList &args, qint64 found, bool complete, const QString &ids)
{
    const auto [changes, version] = dataState(db);
    t_sharedHits = SharedHits { by,
                                db.connection().connectionName(),
                                sql,
                                args,
                                changes,
                                version,
                                found,
                                complete,
                                complete ? ids : QString(),
                                plan.phraseMatch,
                                plan.match == plan.phraseMatch ? QString() : plan.match };
}

// narrowSqlitePlan, or the decision the count (or page) just before took for
// the same phrases: a narrowed MATCH finds the same rows whatever was
// written since, so only its speed could have changed.
void chooseSqliteMatch(const Database &db, SqlitePlan *plan, const QList<Clause> &list, SharedHits::By by)
{
    if (plan->match.isEmpty())
        return;
    if (t_sharedHits && t_sharedHits->by != by && t_sharedHits->phraseMatch == plan->match
        && t_sharedHits->connection == db.connection().connectionName()) {
        if (!t_sharedHits->narrowMatch.isEmpty()) {
            plan->match = t_sharedHits->narrowMatch;
            plan->checks = list;
        }
        return;
    }
    narrowSqlitePlan(db, plan, list);
}

// Counts the hits, at most `bound` of them (0: all), with their ids when
// fewer than the bound: one pass for the count and the page's hits.
std::pair<qint64, QString> hitsAndIds(const Database &db, const QString &hits, QVariantList args,
                                      qint64 bound)
{
    const QString limited = bound > 0 ? hits + QStringLiteral(" LIMIT ?") : hits;
    if (bound > 0)
        args << bound;
    const auto row = db.row(
        QStringLiteral("SELECT COUNT(*) AS n, group_concat(id) AS ids FROM (%1) x").arg(limited), args);
    if (!row)
        return { 0, QString() };
    return { row->value(QStringLiteral("n")).toLongLong(), row->value(QStringLiteral("ids")).toString() };
}

// Fewer hits than this: a page sorts them; more: a page walks the sort key
// index and checks each row, which finds 50 hits within 50 × (N / hits) rows.
// The two cost the same near the square root of 1.5 × 50 × N (~9,000 hits
// for N = 1,000,000); the threshold is in that region.
// Tests divide these limits (setPlanScaleForTests) so that a few hundred rows
// take every plan.
int s_planScale = 1;
constexpr qint64 sortThresholdRows = 6000;
// The same when the walk reads the sort key index alone, about ten times
// cheaper per row (raison sociale criteria only).
constexpr qint64 nameSortThresholdRows = 2000;
// Rows of the sort key index a page walks before it gives up and sorts the
// hits instead (their density may be lower where the cursor is).
constexpr int walkRowsDefault = 25000;
// The same when the walk reads the sort key index alone (raison sociale criteria only).
constexpr int nameWalkRowsDefault = 100000;
// Rows of the content table a bounded count of a short pattern (no trigram)
// reads before it answers with what it found so far.
constexpr int scanRows = 120000;

// PostgreSQL: the plan is chosen here as on SQLite (docs/PERFORMANCE.md,
// « 25-query mix »): left to itself, the planner walks the sort key index
// when it expects dense hits and takes seconds when they sit far along it.

// pg_trgm builds its whole bitmap before the first row, so a common pattern
// costs 50-150 ms however few rows are read: a page and its count avoid the
// trigram index when a sample of the table says the hits are dense.
// Rows of structures_search (physical order) a search samples to judge how
// dense its hits are.
constexpr int pgSampleRowsDefault = 2000;
// Rows a bounded count samples (PostgreSQL: the folded copies in physical
// order; SQLite, for a pattern without a trigram: the first rows its scan
// reads): a common pattern's count is the hits found there (a lower bound),
// a rare one's the trigram index's (or the longer scan's).
constexpr int countSampleRowsDefault = 10000;
// Hits in the count's sample from which the sample's hits are the count
// (1 % of the table or more: the exact count follows, Structures::count).
constexpr int denseCountHitsDefault = 100;
// Rows of the sort key index a page walks (index alone for a raison sociale,
// each row's folded copy looked up otherwise) before the hits are sorted.
constexpr int pgNameWalkRowsDefault = 20000;
constexpr int pgWalkRowsDefault = 5000;

qint64 sortThreshold()
{
    return sortThresholdRows / s_planScale;
}
// Candidates of a narrowed MATCH (narrowSqlitePlan) checked at most.
constexpr qint64 narrowCandidatesRows = 3000;
qint64 narrowCandidates()
{
    return narrowCandidatesRows / s_planScale;
}
qint64 nameSortThreshold()
{
    return nameSortThresholdRows / s_planScale;
}
int walkRows()
{
    return walkRowsDefault / s_planScale;
}
int nameWalkRows()
{
    return nameWalkRowsDefault / s_planScale;
}
int pgScaled(int rows)
{
    return std::max(1, rows / s_planScale);
}

bool isPostal(const Clause &clause)
{
    return clause.column == QLatin1String("code_postal") && !clause.pattern.isEmpty()
        && std::all_of(clause.pattern.cbegin(), clause.pattern.cend(), [](QChar c) { return c.isDigit(); });
}

// Whether pg_trgm's index can serve the clause: a literal run of three
// characters or more.
bool hasTrigram(const Clause &clause)
{
    return std::any_of(clause.runs.cbegin(), clause.runs.cend(),
                       [](const QString &run) { return run.toUcs4().size() >= 3; });
}

// A folded text as a LIKE literal (its wildcards escaped).
QString pgLikeLiteral(const QString &text)
{
    QString escaped;
    for (const QChar c : text) {
        if (c == QLatin1Char('%') || c == QLatin1Char('_') || c == QLatin1Char('\\'))
            escaped += QLatin1Char('\\');
        escaped += c;
    }
    return escaped;
}

// The two longest words (three characters or more) of a clause whose
// literal text has more words than that, longest first; else nothing.
QStringList pgIndexWords(const Clause &clause)
{
    QStringList words;
    for (const QString &run : clause.runs)
        words += run.split(QLatin1Char(' '), Qt::SkipEmptyParts);
    if (words.size() <= 2)
        return {};
    std::stable_sort(words.begin(), words.end(), [](const QString &a, const QString &b) {
        return a.toUcs4().size() > b.toUcs4().size();
    });
    words = words.mid(0, 2);
    if (words.last().toUcs4().size() < 3)
        return {};
    return words;
}

// "f.column LIKE ?" for each clause, a raison sociale on the sort key (the
// same folded text, in the structures row) when `onSortKey`.
QString pgLikes(const QList<Clause> &list, bool onSortKey, QVariantList *args)
{
    QStringList parts;
    for (const Clause &clause : list) {
        // A pattern without a trigram is written so that pg_trgm's index
        // cannot serve it: its « full index scan » reads every posting list.
        if (onSortKey && clause.column == QLatin1String("raison_sociale"))
            parts << QStringLiteral("s.sort_key LIKE ?");
        else if (!hasTrigram(clause))
            parts << QStringLiteral("(f.%1 || '') LIKE ?").arg(clause.column);
        else if (const QStringList words = pgIndexWords(clause); !words.isEmpty()) {
            // A phrase of several words: the index is asked for its two
            // longest words (« et », « fils » are in a quarter of the names,
            // and their posting lists cost more than they narrow), the
            // phrase checked on the rows found.
            for (const QString &word : words) {
                parts << QStringLiteral("f.%1 LIKE ?").arg(clause.column);
                *args << QStringLiteral("%") + pgLikeLiteral(word) + QStringLiteral("%");
            }
            parts << QStringLiteral("(f.%1 || '') LIKE ?").arg(clause.column);
        } else
            parts << QStringLiteral("f.%1 LIKE ?").arg(clause.column);
        *args << clause.pattern;
    }
    return parts.join(QStringLiteral(" AND "));
}

// The folded raison sociale of structures_search in the sort key's order
// (COLLATE "C", as structures.sort_key): it is the sort key itself.
const QString pgFoldedKey = QStringLiteral("(f.raison_sociale COLLATE \"C\")");

// The keyset condition of a PostgreSQL plan: the rows after the cursor in
// (key, id) order, which an index on those two serves as a range. Empty
// without a cursor.
QString pgAfter(const QString &key, const QString &id, const std::optional<StructureCursor> &after,
                QVariantList *args)
{
    if (!after)
        return {};
    *args << after->sortKey << after->id;
    return QStringLiteral("(%1, %2) > (?, ?)").arg(key, id);
}

// The same on the structures table (its (sort_key, id) index).
QString pgAfterSortKey(const std::optional<StructureCursor> &after, QVariantList *args)
{
    return pgAfter(QStringLiteral("s.sort_key"), QStringLiteral("s.id"), after, args);
}

struct PgPlan
{
    // Only a raison sociale prefix: a range of the sort key index.
    std::optional<Clause> namePrefix;
    // An exact postal code: the (code_postal, sort_key, id) index.
    std::optional<Clause> postal;
    // An exact city or libellé: its (column, raison sociale, rowid) index
    // (migration 0011), in the search's order.
    std::optional<Clause> keyed;
    // A city or libellé prefix of three characters or more (`saint*`): a
    // range of the same index, whose hits are then sorted (pgKeyedRange).
    std::optional<Clause> keyedPrefix;
    // The clauses the chosen index does not decide.
    QList<Clause> rest;
};

// Whether the database compares text in code point order (C, POSIX,
// C.UTF-8): only then does the index range [prefix, prefixEnd) of a column
// in the database's collation hold exactly the texts that start with the
// prefix (a linguistic collation may order « sain-x » after « sain. »).
// Asked once per connection and database.
bool pgBinaryCollation(const Database &db)
{
    thread_local QHash<QString, bool> known;
    const QString key = db.connection().connectionName() + QLatin1Char('\n') + db.connection().hostName()
        + QLatin1Char(':') + QString::number(db.connection().port()) + QLatin1Char('/')
        + db.connection().databaseName();
    if (const auto found = known.constFind(key); found != known.cend())
        return *found;
    const QString collation
        = db.value(QStringLiteral("SELECT datcollate FROM pg_database WHERE datname = current_database()"))
              .toString();
    const bool binary = collation == QLatin1String("C") || collation == QLatin1String("POSIX")
        || collation.compare(QLatin1String("C.UTF-8"), Qt::CaseInsensitive) == 0
        || collation.compare(QLatin1String("C.utf8"), Qt::CaseInsensitive) == 0;
    if (known.size() > 64)
        known.clear();
    known.insert(key, binary);
    return binary;
}

PgPlan pgPlan(const Database &db, const QList<Clause> &list)
{
    PgPlan plan;
    if (list.size() == 1 && list.first().column == QLatin1String("raison_sociale")
        && isPrefix(list.first())) {
        plan.namePrefix = list.first();
        return plan;
    }
    const auto postal = std::find_if(list.cbegin(), list.cend(), isPostal);
    const auto keyed = std::find_if(list.cbegin(), list.cend(), [](const Clause &clause) {
        return (clause.column == QLatin1String("ville") || clause.column == QLatin1String("libelle"))
            && isExact(clause);
    });
    const auto chosen = postal != list.cend() ? postal : keyed;
    if (chosen != list.cend()) {
        (postal != list.cend() ? plan.postal : plan.keyed) = *chosen;
        for (const Clause &clause : list) {
            if (&clause != &*chosen)
                plan.rest << clause;
        }
        return plan;
    }
    const auto keyedPrefix = std::find_if(list.cbegin(), list.cend(), [](const Clause &clause) {
        return (clause.column == QLatin1String("ville") || clause.column == QLatin1String("libelle"))
            && isPrefix(clause) && clause.runs.first().toUcs4().size() >= 3;
    });
    if (keyedPrefix != list.cend() && pgBinaryCollation(db)) {
        plan.keyedPrefix = *keyedPrefix;
        for (const Clause &clause : list) {
            if (&clause != &*keyedPrefix)
                plan.rest << clause;
        }
        return plan;
    }
    plan.rest = list;
    return plan;
}

// The sort key range of a raison sociale prefix (COLLATE "C": binary order),
// and its LIKE only when the range has no upper end: a range with one holds
// exactly the prefix's keys, and the LIKE besides made the planner count the
// condition twice (17 rows expected of 15,000 for « menuis* ») and sort every
// row of the range rather than read the first 50 in order.
QString pgPrefixRange(const Clause &clause, QVariantList *args)
{
    const QString range = keyedCondition(clause, QStringLiteral("s.sort_key"), args);
    if (!prefixEnd(clause.runs.first()).isEmpty())
        return range;
    const QString like = pgLikes({ clause }, true, args);
    return joined({ range, like });
}

// What a sample of structures_search found: the rows read (fewer than asked:
// the whole table) and the hits among them.
struct PgSample
{
    qint64 rows = 0;
    qint64 hits = 0;
};

// The first `rows` folded copies in the table's physical order (the same
// pages every time, so they stay cached), each checked against every clause
// without an index.
PgSample pgSample(const Database &db, const QList<Clause> &list, int rows)
{
    QVariantList args;
    QStringList checks;
    for (const Clause &clause : list) {
        checks << QStringLiteral("(f.%1 || '') LIKE ?").arg(clause.column);
        args << clause.pattern;
    }
    args << rows;
    const auto row = db.row(QStringLiteral("SELECT COUNT(*) AS n, COUNT(*) FILTER (WHERE %1) AS hits FROM "
                                           "(SELECT * FROM structures_search LIMIT ?) f")
                                .arg(checks.join(QStringLiteral(" AND "))),
                            args);
    if (!row)
        return {};
    return { row->value(QStringLiteral("n")).toLongLong(), row->value(QStringLiteral("hits")).toLongLong() };
}

// The page read by walking the sort key index from the cursor, each row
// checked (a raison sociale on the sort key itself, the other columns on the
// folded copy, looked up by a subquery per row so that no trigram bitmap is
// built). `rows` bounds the walk (0: none); nothing when the walk ended
// before the page was full (the hits are then sorted instead).
std::optional<QList<StructureRow>> pgWalk(const Database &db, const QList<Clause> &list,
                                          const std::optional<StructureCursor> &after, int offset, int limit,
                                          int rows)
{
    QVariantList args;
    const QString from = joined({ pgAfterSortKey(after, &args) });
    if (rows > 0)
        args << rows;
    QStringList checks;
    QStringList others;
    QVariantList otherArgs;
    for (const Clause &clause : list) {
        if (clause.column == QLatin1String("raison_sociale")) {
            checks << QStringLiteral("(w.sort_key || '') LIKE ?");
            args << clause.pattern;
        } else {
            others << QStringLiteral("(f.%1 || '') LIKE ?").arg(clause.column);
            otherArgs << clause.pattern;
        }
    }
    if (!others.isEmpty()) {
        checks << QStringLiteral("(SELECT %1 FROM structures_search f WHERE f.rowid = w.id)")
                      .arg(others.join(QStringLiteral(" AND ")));
        args += otherArgs;
    }
    args << limit << offset;
    const QList<StructureRow> found = readRows(
        db,
        QStringLiteral(
            "WITH page AS MATERIALIZED (SELECT w.sort_key, w.id FROM (SELECT s.sort_key, s.id FROM "
            "structures s WHERE %1 ORDER BY s.sort_key, s.id%2) w WHERE %3 ORDER BY w.sort_key, "
            "w.id LIMIT ? OFFSET ?) SELECT %4 FROM page p JOIN structures s ON s.id = p.id ORDER BY "
            "s.sort_key, s.id")
            .arg(from, rows > 0 ? QStringLiteral(" LIMIT ?") : QString(), joined(checks), selectColumns),
        args);
    if (rows > 0 && found.size() < limit)
        return std::nullopt;
    return found;
}

// The hits of a keyed prefix plan as (id, k): the range of the column's
// (column, raison sociale, rowid) index, the prefix and the other criteria
// checked on each entry (a raison sociale on the index's own key, so that
// most rows are rejected without reading the table; `|| ''` keeps the
// trigram indexes out, as the range already bounds the rows read).
QString pgKeyedRangeHits(const PgPlan &plan, QVariantList *args)
{
    const Clause &prefix = *plan.keyedPrefix;
    QStringList parts { keyedCondition(prefix, QStringLiteral("f.%1").arg(prefix.column), args),
                        QStringLiteral("(f.%1 || '') LIKE ?").arg(prefix.column) };
    *args << prefix.pattern;
    for (const Clause &clause : plan.rest) {
        parts << (clause.column == QLatin1String("raison_sociale")
                      ? QStringLiteral("%1 LIKE ?").arg(pgFoldedKey)
                      : QStringLiteral("(f.%1 || '') LIKE ?").arg(clause.column));
        *args << clause.pattern;
    }
    return QStringLiteral("SELECT f.rowid AS id, %1 AS k FROM structures_search f WHERE %2")
        .arg(pgFoldedKey, parts.join(QStringLiteral(" AND ")));
}

// The page of `hits` (a SELECT of id and k, the sort key), sorted; only its
// rows are read from structures.
QList<StructureRow> pgPageFromHits(const Database &db, const QString &hits, QVariantList args,
                                   const std::optional<StructureCursor> &after, int offset, int limit)
{
    const QString where = joined({ pgAfter(QStringLiteral("h.k"), QStringLiteral("h.id"), after, &args) });
    args << limit << offset;
    return readRows(
        db,
        QStringLiteral("WITH page AS MATERIALIZED (SELECT h.id FROM (%1) h WHERE %2 ORDER BY h.k, "
                       "h.id LIMIT ? OFFSET ?) SELECT %3 FROM page p JOIN structures s ON s.id = "
                       "p.id ORDER BY s.sort_key, s.id")
            .arg(hits, where, selectColumns),
        args);
}

// The page of `hits` and their count in one statement, the hits read once
// (at most `bound`); nothing when there are `bound` hits or more (the page
// then needs every hit).
std::optional<StructureSearchPage> pgPageAndCountFromHits(const Database &db, const QString &hits,
                                                          QVariantList args,
                                                          const std::optional<StructureCursor> &after,
                                                          int offset, int limit, qint64 bound)
{
    args << bound;
    const QString from = joined({ pgAfter(QStringLiteral("h.k"), QStringLiteral("h.id"), after, &args) });
    args << limit << offset;
    QSqlQuery query = db.exec(
        QStringLiteral("WITH hits AS MATERIALIZED (%1 LIMIT ?), page AS (SELECT h.id, h.k FROM hits h WHERE "
                       "%2 ORDER BY h.k, h.id LIMIT ? OFFSET ?) SELECT %3, c.n FROM (SELECT COUNT(*) AS n "
                       "FROM hits) c LEFT JOIN (page p JOIN structures s ON s.id = p.id) ON TRUE ORDER BY "
                       "s.sort_key, s.id")
            .arg(hits, from, selectColumns),
        args);
    StructureSearchPage result;
    qint64 n = 0;
    while (query.next()) {
        n = query.value(10).toLongLong();
        if (!query.value(0).isNull())
            result.rows.append(rowFromQuery(query));
    }
    if (n >= bound)
        return std::nullopt;
    result.count = { n, true };
    return result;
}

// The hits of pgLikes' conditions as (id, k), from the folded copies.
QString pgTrigramHits(const QString &likes)
{
    return QStringLiteral("SELECT f.rowid AS id, %1 AS k FROM structures_search f WHERE %2")
        .arg(pgFoldedKey, likes);
}

// The page from every hit of the folded copies (the trigram index when a
// clause has a trigram, else a scan), sorted on the folded raison sociale,
// which is the sort key: the 50 rows are chosen without reading the
// structures table.
QList<StructureRow> pgSortedHits(const Database &db, const QList<Clause> &list,
                                 const std::optional<StructureCursor> &after, int offset, int limit)
{
    QVariantList args;
    const QString likes = pgLikes(list, false, &args);
    return pgPageFromHits(db, pgTrigramHits(likes), args, after, offset, limit);
}

// `known`: a sample already taken of these clauses (searchWithCount's, for
// its count), which then says how dense the hits are.
QList<StructureRow> pgSearch(const Database &db, const QList<Clause> &list,
                             const std::optional<StructureCursor> &after, int offset, int limit,
                             const PgSample *known = nullptr)
{
    const PgPlan plan = pgPlan(db, list);
    const QString order = QStringLiteral(" ORDER BY s.sort_key, s.id LIMIT ? OFFSET ?");
    if (plan.namePrefix) {
        QVariantList args;
        const QString range = pgPrefixRange(*plan.namePrefix, &args);
        const QString where = joined({ range, pgAfterSortKey(after, &args) });
        args << limit << offset;
        return readRows(
            db, QStringLiteral("SELECT %1 FROM structures s WHERE %2").arg(selectColumns, where) + order,
            args);
    }
    if (plan.postal) {
        QVariantList args { plan.postal->pattern };
        const bool join = std::any_of(plan.rest.cbegin(), plan.rest.cend(), [](const Clause &clause) {
            return clause.column != QLatin1String("raison_sociale");
        });
        const QString where = joined({ QStringLiteral("s.code_postal = ?"), pgLikes(plan.rest, true, &args),
                                       pgAfterSortKey(after, &args) });
        args << limit << offset;
        return readRows(
            db,
            QStringLiteral("SELECT %1 FROM structures s%2 WHERE %3")
                    .arg(selectColumns,
                         join ? QStringLiteral(" JOIN structures_search f ON f.rowid = s.id") : QString(),
                         where)
                + order,
            args);
    }
    if (plan.keyed) {
        // The index (column, raison sociale, rowid) from the cursor: the
        // folded raison sociale is the sort key.
        QVariantList args { plan.keyed->runs.first() };
        const QString equal = QStringLiteral("f.%1 = ?").arg(plan.keyed->column);
        const QString likes = pgLikes(plan.rest, false, &args);
        const QString where
            = joined({ equal, likes, pgAfter(pgFoldedKey, QStringLiteral("f.rowid"), after, &args) });
        args << limit << offset;
        return readRows(
            db,
            QStringLiteral("SELECT %1 FROM structures_search f JOIN structures s ON s.id = f.rowid "
                           "WHERE %2 ORDER BY %3, f.rowid LIMIT ? OFFSET ?")
                .arg(selectColumns, where, pgFoldedKey),
            args);
    }
    if (plan.keyedPrefix) {
        // The range holds several cities (or libellés), each in the search's
        // order: the hits are sorted (index entries, few read from the table).
        QVariantList args;
        const QString hits = pgKeyedRangeHits(plan, &args);
        return pgPageFromHits(db, hits, args, after, offset, limit);
    }
    // How dense the hits are, from a sample of the folded copies: dense hits
    // fill a page within a short walk of the sort key index, which reads no
    // trigram bitmap.
    const bool nameOnly = std::all_of(list.cbegin(), list.cend(), [](const Clause &clause) {
        return clause.column == QLatin1String("raison_sociale");
    });
    const int walkBudget = pgScaled(nameOnly ? pgNameWalkRowsDefault : pgWalkRowsDefault);
    const PgSample sample = known ? *known : pgSample(db, list, pgScaled(pgSampleRowsDefault));
    // Dense enough when the walk should meet twice the page's rows.
    const bool dense = sample.hits > 0 && sample.hits * qint64(walkBudget) >= 2 * qint64(limit) * sample.rows;
    if (dense) {
        // A deep page by offset (not keyset) walks as far as it needs.
        const std::optional<QList<StructureRow>> rows
            = pgWalk(db, list, after, offset, limit, offset > 0 ? 0 : walkBudget);
        if (rows)
            return *rows;
    }
    return pgSortedHits(db, list, after, offset, limit);
}

// `known`: the sample of countSampleRowsDefault rows already taken of these
// clauses (searchWithCount's).
StructureCount pgCountBounded(const Database &db, const QList<Clause> &list, qint64 bound,
                              const PgSample *known = nullptr)
{
    const auto bounded = [&](const QString &rowsSql, QVariantList args) {
        if (bound <= 0)
            return StructureCount {
                db.value(QStringLiteral("SELECT COUNT(*) FROM (%1) x").arg(rowsSql), args).toLongLong(), true
            };
        args << bound;
        const qint64 n
            = db.value(QStringLiteral("SELECT COUNT(*) FROM (%1 LIMIT ?) x").arg(rowsSql), args).toLongLong();
        return StructureCount { n, n < bound };
    };
    const PgPlan plan = pgPlan(db, list);
    QVariantList args;
    if (plan.namePrefix) {
        const QString where = pgPrefixRange(*plan.namePrefix, &args);
        return bounded(QStringLiteral("SELECT 1 FROM structures s WHERE %1").arg(where), args);
    }
    if (plan.postal) {
        args << plan.postal->pattern;
        const bool join = std::any_of(plan.rest.cbegin(), plan.rest.cend(), [](const Clause &clause) {
            return clause.column != QLatin1String("raison_sociale");
        });
        const QString where
            = joined({ QStringLiteral("s.code_postal = ?"), pgLikes(plan.rest, true, &args) });
        return bounded(
            QStringLiteral("SELECT 1 FROM structures s%1 WHERE %2")
                .arg(join ? QStringLiteral(" JOIN structures_search f ON f.rowid = s.id") : QString(), where),
            args);
    }
    if (plan.keyed) {
        args << plan.keyed->runs.first();
        const QString where = joined(
            { QStringLiteral("f.%1 = ?").arg(plan.keyed->column), pgLikes(plan.rest, false, &args) });
        return bounded(QStringLiteral("SELECT 1 FROM structures_search f WHERE %1").arg(where), args);
    }
    if (plan.keyedPrefix) {
        const QString hits = pgKeyedRangeHits(plan, &args);
        return bounded(hits, args);
    }
    if (bound > 0) {
        // A sample of the folded copies first: the whole table when it is
        // small (the count is exact), else, when the hits are common, the
        // hits it found are a lower bound that costs a few milliseconds,
        // where the trigram index's bitmap would cost 50-150 ms.
        const int sampleRows = pgScaled(countSampleRowsDefault);
        const PgSample sample = known ? *known : pgSample(db, list, sampleRows);
        if (sample.rows < sampleRows)
            return { sample.hits, true };
        if (sample.hits >= bound)
            return { bound, false };
        if (sample.hits >= pgScaled(denseCountHitsDefault))
            return { sample.hits, false };
    }
    const QString likes = pgLikes(list, false, &args);
    if (std::any_of(list.cbegin(), list.cend(), hasTrigram) || bound <= 0)
        return bounded(QStringLiteral("SELECT 1 FROM structures_search f WHERE %1").arg(likes), args);
    // Patterns shorter than a trigram: at most scanRows rows read, and a
    // lower bound when the scan did not reach the end.
    args << scanRows;
    const auto row = db.row(QStringLiteral("SELECT COUNT(*) AS n, COUNT(*) FILTER (WHERE hit) AS hits FROM "
                                           "(SELECT (%1) AS hit FROM structures_search f LIMIT ?) x")
                                .arg(likes),
                            args);
    const qint64 scanned = row ? row->value(QStringLiteral("n")).toLongLong() : 0;
    const qint64 found = row ? row->value(QStringLiteral("hits")).toLongLong() : 0;
    if (scanned < scanRows)
        return { found, true };
    return { std::min(found, bound), false };
}

// A rare pattern's page and count from one trigram bitmap: the hits (at
// most `bound`) are taken once, counted, and the page sorted from them.
// Nothing when another plan serves them better (common hits, as `sample`
// of countSampleRowsDefault rows says; no trigram) or when there are
// `bound` hits or more (the page then needs every hit).
std::optional<StructureSearchPage> pgSearchWithCount(const Database &db, const QList<Clause> &list,
                                                     const std::optional<StructureCursor> &after, int offset,
                                                     int limit, qint64 bound, const PgSample &sample)
{
    if (!std::any_of(list.cbegin(), list.cend(), hasTrigram) || sample.rows < pgScaled(countSampleRowsDefault)
        || sample.hits >= pgScaled(denseCountHitsDefault))
        return std::nullopt;
    QVariantList args;
    const QString likes = pgLikes(list, false, &args);
    return pgPageAndCountFromHits(db, pgTrigramHits(likes), args, after, offset, limit, bound);
}

} // namespace

QList<StructureRow> StructureStore::search(const StructureCriteria &criteria,
                                           const std::optional<StructureCursor> &after, int offset,
                                           int limit) const
{
    const Database &db = m_db;
    // Each statement planned for its pattern and bounds (a prefix range, a
    // rare trigram), not a generic plan.
    const Database::CustomPlans customPlans(db);
    const bool postgres = db.isPostgres();
    bool matchAll = false;
    const QList<Clause> list = clauses(criteria, postgres, &matchAll);
    if ((list.isEmpty() && !matchAll) || limit <= 0)
        return {};
    offset = std::max(0, offset);
    const QString order = QStringLiteral(" ORDER BY s.sort_key, s.id LIMIT ? OFFSET ?");
    if (list.isEmpty()) {
        // « * »: every structure, straight from the sort key index.
        QVariantList args;
        const QString where = joined({ afterCondition(after, &args) });
        args << limit << offset;
        return readRows(
            db, QStringLiteral("SELECT %1 FROM structures s WHERE %2").arg(selectColumns, where) + order,
            args);
    }
    if (postgres)
        return pgSearch(db, list, after, offset, limit);

    // SQLite has no statistics on FTS hits: the plan is chosen here, from what
    // serves each criterion and, for patterns, from how many rows match.
    SqlitePlan plan = sqlitePlan(list);
    if (plan.siretPrefix) {
        // SIRETs are stored as digits only: GLOB 'digits*' is a range of the index.
        QVariantList args { list.first().pattern };
        const QString where = joined({ QStringLiteral("s.siret GLOB ?"), afterCondition(after, &args) });
        args << limit << offset;
        return readRows(
            db, QStringLiteral("SELECT %1 FROM structures s WHERE %2").arg(selectColumns, where) + order,
            args);
    }
    if (plan.postal) {
        QVariantList args { plan.postal->pattern };
        bool content = false;
        const QString where
            = joined({ QStringLiteral("s.code_postal = ?"), postalCheckSql(plan.checks, &args, &content),
                       afterCondition(after, &args) });
        args << limit << offset;
        return readRows(
            db,
            QStringLiteral("SELECT %1 FROM structures s INDEXED BY structures_code_postal%2 WHERE %3")
                    .arg(selectColumns,
                         content ? QStringLiteral(" CROSS JOIN structures_search_content c ON c.id = s.id")
                                 : QString(),
                         where)
                + order,
            args);
    }

    if (plan.keyed && isExact(*plan.keyed)) {
        // An exact city or libellé: its index (cK, c0) holds its rows in the
        // search's order, as c0, the folded raison sociale, is the sort key
        // (both structureSortKey; migration 0011 aligned older rows). The
        // page is the index from the cursor, the other criteria checked on
        // the way (a raison sociale on the index itself).
        QVariantList args;
        QStringList parts { keyedCondition(*plan.keyed, contentColumn(plan.keyed->column), &args),
                            checkSql(plan.checks, &args) };
        if (after) {
            parts << QStringLiteral("(c.c0, c.id) > (?, ?)");
            args << after->sortKey << after->id;
        }
        args << limit << offset;
        return readRows(db,
                        QStringLiteral("SELECT %1 FROM structures_search_content c INDEXED BY %2 CROSS JOIN "
                                       "structures s ON s.id = c.id WHERE %3 ORDER BY c.c0, c.id LIMIT ? "
                                       "OFFSET ?")
                            .arg(selectColumns, keyedIndex(*plan.keyed), joined(parts)),
                        args);
    }

    // The hits sorted: taken from the trigram index when there is a trigram,
    // else from a scan of the folded copies (patterns of one or two characters
    // that the walk below did not satisfy: rare ones).
    const auto sortedHits = [&] {
        QVariantList args;
        QString hits;
        if (!plan.match.isEmpty() || plan.keyed) {
            hits = sqliteHitsSql(plan, &args);
        } else {
            hits = QStringLiteral("SELECT c.id FROM structures_search_content c WHERE %1")
                       .arg(checkSql(plan.checks, &args));
        }
        const QString where
            = joined({ QStringLiteral("s.id IN (%1)").arg(hits), afterCondition(after, &args) });
        args << limit << offset;
        // NOT INDEXED: the hits by rowid, then sorted; walking the sort key
        // index instead is the other plan, chosen above when it pays.
        return readRows(
            db,
            QStringLiteral("SELECT %1 FROM structures s NOT INDEXED WHERE %2").arg(selectColumns, where)
                + order,
            args);
    };
    // The walk: the sort key index in order from the cursor, each row's folded
    // copy checked by rowid in the FTS table's content shadow table (a plain
    // b-tree lookup), so the page comes without a sort. `rows` bounds the
    // stretch walked (0: no bound).
    // The raison sociale criterion is checked on the sort key itself (the
    // same folded text as the search copy): a walk that checks nothing else
    // reads only the (sort_key, id) index, several times cheaper per row.
    const bool nameOnly = std::all_of(list.cbegin(), list.cend(), [](const Clause &clause) {
        return clause.column == QLatin1String("raison_sociale");
    });
    const QString walkFrom = nameOnly
        ? QStringLiteral("structures s INDEXED BY structures_sort_key")
        : QStringLiteral("structures s INDEXED BY structures_sort_key CROSS JOIN "
                         "structures_search_content c ON c.id = s.id");
    const auto walk = [&](int rows) {
        QVariantList args;
        QStringList parts;
        for (const Clause &clause : list) {
            parts << (clause.column == QLatin1String("raison_sociale")
                          ? QStringLiteral("s.sort_key GLOB ?")
                          : QStringLiteral("%1 GLOB ?").arg(contentColumn(clause.column)));
            args << clause.pattern;
        }
        parts << afterCondition(after, &args);
        std::optional<QVariantMap> boundary;
        if (rows > 0) {
            // The stretch ends at the key found `rows` rows in; bounding the
            // index range (rather than LIMITing a subquery) keeps the rows in
            // index order, so SQLite stops at the page's last row without a sort.
            QVariantList boundArgs;
            const QString from = joined({ afterCondition(after, &boundArgs) });
            boundArgs << rows;
            boundary = db.row(QStringLiteral("SELECT s.sort_key AS k, s.id AS i FROM structures s WHERE %1 "
                                             "ORDER BY s.sort_key, s.id LIMIT 1 OFFSET ?")
                                  .arg(from),
                              boundArgs);
            if (boundary) {
                parts << QStringLiteral("(s.sort_key, s.id) <= (?, ?)");
                args << boundary->value(QStringLiteral("k")) << boundary->value(QStringLiteral("i"));
            }
        }
        args << limit << offset;
        const QList<StructureRow> found = readRows(
            db,
            QStringLiteral("SELECT %1 FROM %2 WHERE %3").arg(selectColumns, walkFrom, joined(parts)) + order,
            args);
        // Complete when the page is full or the walk reached the end of the table.
        return std::make_pair(found, rows <= 0 || found.size() == limit || !boundary);
    };
    // How far a walk goes before the hits are sorted instead: farther when it
    // reads the index alone.
    const int budget = nameOnly ? nameWalkRows() : walkRows();

    if (nameOnly && list.size() == 1 && !list.first().leading) {
        // A raison sociale prefix (« menuis* »): a range of the sort key index,
        // in order already.
        return walk(0).first;
    }
    if (plan.match.isEmpty() && !plan.keyed) {
        // Patterns shorter than a trigram: most such patterns are common, and a
        // walk finds their page in a few thousand rows; rare ones are sorted
        // after a scan of the folded copies.
        // A walk of the index alone costs at most one pass over it.
        const auto [rows, complete] = walk(offset > 0 || nameOnly ? 0 : budget);
        return complete ? rows : sortedHits();
    }
    // The hits, up to a threshold, from the trigram index (which answers
    // quickly: its MATCH stops at the LIMIT). Fewer than the threshold: these
    // are all the hits, and the page is those ids sorted. More: they are dense
    // enough for a walk. The threshold is lower when the walk reads the index
    // alone.
    chooseSqliteMatch(db, &plan, list, SharedHits::By::Page);
    const qint64 threshold = nameOnly ? nameSortThreshold() : sortThreshold();
    QVariantList probeArgs;
    const QString hits = sqliteHitsSql(plan, &probeArgs);
    qint64 found = 0;
    QString ids;
    // The count shown with this page may have read the same hits just before.
    // One hit past the threshold: reading no more than it means these are all.
    const auto shared = takeSharedHits(db, SharedHits::By::Page, hits, probeArgs);
    if (shared && (shared->complete || shared->found > threshold)) {
        found = shared->complete ? shared->found : threshold + 1;
        ids = shared->ids;
    } else {
        std::tie(found, ids) = hitsAndIds(db, hits, probeArgs, threshold + 1);
        leaveSharedHits(db, SharedHits::By::Page, plan, hits, probeArgs, found, found <= threshold, ids);
    }
    if (found <= threshold) {
        // One parameter for all the ids (a JSON array): Qt binds parameters by
        // name, which costs quadratically with thousands of them.
        QVariantList args { QStringLiteral("[%1]").arg(ids) };
        const QString where = joined(
            { QStringLiteral("s.id IN (SELECT value FROM json_each(?))"), afterCondition(after, &args) });
        args << limit << offset;
        return readRows(
            db,
            QStringLiteral("SELECT %1 FROM structures s NOT INDEXED WHERE %2").arg(selectColumns, where)
                + order,
            args);
    }
    if (offset > 0 || nameOnly) {
        // A deep page by offset (not keyset): walking costs offset / density
        // rows; worth it when the hits are dense, as with a keyset page. A walk
        // of the index alone costs at most one pass over it (hits bunched
        // far from the cursor, « *sarl * »), less than sorting that many hits.
        return walk(0).first;
    }
    const auto [rows, complete] = walk(budget);
    return complete ? rows : sortedHits();
}

StructureSearchPage StructureStore::searchWithCount(const StructureCriteria &criteria,
                                                    const std::optional<StructureCursor> &after, int offset,
                                                    int limit, qint64 bound) const
{
    const Database::CustomPlans customPlans(m_db); // as search()
    if (m_db.isPostgres()) {
        bool matchAll = false;
        const QList<Clause> list = clauses(criteria, true, &matchAll);
        const PgPlan plan = pgPlan(m_db, list);
        if (plan.keyedPrefix && bound > 0 && limit > 0) {
            // The range's hits read once for both; `bound` of them or more:
            // the page sorts every hit, the count says « at least ».
            offset = std::max(0, offset);
            QVariantList args;
            const QString hits = pgKeyedRangeHits(plan, &args);
            if (std::optional<StructureSearchPage> both
                = pgPageAndCountFromHits(m_db, hits, args, after, offset, limit, bound))
                return *both;
            return { pgPageFromHits(m_db, hits, args, after, offset, limit), { bound, false } };
        }
        if (!list.isEmpty() && bound > 0 && limit > 0 && !plan.namePrefix && !plan.postal && !plan.keyed
            && !plan.keyedPrefix) {
            // One sample for the page and its count (each took its own): it
            // says whether one trigram bitmap serves both, else how dense
            // the hits are for the page and what the count is.
            offset = std::max(0, offset);
            const PgSample sample = pgSample(m_db, list, pgScaled(countSampleRowsDefault));
            if (std::optional<StructureSearchPage> both
                = pgSearchWithCount(m_db, list, after, offset, limit, bound, sample))
                return *both;
            return { pgSearch(m_db, list, after, offset, limit, &sample),
                     pgCountBounded(m_db, list, bound, &sample) };
        }
    }
    return { search(criteria, after, offset, limit), countBounded(criteria, bound) };
}

void StructureStore::setPlanScaleForTests(int divisor)
{
    s_planScale = std::max(1, divisor);
}

qint64 StructureStore::count(const StructureCriteria &criteria) const
{
    return countBounded(criteria, 0).count;
}

StructureCount StructureStore::countBounded(const StructureCriteria &criteria, qint64 bound) const
{
    // bound 0: exact, whatever it costs.
    const Database &db = m_db;
    const Database::CustomPlans customPlans(db); // as search()
    const bool postgres = db.isPostgres();
    bool matchAll = false;
    const QList<Clause> list = clauses(criteria, postgres, &matchAll);
    if (list.isEmpty() && !matchAll)
        return {};
    // COUNT over at most `bound` rows of the serving query; reaching the bound
    // gives a lower bound.
    const auto bounded = [&](const QString &rowsSql, QVariantList args) {
        if (bound <= 0)
            return StructureCount {
                db.value(QStringLiteral("SELECT COUNT(*) FROM (%1) x").arg(rowsSql), args).toLongLong(), true
            };
        args << bound;
        const qint64 n
            = db.value(QStringLiteral("SELECT COUNT(*) FROM (%1 LIMIT ?) x").arg(rowsSql), args).toLongLong();
        return StructureCount { n, n < bound };
    };
    if (list.isEmpty())
        return bounded(QStringLiteral("SELECT 1 FROM structures"), {});
    if (postgres)
        return pgCountBounded(db, list, bound);
    SqlitePlan plan = sqlitePlan(list);
    if (list.size() == 1 && list.first().column == QLatin1String("raison_sociale") && !list.first().leading) {
        // A raison sociale prefix: a range of the sort key index (the folded name).
        return bounded(
            QStringLiteral("SELECT 1 FROM structures s INDEXED BY structures_sort_key WHERE s.sort_key "
                           "GLOB ?"),
            { list.first().pattern });
    }
    if (plan.siretPrefix)
        return bounded(QStringLiteral("SELECT 1 FROM structures WHERE siret GLOB ?"),
                       { list.first().pattern });
    if (plan.postal) {
        QVariantList args { plan.postal->pattern };
        bool content = false;
        const QString where
            = joined({ QStringLiteral("s.code_postal = ?"), postalCheckSql(plan.checks, &args, &content) });
        return bounded(
            QStringLiteral("SELECT 1 FROM structures s INDEXED BY structures_code_postal%1 WHERE %2")
                .arg(content ? QStringLiteral(" CROSS JOIN structures_search_content c ON c.id = s.id")
                             : QString(),
                     where),
            args);
    }
    const bool nameOnly = std::all_of(list.cbegin(), list.cend(), [](const Clause &clause) {
        return clause.column == QLatin1String("raison_sociale");
    });
    if (!plan.match.isEmpty() || plan.keyed) {
        // The trigram MATCH (or the keyed index) answers from the index; GLOB
        // on the FTS table would re-read every candidate's text, so the checks
        // that remain read the content table.
        chooseSqliteMatch(db, &plan, list, SharedHits::By::Count);
        QVariantList args;
        const QString hits = sqliteHitsSql(plan, &args);
        // A page reads at most its sort threshold of these hits (more, and it
        // walks the sort key index instead): the count stops there too and
        // says « at least » that many, as reading on to the bound would cost
        // more than the page. An exact city or libellé is a range of its
        // index (cheap to count further), which its page does not probe.
        const qint64 limit = bound <= 0 || (plan.keyed && isExact(*plan.keyed))
            ? bound
            : std::min(bound, nameOnly ? nameSortThreshold() : sortThreshold());
        // The page shown with this count may have read the same hits just
        // before (one past its threshold when there were more).
        if (const auto shared = takeSharedHits(db, SharedHits::By::Count, hits, args)) {
            if (shared->complete)
                return { shared->found, true };
            if (limit > 0 && shared->found > limit)
                return { limit, false };
        }
        if (bound <= 0)
            return bounded(hits, args);
        // One hit past the limit: reading no more than it means these are all.
        const auto [found, ids] = hitsAndIds(db, hits, args, limit + 1);
        const bool complete = found <= limit;
        leaveSharedHits(db, SharedHits::By::Count, plan, hits, args, found, complete, ids);
        return complete ? StructureCount { found, true } : StructureCount { limit, false };
    }
    // Only patterns shorter than a trigram: no index serves them, so a
    // bounded count reads a sample first (dense hits: what it found is the
    // count, a lower bound, as on PostgreSQL), then at most scanRows folded
    // copies, and says how many it found there when it did not reach the end.
    // A raison sociale is checked on the sort key index alone.
    QVariantList args;
    QString checks;
    if (nameOnly) {
        for (const Clause &clause : list) {
            checks += (checks.isEmpty() ? QString() : QStringLiteral(" AND "))
                + QStringLiteral("s.sort_key GLOB ?");
            args << clause.pattern;
        }
    } else {
        checks = checkSql(plan.checks, &args);
    }
    const QString table = nameOnly ? QStringLiteral("structures s INDEXED BY structures_sort_key")
                                   : QStringLiteral("structures_search_content c");
    if (bound <= 0)
        return bounded(QStringLiteral("SELECT 1 FROM %1 WHERE %2").arg(table, checks), args);
    // The rows read and the hits among them, at most `rows` read.
    const auto scan = [&](const QString &where, const QString &from, QVariantList scanArgs, qint64 rows) {
        scanArgs << rows;
        const auto row
            = db.row(QStringLiteral("SELECT COUNT(*) AS n, SUM(hit) AS hits FROM (SELECT (%1) AS hit FROM "
                                    "%2 LIMIT ?) x")
                         .arg(where, from),
                     scanArgs);
        return std::make_pair(row ? row->value(QStringLiteral("n")).toLongLong() : 0,
                              row ? row->value(QStringLiteral("hits")).toLongLong() : 0);
    };
    const qint64 sampleRows = pgScaled(countSampleRowsDefault);
    // The sample reads the folded copies in rowid order (the order rows were
    // written), as PostgreSQL's reads them in physical order: the first names
    // in sort key order share their first letters, and may all lack « du ».
    // One row past the sample: reading fewer means the whole table was read.
    QVariantList sampleArgs;
    const QString sampleChecks = checkSql(list, &sampleArgs);
    const auto [sampled, sampleHits]
        = scan(sampleChecks, QStringLiteral("structures_search_content c"), sampleArgs, sampleRows + 1);
    if (sampled <= sampleRows)
        return { sampleHits, true };
    if (sampleHits >= pgScaled(denseCountHitsDefault))
        return { std::min(sampleHits, bound), false };
    const auto [scanned, found] = scan(checks, table, args, scanRows);
    if (scanned < scanRows)
        return { found, true };
    return { std::min(found, bound), false };
}

std::optional<ServiceRow> StructureStore::service(qint64 serviceId) const
{
    const auto row
        = m_db.row(QStringLiteral("SELECT id, structure_id, code, name, active FROM services WHERE id = ?"),
                   { serviceId });
    if (!row)
        return std::nullopt;
    return serviceFromRow(*row);
}

QList<ServiceRow> StructureStore::services(qint64 structureId) const
{
    QList<ServiceRow> result;
    for (const QVariantMap &row :
         m_db.rows(QStringLiteral("SELECT id, structure_id, code, name, active FROM services "
                                  "WHERE structure_id = ? ORDER BY code, id"),
                   { structureId }))
        result.append(serviceFromRow(row));
    return result;
}

QList<ServiceRow> StructureStore::activeServices(qint64 structureId) const
{
    QList<ServiceRow> result;
    for (const QVariantMap &row :
         m_db.rows(QStringLiteral("SELECT id, structure_id, code, name, active FROM services "
                                  "WHERE structure_id = ? AND active = 1 ORDER BY name, id"),
                   { structureId }))
        result.append(serviceFromRow(row));
    return result;
}

bool StructureStore::serviceCodeTaken(qint64 structureId, const QString &code) const
{
    return m_db
        .value(QStringLiteral("SELECT 1 FROM services WHERE structure_id = ? AND code = ?"),
               { structureId, code })
        .isValid();
}

qint64 StructureStore::insertService(qint64 structureId, const QString &code, const QString &name,
                                     qint64 version) const
{
    return m_db.insert(QStringLiteral("INSERT INTO services (structure_id, code, name, active, "
                                      "version) VALUES (?, ?, ?, 1, ?) RETURNING id"),
                       { structureId, code, name, version });
}

void StructureStore::setServiceActive(qint64 serviceId, bool active, qint64 version) const
{
    m_db.exec(QStringLiteral("UPDATE services SET active = ?, version = ? WHERE id = ?"),
              { active ? 1 : 0, version, serviceId });
}

} // namespace guichet
