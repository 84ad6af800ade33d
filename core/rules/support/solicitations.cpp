#include "rules/support/solicitations.h"

#include "kernel/core.h"
#include "mail/mailtext.h"
#include "rules/accounts/accounts.h"

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

QDateTime fromMs(const QVariant &value)
{
    return QDateTime::fromMSecsSinceEpoch(value.toLongLong(), Qt::UTC);
}

const QString kColumns
    = QStringLiteral("id, user_id, email, category, subject, body, status, reply, assigned_to, "
                     "created_at, updated_at");

SolicitationInfo infoFromRow(const QVariantMap &row)
{
    SolicitationInfo info;
    info.id = row.value(QStringLiteral("id")).toLongLong();
    info.userId = row.value(QStringLiteral("user_id")).toLongLong();
    info.email = row.value(QStringLiteral("email")).toString();
    info.category = row.value(QStringLiteral("category")).toString();
    info.categoryLabel = Solicitations::categoryLabel(info.category);
    info.subject = row.value(QStringLiteral("subject")).toString();
    info.body = row.value(QStringLiteral("body")).toString();
    info.status = row.value(QStringLiteral("status")).toString();
    info.statusLabel = Solicitations::statusLabel(info.status);
    info.reply = row.value(QStringLiteral("reply")).toString();
    info.assignedTo = row.value(QStringLiteral("assigned_to")).toLongLong();
    info.createdAt = fromMs(row.value(QStringLiteral("created_at")));
    info.updatedAt = fromMs(row.value(QStringLiteral("updated_at")));
    return info;
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

QVariantMap loadSolicitation(CommandContext &ctx, qint64 id)
{
    const auto row
        = ctx.db().row(QStringLiteral("SELECT %1 FROM solicitations WHERE id = ?").arg(kColumns), { id });
    if (!row)
        fail(ErrorCode::NotFound, QStringLiteral("id"),
             Solicitations::tr("Solicitation %1 does not exist.").arg(id));
    return *row;
}

qint64 insertSolicitation(CommandContext &ctx, qint64 userId, const QString &email, const NewSolicitation &s)
{
    const qint64 now = ctx.clock().nowMs();
    const qint64 id = ctx.db().insert(
        QStringLiteral(
            "INSERT INTO solicitations (user_id, email, category, subject, body, status, created_at, "
            "updated_at, version) VALUES (?, ?, ?, ?, ?, 'new', ?, ?, ?) RETURNING id"),
        { userId ? QVariant(userId) : QVariant(QMetaType(QMetaType::LongLong)), email, s.category, s.subject,
          s.body, now, now, ctx.version() });
    ctx.audit(kEntity, id, 0,
              QStringLiteral("created: category=%1; from=%2; subject=%3").arg(s.category, email, s.subject));
    return id;
}

void insertMessage(CommandContext &ctx, qint64 solicitationId, bool fromSupport, const QString &text)
{
    ctx.db().exec(
        QStringLiteral("INSERT INTO solicitation_messages (solicitation_id, author_id, from_support, body, "
                       "created_at, version) VALUES (?, ?, ?, ?, ?, ?)"),
        { solicitationId, ctx.actorId(), fromSupport ? 1 : 0, text, ctx.clock().nowMs(), ctx.version() });
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
        const QVariantMap row = loadSolicitation(ctx, solicitationId);
        checkStatus(status);
        ctx.db().exec(QStringLiteral("UPDATE solicitations SET status = ?, assigned_to = ?, updated_at = ?, "
                                     "version = ? WHERE id = ?"),
                      { status, ctx.actorId(), ctx.clock().nowMs(), ctx.version(), solicitationId });
        ctx.audit(
            kEntity, solicitationId, 0,
            QStringLiteral("status: %1 -> %2").arg(row.value(QStringLiteral("status")).toString(), status));
        ctx.result = CommandResult::success(solicitationId);
    });
}

CommandResult Solicitations::reply(qint64 actorId, qint64 solicitationId, const QString &text,
                                   const QString &newStatus)
{
    return m_core.run(QStringLiteral("replySolicitation"), actorId, [&](CommandContext &ctx) {
        ctx.requireSupport();
        const QVariantMap row = loadSolicitation(ctx, solicitationId);
        const QString clean = checkedText(text);
        checkStatus(newStatus);
        ctx.db().exec(
            QStringLiteral("UPDATE solicitations SET status = ?, reply = ?, assigned_to = ?, "
                           "updated_at = ?, version = ? WHERE id = ?"),
            { newStatus, clean, ctx.actorId(), ctx.clock().nowMs(), ctx.version(), solicitationId });
        insertMessage(ctx, solicitationId, true, clean);

        // To the sender's current contact address; the given one for anonymous requests.
        const qint64 senderId = row.value(QStringLiteral("user_id")).toLongLong();
        QString recipient = row.value(QStringLiteral("email")).toString();
        if (senderId) {
            const QString contact = contactEmail(ctx.db(), senderId);
            if (!contact.isEmpty())
                recipient = contact;
        }
        const QString subject = row.value(QStringLiteral("subject")).toString();
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
        ctx.audit(kEntity, solicitationId, 0,
                  QStringLiteral("reply; status: %1 -> %2; mail=%3")
                      .arg(row.value(QStringLiteral("status")).toString(), newStatus)
                      .arg(mailId));
        ctx.result = CommandResult::success(solicitationId, { { QStringLiteral("mailId"), mailId } });
    });
}

CommandResult Solicitations::addFollowUp(qint64 actorId, qint64 solicitationId, const QString &text)
{
    return m_core.run(QStringLiteral("followUpSolicitation"), actorId, [&](CommandContext &ctx) {
        const QVariantMap row = loadSolicitation(ctx, solicitationId);
        if (row.value(QStringLiteral("user_id")).toLongLong() != ctx.actorId())
            fail(ErrorCode::Forbidden, {}, tr("Only the sender of a solicitation may add to it."));
        if (row.value(QStringLiteral("status")).toString() != QLatin1String("waiting_user"))
            fail(ErrorCode::Conflict, QStringLiteral("status"),
                 tr("This solicitation is not waiting for your answer."));
        const QString clean = checkedText(text);
        ctx.db().exec(
            QStringLiteral("UPDATE solicitations SET status = 'in_progress', updated_at = ?, version = ? "
                           "WHERE id = ?"),
            { ctx.clock().nowMs(), ctx.version(), solicitationId });
        insertMessage(ctx, solicitationId, false, clean);
        ctx.audit(kEntity, solicitationId, 0,
                  QStringLiteral("follow-up; status: waiting_user -> in_progress"));
        ctx.result = CommandResult::success(solicitationId);
    });
}

std::optional<QList<SolicitationInfo>> Solicitations::listForSupport(qint64 actorId,
                                                                     const QString &status) const
{
    const auto actor = m_core.loadActor(actorId);
    if (!actor || !actor->support || !actor->active)
        return std::nullopt;
    const auto rows = status.isEmpty()
        ? m_core.db().rows(
            QStringLiteral("SELECT %1 FROM solicitations ORDER BY updated_at DESC, id DESC").arg(kColumns))
        : m_core.db().rows(
            QStringLiteral("SELECT %1 FROM solicitations WHERE status = ? ORDER BY updated_at DESC, id DESC")
                .arg(kColumns),
            { status });
    QList<SolicitationInfo> list;
    for (const QVariantMap &row : rows)
        list.append(infoFromRow(row));
    return list;
}

QList<SolicitationInfo> Solicitations::listForUser(qint64 userId) const
{
    QList<SolicitationInfo> list;
    const auto rows = m_core.db().rows(
        QStringLiteral("SELECT %1 FROM solicitations WHERE user_id = ? ORDER BY updated_at DESC, id DESC")
            .arg(kColumns),
        { userId });
    for (const QVariantMap &row : rows)
        list.append(infoFromRow(row));
    return list;
}

std::optional<QList<SolicitationMessage>> Solicitations::messages(qint64 actorId, qint64 solicitationId) const
{
    const auto actor = m_core.loadActor(actorId);
    if (!actor || !actor->active)
        return std::nullopt;
    const qint64 owner
        = m_core.db()
              .value(QStringLiteral("SELECT user_id FROM solicitations WHERE id = ?"), { solicitationId })
              .toLongLong();
    if (!actor->support && (owner == 0 || owner != actor->id))
        return std::nullopt;
    QList<SolicitationMessage> list;
    const auto rows = m_core.db().rows(
        QStringLiteral("SELECT id, author_id, from_support, body, created_at FROM solicitation_messages "
                       "WHERE solicitation_id = ? ORDER BY id"),
        { solicitationId });
    for (const QVariantMap &row : rows)
        list.append({ row.value(QStringLiteral("id")).toLongLong(),
                      row.value(QStringLiteral("author_id")).toLongLong(),
                      row.value(QStringLiteral("from_support")).toInt() != 0,
                      row.value(QStringLiteral("body")).toString(),
                      fromMs(row.value(QStringLiteral("created_at"))) });
    return list;
}

} // namespace guichet
