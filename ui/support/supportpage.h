#pragma once

#include "commands/commandargs.h"
#include "ui/widgets/formfeedback.h"

#include <QJsonObject>
#include <QVariantMap>
#include <QWidget>

#include <functional>

class QCheckBox;
class QComboBox;
class QDateEdit;
class QLabel;
class QLineEdit;
class QPlainTextEdit;
class QPushButton;
class QTabWidget;
class QTableView;
class QTextBrowser;

namespace guichet {

class MessageBar;
class PendingAttachmentModel;

class RecordModelBase;
class SolicitationQueueModel;
class HistoryPanel;
class SupportStructureModel;
class SupportUserModel;
struct SolicitationInfo;
struct SupportStructure;
struct SupportUserRow;
struct Session;

// The « Support » tab, shown to support staff only (users.is_support): find
// any user (deactivated ones included) and send a reactivation link; see a
// user's attachments, subscriptions and files' metadata (never contents);
// name a principal manager for a structure left without one; answer the
// solicitations queue; read and export the audit log of every structure.
// Every change is a command; core checks support rights again.
class SupportPage : public QWidget
{
    Q_OBJECT

public:
    explicit SupportPage(Session &session, QWidget *parent = nullptr);
    ~SupportPage() override;

    static QString code() { return QStringLiteral("support"); }

    void reload();

    // For tests and keyboard users: the widgets by role.
    QTabWidget *tabs() const { return m_tabs; }
    // core's refusal shown in the message bar, or empty.
    QString errorText() const;
    // The message bar's text, whatever its kind.
    QString messageText() const;
    MessageBar *messageBar() const { return m_bar; }
    QPushButton *button(const QString &name) const;
    QTableView *view(const QString &name) const;
    QLineEdit *edit(const QString &name) const;
    SupportUserModel *users() const { return m_users; }
    SupportStructureModel *structures() const { return m_structures; }
    SolicitationQueueModel *solicitations() const { return m_solicitations; }
    HistoryPanel *journal() const { return m_journal; }
    QComboBox *statusFilter() const { return m_statusFilter; }
    QComboBox *replyState() const { return m_replyState; }
    QPlainTextEdit *replyText() const { return m_replyText; }
    QTextBrowser *messages() const { return m_messages; }

private:
    QWidget *createUsersTab();
    QWidget *createStructuresTab();
    QWidget *createSolicitationsTab();
    QWidget *createJournalTab();
    QTableView *createTable(const QString &name, RecordModelBase *model, const QString &accessibleName);
    QPushButton *createButton(const QString &name, const QString &text, void (SupportPage::*slot)());
    QLineEdit *createEdit(const QString &name, const QString &accessibleName);
    // The current row of each table, or nullptr.
    const SupportUserRow *currentUser() const;
    const SupportStructure *currentStructure() const;
    const SolicitationInfo *currentSolicitation() const;
    void updateButtons();
    void send(const CommandCall &call, std::function<void(const CommandResult &)> done = {});

    // Utilisateurs
    void searchUsers();
    void reactivate();
    void resendActivation();
    void viewUser();
    // Structures
    void searchStructures();
    void namePrincipal();
    void nameRequesterPrincipal();
    // Sollicitations
    void filterSolicitations();
    void showSolicitation();
    void reply();
    void setState();
    // Journal
    void reloadPrincipalRequests();
    void reloadJournalStructures();

    Session &m_session;
    QTabWidget *m_tabs;
    MessageBar *m_bar;
    FormFeedback m_feedback;
    SupportUserModel *m_users;
    SupportStructureModel *m_structures;
    // Requests to join a structure without a principal manager: support decides.
    PendingAttachmentModel *m_principalRequests;
    SolicitationQueueModel *m_solicitations;
    HistoryPanel *m_journal;

    QComboBox *m_statusFilter = nullptr;
    QTextBrowser *m_messages = nullptr;
    QPlainTextEdit *m_replyText = nullptr;
    QComboBox *m_replyState = nullptr;
};

} // namespace guichet
