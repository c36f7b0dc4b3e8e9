// Making untrusted strings safe for a terminal, and the strict UTF-8
// decoder that topic escaping and payload checks share.
#include "sanitize.h"

#include <algorithm>
#include <array>
#include <cstdint>
#include <cstring>

#include "hex.h"

namespace vme {

namespace {

/// What a lead byte announces: total length and the allowed range of the
/// *second* byte. The narrowed ranges (E0, ED, F0, F4) are what exclude
/// overlongs, surrogates and code points above U+10FFFF (RFC 3629 table).
struct Lead {
    std::size_t length = 0;  ///< 0: not a lead byte
    unsigned char second_lo = 0x80;
    unsigned char second_hi = 0xBF;
    char32_t bits = 0;       ///< payload bits of the lead byte
};

Lead lead_of(unsigned char b) {
    if (b >= 0xC2 && b <= 0xDF) return {2, 0x80, 0xBF, char32_t(b & 0x1F)};
    if (b == 0xE0) return {3, 0xA0, 0xBF, 0};
    if (b == 0xED) return {3, 0x80, 0x9F, 0xD};
    if (b >= 0xE1 && b <= 0xEF) return {3, 0x80, 0xBF, char32_t(b & 0x0F)};
    if (b == 0xF0) return {4, 0x90, 0xBF, 0};
    if (b >= 0xF1 && b <= 0xF3) return {4, 0x80, 0xBF, char32_t(b & 0x07)};
    if (b == 0xF4) return {4, 0x80, 0x8F, 4};
    return {};
}

bool in_range(unsigned char b, unsigned char lo, unsigned char hi) {
    return b >= lo && b <= hi;
}

/// C1 controls (U+0080..U+009F): many terminals act on them like ESC+letter
/// (U+009B is CSI), so they must never be printed raw.
bool is_c1(char32_t cp) { return cp >= 0x80 && cp <= 0x9F; }

/// Bidirectional controls can reorder what a terminal shows ("Trojan
/// Source"), hiding or faking text; shown as \uXXXX instead.
bool is_bidi_control(char32_t cp) {
    return cp == 0x061C || cp == 0x200E || cp == 0x200F || (cp >= 0x202A && cp <= 0x202E) ||
           (cp >= 0x2066 && cp <= 0x2069);
}

void append_hex_byte(std::string& out, unsigned char b) {
    out += "\\x";
    hex::append_byte(out, b);
}

void append_u_escape(std::string& out, char32_t cp) {
    out += "\\u";
    hex::append(out, cp, 4);
}

/// The visible form of one ASCII byte (C0, DEL, backslash or printable).
void append_ascii(std::string& out, unsigned char b) {
    switch (b) {
    case '\t': out += "\\t"; return;
    case '\n': out += "\\n"; return;
    case '\r': out += "\\r"; return;
    case '\\': out += "\\\\"; return;
    default: break;
    }
    if (b < 0x20 || b == 0x7F)
        append_hex_byte(out, b);
    else
        out += static_cast<char>(b);
}

struct Range {
    char32_t first;
    char32_t last;
};

/// Zero-width: combining marks, zero-width spaces/joiners, variation selectors.
constexpr std::array<Range, 12> kZeroWidth{{
    {0x0300, 0x036F}, {0x0483, 0x0489}, {0x0591, 0x05BD}, {0x0610, 0x061A},
    {0x064B, 0x065F}, {0x1AB0, 0x1AFF}, {0x1DC0, 0x1DFF}, {0x200B, 0x200F},
    {0x20D0, 0x20FF}, {0xFE00, 0xFE0F}, {0xFE20, 0xFE2F}, {0xE0100, 0xE01EF},
}};

/// East Asian Wide and Fullwidth blocks, plus the common emoji blocks.
constexpr std::array<Range, 16> kWide{{
    {0x1100, 0x115F}, {0x2E80, 0x303E}, {0x3041, 0x33FF}, {0x3400, 0x4DBF},
    {0x4E00, 0x9FFF}, {0xA000, 0xA4CF}, {0xA960, 0xA97F}, {0xAC00, 0xD7A3},
    {0xF900, 0xFAFF}, {0xFE30, 0xFE4F}, {0xFF00, 0xFF60}, {0xFFE0, 0xFFE6},
    {0x1F300, 0x1F64F}, {0x1F900, 0x1F9FF}, {0x20000, 0x2FFFD}, {0x30000, 0x3FFFD},
}};

template <std::size_t N>
bool in_any(const std::array<Range, N>& ranges, char32_t cp) {
    return std::any_of(ranges.begin(), ranges.end(),
                       [cp](const Range& r) { return cp >= r.first && cp <= r.last; });
}

std::size_t width_of(char32_t cp) {
    if (in_any(kZeroWidth, cp)) return 0;
    return in_any(kWide, cp) ? 2 : 1;
}

}  // namespace

Utf8Char decode_utf8(std::string_view s, std::size_t pos) {
    const auto b0 = static_cast<unsigned char>(s[pos]);
    if (b0 < 0x80) return {b0, 1};
    const Lead lead = lead_of(b0);
    if (lead.length == 0 || pos + lead.length > s.size()) return {};
    char32_t cp = lead.bits;
    for (std::size_t i = 1; i < lead.length; ++i) {
        const auto b = static_cast<unsigned char>(s[pos + i]);
        const bool ok = i == 1 ? in_range(b, lead.second_lo, lead.second_hi)
                               : in_range(b, 0x80, 0xBF);
        if (!ok) return {};
        cp = (cp << 6) | (b & 0x3F);
    }
    return {cp, lead.length};
}

bool is_ascii(std::string_view s) {
    // Eight bytes at a time: any high bit anywhere survives the OR.
    std::uint64_t any = 0;
    std::size_t i = 0;
    for (; i + 8 <= s.size(); i += 8) {
        std::uint64_t word;
        std::memcpy(&word, s.data() + i, sizeof word);
        any |= word;
    }
    for (; i < s.size(); ++i) any |= static_cast<unsigned char>(s[i]);
    return (any & 0x8080808080808080ULL) == 0;
}

bool is_valid_utf8(std::string_view s) {
    if (is_ascii(s)) return true;
    for (std::size_t pos = 0; pos < s.size();) {
        const Utf8Char c = decode_utf8(s, pos);
        if (c.length == 0) return false;
        pos += c.length;
    }
    return true;
}

namespace {

/// True when every byte is printable ASCII other than '\\': text that
/// sanitize() gives back unchanged (host, VM and kind names, nearly always).
bool plain_printable(std::string_view s) {
    for (const char ch : s) {
        const auto b = static_cast<unsigned char>(ch);
        if (b < 0x20 || b >= 0x7F || b == '\\') return false;
    }
    return true;
}

}  // namespace

std::string sanitize(std::string_view untrusted) {
    if (plain_printable(untrusted)) return std::string(untrusted);
    std::string out;
    out.reserve(untrusted.size());
    for (std::size_t pos = 0; pos < untrusted.size();) {
        const Utf8Char c = decode_utf8(untrusted, pos);
        if (c.length == 0) {
            append_hex_byte(out, static_cast<unsigned char>(untrusted[pos]));
            pos += 1;
            continue;
        }
        if (c.length == 1)
            append_ascii(out, static_cast<unsigned char>(c.code_point));
        else if (is_c1(c.code_point) || is_bidi_control(c.code_point))
            append_u_escape(out, c.code_point);
        else
            out.append(untrusted.substr(pos, c.length));
        pos += c.length;
    }
    return out;
}

std::size_t display_width(std::string_view s) {
    if (is_ascii(s)) return s.size();  // every ASCII character takes one column here
    std::size_t width = 0;
    for (std::size_t pos = 0; pos < s.size();) {
        const Utf8Char c = decode_utf8(s, pos);
        // An invalid byte (not expected here) still takes one column.
        width += c.length == 0 ? 1 : width_of(c.code_point);
        pos += c.length == 0 ? 1 : c.length;
    }
    return width;
}

namespace {

/// What MQTT forbids in a UTF-8 string besides invalid UTF-8.
bool mqtt_forbidden(char32_t cp) {
    if (cp <= 0x1F || (cp >= 0x7F && cp <= 0x9F)) return true;
    if (cp >= 0xFDD0 && cp <= 0xFDEF) return true;
    return (cp & 0xFFFE) == 0xFFFE;
}

}  // namespace

std::string mqtt_safe_text(std::string_view text) {
    static constexpr std::string_view kReplacement = "\xEF\xBF\xBD";  // U+FFFD
    std::string out;
    out.reserve(text.size());
    for (std::size_t pos = 0; pos < text.size();) {
        Utf8Char ch = decode_utf8(text, pos);
        if (ch.length == 0) {
            out += kReplacement;
            ++pos;
            continue;
        }
        if (mqtt_forbidden(ch.code_point)) out += kReplacement;
        else out.append(text.substr(pos, ch.length));
        pos += ch.length;
    }
    return out;
}

}  // namespace vme
