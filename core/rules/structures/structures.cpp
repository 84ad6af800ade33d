#include "rules/structures/structures.h"

#include "kernel/core.h"
#include "kernel/siret.h"
#include "kernel/structureidentifier.h"
#include "kernel/textfold.h"
#include "kernel/textlimits.h"
#include "rules/attachments/attachmentstore.h"
#include "rules/attachments/permissions.h"
#include "rules/attachments/principals.h"
#include "rules/spaces/spaces.h"
#include "rules/spaces/spacestore.h"
#include "rules/structures/structurestore.h"

#include <QRegularExpression>

#include <algorithm>

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

// The refusal of an identifier another structure has.
QString takenMessage(const StructureInput &s)
{
    return s.identifierType == QLatin1String("siret")
        ? Structures::tr("A structure with SIRET %1 already exists.").arg(s.siret)
        : Structures::tr("A structure with identifier %1 already exists.").arg(s.siret);
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
    const auto type = StructureIdentifier::fromCode(input.identifierType);
    if (!type) {
        *field = QStringLiteral("identifierType");
        return Structures::tr("Choose the type of identifier from the list.");
    }
    if (!StructureIdentifier::isGenerated(*type)) {
        const QString identifierError = StructureIdentifier::validate(*type, input.siret);
        if (!identifierError.isEmpty()) {
            *field = QStringLiteral("siret");
            return identifierError;
        }
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
    const IdentifierType type = *StructureIdentifier::fromCode(input.identifierType);
    return { StructureIdentifier::normalized(type, input.siret),
             input.raisonSociale.trimmed(),
             input.libelle.trimmed(),
             input.adresse.trimmed(),
             input.codePostal.trimmed(),
             input.ville.trimmed(),
             input.identifierType };
}

QString structureBankError(const StructureBank &bank, QString *field)
{
    if (bank.iban.size() > textLimit::Iban) {
        *field = QStringLiteral("iban");
        return TextLimits::tooLongMessage(QString(), bank.iban.size(), textLimit::Iban);
    }
    if (bank.bic.size() > textLimit::Bic) {
        *field = QStringLiteral("bic");
        return TextLimits::tooLongMessage(QString(), bank.bic.size(), textLimit::Bic);
    }
    const QString iban = BankDetails::normalized(bank.iban);
    const QString bic = BankDetails::normalized(bank.bic);
    if (iban.isEmpty() && bic.isEmpty())
        return {};
    const QString ibanError = BankDetails::validateIban(iban);
    if (!ibanError.isEmpty()) {
        *field = QStringLiteral("iban");
        return ibanError;
    }
    if (!bic.isEmpty()) {
        const QString bicError = BankDetails::validateBic(bic);
        if (!bicError.isEmpty()) {
            *field = QStringLiteral("bic");
            return bicError;
        }
    }
    return {};
}

QString newServicesError(const QList<NewService> &services, QString *field)
{
    *field = QStringLiteral("services");
    if (services.size() > maxNewServices)
        return Structures::tr("At most %1 services may be given at creation.").arg(maxNewServices);
    QStringList codes;
    for (int i = 0; i < services.size(); ++i) {
        const NewService &service = services.at(i);
        const QString code = service.code.trimmed();
        const QString name = service.name.trimmed();
        if (service.code.size() > textLimit::Code || service.name.size() > textLimit::ServiceName)
            return Structures::tr("Service %1: %2")
                .arg(i + 1)
                .arg(TextLimits::tooLongMessage(
                    QString(), std::max(service.code.size(), service.name.size()),
                    service.code.size() > textLimit::Code ? textLimit::Code : textLimit::ServiceName));
        if (code.isEmpty())
            return Structures::tr("Service %1: the service code is required.").arg(i + 1);
        if (name.isEmpty())
            return Structures::tr("Service %1: the service name is required.").arg(i + 1);
        if (codes.contains(code))
            return Structures::tr("Service %1: the code %2 is given twice.").arg(i + 1).arg(code);
        codes.append(code);
    }
    field->clear();
    return {};
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
    NewStructure record;
    record.fields = input;
    return createStructure(actorId, record);
}

CommandResult Structures::createStructure(qint64 actorId, const NewStructure &input)
{
    return m_core.run(QStringLiteral("createStructure"), actorId, [&](CommandContext &ctx) {
        const StructureStore store(ctx.db());
        StructureInput s = checkedStructureInput(input.fields);
        const IdentifierType type = *StructureIdentifier::fromCode(s.identifierType);
        if (!StructureIdentifier::isGenerated(type) && store.siretTaken(s.siret))
            fail(ErrorCode::Conflict, QStringLiteral("siret"), takenMessage(s));
        QString field;
        QString problem = newServicesError(input.services, &field);
        if (problem.isEmpty())
            problem = structureBankError(input.bank, &field);
        if (!problem.isEmpty())
            fail(ErrorCode::InvalidInput, field, problem);
        QList<Space> spaces;
        if (input.spaces.size() > maxNewSpaces)
            fail(ErrorCode::InvalidInput, QStringLiteral("spaces"),
                 tr("At most %1 spaces may be chosen.").arg(maxNewSpaces));
        for (const QString &code : input.spaces) {
            requireMaxLength(QStringLiteral("spaces"), code, textLimit::Code);
            const auto space = spaceByCode(ctx.db(), code.trimmed());
            if (!space)
                fail(ErrorCode::InvalidInput, QStringLiteral("spaces"),
                     tr("The space %1 does not exist: choose spaces from the list.").arg(code.trimmed()));
            if (std::none_of(spaces.cbegin(), spaces.cend(),
                             [&](const Space &known) { return known.id == space->id; }))
                spaces.append(*space);
        }
        const qint64 principalId = input.principalId == 0 ? ctx.actorId() : input.principalId;
        const qint64 version = ctx.version();
        const qint64 now = ctx.clock().nowMs();
        if (StructureIdentifier::isGenerated(type)) {
            // Numbered from the id, known once inserted: a placeholder no
            // other command holds (versions are unique) until then.
            s.siret = QStringLiteral("#%1").arg(version);
        }
        const qint64 id = store.insertStructure(s, now, version);
        if (StructureIdentifier::isGenerated(type)) {
            s.siret = StructureIdentifier::generated(type, id);
            store.updateStructure(id, s, version);
        }
        for (const NewService &service : input.services) {
            const qint64 serviceId
                = store.insertService(id, service.code.trimmed(), service.name.trimmed(), version);
            AuditRecord added(AuditAction::ServiceAdded);
            added.serviceId = serviceId;
            added.code = service.code.trimmed();
            added.name = service.name.trimmed();
            ctx.audit(QStringLiteral("service"), serviceId, id, added);
        }
        const StructureBank bank { BankDetails::normalized(input.bank.iban),
                                   BankDetails::normalized(input.bank.bic) };
        if (!bank.isEmpty())
            store.setBankDetails(id, bank, version);
        const SpaceStore spaceStore(ctx.db());
        for (const Space &space : std::as_const(spaces)) {
            const qint64 rowId = spaceStore.insertStructureSpace(id, space.id, now, version);
            AuditRecord set(AuditAction::SpaceSet);
            set.spaceId = space.id;
            ctx.audit(QStringLiteral("structure_space"), rowId, id, set);
        }
        if (principalId != ctx.actorId()) {
            // The creator designated someone else: the one transfer of the role
            // (an active account, told by mail, with the principal's spaces and
            // the requests for the structure's spaces).
            ctx.audit(QStringLiteral("structure"), id, id, describe(AuditAction::StructureCreated, s));
            transferPrincipal(ctx, id, principalId, QStringLiteral("principal"));
            ctx.result = CommandResult::success(id);
            return;
        }
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
        const QList<qint64> scope = attachmentScope(ctx.db(), attachment);
        subscribeRoleDefaults(ctx, ctx.actorId(), id, Role::Principal, scope);
        requestStructureSpaces(ctx, ctx.actorId(), id, scope);
        ctx.result = CommandResult::success(id);
    });
}

CommandResult Structures::updateStructure(qint64 actorId, qint64 structureId, const StructureInput &input,
                                          const std::optional<StructureBank> &bank)
{
    return m_core.run(QStringLiteral("updateStructure"), actorId, [&](CommandContext &ctx) {
        requireManager(ctx, *this, structureId);
        const StructureStore store(ctx.db());
        StructureInput s = checkedStructureInput(input);
        const IdentifierType type = *StructureIdentifier::fromCode(s.identifierType);
        if (StructureIdentifier::isGenerated(type)) {
            // Guichet's own number, kept while the type stays the same.
            const auto stored = store.structure(structureId);
            s.siret = stored && stored->identifierType == s.identifierType
                ? stored->siret
                : StructureIdentifier::generated(type, structureId);
        }
        if (store.siretTaken(s.siret, structureId))
            fail(ErrorCode::Conflict, QStringLiteral("siret"), takenMessage(s));
        if (bank) {
            if (!mayManage(ctx.actorId(), structureId))
                fail(ErrorCode::Forbidden, QStringLiteral("iban"),
                     tr("Only the structure's managers may change its bank details."));
            QString field;
            const QString problem = structureBankError(*bank, &field);
            if (!problem.isEmpty())
                fail(ErrorCode::InvalidInput, field, problem);
            store.setBankDetails(structureId,
                                 { BankDetails::normalized(bank->iban), BankDetails::normalized(bank->bic) },
                                 ctx.version());
        }
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
    return StructureInput { row->siret,      row->raisonSociale, row->libelle,       row->adresse,
                            row->codePostal, row->ville,         row->identifierType };
}

std::optional<StructureBank> Structures::bankDetails(qint64 viewerId, qint64 structureId) const
{
    if (!mayManage(viewerId, structureId))
        return std::nullopt;
    return StructureStore(m_core.db()).bankDetails(structureId).value_or(StructureBank());
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

StructureSearchPage Structures::searchWithCount(const StructureCriteria &criteria,
                                                const std::optional<StructureCursor> &after, int offset,
                                                int limit, qint64 bound) const
{
    if (checkCriteria(criteria))
        return {};
    return StructureStore(m_core.db()).searchWithCount(criteria, after, after ? 0 : offset, limit, bound);
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
