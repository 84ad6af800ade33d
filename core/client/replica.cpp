#include "client/replica.h"

#include "kernel/database.h"
#include "kernel/textfold.h"
#include "rules/structures/structures.h"
#include "sync/changefeed.h"

#include <QHash>
#include <QJsonArray>
#include <QLocale>
#include <QScopeGuard>
#include <QSqlError>

#include <cmath>
#include <map>
#include <memory>
#include <vector>

#ifdef GUICHET_SQLITE_C_API
#include <sqlite3.h>
#endif

namespace guichet {

namespace {

// Columns besides `id` that must stay unique in a table: a stale row holding the
// value (e.g. a structure space disabled then enabled again, whose tombstone
// comes after the new row in the same page) gives way to the incoming row.
QStringList uniqueKey(const QString &table)
{
    if (table == QLatin1String("users"))
        return { QStringLiteral("email") };
    if (table == QLatin1String("structures"))
        return { QStringLiteral("siret") };
    if (table == QLatin1String("services"))
        return { QStringLiteral("structure_id"), QStringLiteral("code") };
    if (table == QLatin1String("structure_spaces") || table == QLatin1String("structure_self_service"))
        return { QStringLiteral("structure_id"), QStringLiteral("space_id") };
    if (table == QLatin1String("structure_bank_details"))
        return { QStringLiteral("structure_id") };
    return {};
}

bool isInteger(const QJsonValue &value)
{
    if (!value.isDouble())
        return false;
    const double d = value.toDouble();
    // Within qint64 too: past it, toInteger() gives 0, and a checkpoint of
    // 1e300 would be stored as 0 (caught by fuzz/change_page.cpp).
    return std::isfinite(d) && std::floor(d) == d && d >= -9223372036854775808.0 && d < 9223372036854775808.0;
}

QVariant toVariant(const QJsonValue &value)
{
    if (value.isNull())
        return QVariant(QMetaType(QMetaType::LongLong));
    if (value.isBool())
        return value.toBool() ? 1 : 0;
    if (isInteger(value))
        return value.toInteger();
    if (value.isDouble())
        return value.toDouble();
    return value.toString();
}

// The parts both formats share: checkpoint, resets, deleted.
QString validateCommon(const QJsonObject &page)
{
    if (!isInteger(page.value(QStringLiteral("checkpoint")))
        || page.value(QStringLiteral("checkpoint")).toInteger() < 0)
        return QStringLiteral("checkpoint: a version number is expected");
    for (const QString &key : { QStringLiteral("resets"), QStringLiteral("rows"), QStringLiteral("deleted"),
                                QStringLiteral("tables") }) {
        if (page.contains(key) && !page.value(key).isArray())
            return QStringLiteral("%1: a list is expected").arg(key);
    }
    const QJsonArray resets = page.value(QStringLiteral("resets")).toArray();
    for (const QJsonValue &reset : resets) {
        const QJsonObject o = reset.toObject();
        const QString action = o.value(QStringLiteral("action")).toString();
        if (!isInteger(o.value(QStringLiteral("structure")))
            || (action != QLatin1String("drop") && action != QLatin1String("refetch")))
            return QStringLiteral("resets: {structure, action: drop|refetch} expected");
    }
    const QJsonArray deleted = page.value(QStringLiteral("deleted")).toArray();
    for (const QJsonValue &entry : deleted) {
        const QJsonObject o = entry.toObject();
        if (ChangeFeed::columns(o.value(QStringLiteral("table")).toString()).isEmpty()
            || !isInteger(o.value(QStringLiteral("id"))))
            return QStringLiteral("deleted: {table, id} expected");
    }
    return {};
}

QString validateServices(const QJsonValue &value, const QString &field)
{
    if (!value.isArray())
        return QStringLiteral("%1: attachments services must be a list").arg(field);
    for (const QJsonValue &service : value.toArray()) {
        if (!isInteger(service))
            return QStringLiteral("%1: attachments services must be ids").arg(field);
    }
    return {};
}

// Checks the whole page before anything is applied. Returns an empty string
// when it is well formed, else what is wrong.
QString validate(const QJsonObject &page)
{
    QString problem = validateCommon(page);
    if (!problem.isEmpty())
        return problem;
    const QJsonArray rows = page.value(QStringLiteral("rows")).toArray();
    for (const QJsonValue &entry : rows) {
        const QJsonObject o = entry.toObject();
        const QString table = o.value(QStringLiteral("table")).toString();
        const QStringList columns = ChangeFeed::columns(table);
        if (columns.isEmpty())
            return QStringLiteral("rows: unknown table '%1'").arg(table);
        if (!o.value(QStringLiteral("row")).isObject())
            return QStringLiteral("rows: %1 without a row").arg(table);
        const QJsonObject row = o.value(QStringLiteral("row")).toObject();
        if (!isInteger(row.value(QStringLiteral("id"))))
            return QStringLiteral("rows: %1 row without an id").arg(table);
        for (auto it = row.begin(); it != row.end(); ++it) {
            if (table == QLatin1String("attachments") && it.key() == QLatin1String("services")) {
                problem = validateServices(it.value(), QStringLiteral("rows"));
                if (!problem.isEmpty())
                    return problem;
                continue;
            }
            if (!columns.contains(it.key()))
                return QStringLiteral("rows: %1 has no column '%2'").arg(table, it.key());
            if (it.value().isArray() || it.value().isObject() || it.value().isUndefined())
                return QStringLiteral("rows: %1.%2 is not a value").arg(table, it.key());
        }
    }
    return {};
}

// Format 2 (docs/API.md « Compact pages »): each `tables` entry names a table,
// its columns once (`id` among them, each at most once) and rows of exactly
// that many values.
QString validateCompact(const QJsonObject &page)
{
    QString problem = validateCommon(page);
    if (!problem.isEmpty())
        return problem;
    if (page.contains(QStringLiteral("rows")))
        return QStringLiteral("rows: format 2 sends its rows in tables");
    if (page.contains(QStringLiteral("total"))
        && (!isInteger(page.value(QStringLiteral("total")))
            || page.value(QStringLiteral("total")).toInteger() < 0))
        return QStringLiteral("total: a number of rows is expected");
    const QJsonArray tables = page.value(QStringLiteral("tables")).toArray();
    for (qsizetype t = 0; t < tables.size(); ++t) {
        const QString at = QStringLiteral("tables[%1]").arg(t);
        if (!tables.at(t).isObject())
            return QStringLiteral("%1: {table, columns, rows} expected").arg(at);
        const QJsonObject block = tables.at(t).toObject();
        const QString table = block.value(QStringLiteral("table")).toString();
        const QStringList known = ChangeFeed::columns(table);
        if (known.isEmpty())
            return QStringLiteral("%1.table: unknown table '%2'").arg(at, table);
        if (!block.value(QStringLiteral("columns")).isArray())
            return QStringLiteral("%1.columns: a list is expected").arg(at);
        const QJsonArray columns = block.value(QStringLiteral("columns")).toArray();
        QStringList names;
        for (const QJsonValue &column : columns) {
            const QString name = column.toString();
            const bool services = table == QLatin1String("attachments") && name == QLatin1String("services");
            if (!column.isString() || (!known.contains(name) && !services))
                return QStringLiteral("%1.columns: %2 has no column '%3'").arg(at, table, name);
            if (names.contains(name))
                return QStringLiteral("%1.columns: '%2' twice").arg(at, name);
            names.append(name);
        }
        const int id = int(names.indexOf(QStringLiteral("id")));
        if (id < 0)
            return QStringLiteral("%1.columns: 'id' is missing").arg(at);
        const int services = int(names.indexOf(QStringLiteral("services")));
        if (!block.value(QStringLiteral("rows")).isArray())
            return QStringLiteral("%1.rows: a list is expected").arg(at);
        const QJsonArray rows = block.value(QStringLiteral("rows")).toArray();
        for (qsizetype r = 0; r < rows.size(); ++r) {
            const QString rowAt = QStringLiteral("%1.rows[%2]").arg(at).arg(r);
            if (!rows.at(r).isArray())
                return QStringLiteral("%1: a list of values is expected").arg(rowAt);
            const QJsonArray row = rows.at(r).toArray();
            if (row.size() != names.size())
                return QStringLiteral("%1: %2 values for %3 columns")
                    .arg(rowAt)
                    .arg(row.size())
                    .arg(names.size());
            if (!isInteger(row.at(id)))
                return QStringLiteral("%1.id: an id is expected").arg(rowAt);
            for (int c = 0; c < row.size(); ++c) {
                if (c == services) {
                    problem = validateServices(row.at(c), rowAt + QStringLiteral(".services"));
                    if (!problem.isEmpty())
                        return problem;
                } else if (row.at(c).isArray() || row.at(c).isObject() || row.at(c).isUndefined()) {
                    return QStringLiteral("%1.%2: not a value").arg(rowAt, names.at(c));
                }
            }
        }
    }
    return {};
}

// The text a value reads as (QVariant's conversion of toVariant(value)): the
// structures' derived columns are computed from it.
QString textOf(const QJsonValue &value)
{
    if (value.isString())
        return value.toString();
    if (value.isBool())
        return value.toBool() ? QStringLiteral("1") : QStringLiteral("0");
    if (isInteger(value))
        return QString::number(value.toInteger());
    if (value.isDouble())
        return QString::number(value.toDouble(), 'g', QLocale::FloatingPointShortest);
    return {};
}

// One statement prepared for a whole page, with positional parameters ('?' or
// :v0, :v1, … in that order). On the desktop's SQLite replica it runs through
// the SQLite C API on Qt's own connection (so inside the page's transaction):
// the values go from the page's JSON straight to SQLite, text as UTF-8 — Qt's
// SQL layer costs a QVariant per value, a hash lookup per binding and UTF-16
// text that SQLite converts back to UTF-8, most of a first sync's apply.
// Elsewhere it is a QSqlQuery.
class Statement
{
public:
    Statement(Database &db, void *sqlite, const QString &sql, const QStringList &names = {})
        : m_db(db)
        , m_sql(sql)
        , m_names(names)
    {
#ifdef GUICHET_SQLITE_C_API
        m_sqlite = static_cast<sqlite3 *>(sqlite);
        if (m_sqlite) {
            const QByteArray utf8 = sql.toUtf8();
            if (sqlite3_prepare_v2(m_sqlite, utf8.constData(), int(utf8.size()), &m_statement, nullptr)
                != SQLITE_OK)
                throw DatabaseError(QString::fromUtf8(sqlite3_errmsg(m_sqlite)) + where());
            m_texts.resize(size_t(sqlite3_bind_parameter_count(m_statement)));
            return;
        }
#else
        Q_UNUSED(sqlite)
#endif
        m_query = std::make_unique<QSqlQuery>(m_db.connection());
        if (!m_query->prepare(sql))
            throw DatabaseError(m_query->lastError().text() + where());
    }
    ~Statement()
    {
#ifdef GUICHET_SQLITE_C_API
        if (m_statement)
            sqlite3_finalize(m_statement);
#endif
    }
    Statement(const Statement &) = delete;
    Statement &operator=(const Statement &) = delete;

    // A value of the page, read as toVariant() reads it.
    void bind(int i, const QJsonValue &value)
    {
#ifdef GUICHET_SQLITE_C_API
        if (m_statement) {
            int rc;
            if (value.isString())
                rc = bindText(i, value.toString());
            else if (value.isBool())
                rc = sqlite3_bind_int(m_statement, i + 1, value.toBool() ? 1 : 0);
            else if (isInteger(value))
                rc = sqlite3_bind_int64(m_statement, i + 1, value.toInteger());
            else if (value.isDouble())
                rc = sqlite3_bind_double(m_statement, i + 1, value.toDouble());
            else
                rc = sqlite3_bind_null(m_statement, i + 1);
            check(rc);
            return;
        }
#endif
        bindVariant(i, toVariant(value));
    }

    void bind(int i, const QVariant &value)
    {
#ifdef GUICHET_SQLITE_C_API
        if (m_statement) {
            int rc;
            switch (value.typeId()) {
            case QMetaType::QString:
                // A null text binds as NULL, as QSQLITE binds it.
                rc = value.toString().isNull() ? sqlite3_bind_null(m_statement, i + 1)
                                               : bindText(i, value.toString());
                break;
            case QMetaType::Bool:
            case QMetaType::Int:
            case QMetaType::UInt:
            case QMetaType::LongLong:
            case QMetaType::ULongLong:
                rc = value.isNull() ? sqlite3_bind_null(m_statement, i + 1)
                                    : sqlite3_bind_int64(m_statement, i + 1, value.toLongLong());
                break;
            case QMetaType::Double:
                rc = sqlite3_bind_double(m_statement, i + 1, value.toDouble());
                break;
            default:
                rc = value.isValid() && !value.isNull() ? bindText(i, value.toString())
                                                        : sqlite3_bind_null(m_statement, i + 1);
            }
            check(rc);
            return;
        }
#endif
        bindVariant(i, value);
    }

    void run()
    {
#ifdef GUICHET_SQLITE_C_API
        if (m_statement) {
            const int rc = sqlite3_step(m_statement);
            sqlite3_reset(m_statement);
            if (rc != SQLITE_DONE && rc != SQLITE_ROW)
                throw DatabaseError(QString::fromUtf8(sqlite3_errmsg(m_sqlite)) + where());
            return;
        }
#endif
        if (!m_query->exec())
            throw DatabaseError(m_query->lastError().text() + where());
        m_query->finish();
    }

    void run(const QVariantList &args)
    {
        for (int i = 0; i < args.size(); ++i)
            bind(i, args.at(i));
        run();
    }

private:
    QString where() const
    {
        return QStringLiteral(" [") + m_sql + QLatin1Char(']');
    }

    void bindVariant(int i, const QVariant &value)
    {
        // By name where the statement has names: Qt's binding by position
        // formats a placeholder name for every value it binds.
        if (m_names.isEmpty())
            m_query->bindValue(i, driverSafeText(m_db.dialect(), value));
        else
            m_query->bindValue(m_names.at(i), driverSafeText(m_db.dialect(), value));
    }

#ifdef GUICHET_SQLITE_C_API
    // UTF-8 text, kept alive until the same place is bound again. No mark is
    // added in front (driverSafeText): SQLite reads byte-order marks in
    // UTF-16 only.
    int bindText(int i, const QString &text)
    {
        if (size_t(i) >= m_texts.size())
            return SQLITE_RANGE;
        QByteArray &utf8 = m_texts[size_t(i)];
        utf8 = text.toUtf8();
        return sqlite3_bind_text64(m_statement, i + 1, utf8.constData(), sqlite3_uint64(utf8.size()),
                                   SQLITE_STATIC, SQLITE_UTF8);
    }

    void check(int rc) const
    {
        if (rc != SQLITE_OK)
            throw DatabaseError(QString::fromUtf8(sqlite3_errstr(rc)) + where());
    }

    sqlite3 *m_sqlite = nullptr;
    sqlite3_stmt *m_statement = nullptr;
    std::vector<QByteArray> m_texts;
#endif
    Database &m_db;
    QString m_sql;
    QStringList m_names;
    std::unique_ptr<QSqlQuery> m_query;
};

// The statements of one page, each prepared once and reused for every row (a
// first sync applies hundreds of thousands of rows).
class Statements
{
public:
    explicit Statements(Database &db)
        : m_db(db)
    {
#ifdef GUICHET_SQLITE_C_API
        m_sqlite = db.sqliteHandle();
#endif
    }

    Statement &get(const QString &sql, const QStringList &names = {})
    {
        std::unique_ptr<Statement> &statement = m_statements[sql];
        if (!statement)
            statement = std::make_unique<Statement>(m_db, m_sqlite, sql, names);
        return *statement;
    }

    void run(const QString &sql, const QVariantList &args)
    {
        get(sql).run(args);
    }

private:
    Database &m_db;
    void *m_sqlite = nullptr;
    std::map<QString, std::unique_ptr<Statement>> m_statements;
};

// Upserts the rows of one table that carry the same columns (all of a format
// 2 block; one format 1 row): the SQL is built and prepared once, each row only
// binds its values.
class TableWriter
{
public:
    TableWriter(Statements &statements, const QString &table, const QStringList &columns)
        : m_statements(statements)
        , m_table(table)
        , m_structures(table == QLatin1String("structures"))
    {
        QStringList insertColumns;
        QStringList marks;
        QStringList updates;
        QStringList placeholders;
        for (int i = 0; i < columns.size(); ++i) {
            const QString &column = columns.at(i);
            if (table == QLatin1String("attachments") && column == QLatin1String("services")) {
                m_services = i;
                continue;
            }
            m_sqlColumns.append(i);
            insertColumns.append(column);
            placeholders.append(QStringLiteral(":v%1").arg(placeholders.size()));
            marks.append(placeholders.last());
            if (column != QLatin1String("id"))
                updates.append(QStringLiteral("%1 = excluded.%1").arg(column));
        }
        m_id = int(columns.indexOf(QStringLiteral("id")));
        for (const QString &column : std::as_const(insertColumns))
            m_named.insert(column, int(columns.indexOf(column)));

        const QStringList key = uniqueKey(table);
        if (!key.isEmpty()
            && std::all_of(key.begin(), key.end(), [&](const QString &c) { return columns.contains(c); })) {
            QStringList tests;
            for (const QString &column : key) {
                tests.append(column + QStringLiteral(" = ?"));
                m_key.append(int(columns.indexOf(column)));
            }
            m_deleteStale = &statements.get(QStringLiteral("DELETE FROM %1 WHERE %2 AND id <> ?")
                                                .arg(table, tests.join(QStringLiteral(" AND "))));
        }
        if (table == QLatin1String("users")) {
            // The replica never authenticates: no password hash is sent.
            insertColumns.append(QStringLiteral("password_hash"));
            marks.append(QStringLiteral("''"));
        } else if (table == QLatin1String("attached_files")) {
            // Contents are not synced: fetched on demand from the server.
            insertColumns.append(QStringLiteral("content"));
            marks.append(QStringLiteral("X''"));
        } else if (m_structures && m_named.contains(QStringLiteral("raison_sociale"))) {
            // The sort key is derived, not synced: computed here as core computes it.
            m_sortKey = true;
            insertColumns.append(QStringLiteral("sort_key"));
            placeholders.append(QStringLiteral(":v%1").arg(placeholders.size()));
            marks.append(placeholders.last());
            updates.append(QStringLiteral("sort_key = excluded.sort_key"));
        }
        m_insert = &statements.get(
            QStringLiteral("INSERT INTO %1 (%2) VALUES (%3) ON CONFLICT (id) DO UPDATE SET %4")
                .arg(table, insertColumns.join(QLatin1Char(',')), marks.join(QLatin1Char(',')),
                     updates.join(QLatin1Char(','))),
            placeholders);
    }

    // `values` in the order of the constructor's columns.
    void write(const QJsonArray &values)
    {
        const qint64 id = values.at(m_id).toInteger();
        if (m_deleteStale) {
            int place = 0;
            for (const int i : std::as_const(m_key))
                m_deleteStale->bind(place++, values.at(i));
            m_deleteStale->bind(place, QVariant(id));
            m_deleteStale->run();
        }
        int place = 0;
        for (const int i : std::as_const(m_sqlColumns))
            m_insert->bind(place++, values.at(i));
        if (m_sortKey)
            m_insert->bind(place, QVariant(structureSortKey(text(values, QStringLiteral("raison_sociale")))));
        m_insert->run();

        if (m_services >= 0) {
            m_statements.run(QStringLiteral("DELETE FROM attachment_services WHERE attachment_id = ?"),
                             { id });
            for (const QJsonValue &service : values.at(m_services).toArray())
                m_statements.run(
                    QStringLiteral(
                        "INSERT INTO attachment_services (attachment_id, service_id) VALUES (?, ?)"),
                    { id, service.toInteger() });
        }
        if (m_structures) {
            // Structure search reads the folded copy, as in the standalone database.
            m_statements.run(QStringLiteral("DELETE FROM structures_search WHERE rowid = ?"), { id });
            m_statements.run(
                QStringLiteral("INSERT INTO structures_search (rowid, raison_sociale, siret, libelle, "
                               "code_postal, ville) VALUES (?, ?, ?, ?, ?, ?)"),
                { id, foldForSearch(text(values, QStringLiteral("raison_sociale"))),
                  text(values, QStringLiteral("siret")),
                  foldForSearch(text(values, QStringLiteral("libelle"))),
                  foldForSearch(text(values, QStringLiteral("code_postal"))),
                  foldForSearch(text(values, QStringLiteral("ville"))) });
        }
    }

private:
    QString text(const QJsonArray &values, const QString &column) const
    {
        const int i = m_named.value(column, -1);
        return i < 0 ? QString() : textOf(values.at(i));
    }

    Statements &m_statements;
    QString m_table;
    bool m_structures = false;
    bool m_sortKey = false;
    int m_id = -1;
    int m_services = -1; // attachments: the column holding the service ids
    QList<int> m_sqlColumns; // the values that go into the row, in order
    QList<int> m_key;
    QHash<QString, int> m_named;
    Statement *m_deleteStale = nullptr;
    Statement *m_insert = nullptr;
};

void dropStructure(Database &db, qint64 structure)
{
    db.exec(
        QStringLiteral("DELETE FROM attachment_services WHERE attachment_id IN (SELECT id FROM attachments "
                       "WHERE structure_id = ?)"),
        { structure });
    for (const QString &table : { QStringLiteral("services"), QStringLiteral("structure_spaces"),
                                  QStringLiteral("structure_self_service"), QStringLiteral("attachments"),
                                  QStringLiteral("subscriptions"), QStringLiteral("audit_log"),
                                  QStringLiteral("structure_bank_details") })
        db.exec(QStringLiteral("DELETE FROM %1 WHERE structure_id = ?").arg(table), { structure });
    db.exec(QStringLiteral("DELETE FROM structures_search WHERE rowid = ?"), { structure });
    db.exec(QStringLiteral("DELETE FROM structures WHERE id = ?"), { structure });
}

// One writer per table and set of columns, for the whole page.
class Writers
{
public:
    explicit Writers(Statements &statements)
        : m_statements(statements)
    {
    }

    TableWriter &get(const QString &table, const QStringList &columns)
    {
        std::unique_ptr<TableWriter> &writer
            = m_writers[table + QLatin1Char(':') + columns.join(QLatin1Char(','))];
        if (!writer)
            writer = std::make_unique<TableWriter>(m_statements, table, columns);
        return *writer;
    }

private:
    Statements &m_statements;
    std::map<QString, std::unique_ptr<TableWriter>> m_writers;
};

// A format 1 row: the columns it holds, in the feed's order.
void upsert(Writers &writers, const QString &table, const QJsonObject &row)
{
    QStringList columns;
    QJsonArray values;
    for (const QString &column : ChangeFeed::columns(table)) {
        if (!row.contains(column))
            continue;
        columns.append(column);
        values.append(row.value(column));
    }
    if (table == QLatin1String("attachments") && row.contains(QStringLiteral("services"))) {
        columns.append(QStringLiteral("services"));
        values.append(row.value(QStringLiteral("services")));
    }
    writers.get(table, columns).write(values);
}

void remove(Statements &statements, const QString &table, qint64 id)
{
    if (table == QLatin1String("attachments"))
        statements.run(QStringLiteral("DELETE FROM attachment_services WHERE attachment_id = ?"), { id });
    if (table == QLatin1String("structures"))
        statements.run(QStringLiteral("DELETE FROM structures_search WHERE rowid = ?"), { id });
    statements.run(QStringLiteral("DELETE FROM %1 WHERE id = ?").arg(table), { id });
}

} // namespace

Replica::Replica(Database &db)
    : m_db(db)
{
    // A replica holds part of the server's rows: references may point outside it.
    if (!m_db.isPostgres() && !m_db.inTransaction())
        m_db.exec(QStringLiteral("PRAGMA foreign_keys = OFF"));
    m_db.exec(QStringLiteral(
        "CREATE TABLE IF NOT EXISTS replica_state (name TEXT PRIMARY KEY, value BIGINT NOT NULL)"));
    if (!m_db.isPostgres())
        m_db.exec(
            QStringLiteral("CREATE TABLE IF NOT EXISTS replica_deferred_indexes (name TEXT PRIMARY KEY, "
                           "sql TEXT NOT NULL)"));
}

void Replica::deferIndexes()
{
    // Non-unique ones only: unique keys decide which stale row gives way.
    QStringList tables;
    for (const QString &table : ChangeFeed::tables())
        tables.append(QLatin1Char('\'') + table + QLatin1Char('\''));
    QList<QPair<QString, QString>> indexes;
    QSqlQuery query
        = m_db.exec(QStringLiteral("SELECT name, sql FROM sqlite_master WHERE type = 'index' AND sql "
                                   "IS NOT NULL AND sql NOT LIKE 'CREATE UNIQUE%' AND tbl_name IN (%1)")
                        .arg(tables.join(QLatin1Char(','))));
    while (query.next())
        indexes.append({ query.value(0).toString(), query.value(1).toString() });
    for (const auto &[name, sql] : std::as_const(indexes)) {
        m_db.exec(QStringLiteral("INSERT INTO replica_deferred_indexes (name, sql) VALUES (?, ?)"),
                  { name, sql });
        m_db.exec(QStringLiteral("DROP INDEX \"%1\"").arg(name));
    }
}

void Replica::restoreIndexes()
{
    QList<QPair<QString, QString>> indexes;
    QSqlQuery query
        = m_db.exec(QStringLiteral("SELECT name, sql FROM replica_deferred_indexes ORDER BY name"));
    while (query.next())
        indexes.append({ query.value(0).toString(), query.value(1).toString() });
    for (const auto &[name, sql] : std::as_const(indexes)) {
        m_db.exec(sql);
        m_db.exec(QStringLiteral("DELETE FROM replica_deferred_indexes WHERE name = ?"), { name });
    }
}

bool Replica::indexesDeferred() const
{
    return !m_db.isPostgres()
        && m_db.value(QStringLiteral("SELECT COUNT(*) FROM replica_deferred_indexes")).toLongLong() > 0;
}

qint64 Replica::checkpoint() const
{
    return m_db.value(QStringLiteral("SELECT value FROM replica_state WHERE name = 'checkpoint'"))
        .toLongLong();
}

bool Replica::applyPage(const QJsonObject &page, QString *error)
{
    // Format 1 pages have no `format`; guichetd answers some requests of a
    // format 2 client (an empty long-poll) in the shape both read alike.
    const bool compact = page.contains(QStringLiteral("format"));
    QString problem;
    if (compact
        && (!isInteger(page.value(QStringLiteral("format")))
            || page.value(QStringLiteral("format")).toInteger() != 2))
        problem = QStringLiteral("format: 2 expected");
    else
        problem = compact ? validateCompact(page) : validate(page);
    // Each format applies only its own kind of rows.
    if (problem.isEmpty() && !compact && page.contains(QStringLiteral("tables")))
        problem = QStringLiteral("tables: only format 2 sends tables");
    if (!problem.isEmpty()) {
        if (error)
            *error = tr("The server sent a malformed change page (%1).").arg(problem);
        return false;
    }
    try {
        const bool more = page.value(QStringLiteral("more")).toBool();
        // A first sync of several pages into an empty replica: the secondary
        // indexes are built once at its end, from every row, instead of being
        // updated row by row (most of what the replica's schema costs). Each
        // page stays its own transaction; an interrupted first sync resumes
        // without them, and its last page builds them.
        const bool deferring = !m_db.isPostgres() && more && checkpoint() == 0;
        // The same first sync does not check the schema's CHECK constraints
        // again (the server's rows passed them): SQLite runs each `IN (...)`
        // check of three values or more through a temporary table opened and
        // closed for every row, which cost more than writing the row. Set
        // before the page's statements are prepared, reset after them.
        const bool bulk = deferring || indexesDeferred();
        if (bulk)
            m_db.exec(QStringLiteral("PRAGMA ignore_check_constraints = ON"));
        const auto checksBack = qScopeGuard([&] {
            if (!bulk)
                return;
            try {
                m_db.exec(QStringLiteral("PRAGMA ignore_check_constraints = OFF"));
            } catch (const DatabaseError &) {
                // The connection is gone: a new one starts with the checks.
            }
        });
        Transaction transaction(m_db);
        if (deferring)
            deferIndexes();
        {
            Statements statements(m_db);
            Writers writers(statements);
            for (const QJsonValue &reset : page.value(QStringLiteral("resets")).toArray())
                dropStructure(m_db, reset.toObject().value(QStringLiteral("structure")).toInteger());
            for (const QJsonValue &entry : page.value(QStringLiteral("rows")).toArray()) {
                const QJsonObject o = entry.toObject();
                upsert(writers, o.value(QStringLiteral("table")).toString(),
                       o.value(QStringLiteral("row")).toObject());
            }
            for (const QJsonValue &entry : page.value(QStringLiteral("tables")).toArray()) {
                const QJsonObject block = entry.toObject();
                const QString table = block.value(QStringLiteral("table")).toString();
                QStringList columns;
                for (const QJsonValue &column : block.value(QStringLiteral("columns")).toArray())
                    columns.append(column.toString());
                TableWriter &writer = writers.get(table, columns);
                for (const QJsonValue &row : block.value(QStringLiteral("rows")).toArray())
                    writer.write(row.toArray());
            }
            for (const QJsonValue &entry : page.value(QStringLiteral("deleted")).toArray()) {
                const QJsonObject o = entry.toObject();
                remove(statements, o.value(QStringLiteral("table")).toString(),
                       o.value(QStringLiteral("id")).toInteger());
            }
        }
        if (!more && indexesDeferred())
            restoreIndexes();
        m_db.exec(QStringLiteral("DELETE FROM replica_state WHERE name = 'checkpoint'"));
        m_db.exec(QStringLiteral("INSERT INTO replica_state (name, value) VALUES ('checkpoint', ?)"),
                  { page.value(QStringLiteral("checkpoint")).toInteger() });
        transaction.commit();
        return true;
    } catch (const DatabaseError &e) {
        if (error)
            *error = tr("The change page could not be applied: %1").arg(e.message());
        return false;
    }
}

void Replica::clear()
{
    Transaction transaction(m_db);
    m_db.exec(QStringLiteral("DELETE FROM attachment_services"));
    m_db.exec(QStringLiteral("DELETE FROM structures_search"));
    const QStringList tables = ChangeFeed::tables();
    for (auto it = tables.rbegin(); it != tables.rend(); ++it)
        m_db.exec(QStringLiteral("DELETE FROM %1").arg(*it));
    m_db.exec(QStringLiteral("DELETE FROM replica_state"));
    if (indexesDeferred())
        restoreIndexes(); // on empty tables: at once
    transaction.commit();
}

} // namespace guichet
