// A host's journal (pure): the last N events vm-pub published, bounded in
// count and in bytes, oldest dropped first, encoded as the retained
// "<prefix>/<host>/journal" payload (see man/vm-events.7, HISTORY).
#pragma once

#include <cstddef>
#include <deque>
#include <optional>
#include <string>
#include <string_view>

#include "message.h"

namespace vme {

/// Largest journal payload vm-pub writes, in bytes: below kMaxJournalBytes
/// (what subscribers accept) and below every broker's default message limit.
inline constexpr std::size_t kJournalByteCap = 768 * 1024;

/// What a journal's header (everything but the entries) may take of the
/// byte cap at most: the entries get the rest.
inline constexpr std::size_t kJournalHeaderAllowance = 4096;

class JournalBuffer {
public:
    /// Keeps at most `max_events` entries and at most `max_bytes` of encoded
    /// journal; complete from `start_ms` on (the publisher's start).
    JournalBuffer(std::size_t max_events, long long start_ms, std::size_t max_bytes = kJournalByteCap);

    /// Appends one event payload published at `time_ms`; drops the oldest
    /// entries beyond either bound (a single entry larger than the byte
    /// budget is not kept at all: the journal is then complete only from
    /// its time on).
    void add(std::string_view event_payload, long long time_ms);

    /// Puts the entries of an earlier run's journal before the current ones
    /// (older first), takes its `from` as the start, then applies the
    /// bounds. Entries whose time cannot be read are skipped. Returns the
    /// number of entries taken.
    std::size_t restore(const Journal& earlier);

    /// The journal payload: written at `time`, for `host`, holding the
    /// entries at or after `since_ms` (all of them when absent).
    std::string encode(std::string_view time, std::string_view host,
                       std::optional<long long> since_ms = std::nullopt) const;

    /// Entries held.
    std::size_t size() const { return entries_.size(); }

    /// Bytes the entries take in the encoded journal.
    std::size_t entry_bytes() const { return bytes_; }

    /// From when on the journal holds every event (ms since the epoch).
    long long from_ms() const { return from_ms_; }

private:
    struct Entry {
        std::string quoted;   ///< the payload as a JSON string literal
        long long time_ms = 0;
    };
    void push(std::string quoted, long long time_ms);
    void trim();

    std::size_t max_events_;
    std::size_t budget_;     ///< bytes for the entries (cap minus header allowance)
    long long from_ms_;
    std::deque<Entry> entries_;
    std::size_t bytes_ = 0;  ///< sum of quoted sizes plus one separator each
};

}  // namespace vme
