// guichetctl commands of the structures feature: CSV import, search, synthetic data.
#include "ctl.h"
#include "datagen/benchdata.h"
#include "kernel/core.h"
#include "kernel/database.h"
#include "rules/structures/structureimport.h"
#include "rules/structures/structures.h"

#include <QCommandLineParser>
#include <QElapsedTimer>
#include <QFile>

namespace guichet::ctl {

namespace {

QString csvField(const QString &value)
{
    if (!value.contains(QLatin1Char(',')) && !value.contains(QLatin1Char('"'))
        && !value.contains(QLatin1Char('\n')) && !value.contains(QLatin1Char('\r')))
        return value;
    QString quoted = value;
    quoted.replace(QLatin1String("\""), QLatin1String("\"\""));
    return QLatin1Char('"') + quoted + QLatin1Char('"');
}

} // namespace

int commandImportStructures(const QString &location, const QStringList &args)
{
    QCommandLineParser parser;
    parser.setApplicationDescription(Tr::tr(
        "Import structures from a CSV file (UTF-8, ',' or ';' separated) whose header names the columns "
        "siret, raison_sociale, libelle, adresse, code_postal, ville. Nothing is imported when a line is "
        "wrong."));
    parser.addPositionalArgument(QStringLiteral("file"), Tr::tr("The CSV file."));
    int code = Success;
    if (!parseCommand(parser, args, &code))
        return code;
    const QStringList positional = parser.positionalArguments();
    if (positional.size() != 1)
        return badInput(Tr::tr("import-structures takes one CSV file."));
    QFile file(positional.first());
    if (!file.open(QIODevice::ReadOnly))
        return badInput(Tr::tr("cannot read %1: %2").arg(positional.first(), file.errorString()));
    auto db = openDatabase(location, false, &code);
    if (!db)
        return code;
    SystemClock clock;
    Core core(*db, clock);
    int lastPercent = -1;
    const CommandResult result = importStructures(core, file, [&](qint64 done, qint64 total) {
        const int percent = total > 0 ? static_cast<int>(done * 100 / total) : 100;
        if (percent != lastPercent) {
            err() << QStringLiteral("\r") << Tr::tr("Importing structures: %1%").arg(percent) << Qt::flush;
            lastPercent = percent;
        }
    });
    if (lastPercent >= 0)
        err() << Qt::endl;
    if (!result.ok()) {
        if (result.data.contains(QStringLiteral("line")))
            return badInput(Tr::tr("line %1: %2")
                                .arg(result.data.value(QStringLiteral("line")).toInt())
                                .arg(result.message));
        return result.code == ErrorCode::InvalidInput ? badInput(result.message) : failure(result.message);
    }
    out() << Tr::tr("Imported %n structure(s).", nullptr,
                    result.data.value(QStringLiteral("imported")).toInt())
          << Qt::endl;
    return Success;
}

int commandStructures(const QString &location, const QStringList &args)
{
    QCommandLineParser parser;
    parser.setApplicationDescription(
        Tr::tr("structures search: find structures. '*' is a wildcard; a criterion without '*' matches the "
               "whole field; case and accents are ignored; criteria are combined."));
    parser.addPositionalArgument(QStringLiteral("search"), Tr::tr("The sub-command (search)."));
    const QCommandLineOption raisonSociale(QStringLiteral("raison-sociale"),
                                           Tr::tr("Raison sociale pattern."), Tr::tr("pattern"));
    const QCommandLineOption siret(QStringLiteral("siret"), Tr::tr("SIRET pattern."), Tr::tr("pattern"));
    const QCommandLineOption libelle(QStringLiteral("libelle"), Tr::tr("Label pattern."), Tr::tr("pattern"));
    const QCommandLineOption codePostal(QStringLiteral("code-postal"), Tr::tr("Postal code pattern."),
                                        Tr::tr("pattern"));
    const QCommandLineOption ville(QStringLiteral("ville"), Tr::tr("City pattern."), Tr::tr("pattern"));
    const QCommandLineOption format(QStringLiteral("format"),
                                    Tr::tr("Output format: table (default) or csv."), Tr::tr("format"),
                                    QStringLiteral("table"));
    const QCommandLineOption limit(QStringLiteral("limit"), Tr::tr("At most this many rows (default 50)."),
                                   Tr::tr("n"), QStringLiteral("50"));
    parser.addOptions({ raisonSociale, siret, libelle, codePostal, ville, format, limit });
    int code = Success;
    if (!parseCommand(parser, args, &code))
        return code;
    const QStringList positional = parser.positionalArguments();
    if (positional.isEmpty())
        return badInput(Tr::tr("structures needs a sub-command: search."));
    if (positional.first() != QLatin1String("search"))
        return badInput(
            Tr::tr("unknown sub-command 'structures %1' (expected: search).").arg(positional.first()));
    if (positional.size() > 1)
        return badInput(Tr::tr("structures search takes options only, not '%1'.").arg(positional.at(1)));
    const QString formatValue = parser.value(format);
    if (formatValue != QLatin1String("table") && formatValue != QLatin1String("csv"))
        return badInput(Tr::tr("--format must be table or csv, not '%1'.").arg(formatValue));
    bool limitOk = false;
    const int limitValue = parser.value(limit).toInt(&limitOk);
    if (!limitOk || limitValue <= 0)
        return badInput(Tr::tr("--limit must be a positive number, not '%1'.").arg(parser.value(limit)));
    const StructureCriteria criteria { parser.value(raisonSociale), parser.value(siret),
                                       parser.value(libelle), parser.value(codePostal), parser.value(ville) };
    if (criteria.isEmpty())
        return badInput(Tr::tr("structures search needs at least one criterion (--raison-sociale, --siret, "
                               "--libelle, --code-postal or --ville)."));
    auto db = openDatabase(location, false, &code);
    if (!db)
        return code;
    SystemClock clock;
    Core core(*db, clock);
    const Structures structures(core);
    QList<StructureRow> rows;
    qint64 total = 0;
    try {
        rows = structures.search(criteria, 0, limitValue);
        if (formatValue == QLatin1String("table"))
            total = structures.count(criteria);
    } catch (const DatabaseError &error) {
        return failure(error.message());
    }
    const QStringList headers { Tr::tr("SIRET"), Tr::tr("Raison sociale"), Tr::tr("Label"),
                                Tr::tr("Postal code"), Tr::tr("City") };
    const auto cells = [](const StructureRow &r) {
        return QStringList { r.siret, r.raisonSociale, r.libelle, r.codePostal, r.ville };
    };
    if (formatValue == QLatin1String("csv")) {
        out() << QStringLiteral("siret,raison_sociale,libelle,code_postal,ville") << '\n';
        for (const StructureRow &r : rows) {
            QStringList fields;
            for (const QString &cell : cells(r))
                fields << csvField(cell);
            out() << fields.join(QLatin1Char(',')) << '\n';
        }
        out() << Qt::flush;
        return Success;
    }
    QList<int> widths;
    for (const QString &h : headers)
        widths << h.size();
    for (const StructureRow &r : rows) {
        const QStringList c = cells(r);
        for (int i = 0; i < c.size(); ++i)
            widths[i] = std::max<int>(widths[i], c.at(i).size());
    }
    const auto line = [&](const QStringList &c) {
        QStringList padded;
        for (int i = 0; i < c.size(); ++i)
            padded << (i + 1 < c.size() ? c.at(i).leftJustified(widths.at(i)) : c.at(i));
        out() << padded.join(QStringLiteral("  ")) << '\n';
    };
    line(headers);
    QStringList rule;
    for (int w : widths)
        rule << QString(w, QLatin1Char('-'));
    line(rule);
    for (const StructureRow &r : rows)
        line(cells(r));
    out() << Tr::tr("%1 of %2 matching structures shown.").arg(rows.size()).arg(total) << Qt::endl;
    return Success;
}

int commandBenchData(const QString &location, const QStringList &args)
{
    QCommandLineParser parser;
    parser.setApplicationDescription(Tr::tr("Add synthetic structures for benchmarks and demos."));
    const QCommandLineOption structuresOption(QStringLiteral("structures"),
                                              Tr::tr("How many structures to add."), Tr::tr("n"));
    const QCommandLineOption seedOption(QStringLiteral("seed"), Tr::tr("Random seed (default 1)."),
                                        Tr::tr("n"), QStringLiteral("1"));
    parser.addOptions({ structuresOption, seedOption });
    int code = Success;
    if (!parseCommand(parser, args, &code))
        return code;
    if (!parser.positionalArguments().isEmpty())
        return badInput(
            Tr::tr("bench-data takes options only, not '%1'.").arg(parser.positionalArguments().first()));
    if (!parser.isSet(structuresOption))
        return badInput(Tr::tr("bench-data needs --structures N."));
    bool ok = false;
    const int n = parser.value(structuresOption).toInt(&ok);
    if (!ok || n <= 0)
        return badInput(
            Tr::tr("--structures must be a positive number, not '%1'.").arg(parser.value(structuresOption)));
    const quint32 seed = parser.value(seedOption).toUInt(&ok);
    if (!ok)
        return badInput(Tr::tr("--seed must be a number, not '%1'.").arg(parser.value(seedOption)));
    auto db = openDatabase(location, false, &code);
    if (!db)
        return code;
    QElapsedTimer timer;
    timer.start();
    const CommandResult result = generateStructures(*db, n, seed);
    if (!result.ok())
        return failure(result.message);
    out() << Tr::tr("Added %1 synthetic structures in %2 s.").arg(n).arg(timer.elapsed() / 1000.0, 0, 'f', 1)
          << Qt::endl;
    return Success;
}

} // namespace guichet::ctl
