#pragma once

#include "ui/manager/managercommanddialog.h"

class QCheckBox;
class QComboBox;
class QDateEdit;
class QListWidget;

namespace guichet {

// « Rattacher un utilisateur »: a manager attaches a user found by the user
// search to the structure, with a role, a validity and the whole structure or
// some of its services (ManagerActivity::attachUser). On a refusal the dialog
// stays open with everything kept and the field at fault named.
class AttachUserDialog : public ManagerCommandDialog
{
    Q_OBJECT

public:
    AttachUserDialog(Session &session, qint64 structureId, qint64 userId, const QString &userLabel,
                     QWidget *parent = nullptr);

    QComboBox *roleBox() const { return m_role; }
    QCheckBox *wholeStructureBox() const { return m_whole; }
    QListWidget *servicesList() const { return m_services; }

private:
    void submit() override;

    qint64 m_structureId;
    qint64 m_userId;
    QComboBox *m_role;
    QDateEdit *m_from;
    QCheckBox *m_hasUntil;
    QDateEdit *m_until;
    QCheckBox *m_whole;
    QListWidget *m_services;
};

} // namespace guichet
