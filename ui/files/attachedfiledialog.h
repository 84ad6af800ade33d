#pragma once

#include "rules/files/attachedfiles.h"
#include "ui/widgets/formfeedback.h"

#include <QDialog>

class QComboBox;
class QLabel;
class QLineEdit;
class QPushButton;

namespace guichet {

struct Session;

// « Gérer pièces jointes »: « Parcourir » picks a file (4 MB at most, refused
// from its size before it is read), « Désignation » (the file's name by
// default), the type from the fixed list, then « Ajouter » sends addFile.
// Given an existing file's record, it is « Éditer »: designation and type, and
// optionally a new content (updateFile).
class AttachedFileDialog : public QDialog
{
    Q_OBJECT

public:
    // file: a default one (id 0) to add a file, else the file to edit.
    explicit AttachedFileDialog(Session &session, const AttachedFileInfo &file = {},
                                QWidget *parent = nullptr);
    // The server was unreachable: the change waits in the outbox (QueuedChange).
    bool queued() const { return m_queued; }

    bool isEditing() const { return m_fileId != 0; }
    QPushButton *browseButton() const { return m_browse; }
    QLineEdit *fileEdit() const { return m_file; }
    QLineEdit *designationEdit() const { return m_designation; }
    QComboBox *typeCombo() const { return m_type; }
    QPushButton *submitButton() const { return m_submit; }
    QString errorText() const;
    QStringList highlightedFields() const { return m_feedback.highlightedFields(); }
    // Selects a type by its code, as choosing it in the list does.
    void selectType(const QString &code);

private:
    void browse();
    void submit();

    Session &m_session;
    qint64 m_fileId = 0;
    QString m_path;
    QString m_defaultDesignation;
    QLineEdit *m_file;
    QPushButton *m_browse;
    QLineEdit *m_designation;
    QComboBox *m_type;
    QPushButton *m_submit;
    QLabel *m_error;
    FormFeedback m_feedback;
    bool m_queued = false;
};

} // namespace guichet
