#pragma once

#include "rules/support/solicitations.h"

#include <QDate>
#include <QDateTime>
#include <QHash>
#include <QList>
#include <QString>

#include <functional>
#include <optional>

namespace guichet {

class Database;

// Every SQL statement of the support feature (support.cpp, solicitations.cpp)
// lives here: the tables solicitations and solicitation_messages it owns, and
// the support console's reads of users, attachments and structures.

// An account as the support console's search reads it.
struct SupportUserRecord
{
    qint64 id = 0;
    QString email;
    QString contactEmail;
    QString firstName;
    QString lastName;
    QString addressLine;
    QString postalCode;
    QString city;
    QString country;
    bool active = false;
    bool pending = false; // waiting for activation (a sign-up or an invitation)
    QDateTime deactivatedAt; // invalid when not set
    bool support = false;
};

// A validated attachment that has not ended, seen from its user.
struct SupportStructureLink
{
    qint64 structureId = 0;
    QString siret;
    QString raisonSociale;
    QString role;
};

// A structure without an active principal manager today, with the holder of
// its latest current principal attachment (principalId 0 when none).
struct StructurePrincipalRecord
{
    qint64 id = 0;
    QString siret;
    QString identifierType; // StructureIdentifier::code of `siret`
    QString raisonSociale;
    qint64 principalId = 0;
    QString principalFirstName;
    QString principalLastName;
    QString principalEmail;
};

class SupportStore
{
public:
    explicit SupportStore(const Database &db);

    // The support console.
    // Per user, the validated attachments not ended on `today`, by raison sociale.
    QHash<qint64, QList<SupportStructureLink>> validatedLinksByUser(QDate today) const;
    // Visits every account by last name, first name and id until visit returns
    // false; streamed, so a search that has enough stops reading.
    void forEachUser(const std::function<bool(const SupportUserRecord &)> &visit) const;
    // By raison sociale: whose latest principal attachment not ended on
    // `today` is missing or held by an account that is not active.
    QList<StructurePrincipalRecord> structuresWithoutActivePrincipal(QDate today) const;

    // solicitations
    std::optional<SolicitationInfo> solicitation(qint64 solicitationId) const;
    // userId 0: sent without signing in. Status 'new'.
    qint64 insertSolicitation(qint64 userId, const QString &email, const NewSolicitation &solicitation,
                              qint64 nowMs, qint64 version);
    void setStatus(qint64 solicitationId, const QString &status, qint64 assignedTo, qint64 nowMs,
                   qint64 version);
    void recordReply(qint64 solicitationId, const QString &status, const QString &reply, qint64 assignedTo,
                     qint64 nowMs, qint64 version);
    // Back to 'in_progress' after the sender's follow-up.
    void resumeAfterFollowUp(qint64 solicitationId, qint64 nowMs, qint64 version);
    // Newest activity first; status empty: all of them.
    QList<SolicitationInfo> solicitations(const QString &status) const;
    QList<SolicitationInfo> solicitationsOf(qint64 userId) const;
    // The sender's user id, 0 for an anonymous sender or an unknown solicitation.
    qint64 senderOf(qint64 solicitationId) const;

    // solicitation_messages
    void insertMessage(qint64 solicitationId, qint64 authorId, bool fromSupport, const QString &body,
                       qint64 nowMs, qint64 version);
    // In the order they were written.
    QList<SolicitationMessage> messages(qint64 solicitationId) const;

private:
    const Database &m_db;
};

} // namespace guichet
