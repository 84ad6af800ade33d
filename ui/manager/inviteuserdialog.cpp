#include "ui/manager/inviteuserdialog.h"

#include "commands/commandargs.h"
#include "kernel/textlimits.h"
#include "models/attachmentmodel.h"
#include "rules/structures/structures.h"
#include "ui/shell/session.h"

#include <QCheckBox>
#include <QComboBox>
#include <QDialogButtonBox>
#include <QFormLayout>
#include <QLabel>
#include <QLineEdit>
#include <QListWidget>
#include <QPointer>
#include <QPushButton>
#include <QVBoxLayout>

namespace guichet {

InviteUserDialog::InviteUserDialog(Session &session, qint64 structureId, const QString &structureName,
                                   QWidget *parent)
    : QDialog(parent)
    , m_session(session)
    , m_structureId(structureId)
    , m_email(new QLineEdit(this))
    , m_role(new QComboBox(this))
    , m_language(new QComboBox(this))
    , m_whole(new QCheckBox(tr("Attach to the &whole structure"), this))
    , m_services(new QListWidget(this))
    , m_error(new QLabel(this))
    , m_feedback(m_error)
{
    setObjectName(QStringLiteral("inviteUserDialog"));
    setWindowTitle(tr("Invite a user"));
    auto *intro = new QLabel(tr("Invite someone to %1 by e-mail. A person who already has an active account "
                                "is attached at once; anyone else receives an invitation and is attached "
                                "with this role and these services once their account is activated.")
                                 .arg(structureName.toHtmlEscaped()),
                             this);
    intro->setWordWrap(true);

    m_email->setObjectName(QStringLiteral("email"));
    m_email->setMaxLength(textLimit::Email);
    m_email->setPlaceholderText(tr("name@example.org"));
    m_role->setObjectName(QStringLiteral("role"));
    m_role->addItem(AttachmentModel::roleLabel(QStringLiteral("user")), QStringLiteral("user"));
    m_role->addItem(AttachmentModel::roleLabel(QStringLiteral("secondary")), QStringLiteral("secondary"));
    m_language->setObjectName(QStringLiteral("language"));
    // Each language in its own words, as in the preferences.
    m_language->addItem(QStringLiteral("Français"), QStringLiteral("fr"));
    m_language->addItem(QStringLiteral("English"), QStringLiteral("en"));
    m_language->setToolTip(tr("The language of the invitation, for an address without an account (an "
                              "account's own language is used otherwise)."));
    m_whole->setObjectName(QStringLiteral("wholeStructure"));
    m_whole->setChecked(true);
    m_services->setObjectName(QStringLiteral("services"));
    m_services->setAccessibleName(tr("Services"));
    for (const ServiceRow &s : Structures(m_session.core).listServices(structureId)) {
        if (!s.active)
            continue;
        auto *item = new QListWidgetItem(s.name, m_services);
        item->setData(Qt::UserRole, s.id);
        item->setCheckState(Qt::Unchecked);
    }
    m_services->setEnabled(false);
    connect(m_whole, &QCheckBox::toggled, m_services, [this](bool on) { m_services->setEnabled(!on); });
    m_error->setObjectName(QStringLiteral("error"));
    m_error->setWordWrap(true);
    m_feedback.bind(QStringLiteral("email"), m_email);
    m_feedback.bind(QStringLiteral("role"), m_role);
    m_feedback.bind(QStringLiteral("services"), m_services);
    m_feedback.bind(QStringLiteral("language"), m_language);
    connect(m_email, &QLineEdit::textEdited, this, [this] { m_feedback.clear(); });

    auto *form = new QFormLayout;
    form->setRowWrapPolicy(QFormLayout::WrapLongRows);
    form->addRow(tr("&E-mail address:"), m_email);
    form->addRow(tr("&Role:"), m_role);
    form->addRow(m_whole);
    form->addRow(tr("Ser&vices:"), m_services);
    form->addRow(tr("&Language of the invitation:"), m_language);

    auto *buttons = new QDialogButtonBox(QDialogButtonBox::Cancel, this);
    buttons->setObjectName(QStringLiteral("buttons"));
    m_invite = buttons->addButton(tr("&Invite"), QDialogButtonBox::AcceptRole);
    m_invite->setObjectName(QStringLiteral("invite"));
    m_invite->setDefault(true);
    connect(buttons, &QDialogButtonBox::accepted, this, &InviteUserDialog::invite);
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);

    auto *layout = new QVBoxLayout(this);
    layout->addWidget(intro);
    layout->addLayout(form);
    layout->addWidget(m_error);
    layout->addWidget(buttons);
    // The language was created before the check box and the list it follows.
    setTabOrder(m_role, m_whole);
    setTabOrder(m_whole, m_services);
    setTabOrder(m_services, m_language);
    setMinimumWidth(480);
    m_email->setFocus();
}

QString InviteUserDialog::errorText() const
{
    return m_error->isHidden() ? QString() : m_error->text();
}

void InviteUserDialog::invite()
{
    QList<qint64> ids;
    for (int i = 0; i < m_services->count(); ++i) {
        if (m_services->item(i)->checkState() == Qt::Checked)
            ids.append(m_services->item(i)->data(Qt::UserRole).toLongLong());
    }
    const CommandCall call
        = commands::inviteUser(m_structureId, m_email->text(), m_role->currentData().toString(),
                               m_whole->isChecked(), ids, m_language->currentData().toString());
    m_invite->setEnabled(false);
    QPointer<InviteUserDialog> self(this);
    m_session.gateway.send(call, [self](const CommandResult &r) {
        if (!self)
            return;
        self->m_invite->setEnabled(true);
        if (!r.ok()) {
            // Everything typed stays; the field at fault is named.
            self->m_feedback.show(r);
            return;
        }
        self->m_feedback.clear();
        self->m_message = r.data.value(QStringLiteral("message")).toString();
        self->accept();
    });
}

} // namespace guichet
