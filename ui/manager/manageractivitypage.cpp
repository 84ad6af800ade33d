#include "ui/manager/manageractivitypage.h"

#include "commands/commandargs.h"
#include "kernel/structureidentifier.h"
#include "models/attachmentmodel.h"
#include "models/labels.h"
#include "models/pendingrequestmodels.h"
#include "models/structureusermodel.h"
#include "rules/audit/auditlog.h"
#include "rules/manager/manageractivity.h"
#include "rules/spaces/spaces.h"
#include "rules/structures/structures.h"
#include "ui/account/successordialog.h"
#include "ui/attachments/structurecreatedialog.h"
#include "ui/manager/attachtostructuresdialog.h"
#include "ui/manager/attachuserdialog.h"
#include "ui/manager/bulksubscriptiondialog.h"
#include "ui/manager/inviteuserdialog.h"
#include "ui/shell/session.h"
#include "ui/sync/queuedchange.h"
#include "ui/widgets/dialogs.h"
#include "ui/widgets/flowlayout.h"
#include "ui/widgets/historypanel.h"
#include "ui/widgets/messagebar.h"
#include "ui/widgets/recordtable.h"
#include "ui/widgets/taborder.h"
#include "ui/widgets/usersearchdialog.h"

#include <QAction>
#include <QCheckBox>
#include <QComboBox>
#include <QDateEdit>
#include <QDialogButtonBox>
#include <QDir>
#include <QFileInfo>
#include <QFormLayout>
#include <QGroupBox>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QListWidget>
#include <QLocale>
#include <QPlainTextEdit>
#include <QPointer>
#include <QProgressDialog>
#include <QPushButton>
#include <QSaveFile>
#include <QSettings>
#include <QSortFilterProxyModel>
#include <QStandardPaths>
#include <QTabWidget>
#include <QTableView>
#include <QVBoxLayout>

namespace guichet {

namespace {
const QString settingsPrefix = QStringLiteral("managerActivity/");
const QString overdueKey = QStringLiteral("managerActivity/overdueDays");
const QString structureKey = QStringLiteral("managerActivity/structure");

QString longDate(const QVariant &value)
{
    const QDate date = value.toDate();
    return date.isValid() ? QLocale().toString(date, QLocale::LongFormat) : QString();
}

QString personName(const QString &firstName, const QString &lastName)
{
    return QStringLiteral("%1 %2").arg(firstName, lastName.toUpper());
}

QString personName(const StructureUser &u)
{
    return QStringLiteral("%1 %2").arg(u.firstName, u.lastName.toUpper());
}

// A small modal form run through Dialogs::exec: OK (default, Enter) and Cancel (Esc).
QDialogButtonBox *addButtons(QDialog *dialog, QLayout *layout)
{
    auto *buttons = new QDialogButtonBox(QDialogButtonBox::Ok | QDialogButtonBox::Cancel, dialog);
    buttons->setObjectName(QStringLiteral("buttons"));
    QObject::connect(buttons, &QDialogButtonBox::accepted, dialog, &QDialog::accept);
    QObject::connect(buttons, &QDialogButtonBox::rejected, dialog, &QDialog::reject);
    layout->addWidget(buttons);
    return buttons;
}
} // namespace

ManagerActivityPage::ManagerActivityPage(Session &session, QWidget *parent)
    : QWidget(parent)
    , m_session(session)
    , m_structure(new QComboBox(this))
    , m_readOnlyNotice(new QLabel(this))
    , m_reminders(new QLabel(this))
    , m_tabs(new QTabWidget(this))
    , m_messages(new MessageBar(this))
    , m_feedback(m_messages)
    , m_attachmentRequests(new PendingAttachmentModel(session.core, session.userId(), this))
    , m_subscriptionRequests(new PendingSubscriptionModel(session.core, session.userId(), this))
    , m_users(new StructureUserModel(session.core, this))
    , m_services(new RecordListModel<ServiceRow>(this))
    , m_spaces(new RecordListModel<Space>(this))
    , m_history(new HistoryPanel(session, HistoryPanel::Scope::OneStructure,
                                 settingsPrefix + QStringLiteral("historyTable"), this))
{
    setObjectName(QStringLiteral("managerActivity"));
    setProperty("spaceCode", code());
    auto *title = new QLabel(tr("<h3>Manager's activity</h3>"), this);

    m_structure->setObjectName(QStringLiteral("structureChooser"));
    m_structure->setAccessibleName(tr("Structure"));
    auto *structureLabel = new QLabel(tr("&Structure:"), this);
    structureLabel->setBuddy(m_structure);
    auto *chooserRow = new QHBoxLayout;
    chooserRow->addWidget(structureLabel);
    chooserRow->addWidget(m_structure, 1);

    m_readOnlyNotice->setObjectName(QStringLiteral("readOnlyNotice"));
    m_readOnlyNotice->setWordWrap(true);
    m_readOnlyNotice->setStyleSheet(QStringLiteral("color: #8a5a00;"));
    m_reminders->setObjectName(QStringLiteral("reminders"));
    m_reminders->setWordWrap(true);
    m_feedback.bind(QStringLiteral("structure"), m_structure);

    m_services->setColumns(
        { { ColumnKind::Identifier, tr("Code"), [](const ServiceRow &r) { return r.code; }, {} },
          { tr("Name"), [](const ServiceRow &r) { return r.name; }, {} },
          { ColumnKind::Status, tr("Active"), [](const ServiceRow &r) { return r.active; },
            [](const ServiceRow &r) { return r.active ? tr("Yes") : tr("No"); } } });
    m_spaces->setColumns({ { tr("Space set at structure level"),
                             [](const Space &r) { return labels::space(r.code, r.name); },
                             {} } });

    m_tabs->setObjectName(QStringLiteral("managerTabs"));
    m_tabs->addTab(createRequestsTab(), tr("&Pending requests"));
    m_tabs->addTab(createUsersTab(), tr("&Users"));
    m_tabs->addTab(createStructureTab(), tr("S&tructure"));
    m_tabs->addTab(createHistoryTab(), tr("&History"));

    auto *layout = new QVBoxLayout(this);
    layout->addWidget(title);
    layout->addWidget(m_messages);
    layout->addLayout(chooserRow);
    layout->addWidget(m_readOnlyNotice);
    layout->addWidget(m_tabs, 1);

    connect(m_structure, &QComboBox::currentIndexChanged, this, [this] {
        QSettings().setValue(structureKey, currentStructureId()); // the user's choice, for next time
        structureChanged();
    });
    connect(&session.gateway, &CommandGateway::dataChanged, this, &ManagerActivityPage::reload);
    reload();
}

ManagerActivityPage::~ManagerActivityPage()
{
    for (const char *name : { "attachmentRequestsTable", "subscriptionRequestsTable", "usersTable",
                              "servicesTable", "spacesTable" }) {
        if (QTableView *table = view(QString::fromLatin1(name)))
            saveRecordTableHeader(table, settingsPrefix + QString::fromLatin1(name));
    }
}

int ManagerActivityPage::overdueDays()
{
    return qMax(1, QSettings().value(overdueKey, 7).toInt());
}

void ManagerActivityPage::setOverdueDays(int days)
{
    QSettings().setValue(overdueKey, days);
}

QTableView *ManagerActivityPage::createTable(const QString &name, RecordModelBase *model,
                                             QSortFilterProxyModel *proxy, const QString &accessibleName)
{
    auto *table = new QTableView(this);
    table->setObjectName(name);
    table->setAccessibleName(accessibleName);
    setUpRecordTable(table, proxy, model, model->isCheckable() ? 1 : 0, settingsPrefix + name);
    connect(table->selectionModel(), &QItemSelectionModel::currentRowChanged, this,
            &ManagerActivityPage::updateButtons);
    connect(model, &QAbstractItemModel::modelReset, this, &ManagerActivityPage::updateButtons);
    connect(model, &RecordModelBase::checkedChanged, this, &ManagerActivityPage::updateButtons);
    return table;
}

QPushButton *ManagerActivityPage::createButton(const QString &name, const QString &text,
                                               void (ManagerActivityPage::*slot)())
{
    auto *button = new QPushButton(text, this);
    button->setObjectName(name);
    connect(button, &QPushButton::clicked, this, slot);
    return button;
}

QWidget *ManagerActivityPage::createRequestsTab()
{
    auto *tab = new QWidget(this);
    auto *layout = new QVBoxLayout(tab);
    layout->addWidget(m_reminders);

    const struct
    {
        RecordModelBase *model;
        QString table;
        QString title;
        QString validate, refuse, consult;
        void (ManagerActivityPage::*onValidate)();
        void (ManagerActivityPage::*onRefuse)();
        void (ManagerActivityPage::*onConsult)();
    } blocks[] = {
        { m_attachmentRequests, QStringLiteral("attachmentRequestsTable"), tr("Attachment requests"),
          QStringLiteral("validateAttachments"), QStringLiteral("refuseAttachments"),
          QStringLiteral("consultAttachment"), &ManagerActivityPage::validateAttachments,
          &ManagerActivityPage::refuseAttachments, &ManagerActivityPage::consultAttachment },
        { m_subscriptionRequests, QStringLiteral("subscriptionRequestsTable"), tr("Subscription requests"),
          QStringLiteral("validateSubscriptions"), QStringLiteral("refuseSubscriptions"),
          QStringLiteral("consultSubscription"), &ManagerActivityPage::validateSubscriptions,
          &ManagerActivityPage::refuseSubscriptions, &ManagerActivityPage::consultSubscription },
    };
    for (const auto &b : blocks) {
        auto *box = new QGroupBox(b.title, tab);
        auto *boxLayout = new QVBoxLayout(box);
        auto *proxy = new QSortFilterProxyModel(this);
        QTableView *table = createTable(b.table, b.model, proxy, b.title);
        boxLayout->addWidget(createRecordFilter(proxy, box));
        boxLayout->addWidget(table, 1);
        auto *row = new QHBoxLayout;
        row->addWidget(createButton(b.consult, tr("C&onsult"), b.onConsult));
        row->addWidget(createButton(b.validate, tr("&Validate"), b.onValidate));
        row->addWidget(createButton(b.refuse, tr("&Refuse"), b.onRefuse));
        row->addStretch(1);
        boxLayout->addLayout(row);
        layout->addWidget(box, 1);
        // Enter opens the request, as a double-click does.
        auto *open = new QAction(tr("Consult"), table);
        open->setShortcut(QKeySequence(Qt::Key_Return));
        open->setShortcutContext(Qt::WidgetShortcut);
        connect(open, &QAction::triggered, this, b.onConsult);
        table->addAction(open);
        auto *validate = new QAction(tr("Validate"), table);
        connect(validate, &QAction::triggered, this, b.onValidate);
        table->addAction(validate);
        auto *refuse = new QAction(tr("Refuse"), table);
        connect(refuse, &QAction::triggered, this, b.onRefuse);
        table->addAction(refuse);
        const auto onConsult = b.onConsult;
        connect(table, &QTableView::doubleClicked, this, [this, onConsult](const QModelIndex &index) {
            if (index.column() != 0)
                (this->*onConsult)();
        });
    }
    setReadingTabOrder(tab);
    return tab;
}

QWidget *ManagerActivityPage::createUsersTab()
{
    auto *tab = new QWidget(this);
    auto *layout = new QVBoxLayout(tab);
    auto *proxy = new QSortFilterProxyModel(this);
    QTableView *table
        = createTable(QStringLiteral("usersTable"), m_users, proxy, tr("Users of the structure"));
    layout->addWidget(createRecordFilter(proxy, tab));
    layout->addWidget(table, 1);
    auto *row = new FlowLayout; // wraps when the labels are long (French) and the window narrow
    row->addWidget(createButton(QStringLiteral("makeSecondary"), tr("Make &secondary manager"),
                                &ManagerActivityPage::makeSecondary));
    row->addWidget(
        createButton(QStringLiteral("makeUser"), tr("Make si&mple user"), &ManagerActivityPage::makeUser));
    row->addWidget(createButton(QStringLiteral("endAttachment"), tr("&End the attachment…"),
                                &ManagerActivityPage::endAttachment));
    row->addWidget(createButton(QStringLiteral("removeAttachment"), tr("Re&move the attachment…"),
                                &ManagerActivityPage::removeAttachment));
    row->addWidget(
        createButton(QStringLiteral("attachUser"), tr("&Attach a user…"), &ManagerActivityPage::attachUser));
    row->addWidget(createButton(QStringLiteral("copyRights"), tr("Cop&y the rights…"),
                                &ManagerActivityPage::copyRights));
    row->addWidget(
        createButton(QStringLiteral("inviteUser"), tr("&Invite a user…"), &ManagerActivityPage::inviteUser));
    row->addWidget(createButton(QStringLiteral("resendInvitation"), tr("Resend the i&nvitation"),
                                &ManagerActivityPage::resendInvitation));
    row->addWidget(createButton(QStringLiteral("attachToStructures"), tr("Attach to several s&tructures…"),
                                &ManagerActivityPage::attachToStructures));
    row->addWidget(createButton(QStringLiteral("bulkSubscribe"), tr("Subscribe in &bulk…"),
                                &ManagerActivityPage::bulkSubscribe));
    row->addWidget(createButton(QStringLiteral("exportUsers"), tr("E&xport the users…"),
                                &ManagerActivityPage::exportUsers));
    layout->addLayout(row);
    // The same actions from the table's context menu; Delete removes after confirmation.
    const struct
    {
        QString text;
        QKeySequence key;
        void (ManagerActivityPage::*slot)();
    } actions[] = {
        { tr("Make secondary manager"), QKeySequence(), &ManagerActivityPage::makeSecondary },
        { tr("Make simple user"), QKeySequence(), &ManagerActivityPage::makeUser },
        { tr("End the attachment…"), QKeySequence(), &ManagerActivityPage::endAttachment },
        { tr("Remove the attachment"), QKeySequence(QKeySequence::Delete),
          &ManagerActivityPage::removeAttachment },
        { tr("Copy the rights…"), QKeySequence(), &ManagerActivityPage::copyRights },
    };
    for (const auto &a : actions) {
        auto *action = new QAction(a.text, table);
        action->setShortcut(a.key);
        action->setShortcutContext(Qt::WidgetShortcut);
        connect(action, &QAction::triggered, this, a.slot);
        table->addAction(action);
    }
    setReadingTabOrder(tab);
    return tab;
}

QWidget *ManagerActivityPage::createStructureTab()
{
    auto *tab = new QWidget(this);
    auto *layout = new QVBoxLayout(tab);

    auto *infoBox = new QGroupBox(tr("Structure record"), tab);
    auto *infoLayout = new QHBoxLayout(infoBox);
    m_structureInfo = new QLabel(infoBox);
    m_structureInfo->setObjectName(QStringLiteral("structureInfo"));
    m_structureInfo->setTextInteractionFlags(Qt::TextSelectableByMouse);
    infoLayout->addWidget(m_structureInfo, 1);
    infoLayout->addWidget(createButton(QStringLiteral("modifyStructure"), tr("Consult / &modify…"),
                                       &ManagerActivityPage::modifyStructure),
                          0, Qt::AlignTop);
    layout->addWidget(infoBox);

    auto *lists = new QHBoxLayout;
    auto *servicesBox = new QGroupBox(tr("Services"), tab);
    auto *servicesLayout = new QVBoxLayout(servicesBox);
    servicesLayout->addWidget(createTable(QStringLiteral("servicesTable"), m_services,
                                          new QSortFilterProxyModel(this), tr("Services")));
    m_serviceCode = new QLineEdit(servicesBox);
    m_serviceCode->setObjectName(QStringLiteral("serviceCode"));
    m_serviceCode->setAccessibleName(tr("Code of the new service"));
    m_serviceCode->setPlaceholderText(tr("Code"));
    m_serviceName = new QLineEdit(servicesBox);
    m_serviceName->setObjectName(QStringLiteral("serviceName"));
    m_serviceName->setAccessibleName(tr("Name of the new service"));
    m_serviceName->setPlaceholderText(tr("Name"));
    m_feedback.bind(QStringLiteral("code"), m_serviceCode);
    m_feedback.bind(QStringLiteral("name"), m_serviceName);
    auto *addRow = new QHBoxLayout;
    addRow->addWidget(m_serviceCode);
    addRow->addWidget(m_serviceName, 1);
    addRow->addWidget(
        createButton(QStringLiteral("addService"), tr("Add the ser&vice"), &ManagerActivityPage::addService));
    servicesLayout->addLayout(addRow);
    servicesLayout->addWidget(createButton(QStringLiteral("toggleService"), tr("Deactivate / reactivate"),
                                           &ManagerActivityPage::toggleService),
                              0, Qt::AlignLeft);
    lists->addWidget(servicesBox, 1);

    auto *spacesBox = new QGroupBox(tr("Spaces set at structure level"), tab);
    auto *spacesLayout = new QVBoxLayout(spacesBox);
    spacesLayout->addWidget(createTable(QStringLiteral("spacesTable"), m_spaces,
                                        new QSortFilterProxyModel(this),
                                        tr("Spaces set at structure level")));
    m_spaceChoice = new QComboBox(spacesBox);
    m_spaceChoice->setObjectName(QStringLiteral("spaceChoice"));
    m_spaceChoice->setAccessibleName(tr("Space to set at structure level"));
    for (const Space &space : Spaces(m_session.core).catalogue())
        m_spaceChoice->addItem(labels::space(space.code, space.name), space.code);
    m_feedback.bind(QStringLiteral("space"), m_spaceChoice);
    auto *spaceRow = new QHBoxLayout;
    spaceRow->addWidget(m_spaceChoice, 1);
    spaceRow->addWidget(
        createButton(QStringLiteral("addSpace"), tr("Add the s&pace"), &ManagerActivityPage::addSpace));
    spaceRow->addWidget(createButton(QStringLiteral("removeSpace"), tr("Remove the space"),
                                     &ManagerActivityPage::removeSpace));
    spacesLayout->addLayout(spaceRow);
    // « Laisser les utilisateurs ajouter ou retirer Factures émises »: their
    // own requests for it are then validated without a decision.
    m_selfService = new QCheckBox(
        tr("Users ma&y add or remove « %1 » themselves")
            .arg(labels::space(QStringLiteral("factures_emises"), QStringLiteral("Factures émises"))),
        spacesBox);
    m_selfService->setObjectName(QStringLiteral("selfServiceInvoices"));
    connect(m_selfService, &QCheckBox::clicked, this, &ManagerActivityPage::setSelfService);
    spacesLayout->addWidget(m_selfService);
    lists->addWidget(spacesBox, 1);
    layout->addLayout(lists, 1);

    auto *principalBox = new QGroupBox(tr("Principal manager"), tab);
    auto *principalLayout = new QHBoxLayout(principalBox);
    m_powers = new QCheckBox(tr("Secondary managers have the principal manager's po&wers"), principalBox);
    m_powers->setObjectName(QStringLiteral("secondaryPowers"));
    connect(m_powers, &QCheckBox::clicked, this, &ManagerActivityPage::setPowers);
    principalLayout->addWidget(m_powers, 1);
    principalLayout->addWidget(createButton(QStringLiteral("transferPrincipal"),
                                            tr("Trans&fer the principal manager's role…"),
                                            &ManagerActivityPage::transferPrincipal));
    layout->addWidget(principalBox);
    return tab;
}

QWidget *ManagerActivityPage::createHistoryTab()
{
    auto *tab = new QWidget(this);
    auto *layout = new QVBoxLayout(tab);
    layout->addWidget(m_history);
    return tab;
}

QPushButton *ManagerActivityPage::button(const QString &name) const
{
    return findChild<QPushButton *>(name);
}

QTableView *ManagerActivityPage::view(const QString &name) const
{
    return findChild<QTableView *>(name);
}

QString ManagerActivityPage::errorText() const
{
    return m_messages->kind() == MessageBar::Kind::Error ? m_messages->text() : QString();
}

qint64 ManagerActivityPage::currentStructureId() const
{
    return m_structure->currentData().toLongLong();
}

void ManagerActivityPage::reload()
{
    reloadStructures();
    // The delay may have changed in the preferences since the last reload.
    m_attachmentRequests->setOverdueDays(overdueDays());
    m_subscriptionRequests->setOverdueDays(overdueDays());
    structureChanged();

    const int days = overdueDays();
    int late = 0;
    int ending = 0;
    for (const Reminder &r : ManagerActivity(m_session.core).reminders(m_session.userId(), days)) {
        if (r.kind == Reminder::Kind::AttachmentEnding)
            ++ending;
        else
            ++late;
    }
    QStringList parts;
    if (late)
        parts << tr("%n request(s) have been waiting for more than %1 days.", nullptr, late).arg(days);
    if (ending)
        parts << tr("%n attachment(s) end within %1 days.", nullptr, ending).arg(days);
    m_reminders->setText(parts.join(QLatin1Char(' ')));
    m_reminders->setVisible(!parts.isEmpty());
}

void ManagerActivityPage::reloadStructures()
{
    // The structure shown: the one on screen, else the one chosen last time.
    const qint64 current = m_structure->count() ? currentStructureId()
                                                : QSettings().value(structureKey, qint64(0)).toLongLong();
    const QSignalBlocker blocker(m_structure);
    m_structure->clear();
    m_managedStructures = ManagerActivity(m_session.core).managedStructures(m_session.userId());
    // With several structures the pending requests of all of them come first (id 0).
    if (m_managedStructures.size() > 1)
        m_structure->addItem(tr("All my structures (%n)", nullptr, int(m_managedStructures.size())),
                             qint64(0));
    for (const ManagedStructure &s : std::as_const(m_managedStructures))
        m_structure->addItem(
            tr("%1 (%2)").arg(s.raisonSociale, StructureIdentifier::display(s.identifierType, s.siret)),
            s.id);
    const int index = m_structure->findData(current);
    if (index >= 0)
        m_structure->setCurrentIndex(index);
}

void ManagerActivityPage::structureChanged()
{
    const qint64 structureId = currentStructureId();
    const ManagedStructure *managed = nullptr;
    for (const ManagedStructure &s : std::as_const(m_managedStructures)) {
        if (s.id == structureId)
            managed = &s;
    }
    const bool allStructures = !structureId && !m_managedStructures.isEmpty();
    m_principal = managed && managed->role == Role::Principal;
    m_readOnly = !managed || !managed->canManage;
    if (allStructures)
        m_readOnlyNotice->clear(); // each request is decided under its own structure's rules
    else if (!structureId)
        m_readOnlyNotice->setText(tr("You manage no structure today: there is nothing to decide here."));
    else if (m_readOnly)
        m_readOnlyNotice->setText(
            tr("You are a secondary manager of %1 and its principal manager has not given secondary managers "
               "the principal's powers: you can consult this page but not change anything.")
                .arg(m_structure->currentText()));
    else
        m_readOnlyNotice->clear();
    m_readOnlyNotice->setVisible(!m_readOnlyNotice->text().isEmpty());

    m_attachmentRequests->setStructureFilter(structureId);
    m_subscriptionRequests->setStructureFilter(structureId);
    // One structure chosen: its name on every row would only take room from the requesters'.
    view(QStringLiteral("attachmentRequestsTable"))
        ->setColumnHidden(m_attachmentRequests->structureColumn(), structureId != 0);
    view(QStringLiteral("subscriptionRequestsTable"))
        ->setColumnHidden(m_subscriptionRequests->structureColumn(), structureId != 0);
    m_users->setStructureId(structureId);
    m_services->setRecords(structureId ? Structures(m_session.core).listServices(structureId)
                                       : QList<ServiceRow>());
    m_spaces->setRecords(structureId ? Spaces(m_session.core).structureSpaces(structureId) : QList<Space>());

    QString info;
    if (const auto s = structureId ? Structures(m_session.core).structure(structureId) : std::nullopt) {
        info = tr("<b>%1</b><br>%2<br>%3<br>%4 %5")
                   .arg(s->raisonSociale.toHtmlEscaped(),
                        StructureIdentifier::display(s->identifierType, s->siret).toHtmlEscaped(),
                        s->libelle.toHtmlEscaped(), s->codePostal.toHtmlEscaped(), s->ville.toHtmlEscaped());
    }
    m_structureInfo->setText(info);
    {
        const QSignalBlocker blocker(m_powers);
        m_powers->setChecked(managed && managed->secondaryPowers);
        const QSignalBlocker selfServiceBlocker(m_selfService);
        m_selfService->setChecked(
            structureId
            && Spaces(m_session.core).isSelfService(structureId, QStringLiteral("factures_emises")));
    }
    if (allStructures) {
        QList<qint64> ids;
        for (const ManagedStructure &s : std::as_const(m_managedStructures))
            ids << s.id;
        m_history->setStructures(ids, tr("your structures"));
    } else {
        m_history->setStructure(managed ? managed->id : 0, managed ? managed->raisonSociale : QString());
    }
    updateEmptyTexts(managed);
    updateButtons();
}

void ManagerActivityPage::updateEmptyTexts(const ManagedStructure *managed)
{
    QStringList names;
    for (const ManagedStructure &s : std::as_const(m_managedStructures)) {
        if (!managed || s.id == managed->id)
            names << s.raisonSociale;
    }
    const QString all = QLocale().createSeparatedList(names);
    const QString none = tr("You manage no structure today: no request waits for you.");
    setEmptyText(view(QStringLiteral("attachmentRequestsTable")),
                 names.isEmpty() ? none : tr("No pending attachment request for %1.").arg(all));
    setEmptyText(view(QStringLiteral("subscriptionRequestsTable")),
                 names.isEmpty() ? none : tr("No pending subscription request for %1.").arg(all));
    const QString name = managed ? managed->raisonSociale : QString();
    if (!managed) {
        const QString choose = m_managedStructures.isEmpty()
            ? tr("Choose a structure you manage.")
            : tr("Choose one of your structures in the list above.");
        for (const char *table : { "usersTable", "servicesTable", "spacesTable" })
            setEmptyText(view(QString::fromLatin1(table)), choose);
        return;
    }
    setEmptyText(view(QStringLiteral("usersTable")),
                 tr("Nobody is attached to %1 yet. Attach a user to give them access.").arg(name));
    setEmptyText(view(QStringLiteral("servicesTable")),
                 tr("%1 has no service yet. Type a code and a name below to add one.").arg(name));
    setEmptyText(view(QStringLiteral("spacesTable")),
                 tr("No space is set at structure level for %1. Choose a space below to set it for all its "
                    "users.")
                     .arg(name));
}

const StructureUser *ManagerActivityPage::currentUser() const
{
    return currentRecordOf(view(QStringLiteral("usersTable")), m_users);
}

const ServiceRow *ManagerActivityPage::currentService() const
{
    return currentRecordOf(view(QStringLiteral("servicesTable")), m_services);
}

const Space *ManagerActivityPage::currentSpace() const
{
    return currentRecordOf(view(QStringLiteral("spacesTable")), m_spaces);
}

void ManagerActivityPage::updateButtons()
{
    const bool manage = !m_readOnly;
    const bool hasAttachment = !m_attachmentRequests->checkedIds().isEmpty()
        || currentRecordOf(view(QStringLiteral("attachmentRequestsTable")), m_attachmentRequests);
    const bool hasSubscription = !m_subscriptionRequests->checkedIds().isEmpty()
        || currentRecordOf(view(QStringLiteral("subscriptionRequestsTable")), m_subscriptionRequests);
    const StructureUser *user = currentUser();
    const bool validatedUser = user && user->status == QLatin1String("validated");
    const bool principalRow = user && user->role == Role::Principal;
    const struct
    {
        const char *name;
        bool enabled;
    } states[] = {
        { "consultAttachment",
          currentRecordOf(view(QStringLiteral("attachmentRequestsTable")), m_attachmentRequests) != nullptr },
        { "validateAttachments", hasAttachment },
        { "refuseAttachments", hasAttachment },
        { "consultSubscription",
          currentRecordOf(view(QStringLiteral("subscriptionRequestsTable")), m_subscriptionRequests)
              != nullptr },
        { "validateSubscriptions", hasSubscription },
        { "refuseSubscriptions", hasSubscription },
        { "makeSecondary", manage && validatedUser && !principalRow },
        { "makeUser", manage && validatedUser && !principalRow },
        { "endAttachment", manage && validatedUser && !principalRow },
        { "removeAttachment", manage && user != nullptr },
        { "attachUser", manage },
        { "copyRights", manage && validatedUser },
        { "inviteUser", manage },
        { "resendInvitation", manage && user && user->status == QLatin1String("invited") },
        { "attachToStructures", manage },
        { "bulkSubscribe", manage && m_users->rowCount() > 0 },
        // Reading the rights is enough to export them, read-only included.
        { "exportUsers", currentStructureId() != 0 },
        { "modifyStructure", currentStructureId() != 0 },
        { "addService", manage },
        { "toggleService", manage && currentService() != nullptr },
        { "addSpace", manage },
        { "removeSpace", manage && currentSpace() != nullptr },
        { "transferPrincipal", m_principal },
    };
    for (const auto &s : states) {
        if (QPushButton *b = button(QString::fromLatin1(s.name)))
            b->setEnabled(s.enabled);
    }
    m_powers->setEnabled(m_principal);
    m_selfService->setEnabled(manage && currentStructureId() != 0);
    m_serviceCode->setEnabled(manage);
    m_serviceName->setEnabled(manage);
    m_spaceChoice->setEnabled(manage);
}

void ManagerActivityPage::send(const CommandCall &call, std::function<void(const CommandResult &)> done)
{
    m_feedback.clear();
    m_messages->dismiss();
    QPointer<ManagerActivityPage> self(this);
    m_session.gateway.send(call, [self, done](const CommandResult &r) {
        if (!self)
            return;
        if (!r.ok()) {
            self->m_feedback.show(r);
            return;
        }
        if (QueuedChange::isQueued(r)) {
            self->m_messages->showMessage(MessageBar::Kind::Information, QueuedChange::message());
            return;
        }
        if (done)
            done(r);
    });
}

// ---- Demandes en attente ----

namespace {
// « Valider » / « Refuser » with an optional comment sent to the requester.
bool askComment(QWidget *parent, const QString &title, const QString &text, QString *comment)
{
    QDialog dialog(parent);
    dialog.setObjectName(QStringLiteral("commentDialog"));
    dialog.setWindowTitle(title);
    auto *layout = new QVBoxLayout(&dialog);
    auto *label = new QLabel(text, &dialog);
    label->setWordWrap(true);
    layout->addWidget(label);
    auto *commentLabel = new QLabel(
        QCoreApplication::translate("guichet::ManagerActivityPage", "&Comment for the requester (optional):"),
        &dialog);
    auto *edit = new QPlainTextEdit(&dialog);
    edit->setObjectName(QStringLiteral("comment"));
    edit->setAccessibleName(QCoreApplication::translate("guichet::ManagerActivityPage", "Comment"));
    edit->setTabChangesFocus(true);
    commentLabel->setBuddy(edit);
    layout->addWidget(commentLabel);
    layout->addWidget(edit);
    addButtons(&dialog, layout);
    if (Dialogs::exec(&dialog) != QDialog::Accepted)
        return false;
    *comment = edit->toPlainText().trimmed();
    return true;
}
} // namespace

void ManagerActivityPage::decideAttachments(bool validate)
{
    QList<qint64> ids = m_attachmentRequests->checkedIds();
    if (ids.isEmpty()) {
        const auto *r
            = currentRecordOf(view(QStringLiteral("attachmentRequestsTable")), m_attachmentRequests);
        if (!r)
            return;
        ids << r->id;
    }
    const QString title = validate ? tr("Validate attachment requests") : tr("Refuse attachment requests");
    const QString text = validate ? tr("Validate %n attachment request(s)?", nullptr, int(ids.size()))
                                  : tr("Refuse %n attachment request(s)?", nullptr, int(ids.size()));
    QString comment;
    if (!askComment(this, title, text, &comment))
        return;
    const int n = int(ids.size());
    send(commands::decideAttachments(ids, validate, comment), [this, n, validate](const CommandResult &) {
        m_messages->showMessage(
            MessageBar::Kind::Positive,
            validate ? tr("%n request(s) validated; the requesters have been notified by e-mail.", nullptr, n)
                     : tr("%n request(s) refused; the requesters have been notified by e-mail.", nullptr, n));
    });
}

void ManagerActivityPage::decideSubscriptions(bool validate)
{
    QList<qint64> ids = m_subscriptionRequests->checkedIds();
    if (ids.isEmpty()) {
        const auto *r
            = currentRecordOf(view(QStringLiteral("subscriptionRequestsTable")), m_subscriptionRequests);
        if (!r)
            return;
        ids << r->id;
    }
    const QString title
        = validate ? tr("Validate subscription requests") : tr("Refuse subscription requests");
    QString text = validate ? tr("Validate %n subscription request(s)?", nullptr, int(ids.size()))
                            : tr("Refuse %n subscription request(s)?", nullptr, int(ids.size()));
    int removals = 0;
    for (const qint64 id : std::as_const(ids)) {
        const auto *r = m_subscriptionRequests->recordOfId(id);
        if (r && r->removalRequested())
            ++removals;
    }
    // A removal request decides the opposite way: say what the click does.
    if (removals > 0)
        text += QLatin1Char('\n')
            + (validate ? tr("%n of them ask(s) to remove a subscription: validating removes it.", nullptr,
                             removals)
                        : tr("%n of them ask(s) to remove a subscription: refusing keeps it active.", nullptr,
                             removals));
    QString comment;
    if (!askComment(this, title, text, &comment))
        return;
    const int n = int(ids.size());
    send(commands::decideSubscriptions(ids, validate, comment), [this, n, validate](const CommandResult &) {
        m_messages->showMessage(
            MessageBar::Kind::Positive,
            validate ? tr("%n request(s) validated; the requesters have been notified by e-mail.", nullptr, n)
                     : tr("%n request(s) refused; the requesters have been notified by e-mail.", nullptr, n));
    });
}

void ManagerActivityPage::consultAttachment()
{
    const auto *r = currentRecordOf(view(QStringLiteral("attachmentRequestsTable")), m_attachmentRequests);
    if (!r)
        return;
    Dialogs::information(
        this, tr("Attachment request"),
        tr("Requester: %1 <%2>\nStructure: %3 (%4)\nRole: %5\nStart of validity: "
           "%6\nEnd of validity: %7\n"
           "Services: %8\nRequested on: %9")
            .arg(personName(r->firstName, r->lastName), r->email, r->raisonSociale,
                 StructureIdentifier::display(r->identifierType, r->siret), labels::role(r->role),
                 longDate(r->validFrom), r->validUntil.isValid() ? longDate(r->validUntil) : tr("none"),
                 labels::services(r->wholeStructure, r->services), longDate(r->requestedOn)));
}

void ManagerActivityPage::consultSubscription()
{
    const auto *r
        = currentRecordOf(view(QStringLiteral("subscriptionRequestsTable")), m_subscriptionRequests);
    if (!r)
        return;
    QString text
        = tr("Requester: %1 <%2>\nStructure: %3 (%4)\nSpace: %5\nService: %6\nMode: %7\nEffective on: "
             "%8\n"
             "Comment: %9")
              .arg(personName(r->firstName, r->lastName), r->email, r->raisonSociale,
                   StructureIdentifier::display(r->identifierType, r->siret),
                   labels::space(r->spaceCode, r->spaceName), r->serviceName, labels::mode(r->mode),
                   longDate(r->effectiveDate), labels::subscriptionComment(r->comment, r->commentCode));
    if (r->removalRequested())
        text = tr("%1 asks to remove this subscription, validated and active until you decide (asked on "
                  "%2).")
                   .arg(personName(r->firstName, r->lastName), longDate(r->requestedOn))
            + QStringLiteral("\n\n") + text;
    Dialogs::information(this, r->removalRequested() ? tr("Removal request") : tr("Subscription request"),
                         text);
}

// ---- Utilisateurs ----

void ManagerActivityPage::makeSecondary()
{
    setRole(QStringLiteral("secondary"));
}

void ManagerActivityPage::makeUser()
{
    setRole(QStringLiteral("user"));
}

void ManagerActivityPage::setRole(const QString &role)
{
    const StructureUser *user = currentUser();
    if (!user)
        return;
    const StructureUser r = *user;
    send(commands::setAttachmentRole(r.id, role));
}

void ManagerActivityPage::endAttachment()
{
    const StructureUser *user = currentUser();
    if (!user)
        return;
    const StructureUser r = *user;
    QDialog dialog(this);
    dialog.setObjectName(QStringLiteral("endAttachmentDialog"));
    dialog.setWindowTitle(tr("End the attachment"));
    auto *layout = new QVBoxLayout(&dialog);
    auto *form = new QFormLayout;
    auto *date = new QDateEdit(m_session.clock.today(), &dialog);
    date->setObjectName(QStringLiteral("validUntil"));
    date->setCalendarPopup(true);
    date->setAccessibleName(tr("End of validity"));
    form->addRow(tr("Attachment of %1 to %2 ends on:").arg(personName(r), m_structure->currentText()), date);
    layout->addLayout(form);
    addButtons(&dialog, layout);
    if (Dialogs::exec(&dialog) != QDialog::Accepted)
        return;
    send(commands::endAttachment(r.id, date->date()));
}

void ManagerActivityPage::removeAttachment()
{
    const StructureUser *user = currentUser();
    if (!user || m_readOnly)
        return;
    const StructureUser r = *user;
    if (Dialogs::question(this, tr("Remove the attachment"),
                          tr("Remove the attachment of %1 to %2? Their subscriptions there go too.")
                              .arg(personName(r), m_structure->currentText()))
        != QMessageBox::Ok)
        return;
    std::optional<Successors> successors;
    if (r.role == Role::Principal && r.status == QLatin1String("validated")) {
        // The principal's attachment: a successor first (« désigner un nouveau gestionnaire principal »).
        const auto s = Structures(m_session.core).structure(currentStructureId());
        SuccessorDialog dialog(
            m_session,
            { { currentStructureId(), s ? s->siret : QString(), s ? s->raisonSociale : QString() } }, this);
        if (Dialogs::exec(&dialog) != QDialog::Accepted)
            return;
        successors = dialog.successors();
    }
    send(commands::removeAttachments({ r.id }, successors));
}

void ManagerActivityPage::attachUser()
{
    const qint64 structureId = currentStructureId();
    if (!structureId)
        return;
    UserSearchDialog search(m_session, this);
    if (Dialogs::exec(&search) != QDialog::Accepted || !search.selectedUserId())
        return;
    const qint64 userId = search.selectedUserId();

    AttachUserDialog dialog(m_session, structureId, userId, search.selectedUserLabel(), this);
    Dialogs::exec(&dialog);
}

void ManagerActivityPage::inviteUser()
{
    const qint64 structureId = currentStructureId();
    if (!structureId)
        return;
    InviteUserDialog dialog(m_session, structureId, m_structure->currentText(), this);
    if (Dialogs::exec(&dialog) != QDialog::Accepted)
        return;
    m_messages->showMessage(MessageBar::Kind::Positive,
                            dialog.message().isEmpty() ? QueuedChange::message() : dialog.message());
}

void ManagerActivityPage::resendInvitation()
{
    const StructureUser *user = currentUser();
    if (!user || m_readOnly || user->status != QLatin1String("invited"))
        return;
    send(commands::resendInvitation(user->id), [this](const CommandResult &r) {
        m_messages->showMessage(MessageBar::Kind::Positive,
                                r.data.value(QStringLiteral("message")).toString());
    });
}

void ManagerActivityPage::copyRights()
{
    const StructureUser *user = currentUser();
    if (!user)
        return;
    const StructureUser r = *user;
    UserSearchDialog search(m_session, this);
    search.setWindowTitle(tr("Copy the rights of %1 to…").arg(personName(r)));
    search.exclude(r.userId);
    if (Dialogs::exec(&search) != QDialog::Accepted || !search.selectedUserId())
        return;
    const QString target = search.selectedUserLabel();
    QPointer<ManagerActivityPage> self(this);
    send(commands::copyRights(r.userId, search.selectedUserId(), currentStructureId()),
         [self, target](const CommandResult &result) {
             if (!self)
                 return;
             // Two counts, two plural forms: each part is translated with its own %n.
             const int attachments = result.data.value(QStringLiteral("attachments")).toInt();
             const int subscriptions = result.data.value(QStringLiteral("subscriptions")).toInt();
             self->m_messages->showMessage(
                 MessageBar::Kind::Positive,
                 tr("%1 received %2 and %3.", "copied rights: attachments, subscriptions")
                     .arg(target, tr("%n attachment(s)", nullptr, attachments),
                          tr("%n subscription(s)", nullptr, subscriptions)));
         });
}

void ManagerActivityPage::attachToStructures()
{
    const qint64 structureId = currentStructureId();
    if (!structureId || m_readOnly)
        return;
    UserSearchDialog search(m_session, this);
    search.setWindowTitle(tr("Attach to several structures"));
    if (Dialogs::exec(&search) != QDialog::Accepted || !search.selectedUserId())
        return;
    AttachToStructuresDialog dialog(m_session, search.selectedUserId(), search.selectedUserLabel(),
                                    m_managedStructures, structureId, this);
    if (Dialogs::exec(&dialog) != QDialog::Accepted)
        return;
    m_messages->showMessage(MessageBar::Kind::Positive,
                            tr("%1 was attached to %n structure(s).", nullptr, dialog.attached())
                                .arg(search.selectedUserLabel()));
}

void ManagerActivityPage::bulkSubscribe()
{
    const qint64 structureId = currentStructureId();
    if (!structureId || m_readOnly)
        return;
    BulkSubscriptionDialog dialog(m_session, structureId, m_structure->currentText(), m_users->records(),
                                  this);
    if (Dialogs::exec(&dialog) != QDialog::Accepted)
        return;
    // Two counts, two plural forms: each part is translated with its own %n.
    m_messages->showMessage(MessageBar::Kind::Positive,
                            tr("%1 for %2.", "bulk subscriptions: subscriptions, users")
                                .arg(tr("%n subscription(s) added", nullptr, dialog.created()),
                                     tr("%n user(s)", nullptr, dialog.subscribedUsers())));
}

QString ManagerActivityPage::exportFolderKey()
{
    return QStringLiteral("managerActivity/exportFolder");
}

void ManagerActivityPage::exportUsers()
{
    const qint64 structureId = currentStructureId();
    if (!structureId)
        return;
    const QString title = tr("Export the users with their rights");
    QSettings settings;
    const QString folder
        = settings
              .value(exportFolderKey(), QStandardPaths::writableLocation(QStandardPaths::DocumentsLocation))
              .toString();
    const QString path
        = Dialogs::saveFileName(this, title, QDir(folder).filePath(tr("users.csv")), tr("CSV files (*.csv)"));
    if (path.isEmpty())
        return;
    settings.setValue(exportFolderKey(), QFileInfo(path).absolutePath());
    // The rights come from the local data (the replica when connected), as the table does.
    QSaveFile file(path);
    const bool ok = file.open(QIODevice::WriteOnly)
        && ManagerActivity(m_session.core).exportUsersRights(structureId, file) && file.commit();
    if (!ok) {
        Dialogs::warning(this, title,
                         tr("The file %1 could not be written: %2").arg(path, file.errorString()));
        return;
    }
    m_messages->showMessage(MessageBar::Kind::Positive,
                            tr("The users of %1 were exported to %2.").arg(m_structure->currentText(), path));
}

// ---- Structure ----

void ManagerActivityPage::modifyStructure()
{
    if (!currentStructureId())
        return;
    StructureCreateDialog dialog(m_session, currentStructureId(), this);
    Dialogs::exec(&dialog);
}

void ManagerActivityPage::addService()
{
    send(commands::addService(currentStructureId(), m_serviceCode->text().trimmed(),
                              m_serviceName->text().trimmed()),
         [this](const CommandResult &) {
             m_serviceCode->clear();
             m_serviceName->clear();
         });
}

void ManagerActivityPage::toggleService()
{
    const ServiceRow *r = currentService();
    if (!r)
        return;
    send(commands::setServiceActive(r->id, !r->active));
}

void ManagerActivityPage::addSpace()
{
    const QString name = m_spaceChoice->currentText();
    QPointer<ManagerActivityPage> self(this);
    send(commands::enableStructureSpace(currentStructureId(), m_spaceChoice->currentData().toString()),
         [self, name](const CommandResult &r) {
             if (self)
                 self->m_messages->showMessage(
                     MessageBar::Kind::Positive,
                     tr("%1 is set for the structure: %n subscription request(s) were generated "
                        "for its users.",
                        nullptr, r.data.value(QStringLiteral("generated")).toInt())
                         .arg(name));
         });
}

void ManagerActivityPage::removeSpace()
{
    const Space *current = currentSpace();
    if (!current)
        return;
    const Space space = *current;
    const QString name = labels::space(space.code, space.name);
    if (Dialogs::question(
            this, tr("Spaces set at structure level"),
            tr("Remove %1 from the structure? The subscriptions it generated end; the users' own "
               "requests and default spaces stay.")
                .arg(name))
        != QMessageBox::Ok)
        return;
    QPointer<ManagerActivityPage> self(this);
    send(commands::disableStructureSpace(currentStructureId(), space.code),
         [self, name](const CommandResult &r) {
             if (self)
                 self->m_messages->showMessage(
                     MessageBar::Kind::Positive,
                     tr("%1 was removed from the structure: %n subscription(s) ended.", nullptr,
                        r.data.value(QStringLiteral("removed")).toInt())
                         .arg(name));
         });
}

void ManagerActivityPage::setPowers(bool granted)
{
    send(commands::setSecondaryPowers(currentStructureId(), granted));
    // On refusal the box shows the stored value again.
    structureChanged();
}

void ManagerActivityPage::setSelfService(bool allowed)
{
    send(commands::setSelfServiceSpace(currentStructureId(), QStringLiteral("factures_emises"), allowed));
    // On refusal the box shows the stored value again.
    structureChanged();
}

void ManagerActivityPage::transferPrincipal()
{
    const qint64 structureId = currentStructureId();
    if (!structureId)
        return;
    QDialog dialog(this);
    dialog.setObjectName(QStringLiteral("transferDialog"));
    dialog.setWindowTitle(tr("Transfer the principal manager's role"));
    auto *layout = new QVBoxLayout(&dialog);
    auto *intro
        = new QLabel(tr("Choose the new principal manager of %1 among its users. You stay attached as a "
                        "simple user.")
                         .arg(m_structure->currentText()),
                     &dialog);
    intro->setWordWrap(true);
    layout->addWidget(intro);
    auto *successor = new QComboBox(&dialog);
    successor->setObjectName(QStringLiteral("successor"));
    successor->setAccessibleName(tr("New principal manager"));
    for (const StructureUser &u : m_users->records()) {
        if (u.userId == m_session.userId() || u.status != QLatin1String("validated") || u.ended)
            continue;
        successor->addItem(QStringLiteral("%1 <%2>").arg(personName(u), u.email), u.userId);
    }
    layout->addWidget(successor);
    addButtons(&dialog, layout);
    if (Dialogs::exec(&dialog) != QDialog::Accepted || successor->currentIndex() < 0)
        return;
    if (Dialogs::question(this, tr("Transfer the principal manager's role"),
                          tr("Make %1 the principal manager of %2?")
                              .arg(successor->currentText(), m_structure->currentText()))
        != QMessageBox::Ok)
        return;
    send(commands::transferPrincipal(structureId, successor->currentData().toLongLong()));
}

// ---- Historique ----

} // namespace guichet
