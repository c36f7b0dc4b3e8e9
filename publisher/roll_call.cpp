#include "publisher/roll_call.h"

#include <algorithm>

#include "common/filter.h"
#include "common/message.h"
#include "common/sanitize.h"
#include "common/time.h"
#include "common/topic.h"

namespace vme::pub {

using std::chrono::milliseconds;

RollCallResponder::RollCallResponder(std::string prefix, std::string host, io::EventLoop& loop, Snapshot snapshot,
                                     Send send, Log log)
    : prefix_(std::move(prefix)),
      host_(std::move(host)),
      topic_(roll_call_topic(prefix_)),
      loop_(loop),
      snapshot_(std::move(snapshot)),
      send_(std::move(send)),
      log_(std::move(log)),
      random_(std::random_device{}()) {}

RollCallResponder::~RollCallResponder() {
    if (timer_ != 0) loop_.cancel(timer_);
}

void RollCallResponder::on_request(std::string_view payload) {
    if (payload.size() > kMaxRollCallRequestBytes)
        return drop("oversized (" + std::to_string(payload.size()) + " bytes)");
    auto request = decode_roll_call_request(payload);
    if (!request) return drop(request.error().message);
    if (!request->hosts.empty() &&
        std::none_of(request->hosts.begin(), request->hosts.end(),
                     [this](const std::string& glob) { return glob_match(glob, host_); }))
        return;  // asked of other hosts: not ours to answer, nothing to warn about
    std::optional<long long> since;
    if (!request->since.empty()) since = ms_from_iso_utc(request->since);
    auto known = pending_.find(Pending{request->reply, {}});
    if (known != pending_.end()) {
        // The same requester again: one answer, reaching back as far as asked.
        Pending merged = *known;
        if (since && (!merged.since_ms || *since < *merged.since_ms)) merged.since_ms = since;
        pending_.erase(known);
        pending_.insert(merged);
    } else {
        if (pending_.size() >= kMaxPending) return drop("too many requesters waiting");
        pending_.insert(Pending{request->reply, since});
    }
    if (timer_ != 0) return;
    // A random delay spreads a fleet's answers; never two rounds within kMinInterval.
    auto delay = milliseconds(std::uniform_int_distribution<int>(0, request->spread_ms)(random_));
    auto now = io::EventLoop::Clock::now();
    auto earliest = last_round_ + kMinInterval;
    if (rounds_ > 0 && now + delay < earliest) delay = std::chrono::ceil<milliseconds>(earliest - now);
    timer_ = loop_.after(delay, [this] {
        timer_ = 0;
        answer_round();
    });
}

void RollCallResponder::answer_round() {
    last_round_ = io::EventLoop::Clock::now();
    ++rounds_;
    std::size_t answered = 0;
    for (auto it = pending_.begin(); it != pending_.end() && answered < kMaxRepliesPerRound; ++answered) {
        const Pending& p = *it;
        send_(Message{reply_topic(prefix_, p.reply, host_, TopicType::Status), snapshot_.status(), 1, false, {}});
        send_(Message{reply_topic(prefix_, p.reply, host_, TopicType::Inventory), snapshot_.inventory(), 1, false, {}});
        std::string journal = snapshot_.journal(p.since_ms);
        if (p.since_ms && !journal.empty())
            send_(Message{reply_topic(prefix_, p.reply, host_, TopicType::Journal), std::move(journal), 1, false, {}});
        it = pending_.erase(it);
    }
    if (pending_.empty()) return;
    timer_ = loop_.after(kMinInterval, [this] {
        timer_ = 0;
        answer_round();
    });
}

void RollCallResponder::drop(const std::string& why) {
    ++dropped_since_warning_;
    auto now = io::EventLoop::Clock::now();
    if (last_warning_ != io::EventLoop::Clock::time_point{} && now - last_warning_ < std::chrono::seconds(10)) return;
    log_("roll call: request dropped: " + sanitize(why) + " (" + std::to_string(dropped_since_warning_) +
         " dropped since the last warning)");
    last_warning_ = now;
    dropped_since_warning_ = 0;
}

}  // namespace vme::pub
