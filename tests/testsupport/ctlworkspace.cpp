#include "ctlworkspace.h"

namespace guichet::test {

CtlWorkspace::CtlWorkspace(const QString &program, const QString &databaseName)
    : m_program(program)
    , m_databaseName(databaseName)
{
}

ProcessRun CtlWorkspace::run(const QStringList &args, const QByteArray &input) const
{
    return runProgram(m_program, QStringList { QStringLiteral("--database"), databasePath() } + args, input,
                      { { QStringLiteral("GUICHET_FAST_HASH"), QStringLiteral("1") } });
}

ProcessRun CtlWorkspace::addUser(const QString &email, const QByteArray &input) const
{
    return run({ QStringLiteral("users"), QStringLiteral("add"), QStringLiteral("--email"), email,
                 QStringLiteral("--first-name"), QStringLiteral("Alice"), QStringLiteral("--last-name"),
                 QStringLiteral("Martin") },
               input);
}

std::unique_ptr<Database> CtlWorkspace::open() const
{
    QString error;
    auto database = Database::open(databasePath(), &error);
    if (!database)
        qWarning("%s: %s", qPrintable(databasePath()), qPrintable(error));
    return database;
}

int CtlWorkspace::count(const QString &query) const
{
    const auto database = open();
    return database ? database->value(query).toInt() : -1;
}

} // namespace guichet::test
