#include "rules/spaces/spaces.h"

#include "kernel/core.h"
#include "rules/attachments/permissions.h"
#include "rules/spaces/subscriptions.h"

namespace guichet {

namespace {
const QString kSpaceColumns = QStringLiteral(
    "id, code, name, sort_order, default_for_principal, default_for_secondary, default_for_user");

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

bool hasAnySubscription(const Database &db, qint64 userId, qint64 structureId, qint64 spaceId)
{
    return db.value(
                 QStringLiteral("SELECT COUNT(*) FROM subscriptions WHERE user_id = ? AND structure_id = ? "
                                "AND space_id = ? AND status IN ('pending', 'validated')"),
                 { userId, structureId, spaceId })
               .toInt()
        > 0;
}

// The pending requests a structure-level space generates for one user.
int generateRequests(CommandContext &ctx, qint64 userId, qint64 structureId, qint64 spaceId,
                     const QList<qint64> &scope)
{
    if (hasAnySubscription(ctx.db(), userId, structureId, spaceId))
        return 0;
    for (const qint64 serviceId : scope)
        insertSubscription(
            ctx,
            { userId, structureId, spaceId, serviceId, QStringLiteral("modification"), ctx.clock().today(),
              Spaces::tr("Generated automatically: this space is set for the whole structure."),
              QStringLiteral("pending"), QStringLiteral("structure") });
    return int(scope.size());
}
} // namespace

bool Space::isDefaultFor(Role role) const
{
    switch (role) {
    case Role::Principal:
        return defaultForPrincipal;
    case Role::Secondary:
        return defaultForSecondary;
    case Role::User:
        return defaultForUser;
    case Role::None:
        break;
    }
    return false;
}

QList<Space> spaceCatalogue(const Database &db)
{
    QList<Space> spaces;
    for (const QVariantMap &row :
         db.rows(QStringLiteral("SELECT %1 FROM spaces ORDER BY sort_order, id").arg(kSpaceColumns)))
        spaces.append(spaceFromRow(row));
    return spaces;
}

std::optional<Space> spaceByCode(const Database &db, const QString &code)
{
    const auto row
        = db.row(QStringLiteral("SELECT %1 FROM spaces WHERE code = ?").arg(kSpaceColumns), { code });
    if (!row)
        return std::nullopt;
    return spaceFromRow(*row);
}

QList<Space> defaultSpaces(const Database &db, Role role)
{
    QList<Space> spaces;
    for (const Space &space : spaceCatalogue(db)) {
        if (space.isDefaultFor(role))
            spaces.append(space);
    }
    return spaces;
}

QList<qint64> attachmentScope(const Database &db, qint64 attachmentId)
{
    if (db.value(QStringLiteral("SELECT whole_structure FROM attachments WHERE id = ?"), { attachmentId })
            .toInt()
        != 0)
        return { 0 };
    QList<qint64> ids;
    for (const QVariantMap &row : db.rows(QStringLiteral("SELECT service_id FROM attachment_services WHERE "
                                                         "attachment_id = ? ORDER BY service_id"),
                                          { attachmentId }))
        ids.append(row.value(QStringLiteral("service_id")).toLongLong());
    return ids;
}

int subscribeRoleDefaults(CommandContext &ctx, qint64 userId, qint64 structureId, Role role,
                          const QList<qint64> &scope)
{
    int added = 0;
    const QString modification = QStringLiteral("modification");
    for (const Space &space : defaultSpaces(ctx.db(), role)) {
        for (const qint64 serviceId : scope) {
            if (subscriptionExists(ctx.db(), userId, structureId, space.id, serviceId, modification))
                continue;
            insertSubscription(ctx,
                               { userId, structureId, space.id, serviceId, modification, ctx.clock().today(),
                                 QString(), QStringLiteral("validated"), QStringLiteral("default") });
            ++added;
        }
    }
    return added;
}

int dropStaleRoleDefaults(CommandContext &ctx, qint64 userId, qint64 structureId, Role newRole)
{
    int removed = 0;
    const QList<QVariantMap> rows = ctx.db().rows(
        QStringLiteral(
            "SELECT s.id, s.space_id FROM subscriptions s WHERE s.user_id = ? AND s.structure_id = ? "
            "AND s.origin = 'default' ORDER BY s.id"),
        { userId, structureId });
    QList<qint64> keep;
    for (const Space &space : defaultSpaces(ctx.db(), newRole))
        keep.append(space.id);
    for (const QVariantMap &row : rows) {
        if (keep.contains(row.value(QStringLiteral("space_id")).toLongLong()))
            continue;
        deleteSubscription(
            ctx, row.value(QStringLiteral("id")).toLongLong(),
            QStringLiteral("no longer a default space for the role %1").arg(roleToString(newRole)));
        ++removed;
    }
    return removed;
}

int requestStructureSpaces(CommandContext &ctx, qint64 userId, qint64 structureId, const QList<qint64> &scope)
{
    int added = 0;
    const QList<QVariantMap> spaces = ctx.db().rows(
        QStringLiteral("SELECT space_id FROM structure_spaces WHERE structure_id = ? ORDER BY space_id"),
        { structureId });
    for (const QVariantMap &row : spaces) {
        added += generateRequests(ctx, userId, structureId,
                                  row.value(QStringLiteral("space_id")).toLongLong(), scope);
    }
    return added;
}

Spaces::Spaces(Core &core)
    : m_core(core)
{
}

QList<Space> Spaces::catalogue() const
{
    return spaceCatalogue(m_core.db());
}

std::optional<Space> Spaces::spaceByCode(const QString &code) const
{
    return guichet::spaceByCode(m_core.db(), code);
}

QList<Space> Spaces::structureSpaces(qint64 structureId) const
{
    QList<Space> spaces;
    const QList<QVariantMap> rows = m_core.db().rows(
        QStringLiteral(
            "SELECT sp.id, sp.code, sp.name, sp.sort_order, sp.default_for_principal, "
            "sp.default_for_secondary, sp.default_for_user FROM structure_spaces ss JOIN spaces sp ON "
            "sp.id = ss.space_id WHERE ss.structure_id = ? ORDER BY sp.sort_order, sp.id"),
        { structureId });
    for (const QVariantMap &row : rows)
        spaces.append(spaceFromRow(row));
    return spaces;
}

CommandResult Spaces::enableStructureSpace(qint64 actorId, qint64 structureId, const QString &spaceCode)
{
    return m_core.run(QStringLiteral("enableStructureSpace"), actorId, [&](CommandContext &ctx) {
        Database &db = ctx.db();
        if (!db.row(QStringLiteral("SELECT id FROM structures WHERE id = ?"), { structureId }))
            fail(ErrorCode::NotFound, QStringLiteral("structure"), tr("The structure was not found."));
        requireManager(ctx, structureId);
        const auto space = guichet::spaceByCode(db, spaceCode);
        if (!space)
            fail(ErrorCode::InvalidInput, QStringLiteral("space"), tr("Choose a space from the list."));
        if (db.row(QStringLiteral("SELECT id FROM structure_spaces WHERE structure_id = ? AND space_id = ?"),
                   { structureId, space->id }))
            fail(ErrorCode::Conflict, QStringLiteral("space"),
                 tr("The space %1 is already set for this structure.").arg(space->name));

        const qint64 rowId
            = db.insert(QStringLiteral("INSERT INTO structure_spaces (structure_id, space_id, "
                                       "enabled_at, version) VALUES (?, ?, ?, ?) RETURNING id"),
                        { structureId, space->id, ctx.clock().nowMs(), ctx.version() });
        ctx.audit(QStringLiteral("structure_space"), rowId, structureId,
                  QStringLiteral("space %1 set at structure level").arg(space->code));

        // « une liste de demande d'abonnement est générée automatiquement pour
        // chaque utilisateur »: every user whose validated attachment has not ended.
        const SqlFragment notEnded = attachmentNotEnded(QString(), ctx.clock().today());
        const QList<QVariantMap> attachments = db.rows(
            QStringLiteral("SELECT id, user_id FROM attachments WHERE structure_id = ? AND status = "
                           "'validated' AND %1 ORDER BY user_id, id")
                .arg(notEnded.sql),
            QVariantList { structureId } + notEnded.args);
        int generated = 0;
        QList<qint64> done;
        for (const QVariantMap &attachment : attachments) {
            const qint64 userId = attachment.value(QStringLiteral("user_id")).toLongLong();
            if (done.contains(userId))
                continue;
            done.append(userId);
            generated
                += generateRequests(ctx, userId, structureId, space->id,
                                    attachmentScope(db, attachment.value(QStringLiteral("id")).toLongLong()));
        }
        ctx.result = CommandResult::success(rowId, { { QStringLiteral("generated"), generated } });
    });
}

CommandResult Spaces::disableStructureSpace(qint64 actorId, qint64 structureId, const QString &spaceCode)
{
    return m_core.run(QStringLiteral("disableStructureSpace"), actorId, [&](CommandContext &ctx) {
        Database &db = ctx.db();
        if (!db.row(QStringLiteral("SELECT id FROM structures WHERE id = ?"), { structureId }))
            fail(ErrorCode::NotFound, QStringLiteral("structure"), tr("The structure was not found."));
        requireManager(ctx, structureId);
        const auto space = guichet::spaceByCode(db, spaceCode);
        if (!space)
            fail(ErrorCode::InvalidInput, QStringLiteral("space"), tr("Choose a space from the list."));
        const auto row = db.row(
            QStringLiteral("SELECT id FROM structure_spaces WHERE structure_id = ? AND space_id = ?"),
            { structureId, space->id });
        if (!row)
            fail(ErrorCode::NotFound, QStringLiteral("space"),
                 tr("The space %1 is not set for this structure.").arg(space->name));
        const qint64 rowId = row->value(QStringLiteral("id")).toLongLong();
        db.exec(QStringLiteral("DELETE FROM structure_spaces WHERE id = ?"), { rowId });
        ctx.tombstone(QStringLiteral("structure_spaces"), rowId, 0, structureId);
        ctx.audit(QStringLiteral("structure_space"), rowId, structureId,
                  QStringLiteral("space %1 removed from structure level").arg(space->code));

        const QList<QVariantMap> generated = db.rows(
            QStringLiteral("SELECT id FROM subscriptions WHERE structure_id = ? AND space_id = ? AND "
                           "origin = 'structure' ORDER BY id"),
            { structureId, space->id });
        for (const QVariantMap &subscription : generated)
            deleteSubscription(ctx, subscription.value(QStringLiteral("id")).toLongLong(),
                               QStringLiteral("space %1 removed from structure level").arg(space->code));
        ctx.result = CommandResult::success(rowId, { { QStringLiteral("removed"), generated.size() } });
    });
}

} // namespace guichet
