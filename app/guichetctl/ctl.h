#pragma once

#include <QCommandLineParser>
#include <QCoreApplication>
#include <QStringList>
#include <QTextStream>

#include <memory>

namespace guichet {
class Database;
}

namespace guichet::ctl {

// Exit codes: 0 success, 1 failure while running, 2 bad input (one-line reason).
enum ExitCode { Success = 0, Failure = 1, BadInput = 2 };

struct Tr
{
    Q_DECLARE_TR_FUNCTIONS(guichet::ctl)
};

int run(const QStringList &arguments);

// What every command uses.
QTextStream &out();
QTextStream &err();
int badInput(const QString &reason); // prints "guichetctl: reason", returns BadInput
int failure(const QString &reason); // prints "guichetctl: reason", returns Failure
// Parses a command's own arguments (args[0] is "guichetctl NAME"); handles
// --help. Returns false with *exitCode set when the caller should return.
bool parseCommand(QCommandLineParser &parser, const QStringList &args, int *exitCode);
// Opens the database; with migrate, creates/migrates it, else requires it to be
// initialised. Returns null with *exitCode set on failure.
std::unique_ptr<Database> openDatabase(const QString &location, bool migrate, int *exitCode);

// One function per command: (database location, the command's own arguments).
using CommandFunction = int (*)(const QString &location, const QStringList &args);
int commandInit(const QString &location, const QStringList &args);
int commandStatus(const QString &location, const QStringList &args);
// users add|reactivate|list (ctl_users.cpp)
int commandUsers(const QString &location, const QStringList &args);
int commandAudit(const QString &location, const QStringList &args);
int commandImportStructures(const QString &location, const QStringList &args);
int commandStructures(const QString &location, const QStringList &args);
int commandBenchData(const QString &location, const QStringList &args);
int commandDemo(const QString &location, const QStringList &args);
// mail deliver|digest (ctl_mail.cpp)
int commandMail(const QString &location, const QStringList &args);

} // namespace guichet::ctl
