#include "client/structureexport.h"

#include "client/directory.h"
#include "kernel/core.h"
#include "kernel/csv.h"
#include "kernel/database.h"
#include "kernel/pagecache.h"

#include <QCoreApplication>
#include <QSaveFile>
#include <QThread>
#include <QTimer>

namespace guichet {

namespace {

constexpr int pageSize = 1000;

CsvWriter::Options csvOptions()
{
    CsvWriter::Options options;
    options.separator = QLatin1Char(';');
    options.byteOrderMark = true; // spreadsheets read UTF-8 only with it
    return options;
}

QString writeError(const QString &reason)
{
    return QCoreApplication::translate("guichet::StructureExport", "The file could not be written: %1")
        .arg(reason);
}

} // namespace

struct StructureExport::Remote
{
    explicit Remote(const QString &path)
        : file(path)
    {
    }
    QSaveFile file;
    std::unique_ptr<CsvWriter> csv;
};

StructureExport::StructureExport(Directory &directory, const StructureCriteria &criteria, const QString &path,
                                 const QStringList &header, Fields fields, QObject *parent)
    : QObject(parent)
    , m_directory(directory)
    , m_criteria(criteria)
    , m_path(path)
    , m_header(header)
    , m_fields(std::move(fields))
{
}

StructureExport::~StructureExport()
{
    if (m_worker) {
        m_cancelled.storeRelaxed(1);
        m_worker->wait();
    }
}

void StructureExport::start()
{
    if (const auto *local = qobject_cast<LocalDirectory *>(&m_directory)) {
        startLocal(local->core().db().location(), local->core().clock());
        return;
    }
    m_remote = std::make_unique<Remote>(m_path);
    if (!m_remote->file.open(QIODevice::WriteOnly)) {
        const QString error = writeError(m_remote->file.errorString());
        // finished() from the event loop, as for every other outcome.
        QTimer::singleShot(0, this, [this, error] { finish(error, false); });
        return;
    }
    m_remote->csv = std::make_unique<CsvWriter>(m_remote->file, csvOptions());
    if (!m_remote->csv->writeRow(m_header)) {
        const QString error = writeError(m_remote->file.errorString());
        QTimer::singleShot(0, this, [this, error] { finish(error, false); });
        return;
    }
    QTimer::singleShot(0, this, &StructureExport::readNextPage);
}

void StructureExport::cancel()
{
    m_cancelled.storeRelaxed(1);
    if (!m_worker)
        finish(QString(), true); // an answer still on its way is dropped: this is its context
}

void StructureExport::startLocal(const QString &location, const Clock &clock)
{
    m_worker = QThread::create([this, location, &clock] {
        QString error;
        std::unique_ptr<Database> db = Database::open(location, &error);
        if (!db) {
            m_workerError = error;
            return;
        }
        // The Database closes and removes its connection on this thread.
        Core core(*db, clock);
        Structures structures(core);
        QSaveFile file(m_path);
        if (!file.open(QIODevice::WriteOnly)) {
            m_workerError = writeError(file.errorString());
            return;
        }
        CsvWriter csv(file, csvOptions());
        bool ok = csv.writeRow(m_header);
        try {
            // One pass over the matches: pages read once need no large cache
            // (the window's process would keep them until the export ends).
            setPageCacheKiB(*db, WalkPageCacheKiB);
            // Keyset pages: each starts after the previous page's last row, so a
            // deep page costs what the first does.
            std::optional<StructureCursor> after;
            for (qint64 written = 0; ok;) {
                if (m_cancelled.loadRelaxed()) {
                    m_workerStopped = true;
                    return; // QSaveFile discards what was written
                }
                const QList<StructureRow> rows = structures.searchAfter(m_criteria, after, pageSize);
                for (const StructureRow &row : rows)
                    ok = ok && csv.writeRow(m_fields(row));
                written += rows.size();
                m_written.storeRelaxed(written);
                if (rows.size() < pageSize)
                    break;
                after = StructureCursor { rows.last().sortKey, rows.last().id };
            }
        } catch (const DatabaseError &failure) {
            m_workerError = QCoreApplication::translate("guichet::StructureExport",
                                                        "The structures could not be read: %1")
                                .arg(failure.message());
            return;
        }
        if (!ok || !file.commit())
            m_workerError = writeError(file.errorString());
    });
    m_worker->setParent(this);
    auto *tick = new QTimer(this);
    connect(tick, &QTimer::timeout, this, [this] { emit progressed(written()); });
    connect(m_worker, &QThread::finished, this, [this, tick] {
        tick->stop();
        emit progressed(written());
        finish(m_workerError, m_workerStopped);
    });
    tick->start(100);
    m_worker->start();
}

void StructureExport::readNextPage()
{
    m_directory.searchStructures(
        m_criteria, int(written()), pageSize, this,
        [this](const CommandResult &result, const StructurePage &page) {
            if (m_finished)
                return;
            if (!result.ok()) {
                finish(QCoreApplication::translate("guichet::StructureExport",
                                                   "The structures could not be read: %1")
                           .arg(result.message),
                       false);
                return;
            }
            bool ok = true;
            for (const StructureRow &row : page.rows)
                ok = ok && m_remote->csv->writeRow(m_fields(row));
            m_written.storeRelaxed(written() + page.rows.size());
            emit progressed(written());
            if (!ok)
                finish(writeError(m_remote->file.errorString()), false);
            else if (m_cancelled.loadRelaxed())
                finish(QString(), true);
            else if (!page.more || page.rows.isEmpty())
                finish(m_remote->file.commit() ? QString() : writeError(m_remote->file.errorString()), false);
            else
                // The next page from the event loop, never from inside this answer.
                QTimer::singleShot(0, this, &StructureExport::readNextPage);
        });
}

void StructureExport::finish(const QString &error, bool cancelled)
{
    if (m_finished)
        return;
    m_finished = true;
    emit finished(cancelled, cancelled ? QString() : error);
}

} // namespace guichet
