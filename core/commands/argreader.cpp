#include "commands/argreader.h"

#include "commands/commanddispatcher.h"
#include "kernel/textlimits.h"

#include <QJsonArray>
#include <QJsonValue>

namespace guichet {

namespace {

bool given(const QJsonObject &args, const QString &key)
{
    return args.contains(key) && !args.value(key).isNull();
}

bool fits(ArgType type, const QJsonValue &v)
{
    switch (type) {
    case ArgType::Text:
        return v.isString();
    case ArgType::Flag:
        return v.isBool();
    case ArgType::Id:
        return ArgReader::idOf(v).has_value();
    case ArgType::Ids:
        return ArgReader::idsOf(v).has_value();
    case ArgType::Date:
        return ArgReader::dateOf(v).has_value();
    case ArgType::Base64:
        return ArgReader::base64Of(v).has_value();
    case ArgType::Successors:
        return ArgReader::successorsOf(v).has_value();
    case ArgType::SubscriptionLines:
        return ArgReader::linesOf(v).has_value();
    case ArgType::Texts:
        return ArgReader::textsOf(v).has_value();
    case ArgType::NewServices:
        return ArgReader::newServicesOf(v).has_value();
    }
    return false;
}

QString typeMessage(ArgType type, const QString &key)
{
    switch (type) {
    case ArgType::Text:
        return CommandDispatcher::tr("The field %1 must be text.").arg(key);
    case ArgType::Flag:
        return CommandDispatcher::tr("The field %1 must be true or false.").arg(key);
    case ArgType::Id:
        return CommandDispatcher::tr("The field %1 must be an id (a whole number).").arg(key);
    case ArgType::Ids:
        return CommandDispatcher::tr("The field %1 must be a list of ids.").arg(key);
    case ArgType::Date:
        return CommandDispatcher::tr("The field %1 must be a date (yyyy-MM-dd).").arg(key);
    case ArgType::Base64:
        return CommandDispatcher::tr("The field %1 must be base64-encoded content.").arg(key);
    case ArgType::Successors:
        return CommandDispatcher::tr("The field %1 must be {\"forAll\": user id} or {\"perStructure\": "
                                     "{\"structure id\": user id}}.")
            .arg(key);
    case ArgType::SubscriptionLines:
        return CommandDispatcher::tr("The field %1 must be a list of {\"serviceId\": id, "
                                     "\"modification\": true or false, \"consultation\": "
                                     "true or false}.")
            .arg(key);
    case ArgType::Texts:
        return CommandDispatcher::tr("The field %1 must be a list of texts.").arg(key);
    case ArgType::NewServices:
        return CommandDispatcher::tr("The field %1 must be a list of {\"code\": text, \"name\": text}.")
            .arg(key);
    }
    return {};
}

} // namespace

std::optional<CommandResult> CommandCatalogue::check(const CommandSpec &command, const QJsonObject &args)
{
    // In the order of the declaration: the first bad argument is the one reported.
    for (const ArgSpec &arg : command.args) {
        const QString key = QLatin1String(arg.key);
        if (arg.need == ArgNeed::RequiredWith && !given(args, QLatin1String(arg.with)))
            continue;
        if (!given(args, key)) {
            if (arg.need != ArgNeed::Optional)
                return CommandResult::failure(ErrorCode::InvalidInput, key,
                                              CommandDispatcher::tr("The field %1 is missing.").arg(key));
            continue;
        }
        if (!fits(arg.type, args.value(key)))
            return CommandResult::failure(ErrorCode::InvalidInput, key, typeMessage(arg.type, key));
        if (arg.type == ArgType::Text) {
            if (auto refusal = TextLimits::check(key, args.value(key).toString(), maxTextLength(arg.key)))
                return refusal;
        }
    }
    return std::nullopt;
}

ArgReader::ArgReader(const CommandSpec &command, const QJsonObject &args)
    : m_command(command)
    , m_args(args)
{
}

bool ArgReader::has(const char *key) const
{
    return given(m_args, QLatin1String(key));
}

QJsonValue ArgReader::value(const char *key, ArgType type)
{
    if (m_error)
        return QJsonValue(QJsonValue::Undefined);
    const ArgSpec *arg = m_command.arg(QLatin1String(key));
    if (!arg || arg->type != type) {
        m_error
            = CommandResult::failure(ErrorCode::Internal, QLatin1String(key),
                                     QStringLiteral("The command %1 reads %2, which it does not declare so.")
                                         .arg(QLatin1String(m_command.name), QLatin1String(key)));
        return QJsonValue(QJsonValue::Undefined);
    }
    if (!has(key))
        return QJsonValue(QJsonValue::Undefined);
    return m_args.value(QLatin1String(key));
}

QString ArgReader::text(const char *key)
{
    return value(key, ArgType::Text).toString();
}

bool ArgReader::flag(const char *key, bool fallback)
{
    const QJsonValue v = value(key, ArgType::Flag);
    return v.isBool() ? v.toBool() : fallback;
}

qint64 ArgReader::id(const char *key)
{
    return idOf(value(key, ArgType::Id)).value_or(0);
}

QList<qint64> ArgReader::ids(const char *key)
{
    return idsOf(value(key, ArgType::Ids)).value_or(QList<qint64>());
}

QDate ArgReader::date(const char *key)
{
    return dateOf(value(key, ArgType::Date)).value_or(QDate());
}

QByteArray ArgReader::base64(const char *key)
{
    return base64Of(value(key, ArgType::Base64)).value_or(QByteArray());
}

QHash<qint64, qint64> ArgReader::successors(const char *key)
{
    return successorsOf(value(key, ArgType::Successors)).value_or(QHash<qint64, qint64>());
}

QList<SubscriptionLine> ArgReader::lines(const char *key)
{
    return linesOf(value(key, ArgType::SubscriptionLines)).value_or(QList<SubscriptionLine>());
}

QStringList ArgReader::texts(const char *key)
{
    return textsOf(value(key, ArgType::Texts)).value_or(QStringList());
}

QList<NewService> ArgReader::newServices(const char *key)
{
    return newServicesOf(value(key, ArgType::NewServices)).value_or(QList<NewService>());
}

std::optional<QStringList> ArgReader::textsOf(const QJsonValue &v)
{
    if (!v.isArray())
        return std::nullopt;
    QStringList result;
    for (const QJsonValue &item : v.toArray()) {
        if (!item.isString())
            return std::nullopt;
        result.append(item.toString());
    }
    return result;
}

std::optional<QList<NewService>> ArgReader::newServicesOf(const QJsonValue &v)
{
    if (!v.isArray())
        return std::nullopt;
    QList<NewService> result;
    for (const QJsonValue &item : v.toArray()) {
        const QJsonObject o = item.toObject();
        const QJsonValue code = o.value(QLatin1String(argKey::code));
        const QJsonValue name = o.value(QLatin1String(argKey::name));
        if (!item.isObject() || !code.isString() || !name.isString() || o.size() != 2)
            return std::nullopt;
        result.append({ code.toString(), name.toString() });
    }
    return result;
}

std::optional<qint64> ArgReader::idOf(const QJsonValue &v)
{
    // A non-negative integer given as a JSON number or a string of digits.
    if (v.isDouble()) {
        const qint64 i = v.toInteger(-1);
        if (i >= 0 && double(i) == v.toDouble())
            return i;
        return std::nullopt;
    }
    if (v.isString()) {
        const QString s = v.toString();
        bool ok = false;
        const qint64 i = s.toLongLong(&ok);
        if (ok && i >= 0 && !s.isEmpty() && s.at(0).isDigit())
            return i;
    }
    return std::nullopt;
}

std::optional<QList<qint64>> ArgReader::idsOf(const QJsonValue &v)
{
    if (!v.isArray())
        return std::nullopt;
    QList<qint64> result;
    for (const QJsonValue &item : v.toArray()) {
        const auto parsed = idOf(item);
        if (!parsed)
            return std::nullopt;
        result.append(*parsed);
    }
    return result;
}

std::optional<QDate> ArgReader::dateOf(const QJsonValue &v)
{
    const QString s = v.toString();
    const QDate d = QDate::fromString(s, QStringLiteral("yyyy-MM-dd"));
    if (!v.isString() || s.size() != 10 || !d.isValid())
        return std::nullopt;
    return d;
}

std::optional<QByteArray> ArgReader::base64Of(const QJsonValue &v)
{
    if (!v.isString())
        return std::nullopt;
    auto decoded
        = QByteArray::fromBase64Encoding(v.toString().toLatin1(), QByteArray::AbortOnBase64DecodingErrors);
    if (!decoded)
        return std::nullopt;
    return *decoded;
}

std::optional<QHash<qint64, qint64>> ArgReader::successorsOf(const QJsonValue &v)
{
    // {"forAll": userId, "perStructure": {"<structureId>": userId}}.
    if (!v.isObject())
        return std::nullopt;
    const QJsonObject object = v.toObject();
    QHash<qint64, qint64> result;
    for (auto it = object.begin(); it != object.end(); ++it) {
        if (it.key() == QLatin1String(argKey::forAll)) {
            const auto user = idOf(it.value());
            if (!user)
                return std::nullopt;
            result.insert(0, *user);
        } else if (it.key() == QLatin1String(argKey::perStructure) && it.value().isObject()) {
            const QJsonObject map = it.value().toObject();
            for (auto entry = map.begin(); entry != map.end(); ++entry) {
                const auto structure = idOf(QJsonValue(entry.key()));
                const auto user = idOf(entry.value());
                if (!structure || !user || *structure == 0)
                    return std::nullopt;
                result.insert(*structure, *user);
            }
        } else {
            return std::nullopt;
        }
    }
    return result;
}

std::optional<QList<SubscriptionLine>> ArgReader::linesOf(const QJsonValue &v)
{
    if (!v.isArray())
        return std::nullopt;
    QList<SubscriptionLine> result;
    for (const QJsonValue &item : v.toArray()) {
        const QJsonObject line = item.toObject();
        const QJsonValue service = line.value(QLatin1String(argKey::serviceId));
        const QJsonValue modification = line.value(QLatin1String(argKey::modification));
        const QJsonValue consultation = line.value(QLatin1String(argKey::consultation));
        const auto serviceId
            = service.isUndefined() || service.isNull() ? std::optional<qint64>(0) : idOf(service);
        if (!item.isObject() || !serviceId || !(modification.isUndefined() || modification.isBool())
            || !(consultation.isUndefined() || consultation.isBool()))
            return std::nullopt;
        SubscriptionLine parsed;
        parsed.serviceId = *serviceId;
        parsed.modification = modification.toBool();
        parsed.consultation = consultation.toBool();
        result.append(parsed);
    }
    return result;
}

} // namespace guichet
