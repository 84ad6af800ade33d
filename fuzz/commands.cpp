// The JSON command reader with every command's arguments (core/commands):
// a document {"command": name, "args": {...}, "commandId": text} as the API
// and the desktop's outbox carry it, through what runs before a command
// touches the database: the catalogue's lookup, CommandCatalogue::check
// (presence, types, text lengths) and ArgReader's typed reads of every
// declared argument. Checks that a refusal names a declared argument, that
// every read of accepted arguments succeeds and gives back what was sent,
// and that a result survives its JSON round trip.
#include "commands/argreader.h"
#include "commands/commandcatalogue.h"
#include "commands/commanddispatcher.h"
#include "fuzzsupport.h"
#include "kernel/textlimits.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>

using namespace guichet;

namespace {

void checkRoundTrip(const CommandResult &result, const QByteArray &input)
{
    const CommandResult back = commandResultFromJson(commandResultToJson(result));
    FUZZ_CHECK(back.code == result.code && back.field == result.field && back.message == result.message,
               input);
}

// Reads every declared argument with its type's reader, as the handlers do.
void readAll(const CommandSpec &command, const QJsonObject &args, const QByteArray &input)
{
    ArgReader reader(command, args);
    for (const ArgSpec &arg : command.args) {
        const QJsonValue sent = args.value(QLatin1String(arg.key));
        const bool given = !sent.isUndefined() && !sent.isNull();
        FUZZ_CHECK(reader.has(arg.key) == given, input);
        switch (arg.type) {
        case ArgType::Text: {
            const QString text = reader.text(arg.key);
            FUZZ_CHECK(!given || text == sent.toString(), input);
            FUZZ_CHECK(text.size() <= CommandCatalogue::maxTextLength(arg.key), input);
            break;
        }
        case ArgType::Flag:
            FUZZ_CHECK(!given || reader.flag(arg.key) == sent.toBool(), input);
            break;
        case ArgType::Id: {
            const qint64 id = reader.id(arg.key);
            FUZZ_CHECK(id >= 0, input);
            FUZZ_CHECK(!given || ArgReader::idOf(sent) == id, input);
            break;
        }
        case ArgType::Ids: {
            const QList<qint64> ids = reader.ids(arg.key);
            FUZZ_CHECK(!given || ids.size() == sent.toArray().size(), input);
            for (const qint64 id : ids)
                FUZZ_CHECK(id >= 0, input);
            break;
        }
        case ArgType::Date: {
            const QDate date = reader.date(arg.key);
            FUZZ_CHECK(!given || (date.isValid() && date.toString(Qt::ISODate) == sent.toString()), input);
            break;
        }
        case ArgType::Base64: {
            const QByteArray content = reader.base64(arg.key);
            FUZZ_CHECK(!given || content == QByteArray::fromBase64(sent.toString().toLatin1()), input);
            break;
        }
        case ArgType::Successors: {
            const QHash<qint64, qint64> successors = reader.successors(arg.key);
            for (auto it = successors.begin(); it != successors.end(); ++it)
                FUZZ_CHECK(it.key() >= 0 && it.value() >= 0, input);
            break;
        }
        case ArgType::SubscriptionLines: {
            const QList<SubscriptionLine> lines = reader.lines(arg.key);
            FUZZ_CHECK(!given || lines.size() == sent.toArray().size(), input);
            for (const SubscriptionLine &line : lines)
                FUZZ_CHECK(line.serviceId >= 0, input);
            break;
        }
        case ArgType::Texts:
            FUZZ_CHECK(!given || reader.texts(arg.key).size() == sent.toArray().size(), input);
            break;
        case ArgType::NewServices:
            FUZZ_CHECK(!given || reader.newServices(arg.key).size() == sent.toArray().size(), input);
            break;
        }
    }
    // Only declared keys with their declared types were read.
    FUZZ_CHECK(reader.ok(), input + "\n" + reader.error().message.toUtf8());
}

} // namespace

extern "C" int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    fuzz::initialize(argc, argv);
    return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const QByteArray input = fuzz::bytes(data, size);
    const QJsonObject document = QJsonDocument::fromJson(input).object();
    const QString name = document.value(QLatin1String("command")).toString();
    const CommandSpec *command = CommandCatalogue::find(name);
    FUZZ_CHECK(bool(command) == CommandDispatcher::commandNames().contains(name), input);
    if (!command)
        return 0;
    FUZZ_CHECK(CommandDispatcher::isAnonymous(name) == command->anonymous, input);
    const QJsonObject args = document.value(QLatin1String("args")).toObject();
    // The command id's bound is checked before anything else reads the database.
    const QString commandId = document.value(QLatin1String("commandId")).toString();
    if (const auto refusal
        = TextLimits::check(QStringLiteral("commandId"), commandId, textLimit::CommandId)) {
        FUZZ_CHECK(refusal->code == ErrorCode::InvalidInput && refusal->field == QLatin1String("commandId"),
                   input);
        checkRoundTrip(*refusal, input);
    }
    if (const auto refusal = CommandCatalogue::check(*command, args)) {
        FUZZ_CHECK(refusal->code == ErrorCode::InvalidInput, input);
        FUZZ_CHECK(command->arg(refusal->field) != nullptr, input + "\nfield: " + refusal->field.toUtf8());
        FUZZ_CHECK(!refusal->message.isEmpty(), input);
        checkRoundTrip(*refusal, input);
        return 0;
    }
    readAll(*command, args, input);
    return 0;
}
