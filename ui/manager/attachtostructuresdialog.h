#pragma once

#include "rules/manager/manageractivity.h"
#include "ui/widgets/formfeedback.h"

#include <QDialog>

class QCheckBox;
class QComboBox;
class QDateEdit;
class QLabel;
class QListWidget;
class QPushButton;

namespace guichet {

struct Session;

// « Rattacher à plusieurs structures »: a manager attaches one user to several
// of the structures they manage at once, each for the whole structure
// (ManagerActivity::attachUserToStructures). Only the structures the caller may
// manage are listed, the current one checked. All or nothing: on a refusal the
// dialog stays open, everything kept, with the structure at fault named.
class AttachToStructuresDialog : public QDialog
{
    Q_OBJECT

public:
    AttachToStructuresDialog(Session &session, qint64 userId, const QString &userLabel,
                             const QList<ManagedStructure> &structures, qint64 currentStructureId,
                             QWidget *parent = nullptr);

    QListWidget *structuresList() const { return m_structures; }
    QComboBox *roleBox() const { return m_role; }
    QDateEdit *fromEdit() const { return m_from; }
    QCheckBox *untilBox() const { return m_hasUntil; }
    QDateEdit *untilEdit() const { return m_until; }
    QPushButton *attachButton() const { return m_attach; }
    QString errorText() const;
    // How many attachments the accepted command made.
    int attached() const { return m_attached; }

private:
    void attach();

    Session &m_session;
    qint64 m_userId;
    QListWidget *m_structures;
    QComboBox *m_role;
    QDateEdit *m_from;
    QCheckBox *m_hasUntil;
    QDateEdit *m_until;
    QLabel *m_error;
    QPushButton *m_attach = nullptr;
    FormFeedback m_feedback;
    int m_attached = 0;
};

} // namespace guichet
