#pragma once

#include "rules/structures/structures.h"

#include <QDialog>
#include <QList>
#include <QPair>

#include <optional>

class QLabel;
class QLineEdit;
class QPushButton;
class QTableView;

namespace guichet {

struct Session;
class StructureSearchModel;

// « Demander un rattachement », first step (guide slide 10): find the structure
// by raison sociale, SIRET, libellé, postal code or city (`*` widens), tick it in
// the « Sélection » column and « Sélectionner ». The results can be exported
// (CSV); when nothing matches, the structure can be created.
class StructureSearchDialog : public QDialog
{
    Q_OBJECT

public:
    explicit StructureSearchDialog(Session &session, QWidget *parent = nullptr);
    ~StructureSearchDialog() override;

    QLineEdit *criterion(const QString &name) const;
    QPushButton *searchButton() const { return m_search; }
    QPushButton *selectButton() const { return m_select; }
    QPushButton *exportButton() const { return m_export; }
    QPushButton *createButton() const { return m_create; }
    QTableView *resultsView() const { return m_view; }
    // « Search *term* »: shown when a search without stars found nothing.
    QPushButton *widenButton() const { return m_widen; }
    StructureSearchModel *model() const { return m_model; }

    // The chosen structure once « Sélectionner » was clicked.
    std::optional<StructureRow> selectedStructure() const { return m_selected; }
    // The structure created from here (its creator is its principal manager).
    qint64 createdStructureId() const { return m_created; }

    // Writes every result (not only the loaded rows) to a CSV file; false when
    // cancelled or failed (the user was told why).
    bool exportCsv(const QString &path);

private:
    void search();
    void showCount();
    void select();
    void chooseExportFile();
    void createStructure();
    void updateButtons();
    std::optional<StructureRow> candidate() const;
    StructureCriteria criteria() const;
    // The name, label and city fields typed without a star, each as *term*; empty when none.
    QList<QPair<QLineEdit *, QString>> widened() const;
    void widen();

    Session &m_session;
    QLineEdit *m_raisonSociale;
    QLineEdit *m_siret;
    QLineEdit *m_libelle;
    QLineEdit *m_codePostal;
    QLineEdit *m_ville;
    QPushButton *m_search;
    QLabel *m_count;
    QPushButton *m_widen;
    QTableView *m_view;
    StructureSearchModel *m_model;
    QPushButton *m_select;
    QPushButton *m_export;
    QPushButton *m_create;
    bool m_searched = false;
    std::optional<StructureRow> m_selected;
    qint64 m_created = 0;
    qint64 m_exported = 0; // rows the last export wrote
};

} // namespace guichet
