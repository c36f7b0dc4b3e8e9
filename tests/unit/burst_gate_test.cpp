// Tests of publisher/burst_gate: when the libvirt link gathers a burst into
// batches and when it hands events over at once.
#include <doctest/doctest.h>

#include "publisher/burst_gate.h"

using vme::pub::BurstGate;
using namespace std::chrono_literals;

namespace {
BurstGate::Clock::time_point at(std::chrono::microseconds us) { return BurstGate::Clock::time_point(us); }
}  // namespace

TEST_SUITE("burst gate") {
    TEST_CASE("a lone event, and events further apart than the pause, go at once") {
        BurstGate gate(1ms);
        CHECK(gate.mode() == BurstGate::Mode::Quiet);
        CHECK_FALSE(gate.should_gather(at(10000us)));
        CHECK_FALSE(gate.should_gather(at(11500us)));
        CHECK_FALSE(gate.should_gather(at(13000us)));
        CHECK(gate.mode() == BurstGate::Mode::Quiet);
    }

    TEST_CASE("events closer together than pause / batch start a burst; it lasts while pauses gather batches") {
        BurstGate gate(1ms);
        CHECK_FALSE(gate.should_gather(at(10000us)));
        CHECK(gate.should_gather(at(10400us)));
        CHECK(gate.mode() == BurstGate::Mode::Burst);
        gate.gathered(5);
        CHECK(gate.should_gather(at(20000us)));  // still a burst, however long since the last pass
        gate.gathered(2);
        CHECK(gate.mode() == BurstGate::Mode::Burst);
    }

    TEST_CASE("a pause that gathers less than a batch ends the burst") {
        BurstGate gate(1ms, 2);
        gate.should_gather(at(0us));
        REQUIRE(gate.should_gather(at(100us)));
        gate.gathered(1);
        CHECK(gate.mode() == BurstGate::Mode::Quiet);
        CHECK_FALSE(gate.should_gather(at(5000us)));
        gate.gathered(0);
        CHECK_FALSE(gate.should_gather(at(7000us)));
    }

    TEST_CASE("events 0.8 ms apart (slower than a batch per pause) are never held") {
        BurstGate gate(1ms, 2);
        for (int i = 0; i < 100; ++i) CHECK_FALSE(gate.should_gather(at(std::chrono::microseconds(800 * i))));
        CHECK(gate.mode() == BurstGate::Mode::Quiet);
    }

    TEST_CASE("a paced stream at the pause's rate gathers at most now and then") {
        // One event every 1.2 ms: never close enough, never held.
        BurstGate gate(1ms);
        int gathered = 0;
        for (int i = 0; i < 100; ++i) {
            if (gate.should_gather(at(std::chrono::microseconds(1200 * i)))) {
                ++gathered;
                gate.gathered(0);
            }
        }
        CHECK(gathered == 0);
    }
}
