#pragma once

#include "kernel/commandresult.h"

#include <QCoreApplication>
#include <QString>

#include <optional>

namespace guichet {

// The longest text each kind of field accepts, in UTF-16 code units (what
// QString::size() counts). Every entry point (the desktop, guichetctl, guichetd)
// goes through core, which refuses a longer text naming the field, so nothing
// stores or searches a text of unbounded size. docs/RULES.md lists them.
namespace textLimit {
inline constexpr int Name = 100; // first name, last name
inline constexpr int Email = 254; // the longest path SMTP carries (RFC 5321)
inline constexpr int AddressLine = 250;
inline constexpr int PostalCode = 20;
inline constexpr int City = 100;
inline constexpr int Country = 100;
inline constexpr int RaisonSociale = 250;
inline constexpr int Libelle = 250;
inline constexpr int Siret = 20; // 14 digits, with the spaces people paste; any structure identifier
inline constexpr int Iban = 50; // 34 characters at most, with spaces
inline constexpr int Bic = 20; // 11 characters at most, with spaces
inline constexpr int Comment = 2000; // decision comments, subscription comments
inline constexpr int SecretQuestion = 250;
inline constexpr int SecretAnswer = 250;
inline constexpr int Password = 1024; // argon2id hashes it whole
inline constexpr int Token = 200; // reactivation and activation links
inline constexpr int Code = 50; // roles, statuses, categories, spaces, file types
inline constexpr int ServiceName = 250;
inline constexpr int Designation = 200; // an attached file's « désignation »
inline constexpr int FileName = 255;
inline constexpr int SolicitationSubject = 200;
inline constexpr int SolicitationBody = 10000;
inline constexpr int SearchTerm = 200; // each criterion of a structure or user search
inline constexpr int CommandId = 100;
} // namespace textLimit

class TextLimits
{
    Q_DECLARE_TR_FUNCTIONS(guichet::TextLimits)

public:
    // « The field … is too long: N characters, at most M accepted. », without
    // the field's name when `field` is empty (a form shows it by the field).
    static QString tooLongMessage(const QString &field, qsizetype length, int max);
    // An InvalidInput failure naming `field` when `value` is longer than `max`.
    static std::optional<CommandResult> check(const QString &field, const QString &value, int max);
};

// Inside a command: abandons it (nothing written) when `value` is over `max`.
void requireMaxLength(const QString &field, const QString &value, int max);

} // namespace guichet
