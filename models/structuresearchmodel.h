#pragma once

#include "client/directory.h"
#include "rules/structures/structures.h"

#include <QAbstractTableModel>
#include <QHash>
#include <QList>
#include <QSet>

#include <optional>

namespace guichet {

// The structure search's results without loading them all, read through a
// Directory (the local database, or guichetd when connected). Rows are fetched
// by pages of PageSize when the view asks for them; only the most recently used
// pages stay in memory, so a search matching a million structures opens,
// scrolls and jumps to its end with bounded memory. The order is the query's
// (raison sociale, then id): a sort proxy over such a model would read every
// row, so there is none. Column 0 is a checkbox column (« Sélection »); checked
// rows are remembered with their values, even when their page has left the cache.
//
// A page that follows one already read is asked as a keyset page (after that
// page's last row), which costs the same at any depth; a page reached by a jump
// is asked by its offset.
//
// The count comes first as Directory::countStructuresBounded gives it: when
// counting exactly would cost more than the page (a very common pattern), the
// table starts with the lower bound (« at least 10,000 »), and the exact count
// is asked for once the first page is shown (countChanged()).
//
// Pages may arrive later than asked (connected mode): a row whose page is on
// its way shows "Loading…" and is filled in when it arrives, so the window never
// waits. When the directory can count the matches, the table has its final
// length at once; when it cannot (guichetd answers "more" only), the table grows
// by a page each time the view scrolls to its end (canFetchMore/fetchMore).
class StructureSearchModel : public QAbstractTableModel
{
    Q_OBJECT

public:
    enum Column {
        SelectionColumn,
        SiretColumn, // the identifier, whatever its type
        IdentifierTypeColumn,
        RaisonSocialeColumn,
        LibelleColumn,
        CodePostalColumn,
        VilleColumn,
        ColumnCount
    };
    enum Roles { IdRole = Qt::UserRole + 1 };
    static constexpr int PageSize = 200;

    explicit StructureSearchModel(Directory &directory, QObject *parent = nullptr, int maxCachedPages = 32);

    // Runs a new search: counts the matches and forgets the pages and checks.
    // searchFinished() follows once the count (or the first page) is known.
    void setCriteria(const StructureCriteria &criteria);
    const StructureCriteria &criteria() const { return m_criteria; }
    // The number of matches; when the directory cannot count, the rows known
    // so far (see isCountFinal()).
    qint64 totalCount() const { return m_count; }
    // False while more rows may follow the known ones (connected mode).
    bool isCountFinal() const { return m_countKnown || !m_more; }
    // False while totalCount() is a lower bound whose exact figure is on its way.
    bool isCountExact() const { return m_countExact; }
    // True between setCriteria() and searchFinished().
    bool isSearching() const { return m_searching; }
    // Why the last search or page failed; empty when it did not.
    QString errorMessage() const { return m_error; }

    // The structure on a row; nullopt while its page is on its way (it is asked for).
    std::optional<StructureRow> structureAt(int row) const;
    QList<StructureRow> checkedStructures() const;
    void setChecked(int row, bool checked);

    // For tests and the benchmark: pages held now, and queries run so far.
    int cachedPageCount() const { return int(m_pages.size()); }
    int maxCachedPages() const { return m_maxPages; }
    int pagesFetched() const { return m_fetches; }
    // The header titles, as the CSV export writes them (without « Sélection »).
    static QStringList exportHeader();
    static QStringList exportFields(const StructureRow &row);

    int rowCount(const QModelIndex &parent = {}) const override;
    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    bool setData(const QModelIndex &index, const QVariant &value, int role = Qt::EditRole) override;
    Qt::ItemFlags flags(const QModelIndex &index) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;
    bool canFetchMore(const QModelIndex &parent) const override;
    void fetchMore(const QModelIndex &parent) override;

signals:
    void checkedChanged();
    // The count (or, when the directory cannot count, the first page) arrived,
    // or the search failed (errorMessage()).
    void searchFinished();
    // A page could not be read (errorMessage()).
    void pageFailed(const QString &message);
    // The exact count replaced a lower bound (totalCount(), isCountExact()).
    void countChanged();

private:
    // The page if held; otherwise asks for it (once) and returns nullptr.
    const QList<StructureRow> *page(int pageIndex) const;
    void requestPage(int pageIndex) const;
    void pageArrived(quint64 generation, int pageIndex, bool synchronous, const CommandResult &result,
                     const StructurePage &page);
    void finishSearch(const QString &error);
    void askExactCount();

    Directory &m_directory;
    StructureCriteria m_criteria;
    qint64 m_count = 0;
    bool m_countKnown = true;
    bool m_countExact = true;
    bool m_more = false;
    bool m_searching = false;
    bool m_resetting = false;
    QString m_error;
    // Answers of an earlier search are dropped.
    quint64 m_generation = 0;
    int m_maxPages;
    // The cache: page index -> rows, and the pages from least to most recently used.
    mutable QHash<int, QList<StructureRow>> m_pages;
    mutable QList<int> m_recent;
    mutable QSet<int> m_pending;
    // Page index -> its last row's position, where the next page starts.
    QHash<int, StructureCursor> m_cursors;
    mutable bool m_requesting = false;
    mutable int m_fetches = 0;
    QHash<qint64, StructureRow> m_checked;
};

} // namespace guichet
