#pragma once

#include "rules/structures/structures.h"
#include "ui/widgets/formfeedback.h"

#include <QDialog>
#include <QList>

class QCheckBox;
class QDateEdit;
class QGroupBox;
class QLabel;
class QPushButton;
class QRadioButton;

namespace guichet {

struct Session;

// « Demander un rattachement », second step (guide slide 11): the chosen
// structure, the validity dates and either the whole structure (« Rattacher à la
// structure ») or some of its active services. « Valider » sends the request to
// the structure's principal manager.
class AttachmentRequestDialog : public QDialog
{
    Q_OBJECT

public:
    AttachmentRequestDialog(Session &session, const StructureRow &structure, QWidget *parent = nullptr);
    // The server was unreachable: the change waits in the outbox (QueuedChange).
    bool queued() const { return m_queued; }

    QDateEdit *validFromEdit() const { return m_validFrom; }
    QDateEdit *validUntilEdit() const { return m_validUntil; }
    QCheckBox *noEndDateBox() const { return m_noEndDate; }
    QRadioButton *wholeStructureButton() const { return m_whole; }
    QRadioButton *someServicesButton() const { return m_some; }
    QList<QCheckBox *> serviceBoxes() const { return m_serviceBoxes; }
    QPushButton *validateButton() const { return m_validate; }
    QString errorText() const;
    qint64 attachmentId() const { return m_attachmentId; }
    // The structure has no principal manager: the request (role principal)
    // goes to support, who decides it (the answer's data "role").
    bool decidedBySupport() const { return m_decidedBySupport; }

private:
    void validate();
    void updateServices();

    Session &m_session;
    StructureRow m_structure;
    QDateEdit *m_validFrom;
    QDateEdit *m_validUntil;
    QCheckBox *m_noEndDate;
    QRadioButton *m_whole;
    QRadioButton *m_some;
    QGroupBox *m_servicesBox;
    QList<QCheckBox *> m_serviceBoxes;
    QList<qint64> m_serviceIds;
    QLabel *m_error;
    QPushButton *m_validate = nullptr;
    FormFeedback m_feedback;
    qint64 m_attachmentId = 0;
    bool m_queued = false;
    bool m_decidedBySupport = false;
};

} // namespace guichet
