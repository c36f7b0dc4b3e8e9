// io::Throttle (io/throttle.h) on a real io::EventLoop.
#include <doctest/doctest.h>

#include <chrono>

#include "io/throttle.h"

using namespace std::chrono;
using vme::io::EventLoop;
using vme::io::Throttle;

TEST_SUITE("throttle") {

TEST_CASE("a burst becomes one run now and one after the interval") {
    EventLoop loop;
    int runs = 0;
    Throttle t(loop, milliseconds(100), [&] { ++runs; });
    t.request();
    CHECK(runs == 0);  // never inside request()
    loop.run_once(milliseconds(0));
    CHECK(runs == 1);
    auto first = EventLoop::Clock::now();
    for (int i = 0; i < 10; ++i) t.request();
    CHECK(t.pending());
    while (runs < 2 && EventLoop::Clock::now() - first < seconds(5)) loop.run_once(milliseconds(20));
    CHECK(runs == 2);
    CHECK(EventLoop::Clock::now() - first >= milliseconds(90));
    CHECK_FALSE(t.pending());
}

TEST_CASE("cancel forgets the pending run") {
    EventLoop loop;
    int runs = 0;
    Throttle t(loop, milliseconds(10), [&] { ++runs; });
    t.request();
    t.cancel();
    loop.run_once(milliseconds(30));
    CHECK(runs == 0);
}

}  // TEST_SUITE
