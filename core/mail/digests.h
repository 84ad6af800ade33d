#pragma once

#include <QCoreApplication>
#include <QDateTime>
#include <QList>
#include <QTime>

namespace guichet {

class Core;
class CommandContext;

// The two notification mails of the guide (« Paramétrer la réception de
// notifications »): a daily mail of new events and a weekly summary of the
// movements on the user's structures.
enum class DigestKind { Daily, Weekly };

// When the digests go out, in local time: the daily one at "HH:MM", the weekly
// one on "<day> HH:MM" (day: mon, tue, wed, thu, fri, sat, sun).
class MailSchedule
{
    Q_DECLARE_TR_FUNCTIONS(guichet::MailSchedule)

public:
    MailSchedule(); // daily at 07:00, weekly on mon 07:00

    // false with *error (naming the expected form) when the text is not one.
    bool setDaily(const QString &time, QString *error = nullptr);
    bool setWeekly(const QString &dayAndTime, QString *error = nullptr);

    QTime dailyTime() const { return m_dailyTime; }
    int weeklyDay() const { return m_weeklyDay; } // 1 = Monday ... 7 = Sunday
    QTime weeklyTime() const { return m_weeklyTime; }

    // The latest scheduled moment of the kind at or before now (local time).
    QDateTime lastSlot(DigestKind kind, const QDateTime &now) const;
    // The kinds with a scheduled moment in (lastRun, now]: each once, however
    // many moments passed while nothing ran (catching up once after downtime,
    // not once per missed day). An invalid lastRun (never ran) counts as one
    // day before now: a first start on a Wednesday sends no weekly summary
    // until the next scheduled day.
    QList<DigestKind> due(const QDateTime &lastRun, const QDateTime &now) const;

private:
    QTime m_dailyTime;
    int m_weeklyDay = 1;
    QTime m_weeklyTime;
};

// Composes and queues the digests, each in its recipient's language. Only
// active accounts with notifications enabled get one, at their contact
// address; nothing new means no mail. Each user's run of a kind is
// remembered (mail_runs), so a second run in the same day (daily) or ISO week
// (weekly) queues nothing more, and the next mail lists what happened since
// the previous one.
class Digests
{
    Q_DECLARE_TR_FUNCTIONS(guichet::Digests)

public:
    static constexpr int defaultReminderDays = 7;

    // reminderDays: managers are reminded of requests pending for more than
    // that many days and of attachments ending within that many days.
    explicit Digests(Core &core, int reminderDays = defaultReminderDays);

    // The daily mail: new events about the user's own account, attachments,
    // subscriptions and solicitations since their previous daily mail (at
    // most 7 days back; the last 24 h for the first one), and for managers the
    // new pending requests of their structures plus the reminders. Returns
    // the number of mails queued.
    int queueDaily(const QDateTime &now);
    // The weekly summary to every user attached (validated) to a structure:
    // the movements on their structures since their previous summary (the
    // last 7 days for the first one, at most 14), grouped by structure.
    int queueWeekly(const QDateTime &now);
    int queue(DigestKind kind, const QDateTime &now);

    // The single call of guichetd's timer: queues each kind due by the
    // schedule since the previous call (remembered in the database), once.
    // Returns the kinds it queued.
    QList<DigestKind> runDue(const MailSchedule &schedule, const QDateTime &now);

    // "2026-03-02" (daily) or "2026-W10" (weekly): the period a run belongs to,
    // from now's local date.
    static QString periodOf(DigestKind kind, const QDateTime &now);
    static QString kindName(DigestKind kind);

    int reminderDays() const { return m_reminderDays; }

private:
    bool queueFor(DigestKind kind, qint64 userId, const QDateTime &now);
    bool composeDaily(CommandContext &ctx, qint64 userId, qint64 fromMs, const QDateTime &now);
    bool composeWeekly(CommandContext &ctx, qint64 userId, qint64 fromMs, const QDateTime &now);

    Core &m_core;
    int m_reminderDays;
};

} // namespace guichet
