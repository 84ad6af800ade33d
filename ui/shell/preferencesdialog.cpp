#include "ui/shell/preferencesdialog.h"

#include "ui/manager/manageractivitypage.h"

#include <QComboBox>
#include <QDialogButtonBox>
#include <QFormLayout>
#include <QLabel>
#include <QLocale>
#include <QSettings>
#include <QSpinBox>
#include <QVBoxLayout>

namespace guichet {

namespace {
const QString languageKey = QStringLiteral("interface/language");
}

PreferencesDialog::PreferencesDialog(QWidget *parent)
    : QDialog(parent)
    , m_language(new QComboBox(this))
    , m_overdueDays(new QSpinBox(this))
{
    setWindowTitle(tr("Preferences"));
    setObjectName(QStringLiteral("preferencesDialog"));
    m_language->setObjectName(QStringLiteral("language"));
    m_language->setAccessibleName(tr("Interface language"));
    m_language->addItem(tr("System language"), QString());
    m_language->addItem(QStringLiteral("Français"), QStringLiteral("fr"));
    m_language->addItem(QStringLiteral("English"), QStringLiteral("en"));
    m_language->setCurrentIndex(std::max(0, m_language->findData(savedLanguage())));

    // « Activité du gestionnaire » flags the requests waiting longer than this.
    m_overdueDays->setObjectName(QStringLiteral("overdueDays"));
    m_overdueDays->setAccessibleName(tr("Flag pending requests older than (days)"));
    m_overdueDays->setRange(1, 365);
    m_overdueDays->setSuffix(tr(" days"));
    m_overdueDays->setValue(ManagerActivityPage::overdueDays());

    auto *form = new QFormLayout;
    form->addRow(tr("&Language:"), m_language);
    form->addRow(tr("Flag pending requests &older than:"), m_overdueDays);
    auto *note = new QLabel(tr("A new language applies the next time Guichet starts."), this);
    note->setWordWrap(true);
    auto *buttons = new QDialogButtonBox(QDialogButtonBox::Ok | QDialogButtonBox::Cancel, this);
    connect(buttons, &QDialogButtonBox::accepted, this, &QDialog::accept);
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    auto *layout = new QVBoxLayout(this);
    layout->addLayout(form);
    layout->addWidget(note);
    layout->addWidget(buttons);
}

bool PreferencesDialog::save()
{
    const QString chosen = m_language->currentData().toString();
    const bool changed = chosen != savedLanguage();
    QSettings().setValue(languageKey, chosen);
    ManagerActivityPage::setOverdueDays(m_overdueDays->value());
    return changed;
}

QString PreferencesDialog::savedLanguage()
{
    return QSettings().value(languageKey).toString();
}

QLocale PreferencesDialog::interfaceLocale(const QString &commandLineLanguage)
{
    const QString language = commandLineLanguage.isEmpty() ? savedLanguage() : commandLineLanguage;
    if (language == QLatin1String("fr"))
        return QLocale(QLocale::French, QLocale::France);
    if (language == QLatin1String("en"))
        return QLocale(QLocale::English, QLocale::UnitedKingdom);
    return QLocale::system();
}

} // namespace guichet
