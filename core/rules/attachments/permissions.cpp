#include "rules/attachments/permissions.h"

#include "kernel/core.h"

#include <algorithm>

namespace guichet {

namespace {
struct Tr
{
    Q_DECLARE_TR_FUNCTIONS(guichet::Permissions)
};

// The validated attachments of the user to the structure whose window contains today.
QList<QVariantMap> attachmentsInWindow(const Database &db, qint64 userId, qint64 structureId, QDate today)
{
    const QString day = today.toString(Qt::ISODate);
    return db.rows(QStringLiteral("SELECT id, role, whole_structure FROM attachments WHERE user_id = ? AND "
                                  "structure_id = ? AND status = 'validated' AND valid_from <= ? AND "
                                  "(valid_until IS NULL OR valid_until >= ?) ORDER BY id"),
                   { userId, structureId, day, day });
}
} // namespace

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
