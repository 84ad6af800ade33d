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
    , m_withdrawRemoval(new QPushButton(tr("&Withdraw the removal request"), this))
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
    m_withdrawRemoval->setObjectName(QStringLiteral("withdrawRemoval"));
    m_withdrawRemoval->setToolTip(
        tr("Keep the subscription: the managers will not have to decide its removal."));
    connect(m_withdrawRemoval, &QPushButton::clicked, this, &SubscriptionsSection::withdrawRemoval);
    connect(m_delete, &QPushButton::clicked, this, &SubscriptionsSection::deleteCurrent);
    connect(m_deleteChecked, &QPushButton::clicked, this, &SubscriptionsSection::deleteChecked);
    connect(m_add, &QPushButton::clicked, this, &SubscriptionsSection::addSubscription);

    auto *buttons = new FlowLayout; // wraps when the labels are long (French) and the window narrow
    buttons->addWidget(m_delete);
    buttons->addWidget(m_deleteChecked);
    buttons->addWidget(m_withdrawRemoval);
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
    // Shown only while a removal waits for a decision.
    bool any = false;
    for (int row = 0; row < m_model->rowCount() && !any; ++row)
        any = m_model->record(row).removalRequested();
    m_withdrawRemoval->setVisible(any);
    m_withdrawRemoval->setEnabled(!removalsToWithdraw().isEmpty());
}

QList<qint64> SubscriptionsSection::removalsToWithdraw() const
{
    QList<qint64> ids;
    for (const qint64 id : m_model->checkedIds()) {
        const SubscriptionView *r = m_model->recordOfId(id);
        if (r && r->removalRequested())
            ids << id;
    }
    const QModelIndex current = m_table->currentIndex();
    if (ids.isEmpty() && current.isValid()) {
        const SubscriptionView *r
            = m_model->recordOfId(m_proxy->data(current, RecordTableModel::IdRole).toLongLong());
        if (r && r->removalRequested())
            ids << r->id;
    }
    return ids;
}

void SubscriptionsSection::withdrawRemoval()
{
    const QList<qint64> ids = removalsToWithdraw();
    if (ids.isEmpty())
        return;
    QPointer<SubscriptionsSection> self(this);
    m_session.gateway.send(commands::withdrawSubscriptionRemovals(ids), [self, ids](const CommandResult &r) {
        if (self)
            self->m_messages->showOutcome(
                r,
                tr("%n removal request(s) withdrawn: the subscription(s) stay active.", nullptr,
                   int(ids.size())));
    });
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
    m_session.gateway.send(commands::removeSubscriptions(ids), [self](const CommandResult &r) {
        if (!self)
            return;
        // Some rows may have become removal requests (a space the structure
        // does not leave to its users): say which happened.
        const int removed = r.data.value(QStringLiteral("removed")).toInt();
        const int asked = int(r.data.value(QStringLiteral("removalRequested")).toList().size());
        QStringList done;
        if (removed > 0 || asked == 0)
            done << tr("%n subscription(s) deleted.", nullptr, removed);
        if (asked > 0)
            done << tr("Removal asked for %n subscription(s): a manager of the structure decides, and "
                       "the subscription stays active until then.",
                       nullptr, asked);
        self->m_messages->showOutcome(r, done.join(QLatin1Char(' ')));
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
