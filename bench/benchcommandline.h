#pragma once

#include "kernel/database.h"

#include <QCommandLineParser>

#include <memory>

class QCoreApplication;

namespace guichet::bench {

// The command line every bench shares: a required --database (a new SQLite file
// or a postgresql:// URL), number options with their default in their help, and
// the bench's own options; errors go to standard error under the bench's name.
class BenchCommandLine
{
public:
    explicit BenchCommandLine(const QString &description);

    // An option taking a number, « (default N). » appended to its help.
    QCommandLineOption addNumber(const QString &name, const QString &help, qint64 defaultValue);
    void addOption(const QCommandLineOption &option) { m_parser.addOption(option); }
    // Parses the arguments; false, after saying why, when --database is missing.
    bool process(const QCoreApplication &app);

    QString value(const QCommandLineOption &option) const { return m_parser.value(option); }
    bool isSet(const QCommandLineOption &option) const { return m_parser.isSet(option); }
    qint64 number(const QCommandLineOption &option, qint64 atLeast = 1) const;
    QString location() const { return m_parser.value(m_database); }
    // The database at --database, migrated; null, after saying why, when it failed.
    std::unique_ptr<Database> openDatabase() const;

private:
    QCommandLineParser m_parser;
    QCommandLineOption m_database;
};

} // namespace guichet::bench
