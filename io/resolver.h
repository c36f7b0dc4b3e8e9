// Host name lookups off the event loop: getaddrinfo() can wait many seconds
// for a silent DNS server, and nothing may block the loop.
#pragma once

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "io/event_loop.h"

namespace vme::io {

/// Looks host names up on a short-lived helper thread; the answer comes
/// back on the event loop. One lookup at a time.
class Resolver {
public:
    /// What getaddrinfo() said.
    struct Answer {
        std::vector<std::string> addresses;  ///< numeric, in getaddrinfo's order; empty on failure
        std::string error;                   ///< gai_strerror()'s text when the lookup failed
        bool no_such_name = false;           ///< the resolver said the name does not exist
    };

    explicit Resolver(EventLoop& loop) : loop_(loop) {}
    /// Drops a pending lookup (its thread ends on its own).
    ~Resolver();
    Resolver(const Resolver&) = delete;
    Resolver& operator=(const Resolver&) = delete;

    /// Starts looking up the TCP addresses (IPv4 and IPv6) of `host`;
    /// `done` runs on the loop with the answer. A lookup still pending is
    /// dropped. An IP literal is answered without a thread (still on the
    /// loop, never from inside this call).
    void resolve(const std::string& host, std::function<void(Answer)> done);

    /// Drops the pending lookup, if any: its `done` is never called.
    void cancel();

private:
    struct Pending;
    /// The loop side of a finished lookup: hands its answer to `done`.
    void deliver();
    EventLoop& loop_;
    std::shared_ptr<Pending> pending_;
    std::function<void(Answer)> done_;
};

/// True when `host` is an IPv4 or IPv6 literal (needs no lookup).
bool is_ip_literal(const std::string& host);

}  // namespace vme::io
