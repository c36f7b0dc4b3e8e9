#include "when.h"

#include <string>

#include "sanitize.h"
#include "time.h"

namespace vme {
namespace {

constexpr long long kMaxDurationMs = 36500LL * 86400 * 1000;

/// "<digits><unit>" -> milliseconds; nullopt when it is not that shape.
std::optional<long long> duration_ms(std::string_view text) {
    if (text.size() < 2 || text.size() > 16) return std::nullopt;
    long long unit = 0;
    switch (text.back()) {
    case 's': unit = 1000; break;
    case 'm': unit = 60 * 1000; break;
    case 'h': unit = 3600 * 1000; break;
    case 'd': unit = 86400 * 1000; break;
    default: return std::nullopt;
    }
    long long n = 0;
    for (char ch : text.substr(0, text.size() - 1)) {
        if (ch < '0' || ch > '9') return std::nullopt;
        n = n * 10 + (ch - '0');
        if (n * unit > kMaxDurationMs) return kMaxDurationMs + 1;
    }
    return n * unit;
}

}  // namespace

Result<long long> parse_when(std::string_view text, long long now_ms) {
    if (auto back = duration_ms(text)) {
        if (*back > kMaxDurationMs) return Error{"\"" + sanitize(text) + "\": more than 36500 days back"};
        return now_ms - *back;
    }
    if (auto at = ms_from_rfc3339(text)) return *at;
    return Error{"\"" + sanitize(text.substr(0, 64)) +
                 "\" is neither a duration (90s, 10m, 2h, 1d) nor an RFC 3339 time (2026-11-29T10:00:00Z)"};
}

Status check_window(long long since_ms, std::optional<long long> until_ms, long long now_ms) {
    if (since_ms > now_ms) return Error{"--since " + iso_utc_from_ms(since_ms) + " is in the future"};
    if (until_ms && *until_ms < since_ms)
        return Error{"--until " + iso_utc_from_ms(*until_ms) + " is before --since " + iso_utc_from_ms(since_ms)};
    return Ok{};
}

}  // namespace vme
