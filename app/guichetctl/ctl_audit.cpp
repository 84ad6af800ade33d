#include "ctl.h"
#include "kernel/core.h"
#include "kernel/database.h"
#include "rules/audit/auditlog.h"
#include "rules/structures/structures.h"

#include <QFile>
#include <QRegularExpression>

namespace guichet::ctl {

namespace {

// DATE is yyyy-MM-dd (a whole UTC day) or an ISO date-time (UTC unless it
// carries an offset). For --until a plain date includes that day.
bool parseDate(const QString &text, bool endOfDay, QDateTime *result)
{
    const QDate date = QDate::fromString(text, Qt::ISODate);
    if (date.isValid() && text.size() == 10) {
        *result = QDateTime(endOfDay ? date.addDays(1) : date, QTime(0, 0), Qt::UTC);
        return true;
    }
    QDateTime dateTime = QDateTime::fromString(text, Qt::ISODateWithMs);
    if (!dateTime.isValid() || text.size() <= 10)
        return false;
    if (dateTime.timeSpec() == Qt::LocalTime)
        dateTime.setTimeSpec(Qt::UTC);
    *result = dateTime.toUTC();
    return true;
}

} // namespace

int commandAudit(const QString &location, const QStringList &args)
{
    QCommandLineParser parser;
    parser.setApplicationDescription(
        Tr::tr("Print the audit log, oldest first. DATE is yyyy-MM-dd (UTC; --until includes that day) "
               "or an ISO date-time such as 2026-03-02T09:00:00Z."));
    parser.addOption({ QStringLiteral("since"), Tr::tr("Entries at or after DATE."), Tr::tr("DATE") });
    parser.addOption({ QStringLiteral("until"), Tr::tr("Entries before DATE (a plain date: up to its end)."),
                       Tr::tr("DATE") });
    parser.addOption({ QStringLiteral("structure"), Tr::tr("Entries about one structure, by SIRET or id."),
                       Tr::tr("SIRET-or-id") });
    parser.addOption({ QStringLiteral("format"), Tr::tr("Output format: table (default) or csv."),
                       Tr::tr("table|csv"), QStringLiteral("table") });
    int code = Success;
    if (!parseCommand(parser, args, &code))
        return code;
    if (!parser.positionalArguments().isEmpty())
        return badInput(
            Tr::tr("audit takes no argument (unexpected '%1').").arg(parser.positionalArguments().first()));

    AuditFilter filter;
    if (parser.isSet(QStringLiteral("since"))
        && !parseDate(parser.value(QStringLiteral("since")), false, &filter.since))
        return badInput(Tr::tr("--since: '%1' is not a date (yyyy-MM-dd or ISO date-time).")
                            .arg(parser.value(QStringLiteral("since"))));
    if (parser.isSet(QStringLiteral("until"))
        && !parseDate(parser.value(QStringLiteral("until")), true, &filter.until))
        return badInput(Tr::tr("--until: '%1' is not a date (yyyy-MM-dd or ISO date-time).")
                            .arg(parser.value(QStringLiteral("until"))));
    if (filter.since.isValid() && filter.until.isValid() && filter.until <= filter.since)
        return badInput(Tr::tr("--until must come after --since."));
    const QString format = parser.value(QStringLiteral("format"));
    if (format != QLatin1String("table") && format != QLatin1String("csv"))
        return badInput(Tr::tr("--format: '%1' is neither table nor csv.").arg(format));
    const QString structure = parser.value(QStringLiteral("structure")).trimmed();
    static const QRegularExpression digits(QStringLiteral("^[0-9]+$"));
    if (parser.isSet(QStringLiteral("structure")) && !digits.match(structure).hasMatch())
        return badInput(Tr::tr("--structure: '%1' is neither a SIRET nor an id.").arg(structure));

    auto db = openDatabase(location, false, &code);
    if (!db)
        return code;
    SystemClock clock;
    Core core(*db, clock);
    if (!structure.isEmpty()) {
        // 14 digits is a SIRET; anything shorter an id.
        const Structures structures(core);
        const std::optional<StructureRow> found = structure.size() == 14
            ? structures.structureBySiret(structure)
            : structures.structure(structure.toLongLong());
        if (!found)
            return badInput(Tr::tr("--structure: no structure '%1'.").arg(structure));
        filter.structureId = found->id;
    }
    AuditLog log(core);
    if (format == QLatin1String("csv")) {
        QFile output;
        if (!output.open(stdout, QIODevice::WriteOnly))
            return failure(Tr::tr("Cannot write to the standard output."));
        if (!log.exportCsv(filter, output))
            return failure(Tr::tr("Cannot write to the standard output."));
        return Success;
    }

    const QList<RenderedAuditEntry> entries = log.rendered(filter);
    QList<QStringList> table { AuditLog::columnTitles() };
    for (const RenderedAuditEntry &entry : entries) {
        QStringList fields = AuditLog::toFields(entry);
        for (QString &field : fields)
            field.replace(QLatin1Char('\n'), QLatin1Char(' ')).replace(QLatin1Char('\r'), QLatin1Char(' '));
        table.append(fields);
    }
    // Every column as wide as its widest cell, except the free-text last ones.
    const int columns = table.first().size();
    QList<int> widths(columns, 0);
    for (const QStringList &row : std::as_const(table)) {
        for (int c = 0; c < columns - 2; ++c)
            widths[c] = std::max(widths[c], int(row.at(c).size()));
    }
    for (const QStringList &row : std::as_const(table)) {
        QString line;
        for (int c = 0; c < columns; ++c) {
            if (c > 0)
                line += QStringLiteral("  ");
            line += c < columns - 2 ? row.at(c).leftJustified(widths[c]) : row.at(c);
        }
        out() << line.trimmed() << '\n';
    }
    out() << Tr::tr("%n entries.", nullptr, int(entries.size())) << Qt::endl;
    return Success;
}

} // namespace guichet::ctl
