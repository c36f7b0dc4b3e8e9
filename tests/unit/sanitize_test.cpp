// The terminal sanitizer, the strict UTF-8 check and display width (common/sanitize.h).
#include <doctest/doctest.h>

#include <random>
#include <string>

#include "common/sanitize.h"

using namespace std::string_literals;

namespace {

/// The sanitizer's promise: nothing a terminal would act on survives.
bool is_terminal_safe(const std::string& s) {
    if (!vme::is_valid_utf8(s)) return false;
    for (std::size_t i = 0; i < s.size(); ++i) {
        const auto b = static_cast<unsigned char>(s[i]);
        if (b < 0x20 || b == 0x7F) return false;
        const bool c1 = b == 0xC2 && i + 1 < s.size() &&
                        static_cast<unsigned char>(s[i + 1]) >= 0x80 &&
                        static_cast<unsigned char>(s[i + 1]) <= 0x9F;
        if (c1) return false;
    }
    return true;
}

}  // namespace

TEST_SUITE("sanitize") {

TEST_CASE("printable text, UTF-8 included, is kept") {
    CHECK(vme::sanitize("web-01") == "web-01");
    CHECK(vme::sanitize("\xc3\xbc" "n\xc3\xaf") == "\xc3\xbc" "n\xc3\xaf");
    CHECK(vme::sanitize("\xe6\x97\xa5\xe6\x9c\xac") == "\xe6\x97\xa5\xe6\x9c\xac");
    CHECK(vme::sanitize("\xf0\x9f\x98\x80 ok") == "\xf0\x9f\x98\x80 ok");
    CHECK(vme::sanitize("") == "");
    CHECK(vme::sanitize("\xc2\xa0") == "\xc2\xa0");  // U+00A0 is not a C1 control
}

TEST_CASE("escape sequences become visible") {
    CHECK(vme::sanitize("\x1b[2J") == "\\x1b[2J");
    CHECK(vme::sanitize("\x1b]52;c;ZXZpbA==\x07") == "\\x1b]52;c;ZXZpbA==\\x07");  // OSC 52
    CHECK(vme::sanitize("bell\x07") == "bell\\x07");
    CHECK(vme::sanitize("a\rb") == "a\\rb");
    CHECK(vme::sanitize("a\nb") == "a\\nb");
    CHECK(vme::sanitize("a\tb") == "a\\tb");
    CHECK(vme::sanitize("nul\0"s) == "nul\\x00");
    CHECK(vme::sanitize("\x7f") == "\\x7f");
    CHECK(vme::sanitize("\x1f") == "\\x1f");
}

TEST_CASE("C1 controls and bidi controls are shown as \\u escapes") {
    CHECK(vme::sanitize("\xc2\x9b" "2J") == "\\u009b2J");  // U+009B CSI
    CHECK(vme::sanitize("\xc2\x80") == "\\u0080");
    CHECK(vme::sanitize("\xc2\x9f") == "\\u009f");
    CHECK(vme::sanitize("abc\xe2\x80\xae" "def") == "abc\\u202edef");  // U+202E RLO
    CHECK(vme::sanitize("\xd8\x9c") == "\\u061c");                     // U+061C ALM
    CHECK(vme::sanitize("\xe2\x80\x8e\xe2\x80\x8f") == "\\u200e\\u200f");
    CHECK(vme::sanitize("\xe2\x80\xaa") == "\\u202a");
    CHECK(vme::sanitize("\xe2\x81\xa6\xe2\x81\xa9") == "\\u2066\\u2069");
    CHECK(vme::sanitize("\xe2\x80\xaf") == "\xe2\x80\xaf");  // U+202F is a space, kept
}

TEST_CASE("invalid UTF-8 bytes become \\xNN, one by one") {
    CHECK(vme::sanitize("\xff") == "\\xff");
    CHECK(vme::sanitize("a\x80" "b") == "a\\x80b");
    CHECK(vme::sanitize("\xc0\xaf") == "\\xc0\\xaf");
    CHECK(vme::sanitize("\xe2\x82" "a") == "\\xe2\\x82a");
    CHECK(vme::sanitize("\xed\xa0\x80") == "\\xed\\xa0\\x80");
    CHECK(vme::sanitize("\xc2") == "\\xc2");
}

TEST_CASE("backslash is doubled so escapes cannot be faked") {
    CHECK(vme::sanitize("\\") == "\\\\");
    CHECK(vme::sanitize("\\x1b") == "\\\\x1b");
    CHECK(vme::sanitize("\\x1b") != vme::sanitize("\x1b"));
}

TEST_CASE("property: sanitized output is always terminal safe") {
    std::mt19937 rng(7);
    std::uniform_int_distribution<int> length(0, 64);
    std::uniform_int_distribution<int> byte(0, 255);
    int unsafe = 0;
    for (int i = 0; i < 10000; ++i) {
        std::string raw;
        for (int n = length(rng); n > 0; --n) raw += static_cast<char>(byte(rng));
        if (i % 3 == 0) raw += "\xc2\x9b\x1b[31m\xe2\x80\xae";
        if (!is_terminal_safe(vme::sanitize(raw))) ++unsafe;
    }
    CHECK(unsafe == 0);
}

TEST_CASE("is_valid_utf8 is strict") {
    CHECK(vme::is_valid_utf8(""));
    CHECK(vme::is_valid_utf8("ascii"));
    CHECK(vme::is_valid_utf8("\xc3\xbc\xe6\x97\xa5\xf0\x9f\x98\x80"));
    CHECK(vme::is_valid_utf8("\xf4\x8f\xbf\xbf"));  // U+10FFFF
    CHECK(vme::is_valid_utf8("\xef\xbf\xbe"));       // noncharacters are valid UTF-8
    CHECK(vme::is_valid_utf8("nul\0"s));
    CHECK_FALSE(vme::is_valid_utf8("\xc0\xaf"));          // overlong
    CHECK_FALSE(vme::is_valid_utf8("\xc1\xbf"));          // overlong
    CHECK_FALSE(vme::is_valid_utf8("\xe0\x9f\xbf"));      // overlong 3-byte
    CHECK_FALSE(vme::is_valid_utf8("\xf0\x8f\xbf\xbf"));  // overlong 4-byte
    CHECK_FALSE(vme::is_valid_utf8("\xed\xa0\x80"));      // surrogate
    CHECK_FALSE(vme::is_valid_utf8("\xed\xbf\xbf"));      // surrogate
    CHECK_FALSE(vme::is_valid_utf8("\xf4\x90\x80\x80"));  // > U+10FFFF
    CHECK_FALSE(vme::is_valid_utf8("\xf5\x80\x80\x80"));
    CHECK_FALSE(vme::is_valid_utf8("\xff"));
    CHECK_FALSE(vme::is_valid_utf8("\x80"));
    CHECK_FALSE(vme::is_valid_utf8("\xe2\x82"));          // truncated
    CHECK_FALSE(vme::is_valid_utf8("\xe2\x82" "a"));
    CHECK_FALSE(vme::is_valid_utf8("a\xc3"));
}

TEST_CASE("decode_utf8 reports code point and length") {
    const std::string s = "a\xc3\xbc\xe6\x97\xa5\xf0\x9f\x98\x80\xff";
    CHECK(vme::decode_utf8(s, 0).code_point == U'a');
    CHECK(vme::decode_utf8(s, 0).length == 1);
    CHECK(vme::decode_utf8(s, 1).code_point == 0xFC);
    CHECK(vme::decode_utf8(s, 1).length == 2);
    CHECK(vme::decode_utf8(s, 3).code_point == 0x65E5);
    CHECK(vme::decode_utf8(s, 3).length == 3);
    CHECK(vme::decode_utf8(s, 6).code_point == 0x1F600);
    CHECK(vme::decode_utf8(s, 6).length == 4);
    CHECK(vme::decode_utf8(s, 10).length == 0);
    CHECK(vme::decode_utf8(s, 2).length == 0);  // a continuation byte
}

TEST_CASE("display_width") {
    CHECK(vme::display_width("") == 0);
    CHECK(vme::display_width("web-01") == 6);
    CHECK(vme::display_width("\xc3\xbc" "n\xc3\xaf") == 3);
    CHECK(vme::display_width("\xe6\x97\xa5\xe6\x9c\xac\xe8\xaa\x9e") == 6);  // 3 CJK
    CHECK(vme::display_width("\xea\xb0\x80") == 2);                        // Hangul
    CHECK(vme::display_width("e\xcc\x81") == 1);                           // e + combining acute
    CHECK(vme::display_width("\xef\xbc\xa1") == 2);                        // fullwidth A
    CHECK(vme::display_width("\xf0\x9f\x98\x80") == 2);                    // emoji
    CHECK(vme::display_width("\xe2\x80\x8b") == 0);                        // zero-width space
}


TEST_CASE("is_ascii: true only when no byte has the high bit set") {
    CHECK(vme::is_ascii(""));
    CHECK(vme::is_ascii(std::string("tab\tnul\0del\x7f", 12)));
    CHECK_FALSE(vme::is_ascii("caf\xc3\xa9"));
    CHECK_FALSE(vme::is_ascii("\x80"));
    CHECK_FALSE(vme::is_ascii(std::string(1000, 'a') + "\xff"));
    // The high byte at every position of an 8-byte word and of the tail.
    for (std::size_t at = 0; at < 19; ++at) {
        std::string text(19, 'x');
        text[at] = '\x80';
        CAPTURE(at);
        CHECK_FALSE(vme::is_ascii(text));
    }
    CHECK(vme::is_ascii(std::string(19, '\x7f')));
}

}  // TEST_SUITE
