#pragma once

#include "rules/manager/manageractivity.h"
#include "ui/manager/managercommanddialog.h"

class QCheckBox;
class QComboBox;
class QDateEdit;
class QListWidget;

namespace guichet {

// « Gérer les abonnements en masse »: a manager subscribes several users of
// the structure to a space at once, without a prior request
// (Subscriptions::subscribeUsers). Lists the structure's users with a current
// validated attachment; the rows cover each user's attachment (the whole
// structure or its services). All or nothing: on a refusal the dialog stays
// open with everything kept and the field at fault named.
class BulkSubscriptionDialog : public ManagerCommandDialog
{
    Q_OBJECT

public:
    BulkSubscriptionDialog(Session &session, qint64 structureId, const QString &structureName,
                           const QList<StructureUser> &users, QWidget *parent = nullptr);

    QListWidget *usersList() const { return m_users; }
    QCheckBox *allBox() const { return m_all; }
    QComboBox *spaceBox() const { return m_space; }
    QCheckBox *modificationBox() const { return m_modification; }
    QCheckBox *consultationBox() const { return m_consultation; }
    QDateEdit *effectiveDateEdit() const { return m_date; }
    QPushButton *subscribeButton() const { return acceptButton(); }
    // Once accepted: the rows created and the users who got one.
    int created() const { return m_created; }
    int subscribedUsers() const { return m_subscribedUsers; }

private:
    void submit() override;

    qint64 m_structureId;
    QListWidget *m_users;
    QCheckBox *m_all;
    QComboBox *m_space;
    QCheckBox *m_modification;
    QCheckBox *m_consultation;
    QDateEdit *m_date;
    int m_created = 0;
    int m_subscribedUsers = 0;
};

} // namespace guichet
