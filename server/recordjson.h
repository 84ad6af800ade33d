#pragma once

#include "rules/accounts/accounts.h"

#include <QJsonObject>

namespace guichet {

// The JSON of each record a route sends, one function per record; the
// desktop's RemoteDirectory reads it back into the same struct (docs/API.md).

// A row of GET /users: {"id", "email", "firstName", "lastName", "address"}.
QJsonObject userSearchResultJson(const UserSearchResult &user);

} // namespace guichet
