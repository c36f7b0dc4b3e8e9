#include "subscriber/history_run.h"

#include <chrono>

#include "common/filter.h"
#include "common/time.h"
#include "common/topic.h"

namespace vme::sub {

HistoryRun::HistoryRun(const Options& options, EventPrinter& printer, Diagnostics& diag, ModeHost& host)
    : options_(options), diag_(diag), host_(host), stream_(options, printer, diag, host),
      history_(options.prefix, options.filter, options.since_ms.value_or(0), options.until_ms, diag),
      roll_call_(
          roll_call_settings(options, kRollCallHardCap), new_reply_id(), host.loop(), diag,
          [&host](const std::string& topic, const std::string& payload) { return host.publish(topic, payload); },
          [this] { return history_.hosts(); }, [this] { end_history(); }) {}

HistoryRun::~HistoryRun() {
    if (until_timer_ != 0) host_.loop().cancel(until_timer_);
}

std::vector<std::string> HistoryRun::subscriptions() const {
    std::vector<std::string> topics = live_subscriptions(options_);
    if (!history_.collecting()) return topics;
    for (auto& topic : host_subscriptions(options_.prefix, options_.filter, "journal")) topics.push_back(std::move(topic));
    if (auto reply = roll_call_.reply_filter(); !reply.empty()) topics.push_back(std::move(reply));
    return topics;
}

void HistoryRun::on_subscribed(bool first) {
    if (first) roll_call_.start();
}

void HistoryRun::on_message(std::string_view topic, std::string_view payload, bool retained) {
    // A roll-call answer is a copy of a host's own topic: read it as that.
    const std::optional<std::string> origin = roll_call_.origin(topic);
    if (origin) topic = *origin;
    if (history_.collecting()) {
        auto parts = parse_topic(options_.prefix, topic);
        if (parts && parts->type == TopicType::Journal) {
            history_.add_journal(parts->host, topic, payload);
            return roll_call_.activity();
        }
        if (!origin) history_.hold(topic, payload, retained);
        return;
    }
    if (origin) return;  // a late answer: the history is out already
    stream_.handle(topic, payload, retained);
}

void HistoryRun::end_history() {
    if (!history_.collecting()) return;
    auto replay = history_.finish();
    // The journals and answers are not wanted any more.
    for (const auto& topic : host_subscriptions(options_.prefix, options_.filter, "journal")) host_.unsubscribe(topic);
    if (auto reply = roll_call_.reply_filter(); !reply.empty()) host_.unsubscribe(reply);
    diag_.verbose("history: " + std::to_string(replay.history.size()) + " events");
    for (const auto& item : replay.history) {
        if (host_.finished()) return;
        stream_.handle(item.topic, item.payload, false);
    }
    stream_.set_seam(std::move(replay.seam));
    const long long now = now_ms();
    if (options_.until_ms && *options_.until_ms <= now) return close_window();
    for (const auto& held : replay.live) {
        if (host_.finished()) return;
        stream_.handle(held.topic, held.payload, held.retained);
    }
    if (options_.until_ms)
        until_timer_ = host_.loop().after(std::chrono::milliseconds(*options_.until_ms - now), [this] {
            until_timer_ = 0;
            close_window();
        });
}

void HistoryRun::close_window() { stream_.close(); }

}  // namespace vme::sub
