#include "ui/account/notificationssection.h"

#include "commands/commandargs.h"
#include "rules/accounts/accounts.h"
#include "ui/shell/session.h"
#include "ui/widgets/messagebar.h"

#include <QCheckBox>
#include <QDialogButtonBox>
#include <QFormLayout>
#include <QJsonObject>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QVBoxLayout>

namespace guichet {

NotificationsSection::NotificationsSection(Session &session, QWidget *parent)
    : QWidget(parent)
    , m_session(session)
    , m_receive(new QCheckBox(tr("&Receive notifications"), this))
    , m_contact(new QLineEdit(this))
    , m_messages(new MessageBar(this))
    , m_validate(new QPushButton(tr("&Validate"), this))
    , m_cancel(new QPushButton(tr("&Cancel"), this))
    , m_feedback(m_messages)
{
    setObjectName(QStringLiteral("notifications"));

    m_receive->setObjectName(QStringLiteral("receiveNotifications"));
    auto *explanation = new QLabel(
        tr("When this box is checked, you receive every day, at your contact e-mail address, a mail about "
           "new events and the progress of your invoices through their life-cycle statuses. A weekly "
           "summary of the movements on your structures is sent as well.\n\n"
           "Uncheck the box to stop being informed by mail."),
        this);
    explanation->setObjectName(QStringLiteral("explanation"));
    explanation->setWordWrap(true);

    m_contact->setObjectName(QStringLiteral("contactEmail"));
    m_contact->setAccessibleName(tr("Contact e-mail"));
    auto *contactHelp = new QLabel(tr("The same address as in Personal information: changing it here "
                                      "changes it there too."),
                                   this);
    contactHelp->setWordWrap(true);
    contactHelp->setEnabled(false);
    auto *form = new QFormLayout;
    form->addRow(tr("Con&tact e-mail:"), m_contact);
    form->addRow(QString(), contactHelp);
    m_feedback.bind(QStringLiteral("contactEmail"), m_contact);

    m_validate->setObjectName(QStringLiteral("validate"));
    m_validate->setDefault(true);
    m_cancel->setObjectName(QStringLiteral("cancel"));
    m_cancel->setToolTip(tr("Put back what is saved"));
    auto *buttons = new QDialogButtonBox(this);
    buttons->addButton(m_validate, QDialogButtonBox::AcceptRole);
    buttons->addButton(m_cancel, QDialogButtonBox::RejectRole);
    connect(m_validate, &QPushButton::clicked, this, &NotificationsSection::validate);
    connect(m_cancel, &QPushButton::clicked, this, &NotificationsSection::reload);
    connect(m_receive, &QCheckBox::clicked, this, &NotificationsSection::edited);
    connect(m_contact, &QLineEdit::textEdited, this, &NotificationsSection::edited);
    connect(m_contact, &QLineEdit::returnPressed, this, &NotificationsSection::validate);

    auto *layout = new QVBoxLayout(this);
    layout->addWidget(m_messages);
    layout->addWidget(m_receive);
    layout->addWidget(explanation);
    layout->addLayout(form);
    layout->addWidget(buttons);
    layout->addStretch();
    setTabOrder(m_receive, m_contact);
    setTabOrder(m_contact, m_validate);
    setTabOrder(m_validate, m_cancel);

    connect(&m_session.gateway, &CommandGateway::dataChanged, this, [this] {
        if (!m_dirty)
            reload();
    });
    reload();
}

QString NotificationsSection::errorText() const
{
    return m_messages->kind() == MessageBar::Kind::Error ? m_messages->text() : QString();
}

QString NotificationsSection::confirmationText() const
{
    return m_messages->kind() == MessageBar::Kind::Error ? QString() : m_messages->text();
}

void NotificationsSection::edited()
{
    m_dirty = true;
    m_messages->dismiss();
}

void NotificationsSection::reload()
{
    m_feedback.clear();
    m_messages->dismiss();
    const std::optional<ProfileView> view = Accounts(m_session.core).profile(m_session.userId());
    if (!view)
        return;
    m_receive->setChecked(view->notifications);
    m_contact->setText(view->profile.contactEmail);
    m_dirty = false;
}

void NotificationsSection::validate()
{
    const bool enabled = m_receive->isChecked();
    m_messages->dismiss();
    m_session.gateway.send(
        commands::setNotifications(enabled, m_contact->text()), [this, enabled](const CommandResult &r) {
            if (!r.ok()) {
                m_feedback.show(r);
                return;
            }
            reload();
            m_messages->showOutcome(
                r,
                enabled ? tr("Notifications are on: they are sent to %1.").arg(m_contact->text())
                        : tr("Notifications are off."));
        });
}

} // namespace guichet
