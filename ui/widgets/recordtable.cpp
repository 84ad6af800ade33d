#include "ui/widgets/recordtable.h"

#include "models/columnkind.h"
#include "models/recordtablemodel.h"

#include <QCoreApplication>
#include <QEvent>
#include <QHeaderView>
#include <QLineEdit>
#include <QPainter>
#include <QPalette>
#include <QSettings>
#include <QSortFilterProxyModel>
#include <QTableView>
#include <QTimer>

#include <algorithm>

namespace guichet {

void setUpRecordTable(QTableView *view, QSortFilterProxyModel *proxy, RecordModelBase *model, int sortColumn,
                      const QString &settingsKey, Qt::SortOrder sortOrder)
{
    proxy->setSourceModel(model);
    proxy->setSortRole(RecordModelBase::SortRole);
    view->setModel(proxy);
    view->setSortingEnabled(true);
    view->setSelectionBehavior(QAbstractItemView::SelectRows);
    view->setSelectionMode(QAbstractItemView::SingleSelection);
    view->setEditTriggers(QAbstractItemView::NoEditTriggers);
    view->verticalHeader()->hide();
    view->setContextMenuPolicy(Qt::ActionsContextMenu);
    view->sortByColumn(sortColumn, sortOrder);
    fitColumns(view, settingsKey);
    QHeaderView *header = view->horizontalHeader();
    view->sortByColumn(header->sortIndicatorSection(), header->sortIndicatorOrder());
}

namespace {

// Applies fitColumns()'s policy to one view, again whenever its rows or width
// change, until the user takes over.
class ColumnFitter : public QObject
{
public:
    ColumnFitter(QTableView *view, const QString &settingsKey)
        : QObject(view)
        , m_view(view)
        , m_settingsKey(settingsKey)
    {
        QHeaderView *header = view->horizontalHeader();
        header->setStretchLastSection(false);
        header->setSectionResizeMode(QHeaderView::Interactive);
        // Size to the rows on screen: a table of a million rows is not read to size it.
        header->setResizeContentsPrecision(0);
        view->setWordWrap(false);
        view->setTextElideMode(Qt::ElideRight);
        view->verticalHeader()->setSectionResizeMode(QHeaderView::Fixed);
        view->verticalHeader()->setDefaultSectionSize(view->fontMetrics().height() + 8);

        const QByteArray state
            = settingsKey.isEmpty() ? QByteArray() : QSettings().value(settingsKey).toByteArray();
        if (!state.isEmpty() && header->restoreState(state))
            m_userSized = true;
        connect(header, &QHeaderView::sectionResized, this, [this](int logical, int oldSize, int newSize) {
            // A column hidden or shown again by the program (QTableView::setColumnHidden)
            // goes to or comes from 0: fit the others again, it is nobody's choice.
            if (!m_fitting && (oldSize == 0 || newSize == 0)) {
                scheduleFit();
                return;
            }
            // The stretched column follows the view's width without anyone
            // asking: only another column's new width is the user's choice.
            if (m_fitting || !m_view->isVisible()
                || m_view->horizontalHeader()->sectionResizeMode(logical) == QHeaderView::Stretch)
                return;
            // The user dragged a column edge: their widths win from now on.
            m_userSized = true;
            QHeaderView *h = m_view->horizontalHeader();
            for (int c = 0; c < h->count(); ++c) {
                if (h->sectionResizeMode(c) != QHeaderView::Interactive)
                    h->setSectionResizeMode(c, QHeaderView::Interactive);
            }
            if (!m_settingsKey.isEmpty())
                QSettings().setValue(m_settingsKey, h->saveState());
        });
        if (QAbstractItemModel *model = view->model()) {
            connect(model, &QAbstractItemModel::modelReset, this, &ColumnFitter::scheduleFit);
            connect(model, &QAbstractItemModel::rowsInserted, this, &ColumnFitter::scheduleFit);
            connect(model, &QAbstractItemModel::dataChanged, this, &ColumnFitter::scheduleFit);
            connect(model, &QAbstractItemModel::layoutChanged, this, &ColumnFitter::scheduleFit);
        }
        view->viewport()->installEventFilter(this);
        fit();
    }

    void fit()
    {
        m_scheduled = false;
        if (m_userSized)
            return;
        QAbstractItemModel *model = m_view->model();
        QHeaderView *header = m_view->horizontalHeader();
        if (!model || header->count() == 0)
            return;
        m_fitting = true;
        const int columns = header->count();
        QList<int> content(columns, 0);
        QList<bool> compact(columns, false);
        int compactWidth = 0;
        int widestText = -1;
        for (int c = 0; c < columns; ++c) {
            if (header->isSectionHidden(c))
                continue;
            const QVariant kind = model->headerData(c, Qt::Horizontal, ColumnKindRole);
            compact[c] = kind.isValid() && isCompact(ColumnKind(kind.toInt()));
            // QTableView hides sizeHintForColumn; QAbstractItemView's is public (rows on screen only, see
            // above).
            const QAbstractItemView *itemView = m_view;
            content[c] = std::max(header->sectionSizeHint(c), itemView->sizeHintForColumn(c));
            if (compact[c])
                compactWidth += content[c];
            else if (widestText < 0 || content[c] > content[widestText])
                widestText = c;
        }
        // What the free-text columns share: the viewport less the compact ones.
        int room = m_view->viewport()->width() - compactWidth;
        int textWanted = 0;
        for (int c = 0; c < columns; ++c) {
            if (!header->isSectionHidden(c) && !compact[c])
                textWanted += content[c];
        }
        // Not enough room for every free text: each shows its title whole
        // first, then the short ones show whole and the long ones share the
        // rest equally, so that a long comment does not cut every name. (The
        // titles come first: the stretched column gets what the others leave,
        // which must not be less than its title.)
        QList<int> width = content;
        if (textWanted > room) {
            QList<int> texts;
            int left = std::max(room, 0);
            for (int c = 0; c < columns; ++c) {
                if (!header->isSectionHidden(c) && !compact[c]) {
                    texts.append(c);
                    width[c] = std::min(content[c], header->sectionSizeHint(c));
                    left -= width[c];
                }
            }
            left = std::max(left, 0);
            std::sort(texts.begin(), texts.end(), [&content, &width](int a, int b) {
                return content[a] - width[a] < content[b] - width[b];
            });
            for (int i = 0; i < texts.size(); ++i) {
                const int c = texts.at(i);
                const int share = left / int(texts.size() - i);
                const int more = std::min(content[c] - width[c], share);
                width[c] += more;
                left -= more;
            }
        }
        for (int c = 0; c < columns; ++c) {
            if (header->isSectionHidden(c))
                continue;
            header->setSectionResizeMode(c, QHeaderView::Interactive);
            header->resizeSection(c, width[c]);
        }
        if (widestText >= 0)
            header->setSectionResizeMode(widestText, QHeaderView::Stretch);
        m_fitting = false;
    }

protected:
    bool eventFilter(QObject *watched, QEvent *event) override
    {
        if (event->type() == QEvent::Resize || event->type() == QEvent::Show)
            scheduleFit();
        return QObject::eventFilter(watched, event);
    }

private:
    void scheduleFit()
    {
        if (m_scheduled || m_userSized)
            return;
        m_scheduled = true;
        // Once the rows and the layout have settled, not once per inserted row.
        QTimer::singleShot(0, this, &ColumnFitter::fit);
    }

    QTableView *m_view;
    QString m_settingsKey;
    bool m_userSized = false;
    bool m_fitting = false;
    bool m_scheduled = false;
};

} // namespace

void fitColumns(QTableView *view, const QString &settingsKey)
{
    // One fitter per view: a second call replaces the first.
    // ColumnFitter has no meta-object of its own, so it is found by name, not by type.
    const QString fitterName = QStringLiteral("guichetColumnFitter");
    delete view->findChild<QObject *>(fitterName, Qt::FindDirectChildrenOnly);
    auto *fitter = new ColumnFitter(view, settingsKey); // owned by the view
    fitter->setObjectName(fitterName);
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

namespace {
const char *const emptyTextProperty = "guichetEmptyText";

// Paints the empty text over the viewport after the view painted itself: the
// paint event is sent again through the filter (which lets it pass), then the
// sentence is drawn on top.
class EmptyStatePainter : public QObject
{
public:
    explicit EmptyStatePainter(QTableView *view)
        : QObject(view)
        , m_view(view)
    {
        view->viewport()->installEventFilter(this);
    }

    bool eventFilter(QObject *watched, QEvent *event) override
    {
        if (m_painting || event->type() != QEvent::Paint || watched != m_view->viewport())
            return false;
        const QString text = shownEmptyText(m_view);
        if (text.isEmpty())
            return false;
        m_painting = true;
        QCoreApplication::sendEvent(watched, event);
        m_painting = false;
        QWidget *viewport = m_view->viewport();
        QPainter painter(viewport);
        QColor color = viewport->palette().color(QPalette::PlaceholderText);
        painter.setPen(color);
        const QRect area = viewport->rect().adjusted(16, 8, -16, -8);
        painter.drawText(area, Qt::AlignCenter | Qt::TextWordWrap, text);
        return true;
    }

private:
    QTableView *m_view;
    bool m_painting = false;
};
} // namespace

void setEmptyText(QTableView *view, const QString &text)
{
    if (!view->property("guichetEmptyPainter").toBool()) {
        new EmptyStatePainter(view);
        view->setProperty("guichetEmptyPainter", true);
    }
    view->setProperty(emptyTextProperty, text);
    view->viewport()->setAccessibleDescription(text);
    view->viewport()->update();
}

QString shownEmptyText(const QTableView *view)
{
    const QAbstractItemModel *model = view->model();
    if (model && model->rowCount() > 0)
        return QString();
    return view->property(emptyTextProperty).toString();
}

} // namespace guichet
