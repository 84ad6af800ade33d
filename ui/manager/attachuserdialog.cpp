#include "ui/manager/attachuserdialog.h"

#include "commands/commandargs.h"
#include "ui/shell/session.h"

#include <QCheckBox>
#include <QComboBox>
#include <QDateEdit>
#include <QFormLayout>
#include <QLabel>
#include <QListWidget>

namespace guichet {

AttachUserDialog::AttachUserDialog(Session &session, qint64 structureId, qint64 userId,
                                   const QString &userLabel, QWidget *parent)
    : ManagerCommandDialog(session, QStringLiteral("attachUserDialog"), tr("Attach a user"), parent)
    , m_structureId(structureId)
    , m_userId(userId)
    , m_role(new QComboBox(this))
    , m_from(new QDateEdit(session.clock.today(), this))
    , m_hasUntil(new QCheckBox(tr("&Until"), this))
    , m_until(new QDateEdit(session.clock.today().addYears(1), this))
    , m_whole(new QCheckBox(tr("Attach to the &whole structure"), this))
    , m_services(new QListWidget(this))
{
    auto *intro = new QLabel(
        tr("Attach %1 to the structure, with this role, from this date.").arg(userLabel.toHtmlEscaped()),
        this);
    setUpRoleAndValidity(m_role, m_from, m_hasUntil, m_until);
    addServicesPicker(m_whole, m_services, structureId);
    feedback().bind(QStringLiteral("services"), m_services);

    auto *form = new QFormLayout;
    form->setRowWrapPolicy(QFormLayout::WrapLongRows);
    form->addRow(tr("&Role:"), m_role);
    form->addRow(tr("&From:"), m_from);
    form->addRow(m_hasUntil, m_until);
    form->addRow(m_whole);
    form->addRow(tr("Ser&vices:"), m_services);
    setUp(intro, form, tr("&Attach"), QStringLiteral("attach"));
    setMinimumWidth(480);
    m_role->setFocus();
}

void AttachUserDialog::submit()
{
    send(commands::attachUser(m_structureId, m_userId, m_role->currentData().toString(), m_from->date(),
                              m_hasUntil->isChecked() ? m_until->date() : QDate(), m_whole->isChecked(),
                              checkedIds(m_services)));
}

} // namespace guichet
