#pragma once

#include "commands/commandcatalogue.h"
#include "rules/spaces/subscriptions.h"
#include "rules/structures/structures.h"

#include <QByteArray>
#include <QDate>
#include <QHash>
#include <QJsonObject>
#include <QList>
#include <QString>

#include <optional>

namespace guichet {

// A command's arguments for its handler, once CommandCatalogue::check found
// them fitting the declaration: each read converts a value already checked.
// An absent optional argument reads as the type's default. Reading a key the
// command does not declare, or with another type, is the handler's mistake:
// ok() turns false and error() is an Internal result naming the key, so the
// typed call never runs on it.
class ArgReader
{
public:
    ArgReader(const CommandSpec &command, const QJsonObject &args);

    bool ok() const { return !m_error.has_value(); }
    CommandResult error() const { return *m_error; }
    // Given and not null.
    bool has(const char *key) const;

    QString text(const char *key);
    bool flag(const char *key, bool fallback = false);
    qint64 id(const char *key);
    QList<qint64> ids(const char *key);
    QDate date(const char *key);
    QByteArray base64(const char *key);
    // Structure id -> successor, key 0 standing for every structure without its own entry.
    QHash<qint64, qint64> successors(const char *key);
    QList<SubscriptionLine> lines(const char *key);
    QStringList texts(const char *key);
    QList<NewService> newServices(const char *key);

    // The value parsers the checks and the reads share; nothing when ill-typed.
    static std::optional<qint64> idOf(const QJsonValue &v);
    static std::optional<QList<qint64>> idsOf(const QJsonValue &v);
    static std::optional<QDate> dateOf(const QJsonValue &v);
    static std::optional<QByteArray> base64Of(const QJsonValue &v);
    static std::optional<QHash<qint64, qint64>> successorsOf(const QJsonValue &v);
    static std::optional<QList<SubscriptionLine>> linesOf(const QJsonValue &v);
    static std::optional<QStringList> textsOf(const QJsonValue &v);
    static std::optional<QList<NewService>> newServicesOf(const QJsonValue &v);

private:
    // The checked value, or undefined when absent (or on the handler's mistake).
    QJsonValue value(const char *key, ArgType type);

    const CommandSpec &m_command;
    const QJsonObject &m_args;
    std::optional<CommandResult> m_error;
};

} // namespace guichet
