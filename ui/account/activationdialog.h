#pragma once

#include "ui/widgets/formfeedback.h"

#include <QDialog>

class QFormLayout;
class QGroupBox;
class QLabel;
class QLineEdit;
class QPushButton;

namespace guichet {

struct Session;

// Activation of an account created with « Créer un compte »: the code of the
// activation mail (or its whole guichet://activate link) pasted, or filled in
// when the mail's link opened Guichet. « Valider » activates the account and
// signs its owner in (CommandGateway::activate): the dialog is accepted then.
// « Resend the activation mail » asks for a new mail for the typed address
// (the same answer whatever the address). An invitee's account (born from a
// manager's invitation) has no name nor password yet: when the answer says so
// (data "needsDetails"), the dialog shows « Complete your account » (names,
// password and its confirmation, secret question and answer) and sends them
// with the code.
class ActivationDialog : public QDialog
{
    Q_OBJECT

public:
    ActivationDialog(Session &session, const QString &email, QWidget *parent = nullptr);

    QLineEdit *tokenEdit() const { return m_token; }
    QLineEdit *emailEdit() const { return m_email; }
    QPushButton *validateButton() const { return m_validate; }
    QPushButton *resendButton() const { return m_resend; }
    QPushButton *outboxButton() const { return m_outbox; }
    // « Complete your account », shown for an invitee.
    QGroupBox *detailsBox() const { return m_details; }
    QString errorText() const;
    QString infoText() const;

    // « Complete your account »: shown for an invitee's code, the dialog
    // growing to fit it.
    void showDetails();
    // Says what happened before (the sign-up's answer).
    void setInfo(const QString &text);
    // A link's code (a guichet://activate link opened from a mail).
    void useCode(const QString &token);

private:
    void activate();
    void resend();
    void openOutbox();

    Session &m_session;
    QLineEdit *m_token;
    QLineEdit *m_email;
    QLabel *m_info;
    QLabel *m_error;
    QPushButton *m_validate;
    QPushButton *m_resend;
    QPushButton *m_outbox;
    QFormLayout *m_form = nullptr;
    QLabel *m_resendHelp = nullptr;
    QGroupBox *m_details;
    QLineEdit *m_firstName;
    QLineEdit *m_lastName;
    QLineEdit *m_password;
    QLineEdit *m_confirmation;
    QLineEdit *m_question;
    QLineEdit *m_answer;
    FormFeedback m_feedback;
};

} // namespace guichet
