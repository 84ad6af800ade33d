#pragma once

#include "kernel/commandresult.h"
#include "rules/attachments/permissions.h"

#include <QCoreApplication>
#include <QList>
#include <QString>

#include <optional>

namespace guichet {

class CommandContext;
class Core;
class Database;

// An espace of the catalogue (the spaces table, seeded by the schema), with the
// guide's defaults per role (« Après rattachement à une structure, les espaces
// suivants apparaissent par défaut »).
struct Space
{
    qint64 id = 0;
    QString code;
    QString name;
    int sortOrder = 0;
    bool defaultForPrincipal = false;
    bool defaultForSecondary = false;
    bool defaultForUser = false;

    bool isDefaultFor(Role role) const;
};

QList<Space> spaceCatalogue(const Database &db);
// The English name of a space of the catalogue by its code, to translate in
// the context "guichet::labels" (the catalogue stores its names in French);
// nullptr for a code it does not know.
const char *spaceNameSource(const QString &code);
std::optional<Space> spaceByCode(const Database &db, const QString &code);
QList<Space> defaultSpaces(const Database &db, Role role);

// The services a new subscription row covers for an attachment: {0} (whole
// structure) for a whole-structure attachment, else its service ids.
QList<qint64> attachmentScope(const Database &db, qint64 attachmentId);

// Inside a command, after an attachment was validated or a role changed:
// validated subscriptions (mode modification, effective today) to the role's
// default spaces the user lacks on that structure. Returns how many were added.
int subscribeRoleDefaults(CommandContext &ctx, qint64 userId, qint64 structureId, Role role,
                          const QList<qint64> &scope);
// Inside a command: removes the role-default subscriptions of spaces that are
// no longer a default for newRole (e.g. « Activité du gestionnaire » when a
// principal manager becomes a simple user).
int dropStaleRoleDefaults(CommandContext &ctx, qint64 userId, qint64 structureId, Role newRole);
// Inside a command: pending subscription requests (mode modification, effective
// today) for each structure-level space the user has no subscription to.
int requestStructureSpaces(CommandContext &ctx, qint64 userId, qint64 structureId,
                           const QList<qint64> &scope);
// Whether the structure lets its users subscribe to the space themselves
// (Spaces::setSelfServiceSpace).
bool isSelfServiceSpace(const Database &db, qint64 structureId, qint64 spaceId);

// Spaces set at structure level (« Paramétrer des espaces au niveau de la structure »).
class Spaces
{
    Q_DECLARE_TR_FUNCTIONS(guichet::Spaces)

public:
    explicit Spaces(Core &core);

    QList<Space> catalogue() const;
    std::optional<Space> spaceByCode(const QString &code) const;
    QList<Space> structureSpaces(qint64 structureId) const;

    // Manager (canManage) or support. Generates a pending subscription request
    // for every user with a current validated attachment who has none to it.
    // Result data: "generated" (how many requests).
    CommandResult enableStructureSpace(qint64 actorId, qint64 structureId, const QString &spaceCode);
    // Manager (canManage) or support. Removes the space from the structure and
    // the subscriptions it generated (origin 'structure'), whatever their status;
    // role defaults and the users' own requests stay. Result data: "removed".
    CommandResult disableStructureSpace(qint64 actorId, qint64 structureId, const QString &spaceCode);

    // « Laisser les utilisateurs ajouter ou retirer Factures émises »: the
    // spaces a structure may let its users subscribe to themselves (a request
    // validated at once, without a manager's decision; removing one's own
    // subscription never needs one). Today only 'factures_emises'.
    static bool offersSelfService(const QString &spaceCode);
    // Manager (canManage) or support: turns self-service on or off for the
    // structure's users. Setting it as it already is changes nothing (data
    // "changed" false, no audit entry). Existing subscriptions stay.
    CommandResult setSelfServiceSpace(qint64 actorId, qint64 structureId, const QString &spaceCode,
                                      bool enabled);
    bool isSelfService(qint64 structureId, const QString &spaceCode) const;
    // The structures (id, raison sociale) where the user, attached today, may
    // subscribe to the space themselves, by raison sociale.
    QList<std::pair<qint64, QString>> selfServiceStructures(qint64 userId, const QString &spaceCode) const;

private:
    Core &m_core;
};

} // namespace guichet
