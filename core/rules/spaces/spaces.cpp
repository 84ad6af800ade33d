#include "rules/spaces/spaces.h"

#include "kernel/core.h"
#include "rules/attachments/attachmentstore.h"
#include "rules/attachments/permissions.h"
#include "rules/spaces/spacestore.h"
#include "rules/spaces/subscriptions.h"
#include "rules/structures/structurestore.h"

namespace guichet {

namespace {
// The pending requests a structure-level space generates for one user.
int generateRequests(CommandContext &ctx, qint64 userId, qint64 structureId, qint64 spaceId,
                     const QList<qint64> &scope)
{
    if (SpaceStore(ctx.db()).hasSubscription(userId, structureId, spaceId))
        return 0;
    for (const qint64 serviceId : scope)
        insertSubscription(ctx,
                           { userId, structureId, spaceId, serviceId, QStringLiteral("modification"),
                             ctx.clock().today(), QString(), QStringLiteral("pending"),
                             QStringLiteral("structure"), QLatin1String(subscriptionCommentStructure) });
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

const char *spaceNameSource(const QString &code)
{
    static const struct
    {
        const char *code;
        const char *name;
    } names[] = {
        { "accueil", QT_TRANSLATE_NOOP("guichet::labels", "Signed-in home") },
        { "activite_gestionnaire", QT_TRANSLATE_NOOP("guichet::labels", "Manager activity") },
        { "factures_emises", QT_TRANSLATE_NOOP("guichet::labels", "Issued invoices") },
        { "factures_recues", QT_TRANSLATE_NOOP("guichet::labels", "Received invoices") },
        { "sollicitations_emises", QT_TRANSLATE_NOOP("guichet::labels", "Sent solicitations") },
        { "sollicitations_recues", QT_TRANSLATE_NOOP("guichet::labels", "Received solicitations") },
        { "mon_compte", QT_TRANSLATE_NOOP("guichet::labels", "My account") },
    };
    for (const auto &entry : names) {
        if (code == QLatin1String(entry.code))
            return entry.name;
    }
    return nullptr;
}

QList<Space> spaceCatalogue(const Database &db)
{
    return SpaceStore(db).catalogue();
}

std::optional<Space> spaceByCode(const Database &db, const QString &code)
{
    return SpaceStore(db).spaceByCode(code);
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
    const AttachmentStore store(db);
    if (store.isWholeStructure(attachmentId))
        return { 0 };
    return store.serviceIds(attachmentId);
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
                                 QString(), QStringLiteral("validated"), QStringLiteral("default"),
                                 QString() });
            ++added;
        }
    }
    return added;
}

int dropStaleRoleDefaults(CommandContext &ctx, qint64 userId, qint64 structureId, Role newRole)
{
    int removed = 0;
    const QList<SubscriptionRecord> rows = SpaceStore(ctx.db()).roleDefaultSubscriptions(userId, structureId);
    QList<qint64> keep;
    for (const Space &space : defaultSpaces(ctx.db(), newRole))
        keep.append(space.id);
    for (const SubscriptionRecord &row : rows) {
        if (keep.contains(row.spaceId))
            continue;
        deleteSubscription(ctx, row.id, QString::fromLatin1(audit::ReasonRoleChanged));
        ++removed;
    }
    return removed;
}

int requestStructureSpaces(CommandContext &ctx, qint64 userId, qint64 structureId, const QList<qint64> &scope)
{
    int added = 0;
    for (const qint64 spaceId : SpaceStore(ctx.db()).structureSpaceIds(structureId))
        added += generateRequests(ctx, userId, structureId, spaceId, scope);
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
    return SpaceStore(m_core.db()).structureSpaces(structureId);
}

CommandResult Spaces::enableStructureSpace(qint64 actorId, qint64 structureId, const QString &spaceCode)
{
    return m_core.run(QStringLiteral("enableStructureSpace"), actorId, [&](CommandContext &ctx) {
        Database &db = ctx.db();
        const SpaceStore store(db);
        if (!StructureStore(db).exists(structureId))
            fail(ErrorCode::NotFound, QStringLiteral("structure"), tr("The structure was not found."));
        requireManager(ctx, structureId);
        const auto space = guichet::spaceByCode(db, spaceCode);
        if (!space)
            fail(ErrorCode::InvalidInput, QStringLiteral("space"), tr("Choose a space from the list."));
        if (store.structureSpaceRow(structureId, space->id))
            fail(ErrorCode::Conflict, QStringLiteral("space"),
                 tr("The space %1 is already set for this structure.").arg(space->name));

        const qint64 rowId
            = store.insertStructureSpace(structureId, space->id, ctx.clock().nowMs(), ctx.version());
        AuditRecord set(AuditAction::SpaceSet);
        set.spaceId = space->id;
        ctx.audit(QStringLiteral("structure_space"), rowId, structureId, set);

        // « une liste de demande d'abonnement est générée automatiquement pour
        // chaque utilisateur »: every user whose validated attachment has not ended.
        const QList<AttachmentRecord> attachments
            = AttachmentStore(db).notEndedOfStructure(structureId, ctx.clock().today());
        int generated = 0;
        QList<qint64> done;
        for (const AttachmentRecord &attachment : attachments) {
            const qint64 userId = attachment.userId;
            if (done.contains(userId))
                continue;
            done.append(userId);
            generated
                += generateRequests(ctx, userId, structureId, space->id, attachmentScope(db, attachment.id));
        }
        ctx.result = CommandResult::success(rowId, { { QStringLiteral("generated"), generated } });
    });
}

CommandResult Spaces::disableStructureSpace(qint64 actorId, qint64 structureId, const QString &spaceCode)
{
    return m_core.run(QStringLiteral("disableStructureSpace"), actorId, [&](CommandContext &ctx) {
        Database &db = ctx.db();
        const SpaceStore store(db);
        if (!StructureStore(db).exists(structureId))
            fail(ErrorCode::NotFound, QStringLiteral("structure"), tr("The structure was not found."));
        requireManager(ctx, structureId);
        const auto space = guichet::spaceByCode(db, spaceCode);
        if (!space)
            fail(ErrorCode::InvalidInput, QStringLiteral("space"), tr("Choose a space from the list."));
        const qint64 rowId = store.structureSpaceRow(structureId, space->id);
        if (!rowId)
            fail(ErrorCode::NotFound, QStringLiteral("space"),
                 tr("The space %1 is not set for this structure.").arg(space->name));
        store.deleteStructureSpace(rowId);
        ctx.tombstone(QStringLiteral("structure_spaces"), rowId, 0, structureId);
        AuditRecord unset(AuditAction::SpaceUnset);
        unset.spaceId = space->id;
        ctx.audit(QStringLiteral("structure_space"), rowId, structureId, unset);

        const QList<qint64> generated = store.generatedSubscriptionIds(structureId, space->id);
        for (const qint64 subscription : generated)
            deleteSubscription(ctx, subscription, QString::fromLatin1(audit::ReasonSpaceUnset));
        ctx.result = CommandResult::success(rowId, { { QStringLiteral("removed"), generated.size() } });
    });
}

bool isSelfServiceSpace(const Database &db, qint64 structureId, qint64 spaceId)
{
    return SpaceStore(db).selfServiceRow(structureId, spaceId) != 0;
}

bool Spaces::offersSelfService(const QString &spaceCode)
{
    return spaceCode == QLatin1String("factures_emises");
}

CommandResult Spaces::setSelfServiceSpace(qint64 actorId, qint64 structureId, const QString &spaceCode,
                                          bool enabled)
{
    return m_core.run(QStringLiteral("setSelfServiceSpace"), actorId, [&](CommandContext &ctx) {
        Database &db = ctx.db();
        const SpaceStore store(db);
        if (structureId <= 0 || !StructureStore(db).exists(structureId))
            fail(ErrorCode::NotFound, QStringLiteral("structure"), tr("The structure was not found."));
        requireManager(ctx, structureId);
        const auto space = guichet::spaceByCode(db, spaceCode.trimmed());
        if (!space)
            fail(ErrorCode::InvalidInput, QStringLiteral("space"), tr("Choose a space from the list."));
        if (!offersSelfService(space->code))
            fail(ErrorCode::InvalidInput, QStringLiteral("space"),
                 tr("Users cannot add the space %1 themselves: only « Factures émises » can be left to them.")
                     .arg(space->name));
        const qint64 row = store.selfServiceRow(structureId, space->id);
        if (enabled == (row != 0)) {
            ctx.result = CommandResult::success(row, { { QStringLiteral("changed"), false } });
            return;
        }
        AuditRecord record(enabled ? AuditAction::SelfServiceAllowed : AuditAction::SelfServiceWithdrawn);
        record.spaceId = space->id;
        qint64 id = row;
        if (enabled) {
            id = store.insertSelfService(structureId, space->id, ctx.clock().nowMs(), ctx.version());
        } else {
            store.deleteSelfService(row);
            ctx.tombstone(QStringLiteral("structure_self_service"), row, 0, structureId);
        }
        ctx.audit(QStringLiteral("structure_self_service"), id, structureId, record);
        ctx.result = CommandResult::success(id, { { QStringLiteral("changed"), true } });
    });
}

bool Spaces::isSelfService(qint64 structureId, const QString &spaceCode) const
{
    const auto space = guichet::spaceByCode(m_core.db(), spaceCode);
    return space && isSelfServiceSpace(m_core.db(), structureId, space->id);
}

QList<std::pair<qint64, QString>> Spaces::selfServiceStructures(qint64 userId, const QString &spaceCode) const
{
    const auto space = guichet::spaceByCode(m_core.db(), spaceCode);
    if (!space)
        return {};
    return SpaceStore(m_core.db()).selfServiceStructures(userId, space->id, m_core.clock().today());
}

} // namespace guichet
