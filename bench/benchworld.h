#pragma once

#include <QString>

class QProcess;
class QRegularExpression;

namespace guichet {
class Database;
}

namespace guichet::bench {

// The e-mails of the world's two signed-in users.
extern const QString kManager; // principal manager of every visible structure
extern const QString kSimple; // a simple user of the first structure

// A sync world built with direct inserts (fast, no commands): one principal
// manager of `structures` structures, each with 5 services and `people`
// attached users (5 subscriptions each, 3 audit entries per person); 10% more
// structures the manager does not see. The manager sees about
// structures * people * 10 rows. Shared by bench_changefeed and bench_sync.
void buildWorld(Database &db, int structures, int people);

// Reads a just-started server's standard output until `listening` matches
// (30 s at most) and returns the match's first capture (its URL or port);
// throws with what the server printed if it stopped or never said so.
QString waitUntilListening(QProcess &process, const QRegularExpression &listening);

} // namespace guichet::bench
