#include "rules/attachments/permissions.h"

#include "kernel/core.h"

#include <algorithm>

namespace guichet {

namespace {
struct Tr
{
    Q_DECLARE_TR_FUNCTIONS(guichet::Permissions)
};

// "alias." before a column name, or nothing for the bare names.
QString prefix(const QString &alias)
{
    return alias.isEmpty() ? QString() : alias + QLatin1Char('.');
}

// The validated attachments of the user to the structure whose window contains today.
QList<QVariantMap> attachmentsInWindow(const Database &db, qint64 userId, qint64 structureId, QDate today)
{
    const SqlFragment window = attachmentInWindow(QString(), today);
    return db.rows(QStringLiteral("SELECT id, role, whole_structure FROM attachments WHERE user_id = ? AND "
                                  "structure_id = ? AND status = 'validated' AND %1 ORDER BY id")
                       .arg(window.sql),
                   QVariantList { userId, structureId } + window.args);
}
} // namespace

// The one spelling of the validity window in SQL (tests/check-layering.sh
// fails if its test of the end date appears anywhere else in core/rules).
SqlFragment attachmentNotEnded(const QString &alias, QDate day)
{
    return { QStringLiteral("(%1valid_until IS NULL OR %1valid_until >= ?)").arg(prefix(alias)),
             { day.toString(Qt::ISODate) } };
}

SqlFragment attachmentInWindow(const QString &alias, QDate day)
{
    const SqlFragment notEnded = attachmentNotEnded(alias, day);
    return { QStringLiteral("(%1valid_from <= ? AND %2)").arg(prefix(alias), notEnded.sql),
             QVariantList { day.toString(Qt::ISODate) } + notEnded.args };
}

SqlFragment attachmentPendingOrNotEnded(const QString &alias, QDate day)
{
    const SqlFragment notEnded = attachmentNotEnded(alias, day);
    return { QStringLiteral("(%1status = 'pending' OR (%1status = 'validated' AND %2))")
                 .arg(prefix(alias), notEnded.sql),
             notEnded.args };
}

SqlFragment structuresManagedOnSql(qint64 userId, QDate day)
{
    const SqlFragment window = attachmentInWindow(QStringLiteral("m"), day);
    return { QStringLiteral("SELECT m.structure_id FROM attachments m WHERE m.user_id = ? AND m.status = "
                            "'validated' AND m.role IN ('principal', 'secondary') AND %1")
                 .arg(window.sql),
             QVariantList { userId } + window.args };
}

QList<qint64> structuresManagedOn(const Database &db, qint64 userId, QDate day)
{
    const SqlFragment managed = structuresManagedOnSql(userId, day);
    QList<qint64> ids;
    QSqlQuery query
        = db.exec(QStringLiteral("SELECT DISTINCT structure_id FROM (%1) managed ORDER BY structure_id")
                      .arg(managed.sql),
                  managed.args);
    while (query.next())
        ids.append(query.value(0).toLongLong());
    return ids;
}

Role roleFromString(const QString &role)
{
    if (role == QLatin1String("principal"))
        return Role::Principal;
    if (role == QLatin1String("secondary"))
        return Role::Secondary;
    if (role == QLatin1String("user"))
        return Role::User;
    return Role::None;
}

QString roleToString(Role role)
{
    switch (role) {
    case Role::Principal:
        return QStringLiteral("principal");
    case Role::Secondary:
        return QStringLiteral("secondary");
    case Role::User:
        return QStringLiteral("user");
    case Role::None:
        break;
    }
    return {};
}

Role roleOn(const Database &db, qint64 userId, qint64 structureId, QDate today)
{
    Role best = Role::None;
    for (const QVariantMap &row : attachmentsInWindow(db, userId, structureId, today))
        best = std::max(best, roleFromString(row.value(QStringLiteral("role")).toString()));
    return best;
}

bool canManage(const Database &db, qint64 userId, qint64 structureId, QDate today)
{
    const Role role = roleOn(db, userId, structureId, today);
    if (role == Role::Principal)
        return true;
    if (role != Role::Secondary)
        return false;
    return db.value(QStringLiteral("SELECT secondary_powers FROM structures WHERE id = ?"), { structureId })
               .toInt()
        != 0;
}

AttachedScope attachedServices(const Database &db, qint64 userId, qint64 structureId, QDate today)
{
    AttachedScope scope;
    for (const QVariantMap &row : attachmentsInWindow(db, userId, structureId, today)) {
        scope.attached = true;
        if (row.value(QStringLiteral("whole_structure")).toInt() != 0) {
            scope.wholeStructure = true;
            continue;
        }
        const QList<QVariantMap> services
            = db.rows(QStringLiteral("SELECT service_id FROM attachment_services WHERE attachment_id = ?"),
                      { row.value(QStringLiteral("id")) });
        for (const QVariantMap &service : services) {
            const qint64 id = service.value(QStringLiteral("service_id")).toLongLong();
            if (!scope.serviceIds.contains(id))
                scope.serviceIds.append(id);
        }
    }
    if (scope.wholeStructure)
        scope.serviceIds.clear();
    std::sort(scope.serviceIds.begin(), scope.serviceIds.end());
    return scope;
}

bool actorManages(const CommandContext &ctx, qint64 structureId)
{
    if (!ctx.hasActor())
        return false;
    return ctx.actor().support || canManage(ctx.db(), ctx.actorId(), structureId, ctx.clock().today());
}

void requireManager(CommandContext &ctx, qint64 structureId)
{
    if (!actorManages(ctx, structureId))
        fail(ErrorCode::Forbidden, {}, Tr::tr("You do not manage this structure."));
}

} // namespace guichet
