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
