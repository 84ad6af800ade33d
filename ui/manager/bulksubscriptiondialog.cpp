#include "ui/manager/bulksubscriptiondialog.h"

#include "commands/commandargs.h"
#include "models/labels.h"
#include "rules/spaces/spaces.h"
#include "ui/shell/session.h"

#include <QCheckBox>
#include <QComboBox>
#include <QDateEdit>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QLabel>
#include <QListWidget>

namespace guichet {

BulkSubscriptionDialog::BulkSubscriptionDialog(Session &session, qint64 structureId,
                                               const QString &structureName,
                                               const QList<StructureUser> &users, QWidget *parent)
    : ManagerCommandDialog(session, QStringLiteral("bulkSubscriptionDialog"),
                           tr("Subscribe users to a space"), parent)
    , m_structureId(structureId)
    , m_users(new QListWidget(this))
    , m_all(new QCheckBox(tr("Check &all"), this))
    , m_space(new QComboBox(this))
    , m_modification(new QCheckBox(tr("&Modification"), this))
    , m_consultation(new QCheckBox(tr("C&onsultation"), this))
    , m_date(new QDateEdit(session.clock.today(), this))
{
    auto *intro = new QLabel(tr("Subscribe the users checked to a space of %1, validated at once without a "
                                "request, for what each one is attached to. What a user already has is "
                                "kept as it is.")
                                 .arg(structureName.toHtmlEscaped()),
                             this);

    m_users->setObjectName(QStringLiteral("users"));
    m_users->setAccessibleName(tr("Users"));
    const QDate today = session.clock.today();
    for (const StructureUser &u : users) {
        // Only a current validated attachment gives something to subscribe on.
        if (u.status != QLatin1String("validated") || u.validFrom > today || u.ended)
            continue;
        auto *item
            = new QListWidgetItem(tr("%1 %2 <%3>").arg(u.firstName, u.lastName, u.email).trimmed(), m_users);
        item->setData(Qt::UserRole, u.userId);
        item->setCheckState(Qt::Unchecked);
    }
    m_all->setObjectName(QStringLiteral("checkAll"));
    connect(m_all, &QCheckBox::toggled, this, [this](bool on) {
        for (int i = 0; i < m_users->count(); ++i)
            m_users->item(i)->setCheckState(on ? Qt::Checked : Qt::Unchecked);
    });
    m_space->setObjectName(QStringLiteral("space"));
    for (const Space &space : Spaces(session.core).catalogue())
        m_space->addItem(labels::space(space.code, space.name), space.code);
    m_modification->setObjectName(QStringLiteral("modification"));
    m_modification->setChecked(true);
    m_consultation->setObjectName(QStringLiteral("consultation"));
    m_date->setObjectName(QStringLiteral("effectiveDate"));
    m_date->setCalendarPopup(true);
    feedback().bind(QStringLiteral("users"), m_users);
    feedback().bind(QStringLiteral("space"), m_space);
    feedback().bind(QStringLiteral("modification"), m_modification);
    feedback().bind(QStringLiteral("effectiveDate"), m_date);

    auto *modes = new QHBoxLayout;
    modes->addWidget(m_modification);
    modes->addWidget(m_consultation);
    modes->addStretch(1);
    auto *form = new QFormLayout;
    form->setRowWrapPolicy(QFormLayout::WrapLongRows);
    form->addRow(tr("&Users:"), m_users);
    form->addRow(QString(), m_all);
    form->addRow(tr("&Space:"), m_space);
    form->addRow(tr("Modes:"), modes);
    form->addRow(tr("&Effective from:"), m_date);

    setUp(intro, form, tr("&Subscribe"), QStringLiteral("subscribe"));
    setMinimumWidth(520);
    m_users->setFocus();
}

void BulkSubscriptionDialog::submit()
{
    BulkSubscription bulk;
    bulk.structureId = m_structureId;
    bulk.userIds = checkedIds(m_users);
    bulk.spaceCode = m_space->currentData().toString();
    bulk.modification = m_modification->isChecked();
    bulk.consultation = m_consultation->isChecked();
    bulk.effectiveDate = m_date->date();
    send(commands::subscribeUsers(bulk), [this](const CommandResult &r) {
        m_created = r.data.value(QStringLiteral("created")).toInt();
        m_subscribedUsers = r.data.value(QStringLiteral("users")).toInt();
    });
}

} // namespace guichet
