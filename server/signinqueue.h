#pragma once

#include <QHash>
#include <QString>
#include <QStringList>

#include <deque>
#include <functional>
#include <optional>

namespace guichet::server {

// The sign-ins waiting for a hashing thread (argon2id), served fairly: round
// robin over client networks (an IPv4 /8, an IPv6 /32), then round robin over
// the addresses of a network, then in arrival order for one address. A flood
// from many addresses of a few networks then takes only those networks' turns,
// and a sign-in from elsewhere waits for at most one verification per other
// network with sign-ins waiting (docs/ACCOUNTS.md, « Sign-ins under a flood »).
// Bounded: an address, a network and the whole queue each hold at most their
// share; beyond, the sign-in is refused at once (guichetd answers 503 with
// Retry-After) rather than queued behind minutes of work.
class SignInQueue
{
public:
    using Job = std::function<void()>;

    struct Limits
    {
        int perAddress = 4;
        int perNetwork = 16;
        int total = 64;
    };

    explicit SignInQueue(Limits limits);

    // The network a client address (as clientAddress() writes it) is served
    // under: "10.0.0.0/8" for 10.1.2.3, "2001:db8::/32" for an IPv6 /64.
    static QString networkOf(const QString &address);

    // Queues `job` for `address`; false (and nothing queued) past a bound.
    bool push(const QString &address, Job job);
    // The next job by the round robin; nullopt when empty.
    std::optional<Job> pop();
    int size() const { return m_size; }
    const Limits &limits() const { return m_limits; }

private:
    struct Address
    {
        QString name;
        std::deque<Job> jobs;
    };
    struct Network
    {
        QString name;
        std::deque<Address> addresses; // round robin: the front is served next
        int size = 0;
    };

    Limits m_limits;
    std::deque<Network> m_networks; // round robin: the front is served next
    QString m_lastServed; // the network whose sign-in was handed out last
    int m_size = 0;
};

} // namespace guichet::server
