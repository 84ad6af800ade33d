#include "rules/structures/structures.h"

#include "kernel/core.h"
#include "kernel/siret.h"
#include "kernel/textfold.h"
#include "kernel/textlimits.h"
#include "rules/attachments/attachmentstore.h"
#include "rules/attachments/permissions.h"
#include "rules/spaces/spaces.h"
#include "rules/structures/structurestore.h"

#include <QRegularExpression>

namespace guichet {

namespace {

AuditRecord describe(AuditAction action, const StructureInput &input)
{
    AuditRecord record(action);
    record.name = input.raisonSociale;
    record.code = input.siret;
    return record;
}

// Fails unless the structure exists and the caller may change it.
void requireManager(CommandContext &ctx, const Structures &structures, qint64 structureId)
{
    if (!StructureStore(ctx.db()).exists(structureId))
        fail(ErrorCode::NotFound, QStringLiteral("structure"),
             Structures::tr("This structure does not exist."));
    if (ctx.actor().support || structures.mayManage(ctx.actorId(), structureId))
        return;
    fail(ErrorCode::Forbidden, {},
         Structures::tr("Only the structure's principal manager (or a secondary manager with the principal "
                        "manager's powers) or support staff may change this structure."));
}

} // namespace

bool StructureCriteria::isEmpty() const
{
    return raisonSociale.trimmed().isEmpty() && Siret::normalized(siret).isEmpty()
        && libelle.trimmed().isEmpty() && codePostal.trimmed().isEmpty() && ville.trimmed().isEmpty();
}

QString structureSortKey(const QString &raisonSociale)
{
    return foldForSearch(raisonSociale.trimmed());
}

QString structureInputError(const StructureInput &input, QString *field)
{
    // Lengths first: nothing longer is folded, searched or stored.
    const struct
    {
        const char *key;
        const QString &value;
        int max;
    } lengths[] = {
        { "siret", input.siret, textLimit::Siret },
        { "raisonSociale", input.raisonSociale, textLimit::RaisonSociale },
        { "libelle", input.libelle, textLimit::Libelle },
        { "adresse", input.adresse, textLimit::AddressLine },
        { "codePostal", input.codePostal, textLimit::PostalCode },
        { "ville", input.ville, textLimit::City },
    };
    for (const auto &length : lengths) {
        if (length.value.size() > length.max) {
            *field = QLatin1String(length.key);
            // The caller names the field (the form's, or the CSV file's column).
            return TextLimits::tooLongMessage(QString(), length.value.size(), length.max);
        }
    }
    const QString siretError = Siret::validate(input.siret);
    if (!siretError.isEmpty()) {
        *field = QStringLiteral("siret");
        return siretError;
    }
    if (input.raisonSociale.trimmed().isEmpty()) {
        *field = QStringLiteral("raisonSociale");
        return Structures::tr("The raison sociale is required.");
    }
    static const QRegularExpression postalCode(QStringLiteral("^[0-9]{5}$"));
    const QString code = input.codePostal.trimmed();
    if (!code.isEmpty() && !postalCode.match(code).hasMatch()) {
        *field = QStringLiteral("codePostal");
        return Structures::tr("The postal code %1 must have 5 digits.").arg(code);
    }
    return {};
}

StructureInput checkedStructureInput(const StructureInput &input)
{
    QString field;
    const QString error = structureInputError(input, &field);
    if (!error.isEmpty())
        fail(ErrorCode::InvalidInput, field, error);
    return { Siret::normalized(input.siret), input.raisonSociale.trimmed(), input.libelle.trimmed(),
             input.adresse.trimmed(),        input.codePostal.trimmed(),    input.ville.trimmed() };
}

QHash<QString, qint64> insertStructuresBulk(Database &db, const QList<StructureInput> &structures,
                                            qint64 version, qint64 createdAt)
{
    return StructureStore(db).insertStructuresBulk(structures, version, createdAt);
}

Structures::Structures(Core &core)
    : m_core(core)
{
}

bool Structures::mayManage(qint64 userId, qint64 structureId) const
{
    return canManage(m_core.db(), userId, structureId, m_core.clock().today());
}

CommandResult Structures::createStructure(qint64 actorId, const StructureInput &input)
{
    return m_core.run(QStringLiteral("createStructure"), actorId, [&](CommandContext &ctx) {
        const StructureStore store(ctx.db());
        const StructureInput s = checkedStructureInput(input);
        if (store.siretTaken(s.siret))
            fail(ErrorCode::Conflict, QStringLiteral("siret"),
                 tr("A structure with SIRET %1 already exists.").arg(s.siret));
        const qint64 version = ctx.version();
        const qint64 now = ctx.clock().nowMs();
        const qint64 id = store.insertStructure(s, now, version);
        // The guide: the creator of a fiche structure designates its principal
        // manager; here the creator is that manager until they transfer the role.
        NewAttachment principal;
        principal.userId = ctx.actorId();
        principal.structureId = id;
        principal.role = Role::Principal;
        principal.wholeStructure = true;
        principal.validFrom = ctx.clock().today();
        principal.status = QStringLiteral("validated");
        principal.requestedAt = now;
        principal.decidedAt = now;
        principal.decidedBy = ctx.actorId();
        principal.version = version;
        const qint64 attachment = AttachmentStore(ctx.db()).insertAttachment(principal);
        ctx.audit(QStringLiteral("structure"), id, id, describe(AuditAction::StructureCreated, s));
        AuditRecord made(AuditAction::CreatorMadePrincipal, ctx.actorId());
        made.role = roleToString(Role::Principal);
        ctx.audit(QStringLiteral("attachment"), attachment, id, made);
        // As after any validated attachment, the role's default spaces (the guide's table).
        subscribeRoleDefaults(ctx, ctx.actorId(), id, Role::Principal, attachmentScope(ctx.db(), attachment));
        ctx.result = CommandResult::success(id);
    });
}

CommandResult Structures::updateStructure(qint64 actorId, qint64 structureId, const StructureInput &input)
{
    return m_core.run(QStringLiteral("updateStructure"), actorId, [&](CommandContext &ctx) {
        requireManager(ctx, *this, structureId);
        const StructureStore store(ctx.db());
        const StructureInput s = checkedStructureInput(input);
        if (store.siretTaken(s.siret, structureId))
            fail(ErrorCode::Conflict, QStringLiteral("siret"),
                 tr("A structure with SIRET %1 already exists.").arg(s.siret));
        store.updateStructure(structureId, s, ctx.version());
        ctx.audit(QStringLiteral("structure"), structureId, structureId,
                  describe(AuditAction::StructureUpdated, s));
        ctx.result = CommandResult::success(structureId);
    });
}

CommandResult Structures::addService(qint64 actorId, qint64 structureId, const QString &code,
                                     const QString &name)
{
    return m_core.run(QStringLiteral("addService"), actorId, [&](CommandContext &ctx) {
        requireManager(ctx, *this, structureId);
        const QString c = code.trimmed();
        const QString n = name.trimmed();
        if (c.isEmpty())
            fail(ErrorCode::InvalidInput, QStringLiteral("code"), tr("The service code is required."));
        if (n.isEmpty())
            fail(ErrorCode::InvalidInput, QStringLiteral("name"), tr("The service name is required."));
        const StructureStore store(ctx.db());
        if (store.serviceCodeTaken(structureId, c))
            fail(ErrorCode::Conflict, QStringLiteral("code"),
                 tr("A service with code %1 already exists in this structure.").arg(c));
        const qint64 id = store.insertService(structureId, c, n, ctx.version());
        AuditRecord added(AuditAction::ServiceAdded);
        added.serviceId = id;
        added.code = c;
        added.name = n;
        ctx.audit(QStringLiteral("service"), id, structureId, added);
        ctx.result = CommandResult::success(id);
    });
}

CommandResult Structures::setServiceActive(qint64 actorId, qint64 serviceId, bool active)
{
    return m_core.run(QStringLiteral("setServiceActive"), actorId, [&](CommandContext &ctx) {
        const StructureStore store(ctx.db());
        const auto service = store.service(serviceId);
        const qint64 structureId = service ? service->structureId : 0;
        if (structureId == 0)
            fail(ErrorCode::NotFound, QStringLiteral("service"), tr("This service does not exist."));
        requireManager(ctx, *this, structureId);
        store.setServiceActive(serviceId, active, ctx.version());
        AuditRecord changed(active ? AuditAction::ServiceActivated : AuditAction::ServiceDeactivated);
        changed.serviceId = serviceId;
        changed.code = service->code;
        changed.name = service->name;
        ctx.audit(QStringLiteral("service"), serviceId, structureId, changed);
        ctx.result = CommandResult::success(serviceId);
    });
}

QList<ServiceRow> Structures::listServices(qint64 structureId) const
{
    return StructureStore(m_core.db()).services(structureId);
}

std::optional<StructureRow> Structures::structure(qint64 structureId) const
{
    return StructureStore(m_core.db()).structure(structureId);
}

std::optional<StructureRow> Structures::structureBySiret(const QString &siret) const
{
    return StructureStore(m_core.db()).structureBySiret(siret);
}

std::optional<StructureInput> Structures::fields(qint64 structureId) const
{
    const auto row = StructureStore(m_core.db()).structure(structureId);
    if (!row)
        return std::nullopt;
    return StructureInput { row->siret,   row->raisonSociale, row->libelle,
                            row->adresse, row->codePostal,    row->ville };
}

qint64 Structures::total() const
{
    return StructureStore(m_core.db()).total();
}

QList<StructureRow> Structures::all() const
{
    return StructureStore(m_core.db()).all();
}

std::optional<CommandResult> Structures::checkCriteria(const StructureCriteria &criteria)
{
    const std::pair<const char *, const QString *> terms[] = {
        { "raison_sociale", &criteria.raisonSociale },
        { "siret", &criteria.siret },
        { "libelle", &criteria.libelle },
        { "code_postal", &criteria.codePostal },
        { "ville", &criteria.ville },
    };
    for (const auto &[key, value] : terms) {
        if (auto refusal = TextLimits::check(QLatin1String(key), *value, textLimit::SearchTerm))
            return refusal;
    }
    return std::nullopt;
}

QList<StructureRow> Structures::search(const StructureCriteria &criteria, int offset, int limit) const
{
    // A term over its limit finds nothing rather than making a pattern the
    // database refuses or takes long on; callers ask checkCriteria() first to
    // say why.
    if (checkCriteria(criteria))
        return {};
    return StructureStore(m_core.db()).search(criteria, std::nullopt, offset, limit);
}

QList<StructureRow> Structures::searchAfter(const StructureCriteria &criteria,
                                            const std::optional<StructureCursor> &after, int limit) const
{
    if (checkCriteria(criteria))
        return {};
    return StructureStore(m_core.db()).search(criteria, after, 0, limit);
}

qint64 Structures::count(const StructureCriteria &criteria) const
{
    if (checkCriteria(criteria))
        return 0;
    return StructureStore(m_core.db()).count(criteria);
}

void Structures::setSearchPlanScaleForTests(int divisor)
{
    StructureStore::setPlanScaleForTests(divisor);
}

StructureCount Structures::countBounded(const StructureCriteria &criteria, qint64 bound) const
{
    if (checkCriteria(criteria))
        return {};
    return StructureStore(m_core.db()).countBounded(criteria, bound);
}

} // namespace guichet
