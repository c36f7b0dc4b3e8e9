// vm-sub --since: the phase before live output. Journals (retained, and
// roll-call answers) are merged while live messages are held back; at the
// end the history goes out in time order, then the held live messages, and
// the seam drops what the history showed already. Both go through the one
// MessageHandler pipeline: this class only decides what reaches it when.
#pragma once

#include <cstddef>
#include <deque>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/filter.h"
#include "common/history.h"
#include "subscriber/output.h"

namespace vme::sub {

class HistoryPhase {
public:
    /// Most live messages held while the history is collected; beyond it
    /// the oldest go (with one warning).
    static constexpr std::size_t kMaxHeld = 200000;

    /// A live message held back.
    struct Held {
        std::string topic;
        std::string payload;
        bool retained = false;
    };

    /// What finish() hands over: the history in order, then the held messages.
    struct Replay {
        std::vector<HistoryItem> history;
        std::deque<Held> live;
        SeamFilter seam;
    };

    HistoryPhase(std::string prefix, Filter filter, long long since_ms, std::optional<long long> until_ms,
                 Diagnostics& diag)
        : prefix_(std::move(prefix)), filter_(std::move(filter)), since_ms_(since_ms), until_ms_(until_ms),
          diag_(diag), merger_(prefix_) {}

    /// True until finish().
    bool collecting() const { return collecting_; }

    /// A journal that arrived on (or as an answer copying) the journal
    /// topic of `topic_host`. Undecodable, oversized or spoofed journals
    /// are warned about and skipped.
    void add_journal(const std::string& topic_host, std::string_view shown_topic, std::string_view payload);

    /// A live message while collecting.
    void hold(std::string_view topic, std::string_view payload, bool retained);

    /// Hosts a journal came from so far.
    std::size_t hosts() const { return merger_.hosts(); }

    /// Ends collecting: one notice per selected host whose journal starts
    /// after --since, then the replay.
    Replay finish();

private:
    std::string prefix_;
    Filter filter_;
    long long since_ms_;
    std::optional<long long> until_ms_;
    Diagnostics& diag_;
    HistoryMerger merger_;
    std::deque<Held> held_;
    bool collecting_ = true;
    bool overflow_warned_ = false;
};

}  // namespace vme::sub
