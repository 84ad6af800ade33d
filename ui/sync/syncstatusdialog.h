#pragma once

#include "ui/sync/syncstatus.h"

#include <QDialog>
#include <QList>

#include <functional>

class QLabel;
class QPlainTextEdit;
class QPushButton;
class QTableView;

namespace guichet {

class RecordTableModel;

// « État de la synchronisation »: where the synchronisation stands, the
// changes waiting to be sent (in the order they will be sent) and the ones the
// server refused, with its reason and the values the user typed, so that
// nothing typed is lost; « Delete » discards a refused change.
class SyncStatusDialog : public QDialog
{
    Q_OBJECT

public:
    // The outbox as it is now (oldest first).
    using Load = std::function<QList<OutboxEntry>()>;
    // Discards the refused command `seq`; false when it could not be.
    using Discard = std::function<bool(qint64 seq)>;

    SyncStatusDialog(const SyncState &state, Load load, Discard discard, QWidget *parent = nullptr);
    ~SyncStatusDialog() override;

    QLabel *summaryLabel() const { return m_summary; }
    QTableView *pendingView() const { return m_pendingView; }
    QTableView *refusedView() const { return m_refusedView; }
    RecordTableModel *pendingModel() const { return m_pending; }
    RecordTableModel *refusedModel() const { return m_refused; }
    QPlainTextEdit *detailsView() const { return m_details; }
    QPushButton *deleteButton() const { return m_delete; }

    void setState(const SyncState &state);
    void reload();

private:
    void showDetails(QTableView *view, RecordTableModel *model);
    void discardCurrent();

    Load m_load;
    Discard m_discard;
    QLabel *m_summary;
    RecordTableModel *m_pending;
    RecordTableModel *m_refused;
    QTableView *m_pendingView;
    QTableView *m_refusedView;
    QPlainTextEdit *m_details;
    QPushButton *m_delete;
};

} // namespace guichet
