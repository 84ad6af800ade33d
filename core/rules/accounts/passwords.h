#pragma once

#include <QCoreApplication>
#include <QString>

namespace guichet {

// Password and secret-answer hashing: argon2id through libsodium
// (crypto_pwhash_str), so every stored hash reads "$argon2id$v=19$m=…,t=…,p=1$…".
//
// Cost: libsodium's INTERACTIVE limits (about 150 ms and 64 MiB per hash) unless
// fast hashing is on, which uses crypto_pwhash_OPSLIMIT_MIN / MEMLIMIT_MIN. Fast
// hashing is for tests and demo data only; it is on when the environment has
// GUICHET_FAST_HASH=1 at the first use, or after setFastHashingForTests(true).
// A fast hash is upgraded at the next successful sign-in of a normal process
// (needsRehash).
class PasswordHasher
{
public:
    // Empty when libsodium could not hash (out of memory).
    static QString hash(const QString &password);
    static bool verify(const QString &storedHash, const QString &password);
    // True when storedHash was made with other limits than the current ones.
    static bool needsRehash(const QString &storedHash);
    // How many hashes this process made (hash and hashSecretAnswer): what the
    // no-enumeration tests compare, the work an answer costs being its hashes.
    static quint64 hashesMade();

    static void setFastHashingForTests(bool fast);
    static bool fastHashing();

    // Secret answers are compared loosely: surrounding spaces and letter case
    // do not matter ("  Rex " matches "rex").
    static QString foldSecretAnswer(const QString &answer);
    static QString hashSecretAnswer(const QString &answer);
    static bool verifySecretAnswer(const QString &storedHash, const QString &answer);
};

// The password policy (see docs/ACCOUNTS.md):
// - at least MinimumPasswordLength characters;
// - at least 3 of the 4 classes: lower-case letter, upper-case letter, digit,
//   other (punctuation, space, letters without case…);
// - not containing the local part of the account's e-mail (the part before
//   '@', compared without letter case, when it has 3 characters or more);
// - on a change, different from the current password.
constexpr int MinimumPasswordLength = 12;

enum class PasswordProblem { None, TooShort, TooFewClasses, ContainsEmail, SameAsCurrent };

struct PasswordCheck
{
    PasswordProblem problem = PasswordProblem::None;
    QString reason; // translated, empty when the password is acceptable
    bool ok() const { return problem == PasswordProblem::None; }
};

// Checks password against the policy for the account whose sign-in e-mail is
// email; currentHash (when not empty) is the hash of the password being
// replaced.
PasswordCheck checkPasswordPolicy(const QString &password, const QString &email,
                                  const QString &currentHash = QString());

// Single-use secrets sent by mail (reactivation links) or handed to clients
// (sessions): 32 random bytes from libsodium as URL-safe base64 without
// padding. Only their SHA-256 (hex) is ever stored.
QString newSecretToken();
QString secretTokenHash(const QString &token);

} // namespace guichet
