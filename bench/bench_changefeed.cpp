// Measures the sync feed: a first sync of ~100,000 visible rows in pages of 1000
// applied into a replica, everything() at once, and the empty poll.
// Usage: bench_changefeed --database LOCATION [--rows N] [--runs N]
// LOCATION must be a new database (SQLite file or postgresql:// URL): the world
// is built in it on first use and reused afterwards.
#include "changefeed.h"
#include "core.h"
#include "database.h"
#include "replica.h"

#include <QCommandLineParser>
#include <QCoreApplication>
#include <QDateTime>
#include <QElapsedTimer>
#include <QJsonArray>
#include <QTemporaryDir>
#include <QTextStream>

#include <algorithm>

using namespace guichet;

namespace {

const QString kManager = QStringLiteral("bench-manager@example.org");
const QString kSimple = QStringLiteral("bench-simple@example.org");

// Multi-row INSERTs of `rows` value tuples, 500 a statement.
void insertMany(Database &db, const QString &head, const QStringList &rows)
{
    for (int from = 0; from < rows.size(); from += 500)
        db.exec(head + rows.mid(from, 500).join(QLatin1Char(',')));
}

QString q(const QString &text)
{
    return QLatin1Char('\'') + QString(text).replace(QLatin1Char('\''), QStringLiteral("''"))
        + QLatin1Char('\'');
}

// One principal manager of `structures` structures, each with 5 services and
// `people` attached users (5 subscriptions each, 3 audit entries per person);
// 10% more structures the manager does not see. Direct inserts, one version
// per person (as one validation command would do).
void buildWorld(Database &db, int structures, int people)
{
    Transaction transaction(db);
    const qint64 now = QDateTime::currentMSecsSinceEpoch();
    qint64 version
        = db.value(QStringLiteral("SELECT value FROM counters WHERE name = 'version'")).toLongLong();
    qint64 userId = db.value(QStringLiteral("SELECT COALESCE(MAX(id), 0) FROM users")).toLongLong();
    qint64 structureId = db.value(QStringLiteral("SELECT COALESCE(MAX(id), 0) FROM structures")).toLongLong();
    qint64 attachmentId = 0, subscriptionId = 0, auditId = 0, serviceId = 0;

    const auto user = [&](const QString &email, QStringList &rows) {
        ++userId;
        rows << QStringLiteral("(%1, %2, 'Prénom', 'Nom', %2, 'x', %3, %4)")
                    .arg(userId)
                    .arg(q(email))
                    .arg(now)
                    .arg(++version);
        return userId;
    };
    QStringList users;
    const qint64 manager = user(kManager, users);
    const qint64 simple = user(kSimple, users);
    QStringList structureRows, services, attachments, subscriptions, audit;
    const int total = structures + std::max(1, structures / 10);
    for (int s = 0; s < total; ++s) {
        const bool visible = s < structures;
        ++structureId;
        ++version;
        structureRows << QStringLiteral("(%1, %2, %3, 0, %4, %5)")
                             .arg(structureId)
                             .arg(q(QStringLiteral("B%1").arg(structureId, 13, 10, QLatin1Char('0'))))
                             .arg(q(QStringLiteral("Structure %1").arg(structureId)))
                             .arg(now)
                             .arg(version);
        for (int k = 0; k < 5; ++k)
            services << QStringLiteral("(%1, %2, 'S%3', 'Service %3', %4)")
                            .arg(++serviceId)
                            .arg(structureId)
                            .arg(k)
                            .arg(version);
        if (visible)
            attachments << QStringLiteral("(%1, %2, %3, 'principal', '2026-01-01', 'validated', %4, %5)")
                               .arg(++attachmentId)
                               .arg(manager)
                               .arg(structureId)
                               .arg(now)
                               .arg(version);
        if (s == 0)
            attachments << QStringLiteral("(%1, %2, %3, 'user', '2026-01-01', 'validated', %4, %5)")
                               .arg(++attachmentId)
                               .arg(simple)
                               .arg(structureId)
                               .arg(now)
                               .arg(version);
    }
    // People come after the manager's attachments, as in life.
    structureId -= total;
    for (int s = 0; s < total; ++s) {
        ++structureId;
        for (int p = 0; p < people; ++p) {
            const qint64 person = user(QStringLiteral("p%1.%2@example.org").arg(structureId).arg(p), users);
            attachments << QStringLiteral("(%1, %2, %3, 'user', '2026-01-01', 'validated', %4, %5)")
                               .arg(++attachmentId)
                               .arg(person)
                               .arg(structureId)
                               .arg(now)
                               .arg(version);
            for (int space = 1; space <= 5; ++space)
                subscriptions << QStringLiteral(
                                     "(%1, %2, %3, %4, 'consultation', '2026-01-01', 'validated', %5, %6)")
                                     .arg(++subscriptionId)
                                     .arg(person)
                                     .arg(structureId)
                                     .arg(space)
                                     .arg(now)
                                     .arg(version);
            for (int a = 0; a < 3; ++a)
                audit << QStringLiteral("(%1, %2, %3, 'benchData', 'attachment', %4, %5, 'bench', %6)")
                             .arg(++auditId)
                             .arg(now)
                             .arg(manager)
                             .arg(attachmentId)
                             .arg(structureId)
                             .arg(version);
        }
    }
    insertMany(
        db,
        QStringLiteral("INSERT INTO users (id, email, first_name, last_name, contact_email, password_hash, "
                       "created_at, version) VALUES "),
        users);
    insertMany(
        db,
        QStringLiteral("INSERT INTO structures (id, siret, raison_sociale, secondary_powers, created_at, "
                       "version) VALUES "),
        structureRows);
    insertMany(db, QStringLiteral("INSERT INTO services (id, structure_id, code, name, version) VALUES "),
               services);
    insertMany(db,
               QStringLiteral("INSERT INTO attachments (id, user_id, structure_id, role, valid_from, status, "
                              "requested_at, version) VALUES "),
               attachments);
    insertMany(db,
               QStringLiteral("INSERT INTO subscriptions (id, user_id, structure_id, space_id, mode, "
                              "effective_date, status, requested_at, version) VALUES "),
               subscriptions);
    insertMany(
        db,
        QStringLiteral("INSERT INTO audit_log (id, at, actor_id, command, entity, entity_id, structure_id, "
                       "details, version) VALUES "),
        audit);
    db.exec(QStringLiteral("UPDATE counters SET value = ? WHERE name = 'version'"), { version });
    transaction.commit();
    if (db.isPostgres()) {
        // Explicit ids above: move the sequences past them, and give the planner statistics.
        for (const QString &table :
             { QStringLiteral("users"), QStringLiteral("structures"), QStringLiteral("services"),
               QStringLiteral("attachments"), QStringLiteral("subscriptions"), QStringLiteral("audit_log") })
            db.exec(
                QStringLiteral("SELECT setval(pg_get_serial_sequence('%1', 'id'), (SELECT MAX(id) FROM %1))")
                    .arg(table));
        db.exec(QStringLiteral("ANALYZE"));
    } else {
        db.exec(QStringLiteral("ANALYZE"));
    }
}

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
    QCommandLineParser parser;
    parser.setApplicationDescription(QStringLiteral("Change feed benchmark."));
    parser.addHelpOption();
    const QCommandLineOption databaseOption(QStringLiteral("database"),
                                            QStringLiteral("New SQLite file or postgresql:// URL."),
                                            QStringLiteral("location"));
    const QCommandLineOption rowsOption(QStringLiteral("rows"),
                                        QStringLiteral("Rows the manager sees, about (default 100000)."),
                                        QStringLiteral("n"), QStringLiteral("100000"));
    const QCommandLineOption runsOption(QStringLiteral("runs"),
                                        QStringLiteral("Empty polls timed (default 1001)."),
                                        QStringLiteral("n"), QStringLiteral("1001"));
    parser.addOptions({ databaseOption, rowsOption, runsOption });
    parser.process(app);
    if (!parser.isSet(databaseOption)) {
        err << "bench_changefeed: --database is required" << Qt::endl;
        return 2;
    }
    const int wanted = std::max(1000, parser.value(rowsOption).toInt());
    const int runs = std::max(1, parser.value(runsOption).toInt());
    QString error;
    auto db = Database::open(parser.value(databaseOption), &error);
    if (!db || !db->migrate(&error)) {
        err << "bench_changefeed: " << error << Qt::endl;
        return 1;
    }
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
        const double managerPoll = medianPoll(feed, manager, checkpoint, runs);
        const double simplePoll = medianPoll(feed, simple, checkpoint, runs);

        out << "back-end: " << (db->isPostgres() ? "postgresql" : "sqlite") << Qt::endl;
        out << "rows visible to the manager: " << visible << Qt::endl;
        out << "everything(): " << QString::number(everythingMs, 'f', 0) << " ms" << Qt::endl;
        out << "first sync, pages of 1000: " << pages << " pages, " << received << " rows, feed "
            << QString::number(feedNs / 1e6, 'f', 0) << " ms + replica apply "
            << QString::number(applyNs / 1e6, 'f', 0)
            << " ms = " << QString::number((feedNs + applyNs) / 1e6, 'f', 0) << " ms" << Qt::endl;
        out << "empty poll, median of " << runs << ": manager " << QString::number(managerPoll, 'f', 1)
            << " us, simple user " << QString::number(simplePoll, 'f', 1) << " us" << Qt::endl;
    } catch (const DatabaseError &e) {
        err << "bench_changefeed: " << e.message() << Qt::endl;
        return 1;
    }
    return 0;
}
