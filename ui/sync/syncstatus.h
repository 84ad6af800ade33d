#pragma once

#include <QDateTime>
#include <QJsonObject>
#include <QString>
#include <QToolButton>

namespace guichet {

// What the connected desktop knows about its synchronisation with guichetd:
// from the sync client (online, last sync, last error) and the outbox
// (commands waiting, commands the server refused).
struct SyncState
{
    bool online = true;
    QDateTime lastSyncAt; // invalid until a first sync
    QString lastError;
    int pending = 0;
    int refused = 0;
    int firstSyncRows = -1; // rows received so far while a first sync runs; -1 otherwise
    int firstSyncTotal = -1; // rows the whole first sync brings, when the server said; -1 otherwise
};

// One command of the connected outbox, as SyncStatusDialog shows it.
struct OutboxEntry
{
    qint64 seq = 0;
    QString name;
    QJsonObject args; // what the user typed
    QDateTime createdAt;
    bool refused = false;
    QString reason; // the server's message, when refused
};

// The main window's status bar in connected mode: always says where the
// synchronisation stands (« Synchronised at 14:05 », « 2 changes waiting »,
// offline, errors, refused changes); a click opens SyncStatusDialog.
class SyncStatusButton : public QToolButton
{
    Q_OBJECT

public:
    explicit SyncStatusButton(QWidget *parent = nullptr);

    // The status bar's text for a state.
    static QString statusText(const SyncState &state);

    void setState(const SyncState &state);
    const SyncState &state() const { return m_state; }

private:
    SyncState m_state;
};

} // namespace guichet
