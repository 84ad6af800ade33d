#include "commands/commandargs.h"
#include "fixtures.h"
#include "models/auditentrymodel.h"
#include "models/pendingrequestmodels.h"
#include "models/structureusermodel.h"
#include "rules/attachments/attachments.h"
#include "rules/attachments/principals.h"
#include "rules/spaces/subscriptions.h"
#include "rules/structures/structures.h"
#include "ui/manager/manageractivitypage.h"
#include "ui/shell/mainwindow.h"
#include "ui/widgets/dialogs.h"
#include "ui/widgets/historypanel.h"
#include "ui/widgets/messagebar.h"
#include "ui/widgets/recordtable.h"
#include "ui/widgets/usersearchdialog.h"
#include "uitestsupport.h"

#include <QCheckBox>
#include <QComboBox>
#include <QDateEdit>
#include <QDialogButtonBox>
#include <QFile>
#include <QLabel>
#include <QLineEdit>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QTabWidget>
#include <QTableView>
#include <QTemporaryDir>
#include <QTest>
#include <QToolButton>

using namespace guichet;
using namespace guichet::test;

// « Activité du gestionnaire », clicked through as a manager would.
class TestManagerActivityPage : public QObject
{
    Q_OBJECT

private:
    // Structure S: principal Claire, secondary Nadia (no powers), simple user
    // Ugo; Thomas and Vera asked to be attached; Ugo asked for « Factures reçues ».
    // Bruno is active and attached nowhere.
    struct World : UiWorld
    {
        qint64 claire = 0, nadia = 0, ugo = 0, thomas = 0, vera = 0, bruno = 0, s = 0;
        qint64 ugoAttachment = 0, thomasRequest = 0, veraRequest = 0;

        bool init(const QString &signedIn = QStringLiteral("claire@example.org"))
        {
            if (!isValid())
                return false;
            Dialogs::clear();
            ManagerActivityPage::setOverdueDays(7);
            claire = createUser(QStringLiteral("claire@example.org"), QStringLiteral("Claire"),
                                QStringLiteral("Dubois"));
            nadia = createUser(QStringLiteral("nadia@example.org"), QStringLiteral("Nadia"),
                               QStringLiteral("Petit"));
            ugo = createUser(QStringLiteral("ugo@example.org"), QStringLiteral("Ugo"),
                             QStringLiteral("Roux"));
            thomas = createUser(QStringLiteral("thomas@example.org"), QStringLiteral("Thomas"),
                                QStringLiteral("Lambert"));
            vera = createUser(QStringLiteral("vera@example.org"), QStringLiteral("Vera"),
                              QStringLiteral("Vidal"));
            bruno = createUser(QStringLiteral("bruno@example.org"), QStringLiteral("Bruno"),
                               QStringLiteral("Blanc"));
            s = insertStructure(db(), validSiret(1), QStringLiteral("Menuiserie Dupont"));
            insertAttachment(db(), claire, s, QStringLiteral("principal"));
            insertAttachment(db(), nadia, s, QStringLiteral("secondary"));
            ugoAttachment = insertAttachment(db(), ugo, s, QStringLiteral("user"));
            AttachmentRequest request;
            request.structureId = s;
            request.validFrom = clock.today();
            thomasRequest = Attachments(*core).requestAttachment(thomas, request).id;
            veraRequest = Attachments(*core).requestAttachment(vera, request).id;
            SubscriptionRequest sub;
            sub.structureId = s;
            sub.spaceCode = QStringLiteral("factures_recues");
            sub.lines = { { 0, false, true } };
            sub.effectiveDate = clock.today();
            if (!Subscriptions(*core).requestSubscription(ugo, sub).ok() || !thomasRequest || !veraRequest)
                return false;
            return signIn(signedIn);
        }

        int count(const QString &sql, const QVariantList &args = {}) { return db().value(sql, args).toInt(); }
    };

    static int rowOf(QTableView *view, const QString &text)
    {
        for (int row = 0; row < view->model()->rowCount(); ++row) {
            for (int column = 0; column < view->model()->columnCount(); ++column) {
                if (view->model()->index(row, column).data().toString().contains(text))
                    return row;
            }
        }
        return -1;
    }

    static void clickRow(QTableView *view, int row)
    {
        const int column = view->model()->columnCount() > 1 ? 1 : 0;
        const QRect rect = view->visualRect(view->model()->index(row, column));
        QTest::mouseClick(view->viewport(), Qt::LeftButton, {}, rect.center());
    }

    // Ticks the « Sélection » box of a row, next to its indicator.
    static void checkRow(QTableView *view, int row)
    {
        const QRect rect = view->visualRect(view->model()->index(row, 0));
        QTest::mouseClick(view->viewport(), Qt::LeftButton, {}, QPoint(rect.left() + 8, rect.center().y()));
    }

    static void answerComment(const QString &comment)
    {
        Dialogs::queueDialogHook([comment](QDialog *dialog) {
            auto *edit = dialog->findChild<QPlainTextEdit *>(QStringLiteral("comment"));
            if (!edit)
                return int(QDialog::Rejected);
            QTest::keyClicks(edit, comment);
            return int(QDialog::Accepted);
        });
    }

    static void answerSearch(const QString &query)
    {
        Dialogs::queueDialogHook([query](QDialog *dialog) {
            auto *search = qobject_cast<UserSearchDialog *>(dialog);
            if (!search)
                return int(QDialog::Rejected);
            QTest::keyClicks(search->queryEdit(), query);
            QTest::keyClick(search->queryEdit(), Qt::Key_Return);
            return search->selectedUserId() ? int(QDialog::Accepted) : int(QDialog::Rejected);
        });
    }

    static QString status(World &w, qint64 attachment)
    {
        return w.db()
            .value(QStringLiteral("SELECT status FROM attachments WHERE id = ?"), { attachment })
            .toString();
    }

private slots:
    void validatesTheSelectedRequest()
    {
        World w;
        QVERIFY(w.init());
        ManagerActivityPage page(*w.session);
        page.show();
        QTableView *view = page.view(QStringLiteral("attachmentRequestsTable"));
        QCOMPARE(view->model()->rowCount(), 2);
        clickRow(view, rowOf(view, QStringLiteral("LAMBERT")));
        answerComment(QStringLiteral("Welcome"));
        QTest::mouseClick(page.button(QStringLiteral("validateAttachments")), Qt::LeftButton);
        QCOMPARE(status(w, w.thomasRequest), QStringLiteral("validated"));
        QCOMPARE(status(w, w.veraRequest), QStringLiteral("pending"));
        QCOMPARE(view->model()->rowCount(), 1);
        // The rows do not just vanish: the bar says how many and who was told.
        QVERIFY(page.messageBar()->isVisible());
        QCOMPARE(page.messageBar()->kind(), MessageBar::Kind::Positive);
        QVERIFY2(page.messageBar()->text().startsWith(QStringLiteral("1 request")),
                 qPrintable(page.messageBar()->text()));
        QVERIFY(page.messageBar()->text().contains(QStringLiteral("validated")));
        QVERIFY(page.messageBar()->text().contains(QStringLiteral("e-mail")));
        QVERIFY(page.errorText().isEmpty());
    }

    void aRefusedDecisionShowsCoresMessageInTheBar()
    {
        World w;
        QVERIFY(w.init());
        ManagerActivityPage page(*w.session);
        page.show();
        QTableView *view = page.view(QStringLiteral("attachmentRequestsTable"));
        clickRow(view, rowOf(view, QStringLiteral("LAMBERT")));
        // Someone else decides first: the screen has not reloaded yet.
        QVERIFY(Attachments(*w.core).decideAttachments(w.claire, { w.thomasRequest }, false).ok());
        CommandResult expected;
        w.gateway->send(commands::decideAttachments({ w.thomasRequest }, true, QString()),
                        [&](const CommandResult &r) { expected = r; });
        QVERIFY(!expected.ok());
        answerComment(QString());
        QTest::mouseClick(page.button(QStringLiteral("validateAttachments")), Qt::LeftButton);
        QVERIFY(page.messageBar()->isVisible());
        QCOMPARE(page.messageBar()->kind(), MessageBar::Kind::Error);
        QCOMPARE(page.messageBar()->text(), expected.message);
        QCOMPARE(page.errorText(), expected.message);
        QCOMPARE(status(w, w.thomasRequest), QStringLiteral("refused"));
        // Closing the bar hides it.
        QTest::mouseClick(page.messageBar()->findChild<QToolButton *>(QStringLiteral("messageClose")),
                          Qt::LeftButton);
        QVERIFY(!page.messageBar()->isVisible());
        QVERIFY(page.errorText().isEmpty());
    }

    void refusesEveryCheckedRequestWithAComment()
    {
        World w;
        QVERIFY(w.init());
        ManagerActivityPage page(*w.session);
        page.show();
        QTableView *view = page.view(QStringLiteral("attachmentRequestsTable"));
        checkRow(view, 0);
        checkRow(view, 1);
        QCOMPARE(page.attachmentRequests()->checkedIds().size(), 2);
        answerComment(QStringLiteral("Unknown in our staff"));
        QTest::mouseClick(page.button(QStringLiteral("refuseAttachments")), Qt::LeftButton);
        QCOMPARE(status(w, w.thomasRequest), QStringLiteral("refused"));
        QCOMPARE(status(w, w.veraRequest), QStringLiteral("refused"));
        QCOMPARE(page.messageBar()->kind(), MessageBar::Kind::Positive);
        QVERIFY2(page.messageBar()->text().startsWith(QStringLiteral("2 request")),
                 qPrintable(page.messageBar()->text()));
        QVERIFY(page.messageBar()->text().contains(QStringLiteral("refused")));
        // The emptied table says so, naming the structure.
        QCOMPARE(view->model()->rowCount(), 0);
        QCOMPARE(shownEmptyText(view),
                 QStringLiteral("No pending attachment request for Menuiserie Dupont."));
        QVERIFY(shownEmptyText(page.view(QStringLiteral("usersTable"))).isEmpty());
        // Each requester is told, with the comment.
        for (const qint64 user : { w.thomas, w.vera })
            QCOMPARE(w.count(QStringLiteral(
                                 "SELECT COUNT(*) FROM mail_outbox WHERE user_id = ? AND body_text LIKE "
                                 "'%Unknown in our staff%'"),
                             { user }),
                     1);
    }

    void subscriptionRequestsAreDecidedToo()
    {
        World w;
        QVERIFY(w.init());
        ManagerActivityPage page(*w.session);
        page.show();
        QTableView *view = page.view(QStringLiteral("subscriptionRequestsTable"));
        QCOMPARE(view->model()->rowCount(), 1);
        clickRow(view, 0);
        answerComment(QString());
        QTest::mouseClick(page.button(QStringLiteral("validateSubscriptions")), Qt::LeftButton);
        QCOMPARE(w.count(QStringLiteral("SELECT COUNT(*) FROM subscriptions WHERE user_id = ? AND status = "
                                        "'validated' AND mode = 'consultation'"),
                         { w.ugo }),
                 1);
        QCOMPARE(view->model()->rowCount(), 0);
    }

    // Ugo asks to remove his « Factures émises » (the joinery keeps it): the
    // request is listed beside the subscription requests, labelled as a
    // removal; refusing keeps the subscription, validating removes it.
    void removalRequestsAreListedAndDecided()
    {
        World w;
        QVERIFY(w.init());
        Subscriptions subscriptions(*w.core);
        SubscriptionRequest sub;
        sub.structureId = w.s;
        sub.spaceCode = QStringLiteral("factures_emises");
        sub.lines = { { 0, true, false } };
        sub.effectiveDate = w.clock.today();
        const qint64 invoices = subscriptions.requestSubscription(w.ugo, sub).id;
        QVERIFY(subscriptions.decideSubscription(w.claire, invoices, true).ok());
        QVERIFY(subscriptions.removeSubscriptions(w.ugo, { invoices }).ok());

        ManagerActivityPage page(*w.session);
        page.show();
        QTableView *view = page.view(QStringLiteral("subscriptionRequestsTable"));
        QCOMPARE(view->model()->rowCount(), 2);
        const int removal = rowOf(view, QStringLiteral("Removal"));
        QVERIFY(removal >= 0);
        QVERIFY(rowOf(view, QStringLiteral("Issued invoices")) == removal);
        // The subscription request beside it says so too.
        QVERIFY(rowOf(view, QStringLiteral("Subscription")) == 1 - removal);

        clickRow(view, removal);
        answerComment(QStringLiteral("Still needed"));
        QTest::mouseClick(page.button(QStringLiteral("refuseSubscriptions")), Qt::LeftButton);
        QCOMPARE(view->model()->rowCount(), 1);
        QCOMPARE(rowOf(view, QStringLiteral("Removal")), -1);
        QCOMPARE(
            w.count(QStringLiteral("SELECT COUNT(*) FROM subscriptions WHERE id = ? AND status = 'validated' "
                                   "AND removal_requested_at IS NULL"),
                    { invoices }),
            1);

        QVERIFY(subscriptions.removeSubscriptions(w.ugo, { invoices }).ok());
        page.reload();
        QCOMPARE(view->model()->rowCount(), 2);
        clickRow(view, rowOf(view, QStringLiteral("Removal")));
        answerComment(QString());
        QTest::mouseClick(page.button(QStringLiteral("validateSubscriptions")), Qt::LeftButton);
        QCOMPARE(w.count(QStringLiteral("SELECT COUNT(*) FROM subscriptions WHERE id = ?"), { invoices }), 0);
        QCOMPARE(view->model()->rowCount(), 1);
        QCOMPARE(w.count(QStringLiteral("SELECT COUNT(*) FROM mail_outbox WHERE user_id = ? AND subject = "
                                        "'Removal request validated'"),
                         { w.ugo }),
                 1);
    }

    void oldRequestsAreFlagged()
    {
        World w;
        QVERIFY(w.init());
        w.clock.advanceDays(8);
        ManagerActivityPage page(*w.session);
        QVERIFY(page.attachmentRequests()->rowCount() > 0);
        QVERIFY(page.attachmentRequests()->record(0).overdue);
        QVERIFY(page.attachmentRequests()
                    ->data(page.attachmentRequests()->index(0, 1), Qt::BackgroundRole)
                    .isValid());
        QVERIFY(page.reminderLabel()->text().contains(QStringLiteral("more than 7 days")));
        // With a longer delay in the preferences they are not.
        ManagerActivityPage::setOverdueDays(10);
        ManagerActivityPage relaxed(*w.session);
        QVERIFY(relaxed.attachmentRequests()->rowCount() > 0);
        QVERIFY(!relaxed.attachmentRequests()->record(0).overdue);
        ManagerActivityPage::setOverdueDays(7);
    }

    void secondaryWithoutPowersIsReadOnlyAndRefused()
    {
        World w;
        QVERIFY(w.init(QStringLiteral("nadia@example.org")));
        ManagerActivityPage page(*w.session);
        page.show();
        QVERIFY(page.isReadOnly());
        QVERIFY(page.readOnlyNotice()->isVisible());
        QVERIFY(page.readOnlyNotice()->text().contains(QStringLiteral("powers")));
        QVERIFY(!page.button(QStringLiteral("attachUser"))->isEnabled());
        QVERIFY(!page.button(QStringLiteral("addService"))->isEnabled());
        QCOMPARE(page.view(QStringLiteral("attachmentRequestsTable"))->model()->rowCount(), 0);
        QCOMPARE(page.users()->rowCount(), 5); // she still sees the users and requests
        // Core refuses anyway.
        const QString before = dataSnapshot(w.db());
        CommandResult result;
        w.gateway->send(commands::decideAttachment(w.thomasRequest, true),
                        [&](const CommandResult &r) { result = r; });
        QCOMPARE(result.code, ErrorCode::Forbidden);
        QCOMPARE(dataSnapshot(w.db()), before);
    }

    void changesARole()
    {
        World w;
        QVERIFY(w.init());
        ManagerActivityPage page(*w.session);
        page.show();
        page.tabs()->setCurrentIndex(1);
        QTableView *view = page.view(QStringLiteral("usersTable"));
        clickRow(view, rowOf(view, QStringLiteral("ROUX")));
        QTest::mouseClick(page.button(QStringLiteral("makeSecondary")), Qt::LeftButton);
        QCOMPARE(w.db()
                     .value(QStringLiteral("SELECT role FROM attachments WHERE id = ?"), { w.ugoAttachment })
                     .toString(),
                 QStringLiteral("secondary"));
        QVERIFY(view->model()
                    ->index(rowOf(view, QStringLiteral("ROUX")), 2)
                    .data()
                    .toString()
                    .contains(QStringLiteral("Secondary")));
    }

    void endsAnAttachmentAndRefusesBeforeItsStart()
    {
        World w;
        QVERIFY(w.init());
        ManagerActivityPage page(*w.session);
        page.show();
        page.tabs()->setCurrentIndex(1);
        QTableView *view = page.view(QStringLiteral("usersTable"));
        clickRow(view, rowOf(view, QStringLiteral("ROUX")));
        const QString before = dataSnapshot(w.db());
        Dialogs::queueDialogHook([](QDialog *d) {
            d->findChild<QDateEdit *>(QStringLiteral("validUntil"))->setDate(QDate(2025, 6, 1));
            return int(QDialog::Accepted);
        });
        QTest::mouseClick(page.button(QStringLiteral("endAttachment")), Qt::LeftButton);
        QVERIFY(page.errorText().contains(QStringLiteral("before its start")));
        QCOMPARE(dataSnapshot(w.db()), before);
        Dialogs::queueDialogHook([](QDialog *d) {
            d->findChild<QDateEdit *>(QStringLiteral("validUntil"))->setDate(QDate(2026, 6, 30));
            return int(QDialog::Accepted);
        });
        QTest::mouseClick(page.button(QStringLiteral("endAttachment")), Qt::LeftButton);
        QCOMPARE(w.db()
                     .value(QStringLiteral("SELECT valid_until FROM attachments WHERE id = ?"),
                            { w.ugoAttachment })
                     .toString(),
                 QStringLiteral("2026-06-30"));
        QVERIFY(page.errorText().isEmpty());
    }

    void attachesAUser()
    {
        World w;
        QVERIFY(w.init());
        ManagerActivityPage page(*w.session);
        page.show();
        page.tabs()->setCurrentIndex(1);
        answerSearch(QStringLiteral("bruno"));
        Dialogs::queueDialogHook([](QDialog *d) {
            d->findChild<QComboBox *>(QStringLiteral("role"))->setCurrentIndex(1); // secondary manager
            QTest::mouseClick(d->findChild<QPushButton *>(QStringLiteral("attach")), Qt::LeftButton);
            return d->result();
        });
        QTest::mouseClick(page.button(QStringLiteral("attachUser")), Qt::LeftButton);
        QCOMPARE(roleOn(w.db(), w.bruno, w.s, w.clock.today()), Role::Secondary);
        QVERIFY(rowOf(page.view(QStringLiteral("usersTable")), QStringLiteral("BLANC")) >= 0);
        QCOMPARE(w.count(QStringLiteral("SELECT COUNT(*) FROM mail_outbox WHERE user_id = ?"), { w.bruno }),
                 1);
    }

    void copiesTheRights()
    {
        World w;
        QVERIFY(w.init());
        // Ugo's subscription request validated first, so that there is a right to copy.
        QVERIFY(Subscriptions(*w.core)
                    .decideSubscriptions(
                        w.claire, { Subscriptions(*w.core).pendingSubscriptionRequests(w.claire).first().id },
                        true)
                    .ok());
        ManagerActivityPage page(*w.session);
        page.show();
        page.tabs()->setCurrentIndex(1);
        QTableView *view = page.view(QStringLiteral("usersTable"));
        clickRow(view, rowOf(view, QStringLiteral("ROUX")));
        answerSearch(QStringLiteral("bruno"));
        QTest::mouseClick(page.button(QStringLiteral("copyRights")), Qt::LeftButton);
        QCOMPARE(roleOn(w.db(), w.bruno, w.s, w.clock.today()), Role::User);
        QCOMPARE(w.count(QStringLiteral(
                             "SELECT COUNT(*) FROM subscriptions x JOIN spaces sp ON sp.id = x.space_id "
                             "WHERE x.user_id = ? AND sp.code = 'factures_recues' AND x.status = "
                             "'validated'"),
                         { w.bruno }),
                 1);
        QVERIFY2(page.messageBar()->text().contains(QStringLiteral("1 subscription")),
                 qPrintable(page.messageBar()->text()));
        QCOMPARE(page.messageBar()->kind(), MessageBar::Kind::Positive);
    }

    void managesServicesAndSpaces()
    {
        World w;
        QVERIFY(w.init());
        ManagerActivityPage page(*w.session);
        page.show();
        page.tabs()->setCurrentIndex(2);
        QTest::keyClicks(page.serviceCodeEdit(), QStringLiteral("ACH"));
        QTest::keyClicks(page.serviceNameEdit(), QStringLiteral("Achats"));
        QTest::mouseClick(page.button(QStringLiteral("addService")), Qt::LeftButton);
        QTableView *services = page.view(QStringLiteral("servicesTable"));
        QCOMPARE(services->model()->rowCount(), 1);
        QVERIFY(page.serviceCodeEdit()->text().isEmpty());
        clickRow(services, 0);
        QTest::mouseClick(page.button(QStringLiteral("toggleService")), Qt::LeftButton);
        QCOMPARE(w.count(QStringLiteral("SELECT active FROM services WHERE structure_id = ?"), { w.s }), 0);
        // A service without a name is refused, the red message names it and the code stays typed.
        QTest::keyClicks(page.serviceCodeEdit(), QStringLiteral("VEN"));
        QTest::mouseClick(page.button(QStringLiteral("addService")), Qt::LeftButton);
        QVERIFY(!page.errorText().isEmpty());
        QCOMPARE(page.serviceCodeEdit()->text(), QStringLiteral("VEN"));
        QCOMPARE(w.count(QStringLiteral("SELECT COUNT(*) FROM services WHERE structure_id = ?"), { w.s }), 1);

        // A structure-level space: requests for the three users, then removed.
        page.spaceChooser()->setCurrentIndex(
            page.spaceChooser()->findData(QStringLiteral("sollicitations_recues")));
        QTest::mouseClick(page.button(QStringLiteral("addSpace")), Qt::LeftButton);
        QVERIFY2(page.messageBar()->text().contains(QStringLiteral("3 subscription request")),
                 qPrintable(page.messageBar()->text()));
        QTableView *spaces = page.view(QStringLiteral("spacesTable"));
        QCOMPARE(spaces->model()->rowCount(), 1);
        clickRow(spaces, 0);
        Dialogs::queueAnswer(QMessageBox::Ok);
        QTest::mouseClick(page.button(QStringLiteral("removeSpace")), Qt::LeftButton);
        QVERIFY2(page.messageBar()->text().contains(QStringLiteral("3 subscription(s) ended")),
                 qPrintable(page.messageBar()->text()));
        QCOMPARE(spaces->model()->rowCount(), 0);
    }

    void grantsPowersThenTheSecondaryMayAct()
    {
        World w;
        QVERIFY(w.init());
        ManagerActivityPage page(*w.session);
        page.show();
        page.tabs()->setCurrentIndex(2);
        QVERIFY(page.powersBox()->isEnabled());
        QTest::mouseClick(page.powersBox(), Qt::LeftButton, {}, QPoint(8, page.powersBox()->height() / 2));
        QCOMPARE(w.count(QStringLiteral("SELECT secondary_powers FROM structures WHERE id = ?"), { w.s }), 1);
        QVERIFY(page.powersBox()->isChecked());

        QVERIFY(w.signIn(QStringLiteral("nadia@example.org")));
        ManagerActivityPage nadiaPage(*w.session);
        QVERIFY(!nadiaPage.isReadOnly());
        QVERIFY(!nadiaPage.powersBox()->isEnabled()); // only the principal grants powers
        QCOMPARE(nadiaPage.view(QStringLiteral("attachmentRequestsTable"))->model()->rowCount(), 2);
    }

    void transfersThePrincipalRole()
    {
        World w;
        QVERIFY(w.init());
        ManagerActivityPage page(*w.session);
        page.show();
        page.tabs()->setCurrentIndex(2);
        Dialogs::queueDialogHook([](QDialog *d) {
            auto *successor = d->findChild<QComboBox *>(QStringLiteral("successor"));
            const int index = successor->findText(QStringLiteral("ROUX"), Qt::MatchContains);
            if (index < 0)
                return int(QDialog::Rejected);
            successor->setCurrentIndex(index);
            return int(QDialog::Accepted);
        });
        Dialogs::queueAnswer(QMessageBox::Ok);
        QTest::mouseClick(page.button(QStringLiteral("transferPrincipal")), Qt::LeftButton);
        QCOMPARE(principalOf(w.db(), w.s), w.ugo);
        QCOMPARE(roleOn(w.db(), w.claire, w.s, w.clock.today()), Role::User);
        // Claire is no longer a manager: nothing is left for her to manage.
        QVERIFY(page.isReadOnly());
    }

    void historyReadsAsSentencesNewestFirstFiltersAndExports()
    {
        World w;
        QVERIFY(w.init());
        w.clock.advanceDays(1);
        QVERIFY(Attachments(*w.core).setAttachmentRole(w.claire, w.ugoAttachment, Role::Secondary).ok());
        ManagerActivityPage page(*w.session);
        page.show();
        page.tabs()->setCurrentIndex(3);
        HistoryPanel *history = page.history();
        QTableView *view = page.view(QStringLiteral("historyTable"));
        QCOMPARE(view, history->table());
        const int all = view->model()->rowCount();
        QVERIFY(all >= 3); // two requests and the role change
        // Newest first, as a sentence with names: no command, no JSON, no id.
        const QString newest = view->model()->index(0, 2).data().toString();
        QCOMPARE(newest,
                 QStringLiteral("Claire DUBOIS made Ugo ROUX secondary manager of Menuiserie Dupont."));
        for (int row = 0; row < all; ++row) {
            const QString text = view->model()->index(row, 2).data().toString();
            QVERIFY2(!text.contains(QLatin1Char('{')) && !text.contains(QLatin1String("setAttachmentRole")),
                     qPrintable(text));
        }
        // Kind of action: attachments only.
        history->kindFilter()->setCurrentIndex(history->kindFilter()->findData(int(AuditFamily::Attachment)));
        const int attachments = view->model()->rowCount();
        QVERIFY(attachments >= 1 && attachments < all);
        history->kindFilter()->setCurrentIndex(0);
        // Person: what was done by or about Thomas.
        const int thomas = history->personFilter()->findData(w.thomas);
        QVERIFY(thomas > 0);
        QCOMPARE(history->personFilter()->itemText(thomas), QStringLiteral("Thomas LAMBERT"));
        history->personFilter()->setCurrentIndex(thomas);
        QVERIFY(view->model()->rowCount() >= 1);
        QVERIFY(!view->model()->index(0, 2).data().toString().contains(QLatin1String("Ugo")));
        history->personFilter()->setCurrentIndex(history->personFilter()->findData(w.ugo));
        // Dates: nothing tomorrow, and an empty table says why.
        history->datesFilter()->setChecked(true);
        QVERIFY(view->model()->rowCount() >= 1);
        history->fromDate()->setDate(w.clock.today().addDays(1));
        history->toDate()->setDate(w.clock.today().addDays(2));
        QCOMPARE(view->model()->rowCount(), 0);
        QCOMPARE(shownEmptyText(view),
                 QStringLiteral("Nothing is recorded for Menuiserie Dupont with these filters."));
        history->datesFilter()->setChecked(false);
        history->kindFilter()->setCurrentIndex(history->kindFilter()->findData(int(AuditFamily::Attachment)));
        QCOMPARE(view->model()->rowCount(), 1);

        QTemporaryDir dir;
        const QString path = dir.filePath(QStringLiteral("history.csv"));
        Dialogs::queuePath(path);
        QTest::mouseClick(history->exportButton(), Qt::LeftButton);
        QFile file(path);
        QVERIFY(file.open(QIODevice::ReadOnly));
        const QStringList lines
            = QString::fromUtf8(file.readAll()).split(QLatin1Char('\n'), Qt::SkipEmptyParts);
        QCOMPARE(lines.size(), 2); // header + the filtered entry, with the sentence the table shows
        QVERIFY2(
            lines.at(1).contains(QStringLiteral("Claire DUBOIS made Ugo ROUX secondary manager of Menuiserie "
                                                "Dupont.")),
            qPrintable(lines.at(1)));
    }

    void isTheTabOfTheManagersSpace()
    {
        World w;
        QVERIFY(w.init());
        // Creating a structure makes Claire its principal manager, subscribed to her default spaces.
        StructureInput input;
        input.siret = validSiret(2);
        input.raisonSociale = QStringLiteral("Boulangerie Dubois");
        QVERIFY(Structures(*w.core).createStructure(w.claire, input).ok());
        MainWindow window(*w.session);
        QVERIFY(window.spaceCodes().contains(ManagerActivityPage::code()));
        window.showSpace(ManagerActivityPage::code());
        auto *page = window.findChild<ManagerActivityPage *>();
        QVERIFY(page);
        QVERIFY(!page->isHidden());
        // « All my structures » then the two structures.
        QCOMPARE(page->structureChooser()->count(), 3);
    }

    // The chooser filters the four tabs; « all my structures » lists every pending request.
    void structureChooserFiltersEveryTab()
    {
        World w;
        QVERIFY(w.init());
        StructureInput input;
        input.siret = validSiret(2);
        input.raisonSociale = QStringLiteral("Boulangerie Dubois");
        const CommandResult created = Structures(*w.core).createStructure(w.claire, input);
        QVERIFY(created.ok());
        const qint64 bakery = created.id;
        AttachmentRequest request;
        request.structureId = bakery;
        request.validFrom = w.clock.today();
        QVERIFY(Attachments(*w.core).requestAttachment(w.bruno, request).ok());

        ManagerActivityPage page(*w.session);
        page.show();
        QComboBox *chooser = page.structureChooser();
        QCOMPARE(chooser->count(), 3);
        QCOMPARE(chooser->currentIndex(), 0);
        QCOMPARE(chooser->currentText(), QStringLiteral("All my structures (2)"));
        QTableView *requests = page.view(QStringLiteral("attachmentRequestsTable"));
        QCOMPARE(requests->model()->rowCount(), 3); // Thomas and Vera, Bruno
        const auto structureColumnShown = [&] {
            for (int column = 0; column < requests->model()->columnCount(); ++column) {
                if (requests->model()->headerData(column, Qt::Horizontal).toString()
                    == QStringLiteral("Structure"))
                    return !requests->isColumnHidden(column);
            }
            return false;
        };
        QVERIFY(structureColumnShown());
        QVERIFY(rowOf(requests, QStringLiteral("Bruno")) >= 0);
        // No single structure: the users tab says what to do instead of acting on nothing.
        QCOMPARE(page.view(QStringLiteral("usersTable"))->model()->rowCount(), 0);
        QCOMPARE(shownEmptyText(page.view(QStringLiteral("usersTable"))),
                 QStringLiteral("Choose one of your structures in the list above."));
        QVERIFY(!page.button(QStringLiteral("attachUser"))->isEnabled());
        // The history covers both structures.
        const auto mentions = [&](const QString &text) { return rowOf(page.history()->table(), text) >= 0; };
        QVERIFY(mentions(QStringLiteral("Boulangerie Dubois")));
        QVERIFY(mentions(QStringLiteral("Menuiserie Dupont")));

        chooser->setCurrentIndex(chooser->findData(bakery));
        QCOMPARE(requests->model()->rowCount(), 1);
        QVERIFY(!structureColumnShown()); // one structure: its name is in the chooser
        QVERIFY(rowOf(requests, QStringLiteral("Bruno")) >= 0);
        QCOMPARE(page.view(QStringLiteral("subscriptionRequestsTable"))->model()->rowCount(), 0);
        QVERIFY(shownEmptyText(page.view(QStringLiteral("attachmentRequestsTable"))).isEmpty());
        QCOMPARE(shownEmptyText(page.view(QStringLiteral("subscriptionRequestsTable"))),
                 QStringLiteral("No pending subscription request for Boulangerie Dubois."));
        QVERIFY(rowOf(page.view(QStringLiteral("usersTable")), QStringLiteral("Claire")) >= 0);
        QCOMPARE(rowOf(page.view(QStringLiteral("usersTable")), QStringLiteral("Ugo")), -1);
        QVERIFY(mentions(QStringLiteral("Boulangerie Dubois")));
        QVERIFY(!mentions(QStringLiteral("Menuiserie Dupont")));

        chooser->setCurrentIndex(chooser->findData(w.s));
        QCOMPARE(requests->model()->rowCount(), 2);
        QCOMPARE(rowOf(requests, QStringLiteral("Bruno")), -1);
        QCOMPARE(page.view(QStringLiteral("subscriptionRequestsTable"))->model()->rowCount(), 1);
        QVERIFY(!mentions(QStringLiteral("Boulangerie Dubois")));

        // The choice is remembered for the next time the page opens.
        ManagerActivityPage again(*w.session);
        QCOMPARE(again.currentStructureId(), w.s);
    }

    void attachUserDialogKeepsWhatWasTypedOnRefusal()
    {
        World w;
        QVERIFY(w.init());
        ManagerActivityPage page(*w.session);
        page.show();
        page.tabs()->setCurrentIndex(1);
        const QString before = dataSnapshot(w.db());
        QString error;
        bool stillOpen = false;
        answerSearch(QStringLiteral("roux")); // Ugo is already attached
        Dialogs::queueDialogHook([&](QDialog *d) {
            QTest::mouseClick(d->findChild<QPushButton *>(QStringLiteral("attach")), Qt::LeftButton);
            error = d->findChild<QLabel *>(QStringLiteral("error"))->text();
            stillOpen = d->result() != QDialog::Accepted;
            return int(QDialog::Rejected);
        });
        QTest::mouseClick(page.button(QStringLiteral("attachUser")), Qt::LeftButton);
        QVERIFY(stillOpen);
        QVERIFY2(error.contains(QStringLiteral("already attached")), qPrintable(error));
        QCOMPARE(dataSnapshot(w.db()), before);
    }
};

QTEST_MAIN(TestManagerActivityPage)
#include "tst_manageractivitypage.moc"
