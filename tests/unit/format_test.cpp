// Tests of the text renderings: the human lines (format.h), templates
// (template.h), terminal-safe JSON (terminal_json.h) and the classic
// sample's text line (classic_text.h).
#include <doctest/doctest.h>

#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "common/classic_text.h"
#include "common/decode.h"
#include "common/format.h"
#include "common/message.h"
#include "common/sanitize.h"
#include "common/template.h"
#include "common/terminal_json.h"
#include "common/time.h"
#include "scoped_tz.h"

using namespace vme;
using vme::test::ScopedTz;

namespace {

/// "Now" for the lines that show it: 2026-11-26T02:21:40.001Z.
constexpr long long kNow = 1795659700001LL;

Event make_event(std::string host, std::string vm, std::string kind, std::string event,
                 std::string detail, std::string text) {
    Event e;
    e.seq = 17;
    e.boot = "b00t";
    e.time = "2026-11-26T02:21:24.457Z";
    e.host = std::move(host);
    e.uri = "test:///default";
    e.domain.name = std::move(vm);
    e.domain.uuid = "6695eb01-f6a4-8304-79aa-97f2502e193f";
    e.domain.id = 3;
    e.kind = std::move(kind);
    e.event = std::move(event);
    e.detail = std::move(detail);
    e.text = std::move(text);
    return e;
}

Event lifecycle(std::string host, std::string vm, std::string event = "started",
                std::string text = "Started Booted") {
    return make_event(std::move(host), std::move(vm), "lifecycle", std::move(event), "booted",
                      std::move(text));
}

/// `line` without the SGR sequences ("ESC [ digits/; m") the formatter writes.
std::string strip_sgr(const std::string& line) {
    std::string out;
    for (std::size_t i = 0; i < line.size(); ++i) {
        if (line[i] == '\x1b' && i + 1 < line.size() && line[i + 1] == '[') {
            std::size_t j = i + 2;
            while (j < line.size() && (std::isdigit(static_cast<unsigned char>(line[j])) || line[j] == ';')) ++j;
            if (j < line.size() && line[j] == 'm') {
                i = j;
                continue;
            }
        }
        out += line[i];
    }
    return out;
}

/// True when every SGR that sets a colour is closed by "\x1b[0m" before the
/// next one opens, and the line ends with the reset.
bool balanced_sgr(const std::string& line) {
    bool open = false;
    for (std::size_t i = line.find("\x1b["); i != std::string::npos; i = line.find("\x1b[", i + 1)) {
        const bool reset = line.compare(i, 4, "\x1b[0m") == 0;
        if (reset == !open) return false;  // reset without colour, or colour over colour
        open = !reset;
    }
    return !open && line.ends_with("\x1b[0m");
}

/// True when `s` holds a C0 control, DEL, a C1 control or a bidi control
/// as raw bytes (ESC excluded when `allow_esc`).
bool has_raw_control(const std::string& s, bool allow_esc = false) {
    for (unsigned char c : s) {
        if (c == 0x1b && allow_esc) continue;
        if (c < 0x20 || c == 0x7f) return true;
    }
    return s.find("\xc2\x9b") != std::string::npos || s.find("\xc2\x85") != std::string::npos ||
           s.find("\xe2\x80\xae") != std::string::npos || s.find("\xe2\x81\xa6") != std::string::npos;
}

/// The byte offset of `needle` in `line` (ASCII lines: also the column).
std::size_t column_of(const std::string& line, const std::string& needle) {
    const auto pos = line.find(needle);
    REQUIRE(pos != std::string::npos);
    return pos;
}

}  // namespace

TEST_SUITE("format.human") {
    TEST_CASE("one event: the exact line") {
        ScopedTz tz("UTC");
        HumanFormatter f(HumanStyle{false});
        CHECK(f.event_line(lifecycle("hv1", "web1")) ==
              "2026-11-26 02:21:24.457  hv1  web1  lifecycle  Started Booted");
    }

    TEST_CASE("times of one second, of the next, and unparsable ones are each shown as local_time_ms does") {
        ScopedTz tz("Europe/Berlin");
        HumanFormatter f(HumanStyle{false});
        const std::vector<std::string> times = {
            "2026-11-26T02:21:24.457Z", "2026-11-26T02:21:24.001Z", "2026-11-26T02:21:24.9Z",
            "2026-11-26T02:21:24Z",     "2026-11-26T02:21:24.123456789Z", "2026-11-26T02:21:24.x",
            "2026-11-26T02:21:25.000Z", "2026-11-26T02:21:24.457Z", "2026-02-30T02:21:24.457Z",
            "2026-11-26T02:21:24",      "bogus\x1b[2J", "2026-11-26T02:21:24.457Z"};
        for (const auto& time : times) {
            CAPTURE(time);
            Event e = lifecycle("hv1", "web1");
            e.time = time;
            const std::string line = f.event_line(e);
            const std::string expected = local_time_ms(time);
            CHECK(line.substr(0, expected.size()) == expected);
            CHECK(line.substr(expected.size(), 2) == "  ");
        }
    }

    TEST_CASE("columns line up across events of varying widths") {
        ScopedTz tz("UTC");
        HumanFormatter f(HumanStyle{false});
        // The widest values come first, so every later line uses their widths.
        const std::vector<Event> events = {
            make_event("hypervisor-long", "a-much-longer-vm-name", "block-threshold", "threshold", "",
                       "Block threshold vda"),
            lifecycle("hv1", "web1"),
            lifecycle("h", "x", "stopped", "Stopped Destroyed"),
            make_event("hv22", "db", "reboot", "reboot", "", "Rebooted"),
        };
        std::vector<std::string> lines;
        for (const auto& e : events) lines.push_back(f.event_line(e));
        const std::size_t vm_col = column_of(lines[0], "a-much");
        const std::size_t kind_col = column_of(lines[0], "block-threshold");
        const std::size_t text_col = column_of(lines[0], "Block threshold vda");
        CHECK(column_of(lines[1], "web1") == vm_col);
        CHECK(column_of(lines[2], "x  ") == vm_col);
        CHECK(column_of(lines[3], "db") == vm_col);
        CHECK(column_of(lines[1], "lifecycle") == kind_col);
        CHECK(column_of(lines[3], "reboot") == kind_col);
        CHECK(column_of(lines[1], "Started Booted") == text_col);
        CHECK(column_of(lines[2], "Stopped Destroyed") == text_col);
        CHECK(column_of(lines[3], "Rebooted") == text_col);
        CHECK(lines[2] == "2026-11-26 02:21:24.457  h" + std::string(14, ' ') + "  x" + std::string(20, ' ') +
                              "  lifecycle" + std::string(6, ' ') + "  Stopped Destroyed");
    }

    TEST_CASE("columns grow when a wider value arrives") {
        ScopedTz tz("UTC");
        HumanFormatter f(HumanStyle{false});
        const std::string first = f.event_line(lifecycle("hv1", "web1"));
        const std::string second = f.event_line(lifecycle("hv1", "web-frontend-07"));
        const std::string third = f.event_line(lifecycle("hv1", "web1"));
        CHECK(column_of(first, "lifecycle") + 11 == column_of(second, "lifecycle"));
        CHECK(column_of(third, "lifecycle") == column_of(second, "lifecycle"));
    }

    TEST_CASE("values over 32 columns are cut with an ellipsis") {
        ScopedTz tz("UTC");
        HumanFormatter f(HumanStyle{false});
        const std::string long_vm(40, 'a');
        const std::string line = f.event_line(lifecycle("hv1", long_vm));
        CHECK(line.find(std::string(31, 'a') + "…  lifecycle") != std::string::npos);
        CHECK(line.find(std::string(32, 'a')) == std::string::npos);

        // Wide characters (2 columns each) are never split: 15 of them and
        // the ellipsis take 31 columns, padded to the 32 the column reached.
        std::string wide;
        for (int i = 0; i < 20; ++i) wide += "漢";
        const std::string wline = f.event_line(lifecycle("hv1", wide));
        CHECK(is_valid_utf8(wline));
        std::string fifteen;
        for (int i = 0; i < 15; ++i) fifteen += "漢";
        CHECK(wline.find(fifteen + "…   lifecycle") != std::string::npos);
        CHECK(wline.find(fifteen + "漢") == std::string::npos);
        CHECK(display_width(wline) == display_width(line));
    }

    TEST_CASE("colour off: no ESC byte at all") {
        HumanFormatter f(HumanStyle{false});
        for (const char* ev : {"started", "stopped", "crashed", "suspended", "defined"}) {
            CHECK(f.event_line(lifecycle("hv1", "web1", ev, "Text")).find('\x1b') == std::string::npos);
        }
        HostStatus st;
        st.host = "hv1";
        st.online = true;
        CHECK(f.status_line(st, kNow).find('\x1b') == std::string::npos);
        CHECK(f.raw_line("t", "p", kNow).find('\x1b') == std::string::npos);
    }

    TEST_CASE("colour on: class colours, every colour closed, reset at the end") {
        HumanFormatter f(HumanStyle{true});
        struct Case {
            const char* event;
            const char* sgr;
        };
        for (const Case c : {Case{"started", "\x1b[32m"}, Case{"resumed", "\x1b[32m"},
                             Case{"stopped", "\x1b[31m"}, Case{"shutdown", "\x1b[31m"},
                             Case{"undefined", "\x1b[31m"}, Case{"crashed", "\x1b[1;31m"},
                             Case{"suspended", "\x1b[33m"}, Case{"pmsuspended", "\x1b[33m"},
                             Case{"defined", "\x1b[36m"}, Case{"unknown", "\x1b[2m"}}) {
            CAPTURE(c.event);
            const std::string line = f.event_line(lifecycle("hv1", "web1", c.event, "Text"));
            CHECK(line.find(std::string(c.sgr) + "Text\x1b[0m") != std::string::npos);
            CHECK(balanced_sgr(line));
        }
        const std::string other = f.event_line(make_event("hv1", "web1", "reboot", "reboot", "", "Rebooted"));
        CHECK(other.find("\x1b[34mRebooted\x1b[0m") != std::string::npos);
        CHECK(balanced_sgr(other));

        HostStatus st;
        st.host = "hv1";
        st.version = "0.1.0";
        st.online = true;
        const std::string online = f.status_line(st, kNow);
        CHECK(online.find("\x1b[32mhost online\x1b[0m") != std::string::npos);
        CHECK(balanced_sgr(online));
        st.online = false;
        const std::string offline = f.status_line(st, kNow);
        CHECK(offline.find("\x1b[31mhost offline\x1b[0m") != std::string::npos);
        CHECK(balanced_sgr(offline));

        const std::string raw = f.raw_line("some/topic", "payload", kNow);
        CHECK(raw.ends_with("\x1b[0m"));
        CHECK(strip_sgr(raw).ends_with("  some/topic  payload"));
    }

    TEST_CASE("colour on and off show the same text") {
        ScopedTz tz("UTC");
        HumanFormatter on(HumanStyle{true});
        HumanFormatter off(HumanStyle{false});
        Event e = lifecycle("hv1", "web1", "crashed", "Crashed Panicked");
        e.synthetic = true;
        CHECK(strip_sgr(on.event_line(e)) == off.event_line(e));
    }

    TEST_CASE("hostile names never reach the line raw") {
        ScopedTz tz("UTC");
        Event e = make_event("h\x1b[2Jx", "v\nm\xc2\x9b\xe2\x80\xae\xff", "k\x07", "crashed\x1b[31m",
                             "d\x1b]0;t\x07", "t\x1b]0;pwn\x07\r\xc2\x85\xe2\x81\xa6");
        e.time = "2026-11-26T02:21:24.457Z\x1b[H";
        for (bool color : {false, true}) {
            CAPTURE(color);
            HumanFormatter f(HumanStyle{color});
            const std::string line = f.event_line(e);
            CHECK_FALSE(has_raw_control(line, color));
            CHECK(is_valid_utf8(line));
            CHECK(line.find("h\\x1b[2Jx") != std::string::npos);
            CHECK(line.find("v\\nm\\u009b\\u202e\\xff") != std::string::npos);
            CHECK(line.find("t\\x1b]0;pwn\\x07\\r\\u0085\\u2066") != std::string::npos);
            if (color) {
                CHECK(balanced_sgr(line));
                HumanFormatter plain(HumanStyle{false});
                CHECK(strip_sgr(line) == plain.event_line(e));
            }
        }
    }

    TEST_CASE("hostile status and raw lines") {
        for (bool color : {false, true}) {
            CAPTURE(color);
            HumanFormatter f(HumanStyle{color});
            HostStatus st;
            st.host = "hv\x1b[2J";
            st.version = "0.1\n\xc2\x9b";
            st.time = "\x1b[H";
            const std::string status = f.status_line(st, kNow);
            CHECK_FALSE(has_raw_control(status, color));
            CHECK(status.find("hv\\x1b[2J") != std::string::npos);
            CHECK(status.find("(vm-pub 0.1\\n\\u009b)") != std::string::npos);
            const std::string raw = f.raw_line("a/\x1b[2J/\xff", std::string("x\x1b]2;t\x07\xe2\x80\xae\0y", 12), kNow);
            CHECK_FALSE(has_raw_control(raw, color));
            CHECK(raw.find("a/\\x1b[2J/\\xff") != std::string::npos);
            CHECK(raw.find("x\\x1b]2;t\\x07\\u202e\\x00y") != std::string::npos);
        }
    }

    TEST_CASE("synthetic events are marked") {
        ScopedTz tz("UTC");
        HumanFormatter f(HumanStyle{false});
        Event e = lifecycle("hv1", "web1");
        CHECK(f.event_line(e).find("synthetic") == std::string::npos);
        e.synthetic = true;
        CHECK(f.event_line(e) == "2026-11-26 02:21:24.457  hv1  web1  lifecycle  Started Booted  (synthetic)");
    }

    TEST_CASE("detail is added where it tells something") {
        ScopedTz tz("UTC");
        HumanFormatter f(HumanStyle{false});
        // Lifecycle: virsh's text already renders the detail.
        CHECK(f.event_line(make_event("h", "v", "lifecycle", "started", "from-snapshot", "Started Snapshot"))
                  .ends_with("  Started Snapshot"));
        CHECK(f.event_line(make_event("h", "v", "disk-change", "disk-change", "drop-missing-on-start",
                                      "Disk change vda"))
                  .ends_with("  Disk change vda (drop-missing-on-start)"));
        CHECK(f.event_line(make_event("h", "v", "tray-change", "tray-change", "open", "Tray Open vda"))
                  .ends_with("  Tray Open vda"));
        CHECK(f.event_line(make_event("h", "v", "disk-change", "disk-change", "change-missing-on-start",
                                      "Disk change missing on start"))
                  .ends_with("  Disk change missing on start"));
        // No text: the tokens stand in.
        CHECK(f.event_line(make_event("h", "v", "lifecycle", "stopped", "destroyed", "")).ends_with("  stopped"));
        CHECK(f.event_line(make_event("h", "v", "block-job", "completed", "copy", "")).ends_with("  completed (copy)"));
    }

    TEST_CASE("status lines") {
        ScopedTz tz("UTC");
        HumanFormatter f(HumanStyle{false});
        HostStatus st;
        st.time = "2026-11-26T02:21:24.457Z";
        st.host = "hv1";
        st.online = true;
        st.version = "0.1.0";
        CHECK(f.status_line(st, kNow) == "2026-11-26 02:21:24.457  hv1  host online  (vm-pub 0.1.0)");
        st.online = false;
        st.version.clear();
        CHECK(f.status_line(st, kNow) == "2026-11-26 02:21:24.457  hv1  host offline");
        st.version = "0.1.0";
        st.dropped = 12;
        CHECK(f.status_line(st, kNow) == "2026-11-26 02:21:24.457  hv1  host offline  (vm-pub 0.1.0, 12 dropped)");
        st.dropped = 0;

        // The libvirt side: in the note of an online host, and a line of its own.
        st.online = true;
        st.libvirt = LibvirtHealthState::Unreachable;
        st.libvirt_error = "keepalive timeout";
        CHECK(f.status_line(st, kNow) ==
              "2026-11-26 02:21:24.457  hv1  host online  (vm-pub 0.1.0, libvirt unreachable: keepalive timeout)");
        CHECK(f.libvirt_line(st, kNow) == "2026-11-26 02:21:24.457  hv1  libvirt unreachable  (keepalive timeout)");
        st.libvirt_error = "no\x1b]0;PWNED\x07 answer";
        CHECK(f.libvirt_line(st, kNow).find('\x1b') == std::string::npos);
        st.libvirt = LibvirtHealthState::Connected;
        st.libvirt_error.clear();
        CHECK(f.status_line(st, kNow) == "2026-11-26 02:21:24.457  hv1  host online  (vm-pub 0.1.0)");
        CHECK(f.libvirt_line(st, kNow) == "2026-11-26 02:21:24.457  hv1  libvirt connected");
        st.libvirt = LibvirtHealthState::Unknown;
        st.online = false;

        // A last will carries no time: the local time of `now` is shown.
        st.time.clear();
        const std::string will = f.status_line(st, kNow);
        CHECK(will == "2026-11-26 02:21:40.001  hv1  host offline  (vm-pub 0.1.0)");

        // The host column is shared with event lines.
        f.event_line(lifecycle("hypervisor-7", "web1"));
        st.time = "2026-11-26T02:21:24.457Z";
        CHECK(f.status_line(st, kNow).starts_with("2026-11-26 02:21:24.457  hv1           host offline"));
    }

    TEST_CASE("raw lines drop the classic sample's \"\\n\\0\" tail") {
        HumanFormatter f(HumanStyle{false});
        const std::string classic("2026/11/26 3:21:24 event(2) occurred in the domain = < web1 >.\n\0", 64);
        const std::string line = f.raw_line("libvirt/events", classic, kNow);
        CHECK(line.ends_with("  libvirt/events  2026/11/26 3:21:24 event(2) occurred in the domain = < web1 >."));
        CHECK(line.size() == 23 + 2 + 14 + 2 + 62);
        CHECK(f.raw_line("t", "a\n\n", kNow).ends_with("  t  a\\n"));
        CHECK(f.raw_line("t", std::string("a\0\0", 3), kNow).ends_with("  t  a\\x00"));
        CHECK(f.raw_line("t", std::string("a\0\n", 3), kNow).ends_with("  t  a\\x00"));
        CHECK(f.raw_line("t", "", kNow).ends_with("  t  "));
    }
}

TEST_SUITE("format.template") {
    TEST_CASE("every field") {
        ScopedTz tz("UTC");
        Event e = make_event("hv1", "web1", "lifecycle", "stopped", "destroyed", "Stopped Destroyed");
        e.event_code = 5;
        e.detail_code = 1;
        auto t = Template::compile(
            "{time}|{localtime}|{host}|{domain}|{uuid}|{id}|{kind}|{event}|{detail}|{text}|{seq}|"
            "{boot}|{uri}|{synthetic}|{event_code}|{detail_code}");
        REQUIRE(t.ok());
        CHECK(t->render(e) ==
              "2026-11-26T02:21:24.457Z|2026-11-26 02:21:24.457|hv1|web1|6695eb01-f6a4-8304-79aa-97f2502e193f|"
              "3|lifecycle|stopped|destroyed|Stopped Destroyed|17|b00t|test:///default|false|5|1");
        e.synthetic = true;
        e.domain.id = -1;
        e.event_code = -1;
        e.detail_code = -1;
        auto t2 = Template::compile("[{id}][{synthetic}][{event_code}][{detail_code}]");
        REQUIRE(t2.ok());
        CHECK(t2->render(e) == "[][true][][]");
    }

    TEST_CASE("kind-specific fields") {
        Event e = make_event("hv1", "web1", "block-job", "completed", "", "Block job");
        e.fields["disk"] = "vda\x1b[2J";
        e.fields["size"] = 1024;
        e.fields["params"] = {{"a", 1}, {"b", "ünï\xe2\x80\xae"}};
        auto t = Template::compile("{fields.disk}|{fields.size}|{fields.params}|{fields.missing}|");
        REQUIRE(t.ok());
        const std::string out = t->render(e);
        CHECK(out == "vda\\x1b[2J|1024|{\"a\":1,\"b\":\"\\u00fcn\\u00ef\\u202e\"}||");
        CHECK_FALSE(has_raw_control(out));
        e.fields = nlohmann::ordered_json::array();  // not an object: nothing to find
        CHECK(t->render(e) == "||||");
    }

    TEST_CASE("escapes and literal braces") {
        Event e = lifecycle("hv1", "web1");
        struct Case {
            const char* in;
            const char* out;
        };
        for (const Case c : {Case{"a\\nb\\tc\\\\d", "a\nb\tc\\d"}, Case{"{{host}}", "{host}"},
                             Case{"{{{host}}}", "{hv1}"}, Case{"}}", "}"}, Case{"{{", "{"},
                             Case{"\\x\\", "\\x\\"}, Case{"\\{host}", "\\hv1"}, Case{"", ""},
                             Case{"plain text", "plain text"}, Case{"{host}{domain}", "hv1web1"}}) {
            CAPTURE(c.in);
            auto t = Template::compile(c.in);
            REQUIRE(t.ok());
            CHECK(t->render(e) == c.out);
        }
    }

    TEST_CASE("unknown fields are refused with the list of known ones") {
        const std::string known =
            " in template (known: time, localtime, host, domain, uuid, id, kind, event, detail, text, seq, "
            "boot, uri, synthetic, event_code, detail_code, json, fields.NAME)";
        auto t = Template::compile("{host} {foo} {bar}");
        REQUIRE_FALSE(t.ok());
        CHECK(t.error().message == "unknown field \"{foo}\"" + known);
        for (const char* bad : {"{}", "{fields.}", "{Host}", "{ host}", "{fields}"}) {
            CAPTURE(bad);
            auto r = Template::compile(bad);
            REQUIRE_FALSE(r.ok());
            CHECK(r.error().message.starts_with("unknown field \""));
        }
        auto hostile = Template::compile("{a\x1b[2J}");
        REQUIRE_FALSE(hostile.ok());
        CHECK(hostile.error().message.starts_with("unknown field \"{a\\x1b[2J}\""));
    }

    TEST_CASE("unbalanced braces are refused") {
        for (const char* bad : {"{host", "{", "x {ho{st}", "{{{host"}) {
            CAPTURE(bad);
            auto t = Template::compile(bad);
            REQUIRE_FALSE(t.ok());
            CHECK(t.error().message == "unbalanced \"{\" in template");
        }
        for (const char* bad : {"host}", "}", "{host}}", "}}}"}) {
            CAPTURE(bad);
            auto t = Template::compile(bad);
            REQUIRE_FALSE(t.ok());
            CHECK(t.error().message == "unbalanced \"}\" in template");
        }
    }

    TEST_CASE("values are sanitized") {
        Event e = make_event("h\x1b[2J", "v\n\xc2\x9b", "k", "e\x07", "d\r", "t\xe2\x80\xae\xff");
        e.boot = "b\x1b";
        e.uri = "u\x1b";
        e.domain.uuid = "\x1b";
        e.time = "\x1b[H";
        auto t = Template::compile("{time}{localtime}{host}{domain}{uuid}{kind}{event}{detail}{text}{boot}{uri}");
        REQUIRE(t.ok());
        const std::string out = t->render(e);
        CHECK_FALSE(has_raw_control(out));
        CHECK(out == "\\x1b[H\\x1b[Hh\\x1b[2Jv\\n\\u009b\\x1bke\\x07d\\rt\\u202e\\xffb\\x1bu\\x1b");
    }

    TEST_CASE("{json} is valid JSON that decodes back to the event") {
        Event e = make_event("hv1", "we\"b\x1b\xc2\x9b\xe2\x80\xae\\ü", "lifecycle", "stopped", "destroyed",
                             "Stopped Destroyed");
        e.event_code = 5;
        e.detail_code = 1;
        auto t = Template::compile("{json}");
        REQUIRE(t.ok());
        const std::string out = t->render(e);
        CHECK(out == json_for_terminal(encode_event(e)));
        CHECK_FALSE(has_raw_control(out));
        CHECK(out.find("\\u009b\\u202e\\\\ü") != std::string::npos);
        CHECK(nlohmann::json::accept(out));
        auto back = decode_event(out);
        REQUIRE(back.ok());
        CHECK(back->domain.name == e.domain.name);
        CHECK(back->host == "hv1");
        CHECK(back->seq == 17);
        CHECK(back->event == "stopped");
        CHECK(back->detail_code == 1);
    }

    TEST_CASE("json_for_terminal escapes C1 and bidi controls, keeping the value") {
        const std::string in = "{\"a\xc2\x85\":\"x\xc2\x80\xc2\x9f\xd8\x9c\xe2\x80\x8e\xe2\x80\x8f\xe2\x80\xaa"
                               "\xe2\x81\xa9\xe2\x80\x8d\xc2\xa0ü漢\\\\\xe2\x80\xae\"}";
        const std::string out = json_for_terminal(in);
        CHECK(out == "{\"a\\u0085\":\"x\\u0080\\u009f\\u061c\\u200e\\u200f\\u202a\\u2069"
                     "\xe2\x80\x8d\xc2\xa0ü漢\\\\\\u202e\"}");
        CHECK_FALSE(has_raw_control(out));
        REQUIRE(nlohmann::json::accept(in));
        REQUIRE(nlohmann::json::accept(out));
        CHECK(nlohmann::json::parse(in) == nlohmann::json::parse(out));
        // Invalid UTF-8 around a control does not hide it.
        CHECK(json_for_terminal("\x80\xc2\x9b\xe2\xe2\x80\xae\xc2") == "\x80\\u009b\xe2\\u202e\xc2");
        CHECK(json_for_terminal("") == "");
    }

    TEST_CASE("field_names lists the documented fields") {
        const auto names = Template::field_names();
        REQUIRE(names.size() == 18);
        CHECK(names.front() == "time");
        CHECK(names.back() == "fields.NAME");
        for (const auto name : names) {
            if (name == "fields.NAME") continue;
            CAPTURE(name);
            CHECK(Template::compile("{" + std::string(name) + "}").ok());
        }
    }
}

TEST_SUITE("format.seed") {
    TEST_CASE("seed_text_line is the classic sample's line, byte for byte") {
        std::tm tm{};
        tm.tm_year = 126;
        tm.tm_mon = 10;
        tm.tm_mday = 26;
        tm.tm_hour = 3;
        tm.tm_min = 21;
        tm.tm_sec = 4;
        CHECK(seed_text_line(tm, 2, "web1") == "2026/11/26 3:21:4 event(2) occurred in the domain = < web1 >.\n");
        tm.tm_mon = 0;
        tm.tm_mday = 5;
        tm.tm_hour = 0;
        tm.tm_min = 0;
        tm.tm_sec = 0;
        CHECK(seed_text_line(tm, 5, "a b") == "2026/1/5 0:0:0 event(5) occurred in the domain = < a b >.\n");
        CHECK(seed_text_line(tm, -1, "") == "2026/1/5 0:0:0 event(-1) occurred in the domain = <  >.\n");
    }

    TEST_CASE("seed_text_line copies the name raw (sanitizing is the display's job)") {
        std::tm tm{};
        tm.tm_year = 126;
        tm.tm_mday = 1;
        CHECK(seed_text_line(tm, 0, "x\x1b[2J\n") == "2026/1/1 0:0:0 event(0) occurred in the domain = < x\x1b[2J\n >.\n");
        const std::string long_name(1000, 'n');
        CHECK(seed_text_line(tm, 0, long_name) ==
              "2026/1/1 0:0:0 event(0) occurred in the domain = < " + long_name + " >.\n");
    }
}
