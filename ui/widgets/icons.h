#pragma once

#include <QIcon>

class QPushButton;
class QWidget;

namespace guichet {

// Guichet's icons, by their freedesktop names (edit-find, list-add…): the
// desktop theme's icon where the platform has a theme (Breeze, Adwaita…), so
// that Guichet looks like its neighbours, else Guichet's own SVG drawn for it
// (resources/icons, see packaging/icons/README.md). Names starting with
// « guichet- » exist only in Guichet's set.
QIcon themedIcon(const QString &name);

// The guide's « loupe » button: a magnifier alone, its action said by its
// tooltip and accessible name; it never takes Enter from the dialog's default.
QPushButton *createMagnifier(const QString &action, QWidget *parent);

} // namespace guichet
