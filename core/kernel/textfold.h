#pragma once

#include <QString>

namespace guichet {

// The form in which structure names, labels and cities are searched: lower case,
// accents removed, ligatures spelled out (œ -> oe, æ -> ae, ß -> ss). The stored
// search copy and the query are folded the same way, so '*menuiserie*' finds
// « Ménuiserie » and « MENUISERIE ».
QString foldForSearch(const QString &text);

} // namespace guichet
