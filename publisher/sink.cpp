#include "publisher/sink.h"

#include <ctime>

#include <libvirt/libvirt.h>

#include "common/format.h"
#include "common/names.h"
#include "common/topic.h"

namespace vme::pub {

namespace {

/// The classic text line only ever described lifecycle events.
bool classic_takes(const Event& e) { return e.kind == kind_name(VIR_DOMAIN_EVENT_ID_LIFECYCLE); }

/// The classic sample's line for `e`, stamped with the local time now.
std::string classic_line(const Event& e) {
    std::time_t now = std::time(nullptr);
    std::tm local{};
    localtime_r(&now, &local);
    return seed_text_line(local, e.event_code, e.domain.name);
}

}  // namespace

// ---------------------------------------------------------------- MqttSink

MqttSink::MqttSink(MqttSinkConfig config, Delivery& delivery, const StateTracker& tracker, io::EventLoop& loop)
    : config_(std::move(config)), delivery_(delivery), tracker_(tracker),
      inventory_(loop, std::chrono::seconds(1), [this] { delivery_.enqueue(inventory_message()); }) {}

bool MqttSink::takes(const Event& event) const {
    return config_.encoding == EventEncoding::Json || classic_takes(event);
}

void MqttSink::event(const Event& e) {
    std::string payload;
    if (config_.encoding == EventEncoding::Json) {
        payload = encode_event(e);
    } else {
        payload = classic_line(e);
        payload.push_back('\0');  // the classic sample sent its terminating NUL
    }
    std::string topic = config_.fixed_topic.empty()
                            ? event_topic(config_.prefix, config_.host, e.domain.name, e.kind)
                            : config_.fixed_topic;
    delivery_.enqueue(Message{std::move(topic), std::move(payload), config_.qos, false});
}

void MqttSink::state(const StateChange& change) {
    if (change.removed) {
        // An empty retained payload removes the retained state.
        delivery_.enqueue(Message{state_topic(config_.prefix, config_.host, change.vm.domain.name), {}, 1, true});
    } else {
        delivery_.enqueue(state_message(change.vm));
    }
    inventory_.request();
}

void MqttSink::republish_all() {
    for (const auto& vm : tracker_.all()) delivery_.enqueue_repair(state_message(vm));
    inventory_.cancel();
    delivery_.enqueue_repair(inventory_message());
}

Message MqttSink::state_message(const DomainSnapshot& vm) const {
    return Message{state_topic(config_.prefix, config_.host, vm.domain.name),
                   encode_state(to_state(vm, config_.host, utc_now_iso(), config_.boot)), 1, true};
}

Message MqttSink::inventory_message() const {
    std::vector<InventoryEntry> entries;
    for (const auto& vm : tracker_.all()) {
        entries.push_back(InventoryEntry{vm.domain, std::string(state_name(vm.state_code)),
                                         std::string(state_reason_name(vm.state_code, vm.reason_code))});
    }
    return Message{inventory_topic(config_.prefix, config_.host),
                   encode_inventory(utc_now_iso(), config_.host, entries), 1, true};
}

// ---------------------------------------------------------------- StdoutSink

bool StdoutSink::takes(const Event& event) const {
    return encoding_ == EventEncoding::Json || classic_takes(event);
}

void StdoutSink::event(const Event& e) {
    out_.write_line(encoding_ == EventEncoding::Json ? encode_event(e) : classic_line(e));
}

}  // namespace vme::pub
