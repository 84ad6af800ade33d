#include "translations/translations.h"

#include <QCoreApplication>
#include <QLibraryInfo>
#include <QTranslator>

#include <memory>

namespace guichet {

bool installTranslations(const QLocale &locale)
{
    static QTranslator *current = nullptr;
    static QTranslator *qtCurrent = nullptr;
    auto *app = QCoreApplication::instance();
    if (!app)
        return false;
    // Owned by the application; a second call replaces the first catalogue.
    if (current) {
        QCoreApplication::removeTranslator(current);
        delete current;
        current = nullptr;
    }
    if (qtCurrent) {
        QCoreApplication::removeTranslator(qtCurrent);
        delete qtCurrent;
        qtCurrent = nullptr;
    }
    if (locale.language() == QLocale::English || locale.language() == QLocale::C) {
        // The source texts are English; the catalogue only gives their plural forms.
        auto plurals = std::make_unique<QTranslator>(app);
        if (plurals->load(QStringLiteral(":/i18n/guichet_en.qm"))) {
            QCoreApplication::installTranslator(plurals.get());
            current = plurals.release();
        }
        return true;
    }
    auto translator = std::make_unique<QTranslator>(app);
    if (!translator->load(locale, QStringLiteral("guichet"), QStringLiteral("_"), QStringLiteral(":/i18n")))
        return false;
    QCoreApplication::installTranslator(translator.get());
    current = translator.release();
    auto qtTranslator = std::make_unique<QTranslator>(app);
    if (qtTranslator->load(locale, QStringLiteral("qtbase"), QStringLiteral("_"),
                           QLibraryInfo::path(QLibraryInfo::TranslationsPath))) {
        QCoreApplication::installTranslator(qtTranslator.get());
        qtCurrent = qtTranslator.release();
    }
    return true;
}

} // namespace guichet
