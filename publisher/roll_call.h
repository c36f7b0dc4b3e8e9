// vm-pub's side of the roll call: requests on "<prefix>/roll-call" are
// validated, merged and answered at most once per second, after a random
// delay within the spread the request asks for, with copies of what vm-pub
// publishes anyway (status, inventory, journal) sent, not retained, under
// the requester's reply topic. Knows nothing of Publisher: request payloads
// in, Messages out.
#pragma once

#include <chrono>
#include <functional>
#include <optional>
#include <random>
#include <set>
#include <string>
#include <string_view>

#include "io/event_loop.h"
#include "publisher/outbox.h"

namespace vme::pub {

class RollCallResponder {
public:
    /// What an answer copies: the current status and inventory payloads,
    /// and the journal (entries from `since_ms` on; empty: no history kept).
    struct Snapshot {
        std::function<std::string()> status;
        std::function<std::string()> inventory;
        std::function<std::string(std::optional<long long> since_ms)> journal;
    };
    using Send = std::function<void(Message)>;
    using Log = std::function<void(const std::string&)>;

    /// Fewest milliseconds between two answer rounds.
    static constexpr std::chrono::milliseconds kMinInterval{1000};
    /// Most requesters one round answers; later ones wait for the next round.
    static constexpr std::size_t kMaxRepliesPerRound = 16;
    /// Most requesters waiting at once; beyond that requests are dropped.
    static constexpr std::size_t kMaxPending = 64;

    RollCallResponder(std::string prefix, std::string host, io::EventLoop& loop, Snapshot snapshot, Send send,
                      Log log);
    ~RollCallResponder();

    /// The topic to subscribe to after every CONNACK.
    const std::string& topic() const { return topic_; }

    /// One request as received. Malformed, oversized or excess requests are
    /// dropped with a warning (at most one line per 10 s, with a count).
    void on_request(std::string_view payload);

    /// Answer rounds sent so far.
    std::uint64_t rounds() const { return rounds_; }

private:
    struct Pending {
        std::string reply;
        std::optional<long long> since_ms;
        bool operator<(const Pending& o) const { return reply < o.reply; }
    };
    void answer_round();
    void drop(const std::string& why);

    std::string prefix_;
    std::string host_;
    std::string topic_;
    io::EventLoop& loop_;
    Snapshot snapshot_;
    Send send_;
    Log log_;
    std::set<Pending> pending_;
    io::EventLoop::TimerId timer_ = 0;
    io::EventLoop::Clock::time_point last_round_{};
    std::uint64_t rounds_ = 0;
    std::minstd_rand random_;
    io::EventLoop::Clock::time_point last_warning_{};
    std::uint64_t dropped_since_warning_ = 0;
};

}  // namespace vme::pub
