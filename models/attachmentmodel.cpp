#include "models/attachmentmodel.h"

#include "rules/attachments/attachments.h"

#include <QDate>
#include <QLocale>

namespace guichet {

namespace {
QString dateText(const QVariant &value)
{
    const QDate date = value.toDate();
    return date.isValid() ? QLocale().toString(date, QLocale::ShortFormat) : QString();
}
} // namespace

AttachmentModel::AttachmentModel(Core &core, qint64 userId, QObject *parent)
    : RecordTableModel(parent)
    , m_core(core)
    , m_userId(userId)
{
    setCheckable(true);
    setColumns({
        { QStringLiteral("siret"), tr("SIRET") },
        { QStringLiteral("raisonSociale"), tr("Company name") },
        { QStringLiteral("role"), tr("Role"),
          [](const QVariantMap &r) { return roleLabel(r.value(QStringLiteral("role")).toString()); } },
        { QStringLiteral("services"), tr("Services"),
          [](const QVariantMap &r) {
              return r.value(QStringLiteral("wholeStructure")).toBool()
                  ? tr("Whole structure")
                  : r.value(QStringLiteral("services")).toStringList().join(QStringLiteral(", "));
          } },
        { QStringLiteral("validFrom"), tr("Validity"),
          [](const QVariantMap &r) {
              const QString until = dateText(r.value(QStringLiteral("validUntil")));
              const QString from = dateText(r.value(QStringLiteral("validFrom")));
              return until.isEmpty() ? tr("from %1").arg(from) : tr("%1 – %2").arg(from, until);
          } },
        { QStringLiteral("statusLabel"), tr("Status") },
    });
}

void AttachmentModel::setUserId(qint64 userId)
{
    m_userId = userId;
    reload();
}

void AttachmentModel::reload()
{
    setRecords(m_userId ? Attachments(m_core).userAttachments(m_userId) : QList<QVariantMap>());
}

QString AttachmentModel::roleLabel(const QString &role)
{
    if (role == QLatin1String("principal"))
        return tr("Principal manager");
    if (role == QLatin1String("secondary"))
        return tr("Secondary manager");
    if (role == QLatin1String("user"))
        return tr("User");
    return role;
}

} // namespace guichet
