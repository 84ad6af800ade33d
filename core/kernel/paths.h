#pragma once

#include <QString>

namespace guichet {

// Sets the organisation and application names that QStandardPaths and
// QSettings use, the same for every executable.
void setApplicationIdentity(const QString &applicationName);

// The standalone SQLite database: $GUICHET_DATABASE if set, else guichet.sqlite
// in the user's data folder (QStandardPaths::AppDataLocation of "guichet").
QString defaultDatabaseLocation();

} // namespace guichet
