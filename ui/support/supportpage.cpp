#include "ui/support/supportpage.h"

#include "client/directory.h"
#include "commands/commandargs.h"
#include "kernel/structureidentifier.h"
#include "models/attachedfilemodel.h"
#include "models/attachmentmodel.h"
#include "models/pendingrequestmodels.h"
#include "models/subscriptionmodel.h"
#include "models/supportmodels.h"
#include "rules/accounts/accounts.h"
#include "rules/audit/auditlog.h"
#include "rules/files/attachedfiles.h"
#include "rules/manager/manageractivity.h"
#include "rules/structures/structures.h"
#include "rules/support/solicitations.h"
#include "ui/shell/session.h"
#include "ui/sync/queuedchange.h"
#include "ui/widgets/dialogs.h"
#include "ui/widgets/flowlayout.h"
#include "ui/widgets/historypanel.h"
#include "ui/widgets/messagebar.h"
#include "ui/widgets/recordtable.h"
#include "ui/widgets/usersearchdialog.h"

#include <QAction>
#include <QCheckBox>
#include <QComboBox>
#include <QDateEdit>
#include <QDialogButtonBox>
#include <QFileInfo>
#include <QFormLayout>
#include <QGroupBox>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QLocale>
#include <QPlainTextEdit>
#include <QPointer>
#include <QProgressDialog>
#include <QPushButton>
#include <QSaveFile>
#include <QSettings>
#include <QSortFilterProxyModel>
#include <QSplitter>
#include <QStandardPaths>
#include <QTabWidget>
#include <QTableView>
#include <QTextBrowser>
#include <QVBoxLayout>

namespace guichet {

namespace {
const QString settingsPrefix = QStringLiteral("supportPage/");
const char *tableNames[]
    = { "usersTable", "structuresTable", "principalRequestsTable", "solicitationsTable" };

// « First LAST » of any record with those fields.
template<typename Record> QString personName(const Record &r)
{
    return QStringLiteral("%1 %2").arg(r.firstName, r.lastName.toUpper());
}

QString longDateTime(const QDateTime &at)
{
    return at.isValid() ? QLocale().toString(at.toLocalTime(), QLocale::LongFormat) : QString();
}
} // namespace

SupportPage::SupportPage(Session &session, QWidget *parent)
    : QWidget(parent)
    , m_session(session)
    , m_tabs(new QTabWidget(this))
    , m_bar(new MessageBar(this))
    , m_feedback(m_bar)
    , m_users(new SupportUserModel(session.core, session.userId(), this))
    , m_structures(new SupportStructureModel(session.core, session.userId(), this))
    , m_principalRequests(new PendingAttachmentModel(session.core, session.userId(), this))
    , m_solicitations(new SolicitationQueueModel(session.core, session.userId(), this))
    , m_journal(new HistoryPanel(session, HistoryPanel::Scope::AllStructures,
                                 settingsPrefix + QStringLiteral("journalTable"), this))
{
    setObjectName(QStringLiteral("supportPage"));
    setProperty("spaceCode", code());
    auto *title = new QLabel(tr("<h3>Support</h3>"), this);

    m_tabs->setObjectName(QStringLiteral("supportTabs"));
    m_tabs->addTab(createUsersTab(), tr("&Users"));
    m_tabs->addTab(createStructuresTab(), tr("S&tructures"));
    m_tabs->addTab(createSolicitationsTab(), tr("S&olicitations"));
    m_tabs->addTab(createJournalTab(), tr("&Log"));

    auto *layout = new QVBoxLayout(this);
    layout->addWidget(title);
    layout->addWidget(m_bar);
    layout->addWidget(m_tabs, 1);

    connect(&session.gateway, &CommandGateway::dataChanged, this, &SupportPage::reload);
    reload();
}

SupportPage::~SupportPage()
{
    for (const char *name : tableNames) {
        if (QTableView *table = view(QString::fromLatin1(name)))
            saveRecordTableHeader(table, settingsPrefix + QString::fromLatin1(name));
    }
}

QTableView *SupportPage::createTable(const QString &name, RecordModelBase *model,
                                     const QString &accessibleName)
{
    auto *table = new QTableView(this);
    table->setObjectName(name);
    table->setAccessibleName(accessibleName);
    auto *proxy = new QSortFilterProxyModel(table);
    setUpRecordTable(table, proxy, model, 0, settingsPrefix + name);
    connect(table->selectionModel(), &QItemSelectionModel::currentRowChanged, this,
            &SupportPage::updateButtons);
    connect(model, &QAbstractItemModel::modelReset, this, &SupportPage::updateButtons);
    return table;
}

QPushButton *SupportPage::createButton(const QString &name, const QString &text, void (SupportPage::*slot)())
{
    auto *button = new QPushButton(text, this);
    button->setObjectName(name);
    connect(button, &QPushButton::clicked, this, slot);
    return button;
}

QLineEdit *SupportPage::createEdit(const QString &name, const QString &accessibleName)
{
    auto *edit = new QLineEdit(this);
    edit->setObjectName(name);
    edit->setAccessibleName(accessibleName);
    edit->setClearButtonEnabled(true);
    return edit;
}

// A table action also reachable from the keyboard (context menu; optional key).
static void addTableAction(QTableView *table, const QString &text, QObject *receiver,
                           std::function<void()> slot, const QKeySequence &key = {})
{
    auto *action = new QAction(text, table);
    action->setShortcut(key);
    action->setShortcutContext(Qt::WidgetShortcut);
    QObject::connect(action, &QAction::triggered, receiver, std::move(slot));
    table->addAction(action);
}

QWidget *SupportPage::createUsersTab()
{
    auto *tab = new QWidget(this);
    auto *layout = new QVBoxLayout(tab);
    auto *form = new QFormLayout;
    const struct
    {
        const char *name;
        QString label;
        QString accessible;
    } fields[] = {
        { "userName", tr("&Name:"), tr("Name") },
        { "userEmail", tr("&E-mail:"), tr("E-mail") },
        { "userAddress", tr("Postal &address:"), tr("Postal address") },
        { "userStructure", tr("Stru&cture (SIRET or raison sociale):"), tr("Structure") },
    };
    for (const auto &f : fields) {
        QLineEdit *edit = createEdit(QString::fromLatin1(f.name), f.accessible);
        connect(edit, &QLineEdit::returnPressed, this, &SupportPage::searchUsers);
        form->addRow(f.label, edit);
    }
    layout->addLayout(form);
    auto *searchRow = new QHBoxLayout;
    searchRow->addStretch(1);
    searchRow->addWidget(
        createButton(QStringLiteral("searchUsers"), tr("&Search"), &SupportPage::searchUsers));
    layout->addLayout(searchRow);
    QTableView *table = createTable(QStringLiteral("usersTable"), m_users, tr("Users found"));
    setEmptyText(table,
                 tr("No user to show. Type a name, an e-mail, an address or a structure above, then "
                    "search."));
    layout->addWidget(table, 1);
    auto *row = new FlowLayout; // wraps when the labels are long (French) and the window narrow
    row->addWidget(
        createButton(QStringLiteral("reactivate"), tr("&Reactivate the account…"), &SupportPage::reactivate));
    row->addWidget(createButton(QStringLiteral("resendActivation"), tr("Resend the activation &mail"),
                                &SupportPage::resendActivation));
    row->addWidget(createButton(QStringLiteral("viewUser"), tr("&View attachments, subscriptions and files…"),
                                &SupportPage::viewUser));
    layout->addLayout(row);
    addTableAction(
        table, tr("View attachments, subscriptions and files"), this, [this] { viewUser(); },
        QKeySequence(Qt::Key_Return));
    addTableAction(table, tr("Reactivate the account"), this, [this] { reactivate(); });
    connect(table, &QTableView::doubleClicked, this, &SupportPage::viewUser);
    return tab;
}

QWidget *SupportPage::createStructuresTab()
{
    auto *tab = new QWidget(this);
    auto *layout = new QVBoxLayout(tab);
    auto *hint = new QLabel(tr("With an empty search, the structures without an active principal manager are "
                               "listed."),
                            tab);
    hint->setWordWrap(true);
    layout->addWidget(hint);
    auto *searchRow = new QHBoxLayout;
    QLineEdit *search = createEdit(QStringLiteral("structureSearch"), tr("SIRET or raison sociale"));
    search->setPlaceholderText(tr("SIRET or raison sociale…"));
    connect(search, &QLineEdit::returnPressed, this, &SupportPage::searchStructures);
    auto *label = new QLabel(tr("S&IRET or raison sociale:"), tab);
    label->setBuddy(search);
    searchRow->addWidget(label);
    searchRow->addWidget(search, 1);
    searchRow->addWidget(
        createButton(QStringLiteral("searchStructures"), tr("Searc&h"), &SupportPage::searchStructures));
    layout->addLayout(searchRow);
    QTableView *table = createTable(QStringLiteral("structuresTable"), m_structures, tr("Structures"));
    setEmptyText(table, tr("No structure to show. Type a SIRET or a name above, then search."));
    layout->addWidget(table, 1);
    auto *row = new QHBoxLayout;
    row->addWidget(createButton(QStringLiteral("namePrincipal"), tr("&Name a principal manager…"),
                                &SupportPage::namePrincipal));
    row->addStretch(1);
    layout->addLayout(row);
    addTableAction(
        table, tr("Name a principal manager…"), this, [this] { namePrincipal(); },
        QKeySequence(Qt::Key_Return));

    // Nobody in such a structure can decide a request to join it: support does.
    auto *requestsHint = new QLabel(tr("Requests to join a structure without a principal manager: validating "
                                       "one makes its requester the principal manager."),
                                    tab);
    requestsHint->setWordWrap(true);
    layout->addWidget(requestsHint);
    m_principalRequests->setCheckable(false);
    m_principalRequests->setPrincipalRequestsOnly(true);
    QTableView *requests = createTable(QStringLiteral("principalRequestsTable"), m_principalRequests,
                                       tr("Requests to structures without a principal manager"));
    setEmptyText(requests, tr("No request waits for a structure without a principal manager."));
    layout->addWidget(requests, 1);
    auto *requestRow = new QHBoxLayout;
    requestRow->addWidget(createButton(QStringLiteral("nameRequesterPrincipal"),
                                       tr("Name the requester &principal manager"),
                                       &SupportPage::nameRequesterPrincipal));
    requestRow->addStretch(1);
    layout->addLayout(requestRow);
    return tab;
}

QWidget *SupportPage::createSolicitationsTab()
{
    auto *tab = new QWidget(this);
    auto *layout = new QVBoxLayout(tab);
    m_statusFilter = new QComboBox(tab);
    m_statusFilter->setObjectName(QStringLiteral("statusFilter"));
    m_statusFilter->setAccessibleName(tr("State"));
    m_statusFilter->addItem(tr("All states"), QString());
    m_replyState = new QComboBox(tab);
    m_replyState->setObjectName(QStringLiteral("replyState"));
    m_replyState->setAccessibleName(tr("New state"));
    for (const SolicitationChoice &s : Solicitations::statuses()) {
        m_statusFilter->addItem(s.label, s.code);
        m_replyState->addItem(s.label, s.code);
    }
    m_replyState->setCurrentIndex(qMax(0, m_replyState->findData(QStringLiteral("waiting_user"))));
    auto *filterLabel = new QLabel(tr("Sh&ow:"), tab);
    filterLabel->setBuddy(m_statusFilter);
    auto *filterRow = new QHBoxLayout;
    filterRow->addWidget(filterLabel);
    filterRow->addWidget(m_statusFilter);
    filterRow->addStretch(1);
    layout->addLayout(filterRow);
    connect(m_statusFilter, &QComboBox::currentIndexChanged, this, &SupportPage::filterSolicitations);

    auto *splitter = new QSplitter(Qt::Vertical, tab);
    QTableView *table
        = createTable(QStringLiteral("solicitationsTable"), m_solicitations, tr("Solicitations"));
    setEmptyText(table, tr("No solicitation in this state. Choose another state to see the others."));
    connect(table->selectionModel(), &QItemSelectionModel::currentRowChanged, this,
            &SupportPage::showSolicitation);
    splitter->addWidget(table);
    m_messages = new QTextBrowser(tab);
    m_messages->setObjectName(QStringLiteral("messages"));
    m_messages->setAccessibleName(tr("Messages of the solicitation"));
    splitter->addWidget(m_messages);
    layout->addWidget(splitter, 1);

    auto *replyBox = new QGroupBox(tr("Answer"), tab);
    auto *replyLayout = new QFormLayout(replyBox);
    m_replyText = new QPlainTextEdit(replyBox);
    m_replyText->setObjectName(QStringLiteral("replyText"));
    m_replyText->setAccessibleName(tr("Reply"));
    m_replyText->setTabChangesFocus(true);
    m_replyText->setMaximumHeight(120);
    replyLayout->addRow(tr("Re&ply (mailed to the sender):"), m_replyText);
    auto *stateRow = new QHBoxLayout;
    stateRow->addWidget(m_replyState, 1);
    stateRow->addWidget(createButton(QStringLiteral("reply"), tr("&Reply"), &SupportPage::reply));
    stateRow->addWidget(
        createButton(QStringLiteral("setState"), tr("&Change the state"), &SupportPage::setState));
    // A label of its own with a buddy: addRow(text, layout) would show the « & ».
    auto *stateLabel = new QLabel(tr("New st&ate:"), replyBox);
    stateLabel->setObjectName(QStringLiteral("replyStateLabel"));
    stateLabel->setBuddy(m_replyState);
    replyLayout->addRow(stateLabel, stateRow);
    layout->addWidget(replyBox);
    setTabOrder(m_replyText, m_replyState); // created before the table, read after the reply
    m_feedback.bind(QStringLiteral("text"), m_replyText);
    m_feedback.bind(QStringLiteral("status"), m_replyState);
    return tab;
}

QWidget *SupportPage::createJournalTab()
{
    auto *tab = new QWidget(this);
    auto *layout = new QVBoxLayout(tab);
    layout->addWidget(m_journal);
    return tab;
}

QPushButton *SupportPage::button(const QString &name) const
{
    return findChild<QPushButton *>(name);
}

QTableView *SupportPage::view(const QString &name) const
{
    return findChild<QTableView *>(name);
}

QLineEdit *SupportPage::edit(const QString &name) const
{
    return findChild<QLineEdit *>(name);
}

QString SupportPage::errorText() const
{
    return m_bar->kind() == MessageBar::Kind::Error ? m_bar->text() : QString();
}

QString SupportPage::messageText() const
{
    return m_bar->text();
}

const SupportUserRow *SupportPage::currentUser() const
{
    return currentRecordOf(view(QStringLiteral("usersTable")), m_users);
}

const SupportStructure *SupportPage::currentStructure() const
{
    return currentRecordOf(view(QStringLiteral("structuresTable")), m_structures);
}

const SolicitationInfo *SupportPage::currentSolicitation() const
{
    return currentRecordOf(view(QStringLiteral("solicitationsTable")), m_solicitations);
}

void SupportPage::reload()
{
    // Searches run again so that a reactivation or a new principal shows at once.
    m_users->reload();
    m_structures->reload();
    reloadPrincipalRequests();
    const qint64 solicitation = currentRecordId(view(QStringLiteral("solicitationsTable")));
    m_solicitations->reload();
    if (QTableView *table = view(QStringLiteral("solicitationsTable"))) {
        const int row = m_solicitations->rowOfId(solicitation);
        if (row >= 0) {
            auto *proxy = qobject_cast<QSortFilterProxyModel *>(table->model());
            table->setCurrentIndex(proxy->mapFromSource(m_solicitations->index(row, 0)));
        }
    }
    showSolicitation();
    reloadJournalStructures();
    updateButtons();
}

void SupportPage::updateButtons()
{
    const SupportUserRow *user = currentUser();
    const bool solicitation = currentSolicitation() != nullptr;
    const struct
    {
        const char *name;
        bool enabled;
    } states[] = {
        { "reactivate", user && !user->active && !user->pending },
        { "resendActivation", user && user->pending },
        { "viewUser", user != nullptr },
        { "namePrincipal", currentStructure() != nullptr },
        { "nameRequesterPrincipal",
          currentRecordOf(view(QStringLiteral("principalRequestsTable")), m_principalRequests) != nullptr },
        { "reply", solicitation },
        { "setState", solicitation },
    };
    for (const auto &s : states) {
        if (QPushButton *b = button(QString::fromLatin1(s.name)))
            b->setEnabled(s.enabled);
    }
}

void SupportPage::send(const CommandCall &call, std::function<void(const CommandResult &)> done)
{
    m_feedback.clear();
    m_bar->dismiss();
    QPointer<SupportPage> self(this);
    m_session.gateway.send(call, [self, done](const CommandResult &r) {
        if (!self)
            return;
        if (!r.ok()) {
            self->m_feedback.show(r);
            return;
        }
        if (QueuedChange::isQueued(r)) {
            self->m_bar->showMessage(MessageBar::Kind::Information, QueuedChange::message());
            return;
        }
        if (done)
            done(r);
    });
}

// ---- Utilisateurs ----

void SupportPage::searchUsers()
{
    SupportUserCriteria criteria;
    criteria.name = edit(QStringLiteral("userName"))->text();
    criteria.email = edit(QStringLiteral("userEmail"))->text();
    criteria.address = edit(QStringLiteral("userAddress"))->text();
    criteria.structure = edit(QStringLiteral("userStructure"))->text();
    m_feedback.clear();
    m_users->setCriteria(criteria);
    if (!m_users->lastResult().ok())
        m_feedback.show(m_users->lastResult());
}

void SupportPage::reactivate()
{
    const SupportUserRow *current = currentUser();
    if (!current || current->active)
        return;
    const SupportUserRow user = *current;
    const QString who = QStringLiteral("%1 <%2>").arg(personName(user), user.email);
    if (Dialogs::question(this, tr("Reactivate the account"),
                          tr("Send %1 an e-mail with a reactivation link? The account becomes active again "
                             "once they follow the link and choose a new password.")
                              .arg(who))
        != QMessageBox::Ok)
        return;
    QPointer<SupportPage> self(this);
    send(commands::supportReactivate(user.id), [self, who](const CommandResult &r) {
        if (!self)
            return;
        const QDateTime expires
            = QDateTime::fromString(r.data.value(QStringLiteral("expiresAt")).toString(), Qt::ISODate);
        self->m_bar->showMessage(MessageBar::Kind::Positive,
                                 tr("A reactivation link was mailed to %1. It is valid until %2.")
                                     .arg(who, longDateTime(expires)));
    });
}

void SupportPage::resendActivation()
{
    const SupportUserRow *current = currentUser();
    if (!current || !current->pending)
        return;
    const QString who = QStringLiteral("%1 <%2>").arg(personName(*current), current->email);
    QPointer<SupportPage> self(this);
    send(commands::supportResendActivation(current->id), [self, who](const CommandResult &r) {
        if (!self)
            return;
        const QDateTime expires
            = QDateTime::fromString(r.data.value(QStringLiteral("expiresAt")).toString(), Qt::ISODate);
        self->m_bar->showMessage(MessageBar::Kind::Positive,
                                 tr("A new activation link was mailed to %1; the older ones no longer work. "
                                    "It is valid until %2.")
                                     .arg(who, longDateTime(expires)));
    });
}

void SupportPage::viewUser()
{
    const SupportUserRow *current = currentUser();
    if (!current)
        return;
    const SupportUserRow user = *current;
    const qint64 userId = user.id;
    QDialog dialog(this);
    dialog.setObjectName(QStringLiteral("userDetailsDialog"));
    dialog.setWindowTitle(tr("%1 <%2>").arg(personName(user), user.email));
    auto *layout = new QVBoxLayout(&dialog);
    auto *tabs = new QTabWidget(&dialog);
    tabs->setObjectName(QStringLiteral("detailTabs"));
    auto addTable = [&](const QString &name, const QString &title, RecordModelBase *model) {
        model->setCheckable(false);
        auto *table = new QTableView(tabs);
        table->setObjectName(name);
        table->setAccessibleName(title);
        setUpRecordTable(table, new QSortFilterProxyModel(table), model, 0, settingsPrefix + name);
        tabs->addTab(table, title);
    };
    auto *attachments = new AttachmentModel(m_session.core, userId, &dialog);
    attachments->reload();
    addTable(QStringLiteral("detailAttachments"), tr("&Attachments"), attachments);
    auto *subscriptions = new SubscriptionModel(m_session.core, userId, &dialog);
    subscriptions->reload();
    addTable(QStringLiteral("detailSubscriptions"), tr("&Subscriptions"), subscriptions);
    // Files through the support read: metadata only, never contents.
    auto *files = new AttachedFileModel(m_session.core, 0, &dialog);
    files->setRecords(AttachedFiles(m_session.core)
                          .listFilesForSupport(m_session.userId(), userId)
                          .value_or(QList<AttachedFileInfo>()));
    addTable(QStringLiteral("detailFiles"), tr("&Files (metadata only)"), files);
    layout->addWidget(tabs, 1);
    auto *buttons = new QDialogButtonBox(QDialogButtonBox::Close, &dialog);
    buttons->setObjectName(QStringLiteral("buttons"));
    connect(buttons, &QDialogButtonBox::rejected, &dialog, &QDialog::reject);
    layout->addWidget(buttons);
    dialog.resize(800, 480);
    Dialogs::exec(&dialog);
}

// ---- Structures ----

void SupportPage::searchStructures()
{
    m_structures->setSearch(edit(QStringLiteral("structureSearch"))->text());
}

void SupportPage::namePrincipal()
{
    const SupportStructure *current = currentStructure();
    if (!current)
        return;
    const qint64 structureId = current->id;
    const QString structureName = tr("%1 (%2)").arg(
        current->raisonSociale, StructureIdentifier::display(current->identifierType, current->siret));
    QDialog dialog(this);
    dialog.setObjectName(QStringLiteral("namePrincipalDialog"));
    dialog.setWindowTitle(tr("Name a principal manager"));
    auto *layout = new QVBoxLayout(&dialog);
    auto *intro
        = new QLabel(tr("Choose the new principal manager of %1 among its active users, or find another "
                        "active user, who is then attached to the whole structure.")
                         .arg(structureName),
                     &dialog);
    intro->setWordWrap(true);
    layout->addWidget(intro);
    auto *successor = new QComboBox(&dialog);
    successor->setObjectName(QStringLiteral("successor"));
    successor->setAccessibleName(tr("New principal manager"));
    Accounts accounts(m_session.core);
    QList<qint64> listed;
    for (const StructureUser &u : ManagerActivity(m_session.core).structureUsers(structureId)) {
        const qint64 id = u.userId;
        const auto profile = accounts.profile(id);
        if (listed.contains(id) || u.status != QLatin1String("validated") || u.ended
            || u.role == Role::Principal || !profile || !profile->active)
            continue;
        listed << id;
        successor->addItem(QStringLiteral("%1 <%2>").arg(personName(u), u.email), id);
    }
    // Those who asked to join it: naming one validates their request.
    constexpr int RequestRole = Qt::UserRole + 1;
    for (int i = 0; i < m_principalRequests->rowCount(); ++i) {
        const PendingAttachmentRow &r = m_principalRequests->record(i);
        if (r.structureId != structureId || listed.contains(r.userId))
            continue;
        listed << r.userId;
        successor->addItem(tr("%1 <%2> (asked to join)")
                               .arg(QStringLiteral("%1 %2").arg(r.firstName, r.lastName.toUpper()), r.email),
                           r.userId);
        successor->setItemData(successor->count() - 1, r.id, RequestRole);
    }
    auto *other = new QPushButton(tr("&Find another user…"), &dialog);
    other->setObjectName(QStringLiteral("findUser"));
    connect(other, &QPushButton::clicked, &dialog, [&] {
        UserSearchDialog search(m_session, &dialog);
        if (Dialogs::exec(&search) != QDialog::Accepted || !search.selectedUserId())
            return;
        int index = successor->findData(search.selectedUserId());
        if (index < 0) {
            successor->addItem(tr("%1 (will be attached)").arg(search.selectedUserLabel()),
                               search.selectedUserId());
            index = successor->count() - 1;
        }
        successor->setCurrentIndex(index);
    });
    auto *row = new QHBoxLayout;
    row->addWidget(successor, 1);
    row->addWidget(other);
    layout->addLayout(row);
    auto *error = new QLabel(&dialog);
    error->setObjectName(QStringLiteral("error"));
    error->setStyleSheet(QStringLiteral("color: #c0392b;"));
    error->setWordWrap(true);
    layout->addWidget(error);
    FormFeedback feedback(error);
    feedback.bind(QStringLiteral("successor"), successor);
    auto *buttons = new QDialogButtonBox(QDialogButtonBox::Ok | QDialogButtonBox::Cancel, &dialog);
    buttons->setObjectName(QStringLiteral("buttons"));
    layout->addWidget(buttons);
    connect(buttons, &QDialogButtonBox::rejected, &dialog, &QDialog::reject);
    QString named;
    // The dialog stays open on a refusal (e.g. the chosen user was deactivated meanwhile).
    connect(buttons, &QDialogButtonBox::accepted, &dialog, [&] {
        if (successor->currentIndex() < 0) {
            feedback.show(CommandResult::failure(ErrorCode::InvalidInput, QStringLiteral("successor"),
                                                 tr("Choose the new principal manager.")));
            return;
        }
        named = successor->currentText();
        QPointer<QDialog> guard(&dialog);
        const qint64 request = successor->currentData(RequestRole).toLongLong();
        m_session.gateway.send(
            request ? commands::decideAttachment(request, true)
                    : commands::transferPrincipal(structureId, successor->currentData().toLongLong()),
            [guard, &feedback](const CommandResult &r) {
                if (!guard)
                    return;
                if (r.ok())
                    guard->accept();
                else
                    feedback.show(r);
            });
    });
    if (Dialogs::exec(&dialog) == QDialog::Accepted)
        m_bar->showMessage(
            MessageBar::Kind::Positive,
            tr("%1 is now the principal manager of %2 and was told by e-mail.").arg(named, structureName));
}

void SupportPage::nameRequesterPrincipal()
{
    const PendingAttachmentRow *current
        = currentRecordOf(view(QStringLiteral("principalRequestsTable")), m_principalRequests);
    if (!current)
        return;
    const QString who
        = QStringLiteral("%1 %2 <%3>").arg(current->firstName, current->lastName.toUpper(), current->email);
    const QString structure = tr("%1 (%2)").arg(
        current->raisonSociale, StructureIdentifier::display(current->identifierType, current->siret));
    if (Dialogs::question(
            this, tr("Name the requester principal manager"),
            tr("Validate the request of %1: they become the principal manager of %2.").arg(who, structure))
        != QMessageBox::Ok)
        return;
    // One step: validating the request makes the requester principal (Attachments::decideAttachment).
    QPointer<SupportPage> self(this);
    send(commands::decideAttachment(current->id, true), [self, who, structure](const CommandResult &) {
        if (self)
            self->m_bar->showMessage(
                MessageBar::Kind::Positive,
                tr("%1 is now the principal manager of %2 and was told by e-mail.").arg(who, structure));
    });
}

// ---- Sollicitations ----

void SupportPage::filterSolicitations()
{
    m_solicitations->setStatusFilter(m_statusFilter->currentData().toString());
    showSolicitation();
}

void SupportPage::showSolicitation()
{
    const SolicitationInfo *current = currentSolicitation();
    if (!current) {
        m_messages->clear();
        updateButtons();
        return;
    }
    const SolicitationInfo s = *current;
    QString html
        = tr("<h4>%1</h4><p><b>From:</b> %2 — <b>Category:</b> %3 — <b>State:</b> %4<br/><b>Sent:</b> %5</p>")
              .arg(s.subject.toHtmlEscaped(), s.email.toHtmlEscaped(), s.categoryLabel.toHtmlEscaped(),
                   s.statusLabel.toHtmlEscaped(), longDateTime(s.createdAt));
    html += QStringLiteral("<p>%1</p>")
                .arg(s.body.toHtmlEscaped().replace(QLatin1Char('\n'), QStringLiteral("<br/>")));
    const auto messages = Solicitations(m_session.core).messages(m_session.userId(), s.id);
    for (const SolicitationMessage &m : messages.value_or(QList<SolicitationMessage>())) {
        html += QStringLiteral("<hr/><p><b>%1</b> — %2<br/>%3</p>")
                    .arg(m.fromSupport ? tr("Support") : tr("Sender"), longDateTime(m.createdAt),
                         m.body.toHtmlEscaped().replace(QLatin1Char('\n'), QStringLiteral("<br/>")));
    }
    m_messages->setHtml(html);
    updateButtons();
}

void SupportPage::reply()
{
    const qint64 id = currentSolicitation() ? currentSolicitation()->id : 0;
    if (!id)
        return;
    QPointer<SupportPage> self(this);
    send(commands::reply(id, m_replyText->toPlainText().trimmed(), m_replyState->currentData().toString()),
         [self](const CommandResult &) {
             if (!self)
                 return;
             self->m_replyText->clear();
             self->m_bar->showMessage(MessageBar::Kind::Positive,
                                      tr("Your reply was sent; the sender was notified by e-mail."));
         });
}

void SupportPage::setState()
{
    const qint64 id = currentSolicitation() ? currentSolicitation()->id : 0;
    if (!id)
        return;
    const QString state = m_replyState->currentText();
    QPointer<SupportPage> self(this);
    send(commands::setStatus(id, m_replyState->currentData().toString()),
         [self, state](const CommandResult &) {
             if (self)
                 self->m_bar->showMessage(MessageBar::Kind::Positive,
                                          tr("The solicitation is now « %1 ».").arg(state));
         });
}

// ---- Journal ----

void SupportPage::reloadPrincipalRequests()
{
    // Through the directory: connected, a support user's replica does not
    // hold the requests to structures they are not attached to.
    QPointer<SupportPage> self(this);
    m_session.directory.principalRequests(
        this, [self](const CommandResult &result, const QList<AttachmentView> &requests) {
            if (!self)
                return;
            if (!result.ok()) {
                self->m_feedback.show(result);
                return;
            }
            self->m_principalRequests->setRequests(requests);
            self->updateButtons();
        });
}

void SupportPage::reloadJournalStructures()
{
    QList<std::pair<qint64, QString>> choices;
    for (const StructureRow &s : Structures(m_session.core).all())
        choices.append(
            { s.id,
              tr("%1 (%2)").arg(s.raisonSociale, StructureIdentifier::display(s.identifierType, s.siret)) });
    m_journal->setStructureChoices(choices);
}

} // namespace guichet
