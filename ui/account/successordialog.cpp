#include "ui/account/successordialog.h"

#include "rules/attachments/principals.h"
#include "rules/structures/structures.h"
#include "ui/shell/session.h"
#include "ui/widgets/dialogs.h"
#include "ui/widgets/icons.h"
#include "ui/widgets/usersearchdialog.h"

#include <QButtonGroup>
#include <QDialogButtonBox>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QRadioButton>
#include <QTableWidget>
#include <QVBoxLayout>

namespace guichet {

namespace {
enum Column { StructureColumn, SiretColumn, SuccessorColumn, MagnifierColumn };
}

SuccessorDialog::SuccessorDialog(Session &session, const QList<StructureChoice> &structures, QWidget *parent)
    : QDialog(parent)
    , m_session(session)
    , m_structures(structures)
    , m_sameForAll(new QRadioButton(tr("The &same principal manager for all my structures"), this))
    , m_perStructure(new QRadioButton(tr("A &different principal manager for each structure"), this))
    , m_allEdit(new QLineEdit(this))
    , m_allMagnifier(createMagnifier(tr("Find the new principal manager for all structures"), this))
    , m_table(new QTableWidget(structures.size(), 4, this))
    , m_validate(nullptr)
    , m_error(new QLabel(this))
    , m_feedback(m_error)
    , m_perStructureIds(structures.size(), 0)
{
    setWindowTitle(tr("Designate a new principal manager"));
    setObjectName(QStringLiteral("successorDialog"));
    auto *intro
        = new QLabel(tr("You are the principal manager of the structures below. Each structure keeps "
                        "exactly one principal manager: designate who takes over. You stay attached to "
                        "them as a simple user."),
                     this);
    intro->setWordWrap(true);

    auto *group = new QButtonGroup(this);
    group->addButton(m_sameForAll);
    group->addButton(m_perStructure);
    m_sameForAll->setObjectName(QStringLiteral("sameForAll"));
    m_perStructure->setObjectName(QStringLiteral("perStructure"));
    m_sameForAll->setChecked(true);
    m_allEdit->setObjectName(QStringLiteral("successorForAll"));
    m_allEdit->setReadOnly(true);
    m_allEdit->setAccessibleName(tr("New principal manager for all structures"));
    m_allEdit->setPlaceholderText(tr("Use the magnifier to find the user"));
    m_allMagnifier->setObjectName(QStringLiteral("magnifierForAll"));
    connect(m_allMagnifier, &QPushButton::clicked, this, [this] { search(-1); });

    m_table->setObjectName(QStringLiteral("structures"));
    m_table->setAccessibleName(tr("My structures and their new principal manager"));
    m_table->setHorizontalHeaderLabels(
        { tr("Structure"), tr("SIRET"), tr("New principal manager"), QString() });
    m_table->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_table->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_table->verticalHeader()->hide();
    for (int row = 0; row < structures.size(); ++row) {
        m_table->setItem(row, StructureColumn, new QTableWidgetItem(structures.at(row).raisonSociale));
        m_table->setItem(row, SiretColumn, new QTableWidgetItem(structures.at(row).siret));
        m_table->setItem(row, SuccessorColumn, new QTableWidgetItem());
        auto *button = createMagnifier(
            tr("Find the new principal manager of %1").arg(structures.at(row).raisonSociale), m_table);
        button->setObjectName(QStringLiteral("magnifier%1").arg(row));
        connect(button, &QPushButton::clicked, this, [this, row] { search(row); });
        m_table->setCellWidget(row, MagnifierColumn, button);
        m_magnifiers.append(button);
    }
    m_table->resizeColumnsToContents();

    auto *allRow = new QHBoxLayout;
    allRow->addWidget(m_allEdit, 1);
    allRow->addWidget(m_allMagnifier);

    auto *buttons = new QDialogButtonBox(QDialogButtonBox::Cancel, this);
    m_validate = buttons->addButton(tr("&Validate"), QDialogButtonBox::AcceptRole);
    m_validate->setObjectName(QStringLiteral("validate"));
    m_validate->setDefault(true);
    connect(buttons, &QDialogButtonBox::accepted, this, &SuccessorDialog::validate);
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    connect(m_sameForAll, &QRadioButton::toggled, this, &SuccessorDialog::updateMode);

    auto *layout = new QVBoxLayout(this);
    layout->addWidget(intro);
    layout->addWidget(m_sameForAll);
    layout->addLayout(allRow);
    layout->addWidget(m_perStructure);
    layout->addWidget(m_table, 1);
    layout->addWidget(m_error);
    layout->addWidget(buttons);
    m_feedback.bind(QStringLiteral("successor"),
                    m_sameForAll->isChecked() ? static_cast<QWidget *>(m_allEdit)
                                              : static_cast<QWidget *>(m_table));
    resize(720, 460);
    updateMode();
}

QList<StructureChoice> SuccessorDialog::principalStructures(Session &session, qint64 userId)
{
    QList<StructureChoice> choices;
    for (const qint64 id : structuresWherePrincipal(session.core, userId)) {
        if (const auto structure = Structures(session.core).structure(id))
            choices.append({ id, structure->siret, structure->raisonSociale });
    }
    return choices;
}

QPushButton *SuccessorDialog::magnifier(int row) const
{
    return row < 0 ? m_allMagnifier : m_magnifiers.value(row);
}

QString SuccessorDialog::errorText() const
{
    return m_error->isVisible() ? m_error->text() : QString();
}

void SuccessorDialog::updateMode()
{
    const bool all = m_sameForAll->isChecked();
    m_allEdit->setEnabled(all);
    m_allMagnifier->setEnabled(all);
    m_table->setColumnHidden(SuccessorColumn, all);
    m_table->setColumnHidden(MagnifierColumn, all);
    // The table fills the dialog either way: by the structures' names when only
    // they show, by the successors' names otherwise.
    m_table->horizontalHeader()->setSectionResizeMode(StructureColumn,
                                                      all ? QHeaderView::Stretch : QHeaderView::Interactive);
    m_table->horizontalHeader()->setSectionResizeMode(SuccessorColumn,
                                                      all ? QHeaderView::Interactive : QHeaderView::Stretch);
    m_feedback.clear();
}

void SuccessorDialog::search(int row)
{
    UserSearchDialog dialog(m_session, this);
    dialog.exclude(m_session.userId());
    if (Dialogs::exec(&dialog) != QDialog::Accepted || !dialog.selectedUserId())
        return;
    designate(row, dialog.selectedUserId(), dialog.selectedUserLabel());
}

void SuccessorDialog::designate(int row, qint64 userId, const QString &label)
{
    if (row < 0) {
        m_forAll = userId;
        m_allEdit->setText(label);
    } else if (row < m_perStructureIds.size()) {
        m_perStructureIds[row] = userId;
        m_table->item(row, SuccessorColumn)->setText(label);
    }
    m_feedback.clear();
}

Successors SuccessorDialog::successors() const
{
    if (m_sameForAll->isChecked())
        return Successors::all(m_forAll);
    QHash<qint64, qint64> each;
    for (int row = 0; row < m_structures.size(); ++row) {
        if (m_perStructureIds.at(row))
            each.insert(m_structures.at(row).id, m_perStructureIds.at(row));
    }
    return Successors::each(each);
}

void SuccessorDialog::validate()
{
    QStringList missing;
    if (m_sameForAll->isChecked()) {
        if (!m_forAll)
            missing << tr("all structures");
    } else {
        for (int row = 0; row < m_structures.size(); ++row) {
            if (!m_perStructureIds.at(row))
                missing << m_structures.at(row).raisonSociale;
        }
    }
    if (!missing.isEmpty()) {
        m_feedback.bind(QStringLiteral("successor"),
                        m_sameForAll->isChecked() ? static_cast<QWidget *>(m_allEdit)
                                                  : static_cast<QWidget *>(m_table));
        m_feedback.showMessage(
            tr("Designate the new principal manager for: %1.").arg(missing.join(QStringLiteral(", "))),
            { QStringLiteral("successor") });
        return;
    }
    accept();
}

} // namespace guichet
