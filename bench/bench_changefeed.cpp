// Measures the sync feed: a first sync of ~100,000 visible rows in pages of 1000
// applied into a replica, everything() at once, and the empty poll.
// Usage: bench_changefeed --database LOCATION [--rows N] [--runs N]
// LOCATION must be a new database (SQLite file or postgresql:// URL): the world
// is built in it on first use and reused afterwards.
#include "benchcommandline.h"
#include "benchworld.h"
#include "client/replica.h"
#include "kernel/core.h"
#include "kernel/database.h"
#include "sync/changefeed.h"

#include <QCoreApplication>
#include <QDateTime>
#include <QElapsedTimer>
#include <QJsonArray>
#include <QJsonDocument>
#include <QTemporaryDir>
#include <QTextStream>

#include <algorithm>

using namespace guichet;
using namespace guichet::bench;

namespace {

double medianPoll(const ChangeFeed &feed, qint64 userId, qint64 since, int runs)
{
    QList<double> times;
    for (int i = 0; i < runs; ++i) {
        QElapsedTimer timer;
        timer.start();
        const QJsonObject page = feed.page(userId, since, 1000);
        times.append(timer.nsecsElapsed() / 1e3);
        if (!page.value(QStringLiteral("rows")).toArray().isEmpty())
            return -1;
    }
    std::sort(times.begin(), times.end());
    return times.at(times.size() / 2);
}

} // namespace

int main(int argc, char *argv[])
{
    QCoreApplication app(argc, argv);
    QTextStream out(stdout);
    QTextStream err(stderr);
    BenchCommandLine commandLine(QStringLiteral("Change feed benchmark."));
    const QCommandLineOption rowsOption = commandLine.addNumber(
        QStringLiteral("rows"), QStringLiteral("Rows the manager sees, about"), 100000);
    const QCommandLineOption runsOption
        = commandLine.addNumber(QStringLiteral("runs"), QStringLiteral("Empty polls timed"), 1001);
    if (!commandLine.process(app))
        return 2;
    const int wanted = int(commandLine.number(rowsOption, 1000));
    const int runs = int(commandLine.number(runsOption));
    const auto db = commandLine.openDatabase();
    if (!db)
        return 1;
    try {
        if (!db->value(QStringLiteral("SELECT id FROM users WHERE email = ?"), { kManager }).isValid()) {
            // Per person: user, attachment, 5 subscriptions, 3 audit entries = 10 rows.
            const int structures = 100;
            const int people = std::max(1, wanted / structures / 10);
            err << "Building the world (" << structures << " structures x " << people << " people)..."
                << Qt::endl;
            QElapsedTimer timer;
            timer.start();
            buildWorld(*db, structures, people);
            err << "  built in " << timer.elapsed() / 1000.0 << " s" << Qt::endl;
        }
        const qint64 manager
            = db->value(QStringLiteral("SELECT id FROM users WHERE email = ?"), { kManager }).toLongLong();
        const qint64 simple
            = db->value(QStringLiteral("SELECT id FROM users WHERE email = ?"), { kSimple }).toLongLong();

        class SystemClock final : public Clock
        {
        public:
            QDateTime now() const override { return QDateTime::currentDateTimeUtc(); }
        } clock;
        Core core(*db, clock);
        ChangeFeed feed(core);

        QElapsedTimer timer;
        timer.start();
        const QJsonObject all = feed.everything(manager);
        const double everythingMs = timer.nsecsElapsed() / 1e6;
        const qsizetype visible = all.value(QStringLiteral("rows")).toArray().size();

        QTemporaryDir dir;
        QString error;
        auto replicaDb = Database::open(dir.filePath(QStringLiteral("replica.db")), &error);
        if (!replicaDb || !replicaDb->migrate(&error)) {
            err << "bench_changefeed: replica: " << error << Qt::endl;
            return 1;
        }
        Replica replica(*replicaDb);
        qint64 feedNs = 0, applyNs = 0;
        int pages = 0;
        qsizetype received = 0;
        for (;;) {
            QElapsedTimer step;
            step.start();
            const QJsonObject page = feed.page(manager, replica.checkpoint(), 1000);
            feedNs += step.nsecsElapsed();
            step.restart();
            if (!replica.applyPage(page, &error)) {
                err << "bench_changefeed: " << error << Qt::endl;
                return 1;
            }
            applyNs += step.nsecsElapsed();
            ++pages;
            received += page.value(QStringLiteral("rows")).toArray().size();
            if (!page.value(QStringLiteral("more")).toBool())
                break;
        }
        const qint64 checkpoint = replica.checkpoint();

        // The desktop's first sync: compact pages (format 2) of 5000, parsed as
        // the desktop parses them, into a second empty replica.
        auto compactDb = Database::open(dir.filePath(QStringLiteral("compact.db")), &error);
        if (!compactDb || !compactDb->migrate(&error)) {
            err << "bench_changefeed: replica: " << error << Qt::endl;
            return 1;
        }
        Replica compactReplica(*compactDb);
        qint64 compactFeedNs = 0, compactParseNs = 0, compactApplyNs = 0, compactBytes = 0;
        int compactPages = 0;
        QList<qint64> compactSinces;
        for (;;) {
            QElapsedTimer step;
            step.start();
            compactSinces.append(compactReplica.checkpoint());
            const QByteArray text = feed.compactPage(manager, compactReplica.checkpoint(), 5000);
            compactFeedNs += step.nsecsElapsed();
            compactBytes += text.size();
            step.restart();
            const QJsonObject page = QJsonDocument::fromJson(text).object();
            compactParseNs += step.nsecsElapsed();
            step.restart();
            if (!compactReplica.applyPage(page, &error)) {
                err << "bench_changefeed: " << error << Qt::endl;
                return 1;
            }
            compactApplyNs += step.nsecsElapsed();
            ++compactPages;
            if (!page.value(QStringLiteral("more")).toBool())
                break;
        }
        // The same format 2 pages, the feed alone: written from the cursor (as
        // above) and, as the reference, through an Item of QVariants per row;
        // the same bytes either way. Alternated, the median of 3 rounds each.
        ChangeFeed itemFeed(core);
        itemFeed.setPagesFromCursor(false);
        for (const qint64 since : std::as_const(compactSinces)) {
            if (feed.compactPage(manager, since, 5000) != itemFeed.compactPage(manager, since, 5000)) {
                err << "bench_changefeed: the page since " << since << " differs from the reference"
                    << Qt::endl;
                return 1;
            }
        }
        QList<double> cursorMs, itemMs;
        for (int round = 0; round < 3; ++round) {
            for (const ChangeFeed *f : { &feed, &itemFeed }) {
                QElapsedTimer step;
                step.start();
                for (const qint64 since : std::as_const(compactSinces))
                    f->compactPage(manager, since, 5000);
                (f == &feed ? cursorMs : itemMs).append(step.nsecsElapsed() / 1e6);
            }
        }
        std::sort(cursorMs.begin(), cursorMs.end());
        std::sort(itemMs.begin(), itemMs.end());

        const double managerPoll = medianPoll(feed, manager, checkpoint, runs);
        const double simplePoll = medianPoll(feed, simple, checkpoint, runs);

        out << "back-end: " << (db->isPostgres() ? "postgresql" : "sqlite") << Qt::endl;
        out << "rows visible to the manager: " << visible << Qt::endl;
        out << "everything(): " << QString::number(everythingMs, 'f', 0) << " ms" << Qt::endl;
        out << "first sync, pages of 1000: " << pages << " pages, " << received << " rows, feed "
            << QString::number(feedNs / 1e6, 'f', 0) << " ms + replica apply "
            << QString::number(applyNs / 1e6, 'f', 0)
            << " ms = " << QString::number((feedNs + applyNs) / 1e6, 'f', 0) << " ms" << Qt::endl;
        out << "first sync, format 2, pages of 5000: " << compactPages << " pages, "
            << QString::number(compactBytes / 1e6, 'f', 1) << " MB, feed "
            << QString::number(compactFeedNs / 1e6, 'f', 0) << " ms + parse "
            << QString::number(compactParseNs / 1e6, 'f', 0) << " ms + replica apply "
            << QString::number(compactApplyNs / 1e6, 'f', 0)
            << " ms = " << QString::number((compactFeedNs + compactParseNs + compactApplyNs) / 1e6, 'f', 0)
            << " ms" << Qt::endl;
        out << "format 2 pages of 5000, feed only, median of 3: from the cursor "
            << QString::number(cursorMs.at(1), 'f', 0) << " ms, through Items (reference) "
            << QString::number(itemMs.at(1), 'f', 0) << " ms, ratio "
            << QString::number(cursorMs.at(1) / itemMs.at(1), 'f', 2) << Qt::endl;
        out << "empty poll, median of " << runs << ": manager " << QString::number(managerPoll, 'f', 1)
            << " us, simple user " << QString::number(simplePoll, 'f', 1) << " us" << Qt::endl;
    } catch (const DatabaseError &e) {
        err << "bench_changefeed: " << e.message() << Qt::endl;
        return 1;
    }
    return 0;
}
