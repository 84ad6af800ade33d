#include "ui/shell/desktopapp.h"
#include "ui/shell/preferencesdialog.h"
#include "ui/widgets/dialogs.h"
#include "uitestsupport.h"

#include <QComboBox>
#include <QLocale>
#include <QSettings>
#include <QTest>

using namespace guichet;
using namespace guichet::test;

// Preferences: the interface language, saved in the user's settings and used
// at the next start.
class TestPreferences : public QObject
{
    Q_OBJECT

private:
    // Answers the next preferences dialog by choosing `language` ("" = system).
    static void answerPreferences(const QString &language, int result = QDialog::Accepted)
    {
        Dialogs::queueDialogHook([language, result](QDialog *dialog) {
            auto *preferences = qobject_cast<PreferencesDialog *>(dialog);
            if (!preferences)
                return int(QDialog::Rejected);
            QComboBox *box = preferences->languageBox();
            box->setCurrentIndex(box->findData(language));
            return result;
        });
    }

private slots:
    void dialogSavesTheLanguage()
    {
        UiWorld w;
        GUICHET_REQUIRE_DB(w.t);
        PreferencesDialog dialog;
        QCOMPARE(dialog.languageBox()->currentData().toString(), QString()); // system by default
        dialog.languageBox()->setCurrentIndex(dialog.languageBox()->findData(QStringLiteral("en")));
        QVERIFY(dialog.save());
        QCOMPARE(QSettings().value(QStringLiteral("interface/language")).toString(), QStringLiteral("en"));
        QCOMPARE(PreferencesDialog::savedLanguage(), QStringLiteral("en"));
        QVERIFY(!dialog.save()); // the same choice again: nothing changed
        // A new dialog opens on the saved choice.
        PreferencesDialog again;
        QCOMPARE(again.languageBox()->currentData().toString(), QStringLiteral("en"));
    }

    void interfaceLocaleFollowsCommandLineThenPreferenceThenSystem()
    {
        UiWorld w;
        GUICHET_REQUIRE_DB(w.t);
        // Nothing chosen: the system's.
        QCOMPARE(PreferencesDialog::interfaceLocale(), QLocale::system());
        QSettings().setValue(QStringLiteral("interface/language"), QStringLiteral("fr"));
        QCOMPARE(PreferencesDialog::interfaceLocale().language(), QLocale::French);
        // --language wins over the preference.
        QCOMPARE(PreferencesDialog::interfaceLocale(QStringLiteral("en")).language(), QLocale::English);
        QSettings().setValue(QStringLiteral("interface/language"), QStringLiteral("en"));
        QCOMPARE(PreferencesDialog::interfaceLocale().language(), QLocale::English);
        QCOMPARE(PreferencesDialog::interfaceLocale(QStringLiteral("fr")).language(), QLocale::French);
    }

    void showPreferencesTellsWhenTheLanguageApplies()
    {
        UiWorld w;
        GUICHET_REQUIRE_DB(w.t);
        DesktopApp app(*w.session);

        // Cancelled: nothing saved, nothing said.
        answerPreferences(QStringLiteral("fr"), QDialog::Rejected);
        Dialogs::queueAnswer(QMessageBox::Ok);
        app.showPreferences();
        QCOMPARE(PreferencesDialog::savedLanguage(), QString());
        QVERIFY(Dialogs::messages().isEmpty());

        answerPreferences(QStringLiteral("fr"));
        app.showPreferences();
        QCOMPARE(PreferencesDialog::savedLanguage(), QStringLiteral("fr"));
        QCOMPARE(Dialogs::messages().size(), 1);
        QVERIFY2(Dialogs::messages().last().contains(QLatin1String("next time Guichet starts")),
                 qPrintable(Dialogs::messages().last()));

        // The same language again: no restart notice (an answer is queued so
        // that a wrong notice fails the test instead of waiting for a click).
        answerPreferences(QStringLiteral("fr"));
        Dialogs::queueAnswer(QMessageBox::Ok);
        app.showPreferences();
        QCOMPARE(Dialogs::messages().size(), 1);
    }
};

QTEST_MAIN(TestPreferences)
#include "tst_preferences.moc"
