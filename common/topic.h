// The vm-events/1 topic scheme (pure):
//   <prefix>/<host>/<vm>/event/<kind>   one message per event, not retained
//   <prefix>/<host>/<vm>/state          retained current state; empty payload = removed
//   <prefix>/<host>/status              retained publisher availability, also the last will
//   <prefix>/<host>/inventory           retained list of the host's VMs and states
//   <prefix>/<host>/journal             retained recent events of the host (history)
//   <prefix>/roll-call                  requests: every live vm-pub answers
//   <prefix>/reply/<id>/<host>/<type>   one requester's answers (status, inventory, journal)
// Host and VM segments are escaped with escape_segment().
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "result.h"

namespace vme {

/// Percent-encodes, byte by byte, every byte of `raw` that could change the
/// topic structure or be refused by a broker: '/', '+', '#', '%', C0 controls,
/// DEL, C1 controls (U+0080..U+009F, as their two UTF-8 bytes), Unicode
/// noncharacters (U+FDD0..U+FDEF, U+xxFFFE/U+xxFFFF, all their UTF-8 bytes),
/// and every byte that is not part of valid UTF-8. Upper-case hex ("%2F").
/// Everything else, printable UTF-8 included, is copied unchanged.
std::string escape_segment(std::string_view raw);

/// The exact inverse of escape_segment: every "%XX" (hex, either case) becomes
/// its byte. Error on a '%' not followed by two hex digits, or on a segment
/// containing '/', '+' or '#'.
Result<std::string> unescape_segment(std::string_view segment);

/// Which of the vm-events/1 topics a topic is.
enum class TopicType { Event, State, Status, Inventory, Journal };

/// A parsed vm-events/1 topic; host and vm are unescaped (raw) names.
struct TopicParts {
    TopicType type = TopicType::Event;
    std::string host;
    std::string vm;    ///< empty for Status and Inventory
    std::string kind;  ///< only for Event
};

/// Builds "<prefix>/<esc host>/<esc vm>/event/<kind>". The kind goes through
/// escape_segment() too, which leaves every kind token unchanged.
std::string event_topic(std::string_view prefix, std::string_view host,
                        std::string_view vm, std::string_view kind);

/// Builds "<prefix>/<esc host>/<esc vm>/state".
std::string state_topic(std::string_view prefix, std::string_view host, std::string_view vm);

/// Builds "<prefix>/<esc host>/status".
std::string status_topic(std::string_view prefix, std::string_view host);

/// Builds "<prefix>/<esc host>/inventory".
std::string inventory_topic(std::string_view prefix, std::string_view host);

/// Builds "<prefix>/<esc host>/qos-probe": vm-pub subscribes to it to learn
/// the QoS the broker grants; nothing is ever published to it.
std::string qos_probe_topic(std::string_view prefix, std::string_view host);

// Home Assistant MQTT discovery (opt-in, vm-pub --ha-discovery): the
// retained config topics "<discovery prefix>/<component>/<object id>/config"
// and HA's birth topic "<discovery prefix>/status".

/// `raw` with every byte for which `keep` is false written as `marker`
/// and two upper-case hex digits ("%2F", "_2F").
std::string hex_escape(std::string_view raw, char marker, bool (*keep)(unsigned char));

/// An identifier made only of [a-zA-Z0-9_-], as HA wants for object ids:
/// letters, digits and '-' unchanged, every other byte (including '_')
/// as "_XX" (upper-case hex), so different inputs never give the same id.
std::string ha_id(std::string_view raw);

/// Builds "<discovery prefix>/<component>/<object id>/config"; `component`
/// and `object_id` must already be [a-zA-Z0-9_-] (see ha_id()).
std::string ha_config_topic(std::string_view discovery_prefix, std::string_view component,
                            std::string_view object_id);

/// Builds "<discovery prefix>/status", where HA publishes "online" (its
/// birth message) and "offline".
std::string ha_status_topic(std::string_view discovery_prefix);

/// Builds "<prefix>/<esc host>/journal".
std::string journal_topic(std::string_view prefix, std::string_view host);

/// Builds "<prefix>/roll-call": where roll-call requests are published.
std::string roll_call_topic(std::string_view prefix);

/// Builds "<prefix>/reply/<id>": the base of one requester's answers. `id`
/// must pass check_reply_id() (it is not escaped).
std::string reply_base(std::string_view prefix, std::string_view id);

/// Builds "<reply_base>/<esc host>/<status|inventory|journal>": where `host`
/// answers a roll call with a copy of its own topic of `type` (Status,
/// Inventory or Journal; anything else is treated as Journal).
std::string reply_topic(std::string_view prefix, std::string_view id, std::string_view host, TopicType type);

/// Error unless `id` is 1 to 64 of [A-Za-z0-9_-]: a reply id names one
/// topic level under "<prefix>/reply/" and nothing else.
Status check_reply_id(std::string_view id);

/// When `topic` is an answer under reply_base(prefix, id), the topic it is a
/// copy of ("<prefix>/<host>/<type>"); nullopt otherwise. Only the base is
/// checked: parse_topic() checks the rest as for any topic.
std::optional<std::string> origin_of_reply(std::string_view prefix, std::string_view id, std::string_view topic);

/// Parses a topic under `prefix` (which may itself contain '/').
/// Error when the topic is not one of the four shapes, a segment is
/// badly escaped, or the host or VM level is empty. Error messages are
/// sanitized (safe to print).
Result<TopicParts> parse_topic(std::string_view prefix, std::string_view topic);

/// Error when a user-given prefix is unusable as a topic prefix: empty,
/// containing '+', '#', NUL or control bytes (C0, DEL, C1), noncharacters or
/// invalid UTF-8, starting or ending with '/', or starting with '$' (MQTT
/// reserves "$..." first levels for the broker, e.g. $SYS).
Status check_prefix(std::string_view prefix);

}  // namespace vme
