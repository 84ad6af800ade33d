#include "coreworld.h"

namespace guichet::test {

CoreWorld::CoreWorld()
{
    if (t.isValid())
        core = std::make_unique<Core>(t.db(), clock);
}

CoreWorld::~CoreWorld() = default;

int CoreWorld::count(const QString &sql, const QVariantList &args)
{
    return t.db().value(sql, args).toInt();
}

} // namespace guichet::test
