#pragma once

#include "ui/manager/managercommanddialog.h"

class QCheckBox;
class QComboBox;
class QLineEdit;
class QListWidget;

namespace guichet {

// « Inviter un utilisateur »: a manager of the structure gives an e-mail
// address, the role and the services (ManagerActivity::inviteUser). An active
// account is attached at once; any other address is invited and attached
// once its account is activated. The dialog stays open on a refusal with
// everything typed kept, and is accepted with the answer's message.
class InviteUserDialog : public ManagerCommandDialog
{
    Q_OBJECT

public:
    InviteUserDialog(Session &session, qint64 structureId, const QString &structureName,
                     QWidget *parent = nullptr);

    QLineEdit *emailEdit() const { return m_email; }
    QComboBox *roleBox() const { return m_role; }
    QComboBox *languageBox() const { return m_language; }
    QCheckBox *wholeStructureBox() const { return m_whole; }
    QListWidget *servicesList() const { return m_services; }
    QPushButton *inviteButton() const { return acceptButton(); }
    // The answer's message once accepted.
    QString message() const { return m_message; }

private:
    void submit() override;

    qint64 m_structureId;
    QLineEdit *m_email;
    QComboBox *m_role;
    QComboBox *m_language;
    QCheckBox *m_whole;
    QListWidget *m_services;
    QString m_message;
};

} // namespace guichet
