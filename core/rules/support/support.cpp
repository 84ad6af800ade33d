#include "rules/support/support.h"

#include "kernel/core.h"
#include "kernel/textfold.h"
#include "rules/attachments/permissions.h"

#include <QDateTime>
#include <QHash>
#include <QSqlQuery>

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

struct Link
{
    qint64 structureId = 0;
    QString siret;
    QString raisonSociale;
    QString role;
};
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
    const Database &db = m_core.db();

    // Current validated attachments, per user: what the results show and what
    // the structure criterion matches.
    QHash<qint64, QList<Link>> links;
    const SqlFragment notEnded = attachmentNotEnded(QStringLiteral("a"), m_core.clock().today());
    QSqlQuery attachments = db.exec(
        QStringLiteral("SELECT a.user_id, s.id, s.siret, s.raison_sociale, a.role FROM attachments a "
                       "JOIN structures s ON s.id = a.structure_id WHERE a.status = 'validated' AND "
                       "%1 ORDER BY s.raison_sociale, s.id")
            .arg(notEnded.sql),
        notEnded.args);
    while (attachments.next())
        links[attachments.value(0).toLongLong()].append(
            { attachments.value(1).toLongLong(), attachments.value(2).toString(),
              attachments.value(3).toString(), attachments.value(4).toString() });

    const QStringList name = words(criteria.name);
    const QStringList email = words(criteria.email);
    const QStringList address = words(criteria.address);
    // A SIRET is often typed with spaces: « 123 456 789 00012 ».
    const QStringList structure = words(criteria.structure);
    const QString siretDigits = QString(criteria.structure).remove(QLatin1Char(' '));

    // Folding happens here rather than in SQL (as Accounts::searchUsers does):
    // the back-ends do not fold accents alike.
    QSqlQuery query = db.exec(QStringLiteral(
        "SELECT id, email, contact_email, first_name, last_name, address_line, postal_code, city, country, "
        "status, deactivated_at, is_support FROM users ORDER BY last_name, first_name, id"));
    while (query.next() && users.size() < limit) {
        const qint64 id = query.value(0).toLongLong();
        const QString line = QStringList { query.value(5).toString(), query.value(6).toString(),
                                           query.value(7).toString(), query.value(8).toString() }
                                 .join(QLatin1Char(' '))
                                 .simplified();
        if (!name.isEmpty()
            && !matchesAll(name, query.value(3).toString() + QLatin1Char(' ') + query.value(4).toString()))
            continue;
        if (!email.isEmpty()
            && !matchesAll(email, query.value(1).toString() + QLatin1Char(' ') + query.value(2).toString()))
            continue;
        if (!address.isEmpty() && !matchesAll(address, line))
            continue;
        const QList<Link> userLinks = links.value(id);
        if (!structure.isEmpty() && std::none_of(userLinks.cbegin(), userLinks.cend(), [&](const Link &l) {
                return (!siretDigits.isEmpty() && l.siret.contains(siretDigits))
                    || matchesAll(structure, l.raisonSociale);
            }))
            continue;
        SupportUserRow user;
        for (const Link &l : userLinks) {
            user.structures << tr("%1 (SIRET %2) — %3").arg(l.raisonSociale, l.siret, roleLabel(l.role));
            user.roles << roleFromString(l.role);
            user.structureIds << l.structureId;
        }
        user.id = id;
        user.email = query.value(1).toString();
        user.firstName = query.value(3).toString();
        user.lastName = query.value(4).toString();
        user.address = line;
        user.active = query.value(9).toString() == QLatin1String("active");
        user.support = query.value(11).toInt() != 0;
        const QVariant deactivatedAt = query.value(10);
        if (!user.active && !deactivatedAt.isNull())
            user.deactivatedAt = QDateTime::fromMSecsSinceEpoch(deactivatedAt.toLongLong(), Qt::UTC);
        users.append(user);
    }
    return allowed;
}

CommandResult Support::structuresWithoutPrincipal(qint64 actorId, QList<OrphanStructure> &structures) const
{
    structures.clear();
    const CommandResult allowed = checkSupport(actorId);
    if (!allowed.ok())
        return allowed;
    const Database &db = m_core.db();
    const SqlFragment window = attachmentInWindow(QStringLiteral("p"), m_core.clock().today());
    // The latest principal attachment that is current, whoever holds it; the
    // structure is listed when there is none or its holder is deactivated.
    const QList<QVariantMap> rows = db.rows(
        QStringLiteral("SELECT s.id, s.siret, s.raison_sociale, u.id AS principal_id, u.first_name, "
                       "u.last_name, u.email, "
                       "u.status FROM structures s LEFT JOIN attachments a ON a.id = (SELECT MAX(p.id) FROM "
                       "attachments p "
                       "WHERE p.structure_id = s.id AND p.role = 'principal' AND p.status = 'validated' AND "
                       "%1) LEFT JOIN users "
                       "u ON u.id = "
                       "a.user_id WHERE u.id IS NULL OR u.status <> 'active' ORDER BY s.raison_sociale, s.id")
            .arg(window.sql),
        window.args);
    for (const QVariantMap &row : rows) {
        const qint64 principal = row.value(QStringLiteral("principal_id")).toLongLong();
        OrphanStructure s;
        s.id = row.value(QStringLiteral("id")).toLongLong();
        s.siret = row.value(QStringLiteral("siret")).toString();
        s.raisonSociale = row.value(QStringLiteral("raison_sociale")).toString();
        s.formerPrincipalId = principal;
        if (principal)
            s.formerPrincipal = QStringLiteral("%1 %2 <%3>")
                                    .arg(row.value(QStringLiteral("first_name")).toString(),
                                         row.value(QStringLiteral("last_name")).toString().toUpper(),
                                         row.value(QStringLiteral("email")).toString());
        s.reason = principal ? OrphanStructure::Reason::Deactivated : OrphanStructure::Reason::None;
        structures.append(s);
    }
    return allowed;
}

} // namespace guichet
