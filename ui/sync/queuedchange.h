#pragma once

#include "kernel/commandresult.h"

#include <QCoreApplication>

class QWidget;

namespace guichet {

// Connected mode: while guichetd is unreachable, the gateway keeps a change in
// the replica's outbox and answers success with data {"queued": true}. The
// screens then close as after a success, but say that the change waits, rather
// than that it was made.
class QueuedChange
{
    Q_DECLARE_TR_FUNCTIONS(guichet::QueuedChange)

public:
    static bool isQueued(const CommandResult &result);
    static QString message();
    // When `result` was queued, says so in a message box titled `title` and
    // returns true; otherwise returns false and shows nothing.
    static bool tell(QWidget *parent, const QString &title, const CommandResult &result);
};

} // namespace guichet
