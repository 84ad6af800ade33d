#include "fixtures.h"

#include "rules/structures/structures.h"

namespace guichet::test {

qint64 insertUser(Database &db, const QString &email, const QString &firstName, const QString &lastName,
                  bool support)
{
    return db.insert(
        QStringLiteral("INSERT INTO users (email, first_name, last_name, contact_email, password_hash, "
                       "language, is_support, created_at, version) VALUES (?, ?, ?, ?, '!', 'en', ?, 0, 0) "
                       "RETURNING id"),
        { email.toLower(), firstName, lastName, email.toLower(), support ? 1 : 0 });
}

qint64 insertSupportUser(Database &db)
{
    return insertUser(db, QStringLiteral("support@example.org"), QStringLiteral("Sue"),
                      QStringLiteral("Port"), true);
}

qint64 insertStructure(Database &db, const QString &siret, const QString &raisonSociale, bool secondaryPowers)
{
    const qint64 id = db.insert(
        QStringLiteral("INSERT INTO structures (siret, raison_sociale, secondary_powers, created_at, "
                       "version, sort_key) VALUES (?, ?, ?, 0, 0, ?) RETURNING id"),
        { siret, raisonSociale, secondaryPowers ? 1 : 0, structureSortKey(raisonSociale) });
    db.exec(QStringLiteral(
                "INSERT INTO structures_search (rowid, raison_sociale, siret, libelle, code_postal, ville) "
                "VALUES (?, ?, ?, '', '', '')"),
            { id, raisonSociale.toLower(), siret });
    return id;
}

qint64 insertService(Database &db, qint64 structureId, const QString &code, const QString &name)
{
    return db.insert(
        QStringLiteral("INSERT INTO services (structure_id, code, name, version) VALUES (?, ?, ?, 0) "
                       "RETURNING id"),
        { structureId, code, name });
}

qint64 insertAttachment(Database &db, qint64 userId, qint64 structureId, const QString &role,
                        const QString &status, QDate validFrom, QDate validUntil)
{
    return db.insert(
        QStringLiteral("INSERT INTO attachments (user_id, structure_id, role, whole_structure, "
                       "valid_from, valid_until, status, requested_at, version) VALUES (?, ?, ?, 1, ?, ?, "
                       "?, 0, 0) RETURNING id"),
        { userId, structureId, role, validFrom.toString(Qt::ISODate),
          validUntil.isValid() ? QVariant(validUntil.toString(Qt::ISODate)) : QVariant(), status });
}

TwoStructures insertTwoStructures(Database &db)
{
    TwoStructures w;
    w.s = insertStructure(db, validSiret(1), QStringLiteral("Menuiserie Dupont"));
    w.s2 = insertStructure(db, validSiret(2), QStringLiteral("Boulangerie Martin"));
    w.a = insertService(db, w.s, QStringLiteral("A"), QStringLiteral("Atelier"));
    w.b = insertService(db, w.s, QStringLiteral("B"), QStringLiteral("Bureau"));
    w.c = insertService(db, w.s, QStringLiteral("C"), QStringLiteral("Cave"));
    db.exec(QStringLiteral("UPDATE services SET active = 0 WHERE id = ?"), { w.c });
    w.x = insertService(db, w.s2, QStringLiteral("X"), QStringLiteral("Fournil"));
    return w;
}

QString validSiret(int n)
{
    // 13 digits from n, then the Luhn check digit.
    const QString base = QStringLiteral("%1").arg(100000000000LL + n, 13, 10, QLatin1Char('0'));
    int sum = 0;
    for (int i = 0; i < 13; ++i) {
        int digit = base.at(12 - i).digitValue();
        if (i % 2 == 0) {
            digit *= 2;
            if (digit > 9)
                digit -= 9;
        }
        sum += digit;
    }
    return base + QString::number((10 - sum % 10) % 10);
}

} // namespace guichet::test
