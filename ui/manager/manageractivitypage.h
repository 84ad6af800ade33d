#pragma once

#include "commands/commandargs.h"
#include "models/recordtablemodel.h"
#include "rules/manager/manageractivity.h"
#include "rules/spaces/spaces.h"
#include "rules/structures/structures.h"
#include "ui/widgets/formfeedback.h"

#include <QJsonObject>
#include <QWidget>

#include <functional>

class QCheckBox;
class QComboBox;
class QDateEdit;
class QLabel;
class QLineEdit;
class QPushButton;
class QSortFilterProxyModel;
class QTabWidget;
class QTableView;

namespace guichet {

class MessageBar;

class HistoryPanel;
class PendingAttachmentModel;
class PendingSubscriptionModel;
class RecordModelBase;
class RecordTableModel;
class StructureUserModel;
struct Session;

// The tab of the space « Activité du gestionnaire »: what a structure's
// managers do. Sub-tabs « Demandes en attente » (decide attachment and
// subscription requests), « Utilisateurs » (the structure's users: role, end,
// removal, attach a user, copy rights), « Structure » (its record, services,
// structure-level spaces, secondary managers' powers, principal transfer) and
// « Historique » (its audit entries as sentences: HistoryPanel). Every change is a command;
// core checks every right again. A secondary manager without the principal's
// powers sees the page read-only, with a sentence saying why.
class ManagerActivityPage : public QWidget
{
    Q_OBJECT

public:
    explicit ManagerActivityPage(Session &session, QWidget *parent = nullptr);
    ~ManagerActivityPage() override;

    static QString code() { return QStringLiteral("activite_gestionnaire"); }
    // Requests waiting longer than this many days are flagged (Preferences).
    static int overdueDays();
    static void setOverdueDays(int days);
    // Where « Export the users… » last wrote (QSettings).
    static QString exportFolderKey();

    void reload();

    // For tests and keyboard users: the widgets by role.
    QTabWidget *tabs() const { return m_tabs; }
    QComboBox *structureChooser() const { return m_structure; }
    qint64 currentStructureId() const;
    bool isReadOnly() const { return m_readOnly; }
    QLabel *readOnlyNotice() const { return m_readOnlyNotice; }
    QLabel *reminderLabel() const { return m_reminders; }
    // core's refusal shown in the message bar, or empty.
    QString errorText() const;
    MessageBar *messageBar() const { return m_messages; }
    QPushButton *button(const QString &name) const;
    QTableView *view(const QString &name) const;
    PendingAttachmentModel *attachmentRequests() const { return m_attachmentRequests; }
    PendingSubscriptionModel *subscriptionRequests() const { return m_subscriptionRequests; }
    StructureUserModel *users() const { return m_users; }
    RecordListModel<ServiceRow> *services() const { return m_services; }
    RecordListModel<Space> *spaces() const { return m_spaces; }
    HistoryPanel *history() const { return m_history; }
    QCheckBox *powersBox() const { return m_powers; }
    QCheckBox *selfServiceBox() const { return m_selfService; }
    QComboBox *spaceChooser() const { return m_spaceChoice; }
    QLineEdit *serviceCodeEdit() const { return m_serviceCode; }
    QLineEdit *serviceNameEdit() const { return m_serviceName; }

private:
    QWidget *createRequestsTab();
    QWidget *createUsersTab();
    QWidget *createStructureTab();
    QWidget *createHistoryTab();
    QTableView *createTable(const QString &name, RecordModelBase *model, QSortFilterProxyModel *proxy,
                            const QString &accessibleName);
    QPushButton *createButton(const QString &name, const QString &text, void (ManagerActivityPage::*slot)());

    void reloadStructures();
    void structureChanged();
    void updateButtons();
    // The current row of these tables, or nullptr.
    const StructureUser *currentUser() const;
    const ServiceRow *currentService() const;
    const Space *currentSpace() const;
    // Sends a command; on refusal the red message, on success `done`.
    void send(const CommandCall &call, std::function<void(const CommandResult &)> done = {});

    // Demandes en attente
    void decideAttachments(bool validate);
    void decideSubscriptions(bool validate);
    void validateAttachments() { decideAttachments(true); }
    void refuseAttachments() { decideAttachments(false); }
    void validateSubscriptions() { decideSubscriptions(true); }
    void refuseSubscriptions() { decideSubscriptions(false); }
    void consultAttachment();
    void consultSubscription();
    // Utilisateurs
    void makeSecondary();
    void makeUser();
    void setRole(const QString &role);
    void endAttachment();
    void removeAttachment();
    void attachUser();
    void inviteUser();
    void resendInvitation();
    void copyRights();
    void attachToStructures();
    void bulkSubscribe();
    void exportUsers();
    // Structure
    void modifyStructure();
    void addService();
    void toggleService();
    void addSpace();
    void removeSpace();
    void setPowers(bool granted);
    void setSelfService(bool allowed);
    void transferPrincipal();
    // Historique
    void updateEmptyTexts(const ManagedStructure *managed);

    Session &m_session;
    QComboBox *m_structure;
    QLabel *m_readOnlyNotice;
    QLabel *m_reminders;
    QTabWidget *m_tabs;
    MessageBar *m_messages;
    FormFeedback m_feedback;
    bool m_readOnly = true;
    bool m_principal = false;
    // What the structure combo lists, read by reloadStructures().
    QList<ManagedStructure> m_managedStructures;

    PendingAttachmentModel *m_attachmentRequests;
    PendingSubscriptionModel *m_subscriptionRequests;
    StructureUserModel *m_users;
    RecordListModel<ServiceRow> *m_services;
    RecordListModel<Space> *m_spaces;
    HistoryPanel *m_history;

    QLabel *m_structureInfo = nullptr;
    QLineEdit *m_serviceCode = nullptr;
    QLineEdit *m_serviceName = nullptr;
    QComboBox *m_spaceChoice = nullptr;
    QCheckBox *m_powers = nullptr;
    QCheckBox *m_selfService = nullptr;
};

} // namespace guichet
