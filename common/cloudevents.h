// vm-events/1 events as CloudEvents 1.0 (pure). Every event maps to one
// CloudEvent whose data is the event's vm-events/1 payload
// (application/json); the attributes are derived from the payload alone, so
// the same event gives the same CloudEvent wherever it is built (vm-pub's
// binary and structured content modes, vm-sub -o cloudevents):
//   specversion "1.0"
//   id          "<boot>-<seq>" (unique per event: boot is random per vm-pub run)
//   source      "vm-events://<host>/<libvirt URI>" (both percent-encoded)
//   type        "org.libvirt.domain.<kind>.<event>", e.g. org.libvirt.domain.lifecycle.started
//   subject     the VM name (characters MQTT strings cannot carry replaced by U+FFFD)
//   time        the payload's time
//   datacontenttype "application/json"
// See man/vm-events.7, CLOUDEVENTS.
#pragma once

#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "decode.h"
#include "message.h"
#include "result.h"

namespace vme {

/// The CloudEvents version written and accepted.
inline constexpr std::string_view kCloudEventsSpecVersion = "1.0";
/// The media type of a structured-mode CloudEvent (JSON event format).
inline constexpr std::string_view kCloudEventsJsonType = "application/cloudevents+json";
/// The media type of the data: the vm-events/1 event payload.
inline constexpr std::string_view kEventContentType = "application/json";
/// Every type starts with this, followed by "<kind>.<event>".
inline constexpr std::string_view kCloudEventTypePrefix = "org.libvirt.domain.";

/// One CloudEvents context attribute as a (name, value) string pair.
using CloudEventAttribute = std::pair<std::string, std::string>;

/// RFC 3986 percent-encoding of every byte that is not unreserved
/// (A-Z a-z 0-9 - . _ ~), upper-case hex: the result is printable ASCII.
std::string percent_encode(std::string_view raw);

/// "vm-events://<percent-encoded host>/<percent-encoded libvirt URI>"; the
/// "/<uri>" part is left out when `uri` is empty. A valid URI (RFC 3986).
std::string cloudevent_source(std::string_view host, std::string_view uri);

/// The event's context attributes in this order: specversion, id, source,
/// type, subject, time (time left out when the event has none). Every value
/// is valid for an MQTT 5 user property. datacontenttype is not among them:
/// binary mode carries it as the Content Type property.
std::vector<CloudEventAttribute> cloudevent_attributes(const Event& event);

/// Structured content mode (JSON event format), one compact line: the
/// attributes above, "datacontenttype":"application/json", then "data":
/// encode_event(event).
std::string encode_cloudevent(const Event& event);

/// Decodes a structured-mode CloudEvent carrying a vm-events/1 event:
/// strict JSON (the limits of decode_event), an object with "specversion"
/// "1.0", non-empty string "id", "source" and "type", a "datacontenttype"
/// that is absent or application/json, and "data" an object that
/// decode_event() accepts; the event is the data (the attributes only
/// describe it). Error messages are one line and safe to print.
Result<Event> decode_cloudevent(std::string_view payload);

/// An event in either wire form: the vm-events/1 payload (decode_event),
/// or, when that fails and the payload is a JSON object with a
/// "specversion" member, a structured-mode CloudEvent (decode_cloudevent).
/// The error is the vm-events/1 one unless the payload was a CloudEvent.
Result<Event> decode_any_event(std::string_view payload);

/// decode_any_event() with `decoder` (and its reused buffers) for the
/// vm-events/1 form: for a caller decoding a stream of events.
Result<Event> decode_any_event(EventDecoder& decoder, std::string_view payload);

}  // namespace vme
