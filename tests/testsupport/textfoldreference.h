#pragma once

#include <QString>

namespace guichet::test {

// What foldForSearch (kernel/textfold.h) computes, written the obvious way: the
// whole text normalised at once. Quadratic in Qt 6.4, but right: the oracle of
// tst_textfold and of the fuzz target fuzz/textfold.cpp, on texts of moderate size.
inline QString foldWhole(const QString &text)
{
    QString result;
    for (const QChar c : text.normalized(QString::NormalizationForm_KD)) {
        const QChar::Category category = c.category();
        if (category == QChar::Mark_NonSpacing || category == QChar::Mark_SpacingCombining
            || category == QChar::Mark_Enclosing)
            continue;
        switch (c.unicode()) {
        case 0x0153:
        case 0x0152:
            result += QLatin1String("oe");
            break;
        case 0x00E6:
        case 0x00C6:
            result += QLatin1String("ae");
            break;
        case 0x00DF:
        case 0x1E9E:
            result += QLatin1String("ss");
            break;
        default:
            result += c.toLower();
        }
    }
    return result;
}

} // namespace guichet::test
