#pragma once

#include "rules/accounts/accounts.h"
#include "ui/widgets/formfeedback.h"

#include <QDialog>
#include <QList>

class QLabel;
class QLineEdit;
class QPushButton;
class QRadioButton;
class QTableWidget;

namespace guichet {

struct Session;

// A structure the leaving principal manager manages.
struct StructureChoice
{
    qint64 id = 0;
    QString siret;
    QString raisonSociale;
};

// « Désigner un nouveau gestionnaire principal »: the structures where the user
// is principal manager, and either one successor for all or one per structure,
// each found with the magnifier (« Loupe ») by name, postal address or e-mail.
class SuccessorDialog : public QDialog
{
    Q_OBJECT

public:
    SuccessorDialog(Session &session, const QList<StructureChoice> &structures, QWidget *parent = nullptr);

    QRadioButton *sameForAllButton() const { return m_sameForAll; }
    QRadioButton *perStructureButton() const { return m_perStructure; }
    // The magnifier of a structure's row, or of the "same for all" line (row -1).
    QPushButton *magnifier(int row) const;
    QPushButton *validateButton() const { return m_validate; }
    QString errorText() const;

    // Records a choice as the magnifier does (row -1: the same for all).
    void designate(int row, qint64 userId, const QString &label);
    // The successors chosen: one for all, or one per structure (only those chosen).
    Successors successors() const;

    // The structures where userId is principal manager today.
    static QList<StructureChoice> principalStructures(Session &session, qint64 userId);

private:
    void search(int row);
    void validate();
    void updateMode();

    Session &m_session;
    QList<StructureChoice> m_structures;
    QRadioButton *m_sameForAll;
    QRadioButton *m_perStructure;
    QLineEdit *m_allEdit;
    QPushButton *m_allMagnifier;
    QTableWidget *m_table;
    QList<QPushButton *> m_magnifiers;
    QPushButton *m_validate;
    QLabel *m_error;
    FormFeedback m_feedback;
    qint64 m_forAll = 0;
    QList<qint64> m_perStructureIds;
};

} // namespace guichet
