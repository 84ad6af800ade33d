#include "datagen/demodata.h"

#include "datagen/benchdata.h"
#include "kernel/core.h"
#include "rules/accounts/accounts.h"
#include "rules/attachments/attachments.h"
#include "rules/files/attachedfiles.h"
#include "rules/spaces/spaces.h"
#include "rules/spaces/subscriptions.h"
#include "rules/structures/structures.h"
#include "rules/support/solicitations.h"

namespace guichet {

namespace {

// The demo's story happens over the last months: each step runs at its own
// date, so that deactivations are 10 and 70 days old today.
class OffsetClock final : public Clock
{
public:
    explicit OffsetClock(const Clock &base)
        : m_base(base)
    {
    }
    QDateTime now() const override { return m_base.now().addDays(m_offsetDays); }
    void daysAgo(int days) { m_offsetDays = -days; }

private:
    const Clock &m_base;
    int m_offsetDays = 0;
};

// Stops the demo at the first refused command, with the command's reason.
qint64 check(const CommandResult &result, const char *step)
{
    if (!result.ok())
        throw CommandFailure(
            result.code, result.field,
            QStringLiteral("demo step '%1' failed: %2").arg(QLatin1String(step), result.message));
    return result.id;
}

struct DemoUser
{
    const char *email;
    const char *firstName;
    const char *lastName;
    bool support;
};

} // namespace

QString DemoData::password()
{
    return QStringLiteral("Guichet-Demo-2026");
}

QString DemoData::principalEmail()
{
    return QStringLiteral("claire.dubois@demo.guichet.fr");
}

CommandResult DemoData::generate(Database &db, const Clock &clock, int structureCount,
                                 QList<DemoLogin> *logins)
{
    if (db.value(QStringLiteral("SELECT COUNT(*) FROM users")).toLongLong() > 0)
        return CommandResult::failure(
            ErrorCode::Conflict, {},
            tr("The database already has users: the demo fills an empty database only."));
    OffsetClock demoClock(clock);
    Core core(db, demoClock);
    Accounts accounts(core);
    Structures structures(core);
    Attachments attachments(core);
    Subscriptions subscriptions(core);
    Spaces spaces(core);
    AttachedFiles files(core);
    Solicitations solicitations(core);

    try {
        // All or nothing: a demo that stops half-way leaves an empty database.
        Transaction transaction(db);
        demoClock.daysAgo(200);
        const CommandResult generated = generateStructures(db, structureCount, 2026);
        check(generated, "structures");

        const auto newUser = [&](const char *email, const char *first, const char *last, bool support) {
            NewUser user;
            user.email = QString::fromUtf8(email);
            user.firstName = QString::fromUtf8(first);
            user.lastName = QString::fromUtf8(last);
            user.password = password();
            user.support = support;
            return check(accounts.createUser(user), "user");
        };
        const qint64 claire = newUser("claire.dubois@demo.guichet.fr", "Claire", "Dubois", false);
        const qint64 sami = newUser("sami.benali@demo.guichet.fr", "Sami", "Benali", false);
        const qint64 nadia = newUser("nadia.petit@demo.guichet.fr", "Nadia", "Petit", false);
        const qint64 lea = newUser("lea.moreau@demo.guichet.fr", "Léa", "Moreau", false);
        const qint64 thomas = newUser("thomas.lambert@demo.guichet.fr", "Thomas", "Lambert", false);
        const qint64 marc = newUser("marc.girard@demo.guichet.fr", "Marc", "Girard", false);
        const qint64 julie = newUser("julie.roux@demo.guichet.fr", "Julie", "Roux", false);
        newUser("support@demo.guichet.fr", "Sophie", "Support", true);

        Profile claireProfile;
        claireProfile.contactEmail = QStringLiteral("claire.dubois@demo.guichet.fr");
        claireProfile.firstName = QStringLiteral("Claire");
        claireProfile.lastName = QStringLiteral("Dubois");
        claireProfile.addressLine = QStringLiteral("12 rue des Ateliers");
        claireProfile.postalCode = QStringLiteral("69003");
        claireProfile.city = QStringLiteral("Lyon");
        claireProfile.country = QStringLiteral("France");
        check(accounts.updateProfile(claire, claireProfile), "profile");
        check(accounts.setNotifications(claire, true, claireProfile.contactEmail), "notifications");
        check(accounts.setNotifications(lea, true, QStringLiteral("lea.moreau@demo.guichet.fr")),
              "notifications");

        // Claire creates three structures, so she is their principal manager.
        const auto newStructure = [&](const char *siret, const char *name, const char *libelle,
                                      const char *address, const char *postalCode, const char *city) {
            StructureInput input;
            input.siret = QString::fromLatin1(siret);
            input.raisonSociale = QString::fromUtf8(name);
            input.libelle = QString::fromUtf8(libelle);
            input.adresse = QString::fromUtf8(address);
            input.codePostal = QString::fromLatin1(postalCode);
            input.ville = QString::fromUtf8(city);
            return check(structures.createStructure(claire, input), "structure");
        };
        const qint64 menuiserie
            = newStructure("73282932000074", "Menuiserie Dupont", "Siège", "4 quai Rambaud", "69002", "Lyon");
        const qint64 boulangerie = newStructure("44306184100047", "Boulangerie Martin", "Fournil",
                                                "8 place Carnot", "69002", "Lyon");
        const qint64 transports = newStructure("55210055400013", "Transports Lefèvre", "Dépôt de Vénissieux",
                                               "27 avenue de la République", "69200", "Vénissieux");
        const auto newService = [&](qint64 structure, const char *code, const char *name) {
            return check(
                structures.addService(claire, structure, QString::fromLatin1(code), QString::fromUtf8(name)),
                "service");
        };
        const qint64 comptabilite = newService(menuiserie, "COMPTA", "Comptabilité");
        newService(menuiserie, "ACHATS", "Achats");
        const qint64 atelier = newService(menuiserie, "ATELIER", "Atelier");
        newService(boulangerie, "VENTE", "Vente");
        newService(transports, "EXPLOIT", "Exploitation");
        check(attachments.setSecondaryPowers(claire, menuiserie, true), "powers");

        // Users ask to be attached; Claire validates and names the managers.
        const auto attach = [&](qint64 user, qint64 structure, bool whole, const QList<qint64> &services) {
            AttachmentRequest request;
            request.structureId = structure;
            request.validFrom = demoClock.today();
            request.wholeStructure = whole;
            request.serviceIds = services;
            const qint64 id = check(attachments.requestAttachment(user, request), "attachment request");
            check(attachments.decideAttachment(claire, id, true, tr("Welcome to the structure.")),
                  "decision");
            return id;
        };
        const qint64 samiAttachment = attach(sami, menuiserie, true, {});
        check(attachments.setAttachmentRole(claire, samiAttachment, Role::Secondary), "role");
        const qint64 nadiaAttachment = attach(nadia, boulangerie, true, {});
        check(attachments.setAttachmentRole(claire, nadiaAttachment, Role::Secondary), "role");
        attach(lea, menuiserie, false, { comptabilite, atelier });
        attach(marc, transports, true, {});
        attach(julie, boulangerie, true, {});

        demoClock.daysAgo(120);
        check(spaces.enableStructureSpace(claire, menuiserie, QStringLiteral("factures_recues")),
              "structure space");

        // Léa's files (« Mes pièces jointes »).
        const auto addFileFor = [&](qint64 owner, const char *designation, const char *type, const char *name,
                                    const QByteArray &body) {
            AttachedFiles::NewFile file;
            file.designation = QString::fromUtf8(designation);
            file.fileType = QString::fromLatin1(type);
            file.fileName = QString::fromUtf8(name);
            file.content = body;
            check(files.addFile(owner, file), "file");
        };
        const auto addFile = [&](const char *designation, const char *type, const char *name,
                                 const QByteArray &body) { addFileFor(lea, designation, type, name, body); };
        addFileFor(claire, "Extrait Kbis de la Menuiserie Dupont", "justificatif",
                   "kbis-menuiserie-dupont.txt",
                   QByteArrayLiteral("Extrait Kbis (document de démonstration)\n"));
        addFile("Carte grise du véhicule de service", "carte_grise", "carte-grise-AB-123-CD.txt",
                QByteArrayLiteral("Certificat d'immatriculation AB-123-CD (document de démonstration)\n"));
        addFile(
            "Devis menuiserie atelier", "devis", "devis-2026-014.txt",
            QByteArrayLiteral("Devis 2026-014 : fourniture de chêne massif (document de démonstration)\n"));

        // Julie left 70 days ago: only support can bring her back.
        demoClock.daysAgo(70);
        check(accounts.deactivateAccount(julie, Successors::none()), "deactivation");
        // Marc left 10 days ago: he can still reactivate himself.
        demoClock.daysAgo(10);
        check(accounts.deactivateAccount(marc, Successors::none()), "deactivation");

        // What waits for the managers today.
        demoClock.daysAgo(3);
        AttachmentRequest thomasRequest;
        thomasRequest.structureId = menuiserie;
        thomasRequest.validFrom = demoClock.today().addDays(7);
        thomasRequest.validUntil = demoClock.today().addYears(1);
        check(attachments.requestAttachment(thomas, thomasRequest), "pending attachment");
        AttachmentRequest thomasBakery;
        thomasBakery.structureId = boulangerie;
        thomasBakery.validFrom = demoClock.today();
        check(attachments.requestAttachment(thomas, thomasBakery), "pending attachment");

        demoClock.daysAgo(1);
        SubscriptionRequest leaRequest;
        leaRequest.structureId = menuiserie;
        leaRequest.spaceCode = QStringLiteral("sollicitations_recues");
        leaRequest.lines = { { comptabilite, true, true } };
        leaRequest.effectiveDate = demoClock.today();
        leaRequest.comment = tr("To follow the suppliers' questions on invoices.");
        check(subscriptions.requestSubscription(lea, leaRequest), "pending subscription");
        // The joinery keeps « Factures émises » to its managers: Léa's removal
        // of the workshop's waits for Claire (« Suppression demandée »).
        for (const SubscriptionView &own : subscriptions.userSubscriptions(lea)) {
            if (own.spaceCode == QLatin1String("factures_emises") && own.serviceId == atelier) {
                check(subscriptions.removeSubscriptions(lea, { own.id }), "removal request");
                break;
            }
        }

        NewSolicitation solicitation;
        solicitation.category = QStringLiteral("reactivation");
        solicitation.subject = tr("Reactivating my account");
        solicitation.body = tr("My account was deactivated more than 60 days ago; could you reactivate it?");
        check(solicitations.createAnonymousSolicitation(QStringLiteral("julie.roux@demo.guichet.fr"),
                                                        solicitation),
              "solicitation");
        demoClock.daysAgo(0);
        transaction.commit();
    } catch (const CommandFailure &failure) {
        return CommandResult::failure(failure.code(), failure.field(), failure.message());
    } catch (const DatabaseError &error) {
        return CommandResult::failure(ErrorCode::Internal, {}, error.message());
    }

    if (logins) {
        *logins = {
            { QStringLiteral("claire.dubois@demo.guichet.fr"), tr("principal manager of three structures") },
            { QStringLiteral("sami.benali@demo.guichet.fr"),
              tr("secondary manager with the principal's powers") },
            { QStringLiteral("nadia.petit@demo.guichet.fr"),
              tr("secondary manager without the principal's powers") },
            { QStringLiteral("lea.moreau@demo.guichet.fr"), tr("simple user with attached files") },
            { QStringLiteral("thomas.lambert@demo.guichet.fr"),
              tr("user whose attachment requests are pending") },
            { QStringLiteral("support@demo.guichet.fr"), tr("support staff") },
            { QStringLiteral("marc.girard@demo.guichet.fr"), tr("deactivated 10 days ago (can reactivate)") },
            { QStringLiteral("julie.roux@demo.guichet.fr"), tr("deactivated 70 days ago (needs support)") },
        };
    }
    return CommandResult::success();
}

} // namespace guichet
