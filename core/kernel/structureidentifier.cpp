#include "kernel/structureidentifier.h"

#include "kernel/siret.h"

#include <QHash>
#include <QRegularExpression>

namespace guichet {

namespace {

struct TypeInfo
{
    IdentifierType type;
    const char *code;
    const char *label;
    // For table columns, where the full label would widen every row.
    const char *shortLabel;
};

const TypeInfo typeInfos[] = {
    { IdentifierType::Siret, "siret", QT_TRANSLATE_NOOP("guichet::StructureIdentifier", "SIRET"),
      QT_TRANSLATE_NOOP("guichet::StructureIdentifier", "SIRET") },
    { IdentifierType::EuVat, "eu",
      QT_TRANSLATE_NOOP("guichet::StructureIdentifier", "EU outside France (VAT number)"),
      QT_TRANSLATE_NOOP("guichet::StructureIdentifier", "EU VAT") },
    { IdentifierType::NonEu, "non_eu", QT_TRANSLATE_NOOP("guichet::StructureIdentifier", "Outside the EU"),
      QT_TRANSLATE_NOOP("guichet::StructureIdentifier", "Non-EU") },
    { IdentifierType::Ridet, "ridet", QT_TRANSLATE_NOOP("guichet::StructureIdentifier", "RIDET"),
      QT_TRANSLATE_NOOP("guichet::StructureIdentifier", "RIDET") },
    { IdentifierType::Tahiti, "tahiti", QT_TRANSLATE_NOOP("guichet::StructureIdentifier", "TAHITI"),
      QT_TRANSLATE_NOOP("guichet::StructureIdentifier", "TAHITI") },
    { IdentifierType::Individual, "individual",
      QT_TRANSLATE_NOOP("guichet::StructureIdentifier", "Private individual"),
      QT_TRANSLATE_NOOP("guichet::StructureIdentifier", "Individual") },
    { IdentifierType::Pending, "pending",
      QT_TRANSLATE_NOOP("guichet::StructureIdentifier", "Registration in progress"),
      QT_TRANSLATE_NOOP("guichet::StructureIdentifier", "Registering") },
};

const TypeInfo &info(IdentifierType type)
{
    for (const TypeInfo &i : typeInfos) {
        if (i.type == type)
            return i;
    }
    return typeInfos[0];
}

// The intra-community VAT number after its prefix, per member state other
// than France (Greece's prefix is EL, Northern Ireland's XI), as the
// Commission's VIES service describes the formats.
const QHash<QString, QString> &vatFormats()
{
    static const QHash<QString, QString> formats {
        { QStringLiteral("AT"), QStringLiteral("U[0-9]{8}") },
        { QStringLiteral("BE"), QStringLiteral("[01][0-9]{9}") },
        { QStringLiteral("BG"), QStringLiteral("[0-9]{9,10}") },
        { QStringLiteral("CY"), QStringLiteral("[0-9]{8}[A-Z]") },
        { QStringLiteral("CZ"), QStringLiteral("[0-9]{8,10}") },
        { QStringLiteral("DE"), QStringLiteral("[0-9]{9}") },
        { QStringLiteral("DK"), QStringLiteral("[0-9]{8}") },
        { QStringLiteral("EE"), QStringLiteral("[0-9]{9}") },
        { QStringLiteral("EL"), QStringLiteral("[0-9]{9}") },
        { QStringLiteral("ES"), QStringLiteral("[0-9A-Z][0-9]{7}[0-9A-Z]") },
        { QStringLiteral("FI"), QStringLiteral("[0-9]{8}") },
        { QStringLiteral("HR"), QStringLiteral("[0-9]{11}") },
        { QStringLiteral("HU"), QStringLiteral("[0-9]{8}") },
        { QStringLiteral("IE"), QStringLiteral("[0-9][0-9A-Z+*][0-9]{5}[A-Z]{1,2}") },
        { QStringLiteral("IT"), QStringLiteral("[0-9]{11}") },
        { QStringLiteral("LT"), QStringLiteral("[0-9]{9}|[0-9]{12}") },
        { QStringLiteral("LU"), QStringLiteral("[0-9]{8}") },
        { QStringLiteral("LV"), QStringLiteral("[0-9]{11}") },
        { QStringLiteral("MT"), QStringLiteral("[0-9]{8}") },
        { QStringLiteral("NL"), QStringLiteral("[0-9]{9}B[0-9]{2}") },
        { QStringLiteral("PL"), QStringLiteral("[0-9]{10}") },
        { QStringLiteral("PT"), QStringLiteral("[0-9]{9}") },
        { QStringLiteral("RO"), QStringLiteral("[0-9]{2,10}") },
        { QStringLiteral("SE"), QStringLiteral("[0-9]{10}01") },
        { QStringLiteral("SI"), QStringLiteral("[0-9]{8}") },
        { QStringLiteral("SK"), QStringLiteral("[0-9]{10}") },
        { QStringLiteral("XI"), QStringLiteral("[0-9]{9}|[0-9]{12}|GD[0-9]{3}|HA[0-9]{3}") },
    };
    return formats;
}

// IBAN lengths of the countries whose length ISO 13616's registry fixes and
// that French structures meet most; other countries get the general check.
const QHash<QString, int> &ibanLengths()
{
    static const QHash<QString, int> lengths {
        { QStringLiteral("AD"), 24 }, { QStringLiteral("AT"), 20 }, { QStringLiteral("BE"), 16 },
        { QStringLiteral("BG"), 22 }, { QStringLiteral("CH"), 21 }, { QStringLiteral("CY"), 28 },
        { QStringLiteral("CZ"), 24 }, { QStringLiteral("DE"), 22 }, { QStringLiteral("DK"), 18 },
        { QStringLiteral("EE"), 20 }, { QStringLiteral("ES"), 24 }, { QStringLiteral("FI"), 18 },
        { QStringLiteral("FR"), 27 }, { QStringLiteral("GB"), 22 }, { QStringLiteral("GR"), 27 },
        { QStringLiteral("HR"), 21 }, { QStringLiteral("HU"), 28 }, { QStringLiteral("IE"), 22 },
        { QStringLiteral("IT"), 27 }, { QStringLiteral("LI"), 21 }, { QStringLiteral("LT"), 20 },
        { QStringLiteral("LU"), 20 }, { QStringLiteral("LV"), 21 }, { QStringLiteral("MC"), 27 },
        { QStringLiteral("MT"), 31 }, { QStringLiteral("NC"), 27 }, { QStringLiteral("NL"), 18 },
        { QStringLiteral("NO"), 15 }, { QStringLiteral("PF"), 27 }, { QStringLiteral("PL"), 28 },
        { QStringLiteral("PT"), 25 }, { QStringLiteral("RO"), 24 }, { QStringLiteral("SE"), 24 },
        { QStringLiteral("SI"), 19 }, { QStringLiteral("SK"), 24 }, { QStringLiteral("SM"), 27 },
    };
    return lengths;
}

QString withoutSpaces(const QString &input)
{
    QString result;
    result.reserve(input.size());
    for (const QChar c : input) {
        if (!c.isSpace())
            result.append(c.toUpper());
    }
    return result;
}

bool matchesWhole(const QString &pattern, const QString &text)
{
    const QRegularExpression re(QRegularExpression::anchoredPattern(pattern));
    return re.match(text).hasMatch();
}

} // namespace

QList<IdentifierType> StructureIdentifier::types()
{
    QList<IdentifierType> result;
    for (const TypeInfo &i : typeInfos)
        result.append(i.type);
    return result;
}

QString StructureIdentifier::code(IdentifierType type)
{
    return QLatin1String(info(type).code);
}

std::optional<IdentifierType> StructureIdentifier::fromCode(const QString &code)
{
    for (const TypeInfo &i : typeInfos) {
        if (code == QLatin1String(i.code))
            return i.type;
    }
    return std::nullopt;
}

const char *StructureIdentifier::labelSource(IdentifierType type)
{
    return info(type).label;
}

QString StructureIdentifier::label(IdentifierType type)
{
    return tr(labelSource(type));
}

QString StructureIdentifier::labelOfCode(const QString &code)
{
    const auto type = fromCode(code);
    return type ? label(*type) : code;
}

QString StructureIdentifier::shortLabelOfCode(const QString &code)
{
    const auto type = fromCode(code);
    return type ? tr(info(*type).shortLabel) : code;
}

QString StructureIdentifier::display(const QString &code, const QString &identifier)
{
    // A number Guichet gave (PAR#…, IMM#…) already says its kind.
    const auto type = fromCode(code);
    if (type && isGenerated(*type))
        return identifier;
    return tr("%1 %2", "identifier type, then the identifier").arg(shortLabelOfCode(code), identifier);
}

bool StructureIdentifier::isGenerated(IdentifierType type)
{
    return type == IdentifierType::Individual || type == IdentifierType::Pending;
}

QString StructureIdentifier::generated(IdentifierType type, qint64 structureId)
{
    const QString prefix
        = type == IdentifierType::Individual ? QStringLiteral("PAR#") : QStringLiteral("IMM#");
    return prefix + QStringLiteral("%1").arg(structureId, 10, 10, QLatin1Char('0'));
}

QString StructureIdentifier::normalized(IdentifierType type, const QString &input)
{
    switch (type) {
    case IdentifierType::Siret:
        return Siret::normalized(input);
    case IdentifierType::Ridet: {
        // « 1234567.001 »: the company's number (6 or 7 digits) then the
        // establishment's (3); stored as 10 digits.
        const QString compact = withoutSpaces(input);
        const int dot = int(compact.indexOf(QLatin1Char('.')));
        if (dot < 0) {
            return compact.size() == 9 ? QLatin1Char('0') + compact : compact;
        }
        const QString company = compact.left(dot);
        const QString rest = compact.mid(dot + 1);
        return (company.size() == 6 ? QLatin1Char('0') + company : company) + rest;
    }
    case IdentifierType::EuVat:
    case IdentifierType::NonEu:
    case IdentifierType::Tahiti:
        return withoutSpaces(input);
    case IdentifierType::Individual:
    case IdentifierType::Pending:
        return {};
    }
    return input;
}

QString StructureIdentifier::validate(IdentifierType type, const QString &input)
{
    const QString value = normalized(type, input);
    switch (type) {
    case IdentifierType::Siret:
        return Siret::validate(input);
    case IdentifierType::EuVat: {
        if (value.isEmpty())
            return tr("The VAT number is required.");
        const QString country = value.left(2);
        if (country == QLatin1String("FR"))
            return tr("The VAT number %1 is French: a structure in France is identified by its SIRET.")
                .arg(value);
        const auto format = vatFormats().constFind(country);
        if (format == vatFormats().cend())
            return tr("The VAT number %1 must start with the code of an EU member state other than France "
                      "(for instance DE, BE, IT; EL for Greece).")
                .arg(value);
        if (!matchesWhole(*format, value.mid(2)))
            return tr("The VAT number %1 does not have the format of %2's VAT numbers.").arg(value, country);
        return {};
    }
    case IdentifierType::NonEu: {
        if (value.isEmpty())
            return tr("The identifier is required.");
        if (value.size() < 3)
            return tr("The identifier %1 is too short: at least 3 characters.").arg(value);
        if (!matchesWhole(QStringLiteral("[A-Z0-9./-]+"), value))
            return tr("The identifier %1 may contain only letters, digits, '.', '/' and '-'.").arg(value);
        return {};
    }
    case IdentifierType::Ridet:
        if (value.isEmpty())
            return tr("The RIDET is required.");
        if (!matchesWhole(QStringLiteral("[0-9]{10}"), value))
            return tr("The RIDET %1 must be the company's 6 or 7 digits then the establishment's 3 "
                      "(for instance 1234567.001).")
                .arg(input.trimmed());
        return {};
    case IdentifierType::Tahiti:
        if (value.isEmpty())
            return tr("The TAHITI number is required.");
        if (!matchesWhole(QStringLiteral("[A-Z0-9][0-9]{5}[0-9]{3}"), value))
            return tr("The TAHITI number %1 must be the 6 characters of the number (a letter or digit, then "
                      "5 digits) followed by the establishment's 3 digits (for instance A12345001).")
                .arg(value);
        return {};
    case IdentifierType::Individual:
    case IdentifierType::Pending:
        return {};
    }
    return {};
}

QString BankDetails::normalized(const QString &input)
{
    return withoutSpaces(input);
}

QString BankDetails::validateIban(const QString &input)
{
    const QString iban = normalized(input);
    if (iban.isEmpty())
        return tr("The IBAN is required.");
    if (!matchesWhole(QStringLiteral("[A-Z]{2}[0-9]{2}[A-Z0-9]{1,30}"), iban))
        return tr("The IBAN %1 must be a country code, two check digits, then letters and digits.").arg(iban);
    const int expected = ibanLengths().value(iban.left(2), 0);
    if (expected > 0 && iban.size() != expected)
        return tr("The IBAN %1 has %2 characters; an IBAN of %3 has %4.")
            .arg(iban)
            .arg(iban.size())
            .arg(iban.left(2))
            .arg(expected);
    // ISO 13616: the first four characters moved to the end, letters as
    // 10..35, the number modulo 97 is 1 (computed piecewise).
    const QString moved = iban.mid(4) + iban.left(4);
    int remainder = 0;
    for (const QChar c : moved) {
        const int value = c.isDigit() ? c.unicode() - '0' : c.unicode() - 'A' + 10;
        remainder = (value >= 10 ? remainder * 100 : remainder * 10) + value;
        remainder %= 97;
    }
    if (remainder != 1)
        return tr("The IBAN %1 is not valid: its check digits are wrong.").arg(iban);
    return {};
}

QString BankDetails::validateBic(const QString &input)
{
    const QString bic = normalized(input);
    if (bic.isEmpty())
        return tr("The BIC is required.");
    if (!matchesWhole(QStringLiteral("[A-Z]{4}[A-Z]{2}[A-Z0-9]{2}([A-Z0-9]{3})?"), bic))
        return tr("The BIC %1 must be 8 or 11 characters: 4 letters (bank), 2 letters (country), 2 letters "
                  "or digits (place), optionally 3 letters or digits (branch).")
            .arg(bic);
    return {};
}

QString BankDetails::formattedIban(const QString &iban)
{
    QString result;
    for (int i = 0; i < iban.size(); i += 4) {
        if (!result.isEmpty())
            result += QLatin1Char(' ');
        result += iban.mid(i, 4);
    }
    return result;
}

} // namespace guichet
