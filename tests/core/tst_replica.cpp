#include "rules/manager/manageractivity.h"
#include "synctestsupport.h"

#include <QJsonDocument>
#include <QJsonParseError>
#include <QSet>
#include <QTest>

#include <functional>

using namespace guichet;
using namespace guichet::test;

namespace {

// Pulls like the desktop does: every page goes through the JSON bytes guichetd
// writes (compact QJsonDocument) and the parser SyncClient uses, so that text
// escaping is part of what is checked.
int pullAllThroughJson(const ChangeFeed &feed, Replica &replica, qint64 userId, int limit, QString *error)
{
    for (int pages = 1; pages < 100000; ++pages) {
        const QByteArray bytes
            = QJsonDocument(feed.page(userId, replica.checkpoint(), limit)).toJson(QJsonDocument::Compact);
        QJsonParseError parseError;
        const QJsonDocument document = QJsonDocument::fromJson(bytes, &parseError);
        if (!document.isObject()) {
            *error = QStringLiteral("page %1 does not parse: %2").arg(pages).arg(parseError.errorString());
            return -1;
        }
        if (!replica.applyPage(document.object(), error))
            return -1;
        if (!document.object().value(QStringLiteral("more")).toBool())
            return pages;
    }
    *error = QStringLiteral("the feed never ends");
    return -1;
}

// The same with format 2 (ChangeFeed::compactPage: the JSON text guichetd
// sends when asked format=2). *total gets the first page's `total`.
int pullAllCompact(const ChangeFeed &feed, Replica &replica, qint64 userId, int limit, QString *error,
                   qint64 *total = nullptr)
{
    for (int pages = 1; pages < 100000; ++pages) {
        const QByteArray bytes = feed.compactPage(userId, replica.checkpoint(), limit);
        QJsonParseError parseError;
        const QJsonDocument document = QJsonDocument::fromJson(bytes, &parseError);
        if (!document.isObject()) {
            *error = QStringLiteral("page %1 does not parse: %2").arg(pages).arg(parseError.errorString());
            return -1;
        }
        if (pages == 1 && total)
            *total = document.object().value(QStringLiteral("total")).toInteger(-1);
        if (!replica.applyPage(document.object(), error))
            return -1;
        if (!document.object().value(QStringLiteral("more")).toBool())
            return pages;
    }
    *error = QStringLiteral("the feed never ends");
    return -1;
}

// A format 2 page's rows as format 1 writes them: {table, row} objects.
QList<QJsonObject> compactRowsAsObjects(const QJsonObject &page)
{
    QList<QJsonObject> rows;
    for (const QJsonValue &entry : page.value(QStringLiteral("tables")).toArray()) {
        const QJsonObject block = entry.toObject();
        const QJsonArray columns = block.value(QStringLiteral("columns")).toArray();
        for (const QJsonValue &values : block.value(QStringLiteral("rows")).toArray()) {
            QJsonObject row;
            for (int i = 0; i < columns.size(); ++i)
                row.insert(columns.at(i).toString(), values.toArray().at(i));
            rows.append({ { QStringLiteral("table"), block.value(QStringLiteral("table")) },
                          { QStringLiteral("row"), row } });
        }
    }
    return rows;
}

QStringList sortedRowTexts(const QList<QJsonObject> &rows)
{
    QStringList texts;
    for (const QJsonObject &row : rows)
        texts.append(QString::fromUtf8(QJsonDocument(row).toJson(QJsonDocument::Compact)));
    texts.sort();
    return texts;
}

// The server's rows of one synced table with the given ids, dumped like
// replicaDump: the replica must hold exactly these values.
QString serverRows(Database &server, const QString &table, const QList<qint64> &ids)
{
    QString out;
    const QString columns = ChangeFeed::columns(table).join(QStringLiteral(", "));
    for (const qint64 id : ids) {
        QSqlQuery query
            = server.exec(QStringLiteral("SELECT %1 FROM %2 WHERE id = ?").arg(columns, table), { id });
        if (!query.next()) {
            out += QStringLiteral("%1:%2 missing on the server\n").arg(table).arg(id);
            continue;
        }
        QStringList values;
        for (int i = 0; i < query.record().count(); ++i)
            values.append(query.value(i).isNull() ? QStringLiteral("NULL") : query.value(i).toString());
        out += table + QLatin1Char(':') + values.join(QLatin1Char('|')) + QLatin1Char('\n');
    }
    return out;
}

QString replicaRows(Database &replica, const QString &table)
{
    QString out;
    const QString columns = ChangeFeed::columns(table).join(QStringLiteral(", "));
    QSqlQuery query = replica.exec(QStringLiteral("SELECT %1 FROM %2 ORDER BY id").arg(columns, table));
    while (query.next()) {
        QStringList values;
        for (int i = 0; i < query.record().count(); ++i)
            values.append(query.value(i).isNull() ? QStringLiteral("NULL") : query.value(i).toString());
        out += table + QLatin1Char(':') + values.join(QLatin1Char('|')) + QLatin1Char('\n');
    }
    return out;
}

} // namespace

#define OPEN_REPLICA(r)                                                                                      \
    ReplicaDb r;                                                                                             \
    if (!r.isValid())                                                                                        \
        QFAIL(qPrintable(r.error));

#define PULL(w, r, user, limit)                                                                              \
    do {                                                                                                     \
        QString pullError;                                                                                   \
        QVERIFY2(pullAll(*(w).feed, *(r).replica, user, limit, &pullError) > 0, qPrintable(pullError));      \
    } while (false)

#define CHECK_OK(expr)                                                                                       \
    do {                                                                                                     \
        const CommandResult checked = (expr);                                                                \
        QVERIFY2(checked.ok(), qPrintable(checked.message));                                                 \
    } while (false)

class TestReplica : public QObject
{
    Q_OBJECT

private slots:
    void firstSyncEqualsEverything()
    {
        SYNC_WORLD(w);
        for (const qint64 user : { w.alice, w.bruno, w.carol, w.dan, w.sue }) {
            OPEN_REPLICA(r);
            PULL(w, r, user, 1000);
            QCOMPARE(replicaDump(*r.db), expectedDump(*w.feed, user));
            QCOMPARE(r.replica->checkpoint(), w.t.db().currentVersion());
            // The replica never holds a password hash.
            QCOMPARE(
                r.db->value(QStringLiteral("SELECT COUNT(*) FROM users WHERE password_hash <> ''")).toInt(),
                0);
        }
    }

    void firstSyncHoldsTheServersRowsExactly()
    {
        SYNC_WORLD(w);
        // Spaces and subscriptions too: every synced table has rows.
        CHECK_OK(w.spaces->enableStructureSpace(w.alice, w.s1, QStringLiteral("factures_recues")));
        // Carol asks to remove her « Factures émises » (removal_requested_at set).
        const qint64 invoices
            = w.t.db()
                  .value(
                      QStringLiteral("SELECT s.id FROM subscriptions s JOIN spaces sp ON sp.id = s.space_id "
                                     "WHERE s.user_id = ? AND sp.code = 'factures_emises' ORDER BY s.id"),
                      { w.carol })
                  .toLongLong();
        CHECK_OK(w.subscriptions->removeSubscriptions(w.carol, { invoices }));
        QCOMPARE(w.count(QStringLiteral(
                     "SELECT COUNT(*) FROM subscriptions WHERE removal_requested_at IS NOT NULL")),
                 1);
        CHECK_OK(w.spaces->setSelfServiceSpace(w.alice, w.s1, QStringLiteral("factures_emises"), true));
        QSet<QString> filled;
        for (const qint64 user : { w.alice, w.bruno, w.carol, w.dan, w.sue }) {
            OPEN_REPLICA(r);
            QString error;
            QVERIFY2(pullAllThroughJson(*w.feed, *r.replica, user, 2, &error) > 0, qPrintable(error));
            for (const QString &table : ChangeFeed::tables()) {
                const QList<qint64> ids = replicaIds(*r.db, table);
                if (!ids.isEmpty())
                    filled.insert(table);
                QCOMPARE(replicaRows(*r.db, table), serverRows(w.t.db(), table, ids));
            }
            QCOMPARE(replicaDump(*r.db), expectedDump(*w.feed, user));
        }
        for (const QString &table : ChangeFeed::tables())
            QVERIFY2(filled.contains(table), qPrintable(table + QStringLiteral(" never synced")));
    }

    // Bank details reach the structure's managers only, through the first
    // sync and the resets: a new principal gets them, the former one loses them.
    void bankDetailsReachManagersOnly()
    {
        SYNC_WORLD(w);
        const QString bankSql
            = QStringLiteral("SELECT COUNT(*) FROM structure_bank_details WHERE iban <> ''");
        OPEN_REPLICA(alice);
        OPEN_REPLICA(carol);
        for (const qint64 user : { w.bruno, w.dan, w.sue }) {
            OPEN_REPLICA(r);
            PULL(w, r, user, 1000);
            QCOMPARE(r.db->value(bankSql).toInt(), 0);
        }
        PULL(w, alice, w.alice, 3);
        PULL(w, carol, w.carol, 3);
        QCOMPARE(alice.db->value(bankSql).toInt(), 1);
        QCOMPARE(alice.db->value(QStringLiteral("SELECT iban FROM structure_bank_details")).toString(),
                 QStringLiteral("FR7630006000011234567890189"));
        // Carol is attached as a simple user: the structure, not its bank details.
        QCOMPARE(
            carol.db->value(QStringLiteral("SELECT COUNT(*) FROM structures WHERE id = ?"), { w.s1 }).toInt(),
            1);
        QCOMPARE(carol.db->value(bankSql).toInt(), 0);

        CHECK_OK(ManagerActivity(*w.core).transferPrincipal(w.alice, w.s1, w.carol));
        PULL(w, alice, w.alice, 3);
        PULL(w, carol, w.carol, 3);
        QCOMPARE(carol.db->value(bankSql).toInt(), 1);
        QCOMPARE(alice.db->value(bankSql).toInt(), 0);
        QCOMPARE(replicaDump(*alice.db), expectedDump(*w.feed, w.alice));
        QCOMPARE(replicaDump(*carol.db), expectedDump(*w.feed, w.carol));
    }

    void trickyTextRoundTrips()
    {
        SYNC_WORLD(w);
        const QString text = trickyText();
        QVERIFY(text.startsWith(QChar(0xFEFF)));
        {
            Transaction transaction(w.t.db());
            w.t.db().exec(
                QStringLiteral("UPDATE structures SET raison_sociale = ?, version = ? WHERE id = ?"),
                { text, w.t.db().nextVersion(), w.s1 });
            w.t.db().exec(QStringLiteral("UPDATE solicitations SET subject = ?, body = ?, version = ? "
                                         "WHERE id = ?"),
                          { text, text + text, w.t.db().nextVersion(), w.carolSolicitation });
            transaction.commit();
        }
        QCOMPARE(w.t.db()
                     .value(QStringLiteral("SELECT raison_sociale FROM structures WHERE id = ?"), { w.s1 })
                     .toString(),
                 text);
        OPEN_REPLICA(alice);
        OPEN_REPLICA(carol);
        QString error;
        QVERIFY2(pullAllThroughJson(*w.feed, *alice.replica, w.alice, 1000, &error) > 0, qPrintable(error));
        QVERIFY2(pullAllThroughJson(*w.feed, *carol.replica, w.carol, 3, &error) > 0, qPrintable(error));
        QCOMPARE(
            alice.db->value(QStringLiteral("SELECT raison_sociale FROM structures WHERE id = ?"), { w.s1 })
                .toString(),
            text);
        QCOMPARE(carol.db
                     ->value(QStringLiteral("SELECT subject FROM solicitations WHERE id = ?"),
                             { w.carolSolicitation })
                     .toString(),
                 text);
        QCOMPARE(carol.db
                     ->value(QStringLiteral("SELECT body FROM solicitations WHERE id = ?"),
                             { w.carolSolicitation })
                     .toString(),
                 text + text);
        // Caught up: the next page through the same bytes is empty.
        const QByteArray bytes = QJsonDocument(w.feed->page(w.carol, carol.replica->checkpoint(), 3))
                                     .toJson(QJsonDocument::Compact);
        QVERIFY(QJsonDocument::fromJson(bytes).object().value(QStringLiteral("rows")).toArray().isEmpty());
    }

    void smallPagesGiveTheSameReplica()
    {
        SYNC_WORLD(w);
        OPEN_REPLICA(big);
        OPEN_REPLICA(small);
        OPEN_REPLICA(tiny);
        PULL(w, big, w.alice, 0);
        PULL(w, small, w.alice, 3);
        PULL(w, tiny, w.alice, 1);
        // Changes while the replicas were away, then catching up again.
        CHECK_OK(w.attachments->decideAttachment(w.alice, w.danPending, true));
        CHECK_OK(w.spaces->enableStructureSpace(w.alice, w.s1, QStringLiteral("factures_recues")));
        CHECK_OK(w.structures->addService(w.alice, w.s1, QStringLiteral("C"), QStringLiteral("Cave")));
        PULL(w, big, w.alice, 0);
        PULL(w, small, w.alice, 3);
        PULL(w, tiny, w.alice, 1);
        const QString expected = expectedDump(*w.feed, w.alice);
        QCOMPARE(replicaDump(*big.db), expected);
        QCOMPARE(replicaDump(*small.db), expected);
        QCOMPARE(replicaDump(*tiny.db), expected);
        QVERIFY(expected.contains(QStringLiteral("Cave")));
    }

    void validatedAttachmentBringsTheStructure()
    {
        SYNC_WORLD(w);
        const qint64 eve = w.user(QStringLiteral("eve@example.org"), QStringLiteral("Eve"));
        OPEN_REPLICA(r);
        PULL(w, r, eve, 100);
        QVERIFY(replicaIds(*r.db, QStringLiteral("structures")).isEmpty());
        // Eve's request to s1 (its rows are older than her checkpoint) then its validation.
        const qint64 request = w.request(eve, w.s1);
        QVERIFY2(request, qPrintable(w.error));
        PULL(w, r, eve, 100);
        QCOMPARE(replicaIds(*r.db, QStringLiteral("structures")), QList<qint64> { w.s1 });
        QCOMPARE(replicaIds(*r.db, QStringLiteral("services")), (QList<qint64> { w.serviceA, w.serviceB }));
        QCOMPARE(replicaIds(*r.db, QStringLiteral("users")), (QList<qint64> { w.alice, eve }));
        CHECK_OK(w.attachments->decideAttachment(w.alice, request, true));
        PULL(w, r, eve, 2);
        QCOMPARE(replicaDump(*r.db), expectedDump(*w.feed, eve));
        QVERIFY(
            !replicaIds(*r.db, QStringLiteral("subscriptions"), QStringLiteral("structure_id = %1").arg(w.s1))
                 .isEmpty());

        // Made secondary manager with the principal's powers: the structure's
        // requests, people and audit arrive, although they are old.
        CHECK_OK(w.attachments->setSecondaryPowers(w.alice, w.s1, true));
        CHECK_OK(w.attachments->setAttachmentRole(w.alice, request, Role::Secondary));
        PULL(w, r, eve, 2);
        QCOMPARE(replicaDump(*r.db), expectedDump(*w.feed, eve));
        QVERIFY(replicaIds(*r.db, QStringLiteral("attachments")).contains(w.danPending));
        QVERIFY(replicaIds(*r.db, QStringLiteral("users")).contains(w.dan));
        QVERIFY(!replicaIds(*r.db, QStringLiteral("audit_log")).isEmpty());
    }

    void removedAttachmentWhileOfflineLeavesNothing()
    {
        SYNC_WORLD(w);
        OPEN_REPLICA(r);
        PULL(w, r, w.carol, 100);
        QCOMPARE(replicaIds(*r.db, QStringLiteral("structures")), QList<qint64> { w.s1 });
        // Offline: Alice removes Carol from s1, and more changes follow.
        CHECK_OK(w.attachments->removeAttachments(w.alice, { w.carolAttachment }));
        CHECK_OK(w.structures->addService(w.alice, w.s1, QStringLiteral("C"), QStringLiteral("Cave")));
        PULL(w, r, w.carol, 2);
        QCOMPARE(replicaDump(*r.db), expectedDump(*w.feed, w.carol));
        QVERIFY(replicaIds(*r.db, QStringLiteral("structures")).isEmpty());
        QVERIFY(replicaIds(*r.db, QStringLiteral("services")).isEmpty());
        QVERIFY(replicaIds(*r.db, QStringLiteral("attachments")).isEmpty());
        QVERIFY(replicaIds(*r.db, QStringLiteral("subscriptions")).isEmpty());
        // Alice's row came only through s1.
        QCOMPARE(replicaIds(*r.db, QStringLiteral("users")), QList<qint64> { w.carol });
        // Her own things stay.
        QCOMPARE(replicaIds(*r.db, QStringLiteral("attached_files")), QList<qint64> { w.carolFile });
        QCOMPARE(replicaIds(*r.db, QStringLiteral("solicitations")), QList<qint64> { w.carolSolicitation });
    }

    void downgradedManagerLosesTheStructuresRows()
    {
        SYNC_WORLD(w);
        OPEN_REPLICA(r);
        PULL(w, r, w.alice, 100);
        QVERIFY(replicaIds(*r.db, QStringLiteral("attachments")).contains(w.danPending));
        // Offline: Alice hands the principal role to Carol and stays a simple user.
        const qint64 aliceAttachment
            = w.t.db()
                  .value(QStringLiteral("SELECT id FROM attachments WHERE user_id = ? "
                                        "AND structure_id = ?"),
                         { w.alice, w.s1 })
                  .toLongLong();
        CHECK_OK(w.attachments->removeAttachments(w.alice, { aliceAttachment }, { { w.s1, w.carol } }));
        PULL(w, r, w.alice, 3);
        QCOMPARE(replicaDump(*r.db), expectedDump(*w.feed, w.alice));
        QCOMPARE(replicaIds(*r.db, QStringLiteral("attachments")), QList<qint64> { aliceAttachment });
        QVERIFY(replicaIds(*r.db, QStringLiteral("audit_log")).isEmpty());
        QVERIFY(
            replicaIds(*r.db, QStringLiteral("subscriptions"), QStringLiteral("user_id <> %1").arg(w.alice))
                .isEmpty());
        // Dan is no longer hers to see; Carol is, as the new principal manager.
        QCOMPARE(replicaIds(*r.db, QStringLiteral("users")), (QList<qint64> { w.alice, w.carol }));

        // Carol's replica, made while she was a simple user, now shows the structure's requests.
        OPEN_REPLICA(c);
        PULL(w, c, w.carol, 100);
        QVERIFY(replicaIds(*c.db, QStringLiteral("attachments")).contains(w.danPending));
    }

    void revokedPowersWhileOfflineHideTheStructure()
    {
        SYNC_WORLD(w);
        CHECK_OK(w.attachments->setSecondaryPowers(w.alice, w.s1, true));
        CHECK_OK(w.attachments->setAttachmentRole(w.alice, w.carolAttachment, Role::Secondary));
        OPEN_REPLICA(r);
        PULL(w, r, w.carol, 100);
        QVERIFY(replicaIds(*r.db, QStringLiteral("attachments")).contains(w.danPending));
        QVERIFY(!replicaIds(*r.db, QStringLiteral("audit_log")).isEmpty());
        CHECK_OK(w.attachments->setSecondaryPowers(w.alice, w.s1, false));
        PULL(w, r, w.carol, 100);
        QCOMPARE(replicaDump(*r.db), expectedDump(*w.feed, w.carol));
        QVERIFY(!replicaIds(*r.db, QStringLiteral("attachments")).contains(w.danPending));
        QVERIFY(replicaIds(*r.db, QStringLiteral("audit_log")).isEmpty());
        QVERIFY(!replicaIds(*r.db, QStringLiteral("users")).contains(w.dan));
    }

    void othersChangesReachManagersReplica()
    {
        SYNC_WORLD(w);
        OPEN_REPLICA(r);
        // A new requester appears; her user row is older than the checkpoint.
        const qint64 eve = w.user(QStringLiteral("eve@example.org"), QStringLiteral("Eve"));
        PULL(w, r, w.alice, 100);
        QVERIFY(!replicaIds(*r.db, QStringLiteral("users")).contains(eve));
        const qint64 request = w.request(eve, w.s1);
        QVERIFY2(request, qPrintable(w.error));
        PULL(w, r, w.alice, 100);
        QVERIFY(replicaIds(*r.db, QStringLiteral("users")).contains(eve));
        QCOMPARE(replicaDump(*r.db), expectedDump(*w.feed, w.alice));
        // Removed: Eve's row goes with her last attachment to s1.
        CHECK_OK(w.attachments->removeAttachments(w.alice, { request }));
        PULL(w, r, w.alice, 100);
        QVERIFY(!replicaIds(*r.db, QStringLiteral("users")).contains(eve));
        QVERIFY(!replicaIds(*r.db, QStringLiteral("attachments")).contains(request));
        QCOMPARE(replicaDump(*r.db), expectedDump(*w.feed, w.alice));

        // Support receives a new sender's user row with the solicitation.
        OPEN_REPLICA(support);
        PULL(w, support, w.sue, 100);
        QVERIFY(!replicaIds(*support.db, QStringLiteral("users")).contains(eve));
        QVERIFY2(w.solicitation(eve, QStringLiteral("Eve's question")), qPrintable(w.error));
        PULL(w, support, w.sue, 100);
        QVERIFY(replicaIds(*support.db, QStringLiteral("users")).contains(eve));
        QCOMPARE(replicaDump(*support.db), expectedDump(*w.feed, w.sue));
    }

    void deletionsPropagate()
    {
        SYNC_WORLD(w);
        CHECK_OK(w.spaces->enableStructureSpace(w.alice, w.s1, QStringLiteral("factures_recues")));
        CHECK_OK(w.spaces->enableStructureSpace(w.alice, w.s1, QStringLiteral("sollicitations_recues")));
        OPEN_REPLICA(alice);
        OPEN_REPLICA(carol);
        PULL(w, alice, w.alice, 100);
        PULL(w, carol, w.carol, 100);
        QCOMPARE(replicaIds(*carol.db, QStringLiteral("structure_spaces")).size(), 2);
        const QList<qint64> carolSubscriptions = replicaIds(*carol.db, QStringLiteral("subscriptions"),
                                                            QStringLiteral("structure_id = %1").arg(w.s1));
        QVERIFY(!carolSubscriptions.isEmpty());
        CHECK_OK(w.files->deleteFiles(w.carol, { w.carolFile }));
        CHECK_OK(w.spaces->disableStructureSpace(w.alice, w.s1, QStringLiteral("factures_recues")));
        CHECK_OK(w.subscriptions->removeSubscriptions(w.carol, { carolSubscriptions.first() }));
        // Enabled again: a new row (a new id, a later row exists) for the same
        // space arrives in the page that also deletes the old one.
        CHECK_OK(w.spaces->enableStructureSpace(w.alice, w.s1, QStringLiteral("factures_recues")));
        PULL(w, alice, w.alice, 2);
        PULL(w, carol, w.carol, 100);
        QVERIFY(replicaIds(*carol.db, QStringLiteral("attached_files")).isEmpty());
        QVERIFY(!replicaIds(*carol.db, QStringLiteral("subscriptions")).contains(carolSubscriptions.first()));
        QCOMPARE(replicaIds(*carol.db, QStringLiteral("structure_spaces")).size(), 2);
        QCOMPARE(replicaDump(*carol.db), expectedDump(*w.feed, w.carol));
        QCOMPARE(replicaDump(*alice.db), expectedDump(*w.feed, w.alice));

        // Disabled and enabled again at once (SQLite may give the new row the old id).
        CHECK_OK(w.spaces->disableStructureSpace(w.alice, w.s1, QStringLiteral("factures_recues")));
        CHECK_OK(w.spaces->enableStructureSpace(w.alice, w.s1, QStringLiteral("factures_recues")));
        PULL(w, carol, w.carol, 100);
        QCOMPARE(replicaIds(*carol.db, QStringLiteral("structure_spaces")).size(), 2);
        QCOMPARE(replicaDump(*carol.db), expectedDump(*w.feed, w.carol));
    }

    void malformedPageChangesNothing()
    {
        SYNC_WORLD(w);
        OPEN_REPLICA(r);
        PULL(w, r, w.alice, 100);
        const QString before = replicaDump(*r.db);
        const qint64 checkpoint = r.replica->checkpoint();
        const QJsonObject good = w.feed->everything(w.carol);
        auto withRows = [&](const QJsonArray &rows) {
            QJsonObject page = good;
            page.insert(QStringLiteral("rows"), rows);
            page.insert(QStringLiteral("checkpoint"), checkpoint + 10);
            return page;
        };
        const QJsonObject validRow { { QStringLiteral("table"), QStringLiteral("structures") },
                                     { QStringLiteral("row"),
                                       QJsonObject {
                                           { QStringLiteral("id"), 999 },
                                           { QStringLiteral("siret"), QStringLiteral("x") },
                                           { QStringLiteral("raison_sociale"), QStringLiteral("X") },
                                           { QStringLiteral("created_at"), 0 },
                                           { QStringLiteral("version"), 1 } } } };
        QList<QJsonObject> bad;
        QJsonObject noCheckpoint = good;
        noCheckpoint.remove(QStringLiteral("checkpoint"));
        bad << noCheckpoint;
        bad << withRows(
            { validRow,
              QJsonObject { { QStringLiteral("table"), QStringLiteral("tokens") },
                            { QStringLiteral("row"), QJsonObject { { QStringLiteral("id"), 1 } } } } });
        bad << withRows(
            { validRow,
              QJsonObject { { QStringLiteral("table"), QStringLiteral("users") },
                            { QStringLiteral("row"),
                              QJsonObject { { QStringLiteral("id"), 1 },
                                            { QStringLiteral("password_hash"), QStringLiteral("x") } } } } });
        bad << withRows(
            { validRow, QJsonObject { { QStringLiteral("table"), QStringLiteral("services") } } });
        bad << withRows(
            { validRow,
              QJsonObject { { QStringLiteral("table"), QStringLiteral("services") },
                            { QStringLiteral("row"),
                              QJsonObject { { QStringLiteral("code"), QStringLiteral("A") } } } } });
        QJsonObject badReset = withRows({ validRow });
        badReset.insert(
            QStringLiteral("resets"),
            QJsonArray { QJsonObject { { QStringLiteral("structure"), w.s1 },
                                       { QStringLiteral("action"), QStringLiteral("explode") } } });
        bad << badReset;
        QJsonObject badDeleted = withRows({ validRow });
        badDeleted.insert(
            QStringLiteral("deleted"),
            QJsonArray { QJsonObject { { QStringLiteral("table"), QStringLiteral("users") } } });
        bad << badDeleted;
        // Well formed, but the database refuses a row (NOT NULL): the reset and
        // the rows before it must not stay applied either.
        QJsonObject refused
            = withRows({ validRow,
                         QJsonObject { { QStringLiteral("table"), QStringLiteral("services") },
                                       { QStringLiteral("row"),
                                         QJsonObject { { QStringLiteral("id"), 998 },
                                                       { QStringLiteral("code"), QJsonValue::Null } } } } });
        refused.insert(QStringLiteral("resets"),
                       QJsonArray { QJsonObject { { QStringLiteral("structure"), w.s1 },
                                                  { QStringLiteral("action"), QStringLiteral("drop") } } });
        bad << refused;
        for (const QJsonObject &page : std::as_const(bad)) {
            QString error;
            QVERIFY(!r.replica->applyPage(page, &error));
            QVERIFY(!error.isEmpty());
            QCOMPARE(replicaDump(*r.db), before);
            QCOMPARE(r.replica->checkpoint(), checkpoint);
        }
        // The same page without the faulty entry applies.
        QString error;
        QVERIFY2(r.replica->applyPage(withRows({ validRow }), &error), qPrintable(error));
        QVERIFY(replicaIds(*r.db, QStringLiteral("structures")).contains(999));
        QCOMPARE(r.replica->checkpoint(), checkpoint + 10);
    }

    // Format 2 carries the very rows of format 1 (same values once its arrays
    // are read against its column names), and a replica filled from it, in
    // pages small or large, first sync and catching up with resets and
    // deletions, holds the same as one filled from format 1.
    void compactPagesHoldTheSameRowsAsFormatOne()
    {
        SYNC_WORLD(w);
        CHECK_OK(w.spaces->enableStructureSpace(w.alice, w.s1, QStringLiteral("factures_recues")));
        for (const qint64 user : { w.alice, w.bruno, w.carol, w.dan, w.sue }) {
            const QJsonObject one = w.feed->page(user, 0, 0);
            const QJsonObject two = QJsonDocument::fromJson(w.feed->compactPage(user, 0, 0)).object();
            QCOMPARE(two.value(QStringLiteral("format")).toInteger(), 2);
            QCOMPARE(two.value(QStringLiteral("checkpoint")), one.value(QStringLiteral("checkpoint")));
            QList<QJsonObject> oneRows;
            for (const QJsonValue &row : one.value(QStringLiteral("rows")).toArray())
                oneRows.append(row.toObject());
            QVERIFY(!oneRows.isEmpty());
            QCOMPARE(sortedRowTexts(compactRowsAsObjects(two)), sortedRowTexts(oneRows));
            // The first page says how many rows the whole first sync brings.
            QCOMPARE(QJsonDocument::fromJson(w.feed->compactPage(user, 0, 2))
                         .object()
                         .value(QStringLiteral("total"))
                         .toInteger(),
                     qint64(oneRows.size()));
        }

        OPEN_REPLICA(one);
        OPEN_REPLICA(twoSmall);
        OPEN_REPLICA(twoLarge);
        QString error;
        qint64 total = -1;
        QVERIFY2(pullAllThroughJson(*w.feed, *one.replica, w.alice, 3, &error) > 0, qPrintable(error));
        QVERIFY2(pullAllCompact(*w.feed, *twoSmall.replica, w.alice, 2, &error, &total) > 1,
                 qPrintable(error));
        QVERIFY(total > 0);
        QVERIFY2(pullAllCompact(*w.feed, *twoLarge.replica, w.alice, 5000, &error) == 1, qPrintable(error));
        QCOMPARE(replicaDump(*twoSmall.db), replicaDump(*one.db));
        QCOMPARE(replicaDump(*twoLarge.db), replicaDump(*one.db));
        for (const QString &table : ChangeFeed::tables())
            QCOMPARE(replicaRows(*twoSmall.db, table),
                     serverRows(w.t.db(), table, replicaIds(*twoSmall.db, table)));

        // Catching up: an attachment decided (a reset of the structure), a
        // space enabled, a service added, a subscription removed (a deletion).
        CHECK_OK(w.attachments->decideAttachment(w.alice, w.danPending, true));
        CHECK_OK(w.spaces->disableStructureSpace(w.alice, w.s1, QStringLiteral("factures_recues")));
        CHECK_OK(w.structures->addService(w.alice, w.s1, QStringLiteral("C"), QStringLiteral("Cave")));
        QVERIFY2(pullAllThroughJson(*w.feed, *one.replica, w.alice, 3, &error) > 0, qPrintable(error));
        QVERIFY2(pullAllCompact(*w.feed, *twoSmall.replica, w.alice, 2, &error) > 0, qPrintable(error));
        QVERIFY2(pullAllCompact(*w.feed, *twoLarge.replica, w.alice, 5000, &error) > 0, qPrintable(error));
        const QString expected = expectedDump(*w.feed, w.alice);
        QVERIFY(expected.contains(QStringLiteral("Cave")));
        QCOMPARE(replicaDump(*one.db), expected);
        QCOMPARE(replicaDump(*twoSmall.db), expected);
        QCOMPARE(replicaDump(*twoLarge.db), expected);
        // Only a first sync announces its total.
        QVERIFY(!QJsonDocument::fromJson(w.feed->compactPage(w.alice, 1, 2))
                     .object()
                     .contains(QStringLiteral("total")));
    }

    // A first sync while the user's view changes between its pages
    // (attachments validated and removed, a secondary manager given the
    // principal's powers and losing them, people and services added, one
    // command changing more users rows than a page holds): no page
    // carries a row the user may not see at the moment it is read, and the
    // replica ends with exactly the user's rows, for each page size and for a
    // principal manager, a secondary one and a simple user.
    void firstSyncWhoseScopeChangesBetweenPagesEndsExact()
    {
        const auto ok = [](const CommandResult &r) { return r.ok() ? QString() : r.message; };
        const auto keys = [](const QJsonObject &page) {
            QSet<QString> set;
            for (const QJsonObject &entry : compactRowsAsObjects(page))
                set.insert(entry.value(QStringLiteral("table")).toString() + QLatin1Char('/')
                           + QString::number(entry.value(QStringLiteral("row"))
                                                 .toObject()
                                                 .value(QStringLiteral("id"))
                                                 .toInteger()));
            for (const QJsonValue &entry : page.value(QStringLiteral("rows")).toArray())
                set.insert(entry.toObject().value(QStringLiteral("table")).toString() + QLatin1Char('/')
                           + QString::number(entry.toObject()
                                                 .value(QStringLiteral("row"))
                                                 .toObject()
                                                 .value(QStringLiteral("id"))
                                                 .toInteger()));
            return set;
        };
        for (const int limit : { 1, 3 }) {
            for (int who = 0; who < 3; ++who) {
                SYNC_WORLD(w);
                const qint64 user = QList<qint64> { w.alice, w.carol, w.dan }.at(who);
                qint64 eve = 0;
                qint64 eveAttachment = 0;
                const QList<std::function<QString()>> changes {
                    [&] { return ok(w.attachments->decideAttachment(w.alice, w.danPending, true)); },
                    [&] {
                        return ok(
                            w.attachments->setAttachmentRole(w.alice, w.carolAttachment, Role::Secondary));
                    },
                    [&] { return ok(w.attachments->setSecondaryPowers(w.alice, w.s1, true)); },
                    [&] {
                        return ok(w.structures->addService(w.alice, w.s1, QStringLiteral("C"),
                                                           QStringLiteral("Cave")));
                    },
                    [&] { return ok(w.attachments->removeAttachments(w.bruno, { w.danAttachment })); },
                    [&] {
                        eve = w.user(QStringLiteral("eve@example.org"), QStringLiteral("Eve"));
                        eveAttachment = w.request(eve, w.s1);
                        return eveAttachment ? QString() : w.error;
                    },
                    [&] { return ok(w.attachments->decideAttachment(w.alice, eveAttachment, true)); },
                    [&] { return ok(w.attachments->setSecondaryPowers(w.alice, w.s1, false)); },
                    [&] {
                        return ok(
                            w.spaces->enableStructureSpace(w.alice, w.s1, QStringLiteral("factures_recues")));
                    },
                    [&] { return ok(w.attachments->removeAttachments(w.alice, { w.danPending })); },
                    [&] {
                        // One command rewrites more users rows than a page holds.
                        Database &db = w.t.db();
                        Transaction transaction(db);
                        db.exec(
                            QStringLiteral("UPDATE users SET first_name = first_name || ' bis', version = ? "
                                           "WHERE id IN (?, ?, ?, ?, ?)"),
                            { db.nextVersion(), w.alice, w.bruno, w.carol, w.dan, eve });
                        transaction.commit();
                        return QString();
                    },
                };
                OPEN_REPLICA(r);
                qsizetype applied = 0;
                int pages = 0;
                for (;;) {
                    QVERIFY(++pages < 1000);
                    const QByteArray text = w.feed->compactPage(user, r.replica->checkpoint(), limit);
                    // Read right after the page, with nothing written between.
                    const QSet<QString> visible = keys(w.feed->everything(user));
                    const QJsonObject page = QJsonDocument::fromJson(text).object();
                    const QSet<QString> sent = keys(page);
                    for (const QString &row : sent)
                        QVERIFY2(visible.contains(row),
                                 qPrintable(QStringLiteral("user %1, limit %2, page %3: %4")
                                                .arg(user)
                                                .arg(limit)
                                                .arg(pages)
                                                .arg(row)));
                    QString error;
                    QVERIFY2(r.replica->applyPage(page, &error), qPrintable(error));
                    if (applied < changes.size()) {
                        const QString failed = changes.at(applied++)();
                        QVERIFY2(failed.isEmpty(), qPrintable(failed));
                    } else if (!page.value(QStringLiteral("more")).toBool()) {
                        break; // caught up after the last change
                    }
                }
                QVERIFY(pages > changes.size());
                QCOMPARE(replicaDump(*r.db), expectedDump(*w.feed, user));
            }
        }
    }

    // A first sync of several pages builds the replica's secondary indexes
    // once, at its last page; one interrupted midway (the desktop closed)
    // resumes without them and still ends with every index; clear() too.
    void firstSyncBuildsTheIndexesAtItsEnd()
    {
        SYNC_WORLD(w);
        OPEN_REPLICA(reference);
        const auto indexes = [](Database &db) {
            QStringList names;
            QSqlQuery query
                = db.exec(QStringLiteral("SELECT name, sql FROM sqlite_master WHERE type = 'index' "
                                         "AND sql IS NOT NULL ORDER BY name"));
            while (query.next())
                names.append(query.value(0).toString() + QLatin1Char(' ') + query.value(1).toString());
            return names;
        };
        const QStringList all = indexes(*reference.db);
        QVERIFY(all.join(QLatin1Char('\n')).contains(QStringLiteral("subscriptions_structure")));

        OPEN_REPLICA(r);
        QString error;
        const QJsonObject first = QJsonDocument::fromJson(w.feed->compactPage(w.alice, 0, 2)).object();
        QVERIFY(first.value(QStringLiteral("more")).toBool());
        QVERIFY2(r.replica->applyPage(first, &error), qPrintable(error));
        QVERIFY(r.replica->indexesDeferred());
        QVERIFY(!indexes(*r.db).join(QLatin1Char('\n')).contains(QStringLiteral("subscriptions_structure")));
        // Unique keys stay: they decide which stale row gives way.
        QVERIFY(r.db->value(QStringLiteral("SELECT COUNT(*) FROM sqlite_master WHERE name = "
                                           "'sqlite_autoindex_users_1'"))
                    .toInt()
                == 1);
        // Interrupted: another Replica on the same file (the desktop restarted) goes on.
        r.replica = std::make_unique<Replica>(*r.db);
        QVERIFY(r.replica->indexesDeferred());
        QVERIFY2(pullAllCompact(*w.feed, *r.replica, w.alice, 3, &error) > 1, qPrintable(error));
        QVERIFY(!r.replica->indexesDeferred());
        QCOMPARE(indexes(*r.db), all);
        QCOMPARE(replicaDump(*r.db), expectedDump(*w.feed, w.alice));
        // The first sync skipped the schema's CHECK constraints; after it, a
        // page breaking one is refused again and changes nothing.
        QCOMPARE(r.db->value(QStringLiteral("PRAGMA ignore_check_constraints")).toInt(), 0);
        QJsonObject everything = QJsonDocument::fromJson(w.feed->compactPage(w.alice, 0, 0)).object();
        QJsonArray blocks = everything.value(QStringLiteral("tables")).toArray();
        bool broken = false;
        for (int t = 0; t < blocks.size(); ++t) {
            QJsonObject block = blocks.at(t).toObject();
            if (block.value(QStringLiteral("table")).toString() != QLatin1String("subscriptions"))
                continue;
            const int status = int(block.value(QStringLiteral("columns"))
                                       .toArray()
                                       .toVariantList()
                                       .indexOf(QStringLiteral("status")));
            QJsonArray rows = block.value(QStringLiteral("rows")).toArray();
            QJsonArray row = rows.at(0).toArray();
            row[status] = QStringLiteral("bogus");
            rows[0] = row;
            block.insert(QStringLiteral("rows"), rows);
            blocks[t] = block;
            broken = true;
        }
        QVERIFY(broken);
        everything.insert(QStringLiteral("tables"), blocks);
        everything.insert(QStringLiteral("checkpoint"), r.replica->checkpoint() + 5);
        const QString held = replicaDump(*r.db);
        QVERIFY(!r.replica->applyPage(everything, &error));
        QVERIFY2(error.contains(QStringLiteral("CHECK")), qPrintable(error));
        QCOMPARE(replicaDump(*r.db), held);

        // A failed first page leaves the indexes as they were.
        OPEN_REPLICA(failing);
        QJsonObject refused = first;
        QJsonArray tables = refused.value(QStringLiteral("tables")).toArray();
        QJsonObject block = tables.at(0).toObject();
        QJsonArray rows = block.value(QStringLiteral("rows")).toArray();
        QJsonArray row = rows.at(0).toArray();
        row[0] = QStringLiteral("not an id");
        rows[0] = row;
        block.insert(QStringLiteral("rows"), rows);
        tables[0] = block;
        refused.insert(QStringLiteral("tables"), tables);
        QVERIFY(!failing.replica->applyPage(refused, &error));
        QVERIFY(!failing.replica->indexesDeferred());
        QCOMPARE(indexes(*failing.db), all);

        // Cleared in the middle of a first sync: every index is back.
        OPEN_REPLICA(cleared);
        QVERIFY2(cleared.replica->applyPage(first, &error), qPrintable(error));
        QVERIFY(cleared.replica->indexesDeferred());
        cleared.replica->clear();
        QVERIFY(!cleared.replica->indexesDeferred());
        QCOMPARE(indexes(*cleared.db), all);
    }

    // Text that JSON writers get wrong survives the hand-written format 2 text.
    void trickyTextRoundTripsInCompactPages()
    {
        SYNC_WORLD(w);
        const QString text = trickyText();
        {
            Transaction transaction(w.t.db());
            w.t.db().exec(
                QStringLiteral("UPDATE structures SET raison_sociale = ?, version = ? WHERE id = ?"),
                { text, w.t.db().nextVersion(), w.s1 });
            w.t.db().exec(QStringLiteral("UPDATE solicitations SET subject = ?, body = ?, version = ? "
                                         "WHERE id = ?"),
                          { text, text + text, w.t.db().nextVersion(), w.carolSolicitation });
            transaction.commit();
        }
        OPEN_REPLICA(alice);
        OPEN_REPLICA(carol);
        QString error;
        QVERIFY2(pullAllCompact(*w.feed, *alice.replica, w.alice, 1000, &error) > 0, qPrintable(error));
        QVERIFY2(pullAllCompact(*w.feed, *carol.replica, w.carol, 3, &error) > 0, qPrintable(error));
        QCOMPARE(
            alice.db->value(QStringLiteral("SELECT raison_sociale FROM structures WHERE id = ?"), { w.s1 })
                .toString(),
            text);
        QCOMPARE(carol.db
                     ->value(QStringLiteral("SELECT body FROM solicitations WHERE id = ?"),
                             { w.carolSolicitation })
                     .toString(),
                 text + text);
        for (const QString &table : ChangeFeed::tables())
            QCOMPARE(replicaRows(*carol.db, table),
                     serverRows(w.t.db(), table, replicaIds(*carol.db, table)));
    }

    // A compact page with one faulty entry is refused whole, with an error
    // naming the field, and changes nothing; without the entry it applies.
    void malformedCompactPageChangesNothing()
    {
        SYNC_WORLD(w);
        OPEN_REPLICA(r);
        PULL(w, r, w.alice, 100);
        const QString before = replicaDump(*r.db);
        const qint64 checkpoint = r.replica->checkpoint();
        const QJsonArray columns { QStringLiteral("id"), QStringLiteral("siret"),
                                   QStringLiteral("raison_sociale"), QStringLiteral("created_at"),
                                   QStringLiteral("version") };
        const QJsonArray goodRow { 999, QStringLiteral("x"), QStringLiteral("X"), 0, 1 };
        const auto page
            = [&](const QJsonArray &rows, const QJsonArray &cols = {}, const QString &table = {}) {
                  const QJsonObject block { { QStringLiteral("table"),
                                              table.isEmpty() ? QStringLiteral("structures") : table },
                                            { QStringLiteral("columns"), cols.isEmpty() ? columns : cols },
                                            { QStringLiteral("rows"), rows } };
                  return QJsonObject {
                      { QStringLiteral("format"), 2 },
                      { QStringLiteral("checkpoint"), checkpoint + 10 },
                      { QStringLiteral("more"), false },
                      { QStringLiteral("resets"),
                        QJsonArray { QJsonObject { { QStringLiteral("structure"), w.s1 },
                                                   { QStringLiteral("action"), QStringLiteral("drop") } } } },
                      { QStringLiteral("tables"), QJsonArray { block } },
                      { QStringLiteral("deleted"), QJsonArray() }
                  };
              };
        QJsonArray shortRow = goodRow;
        shortRow.removeLast();
        QJsonArray noId = columns;
        noId.removeFirst();
        QJsonArray twice = columns;
        twice.append(QStringLiteral("siret"));
        QJsonArray secret = columns;
        secret.append(QStringLiteral("password_hash"));
        QJsonArray objectValue = goodRow;
        objectValue[2] = QJsonObject();
        QJsonArray textId = goodRow;
        textId[0] = QStringLiteral("999");
        const QJsonArray attachmentColumns { QStringLiteral("id"), QStringLiteral("user_id"),
                                             QStringLiteral("structure_id"), QStringLiteral("services") };
        QJsonObject wrongFormat = page({ goodRow });
        wrongFormat.insert(QStringLiteral("format"), 3);
        QJsonObject rowsToo = page({ goodRow });
        rowsToo.insert(QStringLiteral("rows"), QJsonArray());
        QJsonObject formatOneWithTables = page({ goodRow });
        formatOneWithTables.remove(QStringLiteral("format"));
        QJsonObject badTotal = page({ goodRow });
        badTotal.insert(QStringLiteral("total"), -1);
        // The page and the field its error must name.
        const QList<QPair<QJsonObject, QString>> bad {
            { page({ goodRow, shortRow }), QStringLiteral("tables[0].rows[1]: 4 values for 5 columns") },
            { page({ goodRow }, {}, QStringLiteral("tokens")), QStringLiteral("tables[0].table") },
            { page({ QJsonArray { 999, QStringLiteral("x"), QStringLiteral("X"), 0 } }, noId),
              QStringLiteral("tables[0].columns: 'id' is missing") },
            { page({ goodRow }, twice), QStringLiteral("tables[0].columns: 'siret' twice") },
            { page({ goodRow }, secret),
              QStringLiteral("tables[0].columns: structures has no column 'password_hash'") },
            { page({ goodRow, objectValue }), QStringLiteral("tables[0].rows[1].raison_sociale") },
            { page({ goodRow, textId }), QStringLiteral("tables[0].rows[1].id") },
            { page({ goodRow, QStringLiteral("row") }), QStringLiteral("tables[0].rows[1]") },
            { page(QJsonArray { QJsonValue(
                       QJsonArray { 5, w.alice, w.s1, QJsonArray { QStringLiteral("a") } }) },
                   attachmentColumns, QStringLiteral("attachments")),
              QStringLiteral("tables[0].rows[0].services") },
            { wrongFormat, QStringLiteral("format") },
            { rowsToo, QStringLiteral("rows") },
            { formatOneWithTables, QStringLiteral("tables") },
            { badTotal, QStringLiteral("total") },
        };
        for (const auto &[faulty, field] : bad) {
            QString error;
            QVERIFY2(!r.replica->applyPage(faulty, &error), qPrintable(field));
            QVERIFY2(error.contains(field), qPrintable(error + QStringLiteral(" should name ") + field));
            QCOMPARE(replicaDump(*r.db), before);
            QCOMPARE(r.replica->checkpoint(), checkpoint);
        }
        // The same page without the faulty entry applies, reset included.
        QString error;
        const QJsonObject good = page(QJsonArray { QJsonValue(goodRow) });
        QCOMPARE(good.value(QStringLiteral("tables"))
                     .toArray()
                     .at(0)
                     .toObject()
                     .value(QStringLiteral("rows"))
                     .toArray()
                     .size(),
                 1);
        QVERIFY2(r.replica->applyPage(good, &error), qPrintable(error));
        QVERIFY(replicaIds(*r.db, QStringLiteral("structures")).contains(999));
        QVERIFY(!replicaIds(*r.db, QStringLiteral("structures")).contains(w.s1));
        QCOMPARE(r.replica->checkpoint(), checkpoint + 10);
    }

    // Caught by fuzz/change_page.cpp: a whole number past qint64 passed the
    // checks and was stored as 0 (a checkpoint of 1e300 made the next pull
    // start again from nothing; a row id of 1e19 wrote row 0).
    void numbersPastTheIntegerRangeAreRefused()
    {
        SYNC_WORLD(w);
        OPEN_REPLICA(r);
        PULL(w, r, w.alice, 100);
        const QString before = replicaDump(*r.db);
        const qint64 checkpoint = r.replica->checkpoint();
        QJsonObject hugeCheckpoint = w.feed->everything(w.alice);
        hugeCheckpoint.insert(QStringLiteral("checkpoint"), 1e300);
        QJsonObject hugeId = w.feed->everything(w.alice);
        hugeId.insert(QStringLiteral("checkpoint"), checkpoint + 1);
        hugeId.insert(QStringLiteral("rows"),
                      QJsonArray { QJsonObject {
                          { QStringLiteral("table"), QStringLiteral("structures") },
                          { QStringLiteral("row"),
                            QJsonObject { { QStringLiteral("id"), 1e19 },
                                          { QStringLiteral("siret"), QStringLiteral("x") },
                                          { QStringLiteral("raison_sociale"), QStringLiteral("X") },
                                          { QStringLiteral("created_at"), 0 },
                                          { QStringLiteral("version"), 1 } } } } });
        QJsonObject hugeDeleted = w.feed->everything(w.alice);
        hugeDeleted.insert(QStringLiteral("checkpoint"), checkpoint + 1);
        hugeDeleted.insert(QStringLiteral("deleted"),
                           QJsonArray { QJsonObject { { QStringLiteral("table"), QStringLiteral("services") },
                                                      { QStringLiteral("id"), -1e19 } } });
        for (const QJsonObject &page : { hugeCheckpoint, hugeId, hugeDeleted }) {
            QString error;
            QVERIFY(!r.replica->applyPage(page, &error));
            QVERIFY(!error.isEmpty());
            QCOMPARE(replicaDump(*r.db), before);
            QCOMPARE(r.replica->checkpoint(), checkpoint);
        }
        // The largest checkpoint a version can be is taken as it is.
        QJsonObject largest = w.feed->everything(w.alice);
        largest.insert(QStringLiteral("checkpoint"), 9007199254740992.0); // 2^53
        QString error;
        QVERIFY2(r.replica->applyPage(largest, &error), qPrintable(error));
        QCOMPARE(r.replica->checkpoint(), Q_INT64_C(9007199254740992));
    }

    void clearForgetsEverything()
    {
        SYNC_WORLD(w);
        OPEN_REPLICA(r);
        PULL(w, r, w.alice, 100);
        QVERIFY(!replicaDump(*r.db).isEmpty());
        r.replica->clear();
        QVERIFY(replicaDump(*r.db).isEmpty());
        QCOMPARE(r.replica->checkpoint(), 0);
        // Another user signs in: the replica fills with their rows only.
        PULL(w, r, w.dan, 100);
        QCOMPARE(replicaDump(*r.db), expectedDump(*w.feed, w.dan));
    }

    void replicaScreensFindStructures()
    {
        SYNC_WORLD(w);
        OPEN_REPLICA(r);
        PULL(w, r, w.carol, 100);
        // The structure search reads the folded copy: it is kept in step.
        QCOMPARE(r.db->value(QStringLiteral("SELECT rowid FROM structures_search WHERE raison_sociale = ?"),
                             { QStringLiteral("menuiserie dupont") })
                     .toLongLong(),
                 w.s1);
    }
};

QTEST_GUILESS_MAIN(TestReplica)
#include "tst_replica.moc"
