#include "ui/manager/attachtostructuresdialog.h"

#include "commands/commandargs.h"
#include "kernel/structureidentifier.h"
#include "rules/structures/structures.h"
#include "ui/shell/session.h"

#include <QCheckBox>
#include <QComboBox>
#include <QDateEdit>
#include <QFormLayout>
#include <QLabel>
#include <QListWidget>
#include <QSignalBlocker>

namespace guichet {

AttachToStructuresDialog::AttachToStructuresDialog(Session &session, qint64 userId, const QString &userLabel,
                                                   const QList<ManagedStructure> &structures,
                                                   qint64 currentStructureId, QWidget *parent)
    : ManagerCommandDialog(session, QStringLiteral("attachToStructuresDialog"),
                           tr("Attach to several structures"), parent)
    , m_userId(userId)
    , m_structures(new QListWidget(this))
    , m_services(new QListWidget(this))
    , m_role(new QComboBox(this))
    , m_from(new QDateEdit(session.clock.today(), this))
    , m_hasUntil(new QCheckBox(tr("&Until"), this))
    , m_until(new QDateEdit(session.clock.today().addYears(1), this))
{
    auto *intro
        = new QLabel(tr("Attach %1 to each structure checked, for the whole structure or for the services "
                        "checked for it below. If one of them cannot take the attachment, nothing is "
                        "attached.")
                         .arg(userLabel.toHtmlEscaped()),
                     this);

    m_structures->setObjectName(QStringLiteral("structures"));
    m_structures->setAccessibleName(tr("Structures"));
    for (const ManagedStructure &s : structures) {
        if (!s.canManage)
            continue;
        auto *item = new QListWidgetItem(
            tr("%1 (%2)").arg(s.raisonSociale, StructureIdentifier::display(s.identifierType, s.siret)),
            m_structures);
        item->setData(Qt::UserRole, s.id);
        item->setCheckState(s.id == currentStructureId ? Qt::Checked : Qt::Unchecked);
    }
    m_services->setObjectName(QStringLiteral("services"));
    m_services->setAccessibleName(tr("Services of the selected structure"));
    m_services->setToolTip(tr("None checked: the whole structure."));
    connect(m_structures, &QListWidget::currentRowChanged, this, &AttachToStructuresDialog::showServices);
    connect(m_services, &QListWidget::itemChanged, this, [this](QListWidgetItem *item) {
        const QListWidgetItem *structure = m_structures->currentItem();
        if (!structure)
            return;
        QList<qint64> &chosen = m_chosenServices[structure->data(Qt::UserRole).toLongLong()];
        const qint64 id = item->data(Qt::UserRole).toLongLong();
        chosen.removeAll(id);
        if (item->checkState() == Qt::Checked)
            chosen.append(id);
    });
    setUpRoleAndValidity(m_role, m_from, m_hasUntil, m_until);
    feedback().bind(QStringLiteral("structures"), m_structures);
    feedback().bind(QStringLiteral("services"), m_services);

    auto *form = new QFormLayout;
    form->setRowWrapPolicy(QFormLayout::WrapLongRows);
    form->addRow(tr("&Structures:"), m_structures);
    form->addRow(tr("Ser&vices:"), m_services);
    form->addRow(tr("&Role:"), m_role);
    form->addRow(tr("&From:"), m_from);
    form->addRow(m_hasUntil, m_until);

    setUp(intro, form, tr("&Attach"), QStringLiteral("attach"));
    setMinimumWidth(520);
    setTabOrder(m_structures, m_services);
    setTabOrder(m_services, m_role);
    for (int i = 0; i < m_structures->count(); ++i) {
        if (m_structures->item(i)->checkState() == Qt::Checked) {
            m_structures->setCurrentRow(i);
            break;
        }
    }
    if (!m_structures->currentItem() && m_structures->count() > 0)
        m_structures->setCurrentRow(0);
    m_structures->setFocus();
}

void AttachToStructuresDialog::showServices()
{
    const QSignalBlocker blocker(m_services);
    m_services->clear();
    const QListWidgetItem *structure = m_structures->currentItem();
    if (!structure)
        return;
    const qint64 structureId = structure->data(Qt::UserRole).toLongLong();
    const QList<qint64> chosen = m_chosenServices.value(structureId);
    for (const ServiceRow &service : Structures(session().core).listServices(structureId)) {
        if (!service.active)
            continue;
        auto *item = new QListWidgetItem(service.name, m_services);
        item->setData(Qt::UserRole, service.id);
        item->setCheckState(chosen.contains(service.id) ? Qt::Checked : Qt::Unchecked);
    }
}

void AttachToStructuresDialog::submit()
{
    QList<qint64> ids;
    QList<qint64> serviceIds; // those of the structures checked only
    for (int i = 0; i < m_structures->count(); ++i) {
        if (m_structures->item(i)->checkState() == Qt::Checked) {
            const qint64 id = m_structures->item(i)->data(Qt::UserRole).toLongLong();
            ids.append(id);
            serviceIds += m_chosenServices.value(id);
        }
    }
    send(commands::attachUserToStructures(ids, m_userId, m_role->currentData().toString(), m_from->date(),
                                          m_hasUntil->isChecked() ? m_until->date() : QDate(), serviceIds),
         [this, count = int(ids.size())](const CommandResult &) { m_attached = count; });
}

} // namespace guichet
