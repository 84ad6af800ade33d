#include "ui/sync/commanddescription.h"

#include <QJsonArray>
#include <QLocale>

namespace guichet {

namespace {

struct Title
{
    const char *command;
    const char *title;
};

const Title titles[] = {
    { "updatePersonalInformation",
      QT_TRANSLATE_NOOP("guichet::CommandDescription", "Save my personal information") },
    { "updateProfile", QT_TRANSLATE_NOOP("guichet::CommandDescription", "Save my personal information") },
    { "changePassword", QT_TRANSLATE_NOOP("guichet::CommandDescription", "Change my password") },
    { "setSecretQuestion", QT_TRANSLATE_NOOP("guichet::CommandDescription", "Change my secret question") },
    { "setNotifications", QT_TRANSLATE_NOOP("guichet::CommandDescription", "Notifications") },
    { "deactivateAccount", QT_TRANSLATE_NOOP("guichet::CommandDescription", "Deactivate my account") },
    { "createStructure", QT_TRANSLATE_NOOP("guichet::CommandDescription", "Create a structure") },
    { "updateStructure", QT_TRANSLATE_NOOP("guichet::CommandDescription", "Modify a structure") },
    { "addService", QT_TRANSLATE_NOOP("guichet::CommandDescription", "Add a service") },
    { "setServiceActive",
      QT_TRANSLATE_NOOP("guichet::CommandDescription", "Activate or deactivate a service") },
    { "requestAttachment", QT_TRANSLATE_NOOP("guichet::CommandDescription", "Request an attachment") },
    { "decideAttachment",
      QT_TRANSLATE_NOOP("guichet::CommandDescription", "Decide on an attachment request") },
    { "decideAttachments",
      QT_TRANSLATE_NOOP("guichet::CommandDescription", "Decide on attachment requests") },
    { "removeAttachments", QT_TRANSLATE_NOOP("guichet::CommandDescription", "Delete attachments") },
    { "setSecondaryPowers",
      QT_TRANSLATE_NOOP("guichet::CommandDescription", "Powers of the secondary managers") },
    { "setAttachmentRole", QT_TRANSLATE_NOOP("guichet::CommandDescription", "Change a manager's role") },
    { "enableStructureSpace",
      QT_TRANSLATE_NOOP("guichet::CommandDescription", "Open a space to a structure") },
    { "disableStructureSpace",
      QT_TRANSLATE_NOOP("guichet::CommandDescription", "Close a space to a structure") },
    { "requestSubscription", QT_TRANSLATE_NOOP("guichet::CommandDescription", "Add a subscription") },
    { "decideSubscription",
      QT_TRANSLATE_NOOP("guichet::CommandDescription", "Decide on a subscription request") },
    { "decideSubscriptions",
      QT_TRANSLATE_NOOP("guichet::CommandDescription", "Decide on subscription requests") },
    { "removeSubscriptions", QT_TRANSLATE_NOOP("guichet::CommandDescription", "Delete subscriptions") },
    { "addFile", QT_TRANSLATE_NOOP("guichet::CommandDescription", "Add an attached file") },
    { "updateFile", QT_TRANSLATE_NOOP("guichet::CommandDescription", "Modify an attached file") },
    { "deleteFiles", QT_TRANSLATE_NOOP("guichet::CommandDescription", "Delete attached files") },
    { "createSolicitation", QT_TRANSLATE_NOOP("guichet::CommandDescription", "Write to support") },
    { "addFollowUp", QT_TRANSLATE_NOOP("guichet::CommandDescription", "Answer support") },
};

// The labels of the arguments, in the order the forms show them.
const Title labels[] = {
    { "contactEmail", QT_TRANSLATE_NOOP("guichet::CommandDescription", "Contact e-mail") },
    { "firstName", QT_TRANSLATE_NOOP("guichet::CommandDescription", "First name") },
    { "lastName", QT_TRANSLATE_NOOP("guichet::CommandDescription", "Last name") },
    { "addressLine", QT_TRANSLATE_NOOP("guichet::CommandDescription", "Address") },
    { "postalCode", QT_TRANSLATE_NOOP("guichet::CommandDescription", "Postal code") },
    { "city", QT_TRANSLATE_NOOP("guichet::CommandDescription", "City") },
    { "country", QT_TRANSLATE_NOOP("guichet::CommandDescription", "Country") },
    { "secretQuestion", QT_TRANSLATE_NOOP("guichet::CommandDescription", "Secret question") },
    { "question", QT_TRANSLATE_NOOP("guichet::CommandDescription", "Secret question") },
    { "enabled", QT_TRANSLATE_NOOP("guichet::CommandDescription", "Notifications on") },
    { "siret", QT_TRANSLATE_NOOP("guichet::CommandDescription", "SIRET") },
    { "raisonSociale", QT_TRANSLATE_NOOP("guichet::CommandDescription", "Company name") },
    { "libelle", QT_TRANSLATE_NOOP("guichet::CommandDescription", "Label") },
    { "adresse", QT_TRANSLATE_NOOP("guichet::CommandDescription", "Address") },
    { "codePostal", QT_TRANSLATE_NOOP("guichet::CommandDescription", "Postal code") },
    { "ville", QT_TRANSLATE_NOOP("guichet::CommandDescription", "City") },
    { "structure", QT_TRANSLATE_NOOP("guichet::CommandDescription", "Structure number") },
    { "space", QT_TRANSLATE_NOOP("guichet::CommandDescription", "Space") },
    { "code", QT_TRANSLATE_NOOP("guichet::CommandDescription", "Code") },
    { "name", QT_TRANSLATE_NOOP("guichet::CommandDescription", "Name") },
    { "validFrom", QT_TRANSLATE_NOOP("guichet::CommandDescription", "Valid from") },
    { "validUntil", QT_TRANSLATE_NOOP("guichet::CommandDescription", "Valid until") },
    { "wholeStructure", QT_TRANSLATE_NOOP("guichet::CommandDescription", "Whole structure") },
    { "services", QT_TRANSLATE_NOOP("guichet::CommandDescription", "Services") },
    { "lines", QT_TRANSLATE_NOOP("guichet::CommandDescription", "Services") },
    { "effectiveDate", QT_TRANSLATE_NOOP("guichet::CommandDescription", "Effective date") },
    { "validate", QT_TRANSLATE_NOOP("guichet::CommandDescription", "Validated") },
    { "comment", QT_TRANSLATE_NOOP("guichet::CommandDescription", "Comment") },
    { "designation", QT_TRANSLATE_NOOP("guichet::CommandDescription", "Designation") },
    { "fileType", QT_TRANSLATE_NOOP("guichet::CommandDescription", "Type") },
    { "fileName", QT_TRANSLATE_NOOP("guichet::CommandDescription", "File name") },
    { "content", QT_TRANSLATE_NOOP("guichet::CommandDescription", "File") },
    { "category", QT_TRANSLATE_NOOP("guichet::CommandDescription", "Category") },
    { "subject", QT_TRANSLATE_NOOP("guichet::CommandDescription", "Subject") },
    { "body", QT_TRANSLATE_NOOP("guichet::CommandDescription", "Message") },
    { "text", QT_TRANSLATE_NOOP("guichet::CommandDescription", "Message") },
    { "successors", QT_TRANSLATE_NOOP("guichet::CommandDescription", "New principal managers") },
    { "attachment", QT_TRANSLATE_NOOP("guichet::CommandDescription", "Attachment number") },
    { "attachments", QT_TRANSLATE_NOOP("guichet::CommandDescription", "Attachments") },
    { "subscription", QT_TRANSLATE_NOOP("guichet::CommandDescription", "Subscription number") },
    { "subscriptions", QT_TRANSLATE_NOOP("guichet::CommandDescription", "Subscriptions") },
    { "service", QT_TRANSLATE_NOOP("guichet::CommandDescription", "Service number") },
    { "active", QT_TRANSLATE_NOOP("guichet::CommandDescription", "Active") },
    { "granted", QT_TRANSLATE_NOOP("guichet::CommandDescription", "Granted") },
    { "role", QT_TRANSLATE_NOOP("guichet::CommandDescription", "Role") },
    { "status", QT_TRANSLATE_NOOP("guichet::CommandDescription", "Status") },
    { "ids", QT_TRANSLATE_NOOP("guichet::CommandDescription", "Files") },
    { "id", QT_TRANSLATE_NOOP("guichet::CommandDescription", "Number") },
};

bool isSecret(const QString &key)
{
    return key.contains(QLatin1String("assword"), Qt::CaseInsensitive) || key == QLatin1String("secretAnswer")
        || key == QLatin1String("answer") || key == QLatin1String("confirmation")
        || key == QLatin1String("token");
}

QString readable(const QString &key, const QJsonValue &value)
{
    if (key == QLatin1String("content")) {
        // base64: four characters for three bytes.
        const qint64 bytes = value.toString().size() * 3 / 4;
        return QLocale().formattedDataSize(bytes);
    }
    switch (value.type()) {
    case QJsonValue::Bool:
        return value.toBool() ? CommandDescription::tr("yes") : CommandDescription::tr("no");
    case QJsonValue::Double:
        return QLocale().toString(value.toDouble(), 'f', 0);
    case QJsonValue::Array:
        return CommandDescription::tr("%n item(s)", nullptr, int(value.toArray().size()));
    case QJsonValue::Object:
        return CommandDescription::tr("%n item(s)", nullptr, int(value.toObject().size()));
    case QJsonValue::Null:
    case QJsonValue::Undefined:
        return {};
    default:
        return value.toString();
    }
}

} // namespace

QString CommandDescription::title(const QString &command)
{
    for (const Title &t : titles) {
        if (command == QLatin1String(t.command))
            return tr(t.title);
    }
    return command;
}

QStringList CommandDescription::values(const QString &, const QJsonObject &args)
{
    QStringList lines;
    QStringList seen;
    for (const Title &l : labels) {
        const QString key = QString::fromLatin1(l.command);
        if (!args.contains(key))
            continue;
        seen << key;
        const QString value = readable(key, args.value(key));
        if (!value.isEmpty())
            lines << tr("%1: %2").arg(tr(l.title), value);
    }
    // Arguments this version has no label for still show, by their name.
    for (auto it = args.begin(); it != args.end(); ++it) {
        if (seen.contains(it.key()) || isSecret(it.key()))
            continue;
        const QString value = readable(it.key(), it.value());
        if (!value.isEmpty())
            lines << tr("%1: %2").arg(it.key(), value);
    }
    return lines;
}

} // namespace guichet
