// History and roll call: the journal format and its bounds (common/journal.h,
// common/message.h), WHEN parsing (common/when.h), the history merge and the
// seam (common/history.h), roll-call requests and their topics.
#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "common/decode.h"
#include "common/history.h"
#include "common/journal.h"
#include "common/message.h"
#include "common/time.h"
#include "common/topic.h"
#include "common/when.h"

namespace {

constexpr long long kNow = 1796000000000LL;  // 2026-11-29T...Z, fixed

std::string event_at(const std::string& host, std::uint64_t seq, long long ms, const std::string& vm = "web1",
                     const std::string& boot = "b1") {
    vme::Event e;
    e.seq = seq;
    e.boot = boot;
    e.time = vme::iso_utc_from_ms(ms);
    e.host = host;
    e.domain = {vm, "c7a5fdbd-cdaf-9455-926a-d65c16db1809", 3};
    e.kind = "lifecycle";
    e.event = "started";
    e.detail = "booted";
    return vme::encode_event(e);
}

vme::Journal decoded(const std::string& payload) {
    auto j = vme::decode_journal(payload);
    REQUIRE(j);
    return *j;
}

}  // namespace

TEST_CASE("journal topics, reply topics and reply ids") {
    CHECK(vme::journal_topic("libvirt", "hv/1") == "libvirt/hv%2F1/journal");
    CHECK(vme::roll_call_topic("a/b") == "a/b/roll-call");
    CHECK(vme::reply_topic("libvirt", "vsab12", "hv1", vme::TopicType::Status) == "libvirt/reply/vsab12/hv1/status");
    CHECK(vme::reply_topic("libvirt", "vsab12", "hv1", vme::TopicType::Journal) == "libvirt/reply/vsab12/hv1/journal");
    auto parts = vme::parse_topic("libvirt", "libvirt/hv1/journal");
    REQUIRE(parts);
    CHECK(parts->type == vme::TopicType::Journal);
    CHECK(parts->host == "hv1");
    CHECK(vme::origin_of_reply("libvirt", "vsab12", "libvirt/reply/vsab12/hv1/inventory") == "libvirt/hv1/inventory");
    CHECK(!vme::origin_of_reply("libvirt", "vsab12", "libvirt/reply/other/hv1/inventory"));
    CHECK(!vme::origin_of_reply("libvirt", "vsab12", "libvirt/reply/vsab12"));
    CHECK(vme::check_reply_id("vs-0_9aZ"));
    CHECK(!vme::check_reply_id(""));
    CHECK(!vme::check_reply_id(std::string(65, 'a')));
    CHECK(!vme::check_reply_id("a/b"));
    CHECK(!vme::check_reply_id("a+"));
    CHECK(!vme::check_reply_id("#"));
}

TEST_CASE("journal: encoded entries decode back as the event payloads, oldest first") {
    vme::JournalBuffer buffer(10, kNow - 60000);
    buffer.add(event_at("hv1", 1, kNow - 3000), kNow - 3000);
    buffer.add(event_at("hv1", 2, kNow - 2000), kNow - 2000);
    auto j = decoded(buffer.encode(vme::iso_utc_from_ms(kNow), "hv1"));
    CHECK(j.host == "hv1");
    CHECK(j.from == vme::iso_utc_from_ms(kNow - 60000));
    REQUIRE(j.events.size() == 2);
    CHECK(j.events[0] == event_at("hv1", 1, kNow - 3000));
    CHECK(vme::decode_event(j.events[1])->seq == 2);
    // Since: only the newer entry.
    auto since = decoded(buffer.encode("", "hv1", kNow - 2500));
    REQUIRE(since.events.size() == 1);
    CHECK(vme::decode_event(since.events[0])->seq == 2);
}

TEST_CASE("journal: more events than N drop the oldest; the start moves with them") {
    vme::JournalBuffer buffer(3, kNow - 60000);
    for (std::uint64_t i = 1; i <= 5; ++i) buffer.add(event_at("hv1", i, kNow - 10000 + 1000 * long(i)), kNow - 10000 + 1000 * long(i));
    CHECK(buffer.size() == 3);
    auto j = decoded(buffer.encode("", "hv1"));
    REQUIRE(j.events.size() == 3);
    CHECK(vme::decode_event(j.events.front())->seq == 3);
    CHECK(vme::decode_event(j.events.back())->seq == 5);
    CHECK(buffer.from_ms() == kNow - 7000);
    CHECK(j.from == vme::iso_utc_from_ms(kNow - 7000));
}

TEST_CASE("journal: the byte cap is honoured") {
    const std::size_t cap = 16 * 1024;
    vme::JournalBuffer buffer(10000, kNow, cap);
    for (std::uint64_t i = 1; i <= 500; ++i) buffer.add(event_at("hv1", i, kNow + long(i)), kNow + long(i));
    std::string payload = buffer.encode(vme::iso_utc_from_ms(kNow), "hv1");
    CHECK(payload.size() <= cap);
    CHECK(buffer.size() < 500);
    auto j = decoded(payload);
    CHECK(vme::decode_event(j.events.back())->seq == 500);
    // An entry larger than the whole budget is not kept at all.
    vme::JournalBuffer tiny(10, kNow, vme::kJournalHeaderAllowance + 100);
    tiny.add(event_at("hv1", 1, kNow), kNow);
    CHECK(tiny.size() == 0);
    CHECK(vme::kJournalByteCap <= vme::kMaxJournalBytes);
}

TEST_CASE("journal: restore puts an earlier run's entries first and keeps its start") {
    vme::JournalBuffer earlier(10, kNow - 90000);
    earlier.add(event_at("hv1", 7, kNow - 50000, "web1", "old"), kNow - 50000);
    auto old = decoded(earlier.encode("", "hv1"));
    old.events.push_back("{not json");  // unreadable: skipped
    vme::JournalBuffer now(2, kNow - 1000);
    now.add(event_at("hv1", 1, kNow - 500, "web1", "new"), kNow - 500);
    CHECK(now.restore(old) == 1);
    auto j = decoded(now.encode("", "hv1"));
    REQUIRE(j.events.size() == 2);
    CHECK(vme::decode_event(j.events[0])->boot == "old");
    CHECK(vme::decode_event(j.events[1])->boot == "new");
    CHECK(now.from_ms() == kNow - 90000);
}

TEST_CASE("journal decoding refuses what is not a journal") {
    CHECK(!vme::decode_journal(""));
    CHECK(!vme::decode_journal(R"({"schema":"vm-events/1","type":"status","host":"h","events":[]})"));
    CHECK(!vme::decode_journal(R"({"schema":"vm-events/1","type":"journal","events":[]})"));
    CHECK(!vme::decode_journal(R"({"schema":"vm-events/1","type":"journal","host":"h","events":[1]})"));
    CHECK(!vme::decode_journal(R"({"schema":"vm-events/1","type":"journal","host":"h","events":[""]})"));
    CHECK(!vme::decode_journal(R"({"schema":"vm-events/1","type":"journal","host":"h","from":"yesterday","events":[]})"));
    CHECK(!vme::decode_journal(R"({"schema":"vm-events/1","type":"journal","host":"h","host":"g","events":[]})"));
    std::string many = R"({"schema":"vm-events/1","type":"journal","host":"h","events":[)";
    for (std::size_t i = 0; i <= vme::kMaxJournalEvents; ++i) many += i ? ",\"x\"" : "\"x\"";
    many += "]}";
    CHECK(!vme::decode_journal(many));
    std::string huge = R"({"schema":"vm-events/1","type":"journal","host":"h","events":[")" +
                       std::string(vme::kMaxJournalBytes, 'a') + "\"]}";
    CHECK(!vme::decode_journal(huge));
    CHECK(vme::decode_journal(R"({"schema":"vm-events/1","type":"journal","host":"h","events":[]})"));
}

TEST_CASE("WHEN: durations back from now") {
    CHECK(*vme::parse_when("90s", kNow) == kNow - 90000);
    CHECK(*vme::parse_when("10m", kNow) == kNow - 600000);
    CHECK(*vme::parse_when("2h", kNow) == kNow - 7200000);
    CHECK(*vme::parse_when("1d", kNow) == kNow - 86400000);
    CHECK(*vme::parse_when("0s", kNow) == kNow);
    for (const char* bad : {"", "s", "10", "10x", "-5m", "1.5h", "10 m", "m10", "99999999999999d", "37000d"})
        CHECK_MESSAGE(!vme::parse_when(bad, kNow), bad);
}

TEST_CASE("WHEN: RFC 3339 times with any zone") {
    CHECK(*vme::parse_when("2026-11-29T10:00:00Z", kNow) == *vme::ms_from_iso_utc("2026-11-29T10:00:00Z"));
    CHECK(*vme::parse_when("2026-11-29T10:00:00.250Z", kNow) == *vme::ms_from_iso_utc("2026-11-29T10:00:00.250Z"));
    CHECK(*vme::parse_when("2026-11-29t10:00:00z", kNow) == *vme::ms_from_iso_utc("2026-11-29T10:00:00Z"));
    CHECK(*vme::parse_when("2026-11-29 10:00:00Z", kNow) == *vme::ms_from_iso_utc("2026-11-29T10:00:00Z"));
    CHECK(*vme::parse_when("2026-11-29T11:30:00+01:30", kNow) == *vme::ms_from_iso_utc("2026-11-29T10:00:00Z"));
    CHECK(*vme::parse_when("2026-11-29T05:00:00-05:00", kNow) == *vme::ms_from_iso_utc("2026-11-29T10:00:00Z"));
    for (const char* bad : {"2026-11-29", "2026-11-29T10:00:00", "2026-02-30T10:00:00Z", "2026-11-29T10:00:00+25:00",
                            "2026-11-29T10:00:00+01", "yesterday", "2026-11-29T10:00:00Zjunk"})
        CHECK_MESSAGE(!vme::parse_when(bad, kNow), bad);
}

TEST_CASE("the --since/--until window") {
    CHECK(vme::check_window(kNow - 1000, std::nullopt, kNow));
    CHECK(vme::check_window(kNow, kNow, kNow));
    CHECK(vme::check_window(kNow - 1000, kNow + 60000, kNow));  // --until in the future: follow until then
    auto future = vme::check_window(kNow + 1, std::nullopt, kNow);
    REQUIRE(!future);
    CHECK(future.error().message.find("in the future") != std::string::npos);
    auto reversed = vme::check_window(kNow - 1000, kNow - 2000, kNow);
    REQUIRE(!reversed);
    CHECK(reversed.error().message.find("before --since") != std::string::npos);
}

TEST_CASE("history merge: hosts interleaved in time order, duplicates once, window applied") {
    vme::HistoryMerger merger("libvirt");
    vme::Journal a{"", "hv1", vme::iso_utc_from_ms(kNow - 100000),
                   {event_at("hv1", 1, kNow - 5000), event_at("hv1", 2, kNow - 3000), event_at("hv1", 3, kNow - 1000)}};
    vme::Journal b{"", "hv2", "", {event_at("hv2", 1, kNow - 4000, "db"), event_at("hv2", 2, kNow - 2000, "db")}};
    REQUIRE(*merger.add("hv1", a) == 0);
    REQUIRE(*merger.add("hv2", b) == 0);
    REQUIRE(*merger.add("hv1", a) == 0);  // the same journal again (retained and answer): no duplicates
    CHECK(merger.hosts() == 2);
    auto items = merger.take(kNow - 4500, kNow - 1500);
    REQUIRE(items.size() == 3);
    CHECK(items[0].host == "hv2");
    CHECK(items[0].topic == "libvirt/hv2/db/event/lifecycle");
    CHECK(items[1].host == "hv1");
    CHECK(items[1].seq == 2);
    CHECK(items[2].host == "hv2");
    CHECK(items[2].seq == 2);
    CHECK(merger.take(0, std::nullopt).empty());  // taken
}

TEST_CASE("history merge: a spoofed journal is refused, a spoofed entry keeps its topic's host") {
    vme::HistoryMerger merger("libvirt");
    vme::Journal spoofed{"", "hv2", "", {event_at("hv2", 1, kNow - 1000)}};
    auto refused = merger.add("hv1", spoofed);
    REQUIRE(!refused);
    CHECK(refused.error().message.find("not the topic's") != std::string::npos);
    vme::Journal mixed{"", "hv1", "", {event_at("hv2", 9, kNow - 1000), "{bad", event_at("hv1", 1, kNow - 900)}};
    CHECK(*merger.add("hv1", mixed) == 1);
    auto items = merger.take(0, std::nullopt);
    REQUIRE(items.size() == 2);
    // The topic names the journal's host, so the pipeline's topic check catches the entry.
    CHECK(items[0].topic == "libvirt/hv1/web1/event/lifecycle");
    CHECK(items[0].host == "hv2");
    CHECK(!items[0].vouched);
    CHECK(items[1].vouched);
}

TEST_CASE("history merge: hosts whose journal starts after --since") {
    vme::HistoryMerger merger("libvirt");
    REQUIRE(merger.add("hv1", vme::Journal{"", "hv1", vme::iso_utc_from_ms(kNow - 1000), {}}));
    REQUIRE(merger.add("hv2", vme::Journal{"", "hv2", vme::iso_utc_from_ms(kNow - 9000), {}}));
    REQUIRE(merger.add("hv3", vme::Journal{"", "hv3", "", {}}));
    auto late = merger.late_starts(kNow - 5000);
    REQUIRE(late.size() == 1);
    CHECK(late[0].first == "hv1");
    CHECK(late[0].second == kNow - 1000);
}

TEST_CASE("the seam: a live event the history showed is not admitted") {
    vme::SeamFilter seam;
    CHECK(seam.empty());
    CHECK(seam.admit("hv1", "b1", 1));
    seam.record("hv1", "b1", 5);
    seam.record("hv1", "b1", 3);
    CHECK(!seam.empty());
    CHECK(!seam.admit("hv1", "b1", 5));
    CHECK(!seam.admit("hv1", "b1", 4));
    CHECK(seam.admit("hv1", "b1", 6));
    CHECK(seam.admit("hv1", "b2", 1));   // a new run of vm-pub
    CHECK(seam.admit("hv2", "b1", 1));
}

TEST_CASE("roll-call requests: round trip and validation") {
    vme::RollCallRequest request{"vs0123", "2026-11-29T10:00:00.000Z", 250, {}};
    auto back = vme::decode_roll_call_request(vme::encode_roll_call_request(request));
    REQUIRE(back);
    CHECK(back->reply == "vs0123");
    CHECK(back->since == "2026-11-29T10:00:00.000Z");
    CHECK(back->spread_ms == 250);
    vme::RollCallRequest narrow{"vs0123", "", 0, {"hv1", "web-*"}};
    auto narrowed = vme::decode_roll_call_request(vme::encode_roll_call_request(narrow));
    REQUIRE(narrowed);
    CHECK(narrowed->hosts == std::vector<std::string>{"hv1", "web-*"});
    auto plain = vme::decode_roll_call_request(R"({"schema":"vm-events/1","type":"roll-call","reply":"x"})");
    REQUIRE(plain);
    CHECK(plain->since.empty());
    CHECK(plain->spread_ms == 1000);
    for (const char* bad : {
             "", "[]", R"({"schema":"vm-events/1","type":"roll-call"})",
             R"({"schema":"vm-events/1","type":"roll-call","reply":"../../hv1/status"})",
             R"({"schema":"vm-events/1","type":"roll-call","reply":"a/#"})",
             R"({"schema":"vm-events/1","type":"roll-call","reply":"x","spread_ms":60001})",
             R"({"schema":"vm-events/1","type":"roll-call","reply":"x","spread_ms":-1})",
             R"({"schema":"vm-events/1","type":"roll-call","reply":"x","since":"10m"})",
             R"({"schema":"vm-events/1","type":"status","reply":"x"})",
             R"({"schema":"vm-events/1","type":"roll-call","reply":"x","hosts":"hv1"})",
             R"({"schema":"vm-events/1","type":"roll-call","reply":"x","hosts":[""]})",
             R"({"schema":"vm-events/1","type":"roll-call","reply":"x","hosts":[1]})",
             R"({"schema":"vm-events/1","type":"roll-call","reply":"x","hosts":["a","b","c","d","e","f","g","h","i","j","k","l","m","n","o","p","q"]})",
             R"({"schema":"vm-events/2","type":"roll-call","reply":"x"})"})
        CHECK_MESSAGE(!vme::decode_roll_call_request(bad), bad);
    std::string oversized = R"({"schema":"vm-events/1","type":"roll-call","reply":"x","pad":")" +
                            std::string(vme::kMaxRollCallRequestBytes, ' ') + "\"}";
    CHECK(!vme::decode_roll_call_request(oversized));
}
