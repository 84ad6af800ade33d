#pragma once

#include "kernel/commandresult.h"

#include <QCoreApplication>
#include <QList>
#include <QString>

namespace guichet {

class Clock;
class Database;

// One demo sign-in, as guichetctl demo prints it.
struct DemoLogin
{
    QString email;
    QString role; // translated description of what this login shows
};

// Fills an empty database with realistic demo data through the ordinary
// commands: a few hundred structures with services, users in every role
// (principal manager, secondary managers with and without the principal's
// powers, simple user, support, one account deactivated 10 days ago and one 70
// days ago), pending attachment and subscription requests, attached files and a
// solicitation. Refuses a database that already has users.
class DemoData
{
    Q_DECLARE_TR_FUNCTIONS(guichet::DemoData)

public:
    // The password of every demo login.
    static QString password();
    // The principal manager of the demo structures (the screenshot tour's login).
    static QString principalEmail();

    static CommandResult generate(Database &db, const Clock &clock, int structureCount,
                                  QList<DemoLogin> *logins);
};

} // namespace guichet
