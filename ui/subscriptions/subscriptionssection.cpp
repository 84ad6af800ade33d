#include "ui/subscriptions/subscriptionssection.h"

#include "commands/commandargs.h"
#include "models/labels.h"
#include "models/subscriptionmodel.h"
#include "rules/spaces/spaces.h"
#include "ui/shell/session.h"
#include "ui/subscriptions/subscriptionrequestdialog.h"
#include "ui/widgets/dialogs.h"
#include "ui/widgets/flowlayout.h"
#include "ui/widgets/icons.h"
#include "ui/widgets/messagebar.h"
#include "ui/widgets/recordtable.h"
#include "ui/widgets/sectionhead.h"
#include "ui/widgets/taborder.h"

#include <QAction>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QLineEdit>
#include <QPointer>
#include <QPushButton>
#include <QSettings>
#include <QSortFilterProxyModel>
#include <QTableView>
#include <QVBoxLayout>

namespace guichet {

namespace {
const QString headerKey = QStringLiteral("subscriptions/header");
}

SubscriptionsSection::SubscriptionsSection(Session &session, QWidget *parent)
    : QWidget(parent)
    , m_session(session)
    , m_model(new SubscriptionModel(session.core, session.userId(), this))
    , m_proxy(new QSortFilterProxyModel(this))
    , m_table(new QTableView(this))
    , m_delete(new QPushButton(themedIcon(QStringLiteral("edit-delete")), tr("&Delete"), this))
    , m_deleteChecked(new QPushButton(tr("Delete the c&hecked subscriptions"), this))
    , m_add(new QPushButton(themedIcon(QStringLiteral("list-add")), tr("&Add a subscription"), this))
    , m_messages(new MessageBar(this))
    , m_selfService(new QLabel(this))
{
    setObjectName(QStringLiteral("subscriptions"));
    auto *title = createSectionTitle(tr("My subscriptions to spaces"), this);
    auto *intro = createSectionIntro(tr("The spaces you may use, or are waiting to use, in each structure. A "
                                        "space groups features such as « Invoices sent »."),
                                     this);

    m_table->setObjectName(QStringLiteral("subscriptionsTable"));
    m_table->setAccessibleName(tr("My subscriptions to spaces"));
    setUpRecordTable(m_table, m_proxy, m_model, SubscriptionModel::StructureColumn, headerKey);
    setEmptyText(m_table, tr("You have no subscription to a space. Add a subscription."));

    auto *deleteAction = new QAction(tr("Delete this subscription"), m_table);
    deleteAction->setShortcut(QKeySequence::Delete);
    deleteAction->setShortcutContext(Qt::WidgetShortcut);
    connect(deleteAction, &QAction::triggered, this, &SubscriptionsSection::deleteCurrent);
    auto *deleteCheckedAction = new QAction(tr("Delete the checked subscriptions"), m_table);
    connect(deleteCheckedAction, &QAction::triggered, this, &SubscriptionsSection::deleteChecked);
    m_table->addAction(deleteAction);
    m_table->addAction(deleteCheckedAction);

    m_delete->setObjectName(QStringLiteral("deleteSubscription"));
    m_delete->setAccessibleName(tr("Delete the selected subscription"));
    m_deleteChecked->setObjectName(QStringLiteral("deleteCheckedSubscriptions"));
    m_add->setObjectName(QStringLiteral("addSubscription"));
    connect(m_delete, &QPushButton::clicked, this, &SubscriptionsSection::deleteCurrent);
    connect(m_deleteChecked, &QPushButton::clicked, this, &SubscriptionsSection::deleteChecked);
    connect(m_add, &QPushButton::clicked, this, &SubscriptionsSection::addSubscription);

    auto *buttons = new FlowLayout; // wraps when the labels are long (French) and the window narrow
    buttons->addWidget(m_delete);
    buttons->addWidget(m_deleteChecked);
    buttons->addWidget(m_add);
    auto *layout = new QVBoxLayout(this);
    layout->addWidget(title);
    layout->addWidget(intro);
    layout->addWidget(m_messages);
    m_selfService->setObjectName(QStringLiteral("selfServiceNotice"));
    m_selfService->setWordWrap(true);
    layout->addWidget(m_selfService);
    updateSelfServiceNotice();
    layout->addWidget(createRecordFilter(m_proxy, this));
    layout->addWidget(m_table, 1);
    layout->addLayout(buttons);

    connect(&m_session.gateway, &CommandGateway::dataChanged, this, &SubscriptionsSection::reload);
    connect(m_model, &RecordTableModel::checkedChanged, this, &SubscriptionsSection::updateButtons);
    connect(m_model, &QAbstractItemModel::modelReset, this, &SubscriptionsSection::updateButtons);
    connect(m_table->selectionModel(), &QItemSelectionModel::currentChanged, this,
            &SubscriptionsSection::updateButtons);
    setReadingTabOrder(this);
    updateButtons();
}

SubscriptionsSection::~SubscriptionsSection()
{
    saveRecordTableHeader(m_table, headerKey);
}

QString SubscriptionsSection::notice() const
{
    return m_messages->text();
}

MessageBar *SubscriptionsSection::messageBar() const
{
    return m_messages;
}

QString SubscriptionsSection::selfServiceNotice() const
{
    return m_selfService->isHidden() ? QString() : m_selfService->text();
}

void SubscriptionsSection::updateSelfServiceNotice()
{
    const QString code = QStringLiteral("factures_emises");
    QStringList names;
    for (const auto &[id, name] : Spaces(m_session.core).selfServiceStructures(m_session.userId(), code))
        names << name;
    m_selfService->setText(
        tr("In %1 you may add or remove « %2 » yourself: your request is validated at once, without waiting "
           "for a manager.")
            .arg(names.join(QStringLiteral(", ")), labels::space(code, QStringLiteral("Factures émises"))));
    m_selfService->setVisible(!names.isEmpty());
}

void SubscriptionsSection::reload()
{
    m_model->reload();
    updateSelfServiceNotice();
}

void SubscriptionsSection::updateButtons()
{
    m_delete->setEnabled(m_table->currentIndex().isValid());
    m_deleteChecked->setEnabled(!m_model->checkedIds().isEmpty());
}

void SubscriptionsSection::deleteCurrent()
{
    const QModelIndex current = m_table->currentIndex();
    if (!current.isValid())
        return;
    remove({ m_proxy->data(current, RecordTableModel::IdRole).toLongLong() });
}

void SubscriptionsSection::deleteChecked()
{
    const QList<qint64> ids = m_model->checkedIds();
    if (ids.isEmpty()) {
        m_messages->showMessage(MessageBar::Kind::Information,
                                tr("Tick the subscriptions to delete in the « Selection » column first."));
        return;
    }
    remove(ids);
}

void SubscriptionsSection::remove(const QList<qint64> &ids)
{
    QStringList lines;
    for (const qint64 id : ids) {
        const SubscriptionView &r = *m_model->recordOfId(id);
        lines << QStringLiteral("• %1 — %2 — %3 (%4)")
                     .arg(r.raisonSociale, labels::space(r.spaceCode, r.spaceName), r.serviceName,
                          labels::mode(r.mode));
    }
    const QString text
        = tr("Delete %n subscription(s)?\n%1", nullptr, int(ids.size())).arg(lines.join(QLatin1Char('\n')));
    if (Dialogs::question(this, tr("Delete subscriptions"), text) != QMessageBox::Ok)
        return;
    QPointer<SubscriptionsSection> self(this);
    m_session.gateway.send(commands::removeSubscriptions(ids), [self, ids](const CommandResult &r) {
        if (self)
            self->m_messages->showOutcome(r, tr("%n subscription(s) deleted.", nullptr, int(ids.size())));
    });
}

void SubscriptionsSection::addSubscription()
{
    SubscriptionRequestDialog dialog(m_session, this);
    if (Dialogs::exec(&dialog) != QDialog::Accepted)
        return;
    m_messages->showDone(dialog.queued(), dialog.statusMessage());
}

} // namespace guichet
