#pragma once

#include "structures.h"

#include <QAbstractTableModel>
#include <QHash>
#include <QList>

#include <optional>

namespace guichet {

class Core;

// The structure search's results without loading them all: the row count comes
// from Structures::count (once per search) and rows are fetched by pages of
// PageSize when the view asks for them. Only the most recently used pages stay
// in memory, so a search matching a million structures opens, scrolls and jumps
// to its end with bounded memory. The order is the query's (raison sociale, then
// id): a sort proxy over such a model would read every row, so there is none.
// Column 0 is a checkbox column (« Sélection »); checked rows are remembered
// with their values, even when their page has left the cache.
class StructureSearchModel : public QAbstractTableModel
{
    Q_OBJECT

public:
    enum Column {
        SelectionColumn,
        SiretColumn,
        RaisonSocialeColumn,
        LibelleColumn,
        CodePostalColumn,
        VilleColumn,
        ColumnCount
    };
    enum Roles { IdRole = Qt::UserRole + 1 };
    static constexpr int PageSize = 200;

    explicit StructureSearchModel(Core &core, QObject *parent = nullptr, int maxCachedPages = 32);

    // Runs a new search: counts the matches and forgets the pages and checks.
    void setCriteria(const StructureCriteria &criteria);
    const StructureCriteria &criteria() const { return m_criteria; }
    qint64 totalCount() const { return m_count; }

    // The structure on a row, fetching its page if needed.
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

signals:
    void checkedChanged();

private:
    const QList<StructureRow> &page(int pageIndex) const;

    Core &m_core;
    StructureCriteria m_criteria;
    qint64 m_count = 0;
    int m_maxPages;
    // The cache: page index -> rows, and the pages from least to most recently used.
    mutable QHash<int, QList<StructureRow>> m_pages;
    mutable QList<int> m_recent;
    mutable int m_fetches = 0;
    QHash<qint64, StructureRow> m_checked;
};

} // namespace guichet
