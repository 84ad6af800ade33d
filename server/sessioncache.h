#pragma once

#include <QByteArray>
#include <QHash>
#include <QList>
#include <QSet>

#include <optional>

namespace guichet::server {

// The sessions guichetd found valid lately, by their token's hash, so that an
// empty change poll (and parking a long-poll) needs neither the database nor a
// worker (docs/OPERATIONS.md "Sessions in memory").
//
// Correctness rests on one rule: every end of a session (sign-out,
// deactivation, password change, reactivation) is a command that moves the
// change counter, on any guichetd or guichetctl over the database. An entry
// remembers ChangeWatcher::stamp() as the event loop knew it before the
// database said the session was valid, and is trusted only while it has not
// moved since. The stamp moves with every commit the watcher sees, not only
// when the visible version moves: on PostgreSQL a sign-out may commit while an
// older command is still in flight, which holds the visible version back. Any
// change anywhere (seen at once after this instance's commands, through
// LISTEN/NOTIFY from other instances, within the watcher's poll interval for
// guichetctl on SQLite) sends the next request back to the database. Expiry is
// checked against the clock; an entry whose last recorded use is a minute old
// is not trusted either, so that the session's last use keeps being recorded.
// On PostgreSQL, commands trust an entry on a second stamp that moves only
// when a session may have ended (ChangeWatcher::sessionsStamp(): triggers on
// the sessions and users tables notify it), since every command moves the
// first one. Used from the event loop's thread only.
class SessionCache
{
public:
    struct Entry
    {
        qint64 sessionId = 0;
        qint64 userId = 0;
        qint64 expiresAtMs = 0;
        qint64 lastUsedAtMs = 0; // as recorded in the database
        qint64 version = 0; // the ChangeWatcher::stamp() the check is valid for
        qint64 sessionsStamp = -1; // the ChangeWatcher::sessionsStamp() likewise (-1: none)
    };

    // Its last use is recorded once a minute (Sessions::find): past that, ask again.
    static constexpr qint64 LastUseRefreshMs = 60 * 1000;
    static constexpr int DefaultCapacity = 100000;

    explicit SessionCache(int capacity = DefaultCapacity);

    // The entry when it may be trusted now: checked at `currentVersion`, not
    // expired, last use recorded less than a minute ago.
    std::optional<Entry> find(const QByteArray &tokenHash, qint64 currentVersion, qint64 nowMs) const;
    // The same for a command on PostgreSQL: checked at `sessionsStamp` (which
    // moves only when a session may have ended, not with every commit).
    std::optional<Entry> findForCommand(const QByteArray &tokenHash, qint64 sessionsStamp,
                                        qint64 nowMs) const;
    void remember(const QByteArray &tokenHash, const Entry &entry);
    void forget(const QByteArray &tokenHash);
    // The database confirmed these sessions open at `version` (a long-poll
    // wake-up): their entries become valid for it; the others among
    // `checked` are forgotten.
    void confirm(const QSet<qint64> &open, const QList<QByteArray> &checked, qint64 version);

    int size() const { return int(m_entries.size()); }
    int capacity() const { return m_capacity; }

private:
    // Full: drops what can no longer be trusted, then anything (a miss only
    // costs a database read).
    void makeRoom(qint64 currentVersion, qint64 nowMs);

    int m_capacity;
    QHash<QByteArray, Entry> m_entries;
};

} // namespace guichet::server
