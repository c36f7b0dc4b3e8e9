// What vm-sub does with its connection: one Mode per run (the live
// stream, --list, --since, --watch). A mode owns its subscriptions and
// what its messages do; it reaches the run only through ModeHost. No mode
// knows another.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "common/result.h"
#include "io/event_loop.h"

namespace vme::sub {

/// What a mode may do to the run it is part of.
class ModeHost {
public:
    virtual ~ModeHost() = default;
    /// Ends the run: the loop stops, the first status given is the exit status.
    virtual void finish(int exit_status) = 0;
    /// True once finish() was called.
    virtual bool finished() const = 0;
    /// The end is decided (-C reached, --until passed): -W no longer applies.
    virtual void cancel_timeout() = 0;
    /// Publishes a non-retained QoS 1 message; error: why it could not be queued.
    virtual Status publish(const std::string& topic, const std::string& payload) = 0;
    /// Drops one subscription (best effort: a failure changes nothing the user sees).
    virtual void unsubscribe(const std::string& filter) = 0;
    /// The loop everything runs on, for the mode's timers.
    virtual io::EventLoop& loop() = 0;
};

class Mode {
public:
    virtual ~Mode() = default;

    /// Sets up what needs the loop before connecting (--watch: the terminal).
    /// Error: the mode cannot run (said by the caller as "vm-sub: <error>").
    virtual Status start() { return Ok{}; }
    /// Undoes start() before the run returns (the terminal back); idempotent.
    virtual void close() {}

    /// The filters to subscribe to on this connect.
    virtual std::vector<std::string> subscriptions() const = 0;
    /// The broker granted the subscription; `first`: the first time this run.
    virtual void on_subscribed(bool first) { (void)first; }
    /// One message (never after the run ended).
    virtual void on_message(std::string_view topic, std::string_view payload, bool retained) = 0;

    /// The broker connection is up.
    virtual void on_connected() {}
    /// The connection failed or was lost (`reason` sanitized); `ever_connected`:
    /// a connection existed before this run.
    virtual void on_disconnected(const std::string& reason, bool ever_connected) {
        (void)reason;
        (void)ever_connected;
    }
    /// SIGCHLD: an --exec child may have ended.
    virtual void on_child_exit() {}
    /// SIGWINCH: the terminal changed size.
    virtual void on_resize() {}
    /// The exit status when SIGINT/SIGTERM/SIGHUP end the run now.
    virtual int interrupted_status() const = 0;
};

}  // namespace vme::sub
