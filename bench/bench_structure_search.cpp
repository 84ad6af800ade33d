// Measures the first page of the structure search against a plain LIKE scan,
// then the 25-query mix of issue 14: for each query the page of 50 and its
// count together, p50/p95 over the mix, against a plain LIKE and a
// straightforward FTS5 trigram (pg_trgm on PostgreSQL) search in the same run.
// With --http, the mix is also asked through a guichetd started on the same
// database (GET /api/v1/structures with count=bounded, keyset for the deep
// page: what the desktop asks in connected mode), as a bench user's session.
// Usage: bench_structure_search --database LOCATION [--structures N] [--runs N] [--mix-only]
//                               [--http] [--guichetd PATH]
#include "benchcommandline.h"
#include "benchworld.h"
#include "datagen/benchdata.h"
#include "kernel/core.h"
#include "kernel/database.h"
#include "kernel/textfold.h"
#include "rules/accounts/accounts.h"
#include "rules/accounts/accountstore.h"
#include "rules/accounts/passwords.h"
#include "rules/structures/structures.h"

#include <QCoreApplication>
#include <QDateTime>
#include <QElapsedTimer>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QRegularExpression>
#include <QTcpSocket>
#include <QTextStream>
#include <QUrlQuery>

#include <algorithm>
#include <cmath>
#include <csignal>
#include <functional>
#include <stdexcept>

using namespace guichet;
using namespace guichet::bench;

namespace {

// guichetd on 127.0.0.1 (a free port), stopped with SIGTERM.
class GuichetdProcess
{
public:
    GuichetdProcess(const QString &program, const QString &database)
    {
        m_process.setStandardErrorFile(QProcess::nullDevice()); // the request log
        m_process.start(program,
                        { QStringLiteral("--database"), database, QStringLiteral("--listen"),
                          QStringLiteral("127.0.0.1:0"), QStringLiteral("--language"),
                          QStringLiteral("en") });
        const QRegularExpression listening(QStringLiteral("listening on (?:http://127\\.0\\.0\\.1:)?(\\d+)"));
        m_port = quint16(waitUntilListening(m_process, listening).toUInt());
    }
    ~GuichetdProcess()
    {
        if (m_process.state() != QProcess::NotRunning) {
            ::kill(pid_t(m_process.processId()), SIGTERM);
            if (!m_process.waitForFinished(10000))
                m_process.kill();
        }
    }
    quint16 port() const { return m_port; }

private:
    QProcess m_process;
    quint16 m_port = 0;
};

// One keep-alive HTTP/1.1 connection, as a desktop holds one: GET with the
// session's token, answers read by their Content-Length.
class HttpClient
{
public:
    HttpClient(quint16 port, const QByteArray &token)
        : m_port(port)
        , m_token(token)
    {
    }

    QJsonObject get(const QByteArray &target, int *status)
    {
        if (m_socket.state() != QAbstractSocket::ConnectedState) {
            m_socket.connectToHost(QStringLiteral("127.0.0.1"), m_port);
            if (!m_socket.waitForConnected(5000))
                throw std::runtime_error("cannot connect to guichetd");
        }
        m_socket.write("GET " + target + " HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer " + m_token
                       + "\r\n\r\n");
        QByteArray in;
        qsizetype headerEnd = -1;
        while ((headerEnd = in.indexOf("\r\n\r\n")) < 0) {
            if (!m_socket.waitForReadyRead(60000))
                throw std::runtime_error("guichetd did not answer");
            in += m_socket.readAll();
        }
        const QByteArray head = in.left(headerEnd).toLower();
        *status = head.mid(9, 3).toInt();
        const QRegularExpression lengthHeader(QStringLiteral("content-length: *(\\d+)"));
        const auto length = lengthHeader.match(QString::fromLatin1(head));
        if (!length.hasMatch())
            throw std::runtime_error("guichetd's answer has no Content-Length");
        const qsizetype bodySize = length.captured(1).toLongLong();
        while (in.size() < headerEnd + 4 + bodySize) {
            if (!m_socket.waitForReadyRead(60000))
                throw std::runtime_error("guichetd's answer stopped");
            in += m_socket.readAll();
        }
        return QJsonDocument::fromJson(in.mid(headerEnd + 4, bodySize)).object();
    }

private:
    QTcpSocket m_socket;
    quint16 m_port;
    QByteArray m_token;
};

// A session for the bench's user (created with a fast hash when missing):
// its token, as guichetd's sign-in would give it.
QByteArray benchSession(Database &db, Core &core)
{
    const QString email = QStringLiteral("bench-search@example.org");
    PasswordHasher::setFastHashingForTests(true);
    if (!db.value(QStringLiteral("SELECT id FROM users WHERE email = ?"), { email }).isValid()) {
        const CommandResult created = Accounts(core).createUser(
            { email, QStringLiteral("Bench"), QStringLiteral("Search"), QStringLiteral("Tournesol-Lent-2026"),
              false, QStringLiteral("en") });
        if (!created.ok())
            throw std::runtime_error("cannot create the bench user: " + created.message.toStdString());
    }
    const qint64 user
        = db.value(QStringLiteral("SELECT id FROM users WHERE email = ?"), { email }).toLongLong();
    Transaction transaction(db);
    const QString token = newSecretToken();
    const qint64 now = QDateTime::currentMSecsSinceEpoch();
    AccountStore(db).insertSession(user, secretTokenHash(token), now, now + 24LL * 3600 * 1000);
    transaction.commit();
    return token.toLatin1();
}

// A query value as guichetd reads it ('+' is a space there, form encoding).
QString queryValue(const QString &value)
{
    QString encoded = value;
    encoded.replace(QLatin1Char('%'), QStringLiteral("%25"));
    encoded.replace(QLatin1Char('+'), QStringLiteral("%2B"));
    return encoded;
}

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

// Nearest-rank percentile of sorted values.
double percentile(QList<double> values, double p)
{
    std::sort(values.begin(), values.end());
    const int rank = std::max(1, int(std::ceil(p * values.size())));
    return values.at(std::min<int>(rank, values.size()) - 1);
}

double median(QList<double> values)
{
    std::sort(values.begin(), values.end());
    return values.at(values.size() / 2);
}

struct MixQuery
{
    QString name;
    StructureCriteria criteria;
    // The page starts after this many matches (0: the first page).
    int offset = 0;
};

// The 25 queries of issue 14 over the synthetic data of guichetctl bench-data.
QList<MixQuery> mixQueries()
{
    const auto name = [](const char *text) {
        return StructureCriteria { QString::fromUtf8(text), {}, {}, {}, {} };
    };
    StructureCriteria twoCriteria = name("*menuiserie*");
    twoCriteria.ville = QStringLiteral("lyon");
    StructureCriteria postalAndName = name("*boulangerie*");
    postalAndName.codePostal = QStringLiteral("75011");
    StructureCriteria labelAndCity;
    labelAndCity.libelle = QStringLiteral("*siège*");
    labelAndCity.ville = QStringLiteral("*nice*");
    StructureCriteria formAndCity = name("sas *");
    formAndCity.ville = QStringLiteral("saint*");
    StructureCriteria label;
    label.libelle = QStringLiteral("atelier");
    const auto siret = [](const char *prefix) {
        return StructureCriteria { {}, QString::fromLatin1(prefix), {}, {}, {} };
    };
    const auto postal = [](const char *code) {
        return StructureCriteria { {}, {}, {}, QString::fromLatin1(code), {} };
    };
    const auto city = [](const char *text) {
        return StructureCriteria { {}, {}, {}, {}, QString::fromUtf8(text) };
    };
    return {
        { QStringLiteral("common word *menuiserie*"), name("*menuiserie*") },
        { QStringLiteral("common word *boucherie*"), name("*boucherie*") },
        { QStringLiteral("very common phrase *et fils*"), name("*et fils*") },
        { QStringLiteral("very common phrase *sarl *"), name("*sarl *") },
        { QStringLiteral("rare phrase *guérin-henry*"), name("*guérin-henry*") },
        { QStringLiteral("rare phrase *chevalier et fils boucherie*"),
          name("*chevalier et fils boucherie*") },
        { QStringLiteral("absent word *zorglub*"), name("*zorglub*") },
        { QStringLiteral("SIRET prefix 1234*"), siret("1234*") },
        { QStringLiteral("SIRET prefix 98765*"), siret("98765*") },
        { QStringLiteral("postal code 75011"), postal("75011") },
        { QStringLiteral("postal code 13100"), postal("13100") },
        { QStringLiteral("city paris"), city("paris") },
        { QStringLiteral("city Saint-Étienne"), city("Saint-Étienne") },
        { QStringLiteral("two criteria *menuiserie* + lyon"), twoCriteria },
        { QStringLiteral("two criteria *boulangerie* + 75011"), postalAndName },
        { QStringLiteral("two criteria libellé *siège* + *nice*"), labelAndCity },
        { QStringLiteral("two criteria sas * + saint*"), formAndCity },
        { QStringLiteral("accents *électricité*"), name("*électricité*") },
        { QStringLiteral("accents *ÉBÉNISTERIE*"), name("*ÉBÉNISTERIE*") },
        { QStringLiteral("page at 10,000 of *menuiserie*"), name("*menuiserie*"), 10000 },
        { QStringLiteral("page at 10,000 of *"), name("*"), 10000 },
        { QStringLiteral("two letters *du*"), name("*du*") },
        { QStringLiteral("one letter *y*"), name("*y*") },
        { QStringLiteral("prefix menuis*"), name("menuis*") },
        { QStringLiteral("libellé atelier"), label },
    };
}

// The criteria as the straightforward references write them: `column LIKE
// pattern` on the table (plain LIKE), or on the folded copy (FTS5 trigram
// GLOB on SQLite, pg_trgm LIKE on PostgreSQL).
QList<std::pair<QString, QString>> referencePatterns(const StructureCriteria &c, bool folded, bool glob)
{
    QList<std::pair<QString, QString>> result;
    const std::pair<QString, QString> fields[] = {
        { QStringLiteral("raison_sociale"), c.raisonSociale },
        { QStringLiteral("siret"), c.siret },
        { QStringLiteral("libelle"), c.libelle },
        { QStringLiteral("code_postal"), c.codePostal },
        { QStringLiteral("ville"), c.ville },
    };
    for (const auto &[column, value] : fields) {
        QString v = folded ? foldForSearch(value.trimmed()) : value.trimmed();
        if (v.isEmpty() || v == QLatin1String("*"))
            continue;
        if (!glob)
            v.replace(QLatin1Char('*'), QLatin1Char('%'));
        result.append({ column, v });
    }
    return result;
}

// One reference search: page of 50 at `offset` ordered by raison sociale, and
// its count, as a straightforward implementation would run them.
int referenceSearch(const Database &db, const MixQuery &q, bool fts)
{
    const bool postgres = db.isPostgres();
    const auto patterns = referencePatterns(q.criteria, fts, fts && !postgres);
    QStringList where;
    QVariantList args;
    for (const auto &[column, pattern] : patterns) {
        if (fts)
            where << QStringLiteral("f.%1 %2 ?")
                         .arg(column, postgres ? QStringLiteral("LIKE") : QStringLiteral("GLOB"));
        else if (postgres)
            where << QStringLiteral("lower(s.%1) LIKE lower(?)").arg(column);
        else
            where << QStringLiteral("s.%1 LIKE ?").arg(column);
        args << pattern;
    }
    const QString condition = where.isEmpty() ? QStringLiteral("1 = 1") : where.join(QStringLiteral(" AND "));
    QString page;
    QString count;
    if (fts) {
        const QString hits
            = QStringLiteral("SELECT f.rowid FROM structures_search f WHERE %1").arg(condition);
        page = QStringLiteral(
                   "SELECT s.id, s.siret, s.raison_sociale, s.libelle, s.code_postal, s.ville FROM "
                   "structures s WHERE s.id IN (%1) ORDER BY s.raison_sociale, s.id LIMIT 50 OFFSET %2")
                   .arg(hits)
                   .arg(q.offset);
        count = QStringLiteral("SELECT COUNT(*) FROM structures_search f WHERE %1").arg(condition);
    } else {
        page
            = QStringLiteral("SELECT s.id, s.siret, s.raison_sociale, s.libelle, s.code_postal, s.ville FROM "
                             "structures s WHERE %1 ORDER BY s.raison_sociale, s.id LIMIT 50 OFFSET %2")
                  .arg(condition)
                  .arg(q.offset);
        count = QStringLiteral("SELECT COUNT(*) FROM structures s WHERE %1").arg(condition);
    }
    QSqlQuery query = db.exec(page, args);
    int n = 0;
    while (query.next())
        ++n;
    db.value(count, args);
    return n;
}

struct MixResult
{
    QList<double> ours; // median per query
    QList<double> http; // the same through guichetd
    QList<double> like;
    QList<double> fts;
};

// GET /api/v1/structures for the query: its page of 50 with count=bounded,
// keyset after `after`.
QByteArray structuresTarget(const StructureCriteria &c, const std::optional<StructureCursor> &after)
{
    QUrlQuery query;
    const std::pair<const char *, QString> fields[] = {
        { "raison_sociale", c.raisonSociale }, { "siret", c.siret }, { "libelle", c.libelle },
        { "code_postal", c.codePostal },       { "ville", c.ville },
    };
    for (const auto &[key, value] : fields) {
        if (!value.isEmpty())
            query.addQueryItem(QString::fromLatin1(key), queryValue(value));
    }
    if (after) {
        query.addQueryItem(QStringLiteral("after_key"), queryValue(after->sortKey));
        query.addQueryItem(QStringLiteral("after_id"), QString::number(after->id));
    }
    query.addQueryItem(QStringLiteral("limit"), QStringLiteral("50"));
    query.addQueryItem(QStringLiteral("count"), QStringLiteral("bounded"));
    return "/api/v1/structures?" + query.toString(QUrl::FullyEncoded).toLatin1();
}

void runMix(const Database &db, const Structures &structures, int runs, int referenceRuns, HttpClient *http,
            QTextStream &out)
{
    const QList<MixQuery> queries = mixQueries();
    out << "\n### 25-query mix: page of 50 and its count together\n\n";
    out << QStringLiteral(
               "Per query: median of %1 runs (after one warm-up) of searchWithCount() (searchAfter() and "
               "countBounded() together); "
               "the references: median of %2 runs of page (ORDER BY raison_sociale, id LIMIT 50 "
               "OFFSET) + COUNT(*).\n\n")
               .arg(runs)
               .arg(referenceRuns);
    if (http)
        out << "Through guichetd: median of the same runs of GET /api/v1/structures (limit=50, "
               "count=bounded, keyset for the deep page) on one keep-alive connection.\n\n";
    out << "| query | count shown | exact count | page rows | page+count median | p90 | "
        << (http ? "through guichetd median | p90 | " : "") << "plain LIKE | FTS reference |\n";
    out << "| --- | ---: | ---: | ---: | ---: | ---: | " << (http ? "---: | ---: | " : "")
        << "---: | ---: |\n";
    out.flush();
    MixResult mix;
    QList<double> all;
    for (const MixQuery &q : queries) {
        // The keyset cursor of a deep page comes from the page before it (as
        // the desktop has it when it scrolls); taking it is not timed.
        std::optional<StructureCursor> after;
        if (q.offset > 0) {
            const QList<StructureRow> before = structures.search(q.criteria, q.offset - 1, 1);
            if (!before.isEmpty())
                after = StructureCursor { before.first().sortKey, before.first().id };
        }
        StructureCount shown;
        int rows = 0;
        const auto run = [&] {
            const StructureSearchPage page = structures.searchWithCount(q.criteria, after, 0, 50);
            shown = page.count;
            rows = int(page.rows.size());
            return rows;
        };
        run();
        QList<double> times;
        for (int i = 0; i < runs; ++i) {
            QElapsedTimer timer;
            timer.start();
            run();
            times.append(timer.nsecsElapsed() / 1e6);
        }
        all += times;
        QList<double> httpTimes;
        QString httpNote;
        if (http) {
            const QByteArray target = structuresTarget(q.criteria, after);
            const auto ask = [&] {
                int status = 0;
                const QJsonObject answer = http->get(target, &status);
                const int got = int(answer.value(QLatin1String("rows")).toArray().size());
                if (status != 200 || got != rows
                    || answer.value(QLatin1String("count")).toInteger() != shown.count)
                    httpNote
                        = QStringLiteral("  (error: guichetd answered %1 with %2 rows and a count of %3)\n")
                              .arg(status)
                              .arg(got)
                              .arg(answer.value(QLatin1String("count")).toInteger());
            };
            ask();
            for (int i = 0; i < runs; ++i) {
                QElapsedTimer timer;
                timer.start();
                ask();
                httpTimes.append(timer.nsecsElapsed() / 1e6);
            }
            mix.http.append(median(httpTimes));
        }
        const auto reference = [&](bool fts) {
            QList<double> t;
            if (referenceRuns <= 0)
                return 0.0; // references skipped (a quick look at Guichet's own times)
            for (int i = 0; i < referenceRuns; ++i) {
                QElapsedTimer timer;
                timer.start();
                referenceSearch(db, q, fts);
                t.append(timer.nsecsElapsed() / 1e6);
            }
            return median(t);
        };
        const double like = reference(false);
        const double fts = reference(true);
        const qint64 exact = structures.count(q.criteria);
        mix.ours.append(median(times));
        mix.like.append(like);
        mix.fts.append(fts);
        const QString throughGuichetd = http ? QStringLiteral("%1 ms | %2 ms | ")
                                                   .arg(median(httpTimes), 0, 'f', 1)
                                                   .arg(percentile(httpTimes, 0.9), 0, 'f', 1)
                                             : QString();
        out << QStringLiteral("| %1 | %2%3 | %4 | %5 | %6 ms | %7 ms | %8%9 ms | %10 ms |\n")
                   .arg(q.name, shown.exact ? QString() : QStringLiteral("≥ "))
                   .arg(shown.count)
                   .arg(exact)
                   .arg(rows)
                   .arg(median(times), 0, 'f', 1)
                   .arg(percentile(times, 0.9), 0, 'f', 1)
                   .arg(throughGuichetd)
                   .arg(like, 0, 'f', 1)
                   .arg(fts, 0, 'f', 1);
        out << httpNote;
        if (shown.exact ? shown.count != exact : shown.count > exact)
            out << "  (error: the count shown does not agree with the exact count)\n";
        out.flush();
    }
    const double p50 = percentile(mix.ours, 0.5);
    const double p95 = percentile(mix.ours, 0.95);
    out << QStringLiteral(
               "\nOver the mix (per-query medians, nearest rank): Guichet p50 %1 ms, p95 %2 ms; plain LIKE "
               "p50 %3 ms, p95 %4 ms (%5× / %6× slower); FTS reference p50 %7 ms, p95 %8 ms (%9× / %10× "
               "slower). Every run of every query: p50 %11 ms, p95 %12 ms.\n")
               .arg(p50, 0, 'f', 1)
               .arg(p95, 0, 'f', 1)
               .arg(percentile(mix.like, 0.5), 0, 'f', 1)
               .arg(percentile(mix.like, 0.95), 0, 'f', 1)
               .arg(percentile(mix.like, 0.5) / std::max(p50, 0.001), 0, 'f', 1)
               .arg(percentile(mix.like, 0.95) / std::max(p95, 0.001), 0, 'f', 1)
               .arg(percentile(mix.fts, 0.5), 0, 'f', 1)
               .arg(percentile(mix.fts, 0.95), 0, 'f', 1)
               .arg(percentile(mix.fts, 0.5) / std::max(p50, 0.001), 0, 'f', 1)
               .arg(percentile(mix.fts, 0.95) / std::max(p95, 0.001), 0, 'f', 1)
               .arg(percentile(all, 0.5), 0, 'f', 1)
               .arg(percentile(all, 0.95), 0, 'f', 1);
    if (http) {
        const double h50 = percentile(mix.http, 0.5);
        const double h95 = percentile(mix.http, 0.95);
        out << QStringLiteral(
                   "\nThrough guichetd (per-query medians, nearest rank): p50 %1 ms, p95 %2 ms (in process "
                   "%3 / %4 ms); FTS reference %5× / %6× slower, plain LIKE %7× / %8× slower.\n")
                   .arg(h50, 0, 'f', 1)
                   .arg(h95, 0, 'f', 1)
                   .arg(p50, 0, 'f', 1)
                   .arg(p95, 0, 'f', 1)
                   .arg(percentile(mix.fts, 0.5) / std::max(h50, 0.001), 0, 'f', 1)
                   .arg(percentile(mix.fts, 0.95) / std::max(h95, 0.001), 0, 'f', 1)
                   .arg(percentile(mix.like, 0.5) / std::max(h50, 0.001), 0, 'f', 1)
                   .arg(percentile(mix.like, 0.95) / std::max(h95, 0.001), 0, 'f', 1);
    }
    out.flush();
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
    const QCommandLineOption referenceRunsOption
        = commandLine.addNumber(QStringLiteral("reference-runs"),
                                QStringLiteral("Runs per query of the mix's references (0: none)"), 3);
    const QCommandLineOption mixOnlyOption(
        QStringLiteral("mix-only"), QStringLiteral("Only the 25-query mix (not the three-query table)."));
    commandLine.addOption(mixOnlyOption);
    const QCommandLineOption httpOption(
        QStringLiteral("http"),
        QStringLiteral("The mix through a guichetd started on the same database too."));
    commandLine.addOption(httpOption);
    const QCommandLineOption guichetdOption(QStringLiteral("guichetd"),
                                            QStringLiteral("The guichetd to start (with --http)."),
                                            QStringLiteral("path"), QStringLiteral(GUICHETD_PATH));
    commandLine.addOption(guichetdOption);
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
    std::unique_ptr<GuichetdProcess> server;
    std::unique_ptr<HttpClient> http;
    if (commandLine.isSet(httpOption)) {
        try {
            const QByteArray token = benchSession(*db, core);
            server = std::make_unique<GuichetdProcess>(commandLine.value(guichetdOption),
                                                       commandLine.location());
            http = std::make_unique<HttpClient>(server->port(), token);
        } catch (const std::exception &e) {
            err << "bench_structure_search: " << e.what() << Qt::endl;
            return 1;
        }
    }
    if (commandLine.isSet(mixOnlyOption)) {
        out << "Structures: " << total << " on " << (db->isPostgres() ? "PostgreSQL" : "SQLite") << "\n";
        runMix(*db, structures, runs, int(commandLine.number(referenceRunsOption, 0)), http.get(), out);
        return 0;
    }
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
    runMix(*db, structures, runs, int(commandLine.number(referenceRunsOption, 0)), http.get(), out);
    return 0;
}
