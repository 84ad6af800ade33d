#pragma once

#include <QSize>
#include <QString>

#include <functional>

class QWidget;

namespace guichet {

class DesktopApp;
struct Session;

// Called once per screen, after the screen is shown and laid out: `screen`
// names it ("signIn", "principal/account/attachments", "principal/manager/requests",
// "dialog/structureSearch", …) and `window` is its top-level widget (the main
// window, a dialog, the sign-in window), still open while the visitor runs.
using ScreenVisitor = std::function<void(const QString &screen, QWidget *window)>;

struct ScreenWalkOptions
{
    // The main window is resized to this after each sign-in.
    QSize mainWindowSize { 1200, 760 };
    // How long each screen is given to paint before the visitor runs (pictures
    // need a few hundred milliseconds; an audit of the layout needs none).
    int settleMs = 0;
    // false: the principal manager's screens and the dialogs only (the
    // screenshot tour); true: the screens of every demo role as well.
    bool everyRole = true;
};

// Opens, on the demo data (core/datagen/demodata) signed in through `app`,
// every screen of the desktop: the sign-in window; for each demo role
// (principal manager, secondary manager, simple user, support staff) every
// space tab, every section of « Mon compte », every tab of « Activité du
// gestionnaire » and of the support console; then the dialogs (structure
// search, attachment request, structure creation, subscription request,
// attached file, successor designation, user search, preferences, local
// outbox, sync status, reactivation, solicitation), some of them again after
// an error shows (an end date before the start, a wrong SIRET, the
// reactivation's password step and its refusal). false with *error when a
// step could not be reached (a sign-in refused, a missing section).
bool visitScreens(Session &session, DesktopApp &app, const ScreenVisitor &visit,
                  const ScreenWalkOptions &options, QString *error);

} // namespace guichet
