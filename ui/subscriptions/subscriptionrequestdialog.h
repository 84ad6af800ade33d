#pragma once

#include "ui/widgets/formfeedback.h"

#include <QDialog>
#include <QList>
#include <QStringList>

class QCheckBox;
class QComboBox;
class QDateEdit;
class QLabel;
class QLineEdit;
class QPushButton;
class QTableWidget;

namespace guichet {

struct Session;

// « Ajouter un abonnement »: the structure and the space (both required), then
// the services the user may request, listed as soon as both are chosen (the
// default service, i.e. the whole structure, first), each with « modification »
// and « consultation »; the « Détails » block (effective date, comment).
// « Valider » sends requestSubscription; a refusal stays in the dialog, in red.
class SubscriptionRequestDialog : public QDialog
{
    Q_OBJECT

public:
    explicit SubscriptionRequestDialog(Session &session, QWidget *parent = nullptr);
    // The server was unreachable: the change waits in the outbox (QueuedChange).
    bool queued() const { return m_queued; }

    QComboBox *structureCombo() const { return m_structure; }
    QComboBox *spaceCombo() const { return m_space; }
    QTableWidget *servicesTable() const { return m_services; }
    QCheckBox *modificationBox(int row) const;
    QCheckBox *consultationBox(int row) const;
    QDateEdit *effectiveDateEdit() const { return m_effectiveDate; }
    QLineEdit *commentEdit() const { return m_comment; }
    QPushButton *validateButton() const { return m_validate; }
    QString errorText() const;
    QStringList highlightedFields() const { return m_feedback.highlightedFields(); }

    // After « Valider »: the status of each row created ('validated' / 'pending').
    QStringList statuses() const { return m_statuses; }
    // The guide's explanation of that status, for the section to show.
    QString statusMessage() const;

private:
    void loadStructures();
    void listServices();
    void validate();

    Session &m_session;
    QComboBox *m_structure;
    QComboBox *m_space;
    QTableWidget *m_services;
    QLabel *m_servicesHint;
    QDateEdit *m_effectiveDate;
    QLineEdit *m_comment;
    QPushButton *m_validate;
    QLabel *m_error;
    FormFeedback m_feedback;
    QList<qint64> m_serviceIds;
    QStringList m_statuses;
    bool m_queued = false;
};

} // namespace guichet
