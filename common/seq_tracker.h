// Gap and duplicate detection over (boot, seq) (pure).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <unordered_map>

namespace vme {

/// What one observed sequence number means.
struct SeqVerdict {
    enum class Kind { First, InOrder, Gap, Duplicate, Reordered };
    Kind kind = Kind::First;
    std::uint64_t missing_from = 0;  ///< for Gap: first missing seq
    std::uint64_t missing_to = 0;    ///< for Gap: last missing seq
};

/// Remembers, per publisher run (boot) and host, the highest seq seen.
class SeqTracker {
public:
    /// Records `seq` for `(host, boot)` and classifies it: the first seen
    /// for that boot, the next one, a jump forward (Gap, with the missing
    /// range), an equal one (Duplicate), or a lower one (Reordered, e.g. a
    /// redelivery of an older message).
    SeqVerdict observe(std::string_view host, std::string_view boot, std::uint64_t seq);

private:
    std::unordered_map<std::string, std::uint64_t> highest_;
};

}  // namespace vme
