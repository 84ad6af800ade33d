#include "ui/shell/outboxdialog.h"

#include "models/outboxmodel.h"
#include "ui/shell/session.h"
#include "ui/widgets/recordtable.h"

#include <QDialogButtonBox>
#include <QHeaderView>
#include <QLabel>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QSettings>
#include <QSortFilterProxyModel>
#include <QSplitter>
#include <QTableView>
#include <QVBoxLayout>

namespace guichet {

namespace {
const QString settingsPrefix = QStringLiteral("outbox/");
}

OutboxDialog::OutboxDialog(Session &session, QWidget *parent)
    : QDialog(parent)
    , m_session(session)
    , m_model(new OutboxModel(session.core, this))
    , m_proxy(new QSortFilterProxyModel(this))
    , m_table(new QTableView(this))
    , m_body(new QPlainTextEdit(this))
    , m_empty(new QLabel(tr("No mail in the local outbox."), this))
{
    setObjectName(QStringLiteral("outbox"));
    setWindowTitle(tr("Local outbox"));

    auto *intro = new QLabel(tr("In standalone mode, the mails Guichet sends are kept here: open one to "
                                "read it, for example to copy your reactivation link."),
                             this);
    intro->setWordWrap(true);

    m_proxy->setSourceModel(m_model);
    m_proxy->setSortRole(RecordTableModel::SortRole);
    m_table->setObjectName(QStringLiteral("mails"));
    m_table->setAccessibleName(tr("Mails"));
    m_table->setModel(m_proxy);
    m_table->setSortingEnabled(true);
    m_table->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_table->setSelectionMode(QAbstractItemView::SingleSelection);
    m_table->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_table->verticalHeader()->hide();
    // Dates, recipients and statuses whole, the subject stretching (ui/widgets/recordtable.h).
    fitColumns(m_table, settingsPrefix + QStringLiteral("columns"));
    // Each mail is in its recipient's language, whatever the UI's.
    m_table->setProperty(recipientLanguageProperty, true);
    m_body->setProperty(recipientLanguageProperty, true);

    m_body->setObjectName(QStringLiteral("mailText"));
    m_body->setAccessibleName(tr("Text of the selected mail"));
    m_body->setReadOnly(true);
    m_body->setTextInteractionFlags(Qt::TextSelectableByMouse | Qt::TextSelectableByKeyboard);
    m_empty->setObjectName(QStringLiteral("emptyOutbox"));

    auto *bodyLabel = new QLabel(tr("&Text of the mail:"), this);
    bodyLabel->setBuddy(m_body);
    auto *bodyBox = new QWidget(this);
    auto *bodyLayout = new QVBoxLayout(bodyBox);
    bodyLayout->setContentsMargins(0, 0, 0, 0);
    bodyLayout->addWidget(bodyLabel);
    bodyLayout->addWidget(m_body);

    auto *splitter = new QSplitter(Qt::Vertical, this);
    splitter->setObjectName(QStringLiteral("outboxSplitter"));
    splitter->addWidget(m_table);
    splitter->addWidget(bodyBox);
    splitter->setStretchFactor(0, 1);
    splitter->setStretchFactor(1, 1);

    auto *buttons = new QDialogButtonBox(QDialogButtonBox::Close, this);
    QPushButton *refresh = buttons->addButton(tr("&Refresh"), QDialogButtonBox::ActionRole);
    refresh->setObjectName(QStringLiteral("refresh"));
    refresh->setAutoDefault(false);
    buttons->button(QDialogButtonBox::Close)->setDefault(true);
    connect(refresh, &QPushButton::clicked, this, &OutboxDialog::reload);
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);

    auto *layout = new QVBoxLayout(this);
    layout->addWidget(intro);
    layout->addWidget(m_empty);
    layout->addWidget(splitter, 1);
    layout->addWidget(buttons);

    connect(m_table->selectionModel(), &QItemSelectionModel::currentRowChanged, this,
            &OutboxDialog::showSelected);
    connect(&m_session.gateway, &CommandGateway::dataChanged, this, &OutboxDialog::reload);

    setTabOrder(m_table, m_body);
    resize(820, 560);
    QSettings settings;
    splitter->restoreState(settings.value(settingsPrefix + QStringLiteral("splitter")).toByteArray());
    connect(splitter, &QSplitter::splitterMoved, this, [splitter] {
        QSettings().setValue(settingsPrefix + QStringLiteral("splitter"), splitter->saveState());
    });
    // Newest first unless the user chose another order last time.
    m_table->sortByColumn(
        settings.value(settingsPrefix + QStringLiteral("sortColumn"), int(OutboxModel::DateColumn)).toInt(),
        Qt::SortOrder(
            settings.value(settingsPrefix + QStringLiteral("sortOrder"), int(Qt::DescendingOrder)).toInt()));
    reload();
    m_table->setFocus();
}

OutboxDialog::~OutboxDialog()
{
    QSettings settings;
    QHeaderView *header = m_table->horizontalHeader();
    settings.setValue(settingsPrefix + QStringLiteral("sortColumn"), header->sortIndicatorSection());
    settings.setValue(settingsPrefix + QStringLiteral("sortOrder"), int(header->sortIndicatorOrder()));
}

void OutboxDialog::reload()
{
    const qint64 current = m_table->currentIndex().isValid()
        ? m_table->currentIndex().data(RecordTableModel::IdRole).toLongLong()
        : 0;
    m_model->reload();
    m_empty->setVisible(m_model->rowCount() == 0);
    if (m_model->rowCount() == 0) {
        m_body->clear();
        return;
    }
    const int sourceRow = current ? m_model->rowOfId(current) : -1;
    const int row = sourceRow >= 0 ? m_proxy->mapFromSource(m_model->index(sourceRow, 0)).row() : 0;
    selectRow(row);
}

QString OutboxDialog::subjectAt(int viewRow) const
{
    return m_proxy->index(viewRow, OutboxModel::SubjectColumn).data().toString();
}

void OutboxDialog::selectRow(int viewRow)
{
    m_table->selectRow(viewRow);
    m_table->setCurrentIndex(m_proxy->index(viewRow, 0));
    showSelected();
}

void OutboxDialog::showSelected()
{
    const QModelIndex index = m_table->currentIndex();
    if (!index.isValid()) {
        m_body->clear();
        return;
    }
    m_body->setPlainText(m_model->bodyText(m_proxy->mapToSource(index).row()));
}

} // namespace guichet
