#include "event_fast_decode.h"

#include <climits>
#include <cstdint>
#include <string>

#include "sanitize.h"
#include "strict_json.h"

namespace vme {

namespace {

using Json = nlohmann::ordered_json;

/// Where the next value goes: one slot per standard key.
enum Slot : unsigned {
    kNone, kSchemaKey, kSeq, kBoot, kTime, kHost, kUri, kDomain, kKind, kEvent, kDetail,
    kEventCode, kDetailCode, kText, kSynthetic, kName, kUuid, kId, kSlotCount
};
static_assert(kSlotCount <= 32, "slots are tracked in a 32-bit mask");

/// Keys that must be there, as a mask of slots.
constexpr std::uint32_t kRequired = 1u << kSchemaKey | 1u << kSeq | 1u << kBoot | 1u << kTime | 1u << kHost |
                                    1u << kDomain | 1u << kKind | 1u << kEvent | 1u << kName;

struct KeySlot {
    std::string_view key;
    Slot slot;
};

constexpr KeySlot kTopKeys[] = {
    {"schema", kSchemaKey}, {"seq", kSeq},         {"boot", kBoot},           {"time", kTime},
    {"host", kHost},     {"uri", kUri},         {"domain", kDomain},       {"kind", kKind},
    {"event", kEvent},   {"detail", kDetail},   {"event_code", kEventCode}, {"detail_code", kDetailCode},
    {"text", kText},     {"synthetic", kSynthetic},
};
constexpr KeySlot kDomainKeys[] = {{"name", kName}, {"uuid", kUuid}, {"id", kId}};

template <std::size_t N>
Slot find_slot(const KeySlot (&table)[N], std::string_view key) {
    for (const auto& entry : table)
        if (entry.key == key) return entry.slot;
    return kNone;
}

/// nlohmann SAX handler: fills an Event; returns false (stop) at the first
/// thing the fast path does not handle. The value of a top-level key that
/// is not a standard one (a kind's own field) goes, whole, through a
/// StrictDomBuilder into Event::fields.
class EventSax {
public:
    EventSax(Event& event, std::string_view payload) : event_(event), payload_(payload) {}

    bool null() { return field_ ? forward(field_->null()) : take_id(-1); }
    bool boolean(bool value) {
        if (field_) return forward(field_->boolean(value));
        if (slot_ != kSynthetic) return false;
        event_.synthetic = value;
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
        if (depth_ == 0 || (depth_ == 1 && slot_ == kDomain)) {
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
        slot_ = depth_ == 1 ? find_slot(kTopKeys, key) : find_slot(kDomainKeys, key);
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

    bool take_string(std::string& value) {
        std::string* target = text_slot();
        if (target != nullptr) {
            *target = std::move(value);
            return done();
        }
        return slot_ == kSchemaKey && value == kSchema && done();
    }

    std::string* text_slot() {
        switch (slot_) {
        case kBoot: return &event_.boot;
        case kTime: return &event_.time;
        case kHost: return &event_.host;
        case kUri: return &event_.uri;
        case kKind: return &event_.kind;
        case kEvent: return &event_.event;
        case kDetail: return &event_.detail;
        case kText: return &event_.text;
        case kName: return &event_.domain.name;
        case kUuid: return &event_.domain.uuid;
        default: return nullptr;
        }
    }

    bool take_number(std::uint64_t value) {
        if (slot_ == kSeq) {
            event_.seq = value;
            return done();
        }
        if (value > INT_MAX) return false;
        const int small = static_cast<int>(value);
        if (slot_ == kEventCode) event_.event_code = small;
        else if (slot_ == kDetailCode) event_.detail_code = small;
        else return take_id(small);
        return done();
    }

    bool take_id(int id) {
        if (slot_ != kId) return false;
        event_.domain.id = id;
        return done();
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
