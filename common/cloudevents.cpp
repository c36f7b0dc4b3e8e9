#include "cloudevents.h"

#include "json_writer.h"
#include "sanitize.h"
#include "topic.h"

namespace vme {

namespace {

/// RFC 3986 "unreserved": the bytes a URI never needs to encode.
bool unreserved(unsigned char c) {
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' ||
           c == '.' || c == '_' || c == '~';
}

/// A string member of a CloudEvent object: its value, or an error naming it.
Result<std::string> required_text(const nlohmann::ordered_json& json, const char* name) {
    auto it = json.find(name);
    if (it == json.end()) return Error{std::string("CloudEvent: missing \"") + name + "\""};
    if (!it->is_string() || it->get_ref<const std::string&>().empty())
        return Error{std::string("CloudEvent: \"") + name + "\" is not a non-empty string"};
    return it->get<std::string>();
}

}  // namespace

std::string percent_encode(std::string_view raw) { return hex_escape(raw, '%', unreserved); }

std::string cloudevent_source(std::string_view host, std::string_view uri) {
    std::string source = "vm-events://" + percent_encode(host);
    if (!uri.empty()) source += "/" + percent_encode(uri);
    return source;
}

std::vector<CloudEventAttribute> cloudevent_attributes(const Event& event) {
    std::vector<CloudEventAttribute> attrs;
    attrs.reserve(6);
    attrs.emplace_back("specversion", std::string(kCloudEventsSpecVersion));
    attrs.emplace_back("id", mqtt_safe_text(event.boot + "-" + std::to_string(event.seq)));
    attrs.emplace_back("source", cloudevent_source(event.host, event.uri));
    attrs.emplace_back("type", mqtt_safe_text(std::string(kCloudEventTypePrefix) + event.kind + "." + event.event));
    attrs.emplace_back("subject", mqtt_safe_text(event.domain.name));
    if (!event.time.empty()) attrs.emplace_back("time", mqtt_safe_text(event.time));
    return attrs;
}

std::string encode_cloudevent(const Event& event) {
    JsonObjectWriter out;
    for (const auto& [name, value] : cloudevent_attributes(event)) out.text(name, value);
    out.text("datacontenttype", kEventContentType);
    out.raw("data", encode_event(event));
    return std::move(out).finish();
}

Result<Event> decode_cloudevent(std::string_view payload) {
    auto json = parse_json_limited(payload);
    if (!json) return json.error();
    if (!json->is_object()) return Error{"CloudEvent: not a JSON object"};
    auto spec = required_text(*json, "specversion");
    if (!spec) return spec.error();
    if (*spec != kCloudEventsSpecVersion)
        return Error{"CloudEvent: specversion '" + sanitize(*spec) + "' is not 1.0"};
    for (const char* name : {"id", "source", "type"}) {
        if (auto value = required_text(*json, name); !value) return value.error();
    }
    if (auto type = json->find("datacontenttype"); type != json->end()) {
        const std::string* text = type->is_string() ? &type->get_ref<const std::string&>() : nullptr;
        bool json_data = text && (*text == kEventContentType || text->starts_with("application/json;"));
        if (!json_data) return Error{"CloudEvent: datacontenttype is not application/json"};
    }
    auto data = json->find("data");
    if (data == json->end() || !data->is_object()) return Error{"CloudEvent: \"data\" is not a JSON object"};
    auto event = decode_event(data->dump(-1, ' ', false, nlohmann::ordered_json::error_handler_t::replace));
    if (!event) return Error{"CloudEvent data: " + event.error().message};
    return event;
}

Result<Event> decode_any_event(EventDecoder& decoder, std::string_view payload) {
    auto event = decoder.decode(payload);
    if (event || payload.find("\"specversion\"") == std::string_view::npos) return event;
    return decode_cloudevent(payload);
}

Result<Event> decode_any_event(std::string_view payload) {
    EventDecoder decoder;
    return decode_any_event(decoder, payload);
}

}  // namespace vme
