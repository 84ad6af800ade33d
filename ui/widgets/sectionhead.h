#pragma once

#include <QString>

class QLabel;
class QWidget;

namespace guichet {

// The head every section of « Mon compte » shares, so that they look alike: a
// title, bold and larger than the text, then a word-wrapped introduction.
QLabel *createSectionTitle(const QString &text, QWidget *parent);
QLabel *createSectionIntro(const QString &text, QWidget *parent);

} // namespace guichet
