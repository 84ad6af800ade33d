#pragma once

#include <QCoreApplication>
#include <QDateTime>
#include <QIODevice>
#include <QList>
#include <QString>

namespace guichet {

class Core;

// What to read from the audit log; empty members do not filter.
struct AuditFilter
{
    QDateTime since; // inclusive
    QDateTime until; // exclusive
    qint64 structureId = 0;
    qint64 actorId = 0;
    QString text; // contained in command, entity, details or comment (case-insensitive)
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
    QString details;
    QString comment;
};

// The read side of the audit log (CommandContext::audit writes it).
class AuditLog
{
    Q_DECLARE_TR_FUNCTIONS(guichet::AuditLog)

public:
    explicit AuditLog(Core &core);

    // Matching entries, oldest first.
    QList<AuditEntry> query(const AuditFilter &filter) const;
    // Matching entries as CSV with a header row; false when the device failed.
    bool exportCsv(const AuditFilter &filter, QIODevice &device, QChar separator = QLatin1Char(','),
                   bool byteOrderMark = false) const;
    // The header and one row as the CSV and table views show them.
    static QStringList columnTitles();
    static QStringList toFields(const AuditEntry &entry);

private:
    Core &m_core;
};

} // namespace guichet
