#pragma once

class QWidget;

namespace guichet {

// Tab visits the controls under `container` in the order its layouts hold
// them: top to bottom, left to right, as they are read. Qt's default is the
// order the widgets were created in, which for a table built before its
// filter field, or buttons built before the table, sends the keyboard user
// back up the screen. Call it once the layouts are set.
void setReadingTabOrder(QWidget *container);

} // namespace guichet
