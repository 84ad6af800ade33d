#include "ui/tour/screenwalk.h"

#include "datagen/demodata.h"
#include "rules/accounts/signups.h"
#include "rules/structures/structures.h"
#include "ui/account/accountpage.h"
#include "ui/account/activationdialog.h"
#include "ui/account/reactivationdialog.h"
#include "ui/account/signupdialog.h"
#include "ui/account/solicitationdialog.h"
#include "ui/account/successordialog.h"
#include "ui/attachments/attachmentrequestdialog.h"
#include "ui/attachments/structurecreatedialog.h"
#include "ui/attachments/structuresearchdialog.h"
#include "ui/files/attachedfiledialog.h"
#include "ui/manager/attachtostructuresdialog.h"
#include "ui/manager/bulksubscriptiondialog.h"
#include "ui/manager/inviteuserdialog.h"
#include "ui/manager/manageractivitypage.h"
#include "ui/shell/desktopapp.h"
#include "ui/shell/mainwindow.h"
#include "ui/shell/outboxdialog.h"
#include "ui/shell/preferencesdialog.h"
#include "ui/shell/session.h"
#include "ui/subscriptions/subscriptionrequestdialog.h"
#include "ui/support/supportpage.h"
#include "ui/sync/syncstatusdialog.h"
#include "ui/widgets/usersearchdialog.h"

#include <QApplication>
#include <QCheckBox>
#include <QDateEdit>
#include <QElapsedTimer>
#include <QGroupBox>
#include <QJsonArray>
#include <QLineEdit>
#include <QListWidget>
#include <QPushButton>
#include <QTabWidget>
#include <QThread>

namespace guichet {

namespace {

// The demo logins (core/datagen/demodata.cpp) whose screens differ.
struct RoleLogin
{
    const char *role;
    const char *email;
};
const RoleLogin roleLogins[] = {
    { "principal", "claire.dubois@demo.guichet.fr" },
    { "secondary", "sami.benali@demo.guichet.fr" },
    { "user", "lea.moreau@demo.guichet.fr" },
    { "support", "support@demo.guichet.fr" },
};
const char *const reactivatingEmail = "marc.girard@demo.guichet.fr"; // deactivated 10 days ago
const char *const solicitingEmail = "julie.roux@demo.guichet.fr"; // deactivated 70 days ago

// Lets queued work run (column fitting, searches, layouts) and, for pictures,
// the window paint.
void settle(int ms)
{
    for (int i = 0; i < 4; ++i) {
        QCoreApplication::sendPostedEvents();
        QApplication::processEvents(QEventLoop::AllEvents, 20);
    }
    if (ms <= 0)
        return;
    QElapsedTimer timer;
    timer.start();
    while (timer.elapsed() < ms) {
        QApplication::processEvents(QEventLoop::AllEvents, 50);
        QThread::msleep(10);
    }
}

class Walk
{
public:
    Walk(Session &session, DesktopApp &app, const ScreenVisitor &visit, const ScreenWalkOptions &options,
         QString *error)
        : m_session(session)
        , m_app(app)
        , m_visit(visit)
        , m_options(options)
        , m_error(error)
    {
    }

    bool run(const QString &password)
    {
        m_app.start();
        SignInDialog *signIn = m_app.signInDialog();
        if (!signIn)
            return fail(QStringLiteral("no sign-in window"));
        signIn->emailEdit()->setText(QString::fromLatin1(roleLogins[0].email));
        show(QStringLiteral("signIn"), signIn);
        for (const RoleLogin &login : roleLogins) {
            const QString role = QString::fromLatin1(login.role);
            const bool principal = role == QLatin1String("principal");
            if (!principal && !m_options.everyRole)
                continue;
            MainWindow *main = this->signIn(QString::fromLatin1(login.email), password);
            if (!main)
                return false;
            visitMainWindow(role, main);
            if (principal)
                visitDialogs(main);
            m_app.signOut();
            settle(0);
        }
        return visitSignedOutDialogs();
    }

private:
    bool fail(const QString &why)
    {
        if (m_error)
            *m_error = why;
        return false;
    }

    void show(const QString &screen, QWidget *window)
    {
        window->show();
        window->raise();
        settle(m_options.settleMs);
        m_visit(screen, window);
    }

    MainWindow *signIn(const QString &email, const QString &password)
    {
        SignInDialog *signIn = m_app.signInDialog();
        if (!signIn) {
            fail(QStringLiteral("no sign-in window before %1").arg(email));
            return nullptr;
        }
        signIn->emailEdit()->setText(email);
        signIn->passwordEdit()->setText(password);
        signIn->signInButton()->click();
        settle(0);
        MainWindow *main = m_app.mainWindow();
        if (!main) {
            fail(QStringLiteral("sign-in as %1 failed: %2").arg(email, signIn->errorText()));
            return nullptr;
        }
        main->resize(m_options.mainWindowSize);
        main->show();
        settle(0);
        return main;
    }

    void visitTabs(const QString &prefix, QTabWidget *tabs, QWidget *main)
    {
        for (int i = 0; i < tabs->count(); ++i) {
            tabs->setCurrentIndex(i);
            const QString name = tabs->widget(i)->objectName();
            show(prefix + (name.isEmpty() ? QString::number(i) : name), main);
        }
        tabs->setCurrentIndex(0);
    }

    void visitMainWindow(const QString &role, MainWindow *main)
    {
        for (const QString &code : main->spaceCodes()) {
            main->showSpace(code);
            if (code == QLatin1String("mon_compte")) {
                AccountPage *account = main->accountPage();
                QListWidget *list = account->sectionList();
                for (int row = 0; row < list->count(); ++row) {
                    const QString section = list->item(row)->data(Qt::UserRole).toString();
                    account->showSection(section);
                    show(QStringLiteral("%1/account/%2").arg(role, section), main);
                }
                account->showSection(list->item(0)->data(Qt::UserRole).toString());
            } else if (code == ManagerActivityPage::code()) {
                if (auto *page = main->findChild<ManagerActivityPage *>())
                    visitTabs(QStringLiteral("%1/manager/").arg(role), page->tabs(), main);
            } else if (code == SupportPage::code()) {
                if (auto *page = main->findChild<SupportPage *>())
                    visitTabs(QStringLiteral("%1/support/").arg(role), page->tabs(), main);
            } else {
                show(QStringLiteral("%1/space/%2").arg(role, code), main);
            }
        }
        main->showAccount();
    }

    void visitDialogs(MainWindow *main)
    {
        {
            StructureSearchDialog search(m_session, main);
            search.criterion(QStringLiteral("raisonSociale"))->setText(QStringLiteral("*menuiserie*"));
            search.show();
            search.searchButton()->click();
            show(QStringLiteral("dialog/structureSearch"), &search);
        }
        {
            const QList<StructureRow> structures = Structures(m_session.core).all();
            if (!structures.isEmpty()) {
                AttachmentRequestDialog request(m_session, structures.constFirst(), main);
                show(QStringLiteral("dialog/attachmentRequest"), &request);
                // An end before the start: the message must take room without crushing the form.
                request.noEndDateBox()->setChecked(false);
                request.validUntilEdit()->setDate(request.validFromEdit()->date().addDays(-10));
                request.validateButton()->click();
                show(QStringLiteral("dialog/attachmentRequest/error"), &request);
            }
        }
        {
            // « Inviter un utilisateur », then its refusal naming the e-mail field.
            const QList<StructureRow> structures = Structures(m_session.core).all();
            if (!structures.isEmpty()) {
                InviteUserDialog invite(m_session, structures.constFirst().id,
                                        structures.constFirst().raisonSociale, main);
                show(QStringLiteral("dialog/inviteUser"), &invite);
                invite.emailEdit()->setText(QStringLiteral("nouveau-at-example.org"));
                invite.inviteButton()->click();
                show(QStringLiteral("dialog/inviteUser/error"), &invite);
            }
        }
        {
            // The manager's tools: one user to several structures, bulk
            // subscriptions; each then with its refusal (nothing checked).
            const QList<ManagedStructure> managed
                = ManagerActivity(m_session.core).managedStructures(m_session.userId());
            if (!managed.isEmpty()) {
                AttachToStructuresDialog attach(m_session, m_session.userId(),
                                                QStringLiteral("Camille Martin"), managed,
                                                managed.constFirst().id, main);
                show(QStringLiteral("dialog/attachToStructures"), &attach);
                for (int i = 0; i < attach.structuresList()->count(); ++i)
                    attach.structuresList()->item(i)->setCheckState(Qt::Unchecked);
                attach.attachButton()->click();
                show(QStringLiteral("dialog/attachToStructures/error"), &attach);
                BulkSubscriptionDialog bulk(
                    m_session, managed.constFirst().id, managed.constFirst().raisonSociale,
                    ManagerActivity(m_session.core).structureUsers(managed.constFirst().id), main);
                show(QStringLiteral("dialog/bulkSubscription"), &bulk);
                bulk.subscribeButton()->click();
                show(QStringLiteral("dialog/bulkSubscription/error"), &bulk);
            }
        }
        {
            StructureCreateDialog create(m_session, 0, main);
            show(QStringLiteral("dialog/structureCreate"), &create);
            if (QLineEdit *siret = create.field(QStringLiteral("siret"))) {
                siret->setText(QStringLiteral("123 456"));
                create.validateButton()->click();
                show(QStringLiteral("dialog/structureCreate/error"), &create);
            }
        }
        {
            SubscriptionRequestDialog request(m_session, main);
            show(QStringLiteral("dialog/subscriptionRequest"), &request);
        }
        {
            AttachedFileDialog file(m_session, {}, main);
            show(QStringLiteral("dialog/attachedFile"), &file);
        }
        {
            SuccessorDialog successors(
                m_session, SuccessorDialog::principalStructures(m_session, m_session.userId()), main);
            show(QStringLiteral("dialog/successor"), &successors);
        }
        {
            UserSearchDialog users(m_session, main);
            show(QStringLiteral("dialog/userSearch"), &users);
        }
        {
            PreferencesDialog preferences(main);
            show(QStringLiteral("dialog/preferences"), &preferences);
        }
        {
            OutboxDialog outbox(m_session, main);
            show(QStringLiteral("dialog/outbox"), &outbox);
        }
        {
            // The connected mode's dialog, with a change waiting and one refused.
            const QDateTime at = m_session.clock.now();
            OutboxEntry waiting;
            waiting.seq = 2;
            waiting.name = QStringLiteral("requestAttachment");
            waiting.args = { { QStringLiteral("structure"), 1 },
                             { QStringLiteral("validFrom"), at.date().toString(Qt::ISODate) } };
            waiting.createdAt = at;
            OutboxEntry refused;
            refused.seq = 1;
            refused.name = QStringLiteral("deleteFiles");
            refused.args = { { QStringLiteral("ids"), QJsonArray { 4, 9 } } };
            refused.createdAt = at.addSecs(-60);
            refused.refused = true;
            refused.reason = QStringLiteral("This file no longer exists.");
            SyncState state;
            state.lastSyncAt = at.addSecs(-300);
            state.pending = 1;
            state.refused = 1;
            SyncStatusDialog sync(
                state,
                [=] {
                    return QList<OutboxEntry> { refused, waiting };
                },
                [](qint64) { return false; }, main);
            show(QStringLiteral("dialog/syncStatus"), &sync);
        }
    }

    bool visitSignedOutDialogs()
    {
        SignInDialog *signIn = m_app.signInDialog();
        if (!signIn)
            return fail(QStringLiteral("no sign-in window after signing out"));
        {
            ReactivationDialog reactivation(m_session, QString::fromLatin1(reactivatingEmail), signIn);
            show(QStringLiteral("dialog/reactivation"), &reactivation);
            // The step where the user invents a password, then its refusal.
            reactivation.haveCodeButton()->click();
            show(QStringLiteral("dialog/reactivation/code"), &reactivation);
            reactivation.validateButton()->click();
            show(QStringLiteral("dialog/reactivation/error"), &reactivation);
        }
        {
            // « Créer un compte », then its refusal naming every field.
            SignUpDialog signUp(m_session, QString(), signIn);
            show(QStringLiteral("dialog/signUp"), &signUp);
            signUp.validateButton()->click();
            show(QStringLiteral("dialog/signUp/error"), &signUp);
        }
        {
            // The activation dialog as the sign-up leaves it, then a refused code.
            ActivationDialog activation(m_session, QStringLiteral("nouveau@example.org"), signIn);
            activation.setInfo(SignUps::signUpMessage(QStringLiteral("nouveau@example.org")));
            show(QStringLiteral("dialog/activation"), &activation);
            activation.validateButton()->click();
            show(QStringLiteral("dialog/activation/error"), &activation);
            // An invitee's code: the dialog asks for the rest of the account.
            activation.showDetails();
            show(QStringLiteral("dialog/activation/invitee"), &activation);
        }
        {
            SolicitationDialog solicitation(m_session, QString::fromLatin1(solicitingEmail),
                                            QStringLiteral("reactivation"), signIn);
            show(QStringLiteral("dialog/solicitation"), &solicitation);
        }
        return true;
    }

    Session &m_session;
    DesktopApp &m_app;
    const ScreenVisitor &m_visit;
    const ScreenWalkOptions &m_options;
    QString *m_error;
};

} // namespace

bool visitScreens(Session &session, DesktopApp &app, const ScreenVisitor &visit,
                  const ScreenWalkOptions &options, QString *error)
{
    Walk walk(session, app, visit, options, error);
    return walk.run(DemoData::password());
}

} // namespace guichet
