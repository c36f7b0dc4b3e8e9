// "At most once per interval" on the event loop: a burst of requests
// becomes one run now and at most one more when the interval has passed.
#pragma once

#include <chrono>
#include <functional>

#include "io/event_loop.h"

namespace vme::io {

class Throttle {
public:
    /// Runs `fn` on `loop`, at most once per `interval`.
    Throttle(EventLoop& loop, std::chrono::milliseconds interval, std::function<void()> fn)
        : loop_(loop), interval_(interval), fn_(std::move(fn)) {}
    ~Throttle() { cancel(); }
    Throttle(const Throttle&) = delete;
    Throttle& operator=(const Throttle&) = delete;

    /// Asks for a run: at once (from the loop, never inside this call) when
    /// the last run is `interval` ago, else when it will be. Requests made
    /// while one is pending join it.
    void request();

    /// Forgets a pending run.
    void cancel();

    /// True while a run is scheduled.
    bool pending() const { return timer_ != 0; }

private:
    EventLoop& loop_;
    std::chrono::milliseconds interval_;
    std::function<void()> fn_;
    EventLoop::TimerId timer_ = 0;
    EventLoop::Clock::time_point last_run_{};
};

}  // namespace vme::io
