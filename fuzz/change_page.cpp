// The change-feed page the desktop applies (core/client/replica): any JSON
// document, through Replica::applyPage into a migrated in-memory SQLite
// replica, emptied after each input. Checks that a refused page changes
// nothing and says why, that an applied page leaves its checkpoint, and that
// applying the same page twice leaves the replica as once (a retried page
// after a lost answer).
#include "client/replica.h"
#include "fuzzsupport.h"
#include "kernel/database.h"
#include "sync/changefeed.h"

#include <QJsonDocument>
#include <QJsonObject>
#include <QSqlQuery>
#include <QSqlRecord>

using namespace guichet;

namespace {

// Every synced row, in a stable order.
QByteArray dump(Database &db)
{
    QByteArray out;
    const QStringList tables = ChangeFeed::tables() + QStringList { QStringLiteral("attachment_services") };
    for (const QString &table : tables) {
        QSqlQuery query = db.exec(QStringLiteral("SELECT * FROM %1 ORDER BY 1, 2").arg(table));
        while (query.next()) {
            out += table.toUtf8() + ':';
            for (int i = 0; i < query.record().count(); ++i)
                out += (query.value(i).isNull() ? QByteArray("NULL") : query.value(i).toString().toUtf8())
                    + '|';
            out += '\n';
        }
    }
    return out;
}

} // namespace

extern "C" int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    fuzz::initialize(argc, argv);
    return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const QByteArray input = fuzz::bytes(data, size);
    Database &db = fuzz::memoryDatabase();
    static Replica replica(db);
    const QJsonObject page = QJsonDocument::fromJson(input).object();

    QString error;
    const bool applied = replica.applyPage(page, &error);
    if (!applied) {
        FUZZ_CHECK(!error.isEmpty(), input);
        FUZZ_CHECK(replica.checkpoint() == 0, input);
        FUZZ_CHECK(dump(db).isEmpty(), input + "\n" + dump(db));
        return 0;
    }
    const QJsonValue checkpoint = page.value(QLatin1String("checkpoint"));
    FUZZ_CHECK(double(replica.checkpoint()) == checkpoint.toDouble(),
               input + "\nstored checkpoint " + QByteArray::number(replica.checkpoint()));
    const QByteArray once = dump(db);
    FUZZ_CHECK(replica.applyPage(page, &error), input + "\nsecond time: " + error.toUtf8());
    FUZZ_CHECK(dump(db) == once, input + "\nonce:\n" + once + "\ntwice:\n" + dump(db));
    replica.clear();
    return 0;
}
