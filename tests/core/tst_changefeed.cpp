#include "synctestsupport.h"

#include <QJsonDocument>
#include <QJsonParseError>
#include <QSet>
#include <QTest>

#include <algorithm>
#include <functional>

using namespace guichet;
using namespace guichet::test;

namespace {

// Where two pages part, with some bytes of each from there (a failure's message).
QByteArray firstDifference(const QByteArray &a, const QByteArray &b)
{
    qsizetype at = 0;
    while (at < a.size() && at < b.size() && a.at(at) == b.at(at))
        ++at;
    const qsizetype from = std::max<qsizetype>(0, at - 80);
    return "at byte " + QByteArray::number(at) + ":\n  " + a.mid(from, 200) + "\n  " + b.mid(from, 200);
}

} // namespace

class TestChangeFeed : public QObject
{
    Q_OBJECT

private slots:
    void simpleUserSeesOnlyTheirOwnPart()
    {
        SYNC_WORLD(w);
        const QJsonObject all = w.feed->everything(w.carol);
        QCOMPARE(all.value(QStringLiteral("checkpoint")).toInteger(), w.t.db().currentVersion());
        QCOMPARE(all.value(QStringLiteral("more")).toBool(), false);
        // Her structure with its services, not the other one.
        QCOMPARE(pageIds(all, QStringLiteral("structures")), QList<qint64> { w.s1 });
        QCOMPARE(pageIds(all, QStringLiteral("services")), (QList<qint64> { w.serviceA, w.serviceB }));
        // Her own attachment only: not Dan's pending request to the same structure.
        QCOMPARE(pageIds(all, QStringLiteral("attachments")), QList<qint64> { w.carolAttachment });
        for (const QJsonObject &row : pageRows(all, QStringLiteral("subscriptions")))
            QCOMPARE(row.value(QStringLiteral("user_id")).toInteger(), w.carol);
        QVERIFY(!pageRows(all, QStringLiteral("subscriptions")).isEmpty()); // her role's default spaces
        QVERIFY(pageRows(all, QStringLiteral("audit_log")).isEmpty());
        QCOMPARE(pageIds(all, QStringLiteral("attached_files")), QList<qint64> { w.carolFile });
        QCOMPARE(pageIds(all, QStringLiteral("solicitations")), QList<qint64> { w.carolSolicitation });
        for (const QJsonObject &row : pageRows(all, QStringLiteral("solicitation_messages")))
            QCOMPARE(row.value(QStringLiteral("solicitation_id")).toInteger(), w.carolSolicitation);
        // Herself and her structure's principal manager; never a secret.
        QCOMPARE(pageIds(all, QStringLiteral("users")), (QList<qint64> { w.alice, w.carol }));
        for (const QJsonObject &row : pageRows(all, QStringLiteral("users"))) {
            QVERIFY(!row.contains(QStringLiteral("password_hash")));
            QVERIFY(!row.contains(QStringLiteral("secret_answer_hash")));
            QVERIFY(!row.contains(QStringLiteral("failed_logins")));
            QVERIFY(!row.contains(QStringLiteral("locked_until")));
        }
        for (const QJsonObject &row : pageRows(all, QStringLiteral("attached_files")))
            QVERIFY(!row.contains(QStringLiteral("content")));
    }

    // PostgreSQL writers commit out of order: a reader polling while version N
    // is still in flight and N+1 is committed must not be given N+1 (its
    // checkpoint would pass N for good); once N commits it gets both.
    void aPageNeverPassesAVersionStillInFlight()
    {
        SYNC_WORLD(w);
        if (!w.t.db().isPostgres())
            QSKIP("SQLite has one writer at a time: versions commit in order");
        const qint64 since = w.feed->page(w.carol, 0, 1000).value(QStringLiteral("checkpoint")).toInteger();
        // A change already committed, so that the reader has rows to read.
        w.t.db().begin();
        const qint64 n0 = w.t.db().nextVersion();
        w.t.db().exec(QStringLiteral("UPDATE users SET last_name = 'Durand', version = ? WHERE id = ?"),
                      { n0, w.carol });
        w.t.db().commit();
        auto a = w.t.openAnother();
        auto b = w.t.openAnother();
        QVERIFY(a && b);
        a->begin();
        const qint64 n = a->nextVersion();
        a->exec(QStringLiteral("UPDATE users SET first_name = 'Caroline', version = ? WHERE id = ?"),
                { n, w.carol });
        b->begin();
        const qint64 n1 = b->nextVersion();
        b->exec(QStringLiteral("UPDATE structures SET libelle = 'Atelier', version = ? WHERE id = ?"),
                { n1, w.s1 });
        b->commit();
        for (const int limit : { 1, 1000 }) {
            const QJsonObject early = w.feed->page(w.carol, since, limit);
            QCOMPARE(early.value(QStringLiteral("checkpoint")).toInteger(), n0);
            QCOMPARE(pageIds(early, QStringLiteral("users")), QList<qint64> { w.carol });
            QVERIFY(pageIds(early, QStringLiteral("structures")).isEmpty());
        }
        a->commit();
        const QJsonObject page = w.feed->page(w.carol, n0, 1000);
        QCOMPARE(page.value(QStringLiteral("checkpoint")).toInteger(), n1);
        QCOMPARE(pageIds(page, QStringLiteral("users")), QList<qint64> { w.carol });
        QCOMPARE(pageIds(page, QStringLiteral("structures")), QList<qint64> { w.s1 });
    }

    void managerSeesTheStructuresRequests()
    {
        SYNC_WORLD(w);
        const QJsonObject all = w.feed->everything(w.alice);
        // Dan's pending request to s1, with Dan's user row, but not his s2 attachment.
        QCOMPARE(
            pageIds(all, QStringLiteral("attachments")),
            (QList<qint64> { w.t.db()
                                 .value(QStringLiteral("SELECT id FROM attachments WHERE user_id = ? AND "
                                                       "structure_id = ?"),
                                        { w.alice, w.s1 })
                                 .toLongLong(),
                             w.carolAttachment, w.danPending }));
        QCOMPARE(pageIds(all, QStringLiteral("users")), (QList<qint64> { w.alice, w.carol, w.dan }));
        // Carol's subscriptions at s1 and the structure's audit entries, nothing of s2.
        for (const QJsonObject &row : pageRows(all, QStringLiteral("subscriptions")))
            QCOMPARE(row.value(QStringLiteral("structure_id")).toInteger(), w.s1);
        QVERIFY(pageRows(all, QStringLiteral("subscriptions")).size() > w.count(
                    QStringLiteral("SELECT COUNT(*) FROM subscriptions WHERE user_id = ?"), { w.alice }));
        const QList<QJsonObject> audit = pageRows(all, QStringLiteral("audit_log"));
        QCOMPARE(audit.size(),
                 w.count(QStringLiteral("SELECT COUNT(*) FROM audit_log WHERE structure_id = ?"), { w.s1 }));
        for (const QJsonObject &row : audit)
            QCOMPARE(row.value(QStringLiteral("structure_id")).toInteger(), w.s1);
        // Other people's files and solicitations stay private.
        QVERIFY(pageRows(all, QStringLiteral("attached_files")).isEmpty());
        QVERIFY(pageRows(all, QStringLiteral("solicitations")).isEmpty());
        // Each attachment carries its services.
        for (const QJsonObject &row : pageRows(all, QStringLiteral("attachments")))
            QVERIFY(row.value(QStringLiteral("services")).isArray());
    }

    void attachmentCarriesItsServices()
    {
        SYNC_WORLD(w);
        AttachmentRequest request;
        request.structureId = w.s1;
        request.validFrom = w.clock.today();
        request.wholeStructure = false;
        request.serviceIds = { w.serviceB };
        const qint64 eve = w.user(QStringLiteral("eve@example.org"), QStringLiteral("Eve"));
        const CommandResult r = w.attachments->requestAttachment(eve, request);
        QVERIFY2(r.ok(), qPrintable(r.message));
        const QList<QJsonObject> rows = pageRows(w.feed->everything(w.alice), QStringLiteral("attachments"));
        const auto it = std::find_if(rows.begin(), rows.end(), [&](const QJsonObject &row) {
            return row.value(QStringLiteral("id")).toInteger() == r.id;
        });
        QVERIFY(it != rows.end());
        QCOMPARE(it->value(QStringLiteral("services")).toArray(), QJsonArray { w.serviceB });
    }

    void supportReceivesEverySolicitation()
    {
        SYNC_WORLD(w);
        const QJsonObject all = w.feed->everything(w.sue);
        QCOMPARE(pageIds(all, QStringLiteral("solicitations")),
                 (QList<qint64> { w.carolSolicitation, w.danSolicitation }));
        QCOMPARE(pageRows(all, QStringLiteral("solicitation_messages")).size(),
                 w.count(QStringLiteral("SELECT COUNT(*) FROM solicitation_messages")));
        // The senders' user rows, and no structure (support searches those).
        QCOMPARE(pageIds(all, QStringLiteral("users")), (QList<qint64> { w.carol, w.dan, w.sue }));
        QVERIFY(pageRows(all, QStringLiteral("structures")).isEmpty());
        QVERIFY(pageRows(all, QStringLiteral("attached_files")).isEmpty());
        // A simple user never sees another's solicitation.
        QCOMPARE(pageIds(w.feed->everything(w.dan), QStringLiteral("solicitations")),
                 QList<qint64> { w.danSolicitation });
    }

    void pagesFollowVersionOrderAndEnd()
    {
        SYNC_WORLD(w);
        const QJsonObject all = w.feed->everything(w.alice);
        QSet<QString> expected;
        for (const QJsonValue &entry : all.value(QStringLiteral("rows")).toArray())
            expected.insert(entry.toObject().value(QStringLiteral("table")).toString() + QLatin1Char('/')
                            + QString::number(entry.toObject()
                                                  .value(QStringLiteral("row"))
                                                  .toObject()
                                                  .value(QStringLiteral("id"))
                                                  .toInteger()));
        QVERIFY(expected.size() > 10);
        qint64 since = 0;
        QSet<QString> received;
        int pages = 0;
        for (;;) {
            const QJsonObject page = w.feed->page(w.alice, since, 3);
            const QJsonArray rows = page.value(QStringLiteral("rows")).toArray();
            const bool reset = !page.value(QStringLiteral("resets")).toArray().isEmpty();
            ++pages;
            QVERIFY(pages < 1000);
            qint64 previous = since;
            int streamed = 0;
            for (const QJsonValue &entry : rows) {
                const QString table = entry.toObject().value(QStringLiteral("table")).toString();
                const QJsonObject row = entry.toObject().value(QStringLiteral("row")).toObject();
                received.insert(table + QLatin1Char('/')
                                + QString::number(row.value(QStringLiteral("id")).toInteger()));
                // User rows and a reset's refetch may resend older rows; the
                // stream itself is in version order, after `since`.
                if (reset || table == QLatin1String("users"))
                    continue;
                const qint64 version = row.value(QStringLiteral("version")).toInteger();
                QVERIFY(version > since);
                QVERIFY(version >= previous);
                previous = version;
                ++streamed;
            }
            const qint64 checkpoint = page.value(QStringLiteral("checkpoint")).toInteger();
            QVERIFY(checkpoint > since);
            since = checkpoint;
            if (!page.value(QStringLiteral("more")).toBool())
                break;
            // A page holds at most `limit` rows unless one command made more.
            QVERIFY(reset || streamed <= 3 || previous == checkpoint);
        }
        QVERIFY(pages > 3);
        QCOMPARE(received, expected);
        QCOMPARE(since, all.value(QStringLiteral("checkpoint")).toInteger());
    }

    void oneCommandsRowsAreNeverSplit()
    {
        SYNC_WORLD(w);
        // Validating Carol's request wrote several rows at one version.
        const qint64 version = w.t.db()
                                   .value(QStringLiteral("SELECT version FROM attachments WHERE id = ?"),
                                          { w.carolAttachment })
                                   .toLongLong();
        const int sameVersion
            = w.count(QStringLiteral("SELECT COUNT(*) FROM subscriptions WHERE version = ? AND user_id = ?"),
                      { version, w.carol })
            + 1;
        QVERIFY(sameVersion >= 3);
        const QJsonObject page = w.feed->page(w.carol, version - 1, 1);
        int delivered = 0;
        for (const QJsonValue &entry : page.value(QStringLiteral("rows")).toArray()) {
            if (entry.toObject()
                    .value(QStringLiteral("row"))
                    .toObject()
                    .value(QStringLiteral("version"))
                    .toInteger()
                == version)
                ++delivered;
        }
        QVERIFY(delivered >= sameVersion);
        QCOMPARE(page.value(QStringLiteral("checkpoint")).toInteger(), version);
    }

    void emptyPollSendsNothing()
    {
        SYNC_WORLD(w);
        const qint64 current = w.feed->everything(w.carol).value(QStringLiteral("checkpoint")).toInteger();
        const QJsonObject page = w.feed->page(w.carol, current, 100);
        QCOMPARE(page.value(QStringLiteral("checkpoint")).toInteger(), current);
        QCOMPARE(page.value(QStringLiteral("more")).toBool(), false);
        QVERIFY(page.value(QStringLiteral("rows")).toArray().isEmpty());
        QVERIFY(page.value(QStringLiteral("deleted")).toArray().isEmpty());
        QVERIFY(page.value(QStringLiteral("resets")).toArray().isEmpty());

        // Another structure's change moves the checkpoint but sends Carol nothing.
        const CommandResult r
            = w.structures->addService(w.bruno, w.s2, QStringLiteral("X"), QStringLiteral("Fournil"));
        QVERIFY2(r.ok(), qPrintable(r.message));
        const QJsonObject after = w.feed->page(w.carol, current, 100);
        QCOMPARE(after.value(QStringLiteral("checkpoint")).toInteger(), current + 1);
        QVERIFY(after.value(QStringLiteral("rows")).toArray().isEmpty());
        // Dan, attached to s2, gets the new service.
        QCOMPARE(pageIds(w.feed->page(w.dan, current, 100), QStringLiteral("services")),
                 QList<qint64> { r.id });
    }

    void tombstonesGoOnlyToThoseWhoSawTheRow()
    {
        SYNC_WORLD(w);
        const qint64 current = w.feed->everything(w.dan).value(QStringLiteral("checkpoint")).toInteger();
        CommandResult r = w.files->deleteFiles(w.dan, { w.danFile });
        QVERIFY2(r.ok(), qPrintable(r.message));
        QCOMPARE(deletedIds(w.feed->page(w.dan, current, 100), QStringLiteral("attached_files")),
                 QList<qint64> { w.danFile });
        QVERIFY(w.feed->page(w.carol, current, 100).value(QStringLiteral("deleted")).toArray().isEmpty());
        QVERIFY(w.feed->page(w.bruno, current, 100).value(QStringLiteral("deleted")).toArray().isEmpty());
        QCOMPARE(
            w.count(QStringLiteral("SELECT user_id FROM tombstones WHERE table_name = 'attached_files' AND "
                                   "row_id = ?"),
                    { w.danFile }),
            int(w.dan));

        // A structure's subscription deletion reaches its managers, not others.
        const qint64 before = w.feed->everything(w.alice).value(QStringLiteral("checkpoint")).toInteger();
        const qint64 subscription
            = w.t.db()
                  .value(QStringLiteral("SELECT id FROM subscriptions WHERE user_id = ? AND "
                                        "structure_id = ? ORDER BY id LIMIT 1"),
                         { w.carol, w.s1 })
                  .toLongLong();
        r = w.subscriptions->removeSubscriptions(w.carol, { subscription });
        QVERIFY2(r.ok(), qPrintable(r.message));
        QCOMPARE(deletedIds(w.feed->page(w.alice, before, 100), QStringLiteral("subscriptions")),
                 QList<qint64> { subscription });
        QCOMPARE(deletedIds(w.feed->page(w.carol, before, 100), QStringLiteral("subscriptions")),
                 QList<qint64> { subscription });
        QVERIFY(deletedIds(w.feed->page(w.bruno, before, 100), QStringLiteral("subscriptions")).isEmpty());
        QVERIFY(deletedIds(w.feed->page(w.dan, before, 100), QStringLiteral("subscriptions")).isEmpty());
    }

    void ownAttachmentChangeResetsTheStructure()
    {
        SYNC_WORLD(w);
        const qint64 before = w.feed->everything(w.dan).value(QStringLiteral("checkpoint")).toInteger();
        // Alice validates Dan's pending request to s1: Dan's view of s1 changes.
        const CommandResult r = w.attachments->decideAttachment(w.alice, w.danPending, true);
        QVERIFY2(r.ok(), qPrintable(r.message));
        const QJsonObject page = w.feed->page(w.dan, before, 100);
        const QJsonArray resets = page.value(QStringLiteral("resets")).toArray();
        QCOMPARE(resets.size(), 1);
        QCOMPARE(resets.at(0).toObject().value(QStringLiteral("structure")).toInteger(), w.s1);
        QCOMPARE(resets.at(0).toObject().value(QStringLiteral("action")).toString(),
                 QStringLiteral("refetch"));
        // The refetch brings the structure's older rows again.
        QCOMPARE(pageIds(page, QStringLiteral("structures")), QList<qint64> { w.s1 });
        QCOMPARE(pageIds(page, QStringLiteral("services")), (QList<qint64> { w.serviceA, w.serviceB }));
        // Others get no reset.
        QVERIFY(w.feed->page(w.carol, before, 100).value(QStringLiteral("resets")).toArray().isEmpty());
    }

    void theConcernedUsersIncludeEveryoneWithSomethingToFetch()
    {
        SYNC_WORLD(w);
        const QList<qint64> everyone { w.alice, w.bruno, w.carol, w.dan, w.sue };
        const auto hasSomething = [](const QJsonObject &page) {
            return !page.value(QStringLiteral("rows")).toArray().isEmpty()
                || !page.value(QStringLiteral("deleted")).toArray().isEmpty()
                || !page.value(QStringLiteral("resets")).toArray().isEmpty();
        };
        // Each change, then who may find something in it.
        const QList<std::function<CommandResult()>> changes {
            [&] {
                return w.structures->addService(w.alice, w.s1, QStringLiteral("C"), QStringLiteral("Caisse"));
            },
            [&] { return w.attachments->decideAttachment(w.alice, w.danPending, true); },
            [&] { return w.files->deleteFiles(w.dan, { w.danFile }); },
            [&] {
                return w.solicitations->createSolicitation(
                    w.carol,
                    { QStringLiteral("other"), QStringLiteral("Question"), QStringLiteral("Bonjour") });
            },
        };
        int narrowed = 0;
        for (int i = 0; i < changes.size(); ++i) {
            const qint64 before = w.t.db().currentVersion();
            const CommandResult r = changes.at(i)();
            QVERIFY2(r.ok(), qPrintable(QStringLiteral("change %1: %2").arg(i).arg(r.message)));
            const ChangeFeed::Concerned concerned = w.feed->concerned(before, everyone, 5000);
            QCOMPARE(concerned.version, w.t.db().currentVersion());
            QVERIFY(!concerned.everyone);
            if (i == 0) // a service of Alice's structure: nothing for Bruno
                QVERIFY(!concerned.users.contains(w.bruno));
            QHash<QByteArray, QJsonObject> pageOfScope;
            for (const qint64 user : everyone) {
                const QJsonObject page = w.feed->page(user, before, 1000);
                if (hasSomething(page))
                    QVERIFY2(concerned.users.contains(user),
                             qPrintable(QStringLiteral("change %1, user %2").arg(i).arg(user)));
                if (!concerned.users.contains(user)) {
                    ++narrowed;
                    continue;
                }
                // Users given the same scope key get the same page.
                const QByteArray key = concerned.users.value(user);
                if (key.isEmpty())
                    continue;
                if (pageOfScope.contains(key))
                    QCOMPARE(page, pageOfScope.value(key));
                pageOfScope.insert(key, page);
                QVERIFY(w.feed->pageAt(user, before, 1000, concerned.version).has_value());
                QVERIFY(!w.feed->pageAt(user, before, 1000, concerned.version - 1).has_value());
            }
        }
        QVERIFY(narrowed > 0); // not everyone, every time
    }

    void rowsByIdInTheFeedsShape()
    {
        SYNC_WORLD(w);
        // The same objects as the feed sends, in the order asked, unknown ids left out.
        const QList<QJsonObject> fed = pageRows(w.feed->everything(w.alice), QStringLiteral("users"));
        const QList<QJsonObject> users = w.feed->rows(QStringLiteral("users"), { w.carol, 999999, w.alice });
        QCOMPARE(users.size(), 2);
        QCOMPARE(users.at(0).value(QStringLiteral("id")).toInteger(), w.carol);
        QCOMPARE(users.at(1).value(QStringLiteral("id")).toInteger(), w.alice);
        for (const QJsonObject &row : users) {
            bool found = false;
            for (const QJsonObject &sent : fed)
                found = found || sent == row;
            QVERIFY2(found, "a row differs from the feed's");
            QVERIFY(!row.contains(QStringLiteral("password_hash")));
            QVERIFY(!row.contains(QStringLiteral("secret_answer_hash")));
            QVERIFY(!row.contains(QStringLiteral("failed_logins")));
            QVERIFY(!row.contains(QStringLiteral("next_login_at")));
            QVERIFY(!row.contains(QStringLiteral("locked_until")));
        }
        QCOMPARE(users.at(0).keys().size(), ChangeFeed::columns(QStringLiteral("users")).size());
        // Nothing for a table the feed does not send, nor for no ids.
        QVERIFY(w.feed->rows(QStringLiteral("tokens"), { w.alice }).isEmpty());
        QVERIFY(w.feed->rows(QStringLiteral("users"), {}).isEmpty());
        const QList<QJsonObject> structures = w.feed->rows(QStringLiteral("structures"), { w.s2, w.s1 });
        QCOMPARE(structures.size(), 2);
        QCOMPARE(structures.at(0).value(QStringLiteral("id")).toInteger(), w.s2);
        QCOMPARE(structures.at(1).value(QStringLiteral("id")).toInteger(), w.s1);
    }

    // A first sync's format 2 pages are written while the rows are read (the
    // SQLite C API, or JSON text PostgreSQL builds): byte for byte the pages
    // the general path writes through Items, for every synced table, with
    // text and numbers a JSON writer can get wrong, for each user and page size.
    void firstSyncPagesFromTheCursorAreTheItemPages()
    {
        SYNC_WORLD(w);
        Database &db = w.t.db();
#ifdef GUICHET_SQLITE_C_API
        if (!db.isPostgres())
            QVERIFY2(db.sqliteHandle(), "the SQLite C API cannot be used on Qt's connection");
#endif
        const QString text = trickyText();
        {
            Transaction transaction(db);
            db.exec(
                QStringLiteral("UPDATE users SET first_name = ?, contact_email = '', deactivated_at = NULL, "
                               "version = ? WHERE id = ?"),
                { text, db.nextVersion(), w.carol });
            db.exec(QStringLiteral("UPDATE users SET last_name = ?, version = ? WHERE id = ?"),
                    { QStringLiteral("Ünïcödé « Ça » 😀"), db.nextVersion(), w.alice });
            db.exec(QStringLiteral("UPDATE structures SET raison_sociale = ?, adresse = '', version = ? "
                                   "WHERE id = ?"),
                    { text, db.nextVersion(), w.s1 });
            db.exec(QStringLiteral("UPDATE solicitations SET body = ?, version = ? WHERE id = ?"),
                    { text + text, db.nextVersion(), w.carolSolicitation });
            db.exec(QStringLiteral(
                        "UPDATE attached_files SET size = ?, created_at = ?, updated_at = ?, version = ? "
                        "WHERE id = ?"),
                    { Q_INT64_C(9007199254740993), Q_INT64_C(-9223372036854775807),
                      Q_INT64_C(9223372036854775807), db.nextVersion(), w.carolFile });
            db.exec(QStringLiteral("UPDATE audit_log SET details = ?, comment = ?, version = ? WHERE id IN "
                                   "(SELECT MIN(id) FROM audit_log)"),
                    { text, QStringLiteral("\\\"\t\r\b\f"), db.nextVersion() });
            // Texts that PostgreSQL's array literal (a row's values on the
            // cursor's path) writes bare or quotes: SQL's NULL and the word,
            // empty, blank, a lone or a leading U+FEFF, braces, commas,
            // quotes and backslashes alone, digits, control characters
            // that need no quotes (\v, \x01) and those that do.
            const QChar bom(0xFEFF);
            db.exec(
                QStringLiteral("UPDATE users SET first_name = ?, last_name = '12', address_line = 'NULL', "
                               "postal_code = 'null', country = ' ', secret_question = ?, version = ? "
                               "WHERE id = ?"),
                { QString(bom), QStringLiteral("{a,\"b\"}\\"), db.nextVersion(), w.dan });
            db.exec(QStringLiteral("UPDATE users SET address_line = ?, postal_code = ?, country = ?, "
                                   "secret_question = ?, contact_email = 'NuLl', version = ? WHERE id = ?"),
                    { QString(bom) + QStringLiteral("NULL"), QString(bom) + bom + QStringLiteral("x"),
                      QStringLiteral("a\vb"), QStringLiteral("\x01"), db.nextVersion(), w.bruno });
            db.exec(QStringLiteral("UPDATE structures SET libelle = '{}', adresse = ',', code_postal = ?, "
                                   "ville = '\"', version = ? WHERE id = ?"),
                    { QStringLiteral("\\"), db.nextVersion(), w.s2 });
            db.exec(
                QStringLiteral("UPDATE attachments SET decision_comment = ?, valid_until = NULL, version = ? "
                               "WHERE id = ?"),
                { QStringLiteral("NULL"), db.nextVersion(), w.carolAttachment });
            db.exec(
                QStringLiteral("UPDATE attachments SET decision_comment = ?, valid_until = ?, version = ? "
                               "WHERE id = ?"),
                { QStringLiteral(" a b "), QString(bom), db.nextVersion(), w.danAttachment });
            // Two services (the list quoted in the literal) and one (bare).
            for (const auto &[attachment, service] :
                 { std::pair { w.carolAttachment, w.serviceA }, std::pair { w.carolAttachment, w.serviceB },
                   std::pair { w.danPending, w.serviceB } })
                db.exec(QStringLiteral("INSERT INTO attachment_services (attachment_id, service_id) VALUES "
                                       "(?, ?)"),
                        { attachment, service });
            db.exec(QStringLiteral("UPDATE attachments SET version = ? WHERE id = ?"),
                    { db.nextVersion(), w.danPending });
            db.exec(QStringLiteral("UPDATE solicitation_messages SET body = ?, version = ?"),
                    { QStringLiteral("\\"), db.nextVersion() });
            db.exec(QStringLiteral("UPDATE attached_files SET designation = ?, file_name = ?, version = ? "
                                   "WHERE id = ?"),
                    { QStringLiteral("null "), QStringLiteral("x\"y,z}"), db.nextVersion(), w.danFile });
            transaction.commit();
        }
        const CommandResult selfService
            = w.spaces->setSelfServiceSpace(w.alice, w.s1, QStringLiteral("factures_emises"), true);
        QVERIFY2(selfService.ok(), qPrintable(selfService.message));
        {
            // The subscriptions the space made, with texts as above.
            Transaction transaction(db);
            QVERIFY(db.value(QStringLiteral("SELECT COUNT(*) FROM subscriptions")).toInt() > 0);
            db.exec(QStringLiteral("UPDATE subscriptions SET comment = 'a b', decision_comment = '', "
                                   "comment_code = 'NULL', version = ?"),
                    { db.nextVersion() });
            transaction.commit();
        }
        const qint64 firstSynced = db.currentVersion();
        // Then what later pages carry besides the range's rows: deletions (one
        // of a row whose id may come back), resets of a structure for the
        // user whose attachment changed, users sent again or gone, a
        // secondary manager's structure whose powers changed, and one command
        // changing more users rows than a page holds.
        const auto ok = [](const CommandResult &r) { return r.ok() ? QString() : r.message; };
        QCOMPARE(ok(w.spaces->enableStructureSpace(w.alice, w.s1, QStringLiteral("factures_recues"))),
                 QString());
        QCOMPARE(ok(w.files->deleteFiles(w.carol, { w.carolFile })), QString());
        QCOMPARE(ok(w.spaces->disableStructureSpace(w.alice, w.s1, QStringLiteral("factures_recues"))),
                 QString());
        QCOMPARE(ok(w.spaces->enableStructureSpace(w.alice, w.s1, QStringLiteral("factures_recues"))),
                 QString());
        QCOMPARE(ok(w.attachments->decideAttachment(w.alice, w.danPending, true)), QString());
        QCOMPARE(ok(w.attachments->setAttachmentRole(w.alice, w.carolAttachment, Role::Secondary)),
                 QString());
        QCOMPARE(ok(w.attachments->setSecondaryPowers(w.alice, w.s1, true)), QString());
        QCOMPARE(ok(w.attachments->removeAttachments(w.alice, { w.danPending })), QString());
        QCOMPARE(ok(w.spaces->setSelfServiceSpace(w.alice, w.s1, QStringLiteral("factures_emises"), false)),
                 QString());
        QCOMPARE(ok(w.spaces->setSelfServiceSpace(w.alice, w.s1, QStringLiteral("factures_emises"), true)),
                 QString());
        {
            // One command rewriting more users rows than a page of 1 or 3 holds.
            Transaction transaction(db);
            db.exec(QStringLiteral("UPDATE users SET city = 'Lyon', version = ? WHERE id IN (?, ?, ?, ?, ?)"),
                    { db.nextVersion(), w.alice, w.bruno, w.carol, w.dan, w.sue });
            transaction.commit();
        }
        ChangeFeed items(*w.core);
        items.setPagesFromCursor(false);
        QSet<QString> seen;
        int deletions = 0;
        int resets = 0;
        const qint64 last = db.currentVersion();
        for (const qint64 user : { w.alice, w.bruno, w.carol, w.dan, w.sue }) {
            for (qint64 since = 0; since <= last; since += since < firstSynced ? firstSynced : 1) {
                for (const int limit : { 0, 1, 3, 1000 }) {
                    const QByteArray fromCursor = w.feed->compactPage(user, since, limit);
                    const QByteArray fromItems = items.compactPage(user, since, limit);
                    QVERIFY2(fromCursor == fromItems, firstDifference(fromCursor, fromItems).constData());
                    QCOMPARE(w.feed->compactPageAt(user, since, limit, last),
                             items.compactPageAt(user, since, limit, last));
                    QJsonParseError error;
                    const QJsonObject page = QJsonDocument::fromJson(fromCursor, &error).object();
                    QVERIFY2(error.error == QJsonParseError::NoError, qPrintable(error.errorString()));
                    for (const QJsonValue &table : page.value(QStringLiteral("tables")).toArray())
                        seen.insert(table.toObject().value(QStringLiteral("table")).toString());
                    deletions += int(page.value(QStringLiteral("deleted")).toArray().size());
                    resets += int(page.value(QStringLiteral("resets")).toArray().size());
                }
            }
        }
        const QStringList tables = ChangeFeed::tables();
        QCOMPARE(seen, QSet<QString>(tables.cbegin(), tables.cend()));
        QVERIFY(deletions > 0);
        QVERIFY(resets > 0);
        // The values arrive as they are in the database.
        const QJsonObject carols = QJsonDocument::fromJson(w.feed->compactPage(w.carol, 0, 0)).object();
        bool found = false;
        for (const QJsonValue &table : carols.value(QStringLiteral("tables")).toArray()) {
            if (table.toObject().value(QStringLiteral("table")).toString() != QLatin1String("users"))
                continue;
            const QJsonArray columns = table.toObject().value(QStringLiteral("columns")).toArray();
            for (const QJsonValue &row : table.toObject().value(QStringLiteral("rows")).toArray()) {
                if (row.toArray().at(0).toInteger() != w.carol)
                    continue;
                found = true;
                for (int i = 0; i < columns.size(); ++i) {
                    const QString name = columns.at(i).toString();
                    const QJsonValue value = row.toArray().at(i);
                    if (name == QLatin1String("first_name"))
                        QCOMPARE(value.toString(), text);
                    else if (name == QLatin1String("contact_email"))
                        QVERIFY(value.isString() && value.toString().isEmpty());
                    else if (name == QLatin1String("deactivated_at"))
                        QVERIFY(value.isNull());
                }
            }
        }
        QVERIFY(found);
    }

    // On PostgreSQL a page's statements take their values as parameters,
    // prepared once per connection and run again with other values (the
    // reference pages have them written in, as they had before): the pages
    // of users of different scopes read in turn on the one connection, with
    // lists of more ids than the 500 the attachments' services are read by,
    // NULLs, empty lists (support), a scope that shrinks and one that grows
    // between two pages, are the reference pages, in both formats.
    void pagesOfScopesReadInTurnAreTheReferencePages()
    {
        SYNC_WORLD(w);
        Database &db = w.t.db();
        // 600 people in s1, in commands of 50: each one's user row and an
        // attachment without an end date, every other one with service A.
        for (int command = 0; command < 12; ++command) {
            Transaction transaction(db);
            const qint64 version = db.nextVersion();
            for (int i = 0; i < 50; ++i) {
                const int n = command * 50 + i;
                const qint64 person
                    = insertUser(db, QStringLiteral("p%1@example.org").arg(n), QStringLiteral("P%1").arg(n),
                                 QStringLiteral("Martin"), false);
                const qint64 attachment
                    = insertAttachment(db, person, w.s1, QStringLiteral("user"), QStringLiteral("validated"),
                                       w.clock.today(), QDate());
                if (n % 2 == 0)
                    db.exec(
                        QStringLiteral("INSERT INTO attachment_services (attachment_id, service_id) VALUES "
                                       "(?, ?)"),
                        { attachment, w.serviceA });
                db.exec(QStringLiteral("UPDATE users SET version = ? WHERE id = ?"), { version, person });
                db.exec(QStringLiteral("UPDATE attachments SET version = ? WHERE id = ?"),
                        { version, attachment });
            }
            transaction.commit();
        }
        ChangeFeed reference(*w.core);
        reference.setPagesFromCursor(false);
        const auto ok = [](const CommandResult &r) { return r.ok() ? QString() : r.message; };
        int pages = 0;
        qsizetype largest = 0; // the most attachments one page held
        for (const int limit : { 0, 1, 150, 5000 }) {
            struct Walk
            {
                qint64 user = 0;
                qint64 since = 0;
                bool done = false;
            };
            QList<Walk> walks { { w.alice }, { w.carol }, { w.dan }, { w.sue }, { w.bruno } };
            for (int turn = 0;; ++turn) {
                bool any = false;
                for (Walk &walk : walks) {
                    if (walk.done)
                        continue;
                    any = true;
                    const QByteArray page = w.feed->compactPage(walk.user, walk.since, limit);
                    const QByteArray expected = reference.compactPage(walk.user, walk.since, limit);
                    QVERIFY2(page == expected, firstDifference(page, expected).constData());
                    QCOMPARE(w.feed->page(walk.user, walk.since, limit),
                             reference.page(walk.user, walk.since, limit));
                    const QJsonObject object = QJsonDocument::fromJson(page).object();
                    for (const QJsonValue &table : object.value(QStringLiteral("tables")).toArray()) {
                        if (table.toObject().value(QStringLiteral("table")).toString()
                            == QLatin1String("attachments"))
                            largest = std::max(
                                largest, table.toObject().value(QStringLiteral("rows")).toArray().size());
                    }
                    walk.since = object.value(QStringLiteral("checkpoint")).toInteger();
                    walk.done = !object.value(QStringLiteral("more")).toBool();
                    ++pages;
                }
                if (!any)
                    break;
                if (turn == 1 && limit == 1) {
                    // Dan's scope shrinks (his pending request to s1 goes);
                    // Carol's grows: secondary with powers, she manages s1.
                    QCOMPARE(ok(w.attachments->removeAttachments(w.alice, { w.danPending })), QString());
                    QCOMPARE(
                        ok(w.attachments->setAttachmentRole(w.alice, w.carolAttachment, Role::Secondary)),
                        QString());
                    QCOMPARE(ok(w.attachments->setSecondaryPowers(w.alice, w.s1, true)), QString());
                }
            }
        }
        QVERIFY(pages > 100);
        QVERIFY(largest > 500);
    }
};

QTEST_GUILESS_MAIN(TestChangeFeed)
#include "tst_changefeed.moc"
