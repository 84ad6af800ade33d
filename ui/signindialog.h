#pragma once

#include "formfeedback.h"

#include <QDialog>

class QLabel;
class QLineEdit;
class QPushButton;

namespace guichet {

struct Session;

// The sign-in window: e-mail, password, « Réactiver mon compte ». Accepted once
// the gateway signed the user in.
class SignInDialog : public QDialog
{
    Q_OBJECT

public:
    explicit SignInDialog(Session &session, QWidget *parent = nullptr);

    QLineEdit *emailEdit() const { return m_email; }
    QLineEdit *passwordEdit() const { return m_password; }
    QPushButton *signInButton() const { return m_signIn; }
    QPushButton *reactivateButton() const { return m_reactivate; }
    QString errorText() const;

signals:
    // « Réactiver mon compte »: the e-mail typed so far, if any.
    void reactivationRequested(const QString &email);
    void outboxRequested();

private:
    void signIn();

    Session &m_session;
    QLineEdit *m_email;
    QLineEdit *m_password;
    QLabel *m_error;
    QPushButton *m_signIn;
    QPushButton *m_reactivate;
    FormFeedback m_feedback;
};

} // namespace guichet
