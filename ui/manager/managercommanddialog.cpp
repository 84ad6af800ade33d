#include "ui/manager/managercommanddialog.h"

#include "commands/commandargs.h"
#include "models/attachmentmodel.h"
#include "rules/structures/structures.h"
#include "ui/shell/session.h"

#include <QCheckBox>
#include <QComboBox>
#include <QDateEdit>
#include <QDialogButtonBox>
#include <QLabel>
#include <QListWidget>
#include <QPointer>
#include <QPushButton>
#include <QVBoxLayout>

namespace guichet {

ManagerCommandDialog::ManagerCommandDialog(Session &session, const QString &objectName, const QString &title,
                                           QWidget *parent)
    : QDialog(parent)
    , m_session(session)
    , m_error(new QLabel(this))
    , m_feedback(m_error)
{
    setObjectName(objectName);
    setWindowTitle(title);
    m_error->setObjectName(QStringLiteral("error"));
    m_error->setWordWrap(true);
}

QString ManagerCommandDialog::errorText() const
{
    return m_error->isHidden() ? QString() : m_error->text();
}

void ManagerCommandDialog::setUp(QLabel *intro, QLayout *form, const QString &acceptText,
                                 const QString &acceptName)
{
    intro->setObjectName(QStringLiteral("intro"));
    intro->setWordWrap(true);
    auto *buttons = new QDialogButtonBox(QDialogButtonBox::Cancel, this);
    buttons->setObjectName(QStringLiteral("buttons"));
    m_accept = buttons->addButton(acceptText, QDialogButtonBox::AcceptRole);
    m_accept->setObjectName(acceptName);
    m_accept->setDefault(true);
    connect(buttons, &QDialogButtonBox::accepted, this, &ManagerCommandDialog::submit);
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);

    auto *layout = new QVBoxLayout(this);
    layout->addWidget(intro);
    layout->addLayout(form);
    layout->addWidget(m_error);
    layout->addWidget(buttons);
}

void ManagerCommandDialog::send(const CommandCall &call, std::function<void(const CommandResult &)> accepted)
{
    m_accept->setEnabled(false);
    QPointer<ManagerCommandDialog> self(this);
    m_session.gateway.send(call, [self, accepted = std::move(accepted)](const CommandResult &r) {
        if (!self)
            return;
        self->m_accept->setEnabled(true);
        if (!r.ok()) {
            // Everything typed stays; the field at fault is named.
            self->m_feedback.show(r);
            return;
        }
        self->m_feedback.clear();
        if (accepted)
            accepted(r);
        self->accept();
    });
}

QList<qint64> ManagerCommandDialog::checkedIds(const QListWidget *list)
{
    QList<qint64> ids;
    for (int i = 0; i < list->count(); ++i) {
        if (list->item(i)->checkState() == Qt::Checked)
            ids.append(list->item(i)->data(Qt::UserRole).toLongLong());
    }
    return ids;
}

void ManagerCommandDialog::setUpRoleAndValidity(QComboBox *role, QDateEdit *from, QCheckBox *hasUntil,
                                                QDateEdit *until)
{
    role->setObjectName(QStringLiteral("role"));
    addGrantableRoles(role);
    from->setObjectName(QStringLiteral("validFrom"));
    from->setCalendarPopup(true);
    hasUntil->setObjectName(QStringLiteral("hasValidUntil"));
    until->setObjectName(QStringLiteral("validUntil"));
    until->setCalendarPopup(true);
    until->setEnabled(false);
    connect(hasUntil, &QCheckBox::toggled, until, &QWidget::setEnabled);
    m_feedback.bind(QStringLiteral("role"), role);
    m_feedback.bind(QStringLiteral("validFrom"), from);
    m_feedback.bind(QStringLiteral("validUntil"), until);
}

void ManagerCommandDialog::addServicesPicker(QCheckBox *whole, QListWidget *services, qint64 structureId)
{
    whole->setObjectName(QStringLiteral("wholeStructure"));
    whole->setChecked(true);
    services->setObjectName(QStringLiteral("services"));
    services->setAccessibleName(tr("Services"));
    for (const ServiceRow &s : Structures(m_session.core).listServices(structureId)) {
        if (!s.active)
            continue;
        auto *item = new QListWidgetItem(s.name, services);
        item->setData(Qt::UserRole, s.id);
        item->setCheckState(Qt::Unchecked);
    }
    services->setEnabled(false);
    connect(whole, &QCheckBox::toggled, services, [services](bool on) { services->setEnabled(!on); });
}

void ManagerCommandDialog::addGrantableRoles(QComboBox *box)
{
    box->addItem(AttachmentModel::roleLabel(QStringLiteral("user")), QStringLiteral("user"));
    box->addItem(AttachmentModel::roleLabel(QStringLiteral("secondary")), QStringLiteral("secondary"));
}

} // namespace guichet
