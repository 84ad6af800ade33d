#pragma once

#include "kernel/commandresult.h"

#include <QCoreApplication>
#include <QDateTime>
#include <QList>
#include <QString>

#include <optional>

namespace guichet {

class Core;

struct SolicitationChoice
{
    QString code;
    QString label;
};

struct NewSolicitation
{
    QString category;
    QString subject;
    QString body;
};

// A reply from support or a follow-up from the sender.
struct SolicitationMessage
{
    qint64 id = 0;
    qint64 authorId = 0;
    bool fromSupport = false;
    QString body;
    QDateTime createdAt;
};

struct SolicitationInfo
{
    qint64 id = 0;
    qint64 userId = 0; // 0 when sent without signing in
    QString email; // where replies go when userId is 0
    QString category;
    QString categoryLabel;
    QString subject;
    QString body;
    QString status;
    QString statusLabel;
    QString reply; // support's latest reply
    qint64 assignedTo = 0;
    QDateTime createdAt;
    QDateTime updatedAt;
};

// Sollicitations: requests to support, e.g. reactivation past the 60 days.
// Statuses: new -> in_progress / waiting_user -> closed, set by support; a
// sender's follow-up on a request waiting for them puts it back in progress.
class Solicitations
{
    Q_DECLARE_TR_FUNCTIONS(guichet::Solicitations)

public:
    static constexpr int MaxSubjectLength = 200;
    static constexpr int MaxBodyLength = 10000;

    explicit Solicitations(Core &core);

    static QList<SolicitationChoice> categories();
    static QList<SolicitationChoice> statuses();
    static QString categoryLabel(const QString &code);
    static QString statusLabel(const QString &code);

    // From a signed-in user; replies go to their contact e-mail.
    CommandResult createSolicitation(qint64 actorId, const NewSolicitation &solicitation);
    // From the sign-in window, by someone who cannot sign in (e.g. deactivated
    // more than 60 days ago); replies go to email.
    CommandResult createAnonymousSolicitation(const QString &email, const NewSolicitation &solicitation);
    // Support only.
    CommandResult setStatus(qint64 actorId, qint64 solicitationId, const QString &status);
    // Support only: records the reply, sets the status, queues a mail to the sender.
    CommandResult reply(qint64 actorId, qint64 solicitationId, const QString &text,
                        const QString &newStatus = QStringLiteral("waiting_user"));
    // The sender's answer to a solicitation waiting for them; back to in_progress.
    CommandResult addFollowUp(qint64 actorId, qint64 solicitationId, const QString &text);

    // Support's queue, newest activity first; status empty = all. Nothing when
    // the caller is not active support staff.
    std::optional<QList<SolicitationInfo>> listForSupport(qint64 actorId, const QString &status = {}) const;
    // A user's own solicitations, newest activity first.
    QList<SolicitationInfo> listForUser(qint64 userId) const;
    // The exchange on one solicitation, for its sender or support staff.
    std::optional<QList<SolicitationMessage>> messages(qint64 actorId, qint64 solicitationId) const;

private:
    Core &m_core;
};

} // namespace guichet
