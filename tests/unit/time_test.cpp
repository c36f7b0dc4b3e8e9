// Tests of common/time.h: the wall clock, RFC 3339 "...Z" text to and from
// milliseconds, and the local renderings.
#include <doctest/doctest.h>

#include <cstdio>
#include <ctime>
#include <string>

#include "common/sanitize.h"
#include "common/time.h"
#include "scoped_tz.h"

using namespace vme;
using vme::test::ScopedTz;

TEST_SUITE("time") {
    TEST_CASE("iso_utc_from_ms renders UTC with milliseconds") {
        CHECK(iso_utc_from_ms(0) == "1970-01-01T00:00:00.000Z");
        CHECK(iso_utc_from_ms(1795659684457LL) == "2026-11-26T02:21:24.457Z");
        CHECK(iso_utc_from_ms(1795659684007LL) == "2026-11-26T02:21:24.007Z");
        CHECK(iso_utc_from_ms(-1) == "1969-12-31T23:59:59.999Z");
        CHECK(iso_utc_from_ms(951782400000LL) == "2000-02-29T00:00:00.000Z");
        CHECK(iso_utc_from_ms(253402300799999LL) == "9999-12-31T23:59:59.999Z");
    }

    TEST_CASE("iso_utc_from_ms agrees with gmtime_r and strftime") {
        // Every day of 1600-2400 (leap rules of 1600, 1700, 2000, 2100),
        // each at a different time of day and millisecond.
        long long ms = -11676096000000LL;  // 1600-01-01T00:00:00Z
        for (int day = 0; day < 292194; ++day) {
            const long long t = ms + (day * 7919LL % 86400) * 1000 + day % 1000;
            const std::time_t secs = static_cast<std::time_t>(t / 1000 - (t % 1000 < 0 ? 1 : 0));
            std::tm tm{};
            REQUIRE(gmtime_r(&secs, &tm) != nullptr);
            char want[40];
            const std::size_t n = std::strftime(want, sizeof want, "%Y-%m-%dT%H:%M:%S", &tm);
            char frac[8];
            std::snprintf(frac, sizeof frac, ".%03dZ", static_cast<int>(((t % 1000) + 1000) % 1000));
            const std::string expected = std::string(want, n) + frac;
            if (iso_utc_from_ms(t) != expected) {
                CHECK(iso_utc_from_ms(t) == expected);
                break;
            }
            ms += 86400000LL;
        }
    }

    TEST_CASE("ms_from_iso_utc parses what iso_utc_from_ms writes, and more") {
        CHECK(ms_from_iso_utc("2026-11-26T02:21:24.457Z") == 1795659684457LL);
        CHECK(ms_from_iso_utc("2026-11-26T02:21:24Z") == 1795659684000LL);
        CHECK(ms_from_iso_utc("2026-11-26T02:21:24.4Z") == 1795659684400LL);
        CHECK(ms_from_iso_utc("2026-11-26T02:21:24.457999999Z") == 1795659684457LL);
        CHECK(ms_from_iso_utc("2024-02-29T00:00:00Z").has_value());
        for (long long ms : {0LL, 1LL, 999LL, 1795659684457LL, 4102444799999LL})
            CHECK(ms_from_iso_utc(iso_utc_from_ms(ms)) == ms);
    }

    TEST_CASE("ms_from_iso_utc refuses anything else") {
        for (const char* bad : {"", "garbage", "2026-11-26T02:21:24.457", "2026-11-26 02:21:24.457Z",
                                "2026-11-26T02:21:24.Z", "2026-11-26T02:21:24.4570000001Z",
                                "2026-02-30T00:00:00Z", "2026-13-01T00:00:00Z", "2026-11-26T24:00:00Z",
                                "2026-11-26T02:60:00Z", "2026-11-26T02:21:24.457Zx", "+026-11-26T02:21:24Z",
                                "2026-11-26T02:21:2xZ"}) {
            CAPTURE(bad);
            CHECK_FALSE(ms_from_iso_utc(bad).has_value());
        }
    }

    TEST_CASE("local_time_ms converts to the zone in TZ") {
        {
            ScopedTz tz("UTC");
            CHECK(local_time_ms("2026-11-26T02:21:24.457Z") == "2026-11-26 02:21:24.457");
            CHECK(local_time_ms("2026-11-26T02:21:24Z") == "2026-11-26 02:21:24.000");
            CHECK(local_time_ms("2026-12-31T23:59:59.999Z") == "2026-12-31 23:59:59.999");
        }
        {
            ScopedTz tz("CET-1CEST,M3.5.0,M10.5.0/3");
            CHECK(local_time_ms("2026-11-26T02:21:24.457Z") == "2026-11-26 03:21:24.457");
            CHECK(local_time_ms("2026-07-01T23:30:00.001Z") == "2026-07-02 01:30:00.001");
        }
    }

    TEST_CASE("local_time_ms returns an unparsable input sanitized") {
        CHECK(local_time_ms("yesterday") == "yesterday");
        const std::string hostile = "soon\x1b[2J\n\xff";
        const std::string shown = local_time_ms(hostile);
        CHECK(shown == sanitize(hostile));
        CHECK(shown.find('\x1b') == std::string::npos);
        CHECK(shown.find("\\x1b[2J") != std::string::npos);
    }

    TEST_CASE("now_ms and utc_now_iso give the current time") {
        const long long before = now_ms();
        const std::string iso = utc_now_iso();
        const long long after = now_ms();
        CHECK(before <= after);
        CHECK(before > 1767225600000LL);  // after 2026-01-01
        REQUIRE(iso.size() == 24);
        const auto parsed = ms_from_iso_utc(iso);
        REQUIRE(parsed.has_value());
        CHECK(before <= *parsed);
        CHECK(*parsed <= after);
    }

    TEST_CASE("local_time_from_ms") {
        ScopedTz tz("UTC");
        CHECK(local_time_from_ms(1795659684457LL) == "2026-11-26 02:21:24.457");
        CHECK(local_time_from_ms(-1) == "1969-12-31 23:59:59.999");
    }

    TEST_CASE("ms_from_fraction_and_zone reads what follows the seconds") {
        CHECK(ms_from_fraction_and_zone("Z") == 0);
        CHECK(ms_from_fraction_and_zone(".4Z") == 400);
        CHECK(ms_from_fraction_and_zone(".457Z") == 457);
        CHECK(ms_from_fraction_and_zone(".007Z") == 7);
        CHECK(ms_from_fraction_and_zone(".999999999Z") == 999);
        for (const char* bad : {"", ".Z", ".4570000001Z", ".457", ".457z", "Zx", ".4a7Z", "+01:00"}) {
            CAPTURE(bad);
            CHECK_FALSE(ms_from_fraction_and_zone(bad).has_value());
        }
    }

    TEST_CASE("ms_from_rfc3339 takes any zone and the lower-case and space forms") {
        const long long at = *ms_from_iso_utc("2026-11-29T10:00:00Z");
        CHECK(ms_from_rfc3339("2026-11-29T10:00:00Z") == at);
        CHECK(ms_from_rfc3339("2026-11-29t10:00:00z") == at);
        CHECK(ms_from_rfc3339("2026-11-29 10:00:00Z") == at);
        CHECK(ms_from_rfc3339("2026-11-29T11:30:00+01:30") == at);
        CHECK(ms_from_rfc3339("2026-11-29T05:00:00-05:00") == at);
        CHECK(ms_from_rfc3339("2026-11-29T10:00:00.250+00:00") == at + 250);
        for (const char* bad : {"", "2026-11-29T10:00:00", "2026-11-29T10:00:00+24:00", "2026-11-29T10:00:00+01:60",
                                "2026-11-29T10:00:00+0100", "2026-11-29X10:00:00Z",
                                "2026-11-29T10:00:00.0000000000000000000000Z"}) {
            CAPTURE(bad);
            CHECK_FALSE(ms_from_rfc3339(bad).has_value());
        }
    }

    TEST_CASE("every millisecond rendering parses back, before and after 1970") {
        for (long long ms = -86400000LL * 400; ms < 86400000LL * 400; ms += 86400000LL + 3600007LL) {
            CAPTURE(ms);
            const std::string iso = iso_utc_from_ms(ms);
            CHECK(ms_from_iso_utc(iso) == ms);
            CHECK(ms_from_rfc3339(iso) == ms);
        }
    }

    TEST_CASE("local_tm_from_ms is the local second that holds the time") {
        ScopedTz tz("CET-1CEST,M3.5.0,M10.5.0/3");
        const std::tm tm = local_tm_from_ms(1795659684999LL);  // 2026-11-26T02:21:24.999Z
        CHECK(tm.tm_year == 126);
        CHECK(tm.tm_mon == 10);
        CHECK(tm.tm_mday == 26);
        CHECK(tm.tm_hour == 3);
        CHECK(tm.tm_min == 21);
        CHECK(tm.tm_sec == 24);
        const std::tm before = local_tm_from_ms(-1);  // 1969-12-31T23:59:59.999Z
        CHECK(before.tm_year == 70);
        CHECK(before.tm_hour == 0);
        CHECK(before.tm_sec == 59);
    }
}
