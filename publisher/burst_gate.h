// BurstGate: whether the libvirt link hands events to the main thread at
// once or lets a burst gather into batches. A thread's wake-up costs more
// than the rest of an event's handling (docs/benchmarks.md), so in a burst
// one batch per millisecond beats one wake-up per event; when events are
// sparse, each goes at once. Pure: the caller passes the time in.
#pragma once

#include <chrono>
#include <cstddef>
#include <optional>

namespace vme::pub {

class BurstGate {
public:
    using Clock = std::chrono::steady_clock;

    /// Quiet: events are handed over as they come. Burst: after a pass that
    /// brought events, the link waits `pause` for more and hands all over
    /// as one batch.
    enum class Mode { Quiet, Burst };

    /// The pause, and how many events a pause must gather to stay in Burst.
    explicit BurstGate(Clock::duration pause, std::size_t min_batch = 2)
        : min_batch_(min_batch), burst_gap_(pause / static_cast<Clock::rep>(min_batch ? min_batch : 1)) {}

    /// A pass of libvirt's loop brought events at `now`. Returns true when
    /// the link should gather (pause, then take what came) before handing
    /// them over: in Burst, or when events come fast enough that a pause
    /// would gather a batch (closer together than pause / min_batch: Quiet
    /// turns to Burst).
    bool should_gather(Clock::time_point now);

    /// A gathering pause brought `count` more events: fewer than the
    /// minimum batch ends the burst.
    void gathered(std::size_t count);

    Mode mode() const { return mode_; }

private:
    std::size_t min_batch_;
    Clock::duration burst_gap_;  ///< pause / min_batch: events closer than this start a burst
    Mode mode_ = Mode::Quiet;
    std::optional<Clock::time_point> last_;  ///< when a pass last brought events
};

}  // namespace vme::pub
