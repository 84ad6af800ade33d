#pragma once

#include <QSet>
#include <QString>
#include <QTranslator>

namespace guichet {

// A translator for the layout audit (ui/tour/layoutaudit.h) that makes text
// in the other language visible.
// - French runs: install it *before* the real catalogues (Qt asks the last
//   installed translator first, so this one is asked only when no catalogue
//   had a translation): it answers every source text that holds a letter
//   wrapped in « ⟦ … ⟧ », so an untranslated string shows, and is found, as such.
// - English runs: it translates nothing; isForeign() recognises the French
//   texts given to it (the French catalogue's translations, data stored in
//   French such as space names) when they show in the English UI.
class UntranslatedMarker : public QTranslator
{
    Q_OBJECT

public:
    enum class Mode { MarkUntranslated, FlagFrench };

    explicit UntranslatedMarker(Mode mode, QObject *parent = nullptr);

    Mode mode() const { return m_mode; }
    // English runs: texts known to be French (compared without « & » and
    // surrounding spaces or colons).
    void addFrenchTexts(const QStringList &texts);
    // Whether a visible text is in the other language than the run's.
    bool isForeign(const QString &text) const;

    QString translate(const char *context, const char *sourceText, const char *disambiguation = nullptr,
                      int n = -1) const override;
    bool isEmpty() const override { return false; }

    static QString mark(const QString &text);
    static bool isMarked(const QString &text);
    // The finished translations of a Qt Linguist .ts file that differ from
    // their source text (the French texts of guichet_fr.ts).
    static QStringList translationsIn(const QString &tsPath);

private:
    static QString normalised(const QString &text);

    Mode m_mode;
    QSet<QString> m_french;
};

} // namespace guichet
