#include "kernel/structureidentifier.h"

#include <QTest>

using namespace guichet;

// The identifier types of « Créer une fiche structure » besides SIRET
// (tst_siret), and the bank details' checks.
class TestStructureIdentifier : public QObject
{
    Q_OBJECT

private slots:
    // Tables show the short label; sentences and lists the identifier with its kind,
    // except a number Guichet gave, which says its kind itself.
    void identifiersAreShownWithTheirKind()
    {
        QCOMPARE(StructureIdentifier::shortLabelOfCode(QStringLiteral("eu")), QStringLiteral("EU VAT"));
        QCOMPARE(StructureIdentifier::shortLabelOfCode(QStringLiteral("siret")), QStringLiteral("SIRET"));
        QCOMPARE(StructureIdentifier::shortLabelOfCode(QStringLiteral("unknown")), QStringLiteral("unknown"));
        QCOMPARE(StructureIdentifier::display(QStringLiteral("ridet"), QStringLiteral("1234567001")),
                 QStringLiteral("RIDET 1234567001"));
        QCOMPARE(StructureIdentifier::display(QStringLiteral("siret"), QStringLiteral("44306184100047")),
                 QStringLiteral("SIRET 44306184100047"));
        QCOMPARE(StructureIdentifier::display(QStringLiteral("individual"), QStringLiteral("PAR#3")),
                 QStringLiteral("PAR#3"));
    }

    void codesRoundTrip()
    {
        QCOMPARE(StructureIdentifier::types().size(), 7);
        for (const IdentifierType type : StructureIdentifier::types())
            QCOMPARE(StructureIdentifier::fromCode(StructureIdentifier::code(type)), type);
        QVERIFY(!StructureIdentifier::fromCode(QStringLiteral("SIRET")));
        QVERIFY(!StructureIdentifier::fromCode(QString()));
    }

    void validIdentifiers_data()
    {
        QTest::addColumn<QString>("type");
        QTest::addColumn<QString>("input");
        QTest::addColumn<QString>("stored");
        QTest::newRow("SIRET") << "siret"
                               << "732 829 320 00074"
                               << "73282932000074";
        QTest::newRow("German VAT") << "eu"
                                    << "de 123 456 789"
                                    << "DE123456789";
        QTest::newRow("Belgian VAT") << "eu"
                                     << "BE0123456789"
                                     << "BE0123456789";
        QTest::newRow("Dutch VAT") << "eu"
                                   << "NL123456789B01"
                                   << "NL123456789B01";
        QTest::newRow("Greek VAT (EL)") << "eu"
                                        << "EL123456789"
                                        << "EL123456789";
        QTest::newRow("Austrian VAT") << "eu"
                                      << "ATU12345678"
                                      << "ATU12345678";
        QTest::newRow("outside the EU") << "non_eu"
                                        << "CHE-123.456.789"
                                        << "CHE-123.456.789";
        QTest::newRow("RIDET with its dot") << "ridet"
                                            << "1234567.001"
                                            << "1234567001";
        QTest::newRow("RIDET of 6 digits") << "ridet"
                                           << "123456.002"
                                           << "0123456002";
        QTest::newRow("RIDET without dot") << "ridet"
                                           << "1234567 001"
                                           << "1234567001";
        QTest::newRow("TAHITI") << "tahiti"
                                << "a12345 001"
                                << "A12345001";
        QTest::newRow("TAHITI, digits") << "tahiti"
                                        << "123456001"
                                        << "123456001";
    }
    void validIdentifiers()
    {
        QFETCH(QString, type);
        QFETCH(QString, input);
        QFETCH(QString, stored);
        const IdentifierType t = *StructureIdentifier::fromCode(type);
        QCOMPARE(StructureIdentifier::validate(t, input), QString());
        QCOMPARE(StructureIdentifier::normalized(t, input), stored);
    }

    void invalidIdentifiersSayWhy_data()
    {
        QTest::addColumn<QString>("type");
        QTest::addColumn<QString>("input");
        QTest::addColumn<QString>("reason");
        QTest::newRow("VAT missing") << "eu"
                                     << ""
                                     << "required";
        QTest::newRow("French VAT") << "eu"
                                    << "FR40303265045"
                                    << "SIRET";
        QTest::newRow("not an EU prefix") << "eu"
                                          << "US123456789"
                                          << "member state";
        QTest::newRow("German VAT too short") << "eu"
                                              << "DE12345678"
                                              << "format of DE";
        QTest::newRow("Dutch VAT without B") << "eu"
                                             << "NL123456789001"
                                             << "format of NL";
        QTest::newRow("outside EU, too short") << "non_eu"
                                               << "12"
                                               << "too short";
        QTest::newRow("outside EU, '#'") << "non_eu"
                                         << "PAR#0000000001"
                                         << "only letters";
        QTest::newRow("RIDET too short") << "ridet"
                                         << "12345.001"
                                         << "6 or 7 digits";
        QTest::newRow("RIDET with a letter") << "ridet"
                                             << "12A4567.001"
                                             << "6 or 7 digits";
        QTest::newRow("RIDET missing") << "ridet"
                                       << " "
                                       << "required";
        QTest::newRow("TAHITI too short") << "tahiti"
                                          << "A1234500"
                                          << "6 characters";
        QTest::newRow("TAHITI two letters") << "tahiti"
                                            << "AB2345001"
                                            << "6 characters";
    }
    void invalidIdentifiersSayWhy()
    {
        QFETCH(QString, type);
        QFETCH(QString, input);
        QFETCH(QString, reason);
        const QString error = StructureIdentifier::validate(*StructureIdentifier::fromCode(type), input);
        QVERIFY2(error.contains(reason), qPrintable(error));
    }

    void generatedNumbersCannotBeTyped()
    {
        QVERIFY(StructureIdentifier::isGenerated(IdentifierType::Individual));
        QVERIFY(StructureIdentifier::isGenerated(IdentifierType::Pending));
        QVERIFY(!StructureIdentifier::isGenerated(IdentifierType::NonEu));
        const QString individual = StructureIdentifier::generated(IdentifierType::Individual, 42);
        QCOMPARE(individual, QStringLiteral("PAR#0000000042"));
        QCOMPARE(StructureIdentifier::generated(IdentifierType::Pending, 7),
                 QStringLiteral("IMM#0000000007"));
        // No typed identifier of any type can take a generated number first.
        for (const IdentifierType type : StructureIdentifier::types()) {
            if (!StructureIdentifier::isGenerated(type))
                QVERIFY(!StructureIdentifier::validate(type, individual).isEmpty());
        }
    }

    void ibans_data()
    {
        QTest::addColumn<QString>("iban");
        QTest::addColumn<QString>("reason"); // empty: valid
        QTest::newRow("French, grouped") << "FR76 3000 6000 0112 3456 7890 189"
                                         << "";
        QTest::newRow("German") << "DE89370400440532013000"
                                << "";
        QTest::newRow("British") << "gb82 west 1234 5698 7654 32"
                                 << "";
        QTest::newRow("Belgian") << "BE68539007547034"
                                 << "";
        QTest::newRow("wrong checksum") << "FR7630006000011234567890188"
                                        << "check digits";
        QTest::newRow("two digits swapped") << "DE89370400440532031000"
                                            << "check digits";
        QTest::newRow("French length") << "FR763000600001123456789018"
                                       << "an IBAN of FR has 27";
        QTest::newRow("no country") << "7630006000011234567890189"
                                    << "country code";
        QTest::newRow("punctuation") << "FR76-3000-6000-0112"
                                     << "country code";
        QTest::newRow("empty") << ""
                               << "required";
    }
    void ibans()
    {
        QFETCH(QString, iban);
        QFETCH(QString, reason);
        const QString error = BankDetails::validateIban(iban);
        if (reason.isEmpty())
            QCOMPARE(error, QString());
        else
            QVERIFY2(error.contains(reason), qPrintable(error));
    }

    void bics_data()
    {
        QTest::addColumn<QString>("bic");
        QTest::addColumn<bool>("valid");
        QTest::newRow("8 characters") << "BNPAFRPP" << true;
        QTest::newRow("11 characters") << "BNPAFRPPXXX" << true;
        QTest::newRow("lower case, spaces") << "agri fr pp 882" << true;
        QTest::newRow("digit in the bank code") << "BNP1FRPP" << false;
        QTest::newRow("digit in the country") << "BNPAF1PP" << false;
        QTest::newRow("6 characters") << "BNPAFR" << false;
        QTest::newRow("9 characters") << "BNPAFRPPX" << false;
        QTest::newRow("punctuation") << "BNPA-FRPP" << false;
    }
    void bics()
    {
        QFETCH(QString, bic);
        QFETCH(bool, valid);
        const QString error = BankDetails::validateBic(bic);
        QCOMPARE(error.isEmpty(), valid);
        if (!valid)
            QVERIFY2(error.contains(QLatin1String("8 or 11")), qPrintable(error));
    }

    void ibanIsPrintedByFours()
    {
        QCOMPARE(BankDetails::formattedIban(QStringLiteral("FR7630006000011234567890189")),
                 QStringLiteral("FR76 3000 6000 0112 3456 7890 189"));
    }
};

QTEST_GUILESS_MAIN(TestStructureIdentifier)
#include "tst_structureidentifier.moc"
