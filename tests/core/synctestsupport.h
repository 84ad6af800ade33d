#pragma once

// Shared by tst_changefeed and tst_replica: a small world built through core's
// commands on the server database, and replicas (always SQLite files) to pull
// change pages into.

#include "client/replica.h"
#include "fixtures.h"
#include "kernel/core.h"
#include "manualclock.h"
#include "rules/attachments/attachments.h"
#include "rules/files/attachedfiles.h"
#include "rules/spaces/spaces.h"
#include "rules/spaces/subscriptions.h"
#include "rules/structures/structures.h"
#include "rules/support/solicitations.h"
#include "sync/changefeed.h"
#include "testdatabase.h"

#include <QJsonArray>
#include <QSqlRecord>
#include <QTemporaryDir>

#include <memory>

namespace guichet::test {

// Text a JSON writer or reader can get wrong: quotes, backslashes, what looks
// like an escape, every kind of control character JSON must escape, DEL, a
// leading and an inner byte-order mark, line and paragraph separators, and
// characters outside the BMP (surrogate pairs in UTF-16). No NUL: PostgreSQL
// text cannot hold it.
inline QString trickyText()
{
    QString text
        = QString(QChar(0xFEFF)) + QStringLiteral("Quote \" apostrophe ' backslash \\ \\u0041 \\n /");
    for (ushort c = 1; c < 0x20; ++c)
        text += QChar(c);
    text += QChar(0x7F);
    text += QStringLiteral(" inner") + QChar(0xFEFF) + QStringLiteral("bom ") + QChar(0x2028) + QChar(0x2029);
    text += QStringLiteral(" é Œ ") + QString::fromUcs4(U"\U0001F600 \U00020BB7 \U0010FFFD");
    text += QStringLiteral(" trailing\\");
    return text;
}

// A replica database: a fresh SQLite file migrated with the shared schema.
struct ReplicaDb
{
    QTemporaryDir dir;
    std::unique_ptr<Database> db;
    std::unique_ptr<Replica> replica;
    QString error;

    ReplicaDb()
    {
        db = Database::open(dir.filePath(QStringLiteral("replica.db")), &error);
        if (db && db->migrate(&error))
            replica = std::make_unique<Replica>(*db);
    }
    bool isValid() const { return replica != nullptr; }
};

// Every synced row of the replica (the feed's columns, attachment_services
// too), in a stable order: two replicas holding the same rows dump the same.
inline QString replicaDump(Database &db)
{
    QString out;
    for (const QString &table : ChangeFeed::tables()) {
        const QString columns = ChangeFeed::columns(table).join(QStringLiteral(", "));
        QSqlQuery query = db.exec(QStringLiteral("SELECT %1 FROM %2 ORDER BY id").arg(columns, table));
        while (query.next()) {
            QStringList values;
            for (int i = 0; i < query.record().count(); ++i)
                values.append(query.value(i).isNull() ? QStringLiteral("NULL") : query.value(i).toString());
            out += table + QLatin1Char(':') + values.join(QLatin1Char('|')) + QLatin1Char('\n');
        }
    }
    QSqlQuery query = db.exec(QStringLiteral(
        "SELECT attachment_id, service_id FROM attachment_services ORDER BY attachment_id, service_id"));
    while (query.next())
        out += QStringLiteral("attachment_services:%1|%2\n")
                   .arg(query.value(0).toString(), query.value(1).toString());
    return out;
}

// Pulls pages until the feed has nothing more; returns the number of pages, or
// -1 (with *error) when a page was refused or the feed never ends.
inline int pullAll(const ChangeFeed &feed, Replica &replica, qint64 userId, int limit, QString *error)
{
    for (int pages = 1; pages < 100000; ++pages) {
        const QJsonObject page = feed.page(userId, replica.checkpoint(), limit);
        if (!replica.applyPage(page, error))
            return -1;
        if (!page.value(QStringLiteral("more")).toBool())
            return pages;
    }
    *error = QStringLiteral("the feed never ends");
    return -1;
}

// What the user's replica must hold: everything() applied to an empty replica.
inline QString expectedDump(const ChangeFeed &feed, qint64 userId)
{
    ReplicaDb fresh;
    if (!fresh.isValid())
        return QStringLiteral("replica not opened: ") + fresh.error;
    QString error;
    if (!fresh.replica->applyPage(feed.everything(userId), &error))
        return QStringLiteral("everything refused: ") + error;
    return replicaDump(*fresh.db);
}

// The rows of one table in a page (or everything()), of either format (a
// format 2 row read against its table's column names).
inline QList<QJsonObject> pageRows(const QJsonObject &page, const QString &table)
{
    QList<QJsonObject> rows;
    for (const QJsonValue &entry : page.value(QStringLiteral("rows")).toArray()) {
        if (entry.toObject().value(QStringLiteral("table")).toString() == table)
            rows.append(entry.toObject().value(QStringLiteral("row")).toObject());
    }
    for (const QJsonValue &entry : page.value(QStringLiteral("tables")).toArray()) {
        const QJsonObject block = entry.toObject();
        if (block.value(QStringLiteral("table")).toString() != table)
            continue;
        const QJsonArray columns = block.value(QStringLiteral("columns")).toArray();
        for (const QJsonValue &values : block.value(QStringLiteral("rows")).toArray()) {
            QJsonObject row;
            for (int i = 0; i < columns.size(); ++i)
                row.insert(columns.at(i).toString(), values.toArray().at(i));
            rows.append(row);
        }
    }
    return rows;
}

inline QList<qint64> pageIds(const QJsonObject &page, const QString &table)
{
    QList<qint64> ids;
    for (const QJsonObject &row : pageRows(page, table))
        ids.append(row.value(QStringLiteral("id")).toInteger());
    std::sort(ids.begin(), ids.end());
    return ids;
}

inline QList<qint64> deletedIds(const QJsonObject &page, const QString &table)
{
    QList<qint64> ids;
    for (const QJsonValue &entry : page.value(QStringLiteral("deleted")).toArray()) {
        if (entry.toObject().value(QStringLiteral("table")).toString() == table)
            ids.append(entry.toObject().value(QStringLiteral("id")).toInteger());
    }
    std::sort(ids.begin(), ids.end());
    return ids;
}

inline QList<qint64> replicaIds(Database &db, const QString &table,
                                const QString &where = QStringLiteral("1 = 1"))
{
    QList<qint64> ids;
    QSqlQuery query = db.exec(QStringLiteral("SELECT id FROM %1 WHERE %2 ORDER BY id").arg(table, where));
    while (query.next())
        ids.append(query.value(0).toLongLong());
    return ids;
}

// Two structures and their people, built through the commands:
// - s1 « Menuiserie Dupont » (principal Alice, services A and B): Carol is a
//   validated simple user, Dan's request is pending;
// - s2 « Boulangerie Martin » (principal Bruno): Dan is a validated simple user;
// - Carol and Dan each wrote a solicitation (support Sue replied to Carol's)
//   and keep an attached file.
struct SyncWorld
{
    TestDatabase t;
    ManualClock clock;
    std::unique_ptr<Core> core;
    std::unique_ptr<Attachments> attachments;
    std::unique_ptr<Structures> structures;
    std::unique_ptr<Subscriptions> subscriptions;
    std::unique_ptr<Solicitations> solicitations;
    std::unique_ptr<AttachedFiles> files;
    std::unique_ptr<Spaces> spaces;
    std::unique_ptr<ChangeFeed> feed;
    qint64 alice = 0, bruno = 0, carol = 0, dan = 0, sue = 0;
    qint64 s1 = 0, s2 = 0, serviceA = 0, serviceB = 0;
    qint64 carolAttachment = 0, danPending = 0, danAttachment = 0;
    qint64 carolSolicitation = 0, danSolicitation = 0, carolFile = 0, danFile = 0;
    QString error;

    // A user as an account creation would leave it (direct insert, with a version).
    qint64 user(const QString &email, const QString &firstName, bool support = false)
    {
        const qint64 id = insertUser(t.db(), email, firstName, QStringLiteral("Martin"), support);
        Transaction transaction(t.db());
        t.db().exec(QStringLiteral("UPDATE users SET version = ? WHERE id = ?"),
                    { t.db().nextVersion(), id });
        transaction.commit();
        return id;
    }

    bool check(const CommandResult &r, const char *what)
    {
        if (!r.ok())
            error = QString::fromLatin1(what) + QStringLiteral(": ") + r.message;
        return r.ok();
    }

    qint64 request(qint64 userId, qint64 structure)
    {
        AttachmentRequest request;
        request.structureId = structure;
        request.validFrom = clock.today();
        const CommandResult r = attachments->requestAttachment(userId, request);
        return check(r, "requestAttachment") ? r.id : 0;
    }

    qint64 solicitation(qint64 userId, const QString &subject)
    {
        const CommandResult r = solicitations->createSolicitation(
            userId, { QStringLiteral("other"), subject, QStringLiteral("Bonjour, une question.") });
        return check(r, "createSolicitation") ? r.id : 0;
    }

    qint64 file(qint64 userId, const QString &designation)
    {
        const CommandResult r = files->addFile(userId,
                                               { designation, QStringLiteral("justificatif"),
                                                 QStringLiteral("kbis.pdf"), QByteArray("%PDF-1.4 test") });
        return check(r, "addFile") ? r.id : 0;
    }

    bool init()
    {
        if (!t.isValid()) {
            error = t.error();
            return false;
        }
        core = std::make_unique<Core>(t.db(), clock);
        attachments = std::make_unique<Attachments>(*core);
        structures = std::make_unique<Structures>(*core);
        subscriptions = std::make_unique<Subscriptions>(*core);
        solicitations = std::make_unique<Solicitations>(*core);
        files = std::make_unique<AttachedFiles>(*core);
        spaces = std::make_unique<Spaces>(*core);
        feed = std::make_unique<ChangeFeed>(*core);
        alice = user(QStringLiteral("alice@example.org"), QStringLiteral("Alice"));
        bruno = user(QStringLiteral("bruno@example.org"), QStringLiteral("Bruno"));
        carol = user(QStringLiteral("carol@example.org"), QStringLiteral("Carol"));
        dan = user(QStringLiteral("dan@example.org"), QStringLiteral("Dan"));
        sue = user(QStringLiteral("sue@example.org"), QStringLiteral("Sue"), true);

        // With bank details, which only its managers' replicas hold.
        NewStructure first;
        first.fields
            = { validSiret(1),          QStringLiteral("Menuiserie Dupont"), {}, {}, QStringLiteral("75011"),
                QStringLiteral("Paris") };
        first.bank = { QStringLiteral("FR7630006000011234567890189"), QStringLiteral("BNPAFRPP") };
        CommandResult r = structures->createStructure(alice, first);
        if (!check(r, "createStructure s1"))
            return false;
        s1 = r.id;
        r = structures->createStructure(bruno,
                                        StructureInput { validSiret(2),
                                                         QStringLiteral("Boulangerie Martin"),
                                                         {},
                                                         {},
                                                         QStringLiteral("69001"),
                                                         QStringLiteral("Lyon") });
        if (!check(r, "createStructure s2"))
            return false;
        s2 = r.id;
        r = structures->addService(alice, s1, QStringLiteral("A"), QStringLiteral("Atelier"));
        if (!check(r, "addService A"))
            return false;
        serviceA = r.id;
        r = structures->addService(alice, s1, QStringLiteral("B"), QStringLiteral("Bureau"));
        if (!check(r, "addService B"))
            return false;
        serviceB = r.id;

        carolAttachment = request(carol, s1);
        if (!carolAttachment
            || !check(attachments->decideAttachment(alice, carolAttachment, true), "validate carol"))
            return false;
        danAttachment = request(dan, s2);
        if (!danAttachment
            || !check(attachments->decideAttachment(bruno, danAttachment, true), "validate dan"))
            return false;
        danPending = request(dan, s1);
        carolSolicitation = solicitation(carol, QStringLiteral("Carol's question"));
        danSolicitation = solicitation(dan, QStringLiteral("Dan's question"));
        if (!danPending || !carolSolicitation || !danSolicitation)
            return false;
        if (!check(solicitations->reply(sue, carolSolicitation, QStringLiteral("Voici la réponse.")),
                   "reply"))
            return false;
        carolFile = file(carol, QStringLiteral("Carol's Kbis"));
        danFile = file(dan, QStringLiteral("Dan's Kbis"));
        return carolFile && danFile;
    }

    int count(const QString &sql, const QVariantList &args = {}) { return t.db().value(sql, args).toInt(); }
};

} // namespace guichet::test

#define SYNC_WORLD(w)                                                                                        \
    SyncWorld w;                                                                                             \
    if (!w.init())                                                                                           \
        QFAIL(qPrintable(w.error));
