// guichetctl users: create accounts, send a reactivation link, list accounts.
#include "ctl.h"
#include "kernel/core.h"
#include "kernel/database.h"
#include "rules/accounts/accounts.h"
#include "rules/manager/manageractivity.h"
#include "rules/structures/structures.h"

#include <QFile>
#include <QRegularExpression>
#include <QSaveFile>

#include <cstdio>

namespace guichet::ctl {

namespace {

// The command-line name of a core input field, for one-line error messages.
QString optionOf(const QString &fields)
{
    QStringList options;
    for (const QString &field : fields.split(QLatin1Char(','), Qt::SkipEmptyParts)) {
        if (field == QLatin1String("email"))
            options << QStringLiteral("--email");
        else if (field == QLatin1String("firstName"))
            options << QStringLiteral("--first-name");
        else if (field == QLatin1String("lastName"))
            options << QStringLiteral("--last-name");
        else if (field == QLatin1String("language"))
            options << QStringLiteral("--language");
        else if (field == QLatin1String("password"))
            options << Tr::tr("password (standard input)");
        else
            options << field;
    }
    return options.join(QStringLiteral(", "));
}

// The password is never an argument (it would show in `ps` and shell history):
// it is the first line of standard input.
QString readPasswordLine()
{
    QFile input;
    if (!input.open(stdin, QIODevice::ReadOnly))
        return {};
    QString line = QString::fromUtf8(input.readLine());
    while (line.endsWith(QLatin1Char('\n')) || line.endsWith(QLatin1Char('\r')))
        line.chop(1);
    return line;
}

int usersAdd(const QString &location, const QStringList &args)
{
    QCommandLineParser parser;
    parser.setApplicationDescription(
        Tr::tr("Create a user account. The password is read from the first line of standard input."));
    parser.addOption({ QStringLiteral("email"), Tr::tr("Sign-in e-mail (unique)."), Tr::tr("email") });
    parser.addOption({ QStringLiteral("first-name"), Tr::tr("First name."), Tr::tr("name") });
    parser.addOption({ QStringLiteral("last-name"), Tr::tr("Last name."), Tr::tr("name") });
    parser.addOption({ QStringLiteral("support"), Tr::tr("The user is support staff.") });
    parser.addOption({ QStringLiteral("language"), Tr::tr("fr (default) or en."), Tr::tr("language"),
                       QStringLiteral("fr") });
    int code = Success;
    if (!parseCommand(parser, args, &code))
        return code;
    if (!parser.positionalArguments().isEmpty())
        return badInput(
            Tr::tr("users add: unexpected argument '%1'.").arg(parser.positionalArguments().first()));
    for (const char *option : { "email", "first-name", "last-name" }) {
        if (parser.value(QLatin1String(option)).trimmed().isEmpty())
            return badInput(Tr::tr("--%1 is required.").arg(QLatin1String(option)));
    }
    const QString password = readPasswordLine();
    if (password.isEmpty())
        return badInput(Tr::tr("password (standard input): the first line is empty."));

    auto db = openDatabase(location, false, &code);
    if (!db)
        return code;
    SystemClock clock;
    Core core(*db, clock);
    Accounts accounts(core);
    const CommandResult r = accounts.createUser(
        { parser.value(QStringLiteral("email")), parser.value(QStringLiteral("first-name")),
          parser.value(QStringLiteral("last-name")), password, parser.isSet(QStringLiteral("support")),
          parser.value(QStringLiteral("language")) });
    if (r.code == ErrorCode::InvalidInput || r.code == ErrorCode::Conflict)
        return badInput(QStringLiteral("%1: %2").arg(optionOf(r.field), r.message));
    if (!r.ok())
        return failure(r.message);
    out() << Tr::tr("User %1 created: %2")
                 .arg(r.id)
                 .arg(parser.value(QStringLiteral("email")).trimmed().toLower())
          << Qt::endl;
    return Success;
}

int usersReactivate(const QString &location, const QStringList &args)
{
    QCommandLineParser parser;
    parser.setApplicationDescription(
        Tr::tr("Mail a deactivated user a reactivation link, at any time after the deactivation (support's "
               "path once the 60 days are over). The user then chooses a new password and secret question."));
    parser.addPositionalArgument(QStringLiteral("email"), Tr::tr("The user's sign-in e-mail."));
    int code = Success;
    if (!parseCommand(parser, args, &code))
        return code;
    if (parser.positionalArguments().size() != 1)
        return badInput(Tr::tr("users reactivate takes exactly one EMAIL."));
    const QString email = parser.positionalArguments().first();
    auto db = openDatabase(location, false, &code);
    if (!db)
        return code;
    SystemClock clock;
    Core core(*db, clock);
    Accounts accounts(core);
    const CommandResult r = accounts.operatorReactivate(email);
    if (r.code == ErrorCode::NotFound || r.code == ErrorCode::Conflict)
        return badInput(QStringLiteral("%1: %2").arg(email, r.message));
    if (!r.ok())
        return failure(r.message);
    out() << Tr::tr("Reactivation mail queued for %1; the link is valid until %2.")
                 .arg(email.trimmed().toLower(),
                      r.data.value(QStringLiteral("expiresAt")).toDateTime().toString(Qt::ISODate))
          << Qt::endl;
    return Success;
}

QString csvField(const QString &value)
{
    if (!value.contains(QLatin1Char(',')) && !value.contains(QLatin1Char('"'))
        && !value.contains(QLatin1Char('\n')))
        return value;
    return QLatin1Char('"') + QString(value).replace(QLatin1Char('"'), QStringLiteral("\"\""))
        + QLatin1Char('"');
}

int usersList(const QString &location, const QStringList &args)
{
    QCommandLineParser parser;
    parser.setApplicationDescription(Tr::tr("List the user accounts."));
    parser.addOption({ QStringLiteral("format"), Tr::tr("table (default) or csv."), Tr::tr("format"),
                       QStringLiteral("table") });
    int code = Success;
    if (!parseCommand(parser, args, &code))
        return code;
    const QString format = parser.value(QStringLiteral("format"));
    if (format != QLatin1String("table") && format != QLatin1String("csv"))
        return badInput(Tr::tr("--format must be table or csv, not '%1'.").arg(format));
    if (!parser.positionalArguments().isEmpty())
        return badInput(
            Tr::tr("users list: unexpected argument '%1'.").arg(parser.positionalArguments().first()));
    auto db = openDatabase(location, false, &code);
    if (!db)
        return code;
    SystemClock clock;
    Core core(*db, clock);
    const QList<UserSummary> users = Accounts(core).users();
    if (format == QLatin1String("csv")) {
        out() << "id,email,first_name,last_name,support,status\n";
        for (const UserSummary &u : users)
            out() << u.id << ',' << csvField(u.email) << ',' << csvField(u.firstName) << ','
                  << csvField(u.lastName) << ',' << (u.support ? 1 : 0) << ','
                  << (u.active        ? "active"
                          : u.pending ? "pending"
                                      : "deactivated")
                  << '\n';
    } else {
        for (const UserSummary &u : users)
            out() << QStringLiteral("%1  %2  %3  %4%5")
                         .arg(u.id, 5)
                         .arg(u.email, -32)
                         .arg(QStringLiteral("%1 %2").arg(u.firstName, u.lastName), -28)
                         .arg(u.active        ? Tr::tr("active")
                                  : u.pending ? Tr::tr("waiting for activation")
                                              : Tr::tr("deactivated"))
                         .arg(u.support ? Tr::tr(", support") : QString())
                  << '\n';
    }
    out().flush();
    return Success;
}

// « Exporter les utilisateurs avec leurs droits », as the desktop's users tab
// writes it (ManagerActivity::exportUsersRights).
int usersExport(const QString &location, const QStringList &args)
{
    QCommandLineParser parser;
    parser.setApplicationDescription(
        Tr::tr("Export a structure's users with their rights (role, services, spaces, modes, validity) as "
               "CSV: ';' separated, UTF-8 with a byte-order mark, as the desktop's export."));
    parser.addOption({ QStringLiteral("structure"), Tr::tr("The structure, by SIRET or id (required)."),
                       Tr::tr("siret|id") });
    parser.addOption({ QStringLiteral("output"), Tr::tr("Write to FILE instead of the standard output."),
                       Tr::tr("FILE") });
    int code = Success;
    if (!parseCommand(parser, args, &code))
        return code;
    if (!parser.positionalArguments().isEmpty())
        return badInput(
            Tr::tr("users export: unexpected argument '%1'.").arg(parser.positionalArguments().first()));
    const QString structure = parser.value(QStringLiteral("structure")).trimmed();
    static const QRegularExpression digits(QStringLiteral("^[0-9]{1,14}$"));
    if (structure.isEmpty())
        return badInput(Tr::tr("--structure is required (a SIRET or an id)."));
    if (!digits.match(structure).hasMatch())
        return badInput(Tr::tr("--structure: '%1' is neither a SIRET nor an id.").arg(structure.left(40)));
    const bool toFile = parser.isSet(QStringLiteral("output"));
    const QString path = parser.value(QStringLiteral("output"));
    if (toFile && path.trimmed().isEmpty())
        return badInput(Tr::tr("--output: give a file name."));

    auto db = openDatabase(location, false, &code);
    if (!db)
        return code;
    SystemClock clock;
    Core core(*db, clock);
    // 14 digits is a SIRET; anything shorter an id.
    const Structures structures(core);
    const std::optional<StructureRow> found = structure.size() == 14
        ? structures.structureBySiret(structure)
        : structures.structure(structure.toLongLong());
    if (!found)
        return badInput(Tr::tr("--structure: no structure '%1'.").arg(structure));
    const ManagerActivity activity(core);
    if (toFile) {
        // The file is replaced only when the export completes.
        QSaveFile file(path);
        if (!file.open(QIODevice::WriteOnly) || !activity.exportUsersRights(found->id, file)
            || !file.commit())
            return failure(Tr::tr("The file %1 could not be written: %2").arg(path, file.errorString()));
        out() << Tr::tr("The users of %1 were exported to %2.").arg(found->raisonSociale, path) << Qt::endl;
        return Success;
    }
    QFile output;
    if (!output.open(stdout, QIODevice::WriteOnly) || !activity.exportUsersRights(found->id, output))
        return failure(Tr::tr("Cannot write to the standard output."));
    return Success;
}

} // namespace

int commandUsers(const QString &location, const QStringList &args)
{
    const QString sub = args.value(1);
    const QString help = Tr::tr("Usage: guichetctl users add|reactivate|list|export [options]\n"
                                "  add         create a user account (password on standard input)\n"
                                "  reactivate  mail a deactivated user a reactivation link\n"
                                "  list        list the user accounts\n"
                                "  export      export a structure's users with their rights (CSV)\n"
                                "Run 'guichetctl users SUB-COMMAND --help' for its options.\n");
    if (sub == QLatin1String("--help") || sub == QLatin1String("-h")) {
        out() << help;
        return Success;
    }
    QStringList subArgs = args.mid(2);
    subArgs.prepend(QStringLiteral("guichetctl users ") + sub);
    if (sub == QLatin1String("add"))
        return usersAdd(location, subArgs);
    if (sub == QLatin1String("reactivate"))
        return usersReactivate(location, subArgs);
    if (sub == QLatin1String("list"))
        return usersList(location, subArgs);
    if (sub == QLatin1String("export"))
        return usersExport(location, subArgs);
    if (sub.isEmpty())
        return badInput(Tr::tr("users needs a sub-command: add, reactivate, list or export."));
    return badInput(Tr::tr("users: unknown sub-command '%1' (add, reactivate, list or export).").arg(sub));
}

} // namespace guichet::ctl
