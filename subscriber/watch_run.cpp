#include "subscriber/watch_run.h"

#include "common/filter.h"
#include "common/topic.h"
#include "subscriber/list_mode.h"

namespace vme::sub {

WatchRun::WatchRun(const Options& options, std::string broker, Diagnostics& diag, ModeHost& host)
    : options_(options), watch_(options, std::move(broker), host.loop(), diag, [&host] { host.finish(kExitOk); }),
      handler_(handler_config(options), diag, *this),
      // No hard cap: the screen stays; answers are welcome whenever they come.
      roll_call_(
          roll_call_settings(options, std::chrono::milliseconds(0)), new_reply_id(), host.loop(), diag,
          [&host](const std::string& topic, const std::string& payload) { return host.publish(topic, payload); },
          [] { return std::size_t{0}; }, {}) {}

Status WatchRun::start() {
    if (auto st = watch_.start(); !st) return Error{"--watch: " + st.error().message};
    return Ok{};
}

std::vector<std::string> WatchRun::subscriptions() const {
    // What --list reads, plus the events.
    std::vector<std::string> topics = list_subscriptions(options_.prefix, options_.filter);
    for (auto& topic : event_subscriptions(options_.prefix, options_.filter)) topics.push_back(std::move(topic));
    if (auto reply = roll_call_.reply_filter(); !reply.empty()) topics.push_back(std::move(reply));
    return topics;
}

void WatchRun::on_subscribed(bool first) {
    // Asked once, when the retained messages have had time to come: live
    // hosts answer, also those whose retained messages live on another
    // node of a clustered broker.
    if (first) roll_call_.start();
}

void WatchRun::on_message(std::string_view topic, std::string_view payload, bool retained) {
    // A roll-call answer is a copy of a host's own topic: read it as that.
    const std::optional<std::string> origin = roll_call_.origin(topic);
    if (origin) topic = *origin;
    auto parts = parse_topic(options_.prefix, topic);
    if (parts && parts->type == TopicType::Event) return handler_.handle(topic, payload, retained);
    watch_.on_fleet_message(topic, payload, retained);
}

void WatchRun::on_connected() { watch_.set_link(WatchLink{WatchLink::Phase::Connected, {}}); }

void WatchRun::on_disconnected(const std::string& reason, bool ever_connected) {
    watch_.set_link(WatchLink{ever_connected ? WatchLink::Phase::Lost : WatchLink::Phase::Connecting, reason});
}

}  // namespace vme::sub
