#include "ui/widgets/recordtable.h"

#include "models/recordtablemodel.h"

#include <QCoreApplication>
#include <QHeaderView>
#include <QLineEdit>
#include <QSettings>
#include <QSortFilterProxyModel>
#include <QTableView>

namespace guichet {

void setUpRecordTable(QTableView *view, QSortFilterProxyModel *proxy, RecordModelBase *model, int sortColumn,
                      const QString &settingsKey)
{
    proxy->setSourceModel(model);
    proxy->setSortRole(RecordModelBase::SortRole);
    view->setModel(proxy);
    view->setSortingEnabled(true);
    view->setSelectionBehavior(QAbstractItemView::SelectRows);
    view->setSelectionMode(QAbstractItemView::SingleSelection);
    view->setEditTriggers(QAbstractItemView::NoEditTriggers);
    view->verticalHeader()->hide();
    view->horizontalHeader()->setStretchLastSection(true);
    view->setContextMenuPolicy(Qt::ActionsContextMenu);
    view->sortByColumn(sortColumn, Qt::AscendingOrder);
    QHeaderView *header = view->horizontalHeader();
    const QByteArray state = QSettings().value(settingsKey).toByteArray();
    if (!state.isEmpty() && header->restoreState(state))
        view->sortByColumn(header->sortIndicatorSection(), header->sortIndicatorOrder());
    else
        view->resizeColumnsToContents();
}

void saveRecordTableHeader(const QTableView *view, const QString &settingsKey)
{
    QSettings().setValue(settingsKey, view->horizontalHeader()->saveState());
}

QLineEdit *createRecordFilter(QSortFilterProxyModel *proxy, QWidget *parent)
{
    auto *filter = new QLineEdit(parent);
    filter->setObjectName(QStringLiteral("tableFilter"));
    filter->setPlaceholderText(QCoreApplication::translate("guichet::RecordTable", "Filter the table…"));
    filter->setAccessibleName(QCoreApplication::translate("guichet::RecordTable", "Filter the table"));
    filter->setClearButtonEnabled(true);
    proxy->setFilterCaseSensitivity(Qt::CaseInsensitive);
    proxy->setFilterKeyColumn(-1);
    QObject::connect(filter, &QLineEdit::textChanged, proxy, &QSortFilterProxyModel::setFilterFixedString);
    return filter;
}

qint64 currentRecordId(const QTableView *view)
{
    const QModelIndex current = view ? view->currentIndex() : QModelIndex();
    return current.isValid() ? current.data(RecordModelBase::IdRole).toLongLong() : 0;
}

} // namespace guichet
