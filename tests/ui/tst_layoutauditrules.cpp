#include "ui/tour/layoutaudit.h"
#include "ui/tour/untranslatedmarker.h"
#include "ui/widgets/icons.h"
#include "ui/widgets/recordtable.h"
#include "ui/widgets/taborder.h"

#include <QDialog>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QStandardItemModel>
#include <QTableView>
#include <QTest>
#include <QVBoxLayout>

using namespace guichet;

namespace {

QStringList findingsOf(LayoutFinding::Kind kind, QWidget *window)
{
    window->show();
    QStringList found;
    for (const LayoutFinding &finding : auditLayout(QStringLiteral("test"), window, {}))
        if (finding.kind == kind)
            found << finding.widget;
    return found;
}

QStringList unnamed(QWidget *window)
{
    window->show();
    QStringList found;
    for (const LayoutFinding &finding : auditLayout(QStringLiteral("test"), window, {}))
        if (finding.kind == LayoutFinding::Kind::Unnamed)
            found << finding.widget;
    return found;
}

} // namespace

// The layout audit's rules on small windows made to break them, so that
// tst_layoutaudit's count of findings can be trusted to go up.
class TestLayoutAuditRules : public QObject
{
    Q_OBJECT

private slots:
    // English run: French UI text is reported; a mail in its recipient's language
    // (recipientLanguageProperty) is not, but its view's headers still are.
    void frenchTextIsReportedExceptInARecipientsMail()
    {
        UntranslatedMarker marker(UntranslatedMarker::Mode::FlagFrench);
        marker.addFrenchTexts({ QStringLiteral("Votre demande a été validée"), QStringLiteral("Objet") });
        LayoutAuditOptions options;
        options.marker = &marker;
        const auto otherLanguage = [&](QWidget *window) {
            window->resize(500, 300);
            window->show();
            QStringList found;
            for (const LayoutFinding &finding : auditLayout(QStringLiteral("test"), window, options))
                if (finding.kind == LayoutFinding::Kind::OtherLanguage)
                    found << finding.text;
            return found;
        };
        QStandardItemModel mails(1, 1);
        mails.setHorizontalHeaderLabels({ QStringLiteral("Subject") });
        mails.setItem(0, 0, new QStandardItem(QStringLiteral("Votre demande a été validée")));
        QDialog ui;
        auto *uiTable = new QTableView(&ui);
        uiTable->setAccessibleName(QStringLiteral("Mails"));
        uiTable->setModel(&mails);
        (new QVBoxLayout(&ui))->addWidget(uiTable);
        QCOMPARE(otherLanguage(&ui).size(), 1);

        uiTable->setProperty(recipientLanguageProperty, true);
        QVERIFY(otherLanguage(&ui).isEmpty());
        mails.setHorizontalHeaderLabels({ QStringLiteral("Objet") });
        QCOMPARE(otherLanguage(&ui), QStringList { QStringLiteral("« Objet »") });
    }

    void aControlWithoutAnyNameIsReported()
    {
        QDialog dialog;
        auto *layout = new QVBoxLayout(&dialog);
        auto *bare = new QLineEdit(&dialog);
        bare->setObjectName(QStringLiteral("bare"));
        auto *magnifier = new QPushButton(themedIcon(QStringLiteral("edit-find")), QString(), &dialog);
        magnifier->setObjectName(QStringLiteral("iconOnly"));
        layout->addWidget(bare);
        layout->addWidget(magnifier);
        const QStringList found = unnamed(&dialog);
        QCOMPARE(found.size(), 2);
        QVERIFY(found.join(QLatin1Char(' ')).contains(QStringLiteral("bare")));
        QVERIFY(found.join(QLatin1Char(' ')).contains(QStringLiteral("iconOnly")));
    }

    void aLabelAnAccessibleNameOrATextNamesAControl()
    {
        QDialog dialog;
        auto *form = new QFormLayout(&dialog);
        form->addRow(QStringLiteral("&City:"), new QLineEdit(&dialog)); // the label's buddy
        auto *named = new QLineEdit(&dialog);
        named->setAccessibleName(QStringLiteral("Postal code"));
        form->addRow(named);
        form->addRow(new QPushButton(QStringLiteral("&Search"), &dialog));
        QVERIFY2(unnamed(&dialog).isEmpty(), qPrintable(unnamed(&dialog).join(QLatin1Char('\n'))));
    }

    // A table built before its filter field and its buttons: Tab goes from the
    // buttons back up to the filter. setReadingTabOrder puts the chain in the
    // layout's order, and the audit is then quiet.
    void tabOrderFollowsTheReadingOrder()
    {
        QDialog dialog;
        auto *name = new QLineEdit(&dialog);
        name->setObjectName(QStringLiteral("name"));
        name->setAccessibleName(QStringLiteral("Name"));
        auto *table = new QTableView(&dialog);
        table->setObjectName(QStringLiteral("table"));
        table->setAccessibleName(QStringLiteral("Rows"));
        auto *remove = new QPushButton(QStringLiteral("&Remove"), &dialog);
        remove->setObjectName(QStringLiteral("remove"));
        auto *add = new QPushButton(QStringLiteral("&Add"), &dialog);
        add->setObjectName(QStringLiteral("add"));
        auto *filter = new QLineEdit(&dialog);
        filter->setObjectName(QStringLiteral("filter"));
        filter->setAccessibleName(QStringLiteral("Filter"));
        auto *layout = new QVBoxLayout(&dialog);
        layout->addWidget(name);
        layout->addWidget(filter);
        layout->addWidget(table);
        auto *row = new QHBoxLayout;
        row->addWidget(add);
        row->addWidget(remove);
        layout->addLayout(row);
        dialog.resize(400, 300);

        // remove → add goes left, add → filter goes up; the wrap back to the
        // name field, the first control read, is the ring closing.
        QCOMPARE(findingsOf(LayoutFinding::Kind::TabOrder, &dialog),
                 (QStringList { QStringLiteral("add (QPushButton)"), QStringLiteral("filter (QLineEdit)") }));

        setReadingTabOrder(&dialog);
        const QStringList after = findingsOf(LayoutFinding::Kind::TabOrder, &dialog);
        QVERIFY2(after.isEmpty(), qPrintable(after.join(QLatin1Char('\n'))));
        const auto nextTabStop = [](QWidget *w) {
            do
                w = w->nextInFocusChain();
            while (!(w->focusPolicy() & Qt::TabFocus));
            return w;
        };
        QCOMPARE(nextTabStop(name), filter);
        QCOMPARE(nextTabStop(filter), table);
        QCOMPARE(nextTabStop(table), add);
        QCOMPARE(nextTabStop(add), remove);
        QCOMPARE(nextTabStop(remove), name);
    }

    // A column title cut by its section (« Type d'identifian ») or by the view's
    // right edge is reported, as is a free-text column the user must scroll to.
    void cutHeadersAndColumnsPastTheViewAreReported()
    {
        QDialog dialog;
        dialog.setFixedSize(400, 200);
        auto *layout = new QVBoxLayout(&dialog);
        QStandardItemModel model(1, 3);
        model.setHorizontalHeaderLabels({ QStringLiteral("Identifier"),
                                          QStringLiteral("A rather long column title"),
                                          QStringLiteral("Notes") });
        model.setItem(0, 0, new QStandardItem(QStringLiteral("1")));
        model.setItem(0, 1, new QStandardItem(QStringLiteral("x")));
        model.setItem(0, 2, new QStandardItem(QStringLiteral("short")));
        auto *view = new QTableView(&dialog);
        view->setObjectName(QStringLiteral("table"));
        view->setModel(&model);
        layout->addWidget(view);
        dialog.show();
        QVERIFY(QTest::qWaitForWindowExposed(&dialog));
        view->setColumnWidth(0, 100);
        view->setColumnWidth(1, 40); // its title needs far more
        view->setColumnWidth(2, 100);
        QStringList headers = findingsOf(LayoutFinding::Kind::CutHeader, &dialog);
        QCOMPARE(headers.size(), 1);

        // Now the third column starts past the view's right edge: its title and
        // its cell are cut, although the cell's text is in its tooltip.
        view->setColumnWidth(1, 250);
        headers = findingsOf(LayoutFinding::Kind::CutHeader, &dialog);
        QCOMPARE(headers.size(), 1);
        QCOMPARE(findingsOf(LayoutFinding::Kind::CutTextCell, &dialog).size(), 1);

        // Fitted by the desktop's policy, nothing is cut.
        fitColumns(view);
        QTRY_VERIFY(findingsOf(LayoutFinding::Kind::CutHeader, &dialog).isEmpty());
        QVERIFY(findingsOf(LayoutFinding::Kind::CutTextCell, &dialog).isEmpty());
    }

    void disabledControlsAreNotReported()
    {
        QDialog dialog;
        auto *layout = new QVBoxLayout(&dialog);
        auto *bare = new QLineEdit(&dialog);
        bare->setEnabled(false);
        layout->addWidget(bare);
        QVERIFY(unnamed(&dialog).isEmpty());
    }
};

QTEST_MAIN(TestLayoutAuditRules)
#include "tst_layoutauditrules.moc"
