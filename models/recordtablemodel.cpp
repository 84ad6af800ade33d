#include "models/recordtablemodel.h"

#include <QDate>
#include <QLocale>

namespace guichet {

RecordTableModel::RecordTableModel(QObject *parent)
    : QAbstractTableModel(parent)
{
}

void RecordTableModel::setColumns(const QList<Column> &columns)
{
    beginResetModel();
    m_columns = columns;
    endResetModel();
}

void RecordTableModel::setCheckable(bool checkable)
{
    beginResetModel();
    m_checkable = checkable;
    endResetModel();
}

void RecordTableModel::setRecords(const QList<QVariantMap> &records)
{
    beginResetModel();
    m_records = records;
    QSet<qint64> present;
    for (const QVariantMap &record : m_records)
        present.insert(record.value(QStringLiteral("id")).toLongLong());
    m_checked.intersect(present);
    endResetModel();
    emit checkedChanged();
}

QVariantMap RecordTableModel::record(int row) const
{
    return row >= 0 && row < m_records.size() ? m_records.at(row) : QVariantMap();
}

qint64 RecordTableModel::idAt(int row) const
{
    return record(row).value(QStringLiteral("id")).toLongLong();
}

int RecordTableModel::rowOfId(qint64 id) const
{
    for (int row = 0; row < m_records.size(); ++row) {
        if (idAt(row) == id)
            return row;
    }
    return -1;
}

QList<qint64> RecordTableModel::checkedIds() const
{
    // In table order, so that actions and confirmations list rows as shown.
    QList<qint64> ids;
    for (int row = 0; row < m_records.size(); ++row) {
        if (m_checked.contains(idAt(row)))
            ids.append(idAt(row));
    }
    return ids;
}

void RecordTableModel::setChecked(qint64 id, bool checked)
{
    const int row = rowOfId(id);
    if (row < 0 || m_checked.contains(id) == checked)
        return;
    if (checked)
        m_checked.insert(id);
    else
        m_checked.remove(id);
    emit dataChanged(index(row, 0), index(row, 0), { Qt::CheckStateRole });
    emit checkedChanged();
}

void RecordTableModel::setAllChecked(bool checked)
{
    for (int row = 0; row < m_records.size(); ++row) {
        if (checked)
            m_checked.insert(idAt(row));
        else
            m_checked.remove(idAt(row));
    }
    if (!m_records.isEmpty())
        emit dataChanged(index(0, 0), index(m_records.size() - 1, 0), { Qt::CheckStateRole });
    emit checkedChanged();
}

int RecordTableModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : m_records.size();
}

int RecordTableModel::columnCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : m_columns.size() + (m_checkable ? 1 : 0);
}

QVariant RecordTableModel::data(const QModelIndex &index, int role) const
{
    if (!index.isValid() || index.row() >= m_records.size())
        return {};
    const QVariantMap &rec = m_records.at(index.row());
    if (role == IdRole)
        return rec.value(QStringLiteral("id"));
    if (role == RecordRole)
        return rec;
    if (m_checkable && index.column() == 0) {
        if (role == Qt::CheckStateRole)
            return m_checked.contains(idAt(index.row())) ? Qt::Checked : Qt::Unchecked;
        if (role == SortRole)
            return m_checked.contains(idAt(index.row())) ? 1 : 0;
        if (role == Qt::AccessibleTextRole)
            return tr("Select this row");
        return {};
    }
    const int column = recordColumn(index.column());
    if (column < 0 || column >= m_columns.size())
        return {};
    const Column &col = m_columns.at(column);
    const QVariant raw = rec.value(col.key);
    switch (role) {
    case Qt::DisplayRole:
    case Qt::ToolTipRole:
    case Qt::AccessibleTextRole:
        if (col.text)
            return col.text(rec);
        if (raw.typeId() == QMetaType::QDate)
            return raw.toDate().isValid() ? QLocale().toString(raw.toDate(), QLocale::ShortFormat)
                                          : QString();
        return raw.toString();
    case SortRole:
        if (raw.typeId() == QMetaType::QString)
            return raw.toString().toLower();
        return raw;
    default:
        return {};
    }
}

bool RecordTableModel::setData(const QModelIndex &index, const QVariant &value, int role)
{
    if (!index.isValid() || !m_checkable || index.column() != 0 || role != Qt::CheckStateRole)
        return false;
    setChecked(idAt(index.row()), value.toInt() == Qt::Checked);
    return true;
}

Qt::ItemFlags RecordTableModel::flags(const QModelIndex &index) const
{
    Qt::ItemFlags result = QAbstractTableModel::flags(index);
    if (index.isValid() && m_checkable && index.column() == 0)
        result |= Qt::ItemIsUserCheckable;
    return result;
}

QVariant RecordTableModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return QAbstractTableModel::headerData(section, orientation, role);
    if (m_checkable && section == 0)
        return tr("Selection");
    const int column = recordColumn(section);
    return column >= 0 && column < m_columns.size() ? m_columns.at(column).title : QVariant();
}

} // namespace guichet
