// Terminal-safe JSON: compact JSON text with C1 and bidi controls escaped.
#pragma once

#include <string>
#include <string_view>

namespace vme {

/// Compact JSON text made safe for a terminal without changing its value:
/// every C1 control (U+0080..U+009F) and bidi control (the set sanitize()
/// escapes) is rewritten as its "\uXXXX" JSON escape. JSON text only ever
/// holds such characters inside strings, so the result decodes to the same
/// value. Other bytes (and control characters, which valid JSON already
/// escapes) are copied unchanged.
std::string json_for_terminal(std::string_view json);

}  // namespace vme
