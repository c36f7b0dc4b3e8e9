// How vm-pub's event messages carry CloudEvents 1.0 (MQTT protocol
// binding). Payload: the vm-events/1 JSON (default) or, with
// --payload cloudevents, the structured-mode CloudEvent. Properties, on
// MQTT 5 only: binary content mode for the vm-events/1 payload (Content
// Type application/json, the attributes as user properties), or the
// Content Type application/cloudevents+json for the structured payload.
// Plain values in, payload and properties out (common/cloudevents formats).
#pragma once

#include <string>

#include "common/message.h"
#include "io/message_properties.h"

namespace vme::pub {

class CloudEventsWire {
public:
    /// `structured`: --payload cloudevents.
    explicit CloudEventsWire(bool structured) : structured_(structured) {}

    /// The event's payload: encode_event(), or encode_cloudevent() when structured.
    std::string payload(const Event& event) const;

    /// The event message's MQTT 5 properties (`mqtt5` false: none).
    io::MessageProperties properties(const Event& event, bool mqtt5) const;

private:
    bool structured_;
};

}  // namespace vme::pub
