// Text folding for search (core/kernel/textfold): any text, valid or not
// (lone surrogates included). Checks that the piecewise decomposition folds
// exactly as a decomposition of the whole text would, and that the result
// stays within the longest compatibility decomposition (18 code units per
// code unit). Linearity: scripts/fuzz runs this target with a large -max_len,
// so a quadratic path shows as slow units and timeouts.
#include "kernel/textfold.h"

#include "fuzzsupport.h"
#include "textfoldreference.h"

#include <QString>

using namespace guichet;

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
        const QString expected = test::foldWhole(text);
        FUZZ_CHECK(folded == expected,
                   text.toUtf8() + "\n-> " + folded.toUtf8() + "\n!= " + expected.toUtf8());
    }
    return 0;
}
