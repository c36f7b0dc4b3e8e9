// The one description of an event's standard keys (vm-events/1, see
// man/vm-events.7): each key once, with whether it is required, its wire
// type and the member of vme::Event it is stored in. The encoder, both
// decoders (the SAX fast path in event_fast_decode.cpp and the document
// decoder in message.cpp) and the "{field}" templates of format.cpp all
// walk these tables, so a new standard key is one row here plus its
// member in Event.
//
// Row order is wire order: encode_event writes the keys in this order and
// the document decoder checks them in this order (its error names the
// first bad key). The domain object has its own table, also used for the
// "domain" objects of state and inventory payloads.
#pragma once

#include <algorithm>
#include <array>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>

#include "message.h"

namespace vme::wire {

/// How a key's value is typed on the wire, and so how it is written, read
/// and shown in a template. The optional/required combinations each type
/// allows are checked by well_formed() below.
enum class Type : unsigned char {
    kSchema,    ///< the string kSchema; required; stored nowhere
    kUnsigned,  ///< an unsigned 64-bit integer; required
    kText,      ///< a string; when optional, left out if empty ("" when missing)
    kCode,      ///< a non-negative int; optional: -1 is left out, missing is -1
    kFlag,      ///< true or false; optional: written only when true, missing is false
    kDomain,    ///< the domain object, described by kDomainFields; required
    kDomainId,  ///< null or a non-negative int; optional: -1 is written as null
};

enum class Need : unsigned char { kRequired, kOptional };

/// Where a key's value lives in a struct `S`: the one member pointer that
/// matches the row's type is set (none for kSchema).
template <typename S>
struct Member {
    constexpr Member() = default;
    constexpr Member(std::string S::*m) : text(m) {}
    constexpr Member(std::uint64_t S::*m) : count(m) {}
    constexpr Member(int S::*m) : number(m) {}
    constexpr Member(bool S::*m) : flag(m) {}
    constexpr Member(DomainRef S::*m) : domain(m) {}

    std::string S::*text = nullptr;
    std::uint64_t S::*count = nullptr;
    int S::*number = nullptr;
    bool S::*flag = nullptr;
    DomainRef S::*domain = nullptr;
};

/// How a key is offered to "{field}" templates: its name there and its
/// place in Template::field_names() (documentation order, shared with the
/// template-only fields of format.cpp); no name = not a template field.
struct Shown {
    std::string_view name;
    int rank = -1;
};

/// One standard key of a struct `S` (Event or DomainRef).
template <typename S>
struct Field {
    std::string_view key;
    Need need;
    Type type;
    Member<S> member;
    Shown shown = {};
};

/// The members of "domain" (events, states, inventory lines).
inline constexpr auto kDomainFields = std::to_array<Field<DomainRef>>({
    {"name", Need::kRequired, Type::kText, &DomainRef::name, {"domain", 3}},
    {"uuid", Need::kOptional, Type::kText, &DomainRef::uuid, {"uuid", 4}},
    {"id", Need::kOptional, Type::kDomainId, &DomainRef::id, {"id", 5}},
});

/// The top-level standard keys of an event, in wire order. Every other
/// top-level key is a kind-specific field (Event::fields).
inline constexpr auto kEventFields = std::to_array<Field<Event>>({
    {"schema", Need::kRequired, Type::kSchema, {}},
    {"seq", Need::kRequired, Type::kUnsigned, &Event::seq, {"seq", 10}},
    {"boot", Need::kRequired, Type::kText, &Event::boot, {"boot", 11}},
    {"time", Need::kRequired, Type::kText, &Event::time, {"time", 0}},
    {"host", Need::kRequired, Type::kText, &Event::host, {"host", 2}},
    {"uri", Need::kOptional, Type::kText, &Event::uri, {"uri", 12}},
    {"domain", Need::kRequired, Type::kDomain, &Event::domain},
    {"kind", Need::kRequired, Type::kText, &Event::kind, {"kind", 6}},
    {"event", Need::kRequired, Type::kText, &Event::event, {"event", 7}},
    {"detail", Need::kOptional, Type::kText, &Event::detail, {"detail", 8}},
    {"event_code", Need::kOptional, Type::kCode, &Event::event_code, {"event_code", 14}},
    {"detail_code", Need::kOptional, Type::kCode, &Event::detail_code, {"detail_code", 15}},
    {"text", Need::kOptional, Type::kText, &Event::text, {"text", 9}},
    {"synthetic", Need::kOptional, Type::kFlag, &Event::synthetic, {"synthetic", 13}},
});

/// True when a row's type, need and member agree (the combinations the
/// encoder and both decoders implement).
template <typename S>
constexpr bool well_formed(const Field<S>& f) {
    const Member<S>& m = f.member;
    const int set = (m.text != nullptr) + (m.count != nullptr) + (m.number != nullptr) +
                    (m.flag != nullptr) + (m.domain != nullptr);
    const bool required = f.need == Need::kRequired;
    switch (f.type) {
    case Type::kSchema: return required && set == 0;
    case Type::kUnsigned: return required && set == 1 && m.count != nullptr;
    case Type::kText: return set == 1 && m.text != nullptr;
    case Type::kCode: return !required && set == 1 && m.number != nullptr;
    case Type::kFlag: return !required && set == 1 && m.flag != nullptr;
    case Type::kDomain: return required && set == 1 && m.domain != nullptr && f.shown.name.empty();
    case Type::kDomainId: return !required && set == 1 && m.number != nullptr;
    }
    return false;
}

/// True when no two rows of `table` share a key.
template <typename S, std::size_t N>
constexpr bool unique_keys(const std::array<Field<S>, N>& table) {
    for (std::size_t i = 0; i < N; ++i)
        for (std::size_t j = i + 1; j < N; ++j)
            if (table[i].key == table[j].key) return false;
    return true;
}

static_assert(std::all_of(kEventFields.begin(), kEventFields.end(), well_formed<Event>));
static_assert(std::all_of(kDomainFields.begin(), kDomainFields.end(), well_formed<DomainRef>));
static_assert(unique_keys(kEventFields) && unique_keys(kDomainFields));
static_assert(kEventFields.front().type == Type::kSchema, "the schema tag comes first");

/// The row of `key` in `table`, or nullptr (a linear scan: the tables are short).
template <typename S, std::size_t N>
constexpr const Field<S>* find_field(const std::array<Field<S>, N>& table, std::string_view key) {
    for (const auto& f : table)
        if (f.key == key) return &f;
    return nullptr;
}

/// True when `key` is a standard top-level key of an event.
constexpr bool is_event_key(std::string_view key) {
    return find_field(kEventFields, key) != nullptr;
}

}  // namespace vme::wire
