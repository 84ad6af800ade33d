#include "rules/accounts/passwords.h"

#include <QByteArray>
#include <QCryptographicHash>

#include <atomic>
#include <sodium.h>

namespace guichet {

namespace {

struct Tr
{
    Q_DECLARE_TR_FUNCTIONS(guichet::PasswordPolicy)
};

// sodium_init is idempotent and thread-safe, but calling it once is enough.
void ensureSodium()
{
    static const int status = sodium_init();
    Q_UNUSED(status)
}

std::atomic<bool> &fastFlag()
{
    static std::atomic<bool> flag(qEnvironmentVariableIntValue("GUICHET_FAST_HASH") == 1);
    return flag;
}

unsigned long long opsLimit()
{
    return fastFlag() ? crypto_pwhash_OPSLIMIT_MIN : crypto_pwhash_OPSLIMIT_INTERACTIVE;
}

size_t memLimit()
{
    return fastFlag() ? crypto_pwhash_MEMLIMIT_MIN : crypto_pwhash_MEMLIMIT_INTERACTIVE;
}

} // namespace

namespace {
std::atomic<quint64> s_hashesMade { 0 };
} // namespace

quint64 PasswordHasher::hashesMade()
{
    return s_hashesMade.load();
}

QString PasswordHasher::hash(const QString &password)
{
    ++s_hashesMade;
    ensureSodium();
    const QByteArray utf8 = password.toUtf8();
    char out[crypto_pwhash_STRBYTES];
    if (crypto_pwhash_str(out, utf8.constData(), static_cast<unsigned long long>(utf8.size()), opsLimit(),
                          memLimit())
        != 0)
        return {};
    return QString::fromLatin1(out);
}

bool PasswordHasher::verify(const QString &storedHash, const QString &password)
{
    ensureSodium();
    const QByteArray stored = storedHash.toLatin1();
    if (!stored.startsWith("$argon2"))
        return false; // e.g. '!' for an account without a usable password
    const QByteArray utf8 = password.toUtf8();
    return crypto_pwhash_str_verify(stored.constData(), utf8.constData(),
                                    static_cast<unsigned long long>(utf8.size()))
        == 0;
}

bool PasswordHasher::needsRehash(const QString &storedHash)
{
    ensureSodium();
    const QByteArray stored = storedHash.toLatin1();
    return crypto_pwhash_str_needs_rehash(stored.constData(), opsLimit(), memLimit()) != 0;
}

void PasswordHasher::setFastHashingForTests(bool fast)
{
    fastFlag() = fast;
}

bool PasswordHasher::fastHashing()
{
    return fastFlag();
}

QString PasswordHasher::foldSecretAnswer(const QString &answer)
{
    return answer.trimmed().toCaseFolded();
}

QString PasswordHasher::hashSecretAnswer(const QString &answer)
{
    return hash(foldSecretAnswer(answer));
}

bool PasswordHasher::verifySecretAnswer(const QString &storedHash, const QString &answer)
{
    return verify(storedHash, foldSecretAnswer(answer));
}

PasswordCheck checkPasswordPolicy(const QString &password, const QString &email, const QString &currentHash)
{
    // Count characters, not UTF-16 units, so that "é" or an emoji counts once.
    const QList<uint> codePoints = password.toUcs4();
    if (codePoints.size() < MinimumPasswordLength)
        return { PasswordProblem::TooShort,
                 Tr::tr("The password must have at least %1 characters.").arg(MinimumPasswordLength) };

    bool lower = false, upper = false, digit = false, other = false;
    for (const uint c : codePoints) {
        const char32_t ch = static_cast<char32_t>(c);
        if (QChar::isLower(ch))
            lower = true;
        else if (QChar::isUpper(ch))
            upper = true;
        else if (QChar::isDigit(ch))
            digit = true;
        else
            other = true;
    }
    if (int(lower) + int(upper) + int(digit) + int(other) < 3)
        return { PasswordProblem::TooFewClasses,
                 Tr::tr("The password must mix at least 3 of: lower-case letters, upper-case letters, "
                        "digits, other characters.") };

    const QString localPart = email.section(QLatin1Char('@'), 0, 0).trimmed();
    if (localPart.size() >= 3 && password.contains(localPart, Qt::CaseInsensitive))
        return { PasswordProblem::ContainsEmail,
                 Tr::tr("The password must not contain your e-mail address (the part before @).") };

    if (!currentHash.isEmpty() && PasswordHasher::verify(currentHash, password))
        return { PasswordProblem::SameAsCurrent,
                 Tr::tr("The new password must be different from the current one.") };
    return {};
}

QString newSecretToken()
{
    ensureSodium();
    QByteArray bytes(32, Qt::Uninitialized);
    randombytes_buf(bytes.data(), static_cast<size_t>(bytes.size()));
    return QString::fromLatin1(
        bytes.toBase64(QByteArray::Base64UrlEncoding | QByteArray::OmitTrailingEquals));
}

QString secretTokenHash(const QString &token)
{
    return QString::fromLatin1(QCryptographicHash::hash(token.toUtf8(), QCryptographicHash::Sha256).toHex());
}

} // namespace guichet
