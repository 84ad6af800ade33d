#include "ui/sync/commanddescription.h"

#include "commands/commandcatalogue.h"
#include "models/attachedfilemodel.h"

#include <QJsonArray>
#include <QLocale>

namespace guichet {

namespace {

QString readable(ArgType type, const QJsonValue &value)
{
    if (type == ArgType::Base64) {
        // base64: four characters for three bytes.
        const qint64 bytes = value.toString().size() * 3 / 4;
        return AttachedFileModel::humanSize(bytes);
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
    const CommandSpec *spec = CommandCatalogue::find(command);
    return spec ? spec->translatedTitle() : command;
}

QStringList CommandDescription::values(const QString &command, const QJsonObject &args)
{
    QStringList lines;
    QStringList seen;
    // The declared arguments first, in the catalogue's order (the form's),
    // with their labels; secrets never.
    if (const CommandSpec *spec = CommandCatalogue::find(command)) {
        for (const ArgSpec &arg : spec->args) {
            const QString key = QLatin1String(arg.key);
            if (!args.contains(key))
                continue;
            seen << key;
            if (arg.secret)
                continue;
            const QString value = readable(arg.type, args.value(key));
            if (!value.isEmpty())
                lines << tr("%1: %2").arg(arg.translatedLabel(), value);
        }
    }
    // Arguments this version does not declare still show, by their name,
    // unless some command declares that key secret.
    for (auto it = args.begin(); it != args.end(); ++it) {
        if (seen.contains(it.key()) || CommandCatalogue::isSecretKey(it.key()))
            continue;
        const QString value = readable(ArgType::Text, it.value());
        if (!value.isEmpty())
            lines << tr("%1: %2").arg(it.key(), value);
    }
    return lines;
}

} // namespace guichet
