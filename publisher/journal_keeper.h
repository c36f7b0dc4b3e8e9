// vm-pub's history: the host's last N events kept in a JournalBuffer and
// published as the retained "<prefix>/<host>/journal", at most once per
// second (a burst becomes one publish), restored from the broker's retained
// copy after a restart. Knows nothing of Publisher: events in, Messages out.
#pragma once

#include <chrono>
#include <functional>
#include <optional>
#include <string>
#include <string_view>

#include "common/journal.h"
#include "io/event_loop.h"
#include "publisher/outbox.h"

namespace vme::pub {

class JournalKeeper {
public:
    using Send = std::function<void(Message)>;
    using Log = std::function<void(const std::string&)>;
    using Unsubscribe = std::function<void(const std::string& topic)>;

    /// How long the keeper waits after the first CONNACK for the broker's
    /// retained journal before it publishes its own (and gives up restoring).
    static constexpr std::chrono::milliseconds kRestoreWait{2000};

    /// Keeps `max_events` (>0) events of `host` under `prefix`; publishes
    /// through `send`, logs through `log`, drops its subscription to topic()
    /// through `unsubscribe` once restoring ends; `start_ms`: now, wall clock.
    JournalKeeper(std::string prefix, std::string host, std::size_t max_events, long long start_ms,
                  io::EventLoop& loop, Send send, Log log, Unsubscribe unsubscribe);
    ~JournalKeeper();

    /// The retained journal's topic: subscribe to it after the first CONNACK
    /// while restoring() is true, and hand what arrives to on_retained().
    const std::string& topic() const { return topic_; }

    /// True until the earlier journal arrived or kRestoreWait passed.
    bool restoring() const { return phase_ == Phase::Restoring; }

    /// Records one published event (its payload as encoded, its time).
    void add(std::string_view event_payload, long long time_ms);

    /// A CONNACK: starts the restore wait (first time), or republishes the
    /// journal (a broker that restarted without persistence has lost it).
    void on_connected();

    /// A message on topic(): the earlier run's journal (restoring), or our
    /// own retained copy echoed back (ignored).
    void on_retained(std::string_view payload);

    /// Publishes now when something is not published yet (before a clean
    /// exit, so the retained journal holds the last events).
    void flush();

    /// The journal now, entries from `since_ms` on (all when absent): the
    /// payload of a roll-call answer.
    std::string snapshot(std::optional<long long> since_ms) const;

private:
    enum class Phase { Restoring, Live };
    /// Ends the restore phase and publishes what is held.
    void go_live();
    /// Publishes now, or arms the timer so publishes are >= 1 s apart.
    void schedule();
    void publish();

    std::string prefix_;
    std::string host_;
    std::string topic_;
    JournalBuffer buffer_;
    io::EventLoop& loop_;
    Send send_;
    Log log_;
    Unsubscribe unsubscribe_;
    Phase phase_ = Phase::Restoring;
    bool dirty_ = false;
    io::EventLoop::TimerId timer_ = 0;
    io::EventLoop::TimerId restore_timer_ = 0;
    io::EventLoop::Clock::time_point last_publish_{};
};

}  // namespace vme::pub
