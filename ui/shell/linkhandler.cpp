#include "ui/shell/linkhandler.h"

#include "ui/widgets/dialogs.h"

namespace guichet {

LinkHandler::LinkHandler(QObject *parent)
    : QObject(parent)
{
}

void LinkHandler::setHandler(GuichetLink::Action action, Handler handler)
{
    m_handlers.insert(int(action), std::move(handler));
}

void LinkHandler::setServerProvider(ServerProvider provider)
{
    m_server = std::move(provider);
}

void LinkHandler::setWindowProvider(WindowProvider provider)
{
    m_window = std::move(provider);
}

bool LinkHandler::open(const QString &text)
{
    QString error;
    const std::optional<GuichetLink> link = GuichetLink::parse(text, &error);
    if (!link) {
        refuse(tr("This link cannot be opened. %1").arg(error));
        return false;
    }
    const Handler handler = m_handlers.value(int(link->action()));
    if (!handler) {
        refuse(tr("This version of Guichet cannot open « %1 » links.")
                   .arg(GuichetLink::actionName(link->action())));
        return false;
    }
    // A link without a server belongs to whichever database Guichet uses.
    if (link->hasServer()) {
        const QUrl current = m_server ? m_server() : QUrl();
        if (current.isEmpty() || !GuichetLink::sameServer(link->server(), current)) {
            const QString here = current.isEmpty()
                ? tr("this computer's database (standalone mode)")
                : tr("the server %1").arg(GuichetLink::serverLabel(current));
            refuse(
                tr("This link belongs to the server %1, but Guichet is set to %2: it was not opened. Open it "
                   "in a Guichet that uses %1.")
                    .arg(GuichetLink::serverLabel(link->server()), here));
            return false;
        }
    }
    handler(*link);
    return true;
}

void LinkHandler::refuse(const QString &message)
{
    Dialogs::warning(m_window ? m_window() : nullptr, tr("Guichet link"), message);
}

} // namespace guichet
