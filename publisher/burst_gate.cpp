#include "publisher/burst_gate.h"

namespace vme::pub {

bool BurstGate::should_gather(Clock::time_point now) {
    if (mode_ == Mode::Quiet && last_ && now - *last_ < burst_gap_) mode_ = Mode::Burst;
    last_ = now;
    return mode_ == Mode::Burst;
}

void BurstGate::gathered(std::size_t count) {
    if (count < min_batch_) mode_ = Mode::Quiet;
}

}  // namespace vme::pub
