#pragma once

#include "client/commandgateway.h"
#include "ui/widgets/formfeedback.h"

#include <QDialog>
#include <QUrl>

#include <functional>
#include <optional>

class QCheckBox;
class QFormLayout;
class QGroupBox;
class QLabel;
class QLineEdit;
class QPushButton;
class QRadioButton;

namespace guichet {

class CredentialStore;
struct Session;

// The sign-in window: e-mail, password, « Réactiver mon compte ». Accepted once
// the gateway signed the user in.
//
// « Connexion »: this computer's database (standalone) or a guichetd server,
// whose address is remembered (QSettings; never the password nor the token).
// The choice shows only when the application can connect (setServerSignIn).
class SignInDialog : public QDialog
{
    Q_OBJECT

public:
    // Signs in to a server: DesktopApp opens the replica and the remote gateway.
    // `done` gets the outcome; on success the connected session is the current
    // one and result.data["token"] is the session token, which the window keeps
    // in the system keychain when « Remember me » is ticked.
    // unlockCode: the code of the lockout mail (empty for an ordinary sign-in).
    using ServerSignIn
        = std::function<void(const QUrl &server, const QString &email, const QString &password,
                             const QString &unlockCode, bool remember, CommandGateway::Callback done)>;

    explicit SignInDialog(Session &session, QWidget *parent = nullptr);

    void setServerSignIn(ServerSignIn serverSignIn);
    // A server address the desktop may use: https://host[:port], or http:// on
    // this computer only (127.0.0.1, ::1, localhost), where nothing crosses a
    // network. nullopt with `error` set otherwise.
    static std::optional<QUrl> checkServerUrl(const QString &text, QString *error);

    QRadioButton *standaloneChoice() const { return m_standalone; }
    QRadioButton *serverChoice() const { return m_server; }
    QLineEdit *serverEdit() const { return m_serverUrl; }
    QCheckBox *rememberBox() const { return m_remember; }
    // Says something about the sign-in that is not an error of the fields, e.g.
    // « the keychain is unavailable: you will have to sign in next time ».
    void setNotice(const QString &text);
    QString noticeText() const;
    void showError(const CommandResult &result);

    // Where a remembered session is kept: the server and e-mail last used with
    // « Remember me » (QSettings; the token itself is in the keychain only).
    static QString rememberedKey();
    // Forgets the remembered session: the keychain entry and the settings.
    static void forgetRememberedSession(CredentialStore &store);

    QLineEdit *emailEdit() const { return m_email; }
    QLineEdit *passwordEdit() const { return m_password; }
    // « Unlock code »: shown once a sign-in was refused for too many failures,
    // for the code of the lockout mail (docs/ACCOUNTS.md).
    QLineEdit *unlockCodeEdit() const { return m_unlockCode; }
    QPushButton *signInButton() const { return m_signIn; }
    QPushButton *reactivateButton() const { return m_reactivate; }
    QPushButton *signUpButton() const { return m_signUp; }
    // « Activate my account »: shown once the right password of an account
    // waiting for activation was refused (only the right one is told so).
    QPushButton *activateButton() const { return m_activate; }
    QString errorText() const;
    // Forgets a refusal that no longer holds (the account was reactivated).
    void clearError();

signals:
    // « Réactiver mon compte »: the e-mail typed so far, if any.
    void reactivationRequested(const QString &email);
    // « Créer un compte »: the e-mail typed so far, if any.
    void signUpRequested(const QString &email);
    // « Activate my account »: the activation dialog (paste the code, or
    // resend the mail), for the e-mail typed.
    void activationRequested(const QString &email);
    void outboxRequested();

private:
    void signIn();
    void updateConnection();
    void finishSignIn(const QString &email, bool server, const CommandResult &result);
    void checkKeychain();
    void remember(const QString &email, const CommandResult &result);

    Session &m_session;
    QLineEdit *m_email;
    QLineEdit *m_password;
    QLineEdit *m_unlockCode;
    QFormLayout *m_form;
    QLabel *m_error;
    QPushButton *m_signIn;
    QPushButton *m_reactivate;
    QPushButton *m_signUp;
    QPushButton *m_activate;
    ServerSignIn m_serverSignIn;
    QGroupBox *m_connection;
    QRadioButton *m_standalone;
    QRadioButton *m_server;
    QLineEdit *m_serverUrl;
    QCheckBox *m_remember;
    QLabel *m_notice;
    CredentialStore *m_store;
    FormFeedback m_feedback;
};

} // namespace guichet
