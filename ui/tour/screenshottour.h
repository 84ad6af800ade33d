#pragma once

#include <QSize>
#include <QString>

namespace guichet {

class DesktopApp;
struct Session;

// Saves a PNG of each main screen into a folder (docs/screenshots), as the demo
// principal manager sees them (ui/tour/screenwalk.h): the sign-in window, every
// section of « Mon compte » and the main dialogs, the main window at
// `mainWindowSize`. Used by scripts/screenshots under Xvfb; false with *error
// when a step could not be reached.
bool takeScreenshotTour(Session &session, DesktopApp &app, const QString &folder, const QSize &mainWindowSize,
                        QString *error);

} // namespace guichet
