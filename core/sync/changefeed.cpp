#include "sync/changefeed.h"

#include "kernel/core.h"

#include <QHash>
#include <QJsonArray>
#include <QJsonDocument>
#include <QLocale>
#include <QSet>

#include <algorithm>
#include <charconv>
#include <cmath>
#include <variant>

#ifdef GUICHET_SQLITE_C_API
#include <sqlite3.h>
#endif

namespace guichet {

namespace {

struct TableSpec
{
    QString name;
    QString columns;
};

// The synced tables, parents first, and the columns sent: all but the secret
// ones (docs/API.md "Rows").
const QList<TableSpec> &tableSpecs()
{
    static const QList<TableSpec> specs {
        { QStringLiteral("users"),
          QStringLiteral("id, email, first_name, last_name, contact_email, address_line, postal_code, city, "
                         "country, secret_question, notifications_enabled, language, is_support, status, "
                         "deactivated_at, created_at, version") },
        { QStringLiteral("structures"),
          QStringLiteral("id, siret, raison_sociale, libelle, adresse, code_postal, ville, secondary_powers, "
                         "created_at, version, identifier_type") },
        // The structure's managers only (visibleWhere), never in the search.
        { QStringLiteral("structure_bank_details"), QStringLiteral("id, structure_id, iban, bic, version") },
        { QStringLiteral("services"), QStringLiteral("id, structure_id, code, name, active, version") },
        { QStringLiteral("structure_spaces"),
          QStringLiteral("id, structure_id, space_id, enabled_at, version") },
        { QStringLiteral("structure_self_service"),
          QStringLiteral("id, structure_id, space_id, enabled_at, version") },
        { QStringLiteral("attachments"),
          QStringLiteral("id, user_id, structure_id, role, whole_structure, valid_from, valid_until, status, "
                         "requested_at, decided_at, decided_by, decision_comment, version") },
        { QStringLiteral("subscriptions"),
          QStringLiteral("id, user_id, structure_id, space_id, service_id, mode, effective_date, comment, "
                         "comment_code, status, requested_at, decided_at, decided_by, decision_comment, "
                         "origin, removal_requested_at, version") },
        { QStringLiteral("attached_files"),
          QStringLiteral("id, user_id, designation, file_type, file_name, size, sha256, created_at, "
                         "updated_at, version") },
        { QStringLiteral("solicitations"),
          QStringLiteral("id, user_id, email, category, subject, body, status, reply, assigned_to, "
                         "created_at, updated_at, version") },
        { QStringLiteral("solicitation_messages"),
          QStringLiteral("id, solicitation_id, author_id, from_support, body, created_at, version") },
        { QStringLiteral("audit_log"),
          QStringLiteral(
              "id, at, actor_id, command, entity, entity_id, structure_id, action, subject_id, details, "
              "comment, "
              "version") },
    };
    return specs;
}

// Each table's columns as a list, in the order rows hold their values; `id`
// is first and `version` last in every table.
const QStringList &columnList(int table)
{
    static const QList<QStringList> lists = [] {
        QList<QStringList> all;
        for (const TableSpec &spec : tableSpecs())
            all.append(spec.columns.split(QStringLiteral(", ")));
        return all;
    }();
    return lists.at(table);
}

int tableIndex(const QString &name)
{
    const auto &specs = tableSpecs();
    for (int i = 0; i < specs.size(); ++i) {
        if (specs.at(i).name == name)
            return i;
    }
    return -1;
}

// The tables whose rows belong to one structure (a reset drops and refetches them).
bool isStructureTable(const QString &table)
{
    return table == QLatin1String("services") || table == QLatin1String("structure_spaces")
        || table == QLatin1String("structure_self_service") || table == QLatin1String("attachments")
        || table == QLatin1String("subscriptions") || table == QLatin1String("audit_log")
        || table == QLatin1String("structure_bank_details");
}

// "1,2,3": the ids of an IN list (idList()) or of an array literal (bindSql()).
QString joinedIds(const QList<qint64> &ids)
{
    QStringList parts;
    parts.reserve(ids.size());
    for (const qint64 id : ids)
        parts.append(QString::number(id));
    return parts.join(QLatin1Char(','));
}

QString idList(const QList<qint64> &ids)
{
    // IN (NULL) matches nothing, on both back-ends.
    return ids.isEmpty() ? QStringLiteral("NULL") : joinedIds(ids);
}

// The values a statement names as @name in its text: numbers, or lists of
// ids (written where an IN list goes: `x IN (@list)`).
struct SqlValues
{
    using Value = std::variant<qint64, QList<qint64>>;
    QHash<QString, Value> named;
    // Written into the text on PostgreSQL too (bindSql()): the reference
    // pages (ChangeFeed::setPagesFromCursor(false)) keep the statements as
    // they were before parameters, and a statement run once per first sync
    // is planned for its values.
    bool writtenIn = false;

    SqlValues() = default;
    SqlValues(std::initializer_list<std::pair<QString, Value>> list)
        : named(list)
    {
    }
    void insert(const QString &name, const Value &value) { named.insert(name, value); }
};

// The statement with its @names replaced. On PostgreSQL by parameters (a
// list as one array: `x IN (SELECT unnest(?::bigint[]))`, which PostgreSQL
// probes through a hash like a written-in list): the text is then the same at
// every page, so Database::exec prepares it once per connection and it keeps
// a generic plan, where written-in values made PostgreSQL plan each of a
// page's ~20 statements again (6 ms a page, most of it estimating lists of
// 100 structures). On SQLite written in, as the statements always were, and
// on PostgreSQL too when values.writtenIn.
SqlFragment bindSql(const Database &db, const QString &sql, const SqlValues &values)
{
    const bool parameters = db.isPostgres() && !values.writtenIn;
    SqlFragment bound;
    bound.sql.reserve(sql.size() + 64);
    bool quoted = false;
    for (qsizetype i = 0; i < sql.size(); ++i) {
        const QChar c = sql.at(i);
        if (c == QLatin1Char('\''))
            quoted = !quoted;
        if (quoted || c != QLatin1Char('@')) {
            bound.sql += c;
            continue;
        }
        qsizetype end = i + 1;
        while (end < sql.size() && (sql.at(end).isLetter() || sql.at(end) == QLatin1Char('_')))
            ++end;
        const QString name = sql.mid(i + 1, end - i - 1);
        const auto value = values.named.constFind(name);
        if (value == values.named.cend())
            throw DatabaseError(QStringLiteral("no value for @%1 [%2]").arg(name, sql));
        if (const qint64 *number = std::get_if<qint64>(&*value)) {
            if (parameters) {
                bound.sql += QLatin1Char('?');
                bound.args.append(*number);
            } else {
                bound.sql += QString::number(*number);
            }
        } else {
            const QList<qint64> &ids = std::get<QList<qint64>>(*value);
            if (parameters) {
                bound.sql += QLatin1String("SELECT unnest(?::bigint[])");
                bound.args.append(QLatin1Char('{') + joinedIds(ids) + QLatin1Char('}'));
            } else {
                bound.sql += idList(ids);
            }
        }
        i = end - 1;
    }
    return bound;
}

// `column IN (@list)` (bindSql()) as the only condition on a table besides
// others joined by AND. On PostgreSQL the list's sub-select would then become
// a semi join, planned as a nested loop over the list for every row (a page's
// 5,000 audit entries against 100 structures: 10 ms instead of 2); under an
// OR, which PostgreSQL drops only after it has decided that, it stays a
// hashed lookup.
QString inList(const Database &db, const QString &column, const QString &list)
{
    if (db.isPostgres())
        return QStringLiteral("(%1 IN (@%2) OR false)").arg(column, list);
    return QStringLiteral("%1 IN (@%2)").arg(column, list);
}

QSqlQuery execBound(const Database &db, const QString &sql, const SqlValues &values)
{
    const SqlFragment bound = bindSql(db, sql, values);
    return db.exec(bound.sql, bound.args);
}

// What the user may see, decided once per page (docs/API.md "What a user may see").
// Attachments count whatever their validity window: visibility follows the rows
// only, so that a replica is exactly the feed's picture whatever the day.
struct Scope
{
    qint64 user = 0;
    bool support = false;
    QList<qint64> attached; // any attachment, any status
    QList<qint64> managed; // validated principal, or validated secondary with powers
    QList<qint64> secondary; // validated secondary (powers may change their view)
    const Database *db = nullptr; // the conditions' dialect (inList())
    bool writtenIn = false; // the reference pages' statements (SqlValues::writtenIn)

    // The values visibleWhere() names: @user, @attached, @managed.
    SqlValues values() const
    {
        SqlValues all { { QStringLiteral("user"), user },
                        { QStringLiteral("attached"), attached },
                        { QStringLiteral("managed"), managed } };
        all.writtenIn = writtenIn;
        return all;
    }
};

Scope loadScope(const Database &db, qint64 userId)
{
    Scope scope;
    scope.user = userId;
    scope.db = &db;
    scope.support
        = db.value(QStringLiteral("SELECT is_support FROM users WHERE id = ?"), { userId }).toInt() != 0;
    QSqlQuery query = db.exec(QStringLiteral("SELECT a.structure_id, a.role, a.status, s.secondary_powers "
                                             "FROM attachments a JOIN structures s ON s.id = a.structure_id "
                                             "WHERE a.user_id = ? ORDER BY a.structure_id"),
                              { userId });
    while (query.next()) {
        const qint64 structure = query.value(0).toLongLong();
        const QString role = query.value(1).toString();
        const bool validated = query.value(2).toString() == QLatin1String("validated");
        const bool powers = query.value(3).toInt() != 0;
        if (!scope.attached.contains(structure))
            scope.attached.append(structure);
        if (!validated)
            continue;
        const bool secondary = role == QLatin1String("secondary");
        if (secondary && !scope.secondary.contains(structure))
            scope.secondary.append(structure);
        if ((role == QLatin1String("principal") || (secondary && powers))
            && !scope.managed.contains(structure))
            scope.managed.append(structure);
    }
    return scope;
}

// The SQL condition selecting the rows of `table` the scope's user may see,
// naming the scope's values (Scope::values(), bindSql()).
QString visibleWhere(const QString &table, const Scope &s)
{
    if (table == QLatin1String("users")) {
        QString where
            = QStringLiteral("id = @user OR id IN (SELECT user_id FROM attachments WHERE structure_id IN "
                             "(@managed)) OR id IN (SELECT user_id FROM attachments WHERE role = "
                             "'principal' AND status = 'validated' AND structure_id IN (@attached))");
        if (s.support)
            where += QStringLiteral(" OR id IN (SELECT user_id FROM solicitations)");
        return where;
    }
    if (table == QLatin1String("structures"))
        return inList(*s.db, QStringLiteral("id"), QStringLiteral("attached"));
    if (table == QLatin1String("services") || table == QLatin1String("structure_spaces")
        || table == QLatin1String("structure_self_service"))
        return inList(*s.db, QStringLiteral("structure_id"), QStringLiteral("attached"));
    if (table == QLatin1String("attachments") || table == QLatin1String("subscriptions"))
        return QStringLiteral("user_id = @user OR structure_id IN (@managed)");
    if (table == QLatin1String("attached_files"))
        return QStringLiteral("user_id = @user");
    if (table == QLatin1String("solicitations"))
        return s.support ? QStringLiteral("1 = 1") : QStringLiteral("user_id = @user");
    if (table == QLatin1String("solicitation_messages"))
        return s.support
            ? QStringLiteral("1 = 1")
            : QStringLiteral("solicitation_id IN (SELECT id FROM solicitations WHERE user_id = @user)");
    if (table == QLatin1String("audit_log") || table == QLatin1String("structure_bank_details"))
        return inList(*s.db, QStringLiteral("structure_id"), QStringLiteral("managed"));
    if (table == QLatin1String("tombstones")) {
        // The same rules, on the scope the deleted row had.
        QString where
            = QStringLiteral("user_id = @user OR (table_name IN ('attachments', 'subscriptions', "
                             "'audit_log') AND structure_id IN (@managed)) OR (table_name IN "
                             "('structures', 'services', 'structure_spaces', 'structure_self_service') AND "
                             "structure_id IN (@attached))");
        if (s.support)
            where += QStringLiteral(" OR table_name IN ('solicitations', 'solicitation_messages')");
        return where;
    }
    return QStringLiteral("1 = 0");
}

// PostgreSQL: visibleWhere("users") decided row by row (no support scope):
// the user's own row, or one with an attachment the scope sees, looked up on
// attachments' user index. visibleWhere's IN (subquery) makes PostgreSQL hash
// every attachment of the scope's structures first (10,000 for a manager of
// 100 structures of 100 people: ~3 ms), whatever the number of users read;
// this costs ~1 µs per users row read instead. The same rows.
QString usersVisibleByRow()
{
    return QStringLiteral("id = @user OR coalesce((SELECT bool_or(a.structure_id IN (@managed) OR (a.role = "
                          "'principal' AND a.status = 'validated' AND a.structure_id IN (@attached))) FROM "
                          "attachments a WHERE a.user_id = users.id), false)");
}

QJsonValue toJson(const QVariant &value)
{
    if (value.isNull())
        return QJsonValue(QJsonValue::Null);
    switch (value.typeId()) {
    case QMetaType::Int:
    case QMetaType::UInt:
    case QMetaType::LongLong:
    case QMetaType::ULongLong:
    case QMetaType::Short:
    case QMetaType::UShort:
        return QJsonValue(value.toLongLong());
    case QMetaType::Bool:
        return QJsonValue(value.toBool() ? 1 : 0);
    case QMetaType::Double:
        return QJsonValue(value.toDouble());
    default:
        return QJsonValue(value.toString());
    }
}

// One entry of the version-ordered stream: a row, or a tombstone (table < 0).
struct Item
{
    qint64 version = 0;
    int table = -1;
    qint64 id = 0;
    QVariantList values; // columnList(table)'s, as the database gave them
    QList<qint64> services; // attachments only
    bool withServices = false; // services were read: the row carries them
    // Tombstones only.
    QString deletedTable;
    qint64 userId = 0;
    qint64 structureId = 0;
};

// `where` may name `values` (bindSql()).
QList<Item> fetchRows(const Database &db, int table, const QString &where, const SqlValues &values, int limit)
{
    const TableSpec &spec = tableSpecs().at(table);
    QString sql = QStringLiteral("SELECT %1 FROM %2 WHERE %3 ORDER BY version, id")
                      .arg(spec.columns, spec.name, where);
    if (limit > 0)
        sql += QStringLiteral(" LIMIT %1").arg(limit);
    QList<Item> items;
    QSqlQuery query = execBound(db, sql, values);
    const int count = int(columnList(table).size());
    while (query.next()) {
        Item item;
        item.table = table;
        item.values.reserve(count);
        for (int i = 0; i < count; ++i)
            item.values.append(query.value(i));
        item.id = item.values.first().toLongLong();
        item.version = item.values.last().toLongLong();
        items.append(std::move(item));
    }
    return items;
}

QList<Item> fetchTombstones(const Database &db, const QString &where, const SqlValues &values, int limit)
{
    QString sql = QStringLiteral("SELECT table_name, row_id, version, user_id, structure_id FROM tombstones "
                                 "WHERE %1 ORDER BY version, table_name, row_id")
                      .arg(where);
    if (limit > 0)
        sql += QStringLiteral(" LIMIT %1").arg(limit);
    QList<Item> items;
    QSqlQuery query = execBound(db, sql, values);
    while (query.next()) {
        Item item;
        item.deletedTable = query.value(0).toString();
        item.id = query.value(1).toLongLong();
        item.version = query.value(2).toLongLong();
        item.userId = query.value(3).toLongLong();
        item.structureId = query.value(4).toLongLong();
        items.append(std::move(item));
    }
    return items;
}

// The visible changes whose version satisfies versionWhere, in version order
// (a table's rows by version then id, tables in tables() order within a version).
// `values`: what versionWhere and the scope's conditions name.
QList<Item> fetchChanges(const Database &db, const Scope &scope, const QString &versionWhere,
                         const SqlValues &values, bool withTombstones)
{
    QList<Item> items;
    for (int t = 0; t < tableSpecs().size(); ++t)
        items += fetchRows(
            db, t,
            QStringLiteral("%1 AND (%2)").arg(versionWhere, visibleWhere(tableSpecs().at(t).name, scope)),
            values, 0);
    if (withTombstones)
        items += fetchTombstones(db,
                                 QStringLiteral("%1 AND (%2)")
                                     .arg(versionWhere, visibleWhere(QStringLiteral("tombstones"), scope)),
                                 values, 0);
    std::stable_sort(items.begin(), items.end(),
                     [](const Item &a, const Item &b) { return a.version < b.version; });
    return items;
}

// The versions of the first `limit` visible changes after `since`, ascending
// (fewer when fewer are left). Only the versions are read: a page decides
// where it ends first, then reads just the rows it sends, instead of `limit`
// whole rows of each table of which most were thrown away. Once `limit` are
// known, later tables are only asked for versions up to the last of them.
struct FirstVersions
{
    QList<qint64> versions;
    // Per table of tableSpecs(): whether it has a visible row after `since`
    // up to the bound it was asked with (never below the page's end), so a
    // table without one has no row in the page and need not be read again.
    QList<bool> anyUpTo;
    // Per table: its smallest visible version after `since` (when anyUpTo).
    QList<qint64> smallest;
    // The visible users rows read, (version, id) in version order: the
    // first `limit` after `since` up to the bound the users were asked with.
    QList<std::pair<qint64, qint64>> users;
    bool usersCut = false; // `limit` users were read: there may be more

    // Whether table `t` may have a visible row in (since, checkpoint].
    bool mayHaveRows(int t, qint64 checkpoint) const { return anyUpTo.at(t) && smallest.at(t) <= checkpoint; }
    // The ids of the visible users rows in (since, checkpoint], when `users`
    // holds them all: the page's users are then read by id, their visibility
    // already decided in this snapshot.
    std::optional<QList<qint64>> userIds(qint64 checkpoint) const
    {
        if (usersCut && users.last().first <= checkpoint)
            return std::nullopt;
        QList<qint64> ids;
        for (const auto &[version, id] : users) {
            if (version <= checkpoint)
                ids.append(id);
        }
        return ids;
    }
};

// The order firstVersions() asks the tables in: the ones with the most rows
// per command first (a validated person brings 5 subscriptions, 3 audit
// entries, 1 attachment, 1 user), so that `limit` is reached early and the
// later tables are read only up to its last version: users, whose
// visibility costs the most to decide, last. Any order gives the same versions.
const QList<int> &versionReadOrder()
{
    static const QList<int> order = [] {
        QList<int> list;
        for (const QString &first :
             { QStringLiteral("subscriptions"), QStringLiteral("audit_log"), QStringLiteral("attachments") })
            list.append(tableIndex(first));
        const int users = tableIndex(QStringLiteral("users"));
        for (int t = 0; t < tableSpecs().size(); ++t) {
            if (!list.contains(t) && t != users)
                list.append(t);
        }
        list.append(users);
        return list;
    }();
    return order;
}

FirstVersions firstVersions(const Database &db, const Scope &scope, qint64 since, qint64 upTo, int limit,
                            bool withTombstones)
{
    FirstVersions result;
    result.anyUpTo.fill(false, tableSpecs().size());
    result.smallest.fill(0, tableSpecs().size());
    QList<qint64> &versions = result.versions;
    qint64 bound = upTo;
    // `ids`: also read the rows' ids, into *ids. `byRow`: on PostgreSQL, a
    // condition selecting the same rows as `where`, used when the range holds
    // few rows of the table.
    const auto merge = [&](const QString &table, const QString &where, QList<std::pair<qint64, qint64>> *ids,
                           const QString &byRow = QString()) {
        const auto selectWhere = [&](const QString &condition) {
            return QStringLiteral("SELECT version%1 FROM %2 WHERE version > @since AND version <= @bound "
                                  "AND (%3) ORDER BY version%1 LIMIT @limit")
                .arg(ids ? QStringLiteral(", id") : QString(), table, condition);
        };
        const QString select = selectWhere(where);
        SqlValues values = scope.values();
        values.insert(QStringLiteral("since"), since);
        values.insert(QStringLiteral("bound"), bound);
        values.insert(QStringLiteral("limit"), qint64(limit));
        qint64 smallest = 0;
        int read = 0;
        const qsizetype known = versions.size(); // sorted: the tables read before
        const auto add = [&](qint64 version) {
            if (smallest == 0 || version < smallest)
                smallest = version;
            versions.append(version);
            ++read;
        };
        if (db.isPostgres()) {
            // One text value instead of a row per version: QPSQL's single-row
            // mode costs a result per row, more than the server's reading.
            // In any order: they are sorted here (an ordered string_agg of
            // 5,000 versions cost PostgreSQL 15 ~5 ms, its input read in ~2).
            const auto aggregate = [&](const QString &rows) {
                return QStringLiteral("SELECT string_agg(%1, ',') FROM (%2) v")
                    .arg(ids ? QStringLiteral("version::text || ' ' || id::text")
                             : QStringLiteral("version::text"),
                         rows);
            };
            QString sql = aggregate(select);
            if (!byRow.isEmpty()) {
                // Row by row when the range holds at most this many rows of
                // the table (counted on its version index, at most that far):
                // a few ms at worst. PostgreSQL runs only the branch taken.
                const int byRowAtMost = 2000;
                sql = QStringLiteral(
                          "SELECT CASE WHEN (SELECT count(*) FROM (SELECT 1 FROM %1 WHERE version > @since "
                          "AND version <= @bound LIMIT %2) r) <= %3 THEN (%4) ELSE (%5) END")
                          .arg(table, QString::number(byRowAtMost + 1), QString::number(byRowAtMost),
                               aggregate(selectWhere(byRow)), sql);
            }
            const SqlFragment statement = bindSql(db, sql, values);
            const QString list = db.value(statement.sql, statement.args).toString();
            for (const QStringView entry : QStringView(list).split(QLatin1Char(','), Qt::SkipEmptyParts)) {
                const qsizetype space = entry.indexOf(QLatin1Char(' '));
                add(entry.left(space).toLongLong());
                if (ids)
                    ids->append({ versions.last(), entry.mid(space + 1).toLongLong() });
            }
            if (ids)
                std::sort(ids->begin(), ids->end());
        } else {
            QSqlQuery query = execBound(db, select, values);
            while (query.next()) {
                add(query.value(0).toLongLong());
                if (ids)
                    ids->append({ versions.last(), query.value(1).toLongLong() });
            }
        }
        // This table's versions merged into the others' (sorting the whole
        // list again at each of the 13 tables was 7% of guichetd's CPU).
        std::sort(versions.begin() + known, versions.end());
        std::inplace_merge(versions.begin(), versions.begin() + known, versions.end());
        if (versions.size() >= limit) {
            versions.resize(limit);
            bound = versions.last();
        }
        return std::pair { smallest, read >= limit };
    };
    const int usersTable = tableIndex(QStringLiteral("users"));
    for (const int t : versionReadOrder()) {
        const QString &name = tableSpecs().at(t).name;
        const bool users = t == usersTable;
        const auto [smallest, cut]
            = merge(name, visibleWhere(name, scope), users ? &result.users : nullptr,
                    users && db.isPostgres() && !scope.support ? usersVisibleByRow() : QString());
        result.smallest[t] = smallest;
        result.anyUpTo[t] = smallest > 0;
        if (t == usersTable)
            result.usersCut = cut;
    }
    if (withTombstones)
        merge(QStringLiteral("tombstones"), visibleWhere(QStringLiteral("tombstones"), scope), nullptr);
    return result;
}

// A read-only transaction for one page, so that every query sees the same
// snapshot. Deferred on SQLite (a reader must not take the write lock);
// REPEATABLE READ on PostgreSQL (READ COMMITTED would give each query its own).
class ReadSnapshot
{
public:
    explicit ReadSnapshot(Database &db)
        : m_db(db)
        , m_own(!db.inTransaction())
    {
        if (!m_own)
            return;
        // PostgreSQL commits versions out of order: the version is taken before
        // the snapshot, so that every change up to it is in the snapshot.
        if (m_db.isPostgres())
            m_db.pinVersion();
        try {
            m_db.exec(m_db.isPostgres() ? QStringLiteral("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY")
                                        : QStringLiteral("BEGIN"));
        } catch (const DatabaseError &) {
            m_db.unpinVersion();
            throw;
        }
    }
    ~ReadSnapshot()
    {
        if (!m_own)
            return;
        m_db.unpinVersion();
        try {
            m_db.exec(QStringLiteral("COMMIT"));
        } catch (const DatabaseError &) {
            // Nothing was written; a failed end of a read changes nothing.
        }
    }
    ReadSnapshot(const ReadSnapshot &) = delete;
    ReadSnapshot &operator=(const ReadSnapshot &) = delete;

private:
    Database &m_db;
    bool m_own;
};

QJsonObject makePage(qint64 checkpoint, bool more, const QJsonArray &resets, const QJsonArray &rows,
                     const QJsonArray &deleted)
{
    return QJsonObject { { QStringLiteral("checkpoint"), checkpoint },
                         { QStringLiteral("more"), more },
                         { QStringLiteral("resets"), resets },
                         { QStringLiteral("rows"), rows },
                         { QStringLiteral("deleted"), deleted } };
}

QJsonObject rowEntry(const QString &table, const QJsonObject &row)
{
    return QJsonObject { { QStringLiteral("table"), table }, { QStringLiteral("row"), row } };
}

QJsonObject deletedEntry(const QString &table, qint64 id)
{
    return QJsonObject { { QStringLiteral("table"), table }, { QStringLiteral("id"), id } };
}

QList<qint64> idsOf(const Database &db, const QString &sql, const SqlValues &values = {})
{
    QList<qint64> ids;
    QSqlQuery query = execBound(db, sql, values);
    while (query.next()) {
        if (!query.value(0).isNull())
            ids.append(query.value(0).toLongLong());
    }
    return ids;
}

// Adds the attachment's services (attachment_services has no version of its
// own: it changes with its attachment) to each attachment row.
void addAttachmentServices(const Database &db, QList<Item> &items, bool writtenIn)
{
    const int attachments = tableIndex(QStringLiteral("attachments"));
    QHash<qint64, QList<qint64>> services;
    QList<qint64> ids;
    for (const Item &item : items) {
        if (item.table == attachments)
            ids.append(item.id);
    }
    if (ids.isEmpty())
        return;
    // In chunks: a first sync may carry thousands of attachments.
    for (int from = 0; from < ids.size(); from += 500) {
        SqlValues values { { QStringLiteral("ids"), ids.mid(from, 500) } };
        values.writtenIn = writtenIn;
        QSqlQuery query
            = execBound(db,
                        QStringLiteral("SELECT attachment_id, service_id FROM attachment_services "
                                       "WHERE attachment_id IN (@ids) ORDER BY attachment_id, "
                                       "service_id"),
                        values);
        while (query.next())
            services[query.value(0).toLongLong()].append(query.value(1).toLongLong());
    }
    for (Item &item : items) {
        if (item.table == attachments) {
            item.services = services.value(item.id);
            item.withServices = true;
        }
    }
}

// The row as format 1 sends it: an object of its columns (docs/API.md "Rows").
QJsonObject rowObject(const Item &item)
{
    const QStringList &names = columnList(item.table);
    QJsonObject row;
    for (int i = 0; i < names.size(); ++i)
        row.insert(names.at(i), toJson(item.values.at(i)));
    if (item.withServices) {
        QJsonArray services;
        for (const qint64 id : item.services)
            services.append(id);
        row.insert(QStringLiteral("services"), services);
    }
    return row;
}

qint64 itemValue(const Item &item, const QString &column)
{
    return item.values.value(int(columnList(item.table).indexOf(column))).toLongLong();
}

// Format 2 writes JSON text straight from the values (no QJsonObject per
// row): the same values toJson() gives, which QJsonDocument reads back alike.
// UTF-8 text as a JSON string: quotes, backslashes and control characters
// escaped (\n by letter, the others as \u00XX), everything else as it is.
void appendJsonUtf8(QByteArray &out, const char *text, qsizetype size)
{
    static const char hex[] = "0123456789abcdef";
    out += '"';
    const char *run = text;
    const char *const end = run + size;
    for (const char *p = run; p != end; ++p) {
        const uchar c = uchar(*p);
        if (c >= 0x20 && c != '"' && c != '\\')
            continue;
        out.append(run, p - run);
        run = p + 1;
        if (c == '"' || c == '\\') {
            out += '\\';
            out += char(c);
        } else if (c == '\n') {
            out += "\\n";
        } else {
            out += "\\u00";
            out += hex[c >> 4];
            out += hex[c & 0xf];
        }
    }
    out.append(run, end - run);
    out += '"';
}

void appendJsonString(QByteArray &out, const QString &text)
{
    const QByteArray utf8 = text.toUtf8();
    appendJsonUtf8(out, utf8.constData(), utf8.size());
}

void appendInteger(QByteArray &out, qint64 number)
{
    char buffer[24];
    const char *const end = std::to_chars(buffer, buffer + sizeof buffer, number).ptr;
    out.append(buffer, end - buffer);
}

void appendDouble(QByteArray &out, double number)
{
    if (std::isfinite(number))
        out += QByteArray::number(number, 'g', QLocale::FloatingPointShortest);
    else
        out += "null"; // as QJsonDocument writes them
}

void appendJsonValue(QByteArray &out, const QVariant &value)
{
    if (value.isNull()) {
        out += "null";
        return;
    }
    switch (value.typeId()) {
    case QMetaType::Int:
    case QMetaType::UInt:
    case QMetaType::LongLong:
    case QMetaType::ULongLong:
    case QMetaType::Short:
    case QMetaType::UShort:
        appendInteger(out, value.toLongLong());
        return;
    case QMetaType::Bool:
        out += value.toBool() ? '1' : '0';
        return;
    case QMetaType::Double:
        appendDouble(out, value.toDouble());
        return;
    default:
        appendJsonString(out, value.toString());
    }
}

// The start of a table's entry in a format 2 page, up to its first row.
void appendTableHeader(QByteArray &out, int table, bool withServices)
{
    out += "{\"table\":";
    appendJsonString(out, tableSpecs().at(table).name);
    out += ",\"columns\":[";
    const QStringList &names = columnList(table);
    for (int i = 0; i < names.size(); ++i) {
        if (i > 0)
            out += ',';
        appendJsonString(out, names.at(i));
    }
    if (withServices)
        out += ",\"services\"";
    out += "],\"rows\":[";
}

#ifdef GUICHET_SQLITE_C_API
// Whether `size` bytes are well-formed UTF-8 (no overlong form, no surrogate,
// nothing past U+10FFFF): then they are the bytes Qt's driver would give back
// after its round trip through UTF-16.
bool isUtf8(const uchar *p, qsizetype size)
{
    const uchar *const end = p + size;
    while (p != end) {
        const uchar c = *p;
        if (c < 0x80) {
            ++p;
            continue;
        }
        int extra;
        uint code;
        uint least;
        if (c >= 0xC2 && c <= 0xDF) {
            extra = 1;
            code = c & 0x1F;
            least = 0x80;
        } else if ((c & 0xF0) == 0xE0) {
            extra = 2;
            code = c & 0x0F;
            least = 0x800;
        } else if (c >= 0xF0 && c <= 0xF4) {
            extra = 3;
            code = c & 0x07;
            least = 0x10000;
        } else {
            return false;
        }
        if (end - p <= extra)
            return false;
        for (int i = 1; i <= extra; ++i) {
            if ((p[i] & 0xC0) != 0x80)
                return false;
            code = (code << 6) | (p[i] & 0x3F);
        }
        if (code < least || code > 0x10FFFF || (code >= 0xD800 && code <= 0xDFFF))
            return false;
        p += extra + 1;
    }
    return true;
}

// A statement run through the SQLite C API on Qt's own connection (so in the
// page's read transaction).
class SqliteRows
{
public:
    SqliteRows(sqlite3 *sqlite, const QString &sql)
        : m_sqlite(sqlite)
    {
        const QByteArray utf8 = sql.toUtf8();
        if (sqlite3_prepare_v2(m_sqlite, utf8.constData(), int(utf8.size()), &m_statement, nullptr)
            != SQLITE_OK)
            throw DatabaseError(QString::fromUtf8(sqlite3_errmsg(m_sqlite))
                                + QStringLiteral(" [%1]").arg(sql));
    }
    ~SqliteRows() { sqlite3_finalize(m_statement); }
    SqliteRows(const SqliteRows &) = delete;
    SqliteRows &operator=(const SqliteRows &) = delete;

    bool next()
    {
        const int rc = sqlite3_step(m_statement);
        if (rc == SQLITE_ROW)
            return true;
        if (rc != SQLITE_DONE)
            throw DatabaseError(QString::fromUtf8(sqlite3_errmsg(m_sqlite)));
        return false;
    }
    sqlite3_stmt *statement() const { return m_statement; }

private:
    sqlite3 *m_sqlite;
    sqlite3_stmt *m_statement = nullptr;
};

// A column's value as appendJsonValue() writes the QVariant Qt's SQLite
// driver makes of it (by the value's storage class, as the driver does).
void appendSqliteValue(QByteArray &out, sqlite3_stmt *statement, int column)
{
    switch (sqlite3_column_type(statement, column)) {
    case SQLITE_INTEGER:
        appendInteger(out, sqlite3_column_int64(statement, column));
        return;
    case SQLITE_FLOAT:
        appendDouble(out, sqlite3_column_double(statement, column));
        return;
    case SQLITE_NULL:
        out += "null";
        return;
    case SQLITE_BLOB:
        // The driver gives a QByteArray, which the page writes as UTF-8 text.
        appendJsonString(out,
                         QString::fromUtf8(static_cast<const char *>(sqlite3_column_blob(statement, column)),
                                           sqlite3_column_bytes(statement, column)));
        return;
    default: {
        const uchar *text = sqlite3_column_text(statement, column);
        const int size = sqlite3_column_bytes(statement, column);
        if (isUtf8(text, size)) {
            appendJsonUtf8(out, reinterpret_cast<const char *>(text), size);
            return;
        }
        // Not UTF-8 (another program wrote it): as the driver reads it, through SQLite's UTF-16.
        const void *utf16 = sqlite3_column_text16(statement, column);
        appendJsonString(out,
                         QString(static_cast<const QChar *>(utf16),
                                 sqlite3_column_bytes16(statement, column) / qsizetype(sizeof(QChar))));
    }
    }
}

// One table's rows of a first-sync page, as format 2 arrays separated by
// commas, read through the SQLite C API; false when it has none. `ids`, when
// given, receives the rows' ids.
bool appendTableRowsSqlite(QByteArray &out, sqlite3 *sqlite, int table, const QString &where,
                           QList<qint64> *ids)
{
    const TableSpec &spec = tableSpecs().at(table);
    const bool withServices = spec.name == QLatin1String("attachments");
    QHash<qint64, QByteArray> services; // "[1,2" without its closing bracket
    if (withServices) {
        SqliteRows query(sqlite,
                         QStringLiteral("SELECT attachment_id, service_id FROM attachment_services WHERE "
                                        "attachment_id IN (SELECT id FROM attachments WHERE %1) ORDER BY "
                                        "attachment_id, service_id")
                             .arg(where));
        while (query.next()) {
            QByteArray &list = services[sqlite3_column_int64(query.statement(), 0)];
            list += list.isEmpty() ? '[' : ',';
            appendInteger(list, sqlite3_column_int64(query.statement(), 1));
        }
    }
    SqliteRows rows(sqlite,
                    QStringLiteral("SELECT %1 FROM %2 WHERE %3 ORDER BY version, id")
                        .arg(spec.columns, spec.name, where));
    sqlite3_stmt *const statement = rows.statement();
    const int count = int(columnList(table).size());
    bool any = false;
    while (rows.next()) {
        if (any)
            out += ',';
        any = true;
        if (ids)
            ids->append(sqlite3_column_int64(statement, 0));
        out += '[';
        for (int i = 0; i < count; ++i) {
            if (i > 0)
                out += ',';
            appendSqliteValue(out, statement, i);
        }
        if (withServices) {
            const auto list = services.constFind(sqlite3_column_int64(statement, 0));
            if (list == services.cend()) {
                out += ",[]";
            } else {
                out += ',';
                out += *list;
                out += ']';
            }
        }
        out += ']';
    }
    return any;
}
#endif

// A value PostgreSQL wrote as JSON (to_json) made the bytes the Item path
// writes, as if it stood in a row after '[' or ',':
// - its strings escape \b, \f, \r and \t by letter where appendJsonUtf8()
//   writes \u00XX (the same JSON);
// - a string starting with U+FEFF has it dropped, as QPSQL's reading drops it
//   (Database stores one mark of its own in front of such a text for that).
// A string opens with a quote at the start or after '[' or ',' (a closing
// quote is followed by one of them, an escaped one preceded by a backslash).
void appendPostgresJson(QByteArray &out, const char *begin, const char *end)
{
    const char *run = begin;
    for (const char *p = begin; p < end; ++p) {
        if (*p == '\\') {
            if (p + 1 >= end)
                break;
            const char *code = nullptr;
            switch (p[1]) {
            case 'b':
                code = "08";
                break;
            case 'f':
                code = "0c";
                break;
            case 'r':
                code = "0d";
                break;
            case 't':
                code = "09";
                break;
            default:
                break;
            }
            if (code) {
                out.append(run, p - run);
                out += "\\u00";
                out += code;
                run = p + 2;
            }
            ++p; // past the escaped character, a backslash included
        } else if (uchar(*p) == 0xEF && p - begin >= 1 && end - p >= 3 && uchar(p[1]) == 0xBB
                   && uchar(p[2]) == 0xBF && p[-1] == '"'
                   && (p - begin == 1 || p[-2] == ',' || p[-2] == '[')) {
            out.append(run, p - run);
            run = p + 3;
            p += 2;
        }
    }
    out.append(run, end - run);
}

// A text element of a row's array literal (appendPostgresRow()) as the JSON
// string appendJsonUtf8() writes for it: array_out escapes only quotes and
// backslashes, with a backslash as JSON does, so those stay as they are; its
// control characters come raw and are escaped here; a leading U+FEFF is
// dropped, as QPSQL's reading drops it (appendPostgresJson()).
void appendPostgresText(QByteArray &out, const char *begin, const char *end)
{
    static const char hex[] = "0123456789abcdef";
    out += '"';
    if (end - begin >= 3 && uchar(begin[0]) == 0xEF && uchar(begin[1]) == 0xBB && uchar(begin[2]) == 0xBF)
        begin += 3;
    const char *run = begin;
    for (const char *p = begin; p < end; ++p) {
        const uchar c = uchar(*p);
        if (c == '\\') {
            ++p; // \" or \\, JSON's own escapes
        } else if (c < 0x20) {
            out.append(run, p - run);
            run = p + 1;
            if (c == '\n') {
                out += "\\n";
            } else {
                out += "\\u00";
                out += hex[c >> 4];
                out += hex[c & 0xf];
            }
        }
    }
    out.append(run, end - run);
    out += '"';
}

// A row PostgreSQL wrote as the array literal of its values as texts
// (appendTableRowsPostgres()), made the format 2 array the Item path writes.
// array_out writes `{a,"b c",NULL,""}`: an element in quotes when it is
// empty, reads as NULL in any case, or holds a quote, a backslash, a brace, a
// comma or white space, with its quotes and backslashes escaped by a
// backslash; SQL's NULL as NULL without quotes. `kinds` has one letter per
// element: 'i' an integer (its digits), 't' a text (a JSON string), 'j' JSON
// from to_json (appendPostgresJson()). `id`, when given, receives the first
// element's value. `services`, when given, holds the attachments' services
// ("1,2" by the attachment's id, none for none), written as the row's last
// value.
void appendPostgresRow(QByteArray &out, const QByteArray &row, const QByteArray &kinds, qint64 *id,
                       const QHash<qint64, QByteArray> *services)
{
    qint64 rowId = 0;
    if (services && !id)
        id = &rowId;
    const char *p = row.constData();
    const char *const end = p + row.size();
    const auto malformed = [&row] {
        return DatabaseError(
            QStringLiteral("an unexpected row from PostgreSQL: %1").arg(QString::fromUtf8(row.left(200))));
    };
    if (p == end || *p != '{')
        throw malformed();
    ++p;
    QByteArray unescaped;
    out += '[';
    for (qsizetype i = 0; i < kinds.size(); ++i) {
        if (i > 0)
            out += ',';
        const char kind = kinds.at(i);
        const char *first;
        const char *last;
        const bool quoted = p < end && *p == '"';
        if (quoted) {
            first = ++p;
            while (p < end && *p != '"')
                p += *p == '\\' ? 2 : 1;
            if (p >= end)
                throw malformed();
            last = p++;
        } else {
            first = p;
            while (p < end && *p != ',' && *p != '}')
                ++p;
            last = p;
        }
        if (p >= end || *p != (i + 1 < kinds.size() ? ',' : '}'))
            throw malformed();
        ++p;
        if (i == 0 && id && (quoted || std::from_chars(first, last, *id).ec != std::errc()))
            throw malformed();
        if (!quoted && last - first == 4 && std::equal(first, last, "NULL")) {
            out += "null"; // quoted, "NULL" is a text
            continue;
        }
        if (kind == 't') {
            appendPostgresText(out, first, last);
            continue;
        }
        if (quoted) {
            unescaped.clear();
            for (const char *q = first; q < last; ++q) {
                if (*q == '\\')
                    ++q;
                unescaped += *q;
            }
            first = unescaped.constData();
            last = first + unescaped.size();
        }
        if (kind == 'j') {
            appendPostgresJson(out, first, last);
        } else {
            out.append(first, last - first);
        }
    }
    if (p != end)
        throw malformed();
    if (services) {
        out += ",[";
        out += services->value(*id);
        out += ']';
    }
    out += ']';
}

// One table's rows of a first-sync page on PostgreSQL: the server writes
// each row as one text, the array literal of its values as texts (no
// QVariant per column), which appendPostgresRow() makes JSON; false when it
// has none. An array literal costs PostgreSQL a cast per integer and nothing
// per text, where JSON built in SQL cost it ~70 function calls a row (quoting
// and escaping each text, coalescing each NULL, concatenating).
// `kinds`: the synced columns ("table.column") of an integer type ('i') and
// of a text type ('t'); any other goes through to_json.
// `ids`, when given, receives the rows' ids.
bool appendTableRowsPostgres(QByteArray &out, const Database &db, int table, const QString &where,
                             const SqlValues &values, const QHash<QString, char> &kinds, QList<qint64> *ids)
{
    const TableSpec &spec = tableSpecs().at(table);
    QStringList columns;
    QByteArray elements;
    for (const QString &column : columnList(table)) {
        const char kind = kinds.value(spec.name + QLatin1Char('.') + column);
        if (kind == 'i') {
            columns.append(column + QLatin1String("::text"));
        } else if (kind == 't') {
            columns.append(column);
        } else {
            columns.append(QStringLiteral("to_json(%1)::text").arg(column));
            elements += 'j';
            continue;
        }
        elements += kind;
    }
    // The attachments' services apart, before their rows (as on SQLite): as
    // a sub-select of each row, PostgreSQL scanned attachment_services once
    // per attachment, on a table of a few pages sequentially (the length of
    // its file asked of the system each time), doubling the rows' cost.
    const bool withServices = spec.name == QLatin1String("attachments");
    QHash<qint64, QByteArray> services; // "1,2"
    if (withServices) {
        QSqlQuery query = execBound(
            db,
            QStringLiteral("SELECT attachment_id, string_agg(service_id::text, ',' ORDER BY service_id) FROM "
                           "attachment_services WHERE attachment_id IN (SELECT id FROM attachments WHERE %1) "
                           "GROUP BY attachment_id")
                .arg(where),
            values);
        while (query.next())
            services.insert(query.value(0).toLongLong(), query.value(1).toString().toLatin1());
    }
    // A row at a time (QPSQL's single-row mode): the server writes the next
    // rows while these are copied; one aggregate would make it build the whole
    // table first.
    QSqlQuery query = execBound(db,
                                QStringLiteral("SELECT ARRAY[%1]::text FROM %2 WHERE %3 ORDER BY version, id")
                                    .arg(columns.join(QStringLiteral(", ")), spec.name, where),
                                values);
    bool any = false;
    while (query.next()) {
        if (any)
            out += ',';
        any = true;
        qint64 id = 0;
        appendPostgresRow(out, query.value(0).toString().toUtf8(), elements, ids ? &id : nullptr,
                          withServices ? &services : nullptr);
        if (ids)
            ids->append(id);
    }
    return any;
}

// The rows of each table in a version range, as format 2 arrays separated by
// commas (empty for a table without any), written while they are read: what
// pageText() writes from Items for the same rows. Nothing when this connection
// cannot (SQLite through a driver with its own copy of the library).
// `first`, when the page was cut by firstVersions() (up to `checkpoint`): a
// table without a visible row in the range is not read, and the users are
// read by the ids it found when it holds them all. `userIds` receives the
// ids of the users rows written.
std::optional<QList<QByteArray>> rowsFromCursor(Database &db, const Scope &scope, const QString &versionWhere,
                                                const SqlValues &values, const FirstVersions *first,
                                                qint64 checkpoint, QList<qint64> *userIds)
{
#ifdef GUICHET_SQLITE_C_API
    sqlite3 *const sqlite = db.sqliteHandle();
#else
    void *const sqlite = nullptr;
#endif
    if (!sqlite && !db.isPostgres())
        return std::nullopt;
    QHash<QString, char> kinds;
    if (!sqlite) {
        // The tables as one parameter: prepared once per connection (Database::exec).
        QSqlQuery query = db.exec(
            QStringLiteral(
                "SELECT c.relname || '.' || a.attname, a.atttypid IN ('int2'::regtype, 'int4'::regtype, "
                "'int8'::regtype) FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid WHERE "
                "pg_table_is_visible(c.oid) AND c.relname = ANY (?::name[]) AND a.attnum > 0 AND NOT "
                "a.attisdropped AND a.atttypid IN ('int2'::regtype, 'int4'::regtype, 'int8'::regtype, "
                "'text'::regtype, 'varchar'::regtype)"),
            { QStringLiteral("{%1}").arg(ChangeFeed::tables().join(QLatin1Char(','))) });
        while (query.next())
            kinds.insert(query.value(0).toString(), query.value(1).toBool() ? 'i' : 't');
    }
    const int usersTable = tableIndex(QStringLiteral("users"));
    const std::optional<QList<qint64>> users = first ? first->userIds(checkpoint) : std::nullopt;
    QList<QByteArray> tables;
    for (int t = 0; t < tableSpecs().size(); ++t) {
        QByteArray rows;
        if (first && !first->mayHaveRows(t, checkpoint)) {
            tables.append(rows);
            continue;
        }
        const bool byId = t == usersTable && users;
        const QString where = QStringLiteral("%1 AND (%2)")
                                  .arg(versionWhere,
                                       byId ? QStringLiteral("id IN (@users)")
                                            : visibleWhere(tableSpecs().at(t).name, scope));
        SqlValues tableValues = values;
        if (byId)
            tableValues.insert(QStringLiteral("users"), *users);
        QList<qint64> *const ids = t == usersTable ? userIds : nullptr;
#ifdef GUICHET_SQLITE_C_API
        if (sqlite)
            appendTableRowsSqlite(rows, sqlite, t, bindSql(db, where, tableValues).sql, ids);
        else
            appendTableRowsPostgres(rows, db, t, where, tableValues, kinds, ids);
#else
        appendTableRowsPostgres(rows, db, t, where, tableValues, kinds, ids);
#endif
        tables.append(rows);
    }
    return tables;
}

} // namespace

ChangeFeed::ChangeFeed(Core &core)
    : m_core(core)
{
}

const QStringList &ChangeFeed::tables()
{
    static const QStringList names = [] {
        QStringList list;
        for (const TableSpec &spec : tableSpecs())
            list.append(spec.name);
        return list;
    }();
    return names;
}

QStringList ChangeFeed::columns(const QString &table)
{
    const int index = tableIndex(table);
    if (index < 0)
        return {};
    return columnList(index);
}

QList<QJsonObject> ChangeFeed::rows(const QString &table, const QList<qint64> &ids) const
{
    const int index = tableIndex(table);
    if (index < 0 || ids.isEmpty())
        return {};
    QHash<qint64, QJsonObject> byId;
    for (const Item &item :
         fetchRows(m_core.db(), index, QStringLiteral("id IN (@ids)"), { { QStringLiteral("ids"), ids } }, 0))
        byId.insert(item.id, rowObject(item));
    QList<QJsonObject> result;
    for (const qint64 id : ids) {
        const auto found = byId.constFind(id);
        if (found != byId.cend())
            result.append(*found);
    }
    return result;
}

ChangeFeed::Concerned ChangeFeed::concerned(qint64 since, const QList<qint64> &candidates,
                                            int maxChanges) const
{
    Database &db = m_core.db();
    ReadSnapshot snapshot(db);
    Concerned result;
    result.version = db.currentVersion();
    since = std::max<qint64>(since, 0);
    if (since >= result.version)
        return result;
    // What the changed rows hang on, by the rules of visibleWhere: users
    // (their own rows), structures (whoever is attached to one, any status,
    // may see its rows and its people), and support (every solicitation).
    QSet<qint64> users;
    QSet<qint64> structures;
    bool support = false;
    int seen = 0;
    bool tooMany = false;
    const QString range = QStringLiteral("version > %1 AND version <= %2").arg(since).arg(result.version);
    const auto collect = [&](const QString &sql, QSet<qint64> *first, QSet<qint64> *second) {
        if (tooMany)
            return;
        QSqlQuery query = db.exec(sql.arg(range) + QStringLiteral(" LIMIT %1").arg(maxChanges + 1 - seen));
        while (query.next()) {
            if (++seen > maxChanges) {
                tooMany = true;
                return;
            }
            if (first && !query.value(0).isNull())
                first->insert(query.value(0).toLongLong());
            if (second && !query.value(1).isNull())
                second->insert(query.value(1).toLongLong());
        }
    };
    QSet<qint64> userRows;
    collect(QStringLiteral("SELECT id FROM users WHERE %1"), &userRows, nullptr);
    QSet<qint64> structureRows; // may reset a structure for its secondary managers
    collect(QStringLiteral("SELECT id FROM structures WHERE %1"), &structureRows, nullptr);
    structures += structureRows;
    collect(QStringLiteral("SELECT structure_id FROM services WHERE %1"), &structures, nullptr);
    collect(QStringLiteral("SELECT structure_id FROM structure_spaces WHERE %1"), &structures, nullptr);
    collect(QStringLiteral("SELECT structure_id FROM structure_self_service WHERE %1"), &structures, nullptr);
    collect(QStringLiteral("SELECT user_id, structure_id FROM attachments WHERE %1"), &users, &structures);
    collect(QStringLiteral("SELECT user_id, structure_id FROM subscriptions WHERE %1"), &users, &structures);
    collect(QStringLiteral("SELECT user_id FROM attached_files WHERE %1"), &users, nullptr);
    QSet<qint64> solicitationUsers;
    collect(QStringLiteral("SELECT user_id FROM solicitations WHERE %1"), &solicitationUsers, nullptr);
    collect(
        QStringLiteral("SELECT s.user_id FROM (SELECT solicitation_id FROM solicitation_messages WHERE %1) m "
                       "JOIN solicitations s ON s.id = m.solicitation_id"),
        &solicitationUsers, nullptr);
    collect(QStringLiteral("SELECT structure_id FROM audit_log WHERE %1"), &structures, nullptr);
    collect(QStringLiteral("SELECT structure_id FROM structure_bank_details WHERE %1"), &structures, nullptr);
    if (!tooMany) {
        QSqlQuery query = db.exec(QStringLiteral("SELECT table_name, user_id, structure_id FROM tombstones "
                                                 "WHERE %1 LIMIT %2")
                                      .arg(range)
                                      .arg(maxChanges + 1 - seen));
        while (query.next() && !tooMany) {
            if (++seen > maxChanges)
                tooMany = true;
            const QString table = query.value(0).toString();
            if (table == QLatin1String("solicitations") || table == QLatin1String("solicitation_messages"))
                support = true;
            if (!query.value(1).isNull())
                users.insert(query.value(1).toLongLong());
            if (!query.value(2).isNull())
                structures.insert(query.value(2).toLongLong());
        }
    }
    if (tooMany) {
        result.everyone = true;
        return result;
    }
    if (!solicitationUsers.isEmpty() || !userRows.isEmpty())
        support = true; // support sees every solicitation and its sender's row
    // Their own rows changed: a page of their own.
    QSet<qint64> own = users;
    own += solicitationUsers;
    own += userRows;
    QSet<qint64> all = own;
    // A user row is seen by whoever shares a structure with its owner.
    if (!userRows.isEmpty()) {
        QList<qint64> changedUsers(userRows.cbegin(), userRows.cend());
        std::sort(changedUsers.begin(), changedUsers.end());
        for (const qint64 id :
             idsOf(db,
                   QStringLiteral("SELECT structure_id FROM attachments WHERE user_id IN (%1)")
                       .arg(idList(changedUsers))))
            structures.insert(id);
    }
    if (!structures.isEmpty()) {
        QList<qint64> list(structures.cbegin(), structures.cend());
        std::sort(list.begin(), list.end());
        for (const qint64 id :
             idsOf(db,
                   QStringLiteral("SELECT DISTINCT user_id FROM attachments WHERE structure_id IN (%1)")
                       .arg(idList(list))))
            all.insert(id);
    }
    QSet<qint64> supportUsers;
    if (support) {
        for (const qint64 id : idsOf(db, QStringLiteral("SELECT id FROM users WHERE is_support = 1")))
            supportUsers.insert(id);
        all += supportUsers;
    }
    // The others' pages depend on their scope only (no row of theirs in the
    // range, no reset: no structure row changed): the key of their scope.
    QList<qint64> shared;
    for (const qint64 id : candidates) {
        if (!all.contains(id) || result.users.contains(id))
            continue;
        result.users.insert(id, QByteArray());
        if (!own.contains(id) && structureRows.isEmpty())
            shared.append(id);
    }
    std::sort(shared.begin(), shared.end());
    for (qsizetype from = 0; from < shared.size(); from += 1000) {
        const QList<qint64> chunk = shared.mid(from, 1000);
        QHash<qint64, QByteArray> keys;
        for (const qint64 id : chunk)
            keys.insert(id,
                        supportUsers.contains(id) ? QByteArrayLiteral("support") : QByteArrayLiteral("user"));
        QSqlQuery query = db.exec(QStringLiteral("SELECT a.user_id, a.structure_id, a.role, a.status, "
                                                 "s.secondary_powers FROM attachments a JOIN structures s ON "
                                                 "s.id = a.structure_id WHERE a.user_id IN (%1) ORDER BY "
                                                 "a.user_id, a.structure_id, a.role, a.status")
                                      .arg(idList(chunk)));
        while (query.next()) {
            QByteArray &key = keys[query.value(0).toLongLong()];
            key += ';' + query.value(1).toString().toLatin1() + ':' + query.value(2).toString().toUtf8() + ':'
                + query.value(3).toString().toUtf8() + ':' + query.value(4).toString().toLatin1();
        }
        for (auto it = keys.cbegin(); it != keys.cend(); ++it)
            result.users.insert(it.key(), it.value());
    }
    return result;
}

namespace {

// One page, before it is written in either format.
struct PageData
{
    qint64 checkpoint = 0;
    bool more = false;
    QJsonArray resets;
    QList<Item> delivered; // rows (table >= 0) and deletions
    qint64 total = -1; // first page of a first sync, when asked: every visible row
    // Format 2, written from the cursor (rowsFromCursor): each table's rows of
    // the version range, before that table's Items (rows sent again and reset
    // rows); delivered holds the rest of the page.
    std::optional<QList<QByteArray>> rangeRows = std::nullopt;
    // Of those rows, the ones a deletion in the page names ("table/id").
    QSet<QString> rangeDeleted = {};
};

// What the whole first sync brings: every row the scope sees up to `current`,
// for the desktop's « n / N ». One statement: on PostgreSQL one round trip
// instead of one per table.
qint64 visibleRows(Database &db, const Scope &scope, qint64 current)
{
    QStringList counts;
    for (const TableSpec &spec : tableSpecs())
        counts.append(QStringLiteral("(SELECT COUNT(*) FROM %1 WHERE version <= @current AND (%2))")
                          .arg(spec.name, visibleWhere(spec.name, scope)));
    SqlValues values = scope.values();
    values.insert(QStringLiteral("current"), current);
    // Written in: run once per first sync, nothing to keep a plan for; and
    // planned for the range it counts (every version), not a generic one.
    values.writtenIn = true;
    const SqlFragment count
        = bindSql(db, QStringLiteral("SELECT ") + counts.join(QStringLiteral(" + ")), values);
    return db.value(count.sql, count.args).toLongLong();
}

// fromCursor: the rows of the page's version range are written as they are
// read (rowsFromCursor, format 2 only) when the connection allows it; what
// resets, users sent again and deletions need of them is read apart.
// writtenIn: the statements' values written into their text (SqlValues).
std::optional<PageData> readPage(Database &db, qint64 userId, qint64 since, int limit, qint64 onlyAt,
                                 bool withTotal, bool fromCursor, bool writtenIn)
{
    since = std::max<qint64>(since, 0);
    // The common poll: nothing changed anywhere, one cheap query.
    if (since > 0 && onlyAt == 0) {
        const qint64 now = db.currentVersion();
        if (since >= now)
            return PageData { now, false, {}, {}, -1, std::nullopt, {} };
    }

    ReadSnapshot snapshot(db);
    const qint64 current = db.currentVersion();
    if (onlyAt > 0 && current != onlyAt)
        return std::nullopt;
    if (since > 0 && since >= current)
        return PageData { current, false, {}, {}, -1, std::nullopt, {} };
    Scope scope = loadScope(db, userId);
    scope.writtenIn = writtenIn;
    // A first sync (since 0) starts from an empty replica: nothing to delete or reset.
    const bool incremental = since > 0;

    // Bounded by `current`: on PostgreSQL the snapshot may hold a later version
    // whose earlier one is not committed yet; reading it would move the
    // checkpoint past the earlier one for good.
    QList<Item> delivered;
    qint64 checkpoint = current;
    bool more = false;
    const FirstVersions first
        = limit > 0 ? firstVersions(db, scope, since, current, limit + 1, incremental) : FirstVersions();
    const QList<qint64> &versions = first.versions;
    if (limit > 0 && versions.size() > limit) {
        // Never split one command's rows: the next page starts after `checkpoint`.
        const qint64 cut = versions.at(limit - 1);
        int end = limit;
        if (versions.at(limit) == cut) {
            end = 0;
            while (versions.at(end) != cut)
                ++end;
        }
        if (end > 0) {
            checkpoint = versions.at(end - 1);
            more = true;
        } else {
            // One command changed more rows than a page holds: send them all.
            checkpoint = cut;
            more = cut < current;
        }
    }
    const QString versionWhere = QStringLiteral("version > @since AND version <= @checkpoint");
    // What versionWhere and the scope's conditions name.
    SqlValues values = scope.values();
    values.insert(QStringLiteral("since"), since);
    values.insert(QStringLiteral("checkpoint"), checkpoint);
    const auto with = [&](const QString &name, const SqlValues::Value &value) {
        SqlValues extended = values;
        extended.insert(name, value);
        return extended;
    };
    std::optional<QList<QByteArray>> rangeRows;
    QList<qint64> rangeUsers; // the users rows of rangeRows
    if (fromCursor)
        rangeRows = rowsFromCursor(db, scope, versionWhere, values, limit > 0 ? &first : nullptr, checkpoint,
                                   &rangeUsers);
    if (!rangeRows)
        delivered = fetchChanges(db, scope, versionWhere, values, incremental);
    else if (incremental)
        delivered = fetchTombstones(db,
                                    QStringLiteral("%1 AND (%2)")
                                        .arg(versionWhere, visibleWhere(QStringLiteral("tombstones"), scope)),
                                    values, 0);

    const int usersTable = tableIndex(QStringLiteral("users"));
    const int structuresTable = tableIndex(QStringLiteral("structures"));
    const int attachmentsTable = tableIndex(QStringLiteral("attachments"));

    QJsonArray resets;
    QSet<qint64> deliveredUsers;
    for (const Item &item : delivered) {
        if (item.table == usersTable)
            deliveredUsers.insert(item.id);
    }
    QSet<QString> rangeDeleted;
    if (incremental && rangeRows) {
        // The range's rows are not Items: what follows reads what it needs of them.
        for (const qint64 id : std::as_const(rangeUsers))
            deliveredUsers.insert(id);
        QHash<QString, QList<qint64>> deletedIds;
        for (const Item &item : delivered) {
            if (item.table < 0 && tableIndex(item.deletedTable) >= 0)
                deletedIds[item.deletedTable].append(item.id);
        }
        for (auto it = deletedIds.cbegin(); it != deletedIds.cend(); ++it) {
            for (const qint64 id :
                 idsOf(db,
                       QStringLiteral("SELECT id FROM %1 WHERE %2 AND (%3) AND id IN (@deleted)")
                           .arg(it.key(), versionWhere, visibleWhere(it.key(), scope)),
                       with(QStringLiteral("deleted"), it.value())))
                rangeDeleted.insert(it.key() + QLatin1Char('/') + QString::number(id));
        }
    }
    if (incremental) {
        // The caller's view of a structure changed in this page: its own
        // attachment there changed or went, or, as a secondary manager, the
        // structure's secondary powers may have changed.
        QList<qint64> resetStructures;
        for (const Item &item : delivered) {
            qint64 structure = 0;
            if (item.table == attachmentsTable && itemValue(item, QStringLiteral("user_id")) == userId)
                structure = itemValue(item, QStringLiteral("structure_id"));
            else if (item.table < 0 && item.deletedTable == QLatin1String("attachments")
                     && item.userId == userId)
                structure = item.structureId;
            else if (item.table == structuresTable && scope.secondary.contains(item.id))
                structure = item.id;
            if (structure && !resetStructures.contains(structure))
                resetStructures.append(structure);
        }
        if (rangeRows) {
            // The same rows of the range (own attachments are always visible,
            // and so are the structures of secondary attachments).
            QList<qint64> structures
                = idsOf(db,
                        QStringLiteral("SELECT structure_id FROM attachments WHERE %1 AND user_id = @user")
                            .arg(versionWhere),
                        values);
            if (!scope.secondary.isEmpty())
                structures
                    += idsOf(db,
                             QStringLiteral("SELECT id FROM structures WHERE %1 AND id IN (@secondary)")
                                 .arg(versionWhere),
                             with(QStringLiteral("secondary"), scope.secondary));
            for (const qint64 structure : std::as_const(structures)) {
                if (!resetStructures.contains(structure))
                    resetStructures.append(structure);
            }
        }
        std::sort(resetStructures.begin(), resetStructures.end());

        for (const qint64 structure : resetStructures) {
            const bool visible = scope.attached.contains(structure);
            resets.append(QJsonObject {
                { QStringLiteral("structure"), structure },
                { QStringLiteral("action"), visible ? QStringLiteral("refetch") : QStringLiteral("drop") } });
            // The replica drops every row of the structure: send back the
            // visible ones it already had (newer ones are in the stream).
            for (int t = 0; t < tableSpecs().size(); ++t) {
                const QString &name = tableSpecs().at(t).name;
                QString own;
                if (name == QLatin1String("structures"))
                    own = QStringLiteral("id = @structure");
                else if (isStructureTable(name))
                    own = QStringLiteral("structure_id = @structure");
                else
                    continue;
                QList<Item> rows = fetchRows(
                    db, t,
                    QStringLiteral("version <= @since AND %1 AND (%2)").arg(own, visibleWhere(name, scope)),
                    with(QStringLiteral("structure"), structure), 0);
                delivered += rows;
            }
        }

        // User rows are visible through others' attachments and requests, so
        // their visibility changes without their own version changing: every
        // user touched by this page is sent again, or deleted when no longer visible.
        QList<qint64> touchedStructures = scope.attached;
        for (const qint64 structure : resetStructures) {
            if (!touchedStructures.contains(structure))
                touchedStructures.append(structure);
        }
        const SqlValues touched = with(QStringLiteral("touched"), touchedStructures);
        QList<qint64> candidates = idsOf(
            db,
            QStringLiteral("SELECT user_id FROM attachments WHERE %1 AND %2")
                .arg(versionWhere, inList(db, QStringLiteral("structure_id"), QStringLiteral("touched"))),
            touched);
        candidates += idsOf(
            db,
            QStringLiteral("SELECT user_id FROM tombstones WHERE table_name = 'attachments' AND "
                           "%1 AND %2")
                .arg(versionWhere, inList(db, QStringLiteral("structure_id"), QStringLiteral("touched"))),
            touched);
        if (!resetStructures.isEmpty())
            candidates
                += idsOf(db, QStringLiteral("SELECT user_id FROM attachments WHERE structure_id IN (@reset)"),
                         { { QStringLiteral("reset"), resetStructures } });
        if (scope.support)
            candidates += idsOf(
                db, QStringLiteral("SELECT user_id FROM solicitations WHERE %1").arg(versionWhere), values);
        QList<qint64> unique;
        QSet<qint64> seen = deliveredUsers;
        seen.insert(userId);
        for (const qint64 id : std::as_const(candidates)) {
            if (!seen.contains(id)) {
                seen.insert(id);
                unique.append(id);
            }
        }
        if (!unique.isEmpty()) {
            std::sort(unique.begin(), unique.end());
            const QList<Item> visibleUsers = fetchRows(
                db, usersTable,
                QStringLiteral("id IN (@unique) AND (%1)").arg(visibleWhere(QStringLiteral("users"), scope)),
                with(QStringLiteral("unique"), unique), 0);
            QSet<qint64> stillVisible;
            for (const Item &user : visibleUsers)
                stillVisible.insert(user.id);
            delivered += visibleUsers;
            for (const qint64 id : std::as_const(unique)) {
                if (!stillVisible.contains(id)) {
                    Item gone;
                    gone.deletedTable = QStringLiteral("users");
                    gone.id = id;
                    delivered.append(gone);
                }
            }
        }
    }

    addAttachmentServices(db, delivered, writtenIn);
    PageData data {
        checkpoint, more, resets, std::move(delivered), -1, std::move(rangeRows), std::move(rangeDeleted)
    };
    if (withTotal && since == 0)
        data.total = visibleRows(db, scope, current);
    return data;
}

// A deleted row that is also delivered (a row id reused after a deletion,
// which SQLite may do) exists again: its deletion is not sent. `present`:
// such rows delivered apart from the Items.
QList<const Item *> sentDeletions(const QList<Item> &delivered, QSet<QString> present = {})
{
    for (const Item &item : delivered) {
        if (item.table >= 0)
            present.insert(tableSpecs().at(item.table).name + QLatin1Char('/') + QString::number(item.id));
    }
    QList<const Item *> deleted;
    for (const Item &item : delivered) {
        if (item.table < 0
            && !present.contains(item.deletedTable + QLatin1Char('/') + QString::number(item.id)))
            deleted.append(&item);
    }
    return deleted;
}

QJsonObject pageObject(const PageData &data)
{
    QJsonArray rows;
    for (const Item &item : data.delivered) {
        if (item.table >= 0)
            rows.append(rowEntry(tableSpecs().at(item.table).name, rowObject(item)));
    }
    QJsonArray deleted;
    for (const Item *item : sentDeletions(data.delivered))
        deleted.append(deletedEntry(item->deletedTable, item->id));
    return makePage(data.checkpoint, data.more, data.resets, rows, deleted);
}

// Format 2 (docs/API.md « Compact pages »): rows grouped by table, parents
// first, each table's column names once and each row an array of values in
// that order; a table keeps its rows in the stream's order.
QByteArray pageText(const PageData &data)
{
    QByteArray out;
    qsizetype size = 4096 + data.delivered.size() * 160;
    if (data.rangeRows) {
        for (const QByteArray &rows : *data.rangeRows)
            size += rows.size() + 512;
    }
    out.reserve(size);
    out += "{\"format\":2,\"checkpoint\":";
    out += QByteArray::number(data.checkpoint);
    out += ",\"more\":";
    out += data.more ? "true" : "false";
    if (data.total >= 0) {
        out += ",\"total\":";
        out += QByteArray::number(data.total);
    }
    out += ",\"resets\":";
    out += QJsonDocument(data.resets).toJson(QJsonDocument::Compact);
    out += ",\"tables\":[";
    bool firstTable = true;
    for (int t = 0; t < tableSpecs().size(); ++t) {
        bool any = false;
        const auto start = [&](bool withServices) {
            any = true;
            if (!firstTable)
                out += ',';
            firstTable = false;
            appendTableHeader(out, t, withServices);
        };
        if (data.rangeRows && !data.rangeRows->at(t).isEmpty()) {
            start(tableSpecs().at(t).name == QLatin1String("attachments"));
            out += data.rangeRows->at(t);
        }
        for (const Item &item : data.delivered) {
            if (item.table != t)
                continue;
            if (!any)
                start(item.withServices);
            else
                out += ',';
            out += '[';
            for (int i = 0; i < item.values.size(); ++i) {
                if (i > 0)
                    out += ',';
                appendJsonValue(out, item.values.at(i));
            }
            if (item.withServices) {
                out += ",[";
                for (int i = 0; i < item.services.size(); ++i) {
                    if (i > 0)
                        out += ',';
                    out += QByteArray::number(item.services.at(i));
                }
                out += ']';
            }
            out += ']';
        }
        if (any)
            out += "]}";
    }
    out += "],\"deleted\":[";
    bool firstDeleted = true;
    for (const Item *item : sentDeletions(data.delivered, data.rangeDeleted)) {
        if (!firstDeleted)
            out += ',';
        firstDeleted = false;
        out += "{\"table\":";
        appendJsonString(out, item->deletedTable);
        out += ",\"id\":";
        out += QByteArray::number(item->id);
        out += '}';
    }
    out += "]}";
    return out;
}

} // namespace

std::optional<QJsonObject> ChangeFeed::pageAt(qint64 userId, qint64 since, int limit, qint64 version) const
{
    const std::optional<PageData> data
        = readPage(m_core.db(), userId, since, limit, version, false, false, !m_pagesFromCursor);
    if (!data)
        return std::nullopt;
    return pageObject(*data);
}

qint64 ChangeFeed::firstSyncTotal(qint64 userId) const
{
    Database &db = m_core.db();
    ReadSnapshot snapshot(db);
    return visibleRows(db, loadScope(db, userId), db.currentVersion());
}

QJsonObject ChangeFeed::everything(qint64 userId) const
{
    return page(userId, 0, 0);
}

QJsonObject ChangeFeed::page(qint64 userId, qint64 since, int limit) const
{
    return pageObject(*readPage(m_core.db(), userId, since, limit, 0, false, false, !m_pagesFromCursor));
}

QByteArray ChangeFeed::compactPage(qint64 userId, qint64 since, int limit, bool withTotal) const
{
    return pageText(
        *readPage(m_core.db(), userId, since, limit, 0, withTotal, m_pagesFromCursor, !m_pagesFromCursor));
}

std::optional<QByteArray> ChangeFeed::compactPageAt(qint64 userId, qint64 since, int limit, qint64 version,
                                                    bool withTotal) const
{
    const std::optional<PageData> data = readPage(m_core.db(), userId, since, limit, version, withTotal,
                                                  m_pagesFromCursor, !m_pagesFromCursor);
    if (!data)
        return std::nullopt;
    return pageText(*data);
}

} // namespace guichet
