#include "commands/commandargs.h"
#include "fixtures.h"
#include "rules/accounts/passwords.h"
#include "rules/manager/manageractivity.h"
#include "rules/spaces/spaces.h"
#include "translations/translations.h"
#include "ui/manager/attachtostructuresdialog.h"
#include "ui/manager/bulksubscriptiondialog.h"
#include "ui/manager/manageractivitypage.h"
#include "ui/subscriptions/subscriptionssection.h"
#include "ui/widgets/dialogs.h"
#include "ui/widgets/messagebar.h"
#include "ui/widgets/usersearchdialog.h"
#include "uitestsupport.h"

#include <QCheckBox>
#include <QComboBox>
#include <QDateEdit>
#include <QDir>
#include <QFile>
#include <QLabel>
#include <QLineEdit>
#include <QListWidget>
#include <QPushButton>
#include <QSettings>
#include <QTabWidget>
#include <QTemporaryDir>
#include <QTest>

using namespace guichet;
using namespace guichet::test;

// The manager's tools of « Activité du gestionnaire »'s users tab: export the
// users with their rights, attach one user to several structures, subscribe
// users in bulk. Clicked through as a manager would.
class TestManagerTools : public QObject
{
    Q_OBJECT

private:
    // Claire is principal of S (Menuiserie Dupont) and of A (Atelier Dubois);
    // T (Boulangerie Tiers) is Tess's. Ugo is a simple user of S; Bruno is
    // active and attached nowhere.
    struct World : UiWorld
    {
        qint64 claire = 0, tess = 0, ugo = 0, bruno = 0, s = 0, a = 0, t2 = 0;
        bool init()
        {
            if (!isValid())
                return false;
            Dialogs::clear();
            PasswordHasher::setFastHashingForTests(true);
            claire = createUser(QStringLiteral("claire@example.org"), QStringLiteral("Claire"),
                                QStringLiteral("Dubois"));
            tess = createUser(QStringLiteral("tess@example.org"), QStringLiteral("Tess"),
                              QStringLiteral("Tiers"));
            ugo = createUser(QStringLiteral("ugo@example.org"), QStringLiteral("Ugo"),
                             QStringLiteral("Roux"));
            bruno = createUser(QStringLiteral("bruno@example.org"), QStringLiteral("Bruno"),
                               QStringLiteral("Blanc"));
            s = insertStructure(db(), validSiret(1), QStringLiteral("Menuiserie Dupont"));
            a = insertStructure(db(), validSiret(2), QStringLiteral("Atelier Dubois"));
            t2 = insertStructure(db(), validSiret(3), QStringLiteral("Boulangerie Tiers"));
            insertAttachment(db(), claire, s, QStringLiteral("principal"));
            insertAttachment(db(), claire, a, QStringLiteral("principal"));
            insertAttachment(db(), tess, t2, QStringLiteral("principal"));
            insertAttachment(db(), ugo, s, QStringLiteral("user"));
            return signIn(QStringLiteral("claire@example.org"));
        }
        int count(const QString &sql, const QVariantList &args = {}) { return db().value(sql, args).toInt(); }
        QString snapshot()
        {
            QStringList parts;
            for (const QString &table : { QStringLiteral("attachments"), QStringLiteral("subscriptions"),
                                          QStringLiteral("audit_log"), QStringLiteral("mail_outbox") })
                parts << db().value(QStringLiteral("SELECT COUNT(*) FROM %1").arg(table)).toString();
            return parts.join(QLatin1Char('/'));
        }
    };

    static void check(QListWidget *list, const QString &text)
    {
        for (int i = 0; i < list->count(); ++i) {
            if (list->item(i)->text().contains(text))
                list->item(i)->setCheckState(Qt::Checked);
        }
    }

    // The raisons sociales of the checked structures, in the list's order.
    static QStringList checked(QListWidget *list)
    {
        QStringList result;
        for (int i = 0; i < list->count(); ++i) {
            if (list->item(i)->checkState() == Qt::Checked)
                result << list->item(i)->text().section(QStringLiteral(" ("), 0, 0);
        }
        return result;
    }

    static QStringList texts(QListWidget *list)
    {
        QStringList result;
        for (int i = 0; i < list->count(); ++i)
            result << list->item(i)->text();
        return result;
    }

    // In French when GUICHET_GRAB_DIR is set, a dialog at its size and a page
    // at 1024×768: for looking at them.
    static void grabIfAsked(QWidget *widget, const QString &name)
    {
        const QString dir = qEnvironmentVariable("GUICHET_GRAB_DIR");
        if (dir.isEmpty())
            return;
        if (qobject_cast<QDialog *>(widget))
            widget->adjustSize();
        else
            widget->resize(1024, 768);
        QCoreApplication::processEvents();
        widget->grab().save(QDir(dir).filePath(name + QStringLiteral(".png")));
    }

private slots:
    void initTestCase()
    {
        if (!qEnvironmentVariableIsEmpty("GUICHET_GRAB_DIR")) {
            QLocale::setDefault(QLocale(QLocale::French, QLocale::France));
            installTranslations(QLocale(QLocale::French, QLocale::France));
        }
    }

    // « Exporter… »: a file chosen in a dialog that opens where the last
    // export went; the file holds the users with their rights.
    void exportWritesTheUsersAndRemembersTheFolder()
    {
        World w;
        QVERIFY(w.init());
        QTemporaryDir dir;
        QSettings().setValue(ManagerActivityPage::exportFolderKey(), dir.path());
        ManagerActivityPage page(*w.session);
        page.show();
        // Claire manages two structures: the page opens on « All my structures ».
        page.structureChooser()->setCurrentIndex(page.structureChooser()->findData(w.s));
        page.tabs()->setCurrentIndex(1);
        QPushButton *exportButton = page.button(QStringLiteral("exportUsers"));
        QVERIFY(exportButton && exportButton->isEnabled());
        QTemporaryDir other;
        const QString path = QDir(other.path()).filePath(QStringLiteral("droits.csv"));
        Dialogs::queuePath(path);
        QTest::mouseClick(exportButton, Qt::LeftButton);
        QVERIFY2(Dialogs::lastStartPath().startsWith(dir.path()), qPrintable(Dialogs::lastStartPath()));
        QFile file(path);
        QVERIFY(file.open(QIODevice::ReadOnly));
        const QString text = QString::fromUtf8(file.readAll());
        QVERIFY2(text.contains(QLatin1String("Ugo Roux;ugo@example.org;Simple user;Whole structure")),
                 qPrintable(text));
        QVERIFY(text.contains(QLatin1String("Claire Dubois;claire@example.org;Principal manager")));
        QVERIFY2(page.messageBar()->text().contains(path), qPrintable(page.messageBar()->text()));
        // The next export opens in the folder this one went to.
        QCOMPARE(QSettings().value(ManagerActivityPage::exportFolderKey()).toString(), other.path());
        Dialogs::queuePath(QString()); // cancelled: nothing written
        QTest::mouseClick(exportButton, Qt::LeftButton);
        QVERIFY2(Dialogs::lastStartPath().startsWith(other.path()), qPrintable(Dialogs::lastStartPath()));
    }

    void attachToSeveralStructuresFromThePage()
    {
        World w;
        QVERIFY(w.init());
        ManagerActivityPage page(*w.session);
        page.show();
        // Claire manages two structures: the page opens on « All my structures ».
        page.structureChooser()->setCurrentIndex(page.structureChooser()->findData(w.s));
        page.tabs()->setCurrentIndex(1);
        Dialogs::queueDialogHook([](QDialog *dialog) {
            auto *search = qobject_cast<UserSearchDialog *>(dialog);
            if (!search)
                return int(QDialog::Rejected);
            QTest::keyClicks(search->queryEdit(), QStringLiteral("bruno"));
            QTest::keyClick(search->queryEdit(), Qt::Key_Return);
            return search->selectedUserId() ? int(QDialog::Accepted) : int(QDialog::Rejected);
        });
        QStringList listed;
        Dialogs::queueDialogHook([&](QDialog *dialog) {
            auto *attach = qobject_cast<AttachToStructuresDialog *>(dialog);
            if (!attach)
                return int(QDialog::Rejected);
            listed = texts(attach->structuresList());
            check(attach->structuresList(), QStringLiteral("Atelier Dubois"));
            QTest::mouseClick(attach->attachButton(), Qt::LeftButton);
            return attach->result();
        });
        QTest::mouseClick(page.button(QStringLiteral("attachToStructures")), Qt::LeftButton);
        // Only Claire's structures are offered; Tess's is not.
        QCOMPARE(listed.size(), 2);
        QVERIFY(!listed.join(QLatin1Char(' ')).contains(QLatin1String("Boulangerie")));
        QCOMPARE(w.count(QStringLiteral("SELECT COUNT(*) FROM attachments WHERE user_id = ? AND status = "
                                        "'validated' AND structure_id IN (?, ?)"),
                         { w.bruno, w.s, w.a }),
                 2);
        QVERIFY2(page.messageBar()->text().contains(QLatin1String("was attached to 2 structure(s)")),
                 qPrintable(page.messageBar()->text()));
    }

    // A refusal names the structure and attaches nowhere; the dialog stays
    // open with the boxes as they were.
    void attachToStructuresRefusalChangesNothing()
    {
        World w;
        QVERIFY(w.init());
        ManagedStructure tiers;
        tiers.id = w.t2;
        tiers.siret = validSiret(3);
        tiers.raisonSociale = QStringLiteral("Boulangerie Tiers");
        tiers.canManage = true; // as a stale list would have it: core decides
        QList<ManagedStructure> structures = ManagerActivity(*w.core).managedStructures(w.claire);
        structures.append(tiers);
        AttachToStructuresDialog dialog(*w.session, w.bruno, QStringLiteral("Bruno Blanc"), structures, w.s);
        dialog.show();
        grabIfAsked(&dialog, QStringLiteral("attachtostructuresdialog"));
        const QString before = w.snapshot();
        check(dialog.structuresList(), QStringLiteral("Boulangerie Tiers"));
        QTest::mouseClick(dialog.attachButton(), Qt::LeftButton);
        QVERIFY2(dialog.errorText().contains(QLatin1String("Boulangerie Tiers")),
                 qPrintable(dialog.errorText()));
        QVERIFY(dialog.isVisible());
        // The current structure (checked when the dialog opened) and Boulangerie Tiers stay checked.
        QCOMPARE(checked(dialog.structuresList()),
                 (QStringList { QStringLiteral("Menuiserie Dupont"), QStringLiteral("Boulangerie Tiers") }));
        // An end before the start: the end date is named.
        for (int i = 0; i < dialog.structuresList()->count(); ++i) {
            if (dialog.structuresList()->item(i)->text().contains(QLatin1String("Boulangerie")))
                dialog.structuresList()->item(i)->setCheckState(Qt::Unchecked);
        }
        dialog.untilBox()->setChecked(true);
        dialog.untilEdit()->setDate(dialog.fromEdit()->date().addDays(-1));
        QTest::mouseClick(dialog.attachButton(), Qt::LeftButton);
        QVERIFY2(dialog.errorText().contains(QLatin1String("end of validity")),
                 qPrintable(dialog.errorText()));
        // Nothing checked.
        for (int i = 0; i < dialog.structuresList()->count(); ++i)
            dialog.structuresList()->item(i)->setCheckState(Qt::Unchecked);
        QTest::mouseClick(dialog.attachButton(), Qt::LeftButton);
        QVERIFY2(dialog.errorText().contains(QLatin1String("structure")), qPrintable(dialog.errorText()));
        QCOMPARE(w.snapshot(), before);
        QCOMPARE(dialog.result(), int(QDialog::Rejected));
    }

    // Services per structure: the list shows the services of the structure
    // selected; Bruno is attached to S's « Atelier » only and to A whole. A
    // service of a structure left unchecked is not sent.
    void attachToStructuresWithServicesPerStructure()
    {
        World w;
        QVERIFY(w.init());
        const qint64 atelier = insertService(w.db(), w.s, QStringLiteral("AT"), QStringLiteral("Atelier"));
        insertService(w.db(), w.s, QStringLiteral("BU"), QStringLiteral("Bureau"));
        const qint64 closed = insertService(w.db(), w.s, QStringLiteral("OLD"), QStringLiteral("Ancien"));
        w.db().exec(QStringLiteral("UPDATE services SET active = 0 WHERE id = ?"), { closed });
        const qint64 forge = insertService(w.db(), w.a, QStringLiteral("FO"), QStringLiteral("Forge"));
        const QList<ManagedStructure> structures = ManagerActivity(*w.core).managedStructures(w.claire);
        AttachToStructuresDialog dialog(*w.session, w.bruno, QStringLiteral("Bruno Blanc"), structures, w.s);
        dialog.show();
        grabIfAsked(&dialog, QStringLiteral("attachtostructuresdialog-services"));
        // S, checked when the dialog opened, is the one selected: its active services.
        QCOMPARE(texts(dialog.servicesList()),
                 (QStringList { QStringLiteral("Atelier"), QStringLiteral("Bureau") }));
        check(dialog.servicesList(), QStringLiteral("Atelier"));
        // On A, a service is checked, then A is left unchecked: Forge is not sent.
        for (int i = 0; i < dialog.structuresList()->count(); ++i) {
            if (dialog.structuresList()->item(i)->text().contains(QLatin1String("Atelier Dubois")))
                dialog.structuresList()->setCurrentRow(i);
        }
        QCOMPARE(texts(dialog.servicesList()), QStringList { QStringLiteral("Forge") });
        check(dialog.servicesList(), QStringLiteral("Forge"));
        // Back on S: its choice was kept.
        for (int i = 0; i < dialog.structuresList()->count(); ++i) {
            if (dialog.structuresList()->item(i)->text().contains(QLatin1String("Menuiserie")))
                dialog.structuresList()->setCurrentRow(i);
        }
        QCOMPARE(checked(dialog.servicesList()), QStringList { QStringLiteral("Atelier") });
        QTest::mouseClick(dialog.attachButton(), Qt::LeftButton);
        QCOMPARE(dialog.result(), int(QDialog::Accepted));
        QCOMPARE(
            w.count(QStringLiteral("SELECT COUNT(*) FROM attachments WHERE user_id = ? AND structure_id = ? "
                                   "AND status = 'validated' AND whole_structure = 0"),
                    { w.bruno, w.s }),
            1);
        QCOMPARE(
            w.count(QStringLiteral("SELECT COUNT(*) FROM attachment_services x JOIN attachments a ON a.id = "
                                   "x.attachment_id WHERE a.user_id = ? AND x.service_id = ?"),
                    { w.bruno, atelier }),
            1);
        QCOMPARE(
            w.count(QStringLiteral("SELECT COUNT(*) FROM attachments WHERE user_id = ? AND structure_id = ?"),
                    { w.bruno, w.a }),
            0);
        QCOMPARE(w.count(QStringLiteral("SELECT COUNT(*) FROM attachment_services WHERE service_id = ?"),
                         { forge }),
                 0);
    }

    // A refused service is named in the dialog, which stays open; nothing attached.
    void attachToStructuresServiceRefusalNamesTheStructure()
    {
        World w;
        QVERIFY(w.init());
        const qint64 atelier = insertService(w.db(), w.s, QStringLiteral("AT"), QStringLiteral("Atelier"));
        const QList<ManagedStructure> structures = ManagerActivity(*w.core).managedStructures(w.claire);
        AttachToStructuresDialog dialog(*w.session, w.bruno, QStringLiteral("Bruno Blanc"), structures, w.s);
        dialog.show();
        check(dialog.servicesList(), QStringLiteral("Atelier"));
        // Closed meanwhile, as another manager could do.
        w.db().exec(QStringLiteral("UPDATE services SET active = 0 WHERE id = ?"), { atelier });
        const QString before = w.snapshot();
        QTest::mouseClick(dialog.attachButton(), Qt::LeftButton);
        QVERIFY(dialog.isVisible());
        QVERIFY2(dialog.errorText().contains(QLatin1String("Menuiserie Dupont")),
                 qPrintable(dialog.errorText()));
        QCOMPARE(w.snapshot(), before);
    }

    void bulkSubscriptionFromThePage()
    {
        World w;
        QVERIFY(w.init());
        ManagerActivityPage page(*w.session);
        page.show();
        // Claire manages two structures: the page opens on « All my structures ».
        page.structureChooser()->setCurrentIndex(page.structureChooser()->findData(w.s));
        page.tabs()->setCurrentIndex(1);
        QPushButton *bulk = page.button(QStringLiteral("bulkSubscribe"));
        QVERIFY(bulk && bulk->isEnabled());
        QStringList listed;
        Dialogs::queueDialogHook([&](QDialog *dialog) {
            auto *d = qobject_cast<BulkSubscriptionDialog *>(dialog);
            if (!d)
                return int(QDialog::Rejected);
            listed = texts(d->usersList());
            d->allBox()->setChecked(true);
            d->spaceBox()->setCurrentIndex(d->spaceBox()->findData(QStringLiteral("factures_emises")));
            d->consultationBox()->setChecked(true);
            QTest::mouseClick(d->subscribeButton(), Qt::LeftButton);
            return d->result();
        });
        QTest::mouseClick(bulk, Qt::LeftButton);
        QCOMPARE(listed.size(), 2); // Claire and Ugo
        const QString rows = QStringLiteral("SELECT COUNT(*) FROM subscriptions x JOIN spaces sp ON sp.id = "
                                            "x.space_id WHERE x.user_id = ? AND "
                                            "sp.code = 'factures_emises' AND x.status = 'validated'");
        QCOMPARE(w.count(rows, { w.ugo }), 2);
        QCOMPARE(w.count(rows, { w.claire }), 2);
        QVERIFY2(page.messageBar()->text().contains(QLatin1String("4 subscription(s) added for 2 user(s)")),
                 qPrintable(page.messageBar()->text()));
    }

    void bulkSubscriptionRefusalNamesTheField()
    {
        World w;
        QVERIFY(w.init());
        BulkSubscriptionDialog dialog(*w.session, w.s, QStringLiteral("Menuiserie Dupont"),
                                      ManagerActivity(*w.core).structureUsers(w.s));
        dialog.show();
        grabIfAsked(&dialog, QStringLiteral("bulksubscriptiondialog"));
        const QString before = w.snapshot();
        // No user checked.
        QTest::mouseClick(dialog.subscribeButton(), Qt::LeftButton);
        QVERIFY2(dialog.errorText().contains(QLatin1String("user")), qPrintable(dialog.errorText()));
        // No mode ticked.
        check(dialog.usersList(), QStringLiteral("Ugo"));
        dialog.modificationBox()->setChecked(false);
        QTest::mouseClick(dialog.subscribeButton(), Qt::LeftButton);
        QVERIFY2(dialog.errorText().contains(QLatin1String("modification")), qPrintable(dialog.errorText()));
        QVERIFY(dialog.isVisible());
        QCOMPARE(w.snapshot(), before);
        QCOMPARE(dialog.result(), int(QDialog::Rejected));
    }

    // The manager lets S's users add « Factures émises » themselves; Ugo's
    // subscriptions section says so, and no longer once it is withdrawn.
    void selfServiceInvoicesFromThePageToTheUsersSection()
    {
        World w;
        QVERIFY(w.init());
        const QString code = QStringLiteral("factures_emises");
        {
            ManagerActivityPage page(*w.session);
            page.show();
            page.structureChooser()->setCurrentIndex(page.structureChooser()->findData(w.s));
            page.tabs()->setCurrentIndex(2);
            QCheckBox *box = page.selfServiceBox();
            QVERIFY(box->isEnabled());
            QVERIFY(!box->isChecked());
            QTest::mouseClick(box, Qt::LeftButton);
            QVERIFY(box->isChecked());
            QVERIFY(Spaces(*w.core).isSelfService(w.s, code));
            QVERIFY(!Spaces(*w.core).isSelfService(w.a, code));
            grabIfAsked(&page, QStringLiteral("structuretab"));
        }
        QVERIFY(w.signIn(QStringLiteral("ugo@example.org")));
        SubscriptionsSection section(*w.session);
        section.show();
        QVERIFY2(section.selfServiceNotice().contains(QLatin1String("Menuiserie Dupont")),
                 qPrintable(section.selfServiceNotice()));
        grabIfAsked(&section, QStringLiteral("subscriptionssection"));
        // Ugo's request is validated at once, through the same gateway as the form.
        SubscriptionRequest request;
        request.structureId = w.s;
        request.spaceCode = code;
        request.lines = { { 0, false, true } };
        request.effectiveDate = w.clock.today();
        CommandResult answer;
        w.session->gateway.send(commands::requestSubscription(request),
                                [&](const CommandResult &r) { answer = r; });
        QVERIFY2(answer.ok(), qPrintable(answer.message));
        QCOMPARE(answer.data.value(QStringLiteral("statuses")).toList().value(0).toString(),
                 QStringLiteral("validated"));

        // Withdrawn by Claire: the notice goes.
        QVERIFY(Spaces(*w.core).setSelfServiceSpace(w.claire, w.s, code, false).ok());
        section.reload();
        QVERIFY(section.selfServiceNotice().isEmpty());
    }
};

QTEST_MAIN(TestManagerTools)
#include "tst_managertools.moc"
