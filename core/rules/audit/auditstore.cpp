#include "rules/audit/auditstore.h"

#include "kernel/database.h"

namespace guichet {

AuditStore::AuditStore(const Database &db)
    : m_db(db)
{
}

QList<AuditEntry> AuditStore::entries(const AuditFilter &filter) const
{
    QStringList where;
    QVariantList args;
    if (filter.since.isValid()) {
        where << QStringLiteral("a.at >= ?");
        args << filter.since.toMSecsSinceEpoch();
    }
    if (filter.until.isValid()) {
        where << QStringLiteral("a.at < ?");
        args << filter.until.toMSecsSinceEpoch();
    }
    if (filter.structureId) {
        where << QStringLiteral("a.structure_id = ?");
        args << filter.structureId;
    }
    if (filter.actorId) {
        where << QStringLiteral("a.actor_id = ?");
        args << filter.actorId;
    }
    if (!filter.text.isEmpty()) {
        // The text is literal: escape LIKE's wildcards.
        QString needle = filter.text.toLower();
        needle.replace(QLatin1String("\\"), QLatin1String("\\\\"));
        needle.replace(QLatin1String("%"), QLatin1String("\\%"));
        needle.replace(QLatin1String("_"), QLatin1String("\\_"));
        needle = QLatin1Char('%') + needle + QLatin1Char('%');
        QStringList any;
        for (const char *column : { "a.command", "a.entity", "a.details", "a.comment" }) {
            any << QStringLiteral("LOWER(%1) LIKE ? ESCAPE '\\'").arg(QLatin1String(column));
            args << needle;
        }
        where << QLatin1Char('(') + any.join(QStringLiteral(" OR ")) + QLatin1Char(')');
    }
    QString sql
        = QStringLiteral("SELECT a.id, a.at, a.actor_id, u.email AS actor_email, a.command, a.entity, "
                         "a.entity_id, a.structure_id, a.details, a.comment FROM audit_log a "
                         "LEFT JOIN users u ON u.id = a.actor_id");
    if (!where.isEmpty())
        sql += QStringLiteral(" WHERE ") + where.join(QStringLiteral(" AND "));
    sql += QStringLiteral(" ORDER BY a.at, a.id");
    if (filter.limit > 0)
        sql += QStringLiteral(" LIMIT %1").arg(filter.limit);
    else if (filter.offset > 0) // SQLite needs a LIMIT before OFFSET
        sql += m_db.isPostgres() ? QStringLiteral(" LIMIT ALL") : QStringLiteral(" LIMIT -1");
    if (filter.offset > 0)
        sql += QStringLiteral(" OFFSET %1").arg(filter.offset);

    QList<AuditEntry> entries;
    const auto rows = m_db.rows(sql, args);
    for (const QVariantMap &row : rows) {
        AuditEntry entry;
        entry.id = row.value(QStringLiteral("id")).toLongLong();
        entry.at = QDateTime::fromMSecsSinceEpoch(row.value(QStringLiteral("at")).toLongLong(), Qt::UTC);
        entry.actorId = row.value(QStringLiteral("actor_id")).toLongLong();
        entry.actorEmail = row.value(QStringLiteral("actor_email")).toString();
        entry.command = row.value(QStringLiteral("command")).toString();
        entry.entity = row.value(QStringLiteral("entity")).toString();
        entry.entityId = row.value(QStringLiteral("entity_id")).toLongLong();
        entry.structureId = row.value(QStringLiteral("structure_id")).toLongLong();
        entry.details = row.value(QStringLiteral("details")).toString();
        entry.comment = row.value(QStringLiteral("comment")).toString();
        entries.append(entry);
    }
    return entries;
}

} // namespace guichet
