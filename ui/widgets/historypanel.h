#pragma once

#include <QList>
#include <QString>
#include <QWidget>

#include <utility>

class QCheckBox;
class QComboBox;
class QDateEdit;
class QPushButton;
class QTableView;

namespace guichet {

class AuditEntryModel;
struct Session;

// The one history view of the desktop: the manager's « Historique » and
// support's « Journal ». Audit entries as sentences (AuditRenderer), newest
// first, filtered by person, structure (support only), kind of action and
// dates, exported to CSV with the same sentences.
class HistoryPanel : public QWidget
{
    Q_OBJECT

public:
    enum class Scope {
        OneStructure, // the manager's: the page chooses the structure
        AllStructures, // support's: a structure filter over every structure
    };

    HistoryPanel(Session &session, Scope scope, const QString &settingsKey, QWidget *parent = nullptr);
    ~HistoryPanel() override;

    // OneStructure: the structure shown (0: none chosen, nothing listed) and its name.
    void setStructure(qint64 structureId, const QString &name);
    // OneStructure: several structures at once (« all my structures ») and what to call them.
    void setStructures(const QList<qint64> &structureIds, const QString &name);
    // AllStructures: the structures the filter offers, as (id, label).
    void setStructureChoices(const QList<std::pair<qint64, QString>> &structures);
    // Reads the entries again (after a change) keeping the filters.
    void reload();

    AuditEntryModel *model() const { return m_model; }
    QTableView *table() const { return m_table; }
    QComboBox *personFilter() const { return m_person; }
    QComboBox *structureFilter() const { return m_structure; }
    QComboBox *kindFilter() const { return m_kind; }
    QCheckBox *datesFilter() const { return m_dates; }
    QDateEdit *fromDate() const { return m_from; }
    QDateEdit *toDate() const { return m_to; }
    QPushButton *exportButton() const { return m_export; }

    // The settings key of the folder history exports last went to.
    static QString exportFolderKey();

private:
    void reloadPeople();
    void applyFilter();
    void updateEmptyText();
    void exportCsv();

    Session &m_session;
    Scope m_scope;
    QString m_settingsKey;
    QList<qint64> m_structureIds; // OneStructure: the structures shown
    QString m_structureName;
    AuditEntryModel *m_model;
    QTableView *m_table;
    QComboBox *m_person;
    QComboBox *m_structure;
    QComboBox *m_kind;
    QCheckBox *m_dates;
    QDateEdit *m_from;
    QDateEdit *m_to;
    QPushButton *m_export;
};

} // namespace guichet
