#include "rules/attachments/attachmentstore.h"

namespace guichet {

namespace {
const QVariant kNull = QVariant(QMetaType(QMetaType::LongLong));

const QString kColumns
    = QStringLiteral("id, user_id, structure_id, role, whole_structure, valid_from, valid_until, status");

QVariant dateOrNull(QDate date)
{
    return date.isValid() ? QVariant(date.toString(Qt::ISODate)) : QVariant();
}

QVariant idOrNull(const std::optional<qint64> &value)
{
    return value ? QVariant(*value) : kNull;
}

AttachmentRecord recordFromRow(const QVariantMap &row)
{
    AttachmentRecord a;
    a.id = row.value(QStringLiteral("id")).toLongLong();
    a.userId = row.value(QStringLiteral("user_id")).toLongLong();
    a.structureId = row.value(QStringLiteral("structure_id")).toLongLong();
    a.role = roleFromString(row.value(QStringLiteral("role")).toString());
    a.wholeStructure = row.value(QStringLiteral("whole_structure")).toInt() != 0;
    a.validFrom = QDate::fromString(row.value(QStringLiteral("valid_from")).toString(), Qt::ISODate);
    a.validUntil = QDate::fromString(row.value(QStringLiteral("valid_until")).toString(), Qt::ISODate);
    a.status = row.value(QStringLiteral("status")).toString();
    return a;
}

QList<AttachmentRecord> recordsFromRows(const QList<QVariantMap> &rows)
{
    QList<AttachmentRecord> result;
    for (const QVariantMap &row : rows)
        result.append(recordFromRow(row));
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

AttachmentStore::AttachmentStore(const Database &db)
    : m_db(db)
{
}

std::optional<AttachmentRecord> AttachmentStore::attachment(qint64 attachmentId) const
{
    const auto row
        = m_db.row(QStringLiteral("SELECT %1 FROM attachments WHERE id = ?").arg(kColumns), { attachmentId });
    if (!row)
        return std::nullopt;
    return recordFromRow(*row);
}

std::optional<AttachmentInStructure> AttachmentStore::attachmentInStructure(qint64 attachmentId) const
{
    const auto row
        = m_db.row(QStringLiteral("SELECT a.id, a.user_id, a.structure_id, a.role, a.whole_structure, "
                                  "a.valid_from, a.valid_until, a.status, s.siret, s.raison_sociale "
                                  "FROM attachments a JOIN structures s ON s.id = a.structure_id "
                                  "WHERE a.id = ?"),
                   { attachmentId });
    if (!row)
        return std::nullopt;
    return AttachmentInStructure { recordFromRow(*row), row->value(QStringLiteral("siret")).toString(),
                                   row->value(QStringLiteral("raison_sociale")).toString() };
}

qint64 AttachmentStore::structureOf(qint64 attachmentId) const
{
    return m_db.value(QStringLiteral("SELECT structure_id FROM attachments WHERE id = ?"), { attachmentId })
        .toLongLong();
}

bool AttachmentStore::isWholeStructure(qint64 attachmentId) const
{
    return m_db.value(QStringLiteral("SELECT whole_structure FROM attachments WHERE id = ?"),
                      { attachmentId })
               .toInt()
        != 0;
}

QList<qint64> AttachmentStore::serviceIds(qint64 attachmentId) const
{
    return idsFromQuery(m_db.exec(
        QStringLiteral(
            "SELECT service_id FROM attachment_services WHERE attachment_id = ? ORDER BY service_id"),
        { attachmentId }));
}

QList<qint64> AttachmentStore::activeServiceIds(qint64 attachmentId) const
{
    return idsFromQuery(
        m_db.exec(QStringLiteral("SELECT x.service_id FROM attachment_services x JOIN services sv ON "
                                 "sv.id = x.service_id WHERE x.attachment_id = ? AND sv.active = 1 "
                                 "ORDER BY x.service_id"),
                  { attachmentId }));
}

QList<ServiceRow> AttachmentStore::services(qint64 attachmentId) const
{
    QList<ServiceRow> result;
    for (const QVariantMap &row :
         m_db.rows(QStringLiteral("SELECT sv.id, sv.name FROM attachment_services x JOIN services sv ON "
                                  "sv.id = x.service_id WHERE x.attachment_id = ? ORDER BY sv.name, sv.id"),
                   { attachmentId })) {
        ServiceRow service;
        service.id = row.value(QStringLiteral("id")).toLongLong();
        service.name = row.value(QStringLiteral("name")).toString();
        result.append(service);
    }
    return result;
}

QList<AttachmentRecord> AttachmentStore::inWindow(qint64 userId, qint64 structureId, QDate day) const
{
    const SqlFragment window = attachmentInWindow(QString(), day);
    return recordsFromRows(
        m_db.rows(QStringLiteral("SELECT %1 FROM attachments WHERE user_id = ? AND "
                                 "structure_id = ? AND status = 'validated' AND %2 ORDER BY id")
                      .arg(kColumns, window.sql),
                  QVariantList { userId, structureId } + window.args));
}

QList<AttachmentRecord> AttachmentStore::notEndedOfUser(qint64 userId, QDate day) const
{
    const SqlFragment notEnded = attachmentNotEnded(QString(), day);
    return recordsFromRows(
        m_db.rows(QStringLiteral("SELECT %1 FROM attachments WHERE user_id = ? AND status = "
                                 "'validated' AND %2 ORDER BY structure_id, id")
                      .arg(kColumns, notEnded.sql),
                  QVariantList { userId } + notEnded.args));
}

QList<AttachmentRecord> AttachmentStore::notEndedOfStructure(qint64 structureId, QDate day) const
{
    const SqlFragment notEnded = attachmentNotEnded(QString(), day);
    return recordsFromRows(
        m_db.rows(QStringLiteral("SELECT %1 FROM attachments WHERE structure_id = ? AND status = "
                                 "'validated' AND %2 ORDER BY user_id, id")
                      .arg(kColumns, notEnded.sql),
                  QVariantList { structureId } + notEnded.args));
}

qint64 AttachmentStore::notEndedAttachmentId(qint64 userId, qint64 structureId, QDate day) const
{
    const SqlFragment notEnded = attachmentNotEnded(QString(), day);
    return m_db
        .value(QStringLiteral("SELECT id FROM attachments WHERE structure_id = ? AND user_id = ? "
                              "AND status = 'validated' AND %1 ORDER BY id LIMIT 1")
                   .arg(notEnded.sql),
               QVariantList { structureId, userId } + notEnded.args)
        .toLongLong();
}

std::optional<AttachmentRecord> AttachmentStore::pendingOrNotEnded(qint64 userId, qint64 structureId,
                                                                   QDate day) const
{
    const SqlFragment live = attachmentPendingOrNotEnded(QString(), day);
    const auto row
        = m_db.row(QStringLiteral("SELECT %1 FROM attachments WHERE user_id = ? AND structure_id = ? AND "
                                  "%2 ORDER BY id LIMIT 1")
                       .arg(kColumns, live.sql),
                   QVariantList { userId, structureId } + live.args);
    if (!row)
        return std::nullopt;
    return recordFromRow(*row);
}

bool AttachmentStore::hasPendingOrValidated(qint64 userId, qint64 structureId) const
{
    return m_db.value(QStringLiteral(
                          "SELECT COUNT(*) FROM attachments WHERE user_id = ? AND structure_id = ? AND "
                          "status IN ('pending', 'validated')"),
                      { userId, structureId })
               .toInt()
        > 0;
}

QList<qint64> AttachmentStore::structuresManagedOn(qint64 userId, QDate day) const
{
    const SqlFragment managed = structuresManagedOnSql(userId, day);
    return idsFromQuery(
        m_db.exec(QStringLiteral("SELECT DISTINCT structure_id FROM (%1) managed ORDER BY structure_id")
                      .arg(managed.sql),
                  managed.args));
}

qint64 AttachmentStore::principalOf(qint64 structureId) const
{
    return m_db
        .value(QStringLiteral("SELECT user_id FROM attachments WHERE structure_id = ? AND role = 'principal' "
                              "AND status = 'validated' ORDER BY id LIMIT 1"),
               { structureId })
        .toLongLong();
}

qint64 AttachmentStore::activePrincipalOf(qint64 structureId, QDate day) const
{
    const SqlFragment notEnded = attachmentNotEnded(QStringLiteral("a"), day);
    return m_db
        .value(QStringLiteral("SELECT a.user_id FROM attachments a JOIN users u ON u.id = a.user_id WHERE "
                              "a.structure_id = ? AND a.role = 'principal' AND a.status = 'validated' AND "
                              "u.status = 'active' AND %1 ORDER BY a.valid_from, a.id LIMIT 1")
                   .arg(notEnded.sql),
               QVariantList { structureId } + notEnded.args)
        .toLongLong();
}

QList<qint64> AttachmentStore::principalHolders(qint64 structureId) const
{
    return idsFromQuery(
        m_db.exec(QStringLiteral("SELECT DISTINCT user_id FROM attachments WHERE structure_id = ? AND "
                                 "role = 'principal' AND status = 'validated' ORDER BY user_id"),
                  { structureId }));
}

qint64 AttachmentStore::principalAttachmentId(qint64 userId, qint64 structureId) const
{
    return m_db
        .value(QStringLiteral("SELECT id FROM attachments WHERE user_id = ? AND structure_id = ? AND "
                              "role = 'principal' AND status = 'validated' ORDER BY id LIMIT 1"),
               { userId, structureId })
        .toLongLong();
}

QList<qint64> AttachmentStore::structuresWherePrincipal(qint64 userId, QDate day) const
{
    const SqlFragment notEnded = attachmentNotEnded(QString(), day);
    return idsFromQuery(
        m_db.exec(QStringLiteral("SELECT DISTINCT structure_id FROM attachments WHERE user_id = ? AND "
                                 "role = 'principal' AND status = 'validated' AND %1 ORDER BY structure_id")
                      .arg(notEnded.sql),
                  QVariantList { userId } + notEnded.args));
}

qint64 AttachmentStore::pendingCount() const
{
    return m_db.value(QStringLiteral("SELECT COUNT(*) FROM attachments WHERE status = 'pending'"))
        .toLongLong();
}

QList<AttachmentView> AttachmentStore::views(const QString &where, const QVariantList &args) const
{
    QList<AttachmentView> result;
    const QList<QVariantMap> rows = m_db.rows(
        QStringLiteral(
            "SELECT a.id, a.user_id, a.structure_id, s.siret, s.identifier_type, s.raison_sociale, a.role, "
            "a.whole_structure, a.valid_from, a.valid_until, a.status, a.requested_at, "
            "a.decision_comment, u.first_name, u.last_name, u.email FROM attachments a JOIN structures s "
            "ON s.id = a.structure_id JOIN users u ON u.id = a.user_id WHERE %1 "
            "ORDER BY s.raison_sociale, a.id")
            .arg(where),
        args);
    for (const QVariantMap &row : rows) {
        AttachmentView view;
        view.id = row.value(QStringLiteral("id")).toLongLong();
        for (const ServiceRow &service : services(view.id)) {
            view.serviceIds.append(service.id);
            view.services.append(service.name);
        }
        view.userId = row.value(QStringLiteral("user_id")).toLongLong();
        view.firstName = row.value(QStringLiteral("first_name")).toString();
        view.lastName = row.value(QStringLiteral("last_name")).toString();
        view.email = row.value(QStringLiteral("email")).toString();
        view.structureId = row.value(QStringLiteral("structure_id")).toLongLong();
        view.siret = row.value(QStringLiteral("siret")).toString();
        view.identifierType = row.value(QStringLiteral("identifier_type")).toString();
        view.raisonSociale = row.value(QStringLiteral("raison_sociale")).toString();
        view.role = roleFromString(row.value(QStringLiteral("role")).toString());
        view.wholeStructure = row.value(QStringLiteral("whole_structure")).toInt() != 0;
        view.validFrom = QDate::fromString(row.value(QStringLiteral("valid_from")).toString(), Qt::ISODate);
        view.validUntil = QDate::fromString(row.value(QStringLiteral("valid_until")).toString(), Qt::ISODate);
        view.status = row.value(QStringLiteral("status")).toString();
        view.requestedAt = row.value(QStringLiteral("requested_at")).toLongLong();
        view.decisionComment = row.value(QStringLiteral("decision_comment")).toString();
        result.append(view);
    }
    return result;
}

QList<AttachmentView> AttachmentStore::userAttachments(qint64 userId) const
{
    return views(QStringLiteral("a.user_id = ? AND a.status IN ('pending', 'validated')"), { userId });
}

std::optional<AttachmentView> AttachmentStore::attachmentView(qint64 attachmentId) const
{
    const QList<AttachmentView> rows = views(QStringLiteral("a.id = ?"), { attachmentId });
    if (rows.isEmpty())
        return std::nullopt;
    return rows.first();
}

QList<AttachmentView> AttachmentStore::pendingRequests() const
{
    return views(QStringLiteral("a.status = 'pending'"), {});
}

QList<AttachmentView> AttachmentStore::pendingRequestsManagedBy(qint64 managerId, QDate day) const
{
    const SqlFragment managed = structuresManagedOnSql(managerId, day);
    return views(QStringLiteral("a.status = 'pending' AND a.role <> 'principal' AND a.structure_id IN (%1)")
                     .arg(managed.sql),
                 managed.args);
}

qint64 AttachmentStore::insertAttachment(const NewAttachment &a) const
{
    const qint64 id = m_db.insert(
        QStringLiteral("INSERT INTO attachments (user_id, structure_id, role, whole_structure, valid_from, "
                       "valid_until, status, requested_at, decided_at, decided_by, version) VALUES (?, ?, ?, "
                       "?, ?, ?, ?, ?, ?, ?, ?) RETURNING id"),
        { a.userId, a.structureId, roleToString(a.role), a.wholeStructure ? 1 : 0,
          a.validFrom.toString(Qt::ISODate), dateOrNull(a.validUntil), a.status, a.requestedAt,
          idOrNull(a.decidedAt), idOrNull(a.decidedBy), a.version });
    for (const qint64 serviceId : a.serviceIds)
        m_db.exec(QStringLiteral("INSERT INTO attachment_services (attachment_id, service_id) VALUES (?, ?)"),
                  { id, serviceId });
    return id;
}

void AttachmentStore::decide(qint64 attachmentId, const QString &status, qint64 decidedAt, qint64 decidedBy,
                             const QString &comment, qint64 version) const
{
    m_db.exec(QStringLiteral("UPDATE attachments SET status = ?, decided_at = ?, decided_by = ?, "
                             "decision_comment = ?, version = ? WHERE id = ?"),
              { status, decidedAt, decidedBy, comment, version, attachmentId });
}

void AttachmentStore::setRole(qint64 attachmentId, Role role, qint64 version) const
{
    m_db.exec(QStringLiteral("UPDATE attachments SET role = ?, version = ? WHERE id = ?"),
              { roleToString(role), version, attachmentId });
}

void AttachmentStore::demotePrincipal(qint64 structureId, qint64 userId, qint64 version) const
{
    m_db.exec(QStringLiteral("UPDATE attachments SET role = 'user', version = ? WHERE structure_id = ? AND "
                             "user_id = ? AND role = 'principal' AND status = 'validated'"),
              { version, structureId, userId });
}

void AttachmentStore::setValidUntil(qint64 attachmentId, QDate validUntil, qint64 version) const
{
    m_db.exec(QStringLiteral("UPDATE attachments SET valid_until = ?, version = ? WHERE id = ?"),
              { validUntil.toString(Qt::ISODate), version, attachmentId });
}

void AttachmentStore::deleteAttachment(qint64 attachmentId) const
{
    m_db.exec(QStringLiteral("DELETE FROM attachment_services WHERE attachment_id = ?"), { attachmentId });
    m_db.exec(QStringLiteral("DELETE FROM attachments WHERE id = ?"), { attachmentId });
}

QList<AttachmentRecord> AttachmentStore::invitationsOfUser(qint64 userId) const
{
    return recordsFromRows(m_db.rows(
        QStringLiteral("SELECT %1 FROM attachments WHERE user_id = ? AND status = 'invited' ORDER BY id")
            .arg(kColumns),
        { userId }));
}

std::optional<AttachmentRecord> AttachmentStore::invitation(qint64 userId, qint64 structureId) const
{
    const auto row
        = m_db.row(QStringLiteral("SELECT %1 FROM attachments WHERE user_id = ? AND structure_id = ? "
                                  "AND status = 'invited' ORDER BY id LIMIT 1")
                       .arg(kColumns),
                   { userId, structureId });
    if (!row)
        return std::nullopt;
    return recordFromRow(*row);
}

void AttachmentStore::replaceInvitation(qint64 attachmentId, Role role, bool wholeStructure,
                                        const QList<qint64> &serviceIds, qint64 invitedAt, qint64 invitedBy,
                                        qint64 version) const
{
    m_db.exec(QStringLiteral("UPDATE attachments SET role = ?, whole_structure = ?, requested_at = ?, "
                             "decided_by = ?, version = ? WHERE id = ? AND status = 'invited'"),
              { roleToString(role), wholeStructure ? 1 : 0, invitedAt, invitedBy, version, attachmentId });
    m_db.exec(QStringLiteral("DELETE FROM attachment_services WHERE attachment_id = ?"), { attachmentId });
    for (const qint64 serviceId : serviceIds)
        m_db.exec(QStringLiteral("INSERT INTO attachment_services (attachment_id, service_id) VALUES (?, ?)"),
                  { attachmentId, serviceId });
}

void AttachmentStore::acceptInvitation(qint64 attachmentId, QDate validFrom, const QList<qint64> &serviceIds,
                                       qint64 nowMs, qint64 version) const
{
    m_db.exec(QStringLiteral("UPDATE attachments SET status = 'validated', valid_from = ?, decided_at = ?, "
                             "version = ? WHERE id = ? AND status = 'invited'"),
              { validFrom.toString(Qt::ISODate), nowMs, version, attachmentId });
    m_db.exec(QStringLiteral("DELETE FROM attachment_services WHERE attachment_id = ?"), { attachmentId });
    for (const qint64 serviceId : serviceIds)
        m_db.exec(QStringLiteral("INSERT INTO attachment_services (attachment_id, service_id) VALUES (?, ?)"),
                  { attachmentId, serviceId });
}

std::optional<AttachableUser> AttachmentStore::user(qint64 userId) const
{
    const auto row = m_db.row(
        QStringLiteral("SELECT id, status, first_name, last_name FROM users WHERE id = ?"), { userId });
    if (!row)
        return std::nullopt;
    return AttachableUser { row->value(QStringLiteral("id")).toLongLong(),
                            row->value(QStringLiteral("status")).toString(),
                            row->value(QStringLiteral("first_name")).toString(),
                            row->value(QStringLiteral("last_name")).toString() };
}

} // namespace guichet
