// vm-sub --exec (subscriber/exec_runner): the VM_EVENT_* environment and
// the JSON on stdin, as a real child (/bin/sh) sees them; commands one at a
// time in order; failures reported on stderr.
#include <doctest/doctest.h>

#include <unistd.h>

#include <chrono>
#include <fstream>
#include <map>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "cli_args.h"
#include "common/message.h"
#include "subscriber/exec_runner.h"

using namespace vme;
using namespace vme::sub;
using vme::test::CapturedFd;
using vme::test::ScopedEnv;
using vme::test::ScratchDir;

namespace {

Event make_event(std::uint64_t seq) {
    Event e;
    e.seq = seq;
    e.boot = "b1";
    e.time = "2026-11-26T02:21:24.457Z";
    e.host = "hv1";
    e.uri = "qemu:///system";
    e.domain = {"web\x1b" "1 ü", "e15d84c2-49c1-41e8-8f0a-4b5353ab5904", 3};
    e.kind = "lifecycle";
    e.event = "stopped";
    e.detail = "destroyed";
    e.text = "Stopped\nDestroyed";
    e.fields["extra"] = 1;
    return e;
}

std::string read_file(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    std::ostringstream text;
    text << in.rdbuf();
    return text.str();
}

/// Reaps children (as vm-sub does on SIGCHLD) until the runner is idle, or
/// about 10 s have passed (a generous bound; it never needs that long).
void wait_idle(ExecRunner& runner) {
    const auto give_up = std::chrono::steady_clock::now() + std::chrono::seconds(10);
    while (!runner.idle() && std::chrono::steady_clock::now() < give_up) {
        std::this_thread::sleep_for(std::chrono::milliseconds(5));
        runner.on_child_exit();
    }
    REQUIRE(runner.idle());
}

/// "NAME=value" entries of `env -0` output, by name.
std::map<std::string, std::string> parse_env0(const std::string& text) {
    std::map<std::string, std::string> vars;
    std::size_t start = 0;
    while (start < text.size()) {
        std::size_t end = text.find('\0', start);
        if (end == std::string::npos) end = text.size();
        const std::string entry = text.substr(start, end - start);
        const auto eq = entry.find('=');
        if (eq != std::string::npos) vars[entry.substr(0, eq)] = entry.substr(eq + 1);
        start = end + 1;
    }
    return vars;
}

}  // namespace

TEST_SUITE("sub.exec") {

TEST_CASE("event_environment: every documented variable, exact and unsanitized") {
    const Event e = make_event(17);
    const std::vector<std::string> expected = {
        "VM_EVENT_HOST=hv1",
        "VM_EVENT_DOMAIN=web\x1b" "1 ü",
        "VM_EVENT_UUID=e15d84c2-49c1-41e8-8f0a-4b5353ab5904",
        "VM_EVENT_ID=3",
        "VM_EVENT_KIND=lifecycle",
        "VM_EVENT_EVENT=stopped",
        "VM_EVENT_DETAIL=destroyed",
        "VM_EVENT_TEXT=Stopped\nDestroyed",
        "VM_EVENT_TIME=2026-11-26T02:21:24.457Z",
        "VM_EVENT_SEQ=17",
        "VM_EVENT_BOOT=b1",
        "VM_EVENT_JSON=" + encode_event(e),
    };
    CHECK(event_environment(e) == expected);
    Event inactive = e;
    inactive.domain.id = -1;
    inactive.domain.uuid.clear();
    const auto env = event_environment(inactive);
    CHECK(env[2] == "VM_EVENT_UUID=");
    CHECK(env[3] == "VM_EVENT_ID=");
}

TEST_CASE("memory_file holds the data, positioned at its start") {
    auto file = memory_file("line one\nline two\n");
    REQUIRE(file);
    char buf[64] = {};
    CHECK(::read(file->get(), buf, sizeof buf) == 18);
    CHECK(std::string(buf) == "line one\nline two\n");
    auto empty = memory_file("");
    REQUIRE(empty);
    CHECK(::read(empty->get(), buf, sizeof buf) == 0);
}

TEST_CASE("the child gets the event's JSON on stdin and VM_EVENT_* in its environment, nothing stale") {
    ScratchDir dir;
    const std::string in_path = dir.path() + "/stdin";
    const std::string env_path = dir.path() + "/env";
    // Inherited VM_EVENT_* variables must not reach the command.
    ScopedEnv stale("VM_EVENT_STALE", std::string("old"));
    ScopedEnv spoof("VM_EVENT_HOST", std::string("spoofed"));
    ScopedEnv kept("VME_UNIT_KEPT", std::string("yes"));
    Diagnostics diag("vm-sub", 0);
    ExecRunner runner({"/bin/sh", "-c", "cat > \"$0\"; env -0 > \"$1\"", in_path, env_path}, diag);
    CHECK(runner.idle());
    const Event e = make_event(21);
    runner.enqueue(e);
    CHECK_FALSE(runner.idle());
    wait_idle(runner);
    CHECK(read_file(in_path) == encode_event(e) + "\n");
    const auto vars = parse_env0(read_file(env_path));
    for (const auto& entry : event_environment(e)) {
        const auto eq = entry.find('=');
        CAPTURE(entry.substr(0, eq));
        REQUIRE(vars.count(entry.substr(0, eq)) == 1);
        CHECK(vars.at(entry.substr(0, eq)) == entry.substr(eq + 1));
    }
    CHECK(vars.count("VM_EVENT_STALE") == 0);
    CHECK(vars.at("VME_UNIT_KEPT") == "yes");
    std::size_t ours = 0;
    for (const auto& [name, value] : vars) ours += name.starts_with("VM_EVENT_");
    CHECK(ours == event_environment(e).size());
}

TEST_CASE("commands run one at a time, in the order of the events") {
    ScratchDir dir;
    const std::string log = dir.path() + "/log";
    Diagnostics diag("vm-sub", 0);
    // Each command notes its start, dawdles, notes its end: overlapping runs would interleave.
    ExecRunner runner({"/bin/sh", "-c", "echo \"start $VM_EVENT_SEQ\" >> \"$0\"; sleep 0.05; "
                                        "echo \"end $VM_EVENT_SEQ\" >> \"$0\"", log}, diag);
    for (std::uint64_t seq = 1; seq <= 3; ++seq) runner.enqueue(make_event(seq));
    wait_idle(runner);
    CHECK(read_file(log) == "start 1\nend 1\nstart 2\nend 2\nstart 3\nend 3\n");
}

TEST_CASE("a failing, killed or missing command is reported on stderr, and the next one still runs") {
    ScratchDir dir;
    const std::string log = dir.path() + "/log";
    CapturedFd err(2);
    Diagnostics diag("vm-sub", 0);
    {
        ExecRunner failing({"/bin/sh", "-c", "echo ran >> \"$0\"; exit 3", log}, diag);
        failing.enqueue(make_event(1));
        failing.enqueue(make_event(2));
        wait_idle(failing);
        ExecRunner killed({"/bin/sh", "-c", "kill -9 $$"}, diag);
        killed.enqueue(make_event(3));
        wait_idle(killed);
        ExecRunner missing({"/nonexistent/command"}, diag);
        missing.enqueue(make_event(4));
        wait_idle(missing);
    }
    const std::string text = err.text();
    CHECK(read_file(log) == "ran\nran\n");
    CHECK(text ==
          "vm-sub: --exec: '/bin/sh' for event stopped of VM web\\x1b1 ü on hv1 exited with status 3\n"
          "vm-sub: --exec: '/bin/sh' for event stopped of VM web\\x1b1 ü on hv1 exited with status 3\n"
          "vm-sub: --exec: '/bin/sh' for event stopped of VM web\\x1b1 ü on hv1 was killed by signal 9\n"
          "vm-sub: --exec: cannot run '/nonexistent/command' for event stopped of VM web\\x1b1 ü on hv1: "
          "No such file or directory\n");
}

}  // TEST_SUITE
