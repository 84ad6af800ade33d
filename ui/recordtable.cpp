#include "recordtable.h"

#include "recordtablemodel.h"

#include <QHeaderView>
#include <QSettings>
#include <QSortFilterProxyModel>
#include <QTableView>

namespace guichet {

void setUpRecordTable(QTableView *view, QSortFilterProxyModel *proxy, RecordTableModel *model, int sortColumn,
                      const QString &settingsKey)
{
    proxy->setSourceModel(model);
    proxy->setSortRole(RecordTableModel::SortRole);
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

} // namespace guichet
