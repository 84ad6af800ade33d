// The attachments' SQL fragment home: the validity window and the sub-queries
// built on it are written here once (tests/check-layering.sh counts them) and
// spliced into the statements of the stores. Every whole statement of the
// feature lives in attachmentstore.cpp.

#include "rules/attachments/permissions.h"

#include "kernel/core.h"
#include "rules/attachments/attachmentstore.h"
#include "rules/structures/structurestore.h"

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
    return AttachmentStore(db).structuresManagedOn(userId, day);
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
    for (const AttachmentRecord &attachment : AttachmentStore(db).inWindow(userId, structureId, today))
        best = std::max(best, attachment.role);
    return best;
}

bool canManage(const Database &db, qint64 userId, qint64 structureId, QDate today)
{
    const Role role = roleOn(db, userId, structureId, today);
    if (role == Role::Principal)
        return true;
    if (role != Role::Secondary)
        return false;
    return StructureStore(db).secondaryPowers(structureId);
}

AttachedScope attachedServices(const Database &db, qint64 userId, qint64 structureId, QDate today)
{
    AttachedScope scope;
    const AttachmentStore store(db);
    for (const AttachmentRecord &attachment : store.inWindow(userId, structureId, today)) {
        scope.attached = true;
        if (attachment.wholeStructure) {
            scope.wholeStructure = true;
            continue;
        }
        for (const qint64 id : store.serviceIds(attachment.id)) {
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
