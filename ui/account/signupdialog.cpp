#include "ui/account/signupdialog.h"

#include "commands/commandargs.h"
#include "kernel/textlimits.h"
#include "rules/accounts/passwords.h"
#include "rules/accounts/signups.h"
#include "ui/shell/session.h"

#include <QDialogButtonBox>
#include <QFormLayout>
#include <QLabel>
#include <QLineEdit>
#include <QLocale>
#include <QPushButton>
#include <QVBoxLayout>

namespace guichet {

namespace {

QLineEdit *field(QWidget *parent, const QString &name, const QString &accessibleName, int maxLength,
                 bool secret = false)
{
    auto *edit = new QLineEdit(parent);
    edit->setObjectName(name);
    edit->setAccessibleName(accessibleName);
    edit->setMaxLength(maxLength);
    if (secret)
        edit->setEchoMode(QLineEdit::Password);
    return edit;
}

} // namespace

SignUpDialog::SignUpDialog(Session &session, const QString &email, QWidget *parent)
    : QDialog(parent)
    , m_session(session)
    , m_email(field(this, QStringLiteral("email"), tr("E-mail address"), textLimit::Email))
    , m_firstName(field(this, QStringLiteral("firstName"), tr("First name"), textLimit::Name))
    , m_lastName(field(this, QStringLiteral("lastName"), tr("Last name"), textLimit::Name))
    , m_password(field(this, QStringLiteral("password"), tr("Password"), textLimit::Password, true))
    , m_confirmation(field(this, QStringLiteral("confirmation"), tr("Confirmation of the password"),
                           textLimit::Password, true))
    , m_question(
          field(this, QStringLiteral("secretQuestion"), tr("Secret question"), textLimit::SecretQuestion))
    , m_answer(field(this, QStringLiteral("secretAnswer"), tr("Answer to the secret question"),
                     textLimit::SecretAnswer, true))
    , m_policy(new QLabel(this))
    , m_error(new QLabel(this))
    , m_validate(nullptr)
    , m_haveCode(new QPushButton(tr("I already have a &code"), this))
    , m_feedback(m_error)
{
    setObjectName(QStringLiteral("signUpDialog"));
    setWindowTitle(tr("Create an account"));

    auto *intro = new QLabel(tr("Your account is created inactive: a mail is sent to your address with the "
                                "link that activates it (valid %1 hours). Once activated, Guichet opens "
                                "signed in.")
                                 .arg(accountRules::ActivationTokenLifetimeSecs / 3600),
                             this);
    intro->setWordWrap(true);

    m_email->setText(email);
    m_email->setPlaceholderText(tr("name@example.org"));
    m_policy->setObjectName(QStringLiteral("passwordPolicy"));
    m_policy->setText(tr("At least %1 characters, with at least 3 kinds among lower-case letters, upper-case "
                         "letters, digits and other characters; not containing the name part of your e-mail "
                         "address.")
                          .arg(MinimumPasswordLength));
    m_policy->setWordWrap(true);
    QFont helpFont = m_policy->font();
    helpFont.setPointSizeF(helpFont.pointSizeF() * 0.9);
    m_policy->setFont(helpFont);
    m_question->setPlaceholderText(tr("e.g. The name of my first school?"));

    auto *form = new QFormLayout;
    // Labels above their field when the dialog is narrow: nothing is cut.
    form->setRowWrapPolicy(QFormLayout::WrapLongRows);
    form->addRow(tr("&E-mail address:"), m_email);
    form->addRow(tr("&First name:"), m_firstName);
    form->addRow(tr("&Last name:"), m_lastName);
    form->addRow(tr("&Password:"), m_password);
    form->addRow(QString(), m_policy);
    form->addRow(tr("Confir&mation:"), m_confirmation);
    form->addRow(tr("Secret &question:"), m_question);
    form->addRow(tr("&Answer:"), m_answer);

    m_error->setObjectName(QStringLiteral("error"));
    m_haveCode->setObjectName(QStringLiteral("haveCode"));
    m_haveCode->setFlat(true);
    m_haveCode->setAutoDefault(false);
    m_haveCode->setToolTip(tr("The activation mail arrived: paste its code."));

    auto *buttons = new QDialogButtonBox(QDialogButtonBox::Cancel, this);
    m_validate = buttons->addButton(tr("&Validate"), QDialogButtonBox::AcceptRole);
    m_validate->setObjectName(QStringLiteral("validate"));
    m_validate->setDefault(true);
    connect(buttons, &QDialogButtonBox::accepted, this, &SignUpDialog::validate);
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    connect(m_haveCode, &QPushButton::clicked, this, [this] {
        emit activationRequested(m_email->text().trimmed());
        reject();
    });
    for (QLineEdit *edit :
         { m_email, m_firstName, m_lastName, m_password, m_confirmation, m_question, m_answer })
        connect(edit, &QLineEdit::textEdited, this, [this] { m_feedback.clear(); });

    m_feedback.bind(QStringLiteral("email"), m_email);
    m_feedback.bind(QStringLiteral("firstName"), m_firstName);
    m_feedback.bind(QStringLiteral("lastName"), m_lastName);
    m_feedback.bind(QStringLiteral("password"), m_password);
    m_feedback.bind(QStringLiteral("confirmation"), m_confirmation);
    m_feedback.bind(QStringLiteral("secretQuestion"), m_question);
    m_feedback.bind(QStringLiteral("secretAnswer"), m_answer);

    auto *layout = new QVBoxLayout(this);
    layout->addWidget(intro);
    layout->addLayout(form);
    layout->addWidget(m_error);
    layout->addWidget(m_haveCode, 0, Qt::AlignLeft);
    layout->addWidget(buttons);
    setMinimumWidth(520);
    (email.isEmpty() ? m_email : m_firstName)->setFocus();
}

QString SignUpDialog::email() const
{
    return m_email->text().trimmed();
}

QString SignUpDialog::errorText() const
{
    return m_error->isVisible() ? m_error->text() : QString();
}

void SignUpDialog::validate()
{
    QStringList fields, labels;
    const auto require = [&](bool missing, const QString &name, const QString &label) {
        if (missing) {
            fields << name;
            labels << label;
        }
    };
    require(m_email->text().trimmed().isEmpty(), QStringLiteral("email"), tr("e-mail address"));
    require(m_firstName->text().trimmed().isEmpty(), QStringLiteral("firstName"), tr("first name"));
    require(m_lastName->text().trimmed().isEmpty(), QStringLiteral("lastName"), tr("last name"));
    require(m_password->text().isEmpty(), QStringLiteral("password"), tr("password"));
    require(m_confirmation->text().isEmpty(), QStringLiteral("confirmation"), tr("confirmation"));
    require(m_question->text().trimmed().isEmpty(), QStringLiteral("secretQuestion"), tr("secret question"));
    require(m_answer->text().trimmed().isEmpty(), QStringLiteral("secretAnswer"), tr("answer"));
    if (!fields.isEmpty()) {
        m_feedback.showMessage(tr("Complete these fields: %1.").arg(labels.join(QStringLiteral(", "))),
                               fields);
        return;
    }
    if (m_password->text() != m_confirmation->text()) {
        m_feedback.showMessage(tr("The confirmation differs from the password."),
                               { QStringLiteral("confirmation") });
        return;
    }
    SignUpRequest request;
    request.email = m_email->text().trimmed();
    request.firstName = m_firstName->text().trimmed();
    request.lastName = m_lastName->text().trimmed();
    request.password = m_password->text();
    request.secretQuestion = m_question->text().trimmed();
    request.secretAnswer = m_answer->text();
    // The mails come in the language Guichet speaks now.
    request.language = QLocale().language() == QLocale::French ? QStringLiteral("fr") : QStringLiteral("en");
    m_validate->setEnabled(false);
    m_session.gateway.send(commands::signUp(request), [this](const CommandResult &result) {
        m_validate->setEnabled(true);
        if (!result.ok()) {
            m_feedback.show(result);
            return;
        }
        m_feedback.clear();
        m_answerMessage = result.data.value(QStringLiteral("message")).toString();
        accept();
    });
}

} // namespace guichet
