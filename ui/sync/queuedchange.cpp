#include "ui/sync/queuedchange.h"

#include "ui/widgets/dialogs.h"

namespace guichet {

bool QueuedChange::isQueued(const CommandResult &result)
{
    return result.ok() && result.data.value(QStringLiteral("queued")).toBool();
}

QString QueuedChange::message()
{
    return tr("The server cannot be reached right now: your change is kept on this computer and will be "
              "sent when the server is reachable. The status bar shows the changes waiting.");
}

bool QueuedChange::tell(QWidget *parent, const QString &title, const CommandResult &result)
{
    if (!isQueued(result))
        return false;
    Dialogs::information(parent, title, message());
    return true;
}

} // namespace guichet
