#include "models/outboxmodel.h"

#include "kernel/core.h"
#include "kernel/database.h"

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
          } },
        { QStringLiteral("recipient"), tr("Recipient") },
        { QStringLiteral("subject"), tr("Subject") },
        { QStringLiteral("status"), tr("Status") },
    });
}

void OutboxModel::reload()
{
    // MailOutbox reads by user or by recipient; the standalone view shows the
    // whole local outbox (the machine's own database), hence one query here.
    const QList<QVariantMap> rows = m_core.db().rows(
        QStringLiteral("SELECT id, recipient, subject, body_text, created_at, sent_at FROM mail_outbox "
                       "ORDER BY created_at DESC, id DESC LIMIT %1")
            .arg(MaxMails));
    QList<QVariantMap> records;
    records.reserve(rows.size());
    for (const QVariantMap &row : rows) {
        const bool sent = !row.value(QStringLiteral("sent_at")).isNull();
        records.append({
            { QStringLiteral("id"), row.value(QStringLiteral("id")).toLongLong() },
            { QStringLiteral("createdAt"),
              QDateTime::fromMSecsSinceEpoch(row.value(QStringLiteral("created_at")).toLongLong(), Qt::UTC) },
            { QStringLiteral("recipient"), row.value(QStringLiteral("recipient")).toString() },
            { QStringLiteral("subject"), row.value(QStringLiteral("subject")).toString() },
            { QStringLiteral("sent"), sent },
            { QStringLiteral("status"), sent ? tr("Sent") : tr("Pending") },
            { QStringLiteral("bodyText"), row.value(QStringLiteral("body_text")).toString() },
        });
    }
    setRecords(records);
}

QString OutboxModel::bodyText(int row) const
{
    return record(row).value(QStringLiteral("bodyText")).toString();
}

} // namespace guichet
