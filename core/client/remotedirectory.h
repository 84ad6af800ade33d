#pragma once

#include "client/directory.h"

#include <QJsonObject>
#include <QString>

#include <functional>

namespace guichet {

class Database;
class RemoteCommandGateway;
struct HttpAnswer;

// Connected mode: the searches and file contents come from guichetd
// (docs/API.md: /structures, /users, /files/<id>/content,
// /support/principal-requests) with the gateway's
// session. File contents are cached under <cacheDir>/<sha256>, and used only
// when they still hash to what the replica's metadata says; a download is
// checked against X-Content-SHA256 and that metadata before it is kept.
class RemoteDirectory final : public Directory
{
    Q_OBJECT

public:
    // cacheDir: by default QStandardPaths::CacheLocation/files.
    RemoteDirectory(RemoteCommandGateway &gateway, Database &replica, const QString &cacheDir = QString(),
                    QObject *parent = nullptr);

    QString cacheDir() const { return m_cacheDir; }

    // GET /structures with count=exact, count=bounded, and its keyset pages
    // (after_key, after_id) when the model holds the previous page.
    void countStructures(const StructureCriteria &criteria, QObject *context, CountCallback done) override;
    void countStructuresBounded(const StructureCriteria &criteria, QObject *context,
                                BoundedCountCallback done) override;
    void searchStructures(const StructureCriteria &criteria, int offset, int limit, QObject *context,
                          StructuresCallback done) override;
    void searchStructuresAfter(const StructureCriteria &criteria, const std::optional<StructureCursor> &after,
                               int offset, int limit, QObject *context, StructuresCallback done) override;
    void searchUsers(const QString &text, int limit, QObject *context, UsersCallback done) override;
    void fileContent(qint64 fileId, QObject *context, ContentCallback done) override;
    void principalRequests(QObject *context, RequestsCallback done) override;

private:
    QString cachedPath(const QString &sha256) const;
    // Tells the gateway what an answer says about the server (reached or
    // not) and the session (ended on a 401); true when it succeeded.
    bool accepted(const HttpAnswer &answer) const;
    // GET /structures?count=<mode>&limit=1: `done` gets the answer's JSON
    // (its "count" and "countExact"), or the failure with an empty object.
    void requestCount(const StructureCriteria &criteria, const QString &mode, QObject *context,
                      std::function<void(const CommandResult &, const QJsonObject &)> done);

    RemoteCommandGateway &m_gateway;
    Database &m_replica;
    QString m_cacheDir;
};

} // namespace guichet
