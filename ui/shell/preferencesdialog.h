#pragma once

#include <QDialog>

class QComboBox;
class QSpinBox;

namespace guichet {

// Preferences: the interface language (the system's by default) and after how
// many days the manager's pending requests are flagged.
class PreferencesDialog : public QDialog
{
    Q_OBJECT

public:
    explicit PreferencesDialog(QWidget *parent = nullptr);

    QComboBox *languageBox() const { return m_language; }
    QSpinBox *overdueDaysBox() const { return m_overdueDays; }
    // Saves the choice; true when it differs from what was saved before.
    bool save();

    // The language saved in the preferences: "" (system), "fr" or "en".
    static QString savedLanguage();
    // The locale the interface uses: --language, else the preference, else the system's.
    static QLocale interfaceLocale(const QString &commandLineLanguage = {});

private:
    QComboBox *m_language;
    QSpinBox *m_overdueDays;
};

} // namespace guichet
