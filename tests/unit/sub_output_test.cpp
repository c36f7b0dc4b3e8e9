// vm-sub's printer (subscriber/output): what reaches stdout in each output
// mode, written to a pipe here. In human mode event and host status lines
// share the host column, and the columns stay aligned over a stream.
#include <doctest/doctest.h>

#include <fcntl.h>
#include <unistd.h>

#include <csignal>
#include <ctime>
#include <sstream>
#include <string>
#include <vector>

#include "cli_args.h"
#include "common/message.h"
#include "common/terminal_json.h"
#include "subscriber/output.h"

using namespace vme;
using namespace vme::sub;
using vme::test::ScopedEnv;

namespace {

/// A pipe standing in for stdout; lines() reads what was written.
struct OutPipe {
    int fds[2] = {-1, -1};
    OutPipe() { REQUIRE(::pipe2(fds, O_CLOEXEC | O_NONBLOCK) == 0); }
    ~OutPipe() {
        ::close(fds[0]);
        ::close(fds[1]);
    }
    OutPipe(const OutPipe&) = delete;
    OutPipe& operator=(const OutPipe&) = delete;
    std::vector<std::string> lines() const {
        std::string text;
        char buf[4096];
        ssize_t n;
        while ((n = ::read(fds[0], buf, sizeof buf)) > 0) text.append(buf, static_cast<std::size_t>(n));
        std::vector<std::string> out;
        std::istringstream in(text);
        for (std::string line; std::getline(in, line);) out.push_back(line);
        return out;
    }
};

/// Local time is UTC for one test (the human lines show local time).
struct UtcZone {
    ScopedEnv tz{"TZ", std::string("UTC")};
    UtcZone() { ::tzset(); }
    ~UtcZone() { ::tzset(); }
};

Event make_event(const std::string& host, const std::string& vm, const std::string& kind,
                 const std::string& event, const std::string& text) {
    Event e;
    e.seq = 5;
    e.boot = "b1";
    e.time = "2026-11-26T02:21:24.457Z";
    e.host = host;
    e.domain = {vm, "", 1};
    e.kind = kind;
    e.event = event;
    e.text = text;
    return e;
}

EventPrinter make_printer(OutputMode mode, ColorMode color, int fd, const std::string& format = "") {
    Options o;
    o.output = mode;
    o.color = color;
    o.format = format;
    auto printer = EventPrinter::create(o, fd);
    REQUIRE(printer);
    return std::move(*printer);
}

}  // namespace

TEST_SUITE("sub.output") {

TEST_CASE("human: events and host status lines share aligned columns over a stream") {
    UtcZone utc;
    OutPipe out;
    EventPrinter printer = make_printer(OutputMode::Human, ColorMode::Never, out.fds[1]);
    CHECK(printer.is_human());
    HostStatus online;
    online.time = "2026-11-26T02:21:24.457Z";
    online.host = "hypervisor-7";
    online.online = true;
    online.version = "0.1.0";
    CHECK(printer.event(make_event("hv1", "web1", "lifecycle", "started", "Started Booted")));
    CHECK(printer.status(online, StatusChange::Host));
    CHECK(printer.event(make_event("hv1", "web1", "lifecycle", "stopped", "Stopped Destroyed")));
    CHECK(printer.event(make_event("hypervisor-7", "database-primary", "reboot", "reboot", "Rebooted")));
    CHECK(printer.event(make_event("hv1", "web1", "lifecycle", "started", "Started Booted")));
    CHECK(out.lines() == std::vector<std::string>{
                             "2026-11-26 02:21:24.457  hv1  web1  lifecycle  Started Booted",
                             "2026-11-26 02:21:24.457  hypervisor-7  host online  (vm-pub 0.1.0)",
                             "2026-11-26 02:21:24.457  hv1           web1  lifecycle  Stopped Destroyed",
                             "2026-11-26 02:21:24.457  hypervisor-7  database-primary  reboot     Rebooted",
                             "2026-11-26 02:21:24.457  hv1           web1              lifecycle  Started Booted",
                         });
}

TEST_CASE("human: a raw payload line, sanitized") {
    OutPipe out;
    EventPrinter printer = make_printer(OutputMode::Human, ColorMode::Never, out.fds[1]);
    CHECK(printer.raw("classic/events", "2026/11/26 3:21:4 event(2) \x1b[2J\n"));
    const auto lines = out.lines();
    REQUIRE(lines.size() == 1);
    CHECK(lines[0].ends_with("  classic/events  2026/11/26 3:21:4 event(2) \\x1b[2J"));
}

TEST_CASE("json: one compact object per event; status and raw print nothing") {
    OutPipe out;
    EventPrinter printer = make_printer(OutputMode::Json, ColorMode::Always, out.fds[1]);
    CHECK_FALSE(printer.is_human());
    const Event e = make_event("hv1", "we\xc2\x9b" "b", "lifecycle", "started", "Started Booted");
    HostStatus status;
    status.host = "hv1";
    CHECK(printer.event(e));
    CHECK(printer.status(status, StatusChange::Host));
    CHECK(printer.raw("x", "y"));
    CHECK(out.lines() == std::vector<std::string>{json_for_terminal(encode_event(e))});
    CHECK(out.lines().empty());
}

TEST_CASE("template: the rendered line") {
    OutPipe out;
    EventPrinter printer = make_printer(OutputMode::Template, ColorMode::Never, out.fds[1], "{host}/{domain} {seq}");
    CHECK(printer.event(make_event("hv1", "web1", "lifecycle", "started", "")));
    CHECK(out.lines() == std::vector<std::string>{"hv1/web1 5"});
}

TEST_CASE("colour: never, always, and auto by the output being a terminal and NO_COLOR") {
    OutPipe out;
    const Event e = make_event("hv1", "web1", "lifecycle", "started", "Started Booted");
    make_printer(OutputMode::Human, ColorMode::Always, out.fds[1]).event(e);
    make_printer(OutputMode::Human, ColorMode::Auto, out.fds[1]).event(e);  // a pipe: no colour
    make_printer(OutputMode::Human, ColorMode::Never, out.fds[1]).event(e);
    const auto lines = out.lines();
    REQUIRE(lines.size() == 3);
    CHECK(lines[0].find("\x1b[32mStarted Booted\x1b[0m") != std::string::npos);
    CHECK(lines[1].find('\x1b') == std::string::npos);
    CHECK(lines[2].find('\x1b') == std::string::npos);
    CHECK_FALSE(use_color(ColorMode::Auto, out.fds[1]));
    CHECK(use_color(ColorMode::Always, out.fds[1]));
    CHECK_FALSE(use_color(ColorMode::Never, out.fds[1]));
    const int tty = ::open("/dev/ptmx", O_RDWR | O_NOCTTY | O_CLOEXEC);
    if (tty >= 0 && ::isatty(tty) == 1) {
        {
            ScopedEnv no_color("NO_COLOR", std::nullopt);
            CHECK(use_color(ColorMode::Auto, tty));
        }
        ScopedEnv no_color("NO_COLOR", std::string("1"));
        CHECK_FALSE(use_color(ColorMode::Auto, tty));
    }
    if (tty >= 0) ::close(tty);
}

TEST_CASE("a reader that went away: printing reports it") {
    int fds[2];
    REQUIRE(::pipe2(fds, O_CLOEXEC) == 0);
    ::close(fds[0]);
    const auto old = std::signal(SIGPIPE, SIG_IGN);
    EventPrinter printer = make_printer(OutputMode::Json, ColorMode::Never, fds[1]);
    CHECK_FALSE(printer.event(make_event("hv1", "web1", "lifecycle", "started", "")));
    CHECK(printer.out().broken());
    std::signal(SIGPIPE, old);
    ::close(fds[1]);
}

TEST_CASE("clip keeps short text and notes the size of long text") {
    CHECK(clip("abc", 3) == "abc");
    CHECK(clip("abcdef", 3) == "abc... (6 bytes)");
}

}  // TEST_SUITE
