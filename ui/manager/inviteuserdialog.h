#pragma once

#include "ui/widgets/formfeedback.h"

#include <QDialog>

class QCheckBox;
class QComboBox;
class QLabel;
class QLineEdit;
class QListWidget;
class QPushButton;

namespace guichet {

struct Session;

// « Inviter un utilisateur »: a manager of the structure gives an e-mail
// address, the role and the services (ManagerActivity::inviteUser). An active
// account is attached at once; any other address is invited and attached
// once its account is activated. The dialog stays open on a refusal with
// everything typed kept, and is accepted with the answer's message.
class InviteUserDialog : public QDialog
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
    QPushButton *inviteButton() const { return m_invite; }
    QString errorText() const;
    // The answer's message once accepted.
    QString message() const { return m_message; }

private:
    void invite();

    Session &m_session;
    qint64 m_structureId;
    QLineEdit *m_email;
    QComboBox *m_role;
    QComboBox *m_language;
    QCheckBox *m_whole;
    QListWidget *m_services;
    QLabel *m_error;
    QPushButton *m_invite = nullptr;
    FormFeedback m_feedback;
    QString m_message;
};

} // namespace guichet
