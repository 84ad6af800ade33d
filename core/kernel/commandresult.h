#pragma once

#include <QCoreApplication>
#include <QString>
#include <QVariantMap>

#include <exception>

namespace guichet {

// What went wrong, in terms both the desktop and the HTTP layer can map
// (InvalidInput -> 422, Forbidden -> 403, NotFound -> 404, Conflict -> 409,
// Unavailable -> 503 ...).
enum class ErrorCode {
    None,
    InvalidInput,
    NotFound,
    Forbidden,
    Conflict,
    Locked,
    Expired,
    TooLarge,
    Unauthenticated,
    Internal,
    // The database cannot be reached for the moment (connection lost, server
    // restarting): nothing was done, the same command may be sent again.
    Unavailable,
};

QString errorCodeName(ErrorCode code);

// The outcome of one command: success with the id of the row it created or
// changed (and optional data), or an error naming the offending field.
struct CommandResult
{
    ErrorCode code = ErrorCode::None;
    QString field; // the input field at fault, empty when none applies
    QString message; // translated, for the user
    qint64 id = 0;
    QVariantMap data;

    bool ok() const { return code == ErrorCode::None; }
    static CommandResult success(qint64 id = 0, const QVariantMap &data = {});
    static CommandResult failure(ErrorCode code, const QString &field, const QString &message);
};

// Thrown inside a command body to abandon it; the command runner turns it into a
// CommandResult and rolls the transaction back. It never escapes core.
class CommandFailure : public std::exception
{
public:
    CommandFailure(ErrorCode code, QString field, QString message)
        : m_code(code)
        , m_field(std::move(field))
        , m_message(std::move(message))
    {
    }
    ErrorCode code() const { return m_code; }
    const QString &field() const { return m_field; }
    const QString &message() const { return m_message; }
    const char *what() const noexcept override { return "guichet::CommandFailure"; }

private:
    ErrorCode m_code;
    QString m_field;
    QString m_message;
};

[[noreturn]] inline void fail(ErrorCode code, const QString &field, const QString &message)
{
    throw CommandFailure(code, field, message);
}

} // namespace guichet
