// The vm-events/1 payloads (pure): encoding to compact JSON and strict,
// safe decoding. See man/vm-events.7 for the contract.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "libvirt_health.h"
#include "result.h"

namespace vme {

/// The schema tag carried by every payload.
inline constexpr std::string_view kSchema = "vm-events/1";

/// Largest payload decode_*() accepts, in bytes.
inline constexpr std::size_t kMaxPayloadBytes = 1024 * 1024;

/// Largest inventory payload decode_inventory() accepts: one host's whole
/// VM list (about 117 bytes a VM, so 16 MiB is ~140,000 VMs).
inline constexpr std::size_t kMaxInventoryBytes = 16 * 1024 * 1024;

/// Deepest JSON nesting decode_*() accepts.
inline constexpr int kMaxJsonDepth = 32;

/// Most members one JSON object may have in decode_*() input. nlohmann's
/// ordered_json looks keys up linearly, so an object with 100,000 keys
/// would take about a minute to parse (quadratic); this keeps it cheap.
inline constexpr int kMaxJsonObjectMembers = 4096;

/// The VM a message is about.
struct DomainRef {
    std::string name;
    std::string uuid;   ///< canonical 36-character form
    int id = -1;        ///< libvirt domain id; -1 when inactive (encoded as null)
};

/// One domain event ("<prefix>/<host>/<vm>/event/<kind>").
struct Event {
    std::uint64_t seq = 0;   ///< +1 per message of one publisher run
    std::string boot;        ///< random id of the publisher run
    std::string time;        ///< UTC, "2026-11-26T02:21:24.457Z"
    std::string host;
    std::string uri;         ///< the libvirt URI vm-pub is connected to
    DomainRef domain;
    std::string kind;        ///< kind_name(), e.g. "lifecycle"
    std::string event;       ///< lifecycle token, or the kind's main token
    std::string detail;      ///< detail token; may be empty (then omitted)
    int event_code = -1;     ///< libvirt code of `event`; -1 = omitted
    int detail_code = -1;    ///< libvirt code of `detail`; -1 = omitted
    std::string text;        ///< human text, virsh style
    bool synthetic = false;  ///< true when made up after a reconnect (encoded only when true)
    nlohmann::ordered_json fields = nlohmann::ordered_json::object();  ///< the kind's own fields
};

/// A VM's current state ("<prefix>/<host>/<vm>/state", retained).
struct State {
    std::string time;
    std::string host;
    DomainRef domain;
    std::string state;       ///< state_name()
    std::string reason;      ///< state_reason_name()
    int state_code = 0;
    int reason_code = 0;
    bool persistent = true;  ///< false for a transient VM
    std::string boot;        ///< publisher run that wrote it
};

/// A publisher's availability ("<prefix>/<host>/status", retained, last will).
struct HostStatus {
    std::string time;        ///< may be empty in the last will (unknown in advance)
    std::string host;
    bool online = false;     ///< "status":"online" / "offline"
    std::string version;     ///< vm-pub version
    std::string boot;
    std::uint64_t dropped = 0;  ///< events dropped from a full queue so far this run
    std::string uri;
    /// The libvirt side, as vm-pub sees it (libvirt_health.h): Connected,
    /// Unreachable (dead or hung: vm-pub keeps retrying), or Unknown (left
    /// out: the last will, and publishers that predate the field).
    LibvirtHealthState libvirt = LibvirtHealthState::Unknown;
    std::string libvirt_since;    ///< when `libvirt` last changed (RFC 3339); empty: unknown
    std::string libvirt_error;    ///< why it is unreachable (libvirt's reason), else empty
    /// Exceptions caught at the C boundary (libvirt and MQTT callbacks) this
    /// run: each one is an event or message that could not be handled.
    std::uint64_t callback_errors = 0;
};

/// One line of a host inventory ("<prefix>/<host>/inventory", retained).
struct InventoryEntry {
    DomainRef domain;
    std::string state;
    std::string reason;
};

/// Largest journal payload decode_journal() accepts (vm-pub writes at most
/// kJournalByteCap, see common/journal.h).
inline constexpr std::size_t kMaxJournalBytes = kMaxPayloadBytes;

/// Most entries decode_journal() accepts (and the highest --history).
inline constexpr std::size_t kMaxJournalEvents = 10000;

/// A host's recent events ("<prefix>/<host>/journal", retained; also a
/// roll-call answer). Each entry is exactly the payload of an event message,
/// oldest first: a subscriber treats it as if it had arrived on its topic.
struct Journal {
    std::string time;                 ///< when this journal was written
    std::string host;
    std::string from;                 ///< complete from this instant on (RFC 3339); empty: unknown
    std::vector<std::string> events;  ///< event payloads, oldest first
};

/// Largest roll-call request accepted, in bytes.
inline constexpr std::size_t kMaxRollCallRequestBytes = 1024;

/// Longest answer spread a request may ask for, in milliseconds.
inline constexpr int kMaxRollCallSpreadMs = 60000;

/// A roll-call request ("<prefix>/roll-call", not retained).
struct RollCallRequest {
    std::string reply;      ///< reply id: answers go under "<prefix>/reply/<reply>/"
    std::string since;      ///< journal entries from this instant (RFC 3339 UTC); empty: none wanted
    int spread_ms = 1000;   ///< each publisher answers after a random delay in [0, spread_ms]
    /// Only publishers whose host name matches one of these globs answer;
    /// empty: every publisher. At most kMaxRollCallHosts.
    std::vector<std::string> hosts;
};

/// Most host globs one roll-call request may name.
inline constexpr std::size_t kMaxRollCallHosts = 16;

/// Compact one-line JSON with keys in the documented order (the rows of
/// wire::kEventFields in common/event_fields.h, which also drive both
/// decoders): schema, seq, boot, time, host, uri, domain{name,uuid,id},
/// kind, event, detail, event_code, detail_code, text, [synthetic], then
/// `fields` merged in.
/// Invalid UTF-8 in any string is replaced (U+FFFD), never thrown.
/// Rule for every encode_*: required keys are always written, optional
/// strings (uri, domain.uuid, detail, text; state time/reason/boot; status
/// time/version/boot/uri; inventory time/uuid/reason) are omitted when
/// empty, codes < 0 are omitted, so decode_*(encode_*(x)) gives x back.
/// A key of `fields` that is also a standard key is skipped (never overrides);
/// `fields` that is not an object is ignored.
std::string encode_event(const Event& event);

/// Compact JSON: schema, type "state", time, host, domain, state, reason,
/// state_code, reason_code, persistent, boot.
std::string encode_state(const State& state);

/// Compact JSON: schema, type "status", status, time, host, version, boot, dropped, uri.
std::string encode_status(const HostStatus& status);

/// Compact JSON: schema, type "inventory", time, host, domains[{name,uuid,id,state,reason}].
std::string encode_inventory(std::string_view time, std::string_view host,
                             const std::vector<InventoryEntry>& entries);

/// Compact JSON: schema, type "journal", time, host, from, events, where
/// `events_array` is already the JSON array text of the entries (each a
/// JSON string holding one event payload). common/journal.h builds it.
std::string encode_journal(std::string_view time, std::string_view host, std::string_view from,
                           std::string_view events_array);

/// Compact JSON: schema, type "roll-call", reply, [since], spread_ms, [hosts].
std::string encode_roll_call_request(const RollCallRequest& request);

/// Strict decoding. Errors (never exceptions) for: an empty payload, more
/// than kMaxPayloadBytes, nesting deeper than kMaxJsonDepth, an object with
/// more than kMaxJsonObjectMembers members, invalid JSON or UTF-8, a
/// duplicate key in an object, a top-level value that is not an object, a
/// schema other than kSchema, a missing required field or one of the wrong
/// type. Messages are one line, name the field by its path ("domain.name",
/// "domains[2].state") and are safe to print (sanitized).
///
/// Event: required schema, seq (unsigned), boot, time, host, domain.name,
/// kind, event; optional uri, domain.uuid, domain.id (null or missing = -1),
/// detail, event_code, detail_code (non-negative; missing = -1), text,
/// synthetic (boolean). Every other top-level key goes into Event::fields
/// in payload order (forward compatibility; encode_event writes them back).
/// State: required schema, type "state", host, domain.name, state; optional
/// time, reason, state_code, reason_code (missing = 0), persistent (missing
/// = true), boot. Status: required schema, type "status", host, status
/// ("online"/"offline"); optional time, version, boot, dropped, uri.
/// Inventory: required schema, type "inventory", host, domains (array of
/// objects with required name and state; optional uuid, id, reason); time
/// optional. Optional strings default to "". Unknown keys of state, status
/// and inventory payloads are ignored.
/// Events are decoded through decode.h (decode_event, EventDecoder), which
/// tries the fast path of event_fast_decode.h first and this one for what
/// it declines.
///
/// The document decoder of events: the rules above, through a JSON
/// document. decode.h calls it; tests and the fuzz target compare it with
/// the fast path.
Result<Event> decode_event_document(std::string_view payload);
Result<State> decode_state(std::string_view payload);
Result<HostStatus> decode_status(std::string_view payload);
Result<std::vector<InventoryEntry>> decode_inventory(std::string_view payload);

/// Journal: at most kMaxJournalBytes; required schema, type "journal",
/// host, events (an array of at most kMaxJournalEvents non-empty strings);
/// optional time, from (RFC 3339 "...Z" when given). The entries are not
/// decoded here: each goes through decode_event() like a live event.
Result<Journal> decode_journal(std::string_view payload);

/// Roll-call request: at most kMaxRollCallRequestBytes; required schema,
/// type "roll-call", reply (check_reply_id()); optional since (RFC 3339
/// "...Z"), spread_ms (0..kMaxRollCallSpreadMs, default 1000), hosts (an
/// array of at most kMaxRollCallHosts non-empty strings).
Result<RollCallRequest> decode_roll_call_request(std::string_view payload);

/// Parses `payload` with the size and depth limits above; error, never throw.
Result<nlohmann::ordered_json> parse_json_limited(std::string_view payload,
                                                 std::size_t max_bytes = kMaxPayloadBytes);

}  // namespace vme
