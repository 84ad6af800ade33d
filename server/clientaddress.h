#pragma once

#include <QByteArray>
#include <QHostAddress>
#include <QList>
#include <QPair>
#include <QString>

#include <optional>

namespace guichet::server {

// The proxies (reverse proxies, load balancers) whose X-Forwarded-For guichetd
// believes: guichetd's --trusted-proxy option, addresses or subnets.
class TrustedProxies
{
public:
    // "127.0.0.1, ::1, 10.0.0.0/8": addresses and CIDR subnets, separated by
    // commas or spaces. nullopt with *error naming the entry that is neither.
    static std::optional<TrustedProxies> parse(const QString &text, QString *error);

    bool isEmpty() const { return m_subnets.isEmpty(); }
    bool contains(const QHostAddress &address) const;

private:
    QList<QPair<QHostAddress, int>> m_subnets;
};

// The client address that sign-in counts failures under and the anonymous
// routes are throttled by (docs/API.md, « Client address »):
// - the TCP peer;
// - when the peer is a trusted proxy, the right-most address of
//   X-Forwarded-For that is not itself a trusted proxy (what the nearest
//   proxy saw; the left part of the header is whatever the client wrote);
// - an IPv6 address stands for its /64 (one site's allocation), written
//   "2001:db8:1:2::/64"; an IPv4-mapped one is its IPv4 address.
QString clientAddress(const QHostAddress &peer, const QByteArray &forwardedFor,
                      const TrustedProxies &proxies);

} // namespace guichet::server
