#pragma once

#include "ui/widgets/formfeedback.h"

#include <QDialog>

class QComboBox;
class QLabel;
class QLineEdit;
class QPlainTextEdit;
class QPushButton;

namespace guichet {

struct Session;

// A solicitation to support from someone who cannot sign in (e.g. an account
// deactivated more than 60 days ago): e-mail for the answer, category,
// subject and message (anonymous command createAnonymousSolicitation).
class SolicitationDialog : public QDialog
{
    Q_OBJECT

public:
    // category: the code preselected (Solicitations::categories()), e.g.
    // "reactivation" when opened from the reactivation dialog.
    SolicitationDialog(Session &session, const QString &email, const QString &category = {},
                       QWidget *parent = nullptr);

    QLineEdit *emailEdit() const { return m_email; }
    QComboBox *categoryBox() const { return m_category; }
    QLineEdit *subjectEdit() const { return m_subject; }
    QPlainTextEdit *messageEdit() const { return m_message; }
    QPushButton *validateButton() const { return m_validate; }
    QString errorText() const;
    QString categoryCode() const;
    // The solicitation created, 0 until then.
    qint64 solicitationId() const { return m_solicitationId; }

private:
    void validate();

    Session &m_session;
    QLineEdit *m_email;
    QComboBox *m_category;
    QLineEdit *m_subject;
    QPlainTextEdit *m_message;
    QLabel *m_error;
    QPushButton *m_validate;
    FormFeedback m_feedback;
    qint64 m_solicitationId = 0;
};

} // namespace guichet
