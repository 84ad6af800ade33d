#include "kernel/pagecache.h"

#include "kernel/database.h"

#include <algorithm>

namespace guichet {

int pageCacheKiB(const Database &db)
{
    if (db.isPostgres())
        return 0;
    const qint64 size = db.value(QStringLiteral("PRAGMA cache_size")).toLongLong();
    if (size < 0)
        return int(-size);
    // A positive cache_size counts pages.
    return int(size * db.value(QStringLiteral("PRAGMA page_size")).toLongLong() / 1024);
}

void setPageCacheKiB(const Database &db, int kib)
{
    if (db.isPostgres())
        return;
    db.exec(QStringLiteral("PRAGMA cache_size = -%1").arg(std::max(1, kib)));
}

PageCacheBound::PageCacheBound(const Database &db, int kib)
    : m_db(db)
{
    if (db.isPostgres())
        return;
    const int previous = pageCacheKiB(db);
    if (kib >= previous)
        return; // already within the bound: nothing to give back
    setPageCacheKiB(db, kib);
    m_previous = previous;
}

PageCacheBound::~PageCacheBound()
{
    if (m_previous <= 0)
        return;
    try {
        setPageCacheKiB(m_db, m_previous);
    } catch (const DatabaseError &) {
        // A lost connection: a new one starts with the search cache anyway.
    }
}

} // namespace guichet
