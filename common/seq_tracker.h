// Gap and duplicate detection over (boot, seq) (pure).
#pragma once

#include <bitset>
#include <cstdint>
#include <deque>
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

/// Remembers, per publisher run (boot) and host, the highest seq seen and
/// which of the kWindow seqs below it were seen, so a QoS 1 redelivery of an
/// older message is recognised as a Duplicate, while a message that arrives
/// late and fills a reported gap is Reordered (and still new).
/// Bounded: beyond kMaxTracked (host, boot) pairs the oldest pair is
/// forgotten (its next seq is First again), so a stream of made-up boots
/// cannot grow memory without limit.
class SeqTracker {
public:
    /// Most (host, boot) pairs remembered at once.
    static constexpr std::size_t kMaxTracked = 65536;

    /// How many seqs below the highest are remembered per pair.
    static constexpr std::size_t kWindow = 1024;

    /// Records `seq` for `(host, boot)` and classifies it: the first seen
    /// for that boot, the next one, a jump forward (Gap, with the missing
    /// range), one already seen (Duplicate), or a lower one not seen before
    /// (Reordered: late, e.g. after a reconnect; older than the window counts
    /// as Reordered too, since it can no longer be told apart).
    SeqVerdict observe(std::string_view host, std::string_view boot, std::uint64_t seq);

    /// Number of (host, boot) pairs remembered now.
    std::size_t tracked() const { return highest_.size(); }

private:
    struct Track {
        std::uint64_t highest = 0;
        std::bitset<kWindow> seen;  ///< bit i: seq (highest - i) was seen
    };
    static SeqVerdict advance(Track& track, std::uint64_t seq);
    std::unordered_map<std::string, Track> highest_;
    std::deque<std::string> order_;  ///< keys, oldest first, for eviction
};

}  // namespace vme
