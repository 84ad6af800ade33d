#include "ui/sync/syncstatus.h"

#include <QLocale>

namespace guichet {

SyncStatusButton::SyncStatusButton(QWidget *parent)
    : QToolButton(parent)
{
    setObjectName(QStringLiteral("syncStatus"));
    setAutoRaise(true);
    setToolButtonStyle(Qt::ToolButtonTextOnly);
    setFocusPolicy(Qt::TabFocus);
    setToolTip(tr("Show the changes waiting to be sent and those the server refused."));
    setAccessibleName(tr("Synchronisation status"));
    setState(m_state);
}

QString SyncStatusButton::statusText(const SyncState &state)
{
    QString main;
    if (!state.online)
        main = tr("Offline — changes will be sent when the server is back");
    else if (!state.lastError.isEmpty())
        main = tr("Synchronisation error: %1").arg(state.lastError);
    else if (state.firstSyncRows >= 0 && state.firstSyncTotal >= 0)
        main = tr("First synchronisation: %1 / %n row(s) received", nullptr, state.firstSyncTotal)
                   .arg(state.firstSyncRows);
    else if (state.firstSyncRows >= 0)
        main = tr("First synchronisation: %n row(s) received", nullptr, state.firstSyncRows);
    else if (state.pending > 0)
        main = tr("%n change(s) waiting", nullptr, state.pending);
    else if (state.lastSyncAt.isValid())
        main = tr("Synchronised at %1")
                   .arg(QLocale().toString(state.lastSyncAt.toLocalTime().time(), QStringLiteral("HH:mm")));
    else
        main = tr("Synchronising…");
    const bool firstSyncShown = state.online && state.lastError.isEmpty() && state.firstSyncRows >= 0;
    if ((!state.online || firstSyncShown) && state.pending > 0)
        main += QStringLiteral(" · ") + tr("%n change(s) waiting", nullptr, state.pending);
    if (state.refused > 0)
        main += QStringLiteral(" · ") + tr("%n change(s) refused by the server", nullptr, state.refused);
    return main;
}

void SyncStatusButton::setState(const SyncState &state)
{
    m_state = state;
    setText(statusText(state));
    // A refusal or an error needs the user's eye; waiting does not.
    const bool alert = state.refused > 0 || !state.lastError.isEmpty();
    setProperty("alert", alert);
    QFont f = font();
    f.setBold(alert);
    setFont(f);
}

} // namespace guichet
