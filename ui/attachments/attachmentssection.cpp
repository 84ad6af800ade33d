#include "ui/attachments/attachmentssection.h"

#include "commands/commandargs.h"
#include "kernel/structureidentifier.h"
#include "models/attachmentmodel.h"
#include "models/labels.h"
#include "ui/account/successordialog.h"
#include "ui/attachments/attachmentrequestdialog.h"
#include "ui/attachments/structurecreatedialog.h"
#include "ui/attachments/structuresearchdialog.h"
#include "ui/shell/session.h"
#include "ui/widgets/dialogs.h"
#include "ui/widgets/flowlayout.h"
#include "ui/widgets/icons.h"
#include "ui/widgets/messagebar.h"
#include "ui/widgets/recordtable.h"
#include "ui/widgets/sectionhead.h"
#include "ui/widgets/taborder.h"

#include <QAction>
#include <QDate>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QJsonObject>
#include <QLabel>
#include <QLineEdit>
#include <QLocale>
#include <QMenu>
#include <QPointer>
#include <QPushButton>
#include <QSettings>
#include <QSortFilterProxyModel>
#include <QTableView>
#include <QVBoxLayout>

namespace guichet {

namespace {
// "columns", not the older "header": the identifier type moved next to the
// identifier, so widths saved before would land on other columns.
const QString headerKey = QStringLiteral("attachments/columns");

QString dateText(QDate date)
{
    return date.isValid() ? QLocale().toString(date, QLocale::LongFormat) : QString();
}
} // namespace

AttachmentsSection::AttachmentsSection(Session &session, QWidget *parent)
    : QWidget(parent)
    , m_session(session)
    , m_model(new AttachmentModel(session.core, session.userId(), this))
    , m_proxy(new QSortFilterProxyModel(this))
    , m_view(new QTableView(this))
    , m_consult(new QPushButton(themedIcon(QStringLiteral("guichet-structure")),
                                tr("C&onsult / modify the structure"), this))
    , m_open(new QPushButton(themedIcon(QStringLiteral("document-open")), tr("&Open the attachment request"),
                             this))
    , m_delete(
          new QPushButton(themedIcon(QStringLiteral("edit-delete")), tr("&Delete this attachment"), this))
    , m_request(new QPushButton(themedIcon(QStringLiteral("list-add")), tr("&Request an attachment"), this))
    , m_deleteChecked(new QPushButton(tr("Delete the c&hecked attachments"), this))
    , m_messages(new MessageBar(this))
{
    setObjectName(QStringLiteral("attachments"));
    auto *title = createSectionTitle(tr("My attachments to structures"), this);
    auto *intro = createSectionIntro(tr("The structures you are attached to or waiting for. Each structure's "
                                        "principal manager validates the requests of its users."),
                                     this);

    m_view->setObjectName(QStringLiteral("attachmentsTable"));
    m_view->setAccessibleName(tr("My attachments to structures"));
    m_model->reload();
    // Sorted by raison sociale, after the check, identifier and type columns.
    setUpRecordTable(m_view, m_proxy, m_model, 3, headerKey);
    setEmptyText(m_view, tr("You are attached to no structure. Request an attachment."));

    const struct
    {
        QPushButton *button;
        const char *name;
        void (AttachmentsSection::*slot)();
    } buttons[] = {
        { m_consult, "consultStructure", &AttachmentsSection::consultStructure },
        { m_open, "openRequest", &AttachmentsSection::openRequest },
        { m_delete, "deleteAttachment", &AttachmentsSection::deleteCurrent },
        { m_request, "requestAttachment", &AttachmentsSection::requestAttachment },
        { m_deleteChecked, "deleteChecked", &AttachmentsSection::deleteChecked },
    };
    auto *row = new FlowLayout; // wraps when the labels are long (French) and the window narrow
    for (const auto &b : buttons) {
        b.button->setObjectName(QString::fromLatin1(b.name));
        connect(b.button, &QPushButton::clicked, this, b.slot);
        row->addWidget(b.button);
    }
    // The same actions from the keyboard: context menu, Enter opens the
    // structure, Delete removes the current attachment after confirmation.
    const struct
    {
        QString text;
        QKeySequence key;
        void (AttachmentsSection::*slot)();
    } actions[] = {
        { tr("Consult / modify the structure"), QKeySequence(Qt::Key_Return),
          &AttachmentsSection::consultStructure },
        { tr("Open the attachment request"), QKeySequence(), &AttachmentsSection::openRequest },
        { tr("Delete this attachment"), QKeySequence(QKeySequence::Delete),
          &AttachmentsSection::deleteCurrent },
    };
    for (const auto &a : actions) {
        auto *action = new QAction(a.text, m_view);
        action->setShortcut(a.key);
        action->setShortcutContext(Qt::WidgetShortcut);
        connect(action, &QAction::triggered, this, a.slot);
        m_view->addAction(action);
    }
    connect(m_view, &QTableView::doubleClicked, this, [this](const QModelIndex &index) {
        if (index.column() != 0)
            consultStructure();
    });

    auto *layout = new QVBoxLayout(this);
    layout->addWidget(title);
    layout->addWidget(intro);
    layout->addWidget(m_messages);
    layout->addWidget(createRecordFilter(m_proxy, this));
    layout->addWidget(m_view, 1);
    layout->addLayout(row);

    connect(m_model, &RecordTableModel::checkedChanged, this, &AttachmentsSection::updateButtons);
    connect(m_model, &QAbstractItemModel::modelReset, this, &AttachmentsSection::updateButtons);
    connect(m_view->selectionModel(), &QItemSelectionModel::currentRowChanged, this,
            &AttachmentsSection::updateButtons);
    connect(&session.gateway, &CommandGateway::dataChanged, m_model, &AttachmentModel::reload);
    setReadingTabOrder(this);
    updateButtons();
}

AttachmentsSection::~AttachmentsSection()
{
    saveRecordTableHeader(m_view, headerKey);
}

QPushButton *AttachmentsSection::button(const QString &name) const
{
    return findChild<QPushButton *>(name);
}

QString AttachmentsSection::notice() const
{
    return m_messages->text();
}

MessageBar *AttachmentsSection::messageBar() const
{
    return m_messages;
}

int AttachmentsSection::currentRow() const
{
    const QModelIndex current = m_view->currentIndex();
    return current.isValid() ? m_proxy->mapToSource(current).row() : -1;
}

void AttachmentsSection::updateButtons()
{
    const bool hasCurrent = currentRow() >= 0;
    m_consult->setEnabled(hasCurrent);
    m_open->setEnabled(hasCurrent);
    m_delete->setEnabled(hasCurrent);
    m_deleteChecked->setEnabled(!m_model->checkedIds().isEmpty());
}

void AttachmentsSection::consultStructure()
{
    const int row = currentRow();
    if (row < 0)
        return;
    StructureCreateDialog dialog(m_session, m_model->record(row).structureId, this);
    Dialogs::exec(&dialog);
}

void AttachmentsSection::openRequest()
{
    const int row = currentRow();
    if (row < 0)
        return;
    const AttachmentView &r = m_model->record(row);
    QString text
        = tr("Structure: %1 (%2)\nRole: %3\nStart of validity: %4\nEnd of validity: %5\n"
             "Services: %6\nStatus: %7")
              .arg(r.raisonSociale, StructureIdentifier::display(r.identifierType, r.siret),
                   labels::role(r.role), dateText(r.validFrom),
                   r.validUntil.isValid() ? dateText(r.validUntil) : tr("none"),
                   labels::services(r.wholeStructure, r.services), labels::attachmentStatus(r.status));
    if (!r.decisionComment.isEmpty())
        text += QLatin1Char('\n') + tr("Decision comment: %1").arg(r.decisionComment);
    Dialogs::information(this, tr("Attachment request"), text);
}

void AttachmentsSection::deleteCurrent()
{
    const int row = currentRow();
    if (row >= 0)
        removeAttachments({ m_model->record(row) });
}

void AttachmentsSection::deleteChecked()
{
    QList<AttachmentView> records;
    for (const qint64 id : m_model->checkedIds())
        records.append(*m_model->recordOfId(id));
    if (records.isEmpty()) {
        m_messages->showMessage(MessageBar::Kind::Information,
                                tr("Tick the attachments to delete in the « Selection » column first."));
        return;
    }
    removeAttachments(records);
}

void AttachmentsSection::removeAttachments(const QList<AttachmentView> &records)
{
    QStringList names;
    QList<qint64> ids;
    QList<StructureChoice> principal;
    for (const AttachmentView &r : records) {
        const QString name
            = tr("%1 (%2)").arg(r.raisonSociale, StructureIdentifier::display(r.identifierType, r.siret));
        names.append(QStringLiteral("• ") + name);
        ids.append(r.id);
        if (r.role == Role::Principal && r.status == QLatin1String("validated"))
            principal.append({ r.structureId, r.siret, r.raisonSociale });
    }
    QString text = tr("Delete your attachment to these structures?\n%1").arg(names.join(QLatin1Char('\n')));
    if (!principal.isEmpty())
        text += QStringLiteral("\n\n")
            + tr("You are the principal manager of %n of them: you will designate a new principal "
                 "manager and stay attached as a simple user.",
                 nullptr, int(principal.size()));
    if (Dialogs::question(this, tr("Delete attachments"), text) != QMessageBox::Ok)
        return;

    std::optional<Successors> successors;
    if (!principal.isEmpty()) {
        SuccessorDialog dialog(m_session, principal, this);
        if (Dialogs::exec(&dialog) != QDialog::Accepted)
            return;
        successors = dialog.successors();
    }
    const CommandCall call = commands::removeAttachments(ids, successors);
    QPointer<AttachmentsSection> self(this);
    const int count = int(ids.size());
    m_session.gateway.send(call, [self, count](const CommandResult &r) {
        if (self)
            self->m_messages->showOutcome(r, tr("%n attachment(s) deleted.", nullptr, count));
    });
}

void AttachmentsSection::requestAttachment()
{
    StructureSearchDialog search(m_session, this);
    if (Dialogs::exec(&search) != QDialog::Accepted || !search.selectedStructure())
        return;
    AttachmentRequestDialog request(m_session, *search.selectedStructure(), this);
    if (Dialogs::exec(&request) != QDialog::Accepted)
        return;
    // A structure without a principal manager: nobody there decides, support does.
    m_messages->showDone(
        request.queued(),
        request.decidedBySupport()
            ? tr("%1 has no principal manager: your request was sent to support, who decides "
                 "it. If validated, you become its principal manager.")
                  .arg(search.selectedStructure()->raisonSociale)
            : tr("Your request was sent to the principal manager of %1. It stays awaiting "
                 "validation until they decide.")
                  .arg(search.selectedStructure()->raisonSociale));
}

} // namespace guichet
