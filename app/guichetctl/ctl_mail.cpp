#include "core.h"
#include "ctl.h"
#include "database.h"
#include "maildelivery.h"

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

} // namespace

int commandMail(const QString &location, const QStringList &args)
{
    const QString sub = args.value(1);
    if (sub == QLatin1String("deliver"))
        return mailDeliver(location, args);
    if (sub == QLatin1String("--help") || sub == QLatin1String("-h")) {
        out() << Tr::tr("Usage: guichetctl mail deliver [--smtp URL] [--from ADDRESS] [--limit N]")
              << Qt::endl;
        return Success;
    }
    return badInput(Tr::tr("mail: unknown sub-command '%1' (expected: deliver).").arg(sub));
}

} // namespace guichet::ctl
