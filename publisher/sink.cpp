#include "publisher/sink.h"

#include <libvirt/libvirt.h>

#include "common/classic_text.h"
#include "common/cloudevents.h"
#include "common/names.h"
#include "common/time.h"
#include "common/topic.h"

namespace vme::pub {

namespace {

/// The classic text line only ever described lifecycle events.
bool classic_takes(const Event& e) { return e.kind == kind_name(VIR_DOMAIN_EVENT_ID_LIFECYCLE); }

/// The classic sample's line for `e`, stamped with the local time now.
std::string classic_line(const Event& e) {
    return seed_text_line(local_tm_from_ms(now_ms()), e.event_code, e.domain.name);
}

}  // namespace

// ---------------------------------------------------------------- MqttSink

MqttSink::MqttSink(MqttSinkConfig config, Delivery& delivery, const StateTracker& tracker, io::EventLoop& loop)
    : config_(std::move(config)), delivery_(delivery), tracker_(tracker),
      cloudevents_(config_.encoding == EventEncoding::CloudEvents),
      inventory_(loop, std::chrono::seconds(1), [this] { delivery_.enqueue(inventory_message()); }),
      rediscovery_(loop, HaDiscovery::kBirthDelay, [this] {
          for (auto& m : discovery_->all(known_domains())) delivery_.enqueue_repair(std::move(m));
      }) {
    if (!config_.ha_discovery.empty())
        discovery_.emplace(HaContext{config_.ha_discovery, config_.prefix, config_.host, config_.version});
}

bool MqttSink::takes(const Event& event) const {
    return config_.encoding != EventEncoding::ClassicText || classic_takes(event);
}

void MqttSink::event(const Event& e) {
    std::string topic = config_.fixed_topic.empty()
                            ? event_topic(config_.prefix, config_.host, e.domain.name, e.kind)
                            : config_.fixed_topic;
    if (config_.encoding == EventEncoding::ClassicText) {
        std::string payload = classic_line(e);
        payload.push_back('\0');  // the classic sample sent its terminating NUL
        delivery_.enqueue(Message{std::move(topic), std::move(payload), config_.qos, false, {}});
        return;
    }
    std::string payload = cloudevents_.payload(e);
    if (journal_) {
        long long time_ms = ms_from_iso_utc(e.time).value_or(now_ms());
        journal_->add(config_.encoding == EventEncoding::Json ? payload : encode_event(e), time_ms);
    }
    delivery_.enqueue(
        Message{std::move(topic), std::move(payload), config_.qos, false, cloudevents_.properties(e, config_.mqtt5)});
}

void MqttSink::state(const StateChange& change) {
    if (change.removed) {
        // An empty retained payload removes the retained state.
        delivery_.enqueue(
            Message{state_topic(config_.prefix, config_.host, change.vm.domain.name), {}, 1, true, {}});
    } else {
        delivery_.enqueue(state_message(change.vm));
    }
    if (discovery_)
        for (auto& m : discovery_->on_change(change.vm.domain, change.removed)) delivery_.enqueue(std::move(m));
    inventory_.request();
}

void MqttSink::republish_all() {
    for (const auto& vm : tracker_.all()) delivery_.enqueue_repair(state_message(vm));
    inventory_.cancel();
    delivery_.enqueue_repair(inventory_message());
    if (discovery_)
        for (auto& m : discovery_->all(known_domains())) delivery_.enqueue_repair(std::move(m));
}

std::optional<std::string> MqttSink::discovery_birth_topic() const {
    if (!discovery_) return std::nullopt;
    return discovery_->birth_topic();
}

void MqttSink::on_discovery_message(std::string_view topic, std::string_view payload) {
    if (discovery_ && discovery_->is_birth(topic, payload)) rediscovery_.request();
}

std::vector<DomainRef> MqttSink::known_domains() const {
    std::vector<DomainRef> domains;
    for (const auto& vm : tracker_.all()) domains.push_back(vm.domain);
    return domains;
}

Message MqttSink::state_message(const DomainSnapshot& vm) const {
    return Message{state_topic(config_.prefix, config_.host, vm.domain.name),
                   encode_state(to_state(vm, config_.host, utc_now_iso(), config_.boot)), 1, true, {}};
}

Message MqttSink::inventory_message() const {
    return Message{inventory_topic(config_.prefix, config_.host), inventory_payload(), 1, true, {}};
}

std::string MqttSink::inventory_payload() const {
    std::vector<InventoryEntry> entries;
    for (const auto& vm : tracker_.all()) {
        entries.push_back(InventoryEntry{vm.domain, std::string(state_name(vm.state_code)),
                                         std::string(state_reason_name(vm.state_code, vm.reason_code))});
    }
    return encode_inventory(utc_now_iso(), config_.host, entries);
}

// ---------------------------------------------------------------- StdoutSink

bool StdoutSink::takes(const Event& event) const {
    return encoding_ != EventEncoding::ClassicText || classic_takes(event);
}

void StdoutSink::event(const Event& e) {
    switch (encoding_) {
        case EventEncoding::Json: out_.write_line(encode_event(e)); return;
        case EventEncoding::CloudEvents: out_.write_line(encode_cloudevent(e)); return;
        case EventEncoding::ClassicText: out_.write_line(classic_line(e)); return;
    }
}

}  // namespace vme::pub
