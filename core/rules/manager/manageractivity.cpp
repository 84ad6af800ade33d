#include "rules/manager/manageractivity.h"

#include "kernel/core.h"
#include "rules/accounts/accounts.h"
#include "rules/attachments/permissions.h"
#include "rules/attachments/principals.h"
#include "rules/spaces/spaces.h"
#include "rules/spaces/subscriptions.h"

namespace guichet {

namespace {
QVariant dateOrNull(QDate date)
{
    return date.isValid() ? QVariant(date.toString(Qt::ISODate)) : QVariant();
}

QString structureName(const Database &db, qint64 structureId)
{
    return db.value(QStringLiteral("SELECT raison_sociale FROM structures WHERE id = ?"), { structureId })
        .toString();
}

// Inside a command: the structure must exist and the caller manage it.
void requireManagedStructure(CommandContext &ctx, qint64 structureId)
{
    if (structureId <= 0
        || !ctx.db().row(QStringLiteral("SELECT id FROM structures WHERE id = ?"), { structureId }))
        fail(ErrorCode::NotFound, QStringLiteral("structure"),
             ManagerActivity::tr("The structure was not found."));
    requireManager(ctx, structureId);
}

// Inside a command: a validated attachment for userId with the given shape,
// then the role's default spaces and the structure-level requests.
qint64 insertValidatedAttachment(CommandContext &ctx, qint64 userId, qint64 structureId, Role role,
                                 bool wholeStructure, const QList<qint64> &serviceIds, QDate validFrom,
                                 QDate validUntil)
{
    Database &db = ctx.db();
    const qint64 id = db.insert(
        QStringLiteral("INSERT INTO attachments (user_id, structure_id, role, whole_structure, valid_from, "
                       "valid_until, status, requested_at, decided_at, decided_by, version) VALUES (?, ?, ?, "
                       "?, ?, ?, 'validated', ?, ?, ?, ?) RETURNING id"),
        { userId, structureId, roleToString(role), wholeStructure ? 1 : 0, validFrom.toString(Qt::ISODate),
          dateOrNull(validUntil), ctx.clock().nowMs(), ctx.clock().nowMs(), ctx.actorId(), ctx.version() });
    for (const qint64 serviceId : serviceIds)
        db.exec(QStringLiteral("INSERT INTO attachment_services (attachment_id, service_id) VALUES (?, ?)"),
                { id, serviceId });
    const QList<qint64> scope = attachmentScope(db, id);
    subscribeRoleDefaults(ctx, userId, structureId, role, scope);
    requestStructureSpaces(ctx, userId, structureId, scope);
    return id;
}
} // namespace

ManagerActivity::ManagerActivity(Core &core)
    : m_core(core)
{
}

CommandResult ManagerActivity::attachUser(qint64 actorId, const AttachUserInput &input)
{
    return m_core.run(QStringLiteral("attachUser"), actorId, [&](CommandContext &ctx) {
        Database &db = ctx.db();
        requireManagedStructure(ctx, input.structureId);
        const QString name = structureName(db, input.structureId);
        const auto user
            = db.row(QStringLiteral("SELECT id, status, first_name, last_name FROM users WHERE id = ?"),
                     { input.userId });
        if (!user)
            fail(ErrorCode::InvalidInput, QStringLiteral("user"), tr("Choose the user to attach."));
        if (user->value(QStringLiteral("status")).toString() != QLatin1String("active"))
            fail(ErrorCode::InvalidInput, QStringLiteral("user"),
                 tr("Only an active account can be attached."));
        if (input.role != Role::User && input.role != Role::Secondary)
            fail(ErrorCode::InvalidInput, QStringLiteral("role"),
                 tr("A user is attached as a simple user or a secondary manager."));
        if (!input.validFrom.isValid())
            fail(ErrorCode::InvalidInput, QStringLiteral("validFrom"), tr("Enter the start of validity."));
        if (input.validUntil.isValid() && input.validUntil <= input.validFrom)
            fail(ErrorCode::InvalidInput, QStringLiteral("validUntil"),
                 tr("The end of validity must be after its start."));
        QList<qint64> serviceIds;
        if (!input.wholeStructure) {
            for (const qint64 id : input.serviceIds) {
                if (!serviceIds.contains(id))
                    serviceIds.append(id);
            }
            if (serviceIds.isEmpty())
                fail(ErrorCode::InvalidInput, QStringLiteral("services"),
                     tr("Choose « Attach to the structure » or check at least one service."));
        }
        for (const qint64 serviceId : serviceIds) {
            const auto service = db.row(
                QStringLiteral("SELECT structure_id, active FROM services WHERE id = ?"), { serviceId });
            if (!service || service->value(QStringLiteral("structure_id")).toLongLong() != input.structureId
                || service->value(QStringLiteral("active")).toInt() == 0)
                fail(ErrorCode::InvalidInput, QStringLiteral("services"),
                     tr("The service %1 is not an active service of %2.").arg(serviceId).arg(name));
        }
        const SqlFragment live = attachmentPendingOrNotEnded(QString(), ctx.clock().today());
        if (db.value(QStringLiteral(
                         "SELECT COUNT(*) FROM attachments WHERE user_id = ? AND structure_id = ? AND %1")
                         .arg(live.sql),
                     QVariantList { input.userId, input.structureId } + live.args)
                .toInt()
            > 0)
            fail(ErrorCode::Conflict, QStringLiteral("user"),
                 tr("%1 %2 is already attached to %3 or has a request waiting.")
                     .arg(user->value(QStringLiteral("first_name")).toString(),
                          user->value(QStringLiteral("last_name")).toString(), name));

        const qint64 id
            = insertValidatedAttachment(ctx, input.userId, input.structureId, input.role,
                                        input.wholeStructure, serviceIds, input.validFrom, input.validUntil);
        ctx.audit(QStringLiteral("attachment"), id, input.structureId,
                  QStringLiteral("user %1 attached by a manager as %2 from %3 until %4")
                      .arg(input.userId)
                      .arg(roleToString(input.role), input.validFrom.toString(Qt::ISODate),
                           input.validUntil.isValid() ? input.validUntil.toString(Qt::ISODate)
                                                      : QStringLiteral("-")));
        ctx.queueMail(input.userId, contactEmail(db, input.userId), tr("You were attached to a structure"),
                      tr("%1 %2 attached you to %3. Open Guichet to see your spaces.")
                          .arg(ctx.actor().firstName, ctx.actor().lastName, name));
        ctx.result = CommandResult::success(id);
    });
}

CommandResult ManagerActivity::endAttachment(qint64 actorId, qint64 attachmentId, QDate validUntil)
{
    return m_core.run(QStringLiteral("endAttachment"), actorId, [&](CommandContext &ctx) {
        Database &db = ctx.db();
        const auto row = db.row(
            QStringLiteral(
                "SELECT user_id, structure_id, role, status, valid_from FROM attachments WHERE id = ?"),
            { attachmentId });
        if (!row)
            fail(ErrorCode::NotFound, QStringLiteral("attachment"), tr("The attachment was not found."));
        const qint64 userId = row->value(QStringLiteral("user_id")).toLongLong();
        const qint64 structureId = row->value(QStringLiteral("structure_id")).toLongLong();
        requireManager(ctx, structureId);
        if (row->value(QStringLiteral("status")).toString() != QLatin1String("validated"))
            fail(ErrorCode::Conflict, QStringLiteral("attachment"),
                 tr("Only a validated attachment can be ended; decide the request instead."));
        if (row->value(QStringLiteral("role")).toString() == QLatin1String("principal"))
            fail(ErrorCode::Conflict, QStringLiteral("attachment"),
                 tr("The principal manager's attachment cannot be ended: transfer the role to a successor "
                    "first."));
        const QDate validFrom
            = QDate::fromString(row->value(QStringLiteral("valid_from")).toString(), Qt::ISODate);
        if (!validUntil.isValid())
            fail(ErrorCode::InvalidInput, QStringLiteral("validUntil"), tr("Enter the end of validity."));
        if (validUntil < validFrom)
            fail(ErrorCode::InvalidInput, QStringLiteral("validUntil"),
                 tr("The end of validity cannot be before its start (%1).")
                     .arg(QLocale().toString(validFrom, QLocale::ShortFormat)));
        db.exec(QStringLiteral("UPDATE attachments SET valid_until = ?, version = ? WHERE id = ?"),
                { validUntil.toString(Qt::ISODate), ctx.version(), attachmentId });
        ctx.audit(QStringLiteral("attachment"), attachmentId, structureId,
                  QStringLiteral("attachment of user %1 ends on %2")
                      .arg(userId)
                      .arg(validUntil.toString(Qt::ISODate)));
        const QString name = structureName(db, structureId);
        ctx.queueMail(userId, contactEmail(db, userId), tr("End of your attachment"),
                      tr("Your attachment to %1 ends on %2.")
                          .arg(name, QLocale().toString(validUntil, QLocale::LongFormat)));
        ctx.result = CommandResult::success(attachmentId);
    });
}

CommandResult ManagerActivity::copyRights(qint64 actorId, qint64 fromUser, qint64 toUser, qint64 structureId)
{
    return m_core.run(QStringLiteral("copyRights"), actorId, [&](CommandContext &ctx) {
        Database &db = ctx.db();
        if (!db.row(QStringLiteral("SELECT id FROM users WHERE id = ?"), { fromUser }))
            fail(ErrorCode::InvalidInput, QStringLiteral("from"),
                 tr("Choose the user whose rights are copied."));
        const auto target = db.row(QStringLiteral("SELECT status FROM users WHERE id = ?"), { toUser });
        if (!target)
            fail(ErrorCode::InvalidInput, QStringLiteral("to"),
                 tr("Choose the user who receives the rights."));
        if (target->value(QStringLiteral("status")).toString() != QLatin1String("active"))
            fail(ErrorCode::InvalidInput, QStringLiteral("to"),
                 tr("Rights can only be copied to an active account."));
        if (fromUser == toUser)
            fail(ErrorCode::InvalidInput, QStringLiteral("to"),
                 tr("Choose another user than the one copied."));
        if (structureId)
            requireManagedStructure(ctx, structureId);

        const SqlFragment notEnded = attachmentNotEnded(QString(), ctx.clock().today());
        const SqlFragment live = attachmentPendingOrNotEnded(QString(), ctx.clock().today());
        const QList<QVariantMap> sources = db.rows(
            QStringLiteral("SELECT id, structure_id, role, whole_structure, valid_from, valid_until FROM "
                           "attachments WHERE user_id = ? AND status = 'validated' AND %1 "
                           "ORDER BY structure_id, id")
                .arg(notEnded.sql),
            QVariantList { fromUser } + notEnded.args);
        int attachments = 0;
        int subscriptions = 0;
        QList<qint64> done;
        for (const QVariantMap &source : sources) {
            const qint64 s = source.value(QStringLiteral("structure_id")).toLongLong();
            // Only the structures the caller manages; the others are not theirs to give.
            if ((structureId && s != structureId) || done.contains(s) || !actorManages(ctx, s))
                continue;
            done.append(s);
            const auto existing = db.row(QStringLiteral("SELECT id, status, whole_structure FROM attachments "
                                                        "WHERE user_id = ? AND structure_id = ? AND %1 "
                                                        "ORDER BY id LIMIT 1")
                                             .arg(live.sql),
                                         QVariantList { toUser, s } + live.args);
            qint64 targetAttachment = 0;
            if (!existing) {
                const qint64 sourceId = source.value(QStringLiteral("id")).toLongLong();
                QList<qint64> serviceIds;
                const bool whole = source.value(QStringLiteral("whole_structure")).toInt() != 0;
                if (!whole) {
                    for (const QVariantMap &service :
                         db.rows(QStringLiteral(
                                     "SELECT x.service_id FROM attachment_services x JOIN services sv ON "
                                     "sv.id = x.service_id WHERE x.attachment_id = ? AND sv.active = 1 "
                                     "ORDER BY x.service_id"),
                                 { sourceId }))
                        serviceIds.append(service.value(QStringLiteral("service_id")).toLongLong());
                    if (serviceIds.isEmpty())
                        continue;
                }
                // The principal's role is transferred, never copied.
                Role role = roleFromString(source.value(QStringLiteral("role")).toString());
                if (role == Role::Principal)
                    role = Role::User;
                const QDate from
                    = QDate::fromString(source.value(QStringLiteral("valid_from")).toString(), Qt::ISODate);
                const QDate until
                    = QDate::fromString(source.value(QStringLiteral("valid_until")).toString(), Qt::ISODate);
                targetAttachment
                    = insertValidatedAttachment(ctx, toUser, s, role, whole, serviceIds, from, until);
                ctx.audit(QStringLiteral("attachment"), targetAttachment, s,
                          QStringLiteral("rights of user %1 copied to user %2: attached as %3")
                              .arg(fromUser)
                              .arg(toUser)
                              .arg(roleToString(role)));
                ++attachments;
            } else if (existing->value(QStringLiteral("status")).toString() == QLatin1String("validated")) {
                targetAttachment = existing->value(QStringLiteral("id")).toLongLong();
            }
            if (!targetAttachment)
                continue; // a pending request gives no rights to copy subscriptions onto
            const QList<qint64> scope = attachmentScope(db, targetAttachment);
            const bool wholeScope = scope.contains(0);
            const QList<QVariantMap> rows = db.rows(
                QStringLiteral(
                    "SELECT space_id, service_id, mode, effective_date, origin FROM subscriptions WHERE "
                    "user_id = ? AND structure_id = ? AND status = 'validated' ORDER BY id"),
                { fromUser, s });
            for (const QVariantMap &row : rows) {
                const qint64 spaceId = row.value(QStringLiteral("space_id")).toLongLong();
                const qint64 serviceId = row.value(QStringLiteral("service_id")).toLongLong();
                const QString mode = row.value(QStringLiteral("mode")).toString();
                // Only what B's attachment covers: a service attachment never reaches the whole structure.
                if (!wholeScope && (serviceId == 0 || !scope.contains(serviceId)))
                    continue;
                if (subscriptionExists(db, toUser, s, spaceId, serviceId, mode))
                    continue;
                NewSubscription sub;
                sub.userId = toUser;
                sub.structureId = s;
                sub.spaceId = spaceId;
                sub.serviceId = serviceId;
                sub.mode = mode;
                sub.effectiveDate = ctx.clock().today();
                sub.comment = tr("Copied from another user's rights");
                sub.status = QStringLiteral("validated");
                sub.origin = row.value(QStringLiteral("origin")).toString();
                insertSubscription(ctx, sub);
                ++subscriptions;
            }
        }
        if (attachments == 0 && subscriptions == 0)
            fail(ErrorCode::Conflict, QStringLiteral("to"),
                 tr("Nothing to copy: the user already has every right of the other user on the structures "
                    "you "
                    "manage."));
        ctx.audit(QStringLiteral("user"), toUser, structureId,
                  QStringLiteral("rights of user %1 copied: %2 attachments, %3 subscriptions")
                      .arg(fromUser)
                      .arg(attachments)
                      .arg(subscriptions));
        ctx.queueMail(
            toUser, contactEmail(db, toUser), tr("New rights in Guichet"),
            tr("%1 %2 gave you new rights (%3 attachments, %4 subscriptions to spaces). Open Guichet to "
               "see them.")
                .arg(ctx.actor().firstName, ctx.actor().lastName)
                .arg(attachments)
                .arg(subscriptions));
        ctx.result = CommandResult::success(toUser,
                                            { { QStringLiteral("attachments"), attachments },
                                              { QStringLiteral("subscriptions"), subscriptions } });
    });
}

CommandResult ManagerActivity::transferPrincipal(qint64 actorId, qint64 structureId, qint64 successorId)
{
    return m_core.run(QStringLiteral("transferPrincipal"), actorId, [&](CommandContext &ctx) {
        Database &db = ctx.db();
        if (structureId <= 0
            || !db.row(QStringLiteral("SELECT id FROM structures WHERE id = ?"), { structureId }))
            fail(ErrorCode::NotFound, QStringLiteral("structure"), tr("The structure was not found."));
        if (!ctx.actor().support
            && roleOn(db, ctx.actorId(), structureId, ctx.clock().today()) != Role::Principal)
            fail(ErrorCode::Forbidden, {}, tr("Only the principal manager may transfer the role."));
        // « désigner un successeur parmi les utilisateurs de la structure »; support
        // names anyone active for a structure left without one, attaching them
        // in the same command (guichet::transferPrincipal creates the attachment).
        if (!ctx.actor().support
            && !attachedServices(db, successorId, structureId, ctx.clock().today()).attached)
            fail(ErrorCode::InvalidInput, QStringLiteral("successor"),
                 tr("Choose the new principal manager among the structure's current users."));
        const qint64 former = principalOf(db, structureId);
        guichet::transferPrincipal(ctx, structureId, successorId, QStringLiteral("successor"));
        if (former)
            dropStaleRoleDefaults(ctx, former, structureId, Role::User);
        const qint64 attachment
            = db.value(QStringLiteral("SELECT id FROM attachments WHERE user_id = ? AND structure_id = ? AND "
                                      "role = 'principal' AND status = 'validated' ORDER BY id LIMIT 1"),
                       { successorId, structureId })
                  .toLongLong();
        const QList<qint64> scope = attachmentScope(db, attachment);
        subscribeRoleDefaults(ctx, successorId, structureId, Role::Principal, scope);
        requestStructureSpaces(ctx, successorId, structureId, scope);
        const QString name = structureName(db, structureId);
        ctx.queueMail(successorId, contactEmail(db, successorId), tr("You are now principal manager"),
                      tr("You are now the principal manager of %1.").arg(name));
        ctx.result = CommandResult::success(attachment);
    });
}

QList<ManagedStructure> ManagerActivity::managedStructures(qint64 userId) const
{
    const Database &db = m_core.db();
    const QDate today = m_core.clock().today();
    QList<ManagedStructure> result;
    const SqlFragment managed = structuresManagedOnSql(userId, today);
    const QList<QVariantMap> rows = db.rows(
        QStringLiteral("SELECT s.id, s.siret, s.raison_sociale, s.secondary_powers FROM structures s "
                       "WHERE s.id IN (%1) ORDER BY s.raison_sociale, s.id")
            .arg(managed.sql),
        managed.args);
    for (const QVariantMap &row : rows) {
        ManagedStructure s;
        s.id = row.value(QStringLiteral("id")).toLongLong();
        s.siret = row.value(QStringLiteral("siret")).toString();
        s.raisonSociale = row.value(QStringLiteral("raison_sociale")).toString();
        s.role = roleOn(db, userId, s.id, today);
        s.canManage = canManage(db, userId, s.id, today);
        s.secondaryPowers = row.value(QStringLiteral("secondary_powers")).toInt() != 0;
        result.append(s);
    }
    return result;
}

QList<StructureUser> ManagerActivity::structureUsers(qint64 structureId) const
{
    const Database &db = m_core.db();
    const QDate today = m_core.clock().today();
    QList<StructureUser> result;
    const QList<QVariantMap> rows = db.rows(
        QStringLiteral(
            "SELECT a.id, a.user_id, a.role, a.status, a.valid_from, a.valid_until, a.whole_structure, "
            "u.first_name, u.last_name, u.email, (SELECT COUNT(*) FROM subscriptions x WHERE x.user_id = "
            "a.user_id "
            "AND x.structure_id = a.structure_id AND x.status IN ('pending', 'validated')) AS subscriptions "
            "FROM attachments a JOIN users u ON u.id = a.user_id WHERE a.structure_id = ? AND a.status IN "
            "('pending', 'validated') ORDER BY u.last_name, u.first_name, a.id"),
        { structureId });
    for (const QVariantMap &row : rows) {
        StructureUser u;
        u.id = row.value(QStringLiteral("id")).toLongLong();
        u.wholeStructure = row.value(QStringLiteral("whole_structure")).toInt() != 0;
        if (u.wholeStructure) {
            u.services << tr("Whole structure");
        } else {
            for (const QVariantMap &service : db.rows(
                     QStringLiteral("SELECT sv.name FROM attachment_services x JOIN services sv ON sv.id = "
                                    "x.service_id WHERE x.attachment_id = ? ORDER BY sv.name"),
                     { u.id }))
                u.services << service.value(QStringLiteral("name")).toString();
        }
        u.userId = row.value(QStringLiteral("user_id")).toLongLong();
        u.firstName = row.value(QStringLiteral("first_name")).toString();
        u.lastName = row.value(QStringLiteral("last_name")).toString();
        u.email = row.value(QStringLiteral("email")).toString();
        u.role = roleFromString(row.value(QStringLiteral("role")).toString());
        u.status = row.value(QStringLiteral("status")).toString();
        u.statusLabel = Subscriptions::statusLabel(u.status);
        u.validFrom = QDate::fromString(row.value(QStringLiteral("valid_from")).toString(), Qt::ISODate);
        u.validUntil = QDate::fromString(row.value(QStringLiteral("valid_until")).toString(), Qt::ISODate);
        u.ended = u.validUntil.isValid() && u.validUntil < today;
        u.subscriptions = row.value(QStringLiteral("subscriptions")).toInt();
        result.append(u);
    }
    return result;
}

QList<Reminder> ManagerActivity::reminders(qint64 managerId, int days) const
{
    const Database &db = m_core.db();
    const QDate today = m_core.clock().today();
    const qint64 ageLimit = m_core.clock().nowMs() - qint64(days) * 24 * 3600 * 1000;
    QList<Reminder> result;
    const auto add = [&](Reminder::Kind kind, const QVariantMap &row, QDate date, int count) {
        Reminder r;
        r.kind = kind;
        r.id = row.value(QStringLiteral("id")).toLongLong();
        r.structureId = row.value(QStringLiteral("structure_id")).toLongLong();
        r.raisonSociale = row.value(QStringLiteral("raison_sociale")).toString();
        r.userId = row.value(QStringLiteral("user_id")).toLongLong();
        r.firstName = row.value(QStringLiteral("first_name")).toString();
        r.lastName = row.value(QStringLiteral("last_name")).toString();
        r.date = date;
        r.days = count;
        result.append(r);
    };
    for (const ManagedStructure &structure : managedStructures(managerId)) {
        if (!structure.canManage)
            continue;
        const qint64 s = structure.id;
        for (const QString &table : { QStringLiteral("attachments"), QStringLiteral("subscriptions") }) {
            const QList<QVariantMap> rows = db.rows(
                QStringLiteral(
                    "SELECT t.id, t.structure_id, st.raison_sociale, t.user_id, u.first_name, u.last_name, "
                    "t.requested_at FROM %1 t JOIN users u ON u.id = t.user_id JOIN structures st ON "
                    "st.id = t.structure_id WHERE t.structure_id = ? AND t.status = 'pending' AND "
                    "t.requested_at < ? ORDER BY t.requested_at, t.id")
                    .arg(table),
                { s, ageLimit });
            for (const QVariantMap &row : rows) {
                const QDate day = QDateTime::fromMSecsSinceEpoch(
                                      row.value(QStringLiteral("requested_at")).toLongLong(), Qt::UTC)
                                      .date();
                add(table == QLatin1String("attachments") ? Reminder::Kind::AttachmentRequest
                                                          : Reminder::Kind::SubscriptionRequest,
                    row, day, int(day.daysTo(today)));
            }
        }
        const QList<QVariantMap> ending = db.rows(
            QStringLiteral(
                "SELECT a.id, a.structure_id, st.raison_sociale, a.user_id, u.first_name, u.last_name, "
                "a.valid_until FROM attachments a JOIN users u ON u.id = a.user_id JOIN structures st ON "
                "st.id = a.structure_id WHERE a.structure_id = ? AND a.status = 'validated' AND "
                "a.valid_until IS NOT NULL AND a.valid_until >= ? AND a.valid_until <= ? ORDER BY "
                "a.valid_until, a.id"),
            { s, today.toString(Qt::ISODate), today.addDays(days).toString(Qt::ISODate) });
        for (const QVariantMap &row : ending) {
            const QDate until
                = QDate::fromString(row.value(QStringLiteral("valid_until")).toString(), Qt::ISODate);
            add(Reminder::Kind::AttachmentEnding, row, until, int(today.daysTo(until)));
        }
    }
    return result;
}

} // namespace guichet
