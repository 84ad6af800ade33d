#include "ui/widgets/sectionhead.h"

#include <QLabel>

namespace guichet {

QLabel *createSectionTitle(const QString &text, QWidget *parent)
{
    auto *title = new QLabel(text, parent);
    QFont font = title->font();
    font.setBold(true);
    font.setPointSizeF(font.pointSizeF() * 1.2);
    title->setFont(font);
    title->setWordWrap(true);
    return title;
}

QLabel *createSectionIntro(const QString &text, QWidget *parent)
{
    auto *intro = new QLabel(text, parent);
    intro->setWordWrap(true);
    intro->setTextFormat(Qt::PlainText);
    return intro;
}

} // namespace guichet
