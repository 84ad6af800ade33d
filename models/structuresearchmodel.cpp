#include "structuresearchmodel.h"

#include <QtGlobal>

#include <algorithm>
#include <limits>

namespace guichet {

StructureSearchModel::StructureSearchModel(Core &core, QObject *parent, int maxCachedPages)
    : QAbstractTableModel(parent)
    , m_core(core)
    , m_maxPages(std::max(2, maxCachedPages))
{
}

void StructureSearchModel::setCriteria(const StructureCriteria &criteria)
{
    beginResetModel();
    m_criteria = criteria;
    m_pages.clear();
    m_recent.clear();
    m_checked.clear();
    m_count = Structures(m_core).count(criteria);
    endResetModel();
    emit checkedChanged();
}

const QList<StructureRow> &StructureSearchModel::page(int pageIndex) const
{
    auto it = m_pages.find(pageIndex);
    if (it != m_pages.end()) {
        // Most recently used goes last; the list is at most m_maxPages long.
        m_recent.removeOne(pageIndex);
        m_recent.append(pageIndex);
        return it.value();
    }
    while (m_pages.size() >= m_maxPages && !m_recent.isEmpty())
        m_pages.remove(m_recent.takeFirst());
    ++m_fetches;
    QList<StructureRow> rows = Structures(m_core).search(m_criteria, pageIndex * PageSize, PageSize);
    m_recent.append(pageIndex);
    return m_pages.insert(pageIndex, rows).value();
}

std::optional<StructureRow> StructureSearchModel::structureAt(int row) const
{
    if (row < 0 || row >= rowCount())
        return std::nullopt;
    const QList<StructureRow> &rows = page(row / PageSize);
    const int inPage = row % PageSize;
    if (inPage >= rows.size()) // the data changed since the count
        return std::nullopt;
    return rows.at(inPage);
}

QList<StructureRow> StructureSearchModel::checkedStructures() const
{
    QList<StructureRow> rows = m_checked.values();
    std::sort(rows.begin(), rows.end(), [](const StructureRow &a, const StructureRow &b) {
        return a.raisonSociale == b.raisonSociale ? a.id < b.id : a.raisonSociale < b.raisonSociale;
    });
    return rows;
}

void StructureSearchModel::setChecked(int row, bool checked)
{
    setData(index(row, SelectionColumn), checked ? Qt::Checked : Qt::Unchecked, Qt::CheckStateRole);
}

QStringList StructureSearchModel::exportHeader()
{
    return { tr("SIRET"), tr("Company name"), tr("Label"), tr("Postal code"), tr("City") };
}

QStringList StructureSearchModel::exportFields(const StructureRow &row)
{
    return { row.siret, row.raisonSociale, row.libelle, row.codePostal, row.ville };
}

int StructureSearchModel::rowCount(const QModelIndex &parent) const
{
    if (parent.isValid())
        return 0;
    return int(std::min<qint64>(m_count, std::numeric_limits<int>::max()));
}

int StructureSearchModel::columnCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

QVariant StructureSearchModel::data(const QModelIndex &index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    if (role != Qt::DisplayRole && role != Qt::CheckStateRole && role != IdRole && role != Qt::ToolTipRole)
        return {};
    const auto row = structureAt(index.row());
    if (!row)
        return {};
    if (role == IdRole)
        return row->id;
    if (index.column() == SelectionColumn) {
        if (role == Qt::CheckStateRole)
            return m_checked.contains(row->id) ? Qt::Checked : Qt::Unchecked;
        return {};
    }
    if (role == Qt::CheckStateRole)
        return {};
    switch (index.column()) {
    case SiretColumn:
        return row->siret;
    case RaisonSocialeColumn:
        return row->raisonSociale;
    case LibelleColumn:
        return row->libelle;
    case CodePostalColumn:
        return row->codePostal;
    case VilleColumn:
        return row->ville;
    default:
        return {};
    }
}

bool StructureSearchModel::setData(const QModelIndex &index, const QVariant &value, int role)
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid)
        || index.column() != SelectionColumn || role != Qt::CheckStateRole)
        return false;
    const auto row = structureAt(index.row());
    if (!row)
        return false;
    if (value.toInt() == Qt::Checked)
        m_checked.insert(row->id, *row);
    else
        m_checked.remove(row->id);
    emit dataChanged(index, index, { Qt::CheckStateRole });
    emit checkedChanged();
    return true;
}

Qt::ItemFlags StructureSearchModel::flags(const QModelIndex &index) const
{
    if (!index.isValid())
        return Qt::NoItemFlags;
    Qt::ItemFlags result = Qt::ItemIsEnabled | Qt::ItemIsSelectable | Qt::ItemNeverHasChildren;
    if (index.column() == SelectionColumn)
        result |= Qt::ItemIsUserCheckable;
    return result;
}

QVariant StructureSearchModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (role != Qt::DisplayRole)
        return {};
    if (orientation == Qt::Vertical)
        return section + 1;
    switch (section) {
    case SelectionColumn:
        return tr("Selection");
    case SiretColumn:
        return tr("SIRET");
    case RaisonSocialeColumn:
        return tr("Company name");
    case LibelleColumn:
        return tr("Label");
    case CodePostalColumn:
        return tr("Postal code");
    case VilleColumn:
        return tr("City");
    default:
        return {};
    }
}

} // namespace guichet
