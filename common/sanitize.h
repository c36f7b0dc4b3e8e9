// Making untrusted strings safe for a terminal (pure).
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace vme {

/// One character decoded from UTF-8: its code point and how many bytes it took.
struct Utf8Char {
    char32_t code_point = 0;
    std::size_t length = 0;  ///< 1..4; 0 when the bytes at `pos` are not valid UTF-8
};

/// Decodes the character starting at s[pos] (precondition: pos < s.size()).
/// Strict: overlong forms, surrogates (U+D800..U+DFFF), code points above
/// U+10FFFF and truncated sequences give length 0, so the caller can treat
/// that single byte as invalid and go on with the next one.
Utf8Char decode_utf8(std::string_view s, std::size_t pos);

/// Returns `untrusted` with every byte or character that could move the
/// cursor, change the terminal or hide text made visible as an escape:
/// C0 controls and DEL as "\xNN" (tab "\t", newline "\n", CR "\r"),
/// C1 controls U+0080..U+009F as "\u009b", bidi controls (U+061C,
/// U+200E, U+200F, U+202A..U+202E, U+2066..U+2069) as "\u202e",
/// every byte that is not valid UTF-8 as "\xNN", and '\' itself as "\\".
/// Printable UTF-8 is kept. The result contains no byte < 0x20 and no 0x7F.
std::string sanitize(std::string_view untrusted);

/// `text` with every character an MQTT UTF-8 string may not hold (MQTT 5,
/// 1.5.4: C0 controls, DEL, C1 controls, noncharacters, and invalid UTF-8
/// bytes) replaced by U+FFFD; all other text unchanged. For values that
/// go into MQTT properties and into display names.
std::string mqtt_safe_text(std::string_view text);

/// True when every byte is ASCII (below 0x80): such text is valid UTF-8
/// and holds no C1 or bidi control, so the checks below can skip it.
bool is_ascii(std::string_view s);

/// True when `s` is valid UTF-8 (no overlongs, no surrogates, <= U+10FFFF).
bool is_valid_utf8(std::string_view s);

/// Number of terminal columns `s` takes (valid UTF-8 assumed; each code point
/// counts 1, East Asian wide characters 2, combining marks 0).
std::size_t display_width(std::string_view s);

}  // namespace vme
