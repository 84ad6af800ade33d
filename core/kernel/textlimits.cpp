#include "kernel/textlimits.h"

namespace guichet {

QString TextLimits::tooLongMessage(const QString &field, qsizetype length, int max)
{
    if (field.isEmpty())
        return tr("This text is too long: %1 characters, at most %n accepted.", nullptr, max).arg(length);
    return tr("The field %1 is too long: %2 characters, at most %n accepted.", nullptr, max)
        .arg(field)
        .arg(length);
}

std::optional<CommandResult> TextLimits::check(const QString &field, const QString &value, int max)
{
    if (value.size() <= max)
        return std::nullopt;
    return CommandResult::failure(ErrorCode::InvalidInput, field, tooLongMessage(field, value.size(), max));
}

void requireMaxLength(const QString &field, const QString &value, int max)
{
    if (const auto refusal = TextLimits::check(field, value, max))
        fail(refusal->code, refusal->field, refusal->message);
}

} // namespace guichet
