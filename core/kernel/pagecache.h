#pragma once

namespace guichet {

class Database;

// The SQLite page cache of a connection, in KiB: what searches gain from
// (every connection starts with it), and what a long one-pass read keeps (a
// jump to a deep page, an exact count, an export: SQLite's default size),
// since such a read fills the cache with pages that are not read again
// (docs/PERFORMANCE.md, « Page cache and memory »).
constexpr int SearchPageCacheKiB = 65536;
constexpr int WalkPageCacheKiB = 2048;

// SQLite: the connection's page cache bound in KiB (PRAGMA cache_size). The
// cache grows only with the pages read; lowering the bound frees the pages
// beyond it at once. 0 on PostgreSQL, where setting it does nothing. Throw
// DatabaseError.
int pageCacheKiB(const Database &db);
void setPageCacheKiB(const Database &db, int kib);

// Bounds a connection's page cache for a scope (a read that walks far once,
// which would otherwise leave every page it read in the cache), then gives
// the previous bound back. Nothing on PostgreSQL.
class PageCacheBound
{
public:
    PageCacheBound(const Database &db, int kib);
    ~PageCacheBound();
    PageCacheBound(const PageCacheBound &) = delete;
    PageCacheBound &operator=(const PageCacheBound &) = delete;

private:
    const Database &m_db;
    int m_previous = 0;
};

} // namespace guichet
