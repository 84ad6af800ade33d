#pragma once

#include "rules/structures/structures.h"
#include "ui/widgets/formfeedback.h"

#include <QDialog>

class QLabel;
class QLineEdit;
class QPushButton;

namespace guichet {

struct Session;

// « Créer la structure » when the search found nothing, and the structure's
// record behind « Consulter / modifier la structure » (structureId != 0): its
// fields are editable only by those core lets manage it (Structures::mayManage)
// and saved with updateStructure. The SIRET is checked with core's rules before
// anything is sent; core checks everything again.
class StructureCreateDialog : public QDialog
{
    Q_OBJECT

public:
    explicit StructureCreateDialog(Session &session, qint64 structureId = 0, QWidget *parent = nullptr);
    // The server was unreachable: the change waits in the outbox (QueuedChange).
    bool queued() const { return m_queued; }

    void setInput(const StructureInput &input);
    StructureInput input() const;
    bool isEditable() const { return m_editable; }
    // The structure created (or shown).
    qint64 structureId() const { return m_structureId; }
    QLineEdit *field(const QString &name) const;
    QPushButton *validateButton() const { return m_validate; }
    QString errorText() const;

private:
    void validate();

    Session &m_session;
    qint64 m_structureId;
    bool m_editable = true;
    QLineEdit *m_siret;
    QLineEdit *m_raisonSociale;
    QLineEdit *m_libelle;
    QLineEdit *m_adresse;
    QLineEdit *m_codePostal;
    QLineEdit *m_ville;
    QLabel *m_error;
    QPushButton *m_validate = nullptr;
    FormFeedback m_feedback;
    bool m_queued = false;
};

} // namespace guichet
