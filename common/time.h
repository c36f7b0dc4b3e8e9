// The wall clock and the times of the message format: RFC 3339 / ISO 8601
// "...Z" text to and from milliseconds since the epoch, and local renderings.
#pragma once

#include <ctime>
#include <optional>
#include <string>
#include <string_view>

namespace vme {

/// Milliseconds since the epoch now (the wall clock). The one place in
/// common/ that reads the system clock; everything else takes the time as
/// a parameter.
long long now_ms();

/// The current time as "YYYY-MM-DDThh:mm:ss.mmmZ" (UTC): iso_utc_from_ms(now_ms()).
std::string utc_now_iso();

/// Formats a UTC time point given in milliseconds since the epoch as ISO 8601 "...Z".
std::string iso_utc_from_ms(long long ms_since_epoch);

/// The inverse of iso_utc_from_ms: milliseconds since the epoch of
/// "YYYY-MM-DDThh:mm:ss[.f]Z" (1 to 9 fraction digits, cut to milliseconds);
/// nullopt for anything else, including impossible dates ("02-30").
std::optional<long long> ms_from_iso_utc(std::string_view iso_utc);

/// The milliseconds of what follows the seconds of an ISO time: an
/// optional ".f" (1 to 9 digits, cut to milliseconds) and then "Z" and
/// nothing else; nullopt for anything else. ".4Z" is 400.
std::optional<int> ms_from_fraction_and_zone(std::string_view rest);

/// An RFC 3339 time with any zone, "YYYY-MM-DDThh:mm:ss[.f](Z|+hh:mm|-hh:mm)"
/// ('t', 'z' and a space for 'T' accepted, at most 40 characters), as
/// milliseconds since the epoch; nullopt for anything else.
std::optional<long long> ms_from_rfc3339(std::string_view text);

/// A time point in milliseconds since the epoch as local time with
/// milliseconds, "2026-11-26 03:21:24.457" (local zone from TZ).
std::string local_time_from_ms(long long ms_since_epoch);

/// "2026-11-26T02:21:24.457Z" -> the same instant as local time with
/// milliseconds, "2026-11-26 03:21:24.457" (local zone from TZ). An
/// unparsable input is returned sanitized, unchanged otherwise.
std::string local_time_ms(std::string_view iso_utc);

/// The broken-down local time (zone from TZ) of the whole second that
/// holds `ms_since_epoch`.
std::tm local_tm_from_ms(long long ms_since_epoch);

}  // namespace vme
