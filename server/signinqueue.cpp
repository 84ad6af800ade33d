#include "server/signinqueue.h"

#include <QHostAddress>

#include <algorithm>

namespace guichet::server {

SignInQueue::SignInQueue(Limits limits)
    : m_limits(limits)
{
}

QString SignInQueue::networkOf(const QString &address)
{
    // clientAddress() writes an IPv6 client as its /64: "2001:db8:1:2::/64".
    const QString host = address.section(QLatin1Char('/'), 0, 0);
    const QHostAddress parsed(host);
    if (parsed.protocol() == QAbstractSocket::IPv4Protocol)
        return QHostAddress(parsed.toIPv4Address() & 0xff000000u).toString() + QStringLiteral("/8");
    if (parsed.protocol() == QAbstractSocket::IPv6Protocol) {
        Q_IPV6ADDR bytes = parsed.toIPv6Address();
        std::fill(bytes.c + 4, bytes.c + 16, quint8(0));
        return QHostAddress(bytes).toString() + QStringLiteral("/32");
    }
    return address; // "local" and the like: a network of their own
}

bool SignInQueue::push(const QString &address, Job job)
{
    if (m_size >= m_limits.total)
        return false;
    const QString networkName = networkOf(address);
    auto network = std::find_if(m_networks.begin(), m_networks.end(),
                                [&](const Network &n) { return n.name == networkName; });
    if (network == m_networks.end()) {
        // A network with nothing waiting joins the round before the network
        // served last (which went to the back after its turn): it is served
        // next after the networks still waiting for their turn.
        auto at = m_networks.end();
        if (!m_networks.empty() && m_networks.back().name == m_lastServed)
            at = std::prev(at);
        network = m_networks.insert(at, Network { networkName, {}, 0 });
    }
    if (network->size >= m_limits.perNetwork)
        return false;
    auto entry = std::find_if(network->addresses.begin(), network->addresses.end(),
                              [&](const Address &a) { return a.name == address; });
    if (entry == network->addresses.end()) {
        network->addresses.push_back({ address, {} });
        entry = std::prev(network->addresses.end());
    }
    if (int(entry->jobs.size()) >= m_limits.perAddress)
        return false;
    entry->jobs.push_back(std::move(job));
    ++network->size;
    ++m_size;
    return true;
}

std::optional<SignInQueue::Job> SignInQueue::pop()
{
    if (m_networks.empty())
        return std::nullopt;
    Network network = std::move(m_networks.front());
    m_networks.pop_front();
    m_lastServed = network.name;
    Address address = std::move(network.addresses.front());
    network.addresses.pop_front();
    Job job = std::move(address.jobs.front());
    address.jobs.pop_front();
    --network.size;
    --m_size;
    // Served: to the back of its round, or forgotten when it has nothing left.
    if (!address.jobs.empty())
        network.addresses.push_back(std::move(address));
    if (!network.addresses.empty())
        m_networks.push_back(std::move(network));
    return job;
}

} // namespace guichet::server
