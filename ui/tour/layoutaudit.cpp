#include "ui/tour/layoutaudit.h"

#include "models/columnkind.h"
#include "ui/tour/untranslatedmarker.h"
#include "ui/widgets/recordtable.h"

#include <QAbstractButton>
#include <QAbstractItemView>
#include <QAbstractSpinBox>
#include <QAccessible>
#include <QComboBox>
#include <QGroupBox>
#include <QHeaderView>
#include <QLabel>
#include <QLineEdit>
#include <QMenuBar>
#include <QPlainTextEdit>
#include <QSet>
#include <QStackedWidget>
#include <QStyle>
#include <QTabBar>
#include <QTableView>
#include <QTextEdit>

#include <algorithm>

namespace guichet {

namespace {

using Kind = LayoutFinding::Kind;

// « section > name (Class) »: the widget and its nearest named parent, so that
// a finding says where to look.
QString describe(const QWidget *widget, const QWidget *window)
{
    QString name = widget->objectName();
    if (name.isEmpty() || name.startsWith(QLatin1String("qt_")))
        name = QString::fromLatin1(widget->metaObject()->className());
    else
        name += QStringLiteral(" (%1)").arg(QString::fromLatin1(widget->metaObject()->className()));
    for (const QWidget *p = widget->parentWidget(); p && p != window; p = p->parentWidget()) {
        const QString parentName = p->objectName();
        if (!parentName.isEmpty() && !parentName.startsWith(QLatin1String("qt_")))
            return parentName + QStringLiteral(" > ") + name;
    }
    return name;
}

QString oneLine(QString text)
{
    text.replace(QLatin1Char('\n'), QLatin1Char(' '));
    if (text.size() > 80)
        text = text.left(77) + QStringLiteral("...");
    return text;
}

class Auditor
{
public:
    Auditor(const QString &screen, QWidget *window, const LayoutAuditOptions &options)
        : m_screen(screen)
        , m_window(window)
        , m_options(options)
    {
    }

    QList<LayoutFinding> run()
    {
        auditWindow();
        const QList<QWidget *> widgets = m_window->findChildren<QWidget *>();
        QSet<const QWidget *> squeezed;
        for (QWidget *w : widgets) {
            if (!w->isVisible() || w->isWindow() || w->window() != m_window || insideItemView(w))
                continue;
            if (auto *table = qobject_cast<QTableView *>(w)) {
                auditCells(table);
                auditHeader(table);
            }
            if (auto *label = qobject_cast<QLabel *>(w))
                auditLabel(label);
            else if (!squeezed.contains(w->parentWidget()) && auditSqueezed(w))
                squeezed.insert(w);
            if (squeezed.contains(w->parentWidget()))
                squeezed.insert(w);
            if (m_options.marker)
                auditLanguage(w);
            auditName(w);
        }
        auditTabOrder();
        if (m_options.marker)
            checkText(m_window, m_window->windowTitle());
        return m_findings;
    }

private:
    void add(const QWidget *widget, Kind kind, const QString &text)
    {
        m_findings.append({ m_screen, describe(widget, m_window), kind, text });
    }

    // Index widgets and editors belong to their view's cells.
    bool insideItemView(const QWidget *w) const
    {
        for (const QWidget *p = w->parentWidget(); p && p != m_window; p = p->parentWidget()) {
            if (qobject_cast<const QAbstractItemView *>(p))
                return true;
        }
        return false;
    }

    void auditWindow()
    {
        const QSize size = m_window->size().expandedTo(m_window->minimumSize());
        const QSize screen = m_options.screenSize;
        if (size.width() > screen.width() || size.height() > screen.height()) {
            const QSize minimum = m_window->minimumSizeHint();
            add(m_window, Kind::OversizedWindow,
                QStringLiteral("%1×%2 on a %3×%4 screen (minimum %5×%6%7)")
                    .arg(size.width())
                    .arg(size.height())
                    .arg(screen.width())
                    .arg(screen.height())
                    .arg(minimum.width())
                    .arg(minimum.height())
                    .arg(widestMinimum(screen.width())));
        }
    }

    // What forces a window wider than `limit`: the chain of children whose
    // minimum width exceeds it, down to the narrowest such one.
    QString widestMinimum(int limit) const
    {
        QString path;
        const QWidget *current = m_window;
        for (;;) {
            const QWidget *widest = nullptr;
            int widestWidth = 0;
            for (const QWidget *child : current->findChildren<QWidget *>(Qt::FindDirectChildrenOnly)) {
                // A stack's hidden pages count: its minimum is the widest page's.
                if (child->isWindow()
                    || (child->isHidden() && !qobject_cast<const QStackedWidget *>(current)))
                    continue;
                const int width = std::max(child->minimumSizeHint().width(), child->minimumWidth());
                if (width > widestWidth) {
                    widestWidth = width;
                    widest = child;
                }
            }
            if (!widest || widestWidth <= limit)
                break;
            path = QStringLiteral(", forced by %1 (minimum width %2)")
                       .arg(describe(widest, m_window))
                       .arg(widestWidth);
            current = widest;
        }
        return path;
    }

    // (a) and (b): the visible cells shown cut, one finding per column.
    void auditCells(QTableView *view)
    {
        QAbstractItemModel *model = view->model();
        if (!model || model->rowCount() == 0)
            return;
        const QRect viewport = view->viewport()->rect();
        const int firstRow = std::max(view->rowAt(0), 0);
        int lastRow = view->rowAt(viewport.height() - 1);
        if (lastRow < 0)
            lastRow = model->rowCount() - 1;
        QStyle *style = view->style();
        const int margin = style->pixelMetric(QStyle::PM_FocusFrameHMargin, nullptr, view) + 1;
        const int indicator = style->pixelMetric(QStyle::PM_IndicatorWidth, nullptr, view) + 2 * margin;
        const int icon = view->iconSize().isValid()
            ? view->iconSize().width()
            : style->pixelMetric(QStyle::PM_SmallIconSize, nullptr, view);
        for (int column = 0; column < model->columnCount(); ++column) {
            if (view->isColumnHidden(column) || view->columnWidth(column) <= 0)
                continue;
            const QVariant kindValue = model->headerData(column, Qt::Horizontal, ColumnKindRole);
            const bool compact = kindValue.isValid() && isCompact(ColumnKind(kindValue.toInt()));
            const int x = view->columnViewportPosition(column);
            const int shown = std::max(0, std::min(view->columnWidth(column), viewport.width() - x));
            int cut = 0;
            QString example;
            // A column running past the view's right edge is cut too, whatever its kind: its
            // header first, then its cells, which no tooltip shows without scrolling sideways.
            if (x + view->columnWidth(column) > viewport.width() + 1) {
                cut = 1;
                example = QStringLiteral("the column runs %1 px past the view")
                              .arg(x + view->columnWidth(column) - viewport.width());
            }
            for (int row = firstRow; row <= lastRow; ++row) {
                if (view->isRowHidden(row))
                    continue;
                const QModelIndex index = model->index(row, column);
                const QString text
                    = index.data(Qt::DisplayRole).toString().replace(QLatin1Char('\n'), QLatin1Char(' '));
                const bool check = index.data(Qt::CheckStateRole).isValid();
                if (text.isEmpty() && !check)
                    continue;
                const QVariant fontValue = index.data(Qt::FontRole);
                const QFontMetrics metrics(fontValue.isValid() ? fontValue.value<QFont>() : view->font());
                int needed = text.isEmpty() ? 0 : metrics.horizontalAdvance(text) + 2 * margin;
                if (check)
                    needed += indicator;
                if (index.data(Qt::DecorationRole).isValid())
                    needed += icon + 2 * margin;
                if (needed <= shown)
                    continue;
                if (!compact && cut == 0 && index.data(Qt::ToolTipRole).toString().contains(text))
                    continue;
                if (cut++ == 0)
                    example = QStringLiteral("« %1 » needs %2 px, has %3")
                                  .arg(oneLine(text))
                                  .arg(needed)
                                  .arg(shown);
            }
            if (cut == 0)
                continue;
            const QString title = model->headerData(column, Qt::Horizontal, Qt::DisplayRole).toString();
            add(view, compact ? Kind::CompactCell : Kind::CutTextCell,
                QStringLiteral("column « %1 »: %2 cell(s) cut, e.g. %3").arg(title).arg(cut).arg(example));
        }
    }

    // (a') the titles of a table's columns shown cut (« Type d'identifian »), by a
    // section narrower than its title or by the view's right edge.
    void auditHeader(QTableView *view)
    {
        QAbstractItemModel *model = view->model();
        QHeaderView *header = view->horizontalHeader();
        if (!model || header->isHidden())
            return;
        QStyle *style = header->style();
        const int margin = style->pixelMetric(QStyle::PM_HeaderMargin, nullptr, header);
        const int mark = style->pixelMetric(QStyle::PM_HeaderMarkSize, nullptr, header);
        const QFontMetrics metrics(header->font());
        const int visibleWidth = header->viewport()->width();
        for (int column = 0; column < model->columnCount(); ++column) {
            if (header->isSectionHidden(column) || header->sectionSize(column) <= 0)
                continue;
            const QString title = model->headerData(column, Qt::Horizontal, Qt::DisplayRole).toString();
            if (title.isEmpty())
                continue;
            int needed = metrics.horizontalAdvance(title) + 2 * margin;
            // The sorted column's arrow takes its room from the title.
            if (header->isSortIndicatorShown() && header->sortIndicatorSection() == column)
                needed += mark + margin;
            const int x = header->sectionViewportPosition(column);
            const int shown = std::max(0, std::min(header->sectionSize(column), visibleWidth - x));
            if (needed > shown)
                add(view, Kind::CutHeader,
                    QStringLiteral("title « %1 » needs %2 px, has %3")
                        .arg(oneLine(title))
                        .arg(needed)
                        .arg(shown));
        }
    }

    // (c)
    void auditLabel(QLabel *label)
    {
        if (label->text().isEmpty() || label->width() <= 0)
            return;
        if (label->wordWrap()) {
            const int needed = label->heightForWidth(label->width());
            if (needed > label->height() + 1)
                add(label, Kind::ClippedLabel,
                    QStringLiteral("« %1 » needs %2 px of height at width %3, has %4")
                        .arg(oneLine(label->text()))
                        .arg(needed)
                        .arg(label->width())
                        .arg(label->height()));
            return;
        }
        const QSize needed = label->sizeHint();
        if (needed.width() > label->width() + 1 || needed.height() > label->height() + 1)
            add(label, Kind::ClippedLabel,
                QStringLiteral("« %1 » needs %2×%3, has %4×%5 (no word wrap)")
                    .arg(oneLine(label->text()))
                    .arg(needed.width())
                    .arg(needed.height())
                    .arg(label->width())
                    .arg(label->height()));
    }

    // (d)
    bool auditSqueezed(QWidget *w)
    {
        // Qt's own parts of a widget (a line edit's clear button, a tab bar's arrows) are its business.
        QWidget *parent = w->parentWidget();
        if (w->objectName().startsWith(QLatin1String("qt_")) || qobject_cast<QTabBar *>(parent)
            || qobject_cast<QLineEdit *>(parent) || qobject_cast<QComboBox *>(parent))
            return false;
        const QSizePolicy policy = w->sizePolicy();
        const QSize hint = w->minimumSizeHint();
        const QSize set = w->minimumSize();
        int minWidth = set.width() > 0 ? set.width() : hint.width();
        int minHeight = set.height() > 0 ? set.height() : hint.height();
        if (policy.horizontalPolicy() == QSizePolicy::Ignored)
            minWidth = set.width();
        if (policy.verticalPolicy() == QSizePolicy::Ignored)
            minHeight = set.height();
        if (w->hasHeightForWidth() && set.height() <= 0)
            minHeight = std::min(minHeight, w->heightForWidth(w->width()));
        if (w->width() + 1 >= minWidth && w->height() + 1 >= minHeight)
            return false;
        QString text;
        if (auto *button = qobject_cast<QAbstractButton *>(w))
            text = QStringLiteral("« %1 » ").arg(oneLine(button->text()));
        add(w, Kind::Squeezed,
            text
                + QStringLiteral("%1×%2 under its minimum %3×%4")
                      .arg(w->width())
                      .arg(w->height())
                      .arg(minWidth)
                      .arg(minHeight));
        return true;
    }

    // (g) What a screen reader says when the keyboard reaches a control: its
    // accessible name, else its text, else the label whose buddy it is (Qt's
    // own rules, through the accessibility interface).
    void auditName(QWidget *w)
    {
        if (!w->isEnabled() || !(w->focusPolicy() & Qt::TabFocus)
            || w->objectName().startsWith(QLatin1String("qt_"))
            || !(qobject_cast<QAbstractButton *>(w) || qobject_cast<QLineEdit *>(w)
                 || qobject_cast<QComboBox *>(w) || qobject_cast<QAbstractSpinBox *>(w)
                 || qobject_cast<QAbstractItemView *>(w) || qobject_cast<QTextEdit *>(w)
                 || qobject_cast<QPlainTextEdit *>(w)))
            return;
        // A combo box's or spin box's own line edit is named through its owner.
        if (qobject_cast<QComboBox *>(w->parentWidget())
            || qobject_cast<QAbstractSpinBox *>(w->parentWidget()))
            return;
        QAccessibleInterface *accessible = QAccessible::queryAccessibleInterface(w);
        if (accessible && !accessible->text(QAccessible::Name).trimmed().isEmpty())
            return;
        add(w, Kind::Unnamed,
            QStringLiteral("a %1 with no accessible name, text or label")
                .arg(QString::fromLatin1(w->metaObject()->className())));
    }

    // (h) Tab follows the reading order: top to bottom, left to right, a column
    // at a time. The focus chain is a ring, so exactly one step may go back: the
    // wrap from the last control to the first one read. Any other step to a
    // control wholly above the previous one and not in a column to its right,
    // or wholly to its left on the same line, sends the keyboard user back over
    // what they have filled.
    void auditTabOrder()
    {
        QList<QWidget *> ring;
        QSet<QWidget *> seen;
        for (QWidget *w = m_window->nextInFocusChain(); w && w != m_window && !seen.contains(w);
             w = w->nextInFocusChain()) {
            seen.insert(w);
            // A field scrolled out of its scroll area has no place on the
            // screen until Tab scrolls it in: it is not compared.
            if (w->window() == m_window && w->isVisible() && w->isEnabled() && !w->focusProxy()
                && (w->focusPolicy() & Qt::TabFocus) && !insideItemView(w) && !w->visibleRegion().isEmpty())
                ring.append(w);
        }
        if (ring.size() < 2)
            return;
        const auto rectOf
            = [this](const QWidget *w) { return QRect(w->mapTo(m_window, QPoint(0, 0)), w->size()); };
        const QWidget *firstRead = *std::min_element(ring.cbegin(), ring.cend(), [&](QWidget *a, QWidget *b) {
            const QRect ra = rectOf(a), rb = rectOf(b);
            return std::pair(ra.top(), ra.left()) < std::pair(rb.top(), rb.left());
        });
        for (qsizetype i = 0; i < ring.size(); ++i) {
            QWidget *previous = ring[i];
            QWidget *next = ring[(i + 1) % ring.size()];
            if (next == firstRead)
                continue;
            const QRect from = rectOf(previous);
            const QRect to = rectOf(next);
            const bool above = to.bottom() < from.top() && to.left() < from.right();
            const bool sameLine = to.top() <= from.bottom() && to.bottom() >= from.top();
            const bool leftwards = sameLine && to.right() < from.left();
            if (above || leftwards)
                add(next, Kind::TabOrder,
                    QStringLiteral("Tab goes from %1 at (%2,%3) back to this at (%4,%5)")
                        .arg(describe(previous, m_window))
                        .arg(from.left())
                        .arg(from.top())
                        .arg(to.left())
                        .arg(to.top()));
        }
    }

    // (f)
    void checkText(const QWidget *w, const QString &text)
    {
        if (text.isEmpty())
            return;
        const QStringList lines = text.split(QLatin1Char('\n'));
        for (const QString &line : lines) {
            if (m_options.marker->isForeign(line)
                || (lines.size() > 1 && m_options.marker->isForeign(text))) {
                const QString key = describe(w, m_window) + QLatin1Char('\t') + line;
                if (!m_reported.contains(key)) {
                    m_reported.insert(key);
                    add(w, Kind::OtherLanguage, QStringLiteral("« %1 »").arg(oneLine(line)));
                }
                return;
            }
        }
    }

    void auditLanguage(QWidget *w)
    {
        // A mail shown as it is sent is in its recipient's language, not the UI's
        // (OutboxDialog): only the view's own headers are the UI's text.
        if (w->property(recipientLanguageProperty).toBool()) {
            if (auto *view = qobject_cast<QAbstractItemView *>(w)) {
                if (QAbstractItemModel *model = view->model()) {
                    for (int column = 0; column < model->columnCount(); ++column)
                        checkText(view,
                                  model->headerData(column, Qt::Horizontal, Qt::DisplayRole).toString());
                }
            }
            return;
        }
        if (auto *label = qobject_cast<QLabel *>(w))
            checkText(w, label->text());
        else if (auto *button = qobject_cast<QAbstractButton *>(w))
            checkText(w, button->text());
        else if (auto *box = qobject_cast<QGroupBox *>(w))
            checkText(w, box->title());
        else if (auto *tabs = qobject_cast<QTabBar *>(w)) {
            for (int i = 0; i < tabs->count(); ++i)
                checkText(w, tabs->tabText(i));
        } else if (auto *combo = qobject_cast<QComboBox *>(w)) {
            for (int i = 0; i < std::min(combo->count(), 50); ++i)
                checkText(w, combo->itemText(i));
        } else if (auto *edit = qobject_cast<QLineEdit *>(w)) {
            checkText(w, edit->placeholderText());
        } else if (auto *plain = qobject_cast<QPlainTextEdit *>(w)) {
            checkText(w, plain->toPlainText());
        } else if (auto *rich = qobject_cast<QTextEdit *>(w)) {
            checkText(w, rich->toPlainText());
        } else if (auto *menus = qobject_cast<QMenuBar *>(w)) {
            for (const QAction *action : menus->actions())
                checkText(w, action->text());
        } else if (auto *view = qobject_cast<QAbstractItemView *>(w)) {
            auditViewLanguage(view);
        }
        checkText(w, w->toolTip());
    }

    void auditViewLanguage(QAbstractItemView *view)
    {
        QAbstractItemModel *model = view->model();
        if (!model)
            return;
        const QRect viewport = view->viewport()->rect();
        const int rows = std::min(model->rowCount(), 200);
        const int columns = model->columnCount();
        for (int column = 0; column < columns; ++column)
            checkText(view, model->headerData(column, Qt::Horizontal, Qt::DisplayRole).toString());
        for (int row = 0; row < rows; ++row) {
            for (int column = 0; column < columns; ++column) {
                const QModelIndex index = model->index(row, column);
                if (!view->visualRect(index).intersects(viewport))
                    continue;
                checkText(view, index.data(Qt::DisplayRole).toString());
            }
        }
    }

    QString m_screen;
    QWidget *m_window;
    const LayoutAuditOptions &m_options;
    QList<LayoutFinding> m_findings;
    QSet<QString> m_reported;
};

} // namespace

QString LayoutFinding::kindName(Kind kind)
{
    switch (kind) {
    case Kind::CompactCell:
        return QStringLiteral("compact-cell");
    case Kind::CutTextCell:
        return QStringLiteral("cut-text-cell");
    case Kind::CutHeader:
        return QStringLiteral("cut-header");
    case Kind::ClippedLabel:
        return QStringLiteral("clipped-label");
    case Kind::Squeezed:
        return QStringLiteral("squeezed");
    case Kind::OversizedWindow:
        return QStringLiteral("oversized-window");
    case Kind::Unnamed:
        return QStringLiteral("unnamed");
    case Kind::OtherLanguage:
        return QStringLiteral("other-language");
    case Kind::TabOrder:
        return QStringLiteral("tab-order");
    }
    return {};
}

QString LayoutFinding::toString() const
{
    return QStringLiteral("%1\t%2\t%3\t%4").arg(screen, kindName(kind), widget, text);
}

QList<LayoutFinding> auditLayout(const QString &screen, QWidget *window, const LayoutAuditOptions &options)
{
    return Auditor(screen, window, options).run();
}

} // namespace guichet
