// Text folding for search (core/kernel/textfold): any text, valid or not
// (lone surrogates included). Checks that the piecewise decomposition folds
// exactly as a decomposition of the whole text would, and that the result
// stays within the longest compatibility decomposition (18 code units per
// code unit). Linearity: scripts/fuzz runs this target with a large -max_len,
// so a quadratic path shows as slow units and timeouts.
#include "kernel/textfold.h"

#include "fuzzsupport.h"

#include <QString>

using namespace guichet;

namespace {

// What foldForSearch computes, written the obvious way: the whole text
// normalised at once (quadratic in Qt 6.4, so only for short texts here).
QString referenceFold(const QString &text)
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

} // namespace

extern "C" int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    fuzz::initialize(argc, argv);
    return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size == 0)
        return 0;
    // First byte even: the rest is UTF-8 (as every entry point receives text);
    // odd: raw UTF-16, which reaches every code point and broken surrogates.
    QString text;
    if (data[0] % 2 == 0) {
        text = QString::fromUtf8(reinterpret_cast<const char *>(data + 1), qsizetype(size - 1));
    } else {
        text.resize(qsizetype((size - 1) / 2));
        for (qsizetype i = 0; i < text.size(); ++i)
            text[i] = QChar(char16_t(data[1 + 2 * i] | (data[2 + 2 * i] << 8)));
    }
    const QString folded = foldForSearch(text);
    FUZZ_CHECK(folded.size() <= 18 * text.size(), text.toUtf8());
    // Up to a few pieces of 256: enough to cross every cut, cheap enough for the reference.
    if (text.size() <= 2048) {
        const QString expected = referenceFold(text);
        FUZZ_CHECK(folded == expected,
                   text.toUtf8() + "\n-> " + folded.toUtf8() + "\n!= " + expected.toUtf8());
    }
    return 0;
}
