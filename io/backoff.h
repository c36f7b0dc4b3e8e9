// Reconnect backoff: the delays between attempts to reach a peer that is
// away (the broker, libvirtd), doubling from an initial delay to a maximum.
#pragma once

#include <algorithm>
#include <chrono>

namespace vme::io {

class Backoff {
public:
    using ms = std::chrono::milliseconds;

    /// Delays start at `initial` and double up to `max` (initial <= max).
    constexpr Backoff(ms initial = ms(250), ms max = ms(10000)) : initial_(initial), max_(max), next_(initial) {}

    /// The delay before the next attempt; the one after it doubles.
    ms next() {
        ms delay = next_;
        next_ = std::min(std::max(next_ * 2, initial_), max_);
        return delay;
    }

    /// The next delay is the maximum straight away: for a cause that
    /// retrying soon cannot change.
    void to_max() { next_ = max_; }

    /// After a success: the next delay is the initial one again.
    void reset() { next_ = initial_; }

    ms initial() const { return initial_; }
    ms max() const { return max_; }

private:
    ms initial_;
    ms max_;
    ms next_;
};

}  // namespace vme::io
