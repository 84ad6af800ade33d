#pragma once

#include "client/commandgateway.h"
#include "client/directory.h"
#include "kernel/clock.h"
#include "kernel/core.h"
#include "kernel/database.h"

namespace guichet {

// What every screen needs: the local database it reads (the standalone file, or
// the replica when connected), core for its read functions, the clock, the
// gateway through which it sends commands, and the directory for what the
// replica does not hold (structure and user searches, file contents). Screens
// never call a command on `core` directly: changes go through `gateway`, so
// that the connected mode can send them to guichetd instead.
struct Session
{
    Database &db;
    Core &core;
    const Clock &clock;
    CommandGateway &gateway;
    Directory &directory;

    qint64 userId() const { return gateway.userId(); }
};

} // namespace guichet
