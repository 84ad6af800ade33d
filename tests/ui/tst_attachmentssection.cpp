#include "fixtures.h"
#include "models/attachmentmodel.h"
#include "models/structuresearchmodel.h"
#include "ui/account/successordialog.h"
#include "ui/attachments/attachmentrequestdialog.h"
#include "ui/attachments/attachmentssection.h"
#include "ui/attachments/structurecreatedialog.h"
#include "ui/attachments/structuresearchdialog.h"
#include "ui/widgets/dialogs.h"
#include "ui/widgets/messagebar.h"
#include "ui/widgets/recordtable.h"
#include "ui/widgets/usersearchdialog.h"
#include "uitestsupport.h"

#include <QCheckBox>
#include <QDateEdit>
#include <QHeaderView>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QSortFilterProxyModel>
#include <QTableView>
#include <QTest>

using namespace guichet;
using namespace guichet::test;

namespace {

// Clicks the checkbox of a cell where a user clicks it: on its indicator.
void clickCheck(QAbstractItemView *view, const QModelIndex &index)
{
    view->scrollTo(index);
    QStyleOptionViewItem option;
    option.initFrom(view->viewport());
    option.rect = view->visualRect(index);
    option.features |= QStyleOptionViewItem::HasCheckIndicator;
    const QRect indicator
        = view->style()->subElementRect(QStyle::SE_ItemViewItemCheckIndicator, &option, view);
    QTest::mouseClick(view->viewport(), Qt::LeftButton, {}, indicator.center());
}

void clickRow(QAbstractItemView *view, int row, int column = 1)
{
    const QModelIndex index = view->model()->index(row, column);
    view->scrollTo(index);
    QTest::mouseClick(view->viewport(), Qt::LeftButton, {}, view->visualRect(index).center());
}

// The text a user reads in a cell of the section's table, found by structure.
QString cell(AttachmentsSection &section, const QString &raisonSociale, int column)
{
    QAbstractItemModel *model = section.view()->model();
    for (int row = 0; row < model->rowCount(); ++row) {
        if (model->index(row, 3).data().toString() == raisonSociale)
            return model->index(row, column).data().toString();
    }
    return {};
}

int rowOf(AttachmentsSection &section, const QString &raisonSociale)
{
    QAbstractItemModel *model = section.view()->model();
    for (int row = 0; row < model->rowCount(); ++row) {
        if (model->index(row, 3).data().toString() == raisonSociale)
            return row;
    }
    return -1;
}

} // namespace

// « Mes rattachements aux structures », driven as a user would.
class TestAttachmentsSection : public QObject
{
    Q_OBJECT

private:
    struct World : UiWorld
    {
        qint64 alice = 0, bruno = 0, menuiserie = 0, boulangerie = 0, atelier = 0;
        bool init()
        {
            if (!isValid())
                return false;
            alice = createUser(QStringLiteral("alice@example.org"), QStringLiteral("Alice"),
                               QStringLiteral("Martin"));
            bruno = createUser(QStringLiteral("bruno@example.org"), QStringLiteral("Bruno"),
                               QStringLiteral("Lefèvre"));
            menuiserie = insertStructure(db(), validSiret(1), QStringLiteral("Menuiserie Dupont"));
            boulangerie = insertStructure(db(), validSiret(2), QStringLiteral("Boulangerie Martin"));
            atelier = insertService(db(), menuiserie, QStringLiteral("ATL"), QStringLiteral("Atelier"));
            insertAttachment(db(), bruno, menuiserie, QStringLiteral("principal"));
            insertAttachment(db(), bruno, boulangerie, QStringLiteral("principal"));
            clock.set(QDateTime(QDate(2026, 3, 2), QTime(9, 0), Qt::UTC));
            return signIn(QStringLiteral("alice@example.org"));
        }
        int attachmentCount(qint64 user)
        {
            return db()
                .value(QStringLiteral("SELECT COUNT(*) FROM attachments WHERE user_id = ?"), { user })
                .toInt();
        }
        QString role(qint64 user, qint64 structure)
        {
            return db()
                .value(QStringLiteral("SELECT role FROM attachments WHERE user_id = ? AND structure_id = ? "
                                      "AND status = 'validated'"),
                       { user, structure })
                .toString();
        }
    };

    // The next search dialog: searches `pattern` and selects the first hit.
    static void answerSearchAndSelect(const QString &pattern, int *found)
    {
        Dialogs::queueDialogHook([pattern, found](QDialog *dialog) {
            auto *search = qobject_cast<StructureSearchDialog *>(dialog);
            if (!search)
                return int(QDialog::Rejected);
            QTest::keyClicks(search->criterion(QStringLiteral("raisonSociale")), pattern);
            QTest::mouseClick(search->searchButton(), Qt::LeftButton);
            *found = search->model()->rowCount();
            if (*found == 0 || search->selectButton()->isEnabled())
                return int(QDialog::Rejected); // nothing checked yet: must be disabled
            clickCheck(search->resultsView(), search->model()->index(0, 0));
            QTest::mouseClick(search->selectButton(), Qt::LeftButton);
            return search->result();
        });
    }

private slots:
    void theSectionListsTheUsersAttachments()
    {
        World w;
        QVERIFY(w.init());
        insertAttachment(w.db(), w.alice, w.boulangerie, QStringLiteral("user"), QStringLiteral("validated"),
                         QDate(2026, 1, 1), QDate(2026, 12, 31));
        AttachmentsSection section(*w.session);
        section.show();
        QCOMPARE(section.objectName(), QStringLiteral("attachments"));
        QCOMPARE(section.view()->model()->rowCount(), 1);
        QCOMPARE(cell(section, QStringLiteral("Boulangerie Martin"), 1), validSiret(2));
        QCOMPARE(cell(section, QStringLiteral("Boulangerie Martin"), 2), QStringLiteral("SIRET"));
        // Sorted by raison sociale, whatever column the type takes.
        const int sorted = section.view()->horizontalHeader()->sortIndicatorSection();
        QCOMPARE(section.view()->model()->headerData(sorted, Qt::Horizontal).toString(),
                 QStringLiteral("Company name"));
        QCOMPARE(cell(section, QStringLiteral("Boulangerie Martin"), 4), QStringLiteral("User"));
        QCOMPARE(cell(section, QStringLiteral("Boulangerie Martin"), 5), QStringLiteral("Whole structure"));
        QVERIFY(cell(section, QStringLiteral("Boulangerie Martin"), 6).contains(QStringLiteral("2026")));
        QCOMPARE(cell(section, QStringLiteral("Boulangerie Martin"), 7), QStringLiteral("Validated"));
        QVERIFY(shownEmptyText(section.view()).isEmpty());
    }

    void withoutAttachmentTheTableSaysWhatToDo()
    {
        World w;
        QVERIFY(w.init());
        AttachmentsSection section(*w.session);
        section.show();
        QCOMPARE(section.view()->model()->rowCount(), 0);
        QCOMPARE(shownEmptyText(section.view()),
                 QStringLiteral("You are attached to no structure. Request an attachment."));
    }

    void searchSelectAndRequestShowsThePendingRequest()
    {
        World w;
        QVERIFY(w.init());
        AttachmentsSection section(*w.session);
        section.show();
        QCOMPARE(section.view()->model()->rowCount(), 0);
        int found = -1;
        answerSearchAndSelect(QStringLiteral("*menuiserie*"), &found);
        QString shownStructure;
        Dialogs::queueDialogHook([&shownStructure](QDialog *dialog) {
            auto *request = qobject_cast<AttachmentRequestDialog *>(dialog);
            if (!request)
                return int(QDialog::Rejected);
            shownStructure = request->findChild<QLabel *>(QStringLiteral("structure"))->text();
            // Only the workshop, not the whole structure.
            QTest::mouseClick(request->serviceBoxes().first(), Qt::LeftButton, {},
                              QPoint(8, request->serviceBoxes().first()->height() / 2));
            QTest::mouseClick(request->validateButton(), Qt::LeftButton);
            return request->result();
        });
        QTest::mouseClick(section.button(QStringLiteral("requestAttachment")), Qt::LeftButton);

        QCOMPARE(found, 1);
        // The section's message bar says where the request went, no message box.
        QVERIFY2(section.notice().contains(QStringLiteral("principal manager of Menuiserie Dupont")),
                 qPrintable(section.notice()));
        QCOMPARE(section.messageBar()->kind(), MessageBar::Kind::Positive);
        QVERIFY(shownStructure.contains(QStringLiteral("Menuiserie Dupont")));
        QCOMPARE(section.view()->model()->rowCount(), 1);
        QCOMPARE(cell(section, QStringLiteral("Menuiserie Dupont"), 7),
                 QStringLiteral("Awaiting validation"));
        QCOMPARE(cell(section, QStringLiteral("Menuiserie Dupont"), 5), QStringLiteral("Atelier"));
        const auto stored = w.db().row(
            QStringLiteral(
                "SELECT a.status, a.role, a.valid_from, a.whole_structure, x.service_id FROM attachments a "
                "JOIN attachment_services x ON x.attachment_id = a.id WHERE a.user_id = ?"),
            { w.alice });
        QVERIFY(stored);
        QCOMPARE(stored->value(QStringLiteral("status")).toString(), QStringLiteral("pending"));
        QCOMPARE(stored->value(QStringLiteral("role")).toString(), QStringLiteral("user"));
        QCOMPARE(stored->value(QStringLiteral("valid_from")).toString(), QStringLiteral("2026-03-02"));
        QCOMPARE(stored->value(QStringLiteral("whole_structure")).toInt(), 0);
        QCOMPARE(stored->value(QStringLiteral("service_id")).toLongLong(), w.atelier);
    }

    // The bakery's principal left (his account deactivated): the requester is
    // told that support decides, not a principal who is gone.
    void aRequestToAStructureWhosePrincipalLeftSaysSupportDecides()
    {
        World w;
        QVERIFY(w.init());
        w.db().exec(
            QStringLiteral("UPDATE users SET status = 'deactivated', deactivated_at = 0 WHERE id = ?"),
            { w.bruno });
        AttachmentsSection section(*w.session);
        section.show();
        int found = -1;
        answerSearchAndSelect(QStringLiteral("*boulangerie*"), &found);
        Dialogs::queueDialogHook([](QDialog *dialog) {
            auto *request = qobject_cast<AttachmentRequestDialog *>(dialog);
            if (!request)
                return int(QDialog::Rejected);
            QTest::mouseClick(request->validateButton(), Qt::LeftButton);
            return request->result();
        });
        QTest::mouseClick(section.button(QStringLiteral("requestAttachment")), Qt::LeftButton);
        QCOMPARE(found, 1);
        QVERIFY2(section.notice().contains(QStringLiteral("Boulangerie Martin has no principal manager")),
                 qPrintable(section.notice()));
        QVERIFY2(section.notice().contains(QStringLiteral("sent to support")), qPrintable(section.notice()));
        QCOMPARE(
            w.db()
                .value(QStringLiteral("SELECT role FROM attachments WHERE user_id = ? AND structure_id = ?"),
                       { w.alice, w.boulangerie })
                .toString(),
            QStringLiteral("principal"));
    }

    void aRefusedRequestIsShownInRedAndKeepsWhatWasTyped()
    {
        World w;
        QVERIFY(w.init());
        AttachmentsSection section(*w.session);
        section.show();
        const QString before = dataSnapshot(w.db());
        int found = -1;
        answerSearchAndSelect(QStringLiteral("menuiserie dupont"), &found);
        bool stillOpen = false, highlighted = false, keptDate = false;
        QString error;
        Dialogs::queueDialogHook([&](QDialog *dialog) {
            auto *request = qobject_cast<AttachmentRequestDialog *>(dialog);
            if (!request)
                return int(QDialog::Rejected);
            QTest::mouseClick(request->noEndDateBox(), Qt::LeftButton, {},
                              QPoint(8, request->noEndDateBox()->height() / 2));
            request->validFromEdit()->setDate(QDate(2026, 4, 1));
            request->validUntilEdit()->setDate(QDate(2026, 3, 15)); // before the start
            QTest::mouseClick(request->validateButton(), Qt::LeftButton);
            stillOpen = request->isVisible() && request->result() != QDialog::Accepted;
            error = request->errorText();
            highlighted = request->validUntilEdit()->property("invalid").toBool();
            keptDate = request->validUntilEdit()->date() == QDate(2026, 3, 15)
                && request->validFromEdit()->date() == QDate(2026, 4, 1);
            return int(QDialog::Rejected);
        });
        QTest::mouseClick(section.button(QStringLiteral("requestAttachment")), Qt::LeftButton);
        QCOMPARE(found, 1);
        QVERIFY(stillOpen);
        QVERIFY(!error.isEmpty());
        QVERIFY(highlighted);
        QVERIFY(keptDate);
        QCOMPARE(dataSnapshot(w.db()), before);
        QCOMPARE(section.view()->model()->rowCount(), 0);
    }

    void deletingASimpleAttachmentAfterConfirmation()
    {
        World w;
        QVERIFY(w.init());
        insertAttachment(w.db(), w.alice, w.boulangerie, QStringLiteral("user"));
        insertAttachment(w.db(), w.alice, w.menuiserie, QStringLiteral("secondary"));
        AttachmentsSection section(*w.session);
        section.show();
        QCOMPARE(section.view()->model()->rowCount(), 2);
        const QString before = snapshot(w.db());

        // « Annuler »: nothing happens.
        clickRow(section.view(), rowOf(section, QStringLiteral("Boulangerie Martin")));
        Dialogs::queueAnswer(QMessageBox::Cancel);
        QTest::mouseClick(section.button(QStringLiteral("deleteAttachment")), Qt::LeftButton);
        QVERIFY(Dialogs::messages().last().contains(QStringLiteral("Boulangerie Martin")));
        QCOMPARE(snapshot(w.db()), before);

        // The Delete key, then « OK ».
        section.activateWindow();
        QVERIFY(QTest::qWaitForWindowActive(&section));
        section.view()->setFocus();
        clickRow(section.view(), rowOf(section, QStringLiteral("Boulangerie Martin")));
        Dialogs::queueAnswer(QMessageBox::Ok);
        QTest::keyClick(section.view(), Qt::Key_Delete);
        QCOMPARE(section.view()->model()->rowCount(), 1);
        QCOMPARE(rowOf(section, QStringLiteral("Boulangerie Martin")), -1);
        QCOMPARE(w.attachmentCount(w.alice), 1);
        QCOMPARE(section.notice(), QStringLiteral("1 attachment(s) deleted."));

        // The checked ones: the secondary manager's attachment goes entirely.
        clickCheck(section.view(), section.view()->model()->index(0, 0));
        QVERIFY(section.button(QStringLiteral("deleteChecked"))->isEnabled());
        Dialogs::queueAnswer(QMessageBox::Ok);
        QTest::mouseClick(section.button(QStringLiteral("deleteChecked")), Qt::LeftButton);
        QVERIFY(Dialogs::messages().last().contains(QStringLiteral("Menuiserie Dupont")));
        QCOMPARE(section.view()->model()->rowCount(), 0);
        QCOMPARE(w.attachmentCount(w.alice), 0);

        // Nothing ticked: the bar says what to do, nothing is asked.
        const int asked = int(Dialogs::messages().size());
        section.deleteChecked();
        QVERIFY(section.notice().contains(QStringLiteral("Tick the attachments")));
        QCOMPARE(int(Dialogs::messages().size()), asked);
    }

    void aPrincipalWhoCancelsTheSuccessorKeepsEverything()
    {
        World w;
        QVERIFY(w.init());
        const qint64 own = insertStructure(w.db(), validSiret(3), QStringLiteral("Atelier Alice"));
        insertAttachment(w.db(), w.alice, own, QStringLiteral("principal"));
        AttachmentsSection section(*w.session);
        section.show();
        const QString before = snapshot(w.db());
        clickCheck(section.view(),
                   section.view()->model()->index(rowOf(section, QStringLiteral("Atelier Alice")), 0));
        Dialogs::queueAnswer(QMessageBox::Ok);
        bool successorAsked = false;
        Dialogs::queueDialogHook([&successorAsked](QDialog *dialog) {
            successorAsked = qobject_cast<SuccessorDialog *>(dialog) != nullptr;
            return int(QDialog::Rejected);
        });
        QTest::mouseClick(section.button(QStringLiteral("deleteChecked")), Qt::LeftButton);
        QVERIFY(successorAsked);
        QCOMPARE(snapshot(w.db()), before);
        QCOMPARE(cell(section, QStringLiteral("Atelier Alice"), 4), QStringLiteral("Principal manager"));
    }

    void aPrincipalLeavesThroughASuccessorAndStaysAsSimpleUser()
    {
        World w;
        QVERIFY(w.init());
        const qint64 own = insertStructure(w.db(), validSiret(3), QStringLiteral("Atelier Alice"));
        insertAttachment(w.db(), w.alice, own, QStringLiteral("principal"));
        AttachmentsSection section(*w.session);
        section.show();
        clickCheck(section.view(),
                   section.view()->model()->index(rowOf(section, QStringLiteral("Atelier Alice")), 0));
        Dialogs::queueAnswer(QMessageBox::Ok);
        Dialogs::queueDialogHook([](QDialog *dialog) {
            auto *successor = qobject_cast<SuccessorDialog *>(dialog);
            if (!successor)
                return int(QDialog::Rejected);
            Dialogs::queueDialogHook([](QDialog *d) {
                auto *search = qobject_cast<UserSearchDialog *>(d);
                if (!search)
                    return int(QDialog::Rejected);
                QTest::keyClicks(search->queryEdit(), QStringLiteral("bruno"));
                QTest::keyClick(search->queryEdit(), Qt::Key_Return);
                return search->selectedUserId() ? int(QDialog::Accepted) : int(QDialog::Rejected);
            });
            QTest::mouseClick(successor->magnifier(-1), Qt::LeftButton);
            QTest::mouseClick(successor->validateButton(), Qt::LeftButton);
            return successor->result();
        });
        QTest::mouseClick(section.button(QStringLiteral("deleteChecked")), Qt::LeftButton);
        QCOMPARE(w.role(w.bruno, own), QStringLiteral("principal"));
        QCOMPARE(w.role(w.alice, own), QStringLiteral("user"));
        QCOMPARE(cell(section, QStringLiteral("Atelier Alice"), 4), QStringLiteral("User"));
    }

    void consultingAndModifyingTheStructure()
    {
        World w;
        QVERIFY(w.init());
        const qint64 own = insertStructure(w.db(), validSiret(3), QStringLiteral("Atelier Alice"));
        insertAttachment(w.db(), w.alice, own, QStringLiteral("principal"));
        insertAttachment(w.db(), w.alice, w.boulangerie, QStringLiteral("user"));
        AttachmentsSection section(*w.session);
        section.show();

        // A simple user reads the record only.
        bool readOnly = false;
        QString shownName;
        Dialogs::queueDialogHook([&](QDialog *dialog) {
            auto *record = qobject_cast<StructureCreateDialog *>(dialog);
            if (!record)
                return int(QDialog::Rejected);
            shownName = record->field(QStringLiteral("raisonSociale"))->text();
            readOnly = !record->isEditable() && record->field(QStringLiteral("libelle"))->isReadOnly()
                && !record->validateButton();
            return int(QDialog::Rejected);
        });
        clickRow(section.view(), rowOf(section, QStringLiteral("Boulangerie Martin")));
        QTest::mouseClick(section.button(QStringLiteral("consultStructure")), Qt::LeftButton);
        QCOMPARE(shownName, QStringLiteral("Boulangerie Martin"));
        QVERIFY(readOnly);

        // Its principal manager changes it.
        Dialogs::queueDialogHook([](QDialog *dialog) {
            auto *record = qobject_cast<StructureCreateDialog *>(dialog);
            if (!record || !record->isEditable())
                return int(QDialog::Rejected);
            QTest::keyClicks(record->field(QStringLiteral("libelle")), QStringLiteral("Siege social"));
            QTest::keyClicks(record->field(QStringLiteral("ville")), QStringLiteral("Lyon"));
            QTest::mouseClick(record->validateButton(), Qt::LeftButton);
            return record->result();
        });
        clickRow(section.view(), rowOf(section, QStringLiteral("Atelier Alice")));
        QTest::mouseClick(section.button(QStringLiteral("consultStructure")), Qt::LeftButton);
        const auto row
            = w.db().row(QStringLiteral("SELECT libelle, ville FROM structures WHERE id = ?"), { own });
        QCOMPARE(row->value(QStringLiteral("libelle")).toString(), QStringLiteral("Siege social"));
        QCOMPARE(row->value(QStringLiteral("ville")).toString(), QStringLiteral("Lyon"));

        // The request's details.
        clickRow(section.view(), rowOf(section, QStringLiteral("Boulangerie Martin")));
        Dialogs::queueAnswer(QMessageBox::Ok);
        QTest::mouseClick(section.button(QStringLiteral("openRequest")), Qt::LeftButton);
        QVERIFY(Dialogs::messages().last().contains(QStringLiteral("Validated")));
        QVERIFY(Dialogs::messages().last().contains(QStringLiteral("Whole structure")));
    }
};

QTEST_MAIN(TestAttachmentsSection)
#include "tst_attachmentssection.moc"
