#include "kernel/siret.h"

namespace guichet {

namespace {
const QLatin1String laPosteSiren("356000000");
}

QString Siret::normalized(const QString &input)
{
    QString result;
    result.reserve(input.size());
    for (const QChar c : input) {
        if (!c.isSpace())
            result.append(c);
    }
    return result;
}

bool Siret::luhnValid(const QString &digits)
{
    if (digits.size() != 14)
        return false;
    int sum = 0;
    for (int i = 0; i < 14; ++i) {
        const QChar c = digits.at(13 - i);
        if (c < QLatin1Char('0') || c > QLatin1Char('9'))
            return false;
        int digit = c.unicode() - '0';
        if (i % 2 == 1) {
            digit *= 2;
            if (digit > 9)
                digit -= 9;
        }
        sum += digit;
    }
    return sum % 10 == 0;
}

int Siret::luhnCheckDigit(const QString &thirteenDigits)
{
    for (int d = 0; d <= 9; ++d) {
        if (luhnValid(thirteenDigits + QChar(QLatin1Char(static_cast<char>('0' + d)))))
            return d;
    }
    return -1;
}

QString Siret::validate(const QString &input)
{
    const QString siret = normalized(input);
    if (siret.isEmpty())
        return tr("The SIRET is required.");
    for (const QChar c : siret) {
        if (c < QLatin1Char('0') || c > QLatin1Char('9'))
            return tr("The SIRET %1 must contain digits only.").arg(siret);
    }
    if (siret.size() != 14)
        return tr("The SIRET %1 has %2 digits instead of 14.").arg(siret).arg(siret.size());
    if (luhnValid(siret))
        return {};
    if (siret.startsWith(laPosteSiren)) {
        int sum = 0;
        for (const QChar c : siret)
            sum += c.unicode() - '0';
        if (sum % 5 == 0)
            return {};
    }
    return tr("The SIRET %1 is not valid: its check digit is wrong.").arg(siret);
}

} // namespace guichet
