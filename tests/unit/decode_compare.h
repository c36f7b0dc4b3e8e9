// same_event(): two Events are the same, member by member (walking the
// tables of common/event_fields.h) and in their kind-specific fields down
// to the JSON type of every number (1, 1.0 and -0.0 differ). For the tests
// and the fuzz target that check the two event decoders agree.
#pragma once

#include <array>
#include <cstddef>

#include "common/event_fields.h"
#include "common/message.h"

namespace vme::test {

/// True when `a` and `b` hold the same value in every row of `table`.
template <typename S, std::size_t N>
bool same_members(const S& a, const S& b, const std::array<wire::Field<S>, N>& table) {
    for (const auto& row : table) {
        const auto& m = row.member;
        bool same = true;
        switch (row.type) {
        case wire::Type::kSchema: break;
        case wire::Type::kUnsigned: same = a.*m.count == b.*m.count; break;
        case wire::Type::kText: same = a.*m.text == b.*m.text; break;
        case wire::Type::kCode:
        case wire::Type::kDomainId: same = a.*m.number == b.*m.number; break;
        case wire::Type::kFlag: same = a.*m.flag == b.*m.flag; break;
        case wire::Type::kDomain: same = same_members(a.*m.domain, b.*m.domain, wire::kDomainFields); break;
        }
        if (!same) return false;
    }
    return true;
}

/// True when the two events are the same in every member and field.
inline bool same_event(const Event& a, const Event& b) {
    return same_members(a, b, wire::kEventFields) && a.fields.dump() == b.fields.dump();
}

}  // namespace vme::test
