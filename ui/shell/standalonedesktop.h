#pragma once

#include "client/directory.h"
#include "client/localcommandgateway.h"
#include "kernel/clock.h"
#include "kernel/core.h"
#include "kernel/database.h"
#include "ui/shell/session.h"

#include <memory>

namespace guichet {

// The desktop on its embedded default: one database (SQLite file or
// postgresql:// URL), migrated, with core, the local gateway and the local
// directory over it. Shared by guichet and the screenshot tool, so both start
// the same way.
class StandaloneDesktop
{
public:
    // Opens and migrates `location`; nullptr with *error when it cannot.
    static std::unique_ptr<StandaloneDesktop> open(const QString &location, QString *error);

    Session &session() { return m_session; }

private:
    explicit StandaloneDesktop(std::unique_ptr<Database> database);

    std::unique_ptr<Database> m_database;
    SystemClock m_clock;
    Core m_core;
    LocalCommandGateway m_gateway;
    LocalDirectory m_directory;
    Session m_session;
};

} // namespace guichet
