#include "ui/attachments/structurecreatedialog.h"

#include "commands/commandargs.h"
#include "kernel/siret.h"
#include "ui/shell/session.h"
#include "ui/sync/queuedchange.h"
#include "ui/widgets/dialogs.h"

#include <QDialogButtonBox>
#include <QFormLayout>
#include <QJsonObject>
#include <QLabel>
#include <QLineEdit>
#include <QPointer>
#include <QPushButton>
#include <QVBoxLayout>

namespace guichet {

StructureCreateDialog::StructureCreateDialog(Session &session, qint64 structureId, QWidget *parent)
    : QDialog(parent)
    , m_session(session)
    , m_structureId(structureId)
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
    if (!creating)
        m_editable = Structures(session.core).mayManage(session.userId(), structureId);

    const struct
    {
        QLineEdit *edit;
        const char *name;
        QString label;
        QString accessible;
    } fields[] = {
        { m_siret, "siret", tr("&SIRET:"), tr("SIRET") },
        { m_raisonSociale, "raisonSociale", tr("&Company name:"), tr("Company name") },
        { m_libelle, "libelle", tr("&Label:"), tr("Label") },
        { m_adresse, "adresse", tr("&Address:"), tr("Address") },
        { m_codePostal, "codePostal", tr("&Postal code:"), tr("Postal code") },
        { m_ville, "ville", tr("Cit&y:"), tr("City") },
    };
    auto *form = new QFormLayout;
    for (const auto &f : fields) {
        f.edit->setObjectName(QString::fromLatin1(f.name));
        f.edit->setAccessibleName(f.accessible);
        f.edit->setReadOnly(!m_editable);
        form->addRow(f.label, f.edit);
        m_feedback.bind(QString::fromLatin1(f.name), f.edit);
    }
    m_siret->setPlaceholderText(tr("14 digits"));
    m_raisonSociale->setPlaceholderText(tr("Required"));

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

    auto *layout = new QVBoxLayout(this);
    if (creating) {
        auto *intro = new QLabel(tr("No structure matches your search. Create it: you will become its "
                                    "principal manager."),
                                 this);
        intro->setWordWrap(true);
        layout->addWidget(intro);
    } else if (!m_editable) {
        auto *intro = new QLabel(tr("Only the structure's managers may change its record."), this);
        intro->setWordWrap(true);
        layout->addWidget(intro);
    }
    layout->addLayout(form);
    layout->addWidget(m_error);
    layout->addWidget(buttons);
    m_error->setObjectName(QStringLiteral("error"));
    m_error->setWordWrap(true);
    m_error->hide();

    if (!creating) {
        if (const auto stored = Structures(session.core).fields(structureId))
            setInput(*stored);
    }
}

void StructureCreateDialog::setInput(const StructureInput &input)
{
    m_siret->setText(input.siret);
    m_raisonSociale->setText(input.raisonSociale);
    m_libelle->setText(input.libelle);
    m_adresse->setText(input.adresse);
    m_codePostal->setText(input.codePostal);
    m_ville->setText(input.ville);
}

StructureInput StructureCreateDialog::input() const
{
    return { m_siret->text(),   m_raisonSociale->text(), m_libelle->text(),
             m_adresse->text(), m_codePostal->text(),    m_ville->text() };
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
    const StructureInput in = input();
    // Core's own rules, before sending: the user sees the SIRET's problem at once.
    QString field;
    const QString problem = structureInputError(in, &field);
    if (!problem.isEmpty()) {
        m_feedback.showMessage(problem, { field });
        return;
    }
    const bool creating = m_structureId == 0;
    const CommandCall call
        = creating ? commands::createStructure(in) : commands::updateStructure(m_structureId, in);
    m_validate->setEnabled(false);
    QPointer<StructureCreateDialog> self(this);
    m_session.gateway.send(call, [self, creating, name = in.raisonSociale](const CommandResult &r) {
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
            Dialogs::information(self, tr("Structure created"),
                                 tr("The structure %1 was created and you are its principal "
                                    "manager: no attachment request is needed.")
                                     .arg(name));
        }
        self->accept();
    });
}

} // namespace guichet
