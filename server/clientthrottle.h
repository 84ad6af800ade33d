#pragma once

#include <QHash>
#include <QString>

namespace guichet::server {

// A token bucket per client address for guichetd's anonymous routes (sign-in,
// reactivation, anonymous commands and solicitations): each address may send
// `perMinute` requests at once, then one more every 60 / perMinute seconds.
// Its memory is bounded: an address whose bucket is full again is forgotten
// (it would behave the same), and beyond `maxAddresses` the least recently
// seen are forgotten first.
class ClientThrottle
{
public:
    static constexpr int DefaultMaxAddresses = 100000;

    explicit ClientThrottle(int perMinute, int maxAddresses = DefaultMaxAddresses);

    // Takes one request of `address` at nowMs (a steady clock): 0 when it may
    // go on, else the seconds (at least 1) until it may.
    int take(const QString &address, qint64 nowMs);
    // Addresses currently remembered.
    int size() const { return int(m_buckets.size()); }
    int perMinute() const { return m_perMinute; }

private:
    struct Bucket
    {
        double tokens = 0;
        qint64 updatedMs = 0;
    };
    void evict(qint64 nowMs);

    int m_perMinute;
    int m_maxAddresses;
    QHash<QString, Bucket> m_buckets;
};

} // namespace guichet::server
