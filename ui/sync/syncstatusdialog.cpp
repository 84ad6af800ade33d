#include "ui/sync/syncstatusdialog.h"

#include "models/recordtablemodel.h"
#include "ui/sync/commanddescription.h"
#include "ui/widgets/dialogs.h"
#include "ui/widgets/icons.h"
#include "ui/widgets/recordtable.h"

#include <QAction>
#include <QDialogButtonBox>
#include <QHeaderView>
#include <QLabel>
#include <QLocale>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QSettings>
#include <QTableView>
#include <QVBoxLayout>

namespace guichet {

namespace {
const QString settingsPrefix = QStringLiteral("syncStatus/");

QVariantMap recordOf(const OutboxEntry &entry)
{
    return { { QStringLiteral("id"), entry.seq },
             { QStringLiteral("title"), CommandDescription::title(entry.name) },
             { QStringLiteral("createdAt"), entry.createdAt },
             { QStringLiteral("reason"), entry.reason },
             { QStringLiteral("values"),
               CommandDescription::values(entry.name, entry.args).join(QLatin1Char('\n')) } };
}

QString dateText(const QVariantMap &r)
{
    return QLocale().toString(r.value(QStringLiteral("createdAt")).toDateTime().toLocalTime(),
                              QLocale::ShortFormat);
}

void setUpView(QTableView *view, RecordTableModel *model, const QString &name, const QString &accessible)
{
    view->setObjectName(name);
    view->setModel(model);
    view->setAccessibleName(accessible);
    view->setSelectionBehavior(QAbstractItemView::SelectRows);
    view->setSelectionMode(QAbstractItemView::SingleSelection);
    view->setEditTriggers(QAbstractItemView::NoEditTriggers);
    view->verticalHeader()->hide();
    // Dates and statuses whole, the widest text stretching; the user's widths remembered.
    fitColumns(view, settingsPrefix + name);
}
} // namespace

SyncStatusDialog::SyncStatusDialog(const SyncState &state, Load load, Discard discard, QWidget *parent)
    : QDialog(parent)
    , m_load(std::move(load))
    , m_discard(std::move(discard))
    , m_summary(new QLabel(this))
    , m_pending(new RecordTableModel(this))
    , m_refused(new RecordTableModel(this))
    , m_pendingView(new QTableView(this))
    , m_refusedView(new QTableView(this))
    , m_details(new QPlainTextEdit(this))
    , m_delete(new QPushButton(themedIcon(QStringLiteral("edit-delete")), tr("&Delete"), this))
{
    setObjectName(QStringLiteral("syncStatusDialog"));
    setWindowTitle(tr("Synchronisation status"));
    m_summary->setObjectName(QStringLiteral("summary"));
    m_summary->setWordWrap(true);

    m_pending->setColumns({
        { QStringLiteral("title"), tr("Change") },
        { QStringLiteral("createdAt"), tr("Made on"), dateText, ColumnKind::Date },
    });
    m_refused->setColumns({
        { QStringLiteral("title"), tr("Change") },
        { QStringLiteral("createdAt"), tr("Made on"), dateText, ColumnKind::Date },
        { QStringLiteral("reason"), tr("Reason given by the server") },
    });
    setUpView(m_pendingView, m_pending, QStringLiteral("pending"), tr("Changes waiting to be sent"));
    setUpView(m_refusedView, m_refused, QStringLiteral("refused"), tr("Changes refused by the server"));

    m_details->setObjectName(QStringLiteral("details"));
    m_details->setReadOnly(true);
    m_details->setAccessibleName(tr("What you typed"));
    m_details->setPlaceholderText(tr("Select a change to see what you typed."));
    m_details->setMaximumHeight(m_details->fontMetrics().lineSpacing() * 8);

    m_delete->setObjectName(QStringLiteral("delete"));
    m_delete->setAutoDefault(false);
    m_delete->setToolTip(tr("Give up the selected refused change: it is deleted from this computer."));
    connect(m_delete, &QPushButton::clicked, this, &SyncStatusDialog::discardCurrent);
    // The Delete key and the context menu do the same on the refused table.
    auto *deleteAction = new QAction(tr("Delete this refused change"), m_refusedView);
    deleteAction->setShortcut(QKeySequence::Delete);
    deleteAction->setShortcutContext(Qt::WidgetShortcut);
    connect(deleteAction, &QAction::triggered, this, &SyncStatusDialog::discardCurrent);
    m_refusedView->addAction(deleteAction);
    m_refusedView->setContextMenuPolicy(Qt::ActionsContextMenu);

    connect(m_pendingView->selectionModel(), &QItemSelectionModel::selectionChanged, this, [this] {
        if (m_pendingView->selectionModel()->hasSelection())
            m_refusedView->clearSelection();
        showDetails(m_pendingView, m_pending);
    });
    connect(m_refusedView->selectionModel(), &QItemSelectionModel::selectionChanged, this, [this] {
        if (m_refusedView->selectionModel()->hasSelection())
            m_pendingView->clearSelection();
        showDetails(m_refusedView, m_refused);
    });

    auto *pendingLabel = new QLabel(tr("&Waiting to be sent, in this order:"), this);
    pendingLabel->setBuddy(m_pendingView);
    auto *refusedLabel = new QLabel(tr("&Refused by the server (nothing you typed is lost):"), this);
    refusedLabel->setBuddy(m_refusedView);
    auto *detailsLabel = new QLabel(tr("What you &typed:"), this);
    detailsLabel->setBuddy(m_details);

    auto *buttons = new QDialogButtonBox(QDialogButtonBox::Close, this);
    buttons->addButton(m_delete, QDialogButtonBox::ActionRole);
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);

    auto *layout = new QVBoxLayout(this);
    layout->addWidget(m_summary);
    layout->addWidget(pendingLabel);
    layout->addWidget(m_pendingView, 1);
    layout->addWidget(refusedLabel);
    layout->addWidget(m_refusedView, 1);
    layout->addWidget(detailsLabel);
    layout->addWidget(m_details);
    layout->addWidget(buttons);
    resize(QSettings().value(settingsPrefix + QStringLiteral("size"), QSize(760, 520)).toSize());

    setState(state);
    reload();
}

SyncStatusDialog::~SyncStatusDialog()
{
    QSettings().setValue(settingsPrefix + QStringLiteral("size"), size());
}

void SyncStatusDialog::setState(const SyncState &state)
{
    m_summary->setText(SyncStatusButton::statusText(state));
}

void SyncStatusDialog::reload()
{
    QList<QVariantMap> pending, refused;
    for (const OutboxEntry &entry : m_load())
        (entry.refused ? refused : pending).append(recordOf(entry));
    m_pending->setRecords(pending);
    m_refused->setRecords(refused);
    m_delete->setEnabled(!m_refusedView->selectionModel()->selectedRows().isEmpty());
    if (!refused.isEmpty() && m_refusedView->selectionModel()->selectedRows().isEmpty()) {
        m_refusedView->selectRow(0);
        m_refusedView->setFocus();
    }
}

void SyncStatusDialog::showDetails(QTableView *view, RecordTableModel *model)
{
    const QModelIndexList rows = view->selectionModel()->selectedRows();
    if (view == m_refusedView)
        m_delete->setEnabled(!rows.isEmpty());
    if (rows.isEmpty())
        return;
    const QVariantMap r = model->record(rows.first().row());
    QString text = r.value(QStringLiteral("values")).toString();
    if (!r.value(QStringLiteral("reason")).toString().isEmpty())
        text = tr("Refused: %1").arg(r.value(QStringLiteral("reason")).toString()) + QStringLiteral("\n")
            + text;
    m_details->setPlainText(text);
}

void SyncStatusDialog::discardCurrent()
{
    const QModelIndexList rows = m_refusedView->selectionModel()->selectedRows();
    if (rows.isEmpty())
        return;
    const QVariantMap r = m_refused->record(rows.first().row());
    if (Dialogs::question(this, tr("Delete a refused change"),
                          tr("Delete the refused change « %1 »? What you typed for it will be lost.")
                              .arg(r.value(QStringLiteral("title")).toString()))
        != QMessageBox::Ok)
        return;
    if (!m_discard(r.value(QStringLiteral("id")).toLongLong()))
        Dialogs::warning(this, tr("Delete a refused change"), tr("The change could not be deleted."));
    m_details->clear();
    m_refusedView->clearSelection();
    reload();
}

} // namespace guichet
