// vm-pub's QoS probe (publisher/qos_probe.h): its states, what it learns,
// what it says, with a real io::EventLoop for its timeout.
#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "publisher/qos_probe.h"

using vme::Error;
using vme::Result;
using vme::io::EventLoop;
using vme::pub::QosProbe;
using State = QosProbe::State;

namespace {

struct Broker {
    std::vector<std::string> subscribed, unsubscribed, notices;
    int released = 0;
    int next_mid = 7;
    bool refuse = false;

    QosProbe::Hooks hooks() {
        return QosProbe::Hooks{
            [this](const std::string& topic, int qos) -> Result<int> {
                if (refuse) return Error{"no connection"};
                subscribed.push_back(topic + "@" + std::to_string(qos));
                return next_mid++;
            },
            [this](const std::string& topic) { unsubscribed.push_back(topic); },
            [this] { ++released; },
            [this](const std::string& line) { notices.push_back(line); },
        };
    }
};

const std::string kTopic = "libvirt/hv1/qos-probe";

}  // namespace

TEST_SUITE("qos_probe") {

TEST_CASE("below QoS 2 nothing is asked and nothing held") {
    EventLoop loop;
    Broker b;
    QosProbe p(1, kTopic, loop, b.hooks());
    p.connected();
    CHECK(b.subscribed.empty());
    CHECK(p.state() == State::Idle);
    CHECK_FALSE(p.holding());
    CHECK(p.ceiling() == 2);
}

TEST_CASE("QoS 2: subscribe, hold, learn the grant, unsubscribe, release, say it once") {
    EventLoop loop;
    Broker b;
    QosProbe p(2, kTopic, loop, b.hooks());
    p.connected();
    CHECK(b.subscribed == std::vector<std::string>{kTopic + "@2"});
    CHECK(p.state() == State::Holding);
    CHECK(p.holding());
    CHECK_FALSE(p.subscribed(99, {1}));  // another SUBACK
    CHECK(p.holding());
    CHECK(p.subscribed(7, {1}));
    CHECK(p.state() == State::Idle);
    CHECK(p.ceiling() == 1);
    CHECK(b.unsubscribed == std::vector<std::string>{kTopic});
    CHECK(b.released == 1);
    REQUIRE(b.notices.size() == 1);
    CHECK(b.notices[0] == "the broker grants QoS 1 at most; publishing at QoS 1 instead of 2");
    // The same broker again after a reconnect: nothing more to say.
    p.connected();
    CHECK(p.subscribed(8, {1}));
    CHECK(b.notices.size() == 1);
    // Another broker that grants 2: said once.
    p.connected();
    CHECK(p.subscribed(9, {2}));
    CHECK(p.ceiling() == 2);
    REQUIRE(b.notices.size() == 2);
    CHECK(b.notices[1] == "the broker grants QoS 2; publishing at QoS 2 again");
}

TEST_CASE("a refused probe teaches nothing and is said once") {
    EventLoop loop;
    Broker b;
    QosProbe p(2, kTopic, loop, b.hooks());
    p.connected();
    CHECK(p.subscribed(7, {128}));
    CHECK(p.ceiling() == 2);
    REQUIRE(b.notices.size() == 1);
    CHECK(b.notices[0].find("refused the QoS probe") != std::string::npos);
    p.connected();
    CHECK(p.subscribed(8, {0x87}));
    CHECK(b.notices.size() == 1);
}

TEST_CASE("no answer in time: events flow, and a late answer still applies") {
    EventLoop loop;
    Broker b;
    QosProbe p(2, kTopic, loop, b.hooks(), std::chrono::milliseconds(20));
    p.connected();
    for (int i = 0; i < 50 && p.holding(); ++i) loop.run_once(std::chrono::milliseconds(10));
    CHECK(p.state() == State::Late);
    CHECK_FALSE(p.holding());
    CHECK(b.released == 1);
    REQUIRE_FALSE(b.notices.empty());
    CHECK(b.notices.back() == "no answer to the QoS probe within 0 s; publishing at QoS 2 meanwhile");
    CHECK(p.subscribed(7, {0}));
    CHECK(p.ceiling() == 0);
    CHECK(p.state() == State::Idle);
}

TEST_CASE("a lost connection forgets the probe and releases the hold") {
    EventLoop loop;
    Broker b;
    QosProbe p(2, kTopic, loop, b.hooks());
    p.connected();
    p.disconnected();
    CHECK(p.state() == State::Idle);
    CHECK(b.released == 1);
    CHECK_FALSE(p.subscribed(7, {1}));  // the old SUBACK no longer counts
    CHECK(p.ceiling() == 2);
}

TEST_CASE("a SUBSCRIBE the library refuses holds nothing") {
    EventLoop loop;
    Broker b;
    b.refuse = true;
    QosProbe p(2, kTopic, loop, b.hooks());
    p.connected();
    CHECK(p.state() == State::Idle);
    REQUIRE(b.notices.size() == 1);
    CHECK(b.notices[0] == "cannot probe the broker's QoS: no connection");
}

}  // TEST_SUITE
