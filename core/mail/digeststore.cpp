#include "mail/digeststore.h"

#include "kernel/database.h"

namespace guichet {

namespace {

QList<StructureAuditEntry> auditEntriesFromRows(const QList<QVariantMap> &rows)
{
    QList<StructureAuditEntry> entries;
    for (const QVariantMap &row : rows)
        entries.append({ AuditRecord::fromJson(row.value(QStringLiteral("details")).toString()),
                         row.value(QStringLiteral("raison_sociale")).toString() });
    return entries;
}

} // namespace

DigestStore::DigestStore(const Database &db)
    : m_db(db)
{
}

// ---------------------------------------------------------------- mail_runs

std::optional<MailRun> DigestStore::lastRun(qint64 userId, const QString &kind) const
{
    const auto row
        = m_db.row(QStringLiteral("SELECT period, ran_at FROM mail_runs WHERE user_id = ? AND kind = ?"),
                   { userId, kind });
    if (!row)
        return std::nullopt;
    return MailRun { row->value(QStringLiteral("period")).toString(),
                     row->value(QStringLiteral("ran_at")).toLongLong() };
}

bool DigestStore::insertRun(qint64 userId, const QString &kind, const QString &period, qint64 nowMs)
{
    return m_db.exec(
                   QStringLiteral("INSERT INTO mail_runs (user_id, kind, period, ran_at) VALUES (?, ?, ?, ?) "
                                  "ON CONFLICT (user_id, kind) DO NOTHING"),
                   { userId, kind, period, nowMs })
               .numRowsAffected()
        > 0;
}

bool DigestStore::updateRun(qint64 userId, const QString &kind, const QString &period, qint64 nowMs)
{
    return m_db.exec(QStringLiteral(
                         "UPDATE mail_runs SET period = ?, ran_at = ? WHERE user_id = ? AND kind = ?"),
                     { period, nowMs, userId, kind })
               .numRowsAffected()
        > 0;
}

bool DigestStore::updateRunFrom(qint64 userId, const QString &kind, const QString &fromPeriod,
                                const QString &period, qint64 nowMs)
{
    return m_db.exec(QStringLiteral("UPDATE mail_runs SET period = ?, ran_at = ? WHERE user_id = ? AND "
                                    "kind = ? AND period = ?"),
                     { period, nowMs, userId, kind, fromPeriod })
               .numRowsAffected()
        > 0;
}

// ---------------------------------------------------------------- users, spaces

QList<qint64> DigestStore::notifiedUsers() const
{
    QList<qint64> ids;
    const QList<QVariantMap> rows = m_db.rows(QStringLiteral(
        "SELECT id FROM users WHERE status = 'active' AND notifications_enabled = 1 ORDER BY id"));
    for (const QVariantMap &row : rows)
        ids.append(row.value(QStringLiteral("id")).toLongLong());
    return ids;
}

std::optional<DigestRecipient> DigestStore::recipient(qint64 userId) const
{
    const auto row = m_db.row(
        QStringLiteral("SELECT first_name, contact_email, email FROM users WHERE id = ?"), { userId });
    if (!row)
        return std::nullopt;
    return DigestRecipient { row->value(QStringLiteral("first_name")).toString(),
                             row->value(QStringLiteral("contact_email")).toString(),
                             row->value(QStringLiteral("email")).toString() };
}

std::optional<PersonName> DigestStore::name(qint64 userId) const
{
    const auto row
        = m_db.row(QStringLiteral("SELECT first_name, last_name FROM users WHERE id = ?"), { userId });
    if (!row)
        return std::nullopt;
    return PersonName { row->value(QStringLiteral("first_name")).toString(),
                        row->value(QStringLiteral("last_name")).toString() };
}

QString DigestStore::spaceName(qint64 spaceId) const
{
    return m_db.value(QStringLiteral("SELECT name FROM spaces WHERE id = ?"), { spaceId }).toString();
}

// ---------------------------------------------------------------- the reader's own events

QList<AttachmentEvent> DigestStore::attachmentEvents(qint64 userId, qint64 fromMs, qint64 toMs) const
{
    const QList<QVariantMap> rows = m_db.rows(
        QStringLiteral(
            "SELECT a.status, s.raison_sociale, s.siret FROM attachments a JOIN structures s ON "
            "s.id = a.structure_id WHERE a.user_id = ? AND ((a.requested_at > ? AND a.requested_at "
            "<= ?) OR (a.decided_at > ? AND a.decided_at <= ?)) ORDER BY a.id"),
        { userId, fromMs, toMs, fromMs, toMs });
    QList<AttachmentEvent> events;
    for (const QVariantMap &row : rows)
        events.append({ row.value(QStringLiteral("status")).toString(),
                        row.value(QStringLiteral("raison_sociale")).toString(),
                        row.value(QStringLiteral("siret")).toString() });
    return events;
}

QList<StructureAuditEntry> DigestStore::attachmentChangesAbout(qint64 userId, qint64 fromMs,
                                                               qint64 toMs) const
{
    return auditEntriesFromRows(m_db.rows(
        QStringLiteral(
            "SELECT l.details, s.raison_sociale FROM audit_log l JOIN structures s ON s.id = "
            "l.structure_id WHERE l.at > ? AND l.at <= ? AND ((l.subject_id = ? AND l.action IN (?, ?)) OR "
            "l.action = ?) ORDER BY l.id"),
        { fromMs, toMs, userId, audit::actionCode(AuditAction::AttachmentRemoved),
          audit::actionCode(AuditAction::AttachmentRoleChanged),
          audit::actionCode(AuditAction::PrincipalChanged) }));
}

QList<SubscriptionEvent> DigestStore::subscriptionEvents(qint64 userId, qint64 fromMs, qint64 toMs) const
{
    const QList<QVariantMap> rows = m_db.rows(
        QStringLiteral(
            "SELECT x.status, sp.name AS space_name, s.raison_sociale, sv.name AS service_name FROM "
            "subscriptions x JOIN spaces sp ON sp.id = x.space_id JOIN structures s ON s.id = "
            "x.structure_id LEFT JOIN services sv ON sv.id = x.service_id WHERE x.user_id = ? AND "
            "((x.requested_at > ? AND x.requested_at <= ?) OR (x.decided_at > ? AND x.decided_at "
            "<= ?)) ORDER BY x.id"),
        { userId, fromMs, toMs, fromMs, toMs });
    QList<SubscriptionEvent> events;
    for (const QVariantMap &row : rows)
        events.append({ row.value(QStringLiteral("status")).toString(),
                        row.value(QStringLiteral("space_name")).toString(),
                        row.value(QStringLiteral("raison_sociale")).toString(),
                        row.value(QStringLiteral("service_name")).toString() });
    return events;
}

QList<StructureAuditEntry> DigestStore::removedSubscriptionsOf(qint64 userId, qint64 fromMs,
                                                               qint64 toMs) const
{
    return auditEntriesFromRows(m_db.rows(
        QStringLiteral("SELECT l.details, s.raison_sociale FROM audit_log l JOIN structures s ON s.id = "
                       "l.structure_id WHERE l.subject_id = ? AND l.action = ? AND l.at > ? AND l.at <= ? "
                       "ORDER BY l.id"),
        { userId, audit::actionCode(AuditAction::SubscriptionRemoved), fromMs, toMs }));
}

QStringList DigestStore::supportReplySubjects(qint64 userId, qint64 fromMs, qint64 toMs) const
{
    const QList<QVariantMap> rows = m_db.rows(
        QStringLiteral(
            "SELECT s.subject FROM solicitation_messages m JOIN solicitations s ON s.id = "
            "m.solicitation_id WHERE s.user_id = ? AND m.from_support = 1 AND m.created_at > ? AND "
            "m.created_at <= ? ORDER BY m.id"),
        { userId, fromMs, toMs });
    QStringList subjects;
    for (const QVariantMap &row : rows)
        subjects.append(row.value(QStringLiteral("subject")).toString());
    return subjects;
}

// ---------------------------------------------------------------- a manager's structures

QList<PendingRequestEntry> DigestStore::pendingAttachments(qint64 structureId, qint64 managerId,
                                                           qint64 fromMs, qint64 toMs, qint64 remindFromMs,
                                                           qint64 remindToMs) const
{
    const QList<QVariantMap> rows = m_db.rows(
        QStringLiteral("SELECT a.user_id, a.requested_at, s.raison_sociale FROM attachments a JOIN "
                       "structures s ON s.id = a.structure_id WHERE a.structure_id = ? AND a.status = "
                       "'pending' AND a.user_id <> ? AND ((a.requested_at > ? AND a.requested_at <= ?) OR "
                       "(a.requested_at > ? AND a.requested_at <= ?)) ORDER BY a.id"),
        { structureId, managerId, fromMs, toMs, remindFromMs, remindToMs });
    QList<PendingRequestEntry> requests;
    for (const QVariantMap &row : rows)
        requests.append({ row.value(QStringLiteral("user_id")).toLongLong(),
                          row.value(QStringLiteral("requested_at")).toLongLong(),
                          row.value(QStringLiteral("raison_sociale")).toString(),
                          {},
                          {} });
    return requests;
}

QList<PendingRequestEntry> DigestStore::pendingSubscriptions(qint64 structureId, qint64 managerId,
                                                             qint64 fromMs, qint64 toMs, qint64 remindFromMs,
                                                             qint64 remindToMs) const
{
    const QList<QVariantMap> rows = m_db.rows(
        QStringLiteral(
            "SELECT user_id, asked_at, space_name, raison_sociale, service_name, removal FROM "
            "(SELECT x.id, x.user_id, COALESCE(x.removal_requested_at, x.requested_at) AS asked_at, "
            "sp.name AS space_name, s.raison_sociale, sv.name AS service_name, "
            "CASE WHEN x.status = 'validated' THEN 1 ELSE 0 END AS removal FROM subscriptions x "
            "JOIN spaces sp ON sp.id = x.space_id JOIN structures s ON s.id = x.structure_id "
            "LEFT JOIN services sv ON sv.id = x.service_id WHERE x.structure_id = ? AND "
            "(x.status = 'pending' OR (x.status = 'validated' AND x.removal_requested_at IS NOT "
            "NULL)) AND x.user_id <> ?) w WHERE (asked_at > ? AND asked_at <= ?) OR (asked_at > ? "
            "AND asked_at <= ?) ORDER BY id"),
        { structureId, managerId, fromMs, toMs, remindFromMs, remindToMs });
    QList<PendingRequestEntry> requests;
    for (const QVariantMap &row : rows)
        requests.append({ row.value(QStringLiteral("user_id")).toLongLong(),
                          row.value(QStringLiteral("asked_at")).toLongLong(),
                          row.value(QStringLiteral("raison_sociale")).toString(),
                          row.value(QStringLiteral("space_name")).toString(),
                          row.value(QStringLiteral("service_name")).toString(),
                          row.value(QStringLiteral("removal")).toInt() == 1 });
    return requests;
}

QList<EndingAttachment> DigestStore::attachmentsEnding(qint64 structureId, QDate after, QDate until,
                                                       QDate notBefore) const
{
    const QList<QVariantMap> rows = m_db.rows(
        QStringLiteral("SELECT a.user_id, a.valid_until, s.raison_sociale FROM attachments a JOIN structures "
                       "s ON s.id = a.structure_id WHERE a.structure_id = ? AND a.status = 'validated' AND "
                       "a.valid_until IS NOT NULL AND a.valid_until > ? AND a.valid_until <= ? AND "
                       "a.valid_until >= ? ORDER BY a.valid_until, a.id"),
        { structureId, after.toString(Qt::ISODate), until.toString(Qt::ISODate),
          notBefore.toString(Qt::ISODate) });
    QList<EndingAttachment> ending;
    for (const QVariantMap &row : rows)
        ending.append({ row.value(QStringLiteral("user_id")).toLongLong(),
                        row.value(QStringLiteral("valid_until")).toString(),
                        row.value(QStringLiteral("raison_sociale")).toString() });
    return ending;
}

// ---------------------------------------------------------------- the weekly summary

QList<DigestStructure> DigestStore::validatedStructuresOf(qint64 userId) const
{
    const QList<QVariantMap> rows = m_db.rows(
        QStringLiteral(
            "SELECT DISTINCT s.id, s.raison_sociale, s.siret FROM attachments a JOIN structures s ON "
            "s.id = a.structure_id WHERE a.user_id = ? AND a.status = 'validated' ORDER BY "
            "s.raison_sociale, s.id"),
        { userId });
    QList<DigestStructure> structures;
    for (const QVariantMap &row : rows)
        structures.append({ row.value(QStringLiteral("id")).toLongLong(),
                            row.value(QStringLiteral("raison_sociale")).toString(),
                            row.value(QStringLiteral("siret")).toString() });
    return structures;
}

} // namespace guichet
