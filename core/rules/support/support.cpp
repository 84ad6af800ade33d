#include "rules/support/support.h"

#include "kernel/core.h"
#include "kernel/textfold.h"
#include "rules/attachments/permissions.h"
#include "rules/attachments/principals.h"
#include "rules/support/supportstore.h"

#include <QDateTime>
#include <QHash>

#include <algorithm>

namespace guichet {

namespace {
QStringList words(const QString &text)
{
    return foldForSearch(text).split(QLatin1Char(' '), Qt::SkipEmptyParts);
}

bool matchesAll(const QStringList &needles, const QString &haystack)
{
    const QString folded = foldForSearch(haystack);
    return std::all_of(needles.cbegin(), needles.cend(),
                       [&](const QString &w) { return folded.contains(w); });
}
} // namespace

Support::Support(Core &core)
    : m_core(core)
{
}

QString Support::roleLabel(const QString &role)
{
    if (role == QLatin1String("principal"))
        return tr("Principal manager");
    if (role == QLatin1String("secondary"))
        return tr("Secondary manager");
    return tr("User");
}

CommandResult Support::checkSupport(qint64 actorId) const
{
    const std::optional<Actor> actor = m_core.loadActor(actorId);
    if (!actor || !actor->support || !actor->active)
        return CommandResult::failure(ErrorCode::Forbidden, {}, tr("Only support staff may do this."));
    return CommandResult::success();
}

CommandResult Support::searchUsers(qint64 actorId, const SupportUserCriteria &criteria,
                                   QList<SupportUserRow> &users, int limit) const
{
    users.clear();
    const CommandResult allowed = checkSupport(actorId);
    if (!allowed.ok() || criteria.isEmpty() || limit <= 0)
        return allowed;
    const SupportStore store(m_core.db());

    // Current validated attachments, per user: what the results show and what
    // the structure criterion matches.
    const QHash<qint64, QList<SupportStructureLink>> links
        = store.validatedLinksByUser(m_core.clock().today());

    const QStringList name = words(criteria.name);
    const QStringList email = words(criteria.email);
    const QStringList address = words(criteria.address);
    // A SIRET is often typed with spaces: « 123 456 789 00012 ».
    const QStringList structure = words(criteria.structure);
    const QString siretDigits = QString(criteria.structure).remove(QLatin1Char(' '));

    // Folding happens here rather than in SQL (as Accounts::searchUsers does):
    // the back-ends do not fold accents alike.
    store.forEachUser([&](const SupportUserRecord &record) {
        const QString line
            = QStringList { record.addressLine, record.postalCode, record.city, record.country }
                  .join(QLatin1Char(' '))
                  .simplified();
        if (!name.isEmpty() && !matchesAll(name, record.firstName + QLatin1Char(' ') + record.lastName))
            return true;
        if (!email.isEmpty() && !matchesAll(email, record.email + QLatin1Char(' ') + record.contactEmail))
            return true;
        if (!address.isEmpty() && !matchesAll(address, line))
            return true;
        const QList<SupportStructureLink> userLinks = links.value(record.id);
        if (!structure.isEmpty()
            && std::none_of(userLinks.cbegin(), userLinks.cend(), [&](const SupportStructureLink &l) {
                   return (!siretDigits.isEmpty() && l.siret.contains(siretDigits))
                       || matchesAll(structure, l.raisonSociale);
               }))
            return true;
        SupportUserRow user;
        for (const SupportStructureLink &l : userLinks) {
            user.structures << tr("%1 (SIRET %2) — %3").arg(l.raisonSociale, l.siret, roleLabel(l.role));
            user.roles << roleFromString(l.role);
            user.structureIds << l.structureId;
        }
        user.id = record.id;
        user.email = record.email;
        user.firstName = record.firstName;
        user.lastName = record.lastName;
        user.address = line;
        user.active = record.active;
        user.pending = record.pending;
        user.support = record.support;
        if (!user.active && record.deactivatedAt.isValid())
            user.deactivatedAt = record.deactivatedAt;
        users.append(user);
        return users.size() < limit;
    });
    return allowed;
}

CommandResult Support::principalRequests(qint64 actorId, QList<AttachmentView> &requests) const
{
    requests.clear();
    const CommandResult allowed = checkSupport(actorId);
    if (!allowed.ok())
        return allowed;
    // Support's list shows the requests to structures without a principal
    // manager today as requests to become principal: those stored so, and
    // those made while the principal was still there (their attachment ended
    // since, their account was deactivated). Validating either names the
    // requester principal (Attachments::decideOne).
    requests = Attachments(m_core).pendingAttachmentRequests(actorId);
    requests.removeIf([](const AttachmentView &r) { return r.role != Role::Principal; });
    return CommandResult::success();
}

CommandResult Support::structuresWithoutPrincipal(qint64 actorId, QList<OrphanStructure> &structures) const
{
    structures.clear();
    const CommandResult allowed = checkSupport(actorId);
    if (!allowed.ok())
        return allowed;
    const QList<StructurePrincipalRecord> rows
        = SupportStore(m_core.db()).structuresWithoutActivePrincipal(m_core.clock().today());
    for (const StructurePrincipalRecord &row : rows) {
        const qint64 principal = row.principalId;
        OrphanStructure s;
        s.id = row.id;
        s.siret = row.siret;
        s.identifierType = row.identifierType;
        s.raisonSociale = row.raisonSociale;
        s.formerPrincipalId = principal;
        if (principal)
            s.formerPrincipal
                = QStringLiteral("%1 %2 <%3>")
                      .arg(row.principalFirstName, row.principalLastName.toUpper(), row.principalEmail);
        s.reason = principal ? OrphanStructure::Reason::Deactivated : OrphanStructure::Reason::None;
        structures.append(s);
    }
    return allowed;
}

} // namespace guichet
