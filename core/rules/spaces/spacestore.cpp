#include "rules/spaces/spacestore.h"

#include "rules/attachments/permissions.h"

namespace guichet {

namespace {
const QVariant kNull = QVariant(QMetaType(QMetaType::LongLong));

const QString kSpaceColumns = QStringLiteral(
    "id, code, name, sort_order, default_for_principal, default_for_secondary, default_for_user");
const QString kSubscriptionColumns
    = QStringLiteral("id, user_id, structure_id, space_id, service_id, mode, effective_date, status, origin, "
                     "removal_requested_at");
// What a manager decides: a subscription request, or a removal request on a
// validated row (docs/RULES.md, self-service spaces).
const QString kToDecide = QStringLiteral(
    "(s.status = 'pending' OR (s.status = 'validated' AND s.removal_requested_at IS NOT NULL))");

QVariant serviceValue(qint64 serviceId)
{
    return serviceId ? QVariant(serviceId) : kNull;
}

QVariant idOrNull(const std::optional<qint64> &value)
{
    return value ? QVariant(*value) : kNull;
}

Space spaceFromRow(const QVariantMap &row)
{
    Space space;
    space.id = row.value(QStringLiteral("id")).toLongLong();
    space.code = row.value(QStringLiteral("code")).toString();
    space.name = row.value(QStringLiteral("name")).toString();
    space.sortOrder = row.value(QStringLiteral("sort_order")).toInt();
    space.defaultForPrincipal = row.value(QStringLiteral("default_for_principal")).toInt() != 0;
    space.defaultForSecondary = row.value(QStringLiteral("default_for_secondary")).toInt() != 0;
    space.defaultForUser = row.value(QStringLiteral("default_for_user")).toInt() != 0;
    return space;
}

SubscriptionRecord subscriptionFromRow(const QVariantMap &row)
{
    SubscriptionRecord s;
    s.id = row.value(QStringLiteral("id")).toLongLong();
    s.userId = row.value(QStringLiteral("user_id")).toLongLong();
    s.structureId = row.value(QStringLiteral("structure_id")).toLongLong();
    s.spaceId = row.value(QStringLiteral("space_id")).toLongLong();
    s.serviceId = row.value(QStringLiteral("service_id")).toLongLong();
    s.mode = row.value(QStringLiteral("mode")).toString();
    s.effectiveDate = QDate::fromString(row.value(QStringLiteral("effective_date")).toString(), Qt::ISODate);
    s.status = row.value(QStringLiteral("status")).toString();
    s.origin = row.value(QStringLiteral("origin")).toString();
    s.removalRequestedAt = row.value(QStringLiteral("removal_requested_at")).toLongLong();
    return s;
}

QList<SubscriptionRecord> subscriptionsFromRows(const QList<QVariantMap> &rows)
{
    QList<SubscriptionRecord> result;
    for (const QVariantMap &row : rows)
        result.append(subscriptionFromRow(row));
    return result;
}

QList<qint64> idsFromQuery(QSqlQuery query)
{
    QList<qint64> ids;
    while (query.next())
        ids.append(query.value(0).toLongLong());
    return ids;
}
} // namespace

SpaceStore::SpaceStore(const Database &db)
    : m_db(db)
{
}

QList<Space> SpaceStore::catalogue() const
{
    QList<Space> spaces;
    for (const QVariantMap &row :
         m_db.rows(QStringLiteral("SELECT %1 FROM spaces ORDER BY sort_order, id").arg(kSpaceColumns)))
        spaces.append(spaceFromRow(row));
    return spaces;
}

std::optional<Space> SpaceStore::spaceByCode(const QString &code) const
{
    const auto row
        = m_db.row(QStringLiteral("SELECT %1 FROM spaces WHERE code = ?").arg(kSpaceColumns), { code });
    if (!row)
        return std::nullopt;
    return spaceFromRow(*row);
}

QList<Space> SpaceStore::structureSpaces(qint64 structureId) const
{
    QList<Space> spaces;
    const QList<QVariantMap> rows = m_db.rows(
        QStringLiteral(
            "SELECT sp.id, sp.code, sp.name, sp.sort_order, sp.default_for_principal, "
            "sp.default_for_secondary, sp.default_for_user FROM structure_spaces ss JOIN spaces sp ON "
            "sp.id = ss.space_id WHERE ss.structure_id = ? ORDER BY sp.sort_order, sp.id"),
        { structureId });
    for (const QVariantMap &row : rows)
        spaces.append(spaceFromRow(row));
    return spaces;
}

QList<qint64> SpaceStore::structureSpaceIds(qint64 structureId) const
{
    return idsFromQuery(m_db.exec(
        QStringLiteral("SELECT space_id FROM structure_spaces WHERE structure_id = ? ORDER BY space_id"),
        { structureId }));
}

qint64 SpaceStore::structureSpaceRow(qint64 structureId, qint64 spaceId) const
{
    return m_db
        .value(QStringLiteral("SELECT id FROM structure_spaces WHERE structure_id = ? AND space_id = ?"),
               { structureId, spaceId })
        .toLongLong();
}

qint64 SpaceStore::insertStructureSpace(qint64 structureId, qint64 spaceId, qint64 enabledAt,
                                        qint64 version) const
{
    return m_db.insert(QStringLiteral("INSERT INTO structure_spaces (structure_id, space_id, "
                                      "enabled_at, version) VALUES (?, ?, ?, ?) RETURNING id"),
                       { structureId, spaceId, enabledAt, version });
}

void SpaceStore::deleteStructureSpace(qint64 rowId) const
{
    m_db.exec(QStringLiteral("DELETE FROM structure_spaces WHERE id = ?"), { rowId });
}

qint64 SpaceStore::selfServiceRow(qint64 structureId, qint64 spaceId) const
{
    return m_db
        .value(
            QStringLiteral("SELECT id FROM structure_self_service WHERE structure_id = ? AND space_id = ?"),
            { structureId, spaceId })
        .toLongLong();
}

qint64 SpaceStore::insertSelfService(qint64 structureId, qint64 spaceId, qint64 enabledAt,
                                     qint64 version) const
{
    return m_db.insert(QStringLiteral("INSERT INTO structure_self_service (structure_id, space_id, "
                                      "enabled_at, version) VALUES (?, ?, ?, ?) RETURNING id"),
                       { structureId, spaceId, enabledAt, version });
}

void SpaceStore::deleteSelfService(qint64 rowId) const
{
    m_db.exec(QStringLiteral("DELETE FROM structure_self_service WHERE id = ?"), { rowId });
}

QList<std::pair<qint64, QString>> SpaceStore::selfServiceStructures(qint64 userId, qint64 spaceId,
                                                                    QDate day) const
{
    const SqlFragment window = attachmentInWindow(QStringLiteral("a"), day);
    QVariantList args { spaceId, userId };
    args += window.args;
    const QList<QVariantMap> rows = m_db.rows(
        QStringLiteral("SELECT DISTINCT st.id, st.raison_sociale FROM structure_self_service ss JOIN "
                       "structures st ON st.id = ss.structure_id JOIN attachments a ON a.structure_id = "
                       "ss.structure_id WHERE ss.space_id = ? AND a.user_id = ? AND a.status = 'validated' "
                       "AND %1 ORDER BY st.raison_sociale, st.id")
            .arg(window.sql),
        args);
    QList<std::pair<qint64, QString>> result;
    for (const QVariantMap &row : rows)
        result.append({ row.value(QStringLiteral("id")).toLongLong(),
                        row.value(QStringLiteral("raison_sociale")).toString() });
    return result;
}

std::optional<SubscriptionRecord> SpaceStore::subscription(qint64 subscriptionId) const
{
    const auto row
        = m_db.row(QStringLiteral("SELECT %1 FROM subscriptions WHERE id = ?").arg(kSubscriptionColumns),
                   { subscriptionId });
    if (!row)
        return std::nullopt;
    return subscriptionFromRow(*row);
}

bool SpaceStore::hasSubscription(qint64 userId, qint64 structureId, qint64 spaceId) const
{
    return m_db.value(
                   QStringLiteral("SELECT COUNT(*) FROM subscriptions WHERE user_id = ? AND structure_id = ? "
                                  "AND space_id = ? AND status IN ('pending', 'validated')"),
                   { userId, structureId, spaceId })
               .toInt()
        > 0;
}

bool SpaceStore::subscriptionExists(qint64 userId, qint64 structureId, qint64 spaceId, qint64 serviceId,
                                    const QString &mode) const
{
    const QString serviceTest
        = serviceId ? QStringLiteral("service_id = ?") : QStringLiteral("service_id IS NULL");
    QVariantList args { userId, structureId, spaceId, mode };
    if (serviceId)
        args.append(serviceId);
    return m_db.value(QStringLiteral(
                          "SELECT COUNT(*) FROM subscriptions WHERE user_id = ? AND structure_id = ? AND "
                          "space_id = ? AND mode = ? AND status IN ('pending', 'validated') AND %1")
                          .arg(serviceTest),
                      args)
               .toInt()
        > 0;
}

QList<qint64> SpaceStore::subscriptionIds(qint64 userId, qint64 structureId) const
{
    return idsFromQuery(m_db.exec(
        QStringLiteral("SELECT id FROM subscriptions WHERE user_id = ? AND structure_id = ? ORDER BY id"),
        { userId, structureId }));
}

QList<SubscriptionRecord> SpaceStore::roleDefaultSubscriptions(qint64 userId, qint64 structureId) const
{
    return subscriptionsFromRows(
        m_db.rows(QStringLiteral("SELECT %1 FROM subscriptions WHERE user_id = ? AND "
                                 "structure_id = ? AND origin = 'default' ORDER BY id")
                      .arg(kSubscriptionColumns),
                  { userId, structureId }));
}

QList<qint64> SpaceStore::generatedSubscriptionIds(qint64 structureId, qint64 spaceId) const
{
    return idsFromQuery(
        m_db.exec(QStringLiteral("SELECT id FROM subscriptions WHERE structure_id = ? AND space_id = ? "
                                 "AND origin = 'structure' ORDER BY id"),
                  { structureId, spaceId }));
}

QList<SubscriptionRecord> SpaceStore::validatedSubscriptions(qint64 userId, qint64 structureId) const
{
    return subscriptionsFromRows(
        m_db.rows(QStringLiteral("SELECT %1 FROM subscriptions WHERE user_id = ? AND "
                                 "structure_id = ? AND status = 'validated' ORDER BY id")
                      .arg(kSubscriptionColumns),
                  { userId, structureId }));
}

std::optional<SubscriptionToDecide> SpaceStore::subscriptionToDecide(qint64 subscriptionId) const
{
    const auto row = m_db.row(
        QStringLiteral("SELECT s.user_id, s.structure_id, s.status, s.mode, sp.name AS space_name, "
                       "st.raison_sociale, sv.name AS service_name, s.space_id, s.service_id, "
                       "s.removal_requested_at FROM "
                       "subscriptions s JOIN spaces sp ON "
                       "sp.id = s.space_id JOIN structures st ON st.id = s.structure_id LEFT JOIN "
                       "services sv ON sv.id = s.service_id WHERE s.id = ?"),
        { subscriptionId });
    if (!row)
        return std::nullopt;
    return SubscriptionToDecide { row->value(QStringLiteral("user_id")).toLongLong(),
                                  row->value(QStringLiteral("structure_id")).toLongLong(),
                                  row->value(QStringLiteral("status")).toString(),
                                  row->value(QStringLiteral("mode")).toString(),
                                  row->value(QStringLiteral("space_name")).toString(),
                                  row->value(QStringLiteral("raison_sociale")).toString(),
                                  row->value(QStringLiteral("service_name")).toString(),
                                  row->value(QStringLiteral("space_id")).toLongLong(),
                                  row->value(QStringLiteral("service_id")).toLongLong(),
                                  row->value(QStringLiteral("removal_requested_at")).toLongLong() };
}

qint64 SpaceStore::pendingCount() const
{
    return m_db.value(QStringLiteral("SELECT COUNT(*) FROM subscriptions s WHERE %1").arg(kToDecide))
        .toLongLong();
}

QList<SubscriptionView> SpaceStore::views(const QString &where, const QVariantList &args) const
{
    QList<SubscriptionView> result;
    const QList<QVariantMap> rows = m_db.rows(
        QStringLiteral(
            "SELECT s.id, s.user_id, s.structure_id, st.siret, st.identifier_type, st.raison_sociale, "
            "sp.code AS space_code, "
            "sp.name AS space_name, sp.sort_order AS space_sort_order, s.service_id, sv.name AS "
            "service_name, s.mode, s.effective_date, "
            "s.comment, s.comment_code, s.status, s.origin, s.requested_at, s.removal_requested_at, "
            "u.first_name, u.last_name, "
            "u.email FROM "
            "subscriptions s "
            "JOIN structures st ON st.id = s.structure_id JOIN spaces sp ON sp.id = s.space_id "
            "JOIN users u ON u.id = s.user_id LEFT JOIN services sv ON sv.id = s.service_id WHERE %1 "
            "ORDER BY st.raison_sociale, sp.sort_order, s.service_id, s.mode, s.id")
            .arg(where),
        args);
    for (const QVariantMap &row : rows) {
        SubscriptionView view;
        view.id = row.value(QStringLiteral("id")).toLongLong();
        view.userId = row.value(QStringLiteral("user_id")).toLongLong();
        view.firstName = row.value(QStringLiteral("first_name")).toString();
        view.lastName = row.value(QStringLiteral("last_name")).toString();
        view.email = row.value(QStringLiteral("email")).toString();
        view.structureId = row.value(QStringLiteral("structure_id")).toLongLong();
        view.siret = row.value(QStringLiteral("siret")).toString();
        view.identifierType = row.value(QStringLiteral("identifier_type")).toString();
        view.raisonSociale = row.value(QStringLiteral("raison_sociale")).toString();
        view.spaceCode = row.value(QStringLiteral("space_code")).toString();
        view.spaceName = row.value(QStringLiteral("space_name")).toString();
        view.spaceSortOrder = row.value(QStringLiteral("space_sort_order")).toInt();
        view.serviceId = row.value(QStringLiteral("service_id")).toLongLong();
        view.serviceName = row.value(QStringLiteral("service_name")).toString();
        view.mode = row.value(QStringLiteral("mode")).toString();
        view.effectiveDate
            = QDate::fromString(row.value(QStringLiteral("effective_date")).toString(), Qt::ISODate);
        view.comment = row.value(QStringLiteral("comment")).toString();
        view.commentCode = row.value(QStringLiteral("comment_code")).toString();
        view.status = row.value(QStringLiteral("status")).toString();
        view.origin = row.value(QStringLiteral("origin")).toString();
        view.requestedAt = row.value(QStringLiteral("requested_at")).toLongLong();
        view.removalRequestedAt = row.value(QStringLiteral("removal_requested_at")).toLongLong();
        result.append(view);
    }
    return result;
}

QList<SubscriptionView> SpaceStore::userSubscriptions(qint64 userId) const
{
    return views(QStringLiteral("s.user_id = ? AND s.status IN ('pending', 'validated')"), { userId });
}

std::optional<SubscriptionView> SpaceStore::subscriptionView(qint64 subscriptionId) const
{
    const QList<SubscriptionView> rows = views(QStringLiteral("s.id = ?"), { subscriptionId });
    if (rows.isEmpty())
        return std::nullopt;
    return rows.first();
}

QList<SubscriptionView> SpaceStore::pendingRequests() const
{
    return views(kToDecide, {});
}

QList<SubscriptionView> SpaceStore::pendingRequestsManagedBy(qint64 managerId, QDate day) const
{
    const SqlFragment managed = structuresManagedOnSql(managerId, day);
    return views(QStringLiteral("%1 AND s.structure_id IN (%2)").arg(kToDecide, managed.sql), managed.args);
}

qint64 SpaceStore::insertSubscription(const NewSubscription &s, qint64 requestedAt,
                                      std::optional<qint64> decidedAt, std::optional<qint64> decidedBy,
                                      qint64 version) const
{
    return m_db.insert(
        QStringLiteral(
            "INSERT INTO subscriptions (user_id, structure_id, space_id, service_id, mode, "
            "effective_date, comment, comment_code, status, requested_at, decided_at, decided_by, origin, "
            "version) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id"),
        { s.userId, s.structureId, s.spaceId, serviceValue(s.serviceId), s.mode,
          s.effectiveDate.toString(Qt::ISODate), s.comment, s.commentCode, s.status, requestedAt,
          idOrNull(decidedAt), idOrNull(decidedBy), s.origin, version });
}

void SpaceStore::decide(qint64 subscriptionId, const QString &status, qint64 decidedAt, qint64 decidedBy,
                        const QString &comment, qint64 version) const
{
    m_db.exec(QStringLiteral("UPDATE subscriptions SET status = ?, decided_at = ?, decided_by = ?, "
                             "decision_comment = ?, version = ? WHERE id = ?"),
              { status, decidedAt, decidedBy, comment, version, subscriptionId });
}

void SpaceStore::setRemovalRequested(qint64 subscriptionId, std::optional<qint64> requestedAt,
                                     qint64 version) const
{
    m_db.exec(QStringLiteral("UPDATE subscriptions SET removal_requested_at = ?, version = ? WHERE id = ?"),
              { idOrNull(requestedAt), version, subscriptionId });
}

void SpaceStore::deleteSubscription(qint64 subscriptionId) const
{
    m_db.exec(QStringLiteral("DELETE FROM subscriptions WHERE id = ?"), { subscriptionId });
}

} // namespace guichet
