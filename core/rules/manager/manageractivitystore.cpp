#include "rules/manager/manageractivitystore.h"

#include <QDateTime>

namespace guichet {

namespace {
Reminder reminderFromRow(Reminder::Kind kind, const QVariantMap &row, QDate date)
{
    Reminder r;
    r.kind = kind;
    r.id = row.value(QStringLiteral("id")).toLongLong();
    r.structureId = row.value(QStringLiteral("structure_id")).toLongLong();
    r.raisonSociale = row.value(QStringLiteral("raison_sociale")).toString();
    r.userId = row.value(QStringLiteral("user_id")).toLongLong();
    r.firstName = row.value(QStringLiteral("first_name")).toString();
    r.lastName = row.value(QStringLiteral("last_name")).toString();
    r.date = date;
    return r;
}
} // namespace

ManagerActivityStore::ManagerActivityStore(const Database &db)
    : m_db(db)
{
}

QList<ManagedStructure> ManagerActivityStore::managedStructures(qint64 userId, QDate day) const
{
    QList<ManagedStructure> result;
    const SqlFragment managed = structuresManagedOnSql(userId, day);
    const QList<QVariantMap> rows = m_db.rows(
        QStringLiteral(
            "SELECT s.id, s.siret, s.identifier_type, s.raison_sociale, s.secondary_powers FROM structures s "
            "WHERE s.id IN (%1) ORDER BY s.raison_sociale, s.id")
            .arg(managed.sql),
        managed.args);
    for (const QVariantMap &row : rows) {
        ManagedStructure s;
        s.id = row.value(QStringLiteral("id")).toLongLong();
        s.siret = row.value(QStringLiteral("siret")).toString();
        s.identifierType = row.value(QStringLiteral("identifier_type")).toString();
        s.raisonSociale = row.value(QStringLiteral("raison_sociale")).toString();
        s.secondaryPowers = row.value(QStringLiteral("secondary_powers")).toInt() != 0;
        result.append(s);
    }
    return result;
}

QList<StructureUser> ManagerActivityStore::structureUsers(qint64 structureId) const
{
    QList<StructureUser> result;
    const QList<QVariantMap> rows = m_db.rows(
        QStringLiteral(
            "SELECT a.id, a.user_id, a.role, a.status, a.valid_from, a.valid_until, a.whole_structure, "
            "u.first_name, u.last_name, u.email, (SELECT COUNT(*) FROM subscriptions x WHERE x.user_id = "
            "a.user_id "
            "AND x.structure_id = a.structure_id AND x.status IN ('pending', 'validated')) AS subscriptions "
            "FROM attachments a JOIN users u ON u.id = a.user_id WHERE a.structure_id = ? AND a.status IN "
            "('pending', 'validated', 'invited') ORDER BY u.last_name, u.first_name, a.id"),
        { structureId });
    for (const QVariantMap &row : rows) {
        StructureUser u;
        u.id = row.value(QStringLiteral("id")).toLongLong();
        u.wholeStructure = row.value(QStringLiteral("whole_structure")).toInt() != 0;
        u.userId = row.value(QStringLiteral("user_id")).toLongLong();
        u.status = row.value(QStringLiteral("status")).toString();
        // An invitee is shown by the address the manager typed only: whether
        // it had an account (deactivated, waiting) is not the manager's to see.
        if (u.status != QLatin1String("invited")) {
            u.firstName = row.value(QStringLiteral("first_name")).toString();
            u.lastName = row.value(QStringLiteral("last_name")).toString();
        }
        u.email = row.value(QStringLiteral("email")).toString();
        u.role = roleFromString(row.value(QStringLiteral("role")).toString());
        u.validFrom = QDate::fromString(row.value(QStringLiteral("valid_from")).toString(), Qt::ISODate);
        u.validUntil = QDate::fromString(row.value(QStringLiteral("valid_until")).toString(), Qt::ISODate);
        u.subscriptions = row.value(QStringLiteral("subscriptions")).toInt();
        result.append(u);
    }
    return result;
}

QList<Reminder> ManagerActivityStore::oldRequests(Reminder::Kind kind, qint64 structureId,
                                                  qint64 before) const
{
    // A subscription's removal request waits like a request, from the day it was asked.
    const bool attachments = kind == Reminder::Kind::AttachmentRequest;
    const QString table = attachments ? QStringLiteral("attachments") : QStringLiteral("subscriptions");
    const QString waiting = attachments ? QStringLiteral("t.status = 'pending'")
                                        : QStringLiteral("(t.status = 'pending' OR (t.status = 'validated' "
                                                         "AND t.removal_requested_at IS NOT NULL))");
    const QString since = attachments ? QStringLiteral("t.requested_at")
                                      : QStringLiteral("COALESCE(t.removal_requested_at, t.requested_at)");
    const QList<QVariantMap> rows = m_db.rows(
        QStringLiteral(
            "SELECT t.id, t.structure_id, st.raison_sociale, t.user_id, u.first_name, u.last_name, "
            "%3 AS requested_at FROM %1 t JOIN users u ON u.id = t.user_id JOIN structures st ON "
            "st.id = t.structure_id WHERE t.structure_id = ? AND %2 AND %3 < ? ORDER BY 7, t.id")
            .arg(table, waiting, since),
        { structureId, before });
    QList<Reminder> result;
    for (const QVariantMap &row : rows) {
        const QDate day
            = QDateTime::fromMSecsSinceEpoch(row.value(QStringLiteral("requested_at")).toLongLong(), Qt::UTC)
                  .date();
        result.append(reminderFromRow(kind, row, day));
    }
    return result;
}

QList<Reminder> ManagerActivityStore::endingAttachments(qint64 structureId, QDate from, QDate to) const
{
    const QList<QVariantMap> rows = m_db.rows(
        QStringLiteral(
            "SELECT a.id, a.structure_id, st.raison_sociale, a.user_id, u.first_name, u.last_name, "
            "a.valid_until FROM attachments a JOIN users u ON u.id = a.user_id JOIN structures st ON "
            "st.id = a.structure_id WHERE a.structure_id = ? AND a.status = 'validated' AND "
            "a.valid_until IS NOT NULL AND a.valid_until >= ? AND a.valid_until <= ? ORDER BY "
            "a.valid_until, a.id"),
        { structureId, from.toString(Qt::ISODate), to.toString(Qt::ISODate) });
    QList<Reminder> result;
    for (const QVariantMap &row : rows) {
        const QDate until
            = QDate::fromString(row.value(QStringLiteral("valid_until")).toString(), Qt::ISODate);
        result.append(reminderFromRow(Reminder::Kind::AttachmentEnding, row, until));
    }
    return result;
}

} // namespace guichet
