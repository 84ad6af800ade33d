#include "models/structuresearchmodel.h"

#include "kernel/structureidentifier.h"
#include "models/columnkind.h"

#include <QTimer>
#include <QtGlobal>

#include <algorithm>
#include <limits>

namespace guichet {

namespace {
// How long after a bounded count the exact one is asked: time for the first paint.
constexpr int exactCountDelayMs = 100;

int clampedRows(qint64 n)
{
    return int(std::min<qint64>(n, std::numeric_limits<int>::max()));
}
} // namespace

StructureSearchModel::StructureSearchModel(Directory &directory, QObject *parent, int maxCachedPages)
    : QAbstractTableModel(parent)
    , m_directory(directory)
    , m_maxPages(std::max(2, maxCachedPages))
{
}

void StructureSearchModel::setCriteria(const StructureCriteria &criteria)
{
    // A directory may answer before the call returns (standalone): while
    // m_resetting, answers change the state without row signals, since the
    // reset covers them.
    beginResetModel();
    m_resetting = true;
    ++m_generation;
    m_criteria = criteria;
    m_pages.clear();
    m_recent.clear();
    m_pending.clear();
    m_cursors.clear();
    m_checked.clear();
    m_count = 0;
    m_countKnown = true;
    m_countExact = true;
    m_more = false;
    m_error.clear();
    m_searching = true;
    const quint64 generation = m_generation;
    m_directory.countStructuresBounded(
        criteria, this, [this, generation](const CommandResult &result, const StructureCount &counted) {
            if (generation != m_generation)
                return;
            if (!result.ok()) {
                finishSearch(result.message);
                return;
            }
            const qint64 n = counted.count;
            if (n < 0) {
                // Cannot count: the table grows page by page from the first.
                m_countKnown = false;
                m_more = true;
                requestPage(0);
                return;
            }
            const bool signal = !m_resetting && n > 0;
            if (signal)
                beginInsertRows({}, 0, clampedRows(n) - 1);
            m_count = n;
            m_countExact = counted.exact;
            if (signal)
                endInsertRows();
            finishSearch({});
            if (!counted.exact) {
                // After the first page is on screen: a queued call would run
                // before the view's first paint (its update request is posted
                // later), and the exact count of a very common pattern costs
                // more than the page.
                QTimer::singleShot(exactCountDelayMs, this, &StructureSearchModel::askExactCount);
            }
        });
    m_resetting = false;
    endResetModel();
    emit checkedChanged();
    if (!m_searching)
        emit searchFinished();
}

void StructureSearchModel::askExactCount()
{
    if (m_countExact || m_searching)
        return;
    const quint64 generation = m_generation;
    m_directory.countStructures(m_criteria, this, [this, generation](const CommandResult &result, qint64 n) {
        if (generation != m_generation || m_countExact)
            return;
        if (!result.ok() || n < 0) {
            // The lower bound stays; the rows it covers are all there is to show.
            m_countExact = true;
            emit countChanged();
            return;
        }
        if (n > m_count) {
            beginInsertRows({}, clampedRows(m_count), clampedRows(n) - 1);
            m_count = n;
            endInsertRows();
        } else if (n < m_count) {
            // Structures went away since the bound was taken.
            beginRemoveRows({}, clampedRows(n), clampedRows(m_count) - 1);
            m_count = n;
            endRemoveRows();
        }
        m_countExact = true;
        emit countChanged();
    });
}

void StructureSearchModel::finishSearch(const QString &error)
{
    m_error = error;
    m_searching = false;
    if (!m_resetting)
        emit searchFinished();
}

const QList<StructureRow> *StructureSearchModel::page(int pageIndex) const
{
    auto it = m_pages.find(pageIndex);
    if (it != m_pages.end()) {
        // Most recently used goes last; the list is at most m_maxPages long.
        m_recent.removeOne(pageIndex);
        m_recent.append(pageIndex);
        return &it.value();
    }
    requestPage(pageIndex);
    it = m_pages.find(pageIndex); // there already when the directory answered at once
    return it == m_pages.end() ? nullptr : &it.value();
}

void StructureSearchModel::requestPage(int pageIndex) const
{
    if (m_pending.contains(pageIndex))
        return;
    m_pending.insert(pageIndex);
    ++m_fetches;
    // data() is const but a page arriving changes the cache; the model is the
    // context so that an answer after its destruction is dropped.
    auto *self = const_cast<StructureSearchModel *>(this);
    const quint64 generation = m_generation;
    m_requesting = true;
    const auto previous = m_cursors.constFind(pageIndex - 1);
    const std::optional<StructureCursor> after
        = previous == m_cursors.cend() ? std::nullopt : std::optional<StructureCursor>(*previous);
    m_directory.searchStructuresAfter(
        m_criteria, after, pageIndex * PageSize, PageSize, self,
        [self, generation, pageIndex](const CommandResult &result, const StructurePage &rows) {
            self->pageArrived(generation, pageIndex, self->m_requesting, result, rows);
        });
    m_requesting = false;
}

void StructureSearchModel::pageArrived(quint64 generation, int pageIndex, bool synchronous,
                                       const CommandResult &result, const StructurePage &rows)
{
    if (generation != m_generation)
        return;
    m_pending.remove(pageIndex);
    if (!result.ok()) {
        if (m_searching) {
            finishSearch(result.message);
        } else {
            m_error = result.message;
            // Never signal from inside data(): the view is reading.
            if (synchronous)
                QMetaObject::invokeMethod(
                    this, [this, message = result.message] { emit pageFailed(message); },
                    Qt::QueuedConnection);
            else
                emit pageFailed(result.message);
        }
        return;
    }
    while (m_pages.size() >= m_maxPages && !m_recent.isEmpty())
        m_pages.remove(m_recent.takeFirst());
    m_pages.insert(pageIndex, rows.rows);
    m_recent.append(pageIndex);
    if (!rows.rows.isEmpty())
        m_cursors.insert(pageIndex, StructureCursor { rows.rows.last().sortKey, rows.rows.last().id });

    const qint64 first = qint64(pageIndex) * PageSize;
    if (!m_countKnown && first == m_count) {
        // The next page of a growing table: its rows are new.
        const qint64 newCount = m_count + rows.rows.size();
        const bool signal = !m_resetting && newCount > m_count;
        if (signal)
            beginInsertRows({}, clampedRows(m_count), clampedRows(newCount) - 1);
        m_count = newCount;
        m_more = rows.more && !rows.rows.isEmpty();
        if (signal)
            endInsertRows();
        if (m_searching)
            finishSearch({});
        return;
    }
    if (!synchronous && first < m_count) {
        const int last = clampedRows(std::min<qint64>(first + PageSize, m_count)) - 1;
        emit dataChanged(index(int(first), 0), index(last, ColumnCount - 1));
    }
}

std::optional<StructureRow> StructureSearchModel::structureAt(int row) const
{
    if (row < 0 || row >= rowCount())
        return std::nullopt;
    const QList<StructureRow> *rows = page(row / PageSize);
    const int inPage = row % PageSize;
    if (!rows || inPage >= rows->size()) // on its way, or the data changed since the count
        return std::nullopt;
    return rows->at(inPage);
}

QList<StructureRow> StructureSearchModel::checkedStructures() const
{
    QList<StructureRow> rows = m_checked.values();
    std::sort(rows.begin(), rows.end(), [](const StructureRow &a, const StructureRow &b) {
        // The search's order, whatever the directory sent.
        const QString ka = structureSortKey(a.raisonSociale);
        const QString kb = structureSortKey(b.raisonSociale);
        return ka == kb ? a.id < b.id : ka < kb;
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
    return clampedRows(m_count);
}

int StructureSearchModel::columnCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

bool StructureSearchModel::canFetchMore(const QModelIndex &parent) const
{
    return !parent.isValid() && !m_countKnown && m_more && !m_searching
        && !m_pending.contains(int(m_count / PageSize));
}

void StructureSearchModel::fetchMore(const QModelIndex &parent)
{
    if (canFetchMore(parent))
        requestPage(int(m_count / PageSize));
}

QVariant StructureSearchModel::data(const QModelIndex &index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    if (role != Qt::DisplayRole && role != Qt::CheckStateRole && role != IdRole && role != Qt::ToolTipRole)
        return {};
    const auto row = structureAt(index.row());
    if (!row) {
        if (role == Qt::DisplayRole && index.column() == RaisonSocialeColumn
            && m_pending.contains(index.row() / PageSize))
            return tr("Loading…");
        return {};
    }
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
    case IdentifierTypeColumn:
        return role == Qt::ToolTipRole ? StructureIdentifier::labelOfCode(row->identifierType)
                                       : StructureIdentifier::shortLabelOfCode(row->identifierType);
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
    if (role == ColumnKindRole && orientation == Qt::Horizontal) {
        switch (section) {
        case SelectionColumn:
            return int(ColumnKind::Check);
        case SiretColumn:
        case IdentifierTypeColumn:
        case CodePostalColumn:
            return int(ColumnKind::Identifier);
        default:
            return int(ColumnKind::Text);
        }
    }
    if (role != Qt::DisplayRole)
        return {};
    if (orientation == Qt::Vertical)
        return section + 1;
    switch (section) {
    case SelectionColumn:
        return tr("Selection");
    case SiretColumn:
        return tr("Identifier");
    case IdentifierTypeColumn:
        return tr("Type");
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
