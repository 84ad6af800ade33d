#pragma once

#include "models/columnkind.h"

#include <QAbstractTableModel>
#include <QDate>
#include <QList>
#include <QSet>
#include <QVariantMap>

#include <functional>
#include <utility>

namespace guichet {

// The table behaviour every list of the desktop shares: one row per record, an
// id per record, an optional checkbox column for the guide's « act on the
// checked rows » buttons, raw values for sorting. Records and columns come from
// RecordListModel<Record>, which subclasses say how to fill.
class RecordModelBase : public QAbstractTableModel
{
    Q_OBJECT

public:
    enum Roles {
        IdRole = Qt::UserRole + 1, // the record's id
        SortRole, // the raw value, for QSortFilterProxyModel::setSortRole
    };

    explicit RecordModelBase(QObject *parent = nullptr);

    // When checkable, column 0 is a checkbox column titled « Sélection ».
    void setCheckable(bool checkable);
    bool isCheckable() const { return m_checkable; }

    qint64 idAt(int row) const;
    int rowOfId(qint64 id) const;

    // In table order, so that actions and confirmations list rows as shown.
    QList<qint64> checkedIds() const;
    void setChecked(qint64 id, bool checked);
    void setAllChecked(bool checked);

    // Loads the records again from where the subclass reads them.
    virtual void reload() { }

    int rowCount(const QModelIndex &parent = {}) const override;
    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    bool setData(const QModelIndex &index, const QVariant &value, int role = Qt::EditRole) override;
    Qt::ItemFlags flags(const QModelIndex &index) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;

signals:
    void checkedChanged();

protected:
    virtual int recordCount() const = 0;
    virtual qint64 recordIdAt(int row) const = 0;
    virtual int recordColumnCount() const = 0;
    virtual QString recordColumnTitle(int column) const = 0;
    virtual ColumnKind recordColumnKind(int column) const = 0;
    // The raw value of a cell: what sorts it, and its text when the column has
    // no text function (dates in the short format of the locale).
    virtual QVariant recordValue(int row, int column) const = 0;
    // The text shown, or a null QString to show the raw value.
    virtual QString recordText(int row, int column) const = 0;

    // Subclasses call these around replacing their records or columns.
    void beginReplace() { beginResetModel(); }
    // Keeps checked only the ids still present.
    void endReplace();

private:
    int recordColumn(int column) const { return m_checkable ? column - 1 : column; }

    QSet<qint64> m_checked;
    bool m_checkable = false;
};

// A record's id: the `id` field of a struct; QVariantMap records have an "id" key.
template<typename Record> qint64 recordIdOf(const Record &record)
{
    return record.id;
}
inline qint64 recordIdOf(const QVariantMap &record)
{
    return record.value(QStringLiteral("id")).toLongLong();
}

// A table over a list of typed records: each column says how to read its raw
// value from the record (and, optionally, the text to show), so a misspelt
// field is a compile error, not a blank cell.
template<typename Record> class RecordListModel : public RecordModelBase
{
public:
    struct Column
    {
        // A constructor rather than a default member initializer for `text`:
        // GCC 12 crashes (internal compiler error in nothrow_spec_p) on that
        // initializer once a class derives from RecordListModel<Record>.
        Column(const QString &columnTitle, std::function<QVariant(const Record &)> columnValue,
               std::function<QString(const Record &)> columnText = nullptr)
            : Column(ColumnKind::Text, columnTitle, std::move(columnValue), std::move(columnText))
        {
        }
        // A column of a compact kind (identifier, date, status…), shown whole.
        Column(ColumnKind columnKind, const QString &columnTitle,
               std::function<QVariant(const Record &)> columnValue,
               std::function<QString(const Record &)> columnText = nullptr)
            : kind(columnKind)
            , title(columnTitle)
            , value(std::move(columnValue))
            , text(std::move(columnText))
        {
        }

        ColumnKind kind;
        QString title;
        std::function<QVariant(const Record &)> value;
        // Optional text for the cell; the raw value's text otherwise.
        std::function<QString(const Record &)> text;
    };

    using RecordModelBase::RecordModelBase;

    void setColumns(const QList<Column> &columns)
    {
        beginReplace();
        m_columns = columns;
        endReplace();
    }

    // Replaces the records; ids still present stay checked.
    void setRecords(const QList<Record> &records)
    {
        beginReplace();
        m_records = records;
        endReplace();
    }
    const QList<Record> &records() const { return m_records; }
    // The record of a row; `row` must be valid (0 <= row < rowCount()).
    const Record &record(int row) const { return m_records.at(row); }
    // The record with this id, or nullptr.
    const Record *recordOfId(qint64 id) const
    {
        const int row = rowOfId(id);
        return row < 0 ? nullptr : &m_records.at(row);
    }

protected:
    int recordCount() const override { return int(m_records.size()); }
    qint64 recordIdAt(int row) const override { return recordIdOf(m_records.at(row)); }
    int recordColumnCount() const override { return int(m_columns.size()); }
    QString recordColumnTitle(int column) const override { return m_columns.at(column).title; }
    ColumnKind recordColumnKind(int column) const override { return m_columns.at(column).kind; }
    QVariant recordValue(int row, int column) const override
    {
        return m_columns.at(column).value(m_records.at(row));
    }
    QString recordText(int row, int column) const override
    {
        const Column &col = m_columns.at(column);
        return col.text ? col.text(m_records.at(row)) : QString();
    }

private:
    QList<Column> m_columns;
    QList<Record> m_records;
};

// The same over QVariantMap records, a column per key. For tables whose records
// are not core's (the sync dialog's command lists); core's reads return structs.
class RecordTableModel : public RecordListModel<QVariantMap>
{
public:
    enum { RecordRole = SortRole + 1 }; // the whole record as a QVariantMap

    struct KeyColumn
    {
        QString key; // the record's key shown (and sorted) in this column
        QString title;
        std::function<QString(const QVariantMap &)> text = {};
        ColumnKind kind = ColumnKind::Text;
    };

    using RecordListModel<QVariantMap>::RecordListModel;

    void setColumns(const QList<KeyColumn> &columns);
    // An empty map for a row out of range.
    QVariantMap record(int row) const;

    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
};

} // namespace guichet
