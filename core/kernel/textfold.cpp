#include "kernel/textfold.h"

#include <algorithm>

namespace guichet {

namespace {

// Compatibility decomposition, piece by piece: QString::normalized() costs the
// square of the length of what it is given (a megabyte of « é » took 33 s), so
// it only ever sees pieces of at most `piece` characters, and the whole is
// linear. Cutting anywhere but inside a surrogate pair is safe here: each code
// point decomposes on its own, and the only thing that crosses a cut is the
// canonical order of combining marks, which foldForSearch() drops anyway.
QString decomposeCompatibility(const QString &text)
{
    constexpr qsizetype piece = 256;
    if (text.size() <= piece)
        return text.normalized(QString::NormalizationForm_KD);
    QString result;
    result.reserve(text.size() + text.size() / 2);
    qsizetype start = 0;
    while (start < text.size()) {
        qsizetype end = std::min(start + piece, text.size());
        if (end < text.size() && text.at(end).isLowSurrogate())
            --end;
        result += text.mid(start, end - start).normalized(QString::NormalizationForm_KD);
        start = end;
    }
    return result;
}

} // namespace

QString foldForSearch(const QString &text)
{
    // Fast path: plain ASCII only needs lower-casing.
    bool ascii = true;
    for (const QChar c : text) {
        if (c.unicode() >= 0x80) {
            ascii = false;
            break;
        }
    }
    if (ascii)
        return text.toLower();

    // Compatibility decomposition also turns a no-break space into a space and
    // "ﬁ" into "fi", which is what a search expects.
    const QString decomposed = decomposeCompatibility(text);
    QString result;
    result.reserve(decomposed.size());
    for (const QChar c : decomposed) {
        switch (c.category()) {
        case QChar::Mark_NonSpacing:
        case QChar::Mark_SpacingCombining:
        case QChar::Mark_Enclosing:
            continue;
        default:
            break;
        }
        switch (c.unicode()) {
        case 0x0153: // œ
        case 0x0152: // Œ
            result += QLatin1String("oe");
            break;
        case 0x00E6: // æ
        case 0x00C6: // Æ
            result += QLatin1String("ae");
            break;
        case 0x00DF: // ß
        case 0x1E9E: // ẞ
            result += QLatin1String("ss");
            break;
        default:
            result += c.toLower();
        }
    }
    return result;
}

} // namespace guichet
