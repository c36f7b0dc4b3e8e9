// vm-sub's side of the roll call (--list, --since, --watch): the wait for
// the retained messages to settle, the request asking live vm-pubs to
// answer, the wait for those answers, and the hard cap on all of it. The
// phases and their transitions are in one place (step()); the mode that
// owns the client decides what "done" means.
#pragma once

#include <chrono>
#include <cstddef>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.h"
#include "io/event_loop.h"
#include "subscriber/output.h"

namespace vme::sub {

/// How long --list and --since wait for retained messages at most, whatever arrives.
inline constexpr std::chrono::milliseconds kRollCallHardCap{10000};

/// What one roll call asks for and how long it waits.
struct RollCallSettings {
    std::string prefix;
    bool ask = true;                        ///< false (--no-roll-call): only the quiet wait
    std::chrono::milliseconds quiet{500};   ///< --list-wait: no message for this long is "settled"
    std::chrono::milliseconds hard_cap{0};  ///< the whole wait at most (plus the spread); 0: none
    int spread_ms = -1;                     ///< --roll-call-spread; -1: from the hosts heard of
    std::optional<long long> since_ms;      ///< --since: the journals wanted from then
    std::vector<std::string> hosts;         ///< --host globs: only those answer when they fit
};

/// The settings for `options`; `hard_cap` as the mode needs it.
RollCallSettings roll_call_settings(const Options& options, std::chrono::milliseconds hard_cap);

/// A random reply id ("vs" and 16 hex digits).
std::string new_reply_id();

class RollCallClient {
public:
    /// Idle (not subscribed yet) -> Settling (retained messages arriving)
    /// -> Answering (request sent, answers due) -> Done. Without asking,
    /// Settling goes straight to Done.
    enum class Phase { Idle, Settling, Answering, Done };

    /// Publishes one request; error: why it could not be sent.
    using Publish = std::function<Status(const std::string& topic, const std::string& payload)>;
    /// Hosts heard of so far (the spread grows with them).
    using HostCount = std::function<std::size_t()>;

    /// `done` is called once, when the wait is over (from a timer).
    RollCallClient(RollCallSettings settings, std::string reply_id, io::EventLoop& loop, Diagnostics& diag,
                   Publish publish, HostCount hosts, std::function<void()> done);
    ~RollCallClient();
    RollCallClient(const RollCallClient&) = delete;
    RollCallClient& operator=(const RollCallClient&) = delete;

    /// Where the wait is now.
    Phase phase() const { return phase_; }

    /// The filter answers arrive on ("<prefix>/reply/<id>/#"); "" when not asking.
    std::string reply_filter() const;

    /// When `topic` is an answer to this client, the topic it copies.
    std::optional<std::string> origin(std::string_view topic) const;

    /// The subscription is granted: Idle -> Settling (the quiet timer and
    /// the hard cap start). Later calls do nothing.
    void start() { step(Trigger::Start); }

    /// A message that matters arrived: the quiet period starts again (and
    /// never ends before the answers are due). Only while Settling or Answering.
    void activity();

    /// Ends the wait now without calling `done` (the run ends otherwise).
    void stop() { step(Trigger::Stop); }

private:
    enum class Trigger { Start, Quiet, Cap, Stop };
    /// Every transition: what `trigger` does in the current phase.
    void step(Trigger trigger);
    /// Publishes the request and sets when answers are due.
    void send();
    /// (Re)starts the quiet timer.
    void arm_quiet();
    /// Cancels both timers.
    void cancel_timers();

    RollCallSettings settings_;
    std::string reply_id_;
    io::EventLoop& loop_;
    Diagnostics& diag_;
    Publish publish_;
    HostCount hosts_;
    std::function<void()> done_;
    Phase phase_ = Phase::Idle;
    io::EventLoop::Clock::time_point answers_due_{};
    io::EventLoop::TimerId quiet_timer_ = 0;
    io::EventLoop::TimerId cap_timer_ = 0;
};

}  // namespace vme::sub
