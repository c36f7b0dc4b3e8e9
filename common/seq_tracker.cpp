// Gap and duplicate detection over (host, boot, seq).
#include "seq_tracker.h"

namespace vme {

namespace {

/// An unambiguous map key for (host, boot): the host's length first, so no
/// pair of strings (NUL bytes included) can produce the key of another pair.
std::string pair_key(std::string_view host, std::string_view boot) {
    std::string key = std::to_string(host.size());
    key += ':';
    key += host;
    key += boot;
    return key;
}

}  // namespace

SeqVerdict SeqTracker::advance(Track& track, std::uint64_t seq) {
    if (seq > track.highest) {
        const std::uint64_t step = seq - track.highest;  // >= 1
        const std::uint64_t old_highest = track.highest;
        track.seen = step >= kWindow ? std::bitset<kWindow>() : track.seen << step;
        track.seen.set(0);
        track.highest = seq;
        if (step == 1) return {SeqVerdict::Kind::InOrder, 0, 0};
        return {SeqVerdict::Kind::Gap, old_highest + 1, seq - 1};
    }
    const std::uint64_t age = track.highest - seq;
    if (age >= kWindow) return {SeqVerdict::Kind::Reordered, 0, 0};
    if (track.seen.test(age)) return {SeqVerdict::Kind::Duplicate, 0, 0};
    track.seen.set(age);
    return {SeqVerdict::Kind::Reordered, 0, 0};
}

SeqVerdict SeqTracker::observe(std::string_view host, std::string_view boot, std::uint64_t seq) {
    std::string key = pair_key(host, boot);
    if (const auto it = highest_.find(key); it != highest_.end()) {
        return advance(it->second, seq);
    }
    if (highest_.size() >= kMaxTracked) {
        highest_.erase(order_.front());
        order_.pop_front();
    }
    Track track;
    track.highest = seq;
    track.seen.set(0);
    highest_.emplace(key, track);
    order_.push_back(std::move(key));
    return {SeqVerdict::Kind::First, 0, 0};
}

}  // namespace vme
