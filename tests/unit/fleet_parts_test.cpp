// vm-pub's JournalKeeper and RollCallResponder on a real io::EventLoop,
// with their Messages collected instead of published.
#include <doctest/doctest.h>

#include <chrono>
#include <string>
#include <vector>

#include "common/decode.h"
#include "common/message.h"
#include "common/time.h"
#include "io/event_loop.h"
#include "publisher/journal_keeper.h"
#include "publisher/roll_call.h"

namespace {

using namespace std::chrono_literals;
using vme::pub::Message;

/// Runs the loop until `done()` or `limit` passed.
template <typename Done>
void run_until(vme::io::EventLoop& loop, Done done, std::chrono::milliseconds limit) {
    auto end = vme::io::EventLoop::Clock::now() + limit;
    while (!done() && vme::io::EventLoop::Clock::now() < end) loop.run_once(10ms);
}

std::string event_payload(std::uint64_t seq, const std::string& boot) {
    vme::Event e;
    e.seq = seq;
    e.boot = boot;
    e.time = "2026-11-29T10:00:00.000Z";
    e.host = "hv1";
    e.domain.name = "web1";
    e.kind = "lifecycle";
    e.event = "started";
    return vme::encode_event(e);
}

std::string request(const std::string& reply, int spread_ms, const std::string& since = "") {
    return vme::encode_roll_call_request(vme::RollCallRequest{reply, since, spread_ms, {}});
}

}  // namespace

TEST_CASE("JournalKeeper: restores the retained journal, unsubscribes, then publishes it with its own events") {
    vme::io::EventLoop loop;
    std::vector<Message> sent;
    std::vector<std::string> unsubscribed, logs;
    vme::pub::JournalKeeper keeper("libvirt", "hv1", 10, 1796000000000LL, loop,
                                   [&](Message m) { sent.push_back(std::move(m)); },
                                   [&](const std::string& l) { logs.push_back(l); },
                                   [&](const std::string& t) { unsubscribed.push_back(t); });
    CHECK(keeper.topic() == "libvirt/hv1/journal");
    CHECK(keeper.restoring());
    keeper.add(event_payload(1, "new"), 1796000000000LL);
    keeper.on_connected();
    CHECK(sent.empty());  // nothing before the restore
    vme::JournalBuffer old(10, 1795000000000LL);
    old.add(event_payload(7, "old"), 1795000001000LL);
    keeper.on_retained(old.encode("", "hv1"));
    CHECK(!keeper.restoring());
    REQUIRE(unsubscribed == std::vector<std::string>{"libvirt/hv1/journal"});
    REQUIRE(sent.size() == 1);
    CHECK(sent[0].topic == "libvirt/hv1/journal");
    CHECK(sent[0].retain);
    auto journal = vme::decode_journal(sent[0].payload);
    REQUIRE(journal);
    REQUIRE(journal->events.size() == 2);
    CHECK(vme::decode_event(journal->events[0])->boot == "old");
    CHECK(vme::decode_event(journal->events[1])->boot == "new");
    CHECK(logs.back() == "history: restored 1 events from the broker");
    // Within a second of that publish, more events make one later publish.
    keeper.add(event_payload(2, "new"), 1796000000100LL);
    keeper.add(event_payload(3, "new"), 1796000000200LL);
    CHECK(sent.size() == 1);
    run_until(loop, [&] { return sent.size() == 2; }, 3000ms);
    REQUIRE(sent.size() == 2);
    CHECK(vme::decode_journal(sent[1].payload)->events.size() == 4);
}

TEST_CASE("JournalKeeper: a journal of another host is not restored") {
    vme::io::EventLoop loop;
    std::vector<Message> sent;
    std::vector<std::string> logs;
    vme::pub::JournalKeeper keeper("libvirt", "hv1", 10, 0, loop, [&](Message m) { sent.push_back(std::move(m)); },
                                   [&](const std::string& l) { logs.push_back(l); }, [](const std::string&) {});
    vme::JournalBuffer other(10, 0);
    other.add(event_payload(7, "x"), 1000);
    keeper.on_retained(other.encode("", "hv2"));
    REQUIRE(sent.size() == 1);
    CHECK(vme::decode_journal(sent[0].payload)->events.empty());
    CHECK(logs.back().find("names host 'hv2'") != std::string::npos);
}

TEST_CASE("RollCallResponder: answers under the reply topic, merges requests, at most one round a second") {
    vme::io::EventLoop loop;
    std::vector<Message> sent;
    std::vector<std::string> logs;
    vme::pub::RollCallResponder responder(
        "libvirt", "hv1", loop,
        {[] { return std::string("STATUS"); }, [] { return std::string("INVENTORY"); },
         [](std::optional<long long> since) { return "JOURNAL since " + std::to_string(since.value_or(-1)); }},
        [&](Message m) { sent.push_back(std::move(m)); }, [&](const std::string& l) { logs.push_back(l); });
    CHECK(responder.topic() == "libvirt/roll-call");
    responder.on_request(request("a", 0));
    responder.on_request(request("a", 0, "2026-11-29T10:00:00.000Z"));  // the same requester: merged
    run_until(loop, [&] { return responder.rounds() == 1; }, 2000ms);
    REQUIRE(sent.size() == 3);
    CHECK(sent[0].topic == "libvirt/reply/a/hv1/status");
    CHECK(sent[0].payload == "STATUS");
    CHECK(!sent[0].retain);
    CHECK(sent[1].topic == "libvirt/reply/a/hv1/inventory");
    CHECK(sent[2].topic == "libvirt/reply/a/hv1/journal");
    CHECK(sent[2].payload == "JOURNAL since " + std::to_string(*vme::ms_from_iso_utc("2026-11-29T10:00:00Z")));
    // 100 requests now: one more round, not before a second after the first.
    auto first = vme::io::EventLoop::Clock::now();
    for (int i = 0; i < 100; ++i) responder.on_request(request("b", 0));
    run_until(loop, [&] { return responder.rounds() == 2; }, 3000ms);
    CHECK(responder.rounds() == 2);
    CHECK(vme::io::EventLoop::Clock::now() - first >= 900ms);
    run_until(loop, [] { return false; }, 300ms);
    CHECK(responder.rounds() == 2);
    CHECK(sent.size() == 5);  // status and inventory for "b", no journal (no since)
    CHECK(logs.empty());
}

TEST_CASE("RollCallResponder: malformed and oversized requests are dropped with one warning") {
    vme::io::EventLoop loop;
    std::vector<Message> sent;
    std::vector<std::string> logs;
    vme::pub::RollCallResponder responder(
        "libvirt", "hv1", loop, {[] { return std::string(); }, [] { return std::string(); }, [](auto) { return std::string(); }},
        [&](Message m) { sent.push_back(std::move(m)); }, [&](const std::string& l) { logs.push_back(l); });
    vme::RollCallRequest other{"c", "", 0, {"hv2", "db*"}};
    responder.on_request(vme::encode_roll_call_request(other));  // asked of other hosts: silence, no warning
    responder.on_request("not json");
    responder.on_request(std::string(5000, 'x'));
    responder.on_request(R"({"schema":"vm-events/1","type":"roll-call","reply":"../x"})");
    run_until(loop, [] { return false; }, 100ms);
    CHECK(sent.empty());
    CHECK(responder.rounds() == 0);
    REQUIRE(logs.size() == 1);
    CHECK(logs[0].find("roll call: request dropped") == 0);
}
