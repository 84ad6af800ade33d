#pragma once

#include "rules/manager/manageractivity.h"
#include "ui/manager/managercommanddialog.h"

#include <QHash>

class QCheckBox;
class QComboBox;
class QDateEdit;
class QListWidget;

namespace guichet {

// « Rattacher à plusieurs structures »: a manager attaches one user to several
// of the structures they manage at once, each for the whole structure or for
// the services checked for it (ManagerActivity::attachUserToStructures). Only
// the structures the caller may manage are listed, the current one checked;
// the services list shows those of the structure selected in it. All or nothing: on a refusal the
// dialog stays open, everything kept, with the structure at fault named.
class AttachToStructuresDialog : public ManagerCommandDialog
{
    Q_OBJECT

public:
    AttachToStructuresDialog(Session &session, qint64 userId, const QString &userLabel,
                             const QList<ManagedStructure> &structures, qint64 currentStructureId,
                             QWidget *parent = nullptr);

    QListWidget *structuresList() const { return m_structures; }
    // The active services of the structure selected in structuresList().
    QListWidget *servicesList() const { return m_services; }
    QComboBox *roleBox() const { return m_role; }
    QDateEdit *fromEdit() const { return m_from; }
    QCheckBox *untilBox() const { return m_hasUntil; }
    QDateEdit *untilEdit() const { return m_until; }
    QPushButton *attachButton() const { return acceptButton(); }
    // How many attachments the accepted command made.
    int attached() const { return m_attached; }

private:
    void submit() override;
    void showServices();

    qint64 m_userId;
    QListWidget *m_structures;
    QListWidget *m_services;
    // The services checked per structure; none: the whole structure.
    QHash<qint64, QList<qint64>> m_chosenServices;
    QComboBox *m_role;
    QDateEdit *m_from;
    QCheckBox *m_hasUntil;
    QDateEdit *m_until;
    int m_attached = 0;
};

} // namespace guichet
