#pragma once

#include "ui/widgets/formfeedback.h"

#include <QDialog>

class QLabel;
class QLineEdit;
class QPushButton;

namespace guichet {

struct Session;

// « Créer un compte », from the sign-in window: e-mail, first and last name,
// password (the policy is shown, the confirmation checked here), secret
// question and its answer. « Valider » sends the sign-up; the answer is the
// same whether or not the address already has an account (docs/ACCOUNTS.md),
// and the dialog is accepted: the activation dialog comes next. A refusal
// names its fields and keeps what was typed.
class SignUpDialog : public QDialog
{
    Q_OBJECT

public:
    SignUpDialog(Session &session, const QString &email, QWidget *parent = nullptr);

    QLineEdit *emailEdit() const { return m_email; }
    QLineEdit *firstNameEdit() const { return m_firstName; }
    QLineEdit *lastNameEdit() const { return m_lastName; }
    QLineEdit *passwordEdit() const { return m_password; }
    QLineEdit *confirmationEdit() const { return m_confirmation; }
    QLineEdit *questionEdit() const { return m_question; }
    QLineEdit *answerEdit() const { return m_answer; }
    QLabel *policyLabel() const { return m_policy; }
    QPushButton *validateButton() const { return m_validate; }
    QPushButton *haveCodeButton() const { return m_haveCode; }
    QString errorText() const;
    // Once accepted: the address signed up with and the server's answer.
    QString email() const;
    QString answerMessage() const { return m_answerMessage; }

signals:
    // « J'ai déjà un code »: the activation dialog, for the typed address.
    void activationRequested(const QString &email);

private:
    void validate();

    Session &m_session;
    QLineEdit *m_email;
    QLineEdit *m_firstName;
    QLineEdit *m_lastName;
    QLineEdit *m_password;
    QLineEdit *m_confirmation;
    QLineEdit *m_question;
    QLineEdit *m_answer;
    QLabel *m_policy;
    QLabel *m_error;
    QPushButton *m_validate;
    QPushButton *m_haveCode;
    FormFeedback m_feedback;
    QString m_answerMessage;
};

} // namespace guichet
