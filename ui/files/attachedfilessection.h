#pragma once

#include <QWidget>

class QPushButton;
class QSortFilterProxyModel;
class QTableView;

namespace guichet {

struct AttachedFileInfo;
struct Session;
class AttachedFileModel;
class MessageBar;

// « Mes pièces jointes »: the user's own files, with « Éditer », « Télécharger »,
// « Supprimer » (the current row), « Télécharger » and « Supprimer » of the
// checked rows, and « Gérer pièces jointes » to add one.
class AttachedFilesSection : public QWidget
{
    Q_OBJECT

public:
    explicit AttachedFilesSection(Session &session, QWidget *parent = nullptr);
    ~AttachedFilesSection() override;

    QTableView *table() const { return m_table; }
    AttachedFileModel *model() const { return m_model; }
    QPushButton *editButton() const { return m_edit; }
    QPushButton *downloadButton() const { return m_download; }
    QPushButton *deleteButton() const { return m_delete; }
    QPushButton *downloadCheckedButton() const { return m_downloadChecked; }
    QPushButton *deleteCheckedButton() const { return m_deleteChecked; }
    QPushButton *manageButton() const { return m_manage; }
    // The section's message bar tells each outcome (e.g. where files were
    // written); notice() is its text, empty when it is hidden.
    QString notice() const;
    MessageBar *messageBar() const;

    void reload();
    void editCurrent();
    void downloadCurrent();
    void deleteCurrent();
    void downloadChecked();
    void deleteChecked();
    void addFile();

private:
    // The file of the current row, or nullptr.
    const AttachedFileInfo *currentRecord() const;
    void remove(const QList<qint64> &ids);
    void updateButtons();
    QString lastFolder() const;
    void rememberFolder(const QString &folder);

    Session &m_session;
    AttachedFileModel *m_model;
    QSortFilterProxyModel *m_proxy;
    QTableView *m_table;
    QPushButton *m_edit;
    QPushButton *m_download;
    QPushButton *m_delete;
    QPushButton *m_downloadChecked;
    QPushButton *m_deleteChecked;
    QPushButton *m_manage;
    MessageBar *m_messages;
};

} // namespace guichet
