#include "rules/structures/structureimport.h"

#include "kernel/core.h"
#include "kernel/siret.h"
#include "rules/structures/structures.h"
#include "rules/structures/structurestore.h"

#include <QHash>
#include <QIODevice>
#include <QSet>
#include <QStringDecoder>

namespace guichet {

namespace {

struct Tr
{
    Q_DECLARE_TR_FUNCTIONS(guichet::StructureImport)
};

struct Record
{
    int line = 0; // where the record starts in the file
    QStringList fields;
};

[[noreturn]] void failAt(int line, const QString &field, const QString &message)
{
    // The line travels in the message's data: see importStructures.
    throw CommandFailure(ErrorCode::InvalidInput, QStringLiteral("%1:%2").arg(line).arg(field), message);
}

// The header's separator: the one of ';' and ',' it uses most (outside quotes).
QChar detectSeparator(const QString &text)
{
    int semicolons = 0;
    int commas = 0;
    bool quoted = false;
    for (const QChar c : text) {
        if (c == QLatin1Char('"'))
            quoted = !quoted;
        else if (!quoted && (c == QLatin1Char('\n') || c == QLatin1Char('\r')))
            break;
        else if (!quoted && c == QLatin1Char(';'))
            ++semicolons;
        else if (!quoted && c == QLatin1Char(','))
            ++commas;
    }
    return semicolons > commas ? QLatin1Char(';') : QLatin1Char(',');
}

// RFC 4180 records; blank lines are skipped.
QList<Record> parseCsv(const QString &text, QChar separator)
{
    QList<Record> records;
    Record record;
    QString field;
    int line = 1;
    record.line = 1;
    bool quoted = false;
    bool afterQuote = false; // a quoted field just closed
    bool fieldStarted = false;
    const auto endRecord = [&]() {
        if (fieldStarted || !record.fields.isEmpty()) {
            record.fields << field;
            records.append(record);
        }
        record = Record();
        field.clear();
        fieldStarted = false;
        afterQuote = false;
    };
    const int size = text.size();
    for (int i = 0; i < size; ++i) {
        const QChar c = text.at(i);
        if (quoted) {
            if (c == QLatin1Char('"')) {
                if (i + 1 < size && text.at(i + 1) == QLatin1Char('"')) {
                    field += c;
                    ++i;
                } else {
                    quoted = false;
                    afterQuote = true;
                }
            } else {
                if (c == QLatin1Char('\n'))
                    ++line;
                field += c;
            }
            continue;
        }
        if (c == separator) {
            record.fields << field;
            field.clear();
            fieldStarted = true;
            afterQuote = false;
        } else if (c == QLatin1Char('\n') || c == QLatin1Char('\r')) {
            if (c == QLatin1Char('\r') && i + 1 < size && text.at(i + 1) == QLatin1Char('\n'))
                ++i;
            endRecord();
            ++line;
            record.line = line;
        } else if (afterQuote) {
            failAt(record.line, {}, Tr::tr("Unexpected character %1 after a closing quote.").arg(QString(c)));
        } else if (c == QLatin1Char('"') && field.isEmpty()) {
            quoted = true;
            fieldStarted = true;
        } else {
            field += c;
            fieldStarted = true;
        }
    }
    if (quoted)
        failAt(record.line, {}, Tr::tr("A quoted field is not closed."));
    endRecord();
    return records;
}

} // namespace

CommandResult importStructures(Core &core, QIODevice &csv, const ImportProgress &progress)
{
    CommandResult result = core.run(
        QStringLiteral("importStructures"), 0,
        [&](CommandContext &ctx) {
            QByteArray bytes = csv.readAll();
            if (bytes.startsWith("\xEF\xBB\xBF"))
                bytes.remove(0, 3);
            QStringDecoder decoder(QStringDecoder::Utf8);
            const QString text = decoder.decode(bytes);
            if (decoder.hasError())
                failAt(0, {}, Tr::tr("The file is not UTF-8 text."));
            const QList<Record> records = parseCsv(text, detectSeparator(text));
            if (records.isEmpty())
                failAt(1, {}, Tr::tr("The file is empty: its first line must name the columns."));

            // Header.
            static const QStringList known { QStringLiteral("siret"),       QStringLiteral("raison_sociale"),
                                             QStringLiteral("libelle"),     QStringLiteral("adresse"),
                                             QStringLiteral("code_postal"), QStringLiteral("ville") };
            QHash<QString, int> columns;
            const Record &header = records.first();
            for (int i = 0; i < header.fields.size(); ++i) {
                const QString name = header.fields.at(i).trimmed().toLower();
                if (!known.contains(name))
                    failAt(header.line, name,
                           Tr::tr("Unknown column '%1' (expected: %2).")
                               .arg(name, known.join(QStringLiteral(", "))));
                if (columns.contains(name))
                    failAt(header.line, name, Tr::tr("The column '%1' appears twice.").arg(name));
                columns.insert(name, i);
            }
            for (const QString &required : { QStringLiteral("siret"), QStringLiteral("raison_sociale") }) {
                if (!columns.contains(required))
                    failAt(header.line, required,
                           Tr::tr("The required column '%1' is missing.").arg(required));
            }
            const auto column = [&](const Record &r, const QString &name) {
                const int index = columns.value(name, -1);
                return index < 0 ? QString() : r.fields.at(index).trimmed();
            };

            // Every line is checked before anything is written.
            QList<StructureInput> structures;
            QList<int> lines;
            structures.reserve(records.size() - 1);
            QHash<QString, int> firstLineOf;
            for (int i = 1; i < records.size(); ++i) {
                const Record &r = records.at(i);
                if (r.fields.size() != header.fields.size())
                    failAt(r.line, {},
                           Tr::tr("Expected %1 fields, found %2.")
                               .arg(header.fields.size())
                               .arg(r.fields.size()));
                StructureInput input {
                    column(r, QStringLiteral("siret")),       column(r, QStringLiteral("raison_sociale")),
                    column(r, QStringLiteral("libelle")),     column(r, QStringLiteral("adresse")),
                    column(r, QStringLiteral("code_postal")), column(r, QStringLiteral("ville"))
                };
                QString field;
                const QString error = structureInputError(input, &field);
                if (!error.isEmpty()) {
                    // Report the CSV column, not the API's field name.
                    const QString csvColumn = field == QLatin1String("raisonSociale")
                        ? QStringLiteral("raison_sociale")
                        : field == QLatin1String("codePostal") ? QStringLiteral("code_postal")
                                                               : field;
                    failAt(r.line, csvColumn, error);
                }
                input.siret = Siret::normalized(input.siret);
                const auto previous = firstLineOf.constFind(input.siret);
                if (previous != firstLineOf.constEnd())
                    failAt(
                        r.line, QStringLiteral("siret"),
                        Tr::tr("The SIRET %1 already appears on line %2.").arg(input.siret).arg(*previous));
                firstLineOf.insert(input.siret, r.line);
                structures.append(input);
                lines.append(r.line);
            }
            const StructureStore store(ctx.db());
            constexpr int batch = 500;
            for (int start = 0; start < structures.size(); start += batch) {
                const int n = std::min<int>(batch, structures.size() - start);
                QStringList sirets;
                for (int i = start; i < start + n; ++i)
                    sirets << structures.at(i).siret;
                // Report the first such line of the file.
                int line = 0;
                QString siret;
                for (const QString &value : store.existingSirets(sirets)) {
                    const int at = firstLineOf.value(value);
                    if (line == 0 || at < line) {
                        line = at;
                        siret = value;
                    }
                }
                if (line > 0)
                    failAt(line, QStringLiteral("siret"),
                           Structures::tr("A structure with SIRET %1 already exists.").arg(siret));
            }

            // Then written in batches, reporting progress.
            const qint64 total = structures.size();
            const qint64 version = ctx.version();
            const qint64 now = ctx.clock().nowMs();
            constexpr int chunk = 5000;
            if (progress)
                progress(0, total);
            for (int start = 0; start < structures.size(); start += chunk) {
                const QList<StructureInput> part = structures.mid(start, chunk);
                const QHash<QString, qint64> ids = store.insertStructuresBulk(part, version, now);
                QList<std::pair<qint64, AuditRecord>> entries;
                entries.reserve(part.size());
                for (const StructureInput &s : part) {
                    AuditRecord imported(AuditAction::StructureImported);
                    imported.name = s.raisonSociale;
                    imported.code = s.siret;
                    entries.append({ ids.value(s.siret), imported });
                }
                store.insertImportAudit(entries, now, version);
                if (progress)
                    progress(start + part.size(), total);
            }
            ctx.result = CommandResult::success(0, { { QStringLiteral("imported"), total } });
        },
        RunOptions::anonymousCommand());
    // failAt packs "line:column" in the field; unpack it for the caller.
    if (!result.ok()) {
        const int colon = result.field.indexOf(QLatin1Char(':'));
        if (colon > 0) {
            bool isLine = false;
            const int line = result.field.left(colon).toInt(&isLine);
            if (isLine) {
                result.data.insert(QStringLiteral("line"), line);
                result.field = result.field.mid(colon + 1);
            }
        }
    }
    return result;
}

} // namespace guichet
