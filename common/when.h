// WHEN for vm-sub --since/--until (pure: "now" is passed in).
#pragma once

#include <optional>
#include <string_view>

#include "result.h"

namespace vme {

/// Parses WHEN into milliseconds since the epoch, relative to `now_ms`:
/// a duration back from now, a whole number followed by s, m, h or d
/// ("90s", "10m", "2h", "1d"; at most 36500 days), or an RFC 3339 time
/// "YYYY-MM-DDThh:mm:ss[.f](Z|+hh:mm|-hh:mm)" ('t', 'z' and a space for
/// 'T' accepted). Error: one line saying what is wrong, input sanitized.
Result<long long> parse_when(std::string_view text, long long now_ms);

/// The --since/--until window: since not after now, until (when given) not
/// before since. Error: one line naming the option.
Status check_window(long long since_ms, std::optional<long long> until_ms, long long now_ms);

}  // namespace vme
