// vm-pub's Delivery (publisher/delivery.h) against a fake publish function:
// order kept, nothing lost on reconnect, the bound honoured and drops
// counted, the QoS ceiling applied.
#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "publisher/delivery.h"

using vme::Error;
using vme::Result;
using vme::pub::Delivery;
using vme::pub::Message;

namespace {

/// A connection that records what it is handed and hands out mids as
/// libmosquitto does (16 bits, never 0, wrapping).
struct FakeLink {
    std::vector<Message> sent;
    std::vector<int> mids;
    int next_mid = 1;
    bool refuse = false;
    std::vector<std::string> notices;

    Delivery make(std::size_t limit, std::size_t window = Delivery::kDefaultWindow) {
        return Delivery(
            limit,
            [this](const Message& m) -> Result<int> {
                if (refuse) return Error{"the client is not connected"};
                sent.push_back(m);
                int mid = next_mid;
                next_mid = next_mid == 65535 ? 1 : next_mid + 1;
                mids.push_back(mid);
                return mid;
            },
            [this](const std::string& line) { notices.push_back(line); }, window);
    }
};

Message msg(int n, int qos = 1) { return Message{"t/" + std::to_string(n), std::to_string(n), qos, false, {}}; }

std::vector<std::string> payloads(const std::vector<Message>& ms) {
    std::vector<std::string> out;
    for (const auto& m : ms) out.push_back(m.payload);
    return out;
}

}  // namespace

TEST_SUITE("delivery") {

TEST_CASE("nothing is handed over while closed; opening hands over in order") {
    FakeLink link;
    Delivery d = link.make(100);
    for (int i = 1; i <= 5; ++i) d.enqueue(msg(i));
    CHECK(link.sent.empty());
    CHECK(d.queued() == 5);
    d.set_open(true);
    CHECK(payloads(link.sent) == std::vector<std::string>{"1", "2", "3", "4", "5"});
    CHECK(d.in_flight() == 5);
    CHECK_FALSE(d.idle());
    for (int mid : link.mids) CHECK(d.acknowledged(mid));
    CHECK(d.idle());
    CHECK(d.published() == 5);
    CHECK_FALSE(d.acknowledged(999));  // not ours
    CHECK(d.published() == 5);
}

TEST_CASE("the window bounds what is handed over; acknowledgements make room") {
    FakeLink link;
    Delivery d = link.make(100, 3);
    d.set_open(true);
    for (int i = 1; i <= 7; ++i) d.enqueue(msg(i));
    CHECK(link.sent.size() == 3);
    CHECK(d.queued() == 4);
    d.acknowledged(link.mids[0]);
    CHECK(link.sent.size() == 4);
    CHECK(link.sent.back().payload == "4");
}

TEST_CASE("a full queue drops the oldest, counts them and says so once per episode") {
    FakeLink link;
    Delivery d = link.make(4);
    for (int i = 1; i <= 10; ++i) d.enqueue(msg(i));
    CHECK(d.queued() == 4);
    CHECK(d.dropped() == 6);
    REQUIRE(link.notices.size() == 1);
    CHECK(link.notices[0] == "queue full (4 messages): dropping the oldest");
    d.set_open(true);
    CHECK(payloads(link.sent) == std::vector<std::string>{"7", "8", "9", "10"});
    REQUIRE(link.notices.size() == 2);
    CHECK(link.notices[1] == "queue below half full again; 6 dropped so far");
}

TEST_CASE("repair messages pass the bound and push nothing out") {
    FakeLink link;
    Delivery d = link.make(2);
    d.enqueue(msg(1));
    d.enqueue(msg(2));
    d.enqueue_repair(msg(3));
    d.enqueue_repair(msg(4));
    CHECK(d.queued() == 4);
    CHECK(d.dropped() == 0);
}

TEST_CASE("a lost connection takes back QoS 0 messages, in order, ahead of the queue") {
    FakeLink link;
    Delivery d = link.make(100);
    d.set_open(true);
    d.enqueue(msg(1, 0));
    d.enqueue(msg(2, 1));
    d.enqueue(msg(3, 0));
    d.connection_lost();
    d.enqueue(msg(4, 0));
    CHECK(d.in_flight() == 1);  // the QoS 1 message: libmosquitto resends it
    CHECK(d.queued() == 3);
    link.sent.clear();
    d.set_open(true);
    CHECK(payloads(link.sent) == std::vector<std::string>{"1", "3", "4"});
}

TEST_CASE("a replaced handle gives every message back, in hand-over order across a mid wrap") {
    FakeLink link;
    link.next_mid = 65534;  // the mids of 1..4 are 65534, 65535, 1, 2
    Delivery d = link.make(100);
    d.set_open(true);
    for (int i = 1; i <= 4; ++i) d.enqueue(msg(i, i % 2));
    d.take_back_all();
    CHECK(d.in_flight() == 0);
    CHECK(d.queued() == 4);
    link.sent.clear();
    d.set_open(true);
    CHECK(payloads(link.sent) == std::vector<std::string>{"1", "2", "3", "4"});
    for (int mid : std::vector<int>(link.mids.end() - 4, link.mids.end())) CHECK(d.acknowledged(mid));
    CHECK(d.idle());
}

TEST_CASE("the QoS ceiling lowers what is handed over and is what a loss goes by") {
    FakeLink link;
    Delivery d = link.make(100);
    d.set_qos_ceiling(0);
    d.set_open(true);
    d.enqueue(msg(1, 2));
    REQUIRE(link.sent.size() == 1);
    CHECK(link.sent[0].qos == 0);
    d.connection_lost();  // sent at QoS 0: libmosquitto dropped it, so it comes back
    CHECK(d.queued() == 1);
    d.set_qos_ceiling(2);
    d.set_open(true);
    CHECK(link.sent.back().qos == 2);
}

TEST_CASE("send_now goes ahead of the queue and into the window") {
    FakeLink link;
    Delivery d = link.make(100);
    d.enqueue(msg(1));
    auto mid = d.send_now(msg(99));
    REQUIRE(mid.ok());
    CHECK(payloads(link.sent) == std::vector<std::string>{"99"});
    CHECK(d.in_flight() == 1);
    CHECK(d.acknowledged(*mid));
}

TEST_CASE("a refused hand-over is counted and said, and the rest still go") {
    FakeLink link;
    Delivery d = link.make(100);
    link.refuse = true;
    d.enqueue(msg(1));
    d.set_open(true);
    CHECK(d.failed() == 1);
    CHECK(d.queued() == 0);
    REQUIRE_FALSE(link.notices.empty());
    CHECK(link.notices.back() == "the client is not connected");
    link.refuse = false;
    d.enqueue(msg(2));
    CHECK(payloads(link.sent) == std::vector<std::string>{"2"});
}

}  // TEST_SUITE
