// vm-sub --since's collecting phase (subscriber/history_phase): journals
// merged, live messages held, and what finish() hands over: the history
// in time order, the held messages, the seam, and the notices.
#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "common/format.h"
#include "common/journal.h"
#include "common/message.h"
#include "common/time.h"
#include "common/topic.h"
#include "subscriber/history_phase.h"
#include "stderr_pipe.h"

using namespace vme;
using namespace vme::sub;

namespace {

constexpr long long kNow = 1796000000000LL;

std::string event_at(const std::string& host, std::uint64_t seq, long long ms, const std::string& vm = "web1") {
    Event e;
    e.seq = seq;
    e.boot = "b1";
    e.time = iso_utc_from_ms(ms);
    e.host = host;
    e.domain = {vm, "c7a5fdbd-cdaf-9455-926a-d65c16db1809", 3};
    e.kind = "lifecycle";
    e.event = "started";
    e.detail = "booted";
    return encode_event(e);
}

/// A journal of `host`, complete from `from_ms`, holding `events` (payload, time).
std::string journal(const std::string& host, long long from_ms,
                    const std::vector<std::pair<std::string, long long>>& events) {
    JournalBuffer buffer(100, from_ms);
    for (const auto& [payload, ms] : events) buffer.add(payload, ms);
    return buffer.encode(iso_utc_from_ms(kNow), host);
}

struct Fixture {
    explicit Fixture(Filter filter = {}, std::optional<long long> until = std::nullopt)
        : phase("libvirt", std::move(filter), kNow - 60000, until, diag) {}
    void add(const std::string& host, const std::string& payload) {
        phase.add_journal(host, journal_topic("libvirt", host), payload);
    }
    StderrPipe err;
    Diagnostics diag{"vm-sub", 0, err.write_fd()};
    HistoryPhase phase;
};

std::vector<std::string> seqs(const std::vector<HistoryItem>& items) {
    std::vector<std::string> out;
    for (const auto& item : items) out.push_back(item.host + "#" + std::to_string(item.seq));
    return out;
}

}  // namespace

TEST_SUITE("sub.history_phase") {

TEST_CASE("journals of several hosts come out in time order; held live messages after, in order") {
    Fixture f;
    CHECK(f.phase.collecting());
    f.add("hv1", journal("hv1", kNow - 120000, {{event_at("hv1", 1, kNow - 30000), kNow - 30000},
                                                 {event_at("hv1", 2, kNow - 10000), kNow - 10000}}));
    f.add("hv2", journal("hv2", kNow - 120000, {{event_at("hv2", 7, kNow - 20000), kNow - 20000}}));
    CHECK(f.phase.hosts() == 2);
    f.phase.hold("libvirt/hv1/web1/event/lifecycle", "live-1", false);
    f.phase.hold("libvirt/hv1/status", "live-2", true);
    auto replay = f.phase.finish();
    CHECK_FALSE(f.phase.collecting());
    CHECK(seqs(replay.history) == std::vector<std::string>{"hv1#1", "hv2#7", "hv1#2"});
    CHECK(replay.history[0].topic == event_topic("libvirt", "hv1", "web1", "lifecycle"));
    REQUIRE(replay.live.size() == 2);
    CHECK(replay.live[0].payload == "live-1");
    CHECK_FALSE(replay.live[0].retained);
    CHECK(replay.live[1].payload == "live-2");
    CHECK(replay.live[1].retained);
    // The seam knows what the history showed.
    CHECK_FALSE(replay.seam.admit("hv1", "b1", 2));
    CHECK(replay.seam.admit("hv1", "b1", 3));
    CHECK_FALSE(replay.seam.admit("hv2", "b1", 7));
    CHECK(f.err.text().empty());
}

TEST_CASE("entries before --since and after --until are left out") {
    Fixture f({}, kNow - 15000);
    f.add("hv1", journal("hv1", kNow - 120000, {{event_at("hv1", 1, kNow - 90000), kNow - 90000},
                                                 {event_at("hv1", 2, kNow - 30000), kNow - 30000},
                                                 {event_at("hv1", 3, kNow - 10000), kNow - 10000}}));
    CHECK(seqs(f.phase.finish().history) == std::vector<std::string>{"hv1#2"});
}

TEST_CASE("the same entry in two journals (retained and an answer) comes out once") {
    Fixture f;
    const std::string j = journal("hv1", kNow - 120000, {{event_at("hv1", 1, kNow - 30000), kNow - 30000}});
    f.add("hv1", j);
    f.phase.add_journal("hv1", "libvirt/reply/vsx/hv1/journal", j);
    CHECK(f.phase.finish().history.size() == 1);
}

TEST_CASE("a cleared journal and hosts outside the filter are skipped silently") {
    Filter filter;
    filter.hosts = {"hv1"};
    Fixture f(filter);
    f.add("hv1", "");
    f.add("hv2", journal("hv2", kNow - 120000, {{event_at("hv2", 1, kNow - 30000), kNow - 30000}}));
    CHECK(f.phase.hosts() == 0);
    CHECK(f.phase.finish().history.empty());
    CHECK(f.err.text().empty());
}

TEST_CASE("an undecodable journal, or one naming another host, is warned about and skipped") {
    Fixture f;
    f.add("hv1", "not json");
    CHECK(f.err.text().starts_with("vm-sub: warning: on libvirt/hv1/journal: undecodable journal: "));
    f.add("hv1", journal("hv2", kNow - 120000, {{event_at("hv2", 1, kNow - 30000), kNow - 30000}}));
    CHECK(f.err.text().starts_with("vm-sub: warning: on libvirt/hv1/journal: "));
    CHECK(f.phase.finish().history.empty());
}

TEST_CASE("a spoofed entry (another host's name) is replayed but does not move that host's seam") {
    Fixture f;
    f.add("hv1", journal("hv1", kNow - 120000, {{event_at("hv2", 9, kNow - 30000), kNow - 30000}}));
    auto replay = f.phase.finish();
    REQUIRE(replay.history.size() == 1);
    CHECK_FALSE(replay.history[0].vouched);
    // Built from the journal's host: the pipeline's topic check catches the payload.
    CHECK(replay.history[0].topic == event_topic("libvirt", "hv1", "web1", "lifecycle"));
    CHECK(replay.seam.admit("hv2", "b1", 9));
}

TEST_CASE("a host whose journal starts after --since gets one notice") {
    Fixture f;
    f.add("hv1", journal("hv1", kNow - 30000, {{event_at("hv1", 1, kNow - 20000), kNow - 20000}}));
    f.add("hv2", journal("hv2", kNow - 120000, {}));
    (void)f.phase.finish();
    CHECK(f.err.text() == "vm-sub: hv1: history starts at " + iso_utc_from_ms(kNow - 30000) + "\n");
}

TEST_CASE("beyond kMaxHeld live messages the oldest go, with one warning") {
    Fixture f;
    for (std::size_t i = 0; i < HistoryPhase::kMaxHeld + 2; ++i)
        f.phase.hold("libvirt/hv1/web1/event/lifecycle", std::to_string(i), false);
    auto replay = f.phase.finish();
    REQUIRE(replay.live.size() == HistoryPhase::kMaxHeld);
    CHECK(replay.live.front().payload == "2");
    CHECK(f.err.text() == "vm-sub: more than " + std::to_string(HistoryPhase::kMaxHeld) +
                              " live messages while reading the history: the oldest are lost\n");
}

}  // TEST_SUITE
