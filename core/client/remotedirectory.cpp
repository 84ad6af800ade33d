#include "client/remotedirectory.h"

#include "client/remotecommandgateway.h"
#include "kernel/database.h"

#include <QCryptographicHash>
#include <QDir>
#include <QFile>
#include <QJsonArray>
#include <QJsonObject>
#include <QPointer>
#include <QSaveFile>
#include <QStandardPaths>

namespace guichet {

namespace {

QString sha256Of(const QByteArray &bytes)
{
    return QString::fromLatin1(QCryptographicHash::hash(bytes, QCryptographicHash::Sha256).toHex());
}

// Runs `call` once the reply finished, unless the screen that asked is gone.
template<typename Call> void whenFinished(QNetworkReply *reply, QObject *context, Call call)
{
    const QPointer<QObject> guard(context);
    const bool hadContext = context != nullptr;
    QObject::connect(reply, &QNetworkReply::finished, reply, [reply, guard, hadContext, call] {
        reply->deleteLater();
        if (hadContext && !guard)
            return;
        call(HttpAnswer::read(reply));
    });
}

// One row of GET /users, as server/recordjson.cpp writes it.
UserSearchResult userSearchResultFromJson(const QJsonObject &row)
{
    UserSearchResult user;
    user.id = row.value(QLatin1String("id")).toInteger();
    user.email = row.value(QLatin1String("email")).toString();
    user.firstName = row.value(QLatin1String("firstName")).toString();
    user.lastName = row.value(QLatin1String("lastName")).toString();
    user.address = row.value(QLatin1String("address")).toString();
    return user;
}
// One row of GET /support/principal-requests, as server/recordjson.cpp writes it.
AttachmentView attachmentViewFromJson(const QJsonObject &row)
{
    AttachmentView view;
    view.id = row.value(QLatin1String("id")).toInteger();
    view.userId = row.value(QLatin1String("userId")).toInteger();
    view.firstName = row.value(QLatin1String("firstName")).toString();
    view.lastName = row.value(QLatin1String("lastName")).toString();
    view.email = row.value(QLatin1String("email")).toString();
    view.structureId = row.value(QLatin1String("structureId")).toInteger();
    view.siret = row.value(QLatin1String("siret")).toString();
    view.identifierType = row.value(QLatin1String("identifierType")).toString();
    view.raisonSociale = row.value(QLatin1String("raisonSociale")).toString();
    view.role = roleFromString(row.value(QLatin1String("role")).toString());
    view.wholeStructure = row.value(QLatin1String("wholeStructure")).toBool();
    for (const QJsonValue &id : row.value(QLatin1String("serviceIds")).toArray())
        view.serviceIds.append(id.toInteger());
    for (const QJsonValue &name : row.value(QLatin1String("services")).toArray())
        view.services.append(name.toString());
    view.validFrom = QDate::fromString(row.value(QLatin1String("validFrom")).toString(), Qt::ISODate);
    view.validUntil = QDate::fromString(row.value(QLatin1String("validUntil")).toString(), Qt::ISODate);
    view.status = row.value(QLatin1String("status")).toString();
    view.requestedAt = row.value(QLatin1String("requestedAt")).toInteger();
    return view;
}
} // namespace

RemoteDirectory::RemoteDirectory(RemoteCommandGateway &gateway, Database &replica, const QString &cacheDir,
                                 QObject *parent)
    : Directory(parent)
    , m_gateway(gateway)
    , m_replica(replica)
    , m_cacheDir(cacheDir.isEmpty() ? QStandardPaths::writableLocation(QStandardPaths::CacheLocation)
                         + QStringLiteral("/files")
                                    : cacheDir)
{
}

namespace {

// A criterion or cursor as a query value: QUrlQuery leaves '+' as it is,
// which guichetd reads as a space (form encoding), so it is sent as %2B.
QString queryValue(const QString &value)
{
    QString encoded = value;
    encoded.replace(QLatin1Char('%'), QStringLiteral("%25"));
    encoded.replace(QLatin1Char('+'), QStringLiteral("%2B"));
    return encoded;
}

QUrlQuery criteriaQuery(const StructureCriteria &criteria)
{
    QUrlQuery query;
    query.addQueryItem(QStringLiteral("raison_sociale"), queryValue(criteria.raisonSociale));
    query.addQueryItem(QStringLiteral("siret"), queryValue(criteria.siret));
    query.addQueryItem(QStringLiteral("libelle"), queryValue(criteria.libelle));
    query.addQueryItem(QStringLiteral("code_postal"), queryValue(criteria.codePostal));
    query.addQueryItem(QStringLiteral("ville"), queryValue(criteria.ville));
    return query;
}

// GET /structures's page: its rows, "more", and the cursor after its last row.
StructurePage pageFromJson(const QJsonObject &json)
{
    StructurePage page;
    for (const QJsonValue &value : json.value(QLatin1String("rows")).toArray()) {
        const QJsonObject row = value.toObject();
        StructureRow structure;
        structure.id = row.value(QLatin1String("id")).toInteger();
        structure.siret = row.value(QLatin1String("siret")).toString();
        structure.raisonSociale = row.value(QLatin1String("raison_sociale")).toString();
        structure.libelle = row.value(QLatin1String("libelle")).toString();
        structure.codePostal = row.value(QLatin1String("code_postal")).toString();
        structure.ville = row.value(QLatin1String("ville")).toString();
        structure.identifierType = row.value(QLatin1String("identifier_type")).toString();
        page.rows.append(structure);
    }
    // The server's key, not one folded here: the next page starts exactly
    // where the server's order left off.
    const QJsonObject next = json.value(QLatin1String("next")).toObject();
    if (!page.rows.isEmpty() && next.value(QLatin1String("after_id")).toInteger() == page.rows.last().id)
        page.rows.last().sortKey = next.value(QLatin1String("after_key")).toString();
    page.more = json.value(QLatin1String("more")).toBool();
    return page;
}

} // namespace

bool RemoteDirectory::accepted(const HttpAnswer &answer) const
{
    m_gateway.noteReachable(!answer.unreachable);
    if (answer.status == 401)
        m_gateway.noteSessionExpired();
    return answer.isSuccess();
}

void RemoteDirectory::requestCount(const StructureCriteria &criteria, const QString &mode, QObject *context,
                                   std::function<void(const CommandResult &, const QJsonObject &)> done)
{
    QUrlQuery query = criteriaQuery(criteria);
    query.addQueryItem(QStringLiteral("count"), mode);
    query.addQueryItem(QStringLiteral("limit"), QStringLiteral("1"));
    QNetworkReply *reply = m_gateway.network().get(m_gateway.request(QStringLiteral("structures"), query));
    whenFinished(reply, context, [this, done](const HttpAnswer &answer) {
        if (!accepted(answer)) {
            done(answer.result(), {});
            return;
        }
        done(CommandResult::success(), answer.json);
    });
}

void RemoteDirectory::countStructures(const StructureCriteria &criteria, QObject *context, CountCallback done)
{
    if (criteria.isEmpty()) {
        done(CommandResult::success(), 0);
        return;
    }
    requestCount(criteria, QStringLiteral("exact"), context,
                 [done](const CommandResult &result, const QJsonObject &json) {
                     done(result, result.ok() ? json.value(QLatin1String("count")).toInteger(-1) : 0);
                 });
}

void RemoteDirectory::countStructuresBounded(const StructureCriteria &criteria, QObject *context,
                                             BoundedCountCallback done)
{
    if (criteria.isEmpty()) {
        done(CommandResult::success(), StructureCount {});
        return;
    }
    requestCount(criteria, QStringLiteral("bounded"), context,
                 [done](const CommandResult &result, const QJsonObject &json) {
                     if (!result.ok()) {
                         done(result, {});
                         return;
                     }
                     done(result,
                          StructureCount { json.value(QLatin1String("count")).toInteger(-1),
                                           json.value(QLatin1String("countExact")).toBool(true) });
                 });
}

void RemoteDirectory::searchStructures(const StructureCriteria &criteria, int offset, int limit,
                                       QObject *context, StructuresCallback done)
{
    searchStructuresAfter(criteria, std::nullopt, offset, limit, context, std::move(done));
}

void RemoteDirectory::searchStructuresAfter(const StructureCriteria &criteria,
                                            const std::optional<StructureCursor> &after, int offset,
                                            int limit, QObject *context, StructuresCallback done)
{
    if (criteria.isEmpty()) {
        done(CommandResult::success(), {});
        return;
    }
    QUrlQuery query = criteriaQuery(criteria);
    if (after && after->id > 0) {
        query.addQueryItem(QStringLiteral("after_key"), queryValue(after->sortKey));
        query.addQueryItem(QStringLiteral("after_id"), QString::number(after->id));
    } else {
        query.addQueryItem(QStringLiteral("offset"), QString::number(offset));
    }
    query.addQueryItem(QStringLiteral("limit"), QString::number(limit));
    QNetworkReply *reply = m_gateway.network().get(m_gateway.request(QStringLiteral("structures"), query));
    whenFinished(reply, context, [this, done](const HttpAnswer &answer) {
        if (!accepted(answer)) {
            done(answer.result(), {});
            return;
        }
        done(CommandResult::success(), pageFromJson(answer.json));
    });
}

void RemoteDirectory::searchUsers(const QString &text, int limit, QObject *context, UsersCallback done)
{
    QUrlQuery query;
    query.addQueryItem(QStringLiteral("q"), text);
    query.addQueryItem(QStringLiteral("limit"), QString::number(limit));
    QNetworkReply *reply = m_gateway.network().get(m_gateway.request(QStringLiteral("users"), query));
    whenFinished(reply, context, [this, done](const HttpAnswer &answer) {
        if (!accepted(answer)) {
            done(answer.result(), {});
            return;
        }
        QList<UserSearchResult> users;
        for (const QJsonValue &value : answer.json.value(QLatin1String("rows")).toArray())
            users.append(userSearchResultFromJson(value.toObject()));
        done(CommandResult::success(), users);
    });
}

void RemoteDirectory::principalRequests(QObject *context, RequestsCallback done)
{
    QNetworkReply *reply
        = m_gateway.network().get(m_gateway.request(QStringLiteral("support/principal-requests"), {}));
    whenFinished(reply, context, [this, done](const HttpAnswer &answer) {
        if (!accepted(answer)) {
            done(answer.result(), {});
            return;
        }
        QList<AttachmentView> requests;
        for (const QJsonValue &value : answer.json.value(QLatin1String("rows")).toArray())
            requests.append(attachmentViewFromJson(value.toObject()));
        done(CommandResult::success(), requests);
    });
}

QString RemoteDirectory::cachedPath(const QString &sha256) const
{
    return QDir(m_cacheDir).filePath(sha256);
}

void RemoteDirectory::fileContent(qint64 fileId, QObject *context, ContentCallback done)
{
    // The replica's metadata says which content the file has now.
    QString expected;
    try {
        expected
            = m_replica.value(QStringLiteral("SELECT sha256 FROM attached_files WHERE id = ?"), { fileId })
                  .toString()
                  .toLower();
    } catch (const DatabaseError &) {
        expected.clear();
    }
    if (!expected.isEmpty()) {
        QFile cached(cachedPath(expected));
        if (cached.open(QIODevice::ReadOnly)) {
            const QByteArray content = cached.readAll();
            if (sha256Of(content) == expected) {
                done(CommandResult::success(fileId), content);
                return;
            }
            cached.close();
            cached.remove(); // damaged: fetch it again
        }
    }
    QNetworkReply *reply = m_gateway.network().get(
        m_gateway.request(QStringLiteral("files/%1/content").arg(fileId), {}, 120000));
    whenFinished(reply, context, [this, fileId, expected, done, reply](const HttpAnswer &answer) {
        if (!accepted(answer)) {
            done(answer.result(), {});
            return;
        }
        const QString actual = sha256Of(answer.body);
        const QString announced
            = QString::fromLatin1(reply->rawHeader(QByteArrayLiteral("X-Content-SHA256"))).toLower();
        if (actual != announced || (!expected.isEmpty() && actual != expected)) {
            done(CommandResult::failure(ErrorCode::Internal, QString(),
                                        tr("The file received from the server is damaged; try again.")),
                 {});
            return;
        }
        // The cache only saves a download; failing to write it changes nothing.
        QDir().mkpath(m_cacheDir);
        QSaveFile file(cachedPath(actual));
        if (file.open(QIODevice::WriteOnly) && file.write(answer.body) == answer.body.size())
            file.commit();
        done(CommandResult::success(fileId), answer.body);
    });
}

} // namespace guichet
