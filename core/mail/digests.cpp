#include "mail/digests.h"

#include "kernel/core.h"
#include "mail/digeststore.h"
#include "mail/mailtext.h"
#include "rules/attachments/permissions.h"
#include "rules/audit/auditlog.h"

#include <QDebug>
#include <QHash>
#include <QRegularExpression>

#include <algorithm>
#include <optional>

namespace guichet {

namespace {

constexpr qint64 kDayMs = qint64(24) * 3600 * 1000;
constexpr int kMaxLinesPerStructure = 50;

const char *const kDays[] = { "mon", "tue", "wed", "thu", "fri", "sat", "sun" };
// The schedule's own last run is a mail_runs row of user 0.
constexpr qint64 kScheduleUser = 0;
const QString kScheduleKind = QStringLiteral("schedule");

std::optional<QTime> parseTime(const QString &text)
{
    static const QRegularExpression re(QStringLiteral("^([01]?\\d|2[0-3]):([0-5]\\d)$"));
    const QRegularExpressionMatch m = re.match(text.trimmed());
    if (!m.hasMatch())
        return std::nullopt;
    return QTime(m.captured(1).toInt(), m.captured(2).toInt());
}

QString userName(const DigestStore &store, QHash<qint64, QString> &cache, qint64 userId)
{
    auto it = cache.constFind(userId);
    if (it != cache.constEnd())
        return *it;
    const std::optional<PersonName> person = store.name(userId);
    const QString name = person ? QStringLiteral("%1 %2").arg(person->firstName, person->lastName)
                                : QStringLiteral("#%1").arg(userId);
    cache.insert(userId, name);
    return name;
}

QString roleLabel(const MailText &t, const QString &role)
{
    if (role == QLatin1String("principal"))
        return t.translate("guichet::Digests", "principal manager");
    if (role == QLatin1String("secondary"))
        return t.translate("guichet::Digests", "secondary manager");
    return t.translate("guichet::Digests", "simple user");
}

QString scopeLabel(const MailText &t, const QString &serviceName)
{
    return serviceName.isEmpty() ? t.translate("guichet::Digests", "whole structure") : serviceName;
}

QString dateText(const MailText &t, const QString &isoDate)
{
    return t.locale().toString(QDate::fromString(isoDate, Qt::ISODate), QLocale::LongFormat);
}

QString dateTimeText(const MailText &t, qint64 ms)
{
    return t.locale().toString(QDateTime::fromMSecsSinceEpoch(ms).toLocalTime(), QLocale::ShortFormat);
}

// Claims the user's run of a kind for the period: false when it already ran in
// that period (here or in a concurrent process). *previous gets the time of
// the previous run, 0 when there was none. The update is a compare-and-set on
// the previous period, so two processes never both claim the same run.
bool claimRun(DigestStore &store, qint64 userId, const QString &kind, const QString &period, qint64 nowMs,
              qint64 *previous)
{
    const std::optional<MailRun> last = store.lastRun(userId, kind);
    *previous = 0;
    if (last) {
        if (last->period == period)
            return false;
        *previous = last->ranAt;
        return store.updateRunFrom(userId, kind, last->period, period, nowMs);
    }
    return store.insertRun(userId, kind, period, nowMs);
}

} // namespace

// ---------------------------------------------------------------- schedule

MailSchedule::MailSchedule()
    : m_dailyTime(7, 0)
    , m_weeklyTime(7, 0)
{
}

bool MailSchedule::setDaily(const QString &time, QString *error)
{
    const auto parsed = parseTime(time);
    if (!parsed) {
        if (error)
            *error = tr("'%1' is not a time of day: expected HH:MM, e.g. 07:00.").arg(time);
        return false;
    }
    m_dailyTime = *parsed;
    return true;
}

bool MailSchedule::setWeekly(const QString &dayAndTime, QString *error)
{
    const QStringList parts = dayAndTime.trimmed().split(QLatin1Char(' '), Qt::SkipEmptyParts);
    int day = 0;
    if (parts.size() == 2) {
        const QString name = parts.first().toLower();
        for (int i = 0; i < 7; ++i) {
            if (name.size() >= 3 && name.startsWith(QLatin1String(kDays[i])))
                day = i + 1;
        }
    }
    const auto time = parts.size() == 2 ? parseTime(parts.last()) : std::nullopt;
    if (!day || !time) {
        if (error)
            *error = tr("'%1' is not a day and a time: expected <day> HH:MM, e.g. \"mon 07:00\".")
                         .arg(dayAndTime);
        return false;
    }
    m_weeklyDay = day;
    m_weeklyTime = *time;
    return true;
}

QDateTime MailSchedule::lastSlot(DigestKind kind, const QDateTime &now) const
{
    const QDateTime local = now.toLocalTime();
    if (kind == DigestKind::Daily) {
        QDateTime slot(local.date(), m_dailyTime);
        if (slot > local)
            slot = QDateTime(local.date().addDays(-1), m_dailyTime);
        return slot;
    }
    const int back = (local.date().dayOfWeek() - m_weeklyDay + 7) % 7;
    QDateTime slot(local.date().addDays(-back), m_weeklyTime);
    if (slot > local)
        slot = QDateTime(local.date().addDays(-back - 7), m_weeklyTime);
    return slot;
}

QList<DigestKind> MailSchedule::due(const QDateTime &lastRun, const QDateTime &now) const
{
    QList<DigestKind> kinds;
    for (const DigestKind kind : { DigestKind::Daily, DigestKind::Weekly }) {
        const QDateTime from = lastRun.isValid() ? lastRun : now.addDays(-1);
        const QDateTime slot = lastSlot(kind, now);
        if (slot > from && slot <= now)
            kinds.append(kind);
    }
    return kinds;
}

// ---------------------------------------------------------------- digests

Digests::Digests(Core &core, int reminderDays)
    : m_core(core)
    , m_reminderDays(reminderDays)
{
}

QString Digests::periodOf(DigestKind kind, const QDateTime &now)
{
    const QDate date = now.toLocalTime().date();
    if (kind == DigestKind::Daily)
        return date.toString(Qt::ISODate);
    int year = 0;
    const int week = date.weekNumber(&year);
    return QStringLiteral("%1-W%2").arg(year).arg(week, 2, 10, QLatin1Char('0'));
}

QString Digests::kindName(DigestKind kind)
{
    return kind == DigestKind::Daily ? QStringLiteral("daily") : QStringLiteral("weekly");
}

int Digests::queueDaily(const QDateTime &now)
{
    return queue(DigestKind::Daily, now);
}

int Digests::queueWeekly(const QDateTime &now)
{
    return queue(DigestKind::Weekly, now);
}

int Digests::queue(DigestKind kind, const QDateTime &now)
{
    // Deactivated accounts receive no mail: they are not even composed for.
    const QList<qint64> users = DigestStore(m_core.db()).notifiedUsers();
    int mails = 0;
    for (const qint64 userId : users) {
        if (queueFor(kind, userId, now))
            ++mails;
    }
    return mails;
}

// One transaction per user: one user's failure does not hold back the others.
bool Digests::queueFor(DigestKind kind, qint64 userId, const QDateTime &now)
{
    bool queued = false;
    const CommandResult result = m_core.run(
        QStringLiteral("queueDigest"), 0,
        [&](CommandContext &ctx) {
            qint64 previous = 0;
            const qint64 nowMs = now.toMSecsSinceEpoch();
            DigestStore store(ctx.db());
            if (!claimRun(store, userId, kindName(kind), periodOf(kind, now), nowMs, &previous))
                return;
            const qint64 maxBack = kind == DigestKind::Daily ? 7 * kDayMs : 14 * kDayMs;
            const qint64 firstBack = kind == DigestKind::Daily ? kDayMs : 7 * kDayMs;
            const qint64 from = previous ? std::max(previous, nowMs - maxBack) : nowMs - firstBack;
            queued = kind == DigestKind::Daily ? composeDaily(ctx, userId, from, now)
                                               : composeWeekly(ctx, userId, from, now);
        },
        RunOptions::anonymousCommand());
    if (!result.ok())
        qWarning().noquote() << "guichet: the" << kindName(kind) << "digest of user" << userId
                             << "failed:" << result.message;
    return queued && result.ok();
}

bool Digests::composeDaily(CommandContext &ctx, qint64 userId, qint64 fromMs, const QDateTime &now)
{
    Database &db = ctx.db();
    const DigestStore store(db);
    const qint64 toMs = now.toMSecsSinceEpoch();
    const auto user = store.recipient(userId);
    const MailText t = MailText::forUser(db, userId);
    QHash<qint64, QString> names;

    // Own account: one line per attachment or subscription requested or
    // decided in the window, saying where it stands now.
    QStringList own;
    for (const AttachmentEvent &a : store.attachmentEvents(userId, fromMs, toMs)) {
        const QString &status = a.status;
        const QString text = status == QLatin1String("pending")
            ? t.translate("guichet::Digests",
                          "You asked to be attached to %1 (SIRET %2); the request waits for a manager.")
            : status == QLatin1String("validated")
            ? t.translate("guichet::Digests", "Your attachment to %1 (SIRET %2) was validated.")
            : t.translate("guichet::Digests", "Your attachment request to %1 (SIRET %2) was refused.");
        own.append(text.arg(a.raisonSociale, a.siret));
    }
    // Removals and role changes leave no row behind: the audit log tells them.
    for (const StructureAuditEntry &a : store.attachmentChangesAbout(userId, fromMs, toMs)) {
        const AuditRecord &r = a.record;
        const QString &structure = a.raisonSociale;
        if (r.action == AuditAction::AttachmentRemoved)
            own.append(t.translate("guichet::Digests", "Your attachment to %1 was removed.").arg(structure));
        else if (r.action == AuditAction::AttachmentRoleChanged)
            own.append(t.translate("guichet::Digests", "Your role on %1 is now: %2.")
                           .arg(structure, roleLabel(t, r.role)));
        else if (r.subjectId == userId)
            own.append(
                t.translate("guichet::Digests", "You are now the principal manager of %1.").arg(structure));
        else if (r.otherUserId == userId)
            own.append(t.translate("guichet::Digests", "You are no longer the principal manager of %1.")
                           .arg(structure));
    }
    for (const SubscriptionEvent &x : store.subscriptionEvents(userId, fromMs, toMs)) {
        const QString &status = x.status;
        const QString text = status == QLatin1String("pending")
            ? t.translate("guichet::Digests",
                          "You asked for the space %1 on %2 (%3); the request waits for a manager.")
            : status == QLatin1String("validated")
            ? t.translate("guichet::Digests", "Your subscription to the space %1 on %2 (%3) is active.")
            : t.translate("guichet::Digests",
                          "Your subscription request for the space %1 on %2 (%3) was refused.");
        own.append(text.arg(x.spaceName, x.raisonSociale, scopeLabel(t, x.serviceName)));
    }
    // A removed subscription is gone: its removal entry names its space.
    for (const StructureAuditEntry &x : store.removedSubscriptionsOf(userId, fromMs, toMs)) {
        own.append(t.translate("guichet::Digests", "Your subscription to the space %1 on %2 was removed.")
                       .arg(store.spaceName(x.record.spaceId), x.raisonSociale));
    }
    for (const QString &subject : store.supportReplySubjects(userId, fromMs, toMs))
        own.append(t.translate("guichet::Digests", "Support replied to your request \"%1\".").arg(subject));

    // Managers: the new requests of the structures they may decide for, and reminders.
    QStringList waiting;
    QStringList reminders;
    const QDate today = now.toUTC().date();
    const qint64 reminderMs = qint64(m_reminderDays) * kDayMs;
    const QDate fromDate = QDateTime::fromMSecsSinceEpoch(fromMs, Qt::UTC).date();
    for (const qint64 structureId : structuresManagedOn(db, userId, today)) {
        if (!canManage(db, userId, structureId, today))
            continue;
        for (const PendingRequestEntry &a : store.pendingAttachments(
                 structureId, userId, fromMs, toMs, fromMs - reminderMs, toMs - reminderMs)) {
            const QString who = userName(store, names, a.userId);
            const QString &structure = a.raisonSociale;
            if (a.requestedAt > fromMs)
                waiting.append(
                    t.translate("guichet::Digests", "%1 asks to be attached to %2.").arg(who, structure));
            else
                reminders.append(
                    t.translate("guichet::Digests",
                                "The attachment request of %1 to %2 has waited for more than %n day(s).",
                                nullptr, m_reminderDays)
                        .arg(who, structure));
        }
        for (const PendingRequestEntry &x : store.pendingSubscriptions(
                 structureId, userId, fromMs, toMs, fromMs - reminderMs, toMs - reminderMs)) {
            const QString who = userName(store, names, x.userId);
            const QString &space = x.spaceName;
            const QString &structure = x.raisonSociale;
            if (x.requestedAt > fromMs && x.removal)
                waiting.append(t.translate("guichet::Digests", "%1 asks to remove the space %2 on %3 (%4).")
                                   .arg(who, space, structure, scopeLabel(t, x.serviceName)));
            else if (x.requestedAt > fromMs)
                waiting.append(t.translate("guichet::Digests", "%1 asks for the space %2 on %3 (%4).")
                                   .arg(who, space, structure, scopeLabel(t, x.serviceName)));
            else if (x.removal)
                reminders.append(t.translate("guichet::Digests",
                                             "The removal request of %1 for the space %2 on %3 has waited "
                                             "for more than %n day(s).",
                                             nullptr, m_reminderDays)
                                     .arg(who, space, structure));
            else
                reminders.append(
                    t.translate("guichet::Digests",
                                "The subscription request of %1 for the space %2 on %3 has waited "
                                "for more than %n day(s).",
                                nullptr, m_reminderDays)
                        .arg(who, space, structure));
        }
        // An attachment is reminded once, on the day its end comes within the horizon.
        const QList<EndingAttachment> ending = store.attachmentsEnding(
            structureId, fromDate.addDays(m_reminderDays), today.addDays(m_reminderDays), today);
        for (const EndingAttachment &a : ending)
            reminders.append(
                t.translate("guichet::Digests", "The attachment of %1 to %2 ends on %3.")
                    .arg(userName(store, names, a.userId), a.raisonSociale, dateText(t, a.validUntil)));
    }

    if (own.isEmpty() && waiting.isEmpty() && reminders.isEmpty())
        return false;
    MailBody body;
    body.paragraph(t.translate("guichet::Digests", "Hello %1,\n\nHere is what happened since %2.")
                       .arg(user->firstName, dateTimeText(t, fromMs)));
    if (!own.isEmpty())
        body.heading(t.translate("guichet::Digests", "Your account")).list(own);
    if (!waiting.isEmpty())
        body.heading(t.translate("guichet::Digests", "Requests waiting for your decision")).list(waiting);
    if (!reminders.isEmpty())
        body.heading(t.translate("guichet::Digests", "Reminders")).list(reminders);
    body.paragraph(t.translate("guichet::Digests",
                               "You receive this mail because notifications are enabled in your account. "
                               "Untick \"Receive notifications\" in Guichet to stop them."));
    QString recipient = user->contactEmail;
    if (recipient.isEmpty())
        recipient = user->email;
    return ctx.queueMail(userId, recipient,
                         t.translate("guichet::Digests", "Guichet: your daily notifications"), body.text(),
                         body.html())
        != 0;
}

bool Digests::composeWeekly(CommandContext &ctx, qint64 userId, qint64 fromMs, const QDateTime &now)
{
    Database &db = ctx.db();
    const DigestStore store(db);
    const qint64 toMs = now.toMSecsSinceEpoch();
    const QDate today = now.toUTC().date();
    const MailText t = MailText::forUser(db, userId);

    enum Category { NewAttachments, Decisions, Removals, NewSubscriptions, RoleChanges, CategoryCount };
    const auto categoryOf = [](AuditAction action) {
        switch (action) {
        case AuditAction::AttachmentRequested:
        case AuditAction::AttachedByManager:
        case AuditAction::AttachmentCopied:
        case AuditAction::InvitationAccepted:
            return NewAttachments;
        case AuditAction::AttachmentValidated:
        case AuditAction::AttachmentRefused:
        case AuditAction::AttachmentCancelled:
        case AuditAction::SubscriptionValidated:
        case AuditAction::SubscriptionRefused:
        case AuditAction::SubscriptionCancelled:
        case AuditAction::SubscriptionRemovalRefused:
            return Decisions;
        case AuditAction::AttachmentRemoved:
        case AuditAction::SubscriptionRemoved:
            return Removals;
        case AuditAction::SubscriptionRequested:
        case AuditAction::SubscriptionCreated:
            return NewSubscriptions;
        case AuditAction::AttachmentRoleChanged:
        case AuditAction::AttachmentEndSet:
        case AuditAction::PrincipalChanged:
        case AuditAction::CreatorMadePrincipal:
            return RoleChanges;
        default:
            return CategoryCount;
        }
    };
    const AuditLog log(m_core);

    const QList<DigestStructure> structures = store.validatedStructuresOf(userId);
    const auto user = store.recipient(userId);
    MailBody body;
    body.paragraph(
        t.translate("guichet::Digests", "Hello %1,\n\nHere are the movements on your structures since %2.")
            .arg(user->firstName, dateTimeText(t, fromMs)));
    int structuresWithNews = 0;
    for (const DigestStructure &s : structures) {
        const qint64 structureId = s.id;
        if (roleOn(db, userId, structureId, today) == Role::None)
            continue;
        // The history's own sentences, oldest first, in the reader's language.
        AuditFilter filter;
        filter.structureId = structureId;
        filter.since = QDateTime::fromMSecsSinceEpoch(fromMs + 1, Qt::UTC);
        filter.until = QDateTime::fromMSecsSinceEpoch(toMs + 1, Qt::UTC);
        filter.families = { AuditFamily::Attachment, AuditFamily::Subscription };
        const QList<RenderedAuditEntry> entries = log.rendered(filter, &t);
        int counts[CategoryCount] = {};
        QStringList lines;
        for (auto it = entries.crbegin(); it != entries.crend(); ++it) {
            const Category category = categoryOf(it->entry.record.action);
            if (category == CategoryCount)
                continue;
            ++counts[category];
            lines.append(it->sentence);
        }
        if (lines.isEmpty())
            continue;
        ++structuresWithNews;
        const char *const labels[CategoryCount] = {
            QT_TRANSLATE_NOOP("guichet::Digests", "new attachment requests: %1"),
            QT_TRANSLATE_NOOP("guichet::Digests", "decisions: %1"),
            QT_TRANSLATE_NOOP("guichet::Digests", "removals: %1"),
            QT_TRANSLATE_NOOP("guichet::Digests", "subscriptions: %1"),
            QT_TRANSLATE_NOOP("guichet::Digests", "role changes: %1"),
        };
        QStringList summary;
        for (int c = 0; c < CategoryCount; ++c) {
            if (counts[c])
                summary.append(t.translate("guichet::Digests", labels[c]).arg(counts[c]));
        }
        const qsizetype more = lines.size() - kMaxLinesPerStructure;
        if (more > 0) {
            lines = lines.mid(0, kMaxLinesPerStructure);
            lines.append(t.translate("guichet::Digests", "… and %n more.", nullptr, int(more)));
        }
        body.heading(t.translate("guichet::Digests", "%1 (SIRET %2)").arg(s.raisonSociale, s.siret));
        body.paragraph(summary.join(QStringLiteral(" · ")));
        body.list(lines);
    }
    if (!structuresWithNews)
        return false;
    body.paragraph(t.translate("guichet::Digests",
                               "You receive this mail because notifications are enabled in your account. "
                               "Untick \"Receive notifications\" in Guichet to stop them."));
    QString recipient = user->contactEmail;
    if (recipient.isEmpty())
        recipient = user->email;
    const QString subject = t.translate("guichet::Digests", "Guichet: the week on your structures (%1)")
                                .arg(periodOf(DigestKind::Weekly, now));
    return ctx.queueMail(userId, recipient, subject, body.text(), body.html()) != 0;
}

QList<DigestKind> Digests::runDue(const MailSchedule &schedule, const QDateTime &now)
{
    const std::optional<MailRun> last = DigestStore(m_core.db()).lastRun(kScheduleUser, kScheduleKind);
    const QDateTime lastRun = last ? QDateTime::fromMSecsSinceEpoch(last->ranAt) : QDateTime();
    const QList<DigestKind> kinds = schedule.due(lastRun, now);
    for (const DigestKind kind : kinds)
        queue(kind, now);
    const CommandResult result = m_core.run(
        QStringLiteral("queueDigest"), 0,
        [&](CommandContext &ctx) {
            const qint64 nowMs = now.toMSecsSinceEpoch();
            const QString period = now.toUTC().toString(Qt::ISODate);
            DigestStore store(ctx.db());
            if (!store.updateRun(kScheduleUser, kScheduleKind, period, nowMs))
                store.insertRun(kScheduleUser, kScheduleKind, period, nowMs);
        },
        RunOptions::anonymousCommand());
    if (!result.ok())
        qWarning().noquote() << "guichet: recording the digest schedule failed:" << result.message;
    return kinds;
}

} // namespace guichet
