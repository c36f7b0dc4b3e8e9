// Making untrusted strings safe for a terminal (pure).
#pragma once

#include <string>
#include <string_view>

namespace vme {

/// Returns `untrusted` with every byte or character that could move the
/// cursor, change the terminal or hide text made visible as an escape:
/// C0 controls and DEL as "\xNN" (tab "\t", newline "\n", CR "\r"),
/// C1 controls U+0080..U+009F as "\u009b", bidi controls (U+061C,
/// U+200E, U+200F, U+202A..U+202E, U+2066..U+2069) as "\u202e",
/// every byte that is not valid UTF-8 as "\xNN", and '\' itself as "\\".
/// Printable UTF-8 is kept. The result contains no byte < 0x20 and no 0x7F.
std::string sanitize(std::string_view untrusted);

/// True when `s` is valid UTF-8 (no overlongs, no surrogates, <= U+10FFFF).
bool is_valid_utf8(std::string_view s);

/// Number of terminal columns `s` takes (valid UTF-8 assumed; each code point
/// counts 1, East Asian wide characters 2, combining marks 0).
std::size_t display_width(std::string_view s);

}  // namespace vme
