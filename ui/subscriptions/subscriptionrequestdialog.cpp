#include "ui/subscriptions/subscriptionrequestdialog.h"

#include "commands/commandargs.h"
#include "models/labels.h"
#include "rules/attachments/attachments.h"
#include "rules/spaces/spaces.h"
#include "rules/spaces/subscriptions.h"
#include "ui/shell/session.h"
#include "ui/sync/queuedchange.h"

#include <QCheckBox>
#include <QComboBox>
#include <QDateEdit>
#include <QDialogButtonBox>
#include <QFormLayout>
#include <QGroupBox>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QTableWidget>
#include <QVBoxLayout>

namespace guichet {

namespace {
enum ServiceColumn { NameColumn, ModificationColumn, ConsultationColumn };

// A checkbox centred in a table cell; the cell widget is its container.
QWidget *checkCell(QCheckBox *box, QWidget *parent)
{
    auto *cell = new QWidget(parent);
    auto *layout = new QHBoxLayout(cell);
    layout->setContentsMargins(4, 0, 4, 0);
    layout->addWidget(box, 0, Qt::AlignCenter);
    return cell;
}
} // namespace

SubscriptionRequestDialog::SubscriptionRequestDialog(Session &session, QWidget *parent)
    : QDialog(parent)
    , m_session(session)
    , m_structure(new QComboBox(this))
    , m_space(new QComboBox(this))
    , m_services(new QTableWidget(0, 3, this))
    , m_servicesHint(new QLabel(this))
    , m_effectiveDate(new QDateEdit(this))
    , m_comment(new QLineEdit(this))
    , m_validate(nullptr)
    , m_error(new QLabel(this))
    , m_feedback(m_error)
{
    setObjectName(QStringLiteral("subscriptionRequestDialog"));
    setWindowTitle(tr("Add a subscription"));

    m_structure->setObjectName(QStringLiteral("structure"));
    m_structure->setAccessibleName(tr("Structure designation (required)"));
    m_space->setObjectName(QStringLiteral("space"));
    m_space->setAccessibleName(tr("Space (required)"));
    loadStructures();
    m_space->addItem(tr("Choose a space"), QString());
    for (const Space &space : Spaces(m_session.core).catalogue())
        m_space->addItem(labels::space(space.code, space.name), space.code);

    m_services->setObjectName(QStringLiteral("services"));
    m_services->setAccessibleName(tr("Services"));
    m_services->setHorizontalHeaderLabels({ tr("Service"), tr("Modification"), tr("Consultation") });
    m_services->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_services->setSelectionMode(QAbstractItemView::NoSelection);
    m_services->verticalHeader()->hide();
    m_services->horizontalHeader()->setSectionResizeMode(NameColumn, QHeaderView::Stretch);
    m_servicesHint->setObjectName(QStringLiteral("servicesHint"));
    m_servicesHint->setWordWrap(true);
    m_servicesHint->setText(
        tr("Choose the structure and the space: the services you may request appear here."));

    m_effectiveDate->setObjectName(QStringLiteral("effectiveDate"));
    m_effectiveDate->setAccessibleName(tr("Effective date (required)"));
    m_effectiveDate->setCalendarPopup(true);
    m_effectiveDate->setDate(m_session.clock.today());
    m_comment->setObjectName(QStringLiteral("comment"));
    m_comment->setAccessibleName(tr("Comment"));
    m_comment->setMaxLength(1000);

    auto *form = new QFormLayout;
    auto *structureLabel = new QLabel(tr("&Structure designation *"), this);
    structureLabel->setBuddy(m_structure);
    auto *spaceLabel = new QLabel(tr("S&pace *"), this);
    spaceLabel->setBuddy(m_space);
    form->addRow(structureLabel, m_structure);
    form->addRow(spaceLabel, m_space);

    auto *details = new QGroupBox(tr("Details"), this);
    auto *detailsForm = new QFormLayout(details);
    auto *dateLabel = new QLabel(tr("&Effective date *"), details);
    dateLabel->setBuddy(m_effectiveDate);
    auto *commentLabel = new QLabel(tr("C&omment"), details);
    commentLabel->setBuddy(m_comment);
    detailsForm->addRow(dateLabel, m_effectiveDate);
    detailsForm->addRow(commentLabel, m_comment);

    auto *buttons = new QDialogButtonBox(QDialogButtonBox::Cancel, this);
    m_validate = buttons->addButton(tr("&Validate"), QDialogButtonBox::AcceptRole);
    m_validate->setObjectName(QStringLiteral("validate"));
    m_validate->setDefault(true);
    connect(buttons, &QDialogButtonBox::accepted, this, &SubscriptionRequestDialog::validate);
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);

    auto *layout = new QVBoxLayout(this);
    layout->addLayout(form);
    layout->addWidget(m_servicesHint);
    layout->addWidget(m_services, 1);
    layout->addWidget(details);
    layout->addWidget(m_error);
    layout->addWidget(buttons);

    m_feedback.bind(QStringLiteral("structure"), m_structure);
    m_feedback.bind(QStringLiteral("space"), m_space);
    m_feedback.bind(QStringLiteral("services"), m_services);
    m_feedback.bind(QStringLiteral("effectiveDate"), m_effectiveDate);

    connect(m_structure, &QComboBox::currentIndexChanged, this, &SubscriptionRequestDialog::listServices);
    connect(m_space, &QComboBox::currentIndexChanged, this, &SubscriptionRequestDialog::listServices);
    setTabOrder(m_structure, m_space);
    setTabOrder(m_space, m_services);
    setTabOrder(m_services, m_effectiveDate);
    setTabOrder(m_effectiveDate, m_comment);
    resize(640, 520);
    listServices();
}

void SubscriptionRequestDialog::loadStructures()
{
    m_structure->addItem(tr("Choose a structure"), qint64(0));
    QList<qint64> seen;
    // Only structures the user is attached to (validated): the others cannot be requested.
    for (const AttachmentView &a : Attachments(m_session.core).userAttachments(m_session.userId())) {
        if (a.status != QLatin1String("validated") || seen.contains(a.structureId))
            continue;
        seen.append(a.structureId);
        m_structure->addItem(QStringLiteral("%1 (%2)").arg(a.raisonSociale, a.siret), a.structureId);
    }
}

QCheckBox *SubscriptionRequestDialog::modificationBox(int row) const
{
    QWidget *cell = m_services->cellWidget(row, ModificationColumn);
    return cell ? cell->findChild<QCheckBox *>() : nullptr;
}

QCheckBox *SubscriptionRequestDialog::consultationBox(int row) const
{
    QWidget *cell = m_services->cellWidget(row, ConsultationColumn);
    return cell ? cell->findChild<QCheckBox *>() : nullptr;
}

QString SubscriptionRequestDialog::errorText() const
{
    return m_error->isVisible() ? m_error->text() : QString();
}

void SubscriptionRequestDialog::listServices()
{
    m_services->setRowCount(0);
    m_serviceIds.clear();
    const qint64 structureId = m_structure->currentData().toLongLong();
    if (!structureId || m_space->currentData().toString().isEmpty()) {
        m_servicesHint->setText(
            tr("Choose the structure and the space: the services you may request appear here."));
        return;
    }
    // « la liste des services qui apparaît est celle des services auxquels
    // l'utilisateur est habilité »: core's list, the default service first.
    const QList<RequestableService> services
        = Subscriptions(m_session.core)
              .requestableServices(m_session.userId(), structureId, m_session.clock.today());
    m_servicesHint->setText(services.isEmpty()
                                ? tr("You are attached to no service of this structure today.")
                                : tr("Tick « modification » to act on invoices and solicitations, "
                                     "« consultation » to view them (one row each). The default service "
                                     "means the whole structure."));
    m_services->setRowCount(services.size());
    for (int row = 0; row < services.size(); ++row) {
        const QString name = services.at(row).name;
        m_serviceIds.append(services.at(row).serviceId);
        m_services->setItem(row, NameColumn, new QTableWidgetItem(name));
        auto *modification = new QCheckBox(m_services);
        modification->setObjectName(QStringLiteral("modification%1").arg(row));
        modification->setAccessibleName(tr("Modification for %1").arg(name));
        auto *consultation = new QCheckBox(m_services);
        consultation->setObjectName(QStringLiteral("consultation%1").arg(row));
        consultation->setAccessibleName(tr("Consultation for %1").arg(name));
        m_services->setCellWidget(row, ModificationColumn, checkCell(modification, m_services));
        m_services->setCellWidget(row, ConsultationColumn, checkCell(consultation, m_services));
    }
    m_services->resizeColumnsToContents();
    m_services->horizontalHeader()->setSectionResizeMode(NameColumn, QHeaderView::Stretch);
}

void SubscriptionRequestDialog::validate()
{
    SubscriptionRequest request;
    for (int row = 0; row < m_serviceIds.size(); ++row) {
        const bool modification = modificationBox(row)->isChecked();
        const bool consultation = consultationBox(row)->isChecked();
        if (modification || consultation)
            request.lines.append({ m_serviceIds.at(row), modification, consultation });
    }
    request.structureId = m_structure->currentData().toLongLong();
    request.spaceCode = m_space->currentData().toString();
    request.effectiveDate = m_effectiveDate->date();
    request.comment = m_comment->text();
    m_session.gateway.send(commands::requestSubscription(request), [this](const CommandResult &r) {
        m_feedback.show(r);
        if (!r.ok())
            return;
        m_statuses.clear();
        m_queued = QueuedChange::isQueued(r); // the section's message bar tells it
        for (const QVariant &status : r.data.value(QStringLiteral("statuses")).toList())
            m_statuses.append(status.toString());
        accept();
    });
}

QString SubscriptionRequestDialog::statusMessage() const
{
    if (m_statuses.isEmpty())
        return {};
    if (!m_statuses.contains(QStringLiteral("pending")))
        return tr("Subscription validated: your request is confirmed.");
    return tr("Subscription awaiting validation: ask the principal manager of the structure to validate "
              "your request.");
}

} // namespace guichet
