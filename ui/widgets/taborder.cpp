#include "ui/widgets/taborder.h"

#include <QLayout>
#include <QList>
#include <QSplitter>
#include <QWidget>

namespace guichet {

namespace {

void collectInLayoutOrder(QLayout *layout, QList<QWidget *> &order);

void collectWidget(QWidget *widget, QList<QWidget *> &order)
{
    if (widget->focusPolicy() & Qt::TabFocus) {
        order.append(widget);
    } else if (auto *splitter = qobject_cast<QSplitter *>(widget)) {
        for (int i = 0; i < splitter->count(); ++i)
            collectWidget(splitter->widget(i), order);
    } else {
        collectInLayoutOrder(widget->layout(), order);
    }
}

void collectInLayoutOrder(QLayout *layout, QList<QWidget *> &order)
{
    if (!layout)
        return;
    for (int i = 0; i < layout->count(); ++i) {
        QLayoutItem *item = layout->itemAt(i);
        if (QWidget *widget = item->widget())
            collectWidget(widget, order);
        else if (QLayout *inner = item->layout())
            collectInLayoutOrder(inner, order);
    }
}

} // namespace

void setReadingTabOrder(QWidget *container)
{
    QList<QWidget *> order;
    collectInLayoutOrder(container->layout(), order);
    for (qsizetype i = 1; i < order.size(); ++i)
        QWidget::setTabOrder(order[i - 1], order[i]);
}

} // namespace guichet
