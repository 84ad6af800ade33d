#include "rules/attachments/principals.h"

#include "kernel/core.h"
#include "rules/attachments/permissions.h"

namespace guichet {

namespace {
struct Tr
{
    Q_DECLARE_TR_FUNCTIONS(guichet::Principals)
};
} // namespace

qint64 principalOf(const Database &db, qint64 structureId)
{
    return db
        .value(QStringLiteral("SELECT user_id FROM attachments WHERE structure_id = ? AND role = 'principal' "
                              "AND status = 'validated' ORDER BY id LIMIT 1"),
               { structureId })
        .toLongLong();
}

QList<qint64> structuresWherePrincipal(const Database &db, qint64 userId)
{
    QList<qint64> ids;
    QSqlQuery query
        = db.exec(QStringLiteral("SELECT structure_id FROM attachments WHERE user_id = ? AND "
                                 "role = 'principal' AND status = 'validated' ORDER BY structure_id"),
                  { userId });
    while (query.next())
        ids.append(query.value(0).toLongLong());
    return ids;
}

void transferPrincipal(CommandContext &ctx, qint64 structureId, qint64 successorId, const QString &field)
{
    Database &db = ctx.db();
    const auto successor = db.row(
        QStringLiteral("SELECT id, status, first_name, last_name FROM users WHERE id = ?"), { successorId });
    if (!successor)
        fail(ErrorCode::InvalidInput, field, Tr::tr("The new principal manager was not found."));
    if (successor->value(QStringLiteral("status")).toString() != QLatin1String("active"))
        fail(ErrorCode::InvalidInput, field,
             Tr::tr("The new principal manager must have an active account."));

    const qint64 former = principalOf(db, structureId);
    if (former == successorId)
        fail(ErrorCode::InvalidInput, field, Tr::tr("The new principal manager must be someone else."));

    const qint64 version = ctx.version();
    if (former) {
        db.exec(QStringLiteral("UPDATE attachments SET role = 'user', version = ? WHERE structure_id = ? AND "
                               "user_id = ? AND role = 'principal' AND status = 'validated'"),
                { version, structureId, former });
    }
    const QString today = ctx.clock().today().toString(Qt::ISODate);
    const SqlFragment notEnded = attachmentNotEnded(QString(), ctx.clock().today());
    const auto existing
        = db.row(QStringLiteral("SELECT id FROM attachments WHERE structure_id = ? AND user_id = ? "
                                "AND status = 'validated' AND %1 ORDER BY id LIMIT 1")
                     .arg(notEnded.sql),
                 QVariantList { structureId, successorId } + notEnded.args);
    qint64 attachmentId = 0;
    if (existing) {
        attachmentId = existing->value(QStringLiteral("id")).toLongLong();
        db.exec(QStringLiteral("UPDATE attachments SET role = 'principal', version = ? WHERE id = ?"),
                { version, attachmentId });
    } else {
        attachmentId = db.insert(
            QStringLiteral(
                "INSERT INTO attachments (user_id, structure_id, role, whole_structure, valid_from, "
                "status, requested_at, decided_at, decided_by, version) VALUES (?, ?, 'principal', 1, ?, "
                "'validated', ?, ?, ?, ?) RETURNING id"),
            { successorId, structureId, today, ctx.clock().nowMs(), ctx.clock().nowMs(),
              ctx.hasActor() ? QVariant(ctx.actorId()) : QVariant(QMetaType(QMetaType::LongLong)), version });
    }
    ctx.audit(QStringLiteral("attachment"), attachmentId, structureId,
              QStringLiteral("principal manager: user %1 -> user %2").arg(former).arg(successorId));
}

} // namespace guichet
