#pragma once

#include "kernel/guichetlink.h"

#include <QHash>
#include <QObject>
#include <QUrl>

#include <functional>

class QWidget;

namespace guichet {

// Opens the guichet:// links of the mails (GuichetLink): a malformed link, or
// one for another server than the one Guichet uses, is answered by a message
// naming what is wrong, and nothing else happens; a valid one goes to the
// handler of its action (the reactivation dialog; activation and invitation
// register theirs the same way).
class LinkHandler : public QObject
{
    Q_OBJECT

public:
    using Handler = std::function<void(const GuichetLink &link)>;
    // The server Guichet uses now (signed in to, or chosen in the sign-in
    // window); empty for this computer's database (standalone mode).
    using ServerProvider = std::function<QUrl()>;
    // The window the messages belong to.
    using WindowProvider = std::function<QWidget *()>;

    explicit LinkHandler(QObject *parent = nullptr);

    void setHandler(GuichetLink::Action action, Handler handler);
    void setServerProvider(ServerProvider provider);
    void setWindowProvider(WindowProvider provider);

    // Checks `text` and hands it to its action's handler; true when it did.
    bool open(const QString &text);

private:
    void refuse(const QString &message);

    QHash<int, Handler> m_handlers;
    ServerProvider m_server;
    WindowProvider m_window;
};

} // namespace guichet
