#include "rules/accounts/passwords.h"

#include <QRegularExpression>
#include <QTest>

using namespace guichet;

class TestPasswords : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase() { PasswordHasher::setFastHashingForTests(true); }

    void hashIsArgon2idAndVerifies()
    {
        const QString hash = PasswordHasher::hash(QStringLiteral("Correct horse 42"));
        QVERIFY2(hash.startsWith(QLatin1String("$argon2id$")), qPrintable(hash));
        QVERIFY(PasswordHasher::verify(hash, QStringLiteral("Correct horse 42")));
        QVERIFY(!PasswordHasher::verify(hash, QStringLiteral("correct horse 42")));
        // The same password hashes differently each time (random salt).
        QVERIFY(hash != PasswordHasher::hash(QStringLiteral("Correct horse 42")));
        // An account without a usable hash never verifies.
        QVERIFY(!PasswordHasher::verify(QStringLiteral("!"), QString()));
    }

    void fastHashNeedsRehashAtInteractiveLimits()
    {
        const QString fast = PasswordHasher::hash(QStringLiteral("Correct horse 42"));
        QVERIFY(!PasswordHasher::needsRehash(fast));
        PasswordHasher::setFastHashingForTests(false);
        const bool needs = PasswordHasher::needsRehash(fast);
        PasswordHasher::setFastHashingForTests(true);
        QVERIFY(needs);
    }

    void secretAnswersIgnoreCaseAndSurroundingSpaces()
    {
        const QString hash = PasswordHasher::hashSecretAnswer(QStringLiteral("  Rex le Chien "));
        QVERIFY(hash.startsWith(QLatin1String("$argon2id$")));
        QVERIFY(PasswordHasher::verifySecretAnswer(hash, QStringLiteral("rex le chien")));
        QVERIFY(PasswordHasher::verifySecretAnswer(hash, QStringLiteral("REX LE CHIEN")));
        QVERIFY(!PasswordHasher::verifySecretAnswer(hash, QStringLiteral("rex")));
    }

    void policy_data()
    {
        QTest::addColumn<QString>("password");
        QTest::addColumn<int>("problem");
        QTest::newRow("good: lower upper digit")
            << QStringLiteral("Tournesol2024x") << int(PasswordProblem::None);
        QTest::newRow("good: lower digit other")
            << QStringLiteral("tournesol 2024") << int(PasswordProblem::None);
        QTest::newRow("good: accents count once")
            << QStringLiteral("Éléphantçà9x") << int(PasswordProblem::None);
        QTest::newRow("11 characters") << QStringLiteral("Tournes2024") << int(PasswordProblem::TooShort);
        QTest::newRow("empty") << QString() << int(PasswordProblem::TooShort);
        QTest::newRow("two classes") << QStringLiteral("tournesolabc2024")
                                     << int(PasswordProblem::TooFewClasses);
        QTest::newRow("one class") << QStringLiteral("abcdefghijklmnop")
                                   << int(PasswordProblem::TooFewClasses);
        QTest::newRow("e-mail local part")
            << QStringLiteral("xJean.Dupont99") << int(PasswordProblem::ContainsEmail);
    }

    void policy()
    {
        QFETCH(QString, password);
        QFETCH(int, problem);
        const PasswordCheck check = checkPasswordPolicy(password, QStringLiteral("jean.dupont@example.org"));
        QCOMPARE(int(check.problem), problem);
        QCOMPARE(check.ok(), problem == int(PasswordProblem::None));
        QCOMPARE(check.reason.isEmpty(), check.ok());
    }

    void shortLocalPartIsNotAForbiddenWord()
    {
        // "al" would forbid half the dictionary: only local parts of 3+ characters count.
        QVERIFY(checkPasswordPolicy(QStringLiteral("Always 2 late!"), QStringLiteral("al@example.org")).ok());
        QCOMPARE(
            checkPasswordPolicy(QStringLiteral("Always 2 late!"), QStringLiteral("alw@example.org")).problem,
            PasswordProblem::ContainsEmail);
    }

    void newPasswordMustDifferFromCurrent()
    {
        const QString current = PasswordHasher::hash(QStringLiteral("Tournesol2024x"));
        QCOMPARE(
            checkPasswordPolicy(QStringLiteral("Tournesol2024x"), QStringLiteral("a@b.org"), current).problem,
            PasswordProblem::SameAsCurrent);
        QVERIFY(
            checkPasswordPolicy(QStringLiteral("Tournesol2025x"), QStringLiteral("a@b.org"), current).ok());
    }

    void tokensAreRandomUrlSafeAndStoredAsSha256()
    {
        const QString a = newSecretToken();
        const QString b = newSecretToken();
        QVERIFY(a != b);
        QCOMPARE(a.size(), 43); // 32 bytes, base64 without padding
        QVERIFY(QRegularExpression(QStringLiteral("^[A-Za-z0-9_-]+$")).match(a).hasMatch());
        QCOMPARE(secretTokenHash(a).size(), 64);
        QCOMPARE(secretTokenHash(a), secretTokenHash(a));
        QVERIFY(secretTokenHash(a) != secretTokenHash(b));
    }
};

QTEST_GUILESS_MAIN(TestPasswords)
#include "tst_passwords.moc"
