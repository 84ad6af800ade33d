#include "ui/account/activationdialog.h"

#include "commands/commandargs.h"
#include "kernel/guichetlink.h"
#include "kernel/textlimits.h"
#include "ui/account/reactivationdialog.h"
#include "ui/shell/outboxdialog.h"
#include "ui/shell/session.h"
#include "ui/widgets/dialogs.h"

#include <QDialogButtonBox>
#include <QFormLayout>
#include <QGroupBox>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QVBoxLayout>

namespace guichet {

ActivationDialog::ActivationDialog(Session &session, const QString &email, QWidget *parent)
    : QDialog(parent)
    , m_session(session)
    , m_token(new QLineEdit(this))
    , m_email(new QLineEdit(email, this))
    , m_info(new QLabel(this))
    , m_error(new QLabel(this))
    , m_validate(nullptr)
    , m_resend(new QPushButton(tr("&Resend the activation mail"), this))
    , m_outbox(new QPushButton(tr("Open the local &outbox"), this))
    , m_details(new QGroupBox(tr("Complete your account"), this))
    , m_firstName(new QLineEdit(m_details))
    , m_lastName(new QLineEdit(m_details))
    , m_password(new QLineEdit(m_details))
    , m_confirmation(new QLineEdit(m_details))
    , m_question(new QLineEdit(m_details))
    , m_answer(new QLineEdit(m_details))
    , m_feedback(m_error)
{
    setObjectName(QStringLiteral("activationDialog"));
    setWindowTitle(tr("Activate my account"));

    auto *intro = new QLabel(tr("Paste the link or the code of the mail « Activate your Guichet account », "
                                "then click \"Validate\": your account becomes active and Guichet opens "
                                "signed in."),
                             this);
    intro->setWordWrap(true);
    m_info->setObjectName(QStringLiteral("info"));
    m_info->setWordWrap(true);
    m_info->setTextFormat(Qt::PlainText);
    m_info->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_info->hide();

    m_token->setObjectName(QStringLiteral("token"));
    m_token->setAccessibleName(tr("Link or code from the mail"));
    m_token->setPlaceholderText(tr("guichet://activate?token=…"));
    m_token->setMaxLength(GuichetLink::MaxLength);
    m_email->setObjectName(QStringLiteral("email"));
    m_email->setAccessibleName(tr("E-mail address"));
    m_email->setPlaceholderText(tr("name@example.org"));
    m_email->setMaxLength(textLimit::Email);
    auto *form = new QFormLayout;
    m_form = form;
    form->setRowWrapPolicy(QFormLayout::WrapLongRows);
    form->addRow(tr("&Link or code from the mail:"), m_token);
    m_resendHelp = new QLabel(tr("No mail, or the link expired? Give your address and ask for a new "
                                 "mail; only the newest one works."),
                              this);
    m_resendHelp->setWordWrap(true);
    form->addRow(QString(), m_resendHelp);
    form->addRow(tr("&E-mail address:"), m_email);

    // An invitee's account: what « Create an account » would have asked.
    m_details->setObjectName(QStringLiteral("details"));
    auto *details = new QFormLayout(m_details);
    details->setRowWrapPolicy(QFormLayout::WrapLongRows);
    auto *detailsIntro = new QLabel(tr("You were invited: enter your name and choose a password (at least 12 "
                                       "characters, mixing 3 kinds of characters) and a secret question."),
                                    m_details);
    detailsIntro->setWordWrap(true);
    details->addRow(detailsIntro);
    const struct
    {
        QLineEdit *edit;
        const char *name;
        QString label;
        int max;
        bool secret;
    } fields[] = {
        { m_firstName, "firstName", tr("&First name:"), textLimit::Name, false },
        { m_lastName, "lastName", tr("&Last name:"), textLimit::Name, false },
        { m_password, "password", tr("&Password:"), textLimit::Password, true },
        { m_confirmation, "confirmation", tr("&Confirm the password:"), textLimit::Password, true },
        { m_question, "secretQuestion", tr("Secret &question:"), textLimit::SecretQuestion, false },
        { m_answer, "secretAnswer", tr("&Answer:"), textLimit::SecretAnswer, true },
    };
    for (const auto &f : fields) {
        f.edit->setObjectName(QString::fromLatin1(f.name));
        f.edit->setMaxLength(f.max);
        if (f.secret)
            f.edit->setEchoMode(QLineEdit::Password);
        details->addRow(f.label, f.edit);
        m_feedback.bind(QString::fromLatin1(f.name), f.edit);
        connect(f.edit, &QLineEdit::textEdited, this, [this] { m_feedback.clear(); });
    }
    m_details->hide();

    m_error->setObjectName(QStringLiteral("error"));
    m_resend->setObjectName(QStringLiteral("resend"));
    m_resend->setAutoDefault(false);
    m_outbox->setObjectName(QStringLiteral("openOutbox"));
    m_outbox->setAutoDefault(false);
    m_outbox->setToolTip(tr("Standalone mode: the mails Guichet sent, such as the activation link."));
    auto *actions = new QHBoxLayout;
    actions->addWidget(m_resend);
    actions->addWidget(m_outbox);
    actions->addStretch();

    auto *buttons = new QDialogButtonBox(QDialogButtonBox::Cancel, this);
    m_validate = buttons->addButton(tr("&Validate"), QDialogButtonBox::AcceptRole);
    m_validate->setObjectName(QStringLiteral("validate"));
    m_validate->setDefault(true);
    connect(buttons, &QDialogButtonBox::accepted, this, &ActivationDialog::activate);
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    connect(m_resend, &QPushButton::clicked, this, &ActivationDialog::resend);
    connect(m_outbox, &QPushButton::clicked, this, &ActivationDialog::openOutbox);
    for (QLineEdit *edit : { m_token, m_email })
        connect(edit, &QLineEdit::textEdited, this, [this] { m_feedback.clear(); });
    m_feedback.bind(QStringLiteral("token"), m_token);
    m_feedback.bind(QStringLiteral("email"), m_email);

    auto *layout = new QVBoxLayout(this);
    layout->addWidget(intro);
    layout->addWidget(m_info);
    layout->addLayout(form);
    layout->addWidget(m_details);
    layout->addWidget(m_error);
    layout->addLayout(actions);
    layout->addWidget(buttons);
    setMinimumWidth(520);
    m_token->setFocus();
}

QString ActivationDialog::errorText() const
{
    return m_error->isHidden() ? QString() : m_error->text();
}

QString ActivationDialog::infoText() const
{
    return m_info->isHidden() ? QString() : m_info->text();
}

void ActivationDialog::setInfo(const QString &text)
{
    m_info->setText(text);
    m_info->setVisible(!text.isEmpty());
}

void ActivationDialog::showDetails()
{
    // The code worked: asking for another mail is no longer the point, and
    // the room goes to the account's details (small screens).
    m_form->setRowVisible(m_resendHelp, false);
    m_form->setRowVisible(m_email, false);
    m_resend->hide();
    m_outbox->hide();
    m_details->show();
    adjustSize();
    m_firstName->setFocus();
}

void ActivationDialog::useCode(const QString &token)
{
    m_feedback.clear();
    m_token->setText(token);
    setInfo(tr("The code of your link is filled in: click \"Validate\" to activate your account."));
    m_validate->setFocus();
}

void ActivationDialog::activate()
{
    // A whole link pasted must be intact (the code alone is checked by core).
    QString linkError;
    if (GuichetLink::looksLikeLink(m_token->text()) && !GuichetLink::parse(m_token->text(), &linkError)) {
        m_feedback.showMessage(linkError, { QStringLiteral("token") });
        return;
    }
    const QString token = ReactivationDialog::tokenFrom(m_token->text());
    if (token.isEmpty()) {
        m_feedback.showMessage(tr("Complete this field: link or code from the mail."),
                               { QStringLiteral("token") });
        return;
    }
    ActivationDetails details;
    if (!m_details->isHidden()) {
        if (m_password->text() != m_confirmation->text()) {
            m_feedback.showMessage(tr("The password and its confirmation differ."),
                                   { QStringLiteral("confirmation") });
            return;
        }
        details.firstName = m_firstName->text();
        details.lastName = m_lastName->text();
        details.password = m_password->text();
        details.secretQuestion = m_question->text();
        details.secretAnswer = m_answer->text();
    }
    m_validate->setEnabled(false);
    m_session.gateway.activate(token, details, [this](const CommandResult &result) {
        m_validate->setEnabled(true);
        if (!result.ok()) {
            if (result.data.value(QStringLiteral("needsDetails")).toBool() && m_details->isHidden()) {
                // The first answer for an invitee: ask for the rest, no error yet.
                setInfo(result.message);
                showDetails();
                return;
            }
            m_feedback.show(result);
            return;
        }
        m_feedback.clear();
        accept();
    });
}

void ActivationDialog::resend()
{
    const QString email = m_email->text().trimmed();
    if (email.isEmpty()) {
        m_feedback.showMessage(tr("Complete this field: e-mail address."), { QStringLiteral("email") });
        return;
    }
    m_resend->setEnabled(false);
    m_session.gateway.send(commands::resendActivation(email), [this](const CommandResult &result) {
        m_resend->setEnabled(true);
        if (!result.ok()) {
            m_feedback.show(result);
            return;
        }
        m_feedback.clear();
        setInfo(result.data.value(QStringLiteral("message")).toString());
        m_token->clear();
        m_token->setFocus();
    });
}

void ActivationDialog::openOutbox()
{
    OutboxDialog outbox(m_session, this);
    Dialogs::exec(&outbox);
}

} // namespace guichet
