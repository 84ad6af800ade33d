#pragma once

#include <QWidget>

class QLabel;
class QPushButton;
class QSortFilterProxyModel;
class QTableView;

namespace guichet {

struct Session;
class MessageBar;
class SubscriptionModel;

// « Mes abonnements aux espaces »: the spaces the user is subscribed to or
// waiting for, with « Supprimer » (the current row), « Supprimer les abonnements
// cochés » and « Ajouter un abonnement ». A removal a manager must decide
// shows as « Suppression demandée », and « Retirer la demande de suppression »
// takes it back.
class SubscriptionsSection : public QWidget
{
    Q_OBJECT

public:
    explicit SubscriptionsSection(Session &session, QWidget *parent = nullptr);
    ~SubscriptionsSection() override;

    QTableView *table() const { return m_table; }
    SubscriptionModel *model() const { return m_model; }
    QPushButton *deleteButton() const { return m_delete; }
    QPushButton *deleteCheckedButton() const { return m_deleteChecked; }
    QPushButton *addButton() const { return m_add; }
    QPushButton *withdrawRemovalButton() const { return m_withdrawRemoval; }
    // The section's message bar tells each outcome (e.g. the status of a new
    // request); notice() is its text, empty when it is hidden.
    QString notice() const;
    MessageBar *messageBar() const;
    // The structures where the user may add or remove « Factures émises »
    // themselves (Spaces::selfServiceStructures), or empty when there is none.
    QString selfServiceNotice() const;

    void reload();
    void deleteCurrent();
    void deleteChecked();
    void addSubscription();
    // The checked rows whose removal was asked, else the current one.
    void withdrawRemoval();

private:
    void remove(const QList<qint64> &ids);
    void updateButtons();
    QList<qint64> removalsToWithdraw() const;
    void updateSelfServiceNotice();

    Session &m_session;
    SubscriptionModel *m_model;
    QSortFilterProxyModel *m_proxy;
    QTableView *m_table;
    QPushButton *m_delete;
    QPushButton *m_deleteChecked;
    QPushButton *m_add;
    QPushButton *m_withdrawRemoval;
    MessageBar *m_messages;
    QLabel *m_selfService;
};

} // namespace guichet
