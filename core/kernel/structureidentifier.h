#pragma once

#include <QCoreApplication>
#include <QList>
#include <QString>

#include <optional>

namespace guichet {

// How a structure is identified (« Créer une fiche structure »): by its SIRET,
// or, for an entity without one, by the identifier of its kind. The codes are
// what the database (structures.identifier_type) and the commands carry.
enum class IdentifierType {
    Siret, // "siret": a French establishment (kernel/siret.h)
    EuVat, // "eu": in the EU outside France, by its intra-community VAT number
    NonEu, // "non_eu": outside the EU, by its national identifier
    Ridet, // "ridet": New Caledonia's RIDET
    Tahiti, // "tahiti": French Polynesia's numéro TAHITI
    Individual, // "individual": a private individual, numbered by Guichet
    Pending, // "pending": registration in progress, numbered by Guichet until it has its SIRET
};

// Each type's check and normal form. Empty error: valid. The SIRET's check is
// kernel/siret.h's; the others are format checks (docs/RULES.md, Structures).
class StructureIdentifier
{
    Q_DECLARE_TR_FUNCTIONS(guichet::StructureIdentifier)

public:
    static QList<IdentifierType> types();
    static QString code(IdentifierType type);
    static std::optional<IdentifierType> fromCode(const QString &code);
    // The English label, to translate in the context "guichet::StructureIdentifier".
    static const char *labelSource(IdentifierType type);
    static QString label(IdentifierType type);
    // Translated label of a stored code (the code itself for an unknown one).
    static QString labelOfCode(const QString &code);
    // The short label of a stored code, for table columns (« TVA UE », « Hors UE »);
    // the code itself for an unknown one.
    static QString shortLabelOfCode(const QString &code);
    // The identifier with its kind, for a sentence or a list entry: « SIRET
    // 44306184100047 », « RIDET 1234567001 »; a number Guichet gave as is.
    static QString display(const QString &code, const QString &identifier);
    // Whether Guichet numbers the structure itself (no identifier is typed).
    static bool isGenerated(IdentifierType type);
    // The number Guichet gives the structure with this id (isGenerated types):
    // a '#' no typed identifier may contain, so that none can take it first.
    static QString generated(IdentifierType type, qint64 structureId);

    // The input as stored: spaces (and RIDET's dot) removed, letters upper-cased.
    static QString normalized(IdentifierType type, const QString &input);
    // Empty when `input` is a valid identifier of `type`, otherwise a readable
    // reason naming what is wrong. Not called for generated types.
    static QString validate(IdentifierType type, const QString &input);
};

// Bank details (« coordonnées bancaires ») of a structure, checked here too.
class BankDetails
{
    Q_DECLARE_TR_FUNCTIONS(guichet::BankDetails)

public:
    // Spaces removed, upper case.
    static QString normalized(const QString &input);
    // ISO 13616: country code, two check digits, up to 30 letters or digits,
    // the country's length where it is known, and the mod-97 check.
    static QString validateIban(const QString &input);
    // ISO 9362: 4 letters (institution), 2 letters (country), 2 letters or
    // digits (location), optionally 3 letters or digits (branch).
    static QString validateBic(const QString &input);
    // The IBAN grouped by four, as printed on a RIB.
    static QString formattedIban(const QString &iban);
};

} // namespace guichet
