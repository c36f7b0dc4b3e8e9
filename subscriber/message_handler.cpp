#include "subscriber/message_handler.h"

#include "common/cloudevents.h"
#include "common/sanitize.h"

namespace vme::sub {

std::string shown(std::string_view text) { return sanitize(clip(text, 200)); }


bool gap_check_applies(const Options& options) {
    const Filter& f = options.filter;
    return options.gap_check && options.topics.empty() && f.domains.empty() && f.kinds.empty() &&
           f.events.empty();
}

HandlerConfig handler_config(const Options& options) {
    return HandlerConfig{options.prefix, options.filter, !options.topics.empty(), gap_check_applies(options)};
}

void MessageHandler::handle(std::string_view topic, std::string_view payload, bool retained) {
    auto parts = parse_topic(config_.prefix, topic);
    if (!parts) return handle_unparsed_topic(topic, payload, parts.error());
    switch (parts->type) {
    case TopicType::Event: return handle_event(*parts, topic, payload);
    case TopicType::Status: return handle_status(*parts, topic, payload, retained);
    case TopicType::State:
    case TopicType::Inventory:
    case TopicType::Journal:
        // Only -t subscriptions can bring these; show them like any other payload.
        if (config_.raw_mode) sink_.on_foreign(topic, payload);
        return;
    }
}

void MessageHandler::handle_unparsed_topic(std::string_view topic, std::string_view payload,
                                           const Error& why) {
    if (!config_.raw_mode) return warn(topic, "not a vm-events/1 topic: " + why.message);
    // A vm-events/1 payload on a topic outside the scheme: no topic vouches
    // for its host, so it is not shown as an event.
    if (decode_any_event(decoder_, payload)) {
        return warn(topic, "event on a topic outside <prefix>/<host>/<vm>/event/<kind> (see --prefix); skipped");
    }
    sink_.on_foreign(topic, payload);
}

void MessageHandler::handle_event(const TopicParts& parts, std::string_view topic,
                                  std::string_view payload) {
    // Both wire forms: vm-events/1, or a structured-mode CloudEvent
    // carrying it (vm-pub --payload cloudevents); binary mode is vm-events/1.
    auto event = decode_any_event(decoder_, payload);
    if (!event) {
        if (config_.raw_mode) return sink_.on_foreign(topic, payload);
        return warn(topic, "undecodable event: " + shown(event.error().message));
    }
    if (!vouched(*event, parts, topic)) return;
    if (!seam_.empty() && !seam_.admit(event->host, event->boot, event->seq)) return;
    if (!accept_sequence(*event)) return;
    if (config_.filter.matches(*event)) sink_.on_event(*event);
}

bool MessageHandler::vouched(const Event& event, const TopicParts& parts, std::string_view topic) {
    // The broker's access rules vouch for the topic, not for the payload:
    // one host must not speak for another (or for another VM).
    if (event.host != parts.host || event.domain.name != parts.vm) {
        warn(topic, "payload names host '" + shown(event.host) + "' VM '" + shown(event.domain.name) +
                        "', not the topic's; skipped");
        return false;
    }
    if (event.kind != parts.kind) {
        warn(topic, "payload kind '" + shown(event.kind) + "' is not the topic's; skipped");
        return false;
    }
    return true;
}

bool MessageHandler::accept_sequence(const Event& event) {
    if (!config_.gap_check) return true;
    SeqVerdict verdict = seq_.observe(event.host, event.boot, event.seq);
    // Only a report needs the names (made safe, so this is not free).
    auto where = [&event] { return "host " + shown(event.host) + " (boot " + shown(event.boot) + ")"; };
    switch (verdict.kind) {
    case SeqVerdict::Kind::First:
    case SeqVerdict::Kind::InOrder: return true;
    case SeqVerdict::Kind::Gap:
        diag_.warn("gap: " + where() + ": missed seq " + std::to_string(verdict.missing_from) + ".." +
                   std::to_string(verdict.missing_to));
        return true;
    case SeqVerdict::Kind::Duplicate:
        // The same (boot, seq) is the same message delivered twice: drop it,
        // so -C and --exec never count or run one event twice.
        diag_.warn("duplicate: " + where() + ": seq " + std::to_string(event.seq) + " again; skipped");
        return false;
    case SeqVerdict::Kind::Reordered:
        diag_.warn("out of order: " + where() + ": seq " + std::to_string(event.seq) + " arrived late (fills an earlier gap)");
        return true;
    }
    return true;
}

void MessageHandler::handle_status(const TopicParts& parts, std::string_view topic,
                                   std::string_view payload, bool retained) {
    if (payload.empty()) return;  // a cleared retained status: nothing to say
    auto status = decode_status(payload);
    if (!status) {
        if (config_.raw_mode) return sink_.on_foreign(topic, payload);
        return warn(topic, "undecodable status: " + shown(status.error().message));
    }
    if (status->host != parts.host) return warn(topic, "status names another host; skipped");
    if (!config_.filter.matches_host(status->host)) return;
    auto known = hosts_.find(status->host);
    bool first = known == hosts_.end();
    HostView before = first ? HostView{} : known->second;
    hosts_[status->host] = HostView{status->online, status->libvirt};
    // The first retained status is the state at start-up, not a change.
    if (first && retained) return;
    if (first || before.online != status->online) return sink_.on_status(*status, StatusChange::Host);
    // Libvirt's first "connected" (after a start) is no news; the rest is.
    bool libvirt_news = status->online && before.libvirt != status->libvirt &&
                        status->libvirt != LibvirtHealthState::Unknown &&
                        !(before.libvirt == LibvirtHealthState::Unknown && status->libvirt == LibvirtHealthState::Connected);
    if (libvirt_news) sink_.on_status(*status, StatusChange::Libvirt);
}

void MessageHandler::warn(std::string_view topic, std::string_view what) {
    diag_.warn(std::string("on ").append(shown(topic)).append(": ").append(what));
}

}  // namespace vme::sub
