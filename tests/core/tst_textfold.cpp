#include "kernel/textfold.h"
#include "textfoldreference.h"

#include <QString>
#include <QTest>

using namespace guichet;

// Search folding (structure names, cities, user searches): what a French reader
// types finds what is stored, and a long text costs time in proportion to its
// length.
class TestTextFold : public QObject
{
    Q_OBJECT

private slots:
    void foldsCaseAccentsAndLigatures()
    {
        QCOMPARE(foldForSearch(QStringLiteral("Électricité GÉNÉRALE")),
                 QStringLiteral("electricite generale"));
        QCOMPARE(foldForSearch(QStringLiteral("Cœur Cæsar Straße")), QStringLiteral("coeur caesar strasse"));
        // Compatibility forms: a no-break space, the « ﬁ » ligature, a math letter
        // outside the basic plane (a surrogate pair).
        QCOMPARE(foldForSearch(QStringLiteral("Caf\u00e9\u00a0\ufb01n \U0001D504")),
                 QStringLiteral("cafe fin a"));
        QCOMPARE(foldForSearch(QStringLiteral("menuiserie")), QStringLiteral("menuiserie"));
    }

    // Long texts are folded in pieces: the result is the same as folding the
    // whole at once, wherever the cuts fall (combining marks, ligatures,
    // Hangul, surrogate pairs across a cut).
    void longTextsFoldAsAWhole_data()
    {
        QTest::addColumn<QString>("unit");
        QTest::newRow("french") << QStringLiteral("Ménuiserie Élégante à Nîmes, cœur ");
        QTest::newRow("decomposed") << QStringLiteral("e\u0301e\u0300\u0327o\u0308\u0304 ");
        QTest::newRow("marks only") << QStringLiteral("\u0301\u0344\u0327\u0323");
        QTest::newRow("hangul") << QStringLiteral("\uD55C\uAD6D\uC5B4 ");
        QTest::newRow("surrogates") << QStringLiteral("\U0001D504\U0001D505é");
        QTest::newRow("ligatures") << QStringLiteral("ﬁﬂ æ ß ẞ ㎏ ");
    }

    void longTextsFoldAsAWhole()
    {
        QFETCH(QString, unit);
        for (int offset = 0; offset < 7; ++offset) {
            // Shifted by a few ASCII characters so that the cuts fall at every
            // position inside the repeated unit.
            const QString text = QString(offset, QLatin1Char('x')) + unit.repeated(3000 / unit.size() + 1);
            QCOMPARE(foldForSearch(text), test::foldWhole(text));
        }
    }

    void aSurrogatePairIsNeverCut()
    {
        // A pair straddling the first cut (at 256): one accent first to leave the
        // ASCII path, then the pair at 255 and 256.
        const QString text = QStringLiteral("é") + QString(254, QLatin1Char('a'))
            + QStringLiteral("\U0001D504") + QStringLiteral("b");
        const QString folded = foldForSearch(text);
        QCOMPARE(folded, QStringLiteral("e") + QString(254, QLatin1Char('a')) + QStringLiteral("ab"));
    }

    // A mebibyte of accented letters (one request's worth) folds to its letters.
    void aMebibyteOfAccentsFolds()
    {
        const QString text(1024 * 1024, QChar(0x00E9));
        const QString folded = foldForSearch(text);
        QCOMPARE(folded.size(), text.size());
        QVERIFY(folded == QString(text.size(), QLatin1Char('e')));
    }
};

QTEST_GUILESS_MAIN(TestTextFold)
#include "tst_textfold.moc"
