#pragma once

#include "client/commandgateway.h"
#include "kernel/database.h"

#include <memory>

namespace guichet::test {

// What a gateway's callback received, and whether it was called at all.
struct Answer
{
    bool called = false;
    CommandResult result;
};
// A callback that records into answer, and fails the test if called twice.
CommandGateway::Callback recordInto(Answer &answer);
// An answer of the outbox: accepted for sending later.
bool isQueued(const CommandResult &result);

// A loopback port nothing listens on: connections are refused at once.
quint16 closedPort();
// A desktop's replica at location, migrated; null (with a warning) when it failed.
std::unique_ptr<Database> openReplica(const QString &location);

} // namespace guichet::test
