// A single-threaded poll(2) loop with fd watches and one-shot timers.
// Both tools run everything (MQTT socket, signals, timers, children) on it,
// so nothing waits on anything else.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <vector>

#include <poll.h>

namespace vme::io {

class EventLoop {
public:
    using Clock = std::chrono::steady_clock;
    using FdHandler = std::function<void(short revents)>;
    using TimerId = std::uint64_t;

    /// Watches `fd` for `events` (POLLIN/POLLOUT); replaces an earlier watch of fd.
    void watch(int fd, short events, FdHandler handler);

    /// Changes the events of an existing watch (no-op when fd is not watched).
    void set_events(int fd, short events);

    /// Stops watching fd (safe from inside a handler).
    void unwatch(int fd);

    /// Runs `fn` once after `delay`; returns an id for cancel().
    TimerId after(std::chrono::milliseconds delay, std::function<void()> fn);

    /// Cancels a pending timer (no-op when it already ran).
    void cancel(TimerId id);

    /// Polls and dispatches until stop() is called. EINTR is retried.
    void run();

    /// Makes run() return after the current dispatch round.
    void stop() { stopping_ = true; }

    /// One poll with at most `max_wait` and dispatch; for tests and drains.
    void run_once(std::chrono::milliseconds max_wait);

    /// Runs `fn` each time the loop is about to wait with nothing ready
    /// (not while input keeps arriving): where buffered output is flushed,
    /// so a burst is written in a few large writes and a lone event at once.
    void before_sleep(std::function<void()> fn) { before_sleep_ = std::move(fn); }

private:
    struct Watch { short events; FdHandler handler; };
    struct Timer { Clock::time_point due; std::function<void()> fn; };
    int poll_timeout_ms(std::chrono::milliseconds cap) const;
    /// poll(2) on `fds`; with a before_sleep hook, first checks without
    /// waiting and runs the hook only when nothing is ready.
    int wait(std::vector<pollfd>& fds, std::chrono::milliseconds max_wait);
    void fire_due_timers();
    std::map<int, Watch> watches_;
    std::map<TimerId, Timer> timers_;
    TimerId next_timer_ = 1;
    bool stopping_ = false;
    std::function<void()> before_sleep_;
};

}  // namespace vme::io
