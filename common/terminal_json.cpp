// Terminal-safe JSON: compact JSON text with C1 and bidi controls escaped.
#include "terminal_json.h"

#include "hex.h"
#include "sanitize.h"

namespace vme {

namespace {

/// A C1 or bidi control (the ones a terminal may act on) found at a byte
/// offset, with the length of its UTF-8 form; cp 0 when there is none.
struct FoundControl {
    char32_t cp = 0;
    std::size_t length = 0;
};

/// The C1 or bidi control whose UTF-8 form starts at byte `i` of `s`.
/// Matching bytes rather than decoding keeps this right for invalid UTF-8
/// too: the lead bytes C2, D8 and E2 are never continuation bytes.
FoundControl control_at(std::string_view s, std::size_t i) {
    const auto b = [&](std::size_t k) { return static_cast<unsigned char>(s[i + k]); };
    const std::size_t left = s.size() - i;
    if (left >= 2 && b(0) == 0xC2 && b(1) >= 0x80 && b(1) <= 0x9F) return {char32_t(b(1)), 2};
    if (left >= 2 && b(0) == 0xD8 && b(1) == 0x9C) return {0x061C, 2};
    if (left < 3 || b(0) != 0xE2 || b(1) < 0x80 || b(1) > 0xBF || b(2) < 0x80 || b(2) > 0xBF) return {};
    const char32_t cp = 0x2000 + ((b(1) - 0x80u) << 6) + (b(2) - 0x80u);
    const bool bidi = cp == 0x200E || cp == 0x200F || (cp >= 0x202A && cp <= 0x202E) ||
                      (cp >= 0x2066 && cp <= 0x2069);
    return bidi ? FoundControl{cp, 3} : FoundControl{};
}

}  // namespace

std::string json_for_terminal(std::string_view json) {
    if (is_ascii(json)) return std::string(json);  // the common case, and nothing to escape
    std::string out;
    out.reserve(json.size());
    for (std::size_t i = 0; i < json.size();) {
        const FoundControl found = control_at(json, i);
        if (found.cp == 0) {
            out += json[i++];
            continue;
        }
        out += "\\u";
        hex::append(out, found.cp, 4);
        i += found.length;
    }
    return out;
}

}  // namespace vme
