#include "kernel/siret.h"
#include "kernel/textfold.h"

#include <QTest>

using namespace guichet;

class TestSiret : public QObject
{
    Q_OBJECT

private slots:
    void validNumbers_data()
    {
        QTest::addColumn<QString>("siret");
        QTest::newRow("IBM France") << QStringLiteral("73282932000074");
        QTest::newRow("Danone") << QStringLiteral("55208131766522");
        QTest::newRow("with spaces") << QStringLiteral("732 829 320 00074");
        QTest::newRow("La Poste head office (Luhn valid too)") << QStringLiteral("35600000000048");
        // La Poste establishments only pass the sum-of-digits rule.
        QTest::newRow("La Poste, sum 45") << QStringLiteral("35600000049837");
        QTest::newRow("La Poste, sum 15") << QStringLiteral("35600000000010");
    }
    void validNumbers()
    {
        QFETCH(QString, siret);
        QVERIFY2(Siret::isValid(siret), qPrintable(Siret::validate(siret)));
    }

    void laPosteRuleOnlyForLaPoste()
    {
        // Same digit sum rule, other SIREN: the Luhn check still applies.
        QVERIFY(!Siret::luhnValid(QStringLiteral("35600000049837")));
        QVERIFY(!Siret::isValid(QStringLiteral("35700000049836")));
        // La Poste but neither rule: sum 16, Luhn wrong.
        QVERIFY(!Siret::isValid(QStringLiteral("35600000000011")));
    }

    void invalidNumbersSayWhy_data()
    {
        QTest::addColumn<QString>("siret");
        QTest::addColumn<QString>("reason");
        QTest::newRow("empty") << QString() << QStringLiteral("required");
        QTest::newRow("13 digits") << QStringLiteral("7328293200007")
                                   << QStringLiteral("13 digits instead of 14");
        QTest::newRow("15 digits") << QStringLiteral("732829320000740")
                                   << QStringLiteral("15 digits instead of 14");
        QTest::newRow("letter") << QStringLiteral("7328293200007A") << QStringLiteral("digits only");
        QTest::newRow("dash") << QStringLiteral("732-829-320-00074") << QStringLiteral("digits only");
        QTest::newRow("check digit") << QStringLiteral("73282932000075") << QStringLiteral("check digit");
    }
    void invalidNumbersSayWhy()
    {
        QFETCH(QString, siret);
        QFETCH(QString, reason);
        const QString message = Siret::validate(siret);
        QVERIFY(!Siret::isValid(siret));
        QVERIFY2(message.contains(reason), qPrintable(message));
    }

    void checkDigitCompletesANumber()
    {
        QCOMPARE(Siret::luhnCheckDigit(QStringLiteral("7328293200007")), 4);
        QCOMPARE(Siret::normalized(QStringLiteral(" 732 829 320 00074 ")), QStringLiteral("73282932000074"));
    }

    void foldingIgnoresCaseAccentsAndLigatures()
    {
        QCOMPARE(foldForSearch(QStringLiteral("MENUISERIE Dupont")), QStringLiteral("menuiserie dupont"));
        QCOMPARE(foldForSearch(QStringLiteral("Ménuiserie Élégante à Nîmes")),
                 QStringLiteral("menuiserie elegante a nimes"));
        QCOMPARE(foldForSearch(QStringLiteral("Œuvre Cæsar Straße")),
                 QStringLiteral("oeuvre caesar strasse"));
        QCOMPARE(foldForSearch(QStringLiteral("ÇA")), QStringLiteral("ca"));
    }
};

QTEST_GUILESS_MAIN(TestSiret)
#include "tst_siret.moc"
