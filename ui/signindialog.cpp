#include "signindialog.h"

#include "session.h"

#include <QDialogButtonBox>
#include <QFormLayout>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QSettings>
#include <QVBoxLayout>

namespace guichet {

SignInDialog::SignInDialog(Session &session, QWidget *parent)
    : QDialog(parent)
    , m_session(session)
    , m_email(new QLineEdit(this))
    , m_password(new QLineEdit(this))
    , m_error(new QLabel(this))
    , m_signIn(new QPushButton(tr("&Sign in"), this))
    , m_reactivate(new QPushButton(tr("&Reactivate my account"), this))
    , m_feedback(m_error)
{
    setWindowTitle(tr("Guichet — Sign in"));
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

    auto *form = new QFormLayout;
    form->addRow(tr("&E-mail address:"), m_email);
    form->addRow(tr("&Password:"), m_password);

    m_signIn->setObjectName(QStringLiteral("signIn"));
    m_signIn->setDefault(true);
    m_reactivate->setObjectName(QStringLiteral("reactivate"));
    m_reactivate->setFlat(true);
    m_reactivate->setToolTip(tr("Your account was deactivated: ask for the reactivation mail."));
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
    connect(outbox, &QPushButton::clicked, this, &SignInDialog::outboxRequested);

    m_feedback.bind(QStringLiteral("email"), m_email);
    m_feedback.bind(QStringLiteral("password"), m_password);

    auto *links = new QHBoxLayout;
    links->addWidget(m_reactivate);
    links->addWidget(outbox);
    links->addStretch();

    auto *layout = new QVBoxLayout(this);
    layout->addWidget(title);
    layout->addWidget(subtitle);
    layout->addSpacing(12);
    layout->addLayout(form);
    layout->addWidget(m_error);
    layout->addLayout(links);
    layout->addWidget(buttons);
    setMinimumWidth(420);

    setTabOrder(m_email, m_password);
    setTabOrder(m_password, m_signIn);
    if (m_email->text().isEmpty())
        m_email->setFocus();
    else
        m_password->setFocus();
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
    if (!missing.isEmpty()) {
        m_feedback.showMessage(tr("Enter your e-mail address and your password."), missing);
        return;
    }
    m_signIn->setEnabled(false);
    m_session.gateway.signIn(email, m_password->text(), [this, email](const CommandResult &result) {
        m_signIn->setEnabled(true);
        if (!result.ok()) {
            m_feedback.show(result);
            if (result.data.value(QStringLiteral("deactivated")).toBool())
                m_reactivate->setFocus();
            m_password->clear();
            return;
        }
        QSettings().setValue(QStringLiteral("signIn/email"), email);
        m_feedback.clear();
        m_password->clear();
        accept();
    });
}

} // namespace guichet
