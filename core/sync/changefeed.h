#pragma once

#include <QByteArray>
#include <QHash>
#include <QJsonObject>
#include <QList>
#include <QString>
#include <QtGlobal>

#include <optional>

namespace guichet {

class Core;

// The server side of sync (docs/API.md "Sync"): the rows a user may see that
// changed since a checkpoint, in pages, with the deletions and the scope resets
// the user's replica must apply. Read-only; each page is read in one
// transaction, so it is a consistent picture of the database. A database
// failure throws DatabaseError.
class ChangeFeed
{
public:
    explicit ChangeFeed(Core &core);

    // The change page of docs/API.md: rows visible to userId with
    // version > since, in version order, at most `limit` of them (a single
    // command's rows are never split across pages; limit <= 0: no limit),
    // with `checkpoint`, `more`, `resets` and `deleted`.
    QJsonObject page(qint64 userId, qint64 since, int limit) const;

    // Of `candidates`, who may find anything in the changes after `since`
    // (up to `version`, the counter read in the same snapshot): guichetd asks
    // once when a change wakes its parked long-polls and reads a page only for
    // them; the others' page is empty with checkpoint `version`. A superset:
    // a candidate whose page(since) would hold a row, a deletion or a reset is
    // in `users`. Each comes with the key of its scope, or an empty key when
    // its page is its own (the changes touch its own rows, or may reset a
    // structure); candidates with the same non-empty key get the same page for
    // the same since and limit while the counter stays at `version` (pageAt).
    // `everyone` when the range holds more than maxChanges rows (each reads
    // its own page).
    struct Concerned
    {
        qint64 version = 0;
        bool everyone = false;
        QHash<qint64, QByteArray> users;
    };
    Concerned concerned(qint64 since, const QList<qint64> &candidates, int maxChanges) const;
    // page(), read only while the counter is still `version`: nothing when it moved.
    std::optional<QJsonObject> pageAt(qint64 userId, qint64 since, int limit, qint64 version) const;

    // The same page in format 2 (docs/API.md « Compact pages »), as JSON
    // text: each table's column names once and its rows as arrays, written
    // without a QJsonObject per row; the first page of a first sync (since 0)
    // also says `total`, how many rows the whole first sync brings, unless
    // !withTotal (the desktop asks for it apart: firstSyncTotal()).
    QByteArray compactPage(qint64 userId, qint64 since, int limit, bool withTotal = true) const;
    // compactPage(), read only while the counter is still `version`.
    std::optional<QByteArray> compactPageAt(qint64 userId, qint64 since, int limit, qint64 version,
                                            bool withTotal = true) const;
    // The first page's `total` on its own: how many rows a first sync of
    // userId brings now (every visible row), read in one snapshot.
    qint64 firstSyncTotal(qint64 userId) const;
    // compactPage() writes the rows of the page's version range while it
    // reads them — on SQLite through the C API on Qt's own connection
    // (Database::sqliteHandle()), on PostgreSQL as one text per row, the
    // array literal of its values — with no Item of QVariants per row (rows
    // sent again by a reset or for a user's visibility, and deletions, still
    // go through Items): byte for byte the page the general path writes. Off,
    // every page goes through Items, and on PostgreSQL its statements have
    // their values written in, as they had before they took them as
    // parameters: the reference tests and bench_changefeed compare with.
    void setPagesFromCursor(bool on) { m_pagesFromCursor = on; }

    // Every row visible to userId now, in the same shape (since = 0, no limit,
    // no resets or deletions).
    QJsonObject everything(qint64 userId) const;

    // The rows of one of tables() with the given ids, in the feed's shape (the
    // columns it sends, with their SQL values: docs/API.md "Rows"), in the
    // order of `ids`; an id without a row is left out, and so is any table
    // the feed does not send. No visibility check: the caller decides who may
    // read them (guichetd's /me and /structures routes).
    QList<QJsonObject> rows(const QString &table, const QList<qint64> &ids) const;

    // The tables the feed sends, in the order a replica can apply them.
    static const QStringList &tables();
    // The columns the feed sends for one of tables() (empty for another name).
    static QStringList columns(const QString &table);

private:
    Core &m_core;
    bool m_pagesFromCursor = true;
};

} // namespace guichet
