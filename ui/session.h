#pragma once

#include "clock.h"
#include "commandgateway.h"
#include "core.h"
#include "database.h"

namespace guichet {

// What every screen needs: the local database it reads (the standalone file, or
// the replica when connected), core for its read functions, the clock, and the
// gateway through which it sends commands. Screens never call a command on
// `core` directly: changes go through `gateway`, so that the connected mode can
// send them to guichetd instead.
struct Session
{
    Database &db;
    Core &core;
    const Clock &clock;
    CommandGateway &gateway;

    qint64 userId() const { return gateway.userId(); }
};

} // namespace guichet
