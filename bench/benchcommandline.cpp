#include "benchcommandline.h"

#include <QCoreApplication>
#include <QTextStream>

#include <algorithm>

namespace guichet::bench {

namespace {
void complain(const QString &what)
{
    QTextStream(stderr) << QCoreApplication::applicationName() << ": " << what << Qt::endl;
}
} // namespace

BenchCommandLine::BenchCommandLine(const QString &description)
    : m_database(QStringLiteral("database"),
                 QStringLiteral("SQLite file or postgresql:// URL (created if new)."),
                 QStringLiteral("location"))
{
    m_parser.setApplicationDescription(description);
    m_parser.addHelpOption();
    m_parser.addOption(m_database);
}

QCommandLineOption BenchCommandLine::addNumber(const QString &name, const QString &help, qint64 defaultValue)
{
    const QString value = QString::number(defaultValue);
    QCommandLineOption option(name, QStringLiteral("%1 (default %2).").arg(help, value), QStringLiteral("n"),
                              value);
    m_parser.addOption(option);
    return option;
}

bool BenchCommandLine::process(const QCoreApplication &app)
{
    m_parser.process(app);
    if (m_parser.isSet(m_database))
        return true;
    complain(QStringLiteral("--database is required"));
    return false;
}

qint64 BenchCommandLine::number(const QCommandLineOption &option, qint64 atLeast) const
{
    return std::max(atLeast, m_parser.value(option).toLongLong());
}

std::unique_ptr<Database> BenchCommandLine::openDatabase() const
{
    QString error;
    auto db = Database::open(location(), &error);
    if (db && db->migrate(&error))
        return db;
    complain(error);
    return nullptr;
}

} // namespace guichet::bench
