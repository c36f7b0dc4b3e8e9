// Fitting sanitized text into terminal columns (pure): cut by display
// width, never inside a character, with an ellipsis where text was cut.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace vme {

/// `value` (valid UTF-8, e.g. sanitize()d) cut to at most `cap` display
/// columns, ending in '…' when cut. Cuts only between code points, so the
/// result stays valid UTF-8; a wide character that would straddle the limit
/// is left out whole. cap 0 gives "".
std::string fit_width(std::string_view value, std::size_t cap);

/// fit_width(value, width) padded with spaces to exactly `width` columns.
std::string fit_pad(std::string_view value, std::size_t width);

}  // namespace vme
