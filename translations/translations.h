#pragma once

#include <QLocale>

namespace guichet {

// Installs Guichet's catalogue (and Qt's own) for the locale on the running
// application. English needs none. Returns false when the locale has no
// Guichet catalogue.
bool installTranslations(const QLocale &locale);

} // namespace guichet
