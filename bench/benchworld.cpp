#include "benchworld.h"

#include "kernel/database.h"

#include <QDateTime>
#include <QDeadlineTimer>
#include <QProcess>
#include <QRegularExpression>
#include <QStringList>

#include <algorithm>
#include <stdexcept>

namespace guichet::bench {

const QString kManager = QStringLiteral("bench-manager@example.org");
const QString kSimple = QStringLiteral("bench-simple@example.org");

namespace {

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

} // namespace

// One principal manager of `structures` structures, each with 5 services and
// `people` attached users (5 subscriptions each, 3 audit entries per person);
// 10% more structures the manager does not see. Direct inserts, one version
// per person (as one validation command would do).
void buildWorld(Database &db, int structures, int people)
{
    Transaction transaction(db);
    const qint64 now = QDateTime::currentMSecsSinceEpoch();
    qint64 version = db.currentVersion();
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
        structureRows << QStringLiteral("(%1, %2, %3, 0, %4, %5, %6)")
                             .arg(structureId)
                             .arg(q(QStringLiteral("B%1").arg(structureId, 13, 10, QLatin1Char('0'))))
                             .arg(q(QStringLiteral("Structure %1").arg(structureId)))
                             .arg(now)
                             .arg(version)
                             .arg(q(QStringLiteral("structure %1").arg(structureId)));
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
                       "version, sort_key) VALUES "),
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
    // PostgreSQL hands versions out from a sequence (0008_version_sequence);
    // readers read up to the last committed version there is a row for.
    if (db.isPostgres()) {
        db.exec(QStringLiteral("SELECT setval('version_seq', ?)"), { version });
        db.exec(QStringLiteral("INSERT INTO committed_versions (version) VALUES (?) ON CONFLICT DO NOTHING"),
                { version });
    } else {
        db.exec(QStringLiteral("UPDATE counters SET value = ? WHERE name = 'version'"), { version });
    }
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

QString waitUntilListening(QProcess &process, const QRegularExpression &listening)
{
    QByteArray out;
    QDeadlineTimer deadline(30000);
    while (!deadline.hasExpired()) {
        if (!process.waitForReadyRead(200) && process.state() == QProcess::NotRunning)
            break;
        out += process.readAllStandardOutput();
        const auto match = listening.match(QString::fromUtf8(out));
        if (match.hasMatch())
            return match.captured(1);
    }
    throw std::runtime_error("server did not start: " + process.program().toStdString() + " "
                             + process.arguments().join(QLatin1Char(' ')).toStdString() + "\n"
                             + out.toStdString());
}

} // namespace guichet::bench
