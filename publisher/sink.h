// Where vm-pub's output goes, chosen once at start from the options: the
// broker (MqttSink: events, retained states, the inventory), or standard
// output (StdoutSink: one event a line, for trying vm-pub without a
// broker). The payload of an event is chosen once too: vm-events/1 JSON,
// or the classic sample's text line (lifecycle events only).
#pragma once

#include <memory>
#include <string>

#include "common/message.h"
#include "common/state_tracker.h"
#include "io/diagnostics.h"
#include "io/event_loop.h"
#include "io/throttle.h"
#include "publisher/delivery.h"

namespace vme::pub {

/// How an event becomes a payload.
enum class EventEncoding {
    Json,         ///< vm-events/1 (common/message)
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
};

/// Events at the configured QoS, retained states at QoS 1, and the
/// inventory, coalesced to at most one a second, through Delivery.
class MqttSink final : public Sink {
public:
    /// Reads the VMs from `tracker` for the inventory and republish_all().
    MqttSink(MqttSinkConfig config, Delivery& delivery, const StateTracker& tracker, io::EventLoop& loop);

    bool takes(const Event& event) const override;
    void event(const Event& event) override;
    void state(const StateChange& change) override;
    void republish_all() override;

private:
    Message state_message(const DomainSnapshot& vm) const;
    Message inventory_message() const;

    MqttSinkConfig config_;
    Delivery& delivery_;
    const StateTracker& tracker_;
    io::Throttle inventory_;
};

/// One event a line on a descriptor (JSON, or the classic text without its
/// NUL); states and the inventory are not shown.
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
