#include "ui/widgets/icons.h"

#include <QPushButton>

namespace guichet {

QIcon themedIcon(const QString &name)
{
    const QIcon bundled(QStringLiteral(":/guichet-icons/%1.svg").arg(name));
    return QIcon::fromTheme(name, bundled);
}

QPushButton *createMagnifier(const QString &action, QWidget *parent)
{
    auto *button = new QPushButton(themedIcon(QStringLiteral("edit-find")), QString(), parent);
    button->setToolTip(action);
    button->setAccessibleName(action);
    button->setAutoDefault(false);
    return button;
}

} // namespace guichet
