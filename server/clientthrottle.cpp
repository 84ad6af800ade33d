#include "server/clientthrottle.h"

#include <QList>

#include <algorithm>
#include <cmath>

namespace guichet::server {

namespace {
constexpr qint64 MinuteMs = 60 * 1000;
} // namespace

ClientThrottle::ClientThrottle(int perMinute, int maxAddresses)
    : m_perMinute(qMax(1, perMinute))
    , m_maxAddresses(qMax(1, maxAddresses))
{
}

int ClientThrottle::take(const QString &address, qint64 nowMs)
{
    auto it = m_buckets.find(address);
    if (it == m_buckets.end()) {
        if (m_buckets.size() >= m_maxAddresses)
            evict(nowMs);
        it = m_buckets.insert(address, { double(m_perMinute), nowMs });
    }
    Bucket &bucket = *it;
    const double perMs = double(m_perMinute) / MinuteMs;
    bucket.tokens = std::min(double(m_perMinute),
                             bucket.tokens + double(qMax<qint64>(0, nowMs - bucket.updatedMs)) * perMs);
    bucket.updatedMs = nowMs;
    // A little slack for the rounding of the refill.
    constexpr double Slack = 1e-9;
    if (bucket.tokens >= 1.0 - Slack) {
        bucket.tokens = qMax(0.0, bucket.tokens - 1.0);
        return 0;
    }
    return qMax(1, int(std::ceil((1.0 - bucket.tokens) / perMs / 1000.0 - 1e-6)));
}

void ClientThrottle::evict(qint64 nowMs)
{
    // A bucket left alone for a minute is full again: forgetting it changes nothing.
    for (auto it = m_buckets.begin(); it != m_buckets.end();) {
        if (nowMs - it->updatedMs >= MinuteMs)
            it = m_buckets.erase(it);
        else
            ++it;
    }
    // Still full (that many addresses within a minute): forget the least
    // recently seen, down to nine tenths of the bound.
    const int keep = m_maxAddresses - qMax(1, m_maxAddresses / 10);
    if (m_buckets.size() < m_maxAddresses)
        return;
    QList<qint64> seen;
    seen.reserve(m_buckets.size());
    for (const Bucket &bucket : std::as_const(m_buckets))
        seen.append(bucket.updatedMs);
    const qsizetype drop = m_buckets.size() - keep;
    std::nth_element(seen.begin(), seen.begin() + (drop - 1), seen.end());
    const qint64 cutoff = seen.at(drop - 1);
    for (auto it = m_buckets.begin(); it != m_buckets.end() && m_buckets.size() > keep;) {
        if (it->updatedMs <= cutoff)
            it = m_buckets.erase(it);
        else
            ++it;
    }
}

} // namespace guichet::server
