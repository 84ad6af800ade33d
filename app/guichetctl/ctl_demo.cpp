#include "ctl.h"
#include "datagen/demodata.h"
#include "kernel/clock.h"
#include "kernel/database.h"

namespace guichet::ctl {

int commandDemo(const QString &location, const QStringList &args)
{
    QCommandLineParser parser;
    parser.setApplicationDescription(
        Tr::tr("Fill an empty database with demo data: structures, users in every role, pending requests."));
    const QCommandLineOption structuresOption(QStringLiteral("structures"),
                                              Tr::tr("How many synthetic structures to add (default 300)."),
                                              Tr::tr("count"), QStringLiteral("300"));
    parser.addOption(structuresOption);
    int code = Success;
    if (!parseCommand(parser, args, &code))
        return code;
    if (!parser.positionalArguments().isEmpty())
        return badInput(Tr::tr("demo takes no argument."));
    bool ok = false;
    const int count = parser.value(structuresOption).toInt(&ok);
    if (!ok || count < 0 || count > 1000000)
        return badInput(Tr::tr("--structures takes a whole number from 0 to 1000000."));

    auto db = openDatabase(location, true, &code);
    if (!db)
        return code;
    SystemClock clock;
    QList<DemoLogin> logins;
    const CommandResult result = DemoData::generate(*db, clock, count, &logins);
    if (!result.ok())
        return result.code == ErrorCode::Conflict ? badInput(result.message) : failure(result.message);

    out() << Tr::tr("Demo data created in %1.").arg(Database::displayLocation(location)) << '\n'
          << Tr::tr("Every demo login has the password: %1").arg(DemoData::password()) << '\n';
    for (const DemoLogin &login : logins)
        out() << QStringLiteral("  %1  %2\n").arg(login.email, -34).arg(login.role);
    out().flush();
    return Success;
}

} // namespace guichet::ctl
