// Topic segment escaping, topic building and parsing (common/topic.h).
#include <doctest/doctest.h>

#include <random>
#include <string>
#include <vector>

#include "common/sanitize.h"
#include "common/topic.h"

using namespace std::string_literals;

namespace {

/// True when `escaped` holds nothing a broker could refuse or read as
/// structure: no '/', '+', '#', no C0/DEL/C1, no noncharacter, valid UTF-8.
bool is_clean_segment(const std::string& escaped) {
    if (!vme::is_valid_utf8(escaped)) return false;
    if (escaped.find_first_of("/+#") != std::string::npos) return false;
    for (std::size_t pos = 0; pos < escaped.size();) {
        const auto c = vme::decode_utf8(escaped, pos);
        const char32_t cp = c.code_point;
        if (cp < 0x20 || (cp >= 0x7F && cp <= 0x9F)) return false;
        if ((cp >= 0xFDD0 && cp <= 0xFDEF) || (cp & 0xFFFE) == 0xFFFE) return false;
        pos += c.length;
    }
    return true;
}

/// Escapes, checks the result is clean, unescapes and compares.
void check_round_trip(const std::string& raw) {
    const std::string escaped = vme::escape_segment(raw);
    CHECK(is_clean_segment(escaped));
    const auto back = vme::unescape_segment(escaped);
    REQUIRE(back.ok());
    CHECK(*back == raw);
}

/// The adversarial names of the brief, one per line of the table.
std::vector<std::string> adversarial_names() {
    return {
        "x+y#z", "a/b", "/", "//lead", "100%", "%2F", "%", "%%", "line\nbreak", "tab\there",
        "cr\rhere", "esc\x1b[2J", "del\x7f", "\xc2\x9b" "csi", "rtl\xe2\x80\xaeol",
        "\xef\xbf\xbe", "\xef\xb7\x90", "\xef\xb7\xaf", "\xf0\x9f\xbf\xbf", "\xf4\x8f\xbf\xbf",
        "\xff", "\x80", "\xe2\x82", "\xe2\x82" "a", "\xf0\x9f\x98", "\xc0\xaf", "\xed\xa0\x80",
        "\xf4\x90\x80\x80", "$SYS", "$vm", std::string(250, 'a'), std::string(250, '/'),
        "\xc3\xbc" "n\xc3\xaf", "\xe6\x97\xa5\xe6\x9c\xac\xe8\xaa\x9e", "\xf0\x9f\x98\x80",
        "with space", "nul\0byte"s, ""};
}

}  // namespace

TEST_SUITE("topic") {

TEST_CASE("escape_segment keeps readable names unchanged") {
    CHECK(vme::escape_segment("web-01") == "web-01");
    CHECK(vme::escape_segment("\xc3\xbc" "n\xc3\xaf") == "\xc3\xbc" "n\xc3\xaf");  // "ünï"
    CHECK(vme::escape_segment("\xe6\x97\xa5\xe6\x9c\xac") == "\xe6\x97\xa5\xe6\x9c\xac");
    CHECK(vme::escape_segment("with space") == "with space");
    CHECK(vme::escape_segment("$vm") == "$vm");
    CHECK(vme::escape_segment("a.b_c~d") == "a.b_c~d");
    CHECK(vme::escape_segment("") == "");
}

TEST_CASE("escape_segment exact forms") {
    CHECK(vme::escape_segment("x+y#z") == "x%2By%23z");
    CHECK(vme::escape_segment("a/b") == "a%2Fb");
    CHECK(vme::escape_segment("%2F") == "%252F");
    CHECK(vme::escape_segment("100%") == "100%25");
    CHECK(vme::escape_segment("a\nb") == "a%0Ab");
    CHECK(vme::escape_segment("\t\r") == "%09%0D");
    CHECK(vme::escape_segment("\x1b[2J") == "%1B[2J");
    CHECK(vme::escape_segment("\x7f") == "%7F");
    CHECK(vme::escape_segment("nul\0"s) == "nul%00");
    CHECK(vme::escape_segment("\xc2\x9b") == "%C2%9B");          // U+009B, C1 CSI
    CHECK(vme::escape_segment("\xc2\x80\xc2\x9f") == "%C2%80%C2%9F");
    CHECK(vme::escape_segment("\xc2\xa0") == "\xc2\xa0");        // U+00A0 is not C1
    CHECK(vme::escape_segment("\xef\xbf\xbe") == "%EF%BF%BE");    // U+FFFE
    CHECK(vme::escape_segment("\xef\xbf\xbf") == "%EF%BF%BF");    // U+FFFF
    CHECK(vme::escape_segment("\xef\xb7\x90") == "%EF%B7%90");    // U+FDD0
    CHECK(vme::escape_segment("\xef\xb7\xaf") == "%EF%B7%AF");    // U+FDEF
    CHECK(vme::escape_segment("\xef\xb7\xb0") == "\xef\xb7\xb0"); // U+FDF0 is a character
    CHECK(vme::escape_segment("\xf0\x9f\xbf\xbe") == "%F0%9F%BF%BE");  // U+1FFFE
    CHECK(vme::escape_segment("\xf4\x8f\xbf\xbf") == "%F4%8F%BF%BF");  // U+10FFFF
    CHECK(vme::escape_segment("\xe2\x80\xae") == "\xe2\x80\xae");  // U+202E: printable for a broker
}

TEST_CASE("escape_segment encodes invalid UTF-8 byte by byte") {
    CHECK(vme::escape_segment("\xff") == "%FF");
    CHECK(vme::escape_segment("a\x80" "b") == "a%80b");
    CHECK(vme::escape_segment("\xe2\x82") == "%E2%82");          // truncated 3-byte
    CHECK(vme::escape_segment("\xe2\x82" "a") == "%E2%82a");
    CHECK(vme::escape_segment("\xf0\x9f\x98") == "%F0%9F%98");   // truncated 4-byte
    CHECK(vme::escape_segment("\xc0\xaf") == "%C0%AF");          // overlong '/'
    CHECK(vme::escape_segment("\xe0\x80\xaf") == "%E0%80%AF");   // overlong, 3 bytes
    CHECK(vme::escape_segment("\xed\xa0\x80") == "%ED%A0%80");   // surrogate U+D800
    CHECK(vme::escape_segment("\xf4\x90\x80\x80") == "%F4%90%80%80");  // > U+10FFFF
    CHECK(vme::escape_segment("\xc3") == "%C3");
    CHECK(vme::escape_segment("\xc3\xbc\xff\xc3\xbc") == "\xc3\xbc%FF\xc3\xbc");
}

TEST_CASE("escape/unescape round trip over adversarial names") {
    for (const auto& name : adversarial_names()) {
        CAPTURE(vme::sanitize(name));
        check_round_trip(name);
    }
}

TEST_CASE("250-character names stay 250 characters when harmless") {
    const std::string name(250, 'v');
    CHECK(vme::escape_segment(name) == name);
    CHECK(vme::escape_segment(std::string(250, '+')).size() == 750);
}

TEST_CASE("escape/unescape round trip over 10,000 pseudo-random byte strings") {
    std::mt19937 rng(20261126);  // fixed seed: the same strings on every run
    // Bytes biased towards the interesting ones (structure, controls, UTF-8 leads).
    const std::string interesting = "/+#%$\x00\x1b\x7f\x80\x9b\xbf\xc2\xc3\xe2\xed\xef\xf0\xf4\xff"s;
    std::uniform_int_distribution<int> length(0, 40);
    std::uniform_int_distribution<int> byte(0, 255);
    std::uniform_int_distribution<int> pick(0, static_cast<int>(interesting.size()) - 1);
    int failures = 0;
    for (int i = 0; i < 10000; ++i) {
        std::string raw;
        for (int n = length(rng); n > 0; --n)
            raw += byte(rng) < 96 ? interesting[pick(rng)] : static_cast<char>(byte(rng));
        const std::string escaped = vme::escape_segment(raw);
        const auto back = vme::unescape_segment(escaped);
        if (!is_clean_segment(escaped) || !back.ok() || *back != raw) ++failures;
    }
    CHECK(failures == 0);
}

TEST_CASE("unescape_segment accepts either hex case and refuses bad input") {
    CHECK(*vme::unescape_segment("a%2fb") == "a/b");
    CHECK(*vme::unescape_segment("a%2Fb") == "a/b");
    CHECK(*vme::unescape_segment("plain") == "plain");
    CHECK(*vme::unescape_segment("%00") == "\0"s);
    for (const char* bad : {"%", "%4", "a%G1", "%%", "50%", "a/b", "a+b", "a#b", "%2"}) {
        CAPTURE(bad);
        const auto result = vme::unescape_segment(bad);
        REQUIRE_FALSE(result.ok());
        CHECK_FALSE(result.error().message.empty());
    }
}

TEST_CASE("topic builders escape host and VM") {
    CHECK(vme::event_topic("libvirt", "hv1", "web1", "lifecycle") == "libvirt/hv1/web1/event/lifecycle");
    CHECK(vme::state_topic("libvirt", "hv1", "web1") == "libvirt/hv1/web1/state");
    CHECK(vme::status_topic("libvirt", "hv1") == "libvirt/hv1/status");
    CHECK(vme::inventory_topic("libvirt", "hv1") == "libvirt/hv1/inventory");
    CHECK(vme::qos_probe_topic("libvirt", "hv1") == "libvirt/hv1/qos-probe");
    CHECK(vme::qos_probe_topic("a/b", "h/1") == "a/b/h%2F1/qos-probe");
    CHECK(vme::event_topic("site/a", "h/1", "x+y#z", "rtc-change") ==
          "site/a/h%2F1/x%2By%23z/event/rtc-change");
    CHECK(vme::state_topic("p", "hv1", "a\nb") == "p/hv1/a%0Ab/state");
}

TEST_CASE("parse_topic recognises the four shapes") {
    auto event = vme::parse_topic("libvirt", "libvirt/hv1/web1/event/lifecycle");
    REQUIRE(event.ok());
    CHECK(event->type == vme::TopicType::Event);
    CHECK(event->host == "hv1");
    CHECK(event->vm == "web1");
    CHECK(event->kind == "lifecycle");

    auto state = vme::parse_topic("libvirt", "libvirt/hv1/web1/state");
    REQUIRE(state.ok());
    CHECK(state->type == vme::TopicType::State);
    CHECK(state->vm == "web1");
    CHECK(state->kind.empty());

    auto status = vme::parse_topic("libvirt", "libvirt/hv1/status");
    REQUIRE(status.ok());
    CHECK(status->type == vme::TopicType::Status);
    CHECK(status->host == "hv1");
    CHECK(status->vm.empty());

    auto inventory = vme::parse_topic("libvirt", "libvirt/hv1/inventory");
    REQUIRE(inventory.ok());
    CHECK(inventory->type == vme::TopicType::Inventory);
}

TEST_CASE("parse_topic round trips adversarial names under a multi-level prefix") {
    const std::string prefix = "site/a/libvirt";
    for (const auto& name : adversarial_names()) {
        if (name.empty()) continue;  // empty host/VM levels are refused (tested below)
        CAPTURE(vme::sanitize(name));
        auto event = vme::parse_topic(prefix, vme::event_topic(prefix, name, name, "lifecycle"));
        REQUIRE(event.ok());
        CHECK(event->host == name);
        CHECK(event->vm == name);
        auto state = vme::parse_topic(prefix, vme::state_topic(prefix, name, name));
        REQUIRE(state.ok());
        CHECK(state->type == vme::TopicType::State);
        CHECK(state->vm == name);
        auto status = vme::parse_topic(prefix, vme::status_topic(prefix, name));
        REQUIRE(status.ok());
        CHECK(status->host == name);
    }
}

TEST_CASE("parse_topic: VMs named like topic words keep their meaning") {
    auto state = vme::parse_topic("libvirt", vme::state_topic("libvirt", "hv1", "status"));
    REQUIRE(state.ok());
    CHECK(state->type == vme::TopicType::State);
    CHECK(state->vm == "status");
    auto event = vme::parse_topic("libvirt", vme::event_topic("libvirt", "hv1", "event", "reboot"));
    REQUIRE(event.ok());
    CHECK(event->vm == "event");
    CHECK(event->kind == "reboot");
}

TEST_CASE("parse_topic refuses other shapes with a clear error") {
    const char* bad[] = {
        "libvirt",                                  // prefix only
        "libvirt/",                                 // nothing after the prefix
        "libvirt/hv1",                              // host only
        "libvirt/hv1/web1",                         // no type level
        "libvirt/hv1/web1/event",                   // event without kind
        "libvirt/hv1/web1/foo",                     // unknown type
        "libvirt/hv1/web1/event/lifecycle/extra",   // too deep
        "libvirt/hv1/web1/state/x",
        "libvirtx/hv1/status",                      // other prefix sharing the start
        "other/hv1/status",
        "libvirt//status",                          // empty host
        "libvirt/hv1//state",                       // empty VM
        "libvirt/h%ZZ/status",                      // bad escape
        "libvirt/hv1/w%2/state",
        "libvirt/hv1/web1/event/",                  // empty kind
    };
    for (const char* topic : bad) {
        CAPTURE(topic);
        const auto parts = vme::parse_topic("libvirt", topic);
        REQUIRE_FALSE(parts.ok());
        CHECK(parts.error().message.find("topic") != std::string::npos);
    }
}

TEST_CASE("parse_topic errors are safe to print") {
    const auto parts = vme::parse_topic("libvirt", "libvirt/\x1b[2J/x/y/z/w");
    REQUIRE_FALSE(parts.ok());
    CHECK(parts.error().message.find('\x1b') == std::string::npos);
    CHECK(parts.error().message.find("\\x1b[2J") != std::string::npos);
}

TEST_CASE("check_prefix") {
    for (const char* good : {"libvirt", "a/b/c", "\xc3\xbc" "n\xc3\xaf", "vm-events_1", "a%b"}) {
        CAPTURE(good);
        CHECK(vme::check_prefix(good).ok());
    }
    const std::string bad[] = {"", "/libvirt", "libvirt/", "/", "a+b", "a/#", "a\0b"s, "a\nb",
                               "a\x7f", "a\xc2\x9b", "\xff", "a\xef\xbf\xbe", "$SYS", "$x/y"};
    for (const auto& prefix : bad) {
        CAPTURE(vme::sanitize(prefix));
        const auto status = vme::check_prefix(prefix);
        REQUIRE_FALSE(status.ok());
        CHECK(status.error().message.find("prefix") != std::string::npos);
    }
}

}  // TEST_SUITE
