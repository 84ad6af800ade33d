#pragma once

#include "kernel/commandresult.h"

#include <QCoreApplication>
#include <QList>
#include <QString>
#include <QVariantMap>

namespace guichet {

class Core;

// What the support console searches users by; every non-empty member must
// match (each of its words, ignoring case and accents).
struct SupportUserCriteria
{
    QString name; // first or last name
    QString email; // sign-in or contact e-mail
    QString address; // postal address (line, postal code, city, country)
    QString structure; // SIRET or raison sociale of a structure the user is attached to

    bool isEmpty() const
    {
        return name.trimmed().isEmpty() && email.trimmed().isEmpty() && address.trimmed().isEmpty()
            && structure.trimmed().isEmpty();
    }
};

// The support console's reads (issue 5). Unlike the users' own reads they show
// every account, deactivated ones included, so each checks that the caller is
// active support staff and answers Forbidden otherwise (nothing is returned).
class Support
{
    Q_DECLARE_TR_FUNCTIONS(guichet::Support)

public:
    static constexpr int DefaultLimit = 500;

    explicit Support(Core &core);

    // Users matching every filled criterion, by last name, at most `limit`.
    // Records: id, email, firstName, lastName, address (one line), active
    // (bool), support (bool), deactivatedAt (QDateTime, invalid while active),
    // structures (QStringList « raison sociale (SIRET) — role »), roles
    // (QStringList of "principal" / "secondary" / "user"), structureIds.
    // Empty criteria give no user (the search is never « everyone »).
    CommandResult searchUsers(qint64 actorId, const SupportUserCriteria &criteria, QList<QVariantMap> &users,
                              int limit = DefaultLimit) const;
    // The structures without an active principal manager today: their
    // principal's account is deactivated, or no principal attachment is
    // current. Records: id, siret, raisonSociale, formerPrincipalId (0 when no
    // attachment), formerPrincipal (« First LAST <email> », empty when none),
    // reason ("deactivated" or "none"). By raison sociale.
    CommandResult structuresWithoutPrincipal(qint64 actorId, QList<QVariantMap> &structures) const;

    // Role code -> readable label (as the attachments screens show it).
    static QString roleLabel(const QString &role);

private:
    CommandResult checkSupport(qint64 actorId) const;

    Core &m_core;
};

} // namespace guichet
