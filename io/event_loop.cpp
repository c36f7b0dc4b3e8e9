// A single-threaded poll(2) loop. Handlers may add or remove watches and
// timers (their own included) while they run, so dispatch always looks a
// watch or timer up again, and calls a copy of the handler.
#include "io/event_loop.h"

#include <poll.h>

#include <algorithm>
#include <cerrno>
#include <utility>

namespace vme::io {

void EventLoop::watch(int fd, short events, FdHandler handler) {
    watches_[fd] = Watch{events, std::move(handler)};
}

void EventLoop::set_events(int fd, short events) {
    auto it = watches_.find(fd);
    if (it != watches_.end()) it->second.events = events;
}

void EventLoop::unwatch(int fd) { watches_.erase(fd); }

EventLoop::TimerId EventLoop::after(std::chrono::milliseconds delay, std::function<void()> fn) {
    TimerId id = next_timer_++;
    timers_[id] = Timer{Clock::now() + delay, std::move(fn)};
    return id;
}

void EventLoop::cancel(TimerId id) { timers_.erase(id); }

void EventLoop::run() {
    while (!stopping_) run_once(std::chrono::hours(1));
    stopping_ = false;  // a later run() starts afresh
}

int EventLoop::poll_timeout_ms(std::chrono::milliseconds cap) const {
    auto wait = cap;
    auto now = Clock::now();
    for (const auto& [id, timer] : timers_) {
        if (timer.due <= now) return 0;
        // Round up: waking a fraction of a millisecond early would spin.
        auto left = std::chrono::ceil<std::chrono::milliseconds>(timer.due - now);
        wait = std::min(wait, left);
    }
    return static_cast<int>(std::max<std::chrono::milliseconds::rep>(wait.count(), 0));
}

void EventLoop::fire_due_timers() {
    // Collect first, so timers added by a timer wait for the next round.
    auto now = Clock::now();
    std::vector<std::pair<Clock::time_point, TimerId>> due;
    for (const auto& [id, timer] : timers_) {
        if (timer.due <= now) due.emplace_back(timer.due, id);
    }
    std::sort(due.begin(), due.end());
    for (const auto& entry : due) {
        auto it = timers_.find(entry.second);
        if (it == timers_.end()) continue;  // cancelled by an earlier timer
        auto fn = std::move(it->second.fn);
        timers_.erase(it);
        fn();
    }
}

int EventLoop::wait(std::vector<pollfd>& fds, std::chrono::milliseconds max_wait) {
    int timeout = poll_timeout_ms(max_wait);
    if (before_sleep_ && timeout != 0) {
        int ready = ::poll(fds.data(), fds.size(), 0);
        if (ready != 0) return ready;
        before_sleep_();
        if (stopping_) return 0;
        timeout = poll_timeout_ms(max_wait);  // the hook may have added a timer
    }
    return ::poll(fds.data(), fds.size(), timeout);
}

void EventLoop::run_once(std::chrono::milliseconds max_wait) {
    std::vector<pollfd> fds;
    fds.reserve(watches_.size());
    for (const auto& [fd, w] : watches_) fds.push_back(pollfd{fd, w.events, 0});
    int n = wait(fds, max_wait);
    if (n < 0 && errno != EINTR) return;  // nothing sensible to do but try again
    for (const auto& p : fds) {
        if (n <= 0 || p.revents == 0) continue;
        auto it = watches_.find(p.fd);
        if (it == watches_.end()) continue;  // unwatched by an earlier handler
        FdHandler handler = it->second.handler;  // the handler may unwatch itself
        handler(p.revents);
    }
    fire_due_timers();
}

}  // namespace vme::io
