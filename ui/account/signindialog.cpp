#include "ui/account/signindialog.h"

#include "client/credentialstore.h"
#include "ui/shell/session.h"
#include "ui/widgets/dialogs.h"

#include <QCheckBox>
#include <QDialogButtonBox>
#include <QFormLayout>
#include <QGroupBox>
#include <QHostAddress>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QRadioButton>
#include <QSettings>
#include <QVBoxLayout>

namespace {
const QString connectionKey = QStringLiteral("signIn/connection");
const QString serverKey = QStringLiteral("signIn/serverUrl");
const QString rememberKey = QStringLiteral("signIn/remember");
const QString rememberedKeyKey = QStringLiteral("signIn/rememberedKey");
} // namespace

namespace guichet {

SignInDialog::SignInDialog(Session &session, QWidget *parent)
    : QDialog(parent)
    , m_session(session)
    , m_email(new QLineEdit(this))
    , m_password(new QLineEdit(this))
    , m_unlockCode(new QLineEdit(this))
    , m_form(new QFormLayout)
    , m_error(new QLabel(this))
    , m_signIn(new QPushButton(tr("&Sign in"), this))
    , m_reactivate(new QPushButton(tr("&Reactivate my account"), this))
    , m_signUp(new QPushButton(tr("Create an &account"), this))
    , m_activate(new QPushButton(tr("Ac&tivate my account or resend the mail…"), this))
    , m_connection(new QGroupBox(tr("Connection"), this))
    , m_standalone(new QRadioButton(tr("This &computer (standalone)"), m_connection))
    , m_server(new QRadioButton(tr("Ser&ver:"), m_connection))
    , m_serverUrl(new QLineEdit(m_connection))
    , m_remember(new QCheckBox(tr("Re&member me"), this))
    , m_notice(new QLabel(this))
    , m_store(new CredentialStore(this))
    , m_feedback(m_error)
{
    // The platform adds the application's display name (« Sign in — Guichet »).
    setWindowTitle(tr("Sign in"));
    setObjectName(QStringLiteral("signInDialog"));

    auto *title = new QLabel(tr("Guichet"), this);
    QFont titleFont = title->font();
    titleFont.setPointSize(titleFont.pointSize() * 2);
    titleFont.setBold(true);
    title->setFont(titleFont);
    auto *subtitle = new QLabel(tr("Sign in to manage your user account."), this);

    m_email->setObjectName(QStringLiteral("email"));
    m_email->setAccessibleName(tr("E-mail address"));
    m_email->setPlaceholderText(tr("name@example.org"));
    m_email->setText(QSettings().value(QStringLiteral("signIn/email")).toString());
    m_password->setObjectName(QStringLiteral("password"));
    m_password->setAccessibleName(tr("Password"));
    m_password->setEchoMode(QLineEdit::Password);

    m_unlockCode->setObjectName(QStringLiteral("unlockCode"));
    m_unlockCode->setAccessibleName(tr("Unlock code"));
    m_unlockCode->setMaxLength(200);
    m_unlockCode->setToolTip(
        tr("The code of the mail « Your Guichet account is locked »: with your password, "
           "it signs you in despite the lock, once."));

    QFormLayout *form = m_form;
    form->addRow(tr("&E-mail address:"), m_email);
    form->addRow(tr("&Password:"), m_password);
    form->addRow(tr("&Unlock code:"), m_unlockCode);
    form->setRowVisible(m_unlockCode, false); // until a sign-in is refused for too many failures

    const QSettings settings;
    m_connection->setObjectName(QStringLiteral("connection"));
    m_standalone->setObjectName(QStringLiteral("standalone"));
    m_standalone->setToolTip(tr("Work on this computer's database, without a server."));
    m_server->setObjectName(QStringLiteral("serverChoice"));
    m_serverUrl->setObjectName(QStringLiteral("serverUrl"));
    m_serverUrl->setAccessibleName(tr("Server address"));
    m_serverUrl->setPlaceholderText(tr("https://guichet.example.org"));
    m_serverUrl->setText(settings.value(serverKey).toString());
    const bool server = settings.value(connectionKey).toString() == QLatin1String("server");
    (server ? m_server : m_standalone)->setChecked(true);
    auto *serverRow = new QHBoxLayout;
    serverRow->addWidget(m_server);
    serverRow->addWidget(m_serverUrl, 1);
    auto *connectionLayout = new QVBoxLayout(m_connection);
    connectionLayout->addWidget(m_standalone);
    connectionLayout->addLayout(serverRow);
    m_remember->setObjectName(QStringLiteral("rememberMe"));
    m_remember->setToolTip(tr("Keep the session in the system keychain: next time, Guichet opens without "
                              "asking the password."));
    m_remember->setChecked(settings.value(rememberKey, false).toBool());
    m_connection->hide(); // until the application can connect (setServerSignIn)
    m_remember->hide();
    m_notice->setObjectName(QStringLiteral("notice"));
    m_notice->setWordWrap(true);
    m_notice->hide();
    connect(m_server, &QRadioButton::toggled, this, &SignInDialog::updateConnection);
    // Ticking « Remember me » tries the keychain at once, so that an unavailable
    // one is said before signing in, not after.
    connect(m_remember, &QCheckBox::toggled, this, [this](bool on) {
        if (on)
            checkKeychain();
    });
    connect(m_store, &CredentialStore::failed, this, [this](const QString &, const QString &message) {
        m_remember->setChecked(false);
        setNotice(tr("The system keychain is unavailable (%1): Guichet will sign you in without remembering "
                     "the session.")
                      .arg(message));
    });
    // A refusal is about what was typed: editing it makes the message stale.
    for (QLineEdit *field : { m_email, m_password, m_unlockCode })
        connect(field, &QLineEdit::textEdited, this, &SignInDialog::clearError);
    connect(m_serverUrl, &QLineEdit::textEdited, this, [this] {
        if (!m_server->isChecked())
            m_server->setChecked(true);
    });

    m_signIn->setObjectName(QStringLiteral("signIn"));
    m_signIn->setDefault(true);
    m_reactivate->setObjectName(QStringLiteral("reactivate"));
    m_reactivate->setFlat(true);
    m_reactivate->setToolTip(tr("Your account was deactivated: ask for the reactivation mail."));
    m_signUp->setObjectName(QStringLiteral("signUp"));
    m_signUp->setFlat(true);
    m_signUp->setToolTip(tr("No account yet: create one with your e-mail address."));
    m_activate->setObjectName(QStringLiteral("activate"));
    m_activate->setToolTip(tr("Paste the code of the activation mail, or ask for a new mail."));
    m_activate->hide();
    auto *outbox = new QPushButton(tr("Local &outbox"), this);
    outbox->setObjectName(QStringLiteral("outbox"));
    outbox->setFlat(true);
    outbox->setToolTip(tr("Standalone mode: the mails Guichet sent, such as the reactivation link."));

    auto *buttons = new QDialogButtonBox(this);
    buttons->addButton(m_signIn, QDialogButtonBox::AcceptRole);
    buttons->addButton(QDialogButtonBox::Close);
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    connect(m_signIn, &QPushButton::clicked, this, &SignInDialog::signIn);
    connect(m_reactivate, &QPushButton::clicked, this,
            [this] { emit reactivationRequested(m_email->text().trimmed()); });
    connect(m_signUp, &QPushButton::clicked, this,
            [this] { emit signUpRequested(m_email->text().trimmed()); });
    connect(m_activate, &QPushButton::clicked, this,
            [this] { emit activationRequested(m_email->text().trimmed()); });
    connect(outbox, &QPushButton::clicked, this, &SignInDialog::outboxRequested);

    m_feedback.bind(QStringLiteral("email"), m_email);
    m_feedback.bind(QStringLiteral("password"), m_password);
    m_feedback.bind(QStringLiteral("unlockCode"), m_unlockCode);
    m_feedback.bind(QStringLiteral("server"), m_serverUrl);

    auto *links = new QHBoxLayout;
    links->addWidget(m_signUp);
    links->addWidget(m_activate);
    links->addWidget(m_reactivate);
    links->addWidget(outbox);
    links->addStretch();

    auto *layout = new QVBoxLayout(this);
    layout->addWidget(title);
    layout->addWidget(subtitle);
    layout->addSpacing(12);
    layout->addWidget(m_connection);
    layout->addLayout(form);
    layout->addWidget(m_remember);
    layout->addWidget(m_notice);
    layout->addWidget(m_error);
    layout->addLayout(links);
    layout->addWidget(buttons);
    setMinimumWidth(420);

    setTabOrder(m_standalone, m_server);
    setTabOrder(m_server, m_serverUrl);
    setTabOrder(m_serverUrl, m_email);
    setTabOrder(m_email, m_password);
    setTabOrder(m_password, m_unlockCode);
    setTabOrder(m_unlockCode, m_remember);
    setTabOrder(m_remember, m_signUp);
    setTabOrder(m_signUp, m_reactivate);
    setTabOrder(m_reactivate, outbox);
    setTabOrder(outbox, m_signIn);
    updateConnection();
    if (m_email->text().isEmpty())
        m_email->setFocus();
    else
        m_password->setFocus();
}

void SignInDialog::setServerSignIn(ServerSignIn serverSignIn)
{
    m_serverSignIn = std::move(serverSignIn);
    m_connection->setVisible(bool(m_serverSignIn));
    m_remember->setVisible(bool(m_serverSignIn));
    updateConnection();
}

void SignInDialog::updateConnection()
{
    // The address stays editable: typing one chooses the server.
    const bool server = m_serverSignIn && m_server->isChecked();
    // Standalone, the application opens with the database: nothing to remember.
    m_remember->setEnabled(server);
}

std::optional<QUrl> SignInDialog::checkServerUrl(const QString &text, QString *error)
{
    const QUrl url(text.trimmed(), QUrl::StrictMode);
    const QString host = url.host();
    const bool loopback = host == QLatin1String("localhost") || QHostAddress(host).isLoopback();
    if (text.trimmed().isEmpty()) {
        *error = tr("Enter the server address, e.g. https://guichet.example.org.");
    } else if (!url.isValid() || host.isEmpty() || !url.userInfo().isEmpty() || url.hasQuery()
               || url.hasFragment()) {
        *error = tr("The server address is not valid: write it as https://guichet.example.org.");
    } else if (url.scheme() == QLatin1String("http") && !loopback) {
        *error
            = tr("The server address must start with https:// (http:// only for a server on this computer).");
    } else if (url.scheme() != QLatin1String("https") && url.scheme() != QLatin1String("http")) {
        *error = tr("The server address must start with https://.");
    } else {
        QUrl clean = url.adjusted(QUrl::StripTrailingSlash | QUrl::NormalizePathSegments);
        if (clean.path() == QLatin1String("/")) // StripTrailingSlash keeps a lone one
            clean.setPath(QString());
        return clean;
    }
    return std::nullopt;
}

void SignInDialog::checkKeychain()
{
    // Reading an entry that does not exist answers "nothing" when the keychain
    // works, and fails when it does not.
    m_store->load(CredentialStore::accountKey(QStringLiteral("https://keychain-check.invalid"),
                                              QStringLiteral("check")));
}

QString SignInDialog::rememberedKey()
{
    return QSettings().value(rememberedKeyKey).toString();
}

void SignInDialog::forgetRememberedSession(CredentialStore &store)
{
    QSettings settings;
    const QString key = settings.value(rememberedKeyKey).toString();
    settings.remove(rememberedKeyKey);
    settings.remove(QStringLiteral("signIn/rememberedUserId"));
    if (!key.isEmpty())
        store.remove(key);
}

void SignInDialog::remember(const QString &email, const CommandResult &result)
{
    const QString key = CredentialStore::accountKey(m_serverUrl->text().trimmed(), email);
    const QString token = result.data.value(QStringLiteral("token")).toString();
    m_signIn->setEnabled(false);
    QSettings settings;
    settings.setValue(rememberedKeyKey, key);
    settings.setValue(QStringLiteral("signIn/rememberedUserId"), result.id);
    // The keychain answers later; the window stays until it did, so that a
    // failure is said here.
    QObject::disconnect(m_store, &CredentialStore::failed, this, nullptr);
    auto *context = new QObject(this);
    connect(m_store, &CredentialStore::saved, context, [this, context, key](const QString &savedKey) {
        if (savedKey != key)
            return;
        context->deleteLater();
        accept();
    });
    connect(m_store, &CredentialStore::failed, context,
            [this, context, key](const QString &failedKey, const QString &message) {
                if (failedKey != key)
                    return; // the earlier check of the keychain
                context->deleteLater();
                QSettings().remove(rememberedKeyKey);
                Dialogs::warning(
                    this, tr("Remember me"),
                    tr("The system keychain is unavailable (%1): you are signed in, but Guichet will ask "
                       "your password next time.")
                        .arg(message));
                accept();
            });
    m_store->save(key, token);
}

void SignInDialog::setNotice(const QString &text)
{
    m_notice->setText(text);
    m_notice->setVisible(!text.isEmpty());
}

QString SignInDialog::noticeText() const
{
    return m_notice->isVisible() ? m_notice->text() : QString();
}

void SignInDialog::showError(const CommandResult &result)
{
    m_feedback.show(result);
}

void SignInDialog::clearError()
{
    m_feedback.clear();
}

QString SignInDialog::errorText() const
{
    return m_error->isVisible() ? m_error->text() : QString();
}

void SignInDialog::signIn()
{
    const QString email = m_email->text().trimmed();
    QStringList missing;
    if (email.isEmpty())
        missing << QStringLiteral("email");
    if (m_password->text().isEmpty())
        missing << QStringLiteral("password");
    const bool server = m_serverSignIn && m_server->isChecked();
    std::optional<QUrl> serverUrl;
    if (server) {
        QString error;
        serverUrl = checkServerUrl(m_serverUrl->text(), &error);
        if (!serverUrl) {
            m_feedback.showMessage(error, { QStringLiteral("server") });
            return;
        }
    }
    if (!missing.isEmpty()) {
        m_feedback.showMessage(tr("Enter your e-mail address and your password."), missing);
        return;
    }
    m_signIn->setEnabled(false);
    setNotice(QString());
    const auto done
        = [this, email, server](const CommandResult &result) { finishSignIn(email, server, result); };
    const QString unlockCode = m_unlockCode->text().trimmed();
    if (server)
        m_serverSignIn(*serverUrl, email, m_password->text(), unlockCode, m_remember->isChecked(), done);
    else
        m_session.gateway.signIn(email, m_password->text(), unlockCode, done);
}

void SignInDialog::finishSignIn(const QString &email, bool server, const CommandResult &result)
{
    m_signIn->setEnabled(true);
    if (!result.ok()) {
        // Locked out from here: the lockout mail's code is the way in.
        if (result.code == ErrorCode::Locked || result.field == QLatin1String("unlockCode"))
            m_form->setRowVisible(m_unlockCode, true);
        m_feedback.show(result);
        // Waiting for activation (said only to the right password): the way on.
        const bool notActivated = result.data.value(QStringLiteral("notActivated")).toBool();
        m_activate->setVisible(notActivated);
        if (notActivated)
            m_activate->setFocus();
        if (result.data.value(QStringLiteral("deactivated")).toBool())
            m_reactivate->setFocus();
        m_password->clear();
        return;
    }
    m_unlockCode->clear();
    QSettings settings;
    settings.setValue(QStringLiteral("signIn/email"), email);
    if (m_serverSignIn) {
        settings.setValue(connectionKey, server ? QStringLiteral("server") : QStringLiteral("standalone"));
        if (server) {
            settings.setValue(serverKey, m_serverUrl->text().trimmed());
            settings.setValue(rememberKey, m_remember->isChecked());
        }
    }
    m_feedback.clear();
    m_password->clear();
    if (server && m_remember->isChecked()
        && !result.data.value(QStringLiteral("token")).toString().isEmpty()) {
        remember(email, result);
        return;
    }
    accept();
}

} // namespace guichet
