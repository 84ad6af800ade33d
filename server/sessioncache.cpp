#include "server/sessioncache.h"

#include <QDateTime>

namespace guichet::server {

SessionCache::SessionCache(int capacity)
    : m_capacity(qMax(1, capacity))
{
}

std::optional<SessionCache::Entry> SessionCache::find(const QByteArray &tokenHash, qint64 currentVersion,
                                                      qint64 nowMs) const
{
    const auto it = m_entries.constFind(tokenHash);
    if (it == m_entries.cend())
        return std::nullopt;
    const Entry &e = *it;
    if (e.version != currentVersion || nowMs >= e.expiresAtMs || nowMs - e.lastUsedAtMs >= LastUseRefreshMs)
        return std::nullopt;
    return e;
}

std::optional<SessionCache::Entry> SessionCache::findForCommand(const QByteArray &tokenHash,
                                                                qint64 sessionsStamp, qint64 nowMs) const
{
    const auto it = m_entries.constFind(tokenHash);
    if (it == m_entries.cend() || sessionsStamp < 0)
        return std::nullopt;
    const Entry &e = *it;
    if (e.sessionsStamp != sessionsStamp || nowMs >= e.expiresAtMs
        || nowMs - e.lastUsedAtMs >= LastUseRefreshMs)
        return std::nullopt;
    return e;
}

void SessionCache::remember(const QByteArray &tokenHash, const Entry &entry)
{
    if (!m_entries.contains(tokenHash) && m_entries.size() >= m_capacity)
        makeRoom(entry.version, QDateTime::currentMSecsSinceEpoch());
    m_entries.insert(tokenHash, entry);
}

void SessionCache::forget(const QByteArray &tokenHash)
{
    m_entries.remove(tokenHash);
}

void SessionCache::confirm(const QSet<qint64> &open, const QList<QByteArray> &checked, qint64 version)
{
    for (const QByteArray &hash : checked) {
        const auto it = m_entries.find(hash);
        if (it == m_entries.end())
            continue;
        if (open.contains(it->sessionId))
            it->version = std::max(it->version, version);
        else
            m_entries.erase(it);
    }
}

void SessionCache::makeRoom(qint64 currentVersion, qint64 nowMs)
{
    m_entries.removeIf([&](const QHash<QByteArray, Entry>::iterator &it) {
        return it->version != currentVersion || nowMs >= it->expiresAtMs
            || nowMs - it->lastUsedAtMs >= LastUseRefreshMs;
    });
    // Still full: every entry is fresh; drop half of them, any.
    if (m_entries.size() >= m_capacity) {
        int drop = m_capacity / 2 + 1;
        for (auto it = m_entries.begin(); it != m_entries.end() && drop > 0; --drop)
            it = m_entries.erase(it);
    }
}

} // namespace guichet::server
