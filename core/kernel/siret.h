#pragma once

#include <QCoreApplication>
#include <QString>

namespace guichet {

// SIRET numbers: 14 digits (SIREN + NIC) whose last digit is a Luhn check digit.
// La Poste's establishments (SIREN 356000000) are numbered with another rule:
// the sum of their 14 digits is a multiple of 5.
class Siret
{
    Q_DECLARE_TR_FUNCTIONS(guichet::Siret)

public:
    // The input without its spaces (operators paste "732 829 320 00074").
    static QString normalized(const QString &input);
    // Empty when valid; otherwise a readable reason (wrong length, non-digits,
    // bad check digit). Spaces are tolerated.
    static QString validate(const QString &input);
    static bool isValid(const QString &input) { return validate(input).isEmpty(); }
    // True for 14 digits passing the Luhn check (no La Poste exception).
    static bool luhnValid(const QString &digits);
    // The check digit that makes the 13 given digits a Luhn-valid SIRET.
    static int luhnCheckDigit(const QString &thirteenDigits);
};

} // namespace guichet
