// The wall clock and the times of the message format (RFC 3339 "...Z").
#include "time.h"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <utility>

#include "sanitize.h"

namespace vme {

namespace {

/// Reads `count` decimal digits of `s` at `pos` into `out`; false when any
/// of them is missing or not a digit.
bool read_digits(std::string_view s, std::size_t pos, std::size_t count, int& out) {
    if (pos + count > s.size()) return false;
    out = 0;
    for (std::size_t i = pos; i < pos + count; ++i) {
        if (s[i] < '0' || s[i] > '9') return false;
        out = out * 10 + (s[i] - '0');
    }
    return true;
}

/// Reads the "YYYY-MM-DDThh:mm:ss" head of an ISO time into `tm`.
bool read_date_time(std::string_view s, std::tm& tm) {
    if (s.size() < 19 || s[4] != '-' || s[7] != '-' || s[10] != 'T' || s[13] != ':' ||
        s[16] != ':')
        return false;
    return read_digits(s, 0, 4, tm.tm_year) && read_digits(s, 5, 2, tm.tm_mon) &&
           read_digits(s, 8, 2, tm.tm_mday) && read_digits(s, 11, 2, tm.tm_hour) &&
           read_digits(s, 14, 2, tm.tm_min) && read_digits(s, 17, 2, tm.tm_sec);
}

/// Reads the optional ".f" fraction and the final "Z" after the seconds;
/// the fraction (1 to 9 digits) is cut to milliseconds.
bool read_fraction_and_zone(std::string_view rest, int& ms) {
    ms = 0;
    if (!rest.empty() && rest[0] == '.') {
        std::size_t digits = 1;
        while (digits < rest.size() && rest[digits] >= '0' && rest[digits] <= '9') ++digits;
        const std::size_t count = digits - 1;
        if (count == 0 || count > 9) return false;
        int head = 0;
        read_digits(rest, 1, std::min<std::size_t>(count, 3), head);
        for (std::size_t i = count; i < 3; ++i) head *= 10;  // ".4" is 400 ms
        ms = head;
        rest.remove_prefix(digits);
    }
    return rest == "Z";
}

/// Seconds since the epoch of a broken-down UTC time, or nullopt when the
/// fields name no real instant: timegm() would quietly turn "02-30" into
/// March, so the result is converted back and compared.
std::optional<long long> seconds_from_utc(std::tm tm) {
    const std::tm given = tm;
    tm.tm_isdst = 0;
    const std::time_t secs = timegm(&tm);
    std::tm back{};
    if (!gmtime_r(&secs, &back)) return std::nullopt;
    const bool same = back.tm_year == given.tm_year && back.tm_mon == given.tm_mon &&
                      back.tm_mday == given.tm_mday && back.tm_hour == given.tm_hour &&
                      back.tm_min == given.tm_min && back.tm_sec == given.tm_sec;
    if (!same) return std::nullopt;
    return static_cast<long long>(secs);
}

/// Splits milliseconds since the epoch into whole seconds and the
/// millisecond remainder, rounding towards the past (also before 1970).
std::pair<std::time_t, int> split_ms(long long ms) {
    long long secs = ms / 1000;
    long long rem = ms % 1000;
    if (rem < 0) {
        rem += 1000;
        secs -= 1;
    }
    return {static_cast<std::time_t>(secs), static_cast<int>(rem)};
}

/// "<strftime of tm with format>.mmm<suffix>".
std::string render_tm(const std::tm& tm, const char* format, int ms, std::string_view suffix) {
    char head[64];
    const std::size_t n = std::strftime(head, sizeof head, format, &tm);
    char tail[8];
    std::snprintf(tail, sizeof tail, ".%03d", ms);
    return std::string(head, n) + tail + std::string(suffix);
}

}  // namespace

long long now_ms() {
    using namespace std::chrono;
    return duration_cast<milliseconds>(system_clock::now().time_since_epoch()).count();
}

std::string utc_now_iso() {
    return iso_utc_from_ms(now_ms());
}

std::optional<int> ms_from_fraction_and_zone(std::string_view rest) {
    int ms = 0;
    if (!read_fraction_and_zone(rest, ms)) return std::nullopt;
    return ms;
}

std::optional<long long> ms_from_iso_utc(std::string_view iso_utc) {
    std::tm tm{};
    int ms = 0;
    if (!read_date_time(iso_utc, tm) || !read_fraction_and_zone(iso_utc.substr(19), ms))
        return std::nullopt;
    tm.tm_year -= 1900;
    tm.tm_mon -= 1;
    const auto secs = seconds_from_utc(tm);
    if (!secs) return std::nullopt;
    return *secs * 1000 + ms;
}

std::string local_time_from_ms(long long ms_since_epoch) {
    const auto [secs, ms] = split_ms(ms_since_epoch);
    std::tm tm{};
    if (!localtime_r(&secs, &tm)) return {};
    return render_tm(tm, "%Y-%m-%d %H:%M:%S", ms, "");
}

std::string local_time_ms(std::string_view iso_utc) {
    const auto ms = ms_from_iso_utc(iso_utc);
    if (!ms) return sanitize(iso_utc);
    return local_time_from_ms(*ms);
}

std::string iso_utc_from_ms(long long ms_since_epoch) {
    const auto [secs, ms] = split_ms(ms_since_epoch);
    // Every event is stamped with this: digits written directly cost about
    // a tenth of gmtime_r + strftime + snprintf. Days to a civil date as in
    // H. Hinnant's days_from_civil inverse (proleptic Gregorian, UTC).
    long long days = secs / 86400, sod = secs % 86400;
    if (sod < 0) {
        sod += 86400;
        days -= 1;
    }
    const long long z = days + 719468;
    const long long era = (z >= 0 ? z : z - 146096) / 146097;
    const long long doe = z - era * 146097;
    const long long yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    const long long doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    const long long mp = (5 * doy + 2) / 153;
    const long long day = doy - (153 * mp + 2) / 5 + 1;
    const long long month = mp < 10 ? mp + 3 : mp - 9;
    const long long year = yoe + era * 400 + (month <= 2 ? 1 : 0);
    if (year < 0 || year > 9999) {  // strftime's %Y then has another width
        std::tm tm{};
        if (!gmtime_r(&secs, &tm)) return {};
        return render_tm(tm, "%Y-%m-%dT%H:%M:%S", ms, "Z");
    }
    char out[] = "0000-00-00T00:00:00.000Z";
    const auto put = [&out](std::size_t at, long long value, int width) {
        for (int i = width - 1; i >= 0; --i, value /= 10) out[at + static_cast<std::size_t>(i)] = char('0' + value % 10);
    };
    put(0, year, 4);
    put(5, month, 2);
    put(8, day, 2);
    put(11, sod / 3600, 2);
    put(14, sod / 60 % 60, 2);
    put(17, sod % 60, 2);
    put(20, ms, 3);
    return std::string(out, sizeof out - 1);
}

std::optional<long long> ms_from_rfc3339(std::string_view text) {
    if (text.size() < 20 || text.size() > 40) return std::nullopt;
    std::string t(text);
    if (t[10] == 't' || t[10] == ' ') t[10] = 'T';
    if (t.back() == 'z') t.back() = 'Z';
    long long offset_ms = 0;
    const std::size_t zone = t.size() - 6;
    if (t.back() != 'Z' && (t[zone] == '+' || t[zone] == '-') && t[zone + 3] == ':') {
        auto digit = [&](std::size_t i) { return t[i] >= '0' && t[i] <= '9' ? t[i] - '0' : -100; };
        const int hh = digit(zone + 1) * 10 + digit(zone + 2), mm = digit(zone + 4) * 10 + digit(zone + 5);
        if (hh < 0 || hh > 23 || mm < 0 || mm > 59) return std::nullopt;
        offset_ms = (hh * 60LL + mm) * 60 * 1000 * (t[zone] == '+' ? 1 : -1);
        t.replace(zone, 6, "Z");
    }
    auto ms = ms_from_iso_utc(t);
    if (!ms) return std::nullopt;
    return *ms - offset_ms;
}

std::tm local_tm_from_ms(long long ms_since_epoch) {
    const std::time_t secs = split_ms(ms_since_epoch).first;
    std::tm tm{};
    localtime_r(&secs, &tm);
    return tm;
}

}  // namespace vme
