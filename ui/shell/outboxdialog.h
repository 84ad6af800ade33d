#pragma once

#include <QDialog>

class QLabel;
class QPlainTextEdit;
class QSortFilterProxyModel;
class QTableView;

namespace guichet {

class OutboxModel;
struct Session;

// The standalone mode's local outbox: the mails Guichet queued (newest first:
// date, recipient, subject, sent or pending) and, below, the selected mail's
// text, read-only but selectable so that a reactivation code can be copied.
class OutboxDialog : public QDialog
{
    Q_OBJECT

public:
    explicit OutboxDialog(Session &session, QWidget *parent = nullptr);
    ~OutboxDialog() override;

    QTableView *table() const { return m_table; }
    QPlainTextEdit *bodyView() const { return m_body; }
    OutboxModel *model() const { return m_model; }
    // The mail shown on a row of the view (as sorted), empty when none.
    QString subjectAt(int viewRow) const;
    void selectRow(int viewRow);

    void reload();

private:
    void showSelected();

    Session &m_session;
    OutboxModel *m_model;
    QSortFilterProxyModel *m_proxy;
    QTableView *m_table;
    QPlainTextEdit *m_body;
    QLabel *m_empty;
};

} // namespace guichet
