#include "rules/structures/structurestore.h"

#include "kernel/siret.h"
#include "kernel/textfold.h"

#include <algorithm>

namespace guichet {

namespace {

const QString selectColumns
    = QStringLiteral("s.id, s.siret, s.raison_sociale, s.libelle, s.code_postal, s.ville, s.adresse, "
                     "s.secondary_powers");

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
    return { foldForSearch(input.raisonSociale), input.siret, foldForSearch(input.libelle),
             foldForSearch(input.codePostal), foldForSearch(input.ville) };
}

// One search criterion turned into a pattern on a folded column of structures_search.
struct Clause
{
    QString column;
    QString pattern; // GLOB syntax on SQLite, LIKE syntax on PostgreSQL
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
        const QString folded = foldForSearch(value.trimmed());
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
        result.append({ column, pattern });
    }
    return result;
}

// The FTS5 table's columns in declaration order: its %_content shadow table
// names them c0, c1, ...
const QStringList searchColumns { QStringLiteral("raison_sociale"), QStringLiteral("siret"),
                                  QStringLiteral("libelle"), QStringLiteral("code_postal"),
                                  QStringLiteral("ville") };

// "f.column LIKE ?" (PostgreSQL) or "f.column GLOB ?" (SQLite); with
// contentTable, the SQLite form on structures_search_content (alias c).
QString whereClause(const QList<Clause> &list, bool postgres, bool contentTable, QVariantList *args)
{
    QStringList parts;
    for (const Clause &clause : list) {
        if (postgres)
            parts << QStringLiteral("f.%1 LIKE ?").arg(clause.column);
        else if (contentTable)
            parts << QStringLiteral("c.c%1 GLOB ?").arg(searchColumns.indexOf(clause.column));
        else
            parts << QStringLiteral("f.%1 GLOB ?").arg(clause.column);
        args->append(clause.pattern);
    }
    return parts.join(QStringLiteral(" AND "));
}

// How many rows of the name index a SQLite search walks before it gives up and
// sorts the trigram index's hits instead: a page of 50 is found there when at
// least 1 structure in 50 matches (see docs/PERFORMANCE.md).
constexpr int walkBudget = 5000;

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
        QStringLiteral("SELECT %1 FROM structures s ORDER BY s.raison_sociale, s.id").arg(selectColumns));
    while (query.next())
        result.append(rowFromQuery(query));
    return result;
}

qint64 StructureStore::insertStructure(const StructureInput &s, qint64 createdAt, qint64 version) const
{
    const qint64 id = m_db.insert(
        QStringLiteral("INSERT INTO structures (siret, raison_sociale, libelle, adresse, code_postal, "
                       "ville, secondary_powers, created_at, version) VALUES (?, ?, ?, ?, ?, ?, 0, ?, "
                       "?) RETURNING id"),
        { s.siret, s.raisonSociale, s.libelle, s.adresse, s.codePostal, s.ville, createdAt, version });
    m_db.exec(QStringLiteral("INSERT INTO structures_search (rowid, raison_sociale, siret, libelle, "
                             "code_postal, ville) VALUES (?, ?, ?, ?, ?, ?)"),
              QVariantList { id } + searchValues(s));
    return id;
}

void StructureStore::updateStructure(qint64 structureId, const StructureInput &s, qint64 version) const
{
    m_db.exec(
        QStringLiteral("UPDATE structures SET siret = ?, raison_sociale = ?, libelle = ?, adresse = ?, "
                       "code_postal = ?, ville = ?, version = ? WHERE id = ?"),
        { s.siret, s.raisonSociale, s.libelle, s.adresse, s.codePostal, s.ville, version, structureId });
    m_db.exec(QStringLiteral("UPDATE structures_search SET raison_sociale = ?, siret = ?, libelle = ?, "
                             "code_postal = ?, ville = ? WHERE rowid = ?"),
              searchValues(s) + QVariantList { structureId });
}

void StructureStore::setSecondaryPowers(qint64 structureId, bool granted, qint64 version) const
{
    m_db.exec(QStringLiteral("UPDATE structures SET secondary_powers = ?, version = ? WHERE id = ?"),
              { granted ? 1 : 0, version, structureId });
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
            values << QStringLiteral("(?, ?, ?, ?, ?, ?, 0, ?, ?)");
            searchValuesSql << QStringLiteral("(?, ?, ?, ?, ?, ?)");
        }
        return std::make_pair(
            QStringLiteral(
                "INSERT INTO structures (siret, raison_sociale, libelle, adresse, code_postal, ville, "
                "secondary_powers, created_at, version) VALUES %1 RETURNING id, siret")
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
        args.reserve(n * 8);
        for (int i = start; i < start + n; ++i) {
            const StructureInput &s = structures.at(i);
            args << s.siret << s.raisonSociale << s.libelle << s.adresse << s.codePostal << s.ville
                 << createdAt << version;
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
QList<StructureRow> StructureStore::search(const StructureCriteria &criteria, int offset, int limit) const
{
    const Database &db = m_db;
    const bool postgres = db.isPostgres();
    bool matchAll = false;
    const QList<Clause> list = clauses(criteria, postgres, &matchAll);
    if ((list.isEmpty() && !matchAll) || limit <= 0)
        return {};
    offset = std::max(0, offset);
    if (list.isEmpty()) {
        // « * »: every structure, straight from the name index.
        QList<StructureRow> all;
        QSqlQuery query = db.exec(
            QStringLiteral("SELECT %1 FROM structures s ORDER BY s.raison_sociale, s.id LIMIT ? OFFSET ?")
                .arg(selectColumns),
            { limit, offset });
        while (query.next())
            all.append(rowFromQuery(query));
        return all;
    }
    QVariantList args;
    QString sql;
    // An exact postal code (the guide's « Code postal » field, digits only):
    // the (code_postal, raison_sociale, id) index gives its rows already in name
    // order; the other criteria are checked on those rows only.
    const auto postal = std::find_if(list.cbegin(), list.cend(), [](const Clause &clause) {
        return clause.column == QLatin1String("code_postal") && !clause.pattern.isEmpty()
            && std::all_of(clause.pattern.cbegin(), clause.pattern.cend(),
                           [](QChar c) { return c.isDigit(); });
    });
    QList<Clause> others = list;
    if (postal != list.cend())
        others.removeAt(std::distance(list.cbegin(), postal));
    if (postgres) {
        // pg_trgm's GIN indexes serve the LIKE patterns; the planner weighs
        // walking the name index against sorting the hits from its statistics.
        QString where;
        if (postal != list.cend()) {
            where = QStringLiteral("s.code_postal = ?");
            args << postal->pattern;
            if (!others.isEmpty())
                where += QStringLiteral(" AND ") + whereClause(others, true, false, &args);
        } else {
            where = whereClause(list, true, false, &args);
        }
        sql = QStringLiteral(
                  "SELECT %1 FROM structures s JOIN structures_search f ON f.rowid = s.id WHERE %2 "
                  "ORDER BY s.raison_sociale, s.id LIMIT ? OFFSET ?")
                  .arg(selectColumns, where);
    } else {
        // SQLite has no statistics on FTS hits, and sorting many hits by name is
        // what costs (docs/PERFORMANCE.md). So first walk a bounded stretch of the
        // name index in order, checking each row's folded copy: a common pattern
        // fills the page there. The copy is read from the FTS table's content
        // shadow table by rowid, a plain b-tree lookup several times cheaper than
        // a lookup through the FTS5 virtual table. Otherwise the hits are few
        // enough to take from the trigram index and sort.
        // A SIRET prefix alone: the unique index on structures.siret serves
        // GLOB 'digits*' as a range (SIRETs are stored as digits only).
        if (list.size() == 1 && list.first().column == QLatin1String("siret")
            && !list.first().pattern.startsWith(QLatin1Char('*'))) {
            sql = QStringLiteral(
                      "SELECT %1 FROM structures s WHERE s.siret GLOB ? ORDER BY s.raison_sociale, s.id "
                      "LIMIT ? OFFSET ?")
                      .arg(selectColumns);
            QList<StructureRow> result;
            QSqlQuery query = db.exec(sql, { list.first().pattern, limit, offset });
            while (query.next())
                result.append(rowFromQuery(query));
            return result;
        }
        if (postal != list.cend()) {
            QVariantList postalArgs { postal->pattern };
            QString where = QStringLiteral("s.code_postal = ?");
            if (!others.isEmpty())
                where += QStringLiteral(" AND ") + whereClause(others, false, true, &postalArgs);
            postalArgs << limit << offset;
            QList<StructureRow> result;
            QSqlQuery query = db.exec(
                QStringLiteral(
                    "SELECT %1 FROM structures s INDEXED BY structures_code_postal CROSS JOIN "
                    "structures_search_content c ON c.id = s.id WHERE %2 ORDER BY s.raison_sociale, "
                    "s.id LIMIT ? OFFSET ?")
                    .arg(selectColumns, where),
                postalArgs);
            while (query.next())
                result.append(rowFromQuery(query));
            return result;
        }
        QList<StructureRow> walked;
        if (offset + limit <= walkBudget / 20) {
            // The stretch ends at the name found walkBudget rows in; bounding the
            // index range (rather than LIMITing a subquery) keeps the rows in
            // index order, so SQLite stops at the page's last row without a sort.
            const QVariant boundary = db.value(
                QStringLiteral(
                    "SELECT raison_sociale FROM structures ORDER BY raison_sociale, id LIMIT 1 OFFSET ?"),
                { walkBudget });
            QVariantList walkArgs;
            QString where = whereClause(list, false, true, &walkArgs);
            if (boundary.isValid()) {
                where += QStringLiteral(" AND s.raison_sociale <= ?");
                walkArgs << boundary;
            }
            walkArgs << limit << offset;
            QSqlQuery query = db.exec(
                QStringLiteral(
                    "SELECT %1 FROM structures s CROSS JOIN structures_search_content c ON c.id = s.id "
                    "WHERE %2 ORDER BY s.raison_sociale, s.id LIMIT ? OFFSET ?")
                    .arg(selectColumns, where),
                walkArgs);
            while (query.next())
                walked.append(rowFromQuery(query));
            // A full page, or the whole table walked: that is the answer.
            if (walked.size() == limit || !boundary.isValid())
                return walked;
        } else {
            // A deep page (the table view scrolled far): sorting every hit for
            // each page is what costs when hits are many, while walking the name
            // index costs offset / density rows. Walk when at least one
            // structure in eight matches.
            const qint64 hits = count(criteria);
            const qint64 structures = total();
            if (hits * 8 >= structures) {
                QVariantList walkArgs;
                const QString where = whereClause(list, false, true, &walkArgs);
                walkArgs << limit << offset;
                QList<StructureRow> result;
                QSqlQuery query = db.exec(
                    QStringLiteral(
                        "SELECT %1 FROM structures s CROSS JOIN structures_search_content c ON c.id = s.id "
                        "WHERE %2 ORDER BY s.raison_sociale, s.id LIMIT ? OFFSET ?")
                        .arg(selectColumns, where),
                    walkArgs);
                while (query.next())
                    result.append(rowFromQuery(query));
                return result;
            }
        }
        sql = QStringLiteral(
                  "SELECT %1 FROM structures s WHERE s.id IN (SELECT f.rowid FROM structures_search f "
                  "WHERE %2) ORDER BY s.raison_sociale, s.id LIMIT ? OFFSET ?")
                  .arg(selectColumns, whereClause(list, false, false, &args));
    }
    args << limit << offset;
    QList<StructureRow> result;
    QSqlQuery query = db.exec(sql, args);
    while (query.next())
        result.append(rowFromQuery(query));
    return result;
}

qint64 StructureStore::count(const StructureCriteria &criteria) const
{
    const Database &db = m_db;
    bool matchAll = false;
    const QList<Clause> list = clauses(criteria, db.isPostgres(), &matchAll);
    if (list.isEmpty())
        return matchAll ? total() : 0;
    QVariantList args;
    const QString where = whereClause(list, db.isPostgres(), false, &args);
    return db.value(QStringLiteral("SELECT COUNT(*) FROM structures_search f WHERE %1").arg(where), args)
        .toLongLong();
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
