#include "history.h"

#include <algorithm>
#include <climits>

#include "decode.h"
#include "sanitize.h"
#include "time.h"
#include "topic.h"

namespace vme {

Result<std::size_t> HistoryMerger::add(const std::string& topic_host, const Journal& journal) {
    if (journal.host != topic_host)
        return Error{"journal names host '" + sanitize(journal.host) + "', not the topic's; skipped"};
    std::size_t unreadable = 0;
    EventDecoder decoder;  // one parser for the whole journal
    for (const auto& payload : journal.events) {
        auto event = decoder.decode(payload);
        auto time = event ? ms_from_iso_utc(event->time) : std::nullopt;
        if (!event || !time) {
            ++unreadable;
            continue;
        }
        if (!seen_.emplace(topic_host, event->boot, event->seq).second) continue;
        items_.push_back(HistoryItem{*time, event->host, event->boot, event->seq,
                                     event_topic(prefix_, topic_host, event->domain.name, event->kind), payload,
                                     event->host == topic_host});
    }
    const long long from = journal.from.empty() ? LLONG_MAX : ms_from_iso_utc(journal.from).value_or(LLONG_MAX);
    auto [it, fresh] = from_.emplace(topic_host, from);
    if (!fresh) it->second = std::min(it->second, from);
    return unreadable;
}

std::vector<HistoryItem> HistoryMerger::take(long long since_ms, std::optional<long long> until_ms) {
    std::vector<HistoryItem> out;
    for (auto& item : items_) {
        if (item.time_ms < since_ms || (until_ms && item.time_ms > *until_ms)) continue;
        out.push_back(std::move(item));
    }
    std::sort(out.begin(), out.end(), [](const HistoryItem& a, const HistoryItem& b) {
        return std::tie(a.time_ms, a.host, a.boot, a.seq) < std::tie(b.time_ms, b.host, b.boot, b.seq);
    });
    items_.clear();
    seen_.clear();
    return out;
}

std::vector<std::pair<std::string, long long>> HistoryMerger::late_starts(long long since_ms) const {
    std::vector<std::pair<std::string, long long>> late;
    for (const auto& [host, from] : from_) {
        if (from != LLONG_MAX && from > since_ms) late.emplace_back(host, from);
    }
    return late;
}

std::string SeamFilter::key(std::string_view host, std::string_view boot) {
    std::string k(host);
    k += '\0';
    k += boot;
    return k;
}

void SeamFilter::record(std::string_view host, std::string_view boot, std::uint64_t seq) {
    auto [it, fresh] = highest_.emplace(key(host, boot), seq);
    if (!fresh) it->second = std::max(it->second, seq);
}

bool SeamFilter::admit(std::string_view host, std::string_view boot, std::uint64_t seq) const {
    auto it = highest_.find(key(host, boot));
    return it == highest_.end() || seq > it->second;
}

}  // namespace vme
