#pragma once

#include <QString>

namespace guichet {

class DesktopApp;
struct Session;

// Saves a PNG of each main screen into a folder (docs/screenshots), as the user
// `email` sees them: the sign-in window, every section of « Mon compte » and the
// main dialogs. Used by scripts/screenshots under Xvfb; false with *error when a
// step could not be reached.
bool takeScreenshotTour(Session &session, DesktopApp &app, const QString &folder, const QString &email,
                        const QString &password, QString *error);

} // namespace guichet
