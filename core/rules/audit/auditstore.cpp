#include "rules/audit/auditstore.h"

#include "kernel/database.h"

namespace guichet {

namespace {

// Ids are numbers: written into the statement (IN (NULL) matches nothing on both back-ends).
QString idList(const QSet<qint64> &ids)
{
    if (ids.isEmpty())
        return QStringLiteral("NULL");
    QStringList parts;
    for (const qint64 id : ids)
        parts.append(QString::number(id));
    return parts.join(QLatin1Char(','));
}

} // namespace

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
    if (!filter.structureIds.isEmpty()) {
        where << QStringLiteral("a.structure_id IN (%1)")
                     .arg(idList(QSet<qint64>(filter.structureIds.begin(), filter.structureIds.end())));
    }
    if (filter.actorId) {
        where << QStringLiteral("a.actor_id = ?");
        args << filter.actorId;
    }
    if (filter.personId) {
        where << QStringLiteral("(a.actor_id = ? OR a.subject_id = ?)");
        args << filter.personId << filter.personId;
    }
    if (!filter.families.isEmpty()) {
        // An action's code starts with its family's (ASCII letters, no LIKE wildcard).
        QStringList any;
        for (const AuditFamily family : filter.families) {
            any << QStringLiteral("a.action LIKE ?");
            args << audit::familyCode(family) + QStringLiteral(".%");
        }
        where << QLatin1Char('(') + any.join(QStringLiteral(" OR ")) + QLatin1Char(')');
    }
    QString sql = QStringLiteral(
        "SELECT a.id, a.at, a.actor_id, u.email AS actor_email, a.command, a.entity, a.entity_id, "
        "a.structure_id, a.details, a.comment FROM audit_log a LEFT JOIN users u ON u.id = a.actor_id");
    if (!where.isEmpty())
        sql += QStringLiteral(" WHERE ") + where.join(QStringLiteral(" AND "));
    sql += QStringLiteral(" ORDER BY a.at DESC, a.id DESC");
    if (filter.limit > 0)
        sql += QStringLiteral(" LIMIT %1").arg(filter.limit);
    else if (filter.offset > 0) // SQLite needs a LIMIT before OFFSET
        sql += m_db.isPostgres() ? QStringLiteral(" LIMIT ALL") : QStringLiteral(" LIMIT -1");
    if (filter.offset > 0)
        sql += QStringLiteral(" OFFSET %1").arg(filter.offset);

    QList<AuditEntry> entries;
    // Planned for its dates and families: a week or ten years of entries.
    const Database::CustomPlans customPlans(m_db);
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
        entry.record = AuditRecord::fromJson(entry.details);
        entry.comment = row.value(QStringLiteral("comment")).toString();
        entries.append(entry);
    }
    return entries;
}

AuditNames AuditStore::names(const AuditNameIds &ids) const
{
    AuditNames names;
    if (ids.people.isEmpty() && ids.structures.isEmpty() && ids.spaces.isEmpty() && ids.services.isEmpty())
        return names;
    const QString sql
        = QStringLiteral(
              "SELECT 'u' AS kind, id, first_name AS a, last_name AS b FROM users WHERE id IN (%1) "
              "UNION ALL SELECT 's', id, raison_sociale, siret FROM structures WHERE id IN (%2) "
              "UNION ALL SELECT 'p', id, code, name FROM spaces WHERE id IN (%3) "
              "UNION ALL SELECT 'v', id, name, code FROM services WHERE id IN (%4)")
              .arg(idList(ids.people), idList(ids.structures), idList(ids.spaces), idList(ids.services));
    const auto rows = m_db.rows(sql);
    for (const QVariantMap &row : rows) {
        const QString kind = row.value(QStringLiteral("kind")).toString();
        const qint64 id = row.value(QStringLiteral("id")).toLongLong();
        const QString a = row.value(QStringLiteral("a")).toString();
        const QString b = row.value(QStringLiteral("b")).toString();
        if (kind == QLatin1String("u"))
            names.people.insert(id, { a, b });
        else if (kind == QLatin1String("s"))
            names.structures.insert(id, a);
        else if (kind == QLatin1String("p"))
            names.spaces.insert(id, { a, b });
        else
            names.services.insert(id, a);
    }
    return names;
}

QList<std::pair<qint64, AuditNames::Person>> AuditStore::people(const QList<qint64> &structureIds) const
{
    const QString scope = structureIds.isEmpty()
        ? QString()
        : QStringLiteral(" WHERE structure_id IN (%1)")
              .arg(idList(QSet<qint64>(structureIds.begin(), structureIds.end())));
    const auto rows = m_db.rows(
        QStringLiteral(
            "SELECT id, first_name, last_name FROM users WHERE id IN (SELECT actor_id FROM audit_log%1) "
            "OR id IN (SELECT subject_id FROM audit_log%1) ORDER BY last_name, first_name, id")
            .arg(scope),
        {});
    QList<std::pair<qint64, AuditNames::Person>> people;
    for (const QVariantMap &row : rows)
        people.append({ row.value(QStringLiteral("id")).toLongLong(),
                        { row.value(QStringLiteral("first_name")).toString(),
                          row.value(QStringLiteral("last_name")).toString() } });
    return people;
}

} // namespace guichet
