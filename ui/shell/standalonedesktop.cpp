#include "ui/shell/standalonedesktop.h"

namespace guichet {

std::unique_ptr<StandaloneDesktop> StandaloneDesktop::open(const QString &location, QString *error)
{
    auto database = Database::open(location, error);
    if (!database || !database->migrate(error))
        return nullptr;
    return std::unique_ptr<StandaloneDesktop>(new StandaloneDesktop(std::move(database)));
}

StandaloneDesktop::StandaloneDesktop(std::unique_ptr<Database> database)
    : m_database(std::move(database))
    , m_core(*m_database, m_clock)
    , m_gateway(m_core)
    , m_directory(m_core, m_gateway)
    , m_session { m_core, m_clock, m_gateway, m_directory }
{
}

} // namespace guichet
