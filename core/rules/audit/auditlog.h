#pragma once

#include "kernel/auditrecord.h"

#include <QCoreApplication>
#include <QDateTime>
#include <QIODevice>
#include <QList>
#include <QString>

#include <utility>

namespace guichet {

class Core;
class MailText;

// What to read from the audit log; empty members do not filter.
struct AuditFilter
{
    QDateTime since; // inclusive
    QDateTime until; // exclusive
    qint64 structureId = 0;
    QList<qint64> structureIds; // any of these (« all my structures »); empty: no such filter
    qint64 actorId = 0; // who did it
    qint64 personId = 0; // who did it or whom it is about
    QList<AuditFamily> families; // the kinds of action; empty: every kind
    int limit = 0; // 0 = no limit
    int offset = 0;
};

struct AuditEntry
{
    qint64 id = 0;
    QDateTime at;
    qint64 actorId = 0;
    QString actorEmail; // empty for commands without a signed-in user
    QString command;
    QString entity;
    qint64 entityId = 0;
    qint64 structureId = 0;
    AuditRecord record; // action Unknown for entries written before actions were recorded
    QString details; // as stored: the record's JSON, or an older entry's free text
    QString comment;
};

// An audit entry as a reader sees it: names, the kind of action and one
// sentence in the reader's language (AuditRenderer).
struct RenderedAuditEntry
{
    AuditEntry entry;
    QString actorName; // « Claire DUBOIS »; empty for the system or an anonymous caller
    QString structureName;
    QString kind; // the family's label, « Rattachements »
    QString sentence;
};

// The read side of the audit log (CommandContext::audit writes it).
class AuditLog
{
    Q_DECLARE_TR_FUNCTIONS(guichet::AuditLog)

public:
    explicit AuditLog(Core &core);

    // Matching entries, newest first.
    QList<AuditEntry> query(const AuditFilter &filter) const;
    // The same, rendered in the UI's language (the installed translator), or
    // in mailText's language when given; names are read in one query.
    QList<RenderedAuditEntry> rendered(const AuditFilter &filter, const MailText *mailText = nullptr) const;
    // The people who acted or were acted upon in the entries of a structure
    // (0: every structure), as (id, name) sorted by name: the person filter.
    QList<std::pair<qint64, QString>> people(const QList<qint64> &structureIds) const;
    // Matching entries as CSV with a header row, rendered as the screens show
    // them; false when the device failed.
    bool exportCsv(const AuditFilter &filter, QIODevice &device, QChar separator = QLatin1Char(','),
                   bool byteOrderMark = false) const;
    // The header and one row as the CSV and guichetctl show them.
    static QStringList columnTitles();
    static QStringList toFields(const RenderedAuditEntry &entry);

private:
    Core &m_core;
};

} // namespace guichet
