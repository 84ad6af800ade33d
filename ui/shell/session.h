#pragma once

#include "client/commandgateway.h"
#include "client/directory.h"
#include "kernel/clock.h"
#include "kernel/core.h"

namespace guichet {

// What every screen needs: core for its read functions over the local data (the
// standalone file, or the replica when connected), the clock, the gateway
// through which it sends commands, and the directory for what the replica does
// not hold (structure and user searches and export, file contents). Screens
// hold no Database and never call a command on `core`: changes go through
// `gateway`, so that the connected mode can send them to guichetd instead (the
// layering test checks both).
struct Session
{
    Core &core;
    const Clock &clock;
    CommandGateway &gateway;
    Directory &directory;

    qint64 userId() const { return gateway.userId(); }
};

} // namespace guichet
