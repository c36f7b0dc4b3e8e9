#include "subscriber/list_run.h"

namespace vme::sub {

ListRun::ListRun(const Options& options, EventPrinter& printer, Diagnostics& diag, ModeHost& host)
    : options_(options), printer_(printer), host_(host), list_(options.prefix, options.filter, diag),
      roll_call_(
          roll_call_settings(options, kRollCallHardCap), new_reply_id(), host.loop(), diag,
          [&host](const std::string& topic, const std::string& payload) { return host.publish(topic, payload); },
          [this] { return list_.host_count(); }, [this] { print_list(); }) {}

std::vector<std::string> ListRun::subscriptions() const {
    std::vector<std::string> topics = list_subscriptions(options_.prefix, options_.filter);
    if (auto reply = roll_call_.reply_filter(); !reply.empty()) topics.push_back(std::move(reply));
    return topics;
}

void ListRun::on_subscribed(bool first) {
    if (first) roll_call_.start();
}

void ListRun::on_message(std::string_view topic, std::string_view payload, bool) {
    // A roll-call answer is a copy of a host's own topic: read it as that.
    const std::optional<std::string> origin = roll_call_.origin(topic);
    list_.add(origin ? std::string_view(*origin) : topic, payload);
    roll_call_.activity();
}

void ListRun::print_list() {
    if (host_.finished()) return;
    auto lines = options_.output == OutputMode::Json ? list_.json_lines() : list_.table_lines();
    for (const auto& line : lines) {
        if (!printer_.out().write_line(line)) break;  // reader gone: nothing more to say
    }
    host_.finish(kExitOk);
}

}  // namespace vme::sub
