#pragma once

#include "ui/widgets/formfeedback.h"

#include <QDialog>

class QLabel;
class QLineEdit;
class QPushButton;
class QStackedWidget;

namespace guichet {

struct Session;

// « Réactiver mon compte », from the sign-in window. Step 1: the e-mail, then
// « Valider » sends the reactivation mail (valid 24 h; in standalone mode it is
// read in the local outbox). Step 2, the page the mailed link opens: the code
// (or the whole link pasted), a new password and a new secret question with
// its answer. Accepted once the account is active again.
class ReactivationDialog : public QDialog
{
    Q_OBJECT

public:
    ReactivationDialog(Session &session, const QString &email, QWidget *parent = nullptr);

    QLineEdit *emailEdit() const { return m_email; }
    QLineEdit *tokenEdit() const { return m_token; }
    QLineEdit *passwordEdit() const { return m_password; }
    QLineEdit *confirmationEdit() const { return m_confirmation; }
    QLineEdit *questionEdit() const { return m_question; }
    QLineEdit *answerEdit() const { return m_answer; }
    QPushButton *validateButton() const { return m_validate; }
    QPushButton *haveCodeButton() const { return m_haveCode; }
    QPushButton *outboxButton() const { return m_outbox; }
    QPushButton *newMailButton() const { return m_newMail; }
    QPushButton *supportButton() const { return m_support; }
    // 0: the e-mail step, 1: the code and new secrets step.
    int step() const;
    QString errorText() const;
    QString infoText() const;
    // The account's sign-in e-mail once reactivated (else what was typed).
    QString email() const { return m_reactivatedEmail; }

    // A link's code (a guichet://reactivate link opened from a mail): the
    // second step, with the code filled in.
    void useCode(const QString &token);

    // The code in a pasted link (guichet://reactivate?token=…) or the code itself.
    static QString tokenFrom(const QString &text);

private:
    void validate();
    void requestMail();
    void complete();
    void showStep(int step);
    void showRefusal(const CommandResult &result);
    void openOutbox();
    void contactSupport();

    Session &m_session;
    QStackedWidget *m_steps;
    QLineEdit *m_email;
    QLineEdit *m_token;
    QLineEdit *m_password;
    QLineEdit *m_confirmation;
    QLineEdit *m_question;
    QLineEdit *m_answer;
    QLabel *m_info;
    QLabel *m_error;
    QPushButton *m_validate;
    QPushButton *m_haveCode;
    QPushButton *m_outbox;
    QPushButton *m_newMail;
    QPushButton *m_support;
    FormFeedback m_feedback;
    QString m_reactivatedEmail;
};

} // namespace guichet
