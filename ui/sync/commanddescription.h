#pragma once

#include <QCoreApplication>
#include <QJsonObject>
#include <QString>
#include <QStringList>

namespace guichet {

// A command of the connected outbox as a user reads it: what it does, and the
// values they typed (« Last name: Martin »), not raw JSON. Titles, labels and
// which arguments are secret come from the command catalogue
// (commands/commandcatalogue.h). Secrets (passwords, secret answers) are never
// shown; file contents show as their size.
class CommandDescription
{
    Q_DECLARE_TR_FUNCTIONS(guichet::CommandDescription)

public:
    // « Save my personal information », « Request an attachment »…; the name
    // itself for a command this version does not know.
    static QString title(const QString &command);
    // One "Label: value" line per argument given, in the order the catalogue
    // declares them (the form's); undeclared arguments by their name.
    static QStringList values(const QString &command, const QJsonObject &args);
};

} // namespace guichet
