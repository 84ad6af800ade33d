#pragma once

#include "models/recordtablemodel.h"

#include <QString>

class QLineEdit;
class QSortFilterProxyModel;
class QWidget;
class QTableView;

namespace guichet {

// A widget property: true on a view or text box that shows text written for
// someone else in their language (the outbox's mails, in their recipients'),
// so that the layout audit does not take it for untranslated UI text.
inline constexpr char recipientLanguageProperty[] = "recipientLanguage";

// Sets `view` up the way every record table of « Mon compte » works: sorted
// through `proxy` on the raw values (RecordModelBase::SortRole), whole rows
// selected one at a time, read-only, no row numbers, actions in a context menu.
// The header's widths and sort come back from `settingsKey` when saved there by
// saveRecordTableHeader(), else the table sorts by `sortColumn` and fits its
// columns to their contents.
void setUpRecordTable(QTableView *view, QSortFilterProxyModel *proxy, RecordModelBase *model, int sortColumn,
                      const QString &settingsKey, Qt::SortOrder sortOrder = Qt::AscendingOrder);
void saveRecordTableHeader(const QTableView *view, const QString &settingsKey);

// The one column-sizing policy of the desktop's tables, from each column's
// ColumnKind (models/columnkind.h): compact columns (identifiers, dates,
// statuses, roles, e-mails) are sized to their content over the visible rows
// and header, so they always show whole; free-text columns share what is left,
// the widest one stretching, and elide with their full text as tooltip; rows
// stay one line high. The columns are fitted again when the rows or the view's
// width change, until the user resizes a column: from then on the header's
// state is saved under `settingsKey` (when given) and restored next time.
// setUpRecordTable() calls it; tables over other models call it directly.
void fitColumns(QTableView *view, const QString &settingsKey = QString());
// A field that filters the table through `proxy` as the user types: rows whose
// cells contain the text, in any column, ignoring case.
QLineEdit *createRecordFilter(QSortFilterProxyModel *proxy, QWidget *parent);

// An empty table explains itself: while `view`'s model has no row, `text` (what
// empty means and the next step) is painted centred in its viewport, word-wrapped.
// An empty text paints nothing. Call it again whenever the sentence changes.
void setEmptyText(QTableView *view, const QString &text);
// The sentence `view` paints now: its empty text while it has no row, else empty.
QString shownEmptyText(const QTableView *view);

// The id of `view`'s current row (RecordModelBase::IdRole, through any proxy), or 0.
qint64 currentRecordId(const QTableView *view);
// The record of `view`'s current row in `model`, found by its id so that a sort
// proxy in between does not matter; nullptr when no row is current.
template<typename Record>
const Record *currentRecordOf(const QTableView *view, const RecordListModel<Record> *model)
{
    const qint64 id = currentRecordId(view);
    return id ? model->recordOfId(id) : nullptr;
}

} // namespace guichet
