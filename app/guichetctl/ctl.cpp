#include "ctl.h"

#include "core.h"
#include "database.h"
#include "paths.h"

#include <QCommandLineParser>
#include <QCoreApplication>
#include <QTextStream>

namespace guichet::ctl {

namespace {

struct Tr
{
    Q_DECLARE_TR_FUNCTIONS(guichet::ctl)
};

QTextStream &out()
{
    static QTextStream stream(stdout);
    return stream;
}

QTextStream &err()
{
    static QTextStream stream(stderr);
    return stream;
}

int badInput(const QString &reason)
{
    err() << QStringLiteral("guichetctl: ") << reason << Qt::endl;
    return BadInput;
}

int failure(const QString &reason)
{
    err() << QStringLiteral("guichetctl: ") << reason << Qt::endl;
    return Failure;
}

std::unique_ptr<Database> openDatabase(const QString &location, bool migrate, int *exitCode)
{
    QString error;
    auto db = Database::open(location, &error);
    if (!db) {
        *exitCode = failure(error);
        return nullptr;
    }
    if (migrate && !db->migrate(&error)) {
        *exitCode = failure(error);
        return nullptr;
    }
    if (!migrate && db->schemaVersion() == 0) {
        *exitCode = failure(Tr::tr("The database %1 is not initialised: run 'guichetctl init' first.").arg(location));
        return nullptr;
    }
    return db;
}

int commandInit(const QString &location, const QStringList &args)
{
    QCommandLineParser parser;
    parser.setApplicationDescription(Tr::tr("Create the database or bring its schema up to date."));
    parser.addHelpOption();
    if (!parser.parse(args))
        return badInput(parser.errorText());
    if (parser.isSet(QStringLiteral("help"))) {
        out() << parser.helpText();
        return Success;
    }
    if (!parser.positionalArguments().isEmpty())
        return badInput(Tr::tr("init takes no argument."));
    int code = Success;
    auto db = openDatabase(location, true, &code);
    if (!db)
        return code;
    out() << Tr::tr("Database %1 is at schema version %2.").arg(location).arg(db->schemaVersion()) << Qt::endl;
    return Success;
}

int commandStatus(const QString &location, const QStringList &args)
{
    QCommandLineParser parser;
    parser.setApplicationDescription(Tr::tr("Summarise what the database holds."));
    parser.addHelpOption();
    if (!parser.parse(args))
        return badInput(parser.errorText());
    if (parser.isSet(QStringLiteral("help"))) {
        out() << parser.helpText();
        return Success;
    }
    int code = Success;
    auto db = openDatabase(location, false, &code);
    if (!db)
        return code;
    const auto count = [&](const char *sql) { return db->value(QString::fromLatin1(sql)).toLongLong(); };
    out() << Tr::tr("Database: %1 (schema version %2)").arg(location).arg(db->schemaVersion()) << '\n'
          << Tr::tr("Structures: %1").arg(count("SELECT COUNT(*) FROM structures")) << '\n'
          << Tr::tr("Users: %1 (%2 deactivated)")
                 .arg(count("SELECT COUNT(*) FROM users"))
                 .arg(count("SELECT COUNT(*) FROM users WHERE status = 'deactivated'"))
          << '\n'
          << Tr::tr("Pending attachment requests: %1")
                 .arg(count("SELECT COUNT(*) FROM attachments WHERE status = 'pending'"))
          << '\n'
          << Tr::tr("Pending subscription requests: %1")
                 .arg(count("SELECT COUNT(*) FROM subscriptions WHERE status = 'pending'"))
          << '\n'
          << Tr::tr("Mails waiting in the outbox: %1").arg(count("SELECT COUNT(*) FROM mail_outbox WHERE sent_at IS NULL"))
          << Qt::endl;
    return Success;
}

} // namespace

int run(const QStringList &arguments)
{
    setApplicationIdentity(QStringLiteral("guichetctl"));

    QCommandLineParser parser;
    parser.setApplicationDescription(
        Tr::tr("Guichet operator tool.\n\nCommands:\n"
               "  init                 create or migrate the database\n"
               "  status               summarise what the database holds\n"
               "  database-path        print the database location in use\n"
               "\nRun 'guichetctl COMMAND --help' for the options of a command."));
    parser.addHelpOption();
    parser.addVersionOption();
    parser.addOption({QStringLiteral("database"),
                      Tr::tr("SQLite file or postgresql://user:password@host:port/name (default: %1).")
                          .arg(defaultDatabaseLocation()),
                      Tr::tr("location")});
    parser.addPositionalArgument(QStringLiteral("command"), Tr::tr("The command to run."));
    // Options after the command belong to the command.
    parser.setOptionsAfterPositionalArgumentsMode(QCommandLineParser::ParseAsPositionalArguments);
    if (!parser.parse(arguments))
        return badInput(parser.errorText());
    if (parser.isSet(QStringLiteral("version"))) {
        out() << QCoreApplication::applicationName() << ' ' << QCoreApplication::applicationVersion() << Qt::endl;
        return Success;
    }
    const QStringList positional = parser.positionalArguments();
    if (parser.isSet(QStringLiteral("help")) || positional.isEmpty()) {
        out() << parser.helpText();
        return positional.isEmpty() && !parser.isSet(QStringLiteral("help")) ? BadInput : Success;
    }
    const QString location =
        parser.isSet(QStringLiteral("database")) ? parser.value(QStringLiteral("database")) : defaultDatabaseLocation();
    const QString command = positional.first();
    QStringList commandArgs = positional.mid(1);
    commandArgs.prepend(QStringLiteral("guichetctl ") + command);

    if (command == QLatin1String("init"))
        return commandInit(location, commandArgs);
    if (command == QLatin1String("status"))
        return commandStatus(location, commandArgs);
    if (command == QLatin1String("database-path")) {
        out() << location << Qt::endl;
        return Success;
    }
    return badInput(Tr::tr("unknown command '%1' (see guichetctl --help).").arg(command));
}

} // namespace guichet::ctl
