#include "ui/attachments/structurecreatedialog.h"

#include "commands/commandargs.h"
#include "kernel/structureidentifier.h"
#include "kernel/textlimits.h"
#include "models/labels.h"
#include "rules/spaces/spaces.h"
#include "ui/shell/session.h"
#include "ui/sync/queuedchange.h"
#include "ui/widgets/dialogs.h"
#include "ui/widgets/usersearchdialog.h"

#include <QCheckBox>
#include <QComboBox>
#include <QDialogButtonBox>
#include <QFormLayout>
#include <QGridLayout>
#include <QGroupBox>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QLineEdit>
#include <QPointer>
#include <QPushButton>
#include <QRadioButton>
#include <QTableWidget>
#include <QVBoxLayout>

namespace guichet {

StructureCreateDialog::StructureCreateDialog(Session &session, qint64 structureId, QWidget *parent)
    : QDialog(parent)
    , m_session(session)
    , m_structureId(structureId)
    , m_type(new QComboBox(this))
    , m_siret(new QLineEdit(this))
    , m_raisonSociale(new QLineEdit(this))
    , m_libelle(new QLineEdit(this))
    , m_adresse(new QLineEdit(this))
    , m_codePostal(new QLineEdit(this))
    , m_ville(new QLineEdit(this))
    , m_error(new QLabel(this))
    , m_feedback(m_error)
{
    const bool creating = structureId == 0;
    setObjectName(creating ? QStringLiteral("structureCreateDialog") : QStringLiteral("structureDialog"));
    setWindowTitle(creating ? tr("Create the structure") : tr("Structure"));
    std::optional<StructureBank> storedBank;
    if (!creating) {
        const Structures structures(session.core);
        m_editable = structures.mayManage(session.userId(), structureId);
        storedBank = structures.bankDetails(session.userId(), structureId);
    }

    m_type->setObjectName(QStringLiteral("identifierType"));
    m_type->setAccessibleName(tr("Identifier type"));
    for (const IdentifierType type : StructureIdentifier::types())
        m_type->addItem(StructureIdentifier::label(type), StructureIdentifier::code(type));
    m_type->setEnabled(m_editable);
    m_feedback.bind(QStringLiteral("identifierType"), m_type);

    auto *form = new QFormLayout;
    form->addRow(tr("Identifier &type:"), m_type);
    const struct
    {
        QLineEdit *edit;
        const char *name;
        QString label;
        QString accessible;
    } fields[] = {
        { m_siret, "siret", tr("&Identifier:"), tr("Identifier") },
        { m_raisonSociale, "raisonSociale", tr("&Company name:"), tr("Company name") },
        { m_libelle, "libelle", tr("&Label:"), tr("Label") },
        { m_adresse, "adresse", tr("&Address:"), tr("Address") },
        { m_codePostal, "codePostal", tr("&Postal code:"), tr("Postal code") },
        { m_ville, "ville", tr("Cit&y:"), tr("City") },
    };
    for (const auto &f : fields) {
        f.edit->setObjectName(QString::fromLatin1(f.name));
        f.edit->setAccessibleName(f.accessible);
        f.edit->setReadOnly(!m_editable);
        form->addRow(f.label, f.edit);
        m_feedback.bind(QString::fromLatin1(f.name), f.edit);
    }
    m_siret->setMaxLength(textLimit::Siret);
    m_raisonSociale->setPlaceholderText(tr("Required"));

    // The bank details: to whoever creates the structure, then to its managers only.
    if (creating || storedBank) {
        m_bankBox = new QGroupBox(tr("Bank details (optional)"), this);
        m_bankBox->setObjectName(QStringLiteral("bankDetails"));
        auto *bankForm = new QFormLayout(m_bankBox);
        m_iban = new QLineEdit(m_bankBox);
        m_iban->setObjectName(QStringLiteral("iban"));
        m_iban->setAccessibleName(tr("IBAN"));
        m_iban->setMaxLength(textLimit::Iban);
        m_iban->setPlaceholderText(tr("FR76 3000 6000 0112 3456 7890 189"));
        m_bic = new QLineEdit(m_bankBox);
        m_bic->setObjectName(QStringLiteral("bic"));
        m_bic->setAccessibleName(tr("BIC"));
        m_bic->setMaxLength(textLimit::Bic);
        m_bic->setPlaceholderText(tr("8 or 11 characters"));
        m_iban->setReadOnly(!m_editable);
        m_bic->setReadOnly(!m_editable);
        bankForm->addRow(tr("I&BAN:"), m_iban);
        bankForm->addRow(tr("BI&C:"), m_bic);
        m_feedback.bind(QStringLiteral("iban"), m_iban);
        m_feedback.bind(QStringLiteral("bic"), m_bic);
        if (storedBank) {
            m_iban->setText(BankDetails::formattedIban(storedBank->iban));
            m_bic->setText(storedBank->bic);
        }
    }

    auto *layout = new QVBoxLayout(this);
    if (creating) {
        auto *intro = new QLabel(tr("No structure matches your search. Create its record: you designate "
                                    "its principal manager (yourself, or an active user)."),
                                 this);
        intro->setWordWrap(true);
        layout->addWidget(intro);
    } else if (!m_editable) {
        auto *intro = new QLabel(tr("Only the structure's managers may change its record."), this);
        intro->setWordWrap(true);
        layout->addWidget(intro);
    }
    auto *left = new QVBoxLayout;
    left->addLayout(form);
    if (m_bankBox)
        left->addWidget(m_bankBox);
    left->addStretch();
    if (creating) {
        auto *columns = new QHBoxLayout;
        columns->addLayout(left, 1);
        columns->addWidget(buildCreationPart(), 1);
        layout->addLayout(columns);
    } else {
        layout->addLayout(left);
    }
    // Created last: Tab reaches the buttons after every field.
    auto *buttons = new QDialogButtonBox(this);
    if (m_editable) {
        buttons->addButton(QDialogButtonBox::Cancel);
        m_validate = buttons->addButton(creating ? tr("&Create the structure") : tr("&Save"),
                                        QDialogButtonBox::AcceptRole);
        m_validate->setObjectName(QStringLiteral("validate"));
        m_validate->setDefault(true);
        connect(buttons, &QDialogButtonBox::accepted, this, &StructureCreateDialog::validate);
    } else {
        buttons->addButton(QDialogButtonBox::Close);
    }
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);

    layout->addWidget(m_error);
    layout->addWidget(buttons);
    m_error->setObjectName(QStringLiteral("error"));
    m_error->setWordWrap(true);
    m_error->hide();

    connect(m_type, &QComboBox::currentIndexChanged, this, &StructureCreateDialog::identifierTypeChanged);
    identifierTypeChanged();
    if (!creating) {
        if (const auto stored = Structures(session.core).fields(structureId))
            setInput(*stored);
    }
}

QWidget *StructureCreateDialog::buildCreationPart()
{
    auto *part = new QWidget(this);
    auto *column = new QVBoxLayout(part);
    column->setContentsMargins(0, 0, 0, 0);

    auto *servicesBox = new QGroupBox(tr("Services (optional)"), part);
    auto *servicesLayout = new QVBoxLayout(servicesBox);
    m_services = new QTableWidget(0, 2, servicesBox);
    m_services->setObjectName(QStringLiteral("services"));
    m_services->setAccessibleName(tr("Services"));
    m_services->setHorizontalHeaderLabels({ tr("Code"), tr("Name") });
    m_services->horizontalHeader()->setStretchLastSection(true);
    m_services->verticalHeader()->hide();
    m_services->setMinimumHeight(fontMetrics().height() * 6);
    m_feedback.bind(QStringLiteral("services"), m_services);
    auto *serviceButtons = new QHBoxLayout;
    m_addService = new QPushButton(tr("&Add a service"), servicesBox);
    m_addService->setObjectName(QStringLiteral("addService"));
    m_removeService = new QPushButton(tr("&Remove the service"), servicesBox);
    m_removeService->setObjectName(QStringLiteral("removeService"));
    serviceButtons->addWidget(m_addService);
    serviceButtons->addWidget(m_removeService);
    serviceButtons->addStretch();
    servicesLayout->addWidget(m_services);
    servicesLayout->addLayout(serviceButtons);
    connect(m_addService, &QPushButton::clicked, this, [this] {
        addService(QString(), QString());
        m_services->setCurrentCell(m_services->rowCount() - 1, 0);
        m_services->editItem(m_services->currentItem());
    });
    connect(m_removeService, &QPushButton::clicked, this, [this] {
        if (m_services->currentRow() >= 0)
            m_services->removeRow(m_services->currentRow());
    });
    column->addWidget(servicesBox);

    auto *principalBox = new QGroupBox(tr("Principal manager"), part);
    auto *principalLayout = new QGridLayout(principalBox);
    m_principalSelf = new QRadioButton(tr("&Myself"), principalBox);
    m_principalSelf->setObjectName(QStringLiteral("principalSelf"));
    m_principalSelf->setChecked(true);
    m_principalOther = new QRadioButton(tr("Another active &user:"), principalBox);
    m_principalOther->setObjectName(QStringLiteral("principalOther"));
    m_principalLabel = new QLabel(tr("nobody chosen"), principalBox);
    m_principalLabel->setObjectName(QStringLiteral("principalLabel"));
    m_principalLabel->setWordWrap(true);
    m_choosePrincipal = new QPushButton(tr("C&hoose…"), principalBox);
    m_choosePrincipal->setObjectName(QStringLiteral("choosePrincipal"));
    principalLayout->addWidget(m_principalSelf, 0, 0, 1, 2);
    principalLayout->addWidget(m_principalOther, 1, 0);
    principalLayout->addWidget(m_choosePrincipal, 1, 1);
    principalLayout->addWidget(m_principalLabel, 2, 0, 1, 2);
    principalLayout->setColumnStretch(0, 1);
    m_feedback.bind(QStringLiteral("principal"), m_choosePrincipal);
    connect(m_choosePrincipal, &QPushButton::clicked, this, &StructureCreateDialog::choosePrincipal);
    column->addWidget(principalBox);

    auto *spacesBox = new QGroupBox(tr("Spaces set at structure level"), part);
    auto *spacesLayout = new QGridLayout(spacesBox);
    const QList<Space> catalogue = Spaces(m_session.core).catalogue();
    for (int i = 0; i < catalogue.size(); ++i) {
        const Space &space = catalogue.at(i);
        auto *box = new QCheckBox(labels::space(space.code, space.name), spacesBox);
        box->setObjectName(QStringLiteral("space_") + space.code);
        box->setProperty("spaceCode", space.code);
        spacesLayout->addWidget(box, i / 2, i % 2);
        m_spaces.append(box);
    }
    if (!m_spaces.isEmpty())
        m_feedback.bind(QStringLiteral("spaces"), m_spaces.first());
    column->addWidget(spacesBox);
    column->addStretch();
    return part;
}

void StructureCreateDialog::identifierTypeChanged()
{
    const auto type = StructureIdentifier::fromCode(m_type->currentData().toString());
    if (!type)
        return;
    const bool generated = StructureIdentifier::isGenerated(*type);
    m_siret->setEnabled(!generated);
    switch (*type) {
    case IdentifierType::Siret:
        m_siret->setPlaceholderText(tr("14 digits"));
        break;
    case IdentifierType::EuVat:
        m_siret->setPlaceholderText(tr("VAT number, e.g. DE123456789"));
        break;
    case IdentifierType::NonEu:
        m_siret->setPlaceholderText(tr("The national identifier"));
        break;
    case IdentifierType::Ridet:
        m_siret->setPlaceholderText(tr("e.g. 1234567.001"));
        break;
    case IdentifierType::Tahiti:
        m_siret->setPlaceholderText(tr("e.g. A12345001"));
        break;
    case IdentifierType::Individual:
    case IdentifierType::Pending:
        m_siret->setPlaceholderText(tr("Given by Guichet"));
        break;
    }
}

void StructureCreateDialog::setIdentifierType(const QString &code)
{
    const int index = m_type->findData(code);
    if (index >= 0)
        m_type->setCurrentIndex(index);
}

bool StructureCreateDialog::showsBankDetails() const
{
    return m_bankBox != nullptr;
}

void StructureCreateDialog::addService(const QString &code, const QString &name)
{
    if (!m_services)
        return;
    const int row = m_services->rowCount();
    m_services->insertRow(row);
    m_services->setItem(row, 0, new QTableWidgetItem(code));
    m_services->setItem(row, 1, new QTableWidgetItem(name));
}

void StructureCreateDialog::setPrincipal(qint64 userId, const QString &label)
{
    if (!m_principalOther)
        return;
    m_principalId = userId;
    m_principalLabel->setText(label);
    m_principalOther->setChecked(true);
}

QCheckBox *StructureCreateDialog::spaceBox(const QString &code) const
{
    for (QCheckBox *box : m_spaces) {
        if (box->property("spaceCode").toString() == code)
            return box;
    }
    return nullptr;
}

void StructureCreateDialog::choosePrincipal()
{
    UserSearchDialog search(m_session, this);
    search.setWindowTitle(tr("Choose the principal manager"));
    if (Dialogs::exec(&search) != QDialog::Accepted || !search.selectedUserId())
        return;
    setPrincipal(search.selectedUserId(), search.selectedUserLabel());
}

void StructureCreateDialog::setInput(const StructureInput &input)
{
    setIdentifierType(input.identifierType);
    m_siret->setText(input.siret);
    m_raisonSociale->setText(input.raisonSociale);
    m_libelle->setText(input.libelle);
    m_adresse->setText(input.adresse);
    m_codePostal->setText(input.codePostal);
    m_ville->setText(input.ville);
}

StructureInput StructureCreateDialog::input() const
{
    StructureInput in { m_siret->text(),
                        m_raisonSociale->text(),
                        m_libelle->text(),
                        m_adresse->text(),
                        m_codePostal->text(),
                        m_ville->text(),
                        m_type->currentData().toString() };
    if (const auto type = StructureIdentifier::fromCode(in.identifierType);
        type && StructureIdentifier::isGenerated(*type))
        in.siret.clear();
    return in;
}

NewStructure StructureCreateDialog::newStructure() const
{
    NewStructure record;
    record.fields = input();
    if (m_services) {
        for (int row = 0; row < m_services->rowCount(); ++row) {
            const QString code = m_services->item(row, 0) ? m_services->item(row, 0)->text() : QString();
            const QString name = m_services->item(row, 1) ? m_services->item(row, 1)->text() : QString();
            // A row left blank is no service.
            if (!code.trimmed().isEmpty() || !name.trimmed().isEmpty())
                record.services.append({ code, name });
        }
    }
    if (m_iban)
        record.bank = { m_iban->text(), m_bic->text() };
    if (m_principalOther && m_principalOther->isChecked())
        record.principalId = m_principalId;
    for (const QCheckBox *box : m_spaces) {
        if (box->isChecked())
            record.spaces.append(box->property("spaceCode").toString());
    }
    return record;
}

QLineEdit *StructureCreateDialog::field(const QString &name) const
{
    return findChild<QLineEdit *>(name);
}

QString StructureCreateDialog::errorText() const
{
    return m_error->isVisible() ? m_error->text() : QString();
}

void StructureCreateDialog::validate()
{
    const bool creating = m_structureId == 0;
    const NewStructure record = newStructure();
    const StructureInput &in = record.fields;
    // Core's own rules, before sending: the user sees the identifier's problem at once.
    QString field;
    QString problem = structureInputError(in, &field);
    if (problem.isEmpty() && creating)
        problem = newServicesError(record.services, &field);
    if (problem.isEmpty() && m_bankBox)
        problem = structureBankError(record.bank, &field);
    if (problem.isEmpty() && creating && m_principalOther->isChecked() && m_principalId == 0) {
        field = QStringLiteral("principal");
        problem = tr("Choose the principal manager, or designate yourself.");
    }
    if (!problem.isEmpty()) {
        m_feedback.showMessage(problem, { field });
        return;
    }
    const CommandCall call = creating
        ? commands::createStructure(record)
        : commands::updateStructure(m_structureId, in,
                                    m_bankBox ? std::optional<StructureBank>(record.bank) : std::nullopt);
    m_validate->setEnabled(false);
    QPointer<StructureCreateDialog> self(this);
    const bool designated = record.principalId != 0 && record.principalId != m_session.userId();
    m_session.gateway.send(
        call, [self, creating, designated, name = in.raisonSociale](const CommandResult &r) {
            if (!self)
                return;
            self->m_validate->setEnabled(true);
            if (!r.ok()) {
                self->m_feedback.show(r);
                return;
            }
            self->m_feedback.clear();
            self->m_queued = QueuedChange::tell(self, self->windowTitle(), r);
            if (creating && !self->m_queued) {
                self->m_structureId = r.id;
                if (designated)
                    Dialogs::information(
                        self, tr("Structure created"),
                        tr("The structure %1 was created; %2 is its principal manager and was "
                           "told by mail.")
                            .arg(name, self->m_principalLabel->text()));
                else
                    Dialogs::information(self, tr("Structure created"),
                                         tr("The structure %1 was created and you are its principal "
                                            "manager: no attachment request is needed.")
                                             .arg(name));
            }
            self->accept();
        });
}

} // namespace guichet
