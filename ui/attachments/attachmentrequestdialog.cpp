#include "ui/attachments/attachmentrequestdialog.h"

#include "commands/commandargs.h"
#include "kernel/structureidentifier.h"
#include "ui/shell/session.h"
#include "ui/sync/queuedchange.h"

#include <QCheckBox>
#include <QDateEdit>
#include <QDialogButtonBox>
#include <QFormLayout>
#include <QGroupBox>
#include <QHBoxLayout>
#include <QJsonObject>
#include <QLabel>
#include <QPointer>
#include <QPushButton>
#include <QRadioButton>
#include <QVBoxLayout>

namespace guichet {

AttachmentRequestDialog::AttachmentRequestDialog(Session &session, const StructureRow &structure,
                                                 QWidget *parent)
    : QDialog(parent)
    , m_session(session)
    , m_structure(structure)
    , m_validFrom(new QDateEdit(session.clock.today(), this))
    , m_validUntil(new QDateEdit(session.clock.today(), this))
    , m_noEndDate(new QCheckBox(tr("&No end date"), this))
    , m_whole(new QRadioButton(tr("&Attach to the whole structure"), this))
    , m_some(new QRadioButton(tr("Only the services &checked below"), this))
    , m_servicesBox(new QGroupBox(tr("List of services"), this))
    , m_error(new QLabel(this))
    , m_feedback(m_error)
{
    setObjectName(QStringLiteral("attachmentRequestDialog"));
    setWindowTitle(tr("Request an attachment"));

    auto *structureLabel = new QLabel(
        tr("<b>%1</b> (%2)")
            .arg(structure.raisonSociale.toHtmlEscaped(),
                 StructureIdentifier::display(structure.identifierType, structure.siret).toHtmlEscaped()),
        this);
    structureLabel->setObjectName(QStringLiteral("structure"));
    auto *hint = new QLabel(tr("Enter the exact dates: they decide when you may act for the structure. "
                               "The principal manager of the structure validates the request (support, for a "
                               "structure that has none)."),
                            this);
    hint->setWordWrap(true);

    m_validFrom->setObjectName(QStringLiteral("validFrom"));
    m_validFrom->setCalendarPopup(true);
    m_validFrom->setAccessibleName(tr("Start of validity"));
    m_validUntil->setObjectName(QStringLiteral("validUntil"));
    m_validUntil->setCalendarPopup(true);
    m_validUntil->setAccessibleName(tr("End of validity"));
    m_noEndDate->setObjectName(QStringLiteral("noEndDate"));
    m_noEndDate->setChecked(true);
    m_validUntil->setEnabled(false);
    connect(m_noEndDate, &QCheckBox::toggled, m_validUntil,
            [this](bool none) { m_validUntil->setEnabled(!none); });

    auto *until = new QHBoxLayout;
    until->addWidget(m_validUntil, 1);
    until->addWidget(m_noEndDate);
    auto *form = new QFormLayout;
    auto *fromLabel = new QLabel(tr("&Start of validity:"), this);
    fromLabel->setBuddy(m_validFrom);
    auto *untilLabel = new QLabel(tr("&End of validity:"), this);
    untilLabel->setBuddy(m_validUntil);
    form->addRow(fromLabel, m_validFrom);
    form->addRow(untilLabel, until);

    m_whole->setObjectName(QStringLiteral("wholeStructure"));
    m_some->setObjectName(QStringLiteral("someServices"));
    m_whole->setChecked(true);
    auto *servicesLayout = new QVBoxLayout(m_servicesBox);
    m_servicesBox->setObjectName(QStringLiteral("services"));
    servicesLayout->addWidget(m_whole);
    servicesLayout->addWidget(m_some);
    for (const ServiceRow &service : Structures(session.core).listServices(structure.id)) {
        if (!service.active)
            continue;
        auto *box = new QCheckBox(QStringLiteral("%1 — %2").arg(service.code, service.name), m_servicesBox);
        box->setObjectName(QStringLiteral("service_%1").arg(service.id));
        box->setContentsMargins(20, 0, 0, 0);
        servicesLayout->addWidget(box);
        m_serviceBoxes.append(box);
        m_serviceIds.append(service.id);
        // Ticking a service means "only some services".
        connect(box, &QCheckBox::toggled, this, [this](bool on) {
            if (on)
                m_some->setChecked(true);
        });
    }
    if (m_serviceBoxes.isEmpty()) {
        m_some->setEnabled(false);
        servicesLayout->addWidget(new QLabel(tr("This structure has no active service."), m_servicesBox));
    }
    connect(m_whole, &QRadioButton::toggled, this, &AttachmentRequestDialog::updateServices);

    m_error->setObjectName(QStringLiteral("error"));
    m_error->setWordWrap(true);
    m_error->hide();

    auto *buttons = new QDialogButtonBox(QDialogButtonBox::Cancel, this);
    m_validate = buttons->addButton(tr("&Validate"), QDialogButtonBox::AcceptRole);
    m_validate->setObjectName(QStringLiteral("validate"));
    m_validate->setDefault(true);
    connect(buttons, &QDialogButtonBox::accepted, this, &AttachmentRequestDialog::validate);
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);

    auto *layout = new QVBoxLayout(this);
    layout->addWidget(structureLabel);
    layout->addWidget(hint);
    layout->addLayout(form);
    layout->addWidget(m_servicesBox);
    layout->addWidget(m_error);
    layout->addWidget(buttons);

    m_feedback.bind(QStringLiteral("validFrom"), m_validFrom);
    m_feedback.bind(QStringLiteral("validUntil"), m_validUntil);
    m_feedback.bind(QStringLiteral("services"), m_servicesBox);
    m_feedback.bind(QStringLiteral("structure"), structureLabel);
    updateServices();
}

QString AttachmentRequestDialog::errorText() const
{
    return m_error->isVisible() ? m_error->text() : QString();
}

void AttachmentRequestDialog::updateServices()
{
    // Unticking every service when going back to the whole structure keeps
    // what is sent equal to what is shown.
    if (m_whole->isChecked()) {
        for (QCheckBox *box : std::as_const(m_serviceBoxes)) {
            const QSignalBlocker blocker(box);
            box->setChecked(false);
        }
    }
}

void AttachmentRequestDialog::validate()
{
    QList<qint64> services;
    for (int i = 0; i < m_serviceBoxes.size(); ++i) {
        if (m_serviceBoxes.at(i)->isChecked())
            services.append(m_serviceIds.at(i));
    }
    const CommandCall call = commands::requestAttachment(
        m_structure.id, m_validFrom->date(), m_noEndDate->isChecked() ? QDate() : m_validUntil->date(),
        m_whole->isChecked(), services);
    m_validate->setEnabled(false);
    QPointer<AttachmentRequestDialog> self(this);
    m_session.gateway.send(call, [self](const CommandResult &r) {
        if (!self)
            return;
        self->m_validate->setEnabled(true);
        if (!r.ok()) {
            self->m_feedback.show(r);
            return;
        }
        self->m_feedback.clear();
        self->m_attachmentId = r.id;
        self->m_decidedBySupport
            = r.data.value(QStringLiteral("role")).toString() == QLatin1String("principal");
        self->m_queued = QueuedChange::isQueued(r); // the section's message bar tells it
        self->accept();
    });
}

} // namespace guichet
