// The vm-events/1 topic scheme: segment escaping, topic building and parsing.
//
// Why a leading '$' in a segment is not escaped: MQTT gives '$' a special
// meaning only as the first character of a whole topic ("$SYS/..."), where
// brokers keep it out of '#'/'+' subscriptions and may refuse publishes.
// Host and VM segments are never the first topic level (the prefix is, and
// check_prefix() refuses a prefix starting with '$'), so "$vm" is harmless
// there and stays readable.
#include "topic.h"

#include "percent.h"
#include "sanitize.h"

namespace vme {

namespace {

/// Unicode noncharacters: U+FDD0..U+FDEF and the last two code points of
/// every plane (U+xFFFE, U+xFFFF). libmosquitto refuses topics with them.
bool is_noncharacter(char32_t cp) {
    return (cp >= 0xFDD0 && cp <= 0xFDEF) || (cp & 0xFFFE) == 0xFFFE;
}

/// True for a decoded character that escape_segment must percent-encode.
bool needs_escape(char32_t cp) {
    switch (cp) {
    case '/': case '+': case '#': case '%': return true;
    default: break;
    }
    const bool control = cp < 0x20 || (cp >= 0x7F && cp <= 0x9F);  // C0, DEL, C1
    return control || is_noncharacter(cp);
}

/// Splits `text` at every '/' (empty pieces kept).
std::vector<std::string_view> split_levels(std::string_view text) {
    std::vector<std::string_view> levels;
    std::size_t start = 0;
    for (std::size_t slash; (slash = text.find('/', start)) != std::string_view::npos;
         start = slash + 1)
        levels.push_back(text.substr(start, slash - start));
    levels.push_back(text.substr(start));
    return levels;
}

Error not_ours(std::string_view prefix, std::string_view topic) {
    return Error{"topic \"" + sanitize(topic) + "\" is not a vm-events/1 topic under \"" +
                 sanitize(prefix) + "\""};
}

/// Unescapes a host or VM segment; an empty one is refused (no libvirt
/// VM and no publisher host has an empty name).
Result<std::string> name_segment(std::string_view what, std::string_view segment) {
    if (segment.empty()) return Error{"empty " + std::string(what) + " level in topic"};
    auto name = unescape_segment(segment);
    if (!name) return Error{std::string(what) + " level: " + name.error().message};
    return name;
}

/// Fills `parts` from the levels after the prefix (host first).
Status parse_levels(const std::vector<std::string_view>& levels, TopicParts& parts) {
    auto host = name_segment("host", levels[0]);
    if (!host) return host.error();
    parts.host = std::move(*host);
    if (levels.size() == 2) return Ok{};
    auto vm = name_segment("VM", levels[1]);
    if (!vm) return vm.error();
    parts.vm = std::move(*vm);
    if (levels.size() == 3) return Ok{};
    auto kind = name_segment("kind", levels[3]);
    if (!kind) return kind.error();
    parts.kind = std::move(*kind);
    return Ok{};
}

/// The topic type from the shape of the levels after the prefix, or nothing.
std::optional<TopicType> shape_of(const std::vector<std::string_view>& levels) {
    if (levels.size() == 2 && levels[1] == "status") return TopicType::Status;
    if (levels.size() == 2 && levels[1] == "inventory") return TopicType::Inventory;
    if (levels.size() == 2 && levels[1] == "journal") return TopicType::Journal;
    if (levels.size() == 3 && levels[2] == "state") return TopicType::State;
    if (levels.size() == 4 && levels[2] == "event") return TopicType::Event;
    return std::nullopt;
}

/// True when valid UTF-8 `text` holds a character a broker refuses in a
/// topic (NUL and other controls, noncharacters).
bool has_refused_character(std::string_view text) {
    for (std::size_t pos = 0; pos < text.size();) {
        const Utf8Char c = decode_utf8(text, pos);
        const bool structural = c.code_point == '/' || c.code_point == '%';
        if (!structural && needs_escape(c.code_point)) return true;
        pos += c.length;
    }
    return false;
}

std::string host_topic(std::string_view prefix, std::string_view host) {
    std::string topic(prefix);
    topic += '/';
    topic += escape_segment(host);
    return topic;
}

std::string vm_topic(std::string_view prefix, std::string_view host, std::string_view vm) {
    std::string topic = host_topic(prefix, host);
    topic += '/';
    topic += escape_segment(vm);
    return topic;
}

}  // namespace

std::string escape_segment(std::string_view raw) {
    std::string out;
    out.reserve(raw.size());
    for (std::size_t pos = 0; pos < raw.size();) {
        const Utf8Char c = decode_utf8(raw, pos);
        const std::size_t length = c.length == 0 ? 1 : c.length;  // invalid: one byte
        const std::string_view bytes = raw.substr(pos, length);
        if (c.length == 0 || needs_escape(c.code_point))
            append_percent_encoded(out, bytes);
        else
            out.append(bytes);
        pos += length;
    }
    return out;
}

Result<std::string> unescape_segment(std::string_view segment) {
    if (segment.find_first_of("/+#") != std::string_view::npos)
        return Error{"segment \"" + sanitize(segment) + "\" contains '/', '+' or '#'"};
    auto out = percent_decode(segment);
    if (!out) return Error{"bad percent escape in segment \"" + sanitize(segment) + "\""};
    return std::move(*out);
}

std::string event_topic(std::string_view prefix, std::string_view host, std::string_view vm,
                        std::string_view kind) {
    std::string topic = vm_topic(prefix, host, vm);
    topic += "/event/";
    topic += escape_segment(kind);  // kind tokens never change; this only guards misuse
    return topic;
}

std::string state_topic(std::string_view prefix, std::string_view host, std::string_view vm) {
    return vm_topic(prefix, host, vm) + "/state";
}

std::string status_topic(std::string_view prefix, std::string_view host) {
    return host_topic(prefix, host) + "/status";
}

std::string inventory_topic(std::string_view prefix, std::string_view host) {
    return host_topic(prefix, host) + "/inventory";
}

std::string qos_probe_topic(std::string_view prefix, std::string_view host) {
    return host_topic(prefix, host) + "/qos-probe";
}

std::string hex_escape(std::string_view raw, char marker, bool (*keep)(unsigned char)) {
    return percent_encode(raw, keep, marker);
}

std::string ha_id(std::string_view raw) {
    return hex_escape(raw, '_', [](unsigned char c) {
        return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-';
    });
}

std::string ha_config_topic(std::string_view discovery_prefix, std::string_view component,
                            std::string_view object_id) {
    std::string topic(discovery_prefix);
    topic.append("/").append(component).append("/").append(object_id).append("/config");
    return topic;
}

std::string ha_status_topic(std::string_view discovery_prefix) {
    return std::string(discovery_prefix) + "/status";
}

std::string journal_topic(std::string_view prefix, std::string_view host) {
    return host_topic(prefix, host) + "/journal";
}

std::string roll_call_topic(std::string_view prefix) { return std::string(prefix) + "/roll-call"; }

std::string reply_base(std::string_view prefix, std::string_view id) {
    return std::string(prefix) + "/reply/" + std::string(id);
}

std::string reply_topic(std::string_view prefix, std::string_view id, std::string_view host, TopicType type) {
    const char* last = type == TopicType::Status ? "/status" : type == TopicType::Inventory ? "/inventory" : "/journal";
    return host_topic(reply_base(prefix, id), host) + last;
}

Status check_reply_id(std::string_view id) {
    if (id.empty() || id.size() > 64) return Error{"reply id must have 1 to 64 characters"};
    for (const char ch : id) {
        const bool ok = (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9') ||
                        ch == '-' || ch == '_';
        if (!ok) return Error{"reply id may hold only letters, digits, '-' and '_'"};
    }
    return Ok{};
}

std::optional<std::string> origin_of_reply(std::string_view prefix, std::string_view id, std::string_view topic) {
    const std::string base = reply_base(prefix, id) + "/";
    if (topic.size() <= base.size() || topic.substr(0, base.size()) != base) return std::nullopt;
    return std::string(prefix) + "/" + std::string(topic.substr(base.size()));
}

Result<TopicParts> parse_topic(std::string_view prefix, std::string_view topic) {
    const bool under_prefix = topic.size() > prefix.size() + 1 &&
                              topic.substr(0, prefix.size()) == prefix &&
                              topic[prefix.size()] == '/';
    if (!under_prefix) return not_ours(prefix, topic);
    const auto levels = split_levels(topic.substr(prefix.size() + 1));
    const auto type = shape_of(levels);
    if (!type) return not_ours(prefix, topic);
    TopicParts parts;
    parts.type = *type;
    if (auto status = parse_levels(levels, parts); !status)
        return Error{"topic \"" + sanitize(topic) + "\": " + status.error().message};
    return parts;
}

Status check_prefix(std::string_view prefix) {
    if (prefix.empty()) return Error{"topic prefix must not be empty"};
    const std::string shown = "topic prefix \"" + sanitize(prefix) + "\"";
    if (prefix.front() == '/' || prefix.back() == '/')
        return Error{shown + " must not start or end with '/'"};
    if (prefix.front() == '$')
        return Error{shown + " must not start with '$' (reserved for broker topics like $SYS)"};
    if (prefix.find_first_of("+#") != std::string_view::npos)
        return Error{shown + " must not contain the wildcards '+' or '#'"};
    if (!is_valid_utf8(prefix)) return Error{shown + " is not valid UTF-8"};
    if (has_refused_character(prefix))
        return Error{shown + " must not contain control characters or noncharacters"};
    return Ok{};
}

}  // namespace vme
