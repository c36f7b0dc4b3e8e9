// Where vm-pub's output goes, chosen once at start from the options: the
// broker (MqttSink: events, retained states, the inventory, and Home
// Assistant's discovery configs when asked for), or standard output
// (StdoutSink: one event a line, for trying vm-pub without a broker). The
// payload of an event is chosen once too: vm-events/1 JSON (a CloudEvent
// in binary mode on MQTT 5), a structured-mode CloudEvent, or the classic
// sample's text line (lifecycle events only).
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/message.h"
#include "common/state_tracker.h"
#include "io/diagnostics.h"
#include "io/event_loop.h"
#include "io/throttle.h"
#include "publisher/cloudevents_wire.h"
#include "publisher/delivery.h"
#include "publisher/ha_discovery.h"
#include "publisher/journal_keeper.h"

namespace vme::pub {

/// How an event becomes a payload.
enum class EventEncoding {
    Json,         ///< vm-events/1 (common/message)
    CloudEvents,  ///< a structured-mode CloudEvent with the vm-events/1 payload as data
    ClassicText,  ///< the classic sample's line, with its trailing NUL on the wire
};

class Sink {
public:
    virtual ~Sink() = default;

    /// Whether `event` is published at all; asked before it is stamped,
    /// so an event not taken uses no seq.
    virtual bool takes(const Event& event) const = 0;

    /// Publishes one stamped event.
    virtual void event(const Event& event) = 0;

    /// A VM's state changed (`change.removed`: it is gone).
    virtual void state(const StateChange& change) = 0;

    /// After (re)connecting to a broker: every retained view again (each
    /// VM's state and the inventory), after whatever is queued.
    virtual void republish_all() {}
};

/// What the broker sink needs to know.
struct MqttSinkConfig {
    std::string prefix;
    std::string host;
    std::string boot;
    int qos = 1;
    std::string fixed_topic;  ///< --topic: every event to this topic; empty: per-event topics
    EventEncoding encoding = EventEncoding::Json;
    bool mqtt5 = false;       ///< MQTT 5: events carry the CloudEvents properties
    std::string ha_discovery; ///< Home Assistant's discovery prefix; empty: no discovery
    std::string version;      ///< vm-pub's version, for the discovery configs
};

/// Events at the configured QoS, retained states at QoS 1, the inventory
/// coalesced to at most one a second, and the discovery configs, through
/// Delivery.
class MqttSink final : public Sink {
public:
    /// Reads the VMs from `tracker` for the inventory and republish_all().
    MqttSink(MqttSinkConfig config, Delivery& delivery, const StateTracker& tracker, io::EventLoop& loop);

    bool takes(const Event& event) const override;
    void event(const Event& event) override;
    void state(const StateChange& change) override;
    void republish_all() override;

    /// The topic Home Assistant announces itself on, when discovery is on.
    std::optional<std::string> discovery_birth_topic() const;

    /// A message arrived on discovery_birth_topic(): when it is HA's birth,
    /// every config goes out again a moment later (a burst gives one).
    void on_discovery_message(std::string_view topic, std::string_view payload);

    /// Every event published from now on is also recorded in `journal`
    /// (its vm-events/1 payload), which must outlive this sink.
    void record_events_in(JournalKeeper* journal) { journal_ = journal; }

    /// The inventory payload now (a roll-call answer's copy).
    std::string inventory_payload() const;

private:
    Message state_message(const DomainSnapshot& vm) const;
    Message inventory_message() const;
    std::vector<DomainRef> known_domains() const;

    MqttSinkConfig config_;
    Delivery& delivery_;
    const StateTracker& tracker_;
    CloudEventsWire cloudevents_;
    io::Throttle inventory_;
    std::optional<HaDiscovery> discovery_;
    io::Throttle rediscovery_;
    JournalKeeper* journal_ = nullptr;
};

/// One event a line on a descriptor (JSON, a structured CloudEvent, or the
/// classic text without its NUL); states and the inventory are not shown.
class StdoutSink final : public Sink {
public:
    explicit StdoutSink(EventEncoding encoding, int fd = 1) : encoding_(encoding), out_(fd) {}

    bool takes(const Event& event) const override;
    void event(const Event& event) override;
    void state(const StateChange&) override {}

private:
    EventEncoding encoding_;
    io::LineWriter out_;
};

}  // namespace vme::pub
