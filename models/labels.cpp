#include "models/labels.h"

#include "rules/spaces/spaces.h"
#include "rules/spaces/subscriptions.h"

#include <QCoreApplication>
#include <QLocale>

namespace guichet::labels {

QString role(Role role)
{
    switch (role) {
    case Role::Principal:
        return QCoreApplication::translate("guichet::labels", "Principal manager");
    case Role::Secondary:
        return QCoreApplication::translate("guichet::labels", "Secondary manager");
    case Role::User:
        return QCoreApplication::translate("guichet::labels", "User");
    case Role::None:
        break;
    }
    return {};
}

QString attachmentStatus(const QString &status)
{
    // Attachments and subscriptions share their statuses and their texts.
    return Subscriptions::statusLabel(status);
}

QString subscriptionStatus(const QString &status)
{
    return Subscriptions::statusLabel(status);
}

QString mode(const QString &mode)
{
    if (mode == QLatin1String("modification"))
        return QCoreApplication::translate("guichet::labels", "Modification");
    if (mode == QLatin1String("consultation"))
        return QCoreApplication::translate("guichet::labels", "Consultation");
    return mode;
}

QString subscriptionComment(const QString &comment, const QString &commentCode)
{
    if (commentCode == QLatin1String(subscriptionCommentStructure))
        return QCoreApplication::translate(
            "guichet::labels", "Generated automatically: this space is set for the whole structure.");
    if (commentCode == QLatin1String(subscriptionCommentCopied))
        return QCoreApplication::translate("guichet::labels", "Copied from another user's rights");
    return comment;
}

QString space(const QString &code, const QString &storedName)
{
    const char *source = spaceNameSource(code);
    return source ? QCoreApplication::translate("guichet::labels", source) : storedName;
}

QString validity(QDate from, QDate until)
{
    return until.isValid()
        ? QCoreApplication::translate("guichet::labels", "%1 – %2").arg(shortDate(from), shortDate(until))
        : QCoreApplication::translate("guichet::labels", "from %1").arg(shortDate(from));
}

QString services(bool wholeStructure, const QStringList &names)
{
    return wholeStructure ? QCoreApplication::translate("guichet::labels", "Whole structure")
                          : names.join(QStringLiteral(", "));
}

QString shortDate(QDate date)
{
    return date.isValid() ? QLocale().toString(date, QLocale::ShortFormat) : QString();
}

} // namespace guichet::labels
