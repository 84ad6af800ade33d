#include "ui/manager/inviteuserdialog.h"

#include "commands/commandargs.h"
#include "kernel/textlimits.h"
#include "ui/shell/session.h"

#include <QCheckBox>
#include <QComboBox>
#include <QFormLayout>
#include <QLabel>
#include <QLineEdit>
#include <QListWidget>

namespace guichet {

InviteUserDialog::InviteUserDialog(Session &session, qint64 structureId, const QString &structureName,
                                   QWidget *parent)
    : ManagerCommandDialog(session, QStringLiteral("inviteUserDialog"), tr("Invite a user"), parent)
    , m_structureId(structureId)
    , m_email(new QLineEdit(this))
    , m_role(new QComboBox(this))
    , m_language(new QComboBox(this))
    , m_whole(new QCheckBox(tr("Attach to the &whole structure"), this))
    , m_services(new QListWidget(this))
{
    auto *intro = new QLabel(tr("Invite someone to %1 by e-mail. A person who already has an active account "
                                "is attached at once; anyone else receives an invitation and is attached "
                                "with this role and these services once their account is activated.")
                                 .arg(structureName.toHtmlEscaped()),
                             this);

    m_email->setObjectName(QStringLiteral("email"));
    m_email->setMaxLength(textLimit::Email);
    m_email->setPlaceholderText(tr("name@example.org"));
    m_role->setObjectName(QStringLiteral("role"));
    addGrantableRoles(m_role);
    m_language->setObjectName(QStringLiteral("language"));
    // Each language in its own words, as in the preferences.
    m_language->addItem(QStringLiteral("Français"), QStringLiteral("fr"));
    m_language->addItem(QStringLiteral("English"), QStringLiteral("en"));
    m_language->setToolTip(tr("The language of the invitation, for an address without an account (an "
                              "account's own language is used otherwise)."));
    addServicesPicker(m_whole, m_services, structureId);
    feedback().bind(QStringLiteral("email"), m_email);
    feedback().bind(QStringLiteral("role"), m_role);
    feedback().bind(QStringLiteral("services"), m_services);
    feedback().bind(QStringLiteral("language"), m_language);
    connect(m_email, &QLineEdit::textEdited, this, [this] { feedback().clear(); });

    auto *form = new QFormLayout;
    form->setRowWrapPolicy(QFormLayout::WrapLongRows);
    form->addRow(tr("&E-mail address:"), m_email);
    form->addRow(tr("&Role:"), m_role);
    form->addRow(m_whole);
    form->addRow(tr("Ser&vices:"), m_services);
    form->addRow(tr("&Language of the invitation:"), m_language);

    setUp(intro, form, tr("&Invite"), QStringLiteral("invite"));
    // The language was created before the check box and the list it follows.
    setTabOrder(m_role, m_whole);
    setTabOrder(m_whole, m_services);
    setTabOrder(m_services, m_language);
    setMinimumWidth(480);
    m_email->setFocus();
}

void InviteUserDialog::submit()
{
    send(commands::inviteUser(m_structureId, m_email->text(), m_role->currentData().toString(),
                              m_whole->isChecked(), checkedIds(m_services),
                              m_language->currentData().toString()),
         [this](const CommandResult &r) { m_message = r.data.value(QStringLiteral("message")).toString(); });
}

} // namespace guichet
