#include "models/recordtablemodel.h"

#include "kernel/textfold.h"

#include <QLocale>

namespace guichet {

RecordModelBase::RecordModelBase(QObject *parent)
    : QAbstractTableModel(parent)
{
}

void RecordModelBase::setCheckable(bool checkable)
{
    beginResetModel();
    m_checkable = checkable;
    endResetModel();
}

void RecordModelBase::endReplace()
{
    QSet<qint64> present;
    for (int row = 0; row < recordCount(); ++row)
        present.insert(recordIdAt(row));
    m_checked.intersect(present);
    endResetModel();
    emit checkedChanged();
}

qint64 RecordModelBase::idAt(int row) const
{
    return row >= 0 && row < recordCount() ? recordIdAt(row) : 0;
}

int RecordModelBase::rowOfId(qint64 id) const
{
    for (int row = 0; row < recordCount(); ++row) {
        if (recordIdAt(row) == id)
            return row;
    }
    return -1;
}

QList<qint64> RecordModelBase::checkedIds() const
{
    QList<qint64> ids;
    for (int row = 0; row < recordCount(); ++row) {
        if (m_checked.contains(recordIdAt(row)))
            ids.append(recordIdAt(row));
    }
    return ids;
}

void RecordModelBase::setChecked(qint64 id, bool checked)
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

void RecordModelBase::setAllChecked(bool checked)
{
    for (int row = 0; row < recordCount(); ++row) {
        if (checked)
            m_checked.insert(recordIdAt(row));
        else
            m_checked.remove(recordIdAt(row));
    }
    if (recordCount() > 0)
        emit dataChanged(index(0, 0), index(recordCount() - 1, 0), { Qt::CheckStateRole });
    emit checkedChanged();
}

int RecordModelBase::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : recordCount();
}

int RecordModelBase::columnCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : recordColumnCount() + (m_checkable ? 1 : 0);
}

QVariant RecordModelBase::data(const QModelIndex &index, int role) const
{
    if (!index.isValid() || index.row() >= recordCount())
        return {};
    const int row = index.row();
    if (role == IdRole)
        return recordIdAt(row);
    if (m_checkable && index.column() == 0) {
        if (role == Qt::CheckStateRole)
            return m_checked.contains(recordIdAt(row)) ? Qt::Checked : Qt::Unchecked;
        if (role == SortRole)
            return m_checked.contains(recordIdAt(row)) ? 1 : 0;
        if (role == Qt::AccessibleTextRole)
            return tr("Select this row");
        return {};
    }
    const int column = recordColumn(index.column());
    if (column < 0 || column >= recordColumnCount())
        return {};
    switch (role) {
    case Qt::DisplayRole:
    case Qt::ToolTipRole:
    case Qt::AccessibleTextRole: {
        const QString text = recordText(row, column);
        if (!text.isNull())
            return text;
        const QVariant raw = recordValue(row, column);
        if (raw.typeId() == QMetaType::QDate)
            return raw.toDate().isValid() ? QLocale().toString(raw.toDate(), QLocale::ShortFormat)
                                          : QString();
        return raw.toString();
    }
    case SortRole: {
        const QVariant raw = recordValue(row, column);
        // « Électricité » with the E, « menuiserie » with the M, whatever the
        // locale: texts sort by their folded form (lower case, no accents).
        if (raw.typeId() == QMetaType::QString)
            return foldForSearch(raw.toString());
        return raw;
    }
    default:
        return {};
    }
}

bool RecordModelBase::setData(const QModelIndex &index, const QVariant &value, int role)
{
    if (!index.isValid() || !m_checkable || index.column() != 0 || role != Qt::CheckStateRole)
        return false;
    setChecked(idAt(index.row()), value.toInt() == Qt::Checked);
    return true;
}

Qt::ItemFlags RecordModelBase::flags(const QModelIndex &index) const
{
    Qt::ItemFlags result = QAbstractTableModel::flags(index);
    if (index.isValid() && m_checkable && index.column() == 0)
        result |= Qt::ItemIsUserCheckable;
    return result;
}

QVariant RecordModelBase::headerData(int section, Qt::Orientation orientation, int role) const
{
    // The check column's header is a check mark, as narrow as its boxes; its
    // name is in the tooltip (a word would widen every checkable table).
    if (orientation == Qt::Horizontal && m_checkable && section == 0
        && (role == Qt::ToolTipRole || role == Qt::AccessibleTextRole))
        return tr("Selection");
    if (orientation != Qt::Horizontal || (role != Qt::DisplayRole && role != ColumnKindRole))
        return QAbstractTableModel::headerData(section, orientation, role);
    const int column = recordColumn(section);
    if (role == ColumnKindRole) {
        if (m_checkable && section == 0)
            return int(ColumnKind::Check);
        return column >= 0 && column < recordColumnCount() ? int(recordColumnKind(column)) : QVariant();
    }
    if (m_checkable && section == 0)
        return QStringLiteral("\u2713");
    return column >= 0 && column < recordColumnCount() ? recordColumnTitle(column) : QVariant();
}

void RecordTableModel::setColumns(const QList<KeyColumn> &columns)
{
    QList<Column> typed;
    for (const KeyColumn &column : columns) {
        const QString key = column.key;
        typed.append(
            { column.kind, column.title, [key](const QVariantMap &r) { return r.value(key); }, column.text });
    }
    RecordListModel<QVariantMap>::setColumns(typed);
}

QVariantMap RecordTableModel::record(int row) const
{
    return row >= 0 && row < recordCount() ? RecordListModel<QVariantMap>::record(row) : QVariantMap();
}

QVariant RecordTableModel::data(const QModelIndex &index, int role) const
{
    if (role == RecordRole)
        return index.isValid() && index.row() < recordCount() ? QVariant(record(index.row())) : QVariant();
    return RecordModelBase::data(index, role);
}

} // namespace guichet
