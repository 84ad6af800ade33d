#pragma once

#include "kernel/commandresult.h"
#include "rules/attachments/attachments.h"
#include "rules/attachments/permissions.h"

#include <QCoreApplication>
#include <QDateTime>
#include <QList>
#include <QString>
#include <QStringList>

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

// A user found by the support console (Support::searchUsers).
struct SupportUserRow
{
    qint64 id = 0; // the user
    QString email; // sign-in e-mail
    QString firstName;
    QString lastName;
    QString address; // postal address on one line
    bool active = false;
    // Waiting for activation (a sign-up or an invitation): support can resend
    // the activation mail (SignUps::supportResendActivation).
    bool pending = false;
    bool support = false; // support staff
    QDateTime deactivatedAt; // invalid while active
    // Current validated attachments, by raison sociale: the structure, its
    // text « raison sociale (SIRET) — role » and the role held there.
    QList<qint64> structureIds;
    QStringList structures;
    QList<Role> roles;
};

// A structure without an active principal manager today
// (Support::structuresWithoutPrincipal).
struct OrphanStructure
{
    enum class Reason {
        Deactivated, // the principal's account is deactivated
        None, // no principal attachment is current
    };

    qint64 id = 0; // the structure
    QString siret;
    QString identifierType; // StructureIdentifier::code of `siret`
    QString raisonSociale;
    qint64 formerPrincipalId = 0; // 0 when no attachment
    QString formerPrincipal; // « First LAST <email> », empty when none
    Reason reason = Reason::None;
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
    // Empty criteria give no user (the search is never « everyone »).
    CommandResult searchUsers(qint64 actorId, const SupportUserCriteria &criteria,
                              QList<SupportUserRow> &users, int limit = DefaultLimit) const;
    // The structures without an active principal manager today: their
    // principal's account is deactivated, or no principal attachment is
    // current. By raison sociale.
    CommandResult structuresWithoutPrincipal(qint64 actorId, QList<OrphanStructure> &structures) const;

    // The pending requests to join a structure without a principal manager
    // (their role is principal: support decides them, docs/RULES.md), by
    // raison sociale: the support console's list, read by guichetd's
    // GET /support/principal-requests in connected mode.
    CommandResult principalRequests(qint64 actorId, QList<AttachmentView> &requests) const;

    // Role code -> readable label (as the attachments screens show it).
    static QString roleLabel(const QString &role);

private:
    CommandResult checkSupport(qint64 actorId) const;

    Core &m_core;
};

} // namespace guichet
