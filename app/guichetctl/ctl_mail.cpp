#include "ctl.h"
#include "kernel/core.h"
#include "kernel/database.h"
#include "mail/digests.h"
#include "mail/maildelivery.h"

namespace guichet::ctl {

namespace {

int mailDeliver(const QString &location, const QStringList &args)
{
    QCommandLineParser parser;
    parser.setApplicationDescription(Tr::tr("Deliver the mails waiting in the outbox now."));
    parser.addPositionalArgument(QStringLiteral("deliver"), Tr::tr("The sub-command."));
    parser.addOption({ QStringLiteral("smtp"),
                       Tr::tr("SMTP server: smtp://[user:password@]host:port or smtps://... "
                              "(default: smtp://localhost:25)."),
                       Tr::tr("URL"), QStringLiteral("smtp://localhost:25") });
    parser.addOption({ QStringLiteral("from"), Tr::tr("Sender address (default: guichet@localhost)."),
                       Tr::tr("ADDRESS"), QStringLiteral("guichet@localhost") });
    parser.addOption({ QStringLiteral("starttls"), Tr::tr("Require STARTTLS on an smtp:// server.") });
    parser.addOption({ QStringLiteral("limit"), Tr::tr("At most N mails (default: 100)."), Tr::tr("N"),
                       QStringLiteral("100") });
    int code = Success;
    if (!parseCommand(parser, args, &code))
        return code;
    if (parser.positionalArguments().size() != 1)
        return badInput(Tr::tr("mail deliver takes no other argument."));
    QString error;
    std::optional<SmtpSettings> settings
        = SmtpSettings::fromUrl(parser.value(QStringLiteral("smtp")), &error);
    if (!settings)
        return badInput(QStringLiteral("--smtp: ") + error);
    settings->from = parser.value(QStringLiteral("from")).trimmed();
    if (!settings->from.contains(QLatin1Char('@')) || settings->from.contains(QLatin1Char(' ')))
        return badInput(Tr::tr("--from: '%1' is not an e-mail address.").arg(settings->from));
    settings->startTls = parser.isSet(QStringLiteral("starttls"));
    bool ok = false;
    const int limit = parser.value(QStringLiteral("limit")).toInt(&ok);
    if (!ok || limit <= 0)
        return badInput(
            Tr::tr("--limit: '%1' is not a positive number.").arg(parser.value(QStringLiteral("limit"))));

    auto db = openDatabase(location, false, &code);
    if (!db)
        return code;
    SystemClock clock;
    Core core(*db, clock);
    MailDelivery delivery(core, *settings);
    try {
        delivery.deliverPending(limit);
    } catch (const DatabaseError &e) {
        return failure(e.message());
    }
    const DeliveryReport &report = delivery.lastReport();
    out() << Tr::tr("Sent: %1, failed (will retry): %2, given up: %3, dropped (deactivated account): %4")
                 .arg(report.sent)
                 .arg(report.failed)
                 .arg(report.givenUp)
                 .arg(report.dropped)
          << Qt::endl;
    if (report.failed || report.givenUp)
        return failure(Tr::tr("Delivery failed: %1").arg(report.lastError));
    return Success;
}

int mailDigest(const QString &location, const QStringList &args)
{
    QCommandLineParser parser;
    parser.setApplicationDescription(Tr::tr(
        "Queue the daily or weekly notification mails now (each user at most once a day, or a week)."));
    parser.addPositionalArgument(QStringLiteral("digest"), Tr::tr("The sub-command."));
    parser.addPositionalArgument(QStringLiteral("kind"), Tr::tr("daily or weekly."));
    parser.addOption(
        { QStringLiteral("now"), Tr::tr("Run as at this moment (ISO 8601; default: now)."), Tr::tr("ISO") });
    parser.addOption({ QStringLiteral("reminder-days"),
                       Tr::tr("Remind managers of requests pending for more than N days and of attachments "
                              "ending within N days (default: %1).")
                           .arg(Digests::defaultReminderDays),
                       Tr::tr("N"), QString::number(Digests::defaultReminderDays) });
    int code = Success;
    if (!parseCommand(parser, args, &code))
        return code;
    const QStringList positional = parser.positionalArguments();
    if (positional.size() != 2)
        return badInput(Tr::tr("mail digest takes one kind: daily or weekly."));
    const QString kindText = positional.at(1);
    if (kindText != QLatin1String("daily") && kindText != QLatin1String("weekly"))
        return badInput(Tr::tr("mail digest: unknown kind '%1' (expected: daily or weekly).").arg(kindText));
    const DigestKind kind = kindText == QLatin1String("daily") ? DigestKind::Daily : DigestKind::Weekly;
    QDateTime now = QDateTime::currentDateTime();
    if (parser.isSet(QStringLiteral("now"))) {
        now = QDateTime::fromString(parser.value(QStringLiteral("now")), Qt::ISODateWithMs);
        if (!now.isValid())
            return badInput(Tr::tr("--now: '%1' is not an ISO 8601 date and time (e.g. 2026-03-02T07:00).")
                                .arg(parser.value(QStringLiteral("now"))));
    }
    bool ok = false;
    const int days = parser.value(QStringLiteral("reminder-days")).toInt(&ok);
    if (!ok || days <= 0)
        return badInput(Tr::tr("--reminder-days: '%1' is not a positive number.")
                            .arg(parser.value(QStringLiteral("reminder-days"))));

    auto db = openDatabase(location, false, &code);
    if (!db)
        return code;
    SystemClock clock;
    Core core(*db, clock);
    Digests digests(core, days);
    int mails = 0;
    try {
        mails = digests.queue(kind, now);
    } catch (const DatabaseError &e) {
        return failure(e.message());
    }
    out() << (kind == DigestKind::Daily ? Tr::tr("Daily notifications queued: %1 mail(s) (%2).")
                                        : Tr::tr("Weekly summaries queued: %1 mail(s) (%2)."))
                 .arg(mails)
                 .arg(Digests::periodOf(kind, now))
          << Qt::endl;
    return Success;
}

} // namespace

int commandMail(const QString &location, const QStringList &args)
{
    const QString sub = args.value(1);
    if (sub == QLatin1String("deliver"))
        return mailDeliver(location, args);
    if (sub == QLatin1String("digest"))
        return mailDigest(location, args);
    if (sub == QLatin1String("--help") || sub == QLatin1String("-h")) {
        out() << Tr::tr("Usage: guichetctl mail deliver [--smtp URL] [--from ADDRESS] [--limit N]")
              << Qt::endl
              << Tr::tr("       guichetctl mail digest daily|weekly [--now ISO] [--reminder-days N]")
              << Qt::endl;
        return Success;
    }
    return badInput(Tr::tr("mail: unknown sub-command '%1' (expected: deliver, digest).").arg(sub));
}

} // namespace guichet::ctl
