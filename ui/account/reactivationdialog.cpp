#include "ui/account/reactivationdialog.h"

#include "commands/commandargs.h"
#include "kernel/guichetlink.h"
#include "rules/accounts/accounts.h"
#include "rules/accounts/passwords.h"
#include "ui/account/solicitationdialog.h"
#include "ui/shell/outboxdialog.h"
#include "ui/shell/session.h"
#include "ui/widgets/dialogs.h"

#include <QDialogButtonBox>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QRegularExpression>
#include <QStackedWidget>
#include <QUrl>
#include <QVBoxLayout>

namespace guichet {

namespace {

QLineEdit *secretEdit(QWidget *parent, const QString &name, const QString &accessibleName)
{
    auto *edit = new QLineEdit(parent);
    edit->setObjectName(name);
    edit->setAccessibleName(accessibleName);
    edit->setEchoMode(QLineEdit::Password);
    return edit;
}

} // namespace

ReactivationDialog::ReactivationDialog(Session &session, const QString &email, QWidget *parent)
    : QDialog(parent)
    , m_session(session)
    , m_steps(new QStackedWidget(this))
    , m_email(new QLineEdit(email, this))
    , m_token(new QLineEdit(this))
    , m_password(secretEdit(this, QStringLiteral("newPassword"), tr("New password")))
    , m_confirmation(secretEdit(this, QStringLiteral("confirmation"), tr("Confirmation of the new password")))
    , m_question(new QLineEdit(this))
    , m_answer(secretEdit(this, QStringLiteral("secretAnswer"), tr("Answer to the secret question")))
    , m_info(new QLabel(this))
    , m_error(new QLabel(this))
    , m_validate(nullptr)
    , m_haveCode(new QPushButton(tr("I already have a &code"), this))
    , m_outbox(new QPushButton(tr("Open the local &outbox"), this))
    , m_newMail(new QPushButton(tr("Ask for a new &mail"), this))
    , m_support(new QPushButton(tr("Contact &support…"), this))
    , m_feedback(m_error)
    , m_reactivatedEmail(email)
{
    setObjectName(QStringLiteral("reactivationDialog"));
    setWindowTitle(tr("Reactivate my account"));

    auto *intro
        = new QLabel(tr("A deactivated account can be reactivated within %1 days of its deactivation; "
                        "until then it can do nothing else.")
                         .arg(accountRules::ReactivationPeriodDays),
                     this);
    intro->setWordWrap(true);
    m_info->setObjectName(QStringLiteral("info"));
    m_info->setWordWrap(true);
    m_info->setTextFormat(Qt::PlainText);
    m_info->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_info->hide();

    // Step 1: the e-mail.
    auto *emailPage = new QWidget(m_steps);
    m_email->setObjectName(QStringLiteral("email"));
    m_email->setAccessibleName(tr("E-mail address"));
    m_email->setPlaceholderText(tr("name@example.org"));
    auto *emailForm = new QFormLayout;
    emailForm->addRow(tr("&E-mail address:"), m_email);
    auto *emailHelp
        = new QLabel(tr("Click \"Validate\": a mail with a reactivation link is sent to you."), emailPage);
    emailHelp->setWordWrap(true);
    m_haveCode->setObjectName(QStringLiteral("haveCode"));
    m_haveCode->setFlat(true);
    m_haveCode->setAutoDefault(false);
    auto *emailLayout = new QVBoxLayout(emailPage);
    emailLayout->setContentsMargins(0, 0, 0, 0);
    emailLayout->addLayout(emailForm);
    emailLayout->addWidget(emailHelp);
    emailLayout->addWidget(m_haveCode, 0, Qt::AlignLeft);
    emailLayout->addStretch();

    // Step 2: what the link's page asks.
    auto *secretsPage = new QWidget(m_steps);
    m_token->setObjectName(QStringLiteral("token"));
    m_token->setAccessibleName(tr("Link or code from the mail"));
    m_token->setPlaceholderText(tr("guichet://reactivate?token=…"));
    m_question->setObjectName(QStringLiteral("secretQuestion"));
    m_question->setAccessibleName(tr("New secret question"));
    auto *policy = new QLabel(tr("At least %1 characters, with at least 3 kinds among lower-case letters, "
                                 "upper-case letters, digits and other characters; not containing the name "
                                 "part of your e-mail address; different from your former password.")
                                  .arg(MinimumPasswordLength),
                              secretsPage);
    policy->setObjectName(QStringLiteral("passwordPolicy"));
    policy->setWordWrap(true);
    QFont helpFont = policy->font();
    helpFont.setPointSizeF(helpFont.pointSizeF() * 0.9);
    policy->setFont(helpFont);
    auto *secretsForm = new QFormLayout(secretsPage);
    secretsForm->setContentsMargins(0, 0, 0, 0);
    secretsForm->addRow(tr("&Link or code from the mail:"), m_token);
    secretsForm->addRow(tr("&New password:"), m_password);
    secretsForm->addRow(QString(), policy);
    secretsForm->addRow(tr("Con&firmation:"), m_confirmation);
    secretsForm->addRow(tr("New secret &question:"), m_question);
    secretsForm->addRow(tr("&Answer:"), m_answer);

    m_steps->addWidget(emailPage);
    m_steps->addWidget(secretsPage);

    m_outbox->setObjectName(QStringLiteral("openOutbox"));
    m_outbox->setAutoDefault(false);
    m_outbox->setToolTip(tr("Standalone mode: the mails Guichet sent, such as the reactivation link."));
    m_newMail->setObjectName(QStringLiteral("newMail"));
    m_newMail->setAutoDefault(false);
    m_newMail->hide();
    m_support->setObjectName(QStringLiteral("contactSupport"));
    m_support->setAutoDefault(false);
    m_support->hide();
    auto *actions = new QHBoxLayout;
    actions->addWidget(m_outbox);
    actions->addWidget(m_newMail);
    actions->addWidget(m_support);
    actions->addStretch();

    auto *buttons = new QDialogButtonBox(QDialogButtonBox::Cancel, this);
    m_validate = buttons->addButton(tr("&Validate"), QDialogButtonBox::AcceptRole);
    m_validate->setObjectName(QStringLiteral("validate"));
    m_validate->setDefault(true);
    connect(buttons, &QDialogButtonBox::accepted, this, &ReactivationDialog::validate);
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    connect(m_haveCode, &QPushButton::clicked, this, [this] { showStep(1); });
    connect(m_outbox, &QPushButton::clicked, this, &ReactivationDialog::openOutbox);
    connect(m_newMail, &QPushButton::clicked, this, [this] {
        m_feedback.clear();
        showStep(0);
    });
    connect(m_support, &QPushButton::clicked, this, &ReactivationDialog::contactSupport);

    m_feedback.bind(QStringLiteral("email"), m_email);
    m_feedback.bind(QStringLiteral("token"), m_token);
    m_feedback.bind(QStringLiteral("newPassword"), m_password);
    m_feedback.bind(QStringLiteral("confirmation"), m_confirmation);
    m_feedback.bind(QStringLiteral("secretQuestion"), m_question);
    m_feedback.bind(QStringLiteral("secretAnswer"), m_answer);

    auto *layout = new QVBoxLayout(this);
    layout->addWidget(intro);
    layout->addWidget(m_info);
    layout->addWidget(m_steps);
    layout->addWidget(m_error);
    layout->addLayout(actions);
    layout->addWidget(buttons);

    setTabOrder(m_email, m_haveCode);
    setTabOrder(m_token, m_password);
    setTabOrder(m_password, m_confirmation);
    setTabOrder(m_confirmation, m_question);
    setTabOrder(m_question, m_answer);
    setTabOrder(m_answer, m_outbox);
    setTabOrder(m_outbox, m_newMail);
    setTabOrder(m_newMail, m_support);
    setTabOrder(m_support, m_validate);
    setMinimumWidth(520);
    showStep(0);
}

int ReactivationDialog::step() const
{
    return m_steps->currentIndex();
}

QString ReactivationDialog::errorText() const
{
    return m_error->isVisible() ? m_error->text() : QString();
}

QString ReactivationDialog::infoText() const
{
    return m_info->isVisible() ? m_info->text() : QString();
}

QString ReactivationDialog::tokenFrom(const QString &text)
{
    const QString trimmed = text.trimmed();
    // The whole link pasted (possibly with text around it): keep its token.
    static const QRegularExpression inLink(QStringLiteral("[?&]token=([A-Za-z0-9_\\-%]+)"));
    const QRegularExpressionMatch match = inLink.match(trimmed);
    if (match.hasMatch())
        return QUrl::fromPercentEncoding(match.captured(1).toLatin1());
    return trimmed;
}

void ReactivationDialog::useCode(const QString &token)
{
    m_feedback.clear();
    m_token->setText(token);
    m_info->setText(tr("The code of your link is filled in: choose a new password, a new secret question "
                       "and its answer, then click \"Validate\"."));
    m_info->show();
    showStep(1);
    m_password->setFocus();
}

void ReactivationDialog::showStep(int step)
{
    m_steps->setCurrentIndex(step);
    if (step == 0)
        m_email->setFocus();
    else
        m_token->setFocus();
}

void ReactivationDialog::validate()
{
    if (step() == 0)
        requestMail();
    else
        complete();
}

void ReactivationDialog::requestMail()
{
    const QString email = m_email->text().trimmed();
    if (email.isEmpty()) {
        m_feedback.showMessage(tr("Complete this field: e-mail address."), { QStringLiteral("email") });
        return;
    }
    m_newMail->hide();
    m_support->hide();
    m_validate->setEnabled(false);
    m_session.gateway.send(commands::requestReactivation(email), [this, email](const CommandResult &result) {
        m_validate->setEnabled(true);
        if (!result.ok()) {
            showRefusal(result);
            return;
        }
        m_feedback.clear();
        m_reactivatedEmail = email;
        m_info->setText(tr("%1 The mail is valid for 24 hours: open its link, or paste the link or "
                           "its code below. In standalone mode, read it in the local outbox.")
                            .arg(result.data.value(QStringLiteral("message")).toString()));
        m_info->show();
        // The same answer for every address (no enumeration): past the 60 days
        // the mail says to contact support, so the way there is always offered.
        m_support->show();
        showStep(1);
    });
}

void ReactivationDialog::complete()
{
    // A whole link pasted must be intact (the code alone is checked by core).
    QString linkError;
    if (GuichetLink::looksLikeLink(m_token->text()) && !GuichetLink::parse(m_token->text(), &linkError)) {
        m_feedback.showMessage(linkError, { QStringLiteral("token") });
        return;
    }
    const QString token = tokenFrom(m_token->text());
    QStringList fields;
    QStringList labels;
    const auto require = [&](bool missing, const QString &field, const QString &label) {
        if (missing) {
            fields << field;
            labels << label;
        }
    };
    require(token.isEmpty(), QStringLiteral("token"), tr("link or code from the mail"));
    require(m_password->text().isEmpty(), QStringLiteral("newPassword"), tr("new password"));
    require(m_confirmation->text().isEmpty(), QStringLiteral("confirmation"), tr("confirmation"));
    require(m_question->text().trimmed().isEmpty(), QStringLiteral("secretQuestion"),
            tr("new secret question"));
    require(m_answer->text().trimmed().isEmpty(), QStringLiteral("secretAnswer"), tr("answer"));
    if (!fields.isEmpty()) {
        m_feedback.showMessage(tr("Complete these fields: %1.").arg(labels.join(QStringLiteral(", "))),
                               fields);
        return;
    }
    if (m_password->text() != m_confirmation->text()) {
        m_feedback.showMessage(tr("The confirmation differs from the new password."),
                               { QStringLiteral("confirmation") });
        return;
    }
    m_newMail->hide();
    m_support->hide();
    m_validate->setEnabled(false);
    m_session.gateway.send(commands::completeReactivation(token, m_password->text(),
                                                          m_question->text().trimmed(), m_answer->text()),
                           [this](const CommandResult &result) {
                               m_validate->setEnabled(true);
                               if (!result.ok()) {
                                   showRefusal(result);
                                   return;
                               }
                               m_feedback.clear();
                               if (const auto profile = Accounts(m_session.core).profile(result.id))
                                   m_reactivatedEmail = profile->email;
                               Dialogs::information(
                                   this, windowTitle(),
                                   tr("Your account is reactivated. Sign in with your new password."));
                               accept();
                           });
}

void ReactivationDialog::showRefusal(const CommandResult &result)
{
    m_feedback.show(result);
    if (result.code != ErrorCode::Expired)
        return;
    // Past the 60 days only support can reactivate; a used or expired link
    // needs a new mail. A refused link may be either, and its message says
    // which (the request itself answers the same to everyone).
    if (result.field == QLatin1String("token"))
        m_newMail->show();
    m_support->show();
}

void ReactivationDialog::openOutbox()
{
    OutboxDialog outbox(m_session, this);
    Dialogs::exec(&outbox);
}

void ReactivationDialog::contactSupport()
{
    SolicitationDialog dialog(m_session, m_email->text().trimmed(), QStringLiteral("reactivation"), this);
    dialog.subjectEdit()->setText(tr("Reactivation of my account"));
    Dialogs::exec(&dialog);
}

} // namespace guichet
