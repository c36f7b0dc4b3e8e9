// vm-sub --since (pure): the journals of every selected host merged into
// one time-ordered history, and the seam between that history and the
// live events that follow it (one (host, boot, seq) is shown once).
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <tuple>
#include <utility>
#include <vector>

#include "message.h"
#include "result.h"

namespace vme {

/// One journal entry, ready for the event pipeline: `topic` is the event
/// topic the entry would have arrived on, built from the host named by the
/// journal's topic (so a payload naming another host is caught by the
/// pipeline's topic check, exactly as for a live event).
struct HistoryItem {
    long long time_ms = 0;
    std::string host;      ///< the payload's host
    std::string boot;
    std::uint64_t seq = 0;
    std::string topic;
    std::string payload;
    bool vouched = false;  ///< the payload's host is the journal topic's host
};

class HistoryMerger {
public:
    explicit HistoryMerger(std::string prefix) : prefix_(std::move(prefix)) {}

    /// Takes the entries of a journal that arrived on the journal topic of
    /// `topic_host`. Error (the journal is skipped) when the journal names
    /// another host. Entries that do not decode as events or carry no
    /// readable time are not kept: their number is returned. An entry
    /// already held (the same topic host, boot and seq in another journal, e.g.
    /// the retained one and a roll-call answer) is kept once.
    Result<std::size_t> add(const std::string& topic_host, const Journal& journal);

    /// Every entry held with since_ms <= time <= until_ms, ordered by time,
    /// then host, boot and seq. Leaves the merger empty.
    std::vector<HistoryItem> take(long long since_ms, std::optional<long long> until_ms);

    /// The hosts whose journals are complete only from an instant later than
    /// `since_ms`, with that instant (the earliest any of its journals gives).
    std::vector<std::pair<std::string, long long>> late_starts(long long since_ms) const;

    /// Hosts a journal was taken from.
    std::size_t hosts() const { return from_.size(); }

private:
    std::string prefix_;
    std::vector<HistoryItem> items_;
    std::set<std::tuple<std::string, std::string, std::uint64_t>> seen_;  ///< (topic host, boot, seq)
    std::map<std::string, long long> from_;  ///< per topic host; LLONG_MAX: unknown
};

/// The seam: what the history showed, per (host, boot), up to which seq.
/// A live event at or below that mark was shown already.
class SeamFilter {
public:
    /// Notes that the history showed `seq` of (host, boot).
    void record(std::string_view host, std::string_view boot, std::uint64_t seq);

    /// False when (host, boot, seq) is at or below what the history showed.
    bool admit(std::string_view host, std::string_view boot, std::uint64_t seq) const;

    /// Nothing recorded (every event is admitted).
    bool empty() const { return highest_.empty(); }

private:
    static std::string key(std::string_view host, std::string_view boot);
    std::map<std::string, std::uint64_t> highest_;
};

}  // namespace vme
