#include "server/clientaddress.h"

#include <QRegularExpression>

namespace guichet::server {

namespace {

// At most this many entries of X-Forwarded-For are looked at, from the right.
constexpr int MaxForwardedHops = 20;

QHostAddress plain(const QHostAddress &address)
{
    bool isV4 = false;
    const quint32 v4 = address.toIPv4Address(&isV4);
    return isV4 ? QHostAddress(v4) : address;
}

QString addressText(const QHostAddress &address)
{
    const QHostAddress a = plain(address);
    if (a.protocol() != QAbstractSocket::IPv6Protocol)
        return a.toString();
    Q_IPV6ADDR bytes = a.toIPv6Address();
    for (int i = 8; i < 16; ++i)
        bytes[i] = 0;
    return QHostAddress(bytes).toString() + QStringLiteral("/64");
}

} // namespace

std::optional<TrustedProxies> TrustedProxies::parse(const QString &text, QString *error)
{
    TrustedProxies proxies;
    static const QRegularExpression separators(QStringLiteral("[,\\s]+"));
    for (const QString &entry : text.split(separators, Qt::SkipEmptyParts)) {
        QPair<QHostAddress, int> subnet;
        if (entry.contains(QLatin1Char('/'))) {
            subnet = QHostAddress::parseSubnet(entry);
        } else {
            const QHostAddress address(entry);
            subnet = { address, address.protocol() == QAbstractSocket::IPv6Protocol ? 128 : 32 };
        }
        if (subnet.first.isNull() || subnet.second < 0) {
            if (error)
                *error = entry;
            return std::nullopt;
        }
        proxies.m_subnets.append(subnet);
    }
    return proxies;
}

bool TrustedProxies::contains(const QHostAddress &address) const
{
    const QHostAddress a = plain(address);
    for (const auto &subnet : m_subnets) {
        if (a.isInSubnet(subnet) || address.isInSubnet(subnet))
            return true;
    }
    return false;
}

QString clientAddress(const QHostAddress &peer, const QByteArray &forwardedFor, const TrustedProxies &proxies)
{
    QHostAddress client = peer;
    if (!forwardedFor.isEmpty() && proxies.contains(peer)) {
        const QList<QByteArray> hops = forwardedFor.split(',');
        for (int i = hops.size() - 1, seen = 0; i >= 0 && seen < MaxForwardedHops; --i, ++seen) {
            const QHostAddress hop(QString::fromLatin1(hops.at(i).trimmed()));
            // A malformed entry: keep what the last trusted hop saw.
            if (hop.isNull())
                break;
            client = hop;
            if (!proxies.contains(hop))
                break;
        }
    }
    return addressText(client);
}

} // namespace guichet::server
