#include "io/throttle.h"

namespace vme::io {

void Throttle::request() {
    if (timer_ != 0) return;
    auto due = last_run_ + interval_;
    auto now = EventLoop::Clock::now();
    auto delay = due > now ? std::chrono::ceil<std::chrono::milliseconds>(due - now) : std::chrono::milliseconds(0);
    timer_ = loop_.after(delay, [this] {
        timer_ = 0;
        last_run_ = EventLoop::Clock::now();
        fn_();
    });
}

void Throttle::cancel() {
    if (timer_ != 0) loop_.cancel(timer_);
    timer_ = 0;
}

}  // namespace vme::io
