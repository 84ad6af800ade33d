#pragma once

#include <QLayout>
#include <QList>

namespace guichet {

// A row of buttons that wraps onto further lines when the window is narrow
// (Qt's flow layout example): its minimum width is its widest button's, so a
// long French label never forces the window wider than the screen. Stretches
// are ignored: items are left-aligned.
class FlowLayout : public QLayout
{
public:
    explicit FlowLayout(QWidget *parent = nullptr);
    ~FlowLayout() override;

    void addItem(QLayoutItem *item) override;
    int count() const override { return int(m_items.size()); }
    QLayoutItem *itemAt(int index) const override { return m_items.value(index); }
    QLayoutItem *takeAt(int index) override;
    Qt::Orientations expandingDirections() const override { return {}; }
    bool hasHeightForWidth() const override { return true; }
    int heightForWidth(int width) const override { return arrange(QRect(0, 0, width, 0), false); }
    QSize minimumSize() const override;
    QSize sizeHint() const override;
    void setGeometry(const QRect &rect) override;

private:
    int arrange(const QRect &rect, bool apply) const;
    int hSpacing() const;
    int vSpacing() const;

    QList<QLayoutItem *> m_items;
};

} // namespace guichet
