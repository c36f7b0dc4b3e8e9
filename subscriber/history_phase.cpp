#include "subscriber/history_phase.h"

#include "common/sanitize.h"
#include "common/time.h"
#include "subscriber/message_handler.h"

namespace vme::sub {

void HistoryPhase::add_journal(const std::string& topic_host, std::string_view shown_topic,
                               std::string_view payload) {
    if (payload.empty()) return;  // a cleared journal
    if (!filter_.matches_host(topic_host)) return;
    auto journal = decode_journal(payload);
    if (!journal) return diag_.warn("on " + shown(shown_topic) + ": undecodable journal: " + shown(journal.error().message));
    auto added = merger_.add(topic_host, *journal);
    if (!added) return diag_.warn("on " + shown(shown_topic) + ": " + added.error().message);
    if (*added > 0)
        diag_.warn("on " + shown(shown_topic) + ": " + std::to_string(*added) + " unreadable journal entries; skipped");
}

void HistoryPhase::hold(std::string_view topic, std::string_view payload, bool retained) {
    if (held_.size() >= kMaxHeld) {
        held_.pop_front();
        if (!overflow_warned_) diag_.say("more than " + std::to_string(kMaxHeld) + " live messages while reading the history: the oldest are lost");
        overflow_warned_ = true;
    }
    held_.push_back(Held{std::string(topic), std::string(payload), retained});
}

HistoryPhase::Replay HistoryPhase::finish() {
    collecting_ = false;
    for (const auto& [host, from] : merger_.late_starts(since_ms_))
        diag_.say(sanitize(host) + ": history starts at " + iso_utc_from_ms(from));
    Replay replay;
    replay.history = merger_.take(since_ms_, until_ms_);
    for (const auto& item : replay.history) {
        // A spoofed entry (another host's name) must not hide that host's live events.
        if (item.vouched) replay.seam.record(item.host, item.boot, item.seq);
    }
    replay.live = std::move(held_);
    held_.clear();
    return replay;
}

}  // namespace vme::sub
