#pragma once

#include "kernel/commandresult.h"

#include <QCoreApplication>
#include <QHash>
#include <QList>
#include <QString>
#include <QStringList>

#include <optional>

namespace guichet {

class Core;
class CommandContext;
class Database;

// What a fiche structure holds that its managers type in.
struct StructureInput
{
    QString siret;
    QString raisonSociale;
    QString libelle;
    QString adresse;
    QString codePostal;
    QString ville;
    // How `siret` identifies the structure (StructureIdentifier::code): a
    // SIRET by default; for the types Guichet numbers itself, `siret` is not read.
    QString identifierType = QStringLiteral("siret");
};

// A service given when the structure is created.
struct NewService
{
    QString code;
    QString name;
};

// A structure's bank details (« coordonnées bancaires »), as stored: both
// empty means none.
struct StructureBank
{
    QString iban;
    QString bic;
    bool isEmpty() const { return iban.isEmpty() && bic.isEmpty(); }
};

// Everything « Créer une fiche structure » asks.
struct NewStructure
{
    StructureInput fields;
    // Created with the structure, in this order.
    QList<NewService> services;
    // Optional: empty means none.
    StructureBank bank;
    // Who becomes principal manager: 0 (or the creator's id) for the creator,
    // else an active account (requireSuccessor's rule), who is told by mail.
    qint64 principalId = 0;
    // Codes of the spaces set at structure level (Spaces::enableStructureSpace).
    QStringList spaces;
};

// Search criteria of the structure search screen. `*` is a wildcard; a criterion
// without `*` must match the whole field. Matching ignores case and accents;
// non-empty criteria are ANDed; empty ones are ignored.
struct StructureCriteria
{
    QString raisonSociale;
    QString siret;
    QString libelle;
    QString codePostal;
    QString ville;

    // True when every criterion is empty (after trimming): such a search lists nothing.
    bool isEmpty() const;
};

// A fiche structure as the screens show it.
struct StructureRow
{
    qint64 id = 0;
    QString siret;
    QString raisonSociale;
    QString libelle;
    QString adresse; // the postal address's street line
    QString codePostal;
    QString ville;
    // StructureIdentifier::code of how `siret` identifies it.
    QString identifierType;
    // The principal manager granted secondary managers the principal's powers.
    bool secondaryPowers = false;
    // The key the search orders by (structureSortKey of the raison sociale).
    QString sortKey;
};

// Where a keyset page of the structure search starts: after the row with this
// sort key and id (the last row of the previous page).
struct StructureCursor
{
    QString sortKey;
    qint64 id = 0;
};

// A number of matching structures. When not exact, `count` is a lower bound:
// at least that many match, and counting them all was left for later
// (Structures::count) because it would cost more than the page itself.
struct StructureCount
{
    qint64 count = 0;
    bool exact = true;
};

// A page of the structure search with the count of its matches.
struct StructureSearchPage
{
    QList<StructureRow> rows;
    StructureCount count;
};

struct ServiceRow
{
    qint64 id = 0;
    qint64 structureId = 0;
    QString code;
    QString name;
    bool active = true;
};

// Fiches structure and their services.
class Structures
{
    Q_DECLARE_TR_FUNCTIONS(guichet::Structures)

public:
    explicit Structures(Core &core);

    // Creates a structure; its creator becomes its principal manager (validated
    // attachment to the whole structure from today). Result id: the structure.
    CommandResult createStructure(qint64 actorId, const StructureInput &input);
    // The full record: the structure, its services, its bank details, the
    // spaces set at structure level, and its principal manager (the creator or
    // the active user they designate). All or nothing; a refusal names the
    // field (identifierType, siret, services, iban, bic, principal, spaces).
    CommandResult createStructure(qint64 actorId, const NewStructure &input);
    // Changes a structure's fields: its principal manager, a secondary manager when
    // the structure grants them the principal's powers, or support staff. With
    // `bank`, its bank details too (empty: removes them), which only those who
    // may see them (mayManage) may change.
    CommandResult updateStructure(qint64 actorId, qint64 structureId, const StructureInput &input,
                                  const std::optional<StructureBank> &bank = std::nullopt);
    // Adds a service (code unique within the structure), same rights as updating.
    CommandResult addService(qint64 actorId, qint64 structureId, const QString &code, const QString &name);
    CommandResult setServiceActive(qint64 actorId, qint64 serviceId, bool active);

    QList<ServiceRow> listServices(qint64 structureId) const;
    std::optional<StructureRow> structure(qint64 structureId) const;
    // The structure with this SIRET (as stored: 14 digits), if any.
    std::optional<StructureRow> structureBySiret(const QString &siret) const;
    // The fields the fiche structure's form shows and edits, as stored.
    std::optional<StructureInput> fields(qint64 structureId) const;
    // The structure's bank details for `viewerId`: nothing unless the viewer
    // manages it (mayManage; support staff and simple users do not see them).
    std::optional<StructureBank> bankDetails(qint64 viewerId, qint64 structureId) const;
    // How many structures the database holds.
    qint64 total() const;
    // Every structure, by raison sociale then id (the support console's lists).
    QList<StructureRow> all() const;

    // One page of matching structures in the French order of their raison
    // sociale (structureSortKey: case and accents ignored) then id, and the
    // number of matches. Empty criteria give an empty page and a count of 0.
    // search() skips `offset` matches; searchAfter() is the keyset form, which
    // starts after `after` (the previous page's last row; none: the first page)
    // and costs the same however deep the page.
    // A refusal naming the first criterion over textLimit::SearchTerm (by its
    // API parameter name); search() and count() find nothing for such criteria.
    static std::optional<CommandResult> checkCriteria(const StructureCriteria &criteria);
    QList<StructureRow> search(const StructureCriteria &criteria, int offset, int limit) const;
    QList<StructureRow> searchAfter(const StructureCriteria &criteria,
                                    const std::optional<StructureCursor> &after, int limit) const;
    // The exact number of matches (costs up to a scan for patterns shorter than
    // three characters).
    qint64 count(const StructureCriteria &criteria) const;
    // The number of matches when it is cheap to know; otherwise a lower bound,
    // with exact false: at most `bound`, and often what the reads that serve
    // the first page found (the hits a page would sort, or a sample of the
    // rows) — counting further would cost more than the page.
    StructureCount countBounded(const StructureCriteria &criteria, qint64 bound = defaultCountBound) const;
    static constexpr qint64 defaultCountBound = 10000;
    // searchAfter() (or search() at `offset` without a cursor) and
    // countBounded() at once: what the first page of a search shows. Cheaper
    // than the two calls on PostgreSQL when both would read the trigram index.
    StructureSearchPage searchWithCount(const StructureCriteria &criteria,
                                        const std::optional<StructureCursor> &after, int offset, int limit,
                                        qint64 bound = defaultCountBound) const;
    // Divides the hit counts and walk lengths at which the search changes its
    // plan (docs/PERFORMANCE.md), so that a test's few hundred rows take every
    // plan; 1 restores them. Not thread-safe: tests only.
    static void setSearchPlanScaleForTests(int divisor);

    // Whether the user may change the structure (principal manager, secondary
    // manager with the principal's powers, or support), as of the core's clock.
    bool mayManage(qint64 userId, qint64 structureId) const;

private:
    Core &m_core;
};

// The key structures are ordered by: the raison sociale folded as for the search
// (lower case, accents removed), so that the order of its bytes is the French
// reader's order. Stored in structures.sort_key by every write of a structure.
QString structureSortKey(const QString &raisonSociale);

// Checks a structure's fields (not SIRET uniqueness); fails naming the field.
// Returns the input with the identifier normalized (empty for the types Guichet
// numbers) and fields trimmed.
StructureInput checkedStructureInput(const StructureInput &input);
// Readable reason when input is invalid (empty when valid) and the field at fault;
// what checkedStructureInput throws, usable outside a command.
QString structureInputError(const StructureInput &input, QString *field);
// The same for bank details (empty: none; else a valid IBAN, and a valid BIC
// when one is given).
QString structureBankError(const StructureBank &bank, QString *field);
// The same for services given at creation (field "services").
QString newServicesError(const QList<NewService> &services, QString *field);
// At most this many services at creation.
inline constexpr int maxNewServices = 100;
// At most this many space codes at creation (the catalogue has 7).
inline constexpr int maxNewSpaces = 50;

// Inserts already checked structures and their folded search rows in batches,
// all with the given version. Returns SIRET -> new id. No rule is checked here:
// callers (import, synthetic data) check first.
QHash<QString, qint64> insertStructuresBulk(Database &db, const QList<StructureInput> &structures,
                                            qint64 version, qint64 createdAt);

} // namespace guichet
