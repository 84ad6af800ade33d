#include "client/replica.h"

#include "kernel/database.h"
#include "kernel/textfold.h"
#include "rules/structures/structures.h"
#include "sync/changefeed.h"

#include <QHash>
#include <QJsonArray>
#include <QSqlError>

#include <cmath>
#include <map>
#include <memory>

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
    if (table == QLatin1String("structure_spaces"))
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

// Checks the whole page before anything is applied. Returns an empty string
// when it is well formed, else what is wrong.
QString validate(const QJsonObject &page)
{
    if (!isInteger(page.value(QStringLiteral("checkpoint")))
        || page.value(QStringLiteral("checkpoint")).toInteger() < 0)
        return QStringLiteral("checkpoint: a version number is expected");
    for (const QString &key :
         { QStringLiteral("resets"), QStringLiteral("rows"), QStringLiteral("deleted") }) {
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
                if (!it.value().isArray())
                    return QStringLiteral("rows: attachments services must be a list");
                for (const QJsonValue &service : it.value().toArray()) {
                    if (!isInteger(service))
                        return QStringLiteral("rows: attachments services must be ids");
                }
                continue;
            }
            if (!columns.contains(it.key()))
                return QStringLiteral("rows: %1 has no column '%2'").arg(table, it.key());
            if (it.value().isArray() || it.value().isObject() || it.value().isUndefined())
                return QStringLiteral("rows: %1.%2 is not a value").arg(table, it.key());
        }
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

// Prepared statements reused for every row of a page (a first sync applies
// hundreds of thousands of rows).
class Statements
{
public:
    explicit Statements(Database &db)
        : m_db(db)
    {
    }

    QSqlQuery &get(const QString &sql)
    {
        std::unique_ptr<QSqlQuery> &query = m_queries[sql];
        if (!query) {
            query = std::make_unique<QSqlQuery>(m_db.connection());
            if (!query->prepare(sql))
                throw DatabaseError(query->lastError().text() + QStringLiteral(" [") + sql
                                    + QLatin1Char(']'));
        }
        return *query;
    }

    void run(const QString &sql, const QVariantList &args)
    {
        QSqlQuery &query = get(sql);
        for (int i = 0; i < args.size(); ++i)
            query.bindValue(i, driverSafeText(m_db.dialect(), args.at(i)));
        if (!query.exec())
            throw DatabaseError(query.lastError().text() + QStringLiteral(" [") + sql + QLatin1Char(']'));
        query.finish();
    }

private:
    Database &m_db;
    std::map<QString, std::unique_ptr<QSqlQuery>> m_queries;
};

void dropStructure(Database &db, qint64 structure)
{
    db.exec(
        QStringLiteral("DELETE FROM attachment_services WHERE attachment_id IN (SELECT id FROM attachments "
                       "WHERE structure_id = ?)"),
        { structure });
    for (const QString &table : { QStringLiteral("services"), QStringLiteral("structure_spaces"),
                                  QStringLiteral("attachments"), QStringLiteral("subscriptions"),
                                  QStringLiteral("audit_log"), QStringLiteral("structure_bank_details") })
        db.exec(QStringLiteral("DELETE FROM %1 WHERE structure_id = ?").arg(table), { structure });
    db.exec(QStringLiteral("DELETE FROM structures_search WHERE rowid = ?"), { structure });
    db.exec(QStringLiteral("DELETE FROM structures WHERE id = ?"), { structure });
}

void upsert(Statements &statements, const QString &table, const QJsonObject &row)
{
    QStringList columns;
    QVariantList values;
    for (const QString &column : ChangeFeed::columns(table)) {
        if (!row.contains(column))
            continue;
        columns.append(column);
        values.append(toVariant(row.value(column)));
    }
    const qint64 id = row.value(QStringLiteral("id")).toInteger();

    const QStringList key = uniqueKey(table);
    if (!key.isEmpty()
        && std::all_of(key.begin(), key.end(), [&](const QString &c) { return row.contains(c); })) {
        QStringList tests;
        QVariantList args;
        for (const QString &column : key) {
            tests.append(column + QStringLiteral(" = ?"));
            args.append(toVariant(row.value(column)));
        }
        args.append(id);
        statements.run(QStringLiteral("DELETE FROM %1 WHERE %2 AND id <> ?")
                           .arg(table, tests.join(QStringLiteral(" AND "))),
                       args);
    }

    QStringList insertColumns = columns;
    QStringList marks(columns.size(), QStringLiteral("?"));
    QStringList updates;
    for (const QString &column : columns) {
        if (column != QLatin1String("id"))
            updates.append(QStringLiteral("%1 = excluded.%1").arg(column));
    }
    if (table == QLatin1String("users")) {
        // The replica never authenticates: no password hash is sent.
        insertColumns.append(QStringLiteral("password_hash"));
        marks.append(QStringLiteral("''"));
    } else if (table == QLatin1String("attached_files")) {
        // Contents are not synced: fetched on demand from the server.
        insertColumns.append(QStringLiteral("content"));
        marks.append(QStringLiteral("X''"));
    } else if (table == QLatin1String("structures") && row.contains(QStringLiteral("raison_sociale"))) {
        // The sort key is derived, not synced: computed here as core computes it.
        insertColumns.append(QStringLiteral("sort_key"));
        marks.append(QStringLiteral("?"));
        updates.append(QStringLiteral("sort_key = excluded.sort_key"));
        values.append(structureSortKey(row.value(QStringLiteral("raison_sociale")).toString()));
    }
    statements.run(QStringLiteral("INSERT INTO %1 (%2) VALUES (%3) ON CONFLICT (id) DO UPDATE SET %4")
                       .arg(table, insertColumns.join(QLatin1Char(',')), marks.join(QLatin1Char(',')),
                            updates.join(QLatin1Char(','))),
                   values);

    if (table == QLatin1String("attachments") && row.contains(QStringLiteral("services"))) {
        statements.run(QStringLiteral("DELETE FROM attachment_services WHERE attachment_id = ?"), { id });
        for (const QJsonValue &service : row.value(QStringLiteral("services")).toArray())
            statements.run(
                QStringLiteral("INSERT INTO attachment_services (attachment_id, service_id) VALUES (?, ?)"),
                { id, service.toInteger() });
    }
    if (table == QLatin1String("structures")) {
        // Structure search reads the folded copy, as in the standalone database.
        statements.run(QStringLiteral("DELETE FROM structures_search WHERE rowid = ?"), { id });
        statements.run(QStringLiteral("INSERT INTO structures_search (rowid, raison_sociale, siret, libelle, "
                                      "code_postal, ville) VALUES (?, ?, ?, ?, ?, ?)"),
                       { id, foldForSearch(row.value(QStringLiteral("raison_sociale")).toString()),
                         row.value(QStringLiteral("siret")).toString(),
                         foldForSearch(row.value(QStringLiteral("libelle")).toString()),
                         foldForSearch(row.value(QStringLiteral("code_postal")).toString()),
                         foldForSearch(row.value(QStringLiteral("ville")).toString()) });
    }
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
}

qint64 Replica::checkpoint() const
{
    return m_db.value(QStringLiteral("SELECT value FROM replica_state WHERE name = 'checkpoint'"))
        .toLongLong();
}

bool Replica::applyPage(const QJsonObject &page, QString *error)
{
    const QString problem = validate(page);
    if (!problem.isEmpty()) {
        if (error)
            *error = tr("The server sent a malformed change page (%1).").arg(problem);
        return false;
    }
    try {
        Transaction transaction(m_db);
        {
            Statements statements(m_db);
            for (const QJsonValue &reset : page.value(QStringLiteral("resets")).toArray())
                dropStructure(m_db, reset.toObject().value(QStringLiteral("structure")).toInteger());
            for (const QJsonValue &entry : page.value(QStringLiteral("rows")).toArray()) {
                const QJsonObject o = entry.toObject();
                upsert(statements, o.value(QStringLiteral("table")).toString(),
                       o.value(QStringLiteral("row")).toObject());
            }
            for (const QJsonValue &entry : page.value(QStringLiteral("deleted")).toArray()) {
                const QJsonObject o = entry.toObject();
                remove(statements, o.value(QStringLiteral("table")).toString(),
                       o.value(QStringLiteral("id")).toInteger());
            }
        }
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
    transaction.commit();
}

} // namespace guichet
