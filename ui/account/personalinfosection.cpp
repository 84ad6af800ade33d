#include "ui/account/personalinfosection.h"

#include "commands/commandargs.h"
#include "commands/commandcatalogue.h"
#include "rules/accounts/accounts.h"
#include "rules/accounts/passwords.h"
#include "ui/shell/session.h"
#include "ui/sync/queuedchange.h"
#include "ui/widgets/messagebar.h"

#include <QDialogButtonBox>
#include <QFormLayout>
#include <QGroupBox>
#include <QJsonObject>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QScrollArea>
#include <QVBoxLayout>

namespace guichet {

namespace {

const QStringList passwordFields { QStringLiteral("currentPassword"), QStringLiteral("newPassword"),
                                   QStringLiteral("confirmation"), QStringLiteral("secretAnswer") };

QLabel *helpLabel(const QString &text, QWidget *parent)
{
    auto *label = new QLabel(text, parent);
    label->setWordWrap(true);
    label->setEnabled(false); // the platform's discreet "help text" look
    return label;
}

} // namespace

PersonalInfoSection::PersonalInfoSection(Session &session, QWidget *parent)
    : QWidget(parent)
    , m_session(session)
    , m_signInEmail(new QLabel(this))
    , m_messages(new MessageBar(this))
    , m_validate(new QPushButton(tr("&Validate"), this))
    , m_cancel(new QPushButton(tr("&Cancel"), this))
    , m_feedback(m_messages)
{
    setObjectName(QStringLiteral("personalInfo"));

    auto *content = new QWidget(this);

    // « Informations générales »
    auto *general = new QGroupBox(tr("General information"), content);
    auto *generalForm = new QFormLayout(general);
    m_signInEmail->setObjectName(QStringLiteral("signInEmail"));
    m_signInEmail->setTextInteractionFlags(Qt::TextSelectableByMouse);
    generalForm->addRow(tr("Sign-in e-mail:"), m_signInEmail);
    generalForm->addRow(tr("Con&tact e-mail:"),
                        addEdit(QStringLiteral("contactEmail"), tr("Contact e-mail")));
    generalForm->addRow(
        QString(),
        helpLabel(tr("This address is used to receive notifications (see Notifications)."), general));
    generalForm->addRow(tr("&Last name:"), addEdit(QStringLiteral("lastName"), tr("Last name")));
    generalForm->addRow(tr("&First name:"), addEdit(QStringLiteral("firstName"), tr("First name")));

    // « Adresse postale »
    auto *address = new QGroupBox(tr("Postal address"), content);
    auto *addressForm = new QFormLayout(address);
    addressForm->addRow(tr("&Address:"), addEdit(QStringLiteral("addressLine"), tr("Address")));
    addressForm->addRow(tr("&Postal code:"), addEdit(QStringLiteral("postalCode"), tr("Postal code")));
    addressForm->addRow(tr("C&ity:"), addEdit(QStringLiteral("city"), tr("City")));
    addressForm->addRow(tr("Co&untry:"), addEdit(QStringLiteral("country"), tr("Country")));

    // « Mot de passe »
    auto *password = new QGroupBox(tr("Password"), content);
    auto *passwordForm = new QFormLayout(password);
    passwordForm->addRow(helpLabel(tr("Fill in these fields only to change your password. The new password "
                                      "needs at least %1 characters mixing at least 3 of: lower-case "
                                      "letters, upper-case letters, digits, other characters; it must not "
                                      "contain the part of your sign-in e-mail before the @, and must "
                                      "differ from the current password.")
                                       .arg(MinimumPasswordLength),
                                   password));
    passwordForm->addRow(tr("Cu&rrent password:"),
                         addEdit(QStringLiteral("currentPassword"), tr("Current password")));
    passwordForm->addRow(tr("&New password:"), addEdit(QStringLiteral("newPassword"), tr("New password")));
    passwordForm->addRow(tr("C&onfirmation:"),
                         addEdit(QStringLiteral("confirmation"), tr("Confirmation of the new password")));

    // « Question secrète »
    auto *secret = new QGroupBox(tr("Secret question"), content);
    auto *secretForm = new QFormLayout(secret);
    secretForm->addRow(helpLabel(tr("Changing the question or its answer needs your current password "
                                    "(above). The answer is never shown: leave it empty to keep it."),
                                 secret));
    secretForm->addRow(tr("&Question:"), addEdit(QStringLiteral("secretQuestion"), tr("Secret question")));
    secretForm->addRow(tr("An&swer:"),
                       addEdit(QStringLiteral("secretAnswer"), tr("Answer to the secret question")));
    edit(QStringLiteral("secretAnswer"))->setPlaceholderText(tr("Leave empty to keep the current answer"));
    for (const QString &field : passwordFields)
        edit(field)->setEchoMode(QLineEdit::Password);

    auto *contentLayout = new QVBoxLayout(content);
    contentLayout->addWidget(general);
    contentLayout->addWidget(address);
    contentLayout->addWidget(password);
    contentLayout->addWidget(secret);
    contentLayout->addStretch();
    auto *scroll = new QScrollArea(this);
    scroll->setWidgetResizable(true);
    scroll->setFrameShape(QFrame::NoFrame);
    scroll->setFocusPolicy(Qt::NoFocus); // Tab goes to its fields, which it scrolls into view
    scroll->setWidget(content);

    m_validate->setObjectName(QStringLiteral("validate"));
    m_validate->setDefault(true);
    m_validate->setToolTip(tr("Save all your personal information"));
    m_cancel->setObjectName(QStringLiteral("cancel"));
    m_cancel->setToolTip(tr("Put back what is saved"));
    auto *buttons = new QDialogButtonBox(this);
    buttons->addButton(m_validate, QDialogButtonBox::AcceptRole);
    buttons->addButton(m_cancel, QDialogButtonBox::RejectRole);
    connect(m_validate, &QPushButton::clicked, this, &PersonalInfoSection::validate);
    connect(m_cancel, &QPushButton::clicked, this, &PersonalInfoSection::reload);

    auto *layout = new QVBoxLayout(this);
    layout->addWidget(m_messages);
    layout->addWidget(scroll, 1);
    layout->addWidget(buttons);

    // Tab through the form in reading order, then the buttons.
    const QStringList order { QStringLiteral("contactEmail"),   QStringLiteral("lastName"),
                              QStringLiteral("firstName"),      QStringLiteral("addressLine"),
                              QStringLiteral("postalCode"),     QStringLiteral("city"),
                              QStringLiteral("country"),        QStringLiteral("currentPassword"),
                              QStringLiteral("newPassword"),    QStringLiteral("confirmation"),
                              QStringLiteral("secretQuestion"), QStringLiteral("secretAnswer") };
    QWidget *previous = nullptr;
    for (const QString &field : order) {
        if (previous)
            setTabOrder(previous, edit(field));
        previous = edit(field);
    }
    setTabOrder(previous, m_validate);
    setTabOrder(m_validate, m_cancel);

    // A change saved elsewhere (notifications' contact address) shows here,
    // unless the user is in the middle of editing.
    connect(&m_session.gateway, &CommandGateway::dataChanged, this, [this] {
        if (!m_dirty)
            reload();
    });
    reload();
}

QLineEdit *PersonalInfoSection::addEdit(const QString &field, const QString &accessibleName)
{
    auto *lineEdit = new QLineEdit(this);
    lineEdit->setObjectName(field);
    lineEdit->setAccessibleName(accessibleName);
    m_edits.insert(field, lineEdit);
    m_feedback.bind(field, lineEdit);
    connect(lineEdit, &QLineEdit::textEdited, this, [this] {
        m_dirty = true;
        m_messages->dismiss();
    });
    // Enter in any field validates, as the default button of a dialog would.
    connect(lineEdit, &QLineEdit::returnPressed, this, &PersonalInfoSection::validate);
    return lineEdit;
}

QString PersonalInfoSection::errorText() const
{
    return m_messages->kind() == MessageBar::Kind::Error ? m_messages->text() : QString();
}

QString PersonalInfoSection::confirmationText() const
{
    return m_messages->kind() == MessageBar::Kind::Error ? QString() : m_messages->text();
}

void PersonalInfoSection::reload()
{
    m_feedback.clear();
    m_messages->dismiss();
    const std::optional<ProfileView> view = Accounts(m_session.core).profile(m_session.userId());
    if (!view)
        return;
    const Profile &p = view->profile;
    m_signInEmail->setText(view->email);
    const QHash<QString, QString> values { { QStringLiteral("contactEmail"), p.contactEmail },
                                           { QStringLiteral("lastName"), p.lastName },
                                           { QStringLiteral("firstName"), p.firstName },
                                           { QStringLiteral("addressLine"), p.addressLine },
                                           { QStringLiteral("postalCode"), p.postalCode },
                                           { QStringLiteral("city"), p.city },
                                           { QStringLiteral("country"), p.country },
                                           { QStringLiteral("secretQuestion"), view->secretQuestion } };
    for (auto it = m_edits.cbegin(); it != m_edits.cend(); ++it)
        it.value()->setText(values.value(it.key()));
    edit(QStringLiteral("secretAnswer"))
        ->setPlaceholderText(view->hasSecretAnswer ? tr("Leave empty to keep the current answer")
                                                   : tr("No answer saved yet"));
    m_dirty = false;
}

void PersonalInfoSection::validate()
{
    const auto typed = [this](const char *key) { return edit(QLatin1String(key))->text(); };
    PersonalInformation info;
    info.profile.contactEmail = typed(argKey::contactEmail);
    info.profile.lastName = typed(argKey::lastName);
    info.profile.firstName = typed(argKey::firstName);
    info.profile.addressLine = typed(argKey::addressLine);
    info.profile.postalCode = typed(argKey::postalCode);
    info.profile.city = typed(argKey::city);
    info.profile.country = typed(argKey::country);
    info.currentPassword = typed(argKey::currentPassword);
    info.newPassword = typed(argKey::newPassword);
    info.confirmation = typed(argKey::confirmation);
    info.secretQuestion = typed(argKey::secretQuestion);
    info.secretAnswer = typed(argKey::secretAnswer);
    m_messages->dismiss();
    m_session.gateway.send(commands::updatePersonalInformation(info), [this](const CommandResult &r) {
        if (!r.ok()) {
            // What the user typed stays, so they only fix the named fields.
            m_feedback.show(r);
            return;
        }
        reload(); // clears the password fields and shows what core saved
        QString text = QueuedChange::isQueued(r) ? QueuedChange::message()
                                                 : tr("Your personal information has been saved.");
        if (r.data.value(QStringLiteral("passwordChanged")).toBool())
            text += QLatin1Char(' ') + tr("Your password has been changed.");
        if (r.data.value(QStringLiteral("secretQuestionChanged")).toBool())
            text += QLatin1Char(' ') + tr("Your secret question has been changed.");
        m_messages->showMessage(
            QueuedChange::isQueued(r) ? MessageBar::Kind::Information : MessageBar::Kind::Positive, text);
    });
}

} // namespace guichet
