#include "rules/support/solicitations.h"

#include "kernel/core.h"
#include "mail/mailtext.h"
#include "rules/accounts/accounts.h"
#include "rules/support/supportstore.h"

namespace guichet {

namespace {

const QString kEntity = QStringLiteral("solicitation");

struct ChoiceEntry
{
    const char *code;
    const char *label;
};

const ChoiceEntry s_categories[] = {
    { "reactivation", QT_TRANSLATE_NOOP("guichet::Solicitations", "Account reactivation") },
    { "access", QT_TRANSLATE_NOOP("guichet::Solicitations", "Access to the portal") },
    { "principal_manager", QT_TRANSLATE_NOOP("guichet::Solicitations", "Naming a principal manager") },
    { "other", QT_TRANSLATE_NOOP("guichet::Solicitations", "Other") },
};

const ChoiceEntry s_statuses[] = {
    { "new", QT_TRANSLATE_NOOP("guichet::Solicitations", "New") },
    { "in_progress", QT_TRANSLATE_NOOP("guichet::Solicitations", "In progress") },
    { "waiting_user", QT_TRANSLATE_NOOP("guichet::Solicitations", "Waiting for the sender") },
    { "closed", QT_TRANSLATE_NOOP("guichet::Solicitations", "Closed") },
};

template<std::size_t N> const ChoiceEntry *findChoice(const ChoiceEntry (&entries)[N], const QString &code)
{
    for (const ChoiceEntry &entry : entries) {
        if (code == QLatin1String(entry.code))
            return &entry;
    }
    return nullptr;
}

template<std::size_t N> QList<SolicitationChoice> choices(const ChoiceEntry (&entries)[N])
{
    QList<SolicitationChoice> list;
    for (const ChoiceEntry &entry : entries)
        list.append({ QString::fromLatin1(entry.code), Solicitations::tr(entry.label) });
    return list;
}

// Checks every field and names all those missing in one message, so that the
// sender fixes the form in one go.
NewSolicitation checkedSolicitation(const NewSolicitation &input)
{
    NewSolicitation clean { input.category.trimmed(), input.subject.trimmed(), input.body.trimmed() };
    QStringList missingFields;
    QStringList missingLabels;
    if (clean.category.isEmpty()) {
        missingFields << QStringLiteral("category");
        missingLabels << Solicitations::tr("category");
    }
    if (clean.subject.isEmpty()) {
        missingFields << QStringLiteral("subject");
        missingLabels << Solicitations::tr("subject");
    }
    if (clean.body.isEmpty()) {
        missingFields << QStringLiteral("body");
        missingLabels << Solicitations::tr("message");
    }
    if (!missingFields.isEmpty())
        fail(ErrorCode::InvalidInput, missingFields.first(),
             Solicitations::tr("Required fields are missing: %1.")
                 .arg(missingLabels.join(QStringLiteral(", "))));
    if (!findChoice(s_categories, clean.category))
        fail(ErrorCode::InvalidInput, QStringLiteral("category"),
             Solicitations::tr("Category '%1' is not in the list of categories.").arg(clean.category));
    if (clean.subject.size() > Solicitations::MaxSubjectLength)
        fail(ErrorCode::InvalidInput, QStringLiteral("subject"),
             Solicitations::tr("Subject is too long: %1 characters at most.")
                 .arg(Solicitations::MaxSubjectLength));
    if (clean.body.size() > Solicitations::MaxBodyLength)
        fail(ErrorCode::InvalidInput, QStringLiteral("body"),
             Solicitations::tr("Message is too long: %1 characters at most.")
                 .arg(Solicitations::MaxBodyLength));
    return clean;
}

void checkStatus(const QString &status)
{
    if (!findChoice(s_statuses, status))
        fail(ErrorCode::InvalidInput, QStringLiteral("status"),
             Solicitations::tr("Status '%1' is not a solicitation status.").arg(status));
}

QString checkedText(const QString &text)
{
    const QString trimmed = text.trimmed();
    if (trimmed.isEmpty())
        fail(ErrorCode::InvalidInput, QStringLiteral("text"), Solicitations::tr("The message is required."));
    if (trimmed.size() > Solicitations::MaxBodyLength)
        fail(ErrorCode::InvalidInput, QStringLiteral("text"),
             Solicitations::tr("Message is too long: %1 characters at most.")
                 .arg(Solicitations::MaxBodyLength));
    return trimmed;
}

SolicitationInfo loadSolicitation(CommandContext &ctx, qint64 id)
{
    const auto solicitation = SupportStore(ctx.db()).solicitation(id);
    if (!solicitation)
        fail(ErrorCode::NotFound, QStringLiteral("id"),
             Solicitations::tr("Solicitation %1 does not exist.").arg(id));
    return *solicitation;
}

qint64 insertSolicitation(CommandContext &ctx, qint64 userId, const QString &email, const NewSolicitation &s)
{
    const qint64 id
        = SupportStore(ctx.db()).insertSolicitation(userId, email, s, ctx.clock().nowMs(), ctx.version());
    AuditRecord created(AuditAction::SolicitationCreated, userId);
    created.code = s.category;
    created.email = email;
    created.name = s.subject;
    ctx.audit(kEntity, id, 0, created);
    return id;
}

void insertMessage(CommandContext &ctx, qint64 solicitationId, bool fromSupport, const QString &text)
{
    SupportStore(ctx.db()).insertMessage(solicitationId, ctx.actorId(), fromSupport, text,
                                         ctx.clock().nowMs(), ctx.version());
}

} // namespace

Solicitations::Solicitations(Core &core)
    : m_core(core)
{
}

QList<SolicitationChoice> Solicitations::categories()
{
    return choices(s_categories);
}

QList<SolicitationChoice> Solicitations::statuses()
{
    return choices(s_statuses);
}

QString Solicitations::categoryLabel(const QString &code)
{
    const ChoiceEntry *entry = findChoice(s_categories, code);
    return entry ? tr(entry->label) : code;
}

QString Solicitations::statusLabel(const QString &code)
{
    const ChoiceEntry *entry = findChoice(s_statuses, code);
    return entry ? tr(entry->label) : code;
}

CommandResult Solicitations::createSolicitation(qint64 actorId, const NewSolicitation &solicitation)
{
    return m_core.run(QStringLiteral("createSolicitation"), actorId, [&](CommandContext &ctx) {
        const NewSolicitation clean = checkedSolicitation(solicitation);
        const QString email
            = ctx.actor().contactEmail.isEmpty() ? ctx.actor().email : ctx.actor().contactEmail;
        ctx.result = CommandResult::success(insertSolicitation(ctx, ctx.actorId(), email, clean));
    });
}

CommandResult Solicitations::createAnonymousSolicitation(const QString &email,
                                                         const NewSolicitation &solicitation)
{
    return m_core.run(
        QStringLiteral("createSolicitation"), 0,
        [&](CommandContext &ctx) {
            const QString address = email.trimmed().toLower();
            if (address.isEmpty())
                fail(ErrorCode::InvalidInput, QStringLiteral("email"),
                     tr("E-mail address is required: support answers there."));
            if (!isValidEmail(address))
                fail(ErrorCode::InvalidInput, QStringLiteral("email"),
                     tr("E-mail address '%1' is not valid.").arg(address));
            const NewSolicitation clean = checkedSolicitation(solicitation);
            // Not linked to an account: who may send this proves nothing about one.
            ctx.result = CommandResult::success(insertSolicitation(ctx, 0, address, clean));
        },
        RunOptions::anonymousCommand());
}

CommandResult Solicitations::setStatus(qint64 actorId, qint64 solicitationId, const QString &status)
{
    return m_core.run(QStringLiteral("setSolicitationStatus"), actorId, [&](CommandContext &ctx) {
        ctx.requireSupport();
        const SolicitationInfo solicitation = loadSolicitation(ctx, solicitationId);
        checkStatus(status);
        SupportStore(ctx.db()).setStatus(solicitationId, status, ctx.actorId(), ctx.clock().nowMs(),
                                         ctx.version());
        AuditRecord changed(AuditAction::SolicitationStatusChanged, solicitation.userId);
        changed.name = solicitation.subject;
        changed.previousStatus = solicitation.status;
        changed.status = status;
        ctx.audit(kEntity, solicitationId, 0, changed);
        ctx.result = CommandResult::success(solicitationId);
    });
}

CommandResult Solicitations::reply(qint64 actorId, qint64 solicitationId, const QString &text,
                                   const QString &newStatus)
{
    return m_core.run(QStringLiteral("replySolicitation"), actorId, [&](CommandContext &ctx) {
        ctx.requireSupport();
        const SolicitationInfo solicitation = loadSolicitation(ctx, solicitationId);
        const QString clean = checkedText(text);
        checkStatus(newStatus);
        SupportStore(ctx.db()).recordReply(solicitationId, newStatus, clean, ctx.actorId(),
                                           ctx.clock().nowMs(), ctx.version());
        insertMessage(ctx, solicitationId, true, clean);

        // To the sender's current contact address; the given one for anonymous requests.
        const qint64 senderId = solicitation.userId;
        QString recipient = solicitation.email;
        if (senderId) {
            const QString contact = contactEmail(ctx.db(), senderId);
            if (!contact.isEmpty())
                recipient = contact;
        }
        const QString subject = solicitation.subject;
        // In the sender's language (the portal's default for anonymous senders).
        const MailText t = MailText::forUser(ctx.db(), senderId);
        const ChoiceEntry *status = findChoice(s_statuses, newStatus);
        MailBody body;
        body.paragraph(t.translate("guichet::Solicitations",
                                   "Support replied to your request \"%1\" (status: %2):\n\n%3")
                           .arg(subject,
                                status ? t.translate("guichet::Solicitations", status->label) : newStatus,
                                clean));
        const qint64 mailId
            = ctx.queueMail(senderId, recipient,
                            t.translate("guichet::Solicitations", "Reply to your request: %1").arg(subject),
                            body.text(), body.html());
        AuditRecord replied(AuditAction::SolicitationReplied, senderId);
        replied.name = subject;
        replied.email = recipient;
        replied.previousStatus = solicitation.status;
        replied.status = newStatus;
        ctx.audit(kEntity, solicitationId, 0, replied);
        ctx.result = CommandResult::success(solicitationId, { { QStringLiteral("mailId"), mailId } });
    });
}

CommandResult Solicitations::addFollowUp(qint64 actorId, qint64 solicitationId, const QString &text)
{
    return m_core.run(QStringLiteral("followUpSolicitation"), actorId, [&](CommandContext &ctx) {
        const SolicitationInfo solicitation = loadSolicitation(ctx, solicitationId);
        if (solicitation.userId != ctx.actorId())
            fail(ErrorCode::Forbidden, {}, tr("Only the sender of a solicitation may add to it."));
        if (solicitation.status != QLatin1String("waiting_user"))
            fail(ErrorCode::Conflict, QStringLiteral("status"),
                 tr("This solicitation is not waiting for your answer."));
        const QString clean = checkedText(text);
        SupportStore(ctx.db()).resumeAfterFollowUp(solicitationId, ctx.clock().nowMs(), ctx.version());
        insertMessage(ctx, solicitationId, false, clean);
        AuditRecord followed(AuditAction::SolicitationFollowedUp, solicitation.userId);
        followed.name = solicitation.subject;
        followed.previousStatus = solicitation.status;
        followed.status = QStringLiteral("in_progress");
        ctx.audit(kEntity, solicitationId, 0, followed);
        ctx.result = CommandResult::success(solicitationId);
    });
}

std::optional<QList<SolicitationInfo>> Solicitations::listForSupport(qint64 actorId,
                                                                     const QString &status) const
{
    const auto actor = m_core.loadActor(actorId);
    if (!actor || !actor->support || !actor->active)
        return std::nullopt;
    return SupportStore(m_core.db()).solicitations(status);
}

QList<SolicitationInfo> Solicitations::listForUser(qint64 userId) const
{
    return SupportStore(m_core.db()).solicitationsOf(userId);
}

std::optional<QList<SolicitationMessage>> Solicitations::messages(qint64 actorId, qint64 solicitationId) const
{
    const auto actor = m_core.loadActor(actorId);
    if (!actor || !actor->active)
        return std::nullopt;
    const SupportStore store(m_core.db());
    const qint64 owner = store.senderOf(solicitationId);
    if (!actor->support && (owner == 0 || owner != actor->id))
        return std::nullopt;
    return store.messages(solicitationId);
}

} // namespace guichet
