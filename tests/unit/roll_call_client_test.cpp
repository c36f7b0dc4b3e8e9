// vm-sub's roll-call client (subscriber/roll_call_client): its phases, the
// request it publishes, the quiet period, when answers are due and the
// hard cap, on a real io::EventLoop with short timers.
#include <doctest/doctest.h>

#include <chrono>
#include <string>
#include <vector>

#include "common/message.h"
#include "common/topic.h"
#include "io/event_loop.h"
#include "subscriber/roll_call_client.h"
#include "stderr_pipe.h"

using namespace vme;
using namespace vme::sub;
using namespace std::chrono_literals;
using Phase = RollCallClient::Phase;
using Clock = io::EventLoop::Clock;

namespace {

struct Sent {
    std::string topic;
    std::string payload;
};

/// A client on its own loop; what it publishes is recorded, `done` counted.
struct Fixture {
    explicit Fixture(RollCallSettings settings, std::string reply_id = "vs0123456789abcdef")
        : client(std::move(settings), std::move(reply_id), loop, diag,
                 [this](const std::string& topic, const std::string& payload) -> Status {
                     sent.push_back(Sent{topic, payload});
                     if (!refuse.empty()) return Error{refuse};
                     return Ok{};
                 },
                 [this] { return hosts; }, [this] { ++done; }) {}

    /// Runs the loop until the client is Done or `limit` passed.
    void run_until_done(std::chrono::milliseconds limit = 2000ms) {
        const auto end = Clock::now() + limit;
        while (client.phase() != Phase::Done && Clock::now() < end) loop.run_once(5ms);
    }
    /// Runs the loop for `span`.
    void run_for(std::chrono::milliseconds span) {
        const auto end = Clock::now() + span;
        while (Clock::now() < end) loop.run_once(2ms);
    }

    StderrPipe err;
    io::EventLoop loop;
    Diagnostics diag{"vm-sub", 1, err.write_fd()};
    std::vector<Sent> sent;
    std::string refuse;  ///< non-empty: publishing fails with this
    std::size_t hosts = 0;
    int done = 0;
    RollCallClient client;
};

RollCallSettings settings(bool ask, std::chrono::milliseconds quiet, std::chrono::milliseconds cap,
                          int spread_ms = 0) {
    RollCallSettings s;
    s.prefix = "libvirt";
    s.ask = ask;
    s.quiet = quiet;
    s.hard_cap = cap;
    s.spread_ms = spread_ms;
    return s;
}

long long ms_since(Clock::time_point start) {
    return std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - start).count();
}

}  // namespace

TEST_SUITE("sub.roll_call") {

TEST_CASE("Idle until start(): activity changes nothing, no timer runs") {
    Fixture f(settings(true, 10ms, 1000ms));
    f.client.activity();
    f.run_for(40ms);
    CHECK(f.client.phase() == Phase::Idle);
    CHECK(f.sent.empty());
    CHECK(f.done == 0);
}

TEST_CASE("settled: one request on <prefix>/roll-call, answers awaited, then done once") {
    Fixture f(settings(true, 20ms, 1000ms, 40));
    f.client.start();
    CHECK(f.client.phase() == Phase::Settling);
    f.client.start();  // a second grant changes nothing
    const auto start = Clock::now();
    while (f.sent.empty() && ms_since(start) < 1000) f.loop.run_once(2ms);
    REQUIRE(f.sent.size() == 1);
    CHECK(f.client.phase() == Phase::Answering);
    CHECK(f.sent[0].topic == roll_call_topic("libvirt"));
    auto request = decode_roll_call_request(f.sent[0].payload);
    REQUIRE(request);
    CHECK(request->reply == "vs0123456789abcdef");
    CHECK(request->spread_ms == 40);
    CHECK(request->since.empty());
    CHECK(request->hosts.empty());
    const auto sent_at = Clock::now();
    f.run_until_done();
    CHECK(f.client.phase() == Phase::Done);
    // Not before the answers are due (the spread) plus one quiet period.
    CHECK(ms_since(sent_at) >= 55);
    CHECK(f.done == 1);
    CHECK(f.sent.size() == 1);
    CHECK(f.err.text().find("vm-sub: roll call sent (answers within 40 ms)") != std::string::npos);
}

TEST_CASE("activity restarts the quiet period while settling") {
    Fixture f(settings(true, 40ms, 1000ms));
    f.client.start();
    for (int i = 0; i < 6; ++i) {
        f.run_for(15ms);
        f.client.activity();
    }
    CHECK(f.client.phase() == Phase::Settling);  // 90 ms, never 40 quiet
    CHECK(f.sent.empty());
    f.run_for(80ms);
    CHECK(f.client.phase() != Phase::Settling);
    CHECK(f.sent.size() == 1);
}

TEST_CASE("without asking (--no-roll-call): quiet means done, nothing is published, no reply topic") {
    Fixture f(settings(false, 10ms, 1000ms));
    CHECK(f.client.reply_filter().empty());
    CHECK_FALSE(f.client.origin(reply_topic("libvirt", "vs0123456789abcdef", "hv1", TopicType::Status)));
    f.client.start();
    f.run_until_done();
    CHECK(f.client.phase() == Phase::Done);
    CHECK(f.sent.empty());
    CHECK(f.done == 1);
}

TEST_CASE("an empty reply id means not asking") {
    Fixture f(settings(true, 10ms, 1000ms), "");
    f.client.start();
    f.run_until_done();
    CHECK(f.sent.empty());
    CHECK(f.done == 1);
}

TEST_CASE("the reply filter and the origin of an answer") {
    Fixture f(settings(true, 10ms, 1000ms));
    CHECK(f.client.reply_filter() == "libvirt/reply/vs0123456789abcdef/#");
    auto origin = f.client.origin(reply_topic("libvirt", "vs0123456789abcdef", "hv1", TopicType::Journal));
    REQUIRE(origin);
    CHECK(*origin == journal_topic("libvirt", "hv1"));
    CHECK_FALSE(f.client.origin("libvirt/hv1/status"));
    CHECK_FALSE(f.client.origin(reply_topic("libvirt", "vsother", "hv1", TopicType::Status)));
}

TEST_CASE("the hard cap ends a wait that never settles, without a roll call any more") {
    Fixture f(settings(true, 30ms, 80ms));
    f.client.start();
    const auto start = Clock::now();
    while (f.client.phase() != Phase::Done && ms_since(start) < 1000) {
        f.run_for(10ms);
        f.client.activity();
    }
    CHECK(f.client.phase() == Phase::Done);
    CHECK(ms_since(start) < 400);
    CHECK(f.sent.empty());
    CHECK(f.done == 1);
}

TEST_CASE("no hard cap (--watch): the request goes out after one quiet period, done after the answers") {
    Fixture f(settings(true, 20ms, 0ms, 10));
    f.client.start();
    f.run_until_done();
    CHECK(f.sent.size() == 1);
    CHECK(f.done == 1);
}

TEST_CASE("stop(): done at once, without the done call") {
    Fixture f(settings(true, 10ms, 1000ms));
    f.client.start();
    f.client.stop();
    CHECK(f.client.phase() == Phase::Done);
    f.run_for(40ms);
    CHECK(f.sent.empty());
    CHECK(f.done == 0);
}

TEST_CASE("the spread grows with the hosts heard of; --since and the host globs go in the request") {
    RollCallSettings s = settings(true, 5ms, 1000ms, -1);
    s.since_ms = 0;
    s.hosts = {"hv1", "db*"};
    Fixture f(s);
    f.hosts = 1000;
    f.client.start();
    f.run_until_done();
    REQUIRE(f.sent.size() == 1);
    auto request = decode_roll_call_request(f.sent[0].payload);
    REQUIRE(request);
    CHECK(request->spread_ms == 300);  // 100 + 1000 / 5
    CHECK(request->since == "1970-01-01T00:00:00.000Z");
    CHECK(request->hosts == std::vector<std::string>{"hv1", "db*"});
}

TEST_CASE("more host globs than a request holds: every host is asked") {
    RollCallSettings s = settings(true, 5ms, 1000ms);
    for (std::size_t i = 0; i <= kMaxRollCallHosts; ++i) s.hosts.push_back("hv" + std::to_string(i));
    Fixture f(s);
    f.client.start();
    f.run_until_done();
    REQUIRE(f.sent.size() == 1);
    auto request = decode_roll_call_request(f.sent[0].payload);
    REQUIRE(request);
    CHECK(request->hosts.empty());
}

TEST_CASE("a request that cannot be sent is said, and the wait goes on") {
    Fixture f(settings(true, 5ms, 1000ms));
    f.refuse = "not connected";
    f.client.start();
    f.run_until_done();
    CHECK(f.sent.size() == 1);
    CHECK(f.done == 1);
    CHECK(f.err.text().find("vm-sub: cannot send the roll call: not connected\n") != std::string::npos);
}

}  // TEST_SUITE
