#pragma once

#include "kernel/auditrecord.h"

#include <QDate>
#include <QList>
#include <QString>
#include <QStringList>

#include <optional>

namespace guichet {

class Database;

// Every SQL statement of the digests (digests.cpp) lives here: the table
// mail_runs they own, and their reads of users, attachments, subscriptions,
// spaces, solicitations and the audit log. Read queries take the window
// (fromMs, toMs] they look at; the digests decide the windows.

// The last run of a kind for a user (user 0: the schedule's own run).
struct MailRun
{
    QString period;
    qint64 ranAt = 0;
};

// Where and how a digest greets its reader.
struct DigestRecipient
{
    QString firstName;
    QString contactEmail;
    QString email;
};

struct PersonName
{
    QString firstName;
    QString lastName;
};

// One of the reader's attachments, requested or decided in the window.
struct AttachmentEvent
{
    QString status;
    QString raisonSociale;
    QString siret;
};

// One of the reader's subscriptions, requested or decided in the window.
struct SubscriptionEvent
{
    QString status;
    QString spaceName;
    QString raisonSociale;
    QString serviceName; // empty: the whole structure
};

// An audit entry's record and the raison sociale of its structure.
struct StructureAuditEntry
{
    AuditRecord record;
    QString raisonSociale;
};

// A request waiting for a manager of the structure.
struct PendingRequestEntry
{
    qint64 userId = 0;
    qint64 requestedAt = 0;
    QString raisonSociale;
    QString spaceName; // subscriptions only
    QString serviceName; // subscriptions only; empty: the whole structure
    bool removal = false; // subscriptions only: a removal request (requestedAt: when it was asked)
};

// A validated attachment whose end comes near.
struct EndingAttachment
{
    qint64 userId = 0;
    QString validUntil; // ISO date
    QString raisonSociale;
};

struct DigestStructure
{
    qint64 id = 0;
    QString raisonSociale;
    QString siret;
};

class DigestStore
{
public:
    explicit DigestStore(const Database &db);

    // mail_runs
    std::optional<MailRun> lastRun(qint64 userId, const QString &kind) const;
    // Records a first run; false when a run of the kind is already recorded.
    bool insertRun(qint64 userId, const QString &kind, const QString &period, qint64 nowMs);
    // Records a new run over the last one; false when there is none.
    bool updateRun(qint64 userId, const QString &kind, const QString &period, qint64 nowMs);
    // The same, only while the last run is still of fromPeriod (compare and
    // set); false when another process moved it meanwhile.
    bool updateRunFrom(qint64 userId, const QString &kind, const QString &fromPeriod, const QString &period,
                       qint64 nowMs);

    // Who gets digests: active accounts with notifications enabled, by id.
    QList<qint64> notifiedUsers() const;
    std::optional<DigestRecipient> recipient(qint64 userId) const;
    std::optional<PersonName> name(qint64 userId) const;
    QString spaceName(qint64 spaceId) const;

    // The daily mail: the reader's own events, oldest first.
    QList<AttachmentEvent> attachmentEvents(qint64 userId, qint64 fromMs, qint64 toMs) const;
    // Removals of the user's attachments, changes of their role and every
    // change of principal manager (the caller keeps those to or from the
    // user: the former one is in the record only); they leave no row behind.
    QList<StructureAuditEntry> attachmentChangesAbout(qint64 userId, qint64 fromMs, qint64 toMs) const;
    QList<SubscriptionEvent> subscriptionEvents(qint64 userId, qint64 fromMs, qint64 toMs) const;
    // The user's subscriptions removed in the window (the record names the space).
    QList<StructureAuditEntry> removedSubscriptionsOf(qint64 userId, qint64 fromMs, qint64 toMs) const;
    // Subjects of the solicitations support replied to.
    QStringList supportReplySubjects(qint64 userId, qint64 fromMs, qint64 toMs) const;

    // The daily mail of a manager: the structure's requests of others, pending
    // and made in (fromMs, toMs] or in (remindFromMs, remindToMs]; for
    // subscriptions, removal requests too, dated from when they were asked.
    QList<PendingRequestEntry> pendingAttachments(qint64 structureId, qint64 managerId, qint64 fromMs,
                                                  qint64 toMs, qint64 remindFromMs, qint64 remindToMs) const;
    QList<PendingRequestEntry> pendingSubscriptions(qint64 structureId, qint64 managerId, qint64 fromMs,
                                                    qint64 toMs, qint64 remindFromMs,
                                                    qint64 remindToMs) const;
    // Validated attachments ending in (after, until] and not before notBefore.
    QList<EndingAttachment> attachmentsEnding(qint64 structureId, QDate after, QDate until,
                                              QDate notBefore) const;

    // The weekly summary.
    QList<DigestStructure> validatedStructuresOf(qint64 userId) const;

private:
    const Database &m_db;
};

} // namespace guichet
