#include "fixtures.h"
#include "models/supportmodels.h"
#include "rules/accounts/passwords.h"
#include "rules/accounts/signups.h"
#include "rules/attachments/attachments.h"
#include "rules/attachments/principals.h"
#include "rules/manager/manageractivity.h"
#include "rules/support/solicitations.h"
#include "ui/shell/mainwindow.h"
#include "ui/support/supportpage.h"
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
#include <QJsonObject>
#include <QLabel>
#include <QLineEdit>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QStackedWidget>
#include <QTabWidget>
#include <QTableView>
#include <QTemporaryDir>
#include <QTest>
#include <QTextBrowser>

using namespace guichet;
using namespace guichet::test;

// « Support », clicked through as support staff would.
class TestSupportPage : public QObject
{
    Q_OBJECT

private:
    // Support staff Sam; Claire principal of the joinery, Ugo a simple user
    // there; Julie deactivated 70 days ago, once principal of the bakery where
    // Léa is a simple user; Bruno active and attached nowhere. Léa asked support
    // a question.
    struct World : UiWorld
    {
        qint64 sam = 0, claire = 0, ugo = 0, julie = 0, lea = 0, bruno = 0;
        qint64 joinery = 0, bakery = 0, question = 0;

        bool init(const QString &signedIn = QStringLiteral("sam@example.org"))
        {
            if (!isValid())
                return false;
            Dialogs::clear();
            sam = createUser(QStringLiteral("sam@example.org"), QStringLiteral("Sam"),
                             QStringLiteral("Support"), true);
            claire = createUser(QStringLiteral("claire@example.org"), QStringLiteral("Claire"),
                                QStringLiteral("Dubois"));
            ugo = createUser(QStringLiteral("ugo@example.org"), QStringLiteral("Ugo"),
                             QStringLiteral("Roux"));
            julie = createUser(QStringLiteral("julie@example.org"), QStringLiteral("Julie"),
                               QStringLiteral("Moreau"));
            lea = createUser(QStringLiteral("lea@example.org"), QStringLiteral("Léa"),
                             QStringLiteral("Garnier"));
            bruno = createUser(QStringLiteral("bruno@example.org"), QStringLiteral("Bruno"),
                               QStringLiteral("Blanc"));
            joinery = insertStructure(db(), validSiret(1), QStringLiteral("Menuiserie Dupont"));
            bakery = insertStructure(db(), validSiret(2), QStringLiteral("Boulangerie Pétrin"));
            insertAttachment(db(), claire, joinery, QStringLiteral("principal"));
            insertAttachment(db(), ugo, joinery, QStringLiteral("user"));
            insertAttachment(db(), julie, bakery, QStringLiteral("principal"));
            insertAttachment(db(), lea, bakery, QStringLiteral("user"));
            db().exec(
                QStringLiteral("UPDATE users SET status = 'deactivated', deactivated_at = ? WHERE id = ?"),
                { clock.now().addDays(-70).toMSecsSinceEpoch(), julie });
            NewSolicitation s;
            s.category = QStringLiteral("principal_manager");
            s.subject = QStringLiteral("Our principal manager left");
            s.body = QStringLiteral("Julie left the bakery, who decides now?");
            question = Solicitations(*core).createSolicitation(lea, s).id;
            return question && signIn(signedIn);
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
        QVERIFY(row >= 0);
        const QRect rect = view->visualRect(view->model()->index(row, 1));
        QTest::mouseClick(view->viewport(), Qt::LeftButton, {}, rect.center());
    }

    static void searchUsers(SupportPage &page, const char *field, const QString &text)
    {
        QLineEdit *edit = page.edit(QString::fromLatin1(field));
        QTest::keyClicks(edit, text);
        QTest::keyClick(edit, Qt::Key_Return);
    }

private slots:
    void onlySupportStaffGetTheTab()
    {
        World w;
        QVERIFY(w.init(QStringLiteral("claire@example.org")));
        {
            MainWindow window(*w.session);
            QVERIFY(!window.spaceCodes().contains(SupportPage::code()));
            QVERIFY(!window.findChild<SupportPage *>());
        }
        // …and core refuses its commands to Claire whatever the screen shows.
        const QString before = dataSnapshot(w.db());
        CommandResult result;
        for (const auto &[command, args] : QList<QPair<QString, QJsonObject>> {
                 { QStringLiteral("supportReactivate"), { { QStringLiteral("user"), w.julie } } },
                 { QStringLiteral("reply"),
                   { { QStringLiteral("id"), w.question },
                     { QStringLiteral("text"), QStringLiteral("No") } } },
                 { QStringLiteral("setStatus"),
                   { { QStringLiteral("id"), w.question },
                     { QStringLiteral("status"), QStringLiteral("closed") } } },
                 { QStringLiteral("transferPrincipal"),
                   { { QStringLiteral("structure"), w.bakery },
                     { QStringLiteral("successor"), w.lea } } } }) {
            w.gateway->send(command, args, [&](const CommandResult &r) { result = r; });
            QCOMPARE(result.code, ErrorCode::Forbidden);
        }
        QCOMPARE(dataSnapshot(w.db()), before);

        World support;
        QVERIFY(support.init());
        MainWindow window(*support.session);
        QVERIFY(window.spaceCodes().contains(SupportPage::code()));
        // Support staff land on « Support », not « Mon compte ».
        auto *page = window.findChild<SupportPage *>();
        QVERIFY(page);
        auto *pages = qobject_cast<QStackedWidget *>(page->parentWidget());
        QVERIFY(pages);
        QCOMPARE(pages->currentWidget(), page);
        window.showAccount();
        QVERIFY(pages->currentWidget() != page);
        window.showSpace(SupportPage::code());
        QVERIFY(!page->isHidden());
    }

    void findsUsersByEachCriterionWithTheirStatus()
    {
        World w;
        QVERIFY(w.init());
        SupportPage page(*w.session);
        page.show();
        QTableView *view = page.view(QStringLiteral("usersTable"));
        searchUsers(page, "userStructure", QStringLiteral("petrin"));
        QCOMPARE(view->model()->rowCount(), 2);
        const int julie = rowOf(view, QStringLiteral("julie@example.org"));
        QVERIFY(julie >= 0);
        QVERIFY(rowOf(view, QStringLiteral("Deactivated")) == julie);
        QVERIFY(rowOf(view, QStringLiteral("Principal manager")) == julie);
        page.edit(QStringLiteral("userStructure"))->clear();
        searchUsers(page, "userEmail", QStringLiteral("bruno@"));
        QCOMPARE(view->model()->rowCount(), 1);
        QVERIFY(rowOf(view, QStringLiteral("BLANC")) == 0);
        // The deactivated account's « Reactivate » is the only one enabled.
        clickRow(view, 0);
        QVERIFY(!page.button(QStringLiteral("reactivate"))->isEnabled());
    }

    void reactivationPastSixtyDaysMailsALink()
    {
        World w;
        QVERIFY(w.init());
        SupportPage page(*w.session);
        page.show();
        searchUsers(page, "userName", QStringLiteral("moreau"));
        QTableView *view = page.view(QStringLiteral("usersTable"));
        clickRow(view, 0);
        QVERIFY(page.button(QStringLiteral("reactivate"))->isEnabled());
        Dialogs::queueAnswer(QMessageBox::Ok); // the confirmation
        QTest::mouseClick(page.button(QStringLiteral("reactivate")), Qt::LeftButton);
        QVERIFY2(page.errorText().isEmpty(), qPrintable(page.errorText()));
        // « a link was mailed », in the page's message bar.
        QCOMPARE(page.messageBar()->kind(), MessageBar::Kind::Positive);
        QVERIFY2(page.messageBar()->text().contains(QStringLiteral("reactivation link was mailed")),
                 qPrintable(page.messageBar()->text()));
        QCOMPARE(w.count(QStringLiteral("SELECT COUNT(*) FROM mail_outbox WHERE user_id = ?"), { w.julie }),
                 1);
    }

    void userDetailsShowFilesMetadataOnly()
    {
        World w;
        QVERIFY(w.init());
        w.db().exec(
            QStringLiteral("INSERT INTO attached_files (user_id, designation, file_type, file_name, size, "
                           "sha256, content, created_at, updated_at, version) VALUES (?, 'Kbis', 'other', "
                           "'kbis.pdf', 3, 'x', ?, 0, 0, 1)"),
            { w.lea, QByteArray("abc") });
        SupportPage page(*w.session);
        page.show();
        searchUsers(page, "userName", QStringLiteral("garnier"));
        clickRow(page.view(QStringLiteral("usersTable")), 0);
        int attachments = -1, files = -1;
        Dialogs::queueDialogHook([&](QDialog *dialog) {
            attachments
                = dialog->findChild<QTableView *>(QStringLiteral("detailAttachments"))->model()->rowCount();
            QTableView *fileView = dialog->findChild<QTableView *>(QStringLiteral("detailFiles"));
            files = fileView->model()->rowCount();
            return int(QDialog::Rejected);
        });
        QTest::mouseClick(page.button(QStringLiteral("viewUser")), Qt::LeftButton);
        QCOMPARE(attachments, 1);
        QCOMPARE(files, 1);
    }

    void namesAPrincipalForAStructureWithoutOne()
    {
        World w;
        QVERIFY(w.init());
        SupportPage page(*w.session);
        page.show();
        page.tabs()->setCurrentIndex(1);
        QTableView *view = page.view(QStringLiteral("structuresTable"));
        // Empty search: the structures without an active principal, flagged.
        QCOMPARE(view->model()->rowCount(), 1);
        QVERIFY(rowOf(view, QStringLiteral("Deactivated: Julie MOREAU")) == 0);
        // The identifier's kind beside it.
        QCOMPARE(view->model()->headerData(2, Qt::Horizontal).toString(), QStringLiteral("Type"));
        QCOMPARE(view->model()->index(0, 2).data().toString(), QStringLiteral("SIRET"));
        clickRow(view, 0);
        Dialogs::queueDialogHook([&](QDialog *dialog) {
            auto *successor = dialog->findChild<QComboBox *>(QStringLiteral("successor"));
            if (!successor || successor->findText(QStringLiteral("GARNIER"), Qt::MatchContains) < 0)
                return int(QDialog::Rejected);
            successor->setCurrentIndex(successor->findText(QStringLiteral("GARNIER"), Qt::MatchContains));
            QTest::mouseClick(dialog->findChild<QDialogButtonBox *>()->button(QDialogButtonBox::Ok),
                              Qt::LeftButton);
            return dialog->result();
        });
        Dialogs::queueAnswer(QMessageBox::Ok);
        QTest::mouseClick(page.button(QStringLiteral("namePrincipal")), Qt::LeftButton);
        QCOMPARE(principalOf(w.db(), w.bakery), w.lea);
        QCOMPARE(view->model()->rowCount(), 0);
        QVERIFY(w.count(QStringLiteral("SELECT COUNT(*) FROM mail_outbox WHERE user_id = ?"), { w.lea }) > 0);
    }

    // A structure nobody manages: Bruno's request to join it is support's to
    // decide; the console lists it, and one click names him principal.
    void namesTheRequesterOfAStructureWithoutPrincipal()
    {
        World w;
        QVERIFY(w.init());
        const qint64 workshop = insertStructure(w.db(), validSiret(3), QStringLiteral("Atelier Neuf"));
        AttachmentRequest request;
        request.structureId = workshop;
        request.validFrom = w.clock.today();
        const CommandResult asked = Attachments(*w.core).requestAttachment(w.bruno, request);
        QVERIFY2(asked.ok(), qPrintable(asked.message));
        QCOMPARE(asked.data.value(QStringLiteral("role")).toString(), QStringLiteral("principal"));
        SupportPage page(*w.session);
        page.show();
        page.tabs()->setCurrentIndex(1);
        QTableView *requests = page.view(QStringLiteral("principalRequestsTable"));
        QCOMPARE(requests->model()->rowCount(), 1);
        QVERIFY(rowOf(requests, QStringLiteral("Atelier Neuf")) == 0);
        QVERIFY(!page.button(QStringLiteral("nameRequesterPrincipal"))->isEnabled());

        // « Name a principal manager » on the structure offers Bruno too.
        QTableView *structures = page.view(QStringLiteral("structuresTable"));
        clickRow(structures, rowOf(structures, QStringLiteral("Atelier Neuf")));
        bool offered = false;
        Dialogs::queueDialogHook([&](QDialog *dialog) {
            auto *successor = dialog->findChild<QComboBox *>(QStringLiteral("successor"));
            offered = successor && successor->findText(QStringLiteral("BLANC"), Qt::MatchContains) >= 0;
            return int(QDialog::Rejected);
        });
        QTest::mouseClick(page.button(QStringLiteral("namePrincipal")), Qt::LeftButton);
        QVERIFY(offered);
        QCOMPARE(principalOf(w.db(), workshop), 0);

        clickRow(requests, 0);
        QVERIFY(page.button(QStringLiteral("nameRequesterPrincipal"))->isEnabled());
        Dialogs::queueAnswer(QMessageBox::Ok);
        QTest::mouseClick(page.button(QStringLiteral("nameRequesterPrincipal")), Qt::LeftButton);
        QCOMPARE(principalOf(w.db(), workshop), w.bruno);
        QCOMPARE(requests->model()->rowCount(), 0);
        QVERIFY(page.messageText().contains(QLatin1String("principal manager")));
    }

    // An account waiting for activation shows so, and support resends its mail.
    void resendsTheActivationMailOfAWaitingAccount()
    {
        World w;
        QVERIFY(w.init());
        PasswordHasher::setFastHashingForTests(true);
        const SignUpRequest nina = ninaSignUp();
        QVERIFY(SignUps(*w.core).signUp(nina).ok());
        SupportPage page(*w.session);
        page.show();
        searchUsers(page, "userEmail", QStringLiteral("nina@"));
        QTableView *users = page.view(QStringLiteral("usersTable"));
        const int row = rowOf(users, QStringLiteral("Waiting for activation"));
        QVERIFY(row >= 0);
        clickRow(users, row);
        QVERIFY(!page.button(QStringLiteral("reactivate"))->isEnabled());
        QVERIFY(page.button(QStringLiteral("resendActivation"))->isEnabled());
        const int mails
            = w.count(QStringLiteral("SELECT COUNT(*) FROM mail_outbox WHERE recipient = ?"), { nina.email });
        QTest::mouseClick(page.button(QStringLiteral("resendActivation")), Qt::LeftButton);
        QCOMPARE(
            w.count(QStringLiteral("SELECT COUNT(*) FROM mail_outbox WHERE recipient = ?"), { nina.email }),
            mails + 1);
        QVERIFY(page.messageText().contains(QLatin1String("activation link")));
    }

    void attachesAndNamesAnotherUser()
    {
        World w;
        QVERIFY(w.init());
        SupportPage page(*w.session);
        page.show();
        page.tabs()->setCurrentIndex(1);
        clickRow(page.view(QStringLiteral("structuresTable")), 0);
        Dialogs::queueDialogHook([&](QDialog *dialog) {
            // « Find another user… » opens the magnifier: Bruno.
            Dialogs::queueDialogHook([](QDialog *inner) {
                auto *search = qobject_cast<UserSearchDialog *>(inner);
                if (!search)
                    return int(QDialog::Rejected);
                QTest::keyClicks(search->queryEdit(), QStringLiteral("blanc"));
                QTest::keyClick(search->queryEdit(), Qt::Key_Return);
                return search->selectedUserId() ? int(QDialog::Accepted) : int(QDialog::Rejected);
            });
            QTest::mouseClick(dialog->findChild<QPushButton *>(QStringLiteral("findUser")), Qt::LeftButton);
            QTest::mouseClick(dialog->findChild<QDialogButtonBox *>()->button(QDialogButtonBox::Ok),
                              Qt::LeftButton);
            return dialog->result();
        });
        QTest::mouseClick(page.button(QStringLiteral("namePrincipal")), Qt::LeftButton);
        QCOMPARE(principalOf(w.db(), w.bakery), w.bruno);
        QCOMPARE(page.messageBar()->kind(), MessageBar::Kind::Positive);
        QVERIFY2(page.messageBar()->text().contains(QStringLiteral("is now the principal manager")),
                 qPrintable(page.messageBar()->text()));
    }

    void namingADeactivatedUserIsRefused()
    {
        World w;
        QVERIFY(w.init());
        SupportPage page(*w.session);
        page.show();
        page.tabs()->setCurrentIndex(1);
        clickRow(page.view(QStringLiteral("structuresTable")), 0);
        QString before;
        QString error;
        Dialogs::queueDialogHook([&](QDialog *dialog) {
            auto *successor = dialog->findChild<QComboBox *>(QStringLiteral("successor"));
            successor->setCurrentIndex(successor->findText(QStringLiteral("GARNIER"), Qt::MatchContains));
            // Léa deactivates her account while the dialog is open.
            w.db().exec(
                QStringLiteral("UPDATE users SET status = 'deactivated', deactivated_at = 1 WHERE id = ?"),
                { w.lea });
            before = dataSnapshot(w.db());
            QTest::mouseClick(dialog->findChild<QDialogButtonBox *>()->button(QDialogButtonBox::Ok),
                              Qt::LeftButton);
            error = dialog->findChild<QLabel *>(QStringLiteral("error"))->text();
            // The dialog stayed open on the refusal.
            return dialog->result() == QDialog::Accepted ? int(QDialog::Accepted) : int(QDialog::Rejected);
        });
        QTest::mouseClick(page.button(QStringLiteral("namePrincipal")), Qt::LeftButton);
        QVERIFY2(error.contains(QStringLiteral("active account")), qPrintable(error));
        QCOMPARE(dataSnapshot(w.db()), before);
        QCOMPARE(principalOf(w.db(), w.bakery), w.julie);
    }

    void replyChangesTheStateAndMailsTheSender()
    {
        World w;
        QVERIFY(w.init());
        SupportPage page(*w.session);
        page.show();
        page.tabs()->setCurrentIndex(2);
        QTableView *view = page.view(QStringLiteral("solicitationsTable"));
        QCOMPARE(view->model()->rowCount(), 1);
        clickRow(view, 0);
        QVERIFY(page.messages()->toPlainText().contains(QStringLiteral("who decides now?")));
        const int mailsBefore
            = w.count(QStringLiteral("SELECT COUNT(*) FROM mail_outbox WHERE user_id = ?"), { w.lea });
        // An empty reply is refused, naming the text.
        const QString before = dataSnapshot(w.db());
        QTest::mouseClick(page.button(QStringLiteral("reply")), Qt::LeftButton);
        QVERIFY(!page.errorText().isEmpty());
        QCOMPARE(page.messageBar()->kind(), MessageBar::Kind::Error);
        QVERIFY(page.messageBar()->isVisible());
        QVERIFY(page.replyText()->property("invalid").toBool());
        QCOMPARE(dataSnapshot(w.db()), before);

        QTest::keyClicks(page.replyText(), QStringLiteral("We named Lea principal manager."));
        page.replyState()->setCurrentIndex(page.replyState()->findData(QStringLiteral("closed")));
        QTest::mouseClick(page.button(QStringLiteral("reply")), Qt::LeftButton);
        QVERIFY2(page.errorText().isEmpty(), qPrintable(page.errorText()));
        QCOMPARE(w.db()
                     .value(QStringLiteral("SELECT status FROM solicitations WHERE id = ?"), { w.question })
                     .toString(),
                 QStringLiteral("closed"));
        QCOMPARE(w.count(QStringLiteral("SELECT COUNT(*) FROM mail_outbox WHERE user_id = ?"), { w.lea }),
                 mailsBefore + 1);
        QVERIFY(page.messages()->toPlainText().contains(QStringLiteral("We named Lea")));
        QVERIFY(page.replyText()->toPlainText().isEmpty());
        QCOMPARE(page.messageBar()->kind(), MessageBar::Kind::Positive);
        // « Nouvel ét&at : » is a mnemonic for the state, not a literal « & ».
        auto *stateLabel = page.findChild<QLabel *>(QStringLiteral("replyStateLabel"));
        QVERIFY(stateLabel);
        QCOMPARE(stateLabel->buddy(), page.replyState());

        // The state filter: nothing is « new » any more; « Closed » shows it.
        page.statusFilter()->setCurrentIndex(page.statusFilter()->findData(QStringLiteral("new")));
        QCOMPARE(view->model()->rowCount(), 0);
        page.statusFilter()->setCurrentIndex(page.statusFilter()->findData(QStringLiteral("closed")));
        QCOMPARE(view->model()->rowCount(), 1);

        // « Change the state » alone.
        clickRow(view, 0);
        page.replyState()->setCurrentIndex(page.replyState()->findData(QStringLiteral("in_progress")));
        QTest::mouseClick(page.button(QStringLiteral("setState")), Qt::LeftButton);
        QCOMPARE(w.db()
                     .value(QStringLiteral("SELECT status FROM solicitations WHERE id = ?"), { w.question })
                     .toString(),
                 QStringLiteral("in_progress"));
    }

    void logFiltersAcrossStructuresAndExports()
    {
        World w;
        QVERIFY(w.init());
        // Two audited changes on two structures.
        QVERIFY(ManagerActivity(*w.core).transferPrincipal(w.claire, w.joinery, w.ugo).ok());
        w.clock.advanceDays(1);
        QVERIFY(ManagerActivity(*w.core).transferPrincipal(w.sam, w.bakery, w.lea).ok());
        SupportPage page(*w.session);
        page.show();
        page.tabs()->setCurrentIndex(3);
        HistoryPanel *journal = page.journal();
        QTableView *view = journal->table();
        QCOMPARE(view->objectName(), QStringLiteral("historyTable"));
        QVERIFY(journal->structureFilter()->isVisible());
        // Newest first, in sentences naming people and structures.
        QCOMPARE(view->model()->index(0, 2).data().toString(), QStringLiteral("Boulangerie Pétrin"));
        QVERIFY(rowOf(view, QStringLiteral("designated Léa GARNIER principal manager of Boulangerie Pétrin"))
                < rowOf(view, QStringLiteral("principal manager of Menuiserie Dupont")));
        const int joinery
            = rowOf(view,
                    QStringLiteral("designated Ugo ROUX principal manager of Menuiserie Dupont, "
                                   "succeeding Claire DUBOIS."));
        QVERIFY(joinery > 0);
        QVERIFY(rowOf(view, QStringLiteral("Boulangerie Pétrin")) >= 0);
        QCOMPARE(rowOf(view, QStringLiteral("transferPrincipal")), -1);
        journal->structureFilter()->setCurrentIndex(journal->structureFilter()->findData(w.bakery));
        journal->kindFilter()->setCurrentIndex(journal->kindFilter()->findData(int(AuditFamily::Attachment)));
        QVERIFY(view->model()->rowCount() >= 1);
        QCOMPARE(rowOf(view, QStringLiteral("Menuiserie Dupont")), -1);
        const int shown = view->model()->rowCount();
        // The person filter lists who appears in that structure's history.
        QVERIFY(journal->personFilter()->findData(w.lea) > 0);
        QCOMPARE(journal->personFilter()->findData(w.claire), -1);
        // Dates: a window before today shows nothing.
        journal->toDate()->setDate(w.clock.today().addDays(-10));
        journal->fromDate()->setDate(w.clock.today().addDays(-20));
        journal->datesFilter()->setChecked(true);
        QCOMPARE(view->model()->rowCount(), 0);
        QCOMPARE(shownEmptyText(view), QStringLiteral("Nothing is recorded with these filters."));
        journal->datesFilter()->setChecked(false);
        QCOMPARE(view->model()->rowCount(), shown);

        QTemporaryDir dir;
        const QString path = dir.filePath(QStringLiteral("log.csv"));
        Dialogs::queuePath(path);
        QTest::mouseClick(journal->exportButton(), Qt::LeftButton);
        QFile file(path);
        QVERIFY(file.open(QIODevice::ReadOnly));
        const QStringList lines
            = QString::fromUtf8(file.readAll()).split(QLatin1Char('\n'), Qt::SkipEmptyParts);
        QCOMPARE(lines.size(), shown + 1); // header + the filtered entries
        QVERIFY(lines.at(0).startsWith(QStringLiteral("When,Who,Structure,Kind of action,What happened")));
        QVERIFY2(lines.at(1).contains(QStringLiteral("Boulangerie Pétrin")), qPrintable(lines.at(1)));
        QVERIFY(!lines.at(1).contains(QStringLiteral("transferPrincipal")));
    }
};

QTEST_MAIN(TestSupportPage)
#include "tst_supportpage.moc"
