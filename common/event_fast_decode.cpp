#include "event_fast_decode.h"

#include <climits>
#include <cstdint>
#include <string>
#include <type_traits>

#include <simdjson.h>

#include "event_fields.h"
#include "strict_json.h"

namespace vme {

namespace od = simdjson::ondemand;

struct FastEventDecoder::Parser {
    od::parser parser;
    std::string padded;  ///< the payload, then simdjson::SIMDJSON_PADDING bytes
};

namespace {

using Json = nlohmann::ordered_json;
using wire::Type;

/// The required rows of `table`, as a mask of row indexes.
template <typename S, std::size_t N>
constexpr std::uint32_t required_mask(const std::array<wire::Field<S>, N>& table) {
    static_assert(N <= 32, "rows are tracked in a 32-bit mask");
    std::uint32_t mask = 0;
    for (std::size_t i = 0; i < N; ++i)
        if (table[i].need == wire::Need::kRequired) mask |= 1u << i;
    return mask;
}

/// The required keys of an Event, and of its "domain".
template <typename S>
constexpr std::uint32_t kRequired = 0;
template <>
constexpr std::uint32_t kRequired<Event> = required_mask(wire::kEventFields);
template <>
constexpr std::uint32_t kRequired<DomainRef> = required_mask(wire::kDomainFields);

/// The row of `key` in `table`, searched from `hint` on (the row after the
/// last one found: payloads have their keys in table order, so the first
/// comparison usually matches); N when it is no row of the table.
template <typename S, std::size_t N>
std::size_t find_row(const std::array<wire::Field<S>, N>& table, std::string_view key, std::size_t hint) {
    for (std::size_t n = 0; n < N; ++n) {
        const std::size_t i = (hint + n) % N;
        if (table[i].key == key) return i;
    }
    return N;
}

/// A non-negative JSON integer that fits an int (libvirt codes and ids).
bool small_unsigned(od::value& value, int& out) {
    std::uint64_t n = 0;
    if (value.get_uint64().get(n) != simdjson::SUCCESS || n > INT_MAX) return false;
    out = static_cast<int>(n);
    return true;
}

/// Reads past the scalar `value` of type `type`. A value left unread would
/// be skipped by On-Demand without a check of what follows it ("a":"b":"c"
/// would pass), while reading it makes the object check for ',' or '}'.
/// Its text is read again by nlohmann, which decides its value.
bool consume_scalar(od::value& value, od::json_type type) {
    switch (type) {
    case od::json_type::string: {
        od::raw_json_string text;
        return value.get_raw_json_string().get(text) == simdjson::SUCCESS;
    }
    case od::json_type::number: {
        double number = 0;
        return value.get_double().get(number) == simdjson::SUCCESS;
    }
    case od::json_type::boolean: {
        bool flag = false;
        return value.get_bool().get(flag) == simdjson::SUCCESS;
    }
    case od::json_type::null: {
        bool null = false;
        return value.is_null().get(null) == simdjson::SUCCESS && null;
    }
    case od::json_type::object:
    case od::json_type::array: break;
    }
    return false;
}

/// The JSON text of `value` (a whole object or array, or one scalar token:
/// simdjson's token runs to the next structural character).
bool raw_text(od::value& value, std::string_view& text) {
    od::json_type type;
    if (value.type().get(type) != simdjson::SUCCESS) return false;
    if (type == od::json_type::object) {
        od::object object;
        if (value.get_object().get(object) != simdjson::SUCCESS || object.raw_json().get(text) != simdjson::SUCCESS)
            return false;
    } else if (type == od::json_type::array) {
        od::array array;
        if (value.get_array().get(array) != simdjson::SUCCESS || array.raw_json().get(text) != simdjson::SUCCESS)
            return false;
    } else {
        text = value.raw_json_token();
        if (!consume_scalar(value, type)) return false;
    }
    // nlohmann reads a NUL byte as the end of its input: "1\0\0" would be
    // the number 1 to it, yet JSON nowhere (the document decoder included).
    return text.find('\0') == std::string_view::npos;
}

/// Fills one Event from one On-Demand document, walking the tables of
/// event_fields.h; false (decline) at the first thing it does not take.
class PlainReader {
public:
    PlainReader(Event& event, std::string_view payload) : event_(event), payload_(payload) {}

    bool read(od::document& doc) {
        od::object top;
        if (doc.get_object().get(top) != simdjson::SUCCESS) return false;
        if (!read_members(top, event_, wire::kEventFields)) return false;
        // The object must be the whole document ({...}{...} is not JSON).
        return doc.current_location().error() == simdjson::OUT_OF_BOUNDS;
    }

private:
    /// Reads every member of `object` into `s` by `table`; at the top
    /// level, keys outside the table are the kind's own fields.
    template <typename S, std::size_t N>
    bool read_members(od::object& object, S& s, const std::array<wire::Field<S>, N>& table) {
        std::uint32_t seen = 0;
        std::size_t hint = 0;
        for (auto member : object) {
            od::field field;
            std::string_view key;
            if (std::move(member).get(field) != simdjson::SUCCESS ||
                field.unescaped_key().get(key) != simdjson::SUCCESS)
                return false;
            const std::size_t row = find_row(table, key, hint);
            if (row == N) {
                if constexpr (std::is_same_v<S, Event>) {
                    if (!read_field(key, field.value())) return false;
                    continue;
                }
                return false;  // a key "domain" does not have
            }
            const std::uint32_t bit = 1u << row;
            if ((seen & bit) != 0) return false;  // repeated
            seen |= bit;
            hint = row + 1;
            if (!read_value(s, table[row], field.value())) return false;
        }
        return (seen & kRequired<S>) == kRequired<S>;
    }

    /// Stores the value of one standard key as its row's type says.
    template <typename S>
    bool read_value(S& s, const wire::Field<S>& row, od::value& value) {
        const auto& m = row.member;
        std::string_view text;
        switch (row.type) {
        case Type::kSchema: return value.get_string().get(text) == simdjson::SUCCESS && text == kSchema;
        case Type::kUnsigned: return value.get_uint64().get(s.*m.count) == simdjson::SUCCESS;
        case Type::kText:
            if (value.get_string().get(text) != simdjson::SUCCESS) return false;
            (s.*m.text).assign(text);
            return true;
        case Type::kCode: return small_unsigned(value, s.*m.number);
        case Type::kFlag: return value.get_bool().get(s.*m.flag) == simdjson::SUCCESS;
        case Type::kDomain:
            if constexpr (std::is_same_v<S, Event>) {
                od::object domain;
                return value.get_object().get(domain) == simdjson::SUCCESS &&
                       read_members(domain, s.*m.domain, wire::kDomainFields);
            }
            return false;
        case Type::kDomainId: {
            bool null = false;
            if (value.is_null().get(null) != simdjson::SUCCESS) return false;
            if (!null) return small_unsigned(value, s.*m.number);
            s.*m.number = -1;
            return true;
        }
        }
        return false;
    }

    /// A kind's own field: its value, whatever it is, built by nlohmann
    /// from its text exactly as the document decoder builds it. The whole
    /// payload must first be within the limits the document decoder checks
    /// (only once, and only for events that have such fields).
    bool read_field(std::string_view key, od::value& value) {
        if (!shape_checked_ && !check_json_shape(payload_)) return false;
        shape_checked_ = true;
        std::string name(key);
        if (event_.fields.contains(name)) return false;  // repeated
        std::string_view text;
        if (!raw_text(value, text)) return false;
        StrictDomBuilder builder(event_.fields[std::move(name)]);
        return Json::sax_parse(text.begin(), text.end(), &builder, nlohmann::detail::input_format_t::json, true,
                               false) &&
               builder.complete();
    }

    Event& event_;
    std::string_view payload_;
    bool shape_checked_ = false;
};

}  // namespace

FastEventDecoder::FastEventDecoder() : parser_(std::make_unique<Parser>()) {}
FastEventDecoder::~FastEventDecoder() = default;
FastEventDecoder::FastEventDecoder(FastEventDecoder&&) noexcept = default;
FastEventDecoder& FastEventDecoder::operator=(FastEventDecoder&&) noexcept = default;

std::string_view FastEventDecoder::kernel() {
    return simdjson::get_active_implementation()->name();
}

std::optional<Event> FastEventDecoder::decode_plain(std::string_view payload) {
    if (payload.empty() || payload.size() > kMaxPayloadBytes) return std::nullopt;
    try {
        std::string& padded = parser_->padded;
        padded.assign(payload);
        padded.append(simdjson::SIMDJSON_PADDING, '\0');
        const simdjson::padded_string_view input(padded.data(), payload.size(), padded.size());
        od::document doc;
        if (parser_->parser.iterate(input).get(doc) != simdjson::SUCCESS) return std::nullopt;
        Event event;
        if (!PlainReader(event, payload).read(doc)) return std::nullopt;
        return event;
    } catch (const std::exception&) {
        return std::nullopt;  // out of memory, or nlohmann throwing inside a kind's field
    }
}

std::optional<Event> decode_plain_event(std::string_view payload) {
    return FastEventDecoder().decode_plain(payload);
}

}  // namespace vme
