#include "event_fast_decode.h"

#include <climits>
#include <cstdint>
#include <string>

#include "event_fields.h"
#include "sanitize.h"
#include "strict_json.h"

namespace vme {

namespace {

using Json = nlohmann::ordered_json;

using wire::Type;

/// Which standard key the next value belongs to: a row of
/// wire::kEventFields (0..kTop-1) or of wire::kDomainFields (kTop..).
/// Each slot has a bit in the mask of keys seen.
using Slot = unsigned;
constexpr Slot kTop = wire::kEventFields.size();
constexpr Slot kSlotCount = kTop + wire::kDomainFields.size();
constexpr Slot kNone = kSlotCount;
static_assert(kSlotCount <= 32, "slots are tracked in a 32-bit mask");

/// The required keys, as a mask of slots.
constexpr std::uint32_t required_mask() {
    std::uint32_t mask = 0;
    for (Slot i = 0; i < kTop; ++i)
        if (wire::kEventFields[i].need == wire::Need::kRequired) mask |= 1u << i;
    for (Slot i = 0; i < wire::kDomainFields.size(); ++i)
        if (wire::kDomainFields[i].need == wire::Need::kRequired) mask |= 1u << (kTop + i);
    return mask;
}
constexpr std::uint32_t kRequired = required_mask();

/// The index of `key` in `table`, or `none`.
template <typename S, std::size_t N>
Slot find_slot(const std::array<wire::Field<S>, N>& table, std::string_view key, Slot none) {
    for (Slot i = 0; i < N; ++i)
        if (table[i].key == key) return i;
    return none;
}

/// Stores a string value in the member of `row`, if it is a text key;
/// the schema key only checks it. False: not a string key, or a wrong schema.
template <typename S>
bool put_string(S& s, const wire::Field<S>& row, std::string& value) {
    if (row.type == Type::kText) {
        s.*row.member.text = std::move(value);
        return true;
    }
    return row.type == Type::kSchema && value == kSchema;
}

/// Stores an unsigned value in the member of `row`, if its type takes one
/// that big. False otherwise.
template <typename S>
bool put_unsigned(S& s, const wire::Field<S>& row, std::uint64_t value) {
    if (row.type == Type::kUnsigned) {
        s.*row.member.count = value;
        return true;
    }
    if ((row.type != Type::kCode && row.type != Type::kDomainId) || value > INT_MAX) return false;
    s.*row.member.number = static_cast<int>(value);
    return true;
}

/// nlohmann SAX handler: fills an Event; returns false (stop) at the first
/// thing the fast path does not handle. The value of a top-level key that
/// is not a standard one (a kind's own field) goes, whole, through a
/// StrictDomBuilder into Event::fields.
class EventSax {
public:
    EventSax(Event& event, std::string_view payload) : event_(event), payload_(payload) {}

    bool null() {
        if (field_) return forward(field_->null());
        if (slot_ < kTop || slot_ == kNone || domain_row().type != Type::kDomainId) return false;
        event_.domain.*domain_row().member.number = -1;
        return done();
    }
    bool boolean(bool value) {
        if (field_) return forward(field_->boolean(value));
        if (slot_ >= kTop || top_row().type != Type::kFlag) return false;
        event_.*top_row().member.flag = value;
        return done();
    }
    bool number_integer(Json::number_integer_t value) {
        return field_ && forward(field_->number_integer(value));  // a standard key has no negative value
    }
    bool number_unsigned(Json::number_unsigned_t value) {
        return field_ ? forward(field_->number_unsigned(value)) : take_number(value);
    }
    bool number_float(Json::number_float_t value, const std::string& text) {
        return field_ && forward(field_->number_float(value, text));
    }
    bool string(std::string& value) { return field_ ? forward(field_->string(value)) : take_string(value); }
    bool binary(Json::binary_t&) { return false; }
    bool start_array(std::size_t n) { return field_ && forward(field_->start_array(n)); }
    bool end_array() { return field_ && forward(field_->end_array()); }

    bool start_object(std::size_t n) {
        if (field_) return forward(field_->start_object(n));
        if (depth_ == 0 || (depth_ == 1 && slot_ < kTop && top_row().type == Type::kDomain)) {
            ++depth_;
            slot_ = kNone;
            return true;
        }
        return false;
    }

    bool end_object() {
        if (field_) return forward(field_->end_object());
        --depth_;
        slot_ = kNone;
        return true;
    }

    bool key(std::string& key) {
        if (field_) return forward(field_->key(key));
        slot_ = depth_ == 1 ? find_slot(wire::kEventFields, key, kNone)
                            : kTop + find_slot(wire::kDomainFields, key, kNone - kTop);
        if (slot_ == kNone) return depth_ == 1 && start_field(key);
        const std::uint32_t bit = 1u << slot_;
        if ((seen_ & bit) != 0) return false;  // repeated
        seen_ |= bit;
        return true;
    }

    bool parse_error(std::size_t, const std::string&, const nlohmann::detail::exception&) { return false; }

    /// True when every required key was there.
    bool complete() const { return (seen_ & kRequired) == kRequired; }

private:
    /// A kind's own field begins. Its value may be anything, so the whole
    /// payload must first be within the limits the document decoder checks
    /// (only once, and only for events that have such fields).
    bool start_field(std::string& key) {
        if (!shape_checked_ && !check_json_shape(payload_)) return false;
        shape_checked_ = true;
        if (event_.fields.contains(key)) return false;  // repeated
        field_.emplace(event_.fields[std::move(key)]);
        return true;
    }

    /// Passes one event to the field's builder; done with the field once its value is.
    bool forward(bool ok) {
        if (ok && field_->complete()) field_.reset();
        return ok;
    }

    bool done() {
        slot_ = kNone;
        return true;
    }

    /// The rows of the current slot (a top-level one, or one of "domain").
    const wire::Field<Event>& top_row() const { return wire::kEventFields[slot_]; }
    const wire::Field<DomainRef>& domain_row() const { return wire::kDomainFields[slot_ - kTop]; }

    bool take_string(std::string& value) {
        if (slot_ == kNone) return false;
        const bool ok = slot_ < kTop ? put_string(event_, top_row(), value)
                                     : put_string(event_.domain, domain_row(), value);
        return ok && done();
    }

    bool take_number(std::uint64_t value) {
        if (slot_ == kNone) return false;
        const bool ok = slot_ < kTop ? put_unsigned(event_, top_row(), value)
                                     : put_unsigned(event_.domain, domain_row(), value);
        return ok && done();
    }

    Event& event_;
    std::string_view payload_;
    bool shape_checked_ = false;
    std::optional<StrictDomBuilder> field_;  ///< while a kind's own field is being read
    int depth_ = 0;
    Slot slot_ = kNone;
    std::uint32_t seen_ = 0;
};

}  // namespace

std::optional<Event> decode_plain_event(std::string_view payload) {
    if (payload.empty() || payload.size() > kMaxPayloadBytes || !is_valid_utf8(payload)) return std::nullopt;
    Event event;
    EventSax sax(event, payload);
    try {
        if (!Json::sax_parse(payload.begin(), payload.end(), &sax, nlohmann::detail::input_format_t::json, true,
                             false) ||
            !sax.complete())
            return std::nullopt;
    } catch (const std::exception&) {
        return std::nullopt;
    }
    return event;
}

}  // namespace vme
