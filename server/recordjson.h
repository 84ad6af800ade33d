#pragma once

#include "rules/accounts/accounts.h"
#include "rules/attachments/attachments.h"

#include <QJsonObject>

namespace guichet {

// The JSON of each record a route sends, one function per record; the
// desktop's RemoteDirectory reads it back into the same struct (docs/API.md).

// A row of GET /users: {"id", "email", "firstName", "lastName", "address"}.
QJsonObject userSearchResultJson(const UserSearchResult &user);

// A row of GET /support/principal-requests: a pending attachment request with
// its requester: {"id", "userId", "firstName", "lastName", "email",
// "structureId", "siret", "identifierType", "raisonSociale", "role",
// "wholeStructure", "serviceIds", "services", "validFrom", "validUntil",
// "status", "requestedAt"}.
QJsonObject attachmentViewJson(const AttachmentView &view);

} // namespace guichet
