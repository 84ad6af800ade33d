#pragma once

#include <QAbstractTableModel>
#include <QList>
#include <QSet>
#include <QVariantMap>

#include <functional>

namespace guichet {

// A table over a list of records (as core's read functions return them), with an
// optional checkbox column for the guide's "act on the checked rows" buttons.
// Feature models (attachments, subscriptions, files ...) subclass it and say
// which columns they show and how they load their records.
class RecordTableModel : public QAbstractTableModel
{
    Q_OBJECT

public:
    enum Roles {
        IdRole = Qt::UserRole + 1, // the record's "id"
        SortRole, // the raw value, for QSortFilterProxyModel::setSortRole
        RecordRole, // the whole record as a QVariantMap
    };

    struct Column
    {
        QString key; // the record's key shown (and sorted) in this column
        QString title;
        // Optional text for the cell; the raw value's text otherwise.
        std::function<QString(const QVariantMap &)> text = {};
    };

    explicit RecordTableModel(QObject *parent = nullptr);

    void setColumns(const QList<Column> &columns);
    // When checkable, column 0 is a checkbox column titled « Sélection ».
    void setCheckable(bool checkable);
    bool isCheckable() const { return m_checkable; }

    // Replaces the records; ids still present stay checked.
    void setRecords(const QList<QVariantMap> &records);
    const QList<QVariantMap> &records() const { return m_records; }
    QVariantMap record(int row) const;
    qint64 idAt(int row) const;
    int rowOfId(qint64 id) const;

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

private:
    int recordColumn(int column) const { return m_checkable ? column - 1 : column; }

    QList<Column> m_columns;
    QList<QVariantMap> m_records;
    QSet<qint64> m_checked;
    bool m_checkable = false;
};

} // namespace guichet
