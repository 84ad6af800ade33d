#include "server/recordjson.h"

namespace guichet {

QJsonObject userSearchResultJson(const UserSearchResult &user)
{
    return { { QStringLiteral("id"), user.id },
             { QStringLiteral("email"), user.email },
             { QStringLiteral("firstName"), user.firstName },
             { QStringLiteral("lastName"), user.lastName },
             { QStringLiteral("address"), user.address } };
}

} // namespace guichet
