#include "journal.h"

#include "decode.h"
#include "json_writer.h"
#include "time.h"

namespace vme {

JournalBuffer::JournalBuffer(std::size_t max_events, long long start_ms, std::size_t max_bytes)
    : max_events_(max_events),
      budget_(max_bytes > kJournalHeaderAllowance ? max_bytes - kJournalHeaderAllowance : 0),
      from_ms_(start_ms) {}

void JournalBuffer::add(std::string_view event_payload, long long time_ms) {
    std::string quoted;
    quoted.reserve(event_payload.size() + 64);
    append_json_string(quoted, event_payload);
    push(std::move(quoted), time_ms);
    trim();
}

void JournalBuffer::push(std::string quoted, long long time_ms) {
    bytes_ += quoted.size() + 1;
    entries_.push_back(Entry{std::move(quoted), time_ms});
}

std::size_t JournalBuffer::restore(const Journal& earlier) {
    std::deque<Entry> current = std::move(entries_);
    entries_.clear();
    bytes_ = 0;
    std::size_t taken = 0;
    EventDecoder decoder;  // one parser for the whole journal
    for (const auto& payload : earlier.events) {
        auto event = decoder.decode(payload);
        if (!event) continue;
        auto time = ms_from_iso_utc(event->time);
        if (!time) continue;
        std::string quoted;
        append_json_string(quoted, payload);
        push(std::move(quoted), *time);
        ++taken;
    }
    for (auto& entry : current) push(std::move(entry.quoted), entry.time_ms);
    if (auto from = ms_from_iso_utc(earlier.from); from && *from < from_ms_) from_ms_ = *from;
    else if (taken > 0 && entries_.front().time_ms < from_ms_) from_ms_ = entries_.front().time_ms;
    trim();
    return taken;
}

void JournalBuffer::trim() {
    bool dropped = false;
    while (!entries_.empty() && (entries_.size() > max_events_ || bytes_ > budget_)) {
        bytes_ -= entries_.front().quoted.size() + 1;
        if (entries_.front().time_ms > from_ms_) from_ms_ = entries_.front().time_ms;
        entries_.pop_front();
        dropped = true;
    }
    // Complete from the oldest entry kept on: the dropped ones were older.
    if (dropped && !entries_.empty() && entries_.front().time_ms > from_ms_) from_ms_ = entries_.front().time_ms;
}

std::string JournalBuffer::encode(std::string_view time, std::string_view host,
                                  std::optional<long long> since_ms) const {
    std::string events = "[";
    events.reserve(bytes_ + 2);
    for (const auto& entry : entries_) {
        if (since_ms && entry.time_ms < *since_ms) continue;
        if (events.size() > 1) events += ',';
        events += entry.quoted;
    }
    events += ']';
    return encode_journal(time, host, iso_utc_from_ms(from_ms_), events);
}

}  // namespace vme
