// The CSV import of structures (core/rules/structures/structureimport: BOM,
// separator detection, RFC 4180 quoting, header, per-line checks) on a
// migrated in-memory SQLite database, inside a transaction rolled back after
// each input. Checks that a refusal names a column and a line, that an
// accepted file created exactly the structures it announced, and that what
// was imported, written back with CsvWriter (core/kernel/csv), imports again
// to the very same rows.
#include "fuzzsupport.h"
#include "kernel/core.h"
#include "kernel/csv.h"
#include "kernel/database.h"
#include "rules/structures/structureimport.h"

#include <QBuffer>
#include <QSqlQuery>

using namespace guichet;

namespace {

class FixedClock : public Clock
{
public:
    QDateTime now() const override { return QDateTime::fromMSecsSinceEpoch(1767225600000, Qt::UTC); }
};

const QStringList Columns { QStringLiteral("siret"),       QStringLiteral("raison_sociale"),
                            QStringLiteral("libelle"),     QStringLiteral("adresse"),
                            QStringLiteral("code_postal"), QStringLiteral("ville") };

CommandResult importBytes(Core &core, const QByteArray &csv)
{
    QBuffer buffer;
    buffer.setData(csv);
    buffer.open(QIODevice::ReadOnly);
    return importStructures(core, buffer);
}

// The structures as rows of text, in id order.
QList<QStringList> structures(Database &db)
{
    QList<QStringList> rows;
    QSqlQuery query = db.exec(QStringLiteral("SELECT %1 FROM structures ORDER BY id").arg(Columns.join(',')));
    while (query.next()) {
        QStringList row;
        for (int i = 0; i < Columns.size(); ++i)
            row << query.value(i).toString();
        rows << row;
    }
    return rows;
}

// Rows as escaped text, so that invisible characters show.
QByteArray describe(const QList<QStringList> &rows)
{
    QByteArray out;
    for (const QStringList &row : rows) {
        for (const QString &field : row) {
            out += '[';
            for (const QChar c : field)
                out += c.unicode() < 0x80 && c.isPrint() ? QByteArray(1, char(c.unicode()))
                                                         : "\\u" + QByteArray::number(c.unicode(), 16);
            out += ']';
        }
        out += '\n';
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
    static const FixedClock clock;
    Core core(db, clock);
    QList<QStringList> imported;
    {
        Transaction undo(db); // never committed: every input meets the same empty database
        const CommandResult result = importBytes(core, input);
        const QList<QStringList> rows = structures(db);
        if (!result.ok()) {
            FUZZ_CHECK(result.code == ErrorCode::InvalidInput, input + "\n" + result.message.toUtf8());
            // The line is unpacked from the field; a header's unknown column
            // may itself hold a ':' and is named whole.
            FUZZ_CHECK(result.data.contains(QStringLiteral("line"))
                           && result.data.value(QStringLiteral("line")).toInt() >= 0,
                       input + "\n" + result.field.toUtf8());
            FUZZ_CHECK(!result.message.isEmpty(), input);
            FUZZ_CHECK(rows.isEmpty(), input); // nothing half-imported
            return 0;
        }
        FUZZ_CHECK(result.data.value(QStringLiteral("imported")).toInt() == rows.size(), input);
        imported = rows;
    }
    // Written back as a file (';' and ',' in turn), the import reads the same rows.
    for (const QChar separator : { QLatin1Char(';'), QLatin1Char(',') }) {
        QString csv = CsvWriter::formatRow(Columns, separator);
        for (const QStringList &row : std::as_const(imported))
            csv += CsvWriter::formatRow(row, separator);
        Transaction undo(db);
        const CommandResult again = importBytes(core, csv.toUtf8());
        FUZZ_CHECK(again.ok(), input + "\nwritten back:\n" + csv.toUtf8() + "\n" + again.message.toUtf8());
        const QList<QStringList> againRows = structures(db);
        FUZZ_CHECK(againRows == imported,
                   input + "\nwritten back:\n" + csv.toUtf8() + "\nimported: " + describe(imported)
                       + "\nagain:    " + describe(againRows));
    }
    return 0;
}
