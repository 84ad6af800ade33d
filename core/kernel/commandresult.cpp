#include "kernel/commandresult.h"

namespace guichet {

QString errorCodeName(ErrorCode code)
{
    switch (code) {
    case ErrorCode::None:
        return QStringLiteral("none");
    case ErrorCode::InvalidInput:
        return QStringLiteral("invalid_input");
    case ErrorCode::NotFound:
        return QStringLiteral("not_found");
    case ErrorCode::Forbidden:
        return QStringLiteral("forbidden");
    case ErrorCode::Conflict:
        return QStringLiteral("conflict");
    case ErrorCode::Locked:
        return QStringLiteral("locked");
    case ErrorCode::Expired:
        return QStringLiteral("expired");
    case ErrorCode::TooLarge:
        return QStringLiteral("too_large");
    case ErrorCode::Unauthenticated:
        return QStringLiteral("unauthenticated");
    case ErrorCode::Internal:
        return QStringLiteral("internal");
    case ErrorCode::Unavailable:
        return QStringLiteral("unavailable");
    }
    return QStringLiteral("internal");
}

CommandResult CommandResult::success(qint64 id, const QVariantMap &data)
{
    CommandResult r;
    r.id = id;
    r.data = data;
    return r;
}

CommandResult CommandResult::failure(ErrorCode code, const QString &field, const QString &message)
{
    CommandResult r;
    r.code = code;
    r.field = field;
    r.message = message;
    return r;
}

} // namespace guichet
