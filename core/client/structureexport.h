#pragma once

#include "rules/structures/structures.h"

#include <QAtomicInteger>
#include <QObject>
#include <QString>
#include <QStringList>

#include <functional>
#include <memory>

class QThread;

namespace guichet {

class Clock;
class Directory;

// Writes every structure matching a search to a CSV file (';' separated, with a
// byte-order mark: spreadsheets read UTF-8 only with it), without freezing the
// window and with the file left untouched unless the export completes
// (QSaveFile). Standalone, a worker thread reads the local database on its own
// connection: deep pages of a big search each cost a query that can take a
// second (OFFSET walks), and a QSqlDatabase connection may only be used by the
// thread that opened it. Connected, the pages come from guichetd through the
// directory while the event loop runs. Either way the screen holds no
// database: it starts the export and shows its progress.
class StructureExport : public QObject
{
    Q_OBJECT

public:
    // The CSV fields of one structure (the screen's columns).
    using Fields = std::function<QStringList(const StructureRow &row)>;

    StructureExport(Directory &directory, const StructureCriteria &criteria, const QString &path,
                    const QStringList &header, Fields fields, QObject *parent = nullptr);
    ~StructureExport() override;

    // Starts the export; finished() follows exactly once, unless cancelled.
    void start();
    // Stops between two pages; the file is left as it was and finished()
    // follows with `cancelled` set, unless the export had already completed.
    void cancel();

    qint64 written() const { return m_written.loadRelaxed(); }

signals:
    void progressed(qint64 written);
    // `error` is empty on success and on cancel; otherwise it says what failed
    // (the file could not be written, the structures could not be read).
    void finished(bool cancelled, const QString &error);

private:
    void startLocal(const QString &location, const Clock &clock);
    void readNextPage();
    void finish(const QString &error, bool cancelled);

    Directory &m_directory;
    const StructureCriteria m_criteria;
    const QString m_path;
    const QStringList m_header;
    const Fields m_fields;
    QAtomicInteger<qint64> m_written { 0 };
    QAtomicInt m_cancelled { 0 };
    bool m_finished = false;
    // Connected mode: the file being written page by page.
    struct Remote;
    std::unique_ptr<Remote> m_remote;
    // Standalone mode: the worker and what it reports.
    QThread *m_worker = nullptr;
    QString m_workerError;
    bool m_workerStopped = false; // the worker saw the cancel before committing
};

} // namespace guichet
