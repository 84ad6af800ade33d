#include "rules/support/supportstore.h"

#include "kernel/database.h"
#include "rules/attachments/permissions.h"

#include <QSqlQuery>

namespace guichet {

namespace {

QDateTime fromMs(const QVariant &value)
{
    return QDateTime::fromMSecsSinceEpoch(value.toLongLong(), Qt::UTC);
}

const QString kColumns
    = QStringLiteral("id, user_id, email, category, subject, body, status, reply, assigned_to, "
                     "created_at, updated_at");

SolicitationInfo infoFromRow(const QVariantMap &row)
{
    SolicitationInfo info;
    info.id = row.value(QStringLiteral("id")).toLongLong();
    info.userId = row.value(QStringLiteral("user_id")).toLongLong();
    info.email = row.value(QStringLiteral("email")).toString();
    info.category = row.value(QStringLiteral("category")).toString();
    info.categoryLabel = Solicitations::categoryLabel(info.category);
    info.subject = row.value(QStringLiteral("subject")).toString();
    info.body = row.value(QStringLiteral("body")).toString();
    info.status = row.value(QStringLiteral("status")).toString();
    info.statusLabel = Solicitations::statusLabel(info.status);
    info.reply = row.value(QStringLiteral("reply")).toString();
    info.assignedTo = row.value(QStringLiteral("assigned_to")).toLongLong();
    info.createdAt = fromMs(row.value(QStringLiteral("created_at")));
    info.updatedAt = fromMs(row.value(QStringLiteral("updated_at")));
    return info;
}

QList<SolicitationInfo> infosFromRows(const QList<QVariantMap> &rows)
{
    QList<SolicitationInfo> list;
    for (const QVariantMap &row : rows)
        list.append(infoFromRow(row));
    return list;
}

} // namespace

SupportStore::SupportStore(const Database &db)
    : m_db(db)
{
}

// ---------------------------------------------------------------- console

QHash<qint64, QList<SupportStructureLink>> SupportStore::validatedLinksByUser(QDate today) const
{
    QHash<qint64, QList<SupportStructureLink>> links;
    const SqlFragment notEnded = attachmentNotEnded(QStringLiteral("a"), today);
    QSqlQuery attachments = m_db.exec(
        QStringLiteral("SELECT a.user_id, s.id, s.siret, s.raison_sociale, a.role FROM attachments a "
                       "JOIN structures s ON s.id = a.structure_id WHERE a.status = 'validated' AND "
                       "%1 ORDER BY s.raison_sociale, s.id")
            .arg(notEnded.sql),
        notEnded.args);
    while (attachments.next())
        links[attachments.value(0).toLongLong()].append(
            { attachments.value(1).toLongLong(), attachments.value(2).toString(),
              attachments.value(3).toString(), attachments.value(4).toString() });
    return links;
}

void SupportStore::forEachUser(const std::function<bool(const SupportUserRecord &)> &visit) const
{
    QSqlQuery query = m_db.exec(QStringLiteral(
        "SELECT id, email, contact_email, first_name, last_name, address_line, postal_code, city, country, "
        "status, deactivated_at, is_support FROM users ORDER BY last_name, first_name, id"));
    while (query.next()) {
        SupportUserRecord user;
        user.id = query.value(0).toLongLong();
        user.email = query.value(1).toString();
        user.contactEmail = query.value(2).toString();
        user.firstName = query.value(3).toString();
        user.lastName = query.value(4).toString();
        user.addressLine = query.value(5).toString();
        user.postalCode = query.value(6).toString();
        user.city = query.value(7).toString();
        user.country = query.value(8).toString();
        user.active = query.value(9).toString() == QLatin1String("active");
        user.pending = query.value(9).toString() == QLatin1String("pending");
        if (!query.value(10).isNull())
            user.deactivatedAt = fromMs(query.value(10));
        user.support = query.value(11).toInt() != 0;
        if (!visit(user))
            return;
    }
}

QList<StructurePrincipalRecord> SupportStore::structuresWithoutActivePrincipal(QDate today) const
{
    const SqlFragment window = attachmentNotEnded(QStringLiteral("p"), today);
    // The latest principal attachment that has not ended (as activePrincipalOf:
    // one starting later counts), whoever holds it; the structure is listed
    // when there is none or its holder is deactivated.
    const QList<QVariantMap> rows = m_db.rows(
        QStringLiteral("SELECT s.id, s.siret, s.identifier_type, s.raison_sociale, u.id AS principal_id, "
                       "u.first_name, "
                       "u.last_name, u.email, "
                       "u.status FROM structures s LEFT JOIN attachments a ON a.id = (SELECT MAX(p.id) FROM "
                       "attachments p "
                       "WHERE p.structure_id = s.id AND p.role = 'principal' AND p.status = 'validated' AND "
                       "%1) LEFT JOIN users "
                       "u ON u.id = "
                       "a.user_id WHERE u.id IS NULL OR u.status <> 'active' ORDER BY s.raison_sociale, s.id")
            .arg(window.sql),
        window.args);
    QList<StructurePrincipalRecord> structures;
    for (const QVariantMap &row : rows)
        structures.append({ row.value(QStringLiteral("id")).toLongLong(),
                            row.value(QStringLiteral("siret")).toString(),
                            row.value(QStringLiteral("identifier_type")).toString(),
                            row.value(QStringLiteral("raison_sociale")).toString(),
                            row.value(QStringLiteral("principal_id")).toLongLong(),
                            row.value(QStringLiteral("first_name")).toString(),
                            row.value(QStringLiteral("last_name")).toString(),
                            row.value(QStringLiteral("email")).toString() });
    return structures;
}

// ---------------------------------------------------------------- solicitations

std::optional<SolicitationInfo> SupportStore::solicitation(qint64 solicitationId) const
{
    const auto row = m_db.row(QStringLiteral("SELECT %1 FROM solicitations WHERE id = ?").arg(kColumns),
                              { solicitationId });
    if (!row)
        return std::nullopt;
    return infoFromRow(*row);
}

qint64 SupportStore::insertSolicitation(qint64 userId, const QString &email,
                                        const NewSolicitation &solicitation, qint64 nowMs, qint64 version)
{
    return m_db.insert(
        QStringLiteral(
            "INSERT INTO solicitations (user_id, email, category, subject, body, status, created_at, "
            "updated_at, version) VALUES (?, ?, ?, ?, ?, 'new', ?, ?, ?) RETURNING id"),
        { userId ? QVariant(userId) : QVariant(QMetaType(QMetaType::LongLong)), email, solicitation.category,
          solicitation.subject, solicitation.body, nowMs, nowMs, version });
}

void SupportStore::setStatus(qint64 solicitationId, const QString &status, qint64 assignedTo, qint64 nowMs,
                             qint64 version)
{
    m_db.exec(QStringLiteral("UPDATE solicitations SET status = ?, assigned_to = ?, updated_at = ?, "
                             "version = ? WHERE id = ?"),
              { status, assignedTo, nowMs, version, solicitationId });
}

void SupportStore::recordReply(qint64 solicitationId, const QString &status, const QString &reply,
                               qint64 assignedTo, qint64 nowMs, qint64 version)
{
    m_db.exec(QStringLiteral("UPDATE solicitations SET status = ?, reply = ?, assigned_to = ?, "
                             "updated_at = ?, version = ? WHERE id = ?"),
              { status, reply, assignedTo, nowMs, version, solicitationId });
}

void SupportStore::resumeAfterFollowUp(qint64 solicitationId, qint64 nowMs, qint64 version)
{
    m_db.exec(QStringLiteral("UPDATE solicitations SET status = 'in_progress', updated_at = ?, version = ? "
                             "WHERE id = ?"),
              { nowMs, version, solicitationId });
}

QList<SolicitationInfo> SupportStore::solicitations(const QString &status) const
{
    return infosFromRows(
        status.isEmpty()
            ? m_db.rows(QStringLiteral("SELECT %1 FROM solicitations ORDER BY updated_at DESC, id DESC")
                            .arg(kColumns))
            : m_db.rows(QStringLiteral(
                            "SELECT %1 FROM solicitations WHERE status = ? ORDER BY updated_at DESC, id DESC")
                            .arg(kColumns),
                        { status }));
}

QList<SolicitationInfo> SupportStore::solicitationsOf(qint64 userId) const
{
    return infosFromRows(m_db.rows(
        QStringLiteral("SELECT %1 FROM solicitations WHERE user_id = ? ORDER BY updated_at DESC, id DESC")
            .arg(kColumns),
        { userId }));
}

qint64 SupportStore::senderOf(qint64 solicitationId) const
{
    return m_db.value(QStringLiteral("SELECT user_id FROM solicitations WHERE id = ?"), { solicitationId })
        .toLongLong();
}

// ---------------------------------------------------------------- messages

void SupportStore::insertMessage(qint64 solicitationId, qint64 authorId, bool fromSupport,
                                 const QString &body, qint64 nowMs, qint64 version)
{
    m_db.exec(
        QStringLiteral("INSERT INTO solicitation_messages (solicitation_id, author_id, from_support, body, "
                       "created_at, version) VALUES (?, ?, ?, ?, ?, ?)"),
        { solicitationId, authorId, fromSupport ? 1 : 0, body, nowMs, version });
}

QList<SolicitationMessage> SupportStore::messages(qint64 solicitationId) const
{
    QList<SolicitationMessage> list;
    const auto rows = m_db.rows(
        QStringLiteral("SELECT id, author_id, from_support, body, created_at FROM solicitation_messages "
                       "WHERE solicitation_id = ? ORDER BY id"),
        { solicitationId });
    for (const QVariantMap &row : rows)
        list.append({ row.value(QStringLiteral("id")).toLongLong(),
                      row.value(QStringLiteral("author_id")).toLongLong(),
                      row.value(QStringLiteral("from_support")).toInt() != 0,
                      row.value(QStringLiteral("body")).toString(),
                      fromMs(row.value(QStringLiteral("created_at"))) });
    return list;
}

} // namespace guichet
