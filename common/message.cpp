// The vm-events/1 payloads: compact JSON encoding and strict decoding.
//
// Encoding rule shared by every payload: required keys are always written;
// optional strings are omitted when empty, so decode(encode(x)) == x.
// Decoding never throws: nlohmann's exceptions are caught at the single
// parse point, and every typed read checks the type first.
#include "message.h"

#include <array>
#include <climits>
#include <optional>

#include "event_fields.h"
#include "json_writer.h"
#include "strict_json.h"
#include "sanitize.h"
#include "time.h"
#include "topic.h"

namespace vme {

namespace {

using Json = nlohmann::ordered_json;

/// Longest error message derived from payload text (a parse error quotes
/// the token it choked on, which can be the whole payload).
constexpr std::size_t kMaxQuoted = 160;

using wire::Need;
using wire::is_event_key;

// ---------------------------------------------------------------- encoding

/// Writes the keys of `table` for `s` in table order, each as its type
/// says (see wire::Type): optional ones left out when unset.
template <typename S, std::size_t N>
void put_fields(JsonObjectWriter& out, const S& s, const std::array<wire::Field<S>, N>& table) {
    using wire::Type;
    for (const auto& row : table) {
        const auto& m = row.member;
        switch (row.type) {
        case Type::kSchema: out.text(row.key, kSchema); break;
        case Type::kUnsigned: out.unsigned_number(row.key, s.*m.count); break;
        case Type::kText:
            if (row.need == Need::kRequired)
                out.text(row.key, s.*m.text);
            else
                out.text_if_set(row.key, s.*m.text);
            break;
        case Type::kCode:
            if (s.*m.number >= 0) out.number(row.key, s.*m.number);
            break;
        case Type::kFlag:
            if (s.*m.flag) out.flag(row.key, true);
            break;
        case Type::kDomain: {
            JsonObjectWriter domain;
            put_fields(domain, s.*m.domain, wire::kDomainFields);
            out.raw(row.key, std::move(domain).finish());
            break;
        }
        case Type::kDomainId:
            if (s.*m.number < 0)
                out.null(row.key);  // an inactive VM (-1, or any negative value)
            else
                out.number(row.key, s.*m.number);
            break;
        }
    }
}

/// The "domain" object of states.
std::string domain_object(const DomainRef& domain) {
    JsonObjectWriter out;
    put_fields(out, domain, wire::kDomainFields);
    return std::move(out).finish();
}

/// One object of an inventory's "domains" array.
std::string inventory_line(const InventoryEntry& entry) {
    JsonObjectWriter out;
    put_fields(out, entry.domain, wire::kDomainFields);
    out.text("state", entry.state);
    out.text_if_set("reason", entry.reason);
    return std::move(out).finish();
}

/// The start of every non-event payload: schema, then its type tag.
JsonObjectWriter typed_header(std::string_view type) {
    JsonObjectWriter out;
    out.text("schema", kSchema);
    out.text("type", type);
    return out;
}

/// Appends the kind's own fields; a field named like a standard key is
/// skipped so it can never override (or duplicate) the standard one.
void merge_fields(JsonObjectWriter& out, const Json& fields) {
    if (!fields.is_object()) return;
    for (auto it = fields.begin(); it != fields.end(); ++it)
        if (!is_event_key(it.key())) out.value(it.key(), it.value());
}

// ----------------------------------------------------------- parse limits

/// Cuts `text` to at most `max` bytes without splitting a UTF-8 sequence.
std::string shorten(std::string text, std::size_t max) {
    if (text.size() <= max) return text;
    std::size_t cut = max;
    while (cut > 0 && (static_cast<unsigned char>(text[cut]) & 0xC0) == 0x80) --cut;
    text.resize(cut);
    return text + "...";
}

/// nlohmann's message without its "[json.exception.parse_error.101] " tag.
std::string parse_reason(std::string_view what) {
    if (const auto tag_end = what.find("] "); tag_end != std::string_view::npos)
        what.remove_prefix(tag_end + 2);
    return shorten(sanitize(what), kMaxQuoted);
}

/// Runs nlohmann's SAX parser (shape already checked); error, never throw.
Result<Json> parse_checked(std::string_view payload) {
    Json json;
    StrictDomBuilder builder(json);
    try {
        if (Json::sax_parse(payload.begin(), payload.end(), &builder, nlohmann::detail::input_format_t::json,
                            true, false))
            return json;
        if (builder.duplicate_key())
            return Error{"duplicate key \"" + shorten(sanitize(*builder.duplicate_key()), kMaxQuoted) +
                         "\" in JSON object"};
        return Error{"invalid JSON: " + parse_reason(builder.parse_error())};
    } catch (const std::exception& e) {
        return Error{"invalid JSON: " + parse_reason(e.what())};
    }
}

// ---------------------------------------------------------------- decoding

/// An unsigned JSON integer that fits an int (libvirt codes and ids).
bool is_small_unsigned(const Json& value) {
    return value.is_number_unsigned() && value.get<std::uint64_t>() <= INT_MAX;
}

/// Reads typed fields of one JSON object, remembering only the first
/// problem, so a decoder reads every field and checks once at the end.
/// Field names in messages are full paths ("domain.name", "domains[2].id").
class FieldReader {
public:
    FieldReader(const Json& object, std::string path) : object_(object), path_(std::move(path)) {}

    /// The value at `key`, or nullptr when absent (an error if Required).
    const Json* find(std::string_view key, Need need) {
        const auto it = object_.find(key);
        if (it != object_.end()) return &*it;
        if (need == Need::kRequired) fail_raw("missing required field \"" + name(key) + "\"");
        return nullptr;
    }

    std::string text(std::string_view key, Need need) {
        const Json* value = find(key, need);
        if (value == nullptr) return {};
        if (value->is_string()) return value->get<std::string>();
        fail(key, "expected a string");
        return {};
    }

    std::uint64_t count(std::string_view key, Need need) {
        const Json* value = find(key, need);
        if (value == nullptr) return 0;
        if (value->is_number_unsigned()) return value->get<std::uint64_t>();
        fail(key, "expected an unsigned integer");
        return 0;
    }

    /// A non-negative int; `absent` when the key is missing.
    int code(std::string_view key, Need need, int absent) {
        const Json* value = find(key, need);
        if (value == nullptr) return absent;
        if (is_small_unsigned(*value)) return static_cast<int>(value->get<std::uint64_t>());
        fail(key, "expected a non-negative integer");
        return absent;
    }

    bool flag(std::string_view key, bool absent) {
        const Json* value = find(key, Need::kOptional);
        if (value == nullptr) return absent;
        if (value->is_boolean()) return value->get<bool>();
        fail(key, "expected true or false");
        return absent;
    }

    /// A domain id: null or missing -> -1, else a non-negative int.
    int domain_id(std::string_view key) {
        const Json* value = find(key, Need::kOptional);
        if (value == nullptr || value->is_null()) return -1;
        if (is_small_unsigned(*value)) return static_cast<int>(value->get<std::uint64_t>());
        fail(key, "expected null or a non-negative integer");
        return -1;
    }

    /// A required string that must equal `expected` (schema, type).
    void expect(std::string_view key, std::string_view expected) {
        const Json* value = find(key, Need::kRequired);
        if (value == nullptr) return;
        if (value->is_string() && value->get_ref<const std::string&>() == expected) return;
        const std::string got = value->is_string()
                                    ? "\"" + shorten(sanitize(value->get<std::string>()), kMaxQuoted) + "\""
                                    : std::string("a JSON ") + value->type_name();
        fail(key, "expected \"" + std::string(expected) + "\", got " + got);
    }

    /// The object at `key`, or nullptr (missing or of another type).
    const Json* object(std::string_view key, Need need) { return typed(key, need, &Json::is_object, "an object"); }
    const Json* array(std::string_view key, Need need) { return typed(key, need, &Json::is_array, "an array"); }

    void fail(std::string_view key, const std::string& why) {
        fail_raw("field \"" + name(key) + "\": " + why);
    }

    /// Keeps `other`'s first error when this reader has none yet.
    void adopt(const FieldReader& other) {
        if (!error_ && other.error_) error_ = other.error_;
    }

    const std::optional<Error>& error() const { return error_; }
    std::string name(std::string_view key) const {
        return path_.empty() ? std::string(key) : path_ + "." + std::string(key);
    }

private:
    const Json* typed(std::string_view key, Need need, bool (Json::*is)() const noexcept,
                      const char* what) {
        const Json* value = find(key, need);
        if (value == nullptr) return nullptr;
        if ((value->*is)()) return value;
        fail(key, std::string("expected ") + what);
        return nullptr;
    }

    void fail_raw(std::string message) {
        if (!error_) error_ = Error{std::move(message)};
    }

    const Json& object_;
    std::string path_;
    std::optional<Error> error_;
};

/// The domain object at `key` of `outer` (see wire::kDomainFields).
DomainRef read_domain(FieldReader& outer, std::string_view key);

/// Reads the keys of `table` from `f` into `s` in table order, each as its
/// type says (see wire::Type); the first problem stays in `f`.
template <typename S, std::size_t N>
void read_fields(FieldReader& f, S& s, const std::array<wire::Field<S>, N>& table) {
    using wire::Type;
    for (const auto& row : table) {
        const auto& m = row.member;
        switch (row.type) {
        case Type::kSchema: f.expect(row.key, kSchema); break;
        case Type::kUnsigned: s.*m.count = f.count(row.key, row.need); break;
        case Type::kText: s.*m.text = f.text(row.key, row.need); break;
        case Type::kCode: s.*m.number = f.code(row.key, row.need, -1); break;
        case Type::kFlag: s.*m.flag = f.flag(row.key, false); break;
        case Type::kDomain: s.*m.domain = read_domain(f, row.key); break;
        case Type::kDomainId: s.*m.number = f.domain_id(row.key); break;
        }
    }
}

DomainRef read_domain(FieldReader& outer, std::string_view key) {
    DomainRef domain;
    const Json* json = outer.object(key, Need::kRequired);
    if (json == nullptr) return domain;
    FieldReader in(*json, outer.name(key));
    read_fields(in, domain, wire::kDomainFields);
    outer.adopt(in);
    return domain;
}

/// Parses within the limits and insists on a top-level object.
Result<Json> parse_object(std::string_view payload, std::size_t max_bytes = kMaxPayloadBytes) {
    auto json = parse_json_limited(payload, max_bytes);
    if (json && !json->is_object())
        return Error{std::string("payload is a JSON ") + json->type_name() + ", expected an object"};
    return json;
}

/// Every top-level key of an event that is not a standard one.
Json extra_fields(const Json& json) {
    Json fields = Json::object();
    for (auto it = json.begin(); it != json.end(); ++it)
        if (!is_event_key(it.key())) fields[it.key()] = it.value();
    return fields;
}

template <typename T>
Result<T> finish(const FieldReader& reader, T value) {
    if (reader.error()) return *reader.error();
    return value;
}

InventoryEntry read_inventory_entry(const Json& json, FieldReader& outer, std::size_t index) {
    InventoryEntry entry;
    const std::string key = "domains[" + std::to_string(index) + "]";
    if (!json.is_object()) {
        outer.fail(key, "expected an object");
        return entry;
    }
    FieldReader in(json, outer.name(key));
    read_fields(in, entry.domain, wire::kDomainFields);
    entry.state = in.text("state", Need::kRequired);
    entry.reason = in.text("reason", Need::kOptional);
    outer.adopt(in);
    return entry;
}

}  // namespace

// ------------------------------------------------------------ public: encode

std::string encode_event(const Event& event) {
    JsonObjectWriter out;
    put_fields(out, event, wire::kEventFields);
    merge_fields(out, event.fields);
    return std::move(out).finish();
}

std::string encode_state(const State& state) {
    JsonObjectWriter out = typed_header("state");
    out.text_if_set("time", state.time);
    out.text("host", state.host);
    out.raw("domain", domain_object(state.domain));
    out.text("state", state.state);
    out.text_if_set("reason", state.reason);
    out.number("state_code", state.state_code);
    out.number("reason_code", state.reason_code);
    out.flag("persistent", state.persistent);
    out.text_if_set("boot", state.boot);
    return std::move(out).finish();
}

std::string encode_status(const HostStatus& status) {
    JsonObjectWriter out = typed_header("status");
    out.text("status", status.online ? "online" : "offline");
    out.text_if_set("time", status.time);
    out.text("host", status.host);
    out.text_if_set("version", status.version);
    out.text_if_set("boot", status.boot);
    out.unsigned_number("dropped", status.dropped);
    out.text_if_set("uri", status.uri);
    out.text_if_set("libvirt", libvirt_health_token(status.libvirt));
    out.text_if_set("libvirt_since", status.libvirt_since);
    out.text_if_set("libvirt_error", status.libvirt_error);
    out.unsigned_number("callback_errors", status.callback_errors);
    return std::move(out).finish();
}

std::string encode_inventory(std::string_view time, std::string_view host,
                             const std::vector<InventoryEntry>& entries) {
    JsonObjectWriter out = typed_header("inventory");
    out.text_if_set("time", time);
    out.text("host", host);
    std::string domains = "[";
    for (const auto& entry : entries) {
        if (domains.size() > 1) domains += ',';
        domains += inventory_line(entry);
    }
    domains += ']';
    out.raw("domains", domains);
    return std::move(out).finish();
}

std::string encode_journal(std::string_view time, std::string_view host, std::string_view from,
                           std::string_view events_array) {
    JsonObjectWriter out = typed_header("journal");
    out.text_if_set("time", time);
    out.text("host", host);
    out.text_if_set("from", from);
    out.raw("events", events_array);
    return std::move(out).finish();
}

std::string encode_roll_call_request(const RollCallRequest& request) {
    JsonObjectWriter out = typed_header("roll-call");
    out.text("reply", request.reply);
    out.text_if_set("since", request.since);
    out.number("spread_ms", request.spread_ms);
    if (!request.hosts.empty()) out.value("hosts", nlohmann::ordered_json(request.hosts));
    return std::move(out).finish();
}

// ------------------------------------------------------------ public: decode

Result<nlohmann::ordered_json> parse_json_limited(std::string_view payload, std::size_t max_bytes) {
    if (payload.empty()) return Error{"empty payload"};
    if (payload.size() > max_bytes)
        return Error{"payload too large: " + std::to_string(payload.size()) + " bytes (limit " +
                     std::to_string(max_bytes) + ")"};
    if (!is_valid_utf8(payload)) return Error{"payload is not valid UTF-8"};
    if (auto shape = check_json_shape(payload); !shape) return shape.error();
    return parse_checked(payload);
}

namespace {

/// The common frame of the typed payloads: parses `payload` (at most
/// `max_bytes`), checks "schema" and "type", lets `read` take the rest,
/// and reports the first problem.
template <typename T, typename Read>
Result<T> decode_typed(std::string_view payload, const char* type, std::size_t max_bytes, Read&& read) {
    auto json = parse_object(payload, max_bytes);
    if (!json) return json.error();
    FieldReader f(*json, "");
    f.expect("schema", kSchema);
    f.expect("type", type);
    T value = read(f);
    return finish(f, std::move(value));
}

}  // namespace

Result<Event> decode_event_document(std::string_view payload) {
    auto json = parse_object(payload);
    if (!json) return json.error();
    FieldReader f(*json, "");
    Event event;
    read_fields(f, event, wire::kEventFields);
    event.fields = extra_fields(*json);
    return finish(f, std::move(event));
}

Result<State> decode_state(std::string_view payload) {
    return decode_typed<State>(payload, "state", kMaxPayloadBytes, [&](FieldReader& f) {
        State state;
        state.time = f.text("time", Need::kOptional);
        state.host = f.text("host", Need::kRequired);
        state.domain = read_domain(f, "domain");
        state.state = f.text("state", Need::kRequired);
        state.reason = f.text("reason", Need::kOptional);
        state.state_code = f.code("state_code", Need::kOptional, 0);
        state.reason_code = f.code("reason_code", Need::kOptional, 0);
        state.persistent = f.flag("persistent", true);
        state.boot = f.text("boot", Need::kOptional);
        return state;
    });
}

Result<HostStatus> decode_status(std::string_view payload) {
    return decode_typed<HostStatus>(payload, "status", kMaxPayloadBytes, [&](FieldReader& f) {
        HostStatus status;
        const std::string word = f.text("status", Need::kRequired);
        if (!f.error() && word != "online" && word != "offline")
            f.fail("status", "expected \"online\" or \"offline\", got \"" +
                                 shorten(sanitize(word), kMaxQuoted) + "\"");
        status.online = word == "online";
        status.time = f.text("time", Need::kOptional);
        status.host = f.text("host", Need::kRequired);
        status.version = f.text("version", Need::kOptional);
        status.boot = f.text("boot", Need::kOptional);
        status.dropped = f.count("dropped", Need::kOptional);
        status.uri = f.text("uri", Need::kOptional);
        const std::string libvirt = f.text("libvirt", Need::kOptional);
        const auto health = libvirt_health_from_token(libvirt);
        if (!f.error() && !health)
            f.fail("libvirt", "expected \"connected\" or \"unreachable\", got \"" +
                                  shorten(sanitize(libvirt), kMaxQuoted) + "\"");
        status.libvirt = health.value_or(LibvirtHealthState::Unknown);
        status.libvirt_since = f.text("libvirt_since", Need::kOptional);
        status.libvirt_error = f.text("libvirt_error", Need::kOptional);
        status.callback_errors = f.count("callback_errors", Need::kOptional);
        return status;
    });
}

Result<std::vector<InventoryEntry>> decode_inventory(std::string_view payload) {
    return decode_typed<std::vector<InventoryEntry>>(payload, "inventory", kMaxInventoryBytes, [&](FieldReader& f) {
        f.text("time", Need::kOptional);
        f.text("host", Need::kRequired);
        std::vector<InventoryEntry> entries;
        if (const Json* domains = f.array("domains", Need::kRequired)) {
            for (std::size_t i = 0; i < domains->size(); ++i)
                entries.push_back(read_inventory_entry((*domains)[i], f, i));
        }
        return entries;
    });
}

namespace {

/// The array of at most `max` non-empty strings at `key` (errors into `f`).
std::vector<std::string> read_strings(FieldReader& f, const char* key, Need need, std::size_t max) {
    std::vector<std::string> out;
    const Json* array = f.array(key, need);
    if (array == nullptr) return out;
    if (array->size() > max) f.fail(key, "more than " + std::to_string(max) + " entries");
    for (std::size_t i = 0; i < array->size() && !f.error(); ++i) {
        const Json& entry = (*array)[i];
        if (!entry.is_string() || entry.get_ref<const std::string&>().empty())
            f.fail(std::string(key) + "[" + std::to_string(i) + "]", "expected a non-empty string");
        else
            out.push_back(entry.get<std::string>());
    }
    return out;
}

}  // namespace

Result<Journal> decode_journal(std::string_view payload) {
    return decode_typed<Journal>(payload, "journal", kMaxJournalBytes, [&](FieldReader& f) {
        Journal journal;
        journal.time = f.text("time", Need::kOptional);
        journal.host = f.text("host", Need::kRequired);
        journal.from = f.text("from", Need::kOptional);
        if (!f.error() && !journal.from.empty() && !ms_from_iso_utc(journal.from))
            f.fail("from", "expected an RFC 3339 UTC time");
        journal.events = read_strings(f, "events", Need::kRequired, kMaxJournalEvents);
        return journal;
    });
}

Result<RollCallRequest> decode_roll_call_request(std::string_view payload) {
    return decode_typed<RollCallRequest>(payload, "roll-call", kMaxRollCallRequestBytes, [&](FieldReader& f) {
        RollCallRequest request;
        request.reply = f.text("reply", Need::kRequired);
        if (!f.error()) {
            if (auto ok = check_reply_id(request.reply); !ok) f.fail("reply", ok.error().message);
        }
        request.since = f.text("since", Need::kOptional);
        if (!f.error() && !request.since.empty() && !ms_from_iso_utc(request.since))
            f.fail("since", "expected an RFC 3339 UTC time");
        const std::uint64_t spread = f.count("spread_ms", Need::kOptional);
        if (f.find("spread_ms", Need::kOptional) != nullptr) {
            if (spread > static_cast<std::uint64_t>(kMaxRollCallSpreadMs))
                f.fail("spread_ms", "more than " + std::to_string(kMaxRollCallSpreadMs));
            else
                request.spread_ms = static_cast<int>(spread);
        }
        request.hosts = read_strings(f, "hosts", Need::kOptional, kMaxRollCallHosts);
        return request;
    });
}

}  // namespace vme
