#pragma once

#include <QCoreApplication>
#include <QJsonObject>
#include <QString>

namespace guichet {

class Database;

// The desktop side of sync (docs/API.md "Sync"): a database migrated with the
// same schema as the server's, holding the rows the signed-in user may see, kept
// up to date by applying the server's change pages. The screens read it like
// the standalone database. Foreign keys are not enforced on its connection: it
// holds a part of the server's rows (e.g. a decision's author may be invisible).
class Replica
{
    Q_DECLARE_TR_FUNCTIONS(guichet::Replica)

public:
    explicit Replica(Database &db);

    // The `since` of the next change request (0: never synced).
    qint64 checkpoint() const;

    // Applies one page in ONE transaction: resets, upserts, deletions, then the
    // checkpoint. Reads both formats of docs/API.md: rows as objects (format
    // 1) or, with "format": 2, per table as arrays of values, written with one
    // prepared statement per table. Returns false with *error naming the
    // field on a malformed page, or on a database failure; nothing is applied
    // then.
    bool applyPage(const QJsonObject &page, QString *error);

    // Forgets every synced row and the checkpoint (sign-out of another user).
    void clear();

    // While a first sync runs on SQLite (from its first page of several until
    // its last), the synced tables' non-unique indexes are dropped and listed
    // in replica_deferred_indexes; the last page builds them again.
    bool indexesDeferred() const;

private:
    void deferIndexes();
    void restoreIndexes();

    Database &m_db;
};

} // namespace guichet
