#include "mail/digests.h"

#include "kernel/core.h"
#include "mail/mailtext.h"
#include "rules/attachments/permissions.h"

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

std::optional<QTime> parseTime(const QString &text)
{
    static const QRegularExpression re(QStringLiteral("^([01]?\\d|2[0-3]):([0-5]\\d)$"));
    const QRegularExpressionMatch m = re.match(text.trimmed());
    if (!m.hasMatch())
        return std::nullopt;
    return QTime(m.captured(1).toInt(), m.captured(2).toInt());
}

QString userName(const Database &db, QHash<qint64, QString> &cache, qint64 userId)
{
    auto it = cache.constFind(userId);
    if (it != cache.constEnd())
        return *it;
    const auto row
        = db.row(QStringLiteral("SELECT first_name, last_name FROM users WHERE id = ?"), { userId });
    const QString name = row
        ? QStringLiteral("%1 %2").arg(row->value(QStringLiteral("first_name")).toString(),
                                      row->value(QStringLiteral("last_name")).toString())
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

QString scopeLabel(const MailText &t, const QVariant &serviceName)
{
    const QString name = serviceName.toString();
    return name.isEmpty() ? t.translate("guichet::Digests", "whole structure") : name;
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
bool claimRun(Database &db, qint64 userId, const QString &kind, const QString &period, qint64 nowMs,
              qint64 *previous)
{
    const auto row
        = db.row(QStringLiteral("SELECT period, ran_at FROM mail_runs WHERE user_id = ? AND kind = ?"),
                 { userId, kind });
    *previous = 0;
    if (row) {
        const QString last = row->value(QStringLiteral("period")).toString();
        if (last == period)
            return false;
        *previous = row->value(QStringLiteral("ran_at")).toLongLong();
        return db.exec(QStringLiteral("UPDATE mail_runs SET period = ?, ran_at = ? WHERE user_id = ? AND "
                                      "kind = ? AND period = ?"),
                       { period, nowMs, userId, kind, last })
                   .numRowsAffected()
            > 0;
    }
    return db.exec(QStringLiteral("INSERT INTO mail_runs (user_id, kind, period, ran_at) VALUES (?, ?, ?, ?) "
                                  "ON CONFLICT (user_id, kind) DO NOTHING"),
                   { userId, kind, period, nowMs })
               .numRowsAffected()
        > 0;
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
    const QList<QVariantMap> users = m_core.db().rows(QStringLiteral(
        "SELECT id FROM users WHERE status = 'active' AND notifications_enabled = 1 ORDER BY id"));
    int mails = 0;
    for (const QVariantMap &user : users) {
        if (queueFor(kind, user.value(QStringLiteral("id")).toLongLong(), now))
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
            if (!claimRun(ctx.db(), userId, kindName(kind), periodOf(kind, now), nowMs, &previous))
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
    const qint64 toMs = now.toMSecsSinceEpoch();
    const auto user = db.row(
        QStringLiteral("SELECT first_name, contact_email, email FROM users WHERE id = ?"), { userId });
    const MailText t = MailText::forUser(db, userId);
    QHash<qint64, QString> names;

    // Own account: one line per attachment or subscription requested or
    // decided in the window, saying where it stands now.
    QStringList own;
    const QList<QVariantMap> attachments
        = db.rows(QStringLiteral(
                      "SELECT a.status, s.raison_sociale, s.siret FROM attachments a JOIN structures s ON "
                      "s.id = a.structure_id WHERE a.user_id = ? AND ((a.requested_at > ? AND a.requested_at "
                      "<= ?) OR (a.decided_at > ? AND a.decided_at <= ?)) ORDER BY a.id"),
                  { userId, fromMs, toMs, fromMs, toMs });
    for (const QVariantMap &a : attachments) {
        const QString status = a.value(QStringLiteral("status")).toString();
        const QString text = status == QLatin1String("pending")
            ? t.translate("guichet::Digests",
                          "You asked to be attached to %1 (SIRET %2); the request waits for a manager.")
            : status == QLatin1String("validated")
            ? t.translate("guichet::Digests", "Your attachment to %1 (SIRET %2) was validated.")
            : t.translate("guichet::Digests", "Your attachment request to %1 (SIRET %2) was refused.");
        own.append(text.arg(a.value(QStringLiteral("raison_sociale")).toString(),
                            a.value(QStringLiteral("siret")).toString()));
    }
    // Removals and role changes leave no row behind: the audit log tells them.
    const QList<QVariantMap> audits = db.rows(
        QStringLiteral(
            "SELECT l.details, s.raison_sociale FROM audit_log l JOIN structures s ON s.id = "
            "l.structure_id WHERE l.entity = 'attachment' AND l.at > ? AND l.at <= ? AND "
            "(l.details = ? OR l.details LIKE ? OR l.details LIKE ? OR l.details LIKE ?) ORDER BY l.id"),
        { fromMs, toMs, QStringLiteral("removed (user %1)").arg(userId),
          QStringLiteral("role of user %1 set to %").arg(userId),
          QStringLiteral("principal manager: user % -> user %1").arg(userId),
          QStringLiteral("principal manager: user %1 -> user %").arg(userId) });
    for (const QVariantMap &a : audits) {
        const QString details = a.value(QStringLiteral("details")).toString();
        const QString structure = a.value(QStringLiteral("raison_sociale")).toString();
        if (details.startsWith(QLatin1String("removed")))
            own.append(t.translate("guichet::Digests", "Your attachment to %1 was removed.").arg(structure));
        else if (details.startsWith(QLatin1String("role of user")))
            own.append(t.translate("guichet::Digests", "Your role on %1 is now: %2.")
                           .arg(structure, roleLabel(t, details.section(QLatin1Char(' '), -1))));
        else if (details.endsWith(QStringLiteral("-> user %1").arg(userId)))
            own.append(
                t.translate("guichet::Digests", "You are now the principal manager of %1.").arg(structure));
        else
            own.append(t.translate("guichet::Digests", "You are no longer the principal manager of %1.")
                           .arg(structure));
    }
    const QList<QVariantMap> subscriptions = db.rows(
        QStringLiteral(
            "SELECT x.status, sp.name AS space_name, s.raison_sociale, sv.name AS service_name FROM "
            "subscriptions x JOIN spaces sp ON sp.id = x.space_id JOIN structures s ON s.id = "
            "x.structure_id LEFT JOIN services sv ON sv.id = x.service_id WHERE x.user_id = ? AND "
            "((x.requested_at > ? AND x.requested_at <= ?) OR (x.decided_at > ? AND x.decided_at "
            "<= ?)) ORDER BY x.id"),
        { userId, fromMs, toMs, fromMs, toMs });
    for (const QVariantMap &x : subscriptions) {
        const QString status = x.value(QStringLiteral("status")).toString();
        const QString text = status == QLatin1String("pending")
            ? t.translate("guichet::Digests",
                          "You asked for the space %1 on %2 (%3); the request waits for a manager.")
            : status == QLatin1String("validated")
            ? t.translate("guichet::Digests", "Your subscription to the space %1 on %2 (%3) is active.")
            : t.translate("guichet::Digests",
                          "Your subscription request for the space %1 on %2 (%3) was refused.");
        own.append(text.arg(x.value(QStringLiteral("space_name")).toString(),
                            x.value(QStringLiteral("raison_sociale")).toString(),
                            scopeLabel(t, x.value(QStringLiteral("service_name")))));
    }
    // A removed subscription is gone: its creation entry names its user and space.
    const QList<QVariantMap> removedSubscriptions = db.rows(
        QStringLiteral(
            "SELECT c.details, s.raison_sociale FROM audit_log d JOIN audit_log c ON c.entity = "
            "'subscription' AND c.entity_id = d.entity_id AND c.details LIKE ? AND c.id = (SELECT MAX(c2.id) "
            "FROM "
            "audit_log c2 WHERE c2.entity = 'subscription' AND c2.entity_id = d.entity_id AND "
            "c2.details LIKE 'user %' AND c2.id < d.id) JOIN structures s ON "
            "s.id = d.structure_id WHERE d.entity = 'subscription' AND d.details LIKE 'deleted:%' AND "
            "d.at > ? AND d.at <= ? ORDER BY d.id"),
        { QStringLiteral("user %1, space %").arg(userId), fromMs, toMs });
    static const QRegularExpression spaceOf(QStringLiteral("space (\\d+)"));
    for (const QVariantMap &x : removedSubscriptions) {
        const qint64 spaceId
            = spaceOf.match(x.value(QStringLiteral("details")).toString()).captured(1).toLongLong();
        const QString space
            = db.value(QStringLiteral("SELECT name FROM spaces WHERE id = ?"), { spaceId }).toString();
        own.append(t.translate("guichet::Digests", "Your subscription to the space %1 on %2 was removed.")
                       .arg(space, x.value(QStringLiteral("raison_sociale")).toString()));
    }
    const QList<QVariantMap> replies
        = db.rows(QStringLiteral(
                      "SELECT s.subject FROM solicitation_messages m JOIN solicitations s ON s.id = "
                      "m.solicitation_id WHERE s.user_id = ? AND m.from_support = 1 AND m.created_at > ? AND "
                      "m.created_at <= ? ORDER BY m.id"),
                  { userId, fromMs, toMs });
    for (const QVariantMap &r : replies)
        own.append(t.translate("guichet::Digests", "Support replied to your request \"%1\".")
                       .arg(r.value(QStringLiteral("subject")).toString()));

    // Managers: the new requests of the structures they may decide for, and reminders.
    QStringList waiting;
    QStringList reminders;
    const QDate today = now.toUTC().date();
    const qint64 reminderMs = qint64(m_reminderDays) * kDayMs;
    const QDate fromDate = QDateTime::fromMSecsSinceEpoch(fromMs, Qt::UTC).date();
    for (const qint64 structureId : structuresManagedOn(db, userId, today)) {
        if (!canManage(db, userId, structureId, today))
            continue;
        const QList<QVariantMap> pendingAttachments
            = db.rows(QStringLiteral(
                          "SELECT a.user_id, a.requested_at, s.raison_sociale FROM attachments a JOIN "
                          "structures s ON s.id = a.structure_id WHERE a.structure_id = ? AND a.status = "
                          "'pending' AND a.user_id <> ? AND ((a.requested_at > ? AND a.requested_at <= ?) OR "
                          "(a.requested_at > ? AND a.requested_at <= ?)) ORDER BY a.id"),
                      { structureId, userId, fromMs, toMs, fromMs - reminderMs, toMs - reminderMs });
        for (const QVariantMap &a : pendingAttachments) {
            const QString who = userName(db, names, a.value(QStringLiteral("user_id")).toLongLong());
            const QString structure = a.value(QStringLiteral("raison_sociale")).toString();
            if (a.value(QStringLiteral("requested_at")).toLongLong() > fromMs)
                waiting.append(
                    t.translate("guichet::Digests", "%1 asks to be attached to %2.").arg(who, structure));
            else
                reminders.append(
                    t.translate("guichet::Digests",
                                "The attachment request of %1 to %2 has waited for more than %n day(s).",
                                nullptr, m_reminderDays)
                        .arg(who, structure));
        }
        const QList<QVariantMap> pendingSubscriptions = db.rows(
            QStringLiteral(
                "SELECT x.user_id, x.requested_at, sp.name AS space_name, s.raison_sociale, sv.name "
                "AS service_name FROM subscriptions x JOIN spaces sp ON sp.id = x.space_id JOIN "
                "structures s ON s.id = x.structure_id LEFT JOIN services sv ON sv.id = x.service_id "
                "WHERE x.structure_id = ? AND x.status = 'pending' AND x.user_id <> ? AND "
                "((x.requested_at > ? AND x.requested_at <= ?) OR (x.requested_at > ? AND "
                "x.requested_at <= ?)) ORDER BY x.id"),
            { structureId, userId, fromMs, toMs, fromMs - reminderMs, toMs - reminderMs });
        for (const QVariantMap &x : pendingSubscriptions) {
            const QString who = userName(db, names, x.value(QStringLiteral("user_id")).toLongLong());
            const QString space = x.value(QStringLiteral("space_name")).toString();
            const QString structure = x.value(QStringLiteral("raison_sociale")).toString();
            if (x.value(QStringLiteral("requested_at")).toLongLong() > fromMs)
                waiting.append(
                    t.translate("guichet::Digests", "%1 asks for the space %2 on %3 (%4).")
                        .arg(who, space, structure, scopeLabel(t, x.value(QStringLiteral("service_name")))));
            else
                reminders.append(
                    t.translate("guichet::Digests",
                                "The subscription request of %1 for the space %2 on %3 has waited "
                                "for more than %n day(s).",
                                nullptr, m_reminderDays)
                        .arg(who, space, structure));
        }
        // An attachment is reminded once, on the day its end comes within the horizon.
        const QList<QVariantMap> ending = db.rows(
            QStringLiteral(
                "SELECT a.user_id, a.valid_until, s.raison_sociale FROM attachments a JOIN structures "
                "s ON s.id = a.structure_id WHERE a.structure_id = ? AND a.status = 'validated' AND "
                "a.valid_until IS NOT NULL AND a.valid_until > ? AND a.valid_until <= ? AND "
                "a.valid_until >= ? ORDER BY a.valid_until, a.id"),
            { structureId, fromDate.addDays(m_reminderDays).toString(Qt::ISODate),
              today.addDays(m_reminderDays).toString(Qt::ISODate), today.toString(Qt::ISODate) });
        for (const QVariantMap &a : ending)
            reminders.append(t.translate("guichet::Digests", "The attachment of %1 to %2 ends on %3.")
                                 .arg(userName(db, names, a.value(QStringLiteral("user_id")).toLongLong()),
                                      a.value(QStringLiteral("raison_sociale")).toString(),
                                      dateText(t, a.value(QStringLiteral("valid_until")).toString())));
    }

    if (own.isEmpty() && waiting.isEmpty() && reminders.isEmpty())
        return false;
    MailBody body;
    body.paragraph(t.translate("guichet::Digests", "Hello %1,\n\nHere is what happened since %2.")
                       .arg(user->value(QStringLiteral("first_name")).toString(), dateTimeText(t, fromMs)));
    if (!own.isEmpty())
        body.heading(t.translate("guichet::Digests", "Your account")).list(own);
    if (!waiting.isEmpty())
        body.heading(t.translate("guichet::Digests", "Requests waiting for your decision")).list(waiting);
    if (!reminders.isEmpty())
        body.heading(t.translate("guichet::Digests", "Reminders")).list(reminders);
    body.paragraph(t.translate("guichet::Digests",
                               "You receive this mail because notifications are enabled in your account. "
                               "Untick \"Receive notifications\" in Guichet to stop them."));
    QString recipient = user->value(QStringLiteral("contact_email")).toString();
    if (recipient.isEmpty())
        recipient = user->value(QStringLiteral("email")).toString();
    return ctx.queueMail(userId, recipient,
                         t.translate("guichet::Digests", "Guichet: your daily notifications"), body.text(),
                         body.html())
        != 0;
}

bool Digests::composeWeekly(CommandContext &ctx, qint64 userId, qint64 fromMs, const QDateTime &now)
{
    Database &db = ctx.db();
    const qint64 toMs = now.toMSecsSinceEpoch();
    const QDate today = now.toUTC().date();
    const MailText t = MailText::forUser(db, userId);
    QHash<qint64, QString> names;

    enum Category { NewAttachments, Decisions, Removals, NewSubscriptions, RoleChanges, CategoryCount };
    static const QRegularExpression userIn(QStringLiteral("user (\\d+)"));
    static const QRegularExpression usersIn(QStringLiteral("user (\\d+) -> user (\\d+)"));
    static const QRegularExpression principalJson(QStringLiteral("\"user_id\":(\\d+)"));
    static const QRegularExpression spaceIn(QStringLiteral("space (\\d+)"));

    // Who and which space a subscription entry is about: its latest creation
    // entry up to this one (ids of deleted rows may be reused by SQLite).
    const auto subscriptionOf = [&](qint64 id, qint64 auditId) -> std::pair<QString, QString> {
        const QString details
            = db.value(QStringLiteral(
                           "SELECT details FROM audit_log WHERE entity = 'subscription' AND entity_id "
                           "= ? AND details LIKE 'user %' AND id <= ? ORDER BY id DESC LIMIT 1"),
                       { id, auditId })
                  .toString();
        const QString space = db.value(QStringLiteral("SELECT name FROM spaces WHERE id = ?"),
                                       { spaceIn.match(details).captured(1).toLongLong() })
                                  .toString();
        return { userName(db, names, userIn.match(details).captured(1).toLongLong()), space };
    };
    // A removal names its user; otherwise the row still exists.
    const auto attachmentUser = [&](qint64 id, const QString &details) {
        if (const QRegularExpressionMatch m = userIn.match(details); m.hasMatch())
            return userName(db, names, m.captured(1).toLongLong());
        return userName(
            db, names,
            db.value(QStringLiteral("SELECT user_id FROM attachments WHERE id = ?"), { id }).toLongLong());
    };

    const QList<QVariantMap> structures = db.rows(
        QStringLiteral(
            "SELECT DISTINCT s.id, s.raison_sociale, s.siret FROM attachments a JOIN structures s ON "
            "s.id = a.structure_id WHERE a.user_id = ? AND a.status = 'validated' ORDER BY "
            "s.raison_sociale, s.id"),
        { userId });
    const auto user = db.row(
        QStringLiteral("SELECT first_name, contact_email, email FROM users WHERE id = ?"), { userId });
    MailBody body;
    body.paragraph(
        t.translate("guichet::Digests", "Hello %1,\n\nHere are the movements on your structures since %2.")
            .arg(user->value(QStringLiteral("first_name")).toString(), dateTimeText(t, fromMs)));
    int structuresWithNews = 0;
    for (const QVariantMap &s : structures) {
        const qint64 structureId = s.value(QStringLiteral("id")).toLongLong();
        if (roleOn(db, userId, structureId, today) == Role::None)
            continue;
        const QList<QVariantMap> entries = db.rows(
            QStringLiteral(
                "SELECT id, entity, entity_id, details FROM audit_log WHERE structure_id = ? AND entity IN "
                "('attachment', 'subscription') AND at > ? AND at <= ? ORDER BY at, id"),
            { structureId, fromMs, toMs });
        int counts[CategoryCount] = {};
        QStringList lines;
        for (const QVariantMap &e : entries) {
            const QString details = e.value(QStringLiteral("details")).toString();
            const qint64 id = e.value(QStringLiteral("entity_id")).toLongLong();
            const qint64 auditId = e.value(QStringLiteral("id")).toLongLong();
            Category category = CategoryCount;
            QString line;
            if (e.value(QStringLiteral("entity")).toString() == QLatin1String("attachment")) {
                if (details.startsWith(QLatin1String("requested as "))) {
                    category = NewAttachments;
                    line = t.translate("guichet::Digests", "%1 asked to be attached.")
                               .arg(attachmentUser(id, details));
                } else if (details == QLatin1String("request validated")) {
                    category = Decisions;
                    line = t.translate("guichet::Digests", "The attachment of %1 was validated.")
                               .arg(attachmentUser(id, details));
                } else if (details == QLatin1String("request refused")) {
                    category = Decisions;
                    line = t.translate("guichet::Digests", "The attachment request of %1 was refused.")
                               .arg(attachmentUser(id, details));
                } else if (details.startsWith(QLatin1String("pending request cancelled"))) {
                    category = Decisions;
                    line = t.translate("guichet::Digests",
                                       "The attachment request of %1 was cancelled (account deactivated).")
                               .arg(attachmentUser(id, details));
                } else if (details.startsWith(QLatin1String("removed (user "))) {
                    category = Removals;
                    line = t.translate("guichet::Digests", "The attachment of %1 was removed.")
                               .arg(attachmentUser(id, details));
                } else if (details.startsWith(QLatin1String("role of user "))) {
                    category = RoleChanges;
                    line = t.translate("guichet::Digests", "%1 is now %2.")
                               .arg(attachmentUser(id, details),
                                    roleLabel(t, details.section(QLatin1Char(' '), -1)));
                } else if (const QRegularExpressionMatch m = usersIn.match(details); m.hasMatch()) {
                    category = RoleChanges;
                    line = t.translate("guichet::Digests", "%1 is now the principal manager, instead of %2.")
                               .arg(userName(db, names, m.captured(2).toLongLong()),
                                    userName(db, names, m.captured(1).toLongLong()));
                } else if (const QRegularExpressionMatch j = principalJson.match(details); j.hasMatch()) {
                    category = RoleChanges;
                    line = t.translate("guichet::Digests",
                                       "%1 created the structure and is its principal manager.")
                               .arg(userName(db, names, j.captured(1).toLongLong()));
                }
            } else {
                if (details.startsWith(QLatin1String("user "))) {
                    category = NewSubscriptions;
                    const auto [who, space] = subscriptionOf(id, auditId);
                    line = details.contains(QLatin1String(", pending ("))
                        ? t.translate("guichet::Digests", "%1 asked for the space %2.").arg(who, space)
                        : t.translate("guichet::Digests", "%1 was subscribed to the space %2.")
                              .arg(who, space);
                } else if (details == QLatin1String("request validated")
                           || details == QLatin1String("request refused")
                           || details.startsWith(QLatin1String("pending request cancelled"))) {
                    category = Decisions;
                    const auto [who, space] = subscriptionOf(id, auditId);
                    line = (details == QLatin1String("request validated")
                                ? t.translate("guichet::Digests",
                                              "The subscription of %1 to the space %2 was validated.")
                                : t.translate("guichet::Digests",
                                              "The subscription request of %1 for the space %2 was refused."))
                               .arg(who, space);
                } else if (details.startsWith(QLatin1String("deleted:"))) {
                    category = Removals;
                    const auto [who, space] = subscriptionOf(id, auditId);
                    line = t.translate("guichet::Digests",
                                       "The subscription of %1 to the space %2 was removed.")
                               .arg(who, space);
                }
            }
            if (category == CategoryCount)
                continue;
            ++counts[category];
            lines.append(line);
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
        body.heading(t.translate("guichet::Digests", "%1 (SIRET %2)")
                         .arg(s.value(QStringLiteral("raison_sociale")).toString(),
                              s.value(QStringLiteral("siret")).toString()));
        body.paragraph(summary.join(QStringLiteral(" · ")));
        body.list(lines);
    }
    if (!structuresWithNews)
        return false;
    body.paragraph(t.translate("guichet::Digests",
                               "You receive this mail because notifications are enabled in your account. "
                               "Untick \"Receive notifications\" in Guichet to stop them."));
    QString recipient = user->value(QStringLiteral("contact_email")).toString();
    if (recipient.isEmpty())
        recipient = user->value(QStringLiteral("email")).toString();
    const QString subject = t.translate("guichet::Digests", "Guichet: the week on your structures (%1)")
                                .arg(periodOf(DigestKind::Weekly, now));
    return ctx.queueMail(userId, recipient, subject, body.text(), body.html()) != 0;
}

QList<DigestKind> Digests::runDue(const MailSchedule &schedule, const QDateTime &now)
{
    Database &db = m_core.db();
    const QVariant last
        = db.value(QStringLiteral("SELECT ran_at FROM mail_runs WHERE user_id = 0 AND kind = 'schedule'"));
    const QDateTime lastRun
        = last.isValid() && !last.isNull() ? QDateTime::fromMSecsSinceEpoch(last.toLongLong()) : QDateTime();
    const QList<DigestKind> kinds = schedule.due(lastRun, now);
    for (const DigestKind kind : kinds)
        queue(kind, now);
    const CommandResult result = m_core.run(
        QStringLiteral("queueDigest"), 0,
        [&](CommandContext &ctx) {
            const qint64 nowMs = now.toMSecsSinceEpoch();
            if (ctx.db()
                    .exec(QStringLiteral(
                              "UPDATE mail_runs SET period = ?, ran_at = ? WHERE user_id = 0 AND kind = "
                              "'schedule'"),
                          { now.toUTC().toString(Qt::ISODate), nowMs })
                    .numRowsAffected()
                == 0)
                ctx.db().exec(
                    QStringLiteral("INSERT INTO mail_runs (user_id, kind, period, ran_at) VALUES (0, "
                                   "'schedule', ?, ?) ON CONFLICT (user_id, kind) DO NOTHING"),
                    { now.toUTC().toString(Qt::ISODate), nowMs });
        },
        RunOptions::anonymousCommand());
    if (!result.ok())
        qWarning().noquote() << "guichet: recording the digest schedule failed:" << result.message;
    return kinds;
}

} // namespace guichet
