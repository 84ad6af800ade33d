#include "ui/manager/bulksubscriptiondialog.h"

#include "commands/commandargs.h"
#include "models/labels.h"
#include "rules/spaces/spaces.h"
#include "ui/shell/session.h"

#include <QCheckBox>
#include <QComboBox>
#include <QDateEdit>
#include <QDialogButtonBox>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QLabel>
#include <QListWidget>
#include <QPointer>
#include <QPushButton>
#include <QVBoxLayout>

namespace guichet {

BulkSubscriptionDialog::BulkSubscriptionDialog(Session &session, qint64 structureId,
                                               const QString &structureName,
                                               const QList<StructureUser> &users, QWidget *parent)
    : QDialog(parent)
    , m_session(session)
    , m_structureId(structureId)
    , m_users(new QListWidget(this))
    , m_all(new QCheckBox(tr("Check &all"), this))
    , m_space(new QComboBox(this))
    , m_modification(new QCheckBox(tr("&Modification"), this))
    , m_consultation(new QCheckBox(tr("C&onsultation"), this))
    , m_date(new QDateEdit(session.clock.today(), this))
    , m_error(new QLabel(this))
    , m_feedback(m_error)
{
    setObjectName(QStringLiteral("bulkSubscriptionDialog"));
    setWindowTitle(tr("Subscribe users to a space"));
    auto *intro = new QLabel(tr("Subscribe the users checked to a space of %1, validated at once without a "
                                "request, for what each one is attached to. What a user already has is "
                                "kept as it is.")
                                 .arg(structureName.toHtmlEscaped()),
                             this);
    intro->setObjectName(QStringLiteral("intro"));
    intro->setWordWrap(true);

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
    m_error->setObjectName(QStringLiteral("error"));
    m_error->setWordWrap(true);
    m_feedback.bind(QStringLiteral("users"), m_users);
    m_feedback.bind(QStringLiteral("space"), m_space);
    m_feedback.bind(QStringLiteral("modification"), m_modification);
    m_feedback.bind(QStringLiteral("effectiveDate"), m_date);

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

    auto *buttons = new QDialogButtonBox(QDialogButtonBox::Cancel, this);
    buttons->setObjectName(QStringLiteral("buttons"));
    m_subscribe = buttons->addButton(tr("&Subscribe"), QDialogButtonBox::AcceptRole);
    m_subscribe->setObjectName(QStringLiteral("subscribe"));
    m_subscribe->setDefault(true);
    connect(buttons, &QDialogButtonBox::accepted, this, &BulkSubscriptionDialog::subscribe);
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);

    auto *layout = new QVBoxLayout(this);
    layout->addWidget(intro);
    layout->addLayout(form);
    layout->addWidget(m_error);
    layout->addWidget(buttons);
    setMinimumWidth(520);
    m_users->setFocus();
}

QString BulkSubscriptionDialog::errorText() const
{
    return m_error->isHidden() ? QString() : m_error->text();
}

void BulkSubscriptionDialog::subscribe()
{
    BulkSubscription bulk;
    bulk.structureId = m_structureId;
    for (int i = 0; i < m_users->count(); ++i) {
        if (m_users->item(i)->checkState() == Qt::Checked)
            bulk.userIds.append(m_users->item(i)->data(Qt::UserRole).toLongLong());
    }
    bulk.spaceCode = m_space->currentData().toString();
    bulk.modification = m_modification->isChecked();
    bulk.consultation = m_consultation->isChecked();
    bulk.effectiveDate = m_date->date();
    m_subscribe->setEnabled(false);
    QPointer<BulkSubscriptionDialog> self(this);
    m_session.gateway.send(commands::subscribeUsers(bulk), [self](const CommandResult &r) {
        if (!self)
            return;
        self->m_subscribe->setEnabled(true);
        if (!r.ok()) {
            self->m_feedback.show(r);
            return;
        }
        self->m_feedback.clear();
        self->m_created = r.data.value(QStringLiteral("created")).toInt();
        self->m_subscribedUsers = r.data.value(QStringLiteral("users")).toInt();
        self->accept();
    });
}

} // namespace guichet
