// Tests of common/hex.h and common/percent.h: the digit tables, round trips
// and the edges of decoding.
#include <doctest/doctest.h>

#include <string>

#include "common/hex.h"
#include "common/percent.h"

using namespace vme;

namespace {

bool keep_none(unsigned char) { return false; }
bool keep_alnum(unsigned char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9'); }

/// Every byte value once, 0x00 to 0xFF.
std::string all_bytes() {
    std::string s;
    for (int b = 0; b < 256; ++b) s += static_cast<char>(b);
    return s;
}

}  // namespace

TEST_SUITE("hex") {
    TEST_CASE("the tables and a digit's value agree, in both cases") {
        for (int i = 0; i < 16; ++i) {
            CHECK(hex::value(hex::kLower[static_cast<std::size_t>(i)]) == i);
            CHECK(hex::value(hex::kUpper[static_cast<std::size_t>(i)]) == i);
        }
        for (const char ch : {'g', 'G', ' ', '/', ':', '@', '`', '\0', '\xff'}) {
            CAPTURE(ch);
            CHECK(hex::value(ch) == -1);
        }
    }

    TEST_CASE("append writes the low digits, the most significant first") {
        std::string out;
        hex::append_byte(out, 0x00);
        hex::append_byte(out, 0xE9);
        hex::append_byte(out, 0xFF, hex::Case::kUpper);
        CHECK(out == "00e9FF");
        out.clear();
        hex::append(out, 0x202E, 4);
        CHECK(out == "202e");
        out.clear();
        hex::append(out, 0x12345, 4, hex::Case::kUpper);
        CHECK(out == "2345");
    }
}

TEST_SUITE("percent") {
    TEST_CASE("every byte encodes as %XX and decodes back") {
        const std::string bytes = all_bytes();
        const std::string encoded = percent_encode(bytes, keep_none);
        CHECK(encoded.size() == 3 * 256);
        CHECK(encoded.substr(0, 9) == "%00%01%02");
        CHECK(encoded.substr(3 * 255) == "%FF");
        CHECK(percent_decode(encoded) == bytes);
        std::string appended = "x";
        append_percent_encoded(appended, bytes);
        CHECK(appended == "x" + encoded);
    }

    TEST_CASE("kept bytes stay, the marker may be another character") {
        CHECK(percent_encode("a b/c", keep_alnum) == "a%20b%2Fc");
        CHECK(percent_encode("a b", keep_alnum, '_') == "a_20b");
        CHECK(percent_encode("", keep_none).empty());
        CHECK(percent_decode(percent_encode("caf\xc3\xa9 50%", keep_alnum)) == "caf\xc3\xa9 50%");
    }

    TEST_CASE("decoding takes either case and copies other bytes") {
        CHECK(percent_decode("%2f%2F") == "//");
        CHECK(percent_decode("plain") == "plain");
        CHECK(percent_decode("").value().empty());
        CHECK(percent_decode("%00") == std::string(1, '\0'));
    }

    TEST_CASE("a '%' without two hex digits is refused") {
        for (const char* bad : {"%", "%2", "a%", "%G0", "%0G", "%%", "ab%2", "% 20"}) {
            CAPTURE(bad);
            CHECK_FALSE(percent_decode(bad).has_value());
        }
    }
}
