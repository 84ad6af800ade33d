#include "models/outboxmodel.h"

#include "mail/mailoutbox.h"

#include <QDateTime>
#include <QLocale>

namespace guichet {

OutboxModel::OutboxModel(Core &core, QObject *parent)
    : RecordTableModel(parent)
    , m_core(core)
{
    setColumns({
        { QStringLiteral("createdAt"), tr("Date"),
          [](const QVariantMap &r) {
              return QLocale().toString(r.value(QStringLiteral("createdAt")).toDateTime().toLocalTime(),
                                        QLocale::ShortFormat);
          },
          ColumnKind::Date },
        { QStringLiteral("recipient"), tr("Recipient"), {}, ColumnKind::Email },
        { QStringLiteral("subject"), tr("Subject") },
        { QStringLiteral("status"), tr("Status"), {}, ColumnKind::Status },
    });
}

void OutboxModel::reload()
{
    // The whole local outbox (the machine's own database), whoever the mails are for.
    const QList<OutboxMail> mails = MailOutbox(m_core).latest(MaxMails);
    QList<QVariantMap> records;
    records.reserve(mails.size());
    for (const OutboxMail &mail : mails) {
        records.append({
            { QStringLiteral("id"), mail.id },
            { QStringLiteral("createdAt"), mail.createdAt },
            { QStringLiteral("recipient"), mail.recipient },
            { QStringLiteral("subject"), mail.subject },
            { QStringLiteral("sent"), mail.isSent() },
            { QStringLiteral("status"), mail.isSent() ? tr("Sent") : tr("Pending") },
            { QStringLiteral("bodyText"), mail.bodyText },
        });
    }
    setRecords(records);
}

QString OutboxModel::bodyText(int row) const
{
    return record(row).value(QStringLiteral("bodyText")).toString();
}

} // namespace guichet
