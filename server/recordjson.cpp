#include "server/recordjson.h"

#include <QJsonArray>

namespace guichet {

QJsonObject userSearchResultJson(const UserSearchResult &user)
{
    return { { QStringLiteral("id"), user.id },
             { QStringLiteral("email"), user.email },
             { QStringLiteral("firstName"), user.firstName },
             { QStringLiteral("lastName"), user.lastName },
             { QStringLiteral("address"), user.address } };
}

QJsonObject attachmentViewJson(const AttachmentView &view)
{
    QJsonArray serviceIds;
    for (const qint64 id : view.serviceIds)
        serviceIds.append(id);
    return { { QStringLiteral("id"), view.id },
             { QStringLiteral("userId"), view.userId },
             { QStringLiteral("firstName"), view.firstName },
             { QStringLiteral("lastName"), view.lastName },
             { QStringLiteral("email"), view.email },
             { QStringLiteral("structureId"), view.structureId },
             { QStringLiteral("siret"), view.siret },
             { QStringLiteral("identifierType"), view.identifierType },
             { QStringLiteral("raisonSociale"), view.raisonSociale },
             { QStringLiteral("role"), roleToString(view.role) },
             { QStringLiteral("wholeStructure"), view.wholeStructure },
             { QStringLiteral("serviceIds"), serviceIds },
             { QStringLiteral("services"), QJsonArray::fromStringList(view.services) },
             { QStringLiteral("validFrom"), view.validFrom.toString(Qt::ISODate) },
             { QStringLiteral("validUntil"), view.validUntil.toString(Qt::ISODate) },
             { QStringLiteral("status"), view.status },
             { QStringLiteral("requestedAt"), view.requestedAt } };
}

} // namespace guichet
