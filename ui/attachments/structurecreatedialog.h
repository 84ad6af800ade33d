#pragma once

#include "rules/structures/structures.h"
#include "ui/widgets/formfeedback.h"

#include <QDialog>

class QCheckBox;
class QComboBox;
class QGroupBox;
class QLabel;
class QLineEdit;
class QPushButton;
class QRadioButton;
class QTableWidget;

namespace guichet {

struct Session;

// « Créer une fiche structure » when the search found nothing, and the
// structure's record behind « Consulter / modifier la structure »
// (structureId != 0): its fields are editable only by those core lets manage
// it (Structures::mayManage) and saved with updateStructure.
//
// The identifier is a SIRET or, for an entity without one, the identifier of
// its type (kernel/structureidentifier.h). Creating also asks for the
// services, the bank details, the principal manager (the creator or an active
// user found with the « Loupe ») and the spaces set at structure level. The
// bank details are shown to the structure's managers only (Structures::
// bankDetails). Everything is checked with core's rules before anything is
// sent; core checks everything again.
class StructureCreateDialog : public QDialog
{
    Q_OBJECT

public:
    explicit StructureCreateDialog(Session &session, qint64 structureId = 0, QWidget *parent = nullptr);
    // The server was unreachable: the change waits in the outbox (QueuedChange).
    bool queued() const { return m_queued; }

    void setInput(const StructureInput &input);
    StructureInput input() const;
    // What « Créer la structure » sends (creation only).
    NewStructure newStructure() const;
    bool isEditable() const { return m_editable; }
    // The structure created (or shown).
    qint64 structureId() const { return m_structureId; }
    // A line edit by its field name (siret, raisonSociale, …, iban, bic).
    QLineEdit *field(const QString &name) const;
    QComboBox *identifierTypeBox() const { return m_type; }
    void setIdentifierType(const QString &code);
    // Whether the bank details are shown (creation, or a manager of the structure).
    bool showsBankDetails() const;
    // Creation only: the services table and its buttons.
    QTableWidget *servicesTable() const { return m_services; }
    QPushButton *addServiceButton() const { return m_addService; }
    void addService(const QString &code, const QString &name);
    // Creation only: the principal manager, the creator or someone else.
    QRadioButton *principalSelfButton() const { return m_principalSelf; }
    QRadioButton *principalOtherButton() const { return m_principalOther; }
    QPushButton *choosePrincipalButton() const { return m_choosePrincipal; }
    // What « Choisir… » sets from the « Loupe » (tests set it directly).
    void setPrincipal(qint64 userId, const QString &label);
    // Creation only: the checkbox of a space of the catalogue, by its code.
    QCheckBox *spaceBox(const QString &code) const;
    QPushButton *validateButton() const { return m_validate; }
    QString errorText() const;

private:
    QWidget *buildCreationPart();
    void identifierTypeChanged();
    void choosePrincipal();
    void validate();

    Session &m_session;
    qint64 m_structureId;
    bool m_editable = true;
    QComboBox *m_type;
    QLabel *m_siretLabel = nullptr;
    QLineEdit *m_siret;
    QLineEdit *m_raisonSociale;
    QLineEdit *m_libelle;
    QLineEdit *m_adresse;
    QLineEdit *m_codePostal;
    QLineEdit *m_ville;
    QGroupBox *m_bankBox = nullptr;
    QLineEdit *m_iban = nullptr;
    QLineEdit *m_bic = nullptr;
    QTableWidget *m_services = nullptr;
    QPushButton *m_addService = nullptr;
    QPushButton *m_removeService = nullptr;
    QRadioButton *m_principalSelf = nullptr;
    QRadioButton *m_principalOther = nullptr;
    QPushButton *m_choosePrincipal = nullptr;
    QLabel *m_principalLabel = nullptr;
    qint64 m_principalId = 0;
    QList<QCheckBox *> m_spaces;
    QLabel *m_error;
    QPushButton *m_validate = nullptr;
    FormFeedback m_feedback;
    bool m_queued = false;
};

} // namespace guichet
