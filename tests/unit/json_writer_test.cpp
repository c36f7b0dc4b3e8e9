// Tests of common/json_writer: append_json_string writes exactly what
// nlohmann's serializer writes (ensure_ascii off, invalid UTF-8 replaced),
// for hand-picked strings and for pseudo-random ones.
#include <doctest/doctest.h>

#include <cstdint>
#include <string>

#include <nlohmann/json.hpp>

#include "common/json_writer.h"

namespace {

std::string by_nlohmann(const std::string& text) {
    return nlohmann::ordered_json(text).dump(-1, ' ', false, nlohmann::ordered_json::error_handler_t::replace);
}

std::string by_us(const std::string& text) {
    std::string out = "prefix:";
    vme::append_json_string(out, text);
    return out.substr(7);
}

}  // namespace

TEST_SUITE("json writer") {
    TEST_CASE("escapes as nlohmann does") {
        const std::string cases[] = {
            "",
            "plain",
            R"({"schema":"vm-events/1","seq":1,"domain":{"name":"web\"1"}})",
            "back\\slash",
            std::string("\x00\x01\x08\x09\x0a\x0b\x0c\x0d\x1b\x1f\x20\x7f", 12),
            "caf\xc3\xa9 \xe2\x80\xae \xf0\x9f\x98\x80 \xe4\xb8\xad",
            "bad \xff byte",
            "truncated \xe2\x80",
            "overlong \xc0\xaf",
            "surrogate \xed\xa0\x80",
            "above U+10FFFF \xf4\x90\x80\x80",
        };
        for (const auto& text : cases) {
            CAPTURE(text);
            CHECK(by_us(text) == by_nlohmann(text));
        }
    }

    TEST_CASE("pseudo-random strings, weighted towards the bytes that need care") {
        std::uint32_t state = 12345;
        auto next = [&state] {
            state = state * 1664525u + 1013904223u;
            return state >> 8;
        };
        const unsigned char interesting[] = {'"', '\\', 0x00, 0x0a, 0x1f, 0x7f, 0x80, 0xbf, 0xc2, 0xe2, 0xed, 0xf0, 0xf4, 0xff};
        int mismatches = 0;
        for (int n = 0; n < 20000; ++n) {
            std::string text;
            const auto length = next() % 24;
            for (std::uint32_t k = 0; k < length; ++k) {
                const auto r = next();
                text += static_cast<char>(r % 3 == 0 ? interesting[(r >> 4) % sizeof interesting]
                                                     : static_cast<unsigned char>(r >> 12));
            }
            if (by_us(text) != by_nlohmann(text)) ++mismatches;
        }
        CHECK(mismatches == 0);
    }
}
