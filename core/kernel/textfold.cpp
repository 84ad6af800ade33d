#include "kernel/textfold.h"

namespace guichet {

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
    const QString decomposed = text.normalized(QString::NormalizationForm_KD);
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
