// Measures the first page of the structure search against a plain LIKE scan.
// Usage: bench_structure_search --database LOCATION [--structures N]
#include "benchcommandline.h"
#include "datagen/benchdata.h"
#include "kernel/core.h"
#include "kernel/database.h"
#include "rules/structures/structures.h"

#include <QCoreApplication>
#include <QElapsedTimer>
#include <QTextStream>

#include <algorithm>
#include <functional>

using namespace guichet;
using namespace guichet::bench;

namespace {

struct Timing
{
    double median;
    double p90;
    int rows;
};

Timing measure(const std::function<int()> &run, int runs)
{
    QList<double> times;
    int rows = 0;
    run(); // warm the cache once
    for (int i = 0; i < runs; ++i) {
        QElapsedTimer timer;
        timer.start();
        rows = run();
        times.append(timer.nsecsElapsed() / 1e6);
    }
    std::sort(times.begin(), times.end());
    return { times.at(times.size() / 2), times.at(std::min<int>(times.size() - 1, (times.size() * 9) / 10)),
             rows };
}

} // namespace

int main(int argc, char *argv[])
{
    QCoreApplication app(argc, argv);
    QTextStream out(stdout);
    QTextStream err(stderr);
    BenchCommandLine commandLine(QStringLiteral("Structure search benchmark."));
    const QCommandLineOption structuresOption
        = commandLine.addNumber(QStringLiteral("structures"), QStringLiteral("Structures to have"), 1000000);
    const QCommandLineOption runsOption
        = commandLine.addNumber(QStringLiteral("runs"), QStringLiteral("Runs per query"), 21);
    if (!commandLine.process(app))
        return 2;
    const int wanted = int(commandLine.number(structuresOption, 0));
    const int runs = int(commandLine.number(runsOption));
    const auto db = commandLine.openDatabase();
    if (!db)
        return 1;
    const qint64 existing = db->value(QStringLiteral("SELECT COUNT(*) FROM structures")).toLongLong();
    if (existing < wanted) {
        err << "Generating " << (wanted - existing) << " structures..." << Qt::endl;
        QElapsedTimer timer;
        timer.start();
        const CommandResult r = generateStructures(*db, static_cast<int>(wanted - existing), 1);
        if (!r.ok()) {
            err << "bench_structure_search: " << r.message << Qt::endl;
            return 1;
        }
        err << "Generated in " << timer.elapsed() / 1000.0 << " s" << Qt::endl;
        db->exec(QStringLiteral("ANALYZE"));
    }
    const qint64 total = db->value(QStringLiteral("SELECT COUNT(*) FROM structures")).toLongLong();

    SystemClock clock;
    Core core(*db, clock);
    const Structures structures(core);
    struct Case
    {
        QString name;
        StructureCriteria criteria;
        QString column;
        QString like;
    };
    const QList<Case> cases {
        { QStringLiteral("raison sociale *menuiserie*"),
          { QStringLiteral("*menuiserie*"), {}, {}, {}, {} },
          QStringLiteral("raison_sociale"),
          QStringLiteral("%menuiserie%") },
        { QStringLiteral("SIRET 1234*"),
          { {}, QStringLiteral("1234*"), {}, {}, {} },
          QStringLiteral("siret"),
          QStringLiteral("1234%") },
        { QStringLiteral("code postal 75011"),
          { {}, {}, {}, QStringLiteral("75011"), {} },
          QStringLiteral("code_postal"),
          QStringLiteral("75011") },
    };
    out << "Structures: " << total << " on " << (db->isPostgres() ? "PostgreSQL" : "SQLite") << ", " << runs
        << " runs per query, first page of 50 rows ordered by raison sociale, id\n\n";
    out << QStringLiteral("| query | hits | search() median | p90 | LIKE full scan median | speed-up | LIKE "
                          "walking the name index median |\n");
    out << QStringLiteral("| --- | ---: | ---: | ---: | ---: | ---: | ---: |\n");
    for (const Case &c : cases) {
        const qint64 hits = structures.count(c.criteria);
        const Timing indexed
            = measure([&] { return static_cast<int>(structures.search(c.criteria, 0, 50).size()); }, runs);
        // The plain way: a case-insensitive LIKE over the table with no index
        // (NOT INDEXED / an ORDER BY expression keep the name index out), and
        // the same LIKE when the database may walk the name index in order.
        const auto scanSql = [&](bool useNameIndex) {
            const QString from = db->isPostgres() || useNameIndex ? QStringLiteral("structures")
                                                                  : QStringLiteral("structures NOT INDEXED");
            const QString where = db->isPostgres() ? QStringLiteral("lower(%1) LIKE ?").arg(c.column)
                                                   : QStringLiteral("%1 LIKE ?").arg(c.column);
            const QString order = useNameIndex ? QStringLiteral("raison_sociale, id")
                                               : QStringLiteral("raison_sociale || '', id");
            return QStringLiteral(
                       "SELECT id, siret, raison_sociale, libelle, code_postal, ville FROM %1 WHERE %2 "
                       "ORDER BY %3 LIMIT 50")
                .arg(from, where, order);
        };
        const auto runSql = [&](const QString &sql) {
            QSqlQuery q = db->exec(sql, { c.like });
            int n = 0;
            while (q.next())
                ++n;
            return n;
        };
        const Timing scan = measure([&] { return runSql(scanSql(false)); }, std::min(runs, 5));
        const Timing walk = measure([&] { return runSql(scanSql(true)); }, std::min(runs, 5));
        out << QStringLiteral("| %1 | %2 | %3 ms | %4 ms | %5 ms | %6× | %7 ms |\n")
                   .arg(c.name)
                   .arg(hits)
                   .arg(indexed.median, 0, 'f', 1)
                   .arg(indexed.p90, 0, 'f', 1)
                   .arg(scan.median, 0, 'f', 1)
                   .arg(scan.median / std::max(indexed.median, 0.001), 0, 'f', 0)
                   .arg(walk.median, 0, 'f', 1);
        if (indexed.rows != scan.rows)
            out << "  (note: search() gave " << indexed.rows << " rows, the scan " << scan.rows << ")\n";
        out.flush();
    }
    return 0;
}
