#pragma once

#include "kernel/database.h"

#include <QDate>
#include <QString>

namespace guichet::test {

// Direct inserts for setting up a test's world quickly. They bypass the rules on
// purpose: a test of a rule goes through the rule's command, never these.

// A user with an unusable password hash (sign-in tests set their own). English
// speaking, so that tests read mails in the source language; tests of the
// recipient's language set users.language themselves.
qint64 insertUser(Database &db, const QString &email, const QString &firstName = QStringLiteral("Alice"),
                  const QString &lastName = QStringLiteral("Martin"), bool support = false);
// Support staff Sue Port, support@example.org.
qint64 insertSupportUser(Database &db);
// A structure with a (not necessarily valid) SIRET.
qint64 insertStructure(Database &db, const QString &siret, const QString &raisonSociale,
                       bool secondaryPowers = false);
qint64 insertService(Database &db, qint64 structureId, const QString &code, const QString &name);
// An attachment (rattachement) of a user to a structure.
qint64 insertAttachment(Database &db, qint64 userId, qint64 structureId, const QString &role,
                        const QString &status = QStringLiteral("validated"),
                        QDate validFrom = QDate(2026, 1, 1), QDate validUntil = QDate());
// The two structures most tests share: Menuiserie Dupont (services A « Atelier »,
// B « Bureau » and the inactive C « Cave ») and Boulangerie Martin (service X
// « Fournil »), nobody attached yet.
struct TwoStructures
{
    qint64 s = 0, s2 = 0;
    qint64 a = 0, b = 0, c = 0, x = 0;
};
TwoStructures insertTwoStructures(Database &db);
// Valid SIRETs for tests (Luhn-checked).
QString validSiret(int n);

} // namespace guichet::test
